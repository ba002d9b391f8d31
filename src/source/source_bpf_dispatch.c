/* Fill the dispatcher's tables: syscall number -> handler program. */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ringtap.skel.h"
#include "source/heap_release.h"
#include "source/source_bpf_dispatch.h"
#include "source/source_bpf_syscalls.h"

#define HANDLER_PREFIX "rt_sc_"

void source_bpf_dispatch_prepare(struct ringtap *skel)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, skel->obj)
		if (!strncmp(bpf_program__name(prog), HANDLER_PREFIX, strlen(HANDLER_PREFIX)))
			bpf_program__set_autoattach(prog, false);
}

static int fill_table(struct ringtap *skel, const struct source_bpf_syscall *table,
		      struct bpf_map *progs, unsigned char *kinds, size_t nkinds, const char **what)
{
	const struct source_bpf_syscall *sc;

	for (sc = table; sc->name; sc++) {
		struct bpf_program *prog;
		__u32 key = sc->nr;
		int fd, err;

		if (sc->nr < 0 || (size_t)sc->nr >= nkinds)
			continue;
		*what = sc->handler;
		prog = bpf_object__find_program_by_name(skel->obj, sc->handler);
		if (!prog)
			return -ENOENT;
		fd = bpf_program__fd(prog);
		if (fd < 0)
			return fd;
		err = bpf_map__update_elem(progs, &key, sizeof(key), &fd, sizeof(fd), BPF_ANY);
		if (err)
			return err;
		kinds[sc->nr] = sc->kind;
	}
	return 0;
}

int source_bpf_dispatch_fill(struct ringtap *skel, const char **what)
{
	size_t n = sizeof(skel->bss->sc_kind[0]);
	int err;

	/* libbpf's parse of the kernel BTF at load is freed by now: give it
	 * back (about 10 MB of RSS for the sensor's life). */
	heap_release_freed();
	_Static_assert(sizeof(skel->bss->sc_kind[0]) == sizeof(skel->bss->syscall_bitmap) * 8,
		       "one kind per bitmap bit");
	err = fill_table(skel, source_bpf_syscalls, skel->maps.sys_exit_native,
			 skel->bss->sc_kind[0], n, what);
	if (!err)
		err = fill_table(skel, source_bpf_syscalls_compat, skel->maps.sys_exit_compat,
				 skel->bss->sc_kind[1], n, what);
	return err;
}

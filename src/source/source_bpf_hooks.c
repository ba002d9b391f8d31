/* Attaching bpf/sock_hooks.bpf.h's programs to the cgroup v2 root. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <bpf/libbpf.h>

#include "ringtap.skel.h"
#include "enrich/cgroup_root.h"
#include "source/source_bpf_hooks.h"

bool source_bpf_hooks_capable(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	uint64_t eff;

	if (syscall(SYS_capget, &hdr, data))
		return false;
	eff = data[0].effective | ((uint64_t)data[1].effective << 32);
	return (eff & (1ull << CAP_NET_ADMIN)) || (eff & (1ull << CAP_SYS_ADMIN));
}

void source_bpf_hooks_set_loaded(struct ringtap *skel, bool on)
{
	bpf_program__set_autoload(skel->progs.rt_connect4, on);
	bpf_program__set_autoload(skel->progs.rt_connect6, on);
}

int source_bpf_hooks_attach(struct ringtap *skel, const char *cgroup_root, char *err, size_t errlen)
{
	struct {
		struct bpf_program *prog;
		struct bpf_link **link;
		const char *name;
	} hooks[] = {
		{ skel->progs.rt_connect4, &skel->links.rt_connect4, "rt_connect4 (cgroup/connect4)" },
		{ skel->progs.rt_connect6, &skel->links.rt_connect6, "rt_connect6 (cgroup/connect6)" },
	};
	char root[4096];
	int fd = -1, rc;

	rc = cgroup_root_detect(cgroup_root, root, sizeof(root));
	if (rc) {
		snprintf(err, errlen,
			 "connect events need the cgroup v2 hierarchy (%s: %s); mount cgroup2 there",
			 cgroup_root && *cgroup_root ? cgroup_root : "/sys/fs/cgroup",
			 rc == -ENOTDIR ? "not a cgroup2 mount" : strerror(-rc));
		return rc;
	}
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "opening the cgroup v2 root %s failed: %s", root, strerror(-rc));
		goto cleanup;
	}
	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		struct bpf_link *link = bpf_program__attach_cgroup(hooks[i].prog, fd);

		if (!link) {
			rc = -errno;
			snprintf(err, errlen,
				 "attaching %s to the cgroup v2 root %s failed: %s; connect events need "
				 "CAP_NET_ADMIN and the host's cgroup v2 root",
				 hooks[i].name, root, strerror(-rc));
			goto cleanup;
		}
		*hooks[i].link = link;
	}
	rc = 0;
cleanup:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The live EventSource: loads bpf/ringtap.bpf.c, attaches it, and hands each
 * ring-buffer record to the pipeline as a raw struct rt_header record.
 *
 * The kernel side submits without wakeups (a forced one only past a fill
 * threshold), so the owner must call read() on a bounded interval whether or
 * not fd() became readable; read() consumes whatever is in the ring.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>

#include "ringtap_abi.h"
#include "ringtap.skel.h"
#include "source/source_bpf_dispatch.h"
#include "policy/policy_map_writer.h"
#include "source/source_bpf.h"
#include "source/source_bpf_syscalls.h"
#include "source/source_bpf_hooks.h"
#include "source/source_bpf_features.h"

#define BTF_VMLINUX "/sys/kernel/btf/vmlinux"

struct source_bpf {
	struct event_source base;
	struct ringtap *skel;
	struct ring_buffer *rb;
	struct policy_map_fds policy_fds;
	struct source_bpf_features features; /* what this kernel lacks, probed at start */
	bool policy_published; /* a generation was published: wait before the next write */
	/* The current read() call, seen by the ring-buffer callback. */
	source_item_fn fn;
	void *fn_ctx;
	int delivered;
	int max;
	bool stopped_at_max;
	char error[512];
};

static struct source_bpf *to_bpf(struct event_source *base)
{
	return (struct source_bpf *)base;
}

static void set_error(struct source_bpf *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
}

/* libbpf's own messages: to stderr under RINGTAP_DEBUG; otherwise the last
 * warning is kept so a load failure can say which program the kernel refused. */
static __thread char libbpf_last_warning[256];

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (getenv("RINGTAP_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	if (level == LIBBPF_WARN) {
		char line[sizeof(libbpf_last_warning)];
		size_t n;

		vsnprintf(line, sizeof(line), fmt, ap);
		n = strlen(line);
		while (n && line[n - 1] == '\n')
			line[--n] = '\0';
		/* The "prog 'x': ..." lines name the culprit; keep the first. */
		if (strstr(line, "prog '") && !strstr(libbpf_last_warning, "prog '"))
			memcpy(libbpf_last_warning, line, n + 1);
		else if (!libbpf_last_warning[0])
			memcpy(libbpf_last_warning, line, n + 1);
	}
	return 0;
}

/* Root, or CAP_BPF + CAP_PERFMON (or CAP_SYS_ADMIN) in the effective set. */
static bool have_bpf_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	uint64_t eff;

	if (geteuid() == 0)
		return true;
	if (syscall(SYS_capget, &hdr, data))
		return false;
	eff = data[0].effective | ((uint64_t)data[1].effective << 32);
#define HAS(cap) (eff & (1ull << (cap)))
	return HAS(CAP_SYS_ADMIN) || (HAS(38 /* CAP_PERFMON */) && HAS(39 /* CAP_BPF */));
#undef HAS
}

/* The largest record (an exec with a full filename and argv) plus the
 * ring's own 8-byte record header. */
#define RING_RECORD_MAX (sizeof(struct rt_header) + sizeof(struct rt_exec_body) + RT_PATH_MAX + \
			 RT_ARGV_MAX + 8)

/* The smallest power of two (and whole pages) that holds the largest record. */
static uint64_t ring_min_bytes(long page)
{
	uint64_t n = (uint64_t)page;

	while (n < RING_RECORD_MAX)
		n <<= 1;
	return n;
}

static int check_ring_bytes(struct source_bpf *s, uint64_t *bytes)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t n = *bytes ? *bytes : SOURCE_BPF_DEFAULT_RING_BYTES;
	uint64_t min = ring_min_bytes(page);

	if (n % page || (n & (n - 1)) || n > (1ull << 30)) {
		set_error(s, "ring size %llu bytes is not a power of two between the page size (%ld) "
			  "and 1 GiB; use e.g. 8M",
			  (unsigned long long)n, page);
		return -EINVAL;
	}
	if (n < min) {
		set_error(s, "ring size %llu bytes is too small: an exec record takes up to %zu bytes, "
			  "so the ring needs at least %llu bytes (%lluK); use e.g. 8M",
			  (unsigned long long)n, (size_t)RING_RECORD_MAX, (unsigned long long)min,
			  (unsigned long long)(min >> 10));
		return -EINVAL;
	}
	*bytes = n;
	return 0;
}

static void set_rodata(struct ringtap *skel, const struct source_config *cfg, uint64_t ring)
{
	struct ringtap__rodata *ro = skel->rodata;

	ro->nr_openat = source_bpf_syscall_nr("openat");
	ro->nr_openat2 = source_bpf_syscall_nr("openat2");
	ro->nr_open = source_bpf_syscall_nr("open");
	ro->nr_creat = source_bpf_syscall_nr("creat");
	ro->nr_execve = source_bpf_syscall_nr("execve");
	ro->nr_execveat = source_bpf_syscall_nr("execveat");
	ro->nr_connect = source_bpf_syscall_nr("connect");
	ro->nr_accept = source_bpf_syscall_nr("accept");
	ro->nr_accept4 = source_bpf_syscall_nr("accept4");
	ro->nr32_openat = source_bpf_syscall_nr_compat("openat");
	ro->nr32_openat2 = source_bpf_syscall_nr_compat("openat2");
	ro->nr32_open = source_bpf_syscall_nr_compat("open");
	ro->nr32_creat = source_bpf_syscall_nr_compat("creat");
	ro->nr32_execve = source_bpf_syscall_nr_compat("execve");
	ro->nr32_execveat = source_bpf_syscall_nr_compat("execveat");
	ro->nr32_socketcall = source_bpf_syscall_nr_compat("socketcall");
	ro->nr32_connect = source_bpf_syscall_nr_compat("connect");
	ro->nr32_accept4 = source_bpf_syscall_nr_compat("accept4");
	ro->target_tgid = cfg->target_tgid;
	ro->wakeup_bytes = ring / 4;
	/* Benchmark only (bench/open_stages.sh): stop the open path early. */
	if (getenv("RINGTAP_BENCH_OPEN_STOP"))
		ro->bench_open_stop = strtoul(getenv("RINGTAP_BENCH_OPEN_STOP"), NULL, 10);
}

static void apply_enabled(struct ringtap *skel, const unsigned char *enabled)
{
	struct ringtap__bss *bss = skel->bss;
	size_t words = sizeof(bss->syscall_bitmap) / sizeof(bss->syscall_bitmap[0]);
	uint64_t bitmap[sizeof(bss->syscall_bitmap) / sizeof(bss->syscall_bitmap[0])];
	uint64_t compat[sizeof(bss->syscall_bitmap) / sizeof(bss->syscall_bitmap[0])];
	int i;

	_Static_assert(sizeof(bss->compat_bitmap) == sizeof(bss->syscall_bitmap), "bitmap sizes");
	for (i = 0; i < RT_EVENT_MAX; i++)
		bss->event_enabled[i] = i != 0 && (!enabled || enabled[i]);
	source_bpf_syscalls_bitmap(enabled, bitmap, words);
	source_bpf_syscalls_compat_bitmap(enabled, compat, words);
	/* syscall_bitmap is the first test of every syscall: native | compat. */
	for (i = 0; i < (int)words; i++) {
		__atomic_store_n(&bss->compat_bitmap[i], compat[i], __ATOMIC_RELAXED);
		__atomic_store_n(&bss->syscall_bitmap[i], bitmap[i] | compat[i], __ATOMIC_RELAXED);
	}
}

/* Let the kernel say who ringtap is: rt_learn_self runs in this process's
 * context and stores its global tgid and pid namespace, which getpid()
 * cannot give inside a container. */
static int learn_self(struct source_bpf *s)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(s->skel->progs.rt_learn_self), &opts);
	if (!err && opts.retval)
		err = -EOVERFLOW; /* pid namespaces nested deeper than the kernel allows */
	if (err) {
		set_error(s, "running rt_learn_self (which tells the probes to skip ringtap itself) "
			     "failed: %s", strerror(-err));
		return err;
	}
	return 0;
}

/* Name the first program the kernel would not attach. */
static const char *first_unattached(struct ringtap *skel)
{
	if (!skel->links.rt_sys_exit)
		return "rt_sys_exit (tp_btf/sys_exit)";
	if (!skel->links.rt_process_exec)
		return "rt_process_exec (tp_btf/sched_process_exec)";
	if (!skel->links.rt_process_exit)
		return "rt_process_exit (tp_btf/sched_process_exit)";
	if (!skel->links.rt_process_fork)
		return "rt_process_fork (tp_btf/sched_process_fork)";
	return "a program";
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct source_bpf *s = ctx;
	struct source_item item = { .raw = data, .raw_len = size };
	int err;

	err = s->fn(s->fn_ctx, &item);
	if (err)
		return err < 0 ? err : -EINVAL;
	s->delivered++;
	if (s->max > 0 && s->delivered >= s->max) {
		s->stopped_at_max = true;
		return -ECANCELED; /* libbpf stops only on an error */
	}
	return 0;
}

static int bpf_create(const struct source_config *cfg, struct event_source **out)
{
	static const struct source_config defaults = { 0 };
	struct source_bpf *s;
	uint64_t ring;
	bool connect_on;
	int err;

	*out = NULL;
	if (!cfg)
		cfg = &defaults;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->base.ops = &source_bpf_ops;
	*out = &s->base;
	libbpf_set_print(libbpf_print);
	libbpf_last_warning[0] = '\0';

	if (!have_bpf_privileges()) {
		set_error(s, "loading BPF probes needs root (or CAP_BPF and CAP_PERFMON); run ringtap as root");
		return -EPERM;
	}
	if (access(BTF_VMLINUX, R_OK)) {
		err = -errno;
		set_error(s, "this kernel has no BTF (%s: %s); ringtap needs CONFIG_DEBUG_INFO_BTF=y",
			  BTF_VMLINUX, strerror(-err));
		return err;
	}
	err = source_bpf_features_probe(&s->features, s->error, sizeof(s->error));
	if (err)
		return err;
	ring = cfg->ring_bytes;
	err = check_ring_bytes(s, &ring);
	if (err)
		return err;

	s->skel = ringtap__open();
	if (!s->skel) {
		err = -errno;
		set_error(s, "opening the BPF object failed: %s", strerror(-err));
		return err;
	}
	err = bpf_map__set_max_entries(s->skel->maps.events, ring);
	if (err) {
		set_error(s, "setting the ring size to %llu bytes failed: %s",
			  (unsigned long long)ring, strerror(-err));
		return err;
	}
	set_rodata(s->skel, cfg, ring);
	apply_enabled(s->skel, cfg->event_enabled);
	/* Connect records come from the socket hooks: without them connect
	 * capture would be forgeable, so ringtap refuses to start instead. */
	connect_on = source_bpf_hooks_wanted(cfg->event_enabled);
	if (connect_on && !source_bpf_hooks_capable()) {
		set_error(s, "network events need CAP_NET_ADMIN (the cgroup socket hooks that read "
			     "the kernel's copy of each destination); grant it (the Helm chart adds NET_ADMIN)");
		return -EPERM;
	}
	source_bpf_hooks_set_loaded(s->skel, connect_on);
	if (cfg->n_dns_ports)
		source_bpf_hooks_set_dns_ports(s->skel, cfg->dns_ports, cfg->n_dns_ports);
	source_bpf_dispatch_prepare(s->skel);
	/* io_uring submissions: from the tracepoint this kernel has, else none
	 * (a kernel without io_uring still reports io_uring_setup's -ENOSYS). */
	if (!s->features.io_uring_submit_tp)
		bpf_program__set_autoload(s->skel->progs.rt_io_uring_submit, false);
	else if ((err = bpf_program__set_attach_target(s->skel->progs.rt_io_uring_submit, 0,
							s->features.io_uring_submit_tp))) {
		set_error(s, "attaching to tracepoint %s failed: %s", s->features.io_uring_submit_tp, strerror(-err));
		return err;
	}
	/* Completions: the program for this kernel's tracepoint prototype. */
	bpf_program__set_autoload(s->skel->progs.rt_io_uring_complete,
				  s->features.io_uring_complete == SOURCE_BPF_COMPLETE_CQE);
	bpf_program__set_autoload(s->skel->progs.rt_io_uring_complete_args,
				  s->features.io_uring_complete == SOURCE_BPF_COMPLETE_ARGS);
	s->skel->rodata->io_uring_completions = s->features.io_uring_complete != SOURCE_BPF_COMPLETE_NONE;
	bpf_program__set_autoload(s->skel->progs.rt_module_load, s->features.module_load_tp);

	err = ringtap__load(s->skel);
	if (err) {
		set_error(s, "the kernel refused ringtap's BPF programs (%s): %s",
			  strerror(-err), libbpf_last_warning[0] ? libbpf_last_warning : "no detail; set RINGTAP_DEBUG=1");
		return err;
	}
	err = learn_self(s);
	if (err)
		return err;
	const char *missing = NULL;
	err = source_bpf_dispatch_fill(s->skel, &missing);
	if (err) {
		set_error(s, "putting syscall handler %s in the dispatch table failed: %s", missing, strerror(-err));
		return err;
	}
	err = policy_maps_find(s->skel->obj, &s->policy_fds, &missing);
	if (err) {
		set_error(s, "the BPF object has no policy map %s", missing);
		return err;
	}
	/* Before attaching: no event escapes the initial policy. */
	if (cfg->policy) {
		err = source_bpf_policy_apply(&s->base, cfg->policy);
		if (err)
			return err;
	}
	err = ringtap__attach(s->skel);
	if (err) {
		set_error(s, "attaching %s failed: %s", first_unattached(s->skel), strerror(-err));
		return err;
	}
	if (connect_on) {
		err = source_bpf_hooks_attach(s->skel, cfg->cgroup_root, s->error, sizeof(s->error));
		if (err)
			return err;
	}
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), on_record, s, NULL);
	if (!s->rb) {
		err = -errno;
		set_error(s, "mapping the ring buffer failed: %s", strerror(-err));
		return err;
	}
	return 0;
}

static int bpf_fd(struct event_source *base)
{
	struct source_bpf *s = to_bpf(base);

	return s->rb ? ring_buffer__epoll_fd(s->rb) : -1;
}

static int bpf_read(struct event_source *base, source_item_fn fn, void *ctx, int max)
{
	struct source_bpf *s = to_bpf(base);
	int n;

	s->fn = fn;
	s->fn_ctx = ctx;
	s->delivered = 0;
	s->max = max;
	s->stopped_at_max = false;
	n = ring_buffer__consume(s->rb);
	if (n < 0 && !s->stopped_at_max)
		return n; /* the callback's error, or libbpf's */
	return s->delivered;
}

/* policy_filtered: per-CPU __u64 at type * RT_POLICY_RULE_MAX + rule. */
static int read_filtered_by(struct source_bpf *s, struct source_type_stats *out, size_t n, int ncpu)
{
	uint64_t *percpu = calloc(ncpu, sizeof(*percpu));
	int err = 0;

	if (!percpu)
		return -ENOMEM;
	for (uint32_t type = 0; type < n && type < RT_EVENT_MAX; type++) {
		for (uint32_t rule = 0; rule < RT_POLICY_RULE_MAX; rule++) {
			uint32_t idx = type * RT_POLICY_RULE_MAX + rule;

			err = bpf_map__lookup_elem(s->skel->maps.policy_filtered, &idx, sizeof(idx),
						   percpu, ncpu * sizeof(*percpu), 0);
			if (err) {
				set_error(s, "reading the policy_filtered map failed: %s", strerror(-err));
				goto cleanup;
			}
			for (int cpu = 0; cpu < ncpu; cpu++)
				out[type].filtered_by[rule] += percpu[cpu];
		}
	}
cleanup:
	free(percpu);
	return err;
}

static int bpf_stats(struct event_source *base, struct source_type_stats *out, size_t n)
{
	struct source_bpf *s = to_bpf(base);
	int ncpu = libbpf_num_possible_cpus();
	struct rt_counters *percpu;
	uint32_t type;
	int cpu, err = 0;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	percpu = calloc(ncpu, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	memset(out, 0, n * sizeof(*out));
	for (type = 0; type < n && type < RT_EVENT_MAX; type++) {
		err = bpf_map__lookup_elem(s->skel->maps.counters, &type, sizeof(type), percpu,
					   ncpu * sizeof(*percpu), 0);
		if (err) {
			set_error(s, "reading the counters map failed: %s", strerror(-err));
			goto cleanup;
		}
		for (cpu = 0; cpu < ncpu; cpu++) {
			out[type].emitted += percpu[cpu].emitted;
			out[type].dropped += percpu[cpu].dropped;
			out[type].truncated += percpu[cpu].truncated;
			out[type].filtered += percpu[cpu].filtered;
			out[type].unsupported += percpu[cpu].unsupported;
		}
	}
	err = read_filtered_by(s, out, n, ncpu);
cleanup:
	free(percpu);
	return err;
}

static const char *bpf_last_error(struct event_source *base)
{
	struct source_bpf *s = to_bpf(base);

	return s->error[0] ? s->error : NULL;
}

static void bpf_destroy(struct event_source *base)
{
	struct source_bpf *s = to_bpf(base);

	if (!s)
		return;
	ring_buffer__free(s->rb);
	ringtap__destroy(s->skel);
	free(s);
}

int source_bpf_policy_apply(struct event_source *src, const struct policy_compiled *c)
{
	struct source_bpf *s;
	const char *failed = NULL;
	uint32_t live;
	int err;

	if (!src || src->ops != &source_bpf_ops || !to_bpf(src)->skel || !c || !c->generation)
		return -EINVAL;
	s = to_bpf(src);
	live = source_bpf_policy_gen(src);
	if (live && policy_slot(live) == c->slot) {
		set_error(s, "policy generation %u would overwrite the live slot of generation %u",
			  c->generation, live);
		return -EINVAL;
	}
	/* The slot about to be written was live two generations ago: let every
	 * program that may still be judging by it return first. */
	if (s->policy_published)
		policy_wait_readers();
	err = policy_maps_write(c, &s->policy_fds, &failed);
	if (err) {
		set_error(s, "writing the policy map %s failed: %s", failed ? failed : "?", strerror(-err));
		return err;
	}
	policy_publish(&s->skel->bss->policy_gen, c->generation);
	s->policy_published = true;
	return 0;
}

uint32_t source_bpf_self_tgid(struct event_source *src)
{
	if (!src || src->ops != &source_bpf_ops || !to_bpf(src)->skel)
		return 0;
	return to_bpf(src)->skel->bss->self_tgid;
}

const char *source_bpf_features_disabled(struct event_source *src, int detail)
{
	if (!src || src->ops != &source_bpf_ops)
		return "";
	return detail ? to_bpf(src)->features.disabled : to_bpf(src)->features.disabled_names;
}

uint32_t source_bpf_policy_gen(struct event_source *src)
{
	if (!src || src->ops != &source_bpf_ops || !to_bpf(src)->skel)
		return 0;
	return __atomic_load_n(&to_bpf(src)->skel->bss->policy_gen, __ATOMIC_ACQUIRE);
}

int source_bpf_set_event_enabled(struct event_source *src, const unsigned char *enabled)
{
	if (!src || src->ops != &source_bpf_ops || !to_bpf(src)->skel)
		return -EINVAL;
	apply_enabled(to_bpf(src)->skel, enabled);
	return 0;
}

static void bpf_stop(struct event_source *base)
{
	struct source_bpf *s = to_bpf(base);

	if (s->skel)
		ringtap__detach(s->skel);
}

const struct event_source_ops source_bpf_ops = {
	.name = "bpf",
	.create = bpf_create,
	.fd = bpf_fd,
	.read = bpf_read,
	.stats = bpf_stats,
	.stop = bpf_stop,
	.last_error = bpf_last_error,
	.destroy = bpf_destroy,
};

/* Credential, injection, memfd, module, mount, namespace, dup, signal and
 * bpf events, live: prog_proc_events makes each syscall (some failing on
 * purpose) and reports each result; every record it causes is checked
 * field by field against what the call was given and returned, in call
 * order, decoded from the ABI structs. Calls that must not be reported
 * (a signal to itself, a non-socket dup, fcntl commands other than
 * F_DUPFD) are checked to leave no record. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <netinet/in.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "bpf_test.h"

struct ctx {
	const char *dir;
	pid_t helper, child;
	int sock, modfd, pidfd, fsfd;
	uint64_t caps; /* the test's (root's) effective capabilities */
	int nth[RT_EVENT_MAX];
	const struct rec_list *recs;
};

static const void *next(struct ctx *c, uint16_t type, const char *name)
{
	const struct rt_header *h = rec_find(c->recs, type, c->helper, c->nth[type]++);

	if (!h)
		fail_msg("no record for %s", name);
	print_message("checking %s\n", name);
	assert_int_equal(h->abi_version, RT_ABI_VERSION);
	assert_int_equal(h->policy_gen, 42);
	assert_string_equal(h->comm, "prog_proc_event");
	assert_int_equal(h->ppid, getpid());
	assert_true(h->parent_start_ns > 0 && h->parent_start_ns <= h->start_ns);
	return h;
}

static void assert_str(const char *data, uint32_t len, const char *want)
{
	assert_int_equal(len, strlen(want));
	assert_memory_equal(data, want, len);
}

static void check_ns(struct ctx *c, const char *name, long ret)
{
	const struct rt_header *h = next(c, RT_EVENT_NAMESPACE, name);
	const struct rt_namespace_body *b = rec_body(h);

	assert_int_equal(h->size, sizeof(*h) + sizeof(*b));
	assert_int_equal(b->ret, ret);
	if (!strcmp(name, "setns_bad")) {
		assert_int_equal(b->syscall, RT_NS_SETNS);
		assert_int_equal(b->fd, 9999);
		assert_int_equal(b->flags, CLONE_NEWNET);
	} else {
		assert_int_equal(b->syscall, RT_NS_UNSHARE);
		assert_int_equal(b->fd, -1);
		assert_int_equal(b->flags, strcmp(name, "unshare") ? 0x1 : CLONE_NEWNS);
	}
}

static void check_mount(struct ctx *c, const char *name, long ret)
{
	const struct rt_header *h = next(c, RT_EVENT_MOUNT, name);
	const struct rt_mount_body *b = rec_body(h);
	const char *data = (const char *)(b + 1);
	char target[4096];
	const char *fstype = "", *source = "", *tgt = "", *key = "", *value = "";
	uint32_t kind = 0, cmd = 0;
	int32_t fd = -1, aux = 0;
	uint64_t flags = 0;

	snprintf(target, sizeof(target), "%s/mnt", c->dir);
	if (!strcmp(name, "mount")) {
		kind = RT_MOUNT_MOUNT, fstype = "tmpfs", source = "ringtap-tmp", tgt = target;
		flags = MS_NOSUID | MS_NODEV;
	} else if (!strcmp(name, "mount_private")) {
		kind = RT_MOUNT_MOUNT, tgt = "/", flags = MS_REC | MS_PRIVATE;
	} else if (!strcmp(name, "mount_bad")) {
		kind = RT_MOUNT_MOUNT, fstype = "tmpfs", source = "none", tgt = "/nonexistent-ringtap";
	} else if (!strcmp(name, "umount2")) {
		kind = RT_MOUNT_UMOUNT2, tgt = target, flags = MNT_DETACH;
	} else if (!strcmp(name, "pivot_root_bad")) {
		kind = RT_MOUNT_PIVOT_ROOT, source = c->dir, tgt = target;
	} else if (!strcmp(name, "chroot_bad")) {
		kind = RT_MOUNT_CHROOT, tgt = "/nonexistent-ringtap";
	} else if (!strcmp(name, "fsopen")) {
		kind = RT_MOUNT_FSOPEN, fstype = "tmpfs", flags = 1;
		c->fsfd = ret;
	} else if (!strncmp(name, "fsconfig", 8)) {
		kind = RT_MOUNT_FSCONFIG, fd = c->fsfd;
		if (!strcmp(name, "fsconfig_string"))
			cmd = 1, key = "size", value = "1m";
		else if (!strcmp(name, "fsconfig_flag_bad"))
			cmd = 0, key = "ringtap_nosuch";
		else if (!strcmp(name, "fsconfig_fd_bad"))
			cmd = 5, key = "source", aux = 9999;
		else
			cmd = 6;
	}
	assert_int_equal(h->size, sizeof(*h) + sizeof(*b) + b->fstype_len + b->source_len +
					  b->target_len + b->key_len + b->value_len);
	assert_int_equal(b->ret, ret);
	assert_int_equal(b->syscall, kind);
	assert_int_equal(b->flags, flags);
	assert_int_equal(b->attr, 0);
	assert_int_equal(b->fd, fd);
	assert_int_equal(b->dirfd, -1);
	assert_int_equal(b->dirfd2, -1);
	assert_int_equal(b->cmd, cmd);
	assert_int_equal(b->aux, aux);
	assert_str(data, b->fstype_len, fstype);
	data += b->fstype_len;
	assert_str(data, b->source_len, source);
	data += b->source_len;
	assert_str(data, b->target_len, tgt);
	data += b->target_len;
	assert_str(data, b->key_len, key);
	data += b->key_len;
	assert_str(data, b->value_len, value);
}

static void check_memfd(struct ctx *c, const char *name, long ret)
{
	const struct rt_header *h = next(c, RT_EVENT_MEMFD, name);
	const struct rt_memfd_body *b = rec_body(h);
	bool bad = !strcmp(name, "memfd_bad");

	assert_int_equal(h->size, sizeof(*h) + sizeof(*b) + b->name_len);
	assert_int_equal(b->ret, ret);
	assert_int_equal(b->flags, bad ? 0x4000 : 1);
	assert_str((const char *)(b + 1), b->name_len, bad ? "x" : "ringtap-memfd");
}

static void check_module(struct ctx *c, const char *name, long ret)
{
	const struct rt_header *h = next(c, RT_EVENT_MODULE, name);
	const struct rt_module_body *b = rec_body(h);
	const char *data = (const char *)(b + 1);

	assert_int_equal(h->size, sizeof(*h) + sizeof(*b) + b->name_len + b->params_len);
	assert_int_equal(b->ret, ret);
	if (!strcmp(name, "init_module")) {
		assert_int_equal(b->syscall, RT_MODULE_INIT);
		assert_int_equal(b->len, 16);
		assert_int_equal(b->fd, -1);
		assert_int_equal(b->flags, 0);
		assert_str(data, b->name_len, "");
		assert_str(data, b->params_len, "debug=1");
	} else if (!strcmp(name, "finit_module")) {
		assert_int_equal(b->syscall, RT_MODULE_FINIT);
		assert_int_equal(b->fd, c->modfd);
		assert_int_equal(b->flags, 0);
		assert_str(data, b->name_len, "prog_proc_events"); /* /proc/self/exe's name */
		assert_str(data + b->name_len, b->params_len, "opt=2");
	} else {
		assert_int_equal(b->syscall, RT_MODULE_DELETE);
		assert_int_equal(b->fd, -1);
		assert_int_equal(b->flags, O_NONBLOCK);
		assert_str(data, b->name_len, "ringtap_nosuch");
		assert_int_equal(b->params_len, 0);
	}
}

static void check_bpf(struct ctx *c, const char *name, long ret)
{
	const struct rt_header *h = next(c, RT_EVENT_BPF, name);
	const struct rt_bpf_body *b = rec_body(h);

	assert_int_equal(h->size, sizeof(*h) + sizeof(*b));
	assert_int_equal(b->ret, ret);
	if (!strcmp(name, "bpf_map_create")) {
		assert_int_equal(b->cmd, RT_BPF_MAP_CREATE);
		assert_int_equal(b->type, 2 /* BPF_MAP_TYPE_ARRAY */);
		assert_int_equal(b->key_size, 4);
		assert_int_equal(b->value_size, 8);
		assert_int_equal(b->count, 3);
		assert_string_equal(b->name, "rt_test_map");
	} else {
		assert_int_equal(b->cmd, RT_BPF_PROG_LOAD);
		assert_int_equal(b->type, 1 /* BPF_PROG_TYPE_SOCKET_FILTER */);
		assert_int_equal(b->count, 1);
		assert_int_equal(b->attach_type, 0);
		assert_string_equal(b->name, "rt_test_prog");
	}
}

static void check_dup(struct ctx *c, const char *name, long ret)
{
	const struct rt_header *h = next(c, RT_EVENT_DUP, name);
	const struct rt_dup_body *b = rec_body(h);
	const uint8_t lo[4] = { 127, 0, 0, 1 };

	assert_int_equal(h->size, sizeof(*h) + sizeof(*b));
	assert_int_equal(b->ret, ret);
	assert_int_equal(b->oldfd, c->sock);
	if (!strcmp(name, "dup2")) {
#ifdef SYS_dup2
		assert_int_equal(b->syscall, RT_DUP_DUP2);
		assert_int_equal(b->flags, 0);
#else
		assert_int_equal(b->syscall, RT_DUP_DUP3);
#endif
		assert_int_equal(b->newfd, 0);
	} else if (!strcmp(name, "dup3_bad")) {
		assert_int_equal(b->syscall, RT_DUP_DUP3);
		assert_int_equal(b->newfd, 1);
		assert_int_equal(b->flags, 0x1234);
	} else {
		assert_int_equal(b->syscall, RT_DUP_FCNTL);
		assert_int_equal(b->newfd, 0);
		assert_int_equal(b->flags, F_DUPFD);
	}
	assert_int_equal(b->family, AF_INET);
	assert_int_equal(b->sock_type, SOCK_STREAM);
	assert_int_equal(b->protocol, IPPROTO_TCP);
	assert_int_equal(b->local.family, AF_INET);
	assert_memory_equal(b->local.addr, lo, 4);
	assert_true(b->local.port > 0);
	assert_int_equal(b->peer.family, AF_INET);
	assert_memory_equal(b->peer.addr, lo, 4);
	assert_true(b->peer.port > 0 && b->peer.port != b->local.port);
}

static void check_ptrace(struct ctx *c, const char *name, long ret)
{
	const struct rt_header *h = next(c, RT_EVENT_PTRACE, name);
	const struct rt_ptrace_body *b = rec_body(h);

	assert_int_equal(h->size, sizeof(*h) + sizeof(*b));
	assert_int_equal(b->ret, ret);
	if (!strcmp(name, "process_vm_writev")) {
		assert_int_equal(b->syscall, RT_PTRACE_PROCESS_VM_WRITEV);
		assert_int_equal(b->target_pid, c->child);
		assert_int_equal(b->request, -1);
		assert_int_equal(b->local_iovcnt, 1);
		assert_int_equal(b->remote_iovcnt, 1);
		return;
	}
	assert_int_equal(b->syscall, RT_PTRACE_PTRACE);
	assert_int_equal(b->request, strcmp(name, "ptrace_detach") ? PTRACE_ATTACH : PTRACE_DETACH);
	assert_int_equal(b->target_pid, strcmp(name, "ptrace_bad") ? (uint32_t)c->child : 999999999u);
	assert_int_equal(b->addr, 0);
	assert_int_equal(b->data, 0);
}

static void check_signal(struct ctx *c, const char *name, long ret)
{
	const struct rt_header *h = next(c, RT_EVENT_SIGNAL, name);
	const struct rt_signal_body *b = rec_body(h);

	assert_int_equal(h->size, sizeof(*h) + sizeof(*b));
	assert_int_equal(b->ret, ret);
	assert_int_equal(b->target_pid, c->child);
	if (!strcmp(name, "tgkill")) {
		assert_int_equal(b->syscall, RT_SIGNAL_TGKILL);
		assert_int_equal(b->target_tid, c->child);
		assert_int_equal(b->sig, 0);
		assert_int_equal(b->pidfd, -1);
	} else if (!strcmp(name, "pidfd_send_signal")) {
		assert_int_equal(b->syscall, RT_SIGNAL_PIDFD_SEND_SIGNAL);
		assert_int_equal(b->sig, SIGKILL);
		assert_int_equal(b->pidfd, c->pidfd);
		assert_int_equal(b->target_tid, 0);
	} else {
		assert_int_equal(b->syscall, RT_SIGNAL_KILL);
		assert_int_equal(b->sig, strcmp(name, "kill_bad") ? SIGCONT : 12345);
		assert_int_equal(b->pidfd, -1);
		assert_int_equal(b->target_tid, 0);
	}
}

static void check_cred(struct ctx *c, const char *name, long ret)
{
	const struct rt_header *h = next(c, RT_EVENT_CRED, name);
	const struct rt_cred_body *b = rec_body(h);
	bool dropped = !strcmp(name, "setreuid") || !strcmp(name, "setuid_bad");
	uint32_t uid = dropped ? 4242 : 0;
	uint32_t gid = !strcmp(name, "setgid") || dropped ? 4242 : 0;
	uint32_t none = (uint32_t)-1;

	assert_int_equal(h->size, sizeof(*h) + sizeof(*b));
	assert_int_equal(b->ret, ret);
	assert_int_equal(b->uid, uid);
	assert_int_equal(b->euid, uid);
	assert_int_equal(b->suid, uid);
	assert_int_equal(b->fsuid, uid);
	assert_int_equal(b->gid, gid);
	assert_int_equal(b->egid, gid);
	assert_int_equal(b->sgid, gid);
	assert_int_equal(b->fsgid, gid);
	assert_int_equal(h->uid, uid); /* the header says the same */
	assert_int_equal(h->euid, uid);
	/* dropping every root uid clears the effective and permitted sets */
	assert_int_equal(b->cap_effective, dropped ? 0 : c->caps);
	assert_int_equal(b->cap_permitted, dropped ? 0 : c->caps);
	if (!strcmp(name, "setresuid")) {
		assert_int_equal(b->syscall, RT_CRED_SETRESUID);
		assert_int_equal(b->req[0], none);
		assert_int_equal(b->req[1], none);
		assert_int_equal(b->req[2], none);
	} else if (!strcmp(name, "setfsuid")) {
		assert_int_equal(b->syscall, RT_CRED_SETFSUID);
		assert_int_equal(b->req[0], 0);
		assert_int_equal(b->req[1], none);
	} else if (!strncmp(name, "capset", 6)) {
		assert_int_equal(b->syscall, RT_CRED_CAPSET);
		/* An unknown version fails with EINVAL after the kernel wrote the
		 * version it supports into the caller's header: read at exit,
		 * that is what the record holds (ringtap_abi.h). */
		assert_int_equal(b->req[0], _LINUX_CAPABILITY_VERSION_3);
		assert_int_equal(b->req[1], 0);
		assert_int_equal(b->req_cap_effective, c->caps);
		assert_int_equal(b->req_cap_permitted, c->caps);
	} else if (!strcmp(name, "setgid")) {
		assert_int_equal(b->syscall, RT_CRED_SETGID);
		assert_int_equal(b->req[0], 4242);
		assert_int_equal(b->req[1], none);
	} else if (!strcmp(name, "setreuid")) {
		assert_int_equal(b->syscall, RT_CRED_SETREUID);
		assert_int_equal(b->req[0], 4242);
		assert_int_equal(b->req[1], 4242);
		assert_int_equal(b->req[2], none);
	} else {
		assert_int_equal(b->syscall, RT_CRED_SETUID);
		assert_int_equal(b->req[0], 0);
	}
	if (strncmp(name, "capset", 6))
		assert_int_equal(b->req_cap_effective, 0);
}

/* The helper's own exec: who ran it and the executed file's identity,
 * against stat(2) of the binary and the test's own credentials. */
static void check_exec_identity(struct ctx *c, const char *prog)
{
	const struct rt_header *h = rec_find(c->recs, RT_EVENT_EXEC, c->helper, 0);
	const struct rt_exec_body *b;
	struct statfs fs;
	struct stat st;
	unsigned auid = (unsigned)-1, session = (unsigned)-1;
	FILE *f;

	if (!h)
		fail_msg("no exec record of the helper");
	b = rec_body(h);
	assert_int_equal(stat(prog, &st), 0);
	assert_int_equal(statfs(prog, &fs), 0);
	if ((f = fopen("/proc/self/loginuid", "r"))) {
		assert_int_equal(fscanf(f, "%u", &auid), 1);
		fclose(f);
	}
	if ((f = fopen("/proc/self/sessionid", "r"))) {
		assert_int_equal(fscanf(f, "%u", &session), 1);
		fclose(f);
	}
	assert_int_equal(b->ret, 0);
	assert_int_equal(b->auid, auid);
	assert_int_equal(b->sessionid, session);
	assert_int_equal(b->cap_effective, c->caps);
	assert_int_equal(b->cap_permitted, c->caps);
	assert_int_equal(b->exe_ino, st.st_ino);
	assert_int_equal(b->exe_dev >> 20, major(st.st_dev));
	assert_int_equal(b->exe_dev & 0xfffff, minor(st.st_dev));
	assert_int_equal(b->exe_mode, st.st_mode);
	assert_int_equal(b->exe_ctime, st.st_ctime);
	assert_int_equal(b->exe_mtime, st.st_mtime);
	assert_int_equal(b->exe_nlink, st.st_nlink);
	assert_false(b->exe_flags & (RT_EXE_MEMFD | RT_EXE_DELETED));
	assert_int_equal(!!(b->exe_flags & RT_EXE_OVERLAY), fs.f_type == 0x794c7630);
	/* built by root, owner-writable: writable by its root caller */
	assert_int_equal(!!(b->exe_flags & RT_EXE_WRITABLE),
			 (st.st_uid == 0 && (st.st_mode & 0200)) || (st.st_mode & 0002));
}

struct family {
	const char *prefix;
	void (*check)(struct ctx *, const char *, long);
};

static const struct family families[] = {
	{ "unshare", check_ns },   { "setns", check_ns },	 { "mount", check_mount },
	{ "umount", check_mount }, { "pivot", check_mount },	 { "chroot", check_mount },
	{ "fsopen", check_mount }, { "fsconfig", check_mount },	 { "memfd", check_memfd },	 { "init_module", check_module },
	{ "finit", check_module }, { "delete_module", check_module }, { "bpf", check_bpf },
	{ "dup", check_dup },	   { "fcntl", check_dup },	 { "ptrace", check_ptrace },
	{ "process_vm", check_ptrace }, { "kill", check_signal }, { "tgkill", check_signal },
	{ "pidfd", check_signal }, { "set", check_cred },	 { "capset", check_cred },
};

static uint64_t own_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	assert_int_equal(syscall(SYS_capget, &h, d), 0);
	return d[0].effective | (uint64_t)d[1].effective << 32;
}

static void test_proc_events(void **state)
{
	unsigned char enabled[RT_EVENT_MAX];
	struct policy_compiled *policy = bpf_test_permissive_policy(42);
	struct source_config cfg = { .ring_bytes = 8u << 20, .policy = policy, .event_enabled = enabled };
	char prog[4096], dir[64], line[256], name[64], val[32], cmd[128];
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	struct ctx c = { .recs = &recs };
	int status, checked = 0, unreported = 0;
	struct test_child tc = { .pid = -1, .go = -1 };
	unsigned long tty = 0;
	const char *build = getenv("RINGTAP_BUILD");
	FILE *f;

	(void)state;
	assert_non_null(policy);
	assert_non_null(build);
	memset(enabled, 1, sizeof(enabled));
	c.caps = own_caps();
	snprintf(prog, sizeof(prog), "%s/tests/prog_proc_events", build);
	assert_int_equal(access(prog, X_OK), 0);
	snprintf(dir, sizeof(dir), "/tmp/ringtap-proc-events-XXXXXX");
	assert_non_null(mkdtemp(dir));
	c.dir = dir;
	assert_int_equal(test_child_exec(&tc, prog, dir), 0);
	c.helper = tc.pid;
	rec_list_watch(&recs, c.helper);

	if (source_bpf_ops.create(&cfg, &src))
		fail_msg("create: %s", src ? src->ops->last_error(src) : "?");
	assert_int_equal(test_child_go(&tc), 0);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &c.helper, 15000), 0);
	assert_int_equal(waitpid(c.helper, &status, 0), c.helper);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	f = test_child_output(&tc);
	while (fgets(line, sizeof(line), f)) {
		const struct family *fam = NULL;
		long ret;

		assert_int_equal(sscanf(line, "%63s %31s", name, val), 2);
		ret = atol(val);
		if (!strcmp(name, "child")) { c.child = ret; continue; }
		if (!strcmp(name, "sock")) { c.sock = ret; continue; }
		if (!strcmp(name, "modfd")) { c.modfd = ret; continue; }
		if (!strcmp(name, "pidfd")) { c.pidfd = ret; continue; }
		if (!strcmp(name, "tty")) { tty = strtoul(val, NULL, 10); continue; }
		if (!strcmp(val, "skip"))
			continue;
		/* not reported: a signal to itself, a file (not a socket) dup'ed */
		if (!strcmp(name, "kill_self") || !strcmp(name, "dup2_file")) {
			unreported++;
			continue;
		}
		for (size_t i = 0; !fam && i < sizeof(families) / sizeof(families[0]); i++)
			if (!strncmp(name, families[i].prefix, strlen(families[i].prefix)))
				fam = &families[i];
		if (!fam)
			fail_msg("helper reported unknown call %s", name);
		fam->check(&c, name, ret);
		checked++;
	}
	fclose(f);
	check_exec_identity(&c, prog);
	{	/* the first exec had the test's terminal (if any); the re-exec its pty */
		unsigned long own_tty = 0;
		FILE *st = fopen("/proc/self/stat", "r");

		/* field 7, tty_nr; comm (field 2) has no spaces here */
		assert_non_null(st);
		assert_int_equal(fscanf(st, "%*d %*s %*c %*d %*d %*d %lu", &own_tty), 1);
		fclose(st);
		const struct rt_header *h1 = rec_find(&recs, RT_EVENT_EXEC, c.helper, 0);
		const struct rt_header *h2 = rec_find(&recs, RT_EVENT_EXEC, c.helper, 1);
		const struct rt_exec_body *e1, *e2;

		assert_non_null(h1);
		assert_non_null(h2);
		e1 = rec_body(h1);
		e2 = rec_body(h2);
		assert_int_equal(e1->tty >> 20, major(own_tty));
		assert_int_equal(e1->tty & 0xfffff, minor(own_tty));
		assert_true(tty != 0);
		assert_int_equal(e2->tty >> 20, major(tty));
		assert_int_equal(e2->tty & 0xfffff, minor(tty));
		assert_int_equal(e2->ret, 0);
		assert_int_equal(e2->cap_effective, 0); /* uid 4242 now */
	}
	{	/* the fork of the child names it: pid and start time (its entity) */
		const struct rt_header *h = rec_find(&recs, RT_EVENT_FORK, c.helper, 0);
		const struct rt_fork_body *fb;

		assert_non_null(h);
		fb = rec_body(h);
		assert_int_equal(fb->child_pid, c.child);
		assert_true(fb->child_start_ns > h->start_ns && fb->child_start_ns <= h->ts_ns);
	}
	assert_int_equal(unreported, 2);
	assert_int_equal(checked, 39);
	/* nothing else of these types from the helper (the dup(0) that kept
	 * stdin aside, the kill to itself, the file dup3: no records) */
	for (int t = RT_EVENT_CRED; t <= RT_EVENT_BPF; t++)
		assert_int_equal(rec_count(&recs, t, c.helper), c.nth[t]);

	source_destroy(src);
	rec_list_free(&recs);
	free(policy);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_events),
	};

	bpf_test_require_or_skip();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

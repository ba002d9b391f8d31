/* The process test_proc_events watches (run as root). Makes every
 * credential, injection, memfd, module, mount, namespace, dup, signal and
 * bpf syscall once, in the order below, through syscall(2) so libc cannot
 * substitute another call, some failing on purpose, and prints one line per
 * call: "NAME RET" (RET the result or -errno), after "child PID" (a child
 * it signals and traces), "sock FD" (a connected TCP socket) and
 * "modfd FD" (a file finit_module is given). Calls the architecture lacks
 * print "NAME skip". Works in a private mount namespace (unshare first),
 * so its mounts vanish with it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif

static void report(const char *name, long ret)
{
	printf("%s %ld\n", name, ret < 0 ? -(long)errno : ret);
	fflush(stdout);
}

#define CALL(name, ...) report(name, syscall(__VA_ARGS__))

/* A TCP connection on loopback; the client end's fd. */
static int tcp_pair(int *server_conn)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0 || c < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (void *)&a, &len) || connect(c, (void *)&a, sizeof(a)))
		return -1;
	*server_conn = accept(l, NULL, NULL);
	close(l);
	return c;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : NULL;
	char target[4096], buf[16] = "ringtap", dst[16] = "";
	int go[2], server = -1, sock, modfd, pidfd, stdin_copy;
	long fsfd;
	pid_t child;

	if (!dir) {
		fprintf(stderr, "usage: prog_proc_events DIR\n");
		return 2;
	}
	if (argc > 2) /* "final": the re-exec with a controlling terminal */
		return 0;
	snprintf(target, sizeof(target), "%s/mnt", dir);
	if (pipe(go))
		return 2;
	child = fork();
	if (child == 0) {
		char c;

		close(go[1]);
		while (read(go[0], &c, 1) < 0)
			;
		pause();
		_exit(0);
	}
	printf("child %d\n", child);

	/* namespaces: a private mount namespace for the mounts below */
	CALL("unshare", SYS_unshare, CLONE_NEWNS);
	CALL("unshare_bad", SYS_unshare, 0x1); /* CSIGNAL bits: EINVAL */
	CALL("setns_bad", SYS_setns, 9999, CLONE_NEWNET);

	/* mounts */
	CALL("mount_private", SYS_mount, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	mkdir(target, 0700);
	CALL("mount", SYS_mount, "ringtap-tmp", target, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m");
	CALL("mount_bad", SYS_mount, "none", "/nonexistent-ringtap", "tmpfs", 0, NULL);
	CALL("umount2", SYS_umount2, target, MNT_DETACH);
	CALL("pivot_root_bad", SYS_pivot_root, dir, target);
	CALL("chroot_bad", SYS_chroot, "/nonexistent-ringtap");
	fsfd = syscall(SYS_fsopen, "tmpfs", 1 /* FSOPEN_CLOEXEC */);
	report("fsopen", fsfd);
	CALL("fsconfig_string", SYS_fsconfig, fsfd, 1 /* FSCONFIG_SET_STRING */, "size", "1m", 0);
	CALL("fsconfig_flag_bad", SYS_fsconfig, fsfd, 0 /* FSCONFIG_SET_FLAG */, "ringtap_nosuch", NULL, 0);
	CALL("fsconfig_fd_bad", SYS_fsconfig, fsfd, 5 /* FSCONFIG_SET_FD */, "source", NULL, 9999);
	CALL("fsconfig_create", SYS_fsconfig, fsfd, 6 /* FSCONFIG_CMD_CREATE */, NULL, NULL, 0);

	/* fileless execution */
	CALL("memfd_create", SYS_memfd_create, "ringtap-memfd", 1 /* MFD_CLOEXEC */);
	CALL("memfd_bad", SYS_memfd_create, "x", 0x4000 /* unknown flag */);

	/* modules (no CONFIG_MODULES: -ENOSYS; otherwise bad images fail) */
	modfd = open("/proc/self/exe", O_RDONLY);
	printf("modfd %d\n", modfd);
	CALL("init_module", SYS_init_module, buf, sizeof(buf), "debug=1");
	CALL("finit_module", SYS_finit_module, modfd, "opt=2", 0);
	CALL("delete_module", SYS_delete_module, "ringtap_nosuch", O_NONBLOCK);

	/* bpf(): a map, and a program the verifier refuses */
	{
		union bpf_attr attr;
		struct bpf_insn insn = { .code = BPF_JMP | BPF_EXIT };

		memset(&attr, 0, sizeof(attr));
		attr.map_type = BPF_MAP_TYPE_ARRAY;
		attr.key_size = 4;
		attr.value_size = 8;
		attr.max_entries = 3;
		strcpy(attr.map_name, "rt_test_map");
		CALL("bpf_map_create", SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
		memset(&attr, 0, sizeof(attr));
		attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		attr.insn_cnt = 1;
		attr.insns = (unsigned long)&insn; /* exit without setting r0 */
		attr.license = (unsigned long)"GPL";
		strcpy(attr.prog_name, "rt_test_prog");
		CALL("bpf_prog_load", SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	}

	/* I/O redirection: a connected socket onto stdin (kept aside) */
	sock = tcp_pair(&server);
	printf("sock %d\n", sock);
	stdin_copy = dup(0);
#ifdef SYS_dup2
	CALL("dup2", SYS_dup2, sock, 0);
#else
	CALL("dup2", SYS_dup3, sock, 0, 0);
#endif
	CALL("dup3_bad", SYS_dup3, sock, 1, 0x1234); /* bad flags: EINVAL */
	close(0);
	CALL("fcntl_dupfd", SYS_fcntl, sock, F_DUPFD, 0);
	CALL("dup2_file", SYS_dup3, stdin_copy, 0, 0); /* not a socket: no record */

	/* injection: the child, attached, written to, detached */
	CALL("ptrace_attach", SYS_ptrace, PTRACE_ATTACH, child, 0, 0);
	waitpid(child, NULL, 0);
	{
		struct iovec local = { buf, 8 }, remote = { dst, 8 };

		CALL("process_vm_writev", SYS_process_vm_writev, child, &local, 1, &remote, 1, 0);
	}
	CALL("ptrace_detach", SYS_ptrace, PTRACE_DETACH, child, 0, 0);
	CALL("ptrace_bad", SYS_ptrace, PTRACE_ATTACH, 999999999, 0, 0);

	/* signals: to the child, to ourselves (not reported), then a kill */
	CALL("kill", SYS_kill, child, SIGCONT);
	CALL("kill_self", SYS_kill, getpid(), 0);
	CALL("tgkill", SYS_tgkill, child, child, 0);
	CALL("kill_bad", SYS_kill, child, 12345); /* bad signal: EINVAL */
	pidfd = syscall(SYS_pidfd_open, child, 0);
	printf("pidfd %d\n", pidfd);
	CALL("pidfd_send_signal", SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	waitpid(child, NULL, 0);

	/* credentials: keep root first, then drop and fail to get it back */
	{
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2];

		CALL("setresuid", SYS_setresuid, -1, -1, -1);
		CALL("setfsuid", SYS_setfsuid, 0);
		syscall(SYS_capget, &h, d);
		CALL("capset", SYS_capset, &h, d);
		h.version = 0x12345;
		CALL("capset_bad", SYS_capset, &h, d);
		CALL("setgid", SYS_setgid, 4242);
		CALL("setreuid", SYS_setreuid, 4242, 4242);
		CALL("setuid_bad", SYS_setuid, 0);
	}
	/* a controlling terminal, then exec again: the exec record says which */
	{
		struct stat st;
		int m, s;

		if (setsid() < 0 || (m = posix_openpt(O_RDWR | O_NOCTTY)) < 0 || grantpt(m) || unlockpt(m) ||
		    (s = open(ptsname(m), O_RDWR)) < 0 || fstat(s, &st))
			return 5;
		printf("tty %lu\n", (unsigned long)st.st_rdev);
		fflush(stdout);
		execl("/proc/self/exe", "prog_proc_events", dir, "final", (char *)NULL);
		return 6;
	}
}

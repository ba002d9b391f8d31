/* One syscall N times, for the per-type BPF cost (bench/type_cost.sh).
 * Usage: syscall_loop NAME N. Each call is one that ringtap reports (or,
 * for getppid and fcntl_getfl, deliberately one it does not), chosen so
 * the loop changes nothing: failing or idempotent calls. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MISSING "/nonexistent-ringtap"

int main(int argc, char **argv)
{
	long n = argc == 3 ? atol(argv[2]) : 0;
	pid_t other = getppid();

	if (n <= 0) {
		fprintf(stderr, "usage: syscall_loop getppid|openat|fcntl_getfl|kill|setresuid|unshare|memfd|mount|ptrace|unlinkat|renameat|fchmodat|fchownat|linkat|mknodat|dup3|bpf|finit_module|socket|connect|bind|listen N\n");
		return 2;
	}
	for (long i = 0; i < n; i++) {
		if (!strcmp(argv[1], "getppid"))
			syscall(SYS_getppid); /* no type watches it: the bitmap test only */
		else if (!strcmp(argv[1], "openat"))
			syscall(SYS_openat, AT_FDCWD, "/nonexistent-ringtap", O_RDONLY); /* open record */
		else if (!strcmp(argv[1], "fcntl_getfl"))
			syscall(SYS_fcntl, 0, F_GETFL); /* watched (dup), returns in the handler */
		else if (!strcmp(argv[1], "kill"))
			syscall(SYS_kill, other, 0); /* signal record */
		else if (!strcmp(argv[1], "setresuid"))
			syscall(SYS_setresuid, -1, -1, -1); /* cred record */
		else if (!strcmp(argv[1], "unshare"))
			syscall(SYS_unshare, 0x1); /* namespace record, -EINVAL */
		else if (!strcmp(argv[1], "memfd"))
			syscall(SYS_memfd_create, "ringtap-bench", 0x4000); /* memfd record (name read), -EINVAL */
		else if (!strcmp(argv[1], "mount"))
			syscall(SYS_mount, "none", "/nonexistent-ringtap", "tmpfs", 0, NULL); /* three strings, -ENOENT */
		else if (!strcmp(argv[1], "ptrace"))
			syscall(SYS_ptrace, 16, 999999999, 0, 0); /* ptrace record, -ESRCH */
		else if (!strcmp(argv[1], "unlinkat"))
			syscall(SYS_unlinkat, AT_FDCWD, MISSING, 0); /* unlink record, -ENOENT */
		else if (!strcmp(argv[1], "renameat"))
			syscall(SYS_renameat2, AT_FDCWD, MISSING, AT_FDCWD, MISSING "2", 0); /* rename record, two paths */
		else if (!strcmp(argv[1], "fchmodat"))
			syscall(SYS_fchmodat, AT_FDCWD, MISSING, 0600); /* chmod record */
		else if (!strcmp(argv[1], "fchownat"))
			syscall(SYS_fchownat, AT_FDCWD, MISSING, -1, -1, 0); /* chown record */
		else if (!strcmp(argv[1], "linkat"))
			syscall(SYS_linkat, AT_FDCWD, MISSING, AT_FDCWD, MISSING "2", 0); /* link record */
		else if (!strcmp(argv[1], "mknodat"))
			syscall(SYS_mknodat, AT_FDCWD, MISSING "/node", 0010600, 0); /* mknod record (FIFO), -ENOENT */
		else if (!strcmp(argv[1], "dup3"))
			syscall(SYS_dup3, 0, 0, 0); /* dup record, -EINVAL */
		else if (!strcmp(argv[1], "bpf"))
			syscall(SYS_bpf, -1, NULL, 0); /* bpf record, -EINVAL */
		else if (!strcmp(argv[1], "finit_module"))
			syscall(SYS_finit_module, -1, "", 0); /* module record, -EBADF */
		else if (!strcmp(argv[1], "socket"))
			syscall(SYS_socket, -1, 0, 0); /* socket type: -EAFNOSUPPORT */
		else if (!strcmp(argv[1], "connect"))
			syscall(SYS_connect, -1, NULL, 0); /* connect, -EBADF */
		else if (!strcmp(argv[1], "bind"))
			syscall(SYS_bind, -1, NULL, 0); /* bind, -EBADF */
		else if (!strcmp(argv[1], "listen"))
			syscall(SYS_listen, -1, 0); /* listen, -EBADF */
		else
			return 2;
	}
	return 0;
}

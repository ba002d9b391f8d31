/* Syscall numbers come from the host's <sys/syscall.h>, so the same BPF
 * object serves x86_64 and arm64 (which lacks open, creat and fork). */
#include <string.h>
#include <sys/syscall.h>
#include "source/source_bpf_syscalls.h"

#ifdef SYS_open
#define NR_OPEN SYS_open
#else
#define NR_OPEN (-1)
#endif
#ifdef SYS_creat
#define NR_CREAT SYS_creat
#else
#define NR_CREAT (-1)
#endif
#ifdef SYS_openat2
#define NR_OPENAT2 SYS_openat2
#else
#define NR_OPENAT2 (-1)
#endif
#ifdef SYS_accept
#define NR_ACCEPT SYS_accept
#else
#define NR_ACCEPT (-1)
#endif

/* Calls arm64 (asm-generic) lacks: only the *at forms exist there. */
#ifdef SYS_unlink
#define NR_UNLINK SYS_unlink
#else
#define NR_UNLINK (-1)
#endif
#ifdef SYS_rmdir
#define NR_RMDIR SYS_rmdir
#else
#define NR_RMDIR (-1)
#endif
#ifdef SYS_rename
#define NR_RENAME SYS_rename
#else
#define NR_RENAME (-1)
#endif
#ifdef SYS_renameat
#define NR_RENAMEAT SYS_renameat
#else
#define NR_RENAMEAT (-1)
#endif
#ifdef SYS_renameat2
#define NR_RENAMEAT2 SYS_renameat2
#else
#define NR_RENAMEAT2 (-1)
#endif
#ifdef SYS_chmod
#define NR_CHMOD SYS_chmod
#else
#define NR_CHMOD (-1)
#endif
#ifdef SYS_fchmodat2
#define NR_FCHMODAT2 SYS_fchmodat2
#else
#define NR_FCHMODAT2 452 /* Linux 6.6; one number on every architecture, newer than some libcs */
#endif
#ifdef SYS_chown
#define NR_CHOWN SYS_chown
#else
#define NR_CHOWN (-1)
#endif
#ifdef SYS_lchown
#define NR_LCHOWN SYS_lchown
#else
#define NR_LCHOWN (-1)
#endif
#ifdef SYS_link
#define NR_LINK SYS_link
#else
#define NR_LINK (-1)
#endif
#ifdef SYS_symlink
#define NR_SYMLINK SYS_symlink
#else
#define NR_SYMLINK (-1)
#endif
#ifdef SYS_mknod
#define NR_MKNOD SYS_mknod
#else
#define NR_MKNOD (-1)
#endif

#ifdef SYS_dup2
#define NR_DUP2 SYS_dup2
#else
#define NR_DUP2 (-1)
#endif
/* Calls numbered after 424 share one number on every architecture; older
 * libc headers may lack them. */
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_fsmount
#define SYS_fsmount 432
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

const struct source_bpf_syscall source_bpf_syscalls[] = {
	{ "openat", SYS_openat, RT_EVENT_OPEN, "rt_sc_open", RT_OPEN_OPENAT },
	{ "openat2", NR_OPENAT2, RT_EVENT_OPEN, "rt_sc_open", RT_OPEN_OPENAT2 },
	{ "open", NR_OPEN, RT_EVENT_OPEN, "rt_sc_open", RT_OPEN_OPEN },
	{ "creat", NR_CREAT, RT_EVENT_OPEN, "rt_sc_open", RT_OPEN_CREAT },
	{ "execve", SYS_execve, RT_EVENT_EXEC, "rt_sc_exec", RT_EXEC_EXECVE },
	{ "execveat", SYS_execveat, RT_EVENT_EXEC, "rt_sc_exec", RT_EXEC_EXECVEAT },
	{ "connect", SYS_connect, RT_EVENT_CONNECT, "rt_sc_connect", 0 },
	{ "accept", NR_ACCEPT, RT_EVENT_ACCEPT, "rt_sc_accept", 0 },
	{ "accept4", SYS_accept4, RT_EVENT_ACCEPT, "rt_sc_accept", 0 },
	{ "unlink", NR_UNLINK, RT_EVENT_UNLINK, "rt_sc_unlink", RT_UNLINK_UNLINK },
	{ "unlinkat", SYS_unlinkat, RT_EVENT_UNLINK, "rt_sc_unlink", RT_UNLINK_UNLINKAT },
	{ "rmdir", NR_RMDIR, RT_EVENT_UNLINK, "rt_sc_unlink", RT_UNLINK_RMDIR },
	{ "rename", NR_RENAME, RT_EVENT_RENAME, "rt_sc_rename", RT_RENAME_RENAME },
	{ "renameat", NR_RENAMEAT, RT_EVENT_RENAME, "rt_sc_rename", RT_RENAME_RENAMEAT },
	{ "renameat2", NR_RENAMEAT2, RT_EVENT_RENAME, "rt_sc_rename", RT_RENAME_RENAMEAT2 },
	{ "chmod", NR_CHMOD, RT_EVENT_CHMOD, "rt_sc_chmod", RT_CHMOD_CHMOD },
	{ "fchmod", SYS_fchmod, RT_EVENT_CHMOD, "rt_sc_chmod", RT_CHMOD_FCHMOD },
	{ "fchmodat", SYS_fchmodat, RT_EVENT_CHMOD, "rt_sc_chmod", RT_CHMOD_FCHMODAT },
	{ "fchmodat2", NR_FCHMODAT2, RT_EVENT_CHMOD, "rt_sc_chmod", RT_CHMOD_FCHMODAT2 },
	{ "chown", NR_CHOWN, RT_EVENT_CHOWN, "rt_sc_chown", RT_CHOWN_CHOWN },
	{ "fchown", SYS_fchown, RT_EVENT_CHOWN, "rt_sc_chown", RT_CHOWN_FCHOWN },
	{ "lchown", NR_LCHOWN, RT_EVENT_CHOWN, "rt_sc_chown", RT_CHOWN_LCHOWN },
	{ "fchownat", SYS_fchownat, RT_EVENT_CHOWN, "rt_sc_chown", RT_CHOWN_FCHOWNAT },
	{ "link", NR_LINK, RT_EVENT_LINK, "rt_sc_link", RT_LINK_LINK },
	{ "linkat", SYS_linkat, RT_EVENT_LINK, "rt_sc_link", RT_LINK_LINKAT },
	{ "symlink", NR_SYMLINK, RT_EVENT_LINK, "rt_sc_link", RT_LINK_SYMLINK },
	{ "symlinkat", SYS_symlinkat, RT_EVENT_LINK, "rt_sc_link", RT_LINK_SYMLINKAT },
	{ "mknod", NR_MKNOD, RT_EVENT_MKNOD, "rt_sc_mknod", RT_MKNOD_MKNOD },
	{ "mknodat", SYS_mknodat, RT_EVENT_MKNOD, "rt_sc_mknod", RT_MKNOD_MKNODAT },
	{ "setuid", SYS_setuid, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETUID },
	{ "setgid", SYS_setgid, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETGID },
	{ "setreuid", SYS_setreuid, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETREUID },
	{ "setregid", SYS_setregid, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETREGID },
	{ "setresuid", SYS_setresuid, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETRESUID },
	{ "setresgid", SYS_setresgid, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETRESGID },
	{ "setfsuid", SYS_setfsuid, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETFSUID },
	{ "setfsgid", SYS_setfsgid, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETFSGID },
	{ "capset", SYS_capset, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_CAPSET },
	{ "ptrace", SYS_ptrace, RT_EVENT_PTRACE, "rt_sc_ptrace", RT_PTRACE_PTRACE },
	{ "process_vm_writev", SYS_process_vm_writev, RT_EVENT_PTRACE, "rt_sc_ptrace", RT_PTRACE_PROCESS_VM_WRITEV },
	{ "memfd_create", SYS_memfd_create, RT_EVENT_MEMFD, "rt_sc_memfd", 0 },
	{ "init_module", SYS_init_module, RT_EVENT_MODULE, "rt_sc_module", RT_MODULE_INIT },
	{ "finit_module", SYS_finit_module, RT_EVENT_MODULE, "rt_sc_module", RT_MODULE_FINIT },
	{ "delete_module", SYS_delete_module, RT_EVENT_MODULE, "rt_sc_module", RT_MODULE_DELETE },
	{ "mount", SYS_mount, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_MOUNT },
	{ "umount2", SYS_umount2, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_UMOUNT2 },
	{ "chroot", SYS_chroot, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_CHROOT },
	{ "pivot_root", SYS_pivot_root, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_PIVOT_ROOT },
	{ "fsopen", SYS_fsopen, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_FSOPEN },
	{ "fsconfig", SYS_fsconfig, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_FSCONFIG },
	{ "fsmount", SYS_fsmount, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_FSMOUNT },
	{ "move_mount", SYS_move_mount, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_MOVE_MOUNT },
	{ "open_tree", SYS_open_tree, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_OPEN_TREE },
	{ "mount_setattr", SYS_mount_setattr, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_MOUNT_SETATTR },
	{ "unshare", SYS_unshare, RT_EVENT_NAMESPACE, "rt_sc_namespace", RT_NS_UNSHARE },
	{ "setns", SYS_setns, RT_EVENT_NAMESPACE, "rt_sc_namespace", RT_NS_SETNS },
	{ "dup", SYS_dup, RT_EVENT_DUP, "rt_sc_dup", RT_DUP_DUP },
	{ "dup2", NR_DUP2, RT_EVENT_DUP, "rt_sc_dup", RT_DUP_DUP2 },
	{ "dup3", SYS_dup3, RT_EVENT_DUP, "rt_sc_dup", RT_DUP_DUP3 },
	{ "fcntl", SYS_fcntl, RT_EVENT_DUP, "rt_sc_dup", RT_DUP_FCNTL },
	{ "kill", SYS_kill, RT_EVENT_SIGNAL, "rt_sc_signal", RT_SIGNAL_KILL },
	{ "tkill", SYS_tkill, RT_EVENT_SIGNAL, "rt_sc_signal", RT_SIGNAL_TKILL },
	{ "tgkill", SYS_tgkill, RT_EVENT_SIGNAL, "rt_sc_signal", RT_SIGNAL_TGKILL },
	{ "pidfd_send_signal", SYS_pidfd_send_signal, RT_EVENT_SIGNAL, "rt_sc_signal", RT_SIGNAL_PIDFD_SEND_SIGNAL },
	{ "bpf", SYS_bpf, RT_EVENT_BPF, "rt_sc_bpf", 0 },
	{ "io_uring_setup", SYS_io_uring_setup, RT_EVENT_IO_URING, "rt_sc_io_uring", 0 },
	/* network family (bpf/net_sock.h, net_unix.h); a number listed twice
	 * is watched when either event type is on (same handler) */
	{ "socket", SYS_socket, RT_EVENT_SOCKET, "rt_sc_net", RT_NET_SOCKET },
	{ "bind", SYS_bind, RT_EVENT_BIND, "rt_sc_net", RT_NET_BIND },
	{ "bind", SYS_bind, RT_EVENT_UNIX, "rt_sc_net", RT_NET_BIND },
	{ "listen", SYS_listen, RT_EVENT_LISTEN, "rt_sc_net", RT_NET_LISTEN },
	{ "connect", SYS_connect, RT_EVENT_UNIX, "rt_sc_connect", 0 },
	{ NULL, -1, 0, NULL, 0 },
};

/* What a 32-bit caller reaches on this kernel: on x86-64 the i386 table
 * (int $0x80, sysenter, 32-bit processes), whose numbers the i386 ABI fixes
 * (arch/x86/entry/syscalls/syscall_32.tbl). accept exists only through
 * socketcall there. aarch32 callers on arm64 are counted, not decoded. */
const struct source_bpf_syscall source_bpf_syscalls_compat[] = {
#if defined(__x86_64__)
	{ "openat", 295, RT_EVENT_OPEN, "rt_sc_open", RT_OPEN_OPENAT },
	{ "openat2", 437, RT_EVENT_OPEN, "rt_sc_open", RT_OPEN_OPENAT2 },
	{ "open", 5, RT_EVENT_OPEN, "rt_sc_open", RT_OPEN_OPEN },
	{ "creat", 8, RT_EVENT_OPEN, "rt_sc_open", RT_OPEN_CREAT },
	{ "execve", 11, RT_EVENT_EXEC, "rt_sc_exec", RT_EXEC_EXECVE },
	{ "execveat", 358, RT_EVENT_EXEC, "rt_sc_exec", RT_EXEC_EXECVEAT },
	/* also accept: see the bitmap */
	{ "socketcall", 102, RT_EVENT_CONNECT, "rt_sc_socketcall", 0 },
	{ "connect", 362, RT_EVENT_CONNECT, "rt_sc_connect", 0 },
	{ "accept4", 364, RT_EVENT_ACCEPT, "rt_sc_accept", 0 },
	{ "unlink", 10, RT_EVENT_UNLINK, "rt_sc_unlink", RT_UNLINK_UNLINK },
	{ "unlinkat", 301, RT_EVENT_UNLINK, "rt_sc_unlink", RT_UNLINK_UNLINKAT },
	{ "rmdir", 40, RT_EVENT_UNLINK, "rt_sc_unlink", RT_UNLINK_RMDIR },
	{ "rename", 38, RT_EVENT_RENAME, "rt_sc_rename", RT_RENAME_RENAME },
	{ "renameat", 302, RT_EVENT_RENAME, "rt_sc_rename", RT_RENAME_RENAMEAT },
	{ "renameat2", 353, RT_EVENT_RENAME, "rt_sc_rename", RT_RENAME_RENAMEAT2 },
	{ "chmod", 15, RT_EVENT_CHMOD, "rt_sc_chmod", RT_CHMOD_CHMOD },
	{ "fchmod", 94, RT_EVENT_CHMOD, "rt_sc_chmod", RT_CHMOD_FCHMOD },
	{ "fchmodat", 306, RT_EVENT_CHMOD, "rt_sc_chmod", RT_CHMOD_FCHMODAT },
	{ "fchmodat2", 452, RT_EVENT_CHMOD, "rt_sc_chmod", RT_CHMOD_FCHMODAT2 },
	/* chown, fchown, lchown take 16-bit ids on i386; the *32 calls 32-bit */
	{ "chown", 182, RT_EVENT_CHOWN, "rt_sc_chown", RT_CHOWN_CHOWN | RT_CHOWN_16BIT },
	{ "fchown", 95, RT_EVENT_CHOWN, "rt_sc_chown", RT_CHOWN_FCHOWN | RT_CHOWN_16BIT },
	{ "lchown", 16, RT_EVENT_CHOWN, "rt_sc_chown", RT_CHOWN_LCHOWN | RT_CHOWN_16BIT },
	{ "chown32", 212, RT_EVENT_CHOWN, "rt_sc_chown", RT_CHOWN_CHOWN },
	{ "fchown32", 207, RT_EVENT_CHOWN, "rt_sc_chown", RT_CHOWN_FCHOWN },
	{ "lchown32", 198, RT_EVENT_CHOWN, "rt_sc_chown", RT_CHOWN_LCHOWN },
	{ "fchownat", 298, RT_EVENT_CHOWN, "rt_sc_chown", RT_CHOWN_FCHOWNAT },
	{ "link", 9, RT_EVENT_LINK, "rt_sc_link", RT_LINK_LINK },
	{ "linkat", 303, RT_EVENT_LINK, "rt_sc_link", RT_LINK_LINKAT },
	{ "symlink", 83, RT_EVENT_LINK, "rt_sc_link", RT_LINK_SYMLINK },
	{ "symlinkat", 304, RT_EVENT_LINK, "rt_sc_link", RT_LINK_SYMLINKAT },
	{ "mknod", 14, RT_EVENT_MKNOD, "rt_sc_mknod", RT_MKNOD_MKNOD },
	{ "mknodat", 297, RT_EVENT_MKNOD, "rt_sc_mknod", RT_MKNOD_MKNODAT },
	/* setuid..setfsgid take 16-bit ids on i386; the *32 calls 32-bit */
	{ "setuid", 23, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETUID | RT_CRED_16BIT },
	{ "setgid", 46, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETGID | RT_CRED_16BIT },
	{ "setreuid", 70, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETREUID | RT_CRED_16BIT },
	{ "setregid", 71, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETREGID | RT_CRED_16BIT },
	{ "setresuid", 164, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETRESUID | RT_CRED_16BIT },
	{ "setresgid", 170, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETRESGID | RT_CRED_16BIT },
	{ "setfsuid", 138, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETFSUID | RT_CRED_16BIT },
	{ "setfsgid", 139, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETFSGID | RT_CRED_16BIT },
	{ "setuid32", 213, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETUID },
	{ "setgid32", 214, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETGID },
	{ "setreuid32", 203, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETREUID },
	{ "setregid32", 204, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETREGID },
	{ "setresuid32", 208, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETRESUID },
	{ "setresgid32", 210, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETRESGID },
	{ "setfsuid32", 215, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETFSUID },
	{ "setfsgid32", 216, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_SETFSGID },
	{ "capset", 185, RT_EVENT_CRED, "rt_sc_cred", RT_CRED_CAPSET },
	{ "ptrace", 26, RT_EVENT_PTRACE, "rt_sc_ptrace", RT_PTRACE_PTRACE },
	{ "process_vm_writev", 348, RT_EVENT_PTRACE, "rt_sc_ptrace", RT_PTRACE_PROCESS_VM_WRITEV },
	{ "memfd_create", 356, RT_EVENT_MEMFD, "rt_sc_memfd", 0 },
	{ "init_module", 128, RT_EVENT_MODULE, "rt_sc_module", RT_MODULE_INIT },
	{ "finit_module", 350, RT_EVENT_MODULE, "rt_sc_module", RT_MODULE_FINIT },
	{ "delete_module", 129, RT_EVENT_MODULE, "rt_sc_module", RT_MODULE_DELETE },
	{ "mount", 21, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_MOUNT },
	{ "umount2", 52, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_UMOUNT2 },
	{ "chroot", 61, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_CHROOT },
	{ "pivot_root", 217, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_PIVOT_ROOT },
	{ "fsopen", 430, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_FSOPEN },
	{ "fsconfig", 431, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_FSCONFIG },
	{ "fsmount", 432, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_FSMOUNT },
	{ "move_mount", 429, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_MOVE_MOUNT },
	{ "open_tree", 428, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_OPEN_TREE },
	{ "mount_setattr", 442, RT_EVENT_MOUNT, "rt_sc_mount", RT_MOUNT_MOUNT_SETATTR },
	{ "unshare", 310, RT_EVENT_NAMESPACE, "rt_sc_namespace", RT_NS_UNSHARE },
	{ "setns", 346, RT_EVENT_NAMESPACE, "rt_sc_namespace", RT_NS_SETNS },
	{ "dup", 41, RT_EVENT_DUP, "rt_sc_dup", RT_DUP_DUP },
	{ "dup2", 63, RT_EVENT_DUP, "rt_sc_dup", RT_DUP_DUP2 },
	{ "dup3", 330, RT_EVENT_DUP, "rt_sc_dup", RT_DUP_DUP3 },
	{ "fcntl", 55, RT_EVENT_DUP, "rt_sc_dup", RT_DUP_FCNTL },
	{ "fcntl64", 221, RT_EVENT_DUP, "rt_sc_dup", RT_DUP_FCNTL },
	{ "kill", 37, RT_EVENT_SIGNAL, "rt_sc_signal", RT_SIGNAL_KILL },
	{ "tkill", 238, RT_EVENT_SIGNAL, "rt_sc_signal", RT_SIGNAL_TKILL },
	{ "tgkill", 270, RT_EVENT_SIGNAL, "rt_sc_signal", RT_SIGNAL_TGKILL },
	{ "pidfd_send_signal", 424, RT_EVENT_SIGNAL, "rt_sc_signal", RT_SIGNAL_PIDFD_SEND_SIGNAL },
	{ "bpf", 357, RT_EVENT_BPF, "rt_sc_bpf", 0 },
	{ "io_uring_setup", 425, RT_EVENT_IO_URING, "rt_sc_io_uring", 0 },
	/* network family; socketcall's bind/listen/socket are not decoded */
	{ "socket", 359, RT_EVENT_SOCKET, "rt_sc_net", RT_NET_SOCKET },
	{ "bind", 361, RT_EVENT_BIND, "rt_sc_net", RT_NET_BIND },
	{ "bind", 361, RT_EVENT_UNIX, "rt_sc_net", RT_NET_BIND },
	{ "listen", 363, RT_EVENT_LISTEN, "rt_sc_net", RT_NET_LISTEN },
	{ "connect", 362, RT_EVENT_UNIX, "rt_sc_connect", 0 },
#endif
	{ NULL, -1, 0, NULL, 0 },
};

static void table_bitmap(const struct source_bpf_syscall *table, const unsigned char *enabled,
			 uint64_t *bitmap, size_t words)
{
	const struct source_bpf_syscall *s;

	for (s = table; s->name; s++) {
		if (s->nr < 0 || (size_t)s->nr >= words * 64)
			continue;
		/* socketcall multiplexes connect and accept */
		if (enabled && !enabled[s->event_type] &&
		    !(!strcmp(s->name, "socketcall") && enabled[RT_EVENT_ACCEPT]))
			continue;
		bitmap[s->nr / 64] |= 1ull << (s->nr % 64);
	}
}

void source_bpf_syscalls_bitmap(const unsigned char *enabled, uint64_t *bitmap, size_t words)
{
	memset(bitmap, 0, words * sizeof(*bitmap));
	table_bitmap(source_bpf_syscalls, enabled, bitmap, words);
}

void source_bpf_syscalls_compat_bitmap(const unsigned char *enabled, uint64_t *bitmap, size_t words)
{
	memset(bitmap, 0, words * sizeof(*bitmap));
	table_bitmap(source_bpf_syscalls_compat, enabled, bitmap, words);
}

int source_bpf_syscall_nr(const char *name)
{
	const struct source_bpf_syscall *s;

	for (s = source_bpf_syscalls; s->name; s++)
		if (!strcmp(s->name, name))
			return s->nr;
	return -1;
}

int source_bpf_syscall_nr_compat(const char *name)
{
	const struct source_bpf_syscall *s;

	for (s = source_bpf_syscalls_compat; s->name; s++)
		if (!strcmp(s->name, name))
			return s->nr;
	return -1;
}

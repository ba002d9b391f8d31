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

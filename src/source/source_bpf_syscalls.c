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

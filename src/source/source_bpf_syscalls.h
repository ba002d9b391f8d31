/* Which syscalls the probes watch, by this architecture's numbers, and which
 * handler program (bpf/dispatch.h) each one's sys_exit is sent to. */
#ifndef RINGTAP_SOURCE_BPF_SYSCALLS_H
#define RINGTAP_SOURCE_BPF_SYSCALLS_H

#include <stdint.h>
#include "ringtap_abi.h"

struct source_bpf_syscall {
	const char *name;
	int nr;		    /* -1: this architecture has no such call */
	int event_type;	    /* RT_EVENT_* it feeds */
	const char *handler; /* the BPF program its exit is tail-called to */
	int kind;	    /* the handler's sub-kind (e.g. RT_OPEN_OPENAT2) */
};

/* The table, terminated by { NULL }. */
extern const struct source_bpf_syscall source_bpf_syscalls[];
/* The 32-bit (compat) table of this architecture; empty where 32-bit
 * callers are not decoded. */
extern const struct source_bpf_syscall source_bpf_syscalls_compat[];

/* Set the bits of every syscall whose event type is enabled (enabled == NULL:
 * all) in bitmap[words]. Clears the rest. */
void source_bpf_syscalls_bitmap(const unsigned char *enabled, uint64_t *bitmap, size_t words);

/* The same for the compat table. */
void source_bpf_syscalls_compat_bitmap(const unsigned char *enabled, uint64_t *bitmap, size_t words);

/* The number of the named syscall, or -1. */
int source_bpf_syscall_nr(const char *name);
int source_bpf_syscall_nr_compat(const char *name);

#endif

/* Parent executable and argv on exec events, from the process table: each
 * successful exec is looked up by its parent's (ppid, parent start) and then
 * remembered itself; each fork hands the parent's entry to the child. */
#ifndef RINGTAP_PROCESS_LINEAGE_H
#define RINGTAP_PROCESS_LINEAGE_H

#include "enrich/process_table.h"
#include "ringtap/v1/event.pb-c.h"

struct process_lineage {
	struct process_table *table;
	/* the parent's strings for the event being handed on (the table's
	 * entry may be evicted by the event's own put) */
	char exe[PROCESS_TABLE_EXE_MAX];
	char argv_buf[PROCESS_TABLE_ARGV_MAX];
	char *argv[PROCESS_TABLE_ARGV_MAX / 2];
};

/* capacity entries (0: PROCESS_TABLE_DEFAULT_CAPACITY). 0 or -errno. */
int process_lineage_init(struct process_lineage *l, size_t capacity);
void process_lineage_fini(struct process_lineage *l);

/* Fill ev's Exec.parent_exe/parent_argv (successful execs) and update the
 * table from exec and fork events. Strings are borrowed from l until the
 * next call. */
void process_lineage_apply(struct process_lineage *l, Ringtap__V1__Event *ev);

#endif

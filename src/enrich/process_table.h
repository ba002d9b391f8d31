/* A bounded table of the processes the sensor saw exec (or fork from one
 * that did): executable and argv per process, keyed by (tgid, start time)
 * so a reused pid never finds another process's entry. Lets an exec event
 * carry its parent's executable and argv (bash -> curl) without a join
 * downstream. Fixed memory: capacity entries of fixed size, allocated once;
 * the least recently used entry makes room. Not thread-safe (the main
 * loop owns it). */
#ifndef RINGTAP_PROCESS_TABLE_H
#define RINGTAP_PROCESS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define PROCESS_TABLE_EXE_MAX 256  /* bytes kept of the executable's path, NUL included */
#define PROCESS_TABLE_ARGV_MAX 512 /* bytes kept of argv, each argument NUL-terminated */
#define PROCESS_TABLE_DEFAULT_CAPACITY 4096

struct process_table_entry {
	uint32_t tgid;
	uint64_t start_ns;
	char exe[PROCESS_TABLE_EXE_MAX];
	char argv[PROCESS_TABLE_ARGV_MAX];
	uint16_t argv_len; /* bytes used in argv */
	uint16_t argc;	   /* arguments kept */
	uint8_t truncated; /* exe or argv was cut to fit */
	/* table links (indexes; -1 = none) */
	int32_t lru_prev, lru_next, hash_next;
};

struct process_table_stats {
	uint64_t hits, misses, evictions;
	size_t entries, capacity;
	size_t bytes; /* the fixed memory the table holds */
};

struct process_table;

/* A table of capacity entries (> 0). 0 or -ENOMEM/-EINVAL. */
int process_table_create(size_t capacity, struct process_table **out);
void process_table_destroy(struct process_table *t);

/* Remember process (tgid, start_ns) as running exe with argv[0..argc). */
void process_table_put(struct process_table *t, uint32_t tgid, uint64_t start_ns, const char *exe,
		       char *const *argv, size_t argc);

/* The entry of (tgid, start_ns), or NULL; counts a hit or a miss. The
 * entry stays valid until the next put or inherit. */
const struct process_table_entry *process_table_get(struct process_table *t, uint32_t tgid,
						    uint64_t start_ns);

/* A fork: the child runs the parent's image until it execs. Copies the
 * parent's entry, if any, to the child's key (no hit/miss counted). */
void process_table_inherit(struct process_table *t, uint32_t parent_tgid, uint64_t parent_start_ns,
			   uint32_t child_tgid, uint64_t child_start_ns);

void process_table_stats(const struct process_table *t, struct process_table_stats *out);

#endif

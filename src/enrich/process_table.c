/* Fixed arrays: entries, hash buckets (a power of two >= capacity), an LRU
 * list through the entries, free slots on the list's tail. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "enrich/process_table.h"

struct process_table {
	struct process_table_entry *e;
	int32_t *bucket;
	size_t capacity, nbuckets, used;
	int32_t lru_head, lru_tail; /* most / least recently used */
	uint64_t hits, misses, evictions;
};

static size_t hash_of(const struct process_table *t, uint32_t tgid, uint64_t start_ns)
{
	uint64_t h = (uint64_t)tgid * 0x9e3779b97f4a7c15ull ^ start_ns * 0xc2b2ae3d27d4eb4full;

	return (size_t)(h ^ (h >> 29)) & (t->nbuckets - 1);
}

int process_table_create(size_t capacity, struct process_table **out)
{
	struct process_table *t;
	size_t nb = 1;

	if (!capacity || capacity > (1u << 24))
		return -EINVAL;
	while (nb < capacity)
		nb <<= 1;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->e = calloc(capacity, sizeof(*t->e));
	t->bucket = malloc(nb * sizeof(*t->bucket));
	if (!t->e || !t->bucket) {
		process_table_destroy(t);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nb; i++)
		t->bucket[i] = -1;
	t->capacity = capacity;
	t->nbuckets = nb;
	t->lru_head = t->lru_tail = -1;
	*out = t;
	return 0;
}

void process_table_destroy(struct process_table *t)
{
	if (!t)
		return;
	free(t->e);
	free(t->bucket);
	free(t);
}

static void lru_unlink(struct process_table *t, int32_t i)
{
	struct process_table_entry *x = &t->e[i];

	if (x->lru_prev >= 0)
		t->e[x->lru_prev].lru_next = x->lru_next;
	else
		t->lru_head = x->lru_next;
	if (x->lru_next >= 0)
		t->e[x->lru_next].lru_prev = x->lru_prev;
	else
		t->lru_tail = x->lru_prev;
}

static void lru_push_front(struct process_table *t, int32_t i)
{
	t->e[i].lru_prev = -1;
	t->e[i].lru_next = t->lru_head;
	if (t->lru_head >= 0)
		t->e[t->lru_head].lru_prev = i;
	t->lru_head = i;
	if (t->lru_tail < 0)
		t->lru_tail = i;
}

static int32_t find(const struct process_table *t, uint32_t tgid, uint64_t start_ns)
{
	for (int32_t i = t->bucket[hash_of(t, tgid, start_ns)]; i >= 0; i = t->e[i].hash_next)
		if (t->e[i].tgid == tgid && t->e[i].start_ns == start_ns)
			return i;
	return -1;
}

static void hash_remove(struct process_table *t, int32_t i)
{
	int32_t *p = &t->bucket[hash_of(t, t->e[i].tgid, t->e[i].start_ns)];

	while (*p != i)
		p = &t->e[*p].hash_next;
	*p = t->e[i].hash_next;
}

/* The slot for (tgid, start_ns): its existing one, a never-used one, or
 * the least recently used one (evicted). Linked as most recent. */
static int32_t slot_for(struct process_table *t, uint32_t tgid, uint64_t start_ns)
{
	int32_t i = find(t, tgid, start_ns);
	size_t b;

	if (i >= 0) {
		lru_unlink(t, i);
		lru_push_front(t, i);
		return i;
	}
	if (t->used < t->capacity) {
		i = (int32_t)t->used++;
	} else {
		i = t->lru_tail;
		hash_remove(t, i);
		lru_unlink(t, i);
		t->evictions++;
	}
	t->e[i].tgid = tgid;
	t->e[i].start_ns = start_ns;
	b = hash_of(t, tgid, start_ns);
	t->e[i].hash_next = t->bucket[b];
	t->bucket[b] = i;
	lru_push_front(t, i);
	return i;
}

void process_table_put(struct process_table *t, uint32_t tgid, uint64_t start_ns, const char *exe,
		       char *const *argv, size_t argc)
{
	struct process_table_entry *x = &t->e[slot_for(t, tgid, start_ns)];
	size_t n = exe ? strlen(exe) : 0, off = 0;

	x->truncated = n >= sizeof(x->exe);
	if (x->truncated)
		n = sizeof(x->exe) - 1;
	memcpy(x->exe, exe ? exe : "", n);
	x->exe[n] = '\0';
	x->argc = 0;
	for (size_t i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]) + 1;

		if (off + len > sizeof(x->argv) || x->argc == UINT16_MAX) {
			x->truncated = 1;
			break;
		}
		memcpy(x->argv + off, argv[i], len);
		off += len;
		x->argc++;
	}
	x->argv_len = (uint16_t)off;
}

const struct process_table_entry *process_table_get(struct process_table *t, uint32_t tgid,
						    uint64_t start_ns)
{
	int32_t i = find(t, tgid, start_ns);

	if (i < 0) {
		t->misses++;
		return NULL;
	}
	t->hits++;
	lru_unlink(t, i);
	lru_push_front(t, i);
	return &t->e[i];
}

void process_table_inherit(struct process_table *t, uint32_t parent_tgid, uint64_t parent_start_ns,
			   uint32_t child_tgid, uint64_t child_start_ns)
{
	int32_t p = find(t, parent_tgid, parent_start_ns), c;
	struct process_table_entry saved;

	if (p < 0)
		return;
	saved = t->e[p]; /* the child's slot may be the parent's evicted one */
	c = slot_for(t, child_tgid, child_start_ns);
	memcpy(t->e[c].exe, saved.exe, sizeof(saved.exe));
	memcpy(t->e[c].argv, saved.argv, sizeof(saved.argv));
	t->e[c].argv_len = saved.argv_len;
	t->e[c].argc = saved.argc;
	t->e[c].truncated = saved.truncated;
}

void process_table_stats(const struct process_table *t, struct process_table_stats *out)
{
	out->hits = t->hits;
	out->misses = t->misses;
	out->evictions = t->evictions;
	out->entries = t->used;
	out->capacity = t->capacity;
	out->bytes = sizeof(*t) + t->capacity * sizeof(*t->e) + t->nbuckets * sizeof(*t->bucket);
}

/* Shared by the BPF tests: skip rules, collecting raw records of chosen
 * processes from a live source, and finding them again. Header-only so the
 * tests stay one file each. */
#ifndef RINGTAP_BPF_TEST_H
#define RINGTAP_BPF_TEST_H

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ringtap_abi.h"
#include "source/source_bpf.h"

/* Exit 77 (ctest: skipped) unless this process can load BPF probes. */
static inline void bpf_test_require_or_skip(void)
{
	if (geteuid() != 0) {
		printf("SKIPPED: the BPF tests load probes and need root\n");
		exit(77);
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		printf("SKIPPED: this kernel has no BTF (/sys/kernel/btf/vmlinux)\n");
		exit(77);
	}
}

struct rec {
	uint8_t *data;
	size_t len;
};

/* Records kept by rec_collect: those of the listed tgids (none listed: all). */
struct rec_list {
	struct rec *v;
	size_t n, cap;
	uint64_t seen; /* every record handed over, kept or not */
	uint64_t kept[RT_EVENT_MAX]; /* records of the listed tgids, per type */
	bool count_only;	     /* count them but do not store them */
	uint32_t tgids[8];
	int ntgids;
};

static inline int rec_collect(void *ctx, const struct source_item *item)
{
	struct rec_list *l = ctx;
	const struct rt_header *h = item->raw;
	bool keep = l->ntgids == 0;
	int i;

	l->seen++;
	if (item->raw_len < sizeof(*h) || h->size != item->raw_len)
		return -EBADMSG; /* the size field must say exactly what arrived */
	for (i = 0; i < l->ntgids; i++)
		keep |= h->tgid == l->tgids[i];
	if (!keep)
		return 0;
	if (h->type < RT_EVENT_MAX)
		l->kept[h->type]++;
	if (l->count_only)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct rec *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].data = malloc(item->raw_len);
	if (!l->v[l->n].data)
		return -ENOMEM;
	memcpy(l->v[l->n].data, item->raw, item->raw_len);
	l->v[l->n].len = item->raw_len;
	l->n++;
	return 0;
}

static inline void rec_list_free(struct rec_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].data);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static inline void rec_list_watch(struct rec_list *l, uint32_t tgid)
{
	if (l->ntgids < (int)(sizeof(l->tgids) / sizeof(l->tgids[0])))
		l->tgids[l->ntgids++] = tgid;
}

/* The nth (0-based) record of this type from this tgid, or NULL. */
static inline const struct rt_header *rec_find(const struct rec_list *l, uint16_t type,
					       uint32_t tgid, int nth)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct rt_header *h = (const void *)l->v[i].data;

		if (h->type == type && h->tgid == tgid && nth-- == 0)
			return h;
	}
	return NULL;
}

static inline int rec_count(const struct rec_list *l, uint16_t type, uint32_t tgid)
{
	int n = 0;

	while (rec_find(l, type, tgid, n))
		n++;
	return n;
}

static inline long bpf_test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Drain the source into l, waiting on its fd (bounded interval) until done(l)
 * is true or timeout_ms passes. Returns 0, -ETIMEDOUT, or read()'s error. */
static inline int rec_drain_until(struct event_source *src, struct rec_list *l,
				  bool (*done)(const struct rec_list *, void *), void *arg,
				  long timeout_ms)
{
	long deadline = bpf_test_now_ms() + timeout_ms;
	struct pollfd pfd = { .fd = src->ops->fd(src), .events = POLLIN };

	for (;;) {
		int n = src->ops->read(src, rec_collect, l, 0);

		if (n < 0)
			return n;
		if (done && done(l, arg))
			return 0;
		if (bpf_test_now_ms() > deadline)
			return done ? -ETIMEDOUT : 0;
		poll(&pfd, 1, 20);
	}
}

static inline const void *rec_body(const struct rt_header *h)
{
	return (const uint8_t *)h + sizeof(*h);
}

#endif

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
#include "policy/policy_compile.h"

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

/* A compiled policy that lets everything through (every type on, nothing
 * excluded), for generation gen; free() it. NULL on failure. */
static inline struct policy_compiled *bpf_test_permissive_policy(uint32_t gen)
{
	struct policy *p = malloc(sizeof(*p));
	struct policy_compiled *c = malloc(sizeof(*c));

	if (p && c) {
		policy_init_defaults(p);
		if (policy_compile(p, gen, c)) {
			free(c);
			c = NULL;
		}
	}
	free(p);
	return c;
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

/* A helper program of the suite, run by a child that waits for
 * test_child_go(): the test attaches its source in between, so the whole of
 * the child's run is seen. Its stdout goes to a temporary file, not a pipe,
 * so a long report cannot block it while the test is still attaching;
 * test_child_output() gives it back once the child has exited. */
struct test_child {
	pid_t pid;
	int go;	   /* write end of the go pipe */
	FILE *out; /* the child's stdout */
};

static inline int test_child_exec(struct test_child *c, const char *prog, const char *arg)
{
	const char *name = strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog;
	int go[2];

	c->out = tmpfile();
	if (!c->out || pipe(go))
		return -errno;
	c->pid = fork();
	if (c->pid < 0)
		return -errno;
	if (c->pid == 0) {
		char ch;

		close(go[1]);
		if (read(go[0], &ch, 1) != 1)
			_exit(90);
		dup2(fileno(c->out), STDOUT_FILENO);
		execl(prog, name, arg, (char *)NULL);
		_exit(91);
	}
	close(go[0]);
	c->go = go[1];
	return 0;
}

static inline int test_child_go(struct test_child *c)
{
	int rc = write(c->go, "g", 1) == 1 ? 0 : -EIO;

	close(c->go);
	return rc;
}

/* The child's stdout from its start; the caller fcloses it. */
static inline FILE *test_child_output(struct test_child *c)
{
	rewind(c->out);
	return c->out;
}

/* rec_drain_until's done() for "the process *(pid_t *)arg has exited". */
static inline bool rec_has_exit_of(const struct rec_list *l, void *arg)
{
	return rec_find(l, RT_EVENT_EXIT, *(const pid_t *)arg, 0) != NULL;
}

/* The first open record of tgid pid whose path is exactly path, or NULL. */
static inline const struct rt_header *rec_find_open(const struct rec_list *l, uint32_t pid,
						    const char *path)
{
	const struct rt_header *h;
	int i;

	for (i = 0; (h = rec_find(l, RT_EVENT_OPEN, pid, i)); i++) {
		const struct rt_open_body *b = rec_body(h);

		if (b->path_len == strlen(path) && !memcmp(b + 1, path, b->path_len))
			return h;
	}
	return NULL;
}

#endif

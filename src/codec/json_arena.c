/* Bump allocator for replayed events: an event's ~25 messages, strings and
 * arrays come from one block and are dropped together at the next reset,
 * instead of a malloc each and a free_unpacked walk per event. It also
 * holds the replay source's simdjson parser, reused line after line. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include "codec/json_codec.h"
#include "codec/json_simd.h"

#define ARENA_CHUNK (16 << 10) /* a typical event takes ~1.5 KiB */
#define ARENA_ALIGN _Alignof(max_align_t)

struct arena_chunk {
	struct arena_chunk *next;
	size_t cap, used;
	_Alignas(max_align_t) unsigned char data[];
};

struct json_arena {
	struct arena_chunk *head;	/* allocations come from head */
	size_t total;			/* bytes of all chunks */
	Ringtap__V1__Event *heap_event;	/* from the reference decoder */
	struct json_simd *parser;
};

static struct arena_chunk *chunk_new(size_t cap)
{
	struct arena_chunk *c = malloc(sizeof(*c) + cap);

	if (c) {
		c->next = NULL;
		c->cap = cap;
		c->used = 0;
	}
	return c;
}

int json_arena_new(struct json_arena **out)
{
	struct json_arena *a = calloc(1, sizeof(*a));

	if (!a || !(a->head = chunk_new(ARENA_CHUNK)) || json_simd_new(&a->parser)) {
		if (a)
			free(a->head);
		free(a);
		return -ENOMEM;
	}
	a->total = ARENA_CHUNK;
	*out = a;
	return 0;
}

void *json_arena_alloc(struct json_arena *a, size_t n)
{
	struct arena_chunk *c = a->head;

	n = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (c->cap - c->used < n) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;

		if (!(c = chunk_new(cap)))
			return NULL;
		c->next = a->head;
		a->head = c;
		a->total += cap;
	}
	c->used += n;
	return c->data + c->used - n;
}

struct json_simd *json_arena_parser(struct json_arena *a)
{
	return a->parser;
}

void json_arena_keep_event(struct json_arena *a, Ringtap__V1__Event *ev)
{
	a->heap_event = ev;
}

static void free_chunks(struct arena_chunk *c)
{
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
}

void json_arena_reset(struct json_arena *a)
{
	if (a->heap_event) {
		ringtap__v1__event__free_unpacked(a->heap_event, NULL);
		a->heap_event = NULL;
	}
	if (a->head->next) {
		/* one chunk of the size that took several, so the next such event
		 * fits one; if it cannot be had, keep what there is */
		struct arena_chunk *one = chunk_new(a->total);
		if (one) {
			free_chunks(a->head);
			a->head = one;
		} else {
			free_chunks(a->head->next);
			a->head->next = NULL;
			a->total = a->head->cap;
		}
	}
	a->head->used = 0;
}

void json_arena_free(struct json_arena *a)
{
	if (!a)
		return;
	json_arena_reset(a);
	free_chunks(a->head);
	json_simd_free(a->parser);
	free(a);
}

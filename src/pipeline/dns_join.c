/* Bounded open addressing: a key hashes to a window of DNS_JOIN_WINDOW
 * slots and lives in one of them; a lookup scans the whole window (no
 * chains, so deleting is clearing a slot). A full window gives its oldest
 * entry (or an expired one) to the new query: memory and time per event
 * are constant whatever a flood of unanswered queries does. */
#include <errno.h>
#include <stdlib.h>
#include "pipeline/dns_join.h"

int dns_join_init(struct dns_join *j, uint64_t timeout_ns)
{
	j->slots = calloc(DNS_JOIN_SLOTS, sizeof(*j->slots));
	if (!j->slots)
		return -ENOMEM;
	j->timeout_ns = timeout_ns;
	j->joined = j->unmatched = j->evicted = 0;
	return 0;
}

void dns_join_fini(struct dns_join *j)
{
	free(j->slots);
	j->slots = NULL;
}

static size_t window_of(uint64_t cookie, uint16_t id, uint16_t port)
{
	uint64_t h = cookie * 0x9e3779b97f4a7c15ull ^ ((uint64_t)id << 16 | port) * 0xc2b2ae3d27d4eb4full;

	h ^= h >> 29;
	return (size_t)h & (DNS_JOIN_SLOTS - 1) & ~(size_t)(DNS_JOIN_WINDOW - 1);
}

static int same(const struct dns_join_slot *s, uint64_t cookie, uint16_t id, uint16_t port)
{
	return s->ts_ns && s->cookie == cookie && s->id == id && s->port == port;
}

void dns_join_query(struct dns_join *j, uint64_t cookie, uint16_t id, uint16_t port, uint64_t ts_ns)
{
	struct dns_join_slot *w, *victim = NULL;

	if (!j->slots || !ts_ns)
		return;
	w = &j->slots[window_of(cookie, id, port)];
	for (size_t i = 0; i < DNS_JOIN_WINDOW; i++) {
		if (same(&w[i], cookie, id, port) || !w[i].ts_ns) {
			victim = &w[i]; /* a retry of the same query restarts its clock */
			break;
		}
		if (!victim || w[i].ts_ns < victim->ts_ns)
			victim = &w[i];
	}
	if (victim->ts_ns && !same(victim, cookie, id, port) && ts_ns - victim->ts_ns < j->timeout_ns)
		j->evicted++;
	*victim = (struct dns_join_slot){ .cookie = cookie, .ts_ns = ts_ns, .id = id, .port = port };
}

uint64_t dns_join_response(struct dns_join *j, uint64_t cookie, uint16_t id, uint16_t port, uint64_t ts_ns)
{
	struct dns_join_slot *w;

	if (!j->slots)
		return 0;
	w = &j->slots[window_of(cookie, id, port)];
	for (size_t i = 0; i < DNS_JOIN_WINDOW; i++) {
		if (!same(&w[i], cookie, id, port))
			continue;
		uint64_t q = w[i].ts_ns;

		w[i].ts_ns = 0;
		if (q > ts_ns || ts_ns - q > j->timeout_ns)
			break;
		j->joined++;
		return q;
	}
	j->unmatched++;
	return 0;
}

/* Joins a DNS response to its query: the query's ts_ns, from a bounded table
 * keyed by (socket cookie, message id, far-end port). A query seen on a
 * socket is remembered until its response arrives, DNS_JOIN_TIMEOUT_NS
 * passes, or a newer query needs its slot; the table never grows. */
#ifndef RINGTAP_DNS_JOIN_H
#define RINGTAP_DNS_JOIN_H

#include <stddef.h>
#include <stdint.h>

#define DNS_JOIN_SLOTS 8192		     /* a power of two */
#define DNS_JOIN_WINDOW 8		     /* slots a key may live in */
#define DNS_JOIN_TIMEOUT_NS 30000000000ull /* a response later than this is not joined */

struct dns_join_slot {
	uint64_t cookie;
	uint64_t ts_ns; /* 0 = free */
	uint16_t id;
	uint16_t port;
};

struct dns_join {
	struct dns_join_slot *slots;
	uint64_t timeout_ns;
	uint64_t joined, unmatched, evicted;
};

int dns_join_init(struct dns_join *j, uint64_t timeout_ns);
void dns_join_fini(struct dns_join *j);

/* A query on socket cookie with message id to the far end's port, at ts_ns. */
void dns_join_query(struct dns_join *j, uint64_t cookie, uint16_t id, uint16_t port, uint64_t ts_ns);

/* The response's query time (the entry is consumed), or 0: none seen, or
 * older than the timeout. */
uint64_t dns_join_response(struct dns_join *j, uint64_t cookie, uint16_t id, uint16_t port, uint64_t ts_ns);

#endif

/* The in-memory policy: what a valid policy file says, after defaults.
 * Fixed-size arrays bounded by the map sizes in bpf/policy_maps.h, so a
 * struct policy is one allocation and needs no destructor beyond free().
 */
#ifndef RINGTAP_POLICY_MODEL_H
#define RINGTAP_POLICY_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "policy_maps.h"

#define POLICY_VERSION 1

struct policy_prefix {
	uint16_t len; /* bytes, 1..RT_POLICY_PREFIX_MAX; no NUL inside */
	char bytes[RT_POLICY_PREFIX_MAX + 1]; /* NUL-terminated copy */
};

struct policy_cidr {
	uint8_t family;    /* AF_INET or AF_INET6 */
	uint8_t prefixlen; /* bits */
	uint8_t addr[16];  /* network order; host bits are zero */
};

struct policy {
	uint32_t event_mask; /* bit (1u << RT_EVENT_*) */

	char comms[RT_POLICY_MAX_COMMS][RT_COMM_LEN]; /* NUL-padded */
	size_t n_comms;
	uint32_t uids[RT_POLICY_MAX_UIDS];
	size_t n_uids;

	struct policy_prefix include_prefixes[RT_POLICY_MAX_PREFIXES];
	size_t n_include;
	struct policy_prefix exclude_prefixes[RT_POLICY_MAX_PREFIXES];
	size_t n_exclude;

	struct policy_cidr cidrs[2 * RT_POLICY_MAX_CIDRS];
	size_t n_cidrs;
	uint8_t exclude_ports[RT_POLICY_PORT_BITMAP]; /* bit per port */
	size_t n_ports;
};

/* ::ffff:a.b.c.d (byte-wise: addr need not be aligned like in6_addr). */
static inline int policy_addr_is_v4mapped(const uint8_t addr[16])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	for (int i = 0; i < 12; i++)
		if (addr[i] != mapped[i])
			return 0;
	return 1;
}

/* Event type names as written under `events:` (index = RT_EVENT_*; NULL
 * where a number has no type). */
extern const char *const policy_event_names[RT_EVENT_MAX];

/* Every event type RT_EVENT_EXEC..RT_EVENT_MAX-1. */
uint32_t policy_all_events_mask(void);

/* The policy of an empty or omitted section: every event type on, nothing
 * excluded. */
void policy_init_defaults(struct policy *p);

#endif

/* The policy applied in userspace to a decoded event (the replay path).
 * It runs the kernel's decision procedure (bpf/policy_maps.h) over the same
 * compiled entries the kernel's maps hold, emulating the LPM lookups, so the
 * two paths share one meaning by construction.
 */
#ifndef RINGTAP_POLICY_MATCH_H
#define RINGTAP_POLICY_MATCH_H

#include "policy/policy_compile.h"
#include "ringtap/v1/event.pb-c.h"

/* policy_match() result when no rule filters the event. */
#define POLICY_KEEP RT_POLICY_KEEP

/* POLICY_KEEP, or the RT_POLICY_RULE_* class that filters ev (the first in
 * evaluation order, the one the kernel would count). Sensor records (Drop)
 * and events without a body are always kept. */
unsigned policy_match(const struct policy_compiled *c, const Ringtap__V1__Event *ev);

/* What the policy filtered, per event type and rule class: the userspace
 * twin of the kernel's per-type filtered counters, for the replay path. */
struct policy_counters {
	uint64_t filtered[RT_EVENT_MAX][RT_POLICY_RULE_MAX];
};

/* 1 to keep ev, 0 to drop it (counted in cnt, which may be NULL). */
int policy_keep(const struct policy_compiled *c, const Ringtap__V1__Event *ev,
		struct policy_counters *cnt);

/* RT_EVENT_* of an event's body, 0 for none/Drop. */
unsigned policy_event_type(const Ringtap__V1__Event *ev);

/* "event", "comm", "uid", "path_exclude", "path_include", "cidr", "port". */
const char *policy_rule_name(unsigned rule);

#endif

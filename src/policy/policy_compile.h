/* struct policy -> the exact entries of the kernel filter maps for one slot
 * (bpf/policy_maps.h). Pure: no syscalls, so it is unit-tested and fuzzed
 * alongside the parser. policy_maps_write.c puts the result into maps.
 */
#ifndef RINGTAP_POLICY_COMPILE_H
#define RINGTAP_POLICY_COMPILE_H

#include <stddef.h>
#include <stdint.h>
#include "policy/policy_model.h"

struct policy_path_entry {
	struct rt_policy_path_key key;
	struct rt_policy_path_val val;
};

struct policy_compiled {
	uint32_t generation;
	uint8_t slot; /* generation & 1 */
	struct rt_policy_config config;
	struct rt_policy_comm_key comms[RT_POLICY_MAX_COMMS];
	size_t n_comms;
	struct rt_policy_uid_key uids[RT_POLICY_MAX_UIDS];
	size_t n_uids;
	struct policy_path_entry paths[RT_POLICY_MAX_PREFIXES];
	size_t n_paths;
	struct rt_policy_cidr4_key cidr4[RT_POLICY_MAX_CIDRS];
	size_t n_cidr4;
	struct rt_policy_cidr6_key cidr6[RT_POLICY_MAX_CIDRS];
	size_t n_cidr6;
};

/* Fill out for generation (slot = generation & 1). Generations start at 1:
 * 0 means "no policy loaded" to the probes, so it is -EINVAL here. -E2BIG if
 * a list exceeds its map (the parser already refuses such files). */
int policy_compile(const struct policy *p, uint32_t generation, struct policy_compiled *out);

static inline uint8_t policy_slot(uint32_t generation)
{
	return (uint8_t)(generation & 1);
}

#endif

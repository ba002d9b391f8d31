/* Write a compiled policy into the kernel filter maps (bpf/policy_maps.h)
 * and publish its generation. The reload sequence for the daemon:
 *
 *   policy_load_file(path, &p, diags)      parse + validate (old policy keeps running on error)
 *   policy_compile(p, gen + 1, &c)         entries for slot (gen + 1) & 1, the idle one
 *   policy_maps_write(&c, &fds, &failed)   replace that slot's entries
 *   policy_publish(&skel->bss->policy_gen, gen + 1)   one atomic store: the switch
 *
 * The slot written here was last in use two generations ago; the caller
 * must not start a write until programs that may still be running with the
 * previous generation have finished (see policy_wait_readers()).
 */
#ifndef RINGTAP_POLICY_MAP_WRITER_H
#define RINGTAP_POLICY_MAP_WRITER_H

#include <stdint.h>
#include "policy/policy_compile.h"

struct bpf_object;

struct policy_map_fds {
	int config;
	int comms;
	int uids;
	int paths;
	int cidr4;
	int cidr6;
};

/* Map names as declared on the BPF side. */
#define POLICY_MAP_CONFIG "rt_policy_config"
#define POLICY_MAP_COMMS  "rt_policy_comms"
#define POLICY_MAP_UIDS   "rt_policy_uids"
#define POLICY_MAP_PATHS  "rt_policy_paths"
#define POLICY_MAP_CIDR4  "rt_policy_cidr4"
#define POLICY_MAP_CIDR6  "rt_policy_cidr6"

/* Find the six maps in a loaded object by name. -ENOENT (and *missing set
 * to the name) if one is absent. */
int policy_maps_find(struct bpf_object *obj, struct policy_map_fds *fds, const char **missing);

/* Create the six maps standalone (tests, or a loader that reuses them with
 * bpf_map__reuse_fd). On failure closes what it created; *failed names the
 * map. policy_maps_close() closes them. */
int policy_maps_create(struct policy_map_fds *fds, const char **failed);
void policy_maps_close(struct policy_map_fds *fds);

/* Replace every entry of slot c->slot with c's entries, config last.
 * The other slot is not touched. -errno; *failed names the map. */
int policy_maps_write(const struct policy_compiled *c, const struct policy_map_fds *fds,
		      const char **failed);

/* Make gen the live generation: an aligned 32-bit release store into the
 * BPF program's global (mmap'ed .bss/.data), which probes read once per
 * event with READ_ONCE. */
static inline void policy_publish(volatile uint32_t *gen_word, uint32_t gen)
{
	__atomic_store_n(gen_word, gen, __ATOMIC_RELEASE);
}

/* Wait until every BPF program that may have read the previous generation
 * has returned (an RCU grace period, via membarrier(MEMBARRIER_CMD_GLOBAL);
 * falls back to a 50 ms sleep where that is unavailable). Call between
 * policy_publish() and the next policy_maps_write(). */
void policy_wait_readers(void);

#endif

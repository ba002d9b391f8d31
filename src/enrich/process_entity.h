/* Process entity ids: a name for a process that survives PID reuse, the
 * same for every event of that process and in its children's parent id. */
#ifndef RINGTAP_PROCESS_ENTITY_H
#define RINGTAP_PROCESS_ENTITY_H

#include <stdint.h>
#include "ringtap/v1/event.pb-c.h"

#define PROCESS_ENTITY_ID_LEN 16 /* hex digits */

/* The id of process (boot_id, tgid, start_ns) as 16 lowercase hex digits
 * into out[PROCESS_ENTITY_ID_LEN + 1]. start_ns is the thread group
 * leader's start (boot time), as the kernel header carries it. */
void process_entity_id(const char *boot_id, uint32_t tgid, uint64_t start_ns, char *out);

/* Set hdr's entity_id and parent_entity_id (strings borrowed from id and
 * parent_id) from its boot_id, pid/start_time_ns and ppid/parent_start_time_ns.
 * A header without a parent (ppid 0) gets an empty parent id. */
void process_entity_fill(Ringtap__V1__Header *hdr, char *id, char *parent_id);

#endif

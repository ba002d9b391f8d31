/* FNV-1a over the identity triple: cheap, deterministic across ringtap
 * restarts and nodes (the boot id differs per boot and per node), and
 * reproducible by a consumer from the header's own fields. */
#include <string.h>
#include "enrich/process_entity.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* FNV state after the boot id. The boot id is the same for nearly every
 * event, and hashing its 36 bytes (a serial multiply chain) twice per event
 * was ~4.5% of the live Kafka path's CPU (perf, docs/benchmarks.md): keep
 * the last one per thread, compared by content (replay events bring their
 * own boot ids, in buffers that are reused). */
static uint64_t boot_hash(const char *boot_id)
{
	static _Thread_local char last[64];
	static _Thread_local uint64_t last_h;
	static _Thread_local int have;
	size_t n = strlen(boot_id);

	if (have && n < sizeof(last) && !memcmp(last, boot_id, n + 1))
		return last_h;
	uint64_t h = fnv1a(FNV_OFFSET, boot_id, n);
	if (n < sizeof(last)) {
		memcpy(last, boot_id, n + 1);
		last_h = h;
		have = 1;
	}
	return h;
}

void process_entity_id(const char *boot_id, uint32_t tgid, uint64_t start_ns, char *out)
{
	unsigned char le[12];
	uint64_t h;

	/* fixed little-endian encoding: the same id on every architecture */
	for (int i = 0; i < 4; i++)
		le[i] = (unsigned char)(tgid >> (8 * i));
	for (int i = 0; i < 8; i++)
		le[4 + i] = (unsigned char)(start_ns >> (8 * i));
	h = boot_hash(boot_id ? boot_id : "");
	h = fnv1a(h, le, sizeof(le));
	/* 16 lowercase hex digits, as "%016" PRIx64 would print them: this runs
	 * twice per event on the live path, where snprintf was half the
	 * userspace instructions per event (callgrind, docs/benchmarks.md). */
	for (int i = PROCESS_ENTITY_ID_LEN - 1; i >= 0; i--, h >>= 4)
		out[i] = "0123456789abcdef"[h & 0xf];
	out[PROCESS_ENTITY_ID_LEN] = '\0';
}

void process_entity_fill(Ringtap__V1__Header *hdr, char *id, char *parent_id)
{
	process_entity_id(hdr->boot_id, hdr->pid, hdr->start_time_ns, id);
	hdr->entity_id = id;
	parent_id[0] = '\0';
	if (hdr->ppid)
		process_entity_id(hdr->boot_id, hdr->ppid, hdr->parent_start_time_ns, parent_id);
	hdr->parent_entity_id = parent_id;
}

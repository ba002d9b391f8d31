/* Compiled policy -> kernel maps, one slot at a time. */
#include <errno.h>
#include <stddef.h>
#include <linux/membarrier.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "policy/policy_map_writer.h"

struct map_def {
	const char *name;
	enum bpf_map_type type;
	uint32_t key_size, value_size, max_entries, flags;
	size_t fd_offset;
	size_t slot_offset; /* of the slot byte/word inside the key */
	size_t slot_size;
};

#define FD(f) offsetof(struct policy_map_fds, f)

static const struct map_def maps[] = {
	{ POLICY_MAP_CONFIG, BPF_MAP_TYPE_ARRAY, sizeof(uint32_t), sizeof(struct rt_policy_config),
	  2, 0, FD(config), 0, 0 },
	{ POLICY_MAP_COMMS, BPF_MAP_TYPE_HASH, sizeof(struct rt_policy_comm_key), 1,
	  2 * RT_POLICY_MAX_COMMS, 0, FD(comms), offsetof(struct rt_policy_comm_key, slot), 4 },
	{ POLICY_MAP_UIDS, BPF_MAP_TYPE_HASH, sizeof(struct rt_policy_uid_key), 1,
	  2 * RT_POLICY_MAX_UIDS, 0, FD(uids), offsetof(struct rt_policy_uid_key, slot), 4 },
	{ POLICY_MAP_PATHS, BPF_MAP_TYPE_LPM_TRIE, sizeof(struct rt_policy_path_key),
	  sizeof(struct rt_policy_path_val), 2 * RT_POLICY_MAX_PREFIXES, BPF_F_NO_PREALLOC,
	  FD(paths), offsetof(struct rt_policy_path_key, slot), 1 },
	{ POLICY_MAP_CIDR4, BPF_MAP_TYPE_LPM_TRIE, sizeof(struct rt_policy_cidr4_key), 1,
	  2 * RT_POLICY_MAX_CIDRS, BPF_F_NO_PREALLOC, FD(cidr4),
	  offsetof(struct rt_policy_cidr4_key, slot), 1 },
	{ POLICY_MAP_CIDR6, BPF_MAP_TYPE_LPM_TRIE, sizeof(struct rt_policy_cidr6_key), 1,
	  2 * RT_POLICY_MAX_CIDRS, BPF_F_NO_PREALLOC, FD(cidr6),
	  offsetof(struct rt_policy_cidr6_key, slot), 1 },
};

#define NMAPS (sizeof(maps) / sizeof(maps[0]))

static int *fd_of(const struct policy_map_fds *fds, const struct map_def *m)
{
	return (int *)((char *)fds + m->fd_offset);
}

int policy_maps_find(struct bpf_object *obj, struct policy_map_fds *fds, const char **missing)
{
	for (size_t i = 0; i < NMAPS; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, maps[i].name);
		int fd = map ? bpf_map__fd(map) : -1;
		if (fd < 0) {
			if (missing)
				*missing = maps[i].name;
			return -ENOENT;
		}
		*fd_of(fds, &maps[i]) = fd;
	}
	return 0;
}

void policy_maps_close(struct policy_map_fds *fds)
{
	for (size_t i = 0; i < NMAPS; i++) {
		int *fd = fd_of(fds, &maps[i]);
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

int policy_maps_create(struct policy_map_fds *fds, const char **failed)
{
	for (size_t i = 0; i < NMAPS; i++)
		*fd_of(fds, &maps[i]) = -1;
	for (size_t i = 0; i < NMAPS; i++) {
		LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = maps[i].flags);
		int fd = bpf_map_create(maps[i].type, maps[i].name, maps[i].key_size,
					maps[i].value_size, maps[i].max_entries, &opts);
		if (fd < 0) {
			int err = -errno;
			if (failed)
				*failed = maps[i].name;
			policy_maps_close(fds);
			return err;
		}
		*fd_of(fds, &maps[i]) = fd;
	}
	return 0;
}

/* Delete every key of one slot. Keys are collected first: deleting while
 * walking a hash map with get_next_key can restart the walk. */
static int clear_slot(int fd, const struct map_def *m, uint8_t slot)
{
	size_t cap = m->max_entries;
	unsigned char *keys = calloc(cap, m->key_size);
	size_t n = 0;
	int ret = 0;

	if (!keys)
		return -ENOMEM;
	unsigned char *prev = NULL;
	while (n < cap) {
		unsigned char *next = keys + n * m->key_size;
		if (bpf_map_get_next_key(fd, prev, next) < 0) {
			if (errno != ENOENT)
				ret = -errno;
			break;
		}
		prev = next;
		n++;
	}
	for (size_t i = 0; i < n && !ret; i++) {
		unsigned char *k = keys + i * m->key_size;
		uint32_t key_slot = k[m->slot_offset];
		if (m->slot_size == 4)
			memcpy(&key_slot, k + m->slot_offset, sizeof(key_slot));
		if (key_slot == slot && bpf_map_delete_elem(fd, k) < 0 && errno != ENOENT)
			ret = -errno;
	}
	free(keys);
	return ret;
}

static int put_all(int fd, const void *keys, size_t key_size, size_t n, const void *vals,
		   size_t val_size)
{
	static const uint8_t one = 1;

	for (size_t i = 0; i < n; i++) {
		const void *v = vals ? (const void *)((const char *)vals + i * val_size) : (const void *)&one;
		if (bpf_map_update_elem(fd, (const char *)keys + i * key_size, v, BPF_ANY) < 0)
			return -errno;
	}
	return 0;
}

int policy_maps_write(const struct policy_compiled *c, const struct policy_map_fds *fds,
		      const char **failed)
{
	const struct map_def *m = NULL;
	int ret = 0;

	for (size_t i = 1; i < NMAPS; i++) {
		m = &maps[i];
		if ((ret = clear_slot(*fd_of(fds, m), m, c->slot)) < 0)
			goto cleanup;
	}
	m = &maps[1];
	if ((ret = put_all(fds->comms, c->comms, sizeof(c->comms[0]), c->n_comms, NULL, 0)) < 0)
		goto cleanup;
	m = &maps[2];
	if ((ret = put_all(fds->uids, c->uids, sizeof(c->uids[0]), c->n_uids, NULL, 0)) < 0)
		goto cleanup;
	m = &maps[3];
	for (size_t i = 0; i < c->n_paths; i++)
		if (bpf_map_update_elem(fds->paths, &c->paths[i].key, &c->paths[i].val, BPF_ANY) < 0) {
			ret = -errno;
			goto cleanup;
		}
	m = &maps[4];
	if ((ret = put_all(fds->cidr4, c->cidr4, sizeof(c->cidr4[0]), c->n_cidr4, NULL, 0)) < 0)
		goto cleanup;
	m = &maps[5];
	if ((ret = put_all(fds->cidr6, c->cidr6, sizeof(c->cidr6[0]), c->n_cidr6, NULL, 0)) < 0)
		goto cleanup;
	m = &maps[0];
	uint32_t slot = c->slot;
	if (bpf_map_update_elem(fds->config, &slot, &c->config, BPF_ANY) < 0)
		ret = -errno;
cleanup:
	if (ret < 0 && failed)
		*failed = m->name;
	return ret;
}

void policy_wait_readers(void)
{
	/* MEMBARRIER_CMD_GLOBAL runs synchronize_rcu() on SMP; BPF tracing
	 * programs run inside RCU read-side sections. */
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) == 0)
		return;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

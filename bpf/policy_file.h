/* SPDX-License-Identifier: GPL-2.0 */
/* Policy for the file-event families (unlink, rename, chmod, chown, link,
 * mknod): the same rules as open (type switch, comm, uid, then path
 * prefixes), judged under the record's own type. An event with two paths
 * (rename, link) is filtered by path only when both paths would be: moving
 * a file out of an excluded tree into a watched one is still seen. */
#ifndef RINGTAP_BPF_POLICY_FILE_H
#define RINGTAP_BPF_POLICY_FILE_H

#include "policy.h"

static __always_inline bool policy__file_task(struct rt_policy_ctx *pc, struct rt_header *hdr)
{
	policy__start(pc, hdr);
	return policy__verdict(hdr->type, policy__check_task(pc, hdr->type, hdr->comm, hdr->uid));
}

/* The path rule for one path of the record in s (len bytes, no NUL). */
static __always_inline __u32 policy__file_path_rule(const struct rt_policy_ctx *pc,
						    struct rt_scratch *s, const char *path,
						    __u32 len)
{
	struct rt_policy_path_key *key = (void *)(s->buf + POLICY_PATH_KEY_OFF);

	if (pc->cfg && (pc->cfg->flags & RT_POLICY_HAS_PATHS))
		bpf_probe_read_kernel(key->path, sizeof(key->path), path);
	return policy__check_path(pc, key, (const __u8 *)path, len);
}

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* In-kernel policy: one decision per event class, taken after the event
 * type's enable check and before anything is reserved in the ring. They all
 * allow everything today; this is where the comm/uid/path-prefix/CIDR/port
 * filter maps of a policy will be consulted. A `false` is counted as
 * filtered by the caller. */
#ifndef RINGTAP_BPF_POLICY_H
#define RINGTAP_BPF_POLICY_H

#include "ringtap_abi.h"

/* Process lifecycle (exec, exit, fork): hdr has comm, uid, cgroup. */
static __always_inline bool policy__allows_process(const struct rt_header *hdr)
{
	(void)hdr;
	return true;
}

/* File opens: path is the user path as passed (path_len bytes, no NUL). */
static __always_inline bool policy__allows_open(const struct rt_header *hdr,
						const struct rt_open_body *body,
						const char *path)
{
	(void)hdr;
	(void)body;
	(void)path;
	return true;
}

/* Network (connect, accept): remote is the far end (dst / peer). */
static __always_inline bool policy__allows_net(const struct rt_header *hdr,
					       const struct rt_sockaddr *remote)
{
	(void)hdr;
	(void)remote;
	return true;
}

#endif

/* cgroup path -> (pod UID, container id) for the kubelet's cgroup layouts.
 *
 * Pure string work, no I/O. Recognised, anywhere in the path (so a prefix
 * such as a nested node's "/docker/<id>/" or "/system.slice/k3s.service/"
 * is fine):
 *   systemd driver  .../kubepods[-<qos>]-pod<uid with _>.slice/<runtime>-<id>.scope
 *   cgroupfs driver .../kubepods/[<qos>/]pod<uid>/[<runtime>-]<id>
 * with runtime prefixes cri-containerd- (containerd, k3s), crio- (CRI-O),
 * docker- (cri-dockerd). The container is the component directly below the
 * pod; deeper components (a container's own sub-cgroups) belong to it.
 * CRI-O's "crio-conmon-<id>.scope" is the runtime's monitor, not the
 * container: it gets the pod but no container id.
 */
#ifndef RINGTAP_POD_CGROUP_PARSE_H
#define RINGTAP_POD_CGROUP_PARSE_H

#include <stddef.h>

#define POD_UID_MAX 36       /* 8-4-4-4-12; static pods use 32 hex digits */
#define CONTAINER_ID_MAX 64  /* hex */

struct pod_cgroup {
	char pod_uid[POD_UID_MAX + 1];
	char container_id[CONTAINER_ID_MAX + 1]; /* "" when not in a container */
};

/* 0 and *out filled when path is inside a pod's cgroup; -ENOENT when it is
 * not (host processes, system slices). */
int pod_cgroup_parse(const char *path, struct pod_cgroup *out);

#endif

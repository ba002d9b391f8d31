/* Attaching bpf/sock_hooks.bpf.h's programs to the cgroup v2 root. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <bpf/libbpf.h>

#include "ringtap.skel.h"
#include "ringtap_abi.h"
#include "enrich/cgroup_root.h"
#include "source/source_bpf_hooks.h"

bool source_bpf_hooks_capable(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	uint64_t eff;

	if (syscall(SYS_capget, &hdr, data))
		return false;
	eff = data[0].effective | ((uint64_t)data[1].effective << 32);
	return (eff & (1ull << CAP_NET_ADMIN)) || (eff & (1ull << CAP_SYS_ADMIN));
}

/* The event types whose records come from (or depend on) the socket hooks. */
static const unsigned hook_types[] = {
	RT_EVENT_CONNECT, RT_EVENT_DNS, RT_EVENT_TCP_ESTABLISHED, RT_EVENT_TCP_CLOSE, RT_EVENT_BIND,
};

bool source_bpf_hooks_wanted(const unsigned char *enabled)
{
	for (size_t i = 0; i < sizeof(hook_types) / sizeof(hook_types[0]); i++)
		if (!enabled || enabled[hook_types[i]])
			return true;
	return false;
}

/* Every cgroup program, with the link the skeleton keeps for it. */
#define HOOKS(skel)                                                                             \
	{ skel->progs.rt_connect4, &skel->links.rt_connect4, "rt_connect4 (cgroup/connect4)" },   \
	{ skel->progs.rt_connect6, &skel->links.rt_connect6, "rt_connect6 (cgroup/connect6)" },   \
	{ skel->progs.rt_sendmsg4, &skel->links.rt_sendmsg4, "rt_sendmsg4 (cgroup/sendmsg4)" },   \
	{ skel->progs.rt_sendmsg6, &skel->links.rt_sendmsg6, "rt_sendmsg6 (cgroup/sendmsg6)" },   \
	{ skel->progs.rt_dns_egress, &skel->links.rt_dns_egress, "rt_dns_egress (cgroup_skb/egress)" }, \
	{ skel->progs.rt_dns_ingress, &skel->links.rt_dns_ingress, "rt_dns_ingress (cgroup_skb/ingress)" }, \
	{ skel->progs.rt_bind4, &skel->links.rt_bind4, "rt_bind4 (cgroup/bind4)" },                 \
	{ skel->progs.rt_bind6, &skel->links.rt_bind6, "rt_bind6 (cgroup/bind6)" },

struct hook {
	struct bpf_program *prog;
	struct bpf_link **link;
	const char *name;
};

void source_bpf_hooks_set_loaded(struct ringtap *skel, bool on)
{
	struct hook hooks[] = { HOOKS(skel) };
	static const uint16_t dns_default = 53;

	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		bpf_program__set_autoload(hooks[i].prog, on);
	source_bpf_hooks_set_dns_ports(skel, &dns_default, 1);
}

void source_bpf_hooks_set_dns_ports(struct ringtap *skel, const uint16_t *ports, size_t n)
{
	__u64 *bits = skel->bss->dns_port_bits;

	for (size_t w = 0; w < sizeof(skel->bss->dns_port_bits) / sizeof(bits[0]); w++)
		__atomic_store_n(&bits[w], 0, __ATOMIC_RELAXED);
	for (size_t i = 0; i < n; i++)
		__atomic_fetch_or(&bits[ports[i] >> 6], (__u64)1 << (ports[i] & 63), __ATOMIC_RELAXED);
}

int source_bpf_hooks_attach(struct ringtap *skel, const char *cgroup_root, char *err, size_t errlen)
{
	struct hook hooks[] = { HOOKS(skel) };
	char root[4096];
	int fd = -1, rc;

	rc = cgroup_root_detect(cgroup_root, root, sizeof(root));
	if (rc) {
		snprintf(err, errlen,
			 "network events need the cgroup v2 hierarchy (%s: %s); mount cgroup2 there",
			 cgroup_root && *cgroup_root ? cgroup_root : "/sys/fs/cgroup",
			 rc == -ENOTDIR ? "not a cgroup2 mount" : strerror(-rc));
		return rc;
	}
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "opening the cgroup v2 root %s failed: %s", root, strerror(-rc));
		goto cleanup;
	}
	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		struct bpf_link *link = bpf_program__attach_cgroup(hooks[i].prog, fd);

		if (!link) {
			rc = -errno;
			snprintf(err, errlen,
				 "attaching %s to the cgroup v2 root %s failed: %s; network events need "
				 "CAP_NET_ADMIN and the host's cgroup v2 root",
				 hooks[i].name, root, strerror(-rc));
			goto cleanup;
		}
		*hooks[i].link = link;
	}
	rc = 0;
cleanup:
	if (fd >= 0)
		close(fd);
	return rc;
}

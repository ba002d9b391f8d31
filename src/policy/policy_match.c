/* Userspace twin of the kernel filter: same order, same keys, same bytes. */
#include <arpa/inet.h>
#include <string.h>
#include "policy/policy_match.h"
#include "path_evasive.h"

static const char *const rule_names[RT_POLICY_RULE_MAX] = {
	[RT_POLICY_RULE_EVENT] = "event",
	[RT_POLICY_RULE_COMM] = "comm",
	[RT_POLICY_RULE_UID] = "uid",
	[RT_POLICY_RULE_PATH_EXCLUDE] = "path_exclude",
	[RT_POLICY_RULE_PATH_INCLUDE] = "path_include",
	[RT_POLICY_RULE_CIDR] = "cidr",
	[RT_POLICY_RULE_PORT] = "port",
};

const char *policy_rule_name(unsigned rule)
{
	return rule < RT_POLICY_RULE_MAX ? rule_names[rule] : "none";
}

unsigned policy_event_type(const Ringtap__V1__Event *ev)
{
	switch (ev->body_case) {
	case RINGTAP__V1__EVENT__BODY_EXEC: return RT_EVENT_EXEC;
	case RINGTAP__V1__EVENT__BODY_EXIT: return RT_EVENT_EXIT;
	case RINGTAP__V1__EVENT__BODY_FORK: return RT_EVENT_FORK;
	case RINGTAP__V1__EVENT__BODY_OPEN: return RT_EVENT_OPEN;
	case RINGTAP__V1__EVENT__BODY_CONNECT: return RT_EVENT_CONNECT;
	case RINGTAP__V1__EVENT__BODY_ACCEPT: return RT_EVENT_ACCEPT;
	case RINGTAP__V1__EVENT__BODY_UNLINK: return RT_EVENT_UNLINK;
	case RINGTAP__V1__EVENT__BODY_RENAME: return RT_EVENT_RENAME;
	case RINGTAP__V1__EVENT__BODY_CHMOD: return RT_EVENT_CHMOD;
	case RINGTAP__V1__EVENT__BODY_CHOWN: return RT_EVENT_CHOWN;
	case RINGTAP__V1__EVENT__BODY_LINK: return RT_EVENT_LINK;
	case RINGTAP__V1__EVENT__BODY_MKNOD: return RT_EVENT_MKNOD;
	case RINGTAP__V1__EVENT__BODY_DNS: return RT_EVENT_DNS;
	case RINGTAP__V1__EVENT__BODY_TCP_ESTABLISHED: return RT_EVENT_TCP_ESTABLISHED;
	case RINGTAP__V1__EVENT__BODY_TCP_CLOSE: return RT_EVENT_TCP_CLOSE;
	case RINGTAP__V1__EVENT__BODY_CRED: return RT_EVENT_CRED;
	case RINGTAP__V1__EVENT__BODY_PTRACE: return RT_EVENT_PTRACE;
	case RINGTAP__V1__EVENT__BODY_MEMFD: return RT_EVENT_MEMFD;
	case RINGTAP__V1__EVENT__BODY_MODULE: return RT_EVENT_MODULE;
	case RINGTAP__V1__EVENT__BODY_MOUNT: return RT_EVENT_MOUNT;
	case RINGTAP__V1__EVENT__BODY_NAMESPACE: return RT_EVENT_NAMESPACE;
	case RINGTAP__V1__EVENT__BODY_DUP: return RT_EVENT_DUP;
	case RINGTAP__V1__EVENT__BODY_SIGNAL: return RT_EVENT_SIGNAL;
	case RINGTAP__V1__EVENT__BODY_BPF: return RT_EVENT_BPF;
	case RINGTAP__V1__EVENT__BODY_IO_URING: return RT_EVENT_IO_URING;
	case RINGTAP__V1__EVENT__BODY_BIND: return RT_EVENT_BIND;
	case RINGTAP__V1__EVENT__BODY_LISTEN: return RT_EVENT_LISTEN;
	case RINGTAP__V1__EVENT__BODY_SOCKET: return RT_EVENT_SOCKET;
	case RINGTAP__V1__EVENT__BODY_UNIX_SOCKET: return RT_EVENT_UNIX;
	default: return 0;
	}
}

static int comm_excluded(const struct policy_compiled *c, const char *comm)
{
	struct rt_policy_comm_key key = { .slot = c->slot };

	/* The kernel's key: the header comm, at most 15 bytes, NUL-padded. */
	if (comm)
		strncpy(key.comm, comm, RT_COMM_LEN - 1);
	for (size_t i = 0; i < c->n_comms; i++)
		if (!memcmp(&c->comms[i], &key, sizeof(key)))
			return 1;
	return 0;
}

static int uid_excluded(const struct policy_compiled *c, uint32_t uid)
{
	for (size_t i = 0; i < c->n_uids; i++)
		if (c->uids[i].uid == uid)
			return 1;
	return 0;
}

/* LPM lookup: flags of the longest entry that is a prefix of the path's
 * first RT_POLICY_PREFIX_MAX bytes; 0 when none is. */
static uint32_t path_lookup(const struct policy_compiled *c, const char *path)
{
	if (!path)
		path = "";
	size_t n = strnlen(path, RT_POLICY_PREFIX_MAX);
	uint32_t best_len = 0, flags = 0;
	int found = 0;

	for (size_t i = 0; i < c->n_paths; i++) {
		const struct policy_path_entry *e = &c->paths[i];
		uint32_t len = (e->key.prefixlen - 8) / 8;
		if (len <= n && !memcmp(e->key.path, path, len) && (!found || len > best_len)) {
			best_len = len;
			flags = e->val.flags;
			found = 1;
		}
	}
	return flags;
}

/* A path spelled to dodge prefixes: no path rule may filter it (the
 * kernel's rule, bpf/path_evasive.h, over the same RT_PATH_MAX bytes). */
static int path_evasive(const char *path)
{
	struct rt_path_scan st = { 0 };

	for (size_t i = 0; path && path[i] && i < RT_PATH_MAX && !st.evasive; i++)
		rt_path_scan_step(&st, path[i]);
	if (!st.evasive)
		rt_path_scan_end(&st);
	return st.evasive;
}

static unsigned path_rule(const struct policy_compiled *c, const char *path)
{
	uint32_t flags = (c->config.flags & RT_POLICY_HAS_PATHS) ? path_lookup(c, path) : 0;
	unsigned rule = POLICY_KEEP;

	if (flags & RT_POLICY_PATH_EXCLUDE)
		rule = RT_POLICY_RULE_PATH_EXCLUDE;
	else if ((c->config.flags & RT_POLICY_HAS_INCLUDE) && !(flags & RT_POLICY_PATH_INCLUDE))
		rule = RT_POLICY_RULE_PATH_INCLUDE;
	return rule != POLICY_KEEP && path_evasive(path) ? POLICY_KEEP : rule;
}

/* Two paths (rename, link): filtered only when both would be. */
static unsigned path_rule2(const struct policy_compiled *c, const char *a, const char *b)
{
	unsigned rule = path_rule(c, a);

	return rule != POLICY_KEEP && path_rule(c, b) == POLICY_KEEP ? POLICY_KEEP : rule;
}

static int bits_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	if (memcmp(a, b, bits / 8))
		return 0;
	if (bits % 8) {
		uint8_t mask = (uint8_t)(0xff00u >> (bits % 8));
		return (a[bits / 8] & mask) == (b[bits / 8] & mask);
	}
	return 1;
}

static int cidr_excluded(const struct policy_compiled *c, const char *family, const char *addr)
{
	uint8_t a[16];

	if (!family || !addr)
		return 0;
	if (!strcmp(family, "inet")) {
		if (inet_pton(AF_INET, addr, a) != 1)
			return 0;
	} else if (!strcmp(family, "inet6")) {
		if (inet_pton(AF_INET6, addr, a) != 1)
			return 0;
		if (!policy_addr_is_v4mapped(a)) {
			for (size_t i = 0; i < c->n_cidr6; i++)
				if (bits_equal(c->cidr6[i].addr, a, c->cidr6[i].prefixlen - 8))
					return 1;
			return 0;
		}
		memmove(a, a + 12, 4); /* ::ffff:a.b.c.d is matched as a.b.c.d */
	} else {
		return 0;
	}
	for (size_t i = 0; i < c->n_cidr4; i++)
		if (bits_equal(c->cidr4[i].addr, a, c->cidr4[i].prefixlen - 8))
			return 1;
	return 0;
}

static int port_excluded(const struct policy_compiled *c, uint32_t port)
{
	if (port == 0 || port > 65535)
		return 0;
	return (c->config.exclude_ports[port >> 3] >> (port & 7)) & 1;
}

static unsigned net_rule(const struct policy_compiled *c, const char *family,
			 const Ringtap__V1__Endpoint *remote, const Ringtap__V1__Endpoint *service)
{
	if ((c->config.flags & (RT_POLICY_HAS_CIDR4 | RT_POLICY_HAS_CIDR6)) && remote &&
	    cidr_excluded(c, family, remote->addr))
		return RT_POLICY_RULE_CIDR;
	if ((c->config.flags & RT_POLICY_HAS_PORTS) && service && port_excluded(c, service->port))
		return RT_POLICY_RULE_PORT;
	return POLICY_KEEP;
}

unsigned policy_match(const struct policy_compiled *c, const Ringtap__V1__Event *ev)
{
	unsigned type = policy_event_type(ev);

	if (!type)
		return POLICY_KEEP;
	if (!(c->config.event_mask & (1u << type)))
		return RT_POLICY_RULE_EVENT;
	const Ringtap__V1__Header *h = ev->header;
	if ((c->config.flags & RT_POLICY_HAS_COMMS) && comm_excluded(c, h ? h->comm : NULL))
		return RT_POLICY_RULE_COMM;
	if ((c->config.flags & RT_POLICY_HAS_UIDS) && h && uid_excluded(c, h->uid))
		return RT_POLICY_RULE_UID;
	switch (type) {
	case RT_EVENT_OPEN:
		return path_rule(c, ev->open ? ev->open->path : NULL);
	/* file events: as open; fchmod/fchown (no path) skip path rules, and
	 * two paths are filtered only when both would be (bpf/policy_file.h) */
	case RT_EVENT_UNLINK:
		return ev->unlink ? path_rule(c, ev->unlink->path) : POLICY_KEEP;
	case RT_EVENT_RENAME:
		return ev->rename ? path_rule2(c, ev->rename->old_path, ev->rename->new_path) : POLICY_KEEP;
	case RT_EVENT_CHMOD:
		return !ev->chmod || !strcmp(ev->chmod->syscall, "fchmod") ? POLICY_KEEP : path_rule(c, ev->chmod->path);
	case RT_EVENT_CHOWN:
		return !ev->chown || !strcmp(ev->chown->syscall, "fchown") ? POLICY_KEEP : path_rule(c, ev->chown->path);
	case RT_EVENT_LINK:
		return ev->link ? path_rule2(c, ev->link->target, ev->link->link_path) : POLICY_KEEP;
	case RT_EVENT_MKNOD:
		return ev->mknod ? path_rule(c, ev->mknod->path) : POLICY_KEEP;
	case RT_EVENT_CONNECT:
		if (!ev->connect)
			return POLICY_KEEP;
		return net_rule(c, ev->connect->family, ev->connect->dst, ev->connect->dst);
	case RT_EVENT_ACCEPT:
		if (!ev->accept)
			return POLICY_KEEP;
		return net_rule(c, ev->accept->family, ev->accept->peer, ev->accept->local);
	case RT_EVENT_DNS:
		if (!ev->dns)
			return POLICY_KEEP;
		return net_rule(c, ev->dns->family, ev->dns->server, ev->dns->server);
	case RT_EVENT_TCP_ESTABLISHED:
		if (!ev->tcp_established)
			return POLICY_KEEP;
		return net_rule(c, ev->tcp_established->family, ev->tcp_established->remote,
				!strcmp(ev->tcp_established->direction, "accepted") ?
					ev->tcp_established->local : ev->tcp_established->remote);
	case RT_EVENT_TCP_CLOSE:
		if (!ev->tcp_close)
			return POLICY_KEEP;
		return net_rule(c, ev->tcp_close->family, ev->tcp_close->remote,
				!strcmp(ev->tcp_close->direction, "accepted") ?
					ev->tcp_close->local : ev->tcp_close->remote);
	/* bind/listen: the local address is both (bpf/net_sock.h) */
	case RT_EVENT_BIND:
		return ev->bind ? net_rule(c, ev->bind->family, ev->bind->addr, ev->bind->addr) : POLICY_KEEP;
	case RT_EVENT_LISTEN:
		return ev->listen ? net_rule(c, ev->listen->family, ev->listen->addr, ev->listen->addr) : POLICY_KEEP;
	default:
		return POLICY_KEEP;
	}
}

int policy_keep(const struct policy_compiled *c, const Ringtap__V1__Event *ev,
		struct policy_counters *cnt)
{
	unsigned rule = policy_match(c, ev);

	if (rule == POLICY_KEEP)
		return 1;
	if (cnt)
		cnt->filtered[policy_event_type(ev)][rule]++;
	return 0;
}

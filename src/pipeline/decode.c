/* Kernel record -> ringtap.v1.Event. Every length read from the record is
 * checked against the record's size before use: the kernel side is trusted
 * to be correct, but a replayed or corrupted buffer must never be trusted. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include "pipeline/decode.h"
#include "codec/utf8.h"
#include "pipeline/decode_proc.h"

static const char *const type_names[RT_EVENT_MAX] = {
	[RT_EVENT_EXEC] = "exec",       [RT_EVENT_EXIT] = "exit",
	[RT_EVENT_FORK] = "fork",       [RT_EVENT_OPEN] = "open",
	[RT_EVENT_CONNECT] = "connect", [RT_EVENT_ACCEPT] = "accept",
	[RT_EVENT_UNLINK] = "unlink",   [RT_EVENT_RENAME] = "rename",
	[RT_EVENT_CHMOD] = "chmod",     [RT_EVENT_CHOWN] = "chown",
	[RT_EVENT_LINK] = "link",       [RT_EVENT_MKNOD] = "mknod",
	[RT_EVENT_DNS] = "dns",
	[RT_EVENT_TCP_ESTABLISHED] = "tcp_established",
	[RT_EVENT_TCP_CLOSE] = "tcp_close",
	[RT_EVENT_CRED] = "cred",       [RT_EVENT_PTRACE] = "ptrace",
	[RT_EVENT_MEMFD] = "memfd",     [RT_EVENT_MODULE] = "module",
	[RT_EVENT_MOUNT] = "mount",     [RT_EVENT_NAMESPACE] = "namespace",
	[RT_EVENT_DUP] = "dup",         [RT_EVENT_SIGNAL] = "signal",
	[RT_EVENT_BPF] = "bpf",         [RT_EVENT_IO_URING] = "io_uring",
	[RT_EVENT_BIND] = "bind",
	[RT_EVENT_LISTEN] = "listen",
	[RT_EVENT_SOCKET] = "socket",
	[RT_EVENT_UNIX] = "unix_socket",
};

static const size_t body_sizes[RT_EVENT_MAX] = {
	[RT_EVENT_EXEC] = sizeof(struct rt_exec_body),
	[RT_EVENT_EXIT] = sizeof(struct rt_exit_body),
	[RT_EVENT_FORK] = sizeof(struct rt_fork_body),
	[RT_EVENT_OPEN] = sizeof(struct rt_open_body),
	[RT_EVENT_CONNECT] = sizeof(struct rt_connect_body),
	[RT_EVENT_ACCEPT] = sizeof(struct rt_accept_body),
	[RT_EVENT_UNLINK] = sizeof(struct rt_unlink_body),
	[RT_EVENT_RENAME] = sizeof(struct rt_rename_body),
	[RT_EVENT_CHMOD] = sizeof(struct rt_chmod_body),
	[RT_EVENT_CHOWN] = sizeof(struct rt_chown_body),
	[RT_EVENT_LINK] = sizeof(struct rt_link_body),
	[RT_EVENT_MKNOD] = sizeof(struct rt_mknod_body),
	[RT_EVENT_DNS] = sizeof(struct rt_dns_body),
	[RT_EVENT_TCP_ESTABLISHED] = sizeof(struct rt_tcp_established_body),
	[RT_EVENT_TCP_CLOSE] = sizeof(struct rt_tcp_close_body),
	[RT_EVENT_CRED] = sizeof(struct rt_cred_body),
	[RT_EVENT_PTRACE] = sizeof(struct rt_ptrace_body),
	[RT_EVENT_MEMFD] = sizeof(struct rt_memfd_body),
	[RT_EVENT_MODULE] = sizeof(struct rt_module_body),
	[RT_EVENT_MOUNT] = sizeof(struct rt_mount_body),
	[RT_EVENT_NAMESPACE] = sizeof(struct rt_namespace_body),
	[RT_EVENT_DUP] = sizeof(struct rt_dup_body),
	[RT_EVENT_SIGNAL] = sizeof(struct rt_signal_body),
	[RT_EVENT_BPF] = sizeof(struct rt_bpf_body),
	[RT_EVENT_IO_URING] = sizeof(struct rt_io_uring_body),
	[RT_EVENT_BIND] = sizeof(struct rt_bind_body),
	[RT_EVENT_LISTEN] = sizeof(struct rt_listen_body),
	[RT_EVENT_SOCKET] = sizeof(struct rt_socket_body),
	[RT_EVENT_UNIX] = sizeof(struct rt_unix_body),
};

const char *event_type_name(unsigned type)
{
	return type < RT_EVENT_MAX && type_names[type] ? type_names[type] : "unknown";
}

/* Kernel bytes -> UTF-8 C string (proto3 strings must be UTF-8, or
 * consumers in most languages reject the whole message). */
static void copy_text(char *dst, const char *src, size_t n)
{
	utf8_copy_sanitized(dst, src, n);
}

static const char *family_name(unsigned family)
{
	return family == AF_INET ? "inet" : family == AF_INET6 ? "inet6" : "";
}

static const char *proto_name(unsigned protocol)
{
	switch (protocol) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmpv6";
	default: return "";
	}
}

static void decode_endpoint(const struct rt_sockaddr *sa, Ringtap__V1__Endpoint *ep, char *text)
{
	ringtap__v1__endpoint__init(ep);
	text[0] = '\0';
	if (sa->family == AF_INET || sa->family == AF_INET6)
		inet_ntop(sa->family, sa->addr, text, INET6_ADDRSTRLEN);
	ep->addr = text;
	ep->port = sa->port;
}

/* The flow's Community ID on the header (network events); unknown ends
 * (family 0) or protocol leave it empty. */
static void set_community_id(struct decoded_event *d, const struct rt_sockaddr *a,
			     const struct rt_sockaddr *b, unsigned protocol)
{
	if (!protocol || a->family != b->family ||
	    community_id_v1(0, a->family, a->addr, a->port, b->addr, b->port, protocol, d->community_id))
		d->community_id[0] = '\0';
	d->hdr.community_id = d->community_id;
}

static int decode_exec(const struct rt_exec_body *b, const char *data, size_t avail,
		       struct decoded_event *d)
{
	Ringtap__V1__Exec *x = &d->body.exec;

	if (b->filename_len > RT_PATH_MAX || b->argv_len > RT_ARGV_MAX || b->cwd_len > RT_PATH_MAX ||
	    (size_t)b->filename_len + b->argv_len + b->cwd_len > avail)
		return -EBADMSG;
	ringtap__v1__exec__init(x);
	x->ret = b->ret;
	x->argc = b->argc;
	x->auid = b->auid;
	x->sessionid = b->sessionid;
	x->cap_effective = b->cap_effective;
	x->cap_permitted = b->cap_permitted;
	/* kernel dev_t (major << 20 | minor) -> the userspace encoding stat uses */
	x->exe_dev = makedev(b->exe_dev >> 20, b->exe_dev & 0xfffff);
	x->exe_ino = b->exe_ino;
	x->exe_mode = b->exe_mode;
	x->exe_ctime = b->exe_ctime;
	x->exe_mtime = b->exe_mtime;
	x->exe_nlink = b->exe_nlink;
	x->exe_memfd = !!(b->exe_flags & RT_EXE_MEMFD);
	x->exe_deleted = !!(b->exe_flags & RT_EXE_DELETED);
	x->exe_overlay = !!(b->exe_flags & RT_EXE_OVERLAY);
	x->exe_writable = !!(b->exe_flags & RT_EXE_WRITABLE);
	x->tty = b->tty ? makedev(b->tty >> 20, b->tty & 0xfffff) : 0;
	copy_text(d->path, data, b->filename_len);
	x->filename = d->path;
	/* argv: NUL-separated; the last argument may lack its NUL if cut. */
	const char *raw = data + b->filename_len;
	size_t n = 0, out = 0;
	for (size_t off = 0; off < b->argv_len;) {
		const char *nul = memchr(raw + off, '\0', b->argv_len - off);
		size_t len = nul ? (size_t)(nul - (raw + off)) : b->argv_len - off;
		d->argv[n++] = d->argv_buf + out;
		out += utf8_copy_sanitized(d->argv_buf + out, raw + off, len) + 1;
		off += len + 1;
	}
	x->argv = d->argv;
	x->n_argv = n;
	copy_text(d->path2, raw + b->argv_len, b->cwd_len);
	x->cwd = d->path2;
	x->cwd_truncated = !!(b->cwd_flags & RT_CWD_TRUNCATED);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_EXEC;
	d->ev.exec = x;
	return 0;
}

static const char *open_syscall_name(unsigned sc)
{
	switch (sc) {
	case RT_OPEN_OPENAT: return "openat";
	case RT_OPEN_OPENAT2: return "openat2";
	case RT_OPEN_OPEN: return "open";
	case RT_OPEN_CREAT: return "creat";
	default: return "";
	}
}

static int decode_open(const struct rt_open_body *b, const char *data, size_t avail,
		       struct decoded_event *d)
{
	Ringtap__V1__Open *o = &d->body.open;

	if (b->path_len > RT_PATH_MAX || b->path_len > avail)
		return -EBADMSG;
	ringtap__v1__open__init(o);
	copy_text(d->path, data, b->path_len);
	o->path = d->path;
	o->flags = b->flags;
	o->mode = b->mode;
	o->ret = b->ret;
	o->dirfd = b->dirfd;
	o->syscall = (char *)open_syscall_name(b->syscall);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_OPEN;
	d->ev.open = o;
	return 0;
}

/* ---- file events ---- */

/* Syscall names per family, indexed by the body's syscall field. */
static const char *const unlink_calls[] = { "unlink", "unlinkat", "rmdir" };
static const char *const rename_calls[] = { "rename", "renameat", "renameat2" };
static const char *const chmod_calls[] = { "chmod", "fchmod", "fchmodat", "fchmodat2" };
static const char *const chown_calls[] = { "chown", "fchown", "lchown", "fchownat" };
static const char *const link_calls[] = { "link", "linkat", "symlink", "symlinkat" };
static const char *const mknod_calls[] = { "mknod", "mknodat" };

#define CALL_NAME(table, i) ((i) < sizeof(table) / sizeof(table[0]) ? (char *)(table)[i] : "")

/* One or two paths of len1 and len2 bytes at data: checked against avail,
 * then copied as UTF-8 into d->path and d->path2. */
static int decode_paths(const char *data, size_t avail, uint32_t len1, uint32_t len2,
			struct decoded_event *d)
{
	if (len1 > RT_PATH_MAX || len2 > RT_PATH_MAX || (size_t)len1 + len2 > avail)
		return -EBADMSG;
	copy_text(d->path, data, len1);
	copy_text(d->path2, data + len1, len2);
	return 0;
}

static int decode_unlink(const struct rt_unlink_body *b, const char *data, size_t avail,
			 struct decoded_event *d)
{
	Ringtap__V1__Unlink *u = &d->body.unlink;

	if (decode_paths(data, avail, b->path_len, 0, d))
		return -EBADMSG;
	ringtap__v1__unlink__init(u);
	u->path = d->path;
	u->dirfd = b->dirfd;
	u->flags = b->flags;
	u->ret = b->ret;
	u->syscall = CALL_NAME(unlink_calls, b->syscall);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_UNLINK;
	d->ev.unlink = u;
	return 0;
}

static int decode_rename(const struct rt_rename_body *b, const char *data, size_t avail,
			 struct decoded_event *d)
{
	Ringtap__V1__Rename *r = &d->body.rename;

	if (decode_paths(data, avail, b->old_len, b->new_len, d))
		return -EBADMSG;
	ringtap__v1__rename__init(r);
	r->old_path = d->path;
	r->new_path = d->path2;
	r->old_dirfd = b->old_dirfd;
	r->new_dirfd = b->new_dirfd;
	r->flags = b->flags;
	r->ret = b->ret;
	r->syscall = CALL_NAME(rename_calls, b->syscall);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_RENAME;
	d->ev.rename = r;
	return 0;
}

#define MODE_SETUID 04000
#define MODE_SETGID 02000
#define MODE_STICKY 01000

static int decode_chmod(const struct rt_chmod_body *b, const char *data, size_t avail,
			struct decoded_event *d)
{
	Ringtap__V1__Chmod *c = &d->body.chmod;

	if (decode_paths(data, avail, b->path_len, 0, d))
		return -EBADMSG;
	ringtap__v1__chmod__init(c);
	c->path = d->path;
	c->dirfd = b->dirfd;
	c->fd = b->fd;
	c->mode = b->mode;
	c->flags = b->flags;
	c->setuid = !!(b->mode & MODE_SETUID);
	c->setgid = !!(b->mode & MODE_SETGID);
	c->sticky = !!(b->mode & MODE_STICKY);
	c->ret = b->ret;
	c->syscall = CALL_NAME(chmod_calls, b->syscall);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_CHMOD;
	d->ev.chmod = c;
	return 0;
}

static int decode_chown(const struct rt_chown_body *b, const char *data, size_t avail,
			struct decoded_event *d)
{
	Ringtap__V1__Chown *c = &d->body.chown;

	if (decode_paths(data, avail, b->path_len, 0, d))
		return -EBADMSG;
	ringtap__v1__chown__init(c);
	c->path = d->path;
	c->dirfd = b->dirfd;
	c->fd = b->fd;
	c->uid = (int32_t)b->uid;
	c->gid = (int32_t)b->gid;
	c->flags = b->flags;
	c->ret = b->ret;
	c->syscall = CALL_NAME(chown_calls, b->syscall);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_CHOWN;
	d->ev.chown = c;
	return 0;
}

static int decode_link(const struct rt_link_body *b, const char *data, size_t avail,
		       struct decoded_event *d)
{
	Ringtap__V1__Link *l = &d->body.link;

	if (decode_paths(data, avail, b->target_len, b->link_len, d))
		return -EBADMSG;
	ringtap__v1__link__init(l);
	l->target = d->path;
	l->link_path = d->path2;
	l->old_dirfd = b->old_dirfd;
	l->new_dirfd = b->new_dirfd;
	l->flags = b->flags;
	l->symbolic = b->syscall == RT_LINK_SYMLINK || b->syscall == RT_LINK_SYMLINKAT;
	l->ret = b->ret;
	l->syscall = CALL_NAME(link_calls, b->syscall);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_LINK;
	d->ev.link = l;
	return 0;
}

static int decode_mknod(const struct rt_mknod_body *b, const char *data, size_t avail,
			struct decoded_event *d)
{
	Ringtap__V1__Mknod *m = &d->body.mknod;

	if (decode_paths(data, avail, b->path_len, 0, d))
		return -EBADMSG;
	ringtap__v1__mknod__init(m);
	m->path = d->path;
	m->dirfd = b->dirfd;
	m->mode = b->mode;
	m->dev = b->dev;
	m->ret = b->ret;
	m->syscall = CALL_NAME(mknod_calls, b->syscall);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_MKNOD;
	d->ev.mknod = m;
	return 0;
}

/* ---- network events from socket hooks ---- */

static int decode_dns(const struct rt_dns_body *b, const char *data, size_t avail,
		      struct decoded_event *d)
{
	Ringtap__V1__Dns *m = &d->body.dns;
	struct dns_parsed *p = &d->dns;
	bool server_remote;
	int rc;

	if (b->payload_len > RT_DNS_PAYLOAD_MAX || b->payload_len > avail ||
	    b->payload_len > b->orig_len || b->direction > RT_DIR_INGRESS)
		return -EBADMSG;
	rc = dns_parse((const uint8_t *)data, b->payload_len, b->orig_len, b->protocol == IPPROTO_TCP, p);
	if (rc)
		return rc;
	ringtap__v1__dns__init(m);
	m->direction = b->direction == RT_DIR_EGRESS ? "egress" : "ingress";
	m->protocol = (char *)proto_name(b->protocol);
	m->family = (char *)family_name(b->remote.family);
	/* The server is the far end of a query we send or a response we get. */
	server_remote = (b->direction == RT_DIR_EGRESS) != p->response;
	decode_endpoint(server_remote ? &b->remote : &b->local, &d->ep[0], d->addr[0]);
	decode_endpoint(server_remote ? &b->local : &b->remote, &d->ep[1], d->addr[1]);
	m->server = &d->ep[0];
	m->client = &d->ep[1];
	m->socket_cookie = b->cookie;
	m->id = p->id;
	m->response = p->response;
	m->opcode = p->opcode;
	m->rcode = p->response ? p->rcode : "";
	for (size_t i = 0; i < p->n_questions; i++) {
		ringtap__v1__dns_question__init(&d->dns_q[i]);
		d->dns_q[i].name = p->questions[i].name;
		d->dns_q[i].type = p->questions[i].type;
		d->dns_q[i].class_ = p->questions[i].rclass;
		d->dns_qp[i] = &d->dns_q[i];
	}
	m->questions = d->dns_qp;
	m->n_questions = p->n_questions;
	for (size_t i = 0; i < p->n_answers; i++) {
		ringtap__v1__dns_answer__init(&d->dns_a[i]);
		d->dns_a[i].name = p->answers[i].name;
		d->dns_a[i].type = p->answers[i].type;
		d->dns_a[i].class_ = p->answers[i].rclass;
		d->dns_a[i].ttl = p->answers[i].ttl;
		d->dns_a[i].data = p->answers[i].data;
		d->dns_ap[i] = &d->dns_a[i];
	}
	m->answers = d->dns_ap;
	m->n_answers = p->n_answers;
	m->answers_omitted = p->answers_omitted;
	m->malformed = p->malformed;
	m->error = p->error;
	m->truncated = p->truncated;
	m->length = p->length;
	set_community_id(d, &b->local, &b->remote, b->protocol);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_DNS;
	d->ev.dns = m;
	return 0;
}

static const char *tcp_direction_name(unsigned dir)
{
	return dir == RT_TCP_ACCEPTED ? "accepted" : "connected";
}

static void decode_tcp_established(const struct rt_tcp_established_body *b, struct decoded_event *d)
{
	Ringtap__V1__TcpEstablished *m = &d->body.tcp_established;

	ringtap__v1__tcp_established__init(m);
	m->direction = (char *)tcp_direction_name(b->direction);
	m->family = (char *)family_name(b->local.family);
	decode_endpoint(&b->local, &d->ep[0], d->addr[0]);
	decode_endpoint(&b->remote, &d->ep[1], d->addr[1]);
	m->local = &d->ep[0];
	m->remote = &d->ep[1];
	m->socket_cookie = b->cookie;
	set_community_id(d, &b->local, &b->remote, IPPROTO_TCP);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_TCP_ESTABLISHED;
	d->ev.tcp_established = m;
}

static void decode_tcp_close(const struct rt_tcp_close_body *b, struct decoded_event *d)
{
	Ringtap__V1__TcpClose *m = &d->body.tcp_close;

	ringtap__v1__tcp_close__init(m);
	m->direction = (char *)tcp_direction_name(b->direction);
	m->family = (char *)family_name(b->local.family);
	decode_endpoint(&b->local, &d->ep[0], d->addr[0]);
	decode_endpoint(&b->remote, &d->ep[1], d->addr[1]);
	m->local = &d->ep[0];
	m->remote = &d->ep[1];
	m->socket_cookie = b->cookie;
	m->bytes_sent = b->bytes_sent;
	m->bytes_received = b->bytes_received;
	m->retransmits = b->retransmits;
	m->duration_ns = b->duration_ns;
	m->reason = b->reason == RT_TCP_CLOSE_RST ? "rst" : "fin";
	set_community_id(d, &b->local, &b->remote, IPPROTO_TCP);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_TCP_CLOSE;
	d->ev.tcp_close = m;
}

static void decode_bind(const struct rt_bind_body *b, struct decoded_event *d)
{
	Ringtap__V1__Bind *m = &d->body.bind;

	ringtap__v1__bind__init(m);
	m->family = (char *)family_name(b->addr.family);
	m->protocol = (char *)proto_name(b->protocol);
	decode_endpoint(&b->addr, &d->ep[0], d->addr[0]);
	m->addr = &d->ep[0];
	m->fd = b->fd;
	m->ret = b->ret;
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_BIND;
	d->ev.bind = m;
}

static void decode_listen(const struct rt_listen_body *b, struct decoded_event *d)
{
	Ringtap__V1__Listen *m = &d->body.listen;

	ringtap__v1__listen__init(m);
	m->family = (char *)family_name(b->addr.family);
	m->protocol = (char *)proto_name(b->protocol);
	decode_endpoint(&b->addr, &d->ep[0], d->addr[0]);
	m->addr = &d->ep[0];
	m->fd = b->fd;
	m->backlog = b->backlog;
	m->max_backlog = b->max_backlog;
	m->ret = b->ret;
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_LISTEN;
	d->ev.listen = m;
}

static const char *sock_type_name(unsigned type)
{
	switch (type) {
	case SOCK_STREAM: return "stream";
	case SOCK_DGRAM: return "dgram";
	case SOCK_RAW: return "raw";
	case SOCK_RDM: return "rdm";
	case SOCK_SEQPACKET: return "seqpacket";
	case SOCK_PACKET: return "packet";
	default: return "";
	}
}

static int decode_socket(const struct rt_socket_body *b, struct decoded_event *d)
{
	Ringtap__V1__Socket *m = &d->body.socket;

	if (b->family != AF_PACKET && b->family != AF_INET && b->family != AF_INET6)
		return -EBADMSG;
	ringtap__v1__socket__init(m);
	m->family = b->family == AF_PACKET ? "packet" : (char *)family_name(b->family);
	m->type = (char *)sock_type_name(b->type);
	/* AF_PACKET's protocol is an ethertype in network order */
	m->protocol = b->family == AF_PACKET ? ntohs((uint16_t)b->protocol) : b->protocol;
	m->ret = b->ret;
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_SOCKET;
	d->ev.socket = m;
	return 0;
}

/* A sun_path of len bytes: a pathname ends at its first NUL; an abstract
 * name (first byte NUL) is all len bytes, shown with "@" for the NUL and
 * for NULs inside it, as ss(8) and /proc/net/unix do. */
static int decode_unix(const struct rt_unix_body *b, struct decoded_event *d)
{
	Ringtap__V1__UnixSocket *m = &d->body.unix_socket;
	char raw[RT_UNIX_PATH_MAX];
	size_t len = b->path_len;
	bool abstract;

	if (len > RT_UNIX_PATH_MAX || b->op > RT_UNIX_BIND || b->path_source > RT_UNIX_PATH_USER)
		return -EBADMSG;
	memcpy(raw, b->path, len);
	abstract = len > 0 && raw[0] == '\0';
	if (abstract) {
		for (size_t i = 0; i < len; i++)
			if (raw[i] == '\0')
				raw[i] = '@';
	} else {
		len = strnlen(raw, len);
	}
	copy_text(d->path, raw, len);
	ringtap__v1__unix_socket__init(m);
	m->op = b->op == RT_UNIX_BIND ? "bind" : "connect";
	m->type = (char *)sock_type_name(b->type);
	m->path = d->path;
	m->abstract = abstract;
	m->path_source = b->path_source == RT_UNIX_PATH_USER ? "user" : "kernel";
	m->peer_pid = b->peer_pid;
	m->fd = b->fd;
	m->ret = b->ret;
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_UNIX_SOCKET;
	d->ev.unix_socket = m;
	return 0;
}

static void decode_header(const struct rt_header *h, struct decoded_event *d)
{
	Ringtap__V1__Header *hdr = &d->hdr;

	ringtap__v1__header__init(hdr);
	hdr->ts_ns = h->ts_ns;
	hdr->pid = h->tgid;
	hdr->tid = h->tid;
	hdr->ppid = h->ppid;
	hdr->uid = h->uid;
	hdr->gid = h->gid;
	hdr->euid = h->euid;
	hdr->egid = h->egid;
	hdr->cgroup_id = h->cgroup_id;
	copy_text(d->comm, h->comm, strnlen(h->comm, RT_COMM_LEN));
	hdr->comm = d->comm;
	hdr->start_time_ns = h->start_ns;
	hdr->policy_generation = h->policy_gen;
	hdr->truncated = !!(h->flags & RT_FLAG_TRUNCATED);
	hdr->abi_version = h->abi_version;
	hdr->parent_start_time_ns = h->parent_start_ns;
}

int decode_record(const void *raw, size_t len, struct decoded_event *d)
{
	const struct rt_header *h = raw;
	const char *body, *data;
	size_t avail;

	if (len < sizeof(*h))
		return -EBADMSG;
	if (h->abi_version != RT_ABI_VERSION)
		return -EPROTO;
	if (h->size > len || h->size < sizeof(*h) || h->type == 0 || h->type >= RT_EVENT_MAX)
		return -EBADMSG;
	if (h->size - sizeof(*h) < body_sizes[h->type])
		return -EBADMSG;
	body = (const char *)raw + sizeof(*h);
	avail = h->size - sizeof(*h) - body_sizes[h->type];
	data = body + body_sizes[h->type];

	ringtap__v1__event__init(&d->ev);
	decode_header(h, d);
	d->ev.header = &d->hdr;

	switch (h->type) {
	case RT_EVENT_EXEC:
		return decode_exec((const void *)body, body + sizeof(struct rt_exec_body), avail, d);
	case RT_EVENT_OPEN:
		return decode_open((const void *)body, body + sizeof(struct rt_open_body), avail, d);
	case RT_EVENT_EXIT: {
		const struct rt_exit_body *b = (const void *)body;
		ringtap__v1__exit__init(&d->body.exit);
		d->body.exit.code = b->code;
		d->body.exit.signal = b->signal;
		d->ev.body_case = RINGTAP__V1__EVENT__BODY_EXIT;
		d->ev.exit = &d->body.exit;
		return 0;
	}
	case RT_EVENT_FORK: {
		const struct rt_fork_body *b = (const void *)body;
		ringtap__v1__fork__init(&d->body.fork);
		d->body.fork.child_pid = b->child_pid;
		d->body.fork.child_start_time_ns = b->child_start_ns;
		d->ev.body_case = RINGTAP__V1__EVENT__BODY_FORK;
		d->ev.fork = &d->body.fork;
		return 0;
	}
	case RT_EVENT_CONNECT: {
		const struct rt_connect_body *b = (const void *)body;
		Ringtap__V1__Connect *c = &d->body.connect;
		ringtap__v1__connect__init(c);
		c->family = (char *)family_name(b->dst.family ? b->dst.family : b->src.family);
		decode_endpoint(&b->src, &d->ep[0], d->addr[0]);
		decode_endpoint(&b->dst, &d->ep[1], d->addr[1]);
		c->src = &d->ep[0];
		c->dst = &d->ep[1];
		c->ret = b->ret;
		c->fd = b->fd;
		c->protocol = (char *)proto_name(b->protocol);
		c->via = b->via == RT_CONNECT_VIA_SENDMSG ? "sendmsg" : "connect";
		set_community_id(d, &b->src, &b->dst, b->protocol);
		d->ev.body_case = RINGTAP__V1__EVENT__BODY_CONNECT;
		d->ev.connect = c;
		return 0;
	}
	case RT_EVENT_ACCEPT: {
		const struct rt_accept_body *b = (const void *)body;
		Ringtap__V1__Accept *a = &d->body.accept;
		ringtap__v1__accept__init(a);
		a->family = (char *)family_name(b->local.family ? b->local.family : b->peer.family);
		decode_endpoint(&b->local, &d->ep[0], d->addr[0]);
		decode_endpoint(&b->peer, &d->ep[1], d->addr[1]);
		a->local = &d->ep[0];
		a->peer = &d->ep[1];
		a->ret = b->ret;
		a->listen_fd = b->listen_fd;
		if (b->ret >= 0) /* accept(2) hands out stream sockets: TCP here */
			set_community_id(d, &b->local, &b->peer, IPPROTO_TCP);
		d->ev.body_case = RINGTAP__V1__EVENT__BODY_ACCEPT;
		d->ev.accept = a;
		return 0;
	}
	case RT_EVENT_UNLINK:
		return decode_unlink((const void *)body, data, avail, d);
	case RT_EVENT_RENAME:
		return decode_rename((const void *)body, data, avail, d);
	case RT_EVENT_CHMOD:
		return decode_chmod((const void *)body, data, avail, d);
	case RT_EVENT_CHOWN:
		return decode_chown((const void *)body, data, avail, d);
	case RT_EVENT_LINK:
		return decode_link((const void *)body, data, avail, d);
	case RT_EVENT_MKNOD:
		return decode_mknod((const void *)body, data, avail, d);
	case RT_EVENT_DNS:
		return decode_dns((const void *)body, data, avail, d);
	case RT_EVENT_TCP_ESTABLISHED:
		decode_tcp_established((const void *)body, d);
		return 0;
	case RT_EVENT_TCP_CLOSE:
		decode_tcp_close((const void *)body, d);
		return 0;
	default:
		return decode_proc_record(h->type, body, data, avail, d);
	case RT_EVENT_BIND:
		decode_bind((const void *)body, d);
		return 0;
	case RT_EVENT_LISTEN:
		decode_listen((const void *)body, d);
		return 0;
	case RT_EVENT_SOCKET:
		return decode_socket((const void *)body, d);
	case RT_EVENT_UNIX:
		return decode_unix((const void *)body, d);
	}
	return -EBADMSG;
}

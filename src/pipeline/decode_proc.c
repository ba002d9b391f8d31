/* Kernel records of the process-state, mount and module families ->
 * ringtap.v1 messages. Lengths are checked against the record as in
 * decode.c: a replayed or corrupted buffer is never trusted. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "pipeline/decode_proc.h"
#include "codec/utf8.h"

#define NAMES(table) (sizeof(table) / sizeof(table[0]))
#define CALL(table, i) ((i) < NAMES(table) ? (char *)(table)[i] : "")

static const char *const cred_calls[] = { "setuid",    "setgid",    "setreuid",
					  "setregid",  "setresuid", "setresgid",
					  "setfsuid",  "setfsgid",  "capset" };
static const char *const ptrace_calls[] = { "ptrace", "process_vm_writev" };
static const char *const module_calls[] = { "init_module", "finit_module", "delete_module" };
static const char *const mount_calls[] = { "mount",	 "umount2",    "chroot",
					   "pivot_root", "fsopen",     "fsmount",
					   "move_mount", "open_tree", "mount_setattr",
					   "fsconfig" };
static const char *const ns_calls[] = { "unshare", "setns" };
static const char *const dup_calls[] = { "dup", "dup2", "dup3", "fcntl" };
static const char *const signal_calls[] = { "kill", "tkill", "tgkill", "pidfd_send_signal" };

/* Strings of the given lengths laid end to end at data, into outs[i]. */
static int decode_strings(const char *data, size_t avail, const uint32_t *lens, char **outs, int n)
{
	size_t total = 0;

	for (int i = 0; i < n; i++) {
		if (lens[i] > RT_PATH_MAX)
			return -EBADMSG;
		total += lens[i];
	}
	if (total > avail)
		return -EBADMSG;
	for (int i = 0; i < n; i++) {
		utf8_copy_sanitized(outs[i], data, lens[i]);
		data += lens[i];
	}
	return 0;
}

static int nreq(unsigned sc)
{
	switch (sc) {
	case RT_CRED_SETREUID: case RT_CRED_SETREGID: return 2;
	case RT_CRED_SETRESUID: case RT_CRED_SETRESGID: return 3;
	case RT_CRED_CAPSET: return 2; /* version, pid */
	default: return 1;
	}
}

static int decode_cred(const struct rt_cred_body *b, struct decoded_event *d)
{
	Ringtap__V1__Cred *c = &d->body.cred;

	ringtap__v1__cred__init(c);
	c->n_requested = nreq(b->syscall);
	for (size_t i = 0; i < c->n_requested; i++)
		d->requested[i] = (int32_t)b->req[i];
	c->requested = d->requested;
	c->uid = b->uid;
	c->euid = b->euid;
	c->suid = b->suid;
	c->fsuid = b->fsuid;
	c->gid = b->gid;
	c->egid = b->egid;
	c->sgid = b->sgid;
	c->fsgid = b->fsgid;
	c->cap_effective = b->cap_effective;
	c->cap_permitted = b->cap_permitted;
	c->cap_inheritable = b->cap_inheritable;
	c->requested_cap_effective = b->req_cap_effective;
	c->requested_cap_permitted = b->req_cap_permitted;
	c->requested_cap_inheritable = b->req_cap_inheritable;
	c->ret = b->ret;
	c->syscall = CALL(cred_calls, b->syscall);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_CRED;
	d->ev.cred = c;
	return 0;
}

static int decode_ptrace(const struct rt_ptrace_body *b, struct decoded_event *d)
{
	Ringtap__V1__Ptrace *p = &d->body.ptrace;

	ringtap__v1__ptrace__init(p);
	p->request = b->request;
	p->target_pid = b->target_pid;
	p->traceme = b->syscall == RT_PTRACE_PTRACE && b->request == 0;
	p->addr = b->addr;
	p->data = b->data;
	p->local_iovcnt = b->local_iovcnt;
	p->remote_iovcnt = b->remote_iovcnt;
	p->ret = b->ret;
	p->syscall = CALL(ptrace_calls, b->syscall);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_PTRACE;
	d->ev.ptrace = p;
	return 0;
}

static int decode_memfd(const struct rt_memfd_body *b, const char *data, size_t avail,
			struct decoded_event *d)
{
	Ringtap__V1__Memfd *m = &d->body.memfd;
	char *outs[] = { d->path };

	if (decode_strings(data, avail, &b->name_len, outs, 1))
		return -EBADMSG;
	ringtap__v1__memfd__init(m);
	m->name = d->path;
	m->flags = b->flags;
	m->ret = b->ret;
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_MEMFD;
	d->ev.memfd = m;
	return 0;
}

static int decode_module(const struct rt_module_body *b, const char *data, size_t avail,
			 struct decoded_event *d)
{
	Ringtap__V1__Module *m = &d->body.module;
	uint32_t lens[] = { b->name_len, b->params_len };
	char *outs[] = { d->path, d->path2 };

	if (decode_strings(data, avail, lens, outs, 2))
		return -EBADMSG;
	ringtap__v1__module__init(m);
	m->name = d->path;
	m->params = d->path2;
	m->len = b->len;
	m->fd = b->fd;
	m->flags = b->flags;
	m->ret = b->ret;
	m->syscall = CALL(module_calls, b->syscall);
	utf8_copy_sanitized(d->name, b->module_name, strnlen(b->module_name, RT_MODULE_NAME_LEN));
	m->module_name = d->name;
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_MODULE;
	d->ev.module = m;
	return 0;
}

static int decode_mount(const struct rt_mount_body *b, const char *data, size_t avail,
			struct decoded_event *d)
{
	Ringtap__V1__Mount *m = &d->body.mount;
	uint32_t lens[] = { b->fstype_len, b->source_len, b->target_len, b->key_len, b->value_len };
	char *outs[] = { d->path3, d->path, d->path2, d->path4, d->path5 };

	if (b->fstype_len > RT_FSTYPE_MAX || decode_strings(data, avail, lens, outs, 5))
		return -EBADMSG;
	ringtap__v1__mount__init(m);
	m->fstype = d->path3;
	m->source = d->path;
	m->target = d->path2;
	m->flags = b->flags;
	m->attr = b->attr;
	m->fd = b->fd;
	m->dirfd = b->dirfd;
	m->dirfd2 = b->dirfd2;
	m->ret = b->ret;
	m->syscall = CALL(mount_calls, b->syscall);
	m->cmd = b->cmd;
	m->aux = b->aux;
	m->key = d->path4;
	m->value = d->path5;
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_MOUNT;
	d->ev.mount = m;
	return 0;
}

static int decode_namespace(const struct rt_namespace_body *b, struct decoded_event *d)
{
	Ringtap__V1__Namespace *n = &d->body.namespace_;

	ringtap__v1__namespace__init(n);
	n->flags = b->flags;
	n->fd = b->fd;
	n->ret = b->ret;
	n->syscall = CALL(ns_calls, b->syscall);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_NAMESPACE;
	d->ev.namespace_ = n;
	return 0;
}

static const char *dup_family(unsigned family, char *buf, size_t n)
{
	switch (family) {
	case AF_UNIX: return "unix";
	case AF_INET: return "inet";
	case AF_INET6: return "inet6";
	default: snprintf(buf, n, "%u", family); return buf;
	}
}

static const char *dup_protocol(unsigned protocol)
{
	switch (protocol) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	default: return "";
	}
}

static void dup_endpoint(const struct rt_sockaddr *sa, Ringtap__V1__Endpoint *ep, char *text)
{
	ringtap__v1__endpoint__init(ep);
	text[0] = '\0';
	if (sa->family == AF_INET || sa->family == AF_INET6)
		inet_ntop(sa->family, sa->addr, text, INET6_ADDRSTRLEN);
	ep->addr = text;
	ep->port = sa->port;
}

static int decode_dup(const struct rt_dup_body *b, struct decoded_event *d)
{
	Ringtap__V1__Dup *x = &d->body.dup;
	bool inet = b->family == AF_INET || b->family == AF_INET6;

	ringtap__v1__dup__init(x);
	x->oldfd = b->oldfd;
	x->newfd = b->newfd;
	x->flags = b->flags;
	x->family = (char *)dup_family(b->family, d->name, sizeof(d->name));
	x->sock_type = b->sock_type;
	x->protocol = (char *)(inet ? dup_protocol(b->protocol) : "");
	dup_endpoint(&b->local, &d->ep[0], d->addr[0]);
	dup_endpoint(&b->peer, &d->ep[1], d->addr[1]);
	x->local = &d->ep[0];
	x->peer = &d->ep[1];
	x->ret = b->ret;
	x->syscall = CALL(dup_calls, b->syscall);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_DUP;
	d->ev.dup = x;
	return 0;
}

static int decode_signal(const struct rt_signal_body *b, struct decoded_event *d)
{
	Ringtap__V1__Signal *s = &d->body.signal;

	ringtap__v1__signal__init(s);
	s->signal = b->sig;
	s->target_pid = b->target_pid;
	s->target_tid = b->target_tid;
	s->pidfd = b->pidfd;
	s->ret = b->ret;
	s->syscall = CALL(signal_calls, b->syscall);
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_SIGNAL;
	d->ev.signal = s;
	return 0;
}

static int decode_bpf(const struct rt_bpf_body *b, struct decoded_event *d)
{
	Ringtap__V1__Bpf *x = &d->body.bpf;

	ringtap__v1__bpf__init(x);
	x->cmd = b->cmd == RT_BPF_PROG_LOAD ? "prog_load" : b->cmd == RT_BPF_MAP_CREATE ? "map_create" : "";
	x->type = b->type;
	x->attach_type = b->attach_type;
	x->count = b->count;
	x->key_size = b->key_size;
	x->value_size = b->value_size;
	utf8_copy_sanitized(d->name, b->name, strnlen(b->name, RT_BPF_NAME_LEN));
	x->name = d->name;
	x->ret = b->ret;
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_BPF;
	d->ev.bpf = x;
	return 0;
}

static const char *io_uring_op(unsigned op)
{
	switch (op) {
	case 9: return "sendmsg";
	case 13: return "accept";
	case 16: return "connect";
	case 18: return "openat";
	case 26: return "send";
	case 28: return "openat2";
	case 45: return "socket";
	case 47: return "send_zc";
	case 48: return "sendmsg_zc";
	default: return "";
	}
}

static int decode_io_uring(const struct rt_io_uring_body *b, const char *data, size_t avail,
			   struct decoded_event *d)
{
	Ringtap__V1__IoUring *u = &d->body.io_uring;
	char *outs[] = { d->path };

	if (decode_strings(data, avail, &b->path_len, outs, 1))
		return -EBADMSG;
	ringtap__v1__io_uring__init(u);
	u->kind = b->kind == RT_IO_URING_SETUP ? "setup" : b->kind == RT_IO_URING_SUBMIT ? "submit" :
		  b->kind == RT_IO_URING_COMPLETE ? "complete" : "";
	u->opcode = b->opcode;
	u->op = (char *)(b->kind != RT_IO_URING_SETUP ? io_uring_op(b->opcode) : "");
	u->fd = b->fd;
	u->user_data = b->user_data;
	u->flags = b->flags;
	u->entries = b->entries;
	u->path = d->path;
	u->open_flags = b->open_flags;
	u->family = (char *)(b->addr.family == AF_INET ? "inet" : b->addr.family == AF_INET6 ? "inet6" : "");
	dup_endpoint(&b->addr, &d->ep[0], d->addr[0]);
	u->addr = &d->ep[0];
	u->ret = b->ret;
	d->ev.body_case = RINGTAP__V1__EVENT__BODY_IO_URING;
	d->ev.io_uring = u;
	return 0;
}

int decode_proc_record(unsigned type, const char *body, const char *data, size_t avail,
		       struct decoded_event *d)
{
	switch (type) {
	case RT_EVENT_CRED: return decode_cred((const void *)body, d);
	case RT_EVENT_PTRACE: return decode_ptrace((const void *)body, d);
	case RT_EVENT_MEMFD: return decode_memfd((const void *)body, data, avail, d);
	case RT_EVENT_MODULE: return decode_module((const void *)body, data, avail, d);
	case RT_EVENT_MOUNT: return decode_mount((const void *)body, data, avail, d);
	case RT_EVENT_NAMESPACE: return decode_namespace((const void *)body, d);
	case RT_EVENT_DUP: return decode_dup((const void *)body, d);
	case RT_EVENT_SIGNAL: return decode_signal((const void *)body, d);
	case RT_EVENT_BPF: return decode_bpf((const void *)body, d);
	case RT_EVENT_IO_URING: return decode_io_uring((const void *)body, data, avail, d);
	default: return -EBADMSG;
	}
}

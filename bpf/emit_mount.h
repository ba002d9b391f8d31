/* SPDX-License-Identifier: GPL-2.0 */
/* Escape-surface events: mounts (mount, umount2, chroot, pivot_root, the
 * new mount API), namespaces (unshare, setns) and kernel modules
 * (init_module, finit_module, delete_module); fsconfig is a mount record (ringtap_abi.h). Handlers as
 * in emit_file.h: the family's arguments onto its body, strings as passed
 * into the per-CPU scratch, the process policy, one record out. Included
 * by ringtap.bpf.c only, after emit_proc.h. */
#ifndef RINGTAP_BPF_EMIT_MOUNT_H
#define RINGTAP_BPF_EMIT_MOUNT_H

#include "dispatch.h"

/* ---- mounts ---- */

#define RT_FSCONFIG_SET_STRING     1 /* linux/mount.h */
#define RT_FSCONFIG_SET_PATH       3
#define RT_FSCONFIG_SET_PATH_EMPTY 4

/* A filesystem type name (at most RT_FSTYPE_MAX bytes) to scratch offset
 * off; its length, 0 if unreadable or absent. */
static __always_inline __u32 mount__fstype(struct rt_scratch *s, __u32 off, __u64 uptr, __u32 *flags)
{
	long n;

	if (!uptr)
		return 0;
	n = bpf_probe_read_user_str(s->buf + (off & FILE_OFF_MASK), RT_FSTYPE_MAX + 1,
				    (const void *)uptr);
	if (n <= 0)
		return 0;
	if (n > RT_FSTYPE_MAX) {
		*flags |= RT_FLAG_TRUNCATED;
		return RT_FSTYPE_MAX;
	}
	return n - 1;
}

static __always_inline __u32 mount__path(struct rt_scratch *s, __u32 off, __u64 uptr, __u32 *flags)
{
	return uptr ? file__path(s, off, uptr, flags) : 0;
}

SC_HANDLER(rt_sc_mount)
{
	struct sc_call *c = sc_call__get();
	struct rt_mount_body *b;
	struct rt_policy_ctx pc;
	struct rt_scratch *s;
	__u64 ufstype = 0, usource = 0, utarget = 0, ukey = 0, uvalue = 0;
	__u32 flags = 0, off;

	if (!c || !(s = file__begin(RT_EVENT_MOUNT, &pc)))
		return 0;
	b = FILE_BODY(s, struct rt_mount_body);
	b->ret = c->ret;
	b->syscall = c->kind;
	b->flags = 0;
	b->attr = 0;
	b->fd = b->dirfd = b->dirfd2 = -1;
	b->cmd = 0;
	b->aux = 0;
	switch (c->kind) {
	case RT_MOUNT_MOUNT:
		usource = c->args.a[0];
		utarget = c->args.a[1];
		ufstype = c->args.a[2];
		b->flags = c->args.a[3];
		break;
	case RT_MOUNT_UMOUNT2:
		utarget = c->args.a[0];
		b->flags = c->args.a[1];
		break;
	case RT_MOUNT_CHROOT:
		utarget = c->args.a[0];
		break;
	case RT_MOUNT_PIVOT_ROOT:
		usource = c->args.a[0];
		utarget = c->args.a[1];
		break;
	case RT_MOUNT_FSOPEN:
		ufstype = c->args.a[0];
		b->flags = c->args.a[1];
		break;
	case RT_MOUNT_FSMOUNT:
		b->fd = c->args.a[0];
		b->flags = c->args.a[1];
		b->attr = c->args.a[2];
		break;
	case RT_MOUNT_MOVE_MOUNT:
		b->dirfd = c->args.a[0];
		usource = c->args.a[1];
		b->dirfd2 = c->args.a[2];
		utarget = c->args.a[3];
		b->flags = c->args.a[4];
		break;
	case RT_MOUNT_OPEN_TREE:
		b->dirfd = c->args.a[0];
		usource = c->args.a[1];
		b->flags = c->args.a[2];
		break;
	case RT_MOUNT_FSCONFIG:
		b->fd = c->args.a[0];
		b->cmd = c->args.a[1];
		ukey = c->args.a[2];
		/* value is a string for these; a blob or unused otherwise */
		if (b->cmd == RT_FSCONFIG_SET_STRING || b->cmd == RT_FSCONFIG_SET_PATH ||
		    b->cmd == RT_FSCONFIG_SET_PATH_EMPTY)
			uvalue = c->args.a[3];
		b->aux = c->args.a[4];
		break;
	default: /* mount_setattr: struct mount_attr starts with attr_set */
		b->dirfd = c->args.a[0];
		utarget = c->args.a[1];
		b->flags = c->args.a[2];
		bpf_probe_read_user(&b->attr, sizeof(b->attr), (const void *)c->args.a[3]);
		break;
	}
	off = FILE_DATA(*b);
	b->fstype_len = mount__fstype(s, off, ufstype, &flags);
	off += b->fstype_len;
	b->source_len = mount__path(s, off, usource, &flags);
	off += b->source_len;
	b->target_len = mount__path(s, off, utarget, &flags);
	off += b->target_len;
	b->key_len = mount__path(s, off, ukey, &flags);
	off += b->key_len;
	b->value_len = mount__path(s, off, uvalue, &flags);
	off += b->value_len;
	file__finish(s, &pc, off, flags, false, 0, 0, 0, 0);
	return 0;
}

/* ---- namespaces ---- */

struct namespace_record {
	struct rt_header hdr;
	struct rt_namespace_body body;
};

SC_HANDLER(rt_sc_namespace)
{
	struct sc_call *c = sc_call__get();
	struct namespace_record rec = {};

	if (!c || !event__enabled(RT_EVENT_NAMESPACE))
		return 0;
	rec.body.ret = c->ret;
	rec.body.syscall = c->kind;
	if (c->kind == RT_NS_SETNS) {
		rec.body.fd = c->args.a[0];
		rec.body.flags = (__u32)c->args.a[1];
	} else {
		rec.body.fd = -1;
		rec.body.flags = c->args.a[0];
	}
	record__fill_header(&rec.hdr, RT_EVENT_NAMESPACE, sizeof(rec));
	if (!policy__allows_process(&rec.hdr))
		return 0;
	RECORD_COMMIT(RT_EVENT_NAMESPACE, rec);
	return 0;
}

/* ---- kernel modules ---- */

/* The last component of the path of the file behind fd (its dentry's
 * name) into scratch at off; its length, 0 if fd is not open. */
static __always_inline __u32 module__file_name(struct rt_scratch *s, __u32 off, int fd, __u32 *flags)
{
	struct file *file = fd__file(fd);

	if (!file)
		return 0;
	return string__read(s->buf + (off & FILE_OFF_MASK),
			    BPF_CORE_READ(file, f_path.dentry, d_name.name), false, flags);
}

/* The name the kernel gave the module an init_module/finit_module call is
 * loading (module:module_load, from the module's own ELF), per thread from
 * the tracepoint to the syscall's exit. Bounded: a thread has one load in
 * flight, and an entry the exit did not take ages out. */
struct module_loading {
	char name[RT_MODULE_NAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct module_loading);
} module_loading SEC(".maps");

/* Userspace leaves it unloaded on kernels without module support (the
 * tracepoint is then absent, as on a CONFIG_MODULES=n host). */
SEC("tp_btf/module_load")
int BPF_PROG(rt_module_load, struct module *mod)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct module_loading m = {};
	__u32 tid = (__u32)pid_tgid;

	if (!event__enabled(RT_EVENT_MODULE) || !task__traced(pid_tgid >> 32))
		return 0;
	bpf_core_read_str(m.name, sizeof(m.name), &mod->name);
	bpf_map_update_elem(&module_loading, &tid, &m, BPF_ANY);
	return 0;
}

SC_HANDLER(rt_sc_module)
{
	struct sc_call *c = sc_call__get();
	struct rt_module_body *b;
	struct rt_policy_ctx pc;
	struct rt_scratch *s;
	struct module_loading *loaded;
	__u32 flags = 0, name_len = 0, params_len = 0, tid = (__u32)bpf_get_current_pid_tgid();
	__u64 uparams = 0;

	if (!c)
		return 0;
	/* Taken (and dropped) before the policy: a record filtered out must
	 * not leave its name to this thread's next call. */
	loaded = bpf_map_lookup_elem(&module_loading, &tid);
	if (!(s = file__begin(RT_EVENT_MODULE, &pc))) {
		if (loaded)
			bpf_map_delete_elem(&module_loading, &tid);
		return 0;
	}
	b = FILE_BODY(s, struct rt_module_body);
	__builtin_memset(b->module_name, 0, sizeof(b->module_name));
	if (loaded) {
		if (c->kind != RT_MODULE_DELETE)
			__builtin_memcpy(b->module_name, loaded->name, sizeof(b->module_name));
		bpf_map_delete_elem(&module_loading, &tid);
	}
	b->ret = c->ret;
	b->syscall = c->kind;
	b->len = 0;
	b->fd = -1;
	b->flags = 0;
	if (c->kind == RT_MODULE_INIT) {
		b->len = c->args.a[1];
		uparams = c->args.a[2];
	} else if (c->kind == RT_MODULE_FINIT) {
		b->fd = c->args.a[0];
		uparams = c->args.a[1];
		b->flags = c->args.a[2];
		name_len = module__file_name(s, FILE_DATA(*b), b->fd, &flags);
	} else {
		b->flags = c->args.a[1];
		name_len = file__path(s, FILE_DATA(*b), c->args.a[0], &flags);
	}
	if (uparams)
		params_len = file__path(s, FILE_DATA(*b) + name_len, uparams, &flags);
	b->name_len = name_len;
	b->params_len = params_len;
	file__finish(s, &pc, FILE_DATA(*b) + name_len + params_len, flags, false, 0, 0, 0, 0);
	return 0;
}

#endif

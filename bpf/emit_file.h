/* SPDX-License-Identifier: GPL-2.0 */
/* File events: unlink, rename, chmod, chown, link, mknod (ringtap_abi.h).
 * One handler per family, tail-called by the sys_exit dispatcher; each maps
 * its syscall's arguments (same order native and i386) onto the family's
 * body, reads the path(s) from the caller's memory and emits one record
 * built in the per-CPU scratch. Included by ringtap.bpf.c only. */
#ifndef RINGTAP_BPF_EMIT_FILE_H
#define RINGTAP_BPF_EMIT_FILE_H

#include "dispatch.h"
#include "policy_file.h"

/* Offsets in scratch are masked to this bound, which leaves room for a full
 * path read after any of them: the verifier needs the bound in the code. */
#define FILE_OFF_MASK (RT_SCRATCH_SIZE / 2 - 1)
_Static_assert(HDR_SIZE + 32 + RT_PATH_MAX + 2 <= FILE_OFF_MASK, "second path offset bound");
_Static_assert(FILE_OFF_MASK + RT_PATH_MAX + 2 <= POLICY_PATH_KEY_OFF, "path read bound");

/* Header, type switch, comm and uid: an excluded process costs no path read. */
static __always_inline struct rt_scratch *file__begin(__u32 type, struct rt_policy_ctx *pc)
{
	struct rt_scratch *s;

	if (!event__enabled(type))
		return NULL;
	s = scratch__get();
	if (!s)
		return NULL;
	record__fill_header((void *)s->buf, type, 0);
	if (!policy__file_task(pc, (void *)s->buf))
		return NULL;
	return s;
}

/* Read a user path to scratch offset off; its length (0 if unreadable). */
static __always_inline __u32 file__path(struct rt_scratch *s, __u32 off, __u64 upath, __u32 *flags)
{
	return string__read(s->buf + (off & FILE_OFF_MASK), (const void *)upath, true, flags);
}

/* Path policy on up to two paths, then the record of size bytes out.
 * has_path is false for the fd-based calls (fchmod, fchown): path rules do
 * not apply to them. */
static __always_inline void file__finish(struct rt_scratch *s, const struct rt_policy_ctx *pc,
					 __u32 size, __u32 flags, bool has_path,
					 __u32 off1, __u32 len1, __u32 off2, __u32 len2)
{
	struct rt_header *hdr = (void *)s->buf;
	__u32 type = hdr->type, rule = RT_POLICY_KEEP;

	hdr->size = size;
	hdr->flags = flags;
	if (has_path) {
		rule = policy__file_path_rule(pc, s, (const char *)s->buf + (off1 & FILE_OFF_MASK), len1);
		if (rule != RT_POLICY_KEEP && off2 &&
		    policy__file_path_rule(pc, s, (const char *)s->buf + (off2 & FILE_OFF_MASK),
					   len2) == RT_POLICY_KEEP)
			rule = RT_POLICY_KEEP;
	}
	if (!policy__verdict(type, rule))
		return;
	record__output(s, type, size, flags);
}

#define FILE_BODY(s, type) ((type *)((s)->buf + HDR_SIZE))
#define FILE_DATA(type) (HDR_SIZE + sizeof(type))

SC_HANDLER(rt_sc_unlink)
{
	struct sc_call *c = sc_call__get();
	struct rt_unlink_body *b;
	struct rt_policy_ctx pc;
	struct rt_scratch *s;
	__u32 flags = 0, len;
	__u64 upath;

	if (!c || !(s = file__begin(RT_EVENT_UNLINK, &pc)))
		return 0;
	b = FILE_BODY(s, struct rt_unlink_body);
	b->ret = c->ret;
	b->syscall = c->kind;
	b->_pad = 0;
	if (c->kind == RT_UNLINK_UNLINKAT) {
		b->dirfd = c->args.a[0];
		upath = c->args.a[1];
		b->flags = c->args.a[2];
	} else {
		b->dirfd = RT_AT_FDCWD;
		upath = c->args.a[0];
		b->flags = 0;
	}
	len = file__path(s, FILE_DATA(*b), upath, &flags);
	b->path_len = len;
	file__finish(s, &pc, FILE_DATA(*b) + len, flags, true, FILE_DATA(*b), len, 0, 0);
	return 0;
}

SC_HANDLER(rt_sc_rename)
{
	struct sc_call *c = sc_call__get();
	struct rt_rename_body *b;
	struct rt_policy_ctx pc;
	struct rt_scratch *s;
	__u32 flags = 0, old_len, new_len;
	__u64 uold, unew;

	if (!c || !(s = file__begin(RT_EVENT_RENAME, &pc)))
		return 0;
	b = FILE_BODY(s, struct rt_rename_body);
	b->ret = c->ret;
	b->syscall = c->kind;
	b->_pad = 0;
	if (c->kind == RT_RENAME_RENAME) {
		b->old_dirfd = b->new_dirfd = RT_AT_FDCWD;
		uold = c->args.a[0];
		unew = c->args.a[1];
		b->flags = 0;
	} else {
		b->old_dirfd = c->args.a[0];
		uold = c->args.a[1];
		b->new_dirfd = c->args.a[2];
		unew = c->args.a[3];
		b->flags = c->kind == RT_RENAME_RENAMEAT2 ? c->args.a[4] : 0;
	}
	old_len = file__path(s, FILE_DATA(*b), uold, &flags);
	new_len = file__path(s, FILE_DATA(*b) + old_len, unew, &flags);
	b->old_len = old_len;
	b->new_len = new_len;
	file__finish(s, &pc, FILE_DATA(*b) + old_len + new_len, flags, true, FILE_DATA(*b),
		     old_len, FILE_DATA(*b) + old_len, new_len);
	return 0;
}

SC_HANDLER(rt_sc_chmod)
{
	struct sc_call *c = sc_call__get();
	struct rt_chmod_body *b;
	struct rt_policy_ctx pc;
	struct rt_scratch *s;
	__u32 flags = 0, len = 0;
	__u64 upath = 0;

	if (!c || !(s = file__begin(RT_EVENT_CHMOD, &pc)))
		return 0;
	b = FILE_BODY(s, struct rt_chmod_body);
	b->ret = c->ret;
	b->syscall = c->kind;
	b->_pad = 0;
	b->fd = -1;
	b->dirfd = RT_AT_FDCWD;
	b->flags = 0;
	if (c->kind == RT_CHMOD_CHMOD) {
		upath = c->args.a[0];
		b->mode = c->args.a[1];
	} else if (c->kind == RT_CHMOD_FCHMOD) {
		b->fd = c->args.a[0];
		b->mode = c->args.a[1];
	} else {
		b->dirfd = c->args.a[0];
		upath = c->args.a[1];
		b->mode = c->args.a[2];
		if (c->kind == RT_CHMOD_FCHMODAT2)
			b->flags = c->args.a[3];
	}
	if (upath)
		len = file__path(s, FILE_DATA(*b), upath, &flags);
	b->path_len = len;
	file__finish(s, &pc, FILE_DATA(*b) + len, flags, c->kind != RT_CHMOD_FCHMOD,
		     FILE_DATA(*b), len, 0, 0);
	return 0;
}

/* i386's 16-bit chown calls pass old_uid_t: 0xffff is "unchanged". */
static __always_inline __u32 chown__id(__u64 v, bool id16)
{
	if (!id16)
		return v;
	return (__u16)v == 0xffff ? (__u32)-1 : (__u16)v;
}

SC_HANDLER(rt_sc_chown)
{
	struct sc_call *c = sc_call__get();
	struct rt_chown_body *b;
	struct rt_policy_ctx pc;
	struct rt_scratch *s;
	__u32 flags = 0, len = 0, kind;
	__u64 upath = 0;
	bool id16;

	if (!c || !(s = file__begin(RT_EVENT_CHOWN, &pc)))
		return 0;
	kind = c->kind & ~RT_CHOWN_16BIT;
	id16 = c->kind & RT_CHOWN_16BIT;
	b = FILE_BODY(s, struct rt_chown_body);
	b->ret = c->ret;
	b->syscall = kind;
	b->fd = -1;
	b->dirfd = RT_AT_FDCWD;
	b->flags = 0;
	if (kind == RT_CHOWN_FCHOWNAT) {
		b->dirfd = c->args.a[0];
		upath = c->args.a[1];
		b->uid = c->args.a[2];
		b->gid = c->args.a[3];
		b->flags = c->args.a[4];
	} else {
		if (kind == RT_CHOWN_FCHOWN)
			b->fd = c->args.a[0];
		else
			upath = c->args.a[0];
		b->uid = chown__id(c->args.a[1], id16);
		b->gid = chown__id(c->args.a[2], id16);
	}
	if (upath)
		len = file__path(s, FILE_DATA(*b), upath, &flags);
	b->path_len = len;
	file__finish(s, &pc, FILE_DATA(*b) + len, flags, kind != RT_CHOWN_FCHOWN,
		     FILE_DATA(*b), len, 0, 0);
	return 0;
}

SC_HANDLER(rt_sc_link)
{
	struct sc_call *c = sc_call__get();
	struct rt_link_body *b;
	struct rt_policy_ctx pc;
	struct rt_scratch *s;
	__u32 flags = 0, target_len, link_len;
	__u64 utarget, ulink;

	if (!c || !(s = file__begin(RT_EVENT_LINK, &pc)))
		return 0;
	b = FILE_BODY(s, struct rt_link_body);
	b->ret = c->ret;
	b->syscall = c->kind;
	b->_pad = 0;
	b->old_dirfd = b->new_dirfd = RT_AT_FDCWD;
	b->flags = 0;
	utarget = c->args.a[0];
	ulink = c->args.a[1];
	if (c->kind == RT_LINK_LINKAT) {
		b->old_dirfd = c->args.a[0];
		utarget = c->args.a[1];
		b->new_dirfd = c->args.a[2];
		ulink = c->args.a[3];
		b->flags = c->args.a[4];
	} else if (c->kind == RT_LINK_SYMLINKAT) {
		b->new_dirfd = c->args.a[1];
		ulink = c->args.a[2];
	}
	target_len = file__path(s, FILE_DATA(*b), utarget, &flags);
	link_len = file__path(s, FILE_DATA(*b) + target_len, ulink, &flags);
	b->target_len = target_len;
	b->link_len = link_len;
	file__finish(s, &pc, FILE_DATA(*b) + target_len + link_len, flags, true, FILE_DATA(*b),
		     target_len, FILE_DATA(*b) + target_len, link_len);
	return 0;
}

SC_HANDLER(rt_sc_mknod)
{
	struct sc_call *c = sc_call__get();
	struct rt_mknod_body *b;
	struct rt_policy_ctx pc;
	struct rt_scratch *s;
	__u32 flags = 0, len;
	__u64 upath;

	if (!c || !(s = file__begin(RT_EVENT_MKNOD, &pc)))
		return 0;
	b = FILE_BODY(s, struct rt_mknod_body);
	b->ret = c->ret;
	b->syscall = c->kind;
	b->_pad = 0;
	if (c->kind == RT_MKNOD_MKNODAT) {
		b->dirfd = c->args.a[0];
		upath = c->args.a[1];
		b->mode = c->args.a[2];
		b->dev = (__u32)c->args.a[3];
	} else {
		b->dirfd = RT_AT_FDCWD;
		upath = c->args.a[0];
		b->mode = c->args.a[1];
		b->dev = (__u32)c->args.a[2];
	}
	len = file__path(s, FILE_DATA(*b), upath, &flags);
	b->path_len = len;
	file__finish(s, &pc, FILE_DATA(*b) + len, flags, true, FILE_DATA(*b), len, 0, 0);
	return 0;
}

#endif

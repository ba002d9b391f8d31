/* SPDX-License-Identifier: GPL-2.0 */
/* The richer exec (ABI 4): login uid and session, controlling terminal,
 * capability sets, and the
 * executed file's identity and flags, filled into an exec body; (ABI 6)
 * the current directory, by a bounded dentry walk. CO-RE
 * flavours cover the inode time fields' renames (i_ctime before 6.6,
 * __i_ctime/__i_mtime 6.6-6.10, i_ctime_sec/i_mtime_sec since 6.11) and
 * kernels without audit (no loginuid). Included by ringtap.bpf.c only. */
#ifndef RINGTAP_BPF_EXEC_IDENTITY_H
#define RINGTAP_BPF_EXEC_IDENTITY_H

#include <bpf/bpf_core_read.h>
#include "ringtap_abi.h"

#define RT_OVERLAYFS_MAGIC 0x794c7630

struct inode___sec {
	time64_t i_ctime_sec;
	time64_t i_mtime_sec;
} __attribute__((preserve_access_index));

struct inode___ts66 {
	struct timespec64 __i_ctime;
	struct timespec64 __i_mtime;
} __attribute__((preserve_access_index));

struct inode___ts {
	struct timespec64 i_ctime;
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

struct task_struct___audit {
	kuid_t loginuid;
	unsigned int sessionid;
} __attribute__((preserve_access_index));

static __always_inline void exec__inode_times(struct inode *inode, struct rt_exec_body *b)
{
	struct inode___sec *s = (void *)inode;
	struct inode___ts66 *m = (void *)inode;
	struct inode___ts *o = (void *)inode;

	if (bpf_core_field_exists(s->i_ctime_sec)) {
		b->exe_ctime = BPF_CORE_READ(s, i_ctime_sec);
		b->exe_mtime = BPF_CORE_READ(s, i_mtime_sec);
	} else if (bpf_core_field_exists(m->__i_ctime)) {
		b->exe_ctime = BPF_CORE_READ(m, __i_ctime.tv_sec);
		if (bpf_core_field_exists(m->__i_mtime))
			b->exe_mtime = BPF_CORE_READ(m, __i_mtime.tv_sec);
		else
			b->exe_mtime = BPF_CORE_READ(o, i_mtime.tv_sec);
	} else {
		b->exe_ctime = BPF_CORE_READ(o, i_ctime.tv_sec);
		b->exe_mtime = BPF_CORE_READ(o, i_mtime.tv_sec);
	}
}

/* Who runs the image and with which capabilities: the task's, at the time
 * of the record (after a successful exec: the new image's). */
static __always_inline void exec__task_identity(struct task_struct *task, struct rt_exec_body *b)
{
	struct task_struct___audit *a = (void *)task;
	const struct cred *cr = BPF_CORE_READ(task, cred);
	struct tty_struct *tty;

	b->auid = (__u32)-1;
	b->sessionid = (__u32)-1;
	if (bpf_core_field_exists(a->loginuid)) {
		b->auid = BPF_CORE_READ(a, loginuid.val);
		b->sessionid = BPF_CORE_READ(a, sessionid);
	}
	tty = BPF_CORE_READ(task, signal, tty);
	if (tty) {
		struct tty_driver *drv = BPF_CORE_READ(tty, driver);

		b->tty = ((__u32)BPF_CORE_READ(drv, major) << 20) |
			 (__u32)(BPF_CORE_READ(drv, minor_start) + BPF_CORE_READ(tty, index));
	}
	bpf_probe_read_kernel(&b->cap_effective, sizeof(b->cap_effective), &cr->cap_effective);
	bpf_probe_read_kernel(&b->cap_permitted, sizeof(b->cap_permitted), &cr->cap_permitted);
}

/* The executed file: bprm->file. */
static __always_inline void exec__file_identity(struct task_struct *task, struct file *file,
						struct rt_exec_body *b)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	const struct cred *cr = BPF_CORE_READ(task, cred);
	char name[8] = {};
	__u32 mode, uid, gid, euid, egid;

	if (!inode)
		return;
	b->exe_ino = BPF_CORE_READ(inode, i_ino);
	b->exe_dev = BPF_CORE_READ(inode, i_sb, s_dev);
	mode = BPF_CORE_READ(inode, i_mode);
	b->exe_mode = mode;
	b->exe_nlink = BPF_CORE_READ(inode, __i_nlink);
	exec__inode_times(inode, b);
	if (!b->exe_nlink)
		b->exe_flags |= RT_EXE_DELETED;
	/* memfd files are named "memfd:NAME" (shmem, or hugetlbfs) */
	bpf_probe_read_kernel(name, 6, BPF_CORE_READ(file, f_path.dentry, d_name.name));
	if (!__builtin_memcmp(name, "memfd:", 6))
		b->exe_flags |= RT_EXE_MEMFD;
	if (BPF_CORE_READ(inode, i_sb, s_magic) == RT_OVERLAYFS_MAGIC)
		b->exe_flags |= RT_EXE_OVERLAY;
	/* by the mode bits alone (capabilities such as CAP_DAC_OVERRIDE aside) */
	uid = BPF_CORE_READ(inode, i_uid.val);
	gid = BPF_CORE_READ(inode, i_gid.val);
	euid = BPF_CORE_READ(cr, euid.val);
	egid = BPF_CORE_READ(cr, egid.val);
	if ((mode & 0002) || (uid == euid && (mode & 0200)) || (gid == egid && (mode & 0020)))
		b->exe_flags |= RT_EXE_WRITABLE;
}

/* ---- cwd: task->fs->pwd as a path ----
 * Built backwards (deepest component first) in its own per-CPU buffer,
 * ending at offset RT_PATH_MAX, then copied after argv by exec__cwd_copy.
 * The walk climbs d_parent to the mount's root, then across to the mount
 * point in the parent mount (struct mount from its embedded vfsmount, as
 * Falco's modern_bpf and the kernel's prepend_path do), and stops at the
 * task's root (fs->root: the path getcwd(2) gives) or the namespace's
 * root. It runs in a bpf_loop callback: verified once, whatever state the
 * caller is in, so it adds almost nothing to the exec programs' load. */

struct rt_cwd_buf {
	char buf[2 * RT_PATH_MAX]; /* path in [pos, RT_PATH_MAX); room past it for a masked read */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_cwd_buf);
} cwd_bufs SEC(".maps");

#define RT_CWD_NAME_MAX 255 /* NAME_MAX */
/* components plus mount crossings: a walk that needs more is cut */
#define RT_CWD_STEPS_MAX (RT_CWD_DEPTH_MAX + 16)

struct cwd_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	__u32 pos;   /* start of the path built so far */
	__u32 depth; /* components added */
	__u32 cut;   /* RT_CWD_TRUNCATED */
	__u32 done;
};

static __always_inline struct mount *cwd__real_mount(struct vfsmount *vfsmnt)
{
	return (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt);
}

/* One step up: a mount crossing, or one component prepended. Returns 1 to stop. */
static long cwd__step(__u32 i, void *ctx)
{
	struct cwd_walk *w = ctx;
	struct dentry *dentry = w->dentry, *parent, *mnt_root;
	struct vfsmount *vfsmnt = w->vfsmnt; /* locals: CO-RE reads must not relocate cwd_walk */
	struct rt_cwd_buf *b;
	const unsigned char *name;
	__u32 zero = 0, len, pos;

	(void)i;
	if (dentry == w->root_dentry && vfsmnt == w->root_mnt)
		goto done;
	mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	parent = BPF_CORE_READ(dentry, d_parent);
	if (dentry == mnt_root || dentry == parent) {
		struct mount *mnt = cwd__real_mount(vfsmnt);
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		/* the namespace's root, or a dentry cut off from its mount */
		if (dentry != mnt_root || up == mnt)
			goto done;
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->vfsmnt = (void *)up + bpf_core_field_offset(struct mount, mnt);
		return 0;
	}
	len = BPF_CORE_READ(dentry, d_name.len);
	pos = w->pos;
	if (w->depth >= RT_CWD_DEPTH_MAX || len > RT_CWD_NAME_MAX || len + 1 > pos ||
	    pos > RT_PATH_MAX) {
		w->cut = RT_CWD_TRUNCATED;
		goto done;
	}
	b = bpf_map_lookup_elem(&cwd_bufs, &zero);
	if (!b)
		goto done;
	name = BPF_CORE_READ(dentry, d_name.name);
	pos -= len;
	bpf_probe_read_kernel(b->buf + (pos & (RT_PATH_MAX - 1)), len & RT_CWD_NAME_MAX, name);
	pos--;
	b->buf[pos & (RT_PATH_MAX - 1)] = '/';
	w->pos = pos;
	w->depth++;
	w->dentry = parent;
	return 0;
done:
	w->done = 1;
	return 1;
}

/* Walk the current task's cwd into cwd_bufs; the body's cwd_len and
 * cwd_flags say what it holds. */
static __always_inline void exec__cwd_walk(struct task_struct *task, struct rt_exec_body *body)
{
	struct fs_struct *fs = BPF_CORE_READ(task, fs);
	struct cwd_walk w = {};
	struct rt_cwd_buf *b;
	__u32 zero = 0;

	body->cwd_len = 0;
	body->cwd_flags = 0;
	if (!fs)
		return;
	w.dentry = BPF_CORE_READ(fs, pwd.dentry);
	w.vfsmnt = BPF_CORE_READ(fs, pwd.mnt);
	w.root_dentry = BPF_CORE_READ(fs, root.dentry);
	w.root_mnt = BPF_CORE_READ(fs, root.mnt);
	w.pos = RT_PATH_MAX;
	if (!w.dentry || !w.vfsmnt)
		return;
	bpf_loop(RT_CWD_STEPS_MAX, cwd__step, &w, 0);
	if (!w.done) /* out of steps: too many mount crossings */
		w.cut = RT_CWD_TRUNCATED;
	if (w.cut && w.pos < RT_PATH_MAX) /* a cut path is relative: no leading '/' */
		w.pos++;
	if (w.pos == RT_PATH_MAX && !w.cut) { /* the root itself */
		b = bpf_map_lookup_elem(&cwd_bufs, &zero);
		if (!b)
			return;
		b->buf[RT_PATH_MAX - 1] = '/';
		w.pos = RT_PATH_MAX - 1;
	}
	body->cwd_len = RT_PATH_MAX - w.pos;
	body->cwd_flags = w.cut;
}

/* Copy the walked cwd (body->cwd_len bytes) to dst; the length copied. */
static __always_inline __u32 exec__cwd_copy(void *dst, const struct rt_exec_body *body)
{
	struct rt_cwd_buf *b;
	__u32 zero = 0, len = body->cwd_len, last;

	b = bpf_map_lookup_elem(&cwd_bufs, &zero);
	if (!b || !len || len > RT_PATH_MAX)
		return 0;
	/* 1..RT_PATH_MAX as the verifier can see it: a mask on len - 1 */
	last = (len - 1) & (RT_PATH_MAX - 1);
	if (bpf_probe_read_kernel(dst, last + 1, b->buf + (RT_PATH_MAX - 1 - last)))
		return 0;
	return last + 1;
}

#endif

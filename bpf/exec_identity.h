/* SPDX-License-Identifier: GPL-2.0 */
/* The richer exec (ABI 4): login uid and session, controlling terminal,
 * capability sets, and the
 * executed file's identity and flags, filled into an exec body. CO-RE
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

#endif

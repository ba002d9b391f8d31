/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a syscall's number and arguments from the user pt_regs that
 * tp_btf/sys_enter and sys_exit receive, per architecture. Arguments come
 * from libbpf's PT_REGS_PARMn_SYSCALL (direct loads where the arch allows);
 * the number, which libbpf has no macro for, from the field the kernel's
 * syscall_get_nr() reads. */
#ifndef RINGTAP_BPF_SYSCALL_REGS_H
#define RINGTAP_BPF_SYSCALL_REGS_H

#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* SYSCALL_IS_COMPAT(task): a 32-bit task, whose syscall numbers belong to
 * another table (i386 257 is not openat). Checked only for numbers the
 * bitmap already matched, so it costs nothing on other syscalls. */
#if defined(__TARGET_ARCH_x86)
#define SYSCALL_NR(regs) ((long)(regs)->orig_ax)
#define RT_TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h */
#define SYSCALL_IS_COMPAT(task) ((task)->thread_info.status & RT_TS_COMPAT)
#elif defined(__TARGET_ARCH_arm64)
#define SYSCALL_NR(regs) ((long)(regs)->syscallno)
#define RT_TIF_32BIT 22 /* arch/arm64/include/asm/thread_info.h */
#define SYSCALL_IS_COMPAT(task) ((task)->thread_info.flags & (1UL << RT_TIF_32BIT))
#else
#error "ringtap: no SYSCALL_NR for this architecture"
#endif

#define SYSCALL_ARG1(regs) ((__u64)PT_REGS_PARM1_SYSCALL(regs))
#define SYSCALL_ARG2(regs) ((__u64)PT_REGS_PARM2_SYSCALL(regs))
#define SYSCALL_ARG3(regs) ((__u64)PT_REGS_PARM3_SYSCALL(regs))
#define SYSCALL_ARG4(regs) ((__u64)PT_REGS_PARM4_SYSCALL(regs))
#define SYSCALL_ARG5(regs) ((__u64)PT_REGS_PARM5_SYSCALL(regs))
#define SYSCALL_ARG6(regs) ((__u64)PT_REGS_PARM6_SYSCALL(regs))

#endif

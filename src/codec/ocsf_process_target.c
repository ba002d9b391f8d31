/* Process Activity (1007) for what a process does to another: ptrace and
 * process_vm_writev are Inject (injection_type "ptrace" /
 * "process_vm_writev") when they write the target's memory or registers and
 * Open (taking hold of the target: attach, seize, peek, traceme, ...)
 * otherwise; a signal is Other (99, "Send Signal"). `process` is the
 * target; the actor is the caller. */
#include <string.h>
#include "codec/ocsf_map.h"

#define TARGET_ROW(body, fn_activity, fn_result, fn_fields)                                   \
	{ RINGTAP__V1__EVENT__BODY_##body, OCSF_CLASS_PROCESS_ACTIVITY, "Process Activity",  \
	  OCSF_CATEGORY_SYSTEM, "System Activity", fn_activity, fn_result, NULL, fn_fields }

enum { OPEN = 3, INJECT = 4, INJECTION_TYPE_OTHER = 99 };

/* The ptrace requests that change the tracee (linux/ptrace.h; the numbers
 * are the same on every architecture that has them, and replay may read a
 * record from another one, so they are not taken from this host's
 * headers): POKETEXT, POKEDATA, POKEUSER, SETREGS, SETFPREGS, SETSIGINFO,
 * SETREGSET. */
static int ptrace_writes(int64_t request)
{
	static const int64_t writes[] = { 4, 5, 6, 13, 15, 0x4203, 0x4205 };

	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
		if (request == writes[i])
			return 1;
	return 0;
}

static int is_vm_write(const Ringtap__V1__Ptrace *p)
{
	return p->syscall && !strcmp(p->syscall, "process_vm_writev");
}

static struct ocsf_activity ptrace_activity(const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Ptrace *p = ev->ptrace;

	if (is_vm_write(p) || (!p->traceme && ptrace_writes(p->request)))
		return (struct ocsf_activity){ INJECT, "Inject" };
	return (struct ocsf_activity){ OPEN, "Open" };
}

/* ret is a byte count for process_vm_writev (int64): only its sign counts. */
static int ptrace_result(const Ringtap__V1__Event *ev, int32_t *ret)
{
	int64_t r = ev->ptrace->ret;

	*ret = r >= 0 ? 0 : r < -4095 ? -1 : (int32_t)r;
	return 1;
}

static void ptrace_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Ptrace *p = ev->ptrace;
	const Ringtap__V1__Header *h = ev->header;

	if (ptrace_activity(ev).id == INJECT) {
		ow_int(w, "injection_type_id", INJECTION_TYPE_OTHER);
		ow_str(w, "injection_type", is_vm_write(p) ? "process_vm_writev" : "ptrace");
	}
	ow_begin(w, "process");
	ow_uint(w, "pid", p->target_pid);
	/* PTRACE_TRACEME: the target is the parent, whose id the header has */
	if (p->traceme && p->target_pid == h->ppid)
		ow_str_nonempty(w, "uid", h->parent_entity_id);
	ow_end(w);
}

OCSF_ACTIVITY_FN(signal_activity, OCSF_ACTIVITY_OTHER, "Send Signal")
OCSF_RESULT_FN(signal_result, signal)

/* process.pid is kill(2)'s pid as given: 0 the caller's process group, -1
 * every process it may signal, below -1 a process group; tid for
 * tkill/tgkill. The signal number is unmapped.signal.signal. */
static void signal_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Signal *s = ev->signal;

	ow_begin(w, "process");
	ow_int(w, "pid", s->target_pid);
	if (s->target_tid > 0)
		ow_int(w, "tid", s->target_tid);
	ow_end(w);
}

const struct ocsf_class_map ocsf_process_target_map[] = {
	TARGET_ROW(PTRACE, ptrace_activity, ptrace_result, ptrace_fields),
	TARGET_ROW(SIGNAL, signal_activity, signal_result, signal_fields),
	{ 0 },
};

/* Process Activity (1007) for what a process does to itself: cred is Set
 * User ID for the uid calls and Other (99, "Set Group ID" / "Set
 * Capabilities") for the gid calls and capset; namespace is Other
 * ("Unshare" / "Set Namespace"); dup of a socket onto stdin/out/err is Other
 * ("Redirect Stdio"). The process is the caller; the ids, capabilities,
 * flags and socket ends the call left are under unmapped. */
#include <string.h>
#include "codec/ocsf_map.h"

#define SELF_ROW(body, fn_activity, fn_result, fn_fields)                                     \
	{ RINGTAP__V1__EVENT__BODY_##body, OCSF_CLASS_PROCESS_ACTIVITY, "Process Activity",  \
	  OCSF_CATEGORY_SYSTEM, "System Activity", fn_activity, fn_result, NULL, fn_fields }

enum { SET_USER_ID = 5 };

static int syscall_is(const char *syscall, const char *name)
{
	return syscall && !strcmp(syscall, name);
}

static struct ocsf_activity cred_activity(const Ringtap__V1__Event *ev)
{
	const char *sc = ev->cred->syscall;

	if (syscall_is(sc, "capset"))
		return (struct ocsf_activity){ OCSF_ACTIVITY_OTHER, "Set Capabilities" };
	if (sc && strstr(sc, "gid"))
		return (struct ocsf_activity){ OCSF_ACTIVITY_OTHER, "Set Group ID" };
	return (struct ocsf_activity){ SET_USER_ID, "Set User ID" };
}

/* setfsuid/setfsgid return the previous fs id, not 0 or -errno: no status. */
static int cred_result(const Ringtap__V1__Event *ev, int32_t *ret)
{
	const char *sc = ev->cred->syscall;

	if (syscall_is(sc, "setfsuid") || syscall_is(sc, "setfsgid"))
		return 0;
	*ret = ev->cred->ret;
	return 1;
}

static void self_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	ocsf_put_header_process(w, "process", ev->header, 1);
}

static struct ocsf_activity namespace_activity(const Ringtap__V1__Event *ev)
{
	if (syscall_is(ev->namespace_->syscall, "setns"))
		return (struct ocsf_activity){ OCSF_ACTIVITY_OTHER, "Set Namespace" };
	return (struct ocsf_activity){ OCSF_ACTIVITY_OTHER, "Unshare" };
}

OCSF_RESULT_FN(namespace_result, namespace_)
OCSF_ACTIVITY_FN(dup_activity, OCSF_ACTIVITY_OTHER, "Redirect Stdio")
OCSF_RESULT_FN(dup_result, dup)

const struct ocsf_class_map ocsf_process_self_map[] = {
	SELF_ROW(CRED, cred_activity, cred_result, self_fields),
	SELF_ROW(NAMESPACE, namespace_activity, namespace_result, self_fields),
	SELF_ROW(DUP, dup_activity, dup_result, self_fields),
	{ 0 },
};

/* io_uring is a Base Event (0), activity Other ("Setup" / "Submit" /
 * "Complete"): one body carries opens, connects, sends, ... by opcode, and
 * a row has one class, so no class fits every request. A message names the
 * request (op, path or destination) for a person; a completion's result is
 * its status; all of it is under unmapped.io_uring. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "codec/ocsf_map.h"

static int is_setup(const Ringtap__V1__IoUring *u)
{
	return u->kind && !strcmp(u->kind, "setup");
}

static int is_complete(const Ringtap__V1__IoUring *u)
{
	return u->kind && !strcmp(u->kind, "complete");
}

static struct ocsf_activity io_uring_activity(const Ringtap__V1__Event *ev)
{
	if (is_setup(ev->io_uring))
		return (struct ocsf_activity){ OCSF_ACTIVITY_OTHER, "Setup" };
	if (is_complete(ev->io_uring))
		return (struct ocsf_activity){ OCSF_ACTIVITY_OTHER, "Complete" };
	return (struct ocsf_activity){ OCSF_ACTIVITY_OTHER, "Submit" };
}

/* setup: the ring fd or -errno; completion: the CQE's res (fd, byte
 * count, 0 or -errno); a submission's ret is always 0 (the result comes
 * with its completion). */
static int io_uring_result(const Ringtap__V1__Event *ev, int32_t *ret)
{
	if (!is_setup(ev->io_uring) && !is_complete(ev->io_uring))
		return 0;
	*ret = ev->io_uring->ret;
	return 1;
}

static void io_uring_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__IoUring *u = ev->io_uring;
	const Ringtap__V1__Endpoint *a = u->addr;
	char msg[600];

	if (is_setup(u))
		snprintf(msg, sizeof(msg), "io_uring ring set up with %" PRIu32 " entries", u->entries);
	else if (is_complete(u))
		snprintf(msg, sizeof(msg), "io_uring %s completed with %" PRId32, u->op && *u->op ? u->op : "op",
			 u->ret);
	else if (u->path && *u->path)
		snprintf(msg, sizeof(msg), "io_uring %s %s", u->op ? u->op : "", u->path);
	else if (a && a->addr && *a->addr)
		snprintf(msg, sizeof(msg), "io_uring %s %s port %" PRIu32, u->op ? u->op : "", a->addr,
			 a->port);
	else
		snprintf(msg, sizeof(msg), "io_uring %s fd %" PRId32, u->op && *u->op ? u->op : "op",
			 u->fd);
	ow_str(w, "message", msg);
}

const struct ocsf_class_map ocsf_io_uring_map[] = {
	{ RINGTAP__V1__EVENT__BODY_IO_URING, OCSF_CLASS_BASE_EVENT, "Base Event",
	  OCSF_CATEGORY_OTHER, "Other", io_uring_activity, io_uring_result, NULL,
	  io_uring_fields },
	{ 0 },
};

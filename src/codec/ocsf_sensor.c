/* The sensor's own Drop records: a Base Event (0), activity Other ("Drop"),
 * severity Medium when events were lost (Low when only cut short), with a
 * message a person can read and the counters under unmapped.drop. */
#include <inttypes.h>
#include <stdio.h>
#include "codec/ocsf_map.h"

static struct ocsf_activity drop_activity(const Ringtap__V1__Event *ev)
{
	(void)ev;
	return (struct ocsf_activity){ OCSF_ACTIVITY_OTHER, "Drop" };
}

static int drop_severity(const Ringtap__V1__Event *ev)
{
	return ev->drop->dropped ? OCSF_SEVERITY_MEDIUM : OCSF_SEVERITY_LOW;
}

static void drop_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Drop *d = ev->drop;
	char msg[256];

	snprintf(msg, sizeof(msg),
		 "ringtap lost %" PRIu64 " %s events (ring buffer full) and truncated %" PRIu64,
		 d->dropped, d->event_type && *d->event_type ? d->event_type : "", d->truncated);
	ow_str(w, "message", msg);
}

const struct ocsf_class_map ocsf_sensor_map[] = {
	{ RINGTAP__V1__EVENT__BODY_DROP, OCSF_CLASS_BASE_EVENT, "Base Event", OCSF_CATEGORY_OTHER,
	  "Other", drop_activity, NULL, drop_severity, drop_fields },
	{ 0 },
};

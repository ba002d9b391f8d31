#include <errno.h>
#include <string.h>
#include "codec/event_format.h"
#include "codec/ocsf.h"

int event_format_parse(const char *name, enum event_format *out)
{
	if (!name || !strcmp(name, "json"))
		*out = EVENT_FORMAT_JSON;
	else if (!strcmp(name, "ocsf"))
		*out = EVENT_FORMAT_OCSF;
	else
		return -EINVAL;
	return 0;
}

int event_format_encode(enum event_format f, const Ringtap__V1__Event *ev, struct strbuf *sb)
{
	return f == EVENT_FORMAT_OCSF ? ocsf_encode_event(ev, sb) : json_encode_event(ev, sb);
}

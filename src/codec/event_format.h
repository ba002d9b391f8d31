/* The text formats a sink can write an event in: ringtap's own canonical JSON
 * (what `replay` reads back) or OCSF 1.8.0. Sinks take `format: json|ocsf`. */
#ifndef RINGTAP_EVENT_FORMAT_H
#define RINGTAP_EVENT_FORMAT_H

#include "codec/json_codec.h"

enum event_format {
	EVENT_FORMAT_JSON = 0,
	EVENT_FORMAT_OCSF,
};

#define EVENT_FORMAT_HELP "event format: json (ringtap.v1.Event, what replay reads) or ocsf (OCSF 1.8.0)"

/* "json" or "ocsf" (NULL = json). 0 or -EINVAL. */
int event_format_parse(const char *name, enum event_format *out);

/* Append ev in format f to sb (no newline). 0 or -errno. */
int event_format_encode(enum event_format f, const Ringtap__V1__Event *ev, struct strbuf *sb);

#endif

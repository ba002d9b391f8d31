/* record sink: keeps copies of every event in memory, for tests. */
#ifndef RINGTAP_SINK_RECORD_H
#define RINGTAP_SINK_RECORD_H

#include <stddef.h>
#include "sink/event_sink.h"

/* Number of events recorded so far. */
size_t sink_record_count(struct event_sink *sink);
/* The i-th recorded event (a deep copy owned by the sink), or NULL. */
const Ringtap__V1__Event *sink_record_get(struct event_sink *sink, size_t i);

#endif

/* Kafka sink: where an event goes (topic class, CloudEvents type, node). */
#ifndef RINGTAP_SINK_KAFKA_ROUTE_H
#define RINGTAP_SINK_KAFKA_ROUTE_H

#include "ringtap/v1/event.pb-c.h"

struct sink_kafka;

/* One topic per class. */
enum sink_kafka_class {
	SINK_KAFKA_PROCESS, /* exec, exit, fork */
	SINK_KAFKA_FILE,    /* open */
	SINK_KAFKA_NETWORK, /* connect, accept */
	SINK_KAFKA_SENSOR,  /* ringtap's own drop / health records */
	SINK_KAFKA_NCLASSES,
};

enum sink_kafka_class sink_kafka_route_class(const Ringtap__V1__Event *ev);
const char *sink_kafka_route_ce_type(const Ringtap__V1__Event *ev);
/* The node this event is attributed to (option, event header, default). */
const char *sink_kafka_route_node(const struct sink_kafka *s, const Ringtap__V1__Event *ev);

#endif

/* One event as queued in librdkafka, owned by the Kafka sink until its
 * delivery report; built and handed over in sink_kafka_route.c. */
#ifndef RINGTAP_SINK_KAFKA_MSG_H
#define RINGTAP_SINK_KAFKA_MSG_H

#include <stdint.h>
#include <librdkafka/rdkafka.h>
#include "sink/sink_kafka_route.h"

struct sink_kafka;

/* data[] holds key, value, ce_source and ce_id back to back. */
struct sink_kafka_msg {
	struct sink_kafka_msg *prev, *next; /* in-flight list, produce order */
	uint64_t spool_pos;                 /* its record in the spool; 0: not spooled */
	enum sink_kafka_class cls;
	const char *ce_type;                /* static string, or in data[] (read from the spool) */
	uint32_t key_len;                   /* 0 = no key */
	uint32_t value_len;
	uint16_t source_len;
	uint16_t id_len;
	char data[];
};

static inline const char *sink_kafka_msg_key(const struct sink_kafka_msg *m) { return m->data; }
static inline const char *sink_kafka_msg_value(const struct sink_kafka_msg *m) { return m->data + m->key_len; }
static inline const char *sink_kafka_msg_source(const struct sink_kafka_msg *m)
{
	return m->data + m->key_len + m->value_len;
}
static inline const char *sink_kafka_msg_id(const struct sink_kafka_msg *m)
{
	return sink_kafka_msg_source(m) + m->source_len;
}

/* Build the message for ev (key, encoded value, header values). 0 or -errno. */
int sink_kafka_msg_build(struct sink_kafka *s, const Ringtap__V1__Event *ev,
			 struct sink_kafka_msg **out);
/* Hand m to librdkafka once (no copy, no wait: m stays owned by the sink
 * until its delivery report). Returns librdkafka's error code. */
rd_kafka_resp_err_t sink_kafka_msg_produce(struct sink_kafka *s, struct sink_kafka_msg *m);

#endif

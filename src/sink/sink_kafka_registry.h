/* Kafka sink: Confluent Schema Registry framing (option schema_registry.url).
 *
 * At start the sink registers ringtap's .proto (proto/ringtap/v1/event.proto,
 * built into the binary) as a PROTOBUF schema under each topic's subject
 * (TopicNameStrategy: "<topic>-value") with the registry's REST API
 * (POST /subjects/{subject}/versions) and keeps the id it answers. The
 * registry answers the id it already has for a schema it already holds, so a
 * restart frames with the same id. Each value then starts with the wire-format
 * header of sink_kafka_registry_frame.h. A registry that cannot be reached, or
 * refuses the schema, fails the sink's start: values the registry does not
 * know would be unreadable for every consumer using it.
 */
#ifndef RINGTAP_SINK_KAFKA_REGISTRY_H
#define RINGTAP_SINK_KAFKA_REGISTRY_H

#include <stddef.h>
#include <stdint.h>
#include "sink/sink_kafka_registry_frame.h"
#include "sink/sink_kafka_route.h"

struct sink_kafka;

/* ringtap's event.proto as registered (generated at build time). */
extern const char sink_kafka_registry_proto[];

/* How to reach the registry. */
struct sink_kafka_registry_http {
	const char *url;      /* base URL, http:// or https:// */
	const char *user;     /* basic auth, NULL: none */
	const char *password; /* the secret's value, not its env:/file: spec */
	const char *ca_file;  /* CA bundle for https, NULL: the system's */
	long timeout_ms;      /* per request */
};

/* Per-topic framing, ready to copy in front of each value. */
struct sink_kafka_registry {
	int enabled;
	int32_t schema_id[SINK_KAFKA_NCLASSES];
	uint8_t frame[SINK_KAFKA_NCLASSES][SINK_KAFKA_FRAME_MAX];
	uint8_t frame_len[SINK_KAFKA_NCLASSES];
};

/* Register schema under subject; *id is the registry's schema id. On error
 * writes one sentence naming the URL (and the subject where the registry
 * refused it) into err: -ECONNREFUSED/-ETIMEDOUT/-EHOSTUNREACH (cannot
 * reach), -EPROTO (TLS), -EACCES (401/403), -EEXIST (409, incompatible with
 * the subject's versions), -EINVAL (422, schema refused), -EBADMSG (an answer
 * that is not the API's). */
int sink_kafka_registry_register(const struct sink_kafka_registry_http *h, const char *subject,
				 const char *schema, int32_t *id, char *err, size_t errlen);

/* Check the URL (scheme http/https, a host). 0 or -EINVAL with a reason. */
int sink_kafka_registry_check_url(const char *url, char *err, size_t errlen);

/* Register under every topic of s and fill s->reg (nothing when the option
 * is off). On error writes one sentence into err. */
int sink_kafka_registry_start(struct sink_kafka *s, char *err, size_t errlen);

#endif

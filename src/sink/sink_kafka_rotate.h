/* Kafka sink credential rotation: the TLS/SASL files the configuration
 * names are watched (inotify on their directories, so a Kubernetes Secret's
 * ..data symlink swap is seen); when one changes, the producer is recreated
 * with the new material and the events it had not confirmed are re-sent on
 * the new one (counted as reproduced), without a restart of ringtap. */
#ifndef RINGTAP_SINK_KAFKA_ROTATE_H
#define RINGTAP_SINK_KAFKA_ROTATE_H

#include <stdint.h>

struct sink_kafka;
struct sink_kafka_rotate;

/* Watch s's material files; *out is NULL when it names none. 0 or -errno. */
int sink_kafka_rotate_create(struct sink_kafka *s, struct sink_kafka_rotate **out);
/* Cheap when nothing changed (one clock read; inotify read at most every
 * 100 ms). After a change has been quiet for a moment, rebuilds the
 * configuration and recreates the producer; new material that fails the
 * checks is reported once and the running producer is kept. */
void sink_kafka_rotate_poll(struct sink_kafka *s);
uint64_t sink_kafka_rotate_count(const struct sink_kafka_rotate *r);
void sink_kafka_rotate_destroy(struct sink_kafka_rotate *r);

#endif

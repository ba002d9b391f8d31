/* Kafka sink TLS/SASL: the material's files checked before a producer is
 * made (one sentence for an unreadable CA or key, or a key that does not
 * match its certificate), and broker-side connection failures turned into
 * one sentence for the summary and counted for the metrics. */
#ifndef RINGTAP_SINK_KAFKA_TLS_H
#define RINGTAP_SINK_KAFKA_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <librdkafka/rdkafka.h>

struct sink_kafka;

#define SINK_KAFKA_TLS_REASON_MAX 256

struct sink_kafka_tls_state {
	/* Written by librdkafka's broker threads (certificate verification),
	 * read by the main thread. */
	volatile int verify_error;     /* last X509_V_ERR_* seen, 0 none */
	uint64_t tls_errors;           /* TLS handshakes that failed */
	uint64_t auth_errors;          /* SASL authentications that failed */
	char last_reason[SINK_KAFKA_TLS_REASON_MAX]; /* one sentence, no secret */
};

/* Check the files conf names (ssl.ca.location, ssl.certificate.location,
 * ssl.key.location with ssl.key.password) and install the certificate-
 * verification callback on conf. On error writes one sentence into err. */
int sink_kafka_tls_check(rd_kafka_conf_t *conf, char *err, size_t errlen);
/* librdkafka's error callback saw err/reason: count and explain it if it
 * is a TLS or SASL failure. Returns 1 when it was one. */
int sink_kafka_tls_note_error(struct sink_kafka *s, int err, const char *reason);

#endif

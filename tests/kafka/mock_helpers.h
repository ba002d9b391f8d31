/* Helpers for the Kafka sink unit tests: a librdkafka mock cluster that
 * outlives the sink's producers, hand-built events, and a consumer that reads
 * a topic back. Header-only: included by tests/unit/test_sink_kafka*.c. */
#ifndef RINGTAP_TEST_KAFKA_MOCK_HELPERS_H
#define RINGTAP_TEST_KAFKA_MOCK_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include "sink/sink_kafka_instance.h"

struct mock {
	rd_kafka_t *owner; /* the mock cluster needs a handle for bookkeeping */
	rd_kafka_mock_cluster_t *mc;
	const char *bootstraps;
};

static inline void mock_start(struct mock *m, int partitions)
{
	char err[256];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();

	rd_kafka_conf_set(conf, "log_level", "0", err, sizeof(err));
	m->owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
	assert_non_null(m->owner);
	m->mc = rd_kafka_mock_cluster_new(m->owner, 1);
	assert_non_null(m->mc);
	m->bootstraps = rd_kafka_mock_cluster_bootstraps(m->mc);
	static const char *const topics[] = { "ringtap.process", "ringtap.file", "ringtap.network",
					      "ringtap.sensor" };
	for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++)
		assert_int_equal(rd_kafka_mock_topic_create(m->mc, topics[i], partitions, 1), 0);
}

static inline void mock_stop(struct mock *m)
{
	rd_kafka_mock_cluster_destroy(m->mc);
	rd_kafka_destroy(m->owner);
}

/* The test file's cluster (each test file is its own program). */
static struct mock mock;

/* cmocka setup/teardown for a file that needs only the cluster around each
 * test (three partitions per topic, what consume_all reads). */
static inline int mock_setup(void **state)
{
	(void)state;
	mock_start(&mock, 3);
	return 0;
}

static inline int mock_teardown(void **state)
{
	(void)state;
	mock_stop(&mock);
	return 0;
}

/* Options for a sink: pairs of key, value, terminated by NULL. */
static inline void opts_set(struct sink_options *o, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, o);
	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);
		assert_int_equal(sink_options_add(o, k, v, "test"), 0);
	}
	va_end(ap);
}

/* One open event; seq goes into ts_ns and the path so order can be checked. */
struct test_event {
	Ringtap__V1__Event ev;
	Ringtap__V1__Header hdr;
	Ringtap__V1__Pod pod;
	Ringtap__V1__Open open;
	Ringtap__V1__Exec exec;
	char path[64];
};

static inline void test_event_init(struct test_event *t, uint64_t seq, uint32_t pid,
				   const char *pod_uid)
{
	memset(t, 0, sizeof(*t));
	ringtap__v1__event__init(&t->ev);
	ringtap__v1__header__init(&t->hdr);
	ringtap__v1__open__init(&t->open);
	t->hdr.ts_ns = seq;
	t->hdr.pid = pid;
	t->hdr.tid = pid;
	t->hdr.comm = "cat";
	t->hdr.node = "event-node";
	if (pod_uid) {
		ringtap__v1__pod__init(&t->pod);
		t->pod.uid = (char *)pod_uid;
		t->hdr.pod = &t->pod;
	}
	snprintf(t->path, sizeof(t->path), "/tmp/%llu", (unsigned long long)seq);
	t->open.path = t->path;
	t->open.syscall = "openat";
	t->open.ret = 3;
	t->ev.header = &t->hdr;
	t->ev.body_case = RINGTAP__V1__EVENT__BODY_OPEN;
	t->ev.open = &t->open;
}

static inline struct sink_kafka *kafka_sink_new(const char *brokers, struct sink_options *o)
{
	struct event_sink *s = NULL;
	int spool_set = 0;

	/* These tests are about the in-memory queue: no disk spool unless a
	 * test asks for one. */
	for (size_t i = 0; i < o->n; i++)
		spool_set |= !strncmp(o->items[i].key, "spool.", 6);
	if (!spool_set)
		assert_int_equal(sink_options_add(o, "spool.enabled", "false", "test"), 0);
	assert_int_equal(sink_kafka_ops.create(brokers, o, &s), 0);
	assert_non_null(s);
	return (struct sink_kafka *)s;
}

static inline void emit_opens(struct sink_kafka *s, uint64_t first, uint64_t n)
{
	struct test_event t;

	for (uint64_t i = first; i < first + n; i++) {
		test_event_init(&t, i, 100 + (uint32_t)(i % 4), NULL);
		assert_int_equal(sink_kafka_ops.emit(&s->base, &t.ev), 0);
	}
}

/* Every message of one topic, read from the beginning of each partition. */
struct consumed {
	rd_kafka_message_t **msgs;
	size_t n;
	/* Messages pin their consumer: it is destroyed after them. */
	rd_kafka_t *c;
	rd_kafka_topic_t *rkt;
	rd_kafka_queue_t *q;
	int partitions;
};

static inline void consume_all(const char *bootstraps, const char *topic, int partitions,
			       size_t want, int timeout_ms, struct consumed *out)
{
	char err[256];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_t *c;
	rd_kafka_topic_t *rkt;
	rd_kafka_queue_t *q;
	int waited = 0;

	/* The legacy per-partition consumer: no consumer group needed. */
	rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps, err, sizeof(err));
	c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
	assert_non_null(c);
	rkt = rd_kafka_topic_new(c, topic, NULL);
	q = rd_kafka_queue_new(c);
	for (int p = 0; p < partitions; p++)
		assert_int_equal(rd_kafka_consume_start_queue(rkt, p, RD_KAFKA_OFFSET_BEGINNING, q), 0);
	out->msgs = calloc(want + 1, sizeof(*out->msgs));
	out->n = 0;
	/* Then poll half a second more: anything beyond want is a duplicate. */
	while (out->n <= want && waited < (out->n < want ? timeout_ms : 500)) {
		rd_kafka_message_t *m = rd_kafka_consume_queue(q, 100);
		if (!m || m->err) {
			waited += m ? 0 : 100;
			if (m)
				rd_kafka_message_destroy(m);
			continue;
		}
		out->msgs[out->n++] = m;
		if (out->n == want)
			waited = 0;
	}
	out->c = c;
	out->rkt = rkt;
	out->q = q;
	out->partitions = partitions;
}

static inline void consumed_free(struct consumed *c)
{
	for (size_t i = 0; i < c->n; i++)
		rd_kafka_message_destroy(c->msgs[i]);
	free(c->msgs);
	for (int p = 0; p < c->partitions; p++)
		rd_kafka_consume_stop(c->rkt, p);
	rd_kafka_queue_destroy(c->q);
	rd_kafka_topic_destroy(c->rkt);
	rd_kafka_destroy(c->c);
}

static inline const char *header(const rd_kafka_message_t *m, const char *name, char *buf,
				 size_t len)
{
	rd_kafka_headers_t *h = NULL;
	const void *v;
	size_t vlen;

	if (rd_kafka_message_headers(m, &h) || rd_kafka_header_get_last(h, name, &v, &vlen))
		return NULL;
	snprintf(buf, len, "%.*s", (int)vlen, (const char *)v);
	return buf;
}

#endif

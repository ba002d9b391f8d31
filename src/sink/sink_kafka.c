/* kafka sink: the event_sink vtable (create, emit, flush, counters).
 * The delivery accounting is described in sink_kafka.h, the instance in
 * sink_kafka_instance.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "sink/sink_kafka_instance.h"

static int default_node(char **out)
{
	const char *env = getenv("NODE_NAME");
	char host[256];

	if (env && *env) {
		*out = strdup(env);
	} else {
		if (gethostname(host, sizeof(host)))
			return -errno;
		host[sizeof(host) - 1] = '\0';
		*out = strdup(host);
	}
	return *out ? 0 : -ENOMEM;
}

static void kafka_destroy(struct event_sink *base)
{
	struct sink_kafka *s = (struct sink_kafka *)base;

	if (!s)
		return;
	sink_kafka_spool_tick(s); /* ack what was delivered before the stop */
	sink_kafka_producer_stop(s);
	sink_kafka_spool_stop(s);
	sink_kafka_rotate_destroy(s->rotate);
	if (s->conf)
		rd_kafka_conf_destroy(s->conf);
	options_free_strings(sink_kafka_option_table, &s->cfg);
	strbuf_free(&s->json);
	free(s->default_node);
	free(s);
}

static int kafka_create(const char *arg, const struct sink_options *opts, struct event_sink **out)
{
	struct sink_kafka *s;
	struct timespec now;
	char err[512] = "";
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->base.ops = &sink_kafka_ops;
	clock_gettime(CLOCK_REALTIME, &now);
	s->instance = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	rc = default_node(&s->default_node);
	if (rc) {
		snprintf(err, sizeof(err), "kafka sink: cannot tell the node name: %s", strerror(-rc));
		goto cleanup;
	}
	rc = sink_kafka_configure(s, arg, opts, err, sizeof(err));
	if (rc)
		goto cleanup;
	rc = sink_kafka_registry_start(s, err, sizeof(err)); /* before any value is framed */
	if (rc)
		goto cleanup;
	rc = sink_kafka_producer_start(s, err, sizeof(err));
	if (rc)
		goto cleanup;
	rc = sink_kafka_spool_start(s);
	if (rc)
		goto cleanup;
	rc = sink_kafka_rotate_create(s, &s->rotate);
	if (rc) {
		snprintf(err, sizeof(err), "kafka sink: cannot watch the TLS/SASL files: %s",
			 strerror(-rc));
		goto cleanup;
	}
	*out = &s->base;
	s = NULL;
cleanup:
	/* The vtable has no error text channel: say here what is wrong. */
	if (rc && *err)
		fprintf(stderr, "ringtap: %s\n", err);
	kafka_destroy(s ? &s->base : NULL);
	return rc;
}

static int kafka_emit(struct event_sink *base, const Ringtap__V1__Event *ev)
{
	struct sink_kafka *s = (struct sink_kafka *)base;
	struct sink_kafka_msg *m = NULL;
	rd_kafka_resp_err_t err;
	int rc;

	s->c.events++;
	sink_kafka_producer_poll_emit(s); /* serve delivery reports, restart if fatal */
	if (s->sp.spool) {
		rc = sink_kafka_msg_build(s, ev, &m);
		if (rc) {
			sink_kafka_count_failure(&s->c, RD_KAFKA_RESP_ERR__BAD_MSG);
			return rc;
		}
		sink_kafka_spool_emit(s, ev, m); /* never waits: disk or producer */
		return 0;
	}
	if (s->stalled && s->rk) {
		/* Still full since the stall's one wait: shed at once, without
		 * encoding what cannot be queued. */
		s->c.queue_full_drops++;
		return 0;
	}
	rc = sink_kafka_msg_build(s, ev, &m);
	if (rc) {
		sink_kafka_count_failure(&s->c, RD_KAFKA_RESP_ERR__BAD_MSG);
		return rc;
	}
	if (!s->rk) {
		err = RD_KAFKA_RESP_ERR__STATE; /* producer could not be recreated */
	} else {
		err = sink_kafka_produce(s, m);
		if (err == RD_KAFKA_RESP_ERR__FATAL) {
			sink_kafka_producer_restart(s);
			err = s->rk ? sink_kafka_produce(s, m) : RD_KAFKA_RESP_ERR__STATE;
		}
	}
	if (!err) {
		s->c.produced++;
		sink_kafka_inflight_add(s, m);
		return 0;
	}
	/* Dropped and counted here; the caller must not retry (the ring
	 * reader waits at most queue_full_wait_ms per stall). */
	if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
		s->c.queue_full_drops++;
	else
		sink_kafka_count_failure(&s->c, err);
	free(m);
	return 0;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int kafka_flush(struct event_sink *base, int timeout_ms)
{
	struct sink_kafka *s = (struct sink_kafka *)base;
	int64_t deadline;

	/* The daemon's flush_timeout_ms decides how long shutdown waits. */
	if (timeout_ms < 0)
		timeout_ms = 0;
	deadline = mono_ms() + timeout_ms;
	for (;;) {
		sink_kafka_producer_poll(s, 0);
		sink_kafka_spool_drain(s, 100000);
		sink_kafka_spool_tick(s);
		if (!s->in_flight && !s->sp.pending)
			return s->c.failed || s->c.queue_full_drops || s->c.spool_full_drops ||
			       s->c.expired ? -EIO : 0;
		int64_t left = deadline - mono_ms();
		if (left <= 0) {
			sink_kafka_spool_spill(s); /* what is in flight waits on disk */
			return -ETIMEDOUT;
		}
		if (s->rk)
			rd_kafka_flush(s->rk, (int)(left < 100 ? left : 100));
		else
			nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000000 }, NULL);
	}
}

static void kafka_poll(struct event_sink *base)
{
	struct sink_kafka *s = (struct sink_kafka *)base;

	sink_kafka_producer_poll(s, 0);
	sink_kafka_spool_drain(s, 8192);
	sink_kafka_spool_tick(s);
}

static void kafka_summary(struct event_sink *base, FILE *out)
{
	struct sink_kafka *s = (struct sink_kafka *)base;

	/* With the spool, what is in flight and on disk is pending, not lost. */
	sink_kafka_counters_print(&s->c, s->sp.spool ? sink_kafka_spool_unspilled(s) : s->in_flight, out);
	sink_kafka_spool_summary(s, out);
	if (s->rotate)
		fprintf(out, " rotations=%llu", (unsigned long long)sink_kafka_rotate_count(s->rotate));
	if (s->tls.tls_errors || s->tls.auth_errors)
		fprintf(out, " tls_errors=%llu auth_errors=%llu; last broker error: %s",
			(unsigned long long)s->tls.tls_errors, (unsigned long long)s->tls.auth_errors,
			s->tls.last_reason);
}

static size_t kafka_counters(struct event_sink *base, struct sink_counter *out, size_t max)
{
	struct sink_kafka *s = (struct sink_kafka *)base;
	const struct sink_counter all[] = {
		{ "kafka_events", "Events handed to the sink.", 0, s->c.events },
		{ "kafka_produced", "Events accepted into the producer queue (first time).", 0, s->c.produced },
		{ "kafka_delivered", "Events the broker acknowledged.", 0, s->c.delivered },
		{ "kafka_failed", "Events that permanently failed delivery.", 0, s->c.failed },
		{ "kafka_queue_full_drops", "Events dropped because the producer queue stayed full.", 0,
		  s->c.queue_full_drops },
		{ "kafka_queue_stalls", "Times the producer queue stayed full for queue_full_wait_ms; "
		  "events are then dropped at once until a delivery report frees room.", 0, s->c.stalls },
		{ "kafka_producer_restarts", "Producers recreated after a fatal librdkafka error.", 0,
		  s->c.restarts },
		{ "kafka_reproduced", "Events re-sent on a recreated producer.", 0, s->c.reproduced },
		{ "kafka_credential_rotations", "Producers recreated because the TLS/SASL files changed.",
		  0, sink_kafka_rotate_count(s->rotate) },
		{ "kafka_tls_errors", "TLS handshakes with a broker that failed (unknown CA, expired "
		  "certificate, hostname mismatch, client certificate refused).", 0, s->tls.tls_errors },
		{ "kafka_auth_errors", "SASL authentications a broker refused.", 0, s->tls.auth_errors },
		{ "kafka_in_flight", "Events queued and not yet acknowledged.", 1, s->in_flight },
	};
	size_t n = sizeof(all) / sizeof(all[0]);

	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof(*out));
	return n + sink_kafka_spool_counters(s, out + n, max - n);
}

const struct event_sink_ops sink_kafka_ops = {
	.name = "kafka",
	.create = kafka_create,
	.emit = kafka_emit,
	.flush = kafka_flush,
	.poll = kafka_poll,
	.summary = kafka_summary,
	.counters = kafka_counters,
	.destroy = kafka_destroy,
	.validate = sink_kafka_validate,
	.options = sink_kafka_option_table,
};

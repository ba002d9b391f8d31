/* The librdkafka producer behind the Kafka sink: creation, delivery reports,
 * and replacement after a fatal error (librdkafka 2.0.2 raises fatal
 * idempotence errors after broker disconnects). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sink/sink_kafka_instance.h"

/* After a fatal error, how long to wait for in-flight requests to finish so
 * their delivery reports are accurate before the producer is replaced. */
#define RESTART_DRAIN_MS 1000
/* rd_kafka_poll(rk, 0) per event was a mutex pair and a clock read per
 * event (perf of the live path); delivery reports still come at least this
 * often, and the main loop's sink poll serves them when events stop. */
#define SINK_KAFKA_EMIT_POLL_EVERY 32
/* Repeats of one transient error are logged at most this often. */
#define ERROR_LOG_INTERVAL_MS 10000

void sink_kafka_inflight_add(struct sink_kafka *s, struct sink_kafka_msg *m)
{
	m->next = NULL;
	m->prev = s->tail;
	if (s->tail)
		s->tail->next = m;
	else
		s->head = m;
	s->tail = m;
	s->in_flight++;
}

void sink_kafka_inflight_remove(struct sink_kafka *s, struct sink_kafka_msg *m)
{
	if (m->prev)
		m->prev->next = m->next;
	else
		s->head = m->next;
	if (m->next)
		m->next->prev = m->prev;
	else
		s->tail = m->prev;
	m->prev = m->next = NULL;
	s->in_flight--;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *rkm, void *opaque)
{
	struct sink_kafka *s = opaque;
	struct sink_kafka_msg *m = rkm->_private;
	char reason[8];

	s->stalled = 0; /* a report means room in the queue */
	if (!rkm->err) {
		s->c.delivered++;
	} else if (s->fatal || rd_kafka_fatal_error(rk, reason, sizeof(reason))) {
		/* Not the message's fault: keep it for the next producer. */
		s->fatal = 1;
		return;
	} else {
		sink_kafka_count_failure(&s->c, rkm->err);
	}
	sink_kafka_spool_done(s, m);
	sink_kafka_inflight_remove(s, m);
	free(m);
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	struct sink_kafka *s = opaque;

	(void)rk;
	sink_kafka_tls_note_error(s, err, reason); /* for the summary and metrics */
	if (err == RD_KAFKA_RESP_ERR__FATAL) {
		s->fatal = 1;
		fprintf(stderr, "ringtap: kafka: fatal producer error (%s); recreating the producer\n",
			reason);
		return;
	}
	/* Transient: librdkafka retries on its own. A connection failure is
	 * already in its log; others are said once per interval, not once per
	 * reconnect attempt during an outage. */
	if (err == RD_KAFKA_RESP_ERR__TRANSPORT)
		return;
	int64_t now = now_ms();
	if (err == s->last_err && now - s->last_err_ms < ERROR_LOG_INTERVAL_MS) {
		s->errs_suppressed++;
		return;
	}
	if (s->errs_suppressed)
		fprintf(stderr, "ringtap: kafka: %s: %s (%" PRIu64 " similar suppressed)\n",
			rd_kafka_err2name(err), reason, s->errs_suppressed);
	else
		fprintf(stderr, "ringtap: kafka: %s: %s\n", rd_kafka_err2name(err), reason);
	s->last_err = err;
	s->last_err_ms = now;
	s->errs_suppressed = 0;
}

/* librdkafka's own log lines (connection failures, retries), in ringtap's
 * format. Called from librdkafka's threads; one fprintf per line. */
static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk;
	if (!strcmp(fac, "TERMINATE"))
		return; /* "N messages still in queue": the summary counts them */
	fprintf(stderr, "ringtap: kafka: %s%s: %s\n", level <= 3 ? "error: " : "", fac, buf);
}

static void destroy_producer(struct sink_kafka *s)
{
	for (int i = 0; i < SINK_KAFKA_NCLASSES; i++) {
		if (s->rkt[i])
			rd_kafka_topic_destroy(s->rkt[i]);
		s->rkt[i] = NULL;
	}
	if (s->rk)
		rd_kafka_destroy(s->rk);
	s->rk = NULL;
	s->fatal = 0;
}

int sink_kafka_producer_start(struct sink_kafka *s, char *err, size_t errlen)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_dup(s->conf);
	char rderr[512];
	int rc = 0;

	if (!conf)
		return -ENOMEM;
	rd_kafka_conf_set_opaque(conf, s);
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_conf_set_error_cb(conf, on_error);
	rd_kafka_conf_set_log_cb(conf, on_log);
	s->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, rderr, sizeof(rderr));
	if (!s->rk) {
		rd_kafka_conf_destroy(conf); /* rd_kafka_new owns it only on success */
		snprintf(err, errlen, "kafka sink: cannot create the producer: %s", rderr);
		rc = -EINVAL;
		goto cleanup;
	}
	for (int i = 0; i < SINK_KAFKA_NCLASSES; i++) {
		s->rkt[i] = rd_kafka_topic_new(s->rk, s->cfg.topics[i], NULL);
		if (!s->rkt[i]) {
			snprintf(err, errlen, "kafka sink: topic '%s': %s", s->cfg.topics[i],
				 rd_kafka_err2str(rd_kafka_last_error()));
			rc = -EINVAL;
			goto cleanup;
		}
	}
	s->fatal = 0;
	s->stalled = 0; /* an empty queue */
cleanup:
	if (rc)
		destroy_producer(s);
	return rc;
}

/* Serving delivery reports is what frees queue room. A full queue is waited
 * on once per stall: after that wait, every produce() that finds the queue
 * still full fails at once, until a delivery report frees room (on_delivery
 * clears the stall). So an outage costs the main loop one bounded wait, not
 * one per event. */
rd_kafka_resp_err_t sink_kafka_produce(struct sink_kafka *s, struct sink_kafka_msg *m)
{
	int64_t deadline = -1;
	rd_kafka_resp_err_t err;

	for (;;) {
		err = sink_kafka_msg_produce(s, m);
		if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || s->stalled)
			return err;
		int64_t now = now_ms();
		if (deadline < 0)
			deadline = now + s->cfg.queue_full_wait_ms;
		if (now >= deadline) {
			s->stalled = 1;
			s->c.stalls++;
			/* Once per stall: the broker is slow or away. */
			fprintf(stderr, "ringtap: kafka: producer queue full for %" PRId64 " ms "
				"(%" PRIu64 " in flight); dropping events until the broker acknowledges "
				"some (counted as queue_full_drops)\n",
				s->cfg.queue_full_wait_ms, s->in_flight);
			return err;
		}
		int step = (int)(deadline - now < 10 ? deadline - now : 10);
		rd_kafka_poll(s->rk, step);
		if (s->fatal)
			return RD_KAFKA_RESP_ERR__FATAL;
	}
}

int sink_kafka_producer_restart(struct sink_kafka *s)
{
	char err[512];
	struct sink_kafka_msg *m, *next;
	int rc;

	if (s->rk) {
		s->c.restarts++;
		s->fatal = 1;
		/* Let requests already on the wire complete: what the broker
		 * acknowledges counts as delivered, the rest stays ours. */
		rd_kafka_flush(s->rk, RESTART_DRAIN_MS);
		rd_kafka_purge(s->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
		rd_kafka_poll(s->rk, 0);
		destroy_producer(s);
	}
	rc = sink_kafka_producer_start(s, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "ringtap: %s\n", err);
		return rc;
	}
	/* Everything still listed was not confirmed by the old producer:
	 * re-send it in its original order. */
	for (m = s->head; m; m = next) {
		next = m->next;
		rd_kafka_resp_err_t e = sink_kafka_produce(s, m);
		if (e == RD_KAFKA_RESP_ERR__FATAL)
			break; /* the next poll restarts again; the rest stays listed */
		if (e) {
			if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL)
				s->c.queue_full_drops++;
			else
				sink_kafka_count_failure(&s->c, e);
			sink_kafka_spool_done(s, m);
			sink_kafka_inflight_remove(s, m);
			free(m);
			continue;
		}
		s->c.reproduced++;
	}
	return 0;
}

void sink_kafka_producer_poll(struct sink_kafka *s, int timeout_ms)
{
	sink_kafka_rotate_poll(s); /* new TLS/SASL material: recreate the producer */
	if (!s->rk || s->fatal)
		sink_kafka_producer_restart(s);
	if (!s->rk)
		return;
	rd_kafka_poll(s->rk, timeout_ms);
	if (s->fatal)
		sink_kafka_producer_restart(s);
}

void sink_kafka_producer_poll_emit(struct sink_kafka *s)
{
	if (s->rk && !s->fatal && !s->stalled && ++s->emit_polls_skipped < SINK_KAFKA_EMIT_POLL_EVERY)
		return;
	s->emit_polls_skipped = 0;
	sink_kafka_producer_poll(s, 0);
}

void sink_kafka_producer_stop(struct sink_kafka *s)
{
	struct sink_kafka_msg *m;

	destroy_producer(s);
	while ((m = s->head)) {
		if (!m->spool_pos) /* a spooled one stays on disk for the next start */
			s->c.not_delivered++;
		sink_kafka_inflight_remove(s, m);
		free(m);
	}
}

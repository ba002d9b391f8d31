/* The Kafka sink's disk spool: how messages become spool records and back,
 * the drain, and the Drop records for what the spool could not keep.
 * The design is in sink_kafka_spool.h, the storage in spool.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sink/sink_kafka_instance.h"
#include "sink/spool.h"

/* A spool record: this header, then ce_type, key, value, source, id. */
struct rec_header {
	uint8_t cls;
	uint8_t type_len;
	uint16_t source_len;
	uint16_t id_len;
	uint16_t reserved;
	uint32_t key_len;
	uint32_t value_len;
	int64_t wall_ns; /* when it was spooled */
};

#define SYNC_INTERVAL_MS 1000
#define EXPIRE_INTERVAL_MS 1000
#define SUBDIR_TRIES 16

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void say_notice(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "ringtap: kafka spool: %s\n", msg);
}

/* One subdirectory per sink, named after its brokers; a second sink with
 * the same brokers (the directory is locked) takes the next suffix. */
int sink_kafka_spool_start(struct sink_kafka *s)
{
	const struct sink_kafka_config *cfg = &s->cfg;
	struct spool_config sc = { .max_bytes = cfg->spool_max_bytes };
	char base[200], dir[4096], err[4200] = "";
	size_t n = 0;
	int rc = -EINVAL;

	if (!cfg->spool_enabled)
		return 0;
	for (const char *p = cfg->brokers; *p && n < sizeof(base) - 1; p++)
		base[n++] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ? *p : '_';
	base[n] = '\0';
	for (int i = 1; i <= SUBDIR_TRIES; i++) {
		if (i == 1)
			snprintf(dir, sizeof(dir), "%s/kafka-%s", cfg->spool_dir, base);
		else
			snprintf(dir, sizeof(dir), "%s/kafka-%s-%d", cfg->spool_dir, base, i);
		sc.dir = dir;
		rc = spool_open(&sc, say_notice, s, &s->sp.spool, err, sizeof(err));
		if (rc != -EBUSY)
			break;
	}
	if (rc == -ENOMEM)
		return rc;
	if (rc) {
		fprintf(stderr, "ringtap: kafka: spool %s; running with the in-memory queue only "
			"(events are dropped when it is full)\n", err);
		return 0;
	}
	struct spool_stats st;
	spool_stats(s->sp.spool, &st);
	s->sp.pending = st.recovered;
	if (st.recovered)
		fprintf(stderr, "ringtap: kafka spool: %s: %" PRIu64 " undelivered records from a "
			"previous run (%" PRIu64 " possibly delivered already: re-sent with their "
			"ce_id)\n", spool_dir(s->sp.spool), st.recovered, st.resend);
	s->sp.last_refill_ms = s->sp.last_sync_ms = s->sp.last_expire_ms = mono_ms();
	return 0;
}

void sink_kafka_spool_stop(struct sink_kafka *s)
{
	if (!s->sp.spool)
		return;
	/* No ack here: the producer is gone and with it the in-flight list,
	 * whose records stay pending for the next start. */
	spool_close(s->sp.spool);
	s->sp.spool = NULL;
}

static int append_msg(struct sink_kafka *s, const struct sink_kafka_msg *m, uint64_t *pos)
{
	struct rec_header h = {
		.cls = (uint8_t)m->cls,
		.type_len = (uint8_t)strlen(m->ce_type),
		.source_len = m->source_len,
		.id_len = m->id_len,
		.key_len = m->key_len,
		.value_len = m->value_len,
		.wall_ns = wall_ns(),
	};
	struct iovec iov[] = {
		{ &h, sizeof(h) },
		{ (void *)m->ce_type, h.type_len },
		{ (void *)m->data, (size_t)m->key_len + m->value_len + m->source_len + m->id_len },
	};

	return spool_append(s->sp.spool, iov, 3, pos);
}

/* Rebuild a message from its record; ce_type is kept after the data. */
static int msg_from_record(const void *data, uint32_t len, struct sink_kafka_msg **out)
{
	struct rec_header h;
	struct sink_kafka_msg *m;

	if (len < sizeof(h))
		return -EBADMSG;
	memcpy(&h, data, sizeof(h));
	uint64_t body = (uint64_t)h.key_len + h.value_len + h.source_len + h.id_len;
	if (h.cls >= SINK_KAFKA_NCLASSES || sizeof(h) + h.type_len + body != len)
		return -EBADMSG;
	m = malloc(sizeof(*m) + body + h.type_len + 1);
	if (!m)
		return -ENOMEM;
	const char *p = (const char *)data + sizeof(h);
	m->prev = m->next = NULL;
	m->spool_pos = 0;
	m->cls = h.cls;
	m->key_len = h.key_len;
	m->value_len = h.value_len;
	m->source_len = h.source_len;
	m->id_len = h.id_len;
	memcpy(m->data, p + h.type_len, body);
	char *type = m->data + body;
	memcpy(type, p, h.type_len);
	type[h.type_len] = '\0';
	m->ce_type = type;
	*out = m;
	return 0;
}

static int high_water(const struct sink_kafka *s)
{
	return s->in_flight >= (uint64_t)s->cfg.spool_high_water;
}

static int producer_ready(const struct sink_kafka *s)
{
	return s->rk && !s->fatal;
}

/* Produce m (already in the spool at m->spool_pos) without waiting. */
static int produce_spooled(struct sink_kafka *s, struct sink_kafka_msg *m)
{
	if (sink_kafka_msg_produce(s, m))
		return -EAGAIN;
	spool_consume(s->sp.spool, m->spool_pos);
	sink_kafka_inflight_add(s, m);
	s->c.produced++;
	return 0;
}

static unsigned type_slot(int body_case)
{
	return body_case > 0 && body_case < SINK_KAFKA_SPOOL_TYPES ? (unsigned)body_case : 0;
}

/* What the Drop record names a type: "open", "exec", ... */
static const char *type_name(unsigned slot)
{
	Ringtap__V1__Event ev = RINGTAP__V1__EVENT__INIT;
	const char *t;

	if (!slot)
		return "other";
	ev.body_case = (Ringtap__V1__Event__BodyCase)slot;
	t = sink_kafka_route_ce_type(&ev);
	return strncmp(t, "ringtap.v1.", 11) ? t : t + 11;
}

/* Append one Drop record; -errno leaves the count pending. */
static int append_drop(struct sink_kafka *s, const char *type, uint64_t n, uint64_t total,
		       const char *reason)
{
	Ringtap__V1__Event ev = RINGTAP__V1__EVENT__INIT;
	Ringtap__V1__Header hdr = RINGTAP__V1__HEADER__INIT;
	Ringtap__V1__Drop drop = RINGTAP__V1__DROP__INIT;
	struct sink_kafka_msg *m = NULL;
	struct timespec bt;
	uint64_t pos;
	int rc;

	clock_gettime(CLOCK_BOOTTIME, &bt);
	hdr.ts_ns = (uint64_t)bt.tv_sec * 1000000000ull + (uint64_t)bt.tv_nsec;
	hdr.wall_time_ns = (uint64_t)wall_ns();
	hdr.node = (char *)(s->cfg.node && *s->cfg.node ? s->cfg.node : s->default_node);
	hdr.comm = "ringtap";
	drop.event_type = (char *)type;
	drop.dropped = n;
	drop.dropped_total = total;
	drop.reason = (char *)reason;
	ev.header = &hdr;
	ev.body_case = RINGTAP__V1__EVENT__BODY_DROP;
	ev.drop = &drop;
	rc = sink_kafka_msg_build(s, &ev, &m);
	if (!rc)
		rc = append_msg(s, m, &pos);
	free(m);
	if (!rc) {
		s->sp.pending++;
		s->sp.spooled++;
		s->sp.drop_records++;
	}
	return rc;
}

static int drops_pending(const struct sink_kafka *s)
{
	for (unsigned i = 0; i < SINK_KAFKA_SPOOL_TYPES; i++)
		if (s->sp.drop_pending[i])
			return 1;
	return s->sp.expired_pending != 0;
}

/* Drop records go in the spool where the gap is, once there is room. */
static int append_pending_drops(struct sink_kafka *s)
{
	for (unsigned i = 0; i < SINK_KAFKA_SPOOL_TYPES; i++) {
		if (!s->sp.drop_pending[i])
			continue;
		if (append_drop(s, type_name(i), s->sp.drop_pending[i], s->sp.drop_total[i],
				"spool_full"))
			return -ENOSPC;
		s->sp.drop_pending[i] = 0;
	}
	if (s->sp.expired_pending) {
		if (append_drop(s, "any", s->sp.expired_pending, s->c.expired, "spool_max_age"))
			return -ENOSPC;
		s->sp.expired_pending = 0;
	}
	s->sp.full_said = 0;
	return 0;
}

static void count_spool_drop(struct sink_kafka *s, const Ringtap__V1__Event *ev, int rc)
{
	unsigned slot = type_slot(ev->body_case);

	s->c.spool_full_drops++;
	s->sp.drop_pending[slot]++;
	s->sp.drop_total[slot]++;
	if (!s->sp.full_said) {
		s->sp.full_said = 1;
		fprintf(stderr, "ringtap: kafka spool: %s: %s; dropping events (counted per type "
			"in spool_full_drops, and in a Drop record once there is room)\n",
			spool_dir(s->sp.spool),
			rc == -ENOSPC ? "spool.max_bytes reached or the disk is full" : strerror(-rc));
	}
}

void sink_kafka_spool_emit(struct sink_kafka *s, const Ringtap__V1__Event *ev,
			   struct sink_kafka_msg *m)
{
	int rc = 0, direct;
	uint64_t pos;

	sink_kafka_spool_drain(s, 64);
	if (drops_pending(s))
		rc = append_pending_drops(s);
	if (rc) {
		count_spool_drop(s, ev, rc);
		free(m);
		return;
	}
	direct = spool_caught_up(s->sp.spool) && producer_ready(s) && !high_water(s);
	rc = append_msg(s, m, &pos);
	if (rc == -EMSGSIZE) {
		sink_kafka_count_failure(&s->c, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
		free(m);
		return;
	}
	if (rc) {
		count_spool_drop(s, ev, rc);
		free(m);
		return;
	}
	m->spool_pos = pos;
	s->sp.pending++;
	if (direct && !produce_spooled(s, m))
		return;
	s->sp.spooled++; /* it waits on disk; the drain reads it back */
	free(m);
}

static void refill(struct sink_kafka *s)
{
	int64_t now = mono_ms(), rate = s->cfg.spool_drain_rate;

	if (rate <= 0)
		return;
	s->sp.tokens += (double)(now - s->sp.last_refill_ms) * (double)rate / 1000.0;
	if (s->sp.tokens > (double)rate)
		s->sp.tokens = (double)rate; /* at most one second's burst */
	s->sp.last_refill_ms = now;
}

void sink_kafka_spool_drain(struct sink_kafka *s, int budget)
{
	const void *data;
	uint32_t len;
	uint64_t pos;

	if (!s->sp.spool || !producer_ready(s))
		return;
	refill(s);
	while (budget-- > 0 && !high_water(s) && (s->cfg.spool_drain_rate <= 0 || s->sp.tokens >= 1)) {
		struct sink_kafka_msg *m;
		if (spool_peek(s->sp.spool, &data, &len, &pos))
			return;
		int rc = msg_from_record(data, len, &m);
		if (rc == -ENOMEM)
			return; /* try again at the next call */
		if (rc) {
			/* Its checksum held but it is not one of ours (another
			 * version's layout): skip it, counted. */
			spool_consume(s->sp.spool, pos);
			sink_kafka_count_failure(&s->c, RD_KAFKA_RESP_ERR__BAD_MSG);
			s->sp.pending--;
			continue;
		}
		m->spool_pos = pos;
		if (produce_spooled(s, m)) {
			free(m);
			return;
		}
		s->sp.drained++;
		s->sp.tokens -= 1;
	}
}

static void on_expired(void *ctx, const void *data, uint32_t len)
{
	struct sink_kafka *s = ctx;

	(void)data;
	(void)len;
	s->c.expired++;
	s->sp.expired_pending++;
	s->sp.pending--;
}

void sink_kafka_spool_tick(struct sink_kafka *s)
{
	int64_t now = mono_ms();

	if (!s->sp.spool)
		return;
	if (drops_pending(s))
		append_pending_drops(s);
	/* Everything before the oldest message in flight is delivered (or
	 * failed and counted); with none in flight, everything before read. */
	spool_ack(s->sp.spool, s->head ? s->head->spool_pos : spool_read_pos(s->sp.spool));
	if (now - s->sp.last_sync_ms >= SYNC_INTERVAL_MS) {
		/* Only a backlog is worth the disk: while the producer keeps up,
		 * records are delivered and their segments deleted before the
		 * kernel would write them back. */
		if (!spool_caught_up(s->sp.spool) || s->in_flight >= (uint64_t)s->cfg.spool_high_water / 2)
			spool_sync(s->sp.spool);
		s->sp.last_sync_ms = now;
	}
	if (s->cfg.spool_max_age_s > 0 && now - s->sp.last_expire_ms >= EXPIRE_INTERVAL_MS) {
		uint64_t n = spool_expire(s->sp.spool, wall_ns() - s->cfg.spool_max_age_s * 1000000000,
					  on_expired, s);
		if (n)
			fprintf(stderr, "ringtap: kafka spool: %s: %" PRIu64 " records older than "
				"spool.max_age_s %" PRId64 " given up (counted as expired)\n",
				spool_dir(s->sp.spool), n, s->cfg.spool_max_age_s);
		s->sp.last_expire_ms = now;
	}
}

void sink_kafka_spool_done(struct sink_kafka *s, const struct sink_kafka_msg *m)
{
	if (m->spool_pos && s->sp.pending)
		s->sp.pending--;
}

void sink_kafka_spool_summary(struct sink_kafka *s, FILE *out)
{
	struct spool_stats st;

	if (!s->sp.spool)
		return;
	spool_stats(s->sp.spool, &st);
	fprintf(out, " drop_records=%" PRIu64 " spooled=%" PRIu64 " drained=%" PRIu64 " pending=%" PRIu64
		" recovered=%" PRIu64 " resent=%" PRIu64 " cut_bytes=%" PRIu64 " spool_bytes=%" PRIu64,
		s->sp.drop_records, s->sp.spooled, s->sp.drained, s->sp.pending, st.recovered, st.resend, st.cut_bytes,
		st.bytes);
}

size_t sink_kafka_spool_counters(struct sink_kafka *s, struct sink_counter *out, size_t max)
{
	struct spool_stats st = { 0 };
	int64_t age = 0;

	if (!s->sp.spool)
		return 0;
	spool_stats(s->sp.spool, &st);
	if (s->sp.pending && st.oldest_wall_ns)
		age = (wall_ns() - st.oldest_wall_ns) / 1000000000;
	const struct sink_counter all[] = {
		{ "kafka_spool_bytes", "Bytes the spool's segments take on disk.", 1, st.bytes },
		{ "kafka_spool_records", "Records in the spool not yet delivered (incl. in flight).", 1,
		  s->sp.pending },
		{ "kafka_spool_oldest_age_seconds", "Age of the oldest spool segment holding "
		  "undelivered records (0: none).", 1, age > 0 ? (uint64_t)age : 0 },
		{ "kafka_spool_spooled", "Events that waited on disk for the producer.", 0, s->sp.spooled },
		{ "kafka_spool_drained", "Records read back from disk into the producer.", 0,
		  s->sp.drained },
		{ "kafka_spool_full_drops", "Events dropped because the spool was at spool.max_bytes "
		  "or the disk was full.", 0, s->c.spool_full_drops },
		{ "kafka_spool_expired", "Spooled records given up after spool.max_age_s.", 0,
		  s->c.expired },
		{ "kafka_spool_recovered", "Undelivered records found in the spool at start.", 0,
		  st.recovered },
		{ "kafka_spool_resent", "Recovered records that may have been delivered before a "
		  "crash (re-sent with their ce_id).", 0, st.resend },
		{ "kafka_spool_cut_bytes", "Corrupt bytes cut from spool segments at start.", 0,
		  st.cut_bytes },
	};
	size_t n = sizeof(all) / sizeof(all[0]);

	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof(*out));
	return n;
}

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
	uint16_t flags;    /* REC_SPILLED */
	uint32_t key_len;
	uint32_t value_len;
	int64_t wall_ns; /* when it was spooled */
};

/* The record's message was produced before it was written (a spill): the
 * drain skips it in the run that wrote it, a restart re-sends it. */
#define REC_SPILLED 1u

#define SYNC_INTERVAL_MS 1000
/* In-flight messages only in memory are spilled after this long without a
 * delivery report (the broker is away): a crash then loses none of them. */
#define SPILL_AFTER_MS 1000
/* The ack scan walks the in-flight list: at most this often. */
#define ACK_INTERVAL_MS 100
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

static unsigned key_slot(const char *key, uint32_t len)
{
	uint64_t h = 14695981039346656037ull; /* FNV-1a */

	for (uint32_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)key[i]) * 1099511628211ull;
	return (unsigned)(h ^ (h >> 32)) & (SINK_KAFKA_SPOOL_KEY_SLOTS - 1);
}

/* The key slot of a spool record; -EBADMSG when it is not one of ours. */
static int record_slot(const void *data, uint32_t len, unsigned *slot, uint16_t *flags)
{
	struct rec_header h;

	if (len < sizeof(h))
		return -EBADMSG;
	memcpy(&h, data, sizeof(h));
	if ((uint64_t)sizeof(h) + h.type_len + h.key_len > len)
		return -EBADMSG;
	*slot = key_slot((const char *)data + sizeof(h) + h.type_len, h.key_len);
	*flags = h.flags;
	return 0;
}

/* At start every unread record waits (the spilled ones of a previous run
 * included: they are re-sent). */
static void count_waiting(void *ctx, const void *data, uint32_t len, uint64_t pos)
{
	struct sink_kafka *s = ctx;
	unsigned slot;
	uint16_t flags;

	(void)pos;
	if (!record_slot(data, len, &slot, &flags))
		s->sp.key_waiting[slot]++;
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
	s->sp.run_start = spool_write_pos(s->sp.spool);
	s->sp.run_start_wall_ns = wall_ns();
	spool_scan(s->sp.spool, count_waiting, s);
	if (st.recovered)
		fprintf(stderr, "ringtap: kafka spool: %s: %" PRIu64 " undelivered records from a "
			"previous run (%" PRIu64 " possibly delivered already: re-sent with their "
			"ce_id)\n", spool_dir(s->sp.spool), st.recovered, st.resend);
	s->sp.last_refill_ms = s->sp.last_sync_ms = s->sp.last_expire_ms = mono_ms();
	s->sp.last_settled_ms = s->sp.last_ack_ms = s->sp.last_refill_ms;
	return 0;
}

void sink_kafka_spool_stop(struct sink_kafka *s)
{
	if (!s->sp.spool)
		return;
	s->sp.spill_from = NULL;
	/* No ack here: the producer is gone and with it the in-flight list,
	 * whose records stay pending for the next start. */
	spool_close(s->sp.spool);
	s->sp.spool = NULL;
}

static int append_msg(struct sink_kafka *s, const struct sink_kafka_msg *m, uint16_t flags,
		      uint64_t *pos)
{
	struct rec_header h = {
		.cls = (uint8_t)m->cls,
		.type_len = (uint8_t)strlen(m->ce_type),
		.source_len = m->source_len,
		.id_len = m->id_len,
		.key_len = m->key_len,
		.value_len = m->value_len,
		.flags = flags,
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

/* The drain leaves a quarter of high_water to the fast path. */
static int drain_room(const struct sink_kafka *s)
{
	uint64_t hw = (uint64_t)s->cfg.spool_high_water;

	return s->in_flight < (hw > 4 ? hw - hw / 4 : hw);
}

static int msg_slot(const struct sink_kafka_msg *m)
{
	return (int)key_slot(sink_kafka_msg_key(m), m->key_len);
}

void sink_kafka_spool_spill(struct sink_kafka *s)
{
	struct sink_kafka_msg *m;
	uint64_t pos, last = 0;

	if (!s->sp.spool)
		return;
	for (m = s->sp.spill_from; m; m = m->next) {
		if (m->spool_pos)
			continue;
		int rc = append_msg(s, m, REC_SPILLED, &pos);
		if (rc == -EMSGSIZE)
			continue; /* larger than a segment: it can only be in memory */
		if (rc)
			break; /* spool full: it stays in memory only; the next spill retries */
		m->spool_pos = pos;
		last = pos;
		s->sp.pending++;
		s->sp.spilled++;
		s->sp.inflight_spooled++;
	}
	s->sp.spill_from = m;
	if (last)
		spool_mark_sent(s->sp.spool, last);
}

uint64_t sink_kafka_spool_unspilled(const struct sink_kafka *s)
{
	uint64_t n = 0;

	for (const struct sink_kafka_msg *m = s->head; m; m = m->next)
		n += !m->spool_pos;
	return n;
}

/* Append m to wait on disk, after the in-flight messages only in memory, so
 * that the spool keeps the order events were handed over in. */
static int append_waiting(struct sink_kafka *s, const struct sink_kafka_msg *m)
{
	uint64_t pos;
	int rc;

	sink_kafka_spool_spill(s);
	rc = append_msg(s, m, 0, &pos);
	if (rc)
		return rc;
	s->sp.key_waiting[msg_slot(m)]++;
	s->sp.pending++;
	s->sp.spooled++;
	return 0;
}

static int producer_ready(const struct sink_kafka *s)
{
	return s->rk && !s->fatal;
}

/* Produce m without waiting; m->spool_pos: it was read from the spool. */
static int produce(struct sink_kafka *s, struct sink_kafka_msg *m)
{
	if (sink_kafka_msg_produce(s, m))
		return -EAGAIN;
	if (m->spool_pos) {
		spool_consume(s->sp.spool, m->spool_pos);
		s->sp.inflight_spooled++;
	}
	sink_kafka_inflight_add(s, m);
	if (!m->spool_pos && !s->sp.spill_from)
		s->sp.spill_from = m;
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
		rc = append_waiting(s, m);
	free(m);
	if (!rc)
		s->sp.drop_records++;
	return rc;
}

/* A flag, not a scan of drop_pending: this is asked once per event. */
static int drops_pending(const struct sink_kafka *s)
{
	return s->sp.drops_waiting;
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
	s->sp.drops_waiting = 0;
	s->sp.full_said = 0;
	return 0;
}

static void count_spool_drop(struct sink_kafka *s, const Ringtap__V1__Event *ev, int rc)
{
	unsigned slot = type_slot(ev->body_case);

	s->c.spool_full_drops++;
	s->sp.drop_pending[slot]++;
	s->sp.drops_waiting = 1;
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
	int rc = 0;

	sink_kafka_spool_drain(s, 64);
	if (drops_pending(s))
		rc = append_pending_drops(s);
	if (rc) {
		count_spool_drop(s, ev, rc);
		free(m);
		return;
	}
	/* Fast path: nothing of its key waits on disk and there is room. */
	m->spool_pos = 0;
	if (!s->sp.key_waiting[msg_slot(m)] && producer_ready(s) && !high_water(s) && !produce(s, m))
		return;
	rc = append_waiting(s, m);
	if (rc == -EMSGSIZE)
		sink_kafka_count_failure(&s->c, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
	else if (rc)
		count_spool_drop(s, ev, rc);
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
	unsigned slot = 0; /* set whenever record_slot succeeds; -O3 cannot see it */
	uint16_t flags;

	if (!s->sp.spool)
		return;
	refill(s);
	for (;;) {
		struct sink_kafka_msg *m;
		if (spool_peek(s->sp.spool, &data, &len, &pos))
			return;
		int rc = record_slot(data, len, &slot, &flags);
		if (!rc && (flags & REC_SPILLED) && pos >= s->sp.run_start) {
			/* Spilled in this run: produced already, its delivery
			 * report settles it. Skipped whatever the budget, so
			 * that read (and the ack) passes it once it is delivered. */
			spool_consume(s->sp.spool, pos);
			continue;
		}
		if (budget-- <= 0 || !producer_ready(s) || !drain_room(s) ||
		    (s->cfg.spool_drain_rate > 0 && s->sp.tokens < 1))
			return;
		if (!rc)
			rc = msg_from_record(data, len, &m);
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
		if (produce(s, m)) {
			free(m);
			return;
		}
		if (s->sp.key_waiting[slot])
			s->sp.key_waiting[slot]--;
		s->sp.drained++;
		s->sp.tokens -= 1;
	}
}

static void on_expired(void *ctx, const void *data, uint32_t len)
{
	struct sink_kafka *s = ctx;
	struct rec_header h;
	unsigned slot;
	uint16_t flags;

	if (!record_slot(data, len, &slot, &flags)) {
		memcpy(&h, data, sizeof(h));
		/* Spilled in this run: in flight or delivered, not expired. */
		if ((flags & REC_SPILLED) && h.wall_ns >= s->sp.run_start_wall_ns)
			return;
		if (s->sp.key_waiting[slot])
			s->sp.key_waiting[slot]--;
	}
	s->c.expired++;
	s->sp.expired_pending++;
	s->sp.drops_waiting = 1;
	s->sp.pending--;
}

/* Everything before the lowest spool position in flight is delivered (or
 * failed and counted), and everything before read that is not in flight.
 * Positions in flight are not in list order (spills and the drain
 * interleave): the lowest is found by a walk, at most every ACK_INTERVAL_MS. */
static void ack(struct sink_kafka *s, int64_t now)
{
	uint64_t low = spool_read_pos(s->sp.spool);

	if (s->sp.inflight_spooled) {
		if (now - s->sp.last_ack_ms < ACK_INTERVAL_MS && s->in_flight > 1024)
			return;
		s->sp.last_ack_ms = now;
		for (const struct sink_kafka_msg *m = s->head; m; m = m->next)
			if (m->spool_pos && m->spool_pos < low)
				low = m->spool_pos;
	}
	spool_ack(s->sp.spool, low);
}

void sink_kafka_spool_tick(struct sink_kafka *s)
{
	int64_t now = mono_ms();

	if (!s->sp.spool)
		return;
	if (drops_pending(s))
		append_pending_drops(s);
	ack(s, now);
	if (s->sp.spill_from && s->c.delivered + s->c.failed == s->sp.last_settled &&
	    now - s->sp.last_settled_ms >= SPILL_AFTER_MS)
		sink_kafka_spool_spill(s); /* nothing confirmed for a while: the broker is away */
	if (s->c.delivered + s->c.failed != s->sp.last_settled || !s->in_flight) {
		s->sp.last_settled = s->c.delivered + s->c.failed;
		s->sp.last_settled_ms = now;
	}
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
	if (m == s->sp.spill_from)
		s->sp.spill_from = m->next; /* it leaves the in-flight list */
	if (!m->spool_pos)
		return;
	if (s->sp.pending)
		s->sp.pending--;
	if (s->sp.inflight_spooled)
		s->sp.inflight_spooled--;
}

void sink_kafka_spool_summary(struct sink_kafka *s, FILE *out)
{
	struct spool_stats st;

	if (!s->sp.spool)
		return;
	spool_stats(s->sp.spool, &st);
	fprintf(out, " drop_records=%" PRIu64 " spooled=%" PRIu64 " drained=%" PRIu64 " pending=%" PRIu64
		" recovered=%" PRIu64 " resent=%" PRIu64 " cut_bytes=%" PRIu64 " spool_bytes=%" PRIu64
		" spilled=%" PRIu64,
		s->sp.drop_records, s->sp.spooled, s->sp.drained, s->sp.pending, st.recovered, st.resend, st.cut_bytes,
		st.bytes, s->sp.spilled);
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
		{ "kafka_spool_spilled", "In-flight messages copied to disk because the broker "
		  "did not confirm them (outage, shutdown).", 0, s->sp.spilled },
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

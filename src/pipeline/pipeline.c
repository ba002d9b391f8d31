#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>
#include "pipeline/pipeline.h"
#include "policy/policy_match.h"
#include "enrich/process_entity.h"

int pipeline_init(struct pipeline *p, struct event_sink **sinks, size_t n, const char *node)
{
	int rc;

	memset(p, 0, sizeof(*p));
	if (n > PIPELINE_MAX_SINKS)
		return -E2BIG;
	memcpy(p->sinks, sinks, n * sizeof(*sinks));
	p->n_sinks = n;
	if (dns_join_init(&p->dns_join, DNS_JOIN_TIMEOUT_NS))
		return -ENOMEM;
	rc = enrich_host_init(&p->host, node);
	return rc ? rc : process_lineage_init(&p->lineage, 0);
}

void pipeline_fini(struct pipeline *p)
{
	p->n_sinks = 0;
	process_lineage_fini(&p->lineage);
	dns_join_fini(&p->dns_join);
}

/* A live DNS message: a query is remembered, a response gets its query's
 * time. Keyed by the socket, the message id and the far end's port (a
 * server's socket sees many clients). A malformed message's id is not
 * trusted. Replayed events keep the query_ts_ns they were recorded with. */
static void join_dns(struct dns_join *j, Ringtap__V1__Dns *m, uint64_t ts_ns)
{
	bool egress = !strcmp(m->direction, "egress");
	const Ringtap__V1__Endpoint *far = egress != m->response ? m->server : m->client;

	if (m->malformed || !far)
		return;
	if (m->response)
		m->query_ts_ns = dns_join_response(j, m->socket_cookie, m->id, far->port, ts_ns);
	else
		dns_join_query(j, m->socket_cookie, m->id, far->port, ts_ns);
}

static void emit_all(struct pipeline *p, const Ringtap__V1__Event *ev)
{
	for (size_t i = 0; i < p->n_sinks; i++)
		if (sink_emit(p->sinks[i], ev))
			p->sink_errors[i]++;
	p->events++;
	unsigned type = policy_event_type(ev);
	p->per_type[type ? type : RT_EVENT_MAX]++; /* 0: a drop record */
}

int pipeline_on_item(void *ctx, const struct source_item *item)
{
	struct pipeline *p = ctx;

	if (item->event) {
		if (p->policy && !policy_keep(p->policy, item->event, &p->policy_filtered))
			return 0;
		emit_all(p, item->event);
		return 0;
	}
	if (decode_record(item->raw, item->raw_len, &p->scratch)) {
		p->decode_errors++;
		return 0; /* one bad record must not stop the sensor; it is counted */
	}
	if (p->scratch.ev.body_case == RINGTAP__V1__EVENT__BODY_DNS)
		join_dns(&p->dns_join, p->scratch.ev.dns, p->scratch.hdr.ts_ns);
	enrich_header(&p->host, &p->scratch.hdr);
	process_entity_fill(&p->scratch.hdr, p->scratch.entity_id, p->scratch.parent_entity_id);
	process_lineage_apply(&p->lineage, &p->scratch.ev);
	const struct pod_identity *pod;
	if (p->pods && pod_resolver_lookup(p->pods, p->scratch.hdr.cgroup_id, &pod) == 0)
		pod_identity_fill_header(pod, &p->scratch.hdr, &p->scratch_pod);
	emit_all(p, &p->scratch.ev);
	return 0;
}

int pipeline_report_drops(struct pipeline *p, const struct source_type_stats *now)
{
	for (unsigned t = 1; t < RT_EVENT_MAX; t++) {
		struct source_type_stats *last = &p->reported[t];
		if (now[t].dropped == last->dropped && now[t].truncated == last->truncated)
			continue;

		Ringtap__V1__Event ev = RINGTAP__V1__EVENT__INIT;
		Ringtap__V1__Header hdr = RINGTAP__V1__HEADER__INIT;
		Ringtap__V1__Drop drop = RINGTAP__V1__DROP__INIT;

		hdr.ts_ns = enrich_boot_now_ns();
		/* Host pid, like every kernel header (getpid() is the pod's numbering). */
		hdr.pid = hdr.tid = p->self_pid ? p->self_pid : (uint32_t)getpid();
		hdr.comm = "ringtap";
		hdr.abi_version = RT_ABI_VERSION;
		enrich_header(&p->host, &hdr);
		drop.event_type = (char *)event_type_name(t);
		drop.dropped = now[t].dropped - last->dropped;
		drop.truncated = now[t].truncated - last->truncated;
		drop.dropped_total = now[t].dropped;
		drop.truncated_total = now[t].truncated;
		ev.header = &hdr;
		ev.body_case = RINGTAP__V1__EVENT__BODY_DROP;
		ev.drop = &drop;
		emit_all(p, &ev);
		*last = now[t];
	}
	return 0;
}

uint64_t pipeline_sink_errors(const struct pipeline *p)
{
	uint64_t n = 0;

	for (size_t i = 0; i < p->n_sinks; i++)
		n += p->sink_errors[i];
	return n;
}

void pipeline_poll_sinks(struct pipeline *p)
{
	for (size_t i = 0; i < p->n_sinks; i++)
		if (p->sinks[i]->ops->poll)
			p->sinks[i]->ops->poll(p->sinks[i]);
}

int pipeline_flush(struct pipeline *p, int timeout_ms)
{
	int first = 0;

	for (size_t i = 0; i < p->n_sinks; i++) {
		int rc = sink_flush(p->sinks[i], timeout_ms);
		if (rc && !first)
			first = rc;
	}
	return first;
}

/* " (open/path_exclude 1000, exec/comm 2)" for the non-zero cells. */
static void print_filtered_by(const struct policy_counters *c, FILE *out)
{
	const char *sep = " (";

	for (unsigned t = 1; t < RT_EVENT_MAX; t++) {
		for (unsigned r = 0; r < RT_POLICY_RULE_MAX; r++) {
			if (!c->filtered[t][r])
				continue;
			fprintf(out, "%s%s/%s %" PRIu64, sep, event_type_name(t), policy_rule_name(r),
				c->filtered[t][r]);
			sep = ", ";
		}
	}
	if (sep[0] == ',')
		fputc(')', out);
}

void pipeline_summary(const struct pipeline *p, const struct source_type_stats *kernel, FILE *out)
{
	uint64_t dropped = 0, truncated = 0, filtered = 0, unsupported = 0;

	fprintf(out, "ringtap: %" PRIu64 " events (", p->events);
	for (unsigned t = 1; t < RT_EVENT_MAX; t++)
		if (strcmp(event_type_name(t), "unknown")) /* skip numbers no type has */
			fprintf(out, "%s%s %" PRIu64, t > 1 ? ", " : "", event_type_name(t), p->per_type[t]);
	fprintf(out, ", drop-records %" PRIu64 ")", p->per_type[RT_EVENT_MAX]);
	if (kernel) {
		for (unsigned t = 1; t < RT_EVENT_MAX; t++) {
			dropped += kernel[t].dropped;
			truncated += kernel[t].truncated;
			filtered += kernel[t].filtered;
		}
		for (unsigned t = 0; t < RT_EVENT_MAX; t++)
			unsupported += kernel[t].unsupported;
		fprintf(out, "; kernel: %" PRIu64 " dropped, %" PRIu64 " truncated, %" PRIu64 " filtered",
			dropped, truncated, filtered);
		if (unsupported) /* e.g. 32-bit syscalls on arm64 */
			fprintf(out, ", %" PRIu64 " syscalls not decoded", unsupported);
		struct policy_counters by;
		for (unsigned t = 0; t < RT_EVENT_MAX; t++)
			memcpy(by.filtered[t], kernel[t].filtered_by, sizeof(by.filtered[t]));
		print_filtered_by(&by, out);
	}
	if (p->policy) {
		filtered = 0;
		for (unsigned t = 1; t < RT_EVENT_MAX; t++)
			for (unsigned r = 0; r < RT_POLICY_RULE_MAX; r++)
				filtered += p->policy_filtered.filtered[t][r];
		fprintf(out, "; policy: %" PRIu64 " filtered", filtered);
		print_filtered_by(&p->policy_filtered, out);
	}
	if (p->decode_errors)
		fprintf(out, "; %" PRIu64 " undecodable records", p->decode_errors);
	for (size_t i = 0; i < p->n_sinks; i++) {
		fprintf(out, "; ");
		if (p->sinks[i]->ops->summary)
			p->sinks[i]->ops->summary(p->sinks[i], out);
		else
			fprintf(out, "%s", p->sinks[i]->ops->name);
		if (p->sink_errors[i])
			fprintf(out, " (%" PRIu64 " emit errors)", p->sink_errors[i]);
	}
	fputc('\n', out);
}

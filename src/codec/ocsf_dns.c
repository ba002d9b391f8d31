/* DNS Activity (4003): a query message is Query (1), a response Response
 * (2). query is the first question {hostname, type, class, opcode,
 * packet_uid = the message id}, answers [{rdata, type, class, ttl,
 * packet_uid}], rcode/rcode_id for responses; src_endpoint is the sender of
 * the message, dst_endpoint its receiver. A message the parser refused is
 * Unknown (0: query or response is not known), with no query and a message
 * saying why. Further questions, answer names,
 * answers_omitted, the socket cookie are under unmapped.dns. */
#include <stdio.h>
#include <string.h>
#include "codec/ocsf_map.h"

enum { UNKNOWN = 0, QUERY = 1, RESPONSE = 2, CODE_OTHER = 99 };

static struct ocsf_activity dns_activity(const Ringtap__V1__Event *ev)
{
	if (ev->dns->malformed)
		return (struct ocsf_activity){ UNKNOWN, "Unknown" };
	if (ev->dns->response)
		return (struct ocsf_activity){ RESPONSE, "Response" };
	return (struct ocsf_activity){ QUERY, "Query" };
}

struct dns_code {
	const char *wire; /* ldns's name, as ringtap writes it */
	int id;
	const char *caption; /* OCSF's */
};

/* OCSF's rcode_id / opcode_id enums (RFC 6895 numbers) by ringtap's names. */
static const struct dns_code rcodes[] = {
	{ "NOERROR", 0, "NoError" },   { "FORMERR", 1, "FormError" }, { "SERVFAIL", 2, "ServError" },
	{ "NXDOMAIN", 3, "NXDomain" }, { "NOTIMPL", 4, "NotImp" },    { "NOTIMP", 4, "NotImp" },
	{ "REFUSED", 5, "Refused" },   { "YXDOMAIN", 6, "YXDomain" }, { "YXRRSET", 7, "YXRRSet" },
	{ "NXRRSET", 8, "NXRRSet" },   { "NOTAUTH", 9, "NotAuth" },   { "NOTZONE", 10, "NotZone" },
};
static const struct dns_code opcodes[] = {
	{ "QUERY", 0, "Query" },   { "IQUERY", 1, "Inverse Query" }, { "STATUS", 2, "Status" },
	{ "NOTIFY", 4, "Notify" }, { "UPDATE", 5, "Update" },         { "DSO", 6, "DSO Message" },
};

/* key_id and key from the table; a name it does not know is Other (99)
 * with the name as ringtap has it. */
static void put_code(struct ocsf_writer *w, const char *key_id, const char *key,
		     const struct dns_code *codes, size_t n, const char *wire)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(wire, codes[i].wire)) {
			ow_int(w, key_id, codes[i].id);
			ow_str(w, key, codes[i].caption);
			return;
		}
	ow_int(w, key_id, CODE_OTHER);
	ow_str(w, key, wire);
}

static void put_query(struct ocsf_writer *w, const Ringtap__V1__Dns *d)
{
	const Ringtap__V1__DnsQuestion *q = d->questions[0];

	ow_begin(w, "query");
	ow_str(w, "hostname", q->name ? q->name : "");
	ow_str_nonempty(w, "type", q->type);
	ow_str_nonempty(w, "class", q->class_);
	if (d->opcode && *d->opcode)
		put_code(w, "opcode_id", "opcode", opcodes, sizeof(opcodes) / sizeof(opcodes[0]),
			 d->opcode);
	ow_uint(w, "packet_uid", d->id);
	ow_end(w);
}

static void put_answers(struct ocsf_writer *w, const Ringtap__V1__Dns *d)
{
	ow_array(w, "answers");
	for (size_t i = 0; i < d->n_answers; i++) {
		const Ringtap__V1__DnsAnswer *a = d->answers[i];

		ow_begin(w, NULL);
		ow_str(w, "rdata", a->data ? a->data : "");
		ow_str_nonempty(w, "type", a->type);
		ow_str_nonempty(w, "class", a->class_);
		ow_uint(w, "ttl", a->ttl);
		ow_uint(w, "packet_uid", d->id);
		ow_end(w);
	}
	ow_array_end(w);
}

static void dns_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Dns *d = ev->dns;
	const Ringtap__V1__Header *h = ev->header;
	int egress = d->direction && !strcmp(d->direction, "egress");
	char msg[300];

	ocsf_put_endpoint(w, "src_endpoint", d->response ? d->server : d->client);
	ocsf_put_endpoint(w, "dst_endpoint", d->response ? d->client : d->server);
	ocsf_put_connection(w, h, d->family, d->protocol,
			    egress ? OCSF_DIRECTION_OUTBOUND : OCSF_DIRECTION_INBOUND);
	if (d->n_questions)
		put_query(w, d);
	if (d->response) {
		if (d->n_answers)
			put_answers(w, d);
		if (d->rcode && *d->rcode)
			put_code(w, "rcode_id", "rcode", rcodes, sizeof(rcodes) / sizeof(rcodes[0]),
				 d->rcode);
		if (d->query_ts_ns)
			ow_int(w, "query_time", ocsf_wall_ms(h, d->query_ts_ns));
		ow_int(w, "response_time", ocsf_wall_ms(h, h->ts_ns));
	} else if (!d->malformed) {
		ow_int(w, "query_time", ocsf_wall_ms(h, h->ts_ns));
	}
	ow_begin(w, "traffic");
	ow_uint(w, egress ? "bytes_out" : "bytes_in", d->length);
	ow_uint(w, "bytes", d->length);
	ow_end(w);
	if (d->malformed) {
		snprintf(msg, sizeof(msg), "malformed DNS message: %s", d->error ? d->error : "");
		ow_str(w, "message", msg);
	}
}

const struct ocsf_class_map ocsf_dns_map[] = {
	{ RINGTAP__V1__EVENT__BODY_DNS, OCSF_CLASS_DNS_ACTIVITY, "DNS Activity",
	  OCSF_CATEGORY_NETWORK, "Network Activity", dns_activity, NULL, NULL, dns_fields },
	{ 0 },
};

/* DNS wire format -> struct dns_parsed, through ldns (ldns_wire2pkt). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include "codec/dns_parse.h"

/* Copy an ldns-allocated string into dst (cut to dstlen) and free it. */
static int take_str(char *dst, size_t dstlen, char *s)
{
	if (!s)
		return -ENOMEM;
	snprintf(dst, dstlen, "%s", s);
	free(s);
	return 0;
}

/* An RR's rdata in presentation form: its fields, space-separated. */
static int rr_data(const ldns_rr *rr, char *dst, size_t dstlen)
{
	size_t off = 0;

	dst[0] = '\0';
	for (size_t i = 0; i < ldns_rr_rd_count(rr) && off + 1 < dstlen; i++) {
		char *s = ldns_rdf2str(ldns_rr_rdf(rr, i));
		int n;

		if (!s)
			return -ENOMEM;
		n = snprintf(dst + off, dstlen - off, "%s%s", i ? " " : "", s);
		free(s);
		off += n < 0 ? 0 : (size_t)n;
	}
	return 0;
}

static int rr_fill(const ldns_rr *rr, bool question, struct dns_parsed_rr *out)
{
	int rc;

	if ((rc = take_str(out->name, sizeof(out->name), ldns_rdf2str(ldns_rr_owner(rr)))) ||
	    (rc = take_str(out->type, sizeof(out->type), ldns_rr_type2str(ldns_rr_get_type(rr)))) ||
	    (rc = take_str(out->rclass, sizeof(out->rclass), ldns_rr_class2str(ldns_rr_get_class(rr)))))
		return rc;
	if (question)
		return 0;
	out->ttl = ldns_rr_ttl(rr);
	return rr_data(rr, out->data, sizeof(out->data));
}

static int fill(const ldns_pkt *pkt, struct dns_parsed *out)
{
	const ldns_rr_list *qs = ldns_pkt_question(pkt), *as = ldns_pkt_answer(pkt);
	size_t nq = qs ? ldns_rr_list_rr_count(qs) : 0, na = as ? ldns_rr_list_rr_count(as) : 0;
	int rc;

	out->id = ldns_pkt_id(pkt);
	out->response = ldns_pkt_qr(pkt);
	out->truncated |= ldns_pkt_tc(pkt);
	if ((rc = take_str(out->opcode, sizeof(out->opcode), ldns_pkt_opcode2str(ldns_pkt_get_opcode(pkt)))) ||
	    (rc = take_str(out->rcode, sizeof(out->rcode), ldns_pkt_rcode2str(ldns_pkt_get_rcode(pkt)))))
		return rc;
	for (size_t i = 0; i < nq && out->n_questions < DNS_PARSE_QUESTIONS; i++)
		if ((rc = rr_fill(ldns_rr_list_rr(qs, i), true, &out->questions[out->n_questions++])))
			return rc;
	for (size_t i = 0; i < na; i++) {
		if (out->n_answers == DNS_PARSE_ANSWERS) {
			out->answers_omitted = na - i;
			break;
		}
		if ((rc = rr_fill(ldns_rr_list_rr(as, i), false, &out->answers[out->n_answers++])))
			return rc;
	}
	return 0;
}

int dns_parse(const uint8_t *msg, size_t len, size_t wire_len, bool tcp, struct dns_parsed *out)
{
	bool cut = wire_len > len;
	ldns_pkt *pkt = NULL;
	ldns_status st;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->length = cut ? wire_len : len;
	if (tcp) {
		if (len < 2) {
			out->malformed = out->truncated = true;
			snprintf(out->error, sizeof(out->error), "TCP segment shorter than the length prefix");
			return 0;
		}
		out->length = (uint32_t)msg[0] << 8 | msg[1];
		msg += 2;
		len -= 2;
		if (out->length > len)
			cut = true;
		else
			len = out->length; /* a second message in the segment is not read */
	}
	out->truncated = cut;
	st = ldns_wire2pkt(&pkt, msg, len);
	if (st != LDNS_STATUS_OK) {
		out->malformed = true;
		const char *why = ldns_get_errorstr_by_id(st);

		snprintf(out->error, sizeof(out->error), "%s%s", why ? why : "unparseable message",
			 cut ? " (the captured copy was cut)" : "");
		goto cleanup;
	}
	rc = fill(pkt, out);
cleanup:
	ldns_pkt_free(pkt);
	return rc;
}

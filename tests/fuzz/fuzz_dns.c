/* libFuzzer target: the DNS parse path (src/codec/dns_parse.c over ldns),
 * captured DNS payloads as bpf/net_dns.h copies them. Built and run by
 * test_dns_fuzz.sh (clang, ASan + UBSan).
 *
 * The first input byte is a mode: bit 0 = TCP (the payload starts with the
 * 2-byte length prefix), bit 1 = the capture was cut (the wire length is
 * larger than the bytes given). Beyond "no crash, no UB, no hang" it checks
 * what the decoder relies on: counts within their arrays, every string
 * NUL-terminated inside its buffer and valid UTF-8, a malformed message
 * with a reason and no answers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/dns_parse.h"
#include "codec/utf8.h"

static struct dns_parsed p;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz invariant broken: %s\n", what);
		abort();
	}
}

static void check_str(const char *s, size_t size, const char *what)
{
	check(memchr(s, '\0', size) != NULL, what);
	check(utf8_valid(s), what);
}

static void check_rr(const struct dns_parsed_rr *rr)
{
	check_str(rr->name, sizeof(rr->name), "rr name");
	check_str(rr->type, sizeof(rr->type), "rr type");
	check_str(rr->rclass, sizeof(rr->rclass), "rr class");
	check_str(rr->data, sizeof(rr->data), "rr data");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned mode;

	if (size < 1)
		return 0;
	mode = data[0];
	data++, size--;
	if (dns_parse(data, size, (mode & 2) ? size + 100 : size, mode & 1, &p))
		return 0; /* -ENOMEM */
	check(p.n_questions <= DNS_PARSE_QUESTIONS, "question count");
	check(p.n_answers <= DNS_PARSE_ANSWERS, "answer count");
	check_str(p.error, sizeof(p.error), "error");
	check_str(p.opcode, sizeof(p.opcode), "opcode");
	check_str(p.rcode, sizeof(p.rcode), "rcode");
	if (p.malformed)
		check(p.error[0] && p.n_answers == 0 && p.n_questions == 0, "malformed: a reason, nothing parsed");
	if (mode & 2)
		check(p.truncated, "a cut capture is flagged");
	for (size_t i = 0; i < p.n_questions; i++)
		check_rr(&p.questions[i]);
	for (size_t i = 0; i < p.n_answers; i++)
		check_rr(&p.answers[i]);
	return 0;
}

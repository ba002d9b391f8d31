/* A captured DNS message (bpf/net_dns.h) -> names, types, answers, with
 * ldns doing the parsing (compression pointers bounded by ldns:
 * LDNS_MAX_POINTERS). Everything lands in a caller-owned fixed struct:
 * strings are cut to their buffers (and *_cut says so), never overrun. */
#ifndef RINGTAP_DNS_PARSE_H
#define RINGTAP_DNS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_PARSE_QUESTIONS 4
#define DNS_PARSE_ANSWERS 16
#define DNS_PARSE_NAME 1024 /* presentation form: 255 bytes, each up to \DDD */
#define DNS_PARSE_DATA 512
#define DNS_PARSE_WORD 24   /* type, class, opcode, rcode mnemonics */

struct dns_parsed_rr {
	char name[DNS_PARSE_NAME];
	char type[DNS_PARSE_WORD];
	char rclass[DNS_PARSE_WORD];
	uint32_t ttl;
	char data[DNS_PARSE_DATA];
};

struct dns_parsed {
	bool malformed;	 /* ldns refused the message; error says why */
	bool truncated;	 /* TC bit, or (TCP) the length prefix says more than arrived */
	char error[96];
	uint16_t id;
	bool response;
	char opcode[DNS_PARSE_WORD];
	char rcode[DNS_PARSE_WORD];
	uint32_t length; /* the DNS message's length (TCP: from the prefix) */
	size_t n_questions, n_answers;
	uint32_t answers_omitted;
	struct dns_parsed_rr questions[DNS_PARSE_QUESTIONS];
	struct dns_parsed_rr answers[DNS_PARSE_ANSWERS];
};

/* Parse len captured bytes at msg, of a payload wire_len long (more than
 * len: the capture was cut); tcp: the bytes start with DNS-over-TCP's
 * 2-byte length prefix.
 * Always fills out (a message that cannot be parsed is malformed, with the
 * reason); 0, or -ENOMEM when ldns could not allocate. */
int dns_parse(const uint8_t *msg, size_t len, size_t wire_len, bool tcp, struct dns_parsed *out);

#endif

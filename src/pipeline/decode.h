/* Raw kernel record (bpf/ringtap_abi.h) -> ringtap.v1.Event, without heap
 * allocation: everything lives in a caller-owned struct decoded_event that is
 * reused for each record.
 */
#ifndef RINGTAP_DECODE_H
#define RINGTAP_DECODE_H

#include <stddef.h>
#include <netinet/in.h>
#include "ringtap_abi.h"
#include "ringtap/v1/event.pb-c.h"
#include "codec/dns_parse.h"
#include "codec/community_id.h"

struct decoded_event {
	Ringtap__V1__Event ev;
	Ringtap__V1__Header hdr;
	union {
		Ringtap__V1__Exec exec;
		Ringtap__V1__Exit exit;
		Ringtap__V1__Fork fork;
		Ringtap__V1__Open open;
		Ringtap__V1__Connect connect;
		Ringtap__V1__Accept accept;
		Ringtap__V1__Unlink unlink;
		Ringtap__V1__Rename rename;
		Ringtap__V1__Chmod chmod;
		Ringtap__V1__Chown chown;
		Ringtap__V1__Link link;
		Ringtap__V1__Mknod mknod;
		Ringtap__V1__Dns dns;
		Ringtap__V1__TcpEstablished tcp_established;
		Ringtap__V1__TcpClose tcp_close;
		Ringtap__V1__Cred cred;
		Ringtap__V1__Ptrace ptrace;
		Ringtap__V1__Memfd memfd;
		Ringtap__V1__Module module;
		Ringtap__V1__Mount mount;
		Ringtap__V1__Namespace namespace_;
		Ringtap__V1__Dup dup;
		Ringtap__V1__Signal signal;
		Ringtap__V1__Bpf bpf;
		Ringtap__V1__IoUring io_uring;
		Ringtap__V1__Bind bind;
		Ringtap__V1__Listen listen;
		Ringtap__V1__Socket socket;
		Ringtap__V1__UnixSocket unix_socket;
	} body;
	/* dns: the parsed message and the proto views of it */
	struct dns_parsed dns;
	Ringtap__V1__DnsQuestion dns_q[DNS_PARSE_QUESTIONS];
	Ringtap__V1__DnsQuestion *dns_qp[DNS_PARSE_QUESTIONS];
	Ringtap__V1__DnsAnswer dns_a[DNS_PARSE_ANSWERS];
	Ringtap__V1__DnsAnswer *dns_ap[DNS_PARSE_ANSWERS];
	int32_t requested[3];	     /* Cred.requested */
	char path3[3 * RT_PATH_MAX + 1]; /* a third string (mount's fstype) */
	char name[3 * RT_MODULE_NAME_LEN + 1]; /* bpf name, module name (the longer) */
	char entity_id[17];	     /* 16 hex digits */
	char parent_entity_id[17];
	Ringtap__V1__Endpoint ep[2];
	/* Text is stored as UTF-8: an invalid byte becomes U+FFFD (3 bytes). */
	char comm[3 * RT_COMM_LEN + 1];
	char path[3 * RT_PATH_MAX + 1];
	char path2[3 * RT_PATH_MAX + 1]; /* a second path (rename, link, exec's cwd) */
	char path4[3 * RT_PATH_MAX + 1]; /* mount's fsconfig key */
	char path5[3 * RT_PATH_MAX + 1]; /* mount's fsconfig value */
	char argv_buf[3 * RT_ARGV_MAX + RT_ARGV_MAX + 1];
	char *argv[RT_ARGV_MAX + 1]; /* an empty argument takes one byte */
	char addr[2][INET6_ADDRSTRLEN];
	char community_id[COMMUNITY_ID_LEN];
};

/* Decode one record. -EBADMSG for a record that is too short, whose size
 * field disagrees with len, whose lengths overrun it, or of unknown type;
 * -EPROTO for another ABI version. On success out->ev is ready to use. */
int decode_record(const void *raw, size_t len, struct decoded_event *out);

/* Name of an event type ("exec", "open", ...) or "unknown". */
const char *event_type_name(unsigned type);

#endif

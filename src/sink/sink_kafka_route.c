/* Where an event goes in Kafka: topic, key, headers, encoded value. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "codec/ocsf.h"
#include "sink/sink_kafka_instance.h"

#define CE_SPECVERSION "1.0"
#define CE_DATASCHEMA "urn:ringtap:proto:ringtap.v1.Event"
#define CE_DATASCHEMA_OCSF "https://schema.ocsf.io/1.8.0/"

enum sink_kafka_class sink_kafka_route_class(const Ringtap__V1__Event *ev)
{
	switch (ev->body_case) {
	case RINGTAP__V1__EVENT__BODY_EXEC:
	case RINGTAP__V1__EVENT__BODY_EXIT:
	case RINGTAP__V1__EVENT__BODY_FORK:
	/* what a process did to itself, another process or the system */
	case RINGTAP__V1__EVENT__BODY_CRED:
	case RINGTAP__V1__EVENT__BODY_PTRACE:
	case RINGTAP__V1__EVENT__BODY_MODULE:
	case RINGTAP__V1__EVENT__BODY_MOUNT:
	case RINGTAP__V1__EVENT__BODY_NAMESPACE:
	case RINGTAP__V1__EVENT__BODY_DUP:
	case RINGTAP__V1__EVENT__BODY_SIGNAL:
	case RINGTAP__V1__EVENT__BODY_BPF:
	case RINGTAP__V1__EVENT__BODY_IO_URING:
		return SINK_KAFKA_PROCESS;
	case RINGTAP__V1__EVENT__BODY_OPEN:
	case RINGTAP__V1__EVENT__BODY_UNLINK:
	case RINGTAP__V1__EVENT__BODY_RENAME:
	case RINGTAP__V1__EVENT__BODY_CHMOD:
	case RINGTAP__V1__EVENT__BODY_CHOWN:
	case RINGTAP__V1__EVENT__BODY_LINK:
	case RINGTAP__V1__EVENT__BODY_MKNOD:
	case RINGTAP__V1__EVENT__BODY_MEMFD:
		return SINK_KAFKA_FILE;
	case RINGTAP__V1__EVENT__BODY_CONNECT:
	case RINGTAP__V1__EVENT__BODY_ACCEPT:
	case RINGTAP__V1__EVENT__BODY_DNS:
	case RINGTAP__V1__EVENT__BODY_TCP_ESTABLISHED:
	case RINGTAP__V1__EVENT__BODY_TCP_CLOSE:
	case RINGTAP__V1__EVENT__BODY_BIND:
	case RINGTAP__V1__EVENT__BODY_LISTEN:
	case RINGTAP__V1__EVENT__BODY_SOCKET:
	case RINGTAP__V1__EVENT__BODY_UNIX_SOCKET:
		return SINK_KAFKA_NETWORK;
	default:
		/* drop records, and anything newer than this sink */
		return SINK_KAFKA_SENSOR;
	}
}

const char *sink_kafka_route_ce_type(const Ringtap__V1__Event *ev)
{
	switch (ev->body_case) {
	case RINGTAP__V1__EVENT__BODY_EXEC: return "ringtap.v1.exec";
	case RINGTAP__V1__EVENT__BODY_EXIT: return "ringtap.v1.exit";
	case RINGTAP__V1__EVENT__BODY_FORK: return "ringtap.v1.fork";
	case RINGTAP__V1__EVENT__BODY_OPEN: return "ringtap.v1.open";
	case RINGTAP__V1__EVENT__BODY_CONNECT: return "ringtap.v1.connect";
	case RINGTAP__V1__EVENT__BODY_ACCEPT: return "ringtap.v1.accept";
	case RINGTAP__V1__EVENT__BODY_UNLINK: return "ringtap.v1.unlink";
	case RINGTAP__V1__EVENT__BODY_RENAME: return "ringtap.v1.rename";
	case RINGTAP__V1__EVENT__BODY_CHMOD: return "ringtap.v1.chmod";
	case RINGTAP__V1__EVENT__BODY_CHOWN: return "ringtap.v1.chown";
	case RINGTAP__V1__EVENT__BODY_LINK: return "ringtap.v1.link";
	case RINGTAP__V1__EVENT__BODY_MKNOD: return "ringtap.v1.mknod";
	case RINGTAP__V1__EVENT__BODY_CRED: return "ringtap.v1.cred";
	case RINGTAP__V1__EVENT__BODY_PTRACE: return "ringtap.v1.ptrace";
	case RINGTAP__V1__EVENT__BODY_MEMFD: return "ringtap.v1.memfd";
	case RINGTAP__V1__EVENT__BODY_MODULE: return "ringtap.v1.module";
	case RINGTAP__V1__EVENT__BODY_MOUNT: return "ringtap.v1.mount";
	case RINGTAP__V1__EVENT__BODY_NAMESPACE: return "ringtap.v1.namespace";
	case RINGTAP__V1__EVENT__BODY_DUP: return "ringtap.v1.dup";
	case RINGTAP__V1__EVENT__BODY_SIGNAL: return "ringtap.v1.signal";
	case RINGTAP__V1__EVENT__BODY_BPF: return "ringtap.v1.bpf";
	case RINGTAP__V1__EVENT__BODY_IO_URING: return "ringtap.v1.io_uring";
	case RINGTAP__V1__EVENT__BODY_DROP: return "ringtap.v1.drop";
	case RINGTAP__V1__EVENT__BODY_DNS: return "ringtap.v1.dns";
	case RINGTAP__V1__EVENT__BODY_TCP_ESTABLISHED: return "ringtap.v1.tcp_established";
	case RINGTAP__V1__EVENT__BODY_TCP_CLOSE: return "ringtap.v1.tcp_close";
	case RINGTAP__V1__EVENT__BODY_BIND: return "ringtap.v1.bind";
	case RINGTAP__V1__EVENT__BODY_LISTEN: return "ringtap.v1.listen";
	case RINGTAP__V1__EVENT__BODY_SOCKET: return "ringtap.v1.socket";
	case RINGTAP__V1__EVENT__BODY_UNIX_SOCKET: return "ringtap.v1.unix_socket";
	default: return "ringtap.v1.event";
	}
}

const char *sink_kafka_route_node(const struct sink_kafka *s, const Ringtap__V1__Event *ev)
{
	if (s->cfg.node && *s->cfg.node)
		return s->cfg.node;
	if (ev->header && ev->header->node && *ev->header->node)
		return ev->header->node;
	return s->default_node;
}

static const char *pod_uid(const Ringtap__V1__Event *ev)
{
	if (ev->header && ev->header->pod && ev->header->pod->uid && *ev->header->pod->uid)
		return ev->header->pod->uid;
	return NULL;
}

/* Size of the encoded value (with its schema-registry frame), or -errno;
 * json is encoded into s->json here. */
static int64_t value_size(struct sink_kafka *s, const Ringtap__V1__Event *ev, size_t frame_len)
{
	if (s->encoding == SINK_KAFKA_PROTOBUF)
		return (int64_t)(frame_len + ringtap__v1__event__get_packed_size(ev));
	strbuf_reset(&s->json);
	int rc = s->encoding == SINK_KAFKA_OCSF ? ocsf_encode_event(ev, &s->json)
						: json_encode_event(ev, &s->json);
	return rc ? rc : (int64_t)s->json.len;
}

/* "%016" PRIx64 "-%" PRIu64 of instance and seq into id (>= 38 bytes), by
 * hand: snprintf's machinery was ~3% of the live Kafka path's CPU. Returns
 * the length (no NUL written). */
static size_t format_ce_id(char *id, uint64_t instance, uint64_t seq)
{
	char dec[20];
	size_t n = 0;

	for (int i = 15; i >= 0; i--, instance >>= 4)
		id[i] = "0123456789abcdef"[instance & 0xf];
	id[16] = '-';
	do {
		dec[n++] = (char)('0' + seq % 10);
		seq /= 10;
	} while (seq);
	for (size_t i = 0; i < n; i++)
		id[17 + i] = dec[n - 1 - i];
	return 17 + n;
}

int sink_kafka_msg_build(struct sink_kafka *s, const Ringtap__V1__Event *ev,
			 struct sink_kafka_msg **out)
{
	const char *node = sink_kafka_route_node(s, ev);
	const char *uid = pod_uid(ev);
	char id[48];
	size_t node_len = strlen(node), key_len = 0, id_len;
	struct sink_kafka_msg *m;
	enum sink_kafka_class cls;
	size_t frame_len;
	int64_t vlen;

	*out = NULL;
	if (node_len > UINT16_MAX)
		return -ENAMETOOLONG;
	cls = sink_kafka_route_class(ev);
	/* Framed here, before the spool or the producer sees the value. */
	frame_len = s->reg.enabled ? s->reg.frame_len[cls] : 0;
	vlen = value_size(s, ev, frame_len);
	if (vlen < 0)
		return (int)vlen;
	if (vlen > UINT32_MAX)
		return -EMSGSIZE;
	/* Same event re-sent after a producer restart keeps its ce_id, so a
	 * consumer can drop the duplicate. */
	id_len = format_ce_id(id, s->instance, ++s->seq);
	if (s->key_mode == SINK_KAFKA_KEY_AUTO && uid)
		key_len = strlen(uid);
	else if (s->key_mode != SINK_KAFKA_KEY_NONE)
		key_len = strlen("node/") + node_len;
	m = malloc(sizeof(*m) + key_len + (size_t)vlen + node_len + id_len);
	if (!m)
		return -ENOMEM;
	m->prev = m->next = NULL;
	m->spool_pos = 0;
	m->cls = cls;
	m->ce_type = sink_kafka_route_ce_type(ev);
	m->key_len = (uint32_t)key_len;
	m->value_len = (uint32_t)vlen;
	m->source_len = (uint16_t)node_len;
	m->id_len = (uint16_t)id_len;
	if (s->key_mode == SINK_KAFKA_KEY_AUTO && uid) {
		memcpy(m->data, uid, key_len);
	} else if (key_len) {
		memcpy(m->data, "node/", 5);
		memcpy(m->data + 5, node, node_len);
	}
	if (s->encoding == SINK_KAFKA_PROTOBUF) {
		memcpy(m->data + key_len, s->reg.frame[cls], frame_len);
		ringtap__v1__event__pack(ev, (uint8_t *)m->data + key_len + frame_len);
	} else {
		memcpy(m->data + key_len, s->json.buf, (size_t)vlen);
	}
	memcpy((char *)sink_kafka_msg_source(m), node, node_len);
	memcpy((char *)sink_kafka_msg_id(m), id, id_len);
	*out = m;
	return 0;
}

/* Names (and static values) with their lengths: -1 would make librdkafka
 * strlen each of them per event. */
#define HEADER_ADD(h, name, value, value_len) \
	rd_kafka_header_add(h, name, sizeof(name) - 1, value, value_len)
#define HEADER_ADD_LITERAL(h, name, value) HEADER_ADD(h, name, value, (ssize_t)(sizeof(value) - 1))

static rd_kafka_headers_t *msg_headers(const struct sink_kafka *s, const struct sink_kafka_msg *m)
{
	rd_kafka_headers_t *h = rd_kafka_headers_new(6);

	/* CloudEvents Kafka protocol binding, binary content mode. */
	HEADER_ADD_LITERAL(h, "ce_specversion", CE_SPECVERSION);
	HEADER_ADD(h, "ce_type", m->ce_type, -1); /* static, or read back from the spool */
	HEADER_ADD(h, "ce_source", sink_kafka_msg_source(m), m->source_len);
	HEADER_ADD(h, "ce_id", sink_kafka_msg_id(m), m->id_len);
	if (s->encoding == SINK_KAFKA_OCSF)
		HEADER_ADD_LITERAL(h, "ce_dataschema", CE_DATASCHEMA_OCSF);
	else
		HEADER_ADD_LITERAL(h, "ce_dataschema", CE_DATASCHEMA);
	if (s->encoding == SINK_KAFKA_PROTOBUF)
		HEADER_ADD_LITERAL(h, "content-type", "application/x-protobuf");
	else
		HEADER_ADD_LITERAL(h, "content-type", "application/json");
	return h;
}

rd_kafka_resp_err_t sink_kafka_msg_produce(struct sink_kafka *s, struct sink_kafka_msg *m)
{
	rd_kafka_headers_t *h = msg_headers(s, m);
	rd_kafka_resp_err_t err;

	/* No RD_KAFKA_MSG_F_COPY/FREE: librdkafka points at m's bytes, which
	 * live until the delivery report (or until the producer is destroyed). */
	err = rd_kafka_producev(s->rk, RD_KAFKA_V_RKT(s->rkt[m->cls]),
				RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA),
				RD_KAFKA_V_VALUE((void *)sink_kafka_msg_value(m), m->value_len),
				RD_KAFKA_V_KEY(m->key_len ? sink_kafka_msg_key(m) : NULL, m->key_len),
				RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_OPAQUE(m), RD_KAFKA_V_END);
	if (err)
		rd_kafka_headers_destroy(h); /* owned by librdkafka only on success */
	return err;
}

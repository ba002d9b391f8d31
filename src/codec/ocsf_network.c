/* Network Activity (4001): connect is Open (Refuse when the peer refused,
 * Fail on another error), accept is Open with the peer as source; listen is
 * Listen, bind and unix-domain sockets are Other (99) named "Bind",
 * "Unix Connect"/"Unix Bind" (Fail on an error), the local address or the
 * socket path as dst_endpoint. tcp_established is Open, tcp_close Close
 * (Reset when it ended by RST) with the byte counters as traffic. Raw/packet
 * socket creation has no row: 4001 needs an endpoint and such a socket has
 * none (a Base Event). */
#include <errno.h>
#include <string.h>
#include "codec/ocsf_map.h"

#define NETWORK_ROW(body, fn_activity, fn_result, fn_fields)                                  \
	{ RINGTAP__V1__EVENT__BODY_##body, OCSF_CLASS_NETWORK_ACTIVITY, "Network Activity",   \
	  OCSF_CATEGORY_NETWORK, "Network Activity", fn_activity, fn_result, NULL, fn_fields }

enum { OPEN = 1, CLOSE = 2, RESET = 3, FAIL = 4, REFUSE = 5, LISTEN = 7, OTHER = 99,
       UNKNOWN_DIR = OCSF_DIRECTION_UNKNOWN, INBOUND = OCSF_DIRECTION_INBOUND,
       OUTBOUND = OCSF_DIRECTION_OUTBOUND };

static struct ocsf_activity by_result(int32_t ret)
{
	if (ret >= 0 || ret == -EINPROGRESS)
		return (struct ocsf_activity){ OPEN, "Open" };
	if (ret == -ECONNREFUSED)
		return (struct ocsf_activity){ REFUSE, "Refuse" };
	return (struct ocsf_activity){ FAIL, "Fail" };
}

static struct ocsf_activity connect_activity(const Ringtap__V1__Event *ev)
{
	return by_result(ev->connect->ret);
}

static struct ocsf_activity accept_activity(const Ringtap__V1__Event *ev)
{
	return by_result(ev->accept->ret);
}

static int connect_result(const Ringtap__V1__Event *ev, int32_t *ret)
{
	*ret = ev->connect->ret;
	return 1;
}

static int accept_result(const Ringtap__V1__Event *ev, int32_t *ret)
{
	*ret = ev->accept->ret;
	return 1;
}

/* An unbound source (no address yet) is left out. */
void ocsf_put_endpoint(struct ocsf_writer *w, const char *key, const Ringtap__V1__Endpoint *ep)
{
	if (!ep || !ep->addr || !*ep->addr)
		return;
	ow_begin(w, key);
	ow_str(w, "ip", ep->addr);
	if (ep->port)
		ow_uint(w, "port", ep->port);
	ow_end(w);
}

void ocsf_put_connection(struct ocsf_writer *w, const Ringtap__V1__Header *h, const char *family,
			 const char *protocol, int direction)
{
	int v6 = family && !strcmp(family, "inet6");

	ow_begin(w, "connection_info");
	ow_int(w, "direction_id", direction);
	ow_str(w, "direction", direction == INBOUND ? "Inbound" : direction == OUTBOUND ? "Outbound" : "Unknown");
	if (protocol && *protocol) {
		ow_str(w, "protocol_name", protocol);
		if (!strcmp(protocol, "tcp"))
			ow_int(w, "protocol_num", 6);
		else if (!strcmp(protocol, "udp"))
			ow_int(w, "protocol_num", 17);
	}
	if (family && (v6 || !strcmp(family, "inet"))) {
		ow_int(w, "protocol_ver_id", v6 ? 6 : 4);
		ow_str(w, "protocol_ver", v6 ? "Internet Protocol version 6 (IPv6)"
					     : "Internet Protocol version 4 (IPv4)");
	}
	ow_str_nonempty(w, "community_uid", h->community_id);
	ow_end(w);
}

static void connect_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Connect *c = ev->connect;

	ocsf_put_endpoint(w, "src_endpoint", c->src);
	ocsf_put_endpoint(w, "dst_endpoint", c->dst);
	ocsf_put_connection(w, ev->header, c->family, c->protocol, OUTBOUND);
}

static void accept_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Accept *a = ev->accept;

	ocsf_put_endpoint(w, "src_endpoint", a->peer);
	ocsf_put_endpoint(w, "dst_endpoint", a->local);
	ocsf_put_connection(w, ev->header, a->family, "tcp", INBOUND);
}

static struct ocsf_activity other_or_fail(int32_t ret, const char *name)
{
	return ret >= 0 ? (struct ocsf_activity){ OTHER, name } : (struct ocsf_activity){ FAIL, "Fail" };
}

static struct ocsf_activity bind_activity(const Ringtap__V1__Event *ev)
{
	return other_or_fail(ev->bind->ret, "Bind");
}

static struct ocsf_activity listen_activity(const Ringtap__V1__Event *ev)
{
	return ev->listen->ret >= 0 ? (struct ocsf_activity){ LISTEN, "Listen" } : by_result(ev->listen->ret);
}

static struct ocsf_activity unix_activity(const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__UnixSocket *u = ev->unix_socket;

	if (!strcmp(u->op, "connect"))
		return by_result(u->ret).id == OPEN ? (struct ocsf_activity){ OTHER, "Unix Connect" } : by_result(u->ret);
	return other_or_fail(u->ret, "Unix Bind");
}

static int bind_result(const Ringtap__V1__Event *ev, int32_t *ret)
{
	*ret = ev->bind->ret;
	return 1;
}

static int listen_result(const Ringtap__V1__Event *ev, int32_t *ret)
{
	*ret = ev->listen->ret;
	return 1;
}

static int unix_result(const Ringtap__V1__Event *ev, int32_t *ret)
{
	*ret = ev->unix_socket->ret;
	return 1;
}

static void bind_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Bind *b = ev->bind;

	ocsf_put_endpoint(w, "dst_endpoint", b->addr);
	ocsf_put_connection(w, ev->header, b->family, b->protocol, UNKNOWN_DIR);
}

static void listen_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Listen *l = ev->listen;

	ocsf_put_endpoint(w, "dst_endpoint", l->addr);
	ocsf_put_connection(w, ev->header, l->family, l->protocol, INBOUND);
}

/* A unix socket's path is the endpoint's name (OCSF has no path on an
 * endpoint); op, type, peer_pid stay under unmapped. */
static void unix_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__UnixSocket *u = ev->unix_socket;

	if (u->path && *u->path) {
		ow_begin(w, "dst_endpoint");
		ow_str(w, "name", u->path);
		ow_end(w);
	}
}

/* A TCP connection seen from its socket: src is who sent the SYN. */
static void put_tcp_ends(struct ocsf_writer *w, const Ringtap__V1__Event *ev, const char *direction,
			 const char *family, const Ringtap__V1__Endpoint *local,
			 const Ringtap__V1__Endpoint *remote)
{
	int accepted = direction && !strcmp(direction, "accepted");

	ocsf_put_endpoint(w, "src_endpoint", accepted ? remote : local);
	ocsf_put_endpoint(w, "dst_endpoint", accepted ? local : remote);
	ocsf_put_connection(w, ev->header, family, "tcp", accepted ? INBOUND : OUTBOUND);
}

static struct ocsf_activity tcp_established_activity(const Ringtap__V1__Event *ev)
{
	(void)ev;
	return (struct ocsf_activity){ OPEN, "Open" };
}

static void tcp_established_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__TcpEstablished *t = ev->tcp_established;

	put_tcp_ends(w, ev, t->direction, t->family, t->local, t->remote);
}

static struct ocsf_activity tcp_close_activity(const Ringtap__V1__Event *ev)
{
	const char *reason = ev->tcp_close->reason;

	if (reason && !strcmp(reason, "rst"))
		return (struct ocsf_activity){ RESET, "Reset" };
	return (struct ocsf_activity){ CLOSE, "Close" };
}

/* traffic: in/out as this socket saw them (bytes_sent is what the peer
 * acknowledged); the connection's lifetime as start_time/duration. */
static void tcp_close_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__TcpClose *t = ev->tcp_close;
	const Ringtap__V1__Header *h = ev->header;

	put_tcp_ends(w, ev, t->direction, t->family, t->local, t->remote);
	ow_begin(w, "traffic");
	ow_uint(w, "bytes_in", t->bytes_received);
	ow_uint(w, "bytes_out", t->bytes_sent);
	ow_uint(w, "bytes", t->bytes_received + t->bytes_sent);
	ow_end(w);
	if (t->duration_ns && t->duration_ns <= h->ts_ns) {
		ow_int(w, "start_time", ocsf_wall_ms(h, h->ts_ns - t->duration_ns));
		ow_int(w, "end_time", ocsf_wall_ms(h, h->ts_ns));
		ow_uint(w, "duration", t->duration_ns / 1000000);
	}
}

const struct ocsf_class_map ocsf_network_map[] = {
	NETWORK_ROW(CONNECT, connect_activity, connect_result, connect_fields),
	NETWORK_ROW(ACCEPT, accept_activity, accept_result, accept_fields),
	NETWORK_ROW(BIND, bind_activity, bind_result, bind_fields),
	NETWORK_ROW(LISTEN, listen_activity, listen_result, listen_fields),
	NETWORK_ROW(UNIX_SOCKET, unix_activity, unix_result, unix_fields),
	NETWORK_ROW(TCP_ESTABLISHED, tcp_established_activity, NULL, tcp_established_fields),
	NETWORK_ROW(TCP_CLOSE, tcp_close_activity, NULL, tcp_close_fields),
	{ 0 },
};

/* Decoder, socket events: bind, listen, raw/packet sockets, unix sockets
 * (pathname, abstract, caller's path), and bodies that lie. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "pipeline/decode.h"

static struct decoded_event d;
static _Alignas(8) char buf[512];

static size_t put(unsigned type, const void *body, size_t body_size)
{
	struct rt_header *h = (void *)buf;
	size_t size = sizeof(*h) + body_size;

	memset(buf, 0, sizeof(buf));
	h->type = type;
	h->abi_version = RT_ABI_VERSION;
	h->size = (uint32_t)size;
	h->tgid = 100;
	memcpy(buf + sizeof(*h), body, body_size);
	return size;
}

static void test_bind_and_listen(void **state)
{
	(void)state;
	struct rt_bind_body b = { .ret = -EADDRINUSE, .fd = 4, .protocol = IPPROTO_TCP,
				  .addr = { .addr = { 127, 0, 0, 1 }, .port = 8080, .family = AF_INET } };
	size_t n = put(RT_EVENT_BIND, &b, sizeof(b));

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_int_equal(d.ev.body_case, RINGTAP__V1__EVENT__BODY_BIND);
	assert_string_equal(d.ev.bind->addr->addr, "127.0.0.1");
	assert_int_equal(d.ev.bind->addr->port, 8080);
	assert_string_equal(d.ev.bind->protocol, "tcp");
	assert_string_equal(d.ev.bind->family, "inet");
	assert_int_equal(d.ev.bind->ret, -EADDRINUSE);
	assert_string_equal(event_type_name(RT_EVENT_BIND), "bind");

	struct rt_listen_body l = { .ret = 0, .fd = 3, .protocol = IPPROTO_TCP, .backlog = 100000,
				    .max_backlog = 4096, .addr = { .port = 443, .family = AF_INET6 } };
	n = put(RT_EVENT_LISTEN, &l, sizeof(l));
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.listen->addr->addr, "::");
	assert_int_equal(d.ev.listen->backlog, 100000);
	assert_int_equal(d.ev.listen->max_backlog, 4096);
	assert_string_equal(d.ev.listen->family, "inet6");
	/* a record cut inside its body is refused */
	assert_int_equal(decode_record(buf, n - 1, &d), -EBADMSG);
}

static void test_socket(void **state)
{
	(void)state;
	struct rt_socket_body s = { .ret = 5, .family = AF_PACKET, .type = SOCK_RAW, .protocol = htons(0x0003) };
	size_t n = put(RT_EVENT_SOCKET, &s, sizeof(s));

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.socket->family, "packet");
	assert_string_equal(d.ev.socket->type, "raw");
	assert_int_equal(d.ev.socket->protocol, 3); /* ETH_P_ALL, in host order */
	s = (struct rt_socket_body){ .ret = -EPERM, .family = AF_INET, .type = SOCK_RAW, .protocol = IPPROTO_ICMP };
	n = put(RT_EVENT_SOCKET, &s, sizeof(s));
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.socket->family, "inet");
	assert_int_equal(d.ev.socket->protocol, IPPROTO_ICMP);
	assert_int_equal(d.ev.socket->ret, -EPERM);
	s.family = AF_UNIX; /* never made by the kernel side */
	n = put(RT_EVENT_SOCKET, &s, sizeof(s));
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
}

static void test_unix_paths(void **state)
{
	(void)state;
	struct rt_unix_body u = { .ret = 0, .fd = 3, .op = RT_UNIX_CONNECT, .type = SOCK_STREAM,
				  .peer_pid = 77, .path_source = RT_UNIX_PATH_KERNEL };
	const char docker[] = "/var/run/docker.sock";
	size_t n;

	/* a pathname address keeps its NUL in the kernel's length: cut there */
	memcpy(u.path, docker, sizeof(docker));
	u.path_len = sizeof(docker);
	n = put(RT_EVENT_UNIX, &u, sizeof(u));
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_int_equal(d.ev.body_case, RINGTAP__V1__EVENT__BODY_UNIX_SOCKET);
	assert_string_equal(d.ev.unix_socket->path, docker);
	assert_false(d.ev.unix_socket->abstract);
	assert_string_equal(d.ev.unix_socket->op, "connect");
	assert_string_equal(d.ev.unix_socket->type, "stream");
	assert_string_equal(d.ev.unix_socket->path_source, "kernel");
	assert_int_equal(d.ev.unix_socket->peer_pid, 77);

	/* abstract: every byte counts, NULs shown as '@' */
	memset(u.path, 0, sizeof(u.path));
	memcpy(u.path, "\0shim\0x", 7);
	u.path_len = 7;
	u.op = RT_UNIX_BIND;
	u.path_source = RT_UNIX_PATH_USER;
	n = put(RT_EVENT_UNIX, &u, sizeof(u));
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.unix_socket->path, "@shim@x");
	assert_true(d.ev.unix_socket->abstract);
	assert_string_equal(d.ev.unix_socket->op, "bind");
	assert_string_equal(d.ev.unix_socket->path_source, "user");

	/* invalid UTF-8 in a path stays valid text */
	memcpy(u.path, "/tmp/\xff.sock", 11);
	u.path_len = 11;
	n = put(RT_EVENT_UNIX, &u, sizeof(u));
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.unix_socket->path, "/tmp/\xef\xbf\xbd.sock");
}

static void test_unix_lies(void **state)
{
	(void)state;
	struct rt_unix_body u = { .path_len = RT_UNIX_PATH_MAX + 1 };
	size_t n = put(RT_EVENT_UNIX, &u, sizeof(u));

	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
	u.path_len = RT_UNIX_PATH_MAX; /* a full, unterminated path is fine */
	memset(u.path, 'a', RT_UNIX_PATH_MAX);
	n = put(RT_EVENT_UNIX, &u, sizeof(u));
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_int_equal(strlen(d.ev.unix_socket->path), RT_UNIX_PATH_MAX);
	u.op = 7;
	n = put(RT_EVENT_UNIX, &u, sizeof(u));
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
	u.op = RT_UNIX_CONNECT;
	u.path_source = 9;
	n = put(RT_EVENT_UNIX, &u, sizeof(u));
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_and_listen),
		cmocka_unit_test(test_socket),
		cmocka_unit_test(test_unix_paths),
		cmocka_unit_test(test_unix_lies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

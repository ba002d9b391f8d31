/* Decoder: raw kernel records -> ringtap.v1.Event, every field, and every
 * way a record can be malformed. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "pipeline/decode.h"

static struct decoded_event d;

static size_t put_header(void *buf, unsigned type, size_t size)
{
	struct rt_header *h = buf;

	memset(h, 0, sizeof(*h));
	h->type = type;
	h->abi_version = RT_ABI_VERSION;
	h->size = (uint32_t)size;
	h->flags = 0;
	h->policy_gen = 7;
	h->ts_ns = 123456789;
	h->start_ns = 1111;
	h->cgroup_id = 4242;
	h->tgid = 100;
	h->tid = 101;
	h->ppid = 99;
	h->uid = 1000;
	h->gid = 1001;
	h->euid = 2000; /* a setuid program: effective ids differ */
	h->egid = 2001;
	memcpy(h->comm, "0123456789abcdef", RT_COMM_LEN); /* full 16 bytes, no NUL */
	return sizeof(*h);
}

static void test_header_fields(void **state)
{
	(void)state;
	_Alignas(8) char buf[256];
	size_t off = put_header(buf, RT_EVENT_FORK, sizeof(struct rt_header) + sizeof(struct rt_fork_body));
	struct rt_fork_body *b = (void *)(buf + off);
	b->child_pid = 555;

	assert_int_equal(decode_record(buf, sizeof(buf), &d), 0);
	const Ringtap__V1__Header *h = d.ev.header;
	assert_int_equal(h->ts_ns, 123456789);
	assert_int_equal(h->start_time_ns, 1111);
	assert_int_equal(h->cgroup_id, 4242);
	assert_int_equal(h->pid, 100);
	assert_int_equal(h->tid, 101);
	assert_int_equal(h->ppid, 99);
	assert_int_equal(h->uid, 1000);
	assert_int_equal(h->gid, 1001);
	assert_int_equal(h->euid, 2000);
	assert_int_equal(h->egid, 2001);
	assert_int_equal(h->policy_generation, 7);
	assert_int_equal(h->abi_version, RT_ABI_VERSION);
	assert_false(h->truncated);
	assert_string_equal(h->comm, "0123456789abcdef");
	assert_int_equal(d.ev.body_case, RINGTAP__V1__EVENT__BODY_FORK);
	assert_int_equal(d.ev.fork->child_pid, 555);
}

static void test_open(void **state)
{
	(void)state;
	_Alignas(8) char buf[512] = { 0 }; /* body fields not set below are 0 */
	const char *path = "/etc/hostname";
	size_t size = sizeof(struct rt_header) + sizeof(struct rt_open_body) + strlen(path);
	size_t off = put_header(buf, RT_EVENT_OPEN, size);
	struct rt_open_body *b = (void *)(buf + off);
	b->ret = 3;
	b->flags = 0101;
	b->mode = 0644;
	b->dirfd = -100;
	b->path_len = (uint32_t)strlen(path);
	b->syscall = RT_OPEN_OPENAT;
	memcpy(b + 1, path, strlen(path));
	((struct rt_header *)buf)->flags = RT_FLAG_TRUNCATED;

	assert_int_equal(decode_record(buf, size, &d), 0);
	assert_int_equal(d.ev.body_case, RINGTAP__V1__EVENT__BODY_OPEN);
	assert_string_equal(d.ev.open->path, "/etc/hostname");
	assert_int_equal(d.ev.open->ret, 3);
	assert_int_equal(d.ev.open->flags, 0101);
	assert_int_equal(d.ev.open->mode, 0644);
	assert_int_equal(d.ev.open->dirfd, -100);
	assert_string_equal(d.ev.open->syscall, "openat");
	assert_true(d.ev.header->truncated);
}

static void test_exec_argv(void **state)
{
	(void)state;
	_Alignas(8) char buf[512] = { 0 }; /* body fields not set below are 0 */
	const char fname[] = "/usr/bin/env";
	const char argv[] = "env\0-i\0\0last"; /* empty arg, last one cut (no NUL) */
	size_t alen = sizeof(argv) - 1;
	size_t size = sizeof(struct rt_header) + sizeof(struct rt_exec_body) + strlen(fname) + alen;
	size_t off = put_header(buf, RT_EVENT_EXEC, size);
	struct rt_exec_body *b = (void *)(buf + off);
	b->ret = -2;
	b->filename_len = (uint32_t)strlen(fname);
	b->argv_len = (uint32_t)alen;
	b->argc = 6; /* the process had more arguments than argv kept */
	memcpy((char *)(b + 1), fname, strlen(fname));
	memcpy((char *)(b + 1) + strlen(fname), argv, alen);

	assert_int_equal(decode_record(buf, size, &d), 0);
	assert_string_equal(d.ev.exec->filename, "/usr/bin/env");
	assert_int_equal(d.ev.exec->ret, -2);
	assert_int_equal(d.ev.exec->n_argv, 4);
	assert_int_equal(d.ev.exec->argc, 6);
	assert_string_equal(d.ev.exec->argv[0], "env");
	assert_string_equal(d.ev.exec->argv[1], "-i");
	assert_string_equal(d.ev.exec->argv[2], "");
	assert_string_equal(d.ev.exec->argv[3], "last");
}

static void test_connect_accept_addresses(void **state)
{
	(void)state;
	_Alignas(8) char buf[512] = { 0 }; /* body fields not set below are 0 */
	size_t size = sizeof(struct rt_header) + sizeof(struct rt_connect_body);
	size_t off = put_header(buf, RT_EVENT_CONNECT, size);
	struct rt_connect_body *c = (void *)(buf + off);
	memset(c, 0, sizeof(*c));
	c->ret = -115;
	c->fd = 5;
	c->protocol = 6;
	c->src.family = AF_INET;
	inet_pton(AF_INET, "10.1.2.3", c->src.addr);
	c->src.port = 40000;
	c->dst.family = AF_INET;
	inet_pton(AF_INET, "127.0.0.1", c->dst.addr);
	c->dst.port = 8080;
	assert_int_equal(decode_record(buf, size, &d), 0);
	assert_string_equal(d.ev.connect->family, "inet");
	assert_string_equal(d.ev.connect->src->addr, "10.1.2.3");
	assert_int_equal(d.ev.connect->src->port, 40000);
	assert_string_equal(d.ev.connect->dst->addr, "127.0.0.1");
	assert_int_equal(d.ev.connect->dst->port, 8080);
	assert_int_equal(d.ev.connect->ret, -115);
	assert_int_equal(d.ev.connect->fd, 5);
	assert_string_equal(d.ev.connect->protocol, "tcp");

	size = sizeof(struct rt_header) + sizeof(struct rt_accept_body);
	off = put_header(buf, RT_EVENT_ACCEPT, size);
	struct rt_accept_body *a = (void *)(buf + off);
	memset(a, 0, sizeof(*a));
	a->ret = 7;
	a->listen_fd = 3;
	a->local.family = a->peer.family = AF_INET6;
	inet_pton(AF_INET6, "::1", a->local.addr);
	inet_pton(AF_INET6, "fe80::1", a->peer.addr);
	a->local.port = 443;
	a->peer.port = 50000;
	assert_int_equal(decode_record(buf, size, &d), 0);
	assert_string_equal(d.ev.accept->family, "inet6");
	assert_string_equal(d.ev.accept->local->addr, "::1");
	assert_string_equal(d.ev.accept->peer->addr, "fe80::1");
	assert_int_equal(d.ev.accept->local->port, 443);
	assert_int_equal(d.ev.accept->peer->port, 50000);
	assert_int_equal(d.ev.accept->ret, 7);
	assert_int_equal(d.ev.accept->listen_fd, 3);
}

static void test_exit(void **state)
{
	(void)state;
	_Alignas(8) char buf[256];
	size_t size = sizeof(struct rt_header) + sizeof(struct rt_exit_body);
	size_t off = put_header(buf, RT_EVENT_EXIT, size);
	struct rt_exit_body *b = (void *)(buf + off);
	b->code = 3;
	b->signal = 9;
	assert_int_equal(decode_record(buf, size, &d), 0);
	assert_int_equal(d.ev.exit->code, 3);
	assert_int_equal(d.ev.exit->signal, 9);
}

static void test_malformed(void **state)
{
	(void)state;
	_Alignas(8) char buf[512] = { 0 }; /* body fields not set below are 0 */
	size_t size = sizeof(struct rt_header) + sizeof(struct rt_open_body) + 4;
	size_t off = put_header(buf, RT_EVENT_OPEN, size);
	struct rt_open_body *b = (void *)(buf + off);
	memset(b, 0, sizeof(*b));
	b->path_len = 4;
	memcpy(b + 1, "/tmp", 4);
	assert_int_equal(decode_record(buf, size, &d), 0);

	assert_int_equal(decode_record(buf, 10, &d), -EBADMSG);          /* shorter than a header */
	assert_int_equal(decode_record(buf, size - 1, &d), -EBADMSG);    /* size field > buffer */
	b->path_len = 5;
	assert_int_equal(decode_record(buf, size, &d), -EBADMSG);        /* path overruns record */
	b->path_len = 4;
	((struct rt_header *)buf)->type = RT_EVENT_MAX;
	assert_int_equal(decode_record(buf, size, &d), -EBADMSG);        /* unknown type */
	((struct rt_header *)buf)->type = 0;
	assert_int_equal(decode_record(buf, size, &d), -EBADMSG);
	((struct rt_header *)buf)->type = RT_EVENT_OPEN;
	((struct rt_header *)buf)->abi_version = RT_ABI_VERSION + 1;
	assert_int_equal(decode_record(buf, size, &d), -EPROTO);         /* other ABI */
	((struct rt_header *)buf)->abi_version = RT_ABI_VERSION;
	((struct rt_header *)buf)->size = sizeof(struct rt_header) + 4;  /* body cut */
	assert_int_equal(decode_record(buf, size, &d), -EBADMSG);
}

/* proto3 strings must be UTF-8: kernel bytes that are not become U+FFFD,
 * valid multibyte text passes unchanged. */
static void test_invalid_utf8_replaced(void **state)
{
	(void)state;
	_Alignas(8) char buf[512] = { 0 }; /* body fields not set below are 0 */
	const char fname[] = "/tmp/\xff\xc3\xa9x";
	const char argv[] = "a\xfe\0\xc3";
	size_t alen = sizeof(argv) - 1;
	size_t size = sizeof(struct rt_header) + sizeof(struct rt_exec_body) + strlen(fname) + alen;
	size_t off = put_header(buf, RT_EVENT_EXEC, size);
	struct rt_exec_body *b = (void *)(buf + off);
	b->ret = 0;
	b->filename_len = (uint32_t)strlen(fname);
	b->argv_len = (uint32_t)alen;
	b->argc = 2;
	memcpy((char *)(b + 1), fname, strlen(fname));
	memcpy((char *)(b + 1) + strlen(fname), argv, alen);
	memcpy(((struct rt_header *)buf)->comm, "ev\xffil\0", 7);

	assert_int_equal(decode_record(buf, size, &d), 0);
	assert_string_equal(d.ev.header->comm, "ev\xef\xbf\xbdil");
	assert_string_equal(d.ev.exec->filename, "/tmp/\xef\xbf\xbd\xc3\xa9x");
	assert_int_equal(d.ev.exec->n_argv, 2);
	assert_string_equal(d.ev.exec->argv[0], "a\xef\xbf\xbd");
	assert_string_equal(d.ev.exec->argv[1], "\xef\xbf\xbd"); /* a cut sequence */
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(event_type_name(RT_EVENT_EXEC), "exec");
	assert_string_equal(event_type_name(RT_EVENT_ACCEPT), "accept");
	assert_string_equal(event_type_name(0), "unknown");
	assert_string_equal(event_type_name(999), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_exec_argv),
		cmocka_unit_test(test_connect_accept_addresses),
		cmocka_unit_test(test_exit),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_invalid_utf8_replaced),
		cmocka_unit_test(test_type_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

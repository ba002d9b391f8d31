/* Shared by tests/unit/test_policy_*.c: parse a policy from text, build
 * decoded events. Header-only so each test stays one executable. */
#ifndef TEST_POLICY_HELPERS_H
#define TEST_POLICY_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "policy/policy_compile.h"
#include "policy/policy_parse.h"
#include "ringtap/v1/event.pb-c.h"

/* Parse text that must be valid; the policy is heap-allocated. */
static inline struct policy *parse_ok(const char *text)
{
	struct policy *p = malloc(sizeof(*p));
	struct policy_diags *d = malloc(sizeof(*d));

	assert_non_null(p);
	assert_non_null(d);
	int ret = policy_parse_buffer(text, strlen(text), p, d);
	if (ret != 0)
		for (size_t i = 0; i < d->n; i++)
			print_error("unexpected: %u:%u: %s\n", d->items[i].line, d->items[i].col,
				    d->items[i].msg);
	assert_int_equal(ret, 0);
	assert_int_equal(d->n, 0);
	free(d);
	return p;
}

static inline struct policy_compiled *compile_ok(const char *text, uint32_t gen)
{
	struct policy *p = parse_ok(text);
	struct policy_compiled *c = malloc(sizeof(*c));

	assert_non_null(c);
	assert_int_equal(policy_compile(p, gen, c), 0);
	free(p);
	return c;
}

/* A decoded event built on the stack: header + one body. */
struct test_event {
	Ringtap__V1__Event ev;
	Ringtap__V1__Header hdr;
	Ringtap__V1__Open open;
	Ringtap__V1__Connect connect;
	Ringtap__V1__Accept accept;
	Ringtap__V1__Exec exec;
	Ringtap__V1__Drop drop;
	Ringtap__V1__Endpoint ep[2];
};

static inline void test_event_init(struct test_event *t, const char *comm, uint32_t uid)
{
	memset(t, 0, sizeof(*t));
	ringtap__v1__event__init(&t->ev);
	ringtap__v1__header__init(&t->hdr);
	t->hdr.comm = (char *)comm;
	t->hdr.uid = uid;
	t->ev.header = &t->hdr;
}

static inline Ringtap__V1__Event *ev_open(struct test_event *t, const char *comm, uint32_t uid,
					  const char *path)
{
	test_event_init(t, comm, uid);
	ringtap__v1__open__init(&t->open);
	t->open.path = (char *)path;
	t->ev.body_case = RINGTAP__V1__EVENT__BODY_OPEN;
	t->ev.open = &t->open;
	return &t->ev;
}

static inline Ringtap__V1__Event *ev_exec(struct test_event *t, const char *comm, uint32_t uid)
{
	test_event_init(t, comm, uid);
	ringtap__v1__exec__init(&t->exec);
	t->exec.filename = (char *)"/bin/true";
	t->ev.body_case = RINGTAP__V1__EVENT__BODY_EXEC;
	t->ev.exec = &t->exec;
	return &t->ev;
}

static inline void set_ep(Ringtap__V1__Endpoint *ep, const char *addr, uint32_t port)
{
	ringtap__v1__endpoint__init(ep);
	ep->addr = (char *)addr;
	ep->port = port;
}

/* connect from 10.9.9.9:40000 (or ::9) to dst:dport */
static inline Ringtap__V1__Event *ev_connect(struct test_event *t, const char *family,
					     const char *dst, uint32_t dport)
{
	test_event_init(t, "curl", 1000);
	ringtap__v1__connect__init(&t->connect);
	t->connect.family = (char *)family;
	set_ep(&t->ep[0], strcmp(family, "inet") ? "::9" : "10.9.9.9", 40000);
	set_ep(&t->ep[1], dst, dport);
	t->connect.src = &t->ep[0];
	t->connect.dst = &t->ep[1];
	t->connect.protocol = (char *)"tcp";
	t->ev.body_case = RINGTAP__V1__EVENT__BODY_CONNECT;
	t->ev.connect = &t->connect;
	return &t->ev;
}

/* accept on local:lport from peer:pport */
static inline Ringtap__V1__Event *ev_accept(struct test_event *t, const char *family,
					    const char *local, uint32_t lport, const char *peer,
					    uint32_t pport)
{
	test_event_init(t, "nginx", 33);
	ringtap__v1__accept__init(&t->accept);
	t->accept.family = (char *)family;
	set_ep(&t->ep[0], local, lport);
	set_ep(&t->ep[1], peer, pport);
	t->accept.local = &t->ep[0];
	t->accept.peer = &t->ep[1];
	t->ev.body_case = RINGTAP__V1__EVENT__BODY_ACCEPT;
	t->ev.accept = &t->accept;
	return &t->ev;
}

#endif

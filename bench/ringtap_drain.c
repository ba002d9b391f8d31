/* A minimal consumer for the benchmark (and a manual smoke test): creates
 * the bpf source capturing everything, drains it every poll interval until
 * SIGINT/SIGTERM, then prints records consumed and the kernel counters. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include "ringtap_abi.h"
#include "source/source_bpf.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int count(void *ctx, const struct source_item *item)
{
	(void)item;
	(*(uint64_t *)ctx)++;
	return 0;
}

int main(int argc, char **argv)
{
	struct source_config cfg = { .ring_bytes = argc > 1 ? strtoull(argv[1], NULL, 0) : 0 };
	struct source_type_stats st[RT_EVENT_MAX];
	struct event_source *src = NULL;
	struct epoll_event ev;
	uint64_t records = 0;
	int err, ep, t;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	err = source_bpf_ops.create(&cfg, &src);
	if (err) {
		fprintf(stderr, "ringtap_drain: %s\n", src ? src->ops->last_error(src) : strerror(-err));
		source_destroy(src);
		return 1;
	}
	ep = epoll_create1(0);
	ev = (struct epoll_event){ .events = EPOLLIN };
	epoll_ctl(ep, EPOLL_CTL_ADD, src->ops->fd(src), &ev);
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		epoll_wait(ep, &ev, 1, 100); /* the bounded poll interval */
		err = src->ops->read(src, count, &records, 0);
		if (err < 0 && err != -EINTR)
			break;
	}
	src->ops->read(src, count, &records, 0);
	src->ops->stats(src, st, RT_EVENT_MAX);
	fprintf(stderr, "records %" PRIu64 "\n", records);
	for (t = 1; t < RT_EVENT_MAX; t++)
		fprintf(stderr, "type %d emitted %" PRIu64 " dropped %" PRIu64 " truncated %" PRIu64 "\n",
			t, st[t].emitted, st[t].dropped, st[t].truncated);
	source_destroy(src);
	return 0;
}

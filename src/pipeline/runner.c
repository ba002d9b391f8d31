#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include "pipeline/runner.h"

/* Items handed over per read() call. A live ring under a storm never runs
 * dry, so an unbounded read would starve signals, the duration, Drop
 * records and the sinks' polling; replayed files have no fd to poll. */
#define READ_BUDGET 4096
/* The final drain stops after this long even if producers outpace it. */
#define DRAIN_LIMIT_MS 2000

int runner_signals_block(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns 1 when a stop signal arrived. */
static int handle_signals(const struct runner_opts *o)
{
	struct signalfd_siginfo si;
	int stop = 0;

	if (o->signal_fd < 0)
		return 0;
	while (read(o->signal_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			if (o->on_reload)
				o->on_reload(o->reload_ctx);
		} else {
			stop = 1;
		}
	}
	return stop;
}

static void report_drops(const struct runner_opts *o)
{
	struct source_type_stats st[RT_EVENT_MAX];

	if (!o->src->ops->stats || o->src->ops->stats(o->src, st, RT_EVENT_MAX))
		return;
	pipeline_report_drops(o->pipe, st);
	if (o->on_stats)
		o->on_stats(o->stats_ctx, st);
}

/* Flush every sink against one deadline: two stuck sinks must not take
 * twice the timeout. Returns the first sink's error. */
static int flush_sinks(struct pipeline *p, int64_t deadline)
{
	int first = 0;

	for (size_t i = 0; i < p->n_sinks; i++) {
		int64_t left = deadline - now_ms();
		int rc = sink_flush(p->sinks[i], left > 0 ? (int)left : 0);
		if (rc && !first)
			first = rc;
	}
	return first;
}

int runner_run(const struct runner_opts *o, int *flush_rc)
{
	struct event_source *src = o->src;
	int src_fd = src->ops->fd(src);
	int64_t start = now_ms(), next_stats = start + o->stats_interval_ms;
	int rc = 0, backlog = 0;

	for (;;) {
		struct pollfd pfd[3];
		/* A full budget last time means more is waiting: do not sleep. */
		int nfds = 0, watch = -1, timeout = backlog ? 0 : o->poll_interval_ms;

		if (o->duration_ms > 0) {
			int64_t left = start + o->duration_ms - now_ms();
			if (left <= 0)
				break;
			if (left < timeout)
				timeout = (int)left;
		}
		if (o->signal_fd >= 0)
			pfd[nfds++] = (struct pollfd){ .fd = o->signal_fd, .events = POLLIN };
		if (o->watch_fd > 0 && o->on_watch) {
			watch = nfds;
			pfd[nfds++] = (struct pollfd){ .fd = o->watch_fd, .events = POLLIN };
		}
		if (src_fd >= 0) {
			pfd[nfds++] = (struct pollfd){ .fd = src_fd, .events = POLLIN };
			/* Wakeups are batched in the kernel: wait at most one
			 * interval, then consume whatever is there regardless. */
			if (poll(pfd, nfds, timeout) < 0 && errno != EINTR) {
				rc = -errno;
				break;
			}
		}
		if (handle_signals(o))
			break;
		if (watch >= 0 && (pfd[watch].revents & POLLIN))
			o->on_watch(o->reload_ctx);
		rc = src->ops->read(src, pipeline_on_item, o->pipe, READ_BUDGET);
		if (rc == -ENODATA) {
			rc = 0;
			break;
		}
		if (rc < 0)
			break;
		backlog = rc == READ_BUDGET;
		rc = 0;
		pipeline_poll_sinks(o->pipe);
		if (o->stats_interval_ms > 0 && now_ms() >= next_stats) {
			report_drops(o);
			enrich_host_refresh_clock(&o->pipe->host);
			next_stats = now_ms() + o->stats_interval_ms;
		}
	}
	/* Stop the producers, drain what they already wrote, then account for
	 * it: the last Drop record then covers everything that was lost.
	 * flush_timeout_ms counts from here, for the drain and the sinks
	 * together, so a pod's grace period can be sized from it. */
	int64_t flush_deadline = now_ms() + (o->flush_timeout_ms > 0 ? o->flush_timeout_ms : 0);
	if (src->ops->stop)
		src->ops->stop(src);
	if (rc == 0 && src_fd >= 0) {
		int64_t until = now_ms() + DRAIN_LIMIT_MS;
		int n;
		do
			n = src->ops->read(src, pipeline_on_item, o->pipe, READ_BUDGET);
		while (n == READ_BUDGET && now_ms() < until);
		if (n < 0 && n != -ENODATA)
			rc = n;
	}
	report_drops(o);
	*flush_rc = flush_sinks(o->pipe, flush_deadline);
	return rc;
}

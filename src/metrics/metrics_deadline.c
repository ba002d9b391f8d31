#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include "metrics/metrics_deadline.h"

struct metrics_deadline_slot {
	int fd;		     /* -1: free */
	int64_t deadline_ms; /* INT64_MAX: already shut down */
};

struct metrics_deadline {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop;		/* under lock */
	uint64_t cut;		/* under lock */
	int64_t limit_ms, check_ms;
	unsigned n;
	struct metrics_deadline_slot slots[];
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void shut_expired(struct metrics_deadline *d, int64_t now)
{
	for (unsigned i = 0; i < d->n; i++) {
		struct metrics_deadline_slot *s = &d->slots[i];
		if (s->fd < 0 || now < s->deadline_ms)
			continue;
		shutdown(s->fd, SHUT_RDWR);
		s->deadline_ms = INT64_MAX;
		d->cut++;
	}
}

static void *watch(void *arg)
{
	struct metrics_deadline *d = arg;
	struct timespec until;

	pthread_mutex_lock(&d->lock);
	while (!d->stop) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += d->check_ms / 1000;
		until.tv_nsec += (d->check_ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&d->wake, &d->lock, &until);
		if (!d->stop)
			shut_expired(d, mono_ms());
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

int metrics_deadline_start(unsigned max_conns, int64_t limit_ms, struct metrics_deadline **out)
{
	struct metrics_deadline *d;
	pthread_condattr_t attr;
	int rc;

	*out = NULL;
	if (max_conns < 1 || limit_ms < 1)
		return -EINVAL;
	d = calloc(1, sizeof(*d) + max_conns * sizeof(d->slots[0]));
	if (!d)
		return -ENOMEM;
	d->n = max_conns;
	d->limit_ms = limit_ms;
	d->check_ms = limit_ms / 4 > 250 ? 250 : (limit_ms / 4 ? limit_ms / 4 : 1);
	for (unsigned i = 0; i < max_conns; i++)
		d->slots[i].fd = -1;
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&d->wake, &attr);
	pthread_condattr_destroy(&attr);
	rc = -pthread_create(&d->thread, NULL, watch, d);
	if (rc) {
		pthread_cond_destroy(&d->wake);
		pthread_mutex_destroy(&d->lock);
		free(d);
		return rc;
	}
	*out = d;
	return 0;
}

void metrics_deadline_stop(struct metrics_deadline *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->stop = 1;
	pthread_cond_broadcast(&d->wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	pthread_cond_destroy(&d->wake);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

struct metrics_deadline_slot *metrics_deadline_track(struct metrics_deadline *d, int fd)
{
	struct metrics_deadline_slot *found = NULL;

	if (!d || fd < 0)
		return NULL;
	pthread_mutex_lock(&d->lock);
	for (unsigned i = 0; i < d->n && !found; i++)
		if (d->slots[i].fd < 0)
			found = &d->slots[i];
	if (found) {
		found->fd = fd;
		found->deadline_ms = mono_ms() + d->limit_ms;
	}
	pthread_mutex_unlock(&d->lock);
	return found;
}

void metrics_deadline_rearm(struct metrics_deadline *d, struct metrics_deadline_slot *s)
{
	if (!d || !s)
		return;
	pthread_mutex_lock(&d->lock);
	if (s->fd >= 0 && s->deadline_ms != INT64_MAX)
		s->deadline_ms = mono_ms() + d->limit_ms;
	pthread_mutex_unlock(&d->lock);
}

void metrics_deadline_forget(struct metrics_deadline *d, struct metrics_deadline_slot *s)
{
	if (!d || !s)
		return;
	pthread_mutex_lock(&d->lock);
	s->fd = -1;
	pthread_mutex_unlock(&d->lock);
}

uint64_t metrics_deadline_cut(struct metrics_deadline *d)
{
	uint64_t n;

	if (!d)
		return 0;
	pthread_mutex_lock(&d->lock);
	n = d->cut;
	pthread_mutex_unlock(&d->lock);
	return n;
}

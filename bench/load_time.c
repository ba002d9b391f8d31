/* Probe load time: how long source_bpf_ops.create() takes (open, verify,
 * load, attach the probes), best and median of RUNS (argv[1], default 5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "source/source_bpf.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 5;
	double t[64];
	int i;

	if (runs < 1 || runs > 64) {
		fprintf(stderr, "usage: load_time [RUNS 1..64]\n");
		return 2;
	}
	for (i = 0; i < runs; i++) {
		struct source_config cfg = { 0 };
		struct event_source *src = NULL;
		double start = now_s();
		int err = source_bpf_ops.create(&cfg, &src);

		t[i] = now_s() - start;
		if (err) {
			fprintf(stderr, "load_time: %s\n", src ? src->ops->last_error(src) : strerror(-err));
			source_destroy(src);
			return 1;
		}
		source_destroy(src);
	}
	qsort(t, runs, sizeof(t[0]), cmp_double);
	printf("probe load (create: open, verify, attach) over %d runs: best %.3f s, median %.3f s\n",
	       runs, t[0], t[runs / 2]);
	return 0;
}

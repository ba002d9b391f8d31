/* Attach the empty floor programs and hold them until SIGINT/SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "bench_floor.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(void)
{
	struct bench_floor *skel;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	skel = bench_floor__open_and_load();
	if (!skel || bench_floor__attach(skel)) {
		fprintf(stderr, "hook_floor: loading/attaching the floor programs failed\n");
		bench_floor__destroy(skel);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		pause();
	bench_floor__destroy(skel);
	return 0;
}

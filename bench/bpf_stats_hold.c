/* Keeps the kernel's BPF run-time accounting on while it runs (an
 * BPF_ENABLE_STATS fd), whatever kernel.bpf_stats_enabled is set to by
 * other tenants meanwhile: the sysctl and the fd count separately. Prints
 * "ready", then waits for a signal. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

int main(void)
{
	int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);

	if (fd < 0) {
		fprintf(stderr, "bpf_stats_hold: BPF_ENABLE_STATS: %s\n", strerror(-fd));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	pause();
	close(fd);
	return 0;
}

/* The hook-tax workload. Prints nanoseconds per iteration twice: wall clock,
 * then this process's CPU time (CLOCK_PROCESS_CPUTIME_ID), which leaves out
 * the time other tenants of a shared machine held the CPU.
 *   openclose_loop PATH N     openat(PATH, O_RDONLY) + close, N times
 *   openclose_loop --getppid N  getppid() N times (a syscall no probe wants)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/null";
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	int uninteresting = !strcmp(path, "--getppid");
	struct timespec a, b, ca, cb;
	long i;

	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
	for (i = 0; i < n; i++) {
		int fd;

		if (uninteresting) {
			syscall(SYS_getppid);
			continue;
		}
		fd = openat(AT_FDCWD, path, O_RDONLY);
		if (fd < 0) {
			perror(path);
			return 1;
		}
		close(fd);
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cb);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f %.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n,
	       ((cb.tv_sec - ca.tv_sec) * 1e9 + (cb.tv_nsec - ca.tv_nsec)) / n);
	return 0;
}

/* The hook-tax workload. Prints wall-clock nanoseconds per iteration.
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
	struct timespec a, b;
	long i;

	clock_gettime(CLOCK_MONOTONIC, &a);
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
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
	return 0;
}

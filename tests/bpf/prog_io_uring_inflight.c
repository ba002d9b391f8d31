/* The process test_io_uring_inflight watches: puts N accepts on one
 * loopback listener in flight at once on one ring, then connects N times
 * so each completes with its own new fd, then runs one openat of
 * /dev/null. Prints "listener FD", "inflight_cqes K" (completions seen
 * before the first connect: 0 when all N were in flight at once), then
 * "accept USER_DATA RES" per accept (user_data 1..N, in submission order)
 * and "open USER_DATA RES". Usage: prog_io_uring_inflight N */
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "io_uring_ring.h"

#define OPEN_USER_DATA 0xF00Du

/* Reap what has completed; count the accepts. -1 on a completion that is
 * not an accept of this run. */
static int reap_accepts(struct ring *r, unsigned n, unsigned *done)
{
	struct io_uring_cqe cqe;

	while (ring_reap(r, &cqe) == 0) {
		if (cqe.user_data < 1 || cqe.user_data > n)
			return -1;
		printf("accept %llu %d\n", (unsigned long long)cqe.user_data, cqe.res);
		(*done)++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	unsigned n = argc == 2 ? strtoul(argv[1], NULL, 10) : 0, entries = 1, done = 0, i;
	struct io_uring_sqe sqe;
	struct rlimit fds;
	cpu_set_t cpu;
	struct ring r;
	int l;

	if (n < 1 || n > 16384) {
		fprintf(stderr, "usage: prog_io_uring_inflight N (1..16384)\n");
		return 2;
	}
	/* each accept leaves two sockets open: the client and the accepted one */
	fds.rlim_cur = fds.rlim_max = 2 * n + 64;
	if (setrlimit(RLIMIT_NOFILE, &fds)) {
		perror("setrlimit");
		return 4;
	}
	/* One CPU: the kernel's LRU keeps free and pending entries per CPU, so
	 * which entries it evicts first is only exact for one CPU's inserts. */
	CPU_ZERO(&cpu);
	CPU_SET(sched_getcpu(), &cpu);
	if (sched_setaffinity(0, sizeof(cpu), &cpu)) {
		perror("sched_setaffinity");
		return 4;
	}
	while (entries < n)
		entries *= 2;
	if (ring_init(&r, entries)) {
		perror("io_uring");
		return 3;
	}
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 4096) ||
	    getsockname(l, (void *)&a, &alen))
		return 4;
	printf("listener %d\n", l);

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_ACCEPT;
	sqe.fd = l;
	for (i = 1; i <= n; i++) {
		sqe.user_data = i;
		ring_queue(&r, &sqe);
	}
	if (ring_enter(&r, n, 0) != (int)n) {
		perror("io_uring_enter");
		return 5;
	}
	printf("inflight_cqes %u\n", *r.cq_tail - *r.cq_head);
	/* Each connection wakes one accept; its completion runs as task work
	 * when connect returns, so the listen backlog never fills. */
	for (i = 0; i < n; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0);

		if (c < 0 || connect(c, (void *)&a, sizeof(a)) || reap_accepts(&r, n, &done))
			return 6;
	}
	while (done < n)
		if (ring_enter(&r, 0, 1) < 0 || reap_accepts(&r, n, &done))
			return 7;

	/* the map must still serve a request submitted after the storm */
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_OPENAT;
	sqe.fd = AT_FDCWD;
	sqe.addr = (unsigned long)"/dev/null";
	sqe.open_flags = O_RDONLY;
	sqe.user_data = OPEN_USER_DATA;
	printf("open %u %d\n", OPEN_USER_DATA, ring_next(&r, &sqe, NULL));
	return fflush(stdout) ? 8 : 0;
}

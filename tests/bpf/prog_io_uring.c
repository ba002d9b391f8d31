/* The process test_io_uring_events watches: sets up an io_uring with raw
 * syscalls (no liburing) and submits, one at a time, an openat, a connect
 * to a loopback listener, a send, a nop (not reported), an openat of a
 * missing file and a multishot accept (two connections, then cancelled),
 * printing "NAME RES" per completion (RES the CQE's result),
 * after "ring FD", "setup_bad RET" (a setup that fails), "sock FD" and
 * "port N". Usage: prog_io_uring FILE (an existing file to open). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io_uring_ring.h"

/* Submit one request and wait for its completion; its result. */
static int ring_run(struct ring *r, const struct io_uring_sqe *sqe)
{
	return ring_next(r, sqe, NULL);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	struct io_uring_sqe sqe;
	struct io_uring_params bad;
	struct ring r;
	unsigned flags = 0;
	int l, s, s2, res, res2;

	if (argc != 2) {
		fprintf(stderr, "usage: prog_io_uring FILE\n");
		return 2;
	}
	memset(&bad, 0, sizeof(bad));
	bad.flags = 0x80000000u; /* an unknown setup flag: -EINVAL */
	printf("setup_bad %d\n", syscall(SYS_io_uring_setup, 4, &bad) < 0 ? -errno : 0);
	if (ring_init(&r, 4)) {
		perror("io_uring");
		return 3;
	}
	l = socket(AF_INET, SOCK_STREAM, 0);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || s < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (void *)&a, &alen))
		return 4;
	printf("ring %d\nsock %d\nport %d\n", r.fd, s, ntohs(a.sin_port));

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_OPENAT;
	sqe.fd = AT_FDCWD;
	sqe.addr = (unsigned long)argv[1];
	sqe.open_flags = O_RDONLY | O_CLOEXEC;
	sqe.user_data = 0x1111;
	printf("openat %d\n", ring_run(&r, &sqe));

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_CONNECT;
	sqe.fd = s;
	sqe.addr = (unsigned long)&a;
	sqe.off = sizeof(a);
	sqe.user_data = 0x2222;
	printf("connect %d\n", ring_run(&r, &sqe));

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_SEND;
	sqe.fd = s;
	sqe.addr = (unsigned long)"hello";
	sqe.len = 5;
	sqe.user_data = 0x3333;
	printf("send %d\n", ring_run(&r, &sqe));

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_NOP;
	sqe.user_data = 0x4444;
	printf("nop %d\n", ring_run(&r, &sqe));

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_OPENAT;
	sqe.fd = AT_FDCWD;
	sqe.addr = (unsigned long)"/nonexistent-ringtap-uring";
	sqe.open_flags = O_RDONLY;
	sqe.user_data = 0x5555;
	printf("openat_missing %d\n", ring_run(&r, &sqe));

	/* A multishot accept: one completion per connection (flag MORE): the
	 * connect's pending one, then a second; a cancel ends it (-ECANCELED,
	 * no MORE), in either order with the cancel's own completion. */
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_ACCEPT;
	sqe.fd = l;
	sqe.ioprio = IORING_ACCEPT_MULTISHOT;
	sqe.user_data = 0x6666;
	res = ring_next(&r, &sqe, &flags);
	printf("accept_multi %d\naccept_multi_flags %u\n", res, flags);
	s2 = socket(AF_INET, SOCK_STREAM, 0);
	if (s2 < 0 || connect(s2, (void *)&a, sizeof(a)))
		return 5;
	res = ring_next(&r, NULL, &flags);
	printf("accept_multi2 %d\naccept_multi2_flags %u\n", res, flags);
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_ASYNC_CANCEL;
	sqe.addr = 0x6666;
	sqe.user_data = 0x7777;
	res = ring_next(&r, &sqe, NULL);
	res2 = ring_next(&r, NULL, NULL);
	printf("cancel_results %d\n", res + res2); /* 0 (cancel) + -ECANCELED (accept) */
	fflush(stdout);
	return 0;
}

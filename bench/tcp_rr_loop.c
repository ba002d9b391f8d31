/* Loopback request/response: a client sends 1 byte, a forked server echoes
 * it, N times over one TCP connection (--connections: a new connection
 * for every round trip, which exercises connect/accept/established/close).
 * Prints "wall_ns cpu_ns" per round trip, cpu being both processes' CPU
 * time (client's own + the waited-for server's). DNS mode (--dns PORT):
 * N UDP queries for example.test A to 127.0.0.1:PORT from one socket, each
 * answered by a forked responder; same output per query. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long child_cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int tcp_socket(void)
{
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* the DNS query and answer for example.test A (id patched per query) */
static const unsigned char query[] = { 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
				       4, 't', 'e', 's', 't', 0, 0, 1, 0, 1 };
static const unsigned char answer_rr[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3 };

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int conns = argc > 2 && !strcmp(argv[2], "--connections");
	int dns = argc > 3 && !strcmp(argv[2], "--dns");
	long n = argc > 1 ? atol(argv[1]) : 100000;
	int lfd, fd, one = 1;
	char b = 'x';
	long long w0, c0;
	pid_t pid;

	if (n <= 0) {
		fprintf(stderr, "usage: tcp_rr_loop N [--connections | --dns PORT]\n");
		return 2;
	}
	if (dns) {
		unsigned char buf[512];

		a.sin_port = htons(atoi(argv[3]));
		lfd = socket(AF_INET, SOCK_DGRAM, 0);
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (lfd < 0 || bind(lfd, (void *)&a, sizeof(a)))
			die("bind dns");
		pid = fork();
		if (pid == 0) {
			for (long i = 0; i < n; i++) {
				struct sockaddr_in from;
				socklen_t fl = sizeof(from);
				ssize_t r = recvfrom(lfd, buf, sizeof(buf) - sizeof(answer_rr), 0, (void *)&from, &fl);

				if (r < 12)
					_exit(1);
				buf[2] |= 0x80;
				buf[7] = 1; /* one answer */
				memcpy(buf + r, answer_rr, sizeof(answer_rr));
				sendto(lfd, buf, r + sizeof(answer_rr), 0, (void *)&from, fl);
			}
			_exit(0);
		}
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		memcpy(buf, query, sizeof(query));
		w0 = now_ns(CLOCK_MONOTONIC);
		c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
		for (long i = 0; i < n; i++) {
			buf[0] = i >> 8, buf[1] = i;
			if (sendto(fd, buf, sizeof(query), 0, (void *)&a, sizeof(a)) < 0 ||
			    recv(fd, buf + 64, sizeof(buf) - 64, 0) <= 0)
				die("dns round trip");
		}
	} else {
		lfd = tcp_socket();
		if (bind(lfd, (void *)&a, sizeof(a)) || listen(lfd, 128) || getsockname(lfd, (void *)&a, &alen))
			die("listen");
		pid = fork();
		if (pid == 0) {
			for (long i = 0; i < (conns ? n : 1); i++) {
				int c = accept(lfd, NULL, NULL);

				if (c < 0)
					_exit(1);
				while (read(c, &b, 1) == 1 && write(c, &b, 1) == 1)
					if (conns)
						break;
				close(c);
			}
			_exit(0);
		}
		w0 = now_ns(CLOCK_MONOTONIC);
		c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
		fd = -1;
		for (long i = 0; i < n; i++) {
			if (fd < 0) {
				fd = tcp_socket();
				if (connect(fd, (void *)&a, sizeof(a)))
					die("connect");
			}
			if (write(fd, &b, 1) != 1 || read(fd, &b, 1) != 1)
				die("round trip");
			if (conns) {
				close(fd);
				fd = -1;
			}
		}
		if (fd >= 0)
			close(fd);
	}
	int status;

	waitpid(pid, &status, 0);
	long long wall = now_ns(CLOCK_MONOTONIC) - w0;
	long long cpu = now_ns(CLOCK_PROCESS_CPUTIME_ID) - c0 + child_cpu_ns();

	printf("%lld %lld\n", wall / n, cpu / n);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

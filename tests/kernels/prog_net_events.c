/* The kernel matrix's network workload (tests/kernels/scenario.sh): in a
 * private network namespace with lo up (so port 53 is free on the host leg
 * too), one process makes every network event type once and prints what the
 * checker cannot otherwise know, one "NAME VALUE" line each:
 *  - dns: a tiny responder on 127.0.0.1:53 answers one UDP query for
 *    kernels.test A with 10.1.2.3 ("dns_id", "dns_answer");
 *  - bind/listen/tcp_established/tcp_close: a TCP listener on 127.0.0.1:0
 *    with backlog 7, a client that sends 1000 bytes, both ends closed
 *    ("tcp_port");
 *  - socket: a raw ICMP socket ("raw_fd");
 *  - unix_socket: a stream socket bound to DIR/u.sock and a connect to it.
 * Exits 0 when every step worked, 1 otherwise (the failing step is printed).
 * Usage: prog_net_events DIR */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define DNS_ID 0x5a17

static int fail(const char *what)
{
	printf("failed %s %d\n", what, -errno);
	return 1;
}

static int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret = -1;

	if (fd < 0)
		return -1;
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* One A query for kernels.test and its answer, 10.1.2.3, TTL 60. */
static int dns(void)
{
	static const unsigned char question[] = "\x07kernels\x04test\x00\x00\x01\x00\x01";
	static const unsigned char answer[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3 };
	unsigned char q[512], r[512];
	struct sockaddr_in srv = loopback(53), from;
	socklen_t len = sizeof(from);
	int s = socket(AF_INET, SOCK_DGRAM, 0), c = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n;

	if (s < 0 || c < 0 || bind(s, (void *)&srv, sizeof(srv)))
		return fail("dns_server");
	memcpy(q, (unsigned char[]){ DNS_ID >> 8, DNS_ID & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 }, 12);
	memcpy(q + 12, question, sizeof(question) - 1);
	if (sendto(c, q, 12 + sizeof(question) - 1, 0, (void *)&srv, sizeof(srv)) < 0)
		return fail("dns_query");
	n = recvfrom(s, r, sizeof(r), 0, (void *)&from, &len);
	if (n < 12 + (ssize_t)sizeof(question) - 1)
		return fail("dns_recv_query");
	r[2] = 0x81, r[3] = 0x80; /* response, RD, RA, NOERROR */
	r[7] = 1;		  /* ANCOUNT */
	memcpy(r + n, answer, sizeof(answer));
	if (sendto(s, r, n + sizeof(answer), 0, (void *)&from, len) < 0)
		return fail("dns_answer");
	if (recv(c, q, sizeof(q), 0) != n + (ssize_t)sizeof(answer))
		return fail("dns_recv_answer");
	printf("dns_id %d\ndns_answer 10.1.2.3\n", DNS_ID);
	close(c);
	close(s);
	return 0;
}

static int tcp(void)
{
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof(a);
	char buf[1000] = { 0 };
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), s;

	if (l < 0 || c < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 7) ||
	    getsockname(l, (void *)&a, &len) || connect(c, (void *)&a, sizeof(a)))
		return fail("tcp_setup");
	s = accept(l, NULL, NULL);
	if (s < 0 || send(c, buf, sizeof(buf), 0) != sizeof(buf) ||
	    recv(s, buf, sizeof(buf), MSG_WAITALL) != sizeof(buf))
		return fail("tcp_transfer");
	printf("tcp_port %d\n", ntohs(a.sin_port));
	close(c);
	close(s);
	close(l);
	return 0;
}

static int unix_socket(const char *dir)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/u.sock", dir);
	unlink(a.sun_path);
	if (l < 0 || c < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 1) ||
	    connect(c, (void *)&a, sizeof(a)))
		return fail("unix");
	printf("unix_path %s\n", a.sun_path);
	close(c);
	close(l);
	return 0;
}

int main(int argc, char **argv)
{
	int raw;

	if (argc != 2) {
		fprintf(stderr, "usage: prog_net_events DIR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (unshare(CLONE_NEWNET) || lo_up())
		return fail("netns");
	raw = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (raw < 0)
		return fail("raw_socket");
	printf("raw_fd %d\n", raw);
	close(raw);
	return dns() || tcp() || unix_socket(argv[1]);
}

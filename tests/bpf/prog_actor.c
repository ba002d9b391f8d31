/* The process the live BPF test watches. Usage:
 *   prog_actor PATH PORT ARG...
 * Opens PATH (openat, O_RDONLY|O_CREAT|O_CLOEXEC, 0640), connects over TCP
 * to 127.0.0.1:PORT, forks a child that exits with 7, waits for it, and
 * exits with 3. Prints what the test cannot otherwise know on stdout:
 *   open_fd N / sock_fd N / local_port N / grandchild PID
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET }, local;
	socklen_t len = sizeof(local);
	int fd, sock, status;
	pid_t child;

	if (argc < 3) {
		fprintf(stderr, "usage: prog_actor PATH PORT ARG...\n");
		return 2;
	}
	fd = syscall(SYS_openat, AT_FDCWD, argv[1], O_RDONLY | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	printf("open_fd %d\n", fd);

	sock = socket(AF_INET, SOCK_STREAM, 0);
	dst.sin_port = htons(atoi(argv[2]));
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (sock < 0 || connect(sock, (struct sockaddr *)&dst, sizeof(dst)) ||
	    getsockname(sock, (struct sockaddr *)&local, &len)) {
		perror("connect");
		return 2;
	}
	printf("sock_fd %d\nlocal_port %d\n", sock, ntohs(local.sin_port));

	fflush(stdout);
	child = fork();
	if (child == 0)
		_exit(7);
	printf("grandchild %d\n", (int)child);
	fflush(stdout);
	if (child < 0 || waitpid(child, &status, 0) != child)
		return 2;
	close(sock);
	close(fd);
	return 3;
}

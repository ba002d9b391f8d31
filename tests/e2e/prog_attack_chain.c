/* The scripted attack chain test_attack_chain.sh watches (run as root):
 * write a binary, chmod +x it, exec it from a memfd (in a child), unshare
 * a mount namespace and mount a tmpfs, ptrace a child, rename and delete a
 * file, dup2 a connected socket onto stdin. Usage: prog_attack_chain DIR
 * (empty, writable). Prints one line "KEY VALUE" per fact the checker
 * needs: its pids and paths. Exits non-zero if a step fails. */
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define STEP(ok, what)                                                                   \
	do {                                                                             \
		if (!(ok)) {                                                             \
			perror(what);                                                    \
			exit(3);                                                         \
		}                                                                        \
	} while (0)

static char image[4 << 20];

int main(int argc, char **argv)
{
	char payload[4096], renamed[4096], mnt[4096];
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	ssize_t n;
	int fd, mfd, l, s, status;
	pid_t runner, traced;

	if (argc != 2) {
		fprintf(stderr, "usage: prog_attack_chain DIR\n");
		return 2;
	}
	snprintf(payload, sizeof(payload), "%s/payload", argv[1]);
	snprintf(renamed, sizeof(renamed), "%s/payload.old", argv[1]);
	snprintf(mnt, sizeof(mnt), "%s/mnt", argv[1]);
	printf("pid %d\npayload %s\nrenamed %s\nmnt %s\n", getpid(), payload, renamed, mnt);

	/* 1. write a binary (a copy of /bin/true) */
	fd = open("/bin/true", O_RDONLY);
	STEP(fd >= 0, "/bin/true");
	n = read(fd, image, sizeof(image));
	STEP(n > 0 && (size_t)n < sizeof(image), "read /bin/true");
	close(fd);
	fd = open(payload, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	STEP(fd >= 0 && write(fd, image, n) == n, "write payload");
	close(fd);
	/* 2. chmod +x */
	STEP(chmod(payload, 0755) == 0, "chmod");
	/* 3. exec it from a memfd */
	mfd = memfd_create("payload", 0);
	STEP(mfd >= 0 && write(mfd, image, n) == n, "memfd");
	fflush(stdout);
	runner = fork();
	STEP(runner >= 0, "fork");
	if (runner == 0) {
		char *args[] = { "payload", NULL }, *env[] = { NULL };

		syscall(SYS_execveat, mfd, "", args, env, AT_EMPTY_PATH);
		_exit(4);
	}
	STEP(waitpid(runner, &status, 0) == runner && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	     "memfd exec");
	printf("runner %d\n", runner);
	/* 4. unshare a mount namespace and mount a tmpfs */
	STEP(unshare(CLONE_NEWNS) == 0, "unshare");
	STEP(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "make / private");
	STEP(mkdir(mnt, 0700) == 0, "mkdir");
	STEP(mount("chain", mnt, "tmpfs", 0, "size=1m") == 0, "mount tmpfs");
	/* 5. ptrace a child */
	fflush(stdout);
	traced = fork();
	STEP(traced >= 0, "fork");
	if (traced == 0) {
		pause();
		_exit(0);
	}
	printf("traced %d\n", traced);
	STEP(ptrace(PTRACE_ATTACH, traced, 0, 0) == 0, "ptrace attach");
	STEP(waitpid(traced, &status, 0) == traced, "wait traced");
	STEP(ptrace(PTRACE_DETACH, traced, 0, 0) == 0, "ptrace detach");
	kill(traced, SIGKILL);
	waitpid(traced, NULL, 0);
	/* 6. rename and delete a file */
	STEP(rename(payload, renamed) == 0, "rename");
	STEP(unlink(renamed) == 0, "unlink");
	/* 7. dup2 a connected socket onto stdin */
	l = socket(AF_INET, SOCK_STREAM, 0);
	s = socket(AF_INET, SOCK_STREAM, 0);
	STEP(l >= 0 && s >= 0 && bind(l, (void *)&a, sizeof(a)) == 0 && listen(l, 1) == 0 &&
	     getsockname(l, (void *)&a, &alen) == 0 && connect(s, (void *)&a, sizeof(a)) == 0,
	     "connect");
	printf("port %d\n", ntohs(a.sin_port));
	STEP(dup2(s, 0) == 0, "dup2");
	umount2(mnt, MNT_DETACH);
	return 0;
}

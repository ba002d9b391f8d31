/* The kernel matrix's module step: finit_module of a real module file (from
 * the leg's Debian kernel package, under a file name that is not its own),
 * then delete_module of the name the kernel gave it. Prints
 * "finit_module RET" and "delete_module RET" (RET 0 or -errno).
 * Usage: prog_module_load FILE NAME */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd, rc;

	if (argc != 3) {
		fprintf(stderr, "usage: prog_module_load FILE NAME\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 3;
	}
	rc = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	printf("finit_module %d\n", rc);
	close(fd);
	rc = syscall(SYS_delete_module, argv[2], O_NONBLOCK) ? -errno : 0;
	printf("delete_module %d\n", rc);
	return 0;
}

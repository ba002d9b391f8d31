/* The process test_file_events watches. Usage: prog_file_events DIR
 * (DIR empty and writable). Makes every file-event syscall once, in the
 * order below, through syscall(2) so libc cannot substitute another call,
 * and prints one line per call: "NAME RET" (RET 0 or -errno), after
 * "dirfd N" (DIR opened O_PATH) and "fd N" (DIR/c1 opened O_RDONLY).
 * Calls the architecture lacks (arm64 has only the *at forms) print
 * "NAME skip". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452 /* same number on every architecture */
#endif

static const char *dir;

static const char *in_dir(const char *name)
{
	static char buf[8][4096];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void report(const char *name, long ret)
{
	printf("%s %ld\n", name, ret < 0 ? -(long)errno : ret);
}

#define CALL(name, ...) report(name, syscall(__VA_ARGS__))
#define SKIP(name) printf("%s skip\n", name)

static void touch(const char *name)
{
	int fd = open(in_dir(name), O_WRONLY | O_CREAT, 0600);

	if (fd < 0) {
		perror(name);
		exit(2);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	int dirfd, fd;

	if (argc != 2) {
		fprintf(stderr, "usage: prog_file_events DIR\n");
		return 2;
	}
	dir = argv[1];
	touch("u1");
	touch("u2");
	touch("r1");
	touch("c1");
	if (mkdir(in_dir("d1"), 0700)) {
		perror("mkdir");
		return 2;
	}
	dirfd = open(dir, O_PATH | O_DIRECTORY);
	fd = open(in_dir("c1"), O_RDONLY);
	if (dirfd < 0 || fd < 0) {
		perror(dir);
		return 2;
	}
	printf("dirfd %d\nfd %d\n", dirfd, fd);

#ifdef SYS_unlink
	CALL("unlink", SYS_unlink, in_dir("u1"));
	CALL("unlink_missing", SYS_unlink, in_dir("missing"));
#else
	SKIP("unlink"), SKIP("unlink_missing");
#endif
	CALL("unlinkat", SYS_unlinkat, dirfd, "u2", 0);
#ifdef SYS_rmdir
	CALL("rmdir", SYS_rmdir, in_dir("d1"));
#else
	SKIP("rmdir");
#endif
#ifdef SYS_rename
	CALL("rename", SYS_rename, in_dir("r1"), in_dir("r2"));
#else
	CALL("rename", SYS_renameat, AT_FDCWD, in_dir("r1"), AT_FDCWD, in_dir("r2"));
#endif
	CALL("renameat", SYS_renameat, dirfd, "r2", dirfd, "r3");
	CALL("renameat2", SYS_renameat2, AT_FDCWD, in_dir("r3"), AT_FDCWD, in_dir("c1"), 1 /* NOREPLACE */);
#ifdef SYS_chmod
	CALL("chmod", SYS_chmod, in_dir("c1"), 04755);
#else
	SKIP("chmod");
#endif
	CALL("fchmod", SYS_fchmod, fd, 02750);
	CALL("fchmodat", SYS_fchmodat, dirfd, "c1", 01777);
	CALL("fchmodat2", SYS_fchmodat2, dirfd, "missing", 0644, 0x100 /* AT_SYMLINK_NOFOLLOW */);
#ifdef SYS_chown
	CALL("chown", SYS_chown, in_dir("c1"), 1234, 5678);
	CALL("lchown", SYS_lchown, in_dir("c1"), 7, -1);
#else
	SKIP("chown"), SKIP("lchown");
#endif
	CALL("fchown", SYS_fchown, fd, -1, 42);
	CALL("fchownat", SYS_fchownat, dirfd, "c1", 8, 9, 0x100);
#ifdef SYS_link
	CALL("link", SYS_link, in_dir("c1"), in_dir("l1"));
	CALL("symlink", SYS_symlink, "/etc/shadow", in_dir("s1"));
#else
	SKIP("link"), SKIP("symlink");
#endif
	CALL("linkat", SYS_linkat, dirfd, "c1", dirfd, "l2", 0);
	CALL("symlinkat", SYS_symlinkat, "target-rel", dirfd, "s2");
#ifdef SYS_mknod
	CALL("mknod", SYS_mknod, in_dir("fifo1"), S_IFIFO | 0600, 0);
#else
	SKIP("mknod");
#endif
	CALL("mknodat", SYS_mknodat, dirfd, "fifo2", S_IFIFO | 0640, 0);
	CALL("mknodat_exists", SYS_mknodat, dirfd, "fifo2", S_IFIFO | 0640, 0);
	fflush(stdout);
	return 0;
}

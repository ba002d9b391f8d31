/* The common header's identity fields, read by the probes straight from the
 * task (bpf/record.h), must be what the kernel's helpers and /proc say: a
 * child process renames itself from a 15-byte comm to a short one and opens
 * a marker file from a second thread; its open record must name the thread
 * (tid), the process (tgid), its parent, its ids, its cgroup v2 id (the
 * cgroup directory's inode number, what bpf_get_current_cgroup_id returns)
 * and the short comm NUL-padded to 16 bytes (policy looks comm up as a
 * 16-byte key: a leftover byte of the long name would dodge a comm rule).
 * Kernels since 6.x pad comm themselves (strscpy_pad), so there the padding
 * check guards the read, not bpf/record.h's zeroing, which is for older
 * kernels. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <mntent.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bpf_test.h"

static char marker[64];
static int tid_pipe[2];

static void *open_marker(void *arg)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);
	int fd;

	(void)arg;
	if (write(tid_pipe[1], &tid, sizeof(tid)) != sizeof(tid))
		return (void *)1;
	fd = open(marker, O_RDONLY);
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* The cgroup v2 directory of pid (from /proc/PID/cgroup "0::PATH" and the
 * cgroup2 mount); 0 when there is none. */
static ino_t cgroup2_ino(pid_t pid)
{
	char path[4096] = "", line[4096], file[64];
	struct mntent *m;
	struct stat st;
	FILE *f;

	f = setmntent("/proc/self/mounts", "r");
	while (f && (m = getmntent(f)))
		if (!strcmp(m->mnt_type, "cgroup2")) {
			snprintf(path, sizeof(path), "%s", m->mnt_dir);
			break;
		}
	if (f)
		endmntent(f);
	snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
	f = fopen(file, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			strncat(path, line + 3, sizeof(path) - strlen(path) - 1);
			break;
		}
	if (f)
		fclose(f);
	return path[0] && !stat(path, &st) ? st.st_ino : 0;
}

static bool has_open_of(const struct rec_list *l, void *arg)
{
	const struct rt_header *h;
	int i;

	for (i = 0; (h = rec_find(l, RT_EVENT_OPEN, *(const pid_t *)arg, i)); i++) {
		const struct rt_open_body *b = rec_body(h);

		if (b->path_len == strlen(marker) && !memcmp(b + 1, marker, b->path_len))
			return true;
	}
	return false;
}

static void test_open_header(void **state)
{
	static const char short_comm[RT_COMM_LEN] = "hdr"; /* NUL-padded */
	struct source_config cfg = { 0 };
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	const struct rt_header *h = NULL;
	int go[2], done[2], status, i;
	pid_t child, tid = 0;
	ino_t cg;
	char ch;

	(void)state;
	snprintf(marker, sizeof(marker), "/tmp/ringtap-hdr-%d", (int)getpid());
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(done), 0);
	assert_int_equal(pipe(tid_pipe), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pthread_t t;

		if (read(go[0], &ch, 1) != 1)
			_exit(90);
		if (prctl(PR_SET_NAME, "abcdefghijklmno") || prctl(PR_SET_NAME, "hdr"))
			_exit(91);
		if (pthread_create(&t, NULL, open_marker, NULL) || pthread_join(t, NULL))
			_exit(92);
		if (read(done[0], &ch, 1) != 1) /* stay alive: /proc/PID/cgroup */
			_exit(93);
		_exit(0);
	}
	cfg.target_tgid = child;
	assert_int_equal(source_bpf_ops.create(&cfg, &src), 0);
	rec_list_watch(&recs, child);
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(read(tid_pipe[0], &tid, sizeof(tid)), sizeof(tid));
	assert_int_equal(rec_drain_until(src, &recs, has_open_of, &child, 5000), 0);
	cg = cgroup2_ino(child);
	assert_int_equal(write(done[1], "d", 1), 1);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	for (i = 0; (h = rec_find(&recs, RT_EVENT_OPEN, child, i)); i++) {
		const struct rt_open_body *b = rec_body(h);

		if (b->path_len == strlen(marker) && !memcmp(b + 1, marker, b->path_len))
			break;
	}
	assert_non_null(h);
	assert_int_equal(h->tgid, child);
	assert_int_equal(h->tid, tid);
	assert_int_not_equal(h->tid, h->tgid);
	assert_int_equal(h->ppid, getpid());
	assert_int_equal(h->uid, getuid());
	assert_int_equal(h->gid, getgid());
	assert_int_equal(h->euid, geteuid());
	assert_int_equal(h->egid, getegid());
	assert_memory_equal(h->comm, short_comm, RT_COMM_LEN);
	if (cg)
		assert_int_equal(h->cgroup_id, cg);
	else
		assert_true(h->cgroup_id > 0); /* no cgroup2 mount to compare with */

	rec_list_free(&recs);
	source_destroy(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_header),
	};

	bpf_test_require_or_skip();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Effective ids: a setuid-root program run by nobody (uid 65534) opens a
 * file. The record must say who asked (uid 65534) and with whose rights
 * (euid 0); with the real ids alone the escalation is invisible. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "bpf_test.h"

#define NOBODY 65534

static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	ssize_t n = 0;

	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			n = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return in < 0 || out < 0 || n < 0 || chmod(to, mode) ? -1 : 0;
}

static void test_setuid_open(void **state)
{
	struct source_config cfg = { 0 };
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	const struct rt_header *h;
	char dir[64], prog[96], data[96];
	int go[2], status, fd;
	char ch;
	pid_t child;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ringtap-suid-%d", (int)getpid());
	snprintf(prog, sizeof(prog), "%s/cat", dir);
	snprintf(data, sizeof(data), "%s/data", dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(copy_file("/bin/cat", prog, 04755), 0);
	fd = open(data, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	close(fd);

	assert_int_equal(pipe(go), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (read(go[0], &ch, 1) != 1 || null < 0 || dup2(null, 1) < 0)
			_exit(90);
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(91);
		execl(prog, "cat", data, (char *)NULL);
		_exit(92);
	}
	cfg.target_tgid = child;
	assert_int_equal(source_bpf_ops.create(&cfg, &src), 0);
	rec_list_watch(&recs, child);
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 5000), 0);

	h = rec_find_open(&recs, child, data);
	assert_non_null(h);
	assert_int_equal(h->uid, NOBODY);
	assert_int_equal(h->gid, NOBODY);
	assert_int_equal(h->euid, 0);
	assert_int_equal(h->egid, NOBODY); /* not setgid */

	rec_list_free(&recs);
	source_destroy(src);
	unlink(prog);
	unlink(data);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setuid_open),
	};

	bpf_test_require_or_skip();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

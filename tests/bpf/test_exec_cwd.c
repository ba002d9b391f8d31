/* exec's cwd, live: children chdir to known directories and exec (and fail
 * an exec first); each exec record's cwd must be the directory as getcwd(3)
 * names it: a plain directory (with a space), "/", a directory under a bind
 * mount (the mount point's path, not the source's), the depth bound
 * (RT_CWD_DEPTH_MAX components exactly: whole; one more: cut, flagged, the
 * deepest components kept), and the failed exec's record (sys_exit path). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "bpf_test.h"

#define NCASES 6

struct cwd_case {
	const char *name;
	char dir[4096];	 /* chdir here */
	char want[4096]; /* the cwd expected (getcwd's), or the cut tail */
	bool bind;	 /* bind-mount src onto dst in a private mount ns first */
	bool cut;
	pid_t pid;
};

static char base[256];

static void mkdirs(const char *path)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

/* The child: wait for go, set up its cwd, fail an exec, then exec true. */
static void child_run(const struct cwd_case *k, int go)
{
	char c, *argv[] = { "true", NULL }, *envp[] = { NULL };

	if (read(go, &c, 1) != 1)
		_exit(90);
	if (k->bind) {
		char src[4096], dst[4096];

		snprintf(src, sizeof(src), "%s/bind-src", base);
		snprintf(dst, sizeof(dst), "%s/bind-dst", base);
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount(src, dst, NULL, MS_BIND, NULL))
			_exit(91);
	}
	if (chdir(k->dir))
		_exit(92);
	execve("/nonexistent-ringtap-cwd", argv, envp);
	execve("/bin/true", argv, envp);
	_exit(93);
}

static bool all_exited(const struct rec_list *l, void *arg)
{
	const struct cwd_case *cases = arg;

	for (int i = 0; i < NCASES; i++)
		if (!rec_find(l, RT_EVENT_EXIT, cases[i].pid, 0))
			return false;
	return true;
}

static void check_exec(const struct cwd_case *k, const struct rt_header *h, long ret)
{
	const struct rt_exec_body *b;
	const char *cwd;

	print_message("checking %s (ret %ld)\n", k->name, ret);
	assert_non_null(h);
	b = rec_body(h);
	assert_int_equal(h->abi_version, RT_ABI_VERSION);
	assert_int_equal(b->ret, ret);
	assert_int_equal(h->size, sizeof(*h) + sizeof(*b) + b->filename_len + b->argv_len + b->cwd_len);
	cwd = (const char *)(b + 1) + b->filename_len + b->argv_len;
	if (b->cwd_len != strlen(k->want) || memcmp(cwd, k->want, b->cwd_len))
		fail_msg("%s: cwd '%.*s', want '%s'", k->name, (int)b->cwd_len, cwd, k->want);
	assert_int_equal(!!(b->cwd_flags & RT_CWD_TRUNCATED), k->cut);
	assert_int_equal(!!(h->flags & RT_FLAG_TRUNCATED), k->cut);
}

/* dir and a chain of n components below it: dir/d1/d2/... */
static void deep_path(char *out, size_t size, const char *dir, int n)
{
	size_t o = snprintf(out, size, "%s", dir);

	for (int i = 1; i <= n; i++)
		o += snprintf(out + o, size - o, "/d%d", i);
}

static int components(const char *path)
{
	int n = 0;

	for (const char *s = path; *s; s++)
		n += *s == '/' && s[1];
	return n;
}

static void test_exec_cwd(void **state)
{
	static struct cwd_case cases[NCASES];
	unsigned char enabled[RT_EVENT_MAX];
	struct policy_compiled *policy = bpf_test_permissive_policy(7);
	struct source_config cfg = { .ring_bytes = 8u << 20, .policy = policy, .event_enabled = enabled };
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	char real[PATH_MAX], cmd[512], tmp[4096];
	int go[2], status, nbase;

	(void)state;
	assert_non_null(policy);
	memset(enabled, 1, sizeof(enabled));
	snprintf(base, sizeof(base), "/tmp/ringtap-cwd-XXXXXX");
	assert_non_null(mkdtemp(base));
	assert_non_null(realpath(base, real)); /* /tmp may be a symlink */
	assert_true(strlen(real) < sizeof(base));
	strcpy(base, real);
	nbase = components(base);

	cases[0].name = "plain";
	snprintf(cases[0].dir, sizeof(cases[0].dir), "%s/a dir", base);
	snprintf(cases[0].want, sizeof(cases[0].want), "%s", cases[0].dir);
	cases[1].name = "root";
	snprintf(cases[1].dir, sizeof(cases[1].dir), "/");
	snprintf(cases[1].want, sizeof(cases[1].want), "/");
	cases[2].name = "bind";
	cases[2].bind = true;
	snprintf(cases[2].dir, sizeof(cases[2].dir), "%s/bind-dst/sub", base);
	snprintf(cases[2].want, sizeof(cases[2].want), "%s", cases[2].dir);
	snprintf(tmp, sizeof(tmp), "%s/bind-src/sub", base);
	mkdirs(tmp);
	snprintf(tmp, sizeof(tmp), "%s/bind-dst", base);
	mkdirs(tmp);
	/* exactly RT_CWD_DEPTH_MAX components: whole */
	cases[3].name = "depth-max";
	deep_path(cases[3].dir, sizeof(cases[3].dir), base, RT_CWD_DEPTH_MAX - nbase);
	snprintf(cases[3].want, sizeof(cases[3].want), "%s", cases[3].dir);
	/* one more: cut, the deepest RT_CWD_DEPTH_MAX kept */
	cases[4].name = "depth-max+1";
	cases[4].cut = true;
	deep_path(cases[4].dir, sizeof(cases[4].dir), base, RT_CWD_DEPTH_MAX - nbase + 1);
	{	/* want: its last RT_CWD_DEPTH_MAX components, no leading '/' */
		const char *p = cases[4].dir + strlen(cases[4].dir);
		int n = 0;

		while (p > cases[4].dir && n < RT_CWD_DEPTH_MAX)
			if (*--p == '/')
				n++;
		snprintf(cases[4].want, sizeof(cases[4].want), "%s", p + 1);
	}
	cases[5].name = "deep-long";
	/* long names: 12 components of 200 bytes, 2.4 KB */
	{
		size_t o = snprintf(cases[5].dir, sizeof(cases[5].dir), "%s", base);

		for (int i = 0; i < 12; i++)
			o += snprintf(cases[5].dir + o, sizeof(cases[5].dir) - o, "/%0200d", i);
	}
	snprintf(cases[5].want, sizeof(cases[5].want), "%s", cases[5].dir);
	for (int i = 0; i < NCASES; i++)
		if (!cases[i].bind)
			mkdirs(cases[i].dir);
	assert_int_equal(components(cases[3].want), RT_CWD_DEPTH_MAX);
	assert_int_equal(components(cases[4].dir), RT_CWD_DEPTH_MAX + 1);

	assert_int_equal(pipe(go), 0);
	for (int i = 0; i < NCASES; i++) {
		cases[i].pid = fork();
		assert_true(cases[i].pid >= 0);
		if (cases[i].pid == 0) {
			close(go[1]);
			child_run(&cases[i], go[0]);
		}
		rec_list_watch(&recs, cases[i].pid);
	}
	close(go[0]);
	if (source_bpf_ops.create(&cfg, &src))
		fail_msg("create: %s", src ? src->ops->last_error(src) : "?");
	for (int i = 0; i < NCASES; i++)
		assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(rec_drain_until(src, &recs, all_exited, cases, 15000), 0);
	for (int i = 0; i < NCASES; i++) {
		assert_int_equal(waitpid(cases[i].pid, &status, 0), cases[i].pid);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fail_msg("%s: child status %#x", cases[i].name, status);
	}
	for (int i = 0; i < NCASES; i++) {
		/* the failed exec (sys_exit), then the successful one (sched_process_exec) */
		check_exec(&cases[i], rec_find(&recs, RT_EVENT_EXEC, cases[i].pid, 0), -ENOENT);
		check_exec(&cases[i], rec_find(&recs, RT_EVENT_EXEC, cases[i].pid, 1), 0);
	}

	source_destroy(src);
	rec_list_free(&recs);
	free(policy);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_cwd),
	};

	bpf_test_require_or_skip();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

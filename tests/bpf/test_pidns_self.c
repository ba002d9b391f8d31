/* ringtap in its own pid namespace (the Helm chart's pod): it must still
 * skip its own activity, see everybody else's, and take --pid as a pid of
 * its namespace. A child unshares CLONE_NEWPID; its child (pid 1 there)
 * plays ringtap: it creates the source, opens a file itself, and lets a
 * sibling (pid 2 there) open another. Inside the namespace getpid() is 1,
 * which globally is the host's init: a sensor that trusted it would trace
 * itself and hide init. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "bpf_test.h"

/* Exit codes of the namespaced "ringtap" (pid 1): which check failed. */
enum {
	NS_OK = 0,
	NS_NOT_PID1 = 10,
	NS_CREATE = 11,
	NS_SIBLING_MISSING = 12,
	NS_SELF_SEEN = 13,
	NS_TARGET_MISSING = 14,
	NS_TARGET_OTHERS = 15,
	NS_INTERNAL = 16,
};

static const struct rt_header *find_open_any(const struct rec_list *l, const char *path)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct rt_header *h = (const void *)l->v[i].data;
		const struct rt_open_body *b = rec_body(h);

		if (h->type == RT_EVENT_OPEN && b->path_len == strlen(path) &&
		    !memcmp(b + 1, path, b->path_len))
			return h;
	}
	return NULL;
}

static bool has_path(const struct rec_list *l, void *arg)
{
	return find_open_any(l, arg) != NULL;
}

static void touch(const char *path)
{
	int fd = open(path, O_RDONLY | O_CREAT, 0600);

	if (fd >= 0)
		close(fd);
}

/* Fork a sibling that opens path when told to; returns its pid (here). */
static pid_t sibling(const char *path, int *go_fd)
{
	int go[2];
	char ch;
	pid_t pid;

	if (pipe(go))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		if (read(go[0], &ch, 1) != 1)
			_exit(1);
		touch(path);
		_exit(0);
	}
	close(go[0]);
	*go_fd = go[1];
	return pid;
}

/* One run: source with target (0 = all); own open at self_path, the
 * sibling's at sib_path. */
static int run(uint32_t target_is_sibling, const char *self_path, const char *sib_path)
{
	struct source_config cfg = { 0 };
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	const struct rt_header *sib;
	int go, rc = NS_OK;
	size_t i;
	pid_t pid = sibling(sib_path, &go);

	if (pid < 0)
		return NS_INTERNAL;
	cfg.target_tgid = target_is_sibling ? (uint32_t)pid : 0;
	if (source_bpf_ops.create(&cfg, &src)) {
		fprintf(stderr, "source: %s\n", src ? source_bpf_ops.last_error(src) : "?");
		return NS_CREATE;
	}
	touch(self_path); /* before the sibling's: it would be in the ring first */
	if (write(go, "g", 1) != 1)
		return NS_INTERNAL;
	close(go);
	waitpid(pid, NULL, 0);
	rec_drain_until(src, &recs, has_path, (void *)sib_path, 5000);
	sib = find_open_any(&recs, sib_path);
	if (!sib)
		rc = target_is_sibling ? NS_TARGET_MISSING : NS_SIBLING_MISSING;
	else if (find_open_any(&recs, self_path))
		rc = NS_SELF_SEEN;
	else if (target_is_sibling)
		for (i = 0; i < recs.n; i++)
			if (((const struct rt_header *)recs.v[i].data)->tgid != sib->tgid)
				rc = NS_TARGET_OTHERS;
	rec_list_free(&recs);
	source_destroy(src);
	return rc;
}

static int ns_main(const char *dir)
{
	char self_path[128], sib_path[128];
	int rc;

	if (getpid() != 1)
		return NS_NOT_PID1;
	snprintf(self_path, sizeof(self_path), "%s/self-all", dir);
	snprintf(sib_path, sizeof(sib_path), "%s/sibling-all", dir);
	rc = run(0, self_path, sib_path);
	if (rc)
		return rc;
	snprintf(self_path, sizeof(self_path), "%s/self-pid", dir);
	snprintf(sib_path, sizeof(sib_path), "%s/sibling-pid", dir);
	return run(1, self_path, sib_path);
}

static void test_pidns_self(void **state)
{
	char dir[64];
	int status;
	pid_t outer;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ringtap-pidns-%d", (int)getpid());
	assert_int_equal(mkdir(dir, 0700), 0);
	outer = fork();
	assert_true(outer >= 0);
	if (outer == 0) {
		pid_t init;

		if (unshare(CLONE_NEWPID))
			_exit(NS_INTERNAL);
		init = fork();
		if (init == 0)
			_exit(ns_main(dir));
		if (init < 0 || waitpid(init, &status, 0) != init || !WIFEXITED(status))
			_exit(NS_INTERNAL);
		_exit(WEXITSTATUS(status));
	}
	assert_int_equal(waitpid(outer, &status, 0), outer);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status))
		fprintf(stderr, "namespaced run failed with check %d\n", WEXITSTATUS(status));
	assert_int_equal(WEXITSTATUS(status), NS_OK);
	unlink(strcat(strcpy((char[128]){ 0 }, dir), "/self-all"));
	unlink(strcat(strcpy((char[128]){ 0 }, dir), "/sibling-all"));
	unlink(strcat(strcpy((char[128]){ 0 }, dir), "/self-pid"));
	unlink(strcat(strcpy((char[128]){ 0 }, dir), "/sibling-pid"));
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pidns_self),
	};

	bpf_test_require_or_skip();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* src/policy/policy_reload.c without the kernel: which file changes cause
 * a reload (a ConfigMap ..data swap, an editor's rename, an in-place write),
 * which do not (other files, a regular file's creation before it is
 * written), and what a bad file does (old generation stays, counted,
 * FILE:LINE:COL reported). The apply step is a recorder here; the real one
 * is exercised by tests/policy/test_live_reload.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "policy/policy_reload.h"

#define GOOD "version: 1\nfile: {exclude_prefixes: [/proc/]}\n"

struct applied {
	int n;
	uint32_t last_gen;
	int fail_next; /* -errno to return once */
};

static int record_apply(void *ctx, const struct policy_compiled *c, const char **why)
{
	struct applied *a = ctx;

	if (a->fail_next) {
		int err = a->fail_next;
		a->fail_next = 0;
		*why = "the map said no";
		return err;
	}
	a->n++;
	a->last_gen = c->generation;
	return 0;
}

struct fixture {
	char dir[64];
	char path[128];
	char *errs_buf;
	size_t errs_len;
	FILE *errs;
	struct policy_reload *r;
	struct applied applied;
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Let the watcher see what happened: poll its fd briefly, then handle it. */
static void settle(struct fixture *fx)
{
	struct pollfd pfd = { .fd = policy_reload_fd(fx->r), .events = POLLIN };

	while (poll(&pfd, 1, 100) > 0)
		policy_reload_on_fd(fx->r);
}

static struct policy_reload_stats stats(const struct fixture *fx)
{
	struct policy_reload_stats st;

	policy_reload_get_stats(fx->r, &st);
	return st;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/rt-reload-unit.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	fx->errs = open_memstream(&fx->errs_buf, &fx->errs_len);
	*state = fx;
	return fx->errs ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	policy_reload_destroy(fx->r);
	fclose(fx->errs);
	free(fx->errs_buf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	int rc = system(cmd);
	free(fx);
	return rc == 0 ? 0 : -1;
}

/* A plain file at DIR/policy.yaml, loaded and watched. */
static void start_plain(struct fixture *fx)
{
	snprintf(fx->path, sizeof(fx->path), "%s/policy.yaml", fx->dir);
	write_file(fx->path, GOOD);
	assert_int_equal(policy_reload_create(fx->path, "test", fx->errs, &fx->r), 0);
	assert_int_equal(policy_reload_initial(fx->r)->generation, 1);
	assert_int_equal(policy_reload_watch_with(fx->r, record_apply, &fx->applied), 0);
	assert_true(policy_reload_fd(fx->r) > 0);
}

static void test_bad_file_at_startup_is_reported_with_line_and_column(void **state)
{
	struct fixture *fx = *state;

	snprintf(fx->path, sizeof(fx->path), "%s/policy.yaml", fx->dir);
	write_file(fx->path, "version: 1\nfile:\n  exclude: []\n");
	assert_int_equal(policy_reload_create(fx->path, "test", fx->errs, &fx->r), -EINVAL);
	assert_null(fx->r);
	fflush(fx->errs);
	char want[200];
	snprintf(want, sizeof(want), "%s:3:3: unknown key 'exclude'", fx->path);
	assert_non_null(strstr(fx->errs_buf, want));
}

static void test_in_place_write_reloads_once(void **state)
{
	struct fixture *fx = *state;

	start_plain(fx);
	write_file(fx->path, "version: 1\nfile: {exclude_prefixes: [/sys/]}\n");
	settle(fx);
	assert_int_equal(fx->applied.n, 1);
	assert_int_equal(fx->applied.last_gen, 2);
	assert_int_equal(stats(fx).generation, 2);
	assert_int_equal(stats(fx).failures, 0);
}

static void test_other_files_and_unfinished_creations_do_not_reload(void **state)
{
	struct fixture *fx = *state;
	char other[160];

	start_plain(fx);
	snprintf(other, sizeof(other), "%s/unrelated.txt", fx->dir);
	write_file(other, "x");
	settle(fx);
	assert_int_equal(fx->applied.n, 0);
	/* A new regular file: its IN_CREATE comes before its content; only
	 * the IN_CLOSE_WRITE that follows counts (no failed reload of an
	 * empty file). */
	snprintf(other, sizeof(other), "%s/policy.yaml.old", fx->dir);
	assert_int_equal(rename(fx->path, other), 0); /* moved away: not acted on */
	int fd = open(fx->path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	settle(fx);
	assert_int_equal(fx->applied.n, 0);
	assert_int_equal(stats(fx).failures, 0);
	assert_int_equal(write(fd, GOOD, strlen(GOOD)), (ssize_t)strlen(GOOD));
	close(fd);
	settle(fx);
	assert_int_equal(stats(fx).failures, 0);
	assert_int_equal(fx->applied.n, 1);
}

static void test_editor_rename_reloads(void **state)
{
	struct fixture *fx = *state;
	char tmp[160];

	start_plain(fx);
	snprintf(tmp, sizeof(tmp), "%s/.policy.yaml.swp", fx->dir);
	write_file(tmp, "version: 1\nevents: {fork: false}\n");
	settle(fx);
	assert_int_equal(fx->applied.n, 0); /* a different file so far */
	assert_int_equal(rename(tmp, fx->path), 0);
	settle(fx);
	assert_int_equal(fx->applied.n, 1);
	assert_int_equal(stats(fx).generation, 2);
}

/* DIR/policy.yaml -> ..data/policy.yaml, ..data -> ..v1; an update makes
 * ..v2 and renames ..data_tmp over ..data, as the kubelet does. */
static void test_configmap_symlink_swap_reloads(void **state)
{
	struct fixture *fx = *state;
	char p[200], q[200];

	snprintf(p, sizeof(p), "%s/..v1", fx->dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/..v1/policy.yaml", fx->dir);
	write_file(p, GOOD);
	snprintf(p, sizeof(p), "%s/..data", fx->dir);
	assert_int_equal(symlink("..v1", p), 0);
	snprintf(fx->path, sizeof(fx->path), "%s/policy.yaml", fx->dir);
	assert_int_equal(symlink("..data/policy.yaml", fx->path), 0);
	assert_int_equal(policy_reload_create(fx->path, "test", fx->errs, &fx->r), 0);
	assert_int_equal(policy_reload_watch_with(fx->r, record_apply, &fx->applied), 0);

	snprintf(p, sizeof(p), "%s/..v2", fx->dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/..v2/policy.yaml", fx->dir);
	write_file(p, "version: 1\nexclude: {comms: [cron]}\n");
	settle(fx);
	assert_int_equal(fx->applied.n, 0); /* written in a subdirectory: not yet visible */
	snprintf(p, sizeof(p), "%s/..data_tmp", fx->dir);
	assert_int_equal(symlink("..v2", p), 0);
	snprintf(q, sizeof(q), "%s/..data", fx->dir);
	assert_int_equal(rename(p, q), 0);
	settle(fx);
	assert_int_equal(fx->applied.n, 1);
	assert_int_equal(stats(fx).generation, 2);
	assert_int_equal(stats(fx).reloads, 1);
}

static void test_bad_file_keeps_the_old_generation_and_is_counted(void **state)
{
	struct fixture *fx = *state;
	char want[200];

	start_plain(fx);
	write_file(fx->path, "version: 1\nnetwork: {exclude_ports: [70000]}\n");
	settle(fx);
	assert_int_equal(fx->applied.n, 0);
	assert_int_equal(stats(fx).generation, 1);
	assert_int_equal(stats(fx).failures, 1);
	fflush(fx->errs);
	snprintf(want, sizeof(want), "%s:2:", fx->path);
	assert_non_null(strstr(fx->errs_buf, want));
	assert_non_null(strstr(fx->errs_buf, "generation 1 stays in force"));

	/* A failed apply (map write) is counted too and changes nothing. */
	write_file(fx->path, GOOD);
	fx->applied.fail_next = -ENOSPC;
	settle(fx);
	assert_int_equal(stats(fx).generation, 1);
	assert_int_equal(stats(fx).failures, 2);
	fflush(fx->errs);
	assert_non_null(strstr(fx->errs_buf, "the map said no"));

	/* SIGHUP: reload now, even unchanged. */
	assert_int_equal(policy_reload_now(fx->r), 0);
	assert_int_equal(stats(fx).generation, 2);
	assert_int_equal(fx->applied.last_gen, 2);
	char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);
	policy_reload_summary(fx->r, f);
	fclose(f);
	snprintf(want, sizeof(want), "policy %s: generation 2, 1 reloads, 2 failed", fx->path);
	assert_string_equal(line, want);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bad_file_at_startup_is_reported_with_line_and_column, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_place_write_reloads_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_files_and_unfinished_creations_do_not_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_editor_rename_reloads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_configmap_symlink_swap_reloads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_file_keeps_the_old_generation_and_is_counted, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

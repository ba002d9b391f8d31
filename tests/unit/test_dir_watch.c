/* dir_watch: changes under a watched file's directory are seen, the filter
 * decides, a missing directory is an error. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "config/dir_watch.h"

struct fixture {
	char dir[64];
	char file[96];
	int fd;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/rt-dirwatch.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->file, sizeof(fx->file), "%s/policy.yaml", fx->dir);
	if (dir_watch_open(&fx->fd) || dir_watch_add_parent(fx->fd, fx->file))
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char other[128];

	close(fx->fd);
	unlink(fx->file);
	snprintf(other, sizeof(other), "%s/other", fx->dir);
	unlink(other);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
}

static bool only_policy(void *ctx, const struct inotify_event *ev)
{
	(void)ctx;
	return ev->len && !strcmp(ev->name, "policy.yaml");
}

static void test_nothing_pending_is_not_relevant(void **state)
{
	struct fixture *fx = *state;
	bool relevant = false;

	assert_int_equal(dir_watch_drain(fx->fd, NULL, NULL, &relevant), 0);
	assert_false(relevant);
}

static void test_write_in_directory_is_seen(void **state)
{
	struct fixture *fx = *state;
	bool relevant = false;

	touch(fx->file);
	assert_int_equal(dir_watch_drain(fx->fd, NULL, NULL, &relevant), 0);
	assert_true(relevant);
	relevant = false; /* drained: nothing left */
	assert_int_equal(dir_watch_drain(fx->fd, NULL, NULL, &relevant), 0);
	assert_false(relevant);
}

static void test_filter_decides(void **state)
{
	struct fixture *fx = *state;
	char other[128];
	bool relevant = false;

	snprintf(other, sizeof(other), "%s/other", fx->dir);
	touch(other);
	assert_int_equal(dir_watch_drain(fx->fd, only_policy, NULL, &relevant), 0);
	assert_false(relevant);
	touch(fx->file);
	assert_int_equal(dir_watch_drain(fx->fd, only_policy, NULL, &relevant), 0);
	assert_true(relevant);
}

static void test_rename_over_the_file_is_seen(void **state)
{
	struct fixture *fx = *state;
	char other[128];
	bool relevant = false;

	snprintf(other, sizeof(other), "%s/other", fx->dir);
	touch(other);
	assert_int_equal(dir_watch_drain(fx->fd, NULL, NULL, &relevant), 0);
	relevant = false;
	assert_int_equal(rename(other, fx->file), 0);
	assert_int_equal(dir_watch_drain(fx->fd, only_policy, NULL, &relevant), 0);
	assert_true(relevant);
}

static void test_missing_directory_is_an_error(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(dir_watch_add_parent(fx->fd, "/nonexistent-rt-dir/policy.yaml"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nothing_pending_is_not_relevant, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_in_directory_is_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_decides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_over_the_file_is_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_directory_is_an_error, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

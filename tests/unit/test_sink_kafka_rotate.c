/* Kafka sink credential rotation against librdkafka's mock cluster: a
 * Kubernetes-style Secret directory (NAME -> ..data/NAME, ..data -> a
 * timestamped directory) holds the sasl_password file; swapping ..data
 * recreates the producer and re-sends what was queued, and a swap to
 * material that cannot be read keeps the running producer. (The mock
 * cluster speaks plaintext, which ignores the password: what is tested is
 * the watching and the restart, the TLS side is tests/kafka/test_kafka_tls*.sh.) */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "../kafka/mock_helpers.h"

static char dir[64];
static int generation;

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* What the kubelet's atomic writer does: a new directory, ..data swapped
 * to it with a rename, the old directory removed. password NULL: the new
 * directory lacks the file. */
static void secret_swap(const char *password)
{
	char old[64] = "", cur[64], data[128], tmp[128], link[128], file[256];
	ssize_t n;

	snprintf(data, sizeof(data), "%s/..data", dir);
	n = readlink(data, old, sizeof(old) - 1);
	old[n > 0 ? n : 0] = '\0';
	snprintf(cur, sizeof(cur), "..2026_12_01_00_00_%02d.0", ++generation);
	snprintf(file, sizeof(file), "%s/%s", dir, cur);
	assert_int_equal(mkdir(file, 0700), 0);
	if (password) {
		snprintf(file, sizeof(file), "%s/%s/password", dir, cur);
		write_file(file, password);
	}
	snprintf(tmp, sizeof(tmp), "%s/..data_tmp", dir);
	assert_int_equal(symlink(cur, tmp), 0);
	assert_int_equal(rename(tmp, data), 0);
	snprintf(link, sizeof(link), "%s/password", dir);
	if (access(link, F_OK) && errno == ENOENT && !*old)
		assert_int_equal(symlink("..data/password", link), 0);
	if (*old) {
		snprintf(file, sizeof(file), "%s/%s/password", dir, old);
		unlink(file);
		snprintf(file, sizeof(file), "%s/%s", dir, old);
		assert_int_equal(rmdir(file), 0);
	}
}

static int setup(void **state)
{
	(void)state;
	mock_start(&mock, 3);
	snprintf(dir, sizeof(dir), "/tmp/ringtap-rotate.XXXXXX");
	assert_non_null(mkdtemp(dir));
	generation = 0;
	secret_swap("first-password");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	mock_stop(&mock);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static struct sink_kafka *sink_with_secret(void)
{
	struct sink_options o = { 0 };
	char spec[128];

	snprintf(spec, sizeof(spec), "file:%s/password", dir);
	opts_set(&o, "node", "n1", "sasl_password", spec, NULL);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	sink_options_clear(&o);
	assert_non_null(s->rotate);
	return s;
}

/* Poll the sink (as the main loop does) for up to ms. */
static void poll_for(struct sink_kafka *s, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		sink_kafka_ops.poll(&s->base);
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000000 }, NULL);
	}
}

/* Events queued while the broker is away when the Secret changes are
 * re-sent on the new producer, counted, and all arrive. */
static void test_swap_recreates_producer_and_resends(void **state)
{
	enum { N = 200 };
	struct consumed got;

	(void)state;
	struct sink_kafka *s = sink_with_secret();
	emit_opens(s, 1, 50);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 10000), 0);
	rd_kafka_mock_broker_set_down(mock.mc, -1);
	emit_opens(s, 51, N - 50);
	poll_for(s, 200);
	secret_swap("second-password");
	poll_for(s, 3000);
	assert_int_equal(sink_kafka_rotate_count(s->rotate), 1);
	assert_int_equal(s->c.restarts, 1);
	assert_int_equal(s->c.reproduced, N - 50);
	rd_kafka_mock_broker_set_up(mock.mc, -1);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 20000), 0);
	assert_int_equal(s->c.delivered, N);
	consume_all(mock.bootstraps, "ringtap.file", 3, N, 10000, &got);
	assert_int_equal(got.n, N);
	consumed_free(&got);
	sink_kafka_ops.destroy(&s->base);
}

/* New material that cannot be read is reported and not used: the running
 * producer stays and keeps delivering; nothing changed, nothing rotates. */
static void test_unreadable_swap_keeps_producer(void **state)
{
	(void)state;
	struct sink_kafka *s = sink_with_secret();
	rd_kafka_t *before = s->rk;

	secret_swap(NULL);
	poll_for(s, 1000);
	assert_int_equal(sink_kafka_rotate_count(s->rotate), 0);
	assert_ptr_equal(s->rk, before);
	assert_int_equal(s->c.restarts, 0);
	emit_opens(s, 1, 20);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 10000), 0);
	assert_int_equal(s->c.delivered, 20);
	/* A later good swap is taken. */
	secret_swap("third-password");
	poll_for(s, 1000);
	assert_int_equal(sink_kafka_rotate_count(s->rotate), 1);
	sink_kafka_ops.destroy(&s->base);
}

/* Files in the directory that the sink does not use do not rotate it. */
static void test_unrelated_file_is_ignored(void **state)
{
	char other[128];

	(void)state;
	struct sink_kafka *s = sink_with_secret();
	snprintf(other, sizeof(other), "%s/unrelated", dir);
	write_file(other, "x");
	poll_for(s, 1000);
	assert_int_equal(sink_kafka_rotate_count(s->rotate), 0);
	assert_int_equal(s->c.restarts, 0);
	sink_kafka_ops.destroy(&s->base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_swap_recreates_producer_and_resends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_swap_keeps_producer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unrelated_file_is_ignored, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

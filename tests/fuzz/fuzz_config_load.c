/* libFuzzer target: the daemon config loader (daemon_config_load_buffer:
 * strict YAML, option tables, sinks, sections) on arbitrary bytes. Built
 * and run by test_config_fuzz.sh (clang, ASan + UBSan).
 *
 * Beyond "no crash, no leak, no UB" it checks what a user relies on:
 * - a refused file gets one message "NAME:LINE:COL: ..." (LINE, COL >= 1),
 *   printable, and the config is still safe to free;
 * - an accepted file holds what run then relies on: 1..8 sinks, each with
 *   a type; every interval within its documented range; a ring size that is
 *   a power of two from 16K to 1G; every option knows its NAME:LINE:COL.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config/daemon_config.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz invariant broken: %s\n", what);
		abort();
	}
}

static void check_refusal(const char *err)
{
	unsigned line = 0, col = 0;
	int off = 0;

	check(sscanf(err, "fuzz.yaml:%u:%u: %n", &line, &col, &off) == 2 && off > 0,
	      "a refusal starts with NAME:LINE:COL: ");
	check(line >= 1 && col >= 1, "positions are 1-based");
	check(err[off] != '\0', "a refusal says why");
	for (const char *c = err; *c; c++)
		check((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f,
		      "messages are printable ASCII");
}

static void check_options(const struct sink_options *o)
{
	for (size_t i = 0; i < o->n; i++) {
		check(o->items[i].key && o->items[i].value && o->items[i].where, "options are complete");
		check(!strncmp(o->items[i].where, "fuzz.yaml:", 10), "options know their place");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct daemon_config cfg;
	char err[1024] = "";
	int rc;

	if (daemon_config_defaults(&cfg))
		return 0;
	rc = daemon_config_load_buffer("fuzz.yaml", (const char *)data, size, &cfg, err, sizeof(err));
	if (rc == -ENOMEM)
		goto cleanup;
	if (rc) {
		check(rc == -EINVAL, "load returns 0, -EINVAL or -ENOMEM");
		check_refusal(err);
		goto cleanup;
	}
	check(cfg.n_sinks >= 1 && cfg.n_sinks <= DAEMON_MAX_SINKS, "1..8 sinks");
	for (size_t i = 0; i < cfg.n_sinks; i++) {
		check(cfg.sinks[i].spec != NULL, "every sink has a type");
		check_options(&cfg.sinks[i].opts);
	}
	check_options(&cfg.metrics);
	check_options(&cfg.kubernetes);
	check(cfg.poll_interval_ms >= 1 && cfg.poll_interval_ms <= 10000, "poll_interval_ms in range");
	check(cfg.stats_interval_ms >= 0 && cfg.stats_interval_ms <= 3600000, "stats_interval_ms in range");
	check(cfg.flush_timeout_ms >= 0 && cfg.flush_timeout_ms <= 3600000, "flush_timeout_ms in range");
	check(cfg.ring_buffer_size >= DAEMON_RING_MIN && cfg.ring_buffer_size <= DAEMON_RING_MAX &&
	      !(cfg.ring_buffer_size & (cfg.ring_buffer_size - 1)), "ring size a power of two, 16K..1G");
cleanup:
	daemon_config_free(&cfg);
	return 0;
}

/* Decode-only replay rate: every line of an NDJSON recording decoded, in
 * memory, RUNS times, by the decoder replay uses (fast path into an arena,
 * json_decode_event_arena) or by the reference (strict pass + json-c,
 * json_decode_event_ref, then free_unpacked: the decoder replay used
 * before). Prints the median events/s of one core (process CPU time).
 *
 *   bench/replay_decode fast|reference FILE [RUNS]
 *
 * Under callgrind, --toggle-collect=decode_all counts the decoding alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "codec/json_codec.h"
#include "codec/json_util.h"

struct lines {
	char *text;
	size_t *start, *len, n;
};

static int load(const char *path, struct lines *l)
{
	FILE *f = fopen(path, "r");
	size_t cap = 0, size = 0, got;
	int rc = 0;

	memset(l, 0, sizeof(*l));
	if (!f)
		return -errno;
	for (;;) {
		if (size + 65536 > cap) {
			char *p = realloc(l->text, cap = cap ? cap * 2 : 1 << 20);
			if (!p) {
				rc = -ENOMEM;
				goto cleanup;
			}
			l->text = p;
		}
		if (!(got = fread(l->text + size, 1, cap - size, f)))
			break;
		size += got;
	}
	l->start = malloc((size + 1) * sizeof(size_t));
	l->len = malloc((size + 1) * sizeof(size_t));
	if (!l->start || !l->len) {
		rc = -ENOMEM;
		goto cleanup;
	}
	for (size_t at = 0; at < size;) {
		char *nl = memchr(l->text + at, '\n', size - at);
		size_t end = nl ? (size_t)(nl - l->text) : size;
		if (end > at) {
			l->start[l->n] = at;
			l->len[l->n++] = end - at;
		}
		at = end + 1;
	}
cleanup:
	fclose(f);
	return rc;
}

/* Decodes every line once; the number decoded. */
__attribute__((noinline)) size_t decode_all(const struct lines *l, int reference,
					    struct json_arena *arena)
{
	size_t ok = 0;
	char err[512];

	for (size_t i = 0; i < l->n; i++) {
		Ringtap__V1__Event *ev;
		const char *text = l->text + l->start[i];

		if (reference) {
			if (!json_decode_event_ref(text, l->len[i], &ev, err, sizeof(err))) {
				ringtap__v1__event__free_unpacked(ev, NULL);
				ok++;
			}
		} else if (!json_decode_event_arena(arena, text, l->len[i], &ev, err, sizeof(err))) {
			ok++;
		}
	}
	return ok;
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct json_arena *arena = NULL;
	struct lines l;
	double rate[64];
	int runs = argc > 3 ? atoi(argv[3]) : 5, reference, rc;

	if (argc < 3 || (strcmp(argv[1], "fast") && strcmp(argv[1], "reference")) ||
	    runs < 1 || runs > 64) {
		fprintf(stderr, "usage: replay_decode fast|reference FILE [RUNS (1-64)]\n");
		return 2;
	}
	reference = !strcmp(argv[1], "reference");
	if ((rc = load(argv[2], &l)) || (rc = json_arena_new(&arena))) {
		fprintf(stderr, "replay_decode: %s: %s\n", argv[2], strerror(-rc));
		return 1;
	}
	for (int r = 0; r < runs; r++) {
		double t0 = cpu_now();
		size_t ok = decode_all(&l, reference, arena);
		double t = cpu_now() - t0;

		if (ok != l.n) {
			fprintf(stderr, "replay_decode: %zu of %zu lines refused\n", l.n - ok, l.n);
			return 1;
		}
		rate[r] = (double)l.n / t;
	}
	qsort(rate, (size_t)runs, sizeof(*rate), cmp_double);
	printf("%s %zu %.0f\n", argv[1], l.n, rate[runs / 2]);
	json_arena_free(arena);
	free(l.text);
	free(l.start);
	free(l.len);
	return 0;
}

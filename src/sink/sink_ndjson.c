/* ndjson sink: one canonical JSON event per line, to a file or stdout.
 * Writes go through stdio's buffer; flush() and destroy() push them out, so
 * the file holds every event emitted once the sink is flushed. */
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "sink/event_sink.h"
#include "pipeline/json_codec.h"

static int ndjson_open(const char *arg, struct event_sink **out);

struct sink_ndjson {
	struct event_sink base;
	FILE *out;
	int owns_file;
	struct strbuf line;
	uint64_t events;
	uint64_t write_errors;
};

struct ndjson_options {
	char *path;
};

static const struct option_def ndjson_option_table[] = {
	{ "path", OPT_STRING, NULL, offsetof(struct ndjson_options, path),
	  "file to write (\"-\" = stdout); or --sink ndjson:PATH" },
	OPT_END,
};

static int ndjson_validate(const char *arg, const struct sink_options *opts, char *err, size_t errlen)
{
	struct ndjson_options o = { 0 };
	int rc;

	rc = options_apply(ndjson_option_table, &o, opts, NULL, err, errlen);
	if (!rc && (!arg || !*arg) && (!o.path || !*o.path)) {
		snprintf(err, errlen, "needs a file: --sink ndjson:PATH, or 'path:' in the config");
		rc = -EINVAL;
	}
	options_free_strings(ndjson_option_table, &o);
	return rc;
}

static int ndjson_create(const char *arg, const struct sink_options *opts, struct event_sink **out)
{
	struct ndjson_options o = { 0 };
	char err[256];
	int rc;

	/* {type: ndjson, path: X} in the config, or ndjson:X on the command line */
	if (options_apply(ndjson_option_table, &o, opts, NULL, err, sizeof(err))) {
		options_free_strings(ndjson_option_table, &o);
		return -EINVAL;
	}
	if (o.path && (!arg || !*arg))
		arg = o.path;
	if (!arg || !*arg) {
		options_free_strings(ndjson_option_table, &o);
		return -EINVAL;
	}
	rc = ndjson_open(arg, out);
	options_free_strings(ndjson_option_table, &o);
	return rc;
}

static int ndjson_open(const char *arg, struct event_sink **out)
{
	struct sink_ndjson *s;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->base.ops = &sink_ndjson_ops;
	if (!strcmp(arg, "-")) {
		s->out = stdout;
	} else {
		s->out = fopen(arg, "we");
		if (!s->out) {
			int rc = -errno;
			free(s);
			return rc;
		}
		s->owns_file = 1;
		setvbuf(s->out, NULL, _IOFBF, 1 << 16);
	}
	*out = &s->base;
	return 0;
}

static int ndjson_emit(struct event_sink *base, const Ringtap__V1__Event *ev)
{
	struct sink_ndjson *s = (struct sink_ndjson *)base;
	int rc;

	strbuf_reset(&s->line);
	rc = json_encode_event(ev, &s->line);
	if (!rc)
		rc = strbuf_append(&s->line, "\n", 1);
	if (rc)
		return rc;
	if (fwrite(s->line.buf, 1, s->line.len, s->out) != s->line.len) {
		s->write_errors++;
		return -EIO;
	}
	s->events++;
	return 0;
}

static int ndjson_flush(struct event_sink *base, int timeout_ms)
{
	struct sink_ndjson *s = (struct sink_ndjson *)base;

	(void)timeout_ms;
	return fflush(s->out) ? -errno : 0;
}

/* Called once per poll interval: what was written reaches the file or pipe
 * within that bound, not when stdio's buffer happens to fill. */
static void ndjson_poll(struct event_sink *base)
{
	struct sink_ndjson *s = (struct sink_ndjson *)base;

	if (fflush(s->out))
		s->write_errors++;
}

static void ndjson_summary(struct event_sink *base, FILE *out)
{
	struct sink_ndjson *s = (struct sink_ndjson *)base;

	fprintf(out, "ndjson: %" PRIu64 " written", s->events);
	if (s->write_errors)
		fprintf(out, ", %" PRIu64 " write errors", s->write_errors);
}

static void ndjson_destroy(struct event_sink *base)
{
	struct sink_ndjson *s = (struct sink_ndjson *)base;

	if (!s)
		return;
	if (s->out) {
		if (s->owns_file)
			fclose(s->out);
		else
			fflush(s->out);
	}
	strbuf_free(&s->line);
	free(s);
}

const struct event_sink_ops sink_ndjson_ops = {
	.name = "ndjson",
	.create = ndjson_create,
	.emit = ndjson_emit,
	.flush = ndjson_flush,
	.poll = ndjson_poll,
	.summary = ndjson_summary,
	.destroy = ndjson_destroy,
	.validate = ndjson_validate,
	.options = ndjson_option_table,
};

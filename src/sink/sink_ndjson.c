/* ndjson sink: one canonical JSON event per line, to a file or stdout.
 * Lines collect in the sink's own buffer, which write(2) empties when it
 * passes NDJSON_BATCH, once per poll interval and on flush. An event counts
 * as written only once write(2) took its whole line; the events of a failed
 * write (a full disk, /dev/full) are counted lost and flush() reports -EIO. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sink/event_sink.h"
#include "codec/json_codec.h"
#include "codec/event_format.h"

static int ndjson_open(const char *arg, enum event_format format, struct event_sink **out);

#define NDJSON_BATCH (1 << 16)

struct sink_ndjson {
	struct event_sink base;
	int fd;
	int owns_fd;
	struct strbuf pending;   /* encoded lines not yet written */
	uint64_t pending_events; /* lines in pending */
	uint64_t written;        /* events whose whole line write(2) took */
	uint64_t lost;           /* events of failed writes */
	int last_errno;          /* of the last failed write, for the summary */
	enum event_format format;
};

struct ndjson_options {
	char *path;
	char *format;
};

static const struct option_def ndjson_option_table[] = {
	{ "path", OPT_STRING, NULL, offsetof(struct ndjson_options, path),
	  "file to write (\"-\" = stdout); or --sink ndjson:PATH" },
	{ "format", OPT_STRING, "json", offsetof(struct ndjson_options, format), EVENT_FORMAT_HELP },
	OPT_END,
};

static int ndjson_validate(const char *arg, const struct sink_options *opts, char *err, size_t errlen)
{
	struct ndjson_options o = { 0 };
	int rc;

	rc = options_apply(ndjson_option_table, &o, opts, NULL, err, errlen);
	if (!rc && event_format_parse(o.format, &(enum event_format){ 0 })) {
		snprintf(err, errlen, "%s: option 'format' wants json or ocsf, got '%s'",
			 options_where(opts, "format", "ndjson sink"), o.format);
		rc = -EINVAL;
	}
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
	enum event_format format;
	char err[256];
	int rc;

	/* {type: ndjson, path: X} in the config, or ndjson:X on the command line */
	if (options_apply(ndjson_option_table, &o, opts, NULL, err, sizeof(err)) ||
	    event_format_parse(o.format, &format)) {
		options_free_strings(ndjson_option_table, &o);
		return -EINVAL;
	}
	if (o.path && (!arg || !*arg))
		arg = o.path;
	if (!arg || !*arg) {
		options_free_strings(ndjson_option_table, &o);
		return -EINVAL;
	}
	rc = ndjson_open(arg, format, out);
	options_free_strings(ndjson_option_table, &o);
	return rc;
}

static int ndjson_open(const char *arg, enum event_format format, struct event_sink **out)
{
	struct sink_ndjson *s;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->base.ops = &sink_ndjson_ops;
	s->format = format;
	if (!strcmp(arg, "-")) {
		fflush(stdout); /* what stdio holds goes first; this sink bypasses it */
		s->fd = STDOUT_FILENO;
	} else {
		s->fd = open(arg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (s->fd < 0) {
			int rc = -errno;
			free(s);
			return rc;
		}
		s->owns_fd = 1;
	}
	*out = &s->base;
	return 0;
}

/* Lines in buf[0..n): JSON strings escape '\n', so each one ends a line. */
static uint64_t count_lines(const char *buf, size_t n)
{
	uint64_t lines = 0;
	const char *p = buf, *end = buf + n;

	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		lines++;
		p++;
	}
	return lines;
}

/* A write that failed mid-line left part of a line in the file: take it
 * back where the file allows (a regular file), so the file holds whole
 * events only and a later successful write does not follow a torn line.
 * A pipe's reader does see the torn line (it fails to parse, as it should). */
static void cut_partial_line(struct sink_ndjson *s, const char *buf, size_t off)
{
	const char *nl = memrchr(buf, '\n', off);
	size_t partial = nl ? off - (size_t)(nl + 1 - buf) : off;
	off_t end;

	if (!partial)
		return;
	end = lseek(s->fd, 0, SEEK_CUR);
	if (end >= (off_t)partial && ftruncate(s->fd, end - (off_t)partial) == 0)
		lseek(s->fd, end - (off_t)partial, SEEK_SET);
}

/* Write out pending. On an error the events not wholly written are counted
 * lost and dropped from the buffer (a retry could duplicate a half-written
 * line); the next batch tries again. 0 or -EIO. */
static int write_pending(struct sink_ndjson *s)
{
	size_t off = 0;
	int rc = 0;

	while (off < s->pending.len) {
		ssize_t n = write(s->fd, s->pending.buf + off, s->pending.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->last_errno = n < 0 ? errno : EIO;
			rc = -EIO;
			break;
		}
		off += (size_t)n;
	}
	uint64_t done = rc ? count_lines(s->pending.buf, off) : s->pending_events;
	if (rc)
		cut_partial_line(s, s->pending.buf, off);
	s->written += done;
	s->lost += s->pending_events - done;
	s->pending_events = 0;
	strbuf_reset(&s->pending);
	return rc;
}

static int ndjson_emit(struct event_sink *base, const Ringtap__V1__Event *ev)
{
	struct sink_ndjson *s = (struct sink_ndjson *)base;
	size_t mark = s->pending.len;
	int rc;

	rc = event_format_encode(s->format, ev, &s->pending);
	if (!rc)
		rc = strbuf_append(&s->pending, "\n", 1);
	if (rc) {
		s->pending.len = mark; /* drop the partial line */
		if (s->pending.buf)
			s->pending.buf[mark] = '\0';
		return rc;
	}
	s->pending_events++;
	/* A failed write is counted in lost and reported by flush(), so the
	 * event is accepted here and not counted twice. */
	if (s->pending.len >= NDJSON_BATCH)
		write_pending(s);
	return 0;
}

static int ndjson_flush(struct event_sink *base, int timeout_ms)
{
	struct sink_ndjson *s = (struct sink_ndjson *)base;

	(void)timeout_ms;
	write_pending(s);
	return s->lost ? -EIO : 0;
}

/* Called once per poll interval: what was emitted reaches the file or pipe
 * within that bound, not when the buffer happens to fill. */
static void ndjson_poll(struct event_sink *base)
{
	write_pending((struct sink_ndjson *)base);
}

static void ndjson_summary(struct event_sink *base, FILE *out)
{
	struct sink_ndjson *s = (struct sink_ndjson *)base;

	fprintf(out, "ndjson: %" PRIu64 " written", s->written);
	if (s->lost)
		fprintf(out, ", %" PRIu64 " lost to write errors (%s)", s->lost,
			strerror(s->last_errno));
}

static void ndjson_destroy(struct event_sink *base)
{
	struct sink_ndjson *s = (struct sink_ndjson *)base;

	if (!s)
		return;
	write_pending(s);
	if (s->owns_fd)
		close(s->fd);
	strbuf_free(&s->pending);
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

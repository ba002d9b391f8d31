/* replay source: an NDJSON recording (what `ringtap record` and the ndjson
 * sink write), one ringtap.v1.Event per line. A malformed line stops the
 * stream after the valid lines before it were delivered; last_error() then
 * names FILE:LINE and the reason. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "source/event_source.h"
#include "codec/json_codec.h"

/* The largest event (4 KiB path or argv, each byte escaped at most 6-fold,
 * plus the header) is far below this; a longer line is not one of ours,
 * and refusing it bounds the decoder's memory. */
#define REPLAY_MAX_LINE (1 << 20)
#define REPLAY_CHUNK (64 << 10) /* one read(2) */

struct source_replay {
	struct event_source base;
	FILE *in;
	int owns_file;
	char *path;
	struct json_arena *arena;	/* the event being delivered */
	/* bytes read but not yet taken as lines: buf[pos, len); a line is
	 * handed out in place, so buf grows only for a line longer than it */
	char *buf;
	size_t cap, pos, len;
	int eof;
	unsigned long lineno;
	int done;
	char where[300];	/* "FILE:" then the line number, per event */
	size_t where_len;
	char error[512];
};

static int replay_create(const struct source_config *cfg, struct event_source **out)
{
	struct source_replay *s;

	if (!cfg->path)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->base.ops = &source_replay_ops;
	s->path = strdup(cfg->path);
	if (!s->path)
		goto nomem;
	if (json_arena_new(&s->arena))
		goto nomem;
	snprintf(s->where, sizeof(s->where), "%s:", cfg->path);
	s->where_len = strlen(s->where);
	if (!strcmp(cfg->path, "-")) {
		s->in = stdin;
	} else {
		s->in = fopen(cfg->path, "re");
		if (!s->in) {
			int rc = -errno;
			snprintf(s->error, sizeof(s->error), "%s: cannot open: %s", cfg->path, strerror(-rc));
			*out = &s->base; /* the caller reads last_error(), then destroys */
			return rc;
		}
		s->owns_file = 1;
	}
	*out = &s->base;
	return 0;
nomem:
	free(s->path);
	free(s);
	return -ENOMEM;
}

static int replay_fd(struct event_source *base)
{
	(void)base;
	return -1;
}

/* More bytes into buf (compacted first). 0, or -ENOMEM / -EIO (errno set);
 * at end of file sets s->eof. One read(2), so a pipe's lines come as they are
 * written. */
static int fill(struct source_replay *s)
{
	ssize_t got;

	if (s->pos) {
		memmove(s->buf, s->buf + s->pos, s->len - s->pos);
		s->len -= s->pos;
		s->pos = 0;
	}
	if (s->cap - s->len < REPLAY_CHUNK / 2) {
		size_t cap = s->cap ? s->cap * 2 : REPLAY_CHUNK;
		char *p = realloc(s->buf, cap);
		if (!p)
			return -ENOMEM;
		s->buf = p;
		s->cap = cap;
	}
	do
		got = read(fileno(s->in), s->buf + s->len, s->cap - s->len - 1);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -EIO;
	if (got == 0)
		s->eof = 1;
	s->len += (size_t)got;
	return 0;
}

/* The next line (without its '\n', NUL-terminated in place) at *line, its
 * length in *len. A line longer than REPLAY_MAX_LINE is refused once that
 * much of it was read, whatever its size, so memory stays bounded. 0,
 * -ENODATA at end of file, -EMSGSIZE, -ENOMEM or -EIO. */
static int read_line(struct source_replay *s, char **line, size_t *len)
{
	size_t scanned = 0; /* of buf[pos..len): no newline there */
	int rc;

	for (;;) {
		char *nl = NULL;
		size_t n;

		if (s->len > s->pos + scanned)
			nl = memchr(s->buf + s->pos + scanned, '\n', s->len - s->pos - scanned);
		n = nl ? (size_t)(nl - (s->buf + s->pos)) : s->len - s->pos;

		if (n > REPLAY_MAX_LINE)
			return -EMSGSIZE;
		if (nl || (s->eof && n)) {
			*line = s->buf + s->pos;
			(*line)[n] = '\0'; /* the '\n', or the spare byte fill() keeps */
			*len = n;
			s->pos += n + (nl != NULL);
			return 0;
		}
		if (s->eof)
			return -ENODATA;
		scanned = n;
		if ((rc = fill(s)))
			return rc;
	}
}

/* "FILE:LINE" of the current line (no snprintf per event). */
static const char *where(struct source_replay *s)
{
	char digits[24], *d = digits + sizeof(digits);
	unsigned long n = s->lineno;
	size_t len;

	do
		*--d = (char)('0' + n % 10);
	while (n /= 10);
	len = (size_t)(digits + sizeof(digits) - d);
	if (len > sizeof(s->where) - 1 - s->where_len)
		len = sizeof(s->where) - 1 - s->where_len;
	memcpy(s->where + s->where_len, d, len);
	s->where[s->where_len + len] = '\0';
	return s->where;
}

static int replay_read(struct event_source *base, source_item_fn fn, void *ctx, int max)
{
	struct source_replay *s = (struct source_replay *)base;
	int delivered = 0;
	char err[400];

	if (s->done)
		return -ENODATA;
	while (max <= 0 || delivered < max) {
		char *line = NULL;
		size_t n = 0;
		int rc;

		errno = 0;
		rc = read_line(s, &line, &n);
		if (rc == -ENODATA) {
			s->done = 1;
			return delivered ? delivered : -ENODATA;
		}
		s->lineno++;
		if (rc) {
			if (rc == -EMSGSIZE)
				snprintf(s->error, sizeof(s->error), "%s:%lu: line is longer than the "
					 "%d bytes a ringtap event can take", s->path, s->lineno,
					 REPLAY_MAX_LINE);
			else if (rc == -ENOMEM)
				snprintf(s->error, sizeof(s->error), "%s:%lu: out of memory reading the "
					 "line", s->path, s->lineno);
			else
				snprintf(s->error, sizeof(s->error), "%s:%lu: read error: %s", s->path,
					 s->lineno, strerror(errno ? errno : EIO));
			s->done = 1;
			return rc;
		}
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n == 0)
			continue; /* a blank line carries no event */

		Ringtap__V1__Event *ev;
		rc = json_decode_event_arena(s->arena, line, n, &ev, err, sizeof(err));
		if (rc) {
			snprintf(s->error, sizeof(s->error), "%s:%lu: %s", s->path, s->lineno,
				 rc == -ENOMEM ? "out of memory" : err);
			s->done = 1;
			return rc;
		}
		struct source_item item = { .event = ev, .where = where(s) };
		rc = fn(ctx, &item); /* ev lives in s->arena until the next line */
		if (rc)
			return rc;
		delivered++;
	}
	return delivered;
}

static const char *replay_last_error(struct event_source *base)
{
	struct source_replay *s = (struct source_replay *)base;
	return s->error[0] ? s->error : NULL;
}

static void replay_destroy(struct event_source *base)
{
	struct source_replay *s = (struct source_replay *)base;

	if (!s)
		return;
	if (s->in && s->owns_file)
		fclose(s->in);
	json_arena_free(s->arena);
	free(s->buf);
	free(s->path);
	free(s);
}

const struct event_source_ops source_replay_ops = {
	.name = "replay",
	.create = replay_create,
	.fd = replay_fd,
	.read = replay_read,
	.last_error = replay_last_error,
	.destroy = replay_destroy,
};

/* replay source: an NDJSON recording (what `ringtap record` and the ndjson
 * sink write), one ringtap.v1.Event per line. A malformed line stops the
 * stream after the valid lines before it were delivered; last_error() then
 * names FILE:LINE and the reason. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "source/event_source.h"
#include "codec/json_codec.h"

/* The largest event (4 KiB path or argv, each byte escaped at most 6-fold,
 * plus the header) is far below this; a longer line is not one of ours,
 * and refusing it bounds the decoder's memory. */
#define REPLAY_MAX_LINE (1 << 20)

struct source_replay {
	struct event_source base;
	FILE *in;
	int owns_file;
	char *path;
	char *line;
	size_t line_cap;
	unsigned long lineno;
	int done;
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
	free(s);
	return -ENOMEM;
}

static int replay_fd(struct event_source *base)
{
	(void)base;
	return -1;
}

/* Reads the next line into s->line (without its '\n') and sets *len; the
 * buffer grows only to REPLAY_MAX_LINE, so a longer line is refused after
 * reading that much of it, whatever its size. 0, -ENODATA at end of file,
 * -EMSGSIZE, -ENOMEM or -EIO. */
static int read_line(struct source_replay *s, size_t *len)
{
	size_t n = 0;
	int c;

	while ((c = getc_unlocked(s->in)) != EOF) {
		if (c == '\n')
			break;
		if (n == REPLAY_MAX_LINE)
			return -EMSGSIZE;
		if (n + 1 >= s->line_cap) {
			size_t cap = s->line_cap ? s->line_cap * 2 : 4096;
			if (cap > REPLAY_MAX_LINE + 1)
				cap = REPLAY_MAX_LINE + 1;
			char *p = realloc(s->line, cap);
			if (!p)
				return -ENOMEM;
			s->line = p;
			s->line_cap = cap;
		}
		s->line[n++] = (char)c;
	}
	if (c == EOF && ferror(s->in))
		return -EIO;
	if (c == EOF && n == 0)
		return -ENODATA;
	if (s->line)
		s->line[n] = '\0';
	*len = n;
	return 0;
}

static int replay_read(struct event_source *base, source_item_fn fn, void *ctx, int max)
{
	struct source_replay *s = (struct source_replay *)base;
	int delivered = 0;
	char err[400];
	char where[300];

	if (s->done)
		return -ENODATA;
	while (max <= 0 || delivered < max) {
		size_t n = 0;
		int rc;

		errno = 0;
		rc = read_line(s, &n);
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
		if (n > 0 && s->line[n - 1] == '\r')
			s->line[--n] = '\0';
		if (n == 0)
			continue; /* a blank line carries no event */

		Ringtap__V1__Event *ev;
		rc = json_decode_event(s->line, n, &ev, err, sizeof(err));
		if (rc) {
			snprintf(s->error, sizeof(s->error), "%s:%lu: %s", s->path, s->lineno,
				 rc == -ENOMEM ? "out of memory" : err);
			s->done = 1;
			return rc;
		}
		snprintf(where, sizeof(where), "%s:%lu", s->path, s->lineno);
		struct source_item item = { .event = ev, .where = where };
		rc = fn(ctx, &item);
		ringtap__v1__event__free_unpacked(ev, NULL);
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
	free(s->line);
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

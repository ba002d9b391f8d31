/* Strict, bounded YAML loading (see yaml_strict.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config/yaml_strict.h"

static int fail(struct yaml_strict_error *err, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct yaml_strict_error *err, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

#define fail_at(err, mark, ...) \
	fail((err), (unsigned)(mark).line + 1, (unsigned)(mark).column + 1, __VA_ARGS__)

/* Reader errors (bad UTF-8, control characters) carry a byte offset into
 * the input, not a mark. */
static void offset_to_linecol(const char *buf, size_t len, size_t off, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int parser_error(const yaml_parser_t *yp, const char *buf, size_t len,
			struct yaml_strict_error *err)
{
	const char *problem = yp->problem ? yp->problem : "unreadable YAML";
	unsigned line, col;

	if (yp->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	if (yp->error == YAML_READER_ERROR) {
		offset_to_linecol(buf, len, yp->problem_offset, &line, &col);
		if (yp->problem_value >= 0)
			return fail(err, line, col, "YAML error: %s (byte 0x%02x)", problem,
				    (unsigned)yp->problem_value & 0xff);
		return fail(err, line, col, "YAML error: %s", problem);
	}
	if (yp->context)
		return fail_at(err, yp->problem_mark, "YAML syntax error: %s (%s that starts at %zu:%zu)",
			       problem, yp->context, yp->context_mark.line + 1,
			       yp->context_mark.column + 1);
	return fail_at(err, yp->problem_mark, "YAML syntax error: %s", problem);
}

struct scan {
	int depth;
	int docs;
	int anchors;
	int aliases;
};

/* One event of the first pass: 0 to go on, -EINVAL to stop. */
static int scan_event(struct scan *s, const yaml_event_t *ev, struct yaml_strict_error *err)
{
	const yaml_char_t *anchor = NULL;
	bool node = false;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		s->docs++;
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		anchor = ev->type == YAML_SEQUENCE_START_EVENT ? ev->data.sequence_start.anchor
							       : ev->data.mapping_start.anchor;
		node = true;
		break;
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		node = true;
		if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length))
			return fail_at(err, ev->start_mark, "a NUL byte (\\0) in a value; "
				       "names, paths and numbers cannot hold one");
		break;
	case YAML_ALIAS_EVENT:
		node = true;
		if (++s->aliases > YAML_STRICT_MAX_ALIASES)
			return fail_at(err, ev->start_mark, "more than %d aliases (*name) in one file",
				       YAML_STRICT_MAX_ALIASES);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		s->depth--;
		return 0;
	default:
		return 0;
	}
	if (node && s->depth == 0 && s->docs > 1)
		return fail_at(err, ev->start_mark,
			       "only one YAML document is read; remove this second one");
	if (anchor && ++s->anchors > YAML_STRICT_MAX_ANCHORS)
		return fail_at(err, ev->start_mark, "more than %d anchors (&name) in one file",
			       YAML_STRICT_MAX_ANCHORS);
	if ((ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT) &&
	    ++s->depth > YAML_STRICT_MAX_DEPTH)
		return fail_at(err, ev->start_mark,
			       "lists and mappings nested more than %d deep; ringtap's files need "
			       "at most 4 levels", YAML_STRICT_MAX_DEPTH);
	return 0;
}

/* The first pass: the whole stream as events, stopping at the first
 * problem, so its cost is bounded before anything is built. */
static int prescan(const char *buf, size_t len, struct yaml_strict_error *err)
{
	struct scan s = { 0 };
	yaml_parser_t yp;
	yaml_event_t ev;
	int ret = 0;

	if (!yaml_parser_initialize(&yp))
		return -ENOMEM;
	yaml_parser_set_input_string(&yp, (const unsigned char *)buf, len);
	for (;;) {
		if (!yaml_parser_parse(&yp, &ev)) {
			ret = parser_error(&yp, buf, len, err);
			break;
		}
		bool end = ev.type == YAML_STREAM_END_EVENT;
		ret = scan_event(&s, &ev, err);
		yaml_event_delete(&ev);
		if (ret || end)
			break;
	}
	yaml_parser_delete(&yp);
	return ret;
}

int yaml_strict_load(const char *buf, size_t len, yaml_document_t *doc,
		     struct yaml_strict_error *err)
{
	yaml_parser_t yp;
	int ret;

	memset(err, 0, sizeof(*err));
	ret = prescan(buf, len, err);
	if (ret)
		return ret;
	if (!yaml_parser_initialize(&yp))
		return -ENOMEM;
	yaml_parser_set_input_string(&yp, (const unsigned char *)buf, len);
	/* What is left to fail here: the composer (an undefined alias, a
	 * duplicate anchor) and memory. */
	if (!yaml_parser_load(&yp, doc))
		ret = parser_error(&yp, buf, len, err);
	yaml_parser_delete(&yp);
	return ret;
}

int yaml_strict_read_file(const char *path, size_t max, char **buf, size_t *len)
{
	FILE *f = NULL;
	char *data = NULL;
	size_t n = 0;
	int ret = 0;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	data = malloc(max + 2);
	if (!data) {
		ret = -ENOMEM;
		goto cleanup;
	}
	n = fread(data, 1, max + 1, f);
	if (ferror(f)) {
		ret = -EIO;
		goto cleanup;
	}
	if (n > max) {
		ret = -EFBIG;
		goto cleanup;
	}
	data[n] = '\0';
	*buf = data;
	*len = n;
	data = NULL;
cleanup:
	free(data);
	if (f)
		fclose(f);
	return ret;
}

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "codec/json_util.h"
#include "codec/ocsf_writer.h"

static void raw(struct ocsf_writer *w, const char *s)
{
	if (!w->rc)
		w->rc = strbuf_append(w->sb, s, strlen(s));
}

/* The separator and "key": that start a member (or array element). */
static void key(struct ocsf_writer *w, const char *k)
{
	const struct strbuf *sb = w->sb;

	if (w->rc)
		return;
	if (sb->len > w->start && sb->buf[sb->len - 1] != '{' && sb->buf[sb->len - 1] != '[')
		raw(w, ",");
	if (k && !w->rc) {
		w->rc = json_put_string(w->sb, k);
		raw(w, ":");
	}
}

void ow_begin(struct ocsf_writer *w, const char *k)
{
	key(w, k);
	raw(w, "{");
}

void ow_end(struct ocsf_writer *w)
{
	raw(w, "}");
}

void ow_array(struct ocsf_writer *w, const char *k)
{
	key(w, k);
	raw(w, "[");
}

void ow_array_end(struct ocsf_writer *w)
{
	raw(w, "]");
}

void ow_str(struct ocsf_writer *w, const char *k, const char *val)
{
	key(w, k);
	if (!w->rc)
		w->rc = json_put_string(w->sb, val);
}

void ow_str_nonempty(struct ocsf_writer *w, const char *k, const char *val)
{
	if (val && *val)
		ow_str(w, k, val);
}

void ow_int(struct ocsf_writer *w, const char *k, int64_t val)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRId64, val);
	key(w, k);
	raw(w, num);
}

void ow_uint(struct ocsf_writer *w, const char *k, uint64_t val)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, val);
	key(w, k);
	raw(w, num);
}

void ow_bool(struct ocsf_writer *w, const char *k, int val)
{
	key(w, k);
	raw(w, val ? "true" : "false");
}

void ow_message(struct ocsf_writer *w, const char *k, const ProtobufCMessage *msg)
{
	key(w, k);
	if (!w->rc)
		w->rc = json_encode_message(msg, w->sb);
}

void ow_kv(struct ocsf_writer *w, const char *name, const char *value)
{
	ow_begin(w, NULL);
	ow_str(w, "name", name);
	ow_str(w, "value", value);
	ow_end(w);
}

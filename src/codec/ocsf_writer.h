/* A small JSON writer for the OCSF encoder: appends to a strbuf, puts the
 * commas itself (a value follows '{' or '[' without one) and keeps the first
 * error, so mapping code reads as a list of fields without error checks after
 * each one. */
#ifndef RINGTAP_OCSF_WRITER_H
#define RINGTAP_OCSF_WRITER_H

#include <stdint.h>
#include "codec/json_codec.h"

struct ocsf_writer {
	struct strbuf *sb;
	size_t start; /* where this object began in sb (sb may hold earlier lines) */
	int rc;       /* first error, 0 while all went well */
};

void ow_begin(struct ocsf_writer *w, const char *key); /* "key":{  (key NULL: a bare {) */
void ow_end(struct ocsf_writer *w);                    /* } */
void ow_array(struct ocsf_writer *w, const char *key); /* "key":[ */
void ow_array_end(struct ocsf_writer *w);              /* ] */
void ow_str(struct ocsf_writer *w, const char *key, const char *val);
/* Only when val is non-empty (OCSF has no use for "" attributes). */
void ow_str_nonempty(struct ocsf_writer *w, const char *key, const char *val);
void ow_int(struct ocsf_writer *w, const char *key, int64_t val);
void ow_uint(struct ocsf_writer *w, const char *key, uint64_t val);
void ow_bool(struct ocsf_writer *w, const char *key, int val);
/* Raw JSON text as the value (e.g. the ringtap JSON of a message). */
void ow_message(struct ocsf_writer *w, const char *key, const ProtobufCMessage *msg);
/* {"name":NAME,"value":VALUE}, an element of a key_value_object array. */
void ow_kv(struct ocsf_writer *w, const char *name, const char *value);

#endif

/* Kafka sink: register the .proto with a Confluent Schema Registry and build
 * each topic's wire-format header (see sink_kafka_registry.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include "sink/sink_kafka_instance.h"
#include "sink/sink_kafka_registry.h"

#define CONTENT_TYPE "Content-Type: application/vnd.schemaregistry.v1+json"
#define ACCEPT "Accept: application/vnd.schemaregistry.v1+json, application/json"
#define BODY_MAX (64 * 1024) /* an answer is an id or an error; more is not the API */

struct body {
	char buf[BODY_MAX + 1];
	size_t len;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct body *b = arg;
	size_t len = size * n;

	if (len > BODY_MAX - b->len)
		return 0; /* CURLE_WRITE_ERROR */
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return len;
}

static int curl_to_errno(CURLcode rc)
{
	switch (rc) {
	case CURLE_OK: return 0;
	case CURLE_COULDNT_RESOLVE_HOST: return -EHOSTUNREACH;
	case CURLE_COULDNT_CONNECT: return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT: return -ETIMEDOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE: return -EPROTO;
	case CURLE_WRITE_ERROR: return -EBADMSG;
	default: return -EIO;
	}
}

/* url for messages: without a user or password written into it. */
static void url_shown(const char *url, char *out, size_t outlen)
{
	CURLU *u = curl_url();
	char *clean = NULL, shown[OPTIONS_SHOWN_MAX];

	if (u && !curl_url_set(u, CURLUPART_URL, url, 0) && !curl_url_set(u, CURLUPART_USER, NULL, 0) &&
	    !curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) && !curl_url_get(u, CURLUPART_URL, &clean, 0))
		snprintf(out, outlen, "%s", options_shown(clean, shown));
	else
		snprintf(out, outlen, "(URL hidden)");
	curl_free(clean);
	curl_url_cleanup(u);
}

int sink_kafka_registry_check_url(const char *url, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, shown[OPTIONS_SHOWN_MAX];
	int rc = -EINVAL;

	if (!u)
		return -ENOMEM;
	options_shown(url, shown);
	if (curl_url_set(u, CURLUPART_URL, url, 0)) {
		snprintf(err, errlen, "'%s' is not a URL", shown);
		goto cleanup;
	}
	url_shown(url, shown, sizeof(shown));
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    (strcmp(scheme, "http") && strcmp(scheme, "https"))) {
		snprintf(err, errlen, "'%s' is not an http:// or https:// URL", shown);
		goto cleanup;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) || !*host) {
		snprintf(err, errlen, "'%s' names no host", shown);
		goto cleanup;
	}
	rc = 0;
cleanup:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

/* The registry's own words from an error body ({"error_code":N,"message":"..."}). */
static void registry_message(const struct body *b, char *out, size_t outlen)
{
	json_object *root = json_tokener_parse(b->buf), *msg;

	if (root && json_object_object_get_ex(root, "message", &msg) &&
	    json_object_is_type(msg, json_type_string))
		snprintf(out, outlen, "%.300s", json_object_get_string(msg));
	else
		snprintf(out, outlen, "%.120s", b->len ? b->buf : "no body");
	json_object_put(root);
}

static int parse_id(const struct body *b, int32_t *id)
{
	json_object *root = json_tokener_parse(b->buf), *v;
	int rc = -EBADMSG;

	if (root && json_object_object_get_ex(root, "id", &v) && json_object_is_type(v, json_type_int)) {
		int64_t n = json_object_get_int64(v);
		if (n >= 0 && n <= INT32_MAX) {
			*id = (int32_t)n;
			rc = 0;
		}
	}
	json_object_put(root);
	return rc;
}

static int status_error(long status, const char *url, const char *subject, const struct body *b,
			char *err, size_t errlen)
{
	char why[320];

	registry_message(b, why, sizeof(why));
	switch (status) {
	case 409:
		snprintf(err, errlen, "schema registry %s: subject '%s' refuses ringtap's schema as "
			 "incompatible with its registered versions (HTTP 409: %s); change the "
			 "subject's compatibility level or write to other topics", url, subject, why);
		return -EEXIST;
	case 401:
	case 403:
		snprintf(err, errlen, "schema registry %s: HTTP %ld for subject '%s' (%s); check "
			 "schema_registry.user and schema_registry.password", url, status, subject, why);
		return -EACCES;
	case 422:
		snprintf(err, errlen, "schema registry %s: subject '%s' refuses ringtap's schema as "
			 "invalid (HTTP 422: %s)", url, subject, why);
		return -EINVAL;
	default:
		snprintf(err, errlen, "schema registry %s: HTTP %ld registering subject '%s': %s",
			 url, status, subject, why);
		return -EBADMSG;
	}
}

int sink_kafka_registry_register(const struct sink_kafka_registry_http *h, const char *subject,
				 const char *schema, int32_t *id, char *err, size_t errlen)
{
	char errbuf[CURL_ERROR_SIZE] = "", *esc = NULL, *url = NULL, shown[OPTIONS_SHOWN_MAX];
	json_object *req = NULL;
	struct curl_slist *hdrs = NULL;
	struct body *b = NULL;
	CURL *curl = NULL;
	size_t base_len = strlen(h->url);
	long status = 0;
	int rc;

	pthread_once(&curl_once, curl_init_once);
	if (curl_init_rc) {
		snprintf(err, errlen, "schema registry: libcurl did not initialise: %s",
			 curl_easy_strerror(curl_init_rc));
		return -EIO;
	}
	url_shown(h->url, shown, sizeof(shown));
	rc = -ENOMEM;
	curl = curl_easy_init();
	b = calloc(1, sizeof(*b));
	req = json_object_new_object();
	if (!curl || !b || !req)
		goto cleanup;
	esc = curl_easy_escape(curl, subject, 0);
	while (base_len && h->url[base_len - 1] == '/')
		base_len--;
	if (!esc || asprintf(&url, "%.*s/subjects/%s/versions", (int)base_len, h->url, esc) < 0) {
		url = NULL;
		goto cleanup;
	}
	json_object_object_add(req, "schemaType", json_object_new_string("PROTOBUF"));
	json_object_object_add(req, "schema", json_object_new_string(schema));
	hdrs = curl_slist_append(hdrs, CONTENT_TYPE);
	hdrs = curl_slist_append(hdrs, ACCEPT);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(curl, CURLOPT_COPYPOSTFIELDS,
			 json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN));
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (h->ca_file && *h->ca_file)
		curl_easy_setopt(curl, CURLOPT_CAINFO, h->ca_file);
	if (h->user && *h->user) {
		curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(curl, CURLOPT_USERNAME, h->user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, h->password ? h->password : "");
	}
	rc = curl_to_errno(curl_easy_perform(curl));
	if (rc == -EBADMSG) {
		snprintf(err, errlen, "schema registry %s: an answer over %d bytes for subject '%s' "
			 "is not the registry API's", shown, BODY_MAX, subject);
		goto cleanup;
	}
	if (rc) {
		snprintf(err, errlen, "schema registry %s: cannot register subject '%s': %s "
			 "(the Kafka sink does not start without its registry)", shown, subject,
			 *errbuf ? errbuf : strerror(-rc));
		goto cleanup;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		rc = status_error(status, shown, subject, b, err, errlen);
		goto cleanup;
	}
	rc = parse_id(b, id);
	if (rc)
		snprintf(err, errlen, "schema registry %s: the answer for subject '%s' has no schema "
			 "id: %.120s", shown, subject, b->buf);
cleanup:
	if (rc == -ENOMEM)
		snprintf(err, errlen, "schema registry: out of memory");
	curl_slist_free_all(hdrs);
	curl_free(esc);
	free(url);
	json_object_put(req);
	free(b);
	if (curl)
		curl_easy_cleanup(curl);
	return rc;
}

int sink_kafka_registry_start(struct sink_kafka *s, char *err, size_t errlen)
{
	const struct sink_kafka_config *cfg = &s->cfg;
	struct sink_kafka_registry_http h = {
		.url = cfg->registry_url,
		.user = cfg->registry_user,
		.ca_file = cfg->registry_ca,
		.timeout_ms = (long)cfg->registry_timeout_ms,
	};
	int32_t idx[SINK_KAFKA_FRAME_MAX_DEPTH];
	char *password = NULL, subject[512];
	int depth, rc = 0;

	if (!cfg->registry_url || !*cfg->registry_url)
		return 0;
	depth = sink_kafka_frame_message_path(sink_kafka_registry_proto,
					      &ringtap__v1__event__descriptor, idx);
	if (depth < 0) {
		snprintf(err, errlen, "schema registry: %s is not in the built-in .proto (%s)",
			 ringtap__v1__event__descriptor.name, strerror(-depth));
		return depth;
	}
	if (cfg->registry_password) {
		rc = options_resolve_secret(cfg->registry_password, &password);
		if (rc) {
			snprintf(err, errlen, "kafka option 'schema_registry.password': cannot read "
				 "the secret %s (%s)", cfg->registry_password, strerror(-rc));
			return rc;
		}
		h.password = password;
	}
	for (int c = 0; c < SINK_KAFKA_NCLASSES; c++) {
		int same = -1;

		/* Topics shared by classes share a subject: one request each. */
		for (int p = 0; p < c && same < 0; p++)
			if (!strcmp(cfg->topics[p], cfg->topics[c]))
				same = p;
		if (same >= 0) {
			s->reg.schema_id[c] = s->reg.schema_id[same];
		} else {
			snprintf(subject, sizeof(subject), "%s-value", cfg->topics[c]);
			rc = sink_kafka_registry_register(&h, subject, sink_kafka_registry_proto,
							  &s->reg.schema_id[c], err, errlen);
			if (rc)
				goto cleanup;
		}
		s->reg.frame_len[c] = (uint8_t)sink_kafka_frame_header(s->reg.schema_id[c], idx, depth,
									s->reg.frame[c]);
	}
	s->reg.enabled = 1;
cleanup:
	if (password) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	return rc;
}

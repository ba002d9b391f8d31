#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include "enrich/k8s_client.h"
#include "enrich/pod_workload.h"

#define K8S_MAX_BODY (256u << 20)     /* a PodList of one node is far smaller */
#define K8S_MAX_LINE (16u << 20)      /* one watch event */
#define K8S_MAX_OBJECT (4u << 20)     /* one ReplicaSet, Job or Namespace */
#define K8S_ERRBODY_MAX 512
#define K8S_BACKOFF_MAX_S 30

struct k8s_client {
	struct k8s_config cfg;
	struct pod_store *store;
	struct pod_workload *workload; /* owners and namespace labels; the watcher thread's */
	pthread_t thread;
	int thread_started;
	int stop; /* atomic */
	pthread_mutex_t lock; /* stats, last_error, sleeping */
	pthread_cond_t wake;
	struct k8s_client_stats stats;
	char last_error[256];
};

/* One HTTP exchange: the body (list, error text) or the current partial
 * line (watch). */
struct transfer {
	struct k8s_client *c;
	CURL *curl;
	int watch;
	size_t limit;  /* of a body that is not a watch */
	char *buf;
	size_t len, cap;
	int gone;      /* a watch ERROR event with code 410 */
	char rv[64];   /* last resourceVersion seen in the watch */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void set_error(struct k8s_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(struct k8s_client *c, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&c->lock);
	va_start(ap, fmt);
	vsnprintf(c->last_error, sizeof(c->last_error), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&c->lock);
}

static void count(struct k8s_client *c, uint64_t *field)
{
	pthread_mutex_lock(&c->lock);
	(*field)++;
	pthread_mutex_unlock(&c->lock);
}

static int stopping(struct k8s_client *c)
{
	return __atomic_load_n(&c->stop, __ATOMIC_ACQUIRE);
}

static int buf_append(struct transfer *t, const char *p, size_t n, size_t limit)
{
	if (t->len + n + 1 > limit)
		return -EMSGSIZE;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 16384;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *b = realloc(t->buf, cap);
		if (!b)
			return -ENOMEM;
		t->buf = b;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, p, n);
	t->len += n;
	t->buf[t->len] = '\0';
	return 0;
}

static const char *json_str(struct json_object *o, const char *k1, const char *k2)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, k1, &v))
		return NULL;
	if (k2 && !json_object_object_get_ex(v, k2, &v))
		return NULL;
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static void warn_once(const char *warn)
{
	if (warn[0]) /* pod_workload says it once per cause */
		fprintf(stderr, "ringtap: warning: %s\n", warn);
}

/* The pod's workload and namespace labels: from the cache, or with m
 * published first so events need not wait for the API (-EAGAIN), then asked
 * for and published again. */
static int resolve_and_put(struct k8s_client *c, struct json_object *obj, struct pod_meta *m)
{
	char warn[512] = "", err[128];
	int rc = c->workload ? pod_workload_apply(c->workload, m, 1, warn, sizeof(warn)) : 0;

	if (rc != -EAGAIN)
		return pod_store_put(c->store, m);
	if ((rc = pod_store_put(c->store, m)) || (rc = pod_meta_from_json(obj, &m, err, sizeof(err))))
		return rc;
	rc = pod_workload_apply(c->workload, m, 0, warn, sizeof(warn));
	warn_once(warn);
	if (rc) {
		pod_meta_put(m);
		return rc;
	}
	return pod_store_put(c->store, m);
}

static int put_pod(struct k8s_client *c, struct json_object *obj, char *err, size_t errlen)
{
	struct pod_meta *m;
	int rc = pod_meta_from_json(obj, &m, err, errlen);

	return rc ? rc : resolve_and_put(c, obj, m);
}

/* One watch event line: {"type": ..., "object": {...}}. */
static void watch_event(struct transfer *t, const char *line, size_t n)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *ev = tok ? json_tokener_parse_ex(tok, line, (int)n) : NULL;
	struct json_object *obj = NULL, *code = NULL;
	char err[128];

	if (!ev || !json_object_object_get_ex(ev, "object", &obj)) {
		set_error(t->c, "watch: not a watch event: %.80s", line);
		count(t->c, &t->c->stats.errors);
		goto cleanup;
	}
	const char *type = json_str(ev, "type", NULL);
	if (!type)
		goto cleanup;
	if (!strcmp(type, "ERROR")) {
		if (json_object_object_get_ex(obj, "code", &code) && json_object_get_int(code) == 410)
			t->gone = 1;
		else
			set_error(t->c, "watch: error event: %.120s", line);
		goto cleanup;
	}
	count(t->c, &t->c->stats.events);
	if (!strcmp(type, "ADDED") || !strcmp(type, "MODIFIED")) {
		if (put_pod(t->c, obj, err, sizeof(err)) == -EBADMSG)
			set_error(t->c, "watch: %s", err);
	} else if (!strcmp(type, "DELETED")) {
		const char *uid = json_str(obj, "metadata", "uid");
		if (uid)
			pod_store_remove(t->c->store, uid);
	}
	/* BOOKMARK and the rest only move the resource version on */
	const char *rv = json_str(obj, "metadata", "resourceVersion");
	if (rv) {
		snprintf(t->rv, sizeof(t->rv), "%s", rv);
		pod_store_set_resource_version(t->c->store, rv);
	}
cleanup:
	json_object_put(ev);
	if (tok)
		json_tokener_free(tok);
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct transfer *t = arg;
	size_t n = size * nmemb;
	long status = 0;

	curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
	if (t->watch && status != 200) { /* keep the start of an error body */
		size_t room = t->len < K8S_ERRBODY_MAX ? K8S_ERRBODY_MAX - t->len : 0;
		return buf_append(t, p, n < room ? n : room, K8S_ERRBODY_MAX + 1) ? 0 : n;
	}
	if (!t->watch)
		return buf_append(t, p, n, t->limit ? t->limit : K8S_MAX_BODY) ? 0 : n;
	if (buf_append(t, p, n, K8S_MAX_LINE))
		return 0;
	char *start = t->buf, *nl;
	while ((nl = memchr(start, '\n', t->len - (size_t)(start - t->buf)))) {
		if (nl > start)
			watch_event(t, start, (size_t)(nl - start));
		start = nl + 1;
		if (t->gone)
			return 0; /* abort the transfer: the caller lists again */
	}
	t->len -= (size_t)(start - t->buf);
	memmove(t->buf, start, t->len);
	return n;
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)dn, (void)ut, (void)un;
	return stopping(((struct transfer *)arg)->c);
}

/* The token file's contents without trailing whitespace; NULL if unreadable. */
static char *read_token(const char *path)
{
	FILE *f = path && *path ? fopen(path, "re") : NULL;
	char *tok = NULL;
	size_t cap = 0;

	if (!f)
		return NULL;
	ssize_t n = getdelim(&tok, &cap, '\0', f);
	fclose(f);
	if (n <= 0) {
		free(tok);
		return NULL;
	}
	while (n > 0 && (tok[n - 1] == '\n' || tok[n - 1] == '\r' || tok[n - 1] == ' '))
		tok[--n] = '\0';
	return tok;
}

static int curl_to_errno(CURLcode rc)
{
	switch (rc) {
	case CURLE_OK: return 0;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST: return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT: return -ETIMEDOUT;
	case CURLE_ABORTED_BY_CALLBACK: return -ECANCELED;
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING: return -ECONNRESET;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE: return -EPROTO;
	default: return -EIO;
	}
}

/* GET the node's pods with query appended, or path (query NULL); on return
 * *status is the HTTP status (0 if none). */
static int http_get(struct k8s_client *c, const char *path, const char *query, struct transfer *t,
		    long timeout_s, long *status)
{
	char url[2048], *auth = NULL, *token = read_token(c->cfg.token_file);
	char *node = NULL;
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	int err = 0;

	*status = 0;
	t->curl = curl_easy_init();
	if (!t->curl) {
		err = -ENOMEM;
		goto cleanup;
	}
	node = curl_easy_escape(t->curl, c->cfg.node_name, 0);
	if (!node) {
		err = -ENOMEM;
		goto cleanup;
	}
	int len = query ? snprintf(url, sizeof(url), "%s/api/v1/pods?fieldSelector=spec.nodeName%%3D%s%s",
				   c->cfg.api_url, node, query)
			: snprintf(url, sizeof(url), "%s%s", c->cfg.api_url, path);
	if ((size_t)len >= sizeof(url)) {
		err = -ENAMETOOLONG;
		goto cleanup;
	}
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (token && asprintf(&auth, "Authorization: Bearer %s", token) > 0)
		hdrs = curl_slist_append(hdrs, auth);
	curl_easy_setopt(t->curl, CURLOPT_URL, url);
	curl_easy_setopt(t->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(t->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->curl, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(t->curl, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(t->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(t->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(t->curl, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(t->curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(t->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(t->curl, CURLOPT_XFERINFODATA, t);
	/* Never the system CAs instead: a CA file that went away fails the
	 * request (CURLE_SSL_CACERT_BADFILE -> -EPROTO). */
	if (c->cfg.ca_file && *c->cfg.ca_file)
		curl_easy_setopt(t->curl, CURLOPT_CAINFO, c->cfg.ca_file);
	/* k8s_client_new checked the scheme; no redirect may change it. */
	curl_easy_setopt(t->curl, CURLOPT_PROTOCOLS_STR, c->cfg.insecure_http ? "https,http" : "https");

	CURLcode rc = curl_easy_perform(t->curl);
	curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, status);
	if (rc == CURLE_WRITE_ERROR && t->gone)
		rc = CURLE_OK;
	err = curl_to_errno(rc);
	if (err)
		set_error(c, "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	else if (*status != 200)
		set_error(c, "%s: HTTP %ld: %.200s", url, *status, t->buf ? t->buf : "");
cleanup:
	curl_slist_free_all(hdrs);
	curl_free(node);
	if (t->curl)
		curl_easy_cleanup(t->curl);
	t->curl = NULL;
	free(auth);
	free(token);
	return err;
}

static int status_to_errno(struct k8s_client *c, long status)
{
	if (status == 200)
		return 0;
	if (status == 401 || status == 403) {
		count(c, &c->stats.auth_failures);
		return -EACCES;
	}
	return status == 410 ? -ESTALE : -EIO;
}

/* pod_workload's view of the API: one object by path. */
static int fetch_object(void *ctx, const char *path, struct json_object **out)
{
	struct k8s_client *c = ctx;
	struct transfer t = { .c = c, .limit = K8S_MAX_OBJECT };
	struct json_tokener *tok = NULL;
	long status;
	int rc = http_get(c, path, NULL, &t, 10, &status);

	*out = NULL;
	if (rc)
		goto cleanup;
	if (status == 404) {
		rc = -ENOENT;
		goto cleanup;
	}
	if ((rc = status_to_errno(c, status)))
		goto cleanup;
	tok = json_tokener_new();
	*out = tok && t.buf ? json_tokener_parse_ex(tok, t.buf, (int)t.len) : NULL;
	if (!*out || !json_object_is_type(*out, json_type_object)) {
		set_error(c, "GET %s: the response is not a JSON object", path);
		json_object_put(*out);
		*out = NULL;
		rc = -EIO;
	}
cleanup:
	if (tok)
		json_tokener_free(tok);
	free(t.buf);
	return rc;
}

int k8s_client_list(struct k8s_client *c)
{
	struct transfer t = { .c = c };
	struct json_object *list = NULL, *items = NULL;
	struct pod_meta **pods = NULL;
	size_t n = 0, n_later = 0, *later = NULL;
	long status;
	char err[128];

	count(c, &c->stats.lists);
	int rc = http_get(c, NULL, "", &t, 60, &status);
	if (rc || (rc = status_to_errno(c, status)))
		goto cleanup;
	list = t.buf ? json_tokener_parse(t.buf) : NULL;
	const char *kind = json_str(list, "kind", NULL);
	if (!list || !kind || strcmp(kind, "PodList") ||
	    !json_object_object_get_ex(list, "items", &items) || !json_object_is_type(items, json_type_array)) {
		set_error(c, "list: the response is not a PodList: %.120s", t.buf ? t.buf : "(empty)");
		rc = -EIO;
		goto cleanup;
	}
	size_t len = json_object_array_length(items);
	pods = calloc(len ? len : 1, sizeof(*pods));
	later = calloc(len ? len : 1, sizeof(*later));
	if (!pods || !later) {
		rc = -ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < len; i++) {
		if (pod_meta_from_json(json_object_array_get_idx(items, i), &pods[n], err, sizeof(err))) {
			set_error(c, "list: item %zu: %s", i, err);
			continue;
		}
		/* what the cache knows now; the rest once every pod is published */
		if (c->workload && pod_workload_apply(c->workload, pods[n], 1, NULL, 0) == -EAGAIN)
			later[n_later++] = i;
		n++;
	}
	rc = pod_store_reset(c->store, pods, n);
	n = 0; /* the store owns them now */
	pod_store_set_resource_version(c->store, json_str(list, "metadata", "resourceVersion"));
	for (size_t i = 0; i < n_later && !stopping(c); i++)
		put_pod(c, json_object_array_get_idx(items, later[i]), err, sizeof(err));
cleanup:
	if (rc)
		count(c, &c->stats.errors);
	while (n)
		pod_meta_put(pods[--n]);
	free(pods);
	free(later);
	json_object_put(list);
	free(t.buf);
	return rc;
}

int k8s_client_watch(struct k8s_client *c)
{
	struct transfer t = { .c = c, .watch = 1 };
	char query[256], rv[64];
	long status;

	count(c, &c->stats.watches);
	pod_store_resource_version(c->store, rv, sizeof(rv));
	snprintf(query, sizeof(query), "&watch=1&allowWatchBookmarks=true&timeoutSeconds=%d&resourceVersion=%s",
		 c->cfg.watch_timeout_s, rv);
	int rc = http_get(c, NULL, query, &t, c->cfg.watch_timeout_s + 30, &status);
	if (t.gone)
		rc = -ESTALE;
	else if (!rc)
		rc = status_to_errno(c, status);
	if (rc == -ESTALE)
		count(c, &c->stats.gone);
	else if (rc == -ECONNRESET)
		count(c, &c->stats.dropped);
	else if (rc)
		count(c, &c->stats.errors);
	free(t.buf);
	return rc;
}

/* Sleep up to s seconds, or until stopped. */
static void nap(struct k8s_client *c, int s)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += s;
	pthread_mutex_lock(&c->lock);
	while (!stopping(c) && pthread_cond_timedwait(&c->wake, &c->lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&c->lock);
}

static void *run(void *arg)
{
	struct k8s_client *c = arg;
	int need_list = 1, backoff = 1, drops = 0;

	while (!stopping(c)) {
		time_t began = time(NULL);
		int rc = need_list ? k8s_client_list(c) : k8s_client_watch(c);
		if (rc == -ECANCELED || stopping(c))
			break;
		if (rc == 0) {
			if (!need_list && time(NULL) - began < 1)
				nap(c, 1); /* a server that ends watches at once must not spin us */
			need_list = 0;
			backoff = 1;
			drops = 0;
		} else if (rc == -ESTALE) {
			need_list = 1; /* our version expired: start over */
		} else if (rc == -ECONNRESET && drops++ == 0) {
			/* resume from the last version at once, once; then back off */
		} else {
			nap(c, backoff);
			backoff = backoff * 2 > K8S_BACKOFF_MAX_S ? K8S_BACKOFF_MAX_S : backoff * 2;
		}
	}
	return NULL;
}

int k8s_client_new(const struct k8s_config *cfg, struct pod_store *store, struct k8s_client **out)
{
	struct k8s_client *c;
	pthread_condattr_t attr;

	pthread_once(&curl_once, curl_init_once);
	if (curl_init_rc != CURLE_OK)
		return -EIO;
	if (!cfg->api_url || (strncasecmp(cfg->api_url, "https://", 8) &&
			      !(cfg->insecure_http && !strncasecmp(cfg->api_url, "http://", 7))))
		return -EPERM; /* the token goes over verified TLS only, unless asked otherwise */
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->store = store;
	if (pod_workload_new(cfg->namespace_labels, fetch_object, c, &c->workload)) {
		free(c);
		return -ENOMEM;
	}
	c->cfg.insecure_http = cfg->insecure_http;
	c->cfg.namespace_labels = cfg->namespace_labels;
	c->cfg.watch_timeout_s = cfg->watch_timeout_s > 0 ? cfg->watch_timeout_s : 300;
	c->cfg.api_url = strdup(cfg->api_url ? cfg->api_url : "");
	c->cfg.token_file = strdup(cfg->token_file ? cfg->token_file : "");
	c->cfg.ca_file = strdup(cfg->ca_file ? cfg->ca_file : "");
	c->cfg.node_name = strdup(cfg->node_name ? cfg->node_name : "");
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (!c->cfg.api_url || !c->cfg.token_file || !c->cfg.ca_file || !c->cfg.node_name) {
		k8s_client_free(c);
		return -ENOMEM;
	}
	*out = c;
	return 0;
}

int k8s_client_start(struct k8s_client *c)
{
	if (c->thread_started)
		return -EALREADY;
	__atomic_store_n(&c->stop, 0, __ATOMIC_RELEASE);
	int err = pthread_create(&c->thread, NULL, run, c);
	if (err)
		return -err;
	c->thread_started = 1;
	return 0;
}

void k8s_client_stop(struct k8s_client *c)
{
	if (!c || !c->thread_started)
		return;
	pthread_mutex_lock(&c->lock);
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	c->thread_started = 0;
}

void k8s_client_free(struct k8s_client *c)
{
	if (!c)
		return;
	k8s_client_stop(c);
	pod_workload_free(c->workload);
	k8s_config_free(&c->cfg);
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void k8s_client_stats(struct k8s_client *c, struct k8s_client_stats *out)
{
	pthread_mutex_lock(&c->lock);
	*out = c->stats;
	pthread_mutex_unlock(&c->lock);
}

void k8s_client_last_error(struct k8s_client *c, char *out, size_t outlen)
{
	pthread_mutex_lock(&c->lock);
	snprintf(out, outlen, "%s", c->last_error);
	pthread_mutex_unlock(&c->lock);
}

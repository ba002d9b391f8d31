/* Kafka sink credential rotation (see sink_kafka_rotate.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "sink/sink_kafka_instance.h"
#include "config/dir_watch.h"
#include "config/file_identity.h"

#define ROTATE_MAX_FILES 5
#define CHECK_INTERVAL_MS 100
/* Files copied in place one by one settle within this; a Kubernetes swap
 * is atomic anyway. */
#define QUIET_MS 300

struct sink_kafka_rotate {
	int fd;
	int n;
	char *paths[ROTATE_MAX_FILES];
	struct file_identity seen[ROTATE_MAX_FILES];
	int64_t next_check_ms;
	int64_t changed_ms; /* last inotify event not acted on yet; 0 none */
	uint64_t rotations;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int add_path(struct sink_kafka_rotate *r, const char *path)
{
	struct stat sb;

	if (!path || !*path || r->n == ROTATE_MAX_FILES)
		return 0;
	if (!stat(path, &sb) && S_ISDIR(sb.st_mode))
		return 0; /* a CA directory: not watched */
	r->paths[r->n] = strdup(path);
	if (!r->paths[r->n])
		return -ENOMEM;
	file_identity_of(path, &r->seen[r->n]);
	r->n++;
	/* The directory, not the file: the kubelet replaces ..data there. */
	return dir_watch_add_parent(r->fd, path);
}

static const char *secret_file(const char *spec)
{
	return spec && !strncmp(spec, "file:", 5) ? spec + 5 : NULL;
}

int sink_kafka_rotate_create(struct sink_kafka *s, struct sink_kafka_rotate **out)
{
	static const char *const props[] = { "ssl.ca.location", "ssl.certificate.location",
					     "ssl.key.location" };
	struct sink_kafka_rotate *r;
	char buf[1024];
	int rc = 0;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->fd = -1;
	rc = dir_watch_open(&r->fd);
	if (rc)
		goto cleanup;
	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]) && !rc; i++) {
		size_t size = sizeof(buf);
		if (rd_kafka_conf_get(s->conf, props[i], buf, &size) == RD_KAFKA_CONF_OK &&
		    strcmp(buf, "probe"))
			rc = add_path(r, buf);
	}
	if (!rc)
		rc = add_path(r, secret_file(s->cfg.sasl_password));
	if (!rc)
		rc = add_path(r, secret_file(s->cfg.ssl_key_password));
	if (rc || !r->n)
		goto cleanup;
	*out = r;
	r = NULL;
cleanup:
	sink_kafka_rotate_destroy(r);
	return rc;
}

/* A copy of the template with the secret options read again. */
static int reread_secret(rd_kafka_conf_t *conf, const char *prop, const char *spec,
			 const char *option, char *err, size_t errlen)
{
	char *value = NULL, rderr[256];
	int rc;

	if (!spec)
		return 0;
	rc = options_resolve_secret(spec, &value);
	if (rc) {
		snprintf(err, errlen, "kafka option '%s': cannot read the secret %s (%s)", option,
			 spec, strerror(-rc));
		return rc;
	}
	if (rd_kafka_conf_set(conf, prop, value, rderr, sizeof(rderr)) != RD_KAFKA_CONF_OK) {
		snprintf(err, errlen, "kafka option '%s': librdkafka rejected it (value hidden)", option);
		rc = -EINVAL;
	}
	explicit_bzero(value, strlen(value));
	free(value);
	return rc;
}

static int rebuild_conf(struct sink_kafka *s, rd_kafka_conf_t **out, char *err, size_t errlen)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_dup(s->conf);
	int rc;

	if (!conf)
		return -ENOMEM;
	if ((rc = reread_secret(conf, "sasl.password", s->cfg.sasl_password, "sasl_password", err,
				errlen)) ||
	    (rc = reread_secret(conf, "ssl.key.password", s->cfg.ssl_key_password,
				"ssl_key_password", err, errlen)) ||
	    (rc = sink_kafka_tls_check(conf, err, errlen)))
		goto cleanup;
	*out = conf;
	conf = NULL;
cleanup:
	if (conf)
		rd_kafka_conf_destroy(conf);
	return rc;
}

static void rotate(struct sink_kafka *s)
{
	rd_kafka_conf_t *conf = NULL;
	char err[512];

	if (rebuild_conf(s, &conf, err, sizeof(err))) {
		fprintf(stderr, "ringtap: kafka: the changed TLS/SASL material is not used, the "
			"producer keeps the previous one: %s\n", err);
		return;
	}
	rd_kafka_conf_destroy(s->conf);
	s->conf = conf;
	s->rotate->rotations++;
	fprintf(stderr, "ringtap: kafka: TLS/SASL material changed; recreating the producer with "
		"it (%llu events in flight are re-sent)\n", (unsigned long long)s->in_flight);
	if (s->rk) {
		/* What is still queued was never sent: take it back now, so the
		 * restart only waits for requests already on the wire. The
		 * purged messages stay listed (on_delivery keeps them while
		 * fatal is set) and are re-sent in order on the new producer. */
		s->fatal = 1;
		rd_kafka_purge(s->rk, RD_KAFKA_PURGE_F_QUEUE);
		rd_kafka_poll(s->rk, 0);
	}
	sink_kafka_producer_restart(s);
}

void sink_kafka_rotate_poll(struct sink_kafka *s)
{
	struct sink_kafka_rotate *r = s->rotate;
	bool changed = false, touched = false;
	int64_t now;

	if (!r)
		return;
	now = mono_ms();
	if (now < r->next_check_ms)
		return;
	r->next_check_ms = now + CHECK_INTERVAL_MS;
	dir_watch_drain(r->fd, NULL, NULL, &touched);
	if (touched)
		r->changed_ms = now; /* which name does not matter: identities decide */
	if (!r->changed_ms || now - r->changed_ms < QUIET_MS)
		return;
	r->changed_ms = 0;
	for (int i = 0; i < r->n; i++) {
		struct file_identity id;

		file_identity_of(r->paths[i], &id);
		if (!file_identity_equal(&id, &r->seen[i]))
			changed = true;
		r->seen[i] = id;
	}
	if (changed)
		rotate(s);
}

uint64_t sink_kafka_rotate_count(const struct sink_kafka_rotate *r)
{
	return r ? r->rotations : 0;
}

void sink_kafka_rotate_destroy(struct sink_kafka_rotate *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	for (int i = 0; i < r->n; i++)
		free(r->paths[i]);
	free(r);
}

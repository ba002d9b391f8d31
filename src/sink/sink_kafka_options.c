/* Kafka sink options and the librdkafka configuration built from them.
 *
 * Order of precedence for librdkafka properties: ringtap's safe defaults
 * (idempotence, acks=all, murmur2_random, bounded queue), then the sink's own
 * options, then the user's pass-through "rdkafka.<property>" keys, then the
 * secret options. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "sink/sink_kafka_instance.h"

#define CFG(f) offsetof(struct sink_kafka_config, f)
#define RDKAFKA_PREFIX "rdkafka."

const struct option_def sink_kafka_option_table[] = {
	{ "brokers", OPT_STRING, NULL, CFG(brokers),
	  "bootstrap brokers host:port[,host:port] (or --sink kafka:BROKERS)" },
	{ "encoding", OPT_STRING, "protobuf", CFG(encoding),
	  "message value: protobuf (ringtap.v1.Event) or json" },
	{ "format", OPT_STRING, "json", CFG(format),
	  "json: ringtap.v1.Event as 'encoding' says; ocsf: OCSF 1.8.0 JSON values (docs/ocsf.md)" },
	{ "key", OPT_STRING, "auto", CFG(key),
	  "message key: auto (pod UID, else node/<node>), node (node/<node>) or none" },
	{ "node", OPT_STRING, NULL, CFG(node),
	  "node name for keys and ce_source (default: event's node, NODE_NAME, hostname)" },
	{ "topic_process", OPT_STRING, "ringtap.process", CFG(topics[SINK_KAFKA_PROCESS]),
	  "topic for process events: exec, exit, fork, cred, ptrace, module, mount, "
	  "namespace, dup, signal, bpf, io_uring" },
	{ "topic_file", OPT_STRING, "ringtap.file", CFG(topics[SINK_KAFKA_FILE]),
	  "topic for file events: open, unlink, rename, chmod, chown, link, mknod, memfd" },
	{ "topic_network", OPT_STRING, "ringtap.network", CFG(topics[SINK_KAFKA_NETWORK]),
	  "topic for network events: connect, accept, bind, listen, socket, unix_socket, "
	  "tcp_established, tcp_close, dns" },
	{ "topic_sensor", OPT_STRING, "ringtap.sensor", CFG(topics[SINK_KAFKA_SENSOR]),
	  "topic for ringtap's own drop and health records" },
	{ "queue_max_messages", OPT_INT, "100000", CFG(queue_max_messages),
	  "most messages waiting in the producer queue" },
	{ "queue_max_bytes", OPT_SIZE, "64MiB", CFG(queue_max_bytes),
	  "most bytes waiting in the producer queue" },
	{ "queue_full_wait_ms", OPT_INT, "50", CFG(queue_full_wait_ms),
	  "when the queue is full, wait this long once for room; then drop (and count) "
	  "events at once until a delivery report frees room" },
	{ "message_timeout_ms", OPT_INT, "300000", CFG(message_timeout_ms),
	  "give up on (and count) a message not acknowledged within this time" },
	{ "sasl_password", OPT_SECRET, NULL, CFG(sasl_password),
	  "SASL password: env:NAME or file:PATH" },
	{ "ssl_key_password", OPT_SECRET, NULL, CFG(ssl_key_password),
	  "password of the TLS client key: env:NAME or file:PATH" },
	{ "spool.enabled", OPT_BOOL, "true", CFG(spool_enabled),
	  "keep events in a disk spool until the broker acknowledges them (outages, restarts)" },
	{ "spool.dir", OPT_STRING, "/var/lib/ringtap/spool", CFG(spool_dir),
	  "spool directory; each Kafka sink uses its own subdirectory kafka-<brokers>" },
	{ "spool.max_bytes", OPT_SIZE, "1GiB", CFG(spool_max_bytes),
	  "disk budget of the spool; beyond it events are dropped, counted and reported in a "
	  "Drop record" },
	{ "spool.max_age_s", OPT_INT, "86400", CFG(spool_max_age_s),
	  "give up (and count) spooled events older than this many seconds; 0: never" },
	{ "spool.high_water", OPT_INT, "20000", CFG(spool_high_water),
	  "most messages in the producer at once; beyond, events wait on disk (bounds memory)" },
	{ "spool.drain_rate", OPT_INT, "0", CFG(spool_drain_rate),
	  "most records per second drained from the spool after an outage; 0: as fast as the "
	  "producer takes them" },
	{ "schema_registry.url", OPT_STRING, NULL, CFG(registry_url),
	  "Confluent Schema Registry (http:// or https://): at start, register the .proto under "
	  "each topic's subject <topic>-value and prefix every value with the Confluent wire "
	  "format (magic byte, schema id, message indexes); encoding protobuf only; the sink "
	  "does not start when the registry cannot be reached or refuses the schema" },
	{ "schema_registry.user", OPT_STRING, NULL, CFG(registry_user),
	  "basic-auth user for the schema registry" },
	{ "schema_registry.password", OPT_SECRET, NULL, CFG(registry_password),
	  "basic-auth password for the schema registry: env:NAME or file:PATH" },
	{ "schema_registry.ca", OPT_STRING, NULL, CFG(registry_ca),
	  "CA bundle (PEM) that signs the schema registry's certificate (default: the system's)" },
	{ "schema_registry.timeout_ms", OPT_INT, "10000", CFG(registry_timeout_ms),
	  "how long one request to the schema registry may take at start" },
	OPT_END,
};

/* librdkafka echoes the value in its error text: keep that out of
 * messages for properties that carry secrets. */
static int is_secret_property(const char *name)
{
	return strstr(name, "password") || strstr(name, "secret") || strstr(name, "sasl.jaas");
}

static int conf_set(rd_kafka_conf_t *conf, const char *name, const char *value,
		    const char *where, char *err, size_t errlen)
{
	char rderr[256];

	if (rd_kafka_conf_set(conf, name, value, rderr, sizeof(rderr)) == RD_KAFKA_CONF_OK)
		return 0;
	if (is_secret_property(name))
		snprintf(err, errlen, "%s: librdkafka rejected property '%s' (value hidden)", where, name);
	else
		snprintf(err, errlen, "%s: %s", where, rderr);
	return -EINVAL;
}

static int conf_set_int(rd_kafka_conf_t *conf, const char *name, int64_t v,
			const char *where, char *err, size_t errlen)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return conf_set(conf, name, buf, where, err, errlen);
}

/* Secrets come from env:NAME / file:PATH (or a literal). */
static int conf_set_secret(rd_kafka_conf_t *conf, const char *name, const char *spec,
			   const char *option, char *err, size_t errlen)
{
	char *value = NULL;
	int rc;

	if (!spec)
		return 0;
	rc = options_resolve_secret(spec, &value);
	if (rc) {
		snprintf(err, errlen, "kafka option '%s': cannot read the secret %s (%s)", option,
			 spec, strerror(-rc));
		return rc;
	}
	rc = conf_set(conf, name, value, option, err, errlen);
	explicit_bzero(value, strlen(value));
	free(value);
	return rc;
}

/* Where an option was set ("FILE:LINE:COL"), for messages about its value. */
static const char *where_of(const struct sink_options *opts, const char *name)
{
	for (size_t i = opts ? opts->n : 0; i-- > 0;)
		if (!strcmp(opts->items[i].key, name) && opts->items[i].where)
			return opts->items[i].where;
	return "kafka sink";
}

static int parse_enums(struct sink_kafka *s, const struct sink_options *opts, char *err,
		       size_t errlen)
{
	const struct sink_kafka_config *cfg = &s->cfg;

	if (!strcmp(cfg->encoding, "protobuf"))
		s->encoding = SINK_KAFKA_PROTOBUF;
	else if (!strcmp(cfg->encoding, "json"))
		s->encoding = SINK_KAFKA_JSON;
	else
		goto bad_encoding;
	if (!strcmp(cfg->format, "ocsf")) {
		s->encoding = SINK_KAFKA_OCSF;
	} else if (strcmp(cfg->format, "json")) {
		snprintf(err, errlen, "%s: option 'format' wants json or ocsf, got '%s'",
			 where_of(opts, "format"), cfg->format);
		return -EINVAL;
	}
	if (!strcmp(cfg->key, "auto"))
		s->key_mode = SINK_KAFKA_KEY_AUTO;
	else if (!strcmp(cfg->key, "node"))
		s->key_mode = SINK_KAFKA_KEY_NODE;
	else if (!strcmp(cfg->key, "none"))
		s->key_mode = SINK_KAFKA_KEY_NONE;
	else {
		snprintf(err, errlen, "%s: option 'key' wants auto, node or none, got '%s'",
			 where_of(opts, "key"), cfg->key);
		return -EINVAL;
	}
	static const char *const topic_option[SINK_KAFKA_NCLASSES] = {
		"topic_process", "topic_file", "topic_network", "topic_sensor",
	};
	for (int i = 0; i < SINK_KAFKA_NCLASSES; i++) {
		if (!*cfg->topics[i]) {
			snprintf(err, errlen, "%s: option '%s' needs a topic name",
				 where_of(opts, topic_option[i]), topic_option[i]);
			return -EINVAL;
		}
	}
	if (cfg->spool_high_water < 1 || cfg->spool_high_water > 10000000) {
		snprintf(err, errlen, "%s: option 'spool.high_water' wants 1..10000000, got %lld",
			 where_of(opts, "spool.high_water"), (long long)cfg->spool_high_water);
		return -EINVAL;
	}
	if (cfg->spool_max_age_s < 0 || cfg->spool_drain_rate < 0) {
		int age = cfg->spool_max_age_s < 0;
		snprintf(err, errlen, "%s: option '%s' cannot be negative", 
			 where_of(opts, age ? "spool.max_age_s" : "spool.drain_rate"),
			 age ? "spool.max_age_s" : "spool.drain_rate");
		return -EINVAL;
	}
	if (cfg->spool_enabled && cfg->spool_max_bytes < 512 * 1024) {
		snprintf(err, errlen, "%s: option 'spool.max_bytes' wants at least 512KiB",
			 where_of(opts, "spool.max_bytes"));
		return -EINVAL;
	}
	if (cfg->spool_enabled && (!cfg->spool_dir || !*cfg->spool_dir)) {
		snprintf(err, errlen, "%s: option 'spool.dir' needs a directory "
			 "(spool.enabled: false turns the spool off)", where_of(opts, "spool.dir"));
		return -EINVAL;
	}
	if (cfg->queue_full_wait_ms < 0 || cfg->queue_full_wait_ms > 10000) {
		snprintf(err, errlen, "%s: option 'queue_full_wait_ms' wants 0..10000, got %lld",
			 where_of(opts, "queue_full_wait_ms"), (long long)cfg->queue_full_wait_ms);
		return -EINVAL;
	}
	return 0;
bad_encoding:
	snprintf(err, errlen, "%s: option 'encoding' wants protobuf or json, got '%s'",
		 where_of(opts, "encoding"), cfg->encoding);
	return -EINVAL;
}

/* schema_registry.*: only with protobuf values (the wire format frames a
 * protobuf message), a usable URL, and a user for a password. */
static int check_registry(const struct sink_kafka *s, const struct sink_options *opts, char *err,
			  size_t errlen)
{
	const struct sink_kafka_config *cfg = &s->cfg;
	char why[256];

	if (!cfg->registry_url || !*cfg->registry_url) {
		if (cfg->registry_user || cfg->registry_password || cfg->registry_ca) {
			snprintf(err, errlen, "%s: schema_registry.* options need schema_registry.url",
				 where_of(opts, cfg->registry_user ? "schema_registry.user" :
					  cfg->registry_password ? "schema_registry.password" :
					  "schema_registry.ca"));
			return -EINVAL;
		}
		return 0;
	}
	if (s->encoding != SINK_KAFKA_PROTOBUF) {
		int ocsf = s->encoding == SINK_KAFKA_OCSF;
		snprintf(err, errlen, "%s: schema_registry.url frames protobuf values only; this sink "
			 "writes %s (%s '%s'); use encoding: protobuf and format: json, or drop "
			 "schema_registry.url", where_of(opts, "schema_registry.url"),
			 ocsf ? "OCSF JSON" : "JSON", ocsf ? "format" : "encoding",
			 ocsf ? cfg->format : cfg->encoding);
		return -EINVAL;
	}
	if (sink_kafka_registry_check_url(cfg->registry_url, why, sizeof(why))) {
		snprintf(err, errlen, "%s: option 'schema_registry.url': %s",
			 where_of(opts, "schema_registry.url"), why);
		return -EINVAL;
	}
	if (cfg->registry_password && (!cfg->registry_user || !*cfg->registry_user)) {
		snprintf(err, errlen, "%s: option 'schema_registry.password' needs "
			 "schema_registry.user", where_of(opts, "schema_registry.password"));
		return -EINVAL;
	}
	if (cfg->registry_timeout_ms < 100 || cfg->registry_timeout_ms > 600000) {
		snprintf(err, errlen, "%s: option 'schema_registry.timeout_ms' wants 100..600000, "
			 "got %lld", where_of(opts, "schema_registry.timeout_ms"),
			 (long long)cfg->registry_timeout_ms);
		return -EINVAL;
	}
	return 0;
}

static int build_conf(struct sink_kafka *s, const struct sink_options *opts, char *err, size_t errlen)
{
	const struct sink_kafka_config *cfg = &s->cfg;
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	int rc;

	if (!conf)
		return -ENOMEM;
	/* Delivery guarantees first, so pass-through keys can only tune them. */
	if ((rc = conf_set(conf, "bootstrap.servers", cfg->brokers, where_of(opts, "brokers"), err,
			   errlen)) ||
	    (rc = conf_set(conf, "client.id", "ringtap", "internal", err, errlen)) ||
	    (rc = conf_set(conf, "enable.idempotence", "true", "internal", err, errlen)) ||
	    (rc = conf_set(conf, "acks", "all", "internal", err, errlen)) ||
	    (rc = conf_set(conf, "partitioner", "murmur2_random", "internal", err, errlen)) ||
	    (rc = conf_set_int(conf, "queue.buffering.max.messages", cfg->queue_max_messages,
			       where_of(opts, "queue_max_messages"), err, errlen)) ||
	    (rc = conf_set_int(conf, "queue.buffering.max.kbytes",
			       (int64_t)((cfg->queue_max_bytes + 1023) / 1024),
			       where_of(opts, "queue_max_bytes"), err, errlen)) ||
	    /* With the spool, a message waits for the broker as long as it
	     * takes (it is on disk), unless message_timeout_ms says otherwise. */
	    (rc = conf_set_int(conf, "message.timeout.ms",
			       cfg->spool_enabled && !cfg->message_timeout_set ? 0 : cfg->message_timeout_ms,
			       where_of(opts, "message_timeout_ms"), err, errlen)))
		goto cleanup;
	for (size_t i = 0; opts && i < opts->n; i++) {
		const struct option_kv *kv = &opts->items[i];

		if (strncmp(kv->key, RDKAFKA_PREFIX, strlen(RDKAFKA_PREFIX)))
			continue;
		rc = conf_set(conf, kv->key + strlen(RDKAFKA_PREFIX), kv->value,
			      kv->where ? kv->where : kv->key, err, errlen);
		if (rc)
			goto cleanup;
	}
	if ((rc = conf_set_secret(conf, "sasl.password", cfg->sasl_password, "sasl_password", err,
				  errlen)) ||
	    (rc = conf_set_secret(conf, "ssl.key.password", cfg->ssl_key_password,
				  "ssl_key_password", err, errlen)))
		goto cleanup;
	s->conf = conf;
	conf = NULL;
cleanup:
	if (conf)
		rd_kafka_conf_destroy(conf);
	return rc;
}

int sink_kafka_configure(struct sink_kafka *s, const char *arg, const struct sink_options *opts,
			 char *err, size_t errlen)
{
	int rc;

	rc = options_apply(sink_kafka_option_table, &s->cfg, opts, RDKAFKA_PREFIX, err, errlen);
	if (rc)
		return rc;
	if (arg && *arg) {
		/* --sink kafka:BROKERS wins over a "brokers" option. */
		char *b = strdup(arg);
		if (!b)
			return -ENOMEM;
		free(s->cfg.brokers);
		s->cfg.brokers = b;
	}
	if (!s->cfg.brokers || !*s->cfg.brokers) {
		snprintf(err, errlen, "kafka sink: no brokers; use --sink kafka:HOST:PORT or 'brokers:'");
		return -EINVAL;
	}
	for (size_t i = 0; opts && i < opts->n; i++)
		if (!strcmp(opts->items[i].key, "message_timeout_ms"))
			s->cfg.message_timeout_set = 1;
	rc = parse_enums(s, opts, err, errlen);
	if (rc)
		return rc;
	rc = check_registry(s, opts, err, errlen);
	if (rc)
		return rc;
	rc = build_conf(s, opts, err, errlen);
	return rc ? rc : sink_kafka_tls_check(s->conf, err, errlen);
}

int sink_kafka_validate(const char *arg, const struct sink_options *opts, char *err, size_t errlen)
{
	struct sink_kafka *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	/* The configuration template only: no producer, no connection. */
	rc = sink_kafka_configure(s, arg, opts, err, errlen);
	if (s->conf)
		rd_kafka_conf_destroy(s->conf);
	options_free_strings(sink_kafka_option_table, &s->cfg);
	free(s);
	return rc;
}

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "metrics/metrics_deadline.h"
#include "metrics/metrics_process.h"
#include "metrics/metrics_server.h"
#include "metrics/metrics_text.h"

struct metrics_server {
	struct MHD_Daemon *mhd;
	struct metrics_deadline *deadline;
	pthread_mutex_t lock;
	int lock_ok;
	/* under lock */
	struct metrics_snapshot snap;
	int published;
	int64_t last_publish_ms;
	/* read-only after start */
	int64_t started_ms;
	int64_t stale_after_ms;
	double start_time_s;
	uint16_t port;
	unsigned open_conns, peak_conns; /* MHD thread writes; __atomic reads */
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result serve_metrics(struct metrics_server *m, struct MHD_Connection *c)
{
	struct metrics_snapshot snap;
	struct metrics_text_info info = { .version = RINGTAP_VERSION, .start_time_s = m->start_time_s };
	struct MHD_Response *r;
	enum MHD_Result ret;
	char *buf;
	int n;

	pthread_mutex_lock(&m->lock);
	snap = m->snap;
	info.published = m->published;
	info.snapshot_age_s = (double)(mono_ms() - m->last_publish_ms) / 1000.0;
	pthread_mutex_unlock(&m->lock);

	buf = malloc(METRICS_TEXT_MAX);
	if (!buf)
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	n = metrics_text_format(&snap, &info, buf, METRICS_TEXT_MAX);
	if (n < 0) {
		free(buf);
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "metrics do not fit the response buffer\n");
	}
	r = MHD_create_response_from_buffer((size_t)n, buf, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, METRICS_TEXT_CONTENT_TYPE);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result serve_healthz(struct metrics_server *m, struct MHD_Connection *c)
{
	char msg[160];
	int64_t age;
	int published;

	pthread_mutex_lock(&m->lock);
	published = m->published;
	age = mono_ms() - (published ? m->last_publish_ms : m->started_ms);
	pthread_mutex_unlock(&m->lock);
	if (age <= m->stale_after_ms)
		return reply(c, MHD_HTTP_OK, "ok\n");
	snprintf(msg, sizeof(msg), "unhealthy: the main loop published no counters for %.1f s (limit %.1f s)%s\n",
		 (double)age / 1000.0, (double)m->stale_after_ms / 1000.0,
		 published ? "" : "; none since start");
	return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, msg);
}

static enum MHD_Result serve_readyz(struct metrics_server *m, struct MHD_Connection *c)
{
	char msg[sizeof(m->snap.features_disabled) + 64];
	int published;

	pthread_mutex_lock(&m->lock);
	published = m->published;
	snprintf(msg, sizeof(msg), "ready\n%s%s%s", m->snap.features_disabled[0] ? "features disabled: " : "",
		 m->snap.features_disabled, m->snap.features_disabled[0] ? "\n" : "");
	pthread_mutex_unlock(&m->lock);
	if (published)
		return reply(c, MHD_HTTP_OK, msg);
	return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		     "not ready: probes not attached yet (no counters published)\n");
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
			  enum MHD_ConnectionNotificationCode code)
{
	struct metrics_server *m = cls;
	const union MHD_ConnectionInfo *info;
	unsigned open;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		open = __atomic_add_fetch(&m->open_conns, 1, __ATOMIC_RELAXED);
		if (open > __atomic_load_n(&m->peak_conns, __ATOMIC_RELAXED))
			__atomic_store_n(&m->peak_conns, open, __ATOMIC_RELAXED);
		info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_ctx = info ? metrics_deadline_track(m->deadline, info->connect_fd) : NULL;
		if (!*socket_ctx && info) /* untracked would mean unbounded: refuse */
			shutdown(info->connect_fd, SHUT_RDWR);
	} else {
		/* MHD calls this before it closes the socket. */
		metrics_deadline_forget(m->deadline, *socket_ctx);
		*socket_ctx = NULL;
		__atomic_sub_fetch(&m->open_conns, 1, __ATOMIC_RELAXED);
	}
}

/* A response went out in full: a keep-alive connection's next request gets
 * its own deadline. */
static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
			 enum MHD_RequestTerminationCode why)
{
	struct metrics_server *m = cls;
	const union MHD_ConnectionInfo *info;

	(void)req_cls;
	if (why != MHD_REQUEST_TERMINATED_COMPLETED_OK)
		return;
	info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (info)
		metrics_deadline_rearm(m->deadline, info->socket_context);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload_data, size_t *upload_data_size,
			      void **req_cls)
{
	struct metrics_server *m = cls;

	(void)version, (void)upload_data, (void)upload_data_size, (void)req_cls;
	/* MHD answers HEAD with the GET response's headers only. */
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed: only GET and HEAD\n");
	if (!strcmp(url, "/metrics"))
		return serve_metrics(m, c);
	if (!strcmp(url, "/healthz"))
		return serve_healthz(m, c);
	if (!strcmp(url, "/readyz"))
		return serve_readyz(m, c);
	return reply(c, MHD_HTTP_NOT_FOUND, "not found: try /metrics, /healthz or /readyz\n");
}

/* Bind the listen socket ourselves: the exact errno reaches the caller, and
 * an ephemeral port can be read back. */
static int listen_on(const char *address, int port, int *fd_out, uint16_t *port_out, int *v6)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd = -1, one = 1, rc;

	if (inet_pton(AF_INET, address, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		ss.ss_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)(port < 0 ? 0 : port));
		len = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, address, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		ss.ss_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)(port < 0 ? 0 : port));
		len = sizeof(struct sockaddr_in6);
	} else {
		return -EINVAL;
	}
	*v6 = ss.ss_family == AF_INET6;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) || bind(fd, (struct sockaddr *)&ss, len) ||
	    listen(fd, 64) || getsockname(fd, (struct sockaddr *)&ss, &len)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	*port_out = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						   : ((struct sockaddr_in *)&ss)->sin_port);
	*fd_out = fd;
	return 0;
}

int metrics_server_start(const struct metrics_config *cfg, struct metrics_server **out)
{
	struct metrics_server *m = NULL;
	unsigned timeout_s;
	int fd = -1, v6 = 0, rc;

	*out = NULL;
	if (cfg->port == 0)
		return 0;
	if (cfg->port > 65535 || cfg->max_connections < 1 || cfg->max_connections_per_ip < 0 ||
	    cfg->stale_after_ms < 1 || cfg->timeout_ms < 1 || !cfg->address)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	if ((rc = -pthread_mutex_init(&m->lock, NULL)))
		goto cleanup;
	m->lock_ok = 1;
	m->started_ms = m->last_publish_ms = mono_ms();
	m->stale_after_ms = cfg->stale_after_ms;
	m->start_time_s = metrics_process_start_time();
	if ((rc = listen_on(cfg->address, (int)cfg->port, &fd, &m->port, &v6)))
		goto cleanup;
	if ((rc = metrics_deadline_start((unsigned)cfg->max_connections, cfg->timeout_ms, &m->deadline)))
		goto cleanup;
	timeout_s = (unsigned)((cfg->timeout_ms + 999) / 1000);
	errno = 0;
	/* The per-IP limit keeps one client (a pod) from taking every slot, so
	 * the kubelet's probes, from the node's address, still get one; the
	 * deadline watchdog frees slots held by clients that trickle bytes. */
	m->mhd = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | (v6 ? MHD_USE_IPv6 : 0), 0, NULL, NULL,
				  handle, m,
				  MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->max_connections_per_ip,
				  MHD_OPTION_CONNECTION_TIMEOUT, timeout_s,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),
				  MHD_OPTION_NOTIFY_CONNECTION, on_connection, m,
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, m,
				  MHD_OPTION_END);
	if (!m->mhd) {
		rc = errno ? -errno : -EIO;
		goto cleanup;
	}
	fd = -1; /* MHD owns it now */
	*out = m;
	m = NULL;
	rc = 0;
cleanup:
	if (fd >= 0)
		close(fd);
	metrics_server_stop(m);
	return rc;
}

void metrics_publish(struct metrics_server *m, const struct metrics_snapshot *snap)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->snap = *snap;
	m->published = 1;
	m->last_publish_ms = mono_ms();
	pthread_mutex_unlock(&m->lock);
}

uint16_t metrics_server_port(const struct metrics_server *m)
{
	return m ? m->port : 0;
}

unsigned metrics_server_peak_connections(const struct metrics_server *m)
{
	return m ? __atomic_load_n(&m->peak_conns, __ATOMIC_RELAXED) : 0;
}

uint64_t metrics_server_deadline_cuts(const struct metrics_server *m)
{
	return m ? metrics_deadline_cut(m->deadline) : 0;
}

void metrics_server_stop(struct metrics_server *m)
{
	if (!m)
		return;
	if (m->mhd)
		MHD_stop_daemon(m->mhd); /* closes every connection: no slot is watched after */
	metrics_deadline_stop(m->deadline);
	if (m->lock_ok)
		pthread_mutex_destroy(&m->lock);
	free(m);
}

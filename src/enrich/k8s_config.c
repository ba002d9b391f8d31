#include <errno.h>
#include <fcntl.h>
#include <strings.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "enrich/k8s_config.h"

static const char *pick(const char *override, const char *fallback)
{
	return override && *override ? override : fallback;
}

static int dup_or_null(const char *s, char **out)
{
	*out = NULL;
	if (!s)
		return 0;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

void k8s_config_free(struct k8s_config *cfg)
{
	free(cfg->api_url);
	free(cfg->token_file);
	free(cfg->ca_file);
	free(cfg->node_name);
	memset(cfg, 0, sizeof(*cfg));
}

/* The CA bundle must be readable now: curl would otherwise fail later, and
 * older code fell back to the system CAs. A directory opens but does not
 * read, hence the one-byte read. */
static int check_ca(const char *path, int configured, char *err, size_t errlen)
{
	char c;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0 || read(fd, &c, 1) < 0)
		rc = -errno;
	if (fd >= 0)
		close(fd);
	if (!rc)
		return 0;
	if (rc == -ENOENT && !configured) {
		snprintf(err, errlen, "no service-account CA at %s (no service account mounted?)", path);
		return -ENOENT;
	}
	snprintf(err, errlen, "kubernetes.ca_file %s: cannot read it: %s (errno %d); the API server could not be "
		 "verified, fix the file or the path", path, strerror(-rc), -rc);
	return -EPERM;
}

int k8s_config_resolve(const struct k8s_config *ov, struct k8s_config *cfg, char *err, size_t errlen)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST"), *port = getenv("KUBERNETES_SERVICE_PORT");
	char url[512] = "";
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (ov->api_url && *ov->api_url) {
		snprintf(url, sizeof(url), "%s", ov->api_url);
	} else if (host && *host) {
		/* an IPv6 service address needs brackets in a URL */
		snprintf(url, sizeof(url), strchr(host, ':') ? "https://[%s]:%s" : "https://%s:%s",
			 host, port && *port ? port : "443");
	} else {
		snprintf(err, errlen, "no Kubernetes API: KUBERNETES_SERVICE_HOST is unset and no api_url is configured");
		return -ENOENT;
	}
	size_t n = strlen(url);
	while (n && url[n - 1] == '/')
		url[--n] = '\0';
	if (!strncasecmp(url, "http://", 7) && !ov->insecure_http) {
		snprintf(err, errlen, "kubernetes.api_url %s: plain http would send the service-account token in "
			 "cleartext; use https, or set kubernetes.insecure_http: true to accept that", url);
		return -EPERM;
	}
	const char *node = pick(ov->node_name, getenv("NODE_NAME"));
	if (!node || !*node) {
		snprintf(err, errlen, "no node name: set NODE_NAME (the chart sets it from spec.nodeName) or node_name");
		return -EINVAL;
	}
	if ((rc = dup_or_null(url, &cfg->api_url)) ||
	    (rc = dup_or_null(pick(ov->token_file, K8S_SA_DIR "/token"), &cfg->token_file)) ||
	    (rc = dup_or_null(pick(ov->ca_file, K8S_SA_DIR "/ca.crt"), &cfg->ca_file)) ||
	    (rc = dup_or_null(node, &cfg->node_name))) {
		k8s_config_free(cfg);
		return rc;
	}
	cfg->watch_timeout_s = ov->watch_timeout_s > 0 ? ov->watch_timeout_s : 300;
	cfg->insecure_http = ov->insecure_http;
	cfg->namespace_labels = ov->namespace_labels;
	if (!strncasecmp(cfg->api_url, "https://", 8) &&
	    (rc = check_ca(cfg->ca_file, ov->ca_file && *ov->ca_file, err, errlen))) {
		k8s_config_free(cfg);
		return rc;
	}
	return 0;
}

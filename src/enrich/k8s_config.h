/* How to reach the Kubernetes API: in-cluster defaults, with overrides.
 *
 * Defaults: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, the
 * service-account token and CA under /var/run/secrets/kubernetes.io/
 * serviceaccount/, the node name from $NODE_NAME (the chart sets it from the
 * downward API). Each can be overridden by the daemon config.
 */
#ifndef RINGTAP_K8S_CONFIG_H
#define RINGTAP_K8S_CONFIG_H

#include <stddef.h>

#define K8S_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

struct k8s_config {
	char *api_url;    /* "https://10.0.0.1:443", no trailing slash */
	char *token_file; /* re-read before every request: tokens rotate */
	char *ca_file;    /* NULL or "": the system CA store */
	char *node_name;
	int watch_timeout_s; /* server-side timeoutSeconds of one watch */
	int insecure_http;   /* allow an http:// api_url (the token goes in cleartext) */
	int namespace_labels; /* read the pods' namespaces' labels (GET namespaces) */
};

/* Fill cfg from overrides (any field may be NULL/""/0) and the environment.
 * 0; -ENOENT when no API URL is known (not in a cluster and no override) or
 * the default service-account CA does not exist (no service account
 * mounted), -EINVAL without a node name: the sensor runs without the API.
 * -EPERM when the config asks for what would leak the token or skip server
 * verification, which the caller must treat as fatal: an http:// URL
 * without insecure_http, or a CA file (configured, or the service
 * account's) that cannot be read (never a silent fall-back to the system
 * CAs); err names the key, the file and the errno. -ENOMEM. */
int k8s_config_resolve(const struct k8s_config *overrides, struct k8s_config *cfg,
		       char *err, size_t errlen);
void k8s_config_free(struct k8s_config *cfg);

#endif

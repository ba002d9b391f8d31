/* Kubernetes API client against a local HTTPS server (tests/k8s/
 * fake_apiserver.py) serving recorded pod list and watch responses:
 * list, watch, a watch dropped mid-stream, 410 Gone, a rotated token,
 * a wrong CA; the background runner; and the resolver attaching pod name
 * and namespace from the API to a pod found by its cgroup. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "enrich/cgroup_path.h"
#include "enrich/cgroup_root.h"
#include "enrich/k8s_client.h"
#include "enrich/pod_resolver.h"
#include "../k8s/kubelet_cgroup.h"

#define WEB_UID "5f8a7c1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
#define DB_UID "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
#define JOB_UID "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
#define API_UID "11111111-2222-4333-8444-555555555555"
#define CID "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

static char dir[256], cert[300], key[300], other_cert[300], other_key[300], token[300], logf[300];
static const char *src;

struct server {
	pid_t pid;
	int port;
	char url[64];
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int make_cert(const char *c, const char *k)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
		 "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout %s -out %s >/dev/null 2>&1", k, c);
	return system(cmd) == 0 ? 0 : -1;
}

static void server_start(struct server *s, const char *scenario)
{
	char script[PATH_MAX], scen[PATH_MAX], line[64];
	int pipefd[2];

	snprintf(script, sizeof(script), "%s/tests/k8s/fake_apiserver.py", src);
	snprintf(scen, sizeof(scen), "%s/tests/k8s/fixtures/%s", src, scenario);
	unlink(logf);
	assert_int_equal(pipe(pipefd), 0);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		execlp("python3", "python3", script, scen, logf, cert, key, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	FILE *f = fdopen(pipefd[0], "r");
	assert_non_null(f);
	if (!fgets(line, sizeof(line), f) || sscanf(line, "PORT %d", &s->port) != 1)
		fail_msg("fake API server did not start (%s)", script);
	fclose(f);
	snprintf(s->url, sizeof(s->url), "https://127.0.0.1:%d", s->port);
}

static void server_stop(struct server *s)
{
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
}

/* The server's request log: one "kind rv token status" per line. */
static void request_log(char *out, size_t outlen)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys\nfor l in open(sys.argv[1]):\n d=json.loads(l); "
		 "print(d[\"kind\"], d[\"rv\"] or \"-\", d[\"auth\"].split(\" \")[-1] or \"-\", d[\"status\"])' %s", logf);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	pclose(p);
}

static struct k8s_client *client(struct server *s, struct pod_store *store, const char *ca)
{
	struct k8s_config cfg = { .api_url = s->url, .token_file = token, .ca_file = (char *)ca,
				  .node_name = "node-a", .watch_timeout_s = 5 };
	struct k8s_client *c;
	assert_int_equal(k8s_client_new(&cfg, store, &c), 0);
	return c;
}

static const char *label(const struct pod_meta *m, const char *key)
{
	for (size_t i = 0; i < m->labels.n; i++)
		if (!strcmp(m->labels.ptrs[i]->key, key))
			return m->labels.ptrs[i]->value;
	return NULL;
}

static void test_list_watch_drop_gone_rotation(void **state)
{
	struct server s;
	struct pod_store store;
	struct pod_meta *m;
	struct k8s_client_stats st;
	char rv[64], log[2048];
	(void)state;

	write_file(token, "tok-1\n");
	server_start(&s, "scenario-steps.json");
	assert_int_equal(pod_store_init(&store), 0);
	struct k8s_client *c = client(&s, &store, cert);

	assert_int_equal(k8s_client_list(c), 0);
	assert_int_equal(pod_store_count(&store), 2);
	pod_store_resource_version(&store, rv, sizeof(rv));
	assert_string_equal(rv, "100");
	m = pod_store_find(&store, WEB_UID);
	assert_non_null(m);
	assert_string_equal(m->name, "web-0");
	assert_string_equal(m->namespace_, "shop");
	assert_string_equal(label(m, "tier"), "frontend");
	pod_meta_put(m);

	/* the watch drops mid-stream after two events: both applied */
	assert_int_equal(k8s_client_watch(c), -ECONNRESET);
	m = pod_store_find(&store, JOB_UID);
	assert_non_null(m);
	assert_string_equal(m->namespace_, "batch");
	pod_meta_put(m);
	m = pod_store_find(&store, WEB_UID);
	assert_string_equal(label(m, "tier"), "edge");
	pod_meta_put(m);

	/* resumed from 102: a delete, then 410 Gone */
	assert_int_equal(k8s_client_watch(c), -ESTALE);
	assert_int_equal(pod_store_count(&store), 2); /* web-0, job-1; db-0 deleted */

	/* the server now wants the rotated token: refused until the file changes */
	assert_int_equal(k8s_client_list(c), -EACCES);
	write_file(token, "tok-2\n");
	assert_int_equal(k8s_client_list(c), 0);
	assert_int_equal(pod_store_count(&store), 3);
	m = pod_store_find(&store, API_UID);
	assert_non_null(m);
	assert_int_equal(m->labels.n, 0);
	pod_meta_put(m);

	/* a bookmark moves the version on; the watch ends cleanly */
	assert_int_equal(k8s_client_watch(c), 0);
	pod_store_resource_version(&store, rv, sizeof(rv));
	assert_string_equal(rv, "250");

	k8s_client_stats(c, &st);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(st.gone, 1);
	assert_int_equal(st.auth_failures, 1);
	k8s_client_free(c);
	server_stop(&s);
	request_log(log, sizeof(log));
	assert_string_equal(log,
			    "list - tok-1 200\n"
			    "watch 100 tok-1 200\n"
			    "watch 102 tok-1 200\n"
			    "list - tok-1 401\n"
			    "list - tok-2 200\n"
			    "watch 200 tok-2 200\n");
	pod_store_fini(&store);
}

static void test_wrong_ca_is_refused(void **state)
{
	struct server s;
	struct pod_store store;
	char err[512];
	(void)state;

	write_file(token, "tok-1\n");
	server_start(&s, "scenario-steps.json");
	assert_int_equal(pod_store_init(&store), 0);
	struct k8s_client *c = client(&s, &store, other_cert);
	assert_int_equal(k8s_client_list(c), -EPROTO);
	k8s_client_last_error(c, err, sizeof(err));
	assert_non_null(strstr(err, "127.0.0.1"));
	assert_int_equal(pod_store_count(&store), 0);
	k8s_client_free(c);
	server_stop(&s);
	pod_store_fini(&store);
}

/* The runner on its own: list, watch, drop, resume, 410, relist. */
static void test_runner_recovers(void **state)
{
	struct server s;
	struct pod_store store;
	struct k8s_client_stats st = { 0 };
	struct pod_meta *m = NULL;
	(void)state;

	server_start(&s, "scenario-runner.json");
	assert_int_equal(pod_store_init(&store), 0);
	struct k8s_client *c = client(&s, &store, cert);
	assert_int_equal(k8s_client_start(c), 0);
	for (int i = 0; i < 200 && !(m = pod_store_find(&store, API_UID)); i++)
		usleep(50 * 1000);
	k8s_client_stop(c);
	assert_non_null(m); /* only the relist after 410 has api-0 */
	pod_meta_put(m);
	k8s_client_stats(c, &st);
	assert_true(st.lists >= 2);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(st.gone, 1);
	m = pod_store_find(&store, DB_UID); /* gone from the relist, kept for late events */
	assert_non_null(m);
	pod_meta_put(m);
	assert_int_equal(pod_store_count(&store), 2);
	k8s_client_free(c);
	server_stop(&s);
	pod_store_fini(&store);
}

/* Acceptance: a process's cgroup gives the pod UID and container id, and
 * with the API fixture the same identity carries name and namespace. */
static void test_resolver_adds_name_and_namespace(void **state)
{
	struct server s;
	char root[1024], base[2048], rel[1024], abs[4096], err[256];
	const struct pod_identity *id = NULL;
	uint64_t cg;
	(void)state;

	if (cgroup_root_detect(NULL, root, sizeof(root)))
		skip();
	snprintf(base, sizeof(base), "%s/ringtap-test-api-%d", root, (int)getpid());
	if (mkdir(base, 0755))
		skip();
	assert_int_equal(kubelet_cgroup_path(KL_SYSTEMD_CONTAINERD, WEB_UID, CID, rel, sizeof(rel)), 0);
	assert_int_equal(kubelet_cgroup_mkdirs(base, rel), 0);
	snprintf(abs, sizeof(abs), "%s/%s", base, rel);
	assert_int_equal(cgroup_path_id(abs, &cg), 0);

	write_file(token, "tok-r\n");
	server_start(&s, "scenario-resolver.json");
	struct pod_resolver_config cfg = { .cache_size = 16, .api = 1, .cgroup_root = "",
					   .api_url = s.url, .token_file = token, .ca_file = cert,
					   .node_name = "node-a", .watch_timeout_s = 5 };
	struct pod_resolver *r;
	assert_int_equal(pod_resolver_create(&cfg, &r, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	for (int i = 0; i < 200; i++) {
		assert_int_equal(pod_resolver_lookup(r, cg, &id), 0);
		if (id->meta)
			break;
		usleep(25 * 1000);
	}
	assert_string_equal(id->pod_uid, WEB_UID);
	assert_string_equal(id->container_id, CID);
	assert_non_null(id->meta);

	Ringtap__V1__Header hdr = RINGTAP__V1__HEADER__INIT;
	Ringtap__V1__Pod pod;
	pod_identity_fill_header(id, &hdr, &pod);
	assert_string_equal(hdr.container_id, CID);
	assert_ptr_equal(hdr.pod, &pod);
	assert_string_equal(hdr.pod->uid, WEB_UID);
	assert_string_equal(hdr.pod->name, "web-0");
	assert_string_equal(hdr.pod->namespace_, "shop");
	assert_int_equal(hdr.pod->n_labels, 2);

	pod_identity_fill_header(NULL, &hdr, &pod); /* host process: no pod */
	assert_null(hdr.pod);
	pod_resolver_destroy(r);
	server_stop(&s);
	kubelet_cgroup_rmdirs(base, rel);
	rmdir(base);
}

/* Workload identity through the API client: a list's pod owned by a
 * ReplicaSet gets its Deployment, the container statuses give image and
 * digest, namespace labels come when asked for, and a watched pod of a Job
 * whose jobs are forbidden keeps owner kind Job. Each ReplicaSet, Job and
 * Namespace is asked for once. */
static void test_identity_from_api(void **state)
{
	struct server s;
	struct pod_store store;
	struct pod_meta *m;
	char log[4096];
	(void)state;

	write_file(token, "tok-1\n");
	server_start(&s, "scenario-identity.json");
	assert_int_equal(pod_store_init(&store), 0);
	struct k8s_config cfg = { .api_url = s.url, .token_file = token, .ca_file = cert,
				  .node_name = "node-a", .watch_timeout_s = 5, .namespace_labels = 1 };
	struct k8s_client *c;
	assert_int_equal(k8s_client_new(&cfg, &store, &c), 0);

	assert_int_equal(k8s_client_list(c), 0);
	m = pod_store_find(&store, WEB_UID);
	assert_non_null(m);
	assert_string_equal(m->owner_kind, "Deployment");
	assert_string_equal(m->owner_name, "shop-web");
	assert_string_equal(m->node, "node-a");
	const struct pod_container *ct = pod_meta_container(m, CID, NULL);
	assert_non_null(ct);
	assert_string_equal(ct->name, "web");
	assert_string_equal(ct->image, "registry.example/shop-web:2.1");
	assert_string_equal(ct->image_digest, "sha256:7d2b3c0e9f1a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012345678");
	assert_int_equal(m->ns_labels.n, 2);
	assert_string_equal(m->ns_labels.ptrs[0]->key, "team");
	assert_string_equal(m->ns_labels.ptrs[0]->value, "payments");
	pod_meta_put(m);

	assert_int_equal(k8s_client_watch(c), 0);
	m = pod_store_find(&store, JOB_UID);
	assert_non_null(m);
	assert_string_equal(m->owner_kind, "Job"); /* jobs: 403 */
	assert_string_equal(m->owner_name, "backup-28812345");
	assert_int_equal(m->ns_labels.n, 2); /* the namespace from the cache */
	pod_meta_put(m);

	k8s_client_free(c);
	server_stop(&s);
	request_log(log, sizeof(log));
	assert_string_equal(log,
			    "list - tok-1 200\n"
			    "get /apis/apps/v1/namespaces/shop/replicasets/shop-web-7d9f8c tok-1 200\n"
			    "get /api/v1/namespaces/shop tok-1 200\n"
			    "watch 100 tok-1 200\n"
			    "get /apis/batch/v1/namespaces/shop/jobs/backup-28812345 tok-1 403\n");
	pod_store_fini(&store);
}

/* Issue 8 item 9: a CA file that cannot be read is an error naming the
 * file and the errno, never a silent fall-back to the system CAs. */
static void test_unreadable_ca_is_an_error(void **state)
{
	char missing[320], err[512];
	struct k8s_config kc, ov = { .api_url = "https://127.0.0.1:6443", .token_file = token,
				     .node_name = "node-a" };
	(void)state;

	snprintf(missing, sizeof(missing), "%s/no-such-ca.crt", dir);
	ov.ca_file = missing;
	err[0] = '\0';
	assert_int_equal(k8s_config_resolve(&ov, &kc, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "kubernetes.ca_file"));
	assert_non_null(strstr(err, missing));
	assert_non_null(strstr(err, strerror(ENOENT)));
	assert_non_null(strstr(err, "errno 2"));

	ov.ca_file = dir; /* opens, but does not read */
	assert_int_equal(k8s_config_resolve(&ov, &kc, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, dir));
	assert_non_null(strstr(err, strerror(EISDIR)));

	ov.ca_file = cert; /* readable: fine */
	assert_int_equal(k8s_config_resolve(&ov, &kc, err, sizeof(err)), 0);
	assert_string_equal(kc.ca_file, cert);
	k8s_config_free(&kc);

	/* the resolver refuses to start on it rather than run without TLS checks */
	struct pod_resolver_config rc = { .cache_size = 16, .api = 1, .cgroup_root = "",
					  .api_url = "https://127.0.0.1:6443", .token_file = token,
					  .ca_file = missing, .node_name = "node-a" };
	struct pod_resolver *r = NULL;
	assert_int_equal(pod_resolver_create(&rc, &r, err, sizeof(err)), -EPERM);
	assert_null(r);
	assert_non_null(strstr(err, missing));
}

/* An http:// API URL would send the token in cleartext: refused unless the
 * config says insecure_http: true. */
static void test_http_needs_insecure_http(void **state)
{
	char err[512];
	struct k8s_config kc, ov = { .api_url = "http://127.0.0.1:8080", .token_file = token,
				     .ca_file = cert, .node_name = "node-a" };
	struct pod_store store;
	struct k8s_client *c = NULL;
	(void)state;

	err[0] = '\0';
	assert_int_equal(k8s_config_resolve(&ov, &kc, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "http://127.0.0.1:8080"));
	assert_non_null(strstr(err, "cleartext"));
	assert_non_null(strstr(err, "insecure_http: true"));
	ov.api_url = "HTTP://127.0.0.1:8080"; /* schemes are case-insensitive */
	assert_int_equal(k8s_config_resolve(&ov, &kc, err, sizeof(err)), -EPERM);

	/* the client refuses it too, whoever builds its config */
	assert_int_equal(pod_store_init(&store), 0);
	assert_int_equal(k8s_client_new(&ov, &store, &c), -EPERM);
	assert_null(c);
	ov.api_url = "ftp://127.0.0.1";
	assert_int_equal(k8s_client_new(&ov, &store, &c), -EPERM);

	ov.api_url = "http://127.0.0.1:8080";
	ov.insecure_http = 1; /* said in so many words */
	assert_int_equal(k8s_config_resolve(&ov, &kc, err, sizeof(err)), 0);
	assert_int_equal(kc.insecure_http, 1);
	assert_int_equal(k8s_client_new(&kc, &store, &c), 0);
	k8s_client_free(c);
	k8s_config_free(&kc);
	pod_store_fini(&store);

	struct pod_resolver_config rc = { .cache_size = 16, .api = 1, .cgroup_root = "",
					  .api_url = "http://127.0.0.1:8080", .token_file = token,
					  .ca_file = cert, .node_name = "node-a" };
	struct pod_resolver *r = NULL;
	assert_int_equal(pod_resolver_create(&rc, &r, err, sizeof(err)), -EPERM);
	assert_null(r);
	assert_non_null(strstr(err, "insecure_http"));
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ringtap-k8s-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(cert, sizeof(cert), "%s/server.crt", dir);
	snprintf(key, sizeof(key), "%s/server.key", dir);
	snprintf(other_cert, sizeof(other_cert), "%s/other.crt", dir);
	snprintf(other_key, sizeof(other_key), "%s/other.key", dir);
	snprintf(token, sizeof(token), "%s/token", dir);
	snprintf(logf, sizeof(logf), "%s/requests.log", dir);
	return make_cert(cert, key) || make_cert(other_cert, other_key) ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_watch_drop_gone_rotation),
		cmocka_unit_test(test_wrong_ca_is_refused),
		cmocka_unit_test(test_runner_recovers),
		cmocka_unit_test(test_identity_from_api),
		cmocka_unit_test(test_resolver_adds_name_and_namespace),
		cmocka_unit_test(test_unreadable_ca_is_an_error),
		cmocka_unit_test(test_http_needs_insecure_http),
	};

	src = getenv("RINGTAP_SRC");
	if (!src) {
		printf("SKIPPED: RINGTAP_SRC is not set (run through ctest)\n");
		return 77;
	}
	if (system("command -v python3 >/dev/null && command -v openssl >/dev/null") != 0) {
		printf("SKIPPED: python3 and openssl are needed for the fake API server "
		       "(scripts/install-deps.sh test installs them)\n");
		return 77;
	}
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include "enrich/pod_cgroup_parse.h"

struct span {
	const char *p;
	size_t n;
};

static bool has_prefix(struct span s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s.n >= n && !memcmp(s.p, prefix, n);
}

static bool has_suffix(struct span s, const char *suffix)
{
	size_t n = strlen(suffix);
	return s.n >= n && !memcmp(s.p + s.n - n, suffix, n);
}

static bool is_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

/* A pod UID: 8-4-4-4-12 hex with sep ('-' or, in systemd slice names, '_'),
 * or 32 hex digits (static pods' config hash). Written out with '-'. */
static bool parse_uid(const char *p, size_t n, char sep, char out[POD_UID_MAX + 1])
{
	if (n == 32 && is_hex(p, n)) {
		memcpy(out, p, n);
		out[n] = '\0';
		return true;
	}
	if (n != 36)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? p[i] != sep : !is_hex(p + i, 1))
			return false;
		out[i] = dash ? '-' : p[i];
	}
	out[n] = '\0';
	return true;
}

/* "kubepods-pod<uid>.slice", "kubepods-<qos>-pod<uid>.slice" (systemd) or
 * "pod<uid>" whose parent chain contains "kubepods" (cgroupfs). */
static bool parse_pod_component(struct span c, bool under_kubepods, char out[POD_UID_MAX + 1])
{
	/* Both forms must sit below the kubelet's kubepods root: a user's own
	 * systemd slice named like a pod would otherwise borrow its identity. */
	if (!under_kubepods)
		return false;
	if (has_prefix(c, "kubepods-") && has_suffix(c, ".slice")) {
		const char *end = c.p + c.n - strlen(".slice");
		const char *pod = NULL;
		for (const char *q = c.p; q + 4 <= end; q++)
			if (!memcmp(q, "-pod", 4))
				pod = q + 4; /* the last "-pod" wins */
		return pod && parse_uid(pod, (size_t)(end - pod), '_', out);
	}
	if (has_prefix(c, "pod"))
		return parse_uid(c.p + 3, c.n - 3, '-', out);
	return false;
}

static bool parse_container_component(struct span c, char out[CONTAINER_ID_MAX + 1])
{
	static const char *const prefixes[] = { "cri-containerd-", "crio-", "docker-", "containerd-" };

	if (has_prefix(c, "crio-conmon-"))
		return false;
	if (has_suffix(c, ".scope"))
		c.n -= strlen(".scope");
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (has_prefix(c, prefixes[i])) {
			c.p += strlen(prefixes[i]);
			c.n -= strlen(prefixes[i]);
			break;
		}
	}
	if (c.n != CONTAINER_ID_MAX || !is_hex(c.p, c.n))
		return false;
	memcpy(out, c.p, c.n);
	out[c.n] = '\0';
	return true;
}

static struct span next_component(const char **cursor)
{
	const char *p = *cursor;
	while (*p == '/')
		p++;
	const char *end = strchrnul(p, '/');
	*cursor = end;
	return (struct span){ p, (size_t)(end - p) };
}

int pod_cgroup_parse(const char *path, struct pod_cgroup *out)
{
	const char *cursor = path;
	bool under_kubepods = false;

	for (;;) {
		struct span c = next_component(&cursor);
		if (!c.n)
			return -ENOENT;
		if ((c.n == 8 && !memcmp(c.p, "kubepods", 8)) || has_prefix(c, "kubepods."))
			under_kubepods = true;
		if (parse_pod_component(c, under_kubepods, out->pod_uid)) {
			struct span child = next_component(&cursor);
			if (!child.n || !parse_container_component(child, out->container_id))
				out->container_id[0] = '\0';
			return 0;
		}
	}
}

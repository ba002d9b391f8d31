/* Policy load at startup and live reload (see policy_reload.h). */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "policy/policy_reload.h"
#include "config/dir_watch.h"
#include "config/file_identity.h"
#include "policy/policy_parse.h"
#include "source/source_bpf.h"

struct policy_reload {
	char *path;
	char *base; /* the file's name in its directory */
	const char *who;
	FILE *errs;
	policy_apply_fn apply;
	void *apply_ctx;
	struct policy_compiled *compiled; /* the last one built (initial, then each reload) */
	struct policy_diags diags;
	struct file_identity seen;
	int inotify_fd;
	struct policy_reload_stats st;
};

/* Parse and compile r->path as generation gen into r->compiled, reporting
 * problems. The previous compiled policy is overwritten only on success. */
static int load_compile(struct policy_reload *r, uint32_t gen)
{
	struct policy *p = NULL;
	int ret;

	file_identity_of(r->path, &r->seen);
	ret = policy_load_file(r->path, &p, &r->diags);
	if (ret == -EINVAL)
		policy_diags_print(&r->diags, r->path, r->errs);
	else if (ret == -EFBIG)
		fprintf(r->errs, "%s: file is larger than %u bytes; a policy is much smaller\n", r->path,
			POLICY_FILE_MAX);
	else if (ret < 0)
		fprintf(r->errs, "%s: cannot read the policy: %s\n", r->path, strerror(-ret));
	if (ret < 0)
		return ret;
	ret = policy_compile(p, gen, r->compiled);
	if (ret < 0)
		fprintf(r->errs, "%s: cannot compile the policy: %s\n", r->path, strerror(-ret));
	free(p);
	return ret;
}

int policy_reload_create(const char *path, const char *who, FILE *errs, struct policy_reload **out)
{
	struct policy_reload *r;
	int ret;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->inotify_fd = -1;
	r->who = who;
	r->errs = errs;
	r->path = strdup(path);
	r->compiled = malloc(sizeof(*r->compiled));
	if (r->path) {
		char *copy = strdup(path);
		r->base = copy ? strdup(basename(copy)) : NULL;
		free(copy);
	}
	if (!r->path || !r->base || !r->compiled) {
		ret = -ENOMEM;
		goto cleanup;
	}
	ret = load_compile(r, 1);
	if (ret < 0)
		goto cleanup;
	r->st.generation = 1;
	*out = r;
	r = NULL;
cleanup:
	policy_reload_destroy(r);
	return ret;
}

const struct policy_compiled *policy_reload_initial(const struct policy_reload *r)
{
	return r->compiled;
}

static int apply_to_source(void *ctx, const struct policy_compiled *c, const char **why)
{
	struct event_source *src = ctx;
	int ret = source_bpf_policy_apply(src, c);

	if (ret < 0 && why && src->ops->last_error)
		*why = src->ops->last_error(src);
	return ret;
}

int policy_reload_watch(struct policy_reload *r, struct event_source *src)
{
	return policy_reload_watch_with(r, apply_to_source, src);
}

int policy_reload_watch_with(struct policy_reload *r, policy_apply_fn apply, void *ctx)
{
	int ret;

	r->apply = apply;
	r->apply_ctx = ctx;
	ret = dir_watch_open(&r->inotify_fd);
	if (ret < 0)
		return ret;
	ret = dir_watch_add_parent(r->inotify_fd, r->path);
	if (ret < 0) {
		close(r->inotify_fd);
		r->inotify_fd = -1;
	}
	return ret;
}

int policy_reload_fd(const struct policy_reload *r)
{
	return r ? r->inotify_fd : -1;
}

static void reload(struct policy_reload *r)
{
	uint32_t next = r->st.generation + 1;
	const char *why = NULL;
	int ret;

	if (!r->apply)
		return; /* nothing to apply to yet */
	if (load_compile(r, next) < 0) {
		r->st.failures++;
		fprintf(r->errs, "%s: policy %s not reloaded; generation %u stays in force\n", r->who,
			r->path, r->st.generation);
		return;
	}
	ret = r->apply(r->apply_ctx, r->compiled, &why);
	if (ret < 0) {
		r->st.failures++;
		fprintf(r->errs, "%s: policy %s not reloaded (%s); generation %u stays in force\n",
			r->who, r->path, why ? why : strerror(-ret), r->st.generation);
		return;
	}
	r->st.generation = next;
	r->st.reloads++;
	fprintf(r->errs, "%s: policy %s reloaded: generation %u in force\n", r->who, r->path, next);
}

/* Does this directory event say the policy may have changed? Only events
 * on the file's own name, or on the ConfigMap's `..`-prefixed entries it
 * resolves through (`..data`, `..2026_...`), count: a backup an editor
 * renames aside must not make a half-written file be read. A file created
 * in place is written after its IN_CREATE: wait for its IN_CLOSE_WRITE. A
 * created symlink (ln -sf) is complete at once. */
static bool event_is_relevant(void *ctx, const struct inotify_event *ev)
{
	const struct policy_reload *r = ctx;
	char dir[PATH_MAX], full[PATH_MAX];
	struct stat sb;

	if (!ev->len || (ev->mask & IN_MOVED_FROM))
		return false; /* the directory itself; a name leaving (its replacement arrives after) */
	if (strcmp(ev->name, r->base) && strncmp(ev->name, "..", 2))
		return false;
	if (!(ev->mask & IN_CREATE))
		return true;
	snprintf(dir, sizeof(dir), "%s", r->path);
	snprintf(full, sizeof(full), "%s/%s", dirname(dir), ev->name);
	return lstat(full, &sb) == 0 && S_ISLNK(sb.st_mode);
}

int policy_reload_on_fd(void *ctx)
{
	struct policy_reload *r = ctx;
	struct file_identity now;
	bool relevant = false;

	dir_watch_drain(r->inotify_fd, event_is_relevant, r, &relevant);
	if (!relevant)
		return 0;
	file_identity_of(r->path, &now);
	if (file_identity_equal(&now, &r->seen))
		return 0;
	reload(r);
	return 0;
}

int policy_reload_now(void *ctx)
{
	reload(ctx);
	return 0;
}

void policy_reload_get_stats(const struct policy_reload *r, struct policy_reload_stats *st)
{
	*st = r->st;
}

void policy_reload_summary(const struct policy_reload *r, FILE *out)
{
	fprintf(out, "policy %s: generation %u, %llu reloads, %llu failed", r->path,
		r->st.generation, (unsigned long long)r->st.reloads,
		(unsigned long long)r->st.failures);
}

void policy_reload_destroy(struct policy_reload *r)
{
	if (!r)
		return;
	if (r->inotify_fd >= 0)
		close(r->inotify_fd);
	free(r->compiled);
	free(r->base);
	free(r->path);
	free(r);
}

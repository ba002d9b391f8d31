/* The daemon's policy: loaded before the probes attach (generation 1), then
 * reloaded on SIGHUP and whenever its file changes, without a restart.
 *
 * The file's directory is watched with inotify, not the file: editors
 * replace files by rename, and a Kubernetes ConfigMap update swaps the
 * `..data` symlink the file resolves through. A change to the file's own
 * name or to a `..`-prefixed entry re-stats the path (following symlinks);
 * a reload happens only when what it resolves to changed. A reload parses and validates the file, writes it
 * into the idle map slot and publishes the next generation
 * (source_bpf_policy_apply()). A bad file leaves the running policy in
 * force, prints FILE:LINE:COL: message lines and is counted.
 */
#ifndef RINGTAP_POLICY_RELOAD_H
#define RINGTAP_POLICY_RELOAD_H

#include <stdint.h>
#include <stdio.h>
#include "policy/policy_compile.h"
#include "source/event_source.h"

struct policy_reload;

struct policy_reload_stats {
	uint32_t generation; /* in force */
	uint64_t reloads;    /* successful, after the initial load */
	uint64_t failures;   /* files refused (bad or unreadable) or map writes failed */
};

/* Load and compile path as generation 1. Problems go to errs, prefixed by
 * `who` ("ringtap run") where they are not FILE:LINE:COL lines. -EINVAL for
 * an invalid file, -errno when it cannot be read, -ENOMEM. */
int policy_reload_create(const char *path, const char *who, FILE *errs, struct policy_reload **out);

/* The initial policy, for source_config.policy. */
const struct policy_compiled *policy_reload_initial(const struct policy_reload *r);

/* Start following the file for src (a bpf source created with the initial
 * policy): reloads go through source_bpf_policy_apply(). -errno when the
 * directory cannot be watched. */
int policy_reload_watch(struct policy_reload *r, struct event_source *src);

/* The same with another way to put a compiled policy in force (tests):
 * apply returns 0 or -errno, and why (may be NULL) says what failed. */
typedef int (*policy_apply_fn)(void *ctx, const struct policy_compiled *c, const char **why);
int policy_reload_watch_with(struct policy_reload *r, policy_apply_fn apply, void *ctx);

/* The inotify fd to poll (POLLIN), or -1 before policy_reload_watch(). */
int policy_reload_fd(const struct policy_reload *r);

/* The fd is readable: consume its events, reload if the file changed.
 * Returns 0; problems are reported on errs and counted. (void *: a runner
 * callback.) */
int policy_reload_on_fd(void *r);

/* SIGHUP: reload now, changed or not. Same reporting. */
int policy_reload_now(void *r);

void policy_reload_get_stats(const struct policy_reload *r, struct policy_reload_stats *st);

/* "policy FILE: generation N, R reloads, F failed" (no newline). */
void policy_reload_summary(const struct policy_reload *r, FILE *out);

void policy_reload_destroy(struct policy_reload *r);

#endif

/* Policy file (YAML, version 1) -> struct policy, with one diagnostic per
 * problem, each at a line and column of the file. See docs/policy.md.
 */
#ifndef RINGTAP_POLICY_PARSE_H
#define RINGTAP_POLICY_PARSE_H

#include <stddef.h>
#include <stdio.h>
#include "config/yaml_strict.h"
#include "policy/policy_model.h"

#define POLICY_DIAG_MSG 320
#define POLICY_MAX_DIAGS 64

struct policy_diag {
	unsigned line; /* 1-based */
	unsigned col;  /* 1-based */
	char msg[POLICY_DIAG_MSG];
};

struct policy_diags {
	struct policy_diag items[POLICY_MAX_DIAGS];
	size_t n;       /* stored in items */
	size_t dropped; /* further problems not stored */
};

/* Parse a policy held in memory. Returns 0 when valid (out holds it),
 * -EINVAL when not (diags holds at least one problem; out is unspecified),
 * -ENOMEM. diags is reset first. */
int policy_parse_buffer(const char *buf, size_t len, struct policy *out,
			struct policy_diags *diags);

/* Same for a file. -errno when the file cannot be read (no diags then).
 * Files larger than POLICY_FILE_MAX are refused with -EFBIG. */
#define POLICY_FILE_MAX YAML_STRICT_FILE_MAX
int policy_parse_file(const char *path, struct policy *out, struct policy_diags *diags);

/* Print "FILE:LINE:COL: message" per problem. */
void policy_diags_print(const struct policy_diags *diags, const char *file, FILE *out);

/* Validate a policy file, printing each problem on errs as
 * "FILE:LINE:COL: message" (or "FILE: message" when it cannot be read).
 * Returns 0 when valid, -EINVAL when invalid, -errno when unreadable. */
int policy_check_file(const char *path, FILE *errs);

/* Heap-allocate and parse (struct policy is large: keep it off the stack).
 * On success *out is the policy, to free(). Same returns as
 * policy_parse_file. */
int policy_load_file(const char *path, struct policy **out, struct policy_diags *diags);

#endif

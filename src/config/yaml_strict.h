/* Strict, bounded YAML loading for ringtap's own files (policy, daemon
 * config): one document, nested at most YAML_STRICT_MAX_DEPTH deep, with
 * no NUL byte in a value and few anchors, or a located error.
 *
 * Why: libyaml's loader and scanner have costs that grow with the square of
 * the nesting depth (each token checks every open flow level) and of the
 * number of anchors (each anchor and alias is compared with every earlier
 * anchor). A 1 MiB file of either kind took minutes, on the main loop during
 * a reload. A first pass over libyaml's event stream counts depth and
 * anchors as it goes and stops at the first excess, so the document is only
 * built from input whose cost is bounded and linear in its size.
 */
#ifndef RINGTAP_YAML_STRICT_H
#define RINGTAP_YAML_STRICT_H

#include <stddef.h>
#include <yaml.h>

/* ringtap's files nest 4 levels deep; 32 leaves room and bounds the work. */
#define YAML_STRICT_MAX_DEPTH 32
/* Anchors (&name) and aliases (*name) in one file. */
#define YAML_STRICT_MAX_ANCHORS 256
#define YAML_STRICT_MAX_ALIASES 4096
/* Largest file read (policy and config alike). */
#define YAML_STRICT_FILE_MAX (1u << 20)

struct yaml_strict_error {
	unsigned line; /* 1-based */
	unsigned col;  /* 1-based */
	char msg[256];
};

/* Check and load buf as exactly one YAML document. Returns 0 with *doc
 * loaded (its root is NULL for an empty file; free with
 * yaml_document_delete()), -EINVAL with err filled (nothing to free), or
 * -ENOMEM. */
int yaml_strict_load(const char *buf, size_t len, yaml_document_t *doc,
		     struct yaml_strict_error *err);

/* Read a whole file of at most max bytes into a malloc'd, NUL-terminated
 * buffer. -EFBIG when it is larger, -errno when it cannot be read. */
int yaml_strict_read_file(const char *path, size_t max, char **buf, size_t *len);

#endif

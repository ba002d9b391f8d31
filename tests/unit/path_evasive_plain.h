/* The evasive-path rule (bpf/path_evasive.h) read plainly, for tests: split
 * into components with strsep, match the /proc magic links with fnmatch. */
#ifndef RINGTAP_TEST_PATH_EVASIVE_PLAIN_H
#define RINGTAP_TEST_PATH_EVASIVE_PLAIN_H

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static inline int path_evasive_plain(const char *path)
{
	static const char *const links[] = {
		"/proc/*/root", "/proc/*/cwd", "/proc/*/exe", "/proc/*/fd", "/proc/*/map_files",
		"/proc/*/task/*/root", "/proc/*/task/*/cwd", "/proc/*/task/*/exe",
		"/proc/*/task/*/fd", "/proc/*/task/*/map_files", "/dev/fd",
	};
	char *copy = strdup(path), *rest = copy, *c;
	int evasive = 0, i = 0;

	while (!evasive && (c = strsep(&rest, "/"))) {
		int leading = i == 0 && path[0] == '/', trailing = !rest;
		evasive = (!*c && !leading && !trailing) || !strcmp(c, ".") || !strcmp(c, "..");
		i++;
	}
	free(copy);
	for (size_t k = 0; !evasive && k < sizeof(links) / sizeof(links[0]); k++)
		evasive = !fnmatch(links[k], path, FNM_PATHNAME | FNM_LEADING_DIR);
	return evasive;
}

#endif

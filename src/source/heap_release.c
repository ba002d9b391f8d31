#include <malloc.h>
#include <stddef.h>

#include "source/heap_release.h"

/* jemalloc's control entry point, when the daemon is linked with it
 * (RINGTAP_JEMALLOC): declared here, weak, so the core library neither
 * needs its header nor depends on it (tests and the sanitizer builds use
 * glibc's malloc, and then this is NULL). */
int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen)
	__attribute__((weak));

void heap_release_freed(void)
{
	/* glibc: the feature probe freed a parsed BTF from mmap, which raised
	 * the mmap threshold, so libbpf's own parse came from the heap and
	 * stays there once freed unless trimmed. */
	malloc_trim(0);
	/* jemalloc keeps freed pages for 10 s and purges them only on later
	 * allocator activity, which an idle sensor may not have: ~13 MB of
	 * RSS for the sensor's life without this. "arena.4096" is
	 * MALLCTL_ARENAS_ALL. */
	if (mallctl)
		(void)mallctl("arena.4096.purge", NULL, NULL, NULL, 0);
}

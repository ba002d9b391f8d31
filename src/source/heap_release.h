/* Give freed heap memory back to the kernel once, after the probes' load
 * (libbpf's parse of the kernel BTF is several MB, freed at once). */
#ifndef RINGTAP_SOURCE_HEAP_RELEASE_H
#define RINGTAP_SOURCE_HEAP_RELEASE_H

void heap_release_freed(void);

#endif

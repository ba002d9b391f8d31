/* Host identity stamped on live events: wall-clock time, node, boot id. */
#ifndef RINGTAP_ENRICH_H
#define RINGTAP_ENRICH_H

#include <stdint.h>
#include "ringtap/v1/event.pb-c.h"

struct enrich_host {
	char node[256];
	char boot_id[40];
	int64_t boot_to_wall_ns; /* CLOCK_REALTIME - CLOCK_BOOTTIME */
};

/* node: configured name, or NULL/"" for $NODE_NAME, else the hostname. */
int enrich_host_init(struct enrich_host *h, const char *node);
/* Re-read the clock offset (NTP steps move CLOCK_REALTIME). */
void enrich_host_refresh_clock(struct enrich_host *h);
/* Set wall_time_ns, node and boot_id. Strings are borrowed from h. */
void enrich_header(const struct enrich_host *h, Ringtap__V1__Header *hdr);
/* Current CLOCK_BOOTTIME in ns. */
uint64_t enrich_boot_now_ns(void);

#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "pipeline/enrich.h"

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

uint64_t enrich_boot_now_ns(void)
{
	return (uint64_t)clock_ns(CLOCK_BOOTTIME);
}

void enrich_host_refresh_clock(struct enrich_host *h)
{
	/* Bracket the realtime read between two boottime reads to halve the error. */
	int64_t b0 = clock_ns(CLOCK_BOOTTIME);
	int64_t r = clock_ns(CLOCK_REALTIME);
	int64_t b1 = clock_ns(CLOCK_BOOTTIME);
	h->boot_to_wall_ns = r - (b0 + (b1 - b0) / 2);
}

int enrich_host_init(struct enrich_host *h, const char *node)
{
	const char *env = getenv("NODE_NAME");
	FILE *f;

	memset(h, 0, sizeof(*h));
	if (node && *node)
		snprintf(h->node, sizeof(h->node), "%s", node);
	else if (env && *env)
		snprintf(h->node, sizeof(h->node), "%s", env);
	else if (gethostname(h->node, sizeof(h->node) - 1))
		return -errno;
	f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (f) {
		if (!fgets(h->boot_id, sizeof(h->boot_id), f))
			h->boot_id[0] = '\0';
		h->boot_id[strcspn(h->boot_id, "\n")] = '\0';
		fclose(f);
	}
	enrich_host_refresh_clock(h);
	return 0;
}

void enrich_header(const struct enrich_host *h, Ringtap__V1__Header *hdr)
{
	hdr->wall_time_ns = (uint64_t)((int64_t)hdr->ts_ns + h->boot_to_wall_ns);
	hdr->node = (char *)h->node;
	hdr->boot_id = (char *)h->boot_id;
}

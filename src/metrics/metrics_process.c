#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "metrics/metrics_process.h"

static int boot_time(unsigned long long *out)
{
	char line[256];
	FILE *f = fopen("/proc/stat", "re");
	int rc = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %llu", out) == 1) {
			rc = 0;
			break;
		}
	fclose(f);
	return rc;
}

/* Field 22 of /proc/self/stat: start time in clock ticks after boot. The
 * comm field (2) may hold spaces and parentheses, so parse after the last ')'. */
static int start_ticks(unsigned long long *out)
{
	char buf[1024];
	FILE *f = fopen("/proc/self/stat", "re");
	size_t n;
	char *p;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	/* after ')': state (field 3) ... starttime (field 22), space separated */
	for (int field = 2; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -1;
	}
	return sscanf(p + 1, "%llu", out) == 1 ? 0 : -1;
}

double metrics_process_start_time(void)
{
	unsigned long long btime, ticks;
	long hz = sysconf(_SC_CLK_TCK);

	if (hz > 0 && !boot_time(&btime) && !start_ticks(&ticks))
		return (double)btime + (double)ticks / (double)hz;
	return (double)time(NULL);
}

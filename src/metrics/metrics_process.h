/* Facts about this process for the metrics endpoint. */
#ifndef RINGTAP_METRICS_PROCESS_H
#define RINGTAP_METRICS_PROCESS_H

/* When this process started, in seconds since the Unix epoch (from
 * /proc/self/stat and the boot time); now if /proc cannot tell. */
double metrics_process_start_time(void);

#endif

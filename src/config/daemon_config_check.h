/* Everything `ringtap run` checks in a loaded daemon config before it
 * starts, without starting anything: each sink (its type's validate
 * operation), the metrics: section (metrics_config_load) and the
 * kubernetes: section (the pod resolver's option table). `ringtap check`
 * calls this; run reaches the same functions on its way up. */
#ifndef RINGTAP_DAEMON_CONFIG_CHECK_H
#define RINGTAP_DAEMON_CONFIG_CHECK_H

#include <stddef.h>
#include "config/daemon_config.h"

/* 0, -ENOMEM, or -EINVAL with "FILE:LINE:COL: message" in err. */
int daemon_config_check(const struct daemon_config *cfg, char *err, size_t errlen);

#endif

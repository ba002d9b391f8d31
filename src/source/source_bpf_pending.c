/* Placeholder until the live source lands (removed when it does). */
#include <errno.h>
#include "source/event_source.h"
static int pending_create(const struct source_config *cfg, struct event_source **out)
{ (void)cfg; *out = NULL; return -ENOSYS; }
const struct event_source_ops source_bpf_ops = { .name = "bpf", .create = pending_create };

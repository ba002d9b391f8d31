/* Decoders of the process-state, mount and module records (ABI 4: cred,
 * ptrace, memfd, module, mount, namespace, dup, signal, bpf). */
#ifndef RINGTAP_DECODE_PROC_H
#define RINGTAP_DECODE_PROC_H

#include "pipeline/decode.h"

/* body: the record's body (its size already checked against the type);
 * data/avail: the variable data after it. 0 or -EBADMSG. */
int decode_proc_record(unsigned type, const char *body, const char *data, size_t avail,
		       struct decoded_event *d);

#endif

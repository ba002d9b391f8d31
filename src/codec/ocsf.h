/* OCSF 1.8.0 form of ringtap.v1.Event (one JSON object per event), for SIEMs
 * and data lakes that ingest OCSF (docs/ocsf.md has the mapping field by
 * field). Exec/exit/fork are Process Activity (1007), open and the file events
 * File System Activity (1001), connect/accept Network Activity (4001); Drop
 * records and any body this version does not know are a Base Event (0) with
 * the ringtap record under `unmapped`, so a new event type never fails. */
#ifndef RINGTAP_OCSF_H
#define RINGTAP_OCSF_H

#include "codec/json_codec.h"

#define OCSF_VERSION "1.8.0"

/* Append the OCSF JSON of ev (no trailing newline) to sb. 0 or -ENOMEM;
 * on an error sb may hold part of the object (the caller cuts it). */
int ocsf_encode_event(const Ringtap__V1__Event *ev, struct strbuf *sb);

#endif

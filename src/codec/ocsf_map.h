/* The OCSF mapping is a table: one row per ringtap body (Event.body case)
 * naming its class, how its activity is chosen and which class attributes it
 * writes. A new event type is one row and, at most, one fields function in
 * the file of its family (ocsf_process.c, ocsf_file.c, ocsf_network.c,
 * ocsf_sensor.c). A body without a row is a Base Event with `unmapped`. */
#ifndef RINGTAP_OCSF_MAP_H
#define RINGTAP_OCSF_MAP_H

#include <stdint.h>
#include "codec/ocsf_writer.h"

/* OCSF ids used by more than one family. */
enum {
	OCSF_CATEGORY_OTHER = 0,
	OCSF_CATEGORY_SYSTEM = 1,
	OCSF_CATEGORY_NETWORK = 4,
	OCSF_CLASS_BASE_EVENT = 0,
	OCSF_CLASS_FILE_ACTIVITY = 1001,
	OCSF_CLASS_KERNEL_EXTENSION_ACTIVITY = 1002,
	OCSF_CLASS_KERNEL_ACTIVITY = 1003,
	OCSF_CLASS_PROCESS_ACTIVITY = 1007,
	OCSF_CLASS_NETWORK_ACTIVITY = 4001,
	OCSF_CLASS_DNS_ACTIVITY = 4003,
	OCSF_ACTIVITY_OTHER = 99,
	OCSF_SEVERITY_INFORMATIONAL = 1,
	OCSF_SEVERITY_LOW = 2,
	OCSF_SEVERITY_MEDIUM = 3,
};

struct ocsf_activity {
	int id;
	const char *name;
};

struct ocsf_class_map {
	uint32_t body_case;	/* Ringtap__V1__Event__BodyCase */
	int class_uid;
	const char *class_name;
	int category_uid;
	const char *category_name;
	/* The activity of this event (may depend on its result). */
	struct ocsf_activity (*activity)(const Ringtap__V1__Event *ev);
	/* The syscall result (0/fd or -errno) into *ret; 0 when the event has
	 * none (then no status is written). May be NULL. */
	int (*result)(const Ringtap__V1__Event *ev, int32_t *ret);
	/* severity_id; NULL = Informational. */
	int (*severity)(const Ringtap__V1__Event *ev);
	/* The class's own attributes (process, file, endpoints, ...). */
	void (*fields)(struct ocsf_writer *w, const Ringtap__V1__Event *ev);
};

/* A row's activity function that does not depend on the event. */
#define OCSF_ACTIVITY_FN(fn, id, name)                                \
	static struct ocsf_activity fn(const Ringtap__V1__Event *ev) \
	{                                                             \
		(void)ev;                                             \
		return (struct ocsf_activity){ id, name };            \
	}
/* A row's result function for a body whose int32 `ret` is 0/fd or -errno. */
#define OCSF_RESULT_FN(fn, body)                                  \
	static int fn(const Ringtap__V1__Event *ev, int32_t *ret) \
	{                                                         \
		*ret = ev->body->ret;                             \
		return 1;                                         \
	}

/* The rows of each family, each terminated by a row with class_name NULL. */
extern const struct ocsf_class_map ocsf_process_map[];
extern const struct ocsf_class_map ocsf_process_self_map[];
extern const struct ocsf_class_map ocsf_process_target_map[];
extern const struct ocsf_class_map ocsf_file_map[];
extern const struct ocsf_class_map ocsf_kernel_map[];
extern const struct ocsf_class_map ocsf_network_map[];
extern const struct ocsf_class_map ocsf_dns_map[];
extern const struct ocsf_class_map ocsf_io_uring_map[];
extern const struct ocsf_class_map ocsf_sensor_map[];

/* Shared objects. */

/* The process of the event's header, as an OCSF process object under key:
 * pid, tid, name (comm), uid (entity id), created_time, user,
 * parent_process (pid, uid = parent_entity_id, created_time), container. */
void ocsf_put_header_process(struct ocsf_writer *w, const char *key,
			     const Ringtap__V1__Header *h, int with_parent);
/* The members of that object, for a caller that adds its own. */
void ocsf_put_process_members(struct ocsf_writer *w, const Ringtap__V1__Header *h, int with_parent);
/* actor: {process: header process, user}. */
void ocsf_put_actor(struct ocsf_writer *w, const Ringtap__V1__Header *h);
/* The entity id of the header's process into buf: header.entity_id when
 * set, else deterministic from (boot_id, pid, start_time_ns). */
const char *ocsf_entity_id(const Ringtap__V1__Header *h, char *buf, size_t len);
/* An endpoint {ip, port} under key; nothing when ep has no address (OCSF
 * wants at least an ip). */
void ocsf_put_endpoint(struct ocsf_writer *w, const char *key, const Ringtap__V1__Endpoint *ep);
/* Network directions (connection_info.direction_id). */
enum { OCSF_DIRECTION_UNKNOWN = 0, OCSF_DIRECTION_INBOUND = 1, OCSF_DIRECTION_OUTBOUND = 2 };
/* connection_info: direction, protocol name/number (tcp, udp), IP version
 * from family (inet, inet6), community_uid from the header's community_id. */
void ocsf_put_connection(struct ocsf_writer *w, const Ringtap__V1__Header *h, const char *family,
			 const char *protocol, int direction);
/* Time in OCSF's timestamp_t (ms since the epoch) of a boot-time ns value. */
int64_t ocsf_wall_ms(const Ringtap__V1__Header *h, uint64_t boot_ns);
/* The last component of a path ("" stays ""). */
const char *ocsf_basename(const char *path);

#endif

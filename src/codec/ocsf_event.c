/* The OCSF envelope of every event: class, activity, type, severity, time,
 * status, metadata, device, actor; then the class's own attributes from its
 * row in the mapping table, and what OCSF has no attribute for in
 * `unmapped`. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "codec/ocsf.h"
#include "codec/ocsf_map.h"

static const struct ocsf_class_map *const families[] = {
	ocsf_process_map, ocsf_process_self_map, ocsf_process_target_map, ocsf_file_map,
	ocsf_kernel_map,  ocsf_network_map,      ocsf_dns_map,            ocsf_io_uring_map,
	ocsf_sensor_map,
};

static struct ocsf_activity unknown_activity(const Ringtap__V1__Event *ev)
{
	(void)ev;
	return (struct ocsf_activity){ OCSF_ACTIVITY_OTHER, "Other" };
}

/* A body this version has no row for: a Base Event; the record is kept
 * whole under unmapped. */
static const struct ocsf_class_map unknown_body = {
	.class_uid = OCSF_CLASS_BASE_EVENT, .class_name = "Base Event",
	.category_uid = OCSF_CATEGORY_OTHER, .category_name = "Other",
	.activity = unknown_activity,
};

static const struct ocsf_class_map *find_map(uint32_t body_case)
{
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (const struct ocsf_class_map *m = families[f]; m->class_name; m++)
			if (m->body_case == body_case)
				return m;
	return &unknown_body;
}

/* The Event field that holds the body, for its name and message. */
static const ProtobufCFieldDescriptor *body_field(const Ringtap__V1__Event *ev)
{
	return protobuf_c_message_descriptor_get_field(ev->base.descriptor, ev->body_case);
}

static const char *body_name(const Ringtap__V1__Event *ev)
{
	const ProtobufCFieldDescriptor *f = body_field(ev);
	return f ? f->name : "unknown";
}

static const char *severity_name(int id)
{
	static const char *const names[] = { "Unknown", "Informational", "Low", "Medium",
					     "High", "Critical", "Fatal" };
	return id >= 0 && id <= 6 ? names[id] : "Other";
}

static void put_status(struct ocsf_writer *w, const struct ocsf_class_map *m,
		       const Ringtap__V1__Event *ev)
{
	int32_t ret;
	const char *name;

	if (!m->result || !m->result(ev, &ret))
		return;
	if (ret >= 0 || ret == -EINPROGRESS) {
		/* EINPROGRESS: a non-blocking connect under way, not a failure */
		ow_int(w, "status_id", ret >= 0 ? 1 : 99);
		ow_str(w, "status", ret >= 0 ? "Success" : "Other");
		if (ret < 0)
			ow_str(w, "status_code", "EINPROGRESS");
		return;
	}
	name = strerrorname_np(-ret);
	ow_int(w, "status_id", 2);
	ow_str(w, "status", "Failure");
	ow_str(w, "status_code", name ? name : "unknown errno");
	ow_str(w, "status_detail", strerror(-ret));
}

static void put_metadata(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Header *h = ev->header;
	char uid[192];

	/* The event id: the thread, its boot and the kernel timestamp name one
	 * record; the body type separates records of the same instant. */
	snprintf(uid, sizeof(uid), "%s:%" PRIu32 ":%" PRIu64 ":%s", h->boot_id ? h->boot_id : "",
		 h->tid, h->ts_ns, body_name(ev));
	ow_begin(w, "metadata");
	ow_str(w, "version", OCSF_VERSION);
	ow_begin(w, "product");
	ow_str(w, "name", "ringtap");
	ow_str(w, "vendor_name", "ringtap");
	ow_str(w, "version", RINGTAP_VERSION);
	ow_end(w);
	ow_str(w, "uid", uid);
	ow_str(w, "event_code", body_name(ev));
	ow_array(w, "profiles");
	ow_str(w, NULL, "host");
	ow_str(w, NULL, "container");
	ow_array_end(w);
	if (h->truncated)
		ow_bool(w, "is_truncated", 1);
	ow_end(w);
}

static void put_device(struct ocsf_writer *w, const Ringtap__V1__Header *h)
{
	const char *node = h->node && *h->node ? h->node : "unknown";

	ow_begin(w, "device");
	ow_str(w, "hostname", node);
	ow_str(w, "name", node);
	ow_int(w, "type_id", 0); /* ringtap does not tell a server from a VM */
	ow_str(w, "type", "Unknown");
	ow_str_nonempty(w, "boot_uid", h->boot_id);
	ow_begin(w, "os");
	ow_str(w, "name", "Linux");
	ow_int(w, "type_id", 200);
	ow_str(w, "type", "Linux");
	ow_end(w);
	ow_end(w);
}

/* What OCSF has no attribute for: the header fields below and the whole
 * ringtap body (so syscall, flags, dirfd, ... are never lost). */
static void put_unmapped(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Header *h = ev->header;
	const ProtobufCFieldDescriptor *f = body_field(ev);

	ow_begin(w, "unmapped");
	ow_uint(w, "ts_ns", h->ts_ns);
	ow_uint(w, "cgroup_id", h->cgroup_id);
	ow_uint(w, "gid", h->gid);
	ow_uint(w, "euid", h->euid);
	ow_uint(w, "egid", h->egid);
	ow_uint(w, "policy_generation", h->policy_generation);
	ow_uint(w, "abi_version", h->abi_version);
	if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
		const ProtobufCMessage *body = *(ProtobufCMessage *const *)((const char *)ev + f->offset);
		if (body)
			ow_message(w, f->name, body);
	}
	ow_end(w);
}

int ocsf_encode_event(const Ringtap__V1__Event *ev, struct strbuf *sb)
{
	static const Ringtap__V1__Header empty_header = RINGTAP__V1__HEADER__INIT;
	struct ocsf_writer w = { .sb = sb, .start = sb->len };
	Ringtap__V1__Event copy = *ev;
	const struct ocsf_class_map *m;
	struct ocsf_activity act;
	char type_name[128];
	int severity;

	if (!copy.header)
		copy.header = (Ringtap__V1__Header *)&empty_header;
	ev = &copy;
	m = find_map(ev->body_case);
	act = m->activity(ev);
	severity = m->severity ? m->severity(ev) : OCSF_SEVERITY_INFORMATIONAL;
	snprintf(type_name, sizeof(type_name), "%s: %s", m->class_name, act.name);

	ow_begin(&w, NULL);
	ow_int(&w, "activity_id", act.id);
	ow_str(&w, "activity_name", act.name);
	ow_int(&w, "category_uid", m->category_uid);
	ow_str(&w, "category_name", m->category_name);
	ow_int(&w, "class_uid", m->class_uid);
	ow_str(&w, "class_name", m->class_name);
	ow_int(&w, "type_uid", (int64_t)m->class_uid * 100 + act.id);
	ow_str(&w, "type_name", type_name);
	ow_int(&w, "severity_id", severity);
	ow_str(&w, "severity", severity_name(severity));
	ow_int(&w, "time", ocsf_wall_ms(ev->header, ev->header->ts_ns));
	put_status(&w, m, ev);
	put_metadata(&w, ev);
	put_device(&w, ev->header);
	ocsf_put_actor(&w, ev->header);
	if (m->fields)
		m->fields(&w, ev);
	put_unmapped(&w, ev);
	ow_end(&w);
	return w.rc;
}

/* The kernel's own objects. module is Kernel Extension Activity (1002): Load
 * for init_module/finit_module, Unload for delete_module, the module as
 * driver.file. bpf is Kernel Activity (1003), Create: a BPF program or map
 * is a kernel resource the caller creates, named by its name (the program
 * is not a kernel driver: it has no file, and 1002 requires one). */
#include <stdio.h>
#include <string.h>
#include "codec/ocsf_map.h"

enum { LOAD = 1, UNLOAD = 2, CREATE = 1, TYPE_OTHER = 99, FILE_UNKNOWN = 0, FILE_REGULAR = 1 };

static int is_unload(const Ringtap__V1__Module *m)
{
	return m->syscall && !strcmp(m->syscall, "delete_module");
}

static struct ocsf_activity module_activity(const Ringtap__V1__Event *ev)
{
	if (is_unload(ev->module))
		return (struct ocsf_activity){ UNLOAD, "Unload" };
	return (struct ocsf_activity){ LOAD, "Load" };
}

OCSF_RESULT_FN(module_result, module)

/* finit_module loads a file (its name is the module's file name); init_module
 * an image in memory (named by the kernel's module name when known) and
 * delete_module a name: their type is Unknown. kernel_driver has nothing but
 * the file, so the kernel's module name is in the message (and under
 * unmapped.module.module_name). */
static void module_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Module *m = ev->module;
	int from_file = m->syscall && !strcmp(m->syscall, "finit_module");
	const char *kname = m->module_name ? m->module_name : "";
	const char *name = m->name && *m->name ? m->name : kname;
	char msg[256];

	ow_begin(w, "driver");
	ow_begin(w, "file");
	ow_str(w, "name", name);
	ow_int(w, "type_id", from_file ? FILE_REGULAR : FILE_UNKNOWN);
	ow_str(w, "type", from_file ? "Regular File" : "Unknown");
	ow_end(w);
	ow_end(w);
	if (*kname) {
		snprintf(msg, sizeof(msg), "load of kernel module %s%s%s", kname, from_file ? " from " : "",
			 from_file ? name : "");
		ow_str(w, "message", msg);
	}
}

OCSF_ACTIVITY_FN(bpf_activity, CREATE, "Create")
OCSF_RESULT_FN(bpf_result, bpf)

static void bpf_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Bpf *b = ev->bpf;
	int map = b->cmd && !strcmp(b->cmd, "map_create");

	ow_begin(w, "kernel");
	ow_str(w, "name", b->name ? b->name : "");
	ow_int(w, "type_id", TYPE_OTHER);
	ow_str(w, "type", map ? "BPF Map" : "BPF Program");
	ow_str(w, "system_call", "bpf");
	ow_end(w);
}

const struct ocsf_class_map ocsf_kernel_map[] = {
	{ RINGTAP__V1__EVENT__BODY_MODULE, OCSF_CLASS_KERNEL_EXTENSION_ACTIVITY,
	  "Kernel Extension Activity", OCSF_CATEGORY_SYSTEM, "System Activity", module_activity,
	  module_result, NULL, module_fields },
	{ RINGTAP__V1__EVENT__BODY_BPF, OCSF_CLASS_KERNEL_ACTIVITY, "Kernel Activity",
	  OCSF_CATEGORY_SYSTEM, "System Activity", bpf_activity, bpf_result, NULL, bpf_fields },
	{ 0 },
};

/* Process Activity (1007): exec and fork are Launch (launch_type Exec /
 * Fork), exit is Terminate. */
#include <string.h>
#include "codec/ocsf_map.h"
#include "enrich/process_entity.h"

#define PROCESS_ROW(body, fn_activity, fn_result, fn_fields)                                  \
	{ RINGTAP__V1__EVENT__BODY_##body, OCSF_CLASS_PROCESS_ACTIVITY, "Process Activity",  \
	  OCSF_CATEGORY_SYSTEM, "System Activity", fn_activity, fn_result, NULL, fn_fields }

enum { LAUNCH = 1, TERMINATE = 2, LAUNCH_TYPE_FORK = 2, LAUNCH_TYPE_EXEC = 3 };

static struct ocsf_activity launch(const Ringtap__V1__Event *ev)
{
	(void)ev;
	return (struct ocsf_activity){ LAUNCH, "Launch" };
}

static struct ocsf_activity terminate(const Ringtap__V1__Event *ev)
{
	(void)ev;
	return (struct ocsf_activity){ TERMINATE, "Terminate" };
}

static int exec_result(const Ringtap__V1__Event *ev, int32_t *ret)
{
	*ret = ev->exec->ret;
	return 1;
}

/* argv joined by spaces: cmd_line as a shell would show it (argv itself
 * stays exact under unmapped.exec.argv). */
static void put_cmd_line(struct ocsf_writer *w, const Ringtap__V1__Exec *x)
{
	struct strbuf line = { 0 };

	for (size_t i = 0; i < x->n_argv && !w->rc; i++) {
		if (i)
			w->rc = strbuf_append(&line, " ", 1);
		if (!w->rc)
			w->rc = strbuf_append(&line, x->argv[i], strlen(x->argv[i]));
	}
	if (!w->rc && line.len)
		ow_str(w, "cmd_line", line.buf);
	strbuf_free(&line);
}

static void exec_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Exec *x = ev->exec;

	ow_int(w, "launch_type_id", LAUNCH_TYPE_EXEC);
	ow_str(w, "launch_type", "Exec");
	ow_begin(w, "process");
	ocsf_put_process_members(w, ev->header, 1);
	put_cmd_line(w, x);
	if (!x->cwd_truncated) /* a cut cwd is not a directory: unmapped only */
		ow_str_nonempty(w, "working_directory", x->cwd);
	if (x->filename && *x->filename) {
		ow_str(w, "path", x->filename);
		ow_begin(w, "file");
		ow_str(w, "name", ocsf_basename(x->filename));
		ow_str(w, "path", x->filename);
		ow_int(w, "type_id", 1);
		ow_str(w, "type", "Regular File");
		ow_end(w);
	}
	ow_end(w);
}

/* The child: its pid, and, when the sensor names processes by entity id
 * (the header has one) and the record has the child's start time, the
 * entity id the child's own events will carry. The forking process is its
 * parent and the actor. */
static void fork_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Fork *f = ev->fork;
	const Ringtap__V1__Header *h = ev->header;
	char child_id[PROCESS_ENTITY_ID_LEN + 1];

	ow_int(w, "launch_type_id", LAUNCH_TYPE_FORK);
	ow_str(w, "launch_type", "Fork");
	ow_begin(w, "process");
	ow_uint(w, "pid", f->child_pid);
	ow_str_nonempty(w, "name", h->comm);
	if (h->entity_id && *h->entity_id && f->child_start_time_ns) {
		process_entity_id(h->boot_id ? h->boot_id : "", f->child_pid, f->child_start_time_ns,
				  child_id);
		ow_str(w, "uid", child_id);
		ow_int(w, "created_time", ocsf_wall_ms(h, f->child_start_time_ns));
	}
	ocsf_put_header_process(w, "parent_process", ev->header, 1);
	ow_end(w);
}

static void exit_fields(struct ocsf_writer *w, const Ringtap__V1__Event *ev)
{
	ow_int(w, "exit_code", ev->exit->code);
	ow_begin(w, "process");
	ocsf_put_process_members(w, ev->header, 1);
	ow_int(w, "terminated_time", ocsf_wall_ms(ev->header, ev->header->ts_ns));
	ow_end(w);
}

const struct ocsf_class_map ocsf_process_map[] = {
	PROCESS_ROW(EXEC, launch, exec_result, exec_fields),
	PROCESS_ROW(EXIT, terminate, NULL, exit_fields),
	PROCESS_ROW(FORK, launch, NULL, fork_fields),
	{ 0 },
};

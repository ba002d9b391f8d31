#include <string.h>
#include "enrich/process_lineage.h"

int process_lineage_init(struct process_lineage *l, size_t capacity)
{
	memset(l, 0, sizeof(*l));
	return process_table_create(capacity ? capacity : PROCESS_TABLE_DEFAULT_CAPACITY, &l->table);
}

void process_lineage_fini(struct process_lineage *l)
{
	process_table_destroy(l->table);
	l->table = NULL;
}

static void parent_into_exec(struct process_lineage *l, const struct process_table_entry *p,
			     Ringtap__V1__Exec *x)
{
	size_t n = 0;

	memcpy(l->exe, p->exe, sizeof(l->exe));
	memcpy(l->argv_buf, p->argv, p->argv_len);
	for (size_t off = 0; off < p->argv_len && n < sizeof(l->argv) / sizeof(l->argv[0]);) {
		l->argv[n++] = l->argv_buf + off;
		off += strlen(l->argv_buf + off) + 1;
	}
	x->parent_exe = l->exe;
	x->parent_argv = l->argv;
	x->n_parent_argv = n;
}

void process_lineage_apply(struct process_lineage *l, Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Header *h = ev->header;

	if (!l->table || !h)
		return;
	if (ev->body_case == RINGTAP__V1__EVENT__BODY_EXEC && ev->exec->ret == 0) {
		const struct process_table_entry *p =
			process_table_get(l->table, h->ppid, h->parent_start_time_ns);

		if (p)
			parent_into_exec(l, p, ev->exec);
		process_table_put(l->table, h->pid, h->start_time_ns, ev->exec->filename, ev->exec->argv,
				  ev->exec->n_argv);
	} else if (ev->body_case == RINGTAP__V1__EVENT__BODY_FORK) {
		process_table_inherit(l->table, h->pid, h->start_time_ns, ev->fork->child_pid,
				      ev->fork->child_start_time_ns);
	}
}

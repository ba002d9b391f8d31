/* File events, live: prog_file_events makes every unlink/rename/chmod/
 * chown/link/mknod syscall once (some failing on purpose) and reports each
 * result; every record it causes is checked field by field against what
 * the call was given, in call order, decoded from the ABI structs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bpf_test.h"

#define FDCWD (-100)
#define ANY_FD (-1000) /* placeholder: the helper's dirfd / fd */
#define DIRFD (-1001)
#define THEFD (-1002)

/* One call as the test expects its record. Paths starting with '/' other
 * than /etc are under the helper's directory: "@" is replaced by it. */
struct want {
	const char *name;
	uint16_t type;
	uint32_t syscall;
	int dirfd, dirfd2, fd;
	const char *path, *path2;
	uint32_t mode_or_flags, flags;
	uint32_t uid, gid;
	int ret;
};

static const struct want wants[] = {
	{ "unlink", RT_EVENT_UNLINK, RT_UNLINK_UNLINK, FDCWD, 0, 0, "@/u1", NULL, 0, 0, 0, 0, 0 },
	{ "unlink_missing", RT_EVENT_UNLINK, RT_UNLINK_UNLINK, FDCWD, 0, 0, "@/missing", NULL, 0, 0, 0, 0, -ENOENT },
	{ "unlinkat", RT_EVENT_UNLINK, RT_UNLINK_UNLINKAT, DIRFD, 0, 0, "u2", NULL, 0, 0, 0, 0, 0 },
	{ "rmdir", RT_EVENT_UNLINK, RT_UNLINK_RMDIR, FDCWD, 0, 0, "@/d1", NULL, 0, 0, 0, 0, 0 },
#ifdef SYS_rename
	{ "rename", RT_EVENT_RENAME, RT_RENAME_RENAME, FDCWD, FDCWD, 0, "@/r1", "@/r2", 0, 0, 0, 0, 0 },
#else
	{ "rename", RT_EVENT_RENAME, RT_RENAME_RENAMEAT, FDCWD, FDCWD, 0, "@/r1", "@/r2", 0, 0, 0, 0, 0 },
#endif
	{ "renameat", RT_EVENT_RENAME, RT_RENAME_RENAMEAT, DIRFD, DIRFD, 0, "r2", "r3", 0, 0, 0, 0, 0 },
	{ "renameat2", RT_EVENT_RENAME, RT_RENAME_RENAMEAT2, FDCWD, FDCWD, 0, "@/r3", "@/c1", 1, 0, 0, 0, -EEXIST },
	{ "chmod", RT_EVENT_CHMOD, RT_CHMOD_CHMOD, FDCWD, 0, -1, "@/c1", NULL, 04755, 0, 0, 0, 0 },
	{ "fchmod", RT_EVENT_CHMOD, RT_CHMOD_FCHMOD, FDCWD, 0, THEFD, "", NULL, 02750, 0, 0, 0, 0 },
	{ "fchmodat", RT_EVENT_CHMOD, RT_CHMOD_FCHMODAT, DIRFD, 0, -1, "c1", NULL, 01777, 0, 0, 0, 0 },
	{ "fchmodat2", RT_EVENT_CHMOD, RT_CHMOD_FCHMODAT2, DIRFD, 0, -1, "missing", NULL, 0644, 0x100, 0, 0, -ENOENT },
	{ "chown", RT_EVENT_CHOWN, RT_CHOWN_CHOWN, FDCWD, 0, -1, "@/c1", NULL, 0, 0, 1234, 5678, 0 },
	{ "lchown", RT_EVENT_CHOWN, RT_CHOWN_LCHOWN, FDCWD, 0, -1, "@/c1", NULL, 0, 0, 7, (uint32_t)-1, 0 },
	{ "fchown", RT_EVENT_CHOWN, RT_CHOWN_FCHOWN, FDCWD, 0, THEFD, "", NULL, 0, 0, (uint32_t)-1, 42, 0 },
	{ "fchownat", RT_EVENT_CHOWN, RT_CHOWN_FCHOWNAT, DIRFD, 0, -1, "c1", NULL, 0, 0x100, 8, 9, 0 },
	{ "link", RT_EVENT_LINK, RT_LINK_LINK, FDCWD, FDCWD, 0, "@/c1", "@/l1", 0, 0, 0, 0, 0 },
	{ "symlink", RT_EVENT_LINK, RT_LINK_SYMLINK, FDCWD, FDCWD, 0, "/etc/shadow", "@/s1", 0, 0, 0, 0, 0 },
	{ "linkat", RT_EVENT_LINK, RT_LINK_LINKAT, DIRFD, DIRFD, 0, "c1", "l2", 0, 0, 0, 0, 0 },
	{ "symlinkat", RT_EVENT_LINK, RT_LINK_SYMLINKAT, FDCWD, DIRFD, 0, "target-rel", "s2", 0, 0, 0, 0, 0 },
	{ "mknod", RT_EVENT_MKNOD, RT_MKNOD_MKNOD, FDCWD, 0, 0, "@/fifo1", NULL, S_IFIFO | 0600, 0, 0, 0, 0 },
	{ "mknodat", RT_EVENT_MKNOD, RT_MKNOD_MKNODAT, DIRFD, 0, 0, "fifo2", NULL, S_IFIFO | 0640, 0, 0, 0, 0 },
	{ "mknodat_exists", RT_EVENT_MKNOD, RT_MKNOD_MKNODAT, DIRFD, 0, 0, "fifo2", NULL, S_IFIFO | 0640, 0, 0, 0, -EEXIST },
};
#define NWANTS (sizeof(wants) / sizeof(wants[0]))

struct ctx {
	const char *dir;
	int dirfd, fd;
};

static int want_fd(const struct ctx *c, int v)
{
	return v == DIRFD ? c->dirfd : v == THEFD ? c->fd : v;
}

/* "@/x" -> DIR/x */
static void want_path(const struct ctx *c, const char *p, char *out, size_t n)
{
	if (p && p[0] == '@')
		snprintf(out, n, "%s%s", c->dir, p + 1);
	else
		snprintf(out, n, "%s", p ? p : "");
}

static void assert_data(const char *data, uint32_t len, const char *want)
{
	assert_int_equal(len, strlen(want));
	assert_memory_equal(data, want, len);
}

static void check(const struct ctx *c, const struct want *w, const struct rt_header *h)
{
	const char *body = rec_body(h);
	char p1[4096], p2[4096];

	if (!h)
		fail_msg("no record for %s", w->name);
	print_message("checking %s\n", w->name);
	assert_int_equal(h->type, w->type);
	assert_int_equal(h->abi_version, RT_ABI_VERSION);
	assert_int_equal(h->flags, 0);
	assert_int_equal(h->policy_gen, 42);
	assert_string_equal(h->comm, "prog_file_event");
	want_path(c, w->path, p1, sizeof(p1));
	want_path(c, w->path2, p2, sizeof(p2));
	switch (w->type) {
	case RT_EVENT_UNLINK: {
		const struct rt_unlink_body *b = (const void *)body;
		assert_int_equal(h->size, sizeof(*h) + sizeof(*b) + b->path_len);
		assert_int_equal(b->ret, w->ret);
		assert_int_equal(b->syscall, w->syscall);
		assert_int_equal(b->dirfd, want_fd(c, w->dirfd));
		assert_int_equal(b->flags, w->flags);
		assert_data((const char *)(b + 1), b->path_len, p1);
		break;
	}
	case RT_EVENT_RENAME: {
		const struct rt_rename_body *b = (const void *)body;
		assert_int_equal(h->size, sizeof(*h) + sizeof(*b) + b->old_len + b->new_len);
		assert_int_equal(b->ret, w->ret);
		assert_int_equal(b->syscall, w->syscall);
		assert_int_equal(b->old_dirfd, want_fd(c, w->dirfd));
		assert_int_equal(b->new_dirfd, want_fd(c, w->dirfd2));
		assert_int_equal(b->flags, w->mode_or_flags);
		assert_data((const char *)(b + 1), b->old_len, p1);
		assert_data((const char *)(b + 1) + b->old_len, b->new_len, p2);
		break;
	}
	case RT_EVENT_CHMOD: {
		const struct rt_chmod_body *b = (const void *)body;
		assert_int_equal(h->size, sizeof(*h) + sizeof(*b) + b->path_len);
		assert_int_equal(b->ret, w->ret);
		assert_int_equal(b->syscall, w->syscall);
		assert_int_equal(b->dirfd, want_fd(c, w->dirfd));
		assert_int_equal(b->fd, want_fd(c, w->fd));
		assert_int_equal(b->mode, w->mode_or_flags);
		assert_int_equal(b->flags, w->flags);
		assert_data((const char *)(b + 1), b->path_len, p1);
		break;
	}
	case RT_EVENT_CHOWN: {
		const struct rt_chown_body *b = (const void *)body;
		assert_int_equal(h->size, sizeof(*h) + sizeof(*b) + b->path_len);
		assert_int_equal(b->ret, w->ret);
		assert_int_equal(b->syscall, w->syscall);
		assert_int_equal(b->dirfd, want_fd(c, w->dirfd));
		assert_int_equal(b->fd, want_fd(c, w->fd));
		assert_int_equal(b->uid, w->uid);
		assert_int_equal(b->gid, w->gid);
		assert_int_equal(b->flags, w->flags);
		assert_data((const char *)(b + 1), b->path_len, p1);
		break;
	}
	case RT_EVENT_LINK: {
		const struct rt_link_body *b = (const void *)body;
		assert_int_equal(h->size, sizeof(*h) + sizeof(*b) + b->target_len + b->link_len);
		assert_int_equal(b->ret, w->ret);
		assert_int_equal(b->syscall, w->syscall);
		assert_int_equal(b->old_dirfd, want_fd(c, w->dirfd));
		assert_int_equal(b->new_dirfd, want_fd(c, w->dirfd2));
		assert_int_equal(b->flags, w->flags);
		assert_data((const char *)(b + 1), b->target_len, p1);
		assert_data((const char *)(b + 1) + b->target_len, b->link_len, p2);
		break;
	}
	case RT_EVENT_MKNOD: {
		const struct rt_mknod_body *b = (const void *)body;
		assert_int_equal(h->size, sizeof(*h) + sizeof(*b) + b->path_len);
		assert_int_equal(b->ret, w->ret);
		assert_int_equal(b->syscall, w->syscall);
		assert_int_equal(b->dirfd, want_fd(c, w->dirfd));
		assert_int_equal(b->mode, w->mode_or_flags);
		assert_int_equal(b->dev, 0);
		assert_data((const char *)(b + 1), b->path_len, p1);
		break;
	}
	default:
		fail_msg("unexpected type %u", w->type);
	}
}

static void test_file_events(void **state)
{
	unsigned char enabled[RT_EVENT_MAX];
	struct policy_compiled *policy = bpf_test_permissive_policy(42);
	struct source_config cfg = { .ring_bytes = 8u << 20, .policy = policy, .event_enabled = enabled };
	char prog[4096], dir[64], line[256], name[64], val[32];
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	struct ctx c = { .dirfd = -1, .fd = -1 };
	int status, nth[RT_EVENT_MAX] = { 0 }, checked = 0;
	struct test_child tc = { .pid = -1, .go = -1 };
	const char *build = getenv("RINGTAP_BUILD");
	FILE *f;
	pid_t child;

	(void)state;
	assert_non_null(policy);
	assert_non_null(build);
	memset(enabled, 1, sizeof(enabled));
	snprintf(prog, sizeof(prog), "%s/tests/prog_file_events", build);
	assert_int_equal(access(prog, X_OK), 0);
	snprintf(dir, sizeof(dir), "/tmp/ringtap-file-events-XXXXXX");
	assert_non_null(mkdtemp(dir));
	c.dir = dir;
	assert_int_equal(test_child_exec(&tc, prog, dir), 0);
	child = tc.pid;
	rec_list_watch(&recs, child);

	if (source_bpf_ops.create(&cfg, &src))
		fail_msg("create: %s", src ? src->ops->last_error(src) : "?");
	assert_int_equal(test_child_go(&tc), 0);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 10000), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	f = test_child_output(&tc);
	while (fgets(line, sizeof(line), f)) {
		const struct want *w = NULL;
		size_t i;

		assert_int_equal(sscanf(line, "%63s %31s", name, val), 2);
		if (!strcmp(name, "dirfd")) {
			c.dirfd = atoi(val);
			continue;
		}
		if (!strcmp(name, "fd")) {
			c.fd = atoi(val);
			continue;
		}
		for (i = 0; i < NWANTS; i++)
			if (!strcmp(wants[i].name, name))
				w = &wants[i];
		if (!w)
			fail_msg("helper reported unknown call %s", name);
		if (!strcmp(val, "skip"))
			continue;
		/* the call did what the table says, and the record says so too */
		if (atoi(val) != w->ret)
			fail_msg("%s returned %s, the test expects %d", name, val, w->ret);
		check(&c, w, rec_find(&recs, w->type, child, nth[w->type]++));
		checked++;
	}
	fclose(f);
	assert_true(checked >= 12); /* at least the *at forms every arch has */
	/* nothing else of these types from the helper */
	for (int t = RT_EVENT_UNLINK; t <= RT_EVENT_MKNOD; t++)
		assert_int_equal(rec_count(&recs, t, child), nth[t]);

	source_destroy(src);
	rec_list_free(&recs);
	free(policy);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_events),
	};

	bpf_test_require_or_skip();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

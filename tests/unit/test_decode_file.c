/* Decoder, file events: every field of each body, the mode bits chmod calls
 * out, two-path records, and lengths that overrun the record. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "pipeline/decode.h"

static struct decoded_event d;
static _Alignas(8) char buf[512];

/* A record of type with body (body_size bytes) then data (data_len bytes). */
static size_t put(unsigned type, const void *body, size_t body_size, const char *data, size_t data_len)
{
	struct rt_header *h = (void *)buf;
	size_t size = sizeof(*h) + body_size + data_len;

	memset(buf, 0, sizeof(buf));
	h->type = type;
	h->abi_version = RT_ABI_VERSION;
	h->size = (uint32_t)size;
	h->tgid = 100;
	memcpy(h->comm, "sh", 3);
	memcpy(buf + sizeof(*h), body, body_size);
	memcpy(buf + sizeof(*h) + body_size, data, data_len);
	return size;
}

static void test_unlink(void **state)
{
	(void)state;
	struct rt_unlink_body b = { .ret = -ENOENT, .dirfd = 3, .flags = 0x200, .path_len = 2,
				    .syscall = RT_UNLINK_UNLINKAT };
	size_t n = put(RT_EVENT_UNLINK, &b, sizeof(b), "d1", 2);

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_int_equal(d.ev.body_case, RINGTAP__V1__EVENT__BODY_UNLINK);
	assert_string_equal(d.ev.unlink->path, "d1");
	assert_int_equal(d.ev.unlink->dirfd, 3);
	assert_int_equal(d.ev.unlink->flags, 0x200);
	assert_int_equal(d.ev.unlink->ret, -ENOENT);
	assert_string_equal(d.ev.unlink->syscall, "unlinkat");
	assert_string_equal(event_type_name(RT_EVENT_UNLINK), "unlink");
}

static void test_rename_two_paths(void **state)
{
	(void)state;
	struct rt_rename_body b = { .ret = 0, .old_dirfd = -100, .new_dirfd = 4, .flags = 2,
				    .old_len = 4, .new_len = 3, .syscall = RT_RENAME_RENAMEAT2 };
	size_t n = put(RT_EVENT_RENAME, &b, sizeof(b), "/a/bnew", 7);

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.rename->old_path, "/a/b");
	assert_string_equal(d.ev.rename->new_path, "new");
	assert_int_equal(d.ev.rename->old_dirfd, -100);
	assert_int_equal(d.ev.rename->new_dirfd, 4);
	assert_int_equal(d.ev.rename->flags, 2);
	assert_string_equal(d.ev.rename->syscall, "renameat2");
}

static void test_chmod_mode_bits(void **state)
{
	(void)state;
	struct rt_chmod_body b = { .ret = 0, .dirfd = -100, .fd = -1, .mode = 04755, .path_len = 1,
				   .syscall = RT_CHMOD_CHMOD };
	size_t n = put(RT_EVENT_CHMOD, &b, sizeof(b), "x", 1);

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_int_equal(d.ev.chmod->mode, 04755);
	assert_true(d.ev.chmod->setuid);
	assert_false(d.ev.chmod->setgid);
	assert_false(d.ev.chmod->sticky);
	assert_int_equal(d.ev.chmod->fd, -1);
	b.mode = 03000, b.syscall = RT_CHMOD_FCHMOD, b.fd = 5, b.path_len = 0;
	n = put(RT_EVENT_CHMOD, &b, sizeof(b), "", 0);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_false(d.ev.chmod->setuid);
	assert_true(d.ev.chmod->setgid);
	assert_true(d.ev.chmod->sticky);
	assert_int_equal(d.ev.chmod->fd, 5);
	assert_string_equal(d.ev.chmod->path, "");
	assert_string_equal(d.ev.chmod->syscall, "fchmod");
}

static void test_chown_unchanged_ids(void **state)
{
	(void)state;
	struct rt_chown_body b = { .ret = -1, .dirfd = -100, .fd = -1, .uid = (uint32_t)-1,
				   .gid = 42, .flags = 0x100, .path_len = 3, .syscall = RT_CHOWN_FCHOWNAT };
	size_t n = put(RT_EVENT_CHOWN, &b, sizeof(b), "abc", 3);

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_int_equal(d.ev.chown->uid, -1);
	assert_int_equal(d.ev.chown->gid, 42);
	assert_int_equal(d.ev.chown->flags, 0x100);
	assert_string_equal(d.ev.chown->syscall, "fchownat");
}

static void test_link_symbolic(void **state)
{
	(void)state;
	struct rt_link_body b = { .old_dirfd = -100, .new_dirfd = 3, .target_len = 11, .link_len = 1,
				  .syscall = RT_LINK_SYMLINKAT };
	size_t n = put(RT_EVENT_LINK, &b, sizeof(b), "/etc/shadows", 12);

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.link->target, "/etc/shadow");
	assert_string_equal(d.ev.link->link_path, "s");
	assert_true(d.ev.link->symbolic);
	b.syscall = RT_LINK_LINKAT;
	n = put(RT_EVENT_LINK, &b, sizeof(b), "/etc/shadows", 12);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_false(d.ev.link->symbolic);
	assert_string_equal(d.ev.link->syscall, "linkat");
}

static void test_mknod(void **state)
{
	(void)state;
	struct rt_mknod_body b = { .ret = 0, .dirfd = -100, .mode = 020600, .path_len = 3,
				   .dev = 0x801, .syscall = RT_MKNOD_MKNOD };
	size_t n = put(RT_EVENT_MKNOD, &b, sizeof(b), "sda", 3);

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_int_equal(d.ev.mknod->mode, 020600);
	assert_int_equal(d.ev.mknod->dev, 0x801);
	assert_string_equal(d.ev.mknod->syscall, "mknod");
}

/* Lengths beyond the record, beyond RT_PATH_MAX, or a sum that wraps. */
static void test_malformed_lengths(void **state)
{
	(void)state;
	struct rt_rename_body r = { .old_len = 4, .new_len = 4 };
	struct rt_unlink_body u = { .path_len = RT_PATH_MAX + 1 };
	struct rt_link_body l = { .target_len = 0xffffffffu, .link_len = 2 };
	struct rt_chmod_body c = { .path_len = 1, .syscall = 99 };
	size_t n;

	n = put(RT_EVENT_RENAME, &r, sizeof(r), "abcdefg", 7); /* one byte short */
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
	n = put(RT_EVENT_UNLINK, &u, sizeof(u), "x", 1);
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
	n = put(RT_EVENT_LINK, &l, sizeof(l), "ab", 2);
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
	n = put(RT_EVENT_MKNOD, &u, 8, "", 0); /* body cut short */
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
	/* an unknown syscall index names no call rather than reading past the table */
	n = put(RT_EVENT_CHMOD, &c, sizeof(c), "x", 1);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.chmod->syscall, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unlink),
		cmocka_unit_test(test_rename_two_paths),
		cmocka_unit_test(test_chmod_mode_bits),
		cmocka_unit_test(test_chown_unchanged_ids),
		cmocka_unit_test(test_link_symbolic),
		cmocka_unit_test(test_mknod),
		cmocka_unit_test(test_malformed_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Decoder, ABI 4 bodies: cred, ptrace, memfd, module, mount, namespace,
 * dup, signal, bpf: every field, the names of each family's calls, the
 * header's parent start, and lengths that overrun the record. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <cmocka.h>
#include "pipeline/decode.h"

static struct decoded_event d;
static _Alignas(8) char buf[1024];

static size_t put(unsigned type, const void *body, size_t body_size, const char *data, size_t data_len)
{
	struct rt_header *h = (void *)buf;
	size_t size = sizeof(*h) + body_size + data_len;

	memset(buf, 0, sizeof(buf));
	h->type = type;
	h->abi_version = RT_ABI_VERSION;
	h->size = (uint32_t)size;
	h->tgid = 100;
	h->ppid = 99;
	h->start_ns = 5000;
	h->parent_start_ns = 4000;
	memcpy(h->comm, "sh", 3);
	memcpy(buf + sizeof(*h), body, body_size);
	memcpy(buf + sizeof(*h) + body_size, data, data_len);
	return size;
}

static void test_cred(void **state)
{
	(void)state;
	struct rt_cred_body b = { .ret = 0, .syscall = RT_CRED_SETRESUID, .req = { 1000, (uint32_t)-1, 0 },
				  .uid = 1000, .euid = 1001, .suid = 1002, .fsuid = 1003,
				  .gid = 7, .egid = 8, .sgid = 9, .fsgid = 10,
				  .cap_effective = 1, .cap_permitted = 3, .cap_inheritable = 4 };
	size_t n = put(RT_EVENT_CRED, &b, sizeof(b), "", 0);
	Ringtap__V1__Cred *c;

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_int_equal(d.ev.body_case, RINGTAP__V1__EVENT__BODY_CRED);
	assert_int_equal(d.hdr.parent_start_time_ns, 4000);
	c = d.ev.cred;
	assert_int_equal(c->n_requested, 3);
	assert_int_equal(c->requested[0], 1000);
	assert_int_equal(c->requested[1], -1);
	assert_int_equal(c->requested[2], 0);
	assert_int_equal(c->uid, 1000);
	assert_int_equal(c->euid, 1001);
	assert_int_equal(c->suid, 1002);
	assert_int_equal(c->fsuid, 1003);
	assert_int_equal(c->gid, 7);
	assert_int_equal(c->egid, 8);
	assert_int_equal(c->sgid, 9);
	assert_int_equal(c->fsgid, 10);
	assert_int_equal(c->cap_effective, 1);
	assert_int_equal(c->cap_permitted, 3);
	assert_int_equal(c->cap_inheritable, 4);
	assert_string_equal(c->syscall, "setresuid");
	/* one id for setuid, two for setreuid; capset: version and pid */
	b.syscall = RT_CRED_SETUID;
	n = put(RT_EVENT_CRED, &b, sizeof(b), "", 0);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_int_equal(d.ev.cred->n_requested, 1);
	b.syscall = RT_CRED_CAPSET, b.req_cap_effective = 1ull << 40;
	n = put(RT_EVENT_CRED, &b, sizeof(b), "", 0);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_int_equal(d.ev.cred->n_requested, 2);
	assert_int_equal(d.ev.cred->requested_cap_effective, 1ull << 40);
	assert_string_equal(d.ev.cred->syscall, "capset");
	b.syscall = 99; /* unknown call: empty name, not a crash */
	n = put(RT_EVENT_CRED, &b, sizeof(b), "", 0);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.cred->syscall, "");
}

static void test_ptrace(void **state)
{
	(void)state;
	struct rt_ptrace_body b = { .ret = 0, .request = 0, .target_pid = 99, .syscall = RT_PTRACE_PTRACE };
	size_t n = put(RT_EVENT_PTRACE, &b, sizeof(b), "", 0);

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_true(d.ev.ptrace->traceme);
	assert_int_equal(d.ev.ptrace->target_pid, 99);
	assert_string_equal(d.ev.ptrace->syscall, "ptrace");
	b.syscall = RT_PTRACE_PROCESS_VM_WRITEV, b.request = -1, b.ret = 4096, b.local_iovcnt = 2,
	b.remote_iovcnt = 1;
	n = put(RT_EVENT_PTRACE, &b, sizeof(b), "", 0);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_false(d.ev.ptrace->traceme);
	assert_int_equal(d.ev.ptrace->ret, 4096);
	assert_int_equal(d.ev.ptrace->local_iovcnt, 2);
	assert_int_equal(d.ev.ptrace->remote_iovcnt, 1);
	assert_string_equal(d.ev.ptrace->syscall, "process_vm_writev");
}

static void test_memfd_and_overrun(void **state)
{
	(void)state;
	struct rt_memfd_body b = { .ret = 3, .flags = 1, .name_len = 4 };
	size_t n = put(RT_EVENT_MEMFD, &b, sizeof(b), "evil", 4);

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.memfd->name, "evil");
	assert_int_equal(d.ev.memfd->flags, 1);
	assert_int_equal(d.ev.memfd->ret, 3);
	b.name_len = 5; /* one byte more than the record holds */
	n = put(RT_EVENT_MEMFD, &b, sizeof(b), "evil", 4);
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
	b.name_len = 0xffffffff;
	n = put(RT_EVENT_MEMFD, &b, sizeof(b), "evil", 4);
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
}

static void test_module(void **state)
{
	(void)state;
	struct rt_module_body b = { .ret = -ENOSYS, .syscall = RT_MODULE_FINIT, .fd = 3, .flags = 2,
				    .name_len = 6, .params_len = 3 };
	size_t n = put(RT_EVENT_MODULE, &b, sizeof(b), "rk.kood=1", 9);

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.module->name, "rk.koo");
	assert_string_equal(d.ev.module->params, "d=1");
	b.name_len = 5, b.params_len = 6;
	n = put(RT_EVENT_MODULE, &b, sizeof(b), "rk.kodbg=1", 10);
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
	b.params_len = 5;
	n = put(RT_EVENT_MODULE, &b, sizeof(b), "rk.kodbg=1", 10);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.module->name, "rk.ko");
	assert_string_equal(d.ev.module->params, "dbg=1");
	assert_int_equal(d.ev.module->fd, 3);
	assert_int_equal(d.ev.module->flags, 2);
	assert_int_equal(d.ev.module->ret, -ENOSYS);
	assert_string_equal(d.ev.module->syscall, "finit_module");
	assert_string_equal(d.ev.module->module_name, "");
	/* the kernel's name: a full 56-byte name has no NUL and is not overrun;
	 * bytes that are not UTF-8 are escaped, not passed on */
	memset(b.module_name, 'm', sizeof(b.module_name));
	n = put(RT_EVENT_MODULE, &b, sizeof(b), "rk.kodbg=1", 10);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_int_equal(strlen(d.ev.module->module_name), RT_MODULE_NAME_LEN);
	memset(b.module_name, 0, sizeof(b.module_name));
	memcpy(b.module_name, "rk\xff", 3);
	n = put(RT_EVENT_MODULE, &b, sizeof(b), "rk.kodbg=1", 10);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_not_equal(d.ev.module->module_name, "rk\xff");
	assert_memory_equal(d.ev.module->module_name, "rk", 2);
}

static void test_mount_three_strings(void **state)
{
	(void)state;
	struct rt_mount_body b = { .ret = 0, .syscall = RT_MOUNT_MOUNT, .flags = 6, .fd = -1, .dirfd = -1,
				   .dirfd2 = -1, .fstype_len = 5, .source_len = 4, .target_len = 5 };
	size_t n = put(RT_EVENT_MOUNT, &b, sizeof(b), "tmpfsnone/host", 14);

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.mount->fstype, "tmpfs");
	assert_string_equal(d.ev.mount->source, "none");
	assert_string_equal(d.ev.mount->target, "/host");
	assert_int_equal(d.ev.mount->flags, 6);
	assert_int_equal(d.ev.mount->dirfd2, -1);
	assert_string_equal(d.ev.mount->syscall, "mount");
	b.target_len = 6;
	n = put(RT_EVENT_MOUNT, &b, sizeof(b), "tmpfsnone/host", 14);
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
	/* an fstype longer than the kernel side ever writes */
	b.target_len = 5, b.fstype_len = RT_FSTYPE_MAX + 1;
	n = put(RT_EVENT_MOUNT, &b, sizeof(b), "tmpfsnone/host", 14);
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
}

static void test_namespace_signal_bpf(void **state)
{
	(void)state;
	struct rt_namespace_body ns = { .ret = -EPERM, .syscall = RT_NS_SETNS, .flags = 0x40000000, .fd = 5 };
	struct rt_signal_body sig = { .ret = 0, .syscall = RT_SIGNAL_PIDFD_SEND_SIGNAL, .sig = 9,
				      .target_pid = 4400, .pidfd = 7 };
	struct rt_bpf_body bpf = { .ret = 4, .cmd = RT_BPF_PROG_LOAD, .type = 1, .count = 12 };
	size_t n = put(RT_EVENT_NAMESPACE, &ns, sizeof(ns), "", 0);

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_int_equal(d.ev.namespace_->flags, 0x40000000);
	assert_int_equal(d.ev.namespace_->fd, 5);
	assert_int_equal(d.ev.namespace_->ret, -EPERM);
	assert_string_equal(d.ev.namespace_->syscall, "setns");
	n = put(RT_EVENT_SIGNAL, &sig, sizeof(sig), "", 0);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_int_equal(d.ev.signal->signal, 9);
	assert_int_equal(d.ev.signal->target_pid, 4400);
	assert_int_equal(d.ev.signal->pidfd, 7);
	assert_string_equal(d.ev.signal->syscall, "pidfd_send_signal");
	/* a name that fills all 16 bytes has no NUL: still 16 characters */
	memset(bpf.name, 'p', sizeof(bpf.name));
	n = put(RT_EVENT_BPF, &bpf, sizeof(bpf), "", 0);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.bpf->cmd, "prog_load");
	assert_int_equal(d.ev.bpf->type, 1);
	assert_int_equal(d.ev.bpf->count, 12);
	assert_string_equal(d.ev.bpf->name, "pppppppppppppppp");
	assert_int_equal(d.ev.bpf->ret, 4);
	/* a body shorter than its type's: refused */
	n = put(RT_EVENT_BPF, &bpf, sizeof(bpf) - 8, "", 0);
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
}

static void test_dup(void **state)
{
	(void)state;
	struct rt_dup_body b = { .ret = 0, .syscall = RT_DUP_DUP2, .oldfd = 3, .newfd = 0,
				 .family = AF_INET, .sock_type = SOCK_STREAM, .protocol = 6 };
	size_t n;

	b.local.family = AF_INET, b.local.port = 40000;
	memcpy(b.local.addr, "\x7f\0\0\x01", 4);
	b.peer.family = AF_INET, b.peer.port = 4444;
	memcpy(b.peer.addr, "\x0a\0\0\x09", 4);
	n = put(RT_EVENT_DUP, &b, sizeof(b), "", 0);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.dup->family, "inet");
	assert_string_equal(d.ev.dup->protocol, "tcp");
	assert_string_equal(d.ev.dup->local->addr, "127.0.0.1");
	assert_int_equal(d.ev.dup->local->port, 40000);
	assert_string_equal(d.ev.dup->peer->addr, "10.0.0.9");
	assert_int_equal(d.ev.dup->peer->port, 4444);
	assert_int_equal(d.ev.dup->newfd, 0);
	assert_string_equal(d.ev.dup->syscall, "dup2");
	memset(&b.local, 0, sizeof(b.local));
	memset(&b.peer, 0, sizeof(b.peer));
	b.family = AF_UNIX, b.protocol = 0;
	n = put(RT_EVENT_DUP, &b, sizeof(b), "", 0);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.dup->family, "unix");
	assert_string_equal(d.ev.dup->protocol, "");
	assert_string_equal(d.ev.dup->peer->addr, "");
	b.family = 17; /* AF_PACKET: by number */
	n = put(RT_EVENT_DUP, &b, sizeof(b), "", 0);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.dup->family, "17");
}

static void test_exec_identity(void **state)
{
	(void)state;
	struct rt_exec_body b = { .ret = 0, .filename_len = 9, .argv_len = 8, .argc = 1,
				  .auid = 1000, .sessionid = 7, .cap_effective = 1ull << 21,
				  .cap_permitted = 3, .exe_ino = 1043, .exe_dev = (259u << 20) | 3,
				  .exe_mode = 0104755, .exe_ctime = 1764560000, .exe_mtime = -1,
				  .exe_nlink = 0, .exe_flags = RT_EXE_MEMFD | RT_EXE_DELETED | RT_EXE_WRITABLE,
				  .tty = (136u << 20) | 3 };
	size_t n = put(RT_EVENT_EXEC, &b, sizeof(b), "/dev/fd/3payload", 17);
	Ringtap__V1__Exec *x;

	assert_int_equal(decode_record(buf, n, &d), 0);
	x = d.ev.exec;
	assert_string_equal(x->filename, "/dev/fd/3");
	assert_int_equal(x->n_argv, 1);
	assert_int_equal(x->auid, 1000);
	assert_int_equal(x->sessionid, 7);
	assert_int_equal(x->cap_effective, 1ull << 21);
	assert_int_equal(x->cap_permitted, 3);
	assert_int_equal(x->exe_ino, 1043);
	/* the kernel's dev_t, re-encoded as stat(2) reports it */
	assert_int_equal(major(x->exe_dev), 259);
	assert_int_equal(minor(x->exe_dev), 3);
	assert_int_equal(x->exe_mode, 0104755);
	assert_int_equal(x->exe_ctime, 1764560000);
	assert_int_equal(x->exe_mtime, -1);
	assert_true(x->exe_memfd);
	assert_true(x->exe_deleted);
	assert_false(x->exe_overlay);
	assert_true(x->exe_writable);
	assert_int_equal(major(x->tty), 136); /* /dev/pts/3 */
	assert_int_equal(minor(x->tty), 3);
	b.tty = 0; /* none: 0, not makedev(0, 0)'s encoding of something */
	n = put(RT_EVENT_EXEC, &b, sizeof(b), "/dev/fd/3payload", 17);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_int_equal(d.ev.exec->tty, 0);
}

/* The cwd follows argv; its length is checked against the record like
 * the others, and a cut cwd says so. */
static void test_exec_cwd(void **state)
{
	(void)state;
	struct rt_exec_body b = { .filename_len = 8, .argv_len = 8, .argc = 1, .cwd_len = 8 };
	size_t n = put(RT_EVENT_EXEC, &b, sizeof(b), "/bin/catpayload\0/a b/c\xff", 24);

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.exec->filename, "/bin/cat");
	assert_string_equal(d.ev.exec->argv[0], "payload");
	assert_string_equal(d.ev.exec->cwd, "/a b/c\xef\xbf\xbd"); /* invalid UTF-8: U+FFFD */
	assert_false(d.ev.exec->cwd_truncated);
	b.cwd_flags = RT_CWD_TRUNCATED;
	n = put(RT_EVENT_EXEC, &b, sizeof(b), "/bin/catpayload\0/a b/c\xff", 24);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_true(d.ev.exec->cwd_truncated);
	/* longer than the record, or than any path */
	b.cwd_len = 9;
	n = put(RT_EVENT_EXEC, &b, sizeof(b), "/bin/catpayload\0/a b/c\xff", 24);
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
	b.cwd_len = RT_PATH_MAX + 1;
	n = put(RT_EVENT_EXEC, &b, sizeof(b), "/bin/catpayload\0/a b/c\xff", 24);
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
	b.cwd_len = 0; /* unknown: empty */
	n = put(RT_EVENT_EXEC, &b, sizeof(b), "/bin/catpayload\0", 16);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.exec->cwd, "");
}

/* fsconfig: key and value after the three mount strings, cmd and aux. */
static void test_mount_fsconfig(void **state)
{
	(void)state;
	struct rt_mount_body b = { .ret = -22, .syscall = RT_MOUNT_FSCONFIG, .fd = 4, .dirfd = -1,
				   .dirfd2 = -1, .cmd = 1, .aux = 7, .key_len = 4, .value_len = 2 };
	size_t n = put(RT_EVENT_MOUNT, &b, sizeof(b), "size1m", 6);

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.mount->syscall, "fsconfig");
	assert_string_equal(d.ev.mount->key, "size");
	assert_string_equal(d.ev.mount->value, "1m");
	assert_string_equal(d.ev.mount->fstype, "");
	assert_int_equal(d.ev.mount->cmd, 1);
	assert_int_equal(d.ev.mount->aux, 7);
	assert_int_equal(d.ev.mount->fd, 4);
	assert_int_equal(d.ev.mount->ret, -22);
	b.value_len = 3; /* past the record */
	n = put(RT_EVENT_MOUNT, &b, sizeof(b), "size1m", 6);
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
	b.value_len = 2, b.key_len = RT_PATH_MAX + 1;
	n = put(RT_EVENT_MOUNT, &b, sizeof(b), "size1m", 6);
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
}

static void test_io_uring(void **state)
{
	(void)state;
	struct rt_io_uring_body b = { .ret = 0, .kind = RT_IO_URING_SUBMIT, .opcode = 18, .fd = -100,
				      .user_data = 0x1111, .path_len = 11, .open_flags = 02000000 };
	size_t n = put(RT_EVENT_IO_URING, &b, sizeof(b), "/etc/shadow", 11);

	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_int_equal(d.ev.body_case, RINGTAP__V1__EVENT__BODY_IO_URING);
	assert_string_equal(d.ev.io_uring->kind, "submit");
	assert_string_equal(d.ev.io_uring->op, "openat");
	assert_string_equal(d.ev.io_uring->path, "/etc/shadow");
	assert_int_equal(d.ev.io_uring->fd, -100);
	assert_int_equal(d.ev.io_uring->user_data, 0x1111);
	assert_string_equal(d.ev.io_uring->family, "");
	b.path_len = 12;
	n = put(RT_EVENT_IO_URING, &b, sizeof(b), "/etc/shadow", 11);
	assert_int_equal(decode_record(buf, n, &d), -EBADMSG);
	b = (struct rt_io_uring_body){ .kind = RT_IO_URING_SUBMIT, .opcode = 16, .fd = 4 };
	b.addr.family = AF_INET, b.addr.port = 443;
	memcpy(b.addr.addr, "\x0a\0\0\x01", 4);
	n = put(RT_EVENT_IO_URING, &b, sizeof(b), "", 0);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.io_uring->op, "connect");
	assert_string_equal(d.ev.io_uring->family, "inet");
	assert_string_equal(d.ev.io_uring->addr->addr, "10.0.0.1");
	assert_int_equal(d.ev.io_uring->addr->port, 443);
	b = (struct rt_io_uring_body){ .ret = -22, .kind = RT_IO_URING_SETUP, .fd = -1, .entries = 4,
				       .flags = 0x80000000u };
	n = put(RT_EVENT_IO_URING, &b, sizeof(b), "", 0);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.io_uring->kind, "setup");
	assert_string_equal(d.ev.io_uring->op, "");
	assert_int_equal(d.ev.io_uring->entries, 4);
	assert_int_equal(d.ev.io_uring->ret, -22);
	b = (struct rt_io_uring_body){ .ret = -2, .kind = RT_IO_URING_COMPLETE, .opcode = 18, .fd = -100,
				       .user_data = 0x5555 };
	n = put(RT_EVENT_IO_URING, &b, sizeof(b), "", 0);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.io_uring->kind, "complete");
	assert_string_equal(d.ev.io_uring->op, "openat");
	assert_int_equal(d.ev.io_uring->user_data, 0x5555);
	assert_int_equal(d.ev.io_uring->ret, -2);
	b.kind = 7; /* a kind this decoder does not know: named "" rather than guessed */
	n = put(RT_EVENT_IO_URING, &b, sizeof(b), "", 0);
	assert_int_equal(decode_record(buf, n, &d), 0);
	assert_string_equal(d.ev.io_uring->kind, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cred),
		cmocka_unit_test(test_ptrace),
		cmocka_unit_test(test_memfd_and_overrun),
		cmocka_unit_test(test_module),
		cmocka_unit_test(test_mount_three_strings),
		cmocka_unit_test(test_namespace_signal_bpf),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_exec_identity),
		cmocka_unit_test(test_exec_cwd),
		cmocka_unit_test(test_mount_fsconfig),
		cmocka_unit_test(test_io_uring),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

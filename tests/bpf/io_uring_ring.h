/* A minimal io_uring over raw syscalls (no liburing, so the tests need no
 * extra package), shared by the prog_io_uring* programs the io_uring tests
 * watch: set up a ring, queue requests, submit them, reap completions. */
#ifndef RINGTAP_TEST_IO_URING_RING_H
#define RINGTAP_TEST_IO_URING_RING_H

#include <errno.h>
#include <linux/io_uring.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#define SYS_io_uring_enter 426
#endif

struct ring {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

/* A ring of entries submission slots (the kernel gives twice as many
 * completion slots). 0 or -errno. */
static inline int ring_init(struct ring *r, unsigned entries)
{
	struct io_uring_params p;
	void *sq, *cq;

	memset(&p, 0, sizeof(p));
	r->fd = syscall(SYS_io_uring_setup, entries, &p);
	if (r->fd < 0)
		return -errno;
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return -ENOMEM;
	r->sq_tail = (unsigned *)((char *)sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)((char *)sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)((char *)sq + p.sq_off.array);
	r->cq_head = (unsigned *)((char *)cq + p.cq_off.head);
	r->cq_tail = (unsigned *)((char *)cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)((char *)cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)((char *)cq + p.cq_off.cqes);
	return 0;
}

/* Queue sqe; the next ring_enter submits it. */
static inline void ring_queue(struct ring *r, const struct io_uring_sqe *sqe)
{
	unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask;

	r->sqes[idx] = *sqe;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
}

/* Submit to_submit queued requests and wait for wait_for completions: how
 * many were submitted, or -errno. */
static inline int ring_enter(struct ring *r, unsigned to_submit, unsigned wait_for)
{
	int n = syscall(SYS_io_uring_enter, r->fd, to_submit, wait_for,
			wait_for ? IORING_ENTER_GETEVENTS : 0, NULL, 0);

	return n < 0 ? -errno : n;
}

/* Take the oldest completion into *cqe: 0, or -EAGAIN when there is none. */
static inline int ring_reap(struct ring *r, struct io_uring_cqe *cqe)
{
	unsigned head = *r->cq_head;

	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	*cqe = r->cqes[head & *r->cq_mask];
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return 0;
}

/* Submit sqe (if any) and wait for one completion; its result, and its
 * flags in *flags when asked. */
static inline int ring_next(struct ring *r, const struct io_uring_sqe *sqe, unsigned *flags)
{
	struct io_uring_cqe cqe;
	int n;

	if (sqe)
		ring_queue(r, sqe);
	n = ring_enter(r, sqe ? 1 : 0, 1);
	if (n < 0)
		return n;
	if (ring_reap(r, &cqe))
		return -EAGAIN;
	if (flags)
		*flags = cqe.flags;
	return cqe.res;
}

#endif

/* libFuzzer target: the raw kernel-record decoder (src/pipeline/decode.c),
 * bytes as they come off the ring -> ringtap.v1.Event. Built and run by
 * test_record_fuzz.sh (clang, ASan + UBSan).
 *
 * The first input byte is a mode, the rest the record. Mode bit 0 rewrites
 * the header's size and ABI version to agree with the input, so the fuzzer
 * spends its time in the bodies rather than in the first checks.
 *
 * Beyond "no crash, no UB" it checks what a consumer relies on: a decoded
 * event has a header and exactly the body its type names, every string in
 * it is valid UTF-8, and it packs as protobuf and unpacks to the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pipeline/decode.h"
#include "codec/utf8.h"

static struct decoded_event d;
/* room for the largest record: mount's fstype and two paths */
static uint8_t rec[sizeof(struct rt_header) + 64 + 2 * RT_PATH_MAX + RT_ARGV_MAX + 64];
static uint8_t packed[2 * (RT_PATH_MAX * 3 + RT_ARGV_MAX * 4) + 4096];
static uint8_t repacked[sizeof(packed)];

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz invariant broken: %s\n", what);
		abort();
	}
}

static void check_text(const char *s, const char *what)
{
	if (s)
		check(utf8_valid(s), what);
}

static void check_endpoint(const Ringtap__V1__Endpoint *ep)
{
	if (ep)
		check_text(ep->addr, "endpoint address is not UTF-8");
}

static void check_strings(const Ringtap__V1__Event *ev)
{
	const Ringtap__V1__Header *h = ev->header;

	check_text(h->comm, "comm is not UTF-8");
	switch (ev->body_case) {
	case RINGTAP__V1__EVENT__BODY_EXEC:
		check_text(ev->exec->filename, "exec filename is not UTF-8");
		for (size_t i = 0; i < ev->exec->n_argv; i++)
			check_text(ev->exec->argv[i], "argv is not UTF-8");
		break;
	case RINGTAP__V1__EVENT__BODY_OPEN:
		check_text(ev->open->path, "open path is not UTF-8");
		check_text(ev->open->syscall, "open syscall is not UTF-8");
		break;
	case RINGTAP__V1__EVENT__BODY_CONNECT:
		check_text(ev->connect->family, "connect family is not UTF-8");
		check_endpoint(ev->connect->src);
		check_endpoint(ev->connect->dst);
		break;
	case RINGTAP__V1__EVENT__BODY_ACCEPT:
		check_text(ev->accept->family, "accept family is not UTF-8");
		check_endpoint(ev->accept->local);
		check_endpoint(ev->accept->peer);
		break;
	case RINGTAP__V1__EVENT__BODY_MEMFD:
		check_text(ev->memfd->name, "memfd name is not UTF-8");
		break;
	case RINGTAP__V1__EVENT__BODY_MODULE:
		check_text(ev->module->name, "module name is not UTF-8");
		check_text(ev->module->params, "module params are not UTF-8");
		break;
	case RINGTAP__V1__EVENT__BODY_MOUNT:
		check_text(ev->mount->fstype, "mount fstype is not UTF-8");
		check_text(ev->mount->source, "mount source is not UTF-8");
		check_text(ev->mount->target, "mount target is not UTF-8");
		break;
	case RINGTAP__V1__EVENT__BODY_DUP:
		check_text(ev->dup->family, "dup family is not UTF-8");
		check_endpoint(ev->dup->local);
		check_endpoint(ev->dup->peer);
		break;
	case RINGTAP__V1__EVENT__BODY_BPF:
		check_text(ev->bpf->name, "bpf name is not UTF-8");
		break;
	case RINGTAP__V1__EVENT__BODY_IO_URING:
		check_text(ev->io_uring->path, "io_uring path is not UTF-8");
		check_endpoint(ev->io_uring->addr);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_header *h = (struct rt_header *)rec;
	size_t n, len, len2;
	Ringtap__V1__Event *back;

	if (size < 1)
		return 0;
	n = size - 1 < sizeof(rec) ? size - 1 : sizeof(rec);
	memcpy(rec, data + 1, n);
	if ((data[0] & 1) && n >= sizeof(*h)) {
		h->size = (uint32_t)n;
		h->abi_version = RT_ABI_VERSION;
	}
	if (decode_record(rec, n, &d))
		return 0;

	check(d.ev.header != NULL, "decoded event has no header");
	check(d.ev.body_case != RINGTAP__V1__EVENT__BODY__NOT_SET, "decoded event has no body");
	check(strcmp(event_type_name(h->type), "unknown") != 0, "decoded a record of unknown type");
	check_strings(&d.ev);

	len = ringtap__v1__event__get_packed_size(&d.ev);
	check(len <= sizeof(packed), "packed event larger than the largest record allows");
	check(ringtap__v1__event__pack(&d.ev, packed) == len, "pack wrote another size than promised");
	back = ringtap__v1__event__unpack(NULL, len, packed);
	check(back != NULL, "a decoded event does not unpack");
	check(back->body_case == d.ev.body_case, "body changed through protobuf");
	len2 = ringtap__v1__event__get_packed_size(back);
	check(len2 == len, "repacked size differs");
	ringtap__v1__event__pack(back, repacked);
	check(memcmp(packed, repacked, len) == 0, "protobuf round trip changed the event");
	ringtap__v1__event__free_unpacked(back, NULL);
	return 0;
}

/* Community ID v1 with libcrypto's SHA1 and base64. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include "codec/community_id.h"

int community_id_v1(uint16_t seed, int family, const uint8_t *saddr, uint16_t sport,
		    const uint8_t *daddr, uint16_t dport, uint8_t proto, char out[COMMUNITY_ID_LEN])
{
	size_t alen = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
	uint8_t buf[2 + 16 + 16 + 2 + 4], digest[SHA_DIGEST_LENGTH];
	uint16_t be;
	size_t off = 0;
	int cmp;

	out[0] = '\0';
	if (!alen)
		return -EINVAL;
	/* Ordered: the smaller (address, port) first. */
	cmp = memcmp(saddr, daddr, alen);
	if (cmp > 0 || (cmp == 0 && sport > dport)) {
		const uint8_t *a = saddr;
		uint16_t p = sport;

		saddr = daddr, sport = dport;
		daddr = a, dport = p;
	}
	be = htons(seed);
	memcpy(buf + off, &be, 2), off += 2;
	memcpy(buf + off, saddr, alen), off += alen;
	memcpy(buf + off, daddr, alen), off += alen;
	buf[off++] = proto;
	buf[off++] = 0;
	be = htons(sport);
	memcpy(buf + off, &be, 2), off += 2;
	be = htons(dport);
	memcpy(buf + off, &be, 2), off += 2;
	SHA1(buf, off, digest);
	memcpy(out, "1:", 2);
	EVP_EncodeBlock((unsigned char *)out + 2, digest, sizeof(digest)); /* 28 chars + NUL */
	return 0;
}

/* Community ID v1 flow hash (https://github.com/corelight/community-id-spec):
 * the string SIEMs and IDSs (Zeek, Suricata, Elastic) use to join records
 * of one flow. "1:" + base64(SHA1(seed, addresses, protocol, ports)), the
 * two endpoints ordered so both directions give the same ID. */
#ifndef RINGTAP_COMMUNITY_ID_H
#define RINGTAP_COMMUNITY_ID_H

#include <stddef.h>
#include <stdint.h>

#define COMMUNITY_ID_LEN 31 /* "1:" + 28 base64 characters + NUL */

/* family: AF_INET (4-byte addresses) or AF_INET6 (16); addresses in network
 * order, ports in host order; proto an IPPROTO_* number. 0, or -EINVAL for
 * another family (out is then ""). */
int community_id_v1(uint16_t seed, int family, const uint8_t *saddr, uint16_t sport,
		    const uint8_t *daddr, uint16_t dport, uint8_t proto, char out[COMMUNITY_ID_LEN]);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* The network event family's programs (socket hooks, packets, TCP state):
 * one include for ringtap.bpf.c. */
#ifndef RINGTAP_BPF_NET_EVENTS_H
#define RINGTAP_BPF_NET_EVENTS_H

#include "net_udp.h"
#include "net_dns.h"
#include "net_tcp.h"
#include "net_sock.h"

#endif

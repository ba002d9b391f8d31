#!/bin/bash
# Network events from the socket hooks, end to end through `ringtap record`:
#  - UDP: one unconnected socket sends twice to port A and once to port B:
#    exactly two connect records (via sendmsg), one per destination;
#  - DNS against dnsmasq on 127.0.0.1:53 in a private network namespace:
#    dig over UDP (A) and TCP (AAAA; CNAME: dnsmasq answers the alias alone), glibc's getent ahosts (A and
#    AAAA in one sendmmsg) with a resolv.conf in a private mount namespace:
#    each query and its response, with names, types, answers, rcode and the
#    process that asked; a fake server's malformed answers (compression
#    pointer loop, 5-byte header) and a 4 KiB TXT answer: flagged, no crash;
#    a server on port 5353, seen because the config's dns_ports lists it;
#    each response joined to its query (query_ts_ns);
#  - TCP: 1 MiB client -> server over loopback: established on both sides
#    (connected, accepted) and one close each with the byte counts;
#  - bind (port 0 and a failing one), listen, an AF_PACKET and a raw socket,
#    a unix socket's bind, connect and a failed connect (sock_events.py).
set -u
[ "$(id -u)" = 0 ] || { echo "SKIPPED: needs root (loads BPF probes)"; exit 77; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "SKIPPED: this kernel has no BTF"; exit 77; }
unshare -n -m true 2>/dev/null || { echo "SKIPPED: cannot create network/mount namespaces here"; exit 77; }
for t in dnsmasq dig getent python3; do
	command -v $t >/dev/null || { echo "FAIL: $t missing (scripts/install-deps.sh test installs it)"; exit 1; }
done
here=$(cd "$(dirname "$0")" && pwd)
RINGTAP=${RINGTAP:-$here/../../build/ringtap}
tmp=$(mktemp -d)
rec_pid=
cleanup() {
	[ -n "$rec_pid" ] && kill "$rec_pid" 2>/dev/null && wait "$rec_pid" 2>/dev/null
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

printf 'dns_ports: [53, 5353]\n' >"$tmp/ringtap.yaml" # 5353: the configured-port check
"$RINGTAP" record -c "$tmp/ringtap.yaml" -o "$tmp/rec.ndjson" -d 60 >"$tmp/rec.log" 2>&1 &
rec_pid=$!
for _ in $(seq 300); do grep -q capturing "$tmp/rec.log" && break; sleep 0.1; done
grep -q capturing "$tmp/rec.log" || { echo "FAIL: ringtap record did not start:"; cat "$tmp/rec.log"; exit 1; }

# UDP first datagrams
python3 "$here/udp_sender.py" 40001 40002 >"$tmp/udp.pid"

# DNS, in a private network and mount namespace
printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:2\n' >"$tmp/resolv.conf"
cat >"$tmp/dns.sh" <<EOS
set -u
ip link set lo up
mount --bind "$tmp/resolv.conf" /etc/resolv.conf
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 \
	--port=53 --user=root --address=/example.test/10.1.2.3 --address=/example.test/fd00::1 \
	--cname=alias.example.test,example.test --pid-file="$tmp/dnsmasq.pid" 2>"$tmp/dnsmasq.log" &
for _ in \$(seq 50); do [ -s "$tmp/dnsmasq.pid" ] && break; sleep 0.1; done
dig +tries=1 +time=2 @127.0.0.1 example.test A >"$tmp/dig1.out" & echo "dig_udp_a \$!" >>"$tmp/pids"; wait \$!
dig +tcp +tries=1 +time=2 @127.0.0.1 example.test AAAA >"$tmp/dig2.out" & echo "dig_tcp_aaaa \$!" >>"$tmp/pids"; wait \$!
dig +tcp +tries=1 +time=2 @127.0.0.1 alias.example.test A >"$tmp/dig3.out" & echo "dig_tcp_cname \$!" >>"$tmp/pids"; wait \$!
getent ahosts example.test >"$tmp/getent.out" & echo "getent \$!" >>"$tmp/pids"; wait \$!
kill \$(cat "$tmp/dnsmasq.pid"); wait %1
# a configured DNS port (dns_ports in ringtap.yaml)
rm -f "$tmp/dnsmasq.pid"
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 \
	--port=5353 --user=root --address=/example.test/10.1.2.3 --pid-file="$tmp/dnsmasq.pid" 2>>"$tmp/dnsmasq.log" &
for _ in \$(seq 50); do [ -s "$tmp/dnsmasq.pid" ] && break; sleep 0.1; done
dig -p 5353 +tries=1 +time=2 @127.0.0.1 example.test A >"$tmp/dig5353.out" & echo "dig_5353 \$!" >>"$tmp/pids"; wait \$!
kill \$(cat "$tmp/dnsmasq.pid"); wait
# the bad server takes port 53 over
python3 "$here/dns_fake_server.py" 53 >"$tmp/fake.ready" & fake=\$!
for _ in \$(seq 50); do [ -s "$tmp/fake.ready" ] && break; sleep 0.1; done
for n in loop short big; do
	dig +tries=1 +time=1 @127.0.0.1 \$n.test A >/dev/null 2>&1 & echo "dig_\$n \$!" >>"$tmp/pids"; wait \$!
done
kill \$fake
EOS
unshare -n -m bash "$tmp/dns.sh" || true
sed -n 1,3p "$tmp/getent.out"

# TCP 1 MiB
python3 "$here/tcp_transfer.py" >"$tmp/tcp.out"

# bind, listen, raw/packet sockets, unix sockets
python3 "$here/sock_events.py" "$tmp" >"$tmp/sock.json"

sleep 1 # the ring is read on a bounded interval
kill -INT "$rec_pid"; wait "$rec_pid"; rec_pid=
rc=0
python3 "$here/check_net_events.py" "$tmp" || rc=1
python3 "$here/check_sock_events.py" "$tmp" || rc=1
exit $rc

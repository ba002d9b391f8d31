#!/usr/bin/env bash
# Certificate and CA rotation without a restart. ringtap streams over mTLS
# with client certificate 1 and CA 1 from a Kubernetes-style Secret
# directory; mid-stream, with events queued for a broker that is away, the
# Secret is swapped (..data symlink) to client certificate 2 and a CA
# bundle with CA 2, and the broker comes back with a certificate from CA 2
# that only accepts clients of CA 2: only the new material can deliver.
# Events before, during and after the swap all arrive; the summary shows
# the rotation, the producer restart and the re-sends. Before that, a swap
# to a key that does not match the certificate is reported and not used.
source "$(dirname "$0")/lib.sh"
source "$KAFKA_TESTS/tls_lib.sh"
N=6000

pki_ca ca
pki_ca ca2
pki_cert client1 ca DNS:ringtap-client
pki_cert client2 ca2 DNS:ringtap-client
pki_cert broker2 ca2 IP:127.0.0.1,DNS:localhost
cat "$PKI/ca.crt" "$PKI/ca2.crt" >"$PKI/truststore.pem" # the broker's transition bundle
cat "$PKI/ca2.crt" "$PKI/ca.crt" >"$PKI/bundle2.crt"    # the client's new ca.crt
tls_broker_up MTLS
python3 "$KAFKA_TESTS/gen_events.py" $N >"$WORK/events.ndjson"
secret_dir "$WORK/secret" ca.crt="$PKI/ca.crt" tls.crt="$PKI/client1.crt" tls.key="$PKI/client1.key"
tls_config mtls "127.0.0.1:$PORT_MTLS" "$WORK/secret" rot >"$WORK/mtls.yaml"

# The stream: a FIFO, written batch by batch.
mkfifo "$WORK/fifo"
"$RINGTAP" replay "$WORK/fifo" --config "$WORK/mtls.yaml" >"$WORK/out" 2>"$WORK/err" &
RT=$!
CLEANUP_PIDS+=("$RT")
exec 3>"$WORK/fifo"
batch() { sed -n "$1,$2p" "$WORK/events.ndjson" >&3; }
delivered() {
	local t n=0
	for t in process file network sensor; do
		n=$((n + $(kcat -C -b "$BROKERS" -t "rot.$t" -o beginning -e -q -f '.\n' 2>/dev/null | wc -l)))
	done
	echo $n
}
wait_delivered() {
	local deadline=$((SECONDS + 60))
	until (($(delivered) >= $1)); do
		((SECONDS < deadline)) || die "only $(delivered) of $1 events arrived: $(tail -n 5 "$WORK/err")"
		sleep 0.5
	done
}

batch 1 1000 # before
wait_delivered 1000
# A swap to material that fails the checks (a key of another certificate) is
# reported and not used: the running producer keeps delivering.
secret_dir "$WORK/secret" ca.crt="$PKI/ca.crt" tls.crt="$PKI/client1.crt" tls.key="$PKI/client2.key"
next=1001
until grep -q "the changed TLS/SASL material is not used" "$WORK/err"; do
	((next <= 2000)) || die "a bad Secret update was not reported: $(tail -n 5 "$WORK/err")"
	batch $next $((next + 9))
	next=$((next + 10))
	sleep 0.1
done
batch $next 2000
wait_delivered 2000
echo "ok: 2000 events delivered with client certificate 1; $(grep -o 'the changed TLS/SASL material is not used.*' "$WORK/err")"
"$KAFKA_SH" stop "$KAFKA_DIR"
batch 2001 3500 # during: queued while the broker is away
sleep 1
secret_dir "$WORK/secret" ca.crt="$PKI/bundle2.crt" tls.crt="$PKI/client2.crt" tls.key="$PKI/client2.key"
# replay blocks reading the FIFO and looks at the Secret when it emits (the
# live sensor polls its sinks every poll_interval_ms): trickle events in.
next=3501
until grep -q "TLS/SASL material changed" "$WORK/err"; do
	((next <= 4000)) || die "no rotation 5 s after the Secret changed: $(tail -n 5 "$WORK/err")"
	batch $next $((next + 9))
	next=$((next + 10))
	sleep 0.1
done
batch $next 4000
echo "ok: $(grep -o 'TLS/SASL material changed.*' "$WORK/err")"
# The broker side of the rotation: a CA 2 certificate; CA 1 clients refused.
cp "$PKI/broker2.pem" "$PKI/broker.pem"
cp "$PKI/ca2.crt" "$PKI/truststore.pem"
"$KAFKA_SH" start "$KAFKA_DIR" >/dev/null 3>&- # the broker must not hold the FIFO open
batch 4001 $N # after
wait_delivered $N
exec 3>&-
wait "$RT" || die "ringtap replay failed: $(tail -n 5 "$WORK/err")"
summary=$(grep "kafka: events=" "$WORK/err")
echo "$summary"
RINGTAP_TOPIC_PREFIX=rot python3 "$KAFKA_TESTS/check_topics.py" "$BROKERS" $N "$WORK/err" --outage ||
	die "not every event arrived intact"
[[ $summary =~ rotations=1 ]] || die "the summary does not show one rotation"
[[ $summary =~ restarts=([0-9]+) ]] && ((BASH_REMATCH[1] >= 1)) || die "the summary shows no producer restart"
# 2001..3500 and the trickle were queued, unsent, when the producer changed.
[[ $summary =~ reproduced=([0-9]+) ]] && ((BASH_REMATCH[1] >= 1500)) ||
	die "the events queued during the swap were not re-sent (counted)"
no_secret_in "$WORK/out" "$WORK/err"
echo "PASS"

#!/usr/bin/env bash
# ringtap delivers to the real Kafka 4.0 broker over TLS (server certificate
# from a throwaway CA) and mutual TLS (client certificate required), each
# through the sink config the Helm chart renders (tls/*.yaml), its material
# in a Kubernetes-style Secret directory: every event arrives, decodable,
# with its key and headers (check_topics.py). SASL_SSL/SCRAM is
# test_kafka_tls_scram.sh (Kafka 4 refuses librdkafka 2.0.2's SCRAM).
source "$(dirname "$0")/lib.sh"
source "$KAFKA_TESTS/tls_lib.sh"
N=2000

pki_ca ca
pki_cert client ca DNS:ringtap-client
tls_broker_up SSL MTLS
python3 "$KAFKA_TESTS/gen_events.py" $N >"$WORK/events.ndjson"
secret_dir "$WORK/secret" ca.crt="$PKI/ca.crt" tls.crt="$PKI/client.crt" tls.key="$PKI/client.key"

for mode in ssl mtls; do
	port=PORT_${mode^^}
	tls_config $mode "127.0.0.1:${!port}" "$WORK/secret" $mode >"$WORK/$mode.yaml"
	"$RINGTAP" replay "$WORK/events.ndjson" --config "$WORK/$mode.yaml" \
		>"$WORK/$mode.stdout" 2>"$WORK/$mode.stderr" ||
		die "$mode: ringtap replay failed: $(tail -n 5 "$WORK/$mode.stderr")"
	grep "kafka:" "$WORK/$mode.stderr"
	RINGTAP_TOPIC_PREFIX=$mode python3 "$KAFKA_TESTS/check_topics.py" "$BROKERS" $N "$WORK/$mode.stderr" ||
		die "$mode: not every event arrived intact"
	no_secret_in "$WORK/$mode.stdout" "$WORK/$mode.stderr"
	echo "ok: $mode delivered $N events"
done

# The mTLS listener refuses a client without a certificate: the ssl setup's
# config against it delivers nothing, exits 1, and the summary says why. With
# the spool (on, as the chart renders it) the 50 events are not lost: they
# wait on disk (pending=50), and the next start with the client certificate
# in place delivers them, intact.
tls_config ssl "127.0.0.1:$PORT_MTLS" "$WORK/secret" refused 'flush_timeout_ms: 3000' >"$WORK/refused.yaml"
head -n 50 "$WORK/events.ndjson" >"$WORK/50.ndjson"
if "$RINGTAP" replay "$WORK/50.ndjson" --config "$WORK/refused.yaml" 2>"$WORK/refused.stderr"; then
	die "a client without a certificate was let in by the mTLS listener"
fi
summary=$(grep "kafka: events=" "$WORK/refused.stderr") || die "refused: no summary: $(tail -n 3 "$WORK/refused.stderr")"
[[ $summary == *" delivered=0 "*" lost=0 "*" pending=50 "* ]] ||
	die "refused: the 50 events are not all kept on disk: $summary"
[[ $summary == *"last broker error: the broker refused ringtap's client certificate"* ]] ||
	die "no clear sentence for a refused client certificate: $summary"
echo "ok: mTLS without a client certificate: ${summary##*last broker error: }"
tls_config mtls "127.0.0.1:$PORT_MTLS" "$WORK/secret" refused 'flush_timeout_ms: 30000' >"$WORK/fixed.yaml"
"$RINGTAP" replay /dev/null --config "$WORK/fixed.yaml" 2>"$WORK/fixed.stderr" ||
	die "fixed: the restart with a client certificate failed: $(grep kafka: "$WORK/fixed.stderr" | tail -n 3)"
summary=$(grep "kafka: events=" "$WORK/fixed.stderr") || die "fixed: no summary"
[[ $summary == *" delivered=50 "*" lost=0 "*" pending=0 recovered=50 "* ]] ||
	die "fixed: the spooled events were not recovered and delivered: $summary"
RINGTAP_TOPIC_PREFIX=refused python3 "$KAFKA_TESTS/check_topics.py" "$BROKERS" 50 "$WORK/fixed.stderr" ||
	die "fixed: the 50 spooled events did not all arrive intact"
no_secret_in "$WORK/refused.stderr" "$WORK/fixed.stderr"
echo "ok: with the client certificate in place, the next start delivered the 50 spooled events"
echo "PASS"

#!/usr/bin/env bash
# SASL_SSL with SCRAM-SHA-512 delivers every event through the chart's
# sink config, the password read from the Secret's file and never printed.
# The broker is Kafka 3.9 (KAFKA_VERSION below): Kafka 4 checks the SCRAM
# nonce strictly and refuses librdkafka < 2.6.1 (Debian bookworm ships
# 2.0.2); test_kafka_tls_bad.sh checks that this case gets a clear sentence.
source "$(dirname "$0")/lib.sh"
source "$KAFKA_TESTS/tls_lib.sh"
export KAFKA_VERSION=${RINGTAP_SCRAM_KAFKA_VERSION:-3.9.1}
N=2000

if [[ $(python3 -c 'import ctypes; l = ctypes.CDLL("librdkafka.so.1"); print(l.rd_kafka_version() >= 0x020601ff)') == True ]]; then
	unset KAFKA_VERSION # a librdkafka that speaks Kafka 4's SCRAM: use the usual broker
fi
tls_broker_up SASL_SSL
python3 "$KAFKA_TESTS/gen_events.py" $N >"$WORK/events.ndjson"
echo -n "$SCRAM_PASSWORD" >"$PKI/sasl-password"
secret_dir "$WORK/secret" ca.crt="$PKI/ca.crt" sasl-password="$PKI/sasl-password"
tls_config sasl_ssl "127.0.0.1:$PORT_SASL_SSL" "$WORK/secret" sasl >"$WORK/sasl.yaml"
"$RINGTAP" replay "$WORK/events.ndjson" --config "$WORK/sasl.yaml" >"$WORK/out" 2>"$WORK/err" ||
	die "ringtap replay failed: $(tail -n 5 "$WORK/err")"
grep "kafka:" "$WORK/err"
RINGTAP_TOPIC_PREFIX=sasl python3 "$KAFKA_TESTS/check_topics.py" "$BROKERS" $N "$WORK/err" ||
	die "not every event arrived intact"
no_secret_in "$WORK/out" "$WORK/err" "$WORK/sasl.yaml"
echo "PASS (Kafka ${KAFKA_VERSION:-from pom.xml})"

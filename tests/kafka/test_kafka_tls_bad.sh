#!/usr/bin/env bash
# Bad transport settings give one clear sentence each and never a secret:
#   at start (exit 1, nothing sent): an unreadable CA file, a key that is
#   not a key, a key that does not match its certificate, an encrypted key
#   with a wrong ssl_key_password;
#   from the broker (the summary's "last broker error", exit 1, nothing
#   delivered): an unknown CA, an expired broker certificate, a host name
#   mismatch, a wrong SCRAM password, an expired client certificate. With the
#   spool (on, as the chart renders it) every event is kept on disk
#   (pending=, not lost); one case runs with spool.enabled: false, the
#   in-memory path, where every event is counted as lost.
source "$(dirname "$0")/lib.sh"
source "$KAFKA_TESTS/tls_lib.sh"
N=50

pki_ca ca
pki_ca other
pki_cert client ca DNS:ringtap-client
pki_cert other_client ca DNS:someone-else
pki_cert expired ca IP:127.0.0.1,DNS:localhost 20200101000000Z 20200102000000Z
pki_cert badhost ca DNS:kafka.example.org
pki_cert otherca other IP:127.0.0.1,DNS:localhost
python3 "$KAFKA_TESTS/gen_events.py" $N >"$WORK/events.ndjson"
echo -n "$SCRAM_PASSWORD" >"$PKI/sasl-password"
echo -n "wrong-$SCRAM_PASSWORD" >"$PKI/wrong-password"

# expect_start_error NAME SENTENCE SECRET_FILES...: ringtap refuses to start.
expect_start_error() {
	local name=$1 want=$2
	shift 2
	secret_dir "$WORK/$name" "$@"
	tls_config mtls 127.0.0.1:1 "$WORK/$name" "$name" >"$WORK/$name.yaml"
	"$RINGTAP" replay "$WORK/events.ndjson" --config "$WORK/$name.yaml" >"$WORK/$name.out" 2>&1 &&
		die "$name: ringtap started"
	grep -qF -- "$want" "$WORK/$name.out" || die "$name: want '$want', got: $(cat "$WORK/$name.out")"
	"$RINGTAP" check --kind config "$WORK/$name.yaml" >>"$WORK/$name.out" 2>&1 &&
		die "$name: ringtap check accepted it"
	no_secret_in "$WORK/$name.out"
	echo "ok: $name: $(head -n 1 "$WORK/$name.out")"
}
expect_start_error no-ca "cannot read the CA file $WORK/no-ca/ca.crt (ssl.ca.location): No such file or directory" \
	tls.crt="$PKI/client.crt" tls.key="$PKI/client.key"
expect_start_error key-mismatch "the client key $WORK/key-mismatch/tls.key (ssl.key.location) does not match the certificate $WORK/key-mismatch/tls.crt" \
	ca.crt="$PKI/ca.crt" tls.crt="$PKI/client.crt" tls.key="$PKI/other_client.key"
# An encrypted key and a wrong ssl_key_password (read from the Secret).
KEY_PASSWORD=key-$(openssl rand -hex 8)
openssl pkey -in "$PKI/client.key" -aes256 -passout "pass:$KEY_PASSWORD" -out "$PKI/client-enc.key"
echo -n "wrong-$KEY_PASSWORD" >"$PKI/key-password"
secret_dir "$WORK/enc" ca.crt="$PKI/ca.crt" tls.crt="$PKI/client.crt" tls.key="$PKI/client-enc.key" \
	key-password="$PKI/key-password"
tls_config mtls 127.0.0.1:1 "$WORK/enc" enc |
	sed "s|^    rdkafka:|    ssl_key_password: file:$WORK/enc/key-password\n    rdkafka:|" >"$WORK/enc.yaml"
"$RINGTAP" replay "$WORK/events.ndjson" --config "$WORK/enc.yaml" >"$WORK/enc.out" 2>&1 && die "enc: ringtap started"
grep -qF "cannot load the client key $WORK/enc/tls.key (ssl.key.location): not a PEM private key, or ssl_key_password does not decrypt it" "$WORK/enc.out" ||
	die "enc: no clear sentence: $(cat "$WORK/enc.out")"
grep -qF -- "$KEY_PASSWORD" "$WORK/enc.out" && die "enc: the key password appears in the output"
no_secret_in "$WORK/enc.out"
echo "ok: enc: $(head -n 1 "$WORK/enc.out")"
expect_start_error not-a-key "cannot load the client key $WORK/not-a-key/tls.key (ssl.key.location): not a PEM private key" \
	ca.crt="$PKI/ca.crt" tls.crt="$PKI/client.crt" tls.key="$PKI/client.crt"

# Broker-side failures, one listener each.
pki_cert expired_client ca DNS:ringtap-client 20200101000000Z 20200102000000Z
tls_broker_up SASL_SSL MTLS EXPIRED BADHOST OTHERCA
secret_dir "$WORK/secret" ca.crt="$PKI/ca.crt" sasl-password="$PKI/sasl-password"
secret_dir "$WORK/wrong" ca.crt="$PKI/ca.crt" sasl-password="$PKI/wrong-password"

# expect_broker_error NAME MODE PORT SECRETS SENTENCE [nospool]
expect_broker_error() {
	local name=$1 mode=$2 port=$3 secrets=$4 want=$5 spool=${6:-spool}
	tls_config "$mode" "127.0.0.1:$port" "$secrets" "$name" 'flush_timeout_ms: 4000' >"$WORK/$name.yaml"
	[[ $spool == spool ]] || sed -i 's/^      enabled: true$/      enabled: false/' "$WORK/$name.yaml"
	"$RINGTAP" replay "$WORK/events.ndjson" --config "$WORK/$name.yaml" >"$WORK/$name.out" 2>&1 &&
		die "$name: replay exited 0 although nothing was delivered"
	local summary
	summary=$(grep "kafka: events=" "$WORK/$name.out") || die "$name: no summary: $(tail -n 3 "$WORK/$name.out")"
	if [[ $spool == spool ]]; then
		[[ $summary == *" delivered=0 "*" lost=0 "*" pending=$N "* ]] ||
			die "$name: not every event kept in the spool: $summary"
	else
		[[ $summary == *" delivered=0 "*" lost=$N "* && $summary != *" pending="* ]] ||
			die "$name: without the spool, not every event counted as lost: $summary"
		[[ ! -e $WORK/spool/kafka-127.0.0.1_$port ]] || die "$name: spool.enabled: false, yet a spool was made"
	fi
	[[ $summary == *"last broker error: $want"* ]] || die "$name: want '$want' in the summary: $summary"
	no_secret_in "$WORK/$name.out"
	echo "ok: $name: ${summary##*last broker error: }"
}
expect_broker_error unknown-ca ssl "$PORT_OTHERCA" "$WORK/secret" \
	"the broker's certificate is not signed by a CA in ssl.ca.location (unknown CA)"
expect_broker_error expired ssl "$PORT_EXPIRED" "$WORK/secret" "the broker's certificate has expired"
expect_broker_error hostname ssl "$PORT_BADHOST" "$WORK/secret" \
	"the broker's certificate is not issued for the address ringtap connects to (hostname mismatch)"
expect_broker_error wrong-password sasl_ssl "$PORT_SASL_SSL" "$WORK/wrong" \
	"the broker refused the SASL credentials: wrong sasl.username or sasl_password" nospool
secret_dir "$WORK/expired-client" ca.crt="$PKI/ca.crt" tls.crt="$PKI/expired_client.crt" \
	tls.key="$PKI/expired_client.key"
expect_broker_error expired-client mtls "$PORT_MTLS" "$WORK/expired-client" \
	"the broker refused ringtap's client certificate (ssl.certificate.location): it expired on Jan  2 00:00:00 2020 GMT"
echo "PASS"

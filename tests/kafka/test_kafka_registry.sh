#!/usr/bin/env bash
# schema_registry.url: a replay of every event type into a real broker, with
# ringtap's .proto registered in a real Confluent-compatible registry (Apicurio
# Registry's ccompat API; basic auth, password from a file).
# confluent-kafka-python's ProtobufDeserializer reads every message of every
# topic and they equal the NDJSON of the same replay; a second run frames with
# the same schema ids (one version per subject). Then what must refuse: a
# subject whose schema is incompatible (409), a wrong password (401),
# JSON/OCSF values with the option on, an https registry with a CA that did
# not sign its certificate (and the right CA works), and the registry down.
source "$(dirname "$0")/lib.sh"

SR_VENV=${RINGTAP_SR_VENV:-$HOME/.cache/ringtap/sr-venv}
SR_PY=$SR_VENV/bin/python
[[ -x $SR_PY ]] && "$SR_PY" -c 'import confluent_kafka.schema_registry.protobuf' 2>/dev/null ||
	die "no confluent-kafka venv at $SR_VENV: run scripts/install-deps.sh test"
SUPPORT=$RINGTAP_SRC/tests/support

# Every body type: the replay cases' recordings together.
cat "$RINGTAP_SRC"/tests/replay/ocsf_cases/*.input.ndjson \
	"$RINGTAP_SRC"/tests/replay/cases/{all_bodies,file_events,net_events,proc_events,sock_events}.input.ndjson \
	>"$WORK/events.ndjson"
"$RINGTAP" replay "$WORK/events.ndjson" --sink "ndjson:$WORK/expected.ndjson" 2>/dev/null ||
	die "replay to NDJSON failed"

# Apicurio Registry (tests/support/apicurio: built once from Maven Central
# into ~/.cache/ringtap) with its Confluent-compatible API, in-memory
# storage, basic auth, on http and https (a certificate signed by srca).
source "$KAFKA_TESTS/tls_lib.sh"
pki_ca srca
pki_ca otherca
pki_cert sr srca IP:127.0.0.1
APICURIO_JAR=$("$SUPPORT/apicurio/build.sh" 2>"$WORK/apicurio-build.log") ||
	die "could not build Apicurio Registry: $(tail -n 20 "$WORK/apicurio-build.log")"
SR_AUTH='ringtap:pa:ss w0rd'
# registry_start: starts it (stopped on exit), sets SR_PID; registry_wait:
# waits until it listens, sets SR_URL (http) and SR_TLS_URL (https).
registry_start() {
	java -Xmx384m -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=0 -Dquarkus.http.ssl-port=0 \
		-Dquarkus.http.ssl.certificate.files="$PKI/sr.crt" -Dquarkus.http.ssl.certificate.key-files="$PKI/sr.key" \
		"-Dquarkus.security.users.embedded.users.${SR_AUTH%%:*}=${SR_AUTH#*:}" \
		-jar "$APICURIO_JAR" >"$WORK/registry.log" 2>&1 &
	SR_PID=$!
	CLEANUP_PIDS+=("$SR_PID")
}
registry_wait() {
	local listening=
	for _ in $(seq 240); do
		listening=$(grep -o 'Listening on: .*' "$WORK/registry.log" || true)
		[[ -n $listening ]] && break
		kill -0 "$SR_PID" 2>/dev/null || die "registry did not start: $(tail -n 20 "$WORK/registry.log")"
		sleep 0.25
	done
	[[ -n $listening ]] || die "registry did not start within 60 s: $(tail -n 20 "$WORK/registry.log")"
	SR_URL=$(grep -o 'http://[0-9.:]*' <<<"$listening")/apis/ccompat/v6
	SR_TLS_URL=$(grep -o 'https://[0-9.:]*' <<<"$listening")/apis/ccompat/v6
	echo "registry (Apicurio) up on $SR_URL and $SR_TLS_URL"
}

# config NAME [https] [extra YAML lines under the sink]
config() {
	local name=$1 url=$SR_URL
	shift
	[[ ${1:-} == https ]] && { url=$SR_TLS_URL; shift; }
	{
		printf 'sinks:\n  - type: kafka\n    brokers: %s\n    spool: {dir: %s}\n' "$BROKERS" "$WORK/spool-$name"
		printf '    schema_registry:\n      url: %s\n      user: ringtap\n      password: file:%s\n' \
			"$url" "$WORK/sr.password"
		for line in "$@"; do printf '    %s\n' "$line"; done
	} >"$WORK/$name.yaml"
}

registry_start # the JVM starts while the broker does
kafka_up
registry_wait
printf 'pa:ss w0rd\n' >"$WORK/sr.password"
mkdir -p "$WORK/py"
protoc -I "$RINGTAP_SRC/proto" --python_out="$WORK/py" "$RINGTAP_SRC/proto/ringtap/v1/event.proto"

# 1. Replay with framing; a standard deserializer reads every message.
config good
"$RINGTAP" replay "$WORK/events.ndjson" --config "$WORK/good.yaml" 2>"$WORK/run1.stderr" ||
	die "ringtap replay failed: $(tail -n 5 "$WORK/run1.stderr")"
"$SR_PY" "$KAFKA_TESTS/registry_consume.py" "$BROKERS" "$SR_URL" "$SR_AUTH" "$WORK/py" \
	"$WORK/expected.ndjson" 1 "$WORK/ids1.json"

# 2. A restart registers again and gets the same ids: no new version. This
# run keeps one message in the producer, so the others wait in the disk
# spool and are read back from it: spooled values are framed values.
config good2 'spool.high_water: 1'
"$RINGTAP" replay "$WORK/events.ndjson" --config "$WORK/good2.yaml" 2>"$WORK/run2.stderr" ||
	die "second ringtap replay failed: $(tail -n 5 "$WORK/run2.stderr")"
drained=$(grep -o ' drained=[0-9]*' "$WORK/run2.stderr" | head -n1 | cut -d= -f2)
((${drained:-0} > 0)) || die "no event went through the disk spool: $(cat "$WORK/run2.stderr")"
"$SR_PY" "$KAFKA_TESTS/registry_consume.py" "$BROKERS" "$SR_URL" "$SR_AUTH" "$WORK/py" \
	"$WORK/expected.ndjson" 2 "$WORK/ids2.json"
cmp -s "$WORK/ids1.json" "$WORK/ids2.json" ||
	die "schema ids changed on restart: $(cat "$WORK/ids1.json") -> $(cat "$WORK/ids2.json")"
for topic in ringtap.process ringtap.file ringtap.network ringtap.sensor; do
	versions=$(curl -sf -u "$SR_AUTH" "$SR_URL/subjects/$topic-value/versions")
	[[ $versions == "[1]" ]] || die "subject $topic-value has versions $versions after a restart, want [1]"
done
echo "restart: same schema ids $(cat "$WORK/ids2.json"), $drained events read back from the spool"

# expect_refusal NAME WORDS...: ringtap exits non-zero, stderr has each of WORDS.
expect_refusal() {
	local name=$1 rc=0
	shift
	"$RINGTAP" replay "$WORK/events.ndjson" --config "$WORK/$name.yaml" 2>"$WORK/$name.stderr" || rc=$?
	((rc != 0)) || die "$name: ringtap replay exited 0"
	for w in "$@"; do
		grep -qF -- "$w" "$WORK/$name.stderr" || die "$name: stderr lacks '$w': $(cat "$WORK/$name.stderr")"
	done
	echo "$name: refused (exit $rc): $(grep -m1 'schema' "$WORK/$name.stderr")"
}

# 3. 409: the subject already holds a schema ringtap's cannot replace, and
# checks BACKWARD compatibility (Apicurio checks none unless told).
curl -sf -u "$SR_AUTH" -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
	-d '{"compatibility":"BACKWARD"}' "$SR_URL/config/rt.conflict-value" >/dev/null ||
	die "could not set rt.conflict-value's compatibility to BACKWARD"
curl -sf -u "$SR_AUTH" -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
	-d '{"schemaType":"PROTOBUF","schema":"syntax = \"proto3\"; package ringtap.v1; message Event { string header = 1; }"}' \
	"$SR_URL/subjects/rt.conflict-value/versions" >/dev/null || die "could not pre-register rt.conflict-value"
config conflict 'topic_process: rt.conflict'
expect_refusal conflict "subject 'rt.conflict-value'" "409" "incompatible"

# 4. 401: wrong password.
printf 'wrong\n' >"$WORK/sr.password"
config badauth
expect_refusal badauth "$SR_URL" "HTTP 401"
printf 'pa:ss w0rd\n' >"$WORK/sr.password"

# 5. JSON or OCSF values with the option on: a config error, for check and run.
config json 'encoding: json'
expect_refusal json "json.yaml:" "protobuf values only"
rc=0
"$RINGTAP" check "$WORK/json.yaml" 2>"$WORK/check.stderr" || rc=$?
((rc != 0)) && grep -q "protobuf values only" "$WORK/check.stderr" ||
	die "ringtap check accepted schema_registry.url with encoding json: $(cat "$WORK/check.stderr")"
config ocsf 'format: ocsf'
expect_refusal ocsf "ocsf.yaml:" "protobuf values only"

# 6. https: schema_registry.ca names the CA that signed the registry's certificate.
config tls https 'topic_process: rt.tls' 'topic_file: rt.tls' 'topic_network: rt.tls' 'topic_sensor: rt.tls' \
	"schema_registry.ca: $PKI/srca.crt"
"$RINGTAP" replay "$WORK/events.ndjson" --config "$WORK/tls.yaml" 2>"$WORK/tls.stderr" ||
	die "replay with an https registry failed: $(tail -n 3 "$WORK/tls.stderr")"
versions=$(curl -sf --cacert "$PKI/srca.crt" -u "$SR_AUTH" "$SR_TLS_URL/subjects/rt.tls-value/versions")
[[ $versions == "[1]" ]] || die "https registry: subject rt.tls-value has versions '$versions'"
echo "tls: registered over https"
config tlsbad https 'topic_process: rt.tls' "schema_registry.ca: $PKI/otherca.crt"
expect_refusal tlsbad "$SR_TLS_URL" "cannot register subject 'rt.tls-value'"

# 7. Registry down: start fails, naming the URL; nothing is produced.
kill "$SR_PID"
wait "$SR_PID" 2>/dev/null || true
config down 'topic_process: rt.down' 'topic_file: rt.down' 'topic_network: rt.down' 'topic_sensor: rt.down'
expect_refusal down "$SR_URL" "cannot register subject 'rt.down-value'"
[[ -z $(ls -A "$WORK/spool-down" 2>/dev/null) ]] || die "the refused sink spooled events"

echo "PASS"

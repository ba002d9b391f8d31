# Shared by tests/kafka/test_*.sh: tool checks, a scratch dir, and a broker
# that is always stopped when the test exits, however it exits.
set -euo pipefail

KAFKA_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RINGTAP_SRC=${RINGTAP_SRC:-$(cd "$KAFKA_TESTS/../.." && pwd)}
RINGTAP=${RINGTAP:-$RINGTAP_SRC/build/ringtap}
KAFKA_SH=$RINGTAP_SRC/scripts/kafka/kafka.sh

skip() { echo "SKIPPED: $*"; exit 77; }
die() { echo "FAIL: $*" >&2; exit 1; }

for tool in java mvn kcat protoc python3; do
	command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/install-deps.sh test)"
done
[[ -x $RINGTAP ]] || die "no ringtap binary at $RINGTAP (build first)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ringtap-kafka.XXXXXX")
KAFKA_DIR=$WORK/broker
declare -a CLEANUP_PIDS=()

# No test writes to the host's spool (the sinks' default spool.dir): each
# sets spool.dir under $WORK or disables the spool. A spool this test's
# brokers (or the dead 127.0.0.1:1) left there fails it, and is removed.
HOST_SPOOL=/var/lib/ringtap/spool
touch "$WORK/.started"
host_spool_untouched() {
	local port d ok=0
	for port in 1 $(cat "$KAFKA_DIR"/port* 2>/dev/null); do
		for d in "$HOST_SPOOL/kafka-127.0.0.1_$port" "$HOST_SPOOL/kafka-127.0.0.1_$port"-*; do
			[[ -d $d && $d -nt $WORK/.started ]] || continue
			echo "FAIL: this test wrote to the host's spool $d (set spool.dir under \$WORK or spool.enabled: false)" >&2
			rm -rf "$d"
			ok=1
		done
	done
	return $ok
}

cleanup() {
	local rc=$?
	for pid in "${CLEANUP_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	"$KAFKA_SH" stop "$KAFKA_DIR" || true
	host_spool_untouched || { ((rc != 0 && rc != 77)) || rc=1; }
	if ((rc != 0 && rc != 77)); then
		echo "--- kept $WORK for inspection (broker log: $KAFKA_DIR/broker.log)" >&2
	else
		rm -rf "$WORK"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Start a broker (fetching Kafka on first use); sets KAFKA_PORT and BROKERS.
kafka_up() {
	"$KAFKA_SH" fetch >/dev/null 2>"$WORK/fetch.log" ||
		skip "could not fetch Kafka with Maven (offline?): $(tail -n 3 "$WORK/fetch.log")"
	KAFKA_PORT=$("$KAFKA_SH" start "$KAFKA_DIR" "${1:-}")
	BROKERS=127.0.0.1:$KAFKA_PORT
	echo "broker up on $BROKERS"
}

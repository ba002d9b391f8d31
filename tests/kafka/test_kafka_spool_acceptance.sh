#!/usr/bin/env bash
# Issue 9's acceptance, at full length, three scenarios sharing one outage:
# one broker, SIGKILLed at KILL_AT (10 s) and restarted at BACK_AT (70 s),
# and three `ringtap replay` runs fed 10k events/s each for DURATION (90 s),
# each with its own topics (prefix) and spool directory:
#   outage   every event is in its topics exactly once (or counted as re-sent),
#            per-key order holds, RSS sampled every 0.5 s stays under
#            128 MiB, the spool is empty at the end;
#   restart  the same, but ringtap is SIGKILLed at RT_KILL_AT (40 s) and
#            started again at RT_BACK_AT (50 s) on the same spool (the stream
#            goes on after the last line written to the killed one): every
#            event the killed ringtap had read is delivered, duplicates only
#            up to the records counted as possibly re-sent;
#   full     spool.max_bytes 10MiB: the events missing from the topics are
#            exactly spool_full_drops, and Drop records with reason
#            spool_full in the sensor topic count them.
# The drain (records, time from the broker's restart) is reported.
source "$(dirname "$0")/lib.sh"
RATE=${RATE:-10000}
DURATION=${DURATION:-90}
KILL_AT=${KILL_AT:-10}
BACK_AT=${BACK_AT:-70}
RT_KILL_AT=${RT_KILL_AT:-40}
RT_BACK_AT=${RT_BACK_AT:-50}
RSS_LIMIT_KB=$((128 * 1024))
N=$((RATE * DURATION))

kafka_up
python3 "$KAFKA_TESTS/gen_events.py" $N >"$WORK/events.ndjson"

# config PREFIX [EXTRA SPOOL YAML]
config() {
	cat >"$WORK/$1.yaml" <<YAML
flush_timeout_ms: 180000
sinks:
  - type: kafka
    brokers: $BROKERS
    topic_process: $1.process
    topic_file: $1.file
    topic_network: $1.network
    topic_sensor: $1.sensor
    spool:
      dir: $WORK/spool-$1
${2:-}
YAML
}
config outage
config restart
config full "      max_bytes: 10MiB"

# replay NAME STDERR [gen_events.py options]: paced events into ringtap; PID in REPLAY_PID.
replay() {
	local name=$1 err=$2
	shift 2
	python3 "$KAFKA_TESTS/gen_events.py" $N --rate $RATE --lines "$WORK/events.ndjson" "$@" 2>/dev/null |
		"$RINGTAP" replay - --config "$WORK/$name.yaml" 2>"$err" &
	REPLAY_PID=$!
	CLEANUP_PIDS+=("$REPLAY_PID")
}

# rss PID FILE: VmRSS every 0.5 s while PID runs.
rss() {
	(while [ -r /proc/$1/status ]; do
		awk '/^VmRSS:/ { print $2 }' /proc/$1/status 2>/dev/null
		sleep 0.5
	done) >"$2" &
	CLEANUP_PIDS+=("$!")
}

t0=$(date +%s%N)
at() { # sleep until $1 s after t0
	local left=$(( t0 + $1 * 1000000000 - $(date +%s%N) ))
	((left <= 0)) || sleep "$(printf '%d.%09d' $((left / 1000000000)) $((left % 1000000000)))"
}

replay outage "$WORK/outage.stderr"
OUTAGE=$REPLAY_PID
rss $OUTAGE "$WORK/outage.rss"
replay restart "$WORK/restart1.stderr" --progress "$WORK/progress1"
RUN1=$REPLAY_PID
replay full "$WORK/full.stderr"
FULL=$REPLAY_PID
rss $FULL "$WORK/full.rss"

at "$KILL_AT"
for pid in $OUTAGE $RUN1 $FULL; do
	kill -0 $pid 2>/dev/null || die "a replay ended before the outage: $(tail -n 3 "$WORK"/*.stderr)"
done
echo "killing the broker (SIGKILL) at $(date +%T) (t+${KILL_AT}s)"
"$KAFKA_SH" kill "$KAFKA_DIR"

at "$RT_KILL_AT"
kill -0 $RUN1 2>/dev/null || die "ringtap (restart) ended before it was killed: $(tail -n 5 "$WORK/restart1.stderr")"
echo "killing ringtap (restart scenario, SIGKILL) at $(date +%T) (t+${RT_KILL_AT}s)"
kill -KILL $RUN1
wait $RUN1 2>/dev/null || true
sleep 0.5
last=$(tr -d ' \n' <"$WORK/progress1")
echo "the killed ringtap was given events 1..$last (the last ones perhaps not read yet);" \
	"spool left behind: $(du -sh "$WORK/spool-restart" | cut -f1)"

at "$RT_BACK_AT"
echo "starting ringtap again on the same spool at $(date +%T) (t+${RT_BACK_AT}s)"
replay restart "$WORK/restart2.stderr" --from $((last + 1))
RUN2=$REPLAY_PID
rss $RUN2 "$WORK/restart2.rss"

at "$BACK_AT"
for pid in $OUTAGE $RUN2 $FULL; do
	kill -0 $pid 2>/dev/null || die "a replay ended during the outage: $(tail -n 3 "$WORK"/*.stderr)"
done
echo "spools at the end of the outage: outage $(du -sh "$WORK/spool-outage" | cut -f1)," \
	"restart $(du -sh "$WORK/spool-restart" | cut -f1), full $(du -sh --apparent-size "$WORK/spool-full" | cut -f1)"
echo "restarting the broker on port $KAFKA_PORT at $(date +%T) (t+${BACK_AT}s)"
"$KAFKA_SH" start "$KAFKA_DIR" "$KAFKA_PORT" >/dev/null
t_back=$(date +%s%N)

rc_outage=0 rc_restart=0 rc_full=0
wait $OUTAGE || rc_outage=$?
t_end=$(date +%s%N)
wait $RUN2 || rc_restart=$?
wait $FULL || rc_full=$?
summary() { grep -v '^%' "$1" | grep -v '^ringtap: kafka: [A-Z_]*:' | tail -n "${2:-3}"; }
echo "--- outage:"; summary "$WORK/outage.stderr"
echo "--- restart (second run):"; summary "$WORK/restart2.stderr" 4
echo "--- full:"; summary "$WORK/full.stderr"

fails=0
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
((rc_outage == 0)) || bad "outage: ringtap replay exited with $rc_outage"
((rc_restart == 0)) || bad "restart: the restarted ringtap exited with $rc_restart"
((rc_full == 1)) || bad "full: ringtap replay exited with $rc_full, want 1 (events dropped)"

for f in outage full restart2; do
	max_rss=$(sort -n "$WORK/$f.rss" | tail -n 1)
	echo "RSS ($f): $(wc -l <"$WORK/$f.rss") samples, max ${max_rss} KiB (limit $RSS_LIMIT_KB KiB)"
	[ -n "$max_rss" ] && [ "$max_rss" -lt $RSS_LIMIT_KB ] || bad "$f: RSS reached ${max_rss} KiB"
done

field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$2"; }
spooled=$(field spooled "$WORK/outage.stderr")
drained=$(field drained "$WORK/outage.stderr")
[ "${spooled:-0}" -gt $((RATE * (BACK_AT - KILL_AT) / 2)) ] ||
	bad "outage: only ${spooled:-0} events waited on disk: the outage did not test the spool"
echo "drain: $drained records in $(( (t_end - t_back) / 1000000 )) ms from the broker's restart to" \
	"the end of the outage replay (~$(( drained * 1000 / ((t_end - t_back) / 1000000 + 1) )) records/s," \
	"live events and two other replays' drains included)"
for d in outage restart; do
	segs=$(ls "$WORK/spool-$d"/*/seg-*.log 2>/dev/null | wc -l)
	[ "$segs" -le 1 ] || bad "$d: the spool still has $segs segments"
done
grep -q 'undelivered records from a previous run' "$WORK/restart2.stderr" ||
	bad "restart: the restarted ringtap did not say it found the spool"
recovered=$(field recovered "$WORK/restart2.stderr")
[ "${recovered:-0}" -gt $((RATE * 5)) ] || bad "restart: only ${recovered:-0} records recovered from the spool"
grep -q 'spool.max_bytes reached' "$WORK/full.stderr" || bad "full: the full spool was not reported"

# The three checks read 3 x N events back: in parallel.
gap_from=$((last > 1000 ? last - 1000 : 1))
RINGTAP_TOPIC_PREFIX=outage python3 "$KAFKA_TESTS/check_topics.py" "$BROKERS" $N "$WORK/outage.stderr" \
	--outage >"$WORK/check.outage" 2>&1 &
c1=$!
RINGTAP_TOPIC_PREFIX=restart python3 "$KAFKA_TESTS/check_topics.py" "$BROKERS" $N "$WORK/restart2.stderr" \
	--outage --gap $gap_from $last >"$WORK/check.restart" 2>&1 &
c2=$!
RINGTAP_TOPIC_PREFIX=full python3 "$KAFKA_TESTS/check_topics.py" "$BROKERS" $N "$WORK/full.stderr" \
	--spool-full >"$WORK/check.full" 2>&1 &
c3=$!
for c in "outage $c1" "restart $c2" "full $c3"; do
	set -- $c
	rc=0
	wait "$2" || rc=$?
	echo "--- check_topics ($1):"
	cat "$WORK/check.$1"
	((rc == 0)) || bad "$1: check_topics failed"
done
((fails == 0)) || die "$fails failure(s)"
echo "PASS"

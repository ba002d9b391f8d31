#!/usr/bin/env bash
# Issue 9: a torn write or a corrupt tail is found by the checksums at start,
# cut (and counted, naming the file and offset), and the rest is delivered.
# Run 1 spools 5,000 events for a broker that is not up yet and stops; then
# the last segment gets garbage where its next record would go (a torn
# write) and 4 KiB appended past its end; run 2, with the broker up, must
# cut both and deliver all 5,000.
source "$(dirname "$0")/lib.sh"
N=5000
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$KAFKA_TESTS/gen_events.py" $N >"$WORK/events.ndjson"
cat >"$WORK/ringtap.yaml" <<YAML
flush_timeout_ms: 1000
sinks:
  - type: kafka
    brokers: 127.0.0.1:$port
    spool:
      dir: $WORK/spool
YAML
rc=0
"$RINGTAP" replay "$WORK/events.ndjson" --config "$WORK/ringtap.yaml" 2>"$WORK/run1.stderr" || rc=$?
grep -o 'kafka: events=.*' "$WORK/run1.stderr"
((rc == 1)) || die "run 1 exited with $rc, want 1 (nothing delivered)"
grep -q " pending=$N " "$WORK/run1.stderr" || die "run 1 did not keep its $N events in the spool"
seg=$(ls "$WORK"/spool/*/seg-*.log | tail -n 1)
python3 - "$seg" <<'PY'
import os, sys
path = sys.argv[1]
data = open(path, "rb").read()
end = len(data.rstrip(b"\0"))
end = (end + 7) & ~7  # records are 8-byte aligned: the next one would start here
with open(path, "r+b") as f:
    f.seek(end)
    f.write(b"\x37\x00\x00\x00" + os.urandom(96))  # a length, then no valid checksum
with open(path, "ab") as f:
    f.write(os.urandom(4096))
print(f"{path}: garbage at offset {end} (100 bytes) and past the end (4096 bytes)")
PY
kafka_up "$port"
sed -i 's/flush_timeout_ms: 1000/flush_timeout_ms: 60000/' "$WORK/ringtap.yaml"
rc=0
"$RINGTAP" replay /dev/null --config "$WORK/ringtap.yaml" 2>"$WORK/run2.stderr" || rc=$?
grep 'kafka spool' "$WORK/run2.stderr" || true
grep -o 'kafka: events=.*' "$WORK/run2.stderr"
((rc == 0)) || die "run 2 exited with $rc"
name=$(basename "$seg")
grep -q "$name: a bad checksum at offset [0-9]*; cut 100 bytes" "$WORK/run2.stderr" ||
	die "the torn write was not reported with its file and offset"
grep -q "$name: 4096 bytes past the segment's end" "$WORK/run2.stderr" ||
	die "the garbage past the end was not reported"
grep -q " recovered=$N .* cut_bytes=4196 " "$WORK/run2.stderr" || die "want recovered=$N cut_bytes=4196"
python3 "$KAFKA_TESTS/check_topics.py" "$BROKERS" $N "$WORK/run2.stderr"
echo "PASS"

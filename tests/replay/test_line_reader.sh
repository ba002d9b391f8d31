#!/usr/bin/env bash
# The replay line reader (read(2) chunks, lines handed out in place): lines
# of every length across chunk boundaries, lines far longer than a chunk,
# CRLF endings, blank lines and a last line without '\n' all come out as
# the canonical lines that went in, from a file and from stdin, and the
# FILE:LINE of a bad line after them is still exact.
set -u
: "${RINGTAP:?}" "${RINGTAP_SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# Canonical lines (replay -> ndjson reproduces them byte for byte): an open
# event whose path length walks through 1..3000 bytes and past 64 KiB, 300 KiB
# and 1000000 bytes (near the 1 MiB line limit).
python3 - "$RINGTAP_SRC/tests/replay/cases/all_bodies.expected.ndjson" >"$tmp/want.ndjson" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1]) if '"open":' in l]
tmpl = lines[0].rstrip("\n")
ev = json.loads(tmpl)
out = []
for n in list(range(1, 3001, 7)) + [65536, 65537, 300000, 1000000]:
    ev["open"]["path"] = "/" + "p" * (n - 1)
    out.append(json.dumps(ev, separators=(",", ":"), ensure_ascii=False))
sys.stdout.write("\n".join(out) + "\n")
PY
n=$(wc -l <"$tmp/want.ndjson")

"$RINGTAP" replay "$tmp/want.ndjson" --sink "ndjson:$tmp/out1" 2>"$tmp/err1"
if cmp -s "$tmp/want.ndjson" "$tmp/out1"; then ok "file: $n lines of every length"; else bad "file: output differs"; head -c 300 "$tmp/err1"; fi

"$RINGTAP" replay - --sink "ndjson:$tmp/out2" <"$tmp/want.ndjson" 2>"$tmp/err2"
if cmp -s "$tmp/want.ndjson" "$tmp/out2"; then ok "stdin"; else bad "stdin: output differs"; fi

cat "$tmp/want.ndjson" | "$RINGTAP" replay - --sink "ndjson:$tmp/out3" 2>"$tmp/err3"
if cmp -s "$tmp/want.ndjson" "$tmp/out3"; then ok "pipe"; else bad "pipe: output differs"; fi

# CRLF, blank lines, no '\n' after the last line
{ sed 's/$/\r/' "$tmp/want.ndjson" | head -c -1; echo; echo; } >"$tmp/crlf.ndjson"
printf '\n' >>"$tmp/crlf.ndjson"
head -c -1 "$tmp/want.ndjson" >"$tmp/nonl.ndjson"
"$RINGTAP" replay "$tmp/crlf.ndjson" --sink "ndjson:$tmp/out4" 2>/dev/null
"$RINGTAP" replay "$tmp/nonl.ndjson" --sink "ndjson:$tmp/out5" 2>/dev/null
if cmp -s "$tmp/want.ndjson" "$tmp/out4" && cmp -s "$tmp/want.ndjson" "$tmp/out5"; then
	ok "CRLF, blank lines, no final newline"
else
	bad "CRLF / no final newline: output differs"
fi

# Every alignment of a line end against the reader's chunk boundaries: ~70
# KiB of one canonical line, shifted by 0..len blank lines in front (files:
# their reads split at the same offsets every time).
grep -m1 '"exit":' "$RINGTAP_SRC/tests/replay/cases/all_bodies.expected.ndjson" >"$tmp/one"
len=$(wc -c <"$tmp/one")
for _ in $(seq $((72000 / len))); do cat "$tmp/one"; done >"$tmp/short.ndjson"
shifted_ok=1
for k in $(seq 0 "$len"); do
	{ head -c "$k" /dev/zero | tr '\0' '\n'; cat "$tmp/short.ndjson"; } >"$tmp/shifted.ndjson"
	"$RINGTAP" replay "$tmp/shifted.ndjson" --sink "ndjson:$tmp/out7" 2>/dev/null
	cmp -s "$tmp/short.ndjson" "$tmp/out7" || { shifted_ok=0; echo "  shifted by $k: output differs"; break; }
done
if [ $shifted_ok = 1 ]; then ok "line ends at every offset of a chunk boundary ($((len + 1)) shifts)"; else bad "chunk boundaries"; fi

# A bad line after all that: its number is exact, the lines before delivered.
{ cat "$tmp/want.ndjson"; echo; echo '{"header":{"pid":1,"pid":2},"exit":{}}'; } >"$tmp/bad.ndjson"
"$RINGTAP" replay "$tmp/bad.ndjson" --sink "ndjson:$tmp/out6" 2>"$tmp/err6"; rc=$?
if [ $rc = 1 ] && cmp -s "$tmp/want.ndjson" "$tmp/out6" &&
   grep -q "bad.ndjson:$((n + 2)): duplicate field 'header.pid'" "$tmp/err6"; then
	ok "bad line $((n + 2)) named after long lines"
else
	bad "bad line: rc=$rc"; head -c 300 "$tmp/err6"
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]

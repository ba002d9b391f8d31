#!/usr/bin/env bash
# OCSF output (`--format ocsf`): each ocsf_cases/NAME.input.ndjson, replayed
# through the real pipeline, must
#  - equal NAME.expected.ocsf.ndjson byte for byte (the golden file pins the
#    mapping: class, activity, type_uid, every attribute; docs/ocsf.md), and
#  - validate against the OCSF 1.8.0 schema repository in ../shared/ocsf-schema
#    (compiled by ocsf-lib, per-class JSON Schemas by ocsf-json-schema,
#    checked by jsonschema: tests/support/ocsf_validate.py).
# Also: the format reaches a file sink given by --sink and by the config's
# `format:`, and a bad format is refused with where and why.
set -u
: "${RINGTAP:?RINGTAP must point at the ringtap binary}"
: "${RINGTAP_SRC:?}" "${RINGTAP_BUILD:?}"
schema="$RINGTAP_SRC/../shared/ocsf-schema"
validate="$RINGTAP_SRC/tests/support/ocsf_validate.py"
cache="$RINGTAP_BUILD/ocsf"
[ -f "$schema/dictionary.json" ] || { echo "FAIL: no OCSF schema at $schema (the OCSF 1.8.0 repository, tag v1.8.0)"; exit 1; }
python3 -c 'import ocsf.compile, ocsf_json_schema, jsonschema' ||
  { echo "FAIL: ocsf-lib, ocsf-json-schema, jsonschema missing: run scripts/install-deps.sh test"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
cd "$RINGTAP_SRC/tests/replay/ocsf_cases"

for input in *.input.ndjson; do
  name=${input%.input.ndjson}
  "$RINGTAP" replay "$input" --format ocsf >"$tmp/$name.ocsf" 2>"$tmp/err" || { echo "FAIL $name: replay exit $?"; cat "$tmp/err"; fail=1; }
  n_in=$(wc -l <"$input"); n_out=$(wc -l <"$tmp/$name.ocsf")
  [ "$n_in" = "$n_out" ] || { echo "FAIL $name: $n_in events in, $n_out OCSF lines out"; fail=1; }
  if ! cmp -s "$tmp/$name.ocsf" "$name.expected.ocsf.ndjson"; then
    echo "FAIL $name: differs from $name.expected.ocsf.ndjson:"; diff "$name.expected.ocsf.ndjson" "$tmp/$name.ocsf" | head -6; fail=1
  fi
  python3 "$validate" --repo "$schema" --cache "$cache" "$tmp/$name.ocsf" || { echo "FAIL $name: not valid OCSF 1.8.0"; fail=1; }
  # The golden file itself must be valid (so it cannot pin a wrong mapping).
  python3 "$validate" --repo "$schema" --cache "$cache" "$name.expected.ocsf.ndjson" >/dev/null ||
    { echo "FAIL $name: the golden file is not valid OCSF"; fail=1; }
done

# What a SIEM keys on, independent of the golden: each ringtap body's class
# (docs/ocsf.md), and process.uid = the header's entity id (its parent's
# likewise) so OCSF and ringtap JSON records of one process join.
python3 - new_types.input.ndjson "$tmp/new_types.ocsf" <<'PY' || fail=1
import json, sys
classes = {"cred": 1007, "ptrace": 1007, "signal": 1007, "namespace": 1007, "dup": 1007,
           "memfd": 1001, "mount": 1001, "module": 1002, "bpf": 1003, "io_uring": 0,
           "dns": 4003, "tcp_established": 4001, "tcp_close": 4001}
seen, bad = set(), 0
for n, (i, o) in enumerate(zip(open(sys.argv[1]), open(sys.argv[2])), 1):
    ev, oc = json.loads(i), json.loads(o)
    body = next(k for k in ev if k != "header")
    seen.add(body)
    h, p = ev["header"], oc["actor"]["process"]
    if oc["class_uid"] != classes[body]:
        print(f"FAIL line {n}: {body} is class {oc['class_uid']}, want {classes[body]}"); bad = 1
    if h.get("entity_id") and p["uid"] != h["entity_id"]:
        print(f"FAIL line {n}: actor.process.uid {p['uid']}, want entity_id {h['entity_id']}"); bad = 1
    if h.get("parent_entity_id") and p.get("parent_process", {}).get("uid") != h["parent_entity_id"]:
        print(f"FAIL line {n}: parent_process.uid is not parent_entity_id"); bad = 1
if seen != set(classes):
    print("FAIL: new_types.input.ndjson lacks", set(classes) - seen); bad = 1
sys.exit(bad)
PY

# The validator refuses what is not OCSF (so a pass above means something).
sed 's/"activity_id":1,/"activity_id":42,/' every_type.expected.ocsf.ndjson | head -1 >"$tmp/bad.ocsf"
python3 "$validate" --repo "$schema" --cache "$cache" "$tmp/bad.ocsf" >"$tmp/bad.out" &&
  { echo "FAIL: the validator accepted activity_id 42"; fail=1; }
grep -q 'activity_id: 42 is not one of' "$tmp/bad.out" || { echo "FAIL: validator message:"; cat "$tmp/bad.out"; fail=1; }

# --format reaches an ndjson file sink; the config's format: does too.
"$RINGTAP" replay every_type.input.ndjson --sink "ndjson:$tmp/file.ocsf" --format ocsf 2>/dev/null &&
  cmp -s "$tmp/file.ocsf" every_type.expected.ocsf.ndjson || { echo "FAIL: --sink ndjson:FILE --format ocsf"; fail=1; }
printf 'sinks:\n  - type: ndjson\n    path: %s\n    format: ocsf\n' "$tmp/cfg.ocsf" >"$tmp/cfg.yaml"
"$RINGTAP" replay every_type.input.ndjson --config "$tmp/cfg.yaml" 2>"$tmp/err" &&
  cmp -s "$tmp/cfg.ocsf" every_type.expected.ocsf.ndjson || { echo "FAIL: config format: ocsf"; cat "$tmp/err"; fail=1; }
# --format json is ringtap's own JSON, byte for byte what replay reads.
"$RINGTAP" replay every_type.input.ndjson --format json 2>/dev/null | cmp -s - every_type.input.ndjson ||
  { echo "FAIL: --format json is not ringtap JSON"; fail=1; }

# Bad formats: usage error on the command line, FILE:LINE:COL in the config.
"$RINGTAP" replay every_type.input.ndjson --format xml >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "format wants json or ocsf, got 'xml'" "$tmp/err" || { echo "FAIL: --format xml: exit $rc"; cat "$tmp/err"; fail=1; }
printf 'sinks:\n  - type: ndjson\n    path: %s\n    format: cef\n' "$tmp/x" >"$tmp/bad.yaml"
"$RINGTAP" check --kind config "$tmp/bad.yaml" >"$tmp/err" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "bad.yaml:4:[0-9]*: option 'format' wants json or ocsf, got 'cef'" "$tmp/err" ||
  { echo "FAIL: config format: cef: exit $rc"; cat "$tmp/err"; fail=1; }
"$RINGTAP" replay every_type.input.ndjson --sink null --format ocsf >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "no options" "$tmp/err" || { echo "FAIL: a sink without formats took --format: exit $rc"; cat "$tmp/err"; fail=1; }

[ $fail = 0 ] && echo "ok: OCSF golden and schema validation"
exit $fail

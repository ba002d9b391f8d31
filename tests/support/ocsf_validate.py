#!/usr/bin/env python3
"""Validate NDJSON OCSF events against the OCSF 1.8.0 schema repository.

ocsf-lib (PyPI) compiles the repository into one schema JSON, ocsf-json-schema
turns that into a JSON Schema per class (with the event's metadata.profiles),
jsonschema validates each line (Draft 2020-12: every required attribute, every
enum value, no attribute the class does not define).

Usage: ocsf_validate.py --repo DIR --cache DIR FILE...
Prints FILE:LINE: class: path: message for each problem; exit 0 when every
line of every file is valid, 1 when one is not, 2 when the tools are missing.

Two differences between ocsf-lib 0.10.4's output and what ocsf-json-schema
reads are bridged here (both checked against the 1.8.0 schema that
ocsf-json-schema ships ready-made: the same required attributes, properties
and constraints for the classes ringtap emits):
- unset keys come out as JSON null: they are dropped;
- attributes typed by an object name get type object_t + object_type;
- an object's at_least_one constraint is the one its own file (or its
  nearest ancestor's) declares: ocsf-lib hands down _entity's {name, uid}
  over endpoint's own list, which would refuse a network endpoint with an ip.
"""
import argparse
import glob
import json
import os
import subprocess
import sys

try:
    import jsonschema
    from ocsf_json_schema import OcsfJsonSchemaEmbedded
except ImportError as e:  # pragma: no cover
    print(f"ocsf_validate: {e} (scripts/install-deps.sh test installs it)", file=sys.stderr)
    sys.exit(2)


def strip_nulls(o):
    if isinstance(o, dict):
        return {k: strip_nulls(v) for k, v in o.items() if v is not None}
    if isinstance(o, list):
        return [strip_nulls(v) for v in o]
    return o


def bridge(schema, repo):
    objects = set(schema["objects"])

    def fix(attrs):
        for a in attrs.values():
            if a.get("type") in objects:
                a["object_type"] = a["type"]
                a["type"] = "object_t"

    for c in schema["classes"].values():
        fix(c.get("attributes", {}))
    for o in schema["objects"].values():
        fix(o.get("attributes", {}))
    src = {}
    for f in glob.glob(os.path.join(repo, "objects", "*.json")):
        with open(f) as fh:
            j = json.load(fh)
        src[j.get("name")] = j
    for name, o in schema["objects"].items():
        n = name
        while n in src:
            if "constraints" in src[n]:
                o["constraints"] = src[n]["constraints"]
                break
            n = src[n].get("extends")
    return schema


def load_schema(repo, cache):
    path = os.path.join(cache, "ocsf-1.8.0-compiled.json")
    if not os.path.exists(path):
        os.makedirs(cache, exist_ok=True)
        out = subprocess.run([sys.executable, "-m", "ocsf.compile", repo],
                             check=True, capture_output=True, text=True).stdout
        schema = bridge(strip_nulls(json.loads(out)), repo)
        tmp = path + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(schema, fh)
        os.replace(tmp, path)
    with open(path) as fh:
        return json.load(fh)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    schema = load_schema(a.repo, a.cache)
    if schema.get("version") != "1.8.0":
        print(f"ocsf_validate: {a.repo} is OCSF {schema.get('version')}, not 1.8.0", file=sys.stderr)
        return 1
    ocsf = OcsfJsonSchemaEmbedded(schema)
    validators = {}
    bad = lines = 0
    for fname in a.files:
        with open(fname, encoding="utf-8") as fh:
            for no, line in enumerate(fh, 1):
                lines += 1
                where = f"{fname}:{no}"
                try:
                    ev = json.loads(line)
                    cls = ocsf.lookup_class_name_from_uid(ev.get("class_uid"))
                except (ValueError, TypeError) as e:
                    print(f"{where}: {e}")
                    bad += 1
                    continue
                profiles = tuple(sorted(ev.get("metadata", {}).get("profiles", [])))
                key = (cls, profiles)
                if key not in validators:
                    js = ocsf.get_class_schema(cls, list(profiles))
                    validators[key] = jsonschema.Draft202012Validator(js)
                errs = sorted(validators[key].iter_errors(ev), key=lambda e: list(e.absolute_path))
                for e in errs:
                    p = "/".join(str(x) for x in e.absolute_path) or "(event)"
                    print(f"{where}: {cls}: {p}: {e.message[:300]}")
                bad += bool(errs)
    print(f"ocsf_validate: {lines - bad} of {lines} events valid")
    return 1 if bad or not lines else 0


if __name__ == "__main__":
    sys.exit(main())

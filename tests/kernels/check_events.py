#!/usr/bin/env python3
"""Checks one kernel-matrix leg's output (tests/kernels/scenario.sh's OUTDIR).

Usage: check_events.py OUTDIR LEG [--json FILE]
Prints one line per expected event type (ok/MISSING), then one summary line
`LEG: loaded yes|no, load N ms, events M/T matched, dropped D, disabled: ...`
and exits 0 only when the probes loaded, every expectation matched and the
kernel dropped nothing. --json appends the leg's result as one JSON line.

EXPECT is the scenario's contract: one entry per event type, a predicate over
(event body, header, steps). A new event type adds a step to scenario.sh and
an entry here.
"""
import json
import os
import re
import sys


def under(path, steps):
    return path.startswith(steps["work"]) or not path.startswith("/")


def said(s, step, key):
    """What step NAME printed as "KEY VALUE" (step-NAME.out), an int if it is one."""
    v = s["said"][step][key]
    try:
        return int(v)
    except ValueError:
        return v


CLONE_NEWNS, PTRACE_ATTACH, SIGCONT = 0x20000, 16, 18  # the same on x86_64 and arm64

EXPECT = {
    # prog_actor: exec, open, connect, fork, child exit 7, exit 3
    "exec": lambda b, h, s: h["pid"] == s["actor"] and b["filename"].endswith("/prog_actor")
    and b["argv"][-1] == "kernels-matrix" and b["ret"] == 0,
    "open": lambda b, h, s: h["pid"] == s["actor"] and b["path"] == s["work"] + "/actor.txt"
    and b["ret"] >= 0,
    "connect": lambda b, h, s: h["pid"] == s["actor"] and b["dst"]["port"] == 7777 and b["ret"] == 0,
    "fork": lambda b, h, s: h["pid"] == s["actor"] and b["child_pid"] > 0,
    "exit": lambda b, h, s: h["pid"] == s["actor"] and b["code"] == 3,
    # busybox nc -l: the accepted connection from prog_actor
    "accept": lambda b, h, s: h["pid"] == s["listener"] and b["local"]["port"] == 7777 and b["ret"] >= 0,
    # prog_file_events: every file-event family
    "unlink": lambda b, h, s: h["pid"] == s["files"] and under(b["path"], s),
    "rename": lambda b, h, s: h["pid"] == s["files"],
    "chmod": lambda b, h, s: h["pid"] == s["files"],
    "chown": lambda b, h, s: h["pid"] == s["files"],
    "link": lambda b, h, s: h["pid"] == s["files"],
    "mknod": lambda b, h, s: h["pid"] == s["files"],
    # prog_proc_events: one of each call; results as the program saw them
    "cred": lambda b, h, s: h["pid"] == s["proc"] and b["syscall"] == "setgid" and b["requested"] == [4242]
    and b["ret"] == 0 and b["gid"] == 4242 and b["uid"] == 0,
    "ptrace": lambda b, h, s: h["pid"] == s["proc"] and b["syscall"] == "ptrace"
    and b["request"] == PTRACE_ATTACH and b["target_pid"] == said(s, "proc", "child") and b["ret"] == 0,
    "memfd": lambda b, h, s: h["pid"] == s["proc"] and b["name"] == "ringtap-memfd"
    and b["ret"] == said(s, "proc", "memfd_create") >= 0,
    # init_module of a junk image fails (-ENOSYS without CONFIG_MODULES, else
    # -ENOEXEC/-EPERM...): the record carries the same -errno the caller got
    "module": lambda b, h, s: h["pid"] == s["proc"] and b["syscall"] == "init_module"
    and b["params"] == "debug=1" and b["ret"] == said(s, "proc", "init_module") < 0,
    "mount": lambda b, h, s: h["pid"] == s["proc"] and b["syscall"] == "mount" and b["fstype"] == "tmpfs"
    and b["source"] == "ringtap-tmp" and b["target"] == s["work"] + "/proc/mnt" and b["ret"] == 0,
    "namespace": lambda b, h, s: h["pid"] == s["proc"] and b["syscall"] == "unshare"
    and b["flags"] == CLONE_NEWNS and b["ret"] == 0,
    # dup2 (dup3 on arm64, which has no dup2) of a TCP socket onto stdin
    "dup": lambda b, h, s: h["pid"] == s["proc"] and b["syscall"] in ("dup2", "dup3") and b["flags"] == 0
    and b["newfd"] == 0 and b["protocol"] == "tcp" and b["ret"] == 0,
    "signal": lambda b, h, s: h["pid"] == s["proc"] and b["syscall"] == "kill" and b["signal"] == SIGCONT
    and b["target_pid"] == said(s, "proc", "child") and b["ret"] == 0,
    "bpf": lambda b, h, s: h["pid"] == s["proc"] and b["cmd"] == "map_create" and b["name"] == "rt_test_map"
    and b["ret"] == said(s, "proc", "bpf_map_create") >= 0,
    # prog_io_uring: an openat submitted through the ring (io_uring tracepoint)
    "io_uring": lambda b, h, s: h["pid"] == s["uring"] and b["kind"] == "submit" and b["op"] == "openat"
    and b["path"] == s["work"] + "/uring.txt",
    # prog_net_events: the answer from its own responder on 127.0.0.1:53
    "dns": lambda b, h, s: h["pid"] == s["net"] and b["direction"] == "ingress" and b["response"]
    and b["id"] == said(s, "net", "dns_id") and b["server"] == {"addr": "127.0.0.1", "port": 53}
    and b["questions"] == [{"name": "kernels.test.", "type": "A", "class": "IN"}]
    and [(a["type"], a["data"]) for a in b["answers"]] == [("A", said(s, "net", "dns_answer"))],
    "tcp_established": lambda b, h, s: h["pid"] == s["net"] and b["direction"] == "connected"
    and b["remote"] == {"addr": "127.0.0.1", "port": said(s, "net", "tcp_port")},
    "tcp_close": lambda b, h, s: h["pid"] == s["net"] and b["direction"] == "connected"
    and b["remote"]["port"] == said(s, "net", "tcp_port") and b["bytes_sent"] == 1000 and b["reason"] == "fin",
    "bind": lambda b, h, s: h["pid"] == s["net"] and b["protocol"] == "udp"
    and b["addr"] == {"addr": "127.0.0.1", "port": 53} and b["ret"] == 0,
    "listen": lambda b, h, s: h["pid"] == s["net"] and b["backlog"] == 7
    and b["addr"] == {"addr": "127.0.0.1", "port": said(s, "net", "tcp_port")} and b["ret"] == 0,
    "socket": lambda b, h, s: h["pid"] == s["net"] and (b["family"], b["type"], b["protocol"]) == ("inet", "raw", 1)
    and b["ret"] == said(s, "net", "raw_fd"),
    "unix_socket": lambda b, h, s: h["pid"] == s["net"] and b["op"] == "connect"
    and b["path"] == said(s, "net", "unix_path") and b["peer_pid"] == s["net"] and b["ret"] == 0,
}


# Checks beyond one event per type: (applies(steps), predicate) over the
# same events; a check that applies must match one event.
EXPECT_ALSO = {
    # the completion of prog_io_uring's failing openat, with the ring's -ENOENT
    # (the completion tracepoint's prototype differs between 6.1/6.12 and 6.18)
    "io_uring complete": (lambda s: "uring" in s, lambda ev, h, s: "io_uring" in ev
                          and h["pid"] == s["uring"] and ev["io_uring"]["kind"] == "complete"
                          and ev["io_uring"]["op"] == "openat"
                          and ev["io_uring"]["ret"] == said(s, "uring", "openat_missing") < 0),
    # a multishot accept's completions come without the request (auxiliary CQEs)
    "io_uring multishot": (lambda s: "uring" in s, lambda ev, h, s: "io_uring" in ev
                           and h["pid"] == s["uring"] and ev["io_uring"]["kind"] == "complete"
                           and ev["io_uring"]["op"] == "accept" and ev["io_uring"]["flags"] & 2
                           and ev["io_uring"]["ret"] == said(s, "uring", "accept_multi2") >= 0),
    # the VM legs' real module (scenario.sh's module step): the file name as
    # given, the kernel's own name for it, both calls' results
    "module_load name": (lambda s: "module" in s, lambda ev, h, s: "module" in ev
                         and h["pid"] == s["module"] and ev["module"]["syscall"] == "finit_module"
                         and ev["module"]["name"] == "ringtap-test.ko"
                         and ev["module"]["module_name"] == s["module_name"]
                         and ev["module"]["ret"] == said(s, "module", "finit_module") == 0),
    "delete_module": (lambda s: "module" in s, lambda ev, h, s: "module" in ev
                      and h["pid"] == s["module"] and ev["module"]["syscall"] == "delete_module"
                      and ev["module"]["name"] == s["module_name"]
                      and ev["module"]["ret"] == said(s, "module", "delete_module") == 0),
}


def ocsf_module_load(out, s):
    """The module load as OCSF (the scenario's second sink): Kernel Extension
    Activity, Load, with the kernel's module name. None when it is there."""
    for name in ("module.ocsf.ndjson", "events.ocsf.ndjson"):
        path = os.path.join(out, name)
        if os.path.exists(path):
            break
    else:
        return "no OCSF output"
    for line in open(path):
        e = json.loads(line)
        if (e.get("class_uid"), e.get("activity_id"), e.get("type_uid")) == (1002, 1, 100201) \
                and e["actor"]["process"]["pid"] == s["module"] and e.get("status_id") == 1 \
                and e["unmapped"]["module"]["module_name"] == s["module_name"] \
                and s["module_name"] in e.get("message", "") and e["driver"]["file"]["name"] == "ringtap-test.ko":
            return None
    return "no OCSF Kernel Extension Activity (1002) Load of module %s" % s["module_name"]


# Optional kernel features ringtap must find missing (and only those) on a
# kernel of the leg's version: the feature probes are checked both ways.
EXPECT_DISABLED = {
    "exit-group-dead": lambda version: version <= (6, 12),  # present on 6.18
    # io_uring_submit_req, or io_uring_submit_sqe on 6.1: every leg has one
    "io-uring-submit": lambda version: False,
    # io_uring_complete: (ctx, req, user_data, res, ...) on 6.1/6.12, (ctx, req, cqe) on 6.18
    "io-uring-complete": lambda version: False,
}


def kernel_version(leg):
    m = re.search(r"-(\d+)\.(\d+)", leg)
    return (int(m.group(1)), int(m.group(2))) if m else None


def read_kv(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            parts = line.split()
            if len(parts) >= 2:
                out[parts[0]] = parts[1:]
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out, leg = sys.argv[1], sys.argv[2]
    json_out = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--json" else None
    facts = read_kv(os.path.join(out, "facts.txt"))
    log = open(os.path.join(out, "ringtap.log"), errors="replace").read() \
        if os.path.exists(os.path.join(out, "ringtap.log")) else ""
    m = re.search(r"^ringtap: kernel features disabled: (\S+)$", log, re.M)
    disabled = m.group(1).split(",") if m else []
    res = {"leg": leg, "loaded": "load_cs" in facts, "load_ms": None, "matched": [],
           "missing": [], "dropped": None, "disabled": disabled, "error": None}
    if not res["loaded"]:
        # The one sentence ringtap prints names the program and the verifier's reason.
        lines = [l for l in log.splitlines() if l.startswith("ringtap run:")]
        res["error"] = lines[-1] if lines else "ringtap did not start (no log)"
    else:
        res["load_ms"] = int(facts["load_cs"][0]) * 10
        steps = {k: int(v[0]) for k, v in read_kv(os.path.join(out, "steps.txt")).items()}
        steps["work"] = os.path.join(facts.get("outdir", [out])[0], "w")
        steps["said"] = {k: {kk: v[0] for kk, v in read_kv(os.path.join(out, "step-%s.out" % k)).items()}
                         for k in steps if k != "work"}
        if "module_name" in facts:
            steps["module_name"] = facts["module_name"][0]
        found = set()
        also = {k for k, (applies, _) in EXPECT_ALSO.items() if applies(steps)}
        for line in open(os.path.join(out, "events.ndjson")):
            ev = json.loads(line)
            h = ev["header"]
            for k in list(also):
                try:
                    if EXPECT_ALSO[k][1](ev, h, steps):
                        also.discard(k)
                except (KeyError, TypeError, ValueError):
                    pass
            for kind, body in ev.items():
                if kind in EXPECT and kind not in found:
                    try:
                        if EXPECT[kind](body, h, steps):
                            found.add(kind)
                    except (KeyError, TypeError, ValueError):
                        pass
        res["matched"] = [k for k in EXPECT if k in found]
        res["missing"] = [k for k in EXPECT if k not in found]
        for k in EXPECT_ALSO:
            if EXPECT_ALSO[k][0](steps):
                print("  %-15s %s" % (k, "MISSING" if k in also else "ok"))
        if also:
            res["error"] = "not seen: %s" % ", ".join(sorted(also))
        if "module" in steps:
            why = ocsf_module_load(out, steps)
            print("  %-15s %s" % ("module OCSF", why or "ok"))
            if why:
                res["error"] = why
        m = re.search(r"kernel: (\d+) dropped", log)
        res["dropped"] = int(m.group(1)) if m else None
        # Every type ringtap counts must be in EXPECT: a new type cannot slip past the matrix.
        m = re.search(r"^ringtap: \d+ events \(([^)]*)\)", log, re.M)
        counted = [c.rsplit(" ", 1)[0] for c in m.group(1).split(", ")] if m else []
        unexpected = [t for t in counted if t not in EXPECT and t != "drop-records"]
        if not counted or unexpected:
            res["error"] = "event types not in the scenario's EXPECT: %s" % (unexpected or "(no summary line)")
        version = kernel_version(leg)
        want = sorted(f for f, lacks in EXPECT_DISABLED.items() if version and lacks(version))
        if sorted(disabled) != want:
            res["error"] = "features disabled %s, expected %s for Linux %s" % (
                disabled or "none", want or "none", version)
        if "ringtap_exit" in facts and facts["ringtap_exit"][0] != "0":
            res["error"] = "ringtap exited %s: %s" % (facts["ringtap_exit"][0], log.strip().splitlines()[-1:])
    for k in EXPECT:
        print("  %-15s %s" % (k, "ok" if k in res["matched"] else "MISSING"))
    print("%s: loaded %s, load %s ms, events %d/%d matched, dropped %s, disabled: %s%s" % (
        leg, "yes" if res["loaded"] else "no", res["load_ms"], len(res["matched"]), len(EXPECT),
        res["dropped"], ", ".join(disabled) or "none", "; " + res["error"] if res["error"] else ""))
    if json_out:
        with open(json_out, "a") as f:
            f.write(json.dumps(res) + "\n")
    ok = res["loaded"] and not res["missing"] and res["dropped"] == 0 and not res["error"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

# A deterministic workload for the policy scripts, run by bash in one
# process (builtins only: every open and connect is this pid's), so
# `--pid` captures all of it. $1: a directory with keep/ and skip/.
d=$1
for i in 1 2 3 4 5; do
  : >"$d/keep/$i"
  : >"$d/skip/$i"
  : </etc/hostname
done
for target in 127.0.0.1/9 127.0.0.2/9 127.0.0.1/10 ::1/9 ::1/10; do
  { : 3<>"/dev/tcp/${target%/*}/${target#*/}"; } 2>/dev/null || true
done
( : ) # one fork (its child is another process: not captured under --pid)

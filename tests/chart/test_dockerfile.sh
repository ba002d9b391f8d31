#!/usr/bin/env bash
# Static checks of the Dockerfile (no Docker engine runs here, so the image
# is not built in CI): its build stage runs the install script and the make
# target CI runs, its runtime stage installs only runtime packages, and those
# packages provide every shared library the built ringtap binary needs.
set -euo pipefail

src=${RINGTAP_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
df=$src/Dockerfile
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

[ -f "$df" ] || { echo "FAIL: no Dockerfile at $df"; exit 1; }

# Split into stages: stage N's instructions go to $tmp/stage.N (continuations joined).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$df" | grep -v '^[[:space:]]*#' |
  awk -v d="$tmp" '/^FROM /{n++} n{print > (d "/stage." n)}'
nstages=$(ls "$tmp"/stage.* | wc -l)
[ "$nstages" -eq 2 ] && ok "two stages" || bad "expected 2 stages (build, runtime), found $nstages"
build=$tmp/stage.1 runtime=$tmp/stage.$nstages

grep -Eq '^FROM debian:bookworm AS build' "$build" && ok "build stage is debian:bookworm" ||
  bad "build stage must be FROM debian:bookworm AS build"
grep -Eq '^FROM debian:bookworm-slim' "$runtime" && ok "runtime stage is debian:bookworm-slim" ||
  bad "runtime stage must be FROM debian:bookworm-slim"

# The same scripts CI runs: .ci/run -> make test -> scripts/install-deps.sh + $(MAKE) build.
grep -q 'make test' "$src/.ci/run" && grep -q 'scripts/install-deps.sh' "$src/Makefile" &&
  grep -Eq '^\s+\$\(MAKE\) build' "$src/Makefile" && ok "CI runs install-deps.sh and make build" ||
  bad "CI (.ci/run -> Makefile) no longer runs scripts/install-deps.sh and make build: update the Dockerfile"
grep -Eq '^RUN .*scripts/install-deps.sh build' "$build" && ok "build stage runs install-deps.sh build" ||
  bad "build stage must RUN scripts/install-deps.sh build"
grep -Eq '^RUN make build ' "$build" && ok "build stage runs make build" || bad "build stage must RUN make build"
grep -Eq '^RUN .*install-deps.sh runtime' "$runtime" && ok "runtime stage runs install-deps.sh runtime" ||
  bad "runtime stage must RUN install-deps.sh runtime"
grep -Eq 'apt-get install|-dev\b|clang|cmake' "$runtime" && bad "runtime stage installs build tools" ||
  ok "runtime stage installs nothing beyond the runtime list"
grep -Eq '^COPY \. ' "$runtime" && bad "runtime stage copies the source tree" || ok "runtime stage copies only the binary and config"
grep -q 'COPY --from=build /build/ringtap /usr/local/bin/ringtap' "$runtime" && ok "binary at /usr/local/bin/ringtap" ||
  bad "binary must land at /usr/local/bin/ringtap (docs and the ENTRYPOINT name it)"
# The probes are HTTP against the daemon, so the slim image needs no curl.
grep -q 'httpGet' "$src/charts/ringtap/values.yaml" && ! grep -qE '^\s*exec:\s*$' "$src/charts/ringtap/values.yaml" &&
  ok "chart probes are httpGet (no tool needed in the image)" || bad "chart probes must be httpGet, not exec"
grep -qx 'build' "$src/.dockerignore" && grep -qx '.git' "$src/.dockerignore" && ok ".dockerignore keeps build trees and .git out" ||
  bad ".dockerignore must exclude build and .git"

# Runtime packages: no development packages, and they cover the binary's libraries.
# The list may span lines: RUNTIME_PKGS="a b\n  c d"
runtime_pkgs=$(sed -n '/^RUNTIME_PKGS="/,/"$/p' "$src/scripts/install-deps.sh" | sed 's/^RUNTIME_PKGS="//; s/"$//' | tr '\n' ' ')
[ -n "$runtime_pkgs" ] || bad "no RUNTIME_PKGS in scripts/install-deps.sh"
case " $runtime_pkgs " in *-dev\ *) bad "RUNTIME_PKGS has a -dev package: $runtime_pkgs" ;; *) ok "RUNTIME_PKGS has no -dev package" ;; esac
if [ -x "${RINGTAP:-}" ] && command -v dpkg >/dev/null; then
  # libc and the loader are in every Debian image; the rest must be listed.
  deps=$(apt-cache depends --recurse --no-recommends --no-suggests $runtime_pkgs 2>/dev/null |
    sed -n 's/^  Depends: \([^<:]*\).*/\1/p' | sort -u)
  before=$fails
  for lib in $(ldd "$RINGTAP" | awk '$3 ~ /^\// {print $3}'); do
    pkg=$( (dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null) | head -1 | cut -d: -f1)
    case "$pkg" in
      libc6|libgcc-s1|"") continue ;;
    esac
    if [[ " $runtime_pkgs " == *" $pkg "* ]]; then :; else
      # a dependency of a listed package is installed with it
      if grep -qx "$pkg" <<<"$deps"; then :
      else bad "ringtap needs $(basename "$lib") from $pkg, which RUNTIME_PKGS does not bring"; fi
    fi
  done
  [ "$fails" -eq "$before" ] && ok "RUNTIME_PKGS provides the libraries ldd lists for $RINGTAP"
else
  echo "note: RINGTAP binary not given: library coverage not checked"
fi

echo "dockerfile: $fails failed"
[ "$fails" -eq 0 ]

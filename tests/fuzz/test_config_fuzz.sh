#!/bin/bash
# Fuzz the daemon config loader (see fuzz_config_load.c for the invariants
# checked) with libFuzzer, ASan and UBSan for a bounded time.
set -euo pipefail
# shellcheck source=tests/fuzz/fuzz_lib.sh
source "$(dirname "$0")/fuzz_lib.sh"
fuzz_main fuzz_config_load tests/fuzz/corpus/config_load tests/fuzz/config.dict yaml-0.1 \
	tests/fuzz/fuzz_config_load.c \
	src/config/daemon_config.c src/config/options.c src/config/yaml_strict.c

#!/bin/bash
# Fuzz the policy parser + compiler (see fuzz_policy_parse.c for the
# invariants checked) with libFuzzer, ASan and UBSan for a bounded time.
set -euo pipefail
# shellcheck source=tests/fuzz/fuzz_lib.sh
source "$(dirname "$0")/fuzz_lib.sh"
fuzz_main fuzz_policy_parse tests/fuzz/corpus/policy_parse tests/fuzz/policy.dict yaml-0.1 \
	tests/fuzz/fuzz_policy_parse.c \
	src/policy/policy_parse.c src/policy/policy_model.c src/config/yaml_strict.c \
	src/policy/policy_compile.c src/policy/policy_match.c

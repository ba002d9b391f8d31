#!/bin/bash
# Fuzz the Kubernetes API JSON -> pod metadata code (see fuzz_k8s_json.c for
# the invariants checked) with libFuzzer, ASan and UBSan for a bounded time.
set -euo pipefail
# shellcheck source=tests/fuzz/fuzz_lib.sh
source "$(dirname "$0")/fuzz_lib.sh"
fuzz_main fuzz_k8s_json tests/fuzz/corpus/k8s_json tests/fuzz/k8s_json.dict json-c \
	tests/fuzz/fuzz_k8s_json.c src/enrich/pod_meta.c src/enrich/pod_workload.c src/enrich/k8s_json.c

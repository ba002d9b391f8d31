#!/usr/bin/env bash
# Kernel matrix leg arm64-6.12: ringtap loads its probes and every scenario event
# arrives with no drops (see tests/kernels/scenario.sh and check_events.py).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kernels_leg arm64-6.12

#!/usr/bin/env bash
# Kernel matrix leg amd64-6.12: ringtap loads its probes and every scenario event
# arrives with no drops (see tests/kernels/scenario.sh and check_events.py).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kernels_leg amd64-6.12

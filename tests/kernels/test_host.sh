#!/usr/bin/env bash
# Kernel matrix leg host: ringtap loads its probes and every scenario event
# arrives with no drops (see tests/kernels/scenario.sh and check_events.py).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kernels_leg host

#!/usr/bin/env bash
# The deterministic payment simulation over many seeds (CI runs a fixed 24): scripts/simulate.sh [SEEDS] [FIRST]
# A failing seed prints its report; rerun it alone with `scripts/simulate.sh 1 <seed>`.
set -euo pipefail
cd "$(dirname "$0")/.."
CROSSQR_SIM_SEEDS="${1:-1000}" CROSSQR_SIM_FIRST="${2:-1}" \
  cargo test --locked --release -q -p crossqr-tests --test simulation -- --nocapture every_seed

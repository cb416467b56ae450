#!/usr/bin/env bash
# Scanner benchmark: crossqr beside ZXing-C++ (PyPI zxing-cpp) on the same frames, same run.
# CROSSQR_BENCH_FRAMES sets synthetic frames per scenario and resolution (default 12).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c "import zxingcpp, numpy" 2>/dev/null; then
  echo "bench-scan: installing zxing-cpp and numpy from PyPI" >&2
  python3 -m pip install --quiet --disable-pip-version-check zxing-cpp numpy
fi
cargo bench -p crossqr-tests --bench scan 2>/dev/null

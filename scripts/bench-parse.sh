#!/usr/bin/env bash
# parse+verify: crossqr (criterion) beside the official bakong-khqr SDK's verify+decode, same payloads.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "crossqr parse_at (structure, CRC, scheme rules, expiry):"
cargo bench -p crossqr-core --bench parse -- --warm-up-time 1 --measurement-time 3 2>/dev/null | grep -E '^parse_verify|time:'
echo "bakong-khqr SDK verify+decode, mean over the same KHQR payloads:"
python3 - <<'PY' | (cd tests/node && node khqr_sdk.js --bench 20000)
import re
src = open("core/benches/parse.rs", encoding="utf-8").read()
block = src[src.index("pub const KHQR"):src.index("pub const JPQR")]
for p in re.findall(r'^\s+"(0002[^"]+)"', block, re.M):
    print(p)
PY

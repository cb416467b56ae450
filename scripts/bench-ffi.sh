#!/usr/bin/env bash
# FFI overhead: one parse and one 1280×720 scan called from Kotlin through the bindings (the shipped,
# stripped library) vs the same core calls from Rust built with the same profile (release-smaller).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
kotlin=$(scripts/kotlin-tests.sh --bench | grep '^kotlin ')
rust=$(cargo bench --locked -q -p crossqr-tests --profile release-smaller --bench ffi_baseline 2>/dev/null | grep '^rust ')
printf '%s\n%s\n' "$rust" "$kotlin" | awk '
  { t[$1" "$2] = $3; names[$2] = 1 }
  END {
    printf "%-16s %12s %12s %12s\n", "call", "rust", "kotlin", "ffi cost"
    for (n in names) printf "%-16s %10.1f µs %10.1f µs %10.1f µs\n", n, t["rust "n]/1000, t["kotlin "n]/1000, (t["kotlin "n]-t["rust "n])/1000
  }'

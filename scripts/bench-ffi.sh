#!/usr/bin/env bash
# FFI overhead: one parse, one 1280×720 scan and one frame of a camera session called from Kotlin
# through the bindings (the shipped, stripped library) vs the same core calls from Rust built with the
# same profile (release-smaller). The two run alternately, CROSSQR_FFI_ROUNDS times (default 3); each
# call's FFI cost is the median over rounds of Kotlin minus Rust, so drift on a shared machine cancels.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
rounds=${CROSSQR_FFI_ROUNDS:-3}
scripts/bindings.sh
cargo build --locked -q -p crossqr-switch
export CROSSQR_BINDINGS_FRESH=1 # built once, not once per round
out=$(for _ in $(seq "$rounds"); do
  scripts/kotlin-tests.sh --bench | grep '^kotlin '
  cargo bench --locked -q -p crossqr-tests --profile release-smaller --bench ffi_baseline 2>/dev/null | grep '^rust '
done)
printf '%s\n' "$out" | awk '
  { n = ++count[$1" "$2]; t[$1" "$2" "n] = $3; names[$2] = 1 }
  function median(a, k,   i, j, x) {
    for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }
  END {
    printf "%-18s %12s %12s %12s\n", "call", "rust", "kotlin", "ffi cost"
    for (c in names) {
      k = count["rust "c]
      for (i = 1; i <= k; i++) { r[i] = t["rust "c" "i]; kt[i] = t["kotlin "c" "i]; d[i] = kt[i] - r[i] }
      printf "%-18s %10.1f µs %10.1f µs %10.1f µs\n", c, median(r, k) / 1000, median(kt, k) / 1000, median(d, k) / 1000
    }
  }'

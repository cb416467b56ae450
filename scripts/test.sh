#!/usr/bin/env bash
# Runs every check and test: formatting, lints, Rust unit/integration/property tests, the official
# SDK cross-check, then the shipped library (size budget), its Kotlin and Swift bindings, and the Kotlin
# tests on the JVM. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
scripts/kotlin-tests.sh

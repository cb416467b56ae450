#!/usr/bin/env bash
# Runs every check and test: formatting, lints, Rust unit/integration/property tests and doctests, the
# official SDK cross-check, the API docs (warnings are errors), then the shipped library (size budget),
# its Kotlin and Swift bindings, the Kotlin tests on the JVM, the Swift tests where `swift` exists, and
# schemathesis against the switch's API contract.
# `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
scripts/bindings.sh
cargo build --locked -q -p crossqr-switch
export CROSSQR_BINDINGS_FRESH=1 # the Kotlin and Swift tests use these, not a build of their own each
scripts/kotlin-tests.sh
scripts/swift-tests.sh
scripts/api-fuzz.sh

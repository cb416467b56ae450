#!/usr/bin/env bash
# Installs what the demo and the tests need beyond the Rust toolchain. Idempotent and quiet when
# everything is already there; safe to run in CI (no prompts).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

command -v cargo >/dev/null || { say "cargo is required (Rust 1.95)"; exit 1; }
command -v node >/dev/null || { say "node is required (for the official Bakong SDK cross-check)"; exit 1; }

# The official Bakong KHQR SDK, used by tests to verify generated codes and as a benchmark baseline.
stamp=tests/node/node_modules/.crossqr-lock
if ! cmp -s tests/node/package-lock.json "$stamp" 2>/dev/null; then
  say "installing the bakong-khqr SDK (npm ci in tests/node)"
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp tests/node/package-lock.json "$stamp"
fi

#!/usr/bin/env bash
# Installs what the demo and the tests need beyond the Rust toolchain. Idempotent and quiet when
# everything is already there; safe to run in CI (no prompts).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

command -v cargo >/dev/null || { say "cargo is required (Rust 1.95)"; exit 1; }

# rust-toolchain.toml pins 1.95.0. Where rustup has that release only under the name `stable` (and no
# network to fetch it again), give it the pinned name too, as rustup's own directory layout does.
pinned=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
if command -v rustup >/dev/null && ! rustup toolchain list | grep -q "^$pinned-"; then
  host=$(rustc +stable -vV | sed -n 's/^host: //p')
  if rustc +stable -V | grep -q "^rustc $pinned "; then
    say "naming the installed stable toolchain $pinned"
    ln -s "${RUSTUP_HOME:-$HOME/.rustup}/toolchains/stable-$host" "${RUSTUP_HOME:-$HOME/.rustup}/toolchains/$pinned-$host"
  else
    say "Rust $pinned is required (rust-toolchain.toml); rustup has $(rustc +stable -V)"; exit 1
  fi
fi
command -v node >/dev/null || { say "node is required (the official Bakong SDK, the Kotlin compiler)"; exit 1; }
command -v java >/dev/null || { say "java is required (Java 17, for the Kotlin binding tests)"; exit 1; }
command -v python3 >/dev/null || { say "python3 is required (schemathesis, for the switch's API fuzzing)"; exit 1; }

# JNA, which the generated Kotlin bindings load the library through.
if [ ! -f /usr/share/java/jna.jar ]; then
  say "installing libjna-java (apt)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjna-java >/dev/null \
    || { $sudo apt-get update -qq >/dev/null && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjna-java >/dev/null; }
fi

# npm packages pinned by a lock file: installed when missing or when the lock changed.
npm_ci() {
  local dir=$1 what=$2 stamp=$1/node_modules/.crossqr-lock
  if ! cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null; then
    say "installing $what (npm ci in $dir)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$dir/package-lock.json" "$stamp"
  fi
}

# The official Bakong KHQR SDK, used by tests to verify generated codes and as a benchmark baseline.
npm_ci tests/node "the bakong-khqr SDK"
# The Kotlin compiler with kotlin-stdlib and kotlinx-coroutines, for the host-side binding tests.
npm_ci tests/kotlin "the Kotlin compiler"

# Schemathesis and its dependencies, pinned, in a virtual environment of their own: installed when
# missing or when the pins changed.
venv=tests/api-fuzz/.venv stamp=tests/api-fuzz/.venv/.crossqr-requirements
if ! cmp -s tests/api-fuzz/requirements.txt "$stamp" 2>/dev/null; then
  say "installing schemathesis (pip, in $venv)"
  rm -rf "$venv"
  python3 -m venv "$venv" || { say "python3 cannot make a virtual environment (Debian: apt-get install python3-venv)"; exit 1; }
  "$venv/bin/pip" install -q --disable-pip-version-check -r tests/api-fuzz/requirements.txt >/dev/null
  cp tests/api-fuzz/requirements.txt "$stamp"
fi

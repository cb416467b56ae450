#!/usr/bin/env bash
# Host-side Kotlin tests: generates the bindings from the shipped library (scripts/bindings.sh), compiles
# them with tests/kotlin/src using kotlinc against JNA and kotlinx-coroutines, and runs them on the JVM
# against the stripped libcrossqr.so, with the reference switch as a child process.
# Arguments select tests by name substring. `--bench` runs the FFI benchmark instead.
set -euo pipefail
cd "$(dirname "$0")/.."

kotlin=tests/kotlin/node_modules/kotlin-compiler
build=tests/kotlin/build
classpath="/usr/share/java/jna.jar:$kotlin/lib/kotlinx-coroutines-core-jvm.jar"

# The bindings and the switch, unless the caller (scripts/test.sh, bench-ffi.sh) has just built them.
if [ -z "${CROSSQR_BINDINGS_FRESH:-}" ]; then
  scripts/bindings.sh
  cargo build --locked -q -p crossqr-switch
fi

# Recompile only when the bindings or the tests changed.
mkdir -p "$build"
sources=(target/bindings/kotlin/app/crossqr/crossqr.kt tests/kotlin/src/*.kt)
stamp=$(cat "${sources[@]}" | sha256sum | cut -c1-16)
if [ ! -f "$build/tests-$stamp.jar" ]; then
  rm -f "$build"/tests-*.jar
  "$kotlin/bin/kotlinc" -nowarn -jvm-target 17 -cp "$classpath" -d "$build/tests-$stamp.jar" "${sources[@]}" 2>&1 \
    | grep -v "^warning: unable to find kotlin-stdlib" || true
  [ -f "$build/tests-$stamp.jar" ] || { echo "kotlin-tests: compilation failed" >&2; exit 1; }
fi

main=crossqr.tests.HarnessKt
if [ "${1:-}" = "--bench" ]; then main=crossqr.tests.BenchKt; shift; fi
exec java -Djna.library.path=target/bindings/lib -Dcrossqr.root=. \
  -cp "$build/tests-$stamp.jar:$classpath:$kotlin/lib/kotlin-stdlib.jar" "$main" "$@"

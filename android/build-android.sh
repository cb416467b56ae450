#!/usr/bin/env bash
# Cross-builds libcrossqr.so for the Android ABIs with cargo-ndk (profile release-smaller), strips the
# copies that ship, and puts the Kotlin bindings (generated from the host library by
# scripts/bindings.sh — the same pipeline CI runs) where the crossqr module compiles them.
# Needs ANDROID_NDK_HOME (or ANDROID_NDK_ROOT); without an NDK it fails (an AAR without its native
# libraries would install and then crash). Every library is checked to be 16 KB page aligned.
set -euo pipefail
cd "$(dirname "$0")"
ndk=${ANDROID_NDK_HOME:-${ANDROID_NDK_ROOT:-}}
if [ -z "$ndk" ] || [ ! -d "$ndk" ]; then
  echo "build-android: no Android NDK: set ANDROID_NDK_HOME (r26+) to build the AAR's native libraries" >&2
  exit 1
fi
command -v cargo-ndk >/dev/null || cargo install --locked cargo-ndk
targets=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android)
rustup target add "${targets[@]}" >/dev/null

out=crossqr/build/jniLibs
(cd .. && cargo ndk --platform 24 -t arm64-v8a -t armeabi-v7a -t x86_64 -o "android/$out" \
  build --locked -p crossqr-ffi --lib --profile release-smaller)
bin=$(ls -d "$ndk"/toolchains/llvm/prebuilt/*/bin | head -1)
libs=("$out"/*/libcrossqr.so)
[ "${#libs[@]}" -eq 3 ] && [ -f "${libs[0]}" ] || { echo "build-android: expected 3 libraries in $out" >&2; exit 1; }
for so in "${libs[@]}"; do
  "$bin/llvm-strip" "$so"
  # Every LOAD segment aligned to at least 16 KB (2**14).
  aligned=1
  for align in $("$bin/llvm-readelf" -lW "$so" | awk '$1 == "LOAD" { print $NF }'); do
    [ $((align)) -ge 16384 ] || aligned=0
  done
  if [ "$aligned" = 1 ]; then
    printf 'build-android: %s %d bytes, LOAD segments 16 KB aligned\n' "$so" "$(wc -c < "$so")"
  else
    echo "build-android: $so has a LOAD segment aligned below 16 KB" >&2
    "$bin/llvm-readelf" -lW "$so" | grep LOAD >&2
    exit 1
  fi
done

../scripts/bindings.sh
rm -rf crossqr/build/generated/uniffi && mkdir -p crossqr/build/generated/uniffi
cp -r ../target/bindings/kotlin/. crossqr/build/generated/uniffi/

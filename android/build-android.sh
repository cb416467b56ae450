#!/usr/bin/env bash
# Cross-builds libcrossqr.so for the Android ABIs with cargo-ndk (profile release-smaller), strips the
# copies that ship, and puts the Kotlin bindings (generated from the host library by
# scripts/bindings.sh — the same pipeline CI runs) where the crossqr module compiles them.
# Needs ANDROID_NDK_HOME (or ANDROID_NDK_ROOT); without an NDK it says so and does nothing.
set -euo pipefail
cd "$(dirname "$0")"
ndk=${ANDROID_NDK_HOME:-${ANDROID_NDK_ROOT:-}}
if [ -z "$ndk" ] || [ ! -d "$ndk" ]; then
  echo "build-android: no Android NDK (set ANDROID_NDK_HOME); skipping the native build" >&2
  exit 0
fi
command -v cargo-ndk >/dev/null || cargo install --locked cargo-ndk
targets=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android)
rustup target add "${targets[@]}" >/dev/null

out=crossqr/build/jniLibs
(cd .. && cargo ndk --platform 24 -t arm64-v8a -t armeabi-v7a -t x86_64 -o "android/$out" \
  build --locked -p crossqr-ffi --lib --profile release-smaller)
strip_tool=$(ls "$ndk"/toolchains/llvm/prebuilt/*/bin/llvm-strip | head -1)
for so in "$out"/*/libcrossqr.so; do
  "$strip_tool" "$so"
  printf 'build-android: %s %d bytes\n' "$so" "$(wc -c < "$so")"
done

../scripts/bindings.sh
rm -rf crossqr/build/generated/uniffi && mkdir -p crossqr/build/generated/uniffi
cp -r ../target/bindings/kotlin/. crossqr/build/generated/uniffi/

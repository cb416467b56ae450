#!/usr/bin/env bash
# Builds crossqrFFI.xcframework (static libcrossqr.a for iOS devices, the iOS simulator and macOS) with
# profile release-smaller, and generates the Swift bindings into Sources/CrossQR with the crate's own
# uniffi-bindgen (scripts/bindings.sh: the pipeline CI runs). Needs macOS with Xcode and rustup.
set -euo pipefail
cd "$(dirname "$0")"
[ "$(uname -s)" = Darwin ] || { echo "build-xcframework: needs macOS and Xcode" >&2; exit 1; }

targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${targets[@]}" >/dev/null
# The same minimum versions Package.swift declares, so the objects link without warnings.
export IPHONEOS_DEPLOYMENT_TARGET=15.0 MACOSX_DEPLOYMENT_TARGET=12.0
for target in "${targets[@]}"; do
  (cd .. && cargo rustc --locked -p crossqr-ffi --lib --crate-type staticlib --profile release-smaller --target "$target")
done

# Bindings from the host library; the header and module map go beside each static library.
../scripts/bindings.sh
cp ../target/bindings/swift/CrossQR.swift Sources/CrossQR/
# Headers in a folder of their own (Headers/crossqrFFI/module.modulemap inside the XCFramework), so the
# module map never lands at the root of an app's header search path beside another library's.
rm -rf build && mkdir -p build/headers/crossqrFFI
cp ../target/bindings/swift/crossqrFFI.h build/headers/crossqrFFI/
cp ../target/bindings/swift/crossqrFFI.modulemap build/headers/crossqrFFI/module.modulemap

lib() { echo "../target/$1/release-smaller/libcrossqr.a"; }
mkdir -p build/ios-sim build/macos
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output build/ios-sim/libcrossqr.a
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output build/macos/libcrossqr.a
xcodebuild -create-xcframework \
  -library "$(lib aarch64-apple-ios)" -headers build/headers \
  -library build/ios-sim/libcrossqr.a -headers build/headers \
  -library build/macos/libcrossqr.a -headers build/headers \
  -output build/crossqrFFI.xcframework
echo "build-xcframework: ios/build/crossqrFFI.xcframework and Sources/CrossQR/CrossQR.swift are ready"

#!/usr/bin/env bash
# Builds the library as it ships (profile release-smaller), generates the Kotlin and Swift bindings from
# it with the crate's own uniffi-bindgen, and leaves in target/bindings:
#   lib/libcrossqr.so      the stripped host library (what the Kotlin tests load; .dylib on macOS)
#   kotlin/app/crossqr/    crossqr.kt
#   swift/                 CrossQR.swift, crossqrFFI.h, crossqrFFI.modulemap
# Fails when the stripped Linux library is over the 3.5 MiB budget.
set -euo pipefail
cd "$(dirname "$0")/.."

budget=$((7 * 512 * 1024)) # 3.5 MiB
out=target/bindings
ext=so strip=(strip)
[ "$(uname -s)" = Darwin ] && ext=dylib strip=(strip -x) # a dylib keeps its exported symbols
lib=target/release-smaller/libcrossqr.$ext
shipped=$out/lib/libcrossqr.$ext

cargo build --locked -q -p crossqr-ffi --lib --profile release-smaller
cargo build --locked -q -p crossqr-ffi --features cli --bin uniffi-bindgen

# Generate from the unstripped library: the UniFFI metadata lives in its symbols.
rm -rf "$out" && mkdir -p "$out/lib"
for language in kotlin swift; do
  target/debug/uniffi-bindgen generate --no-format --library "$lib" --language "$language" --out-dir "$out/$language" >/dev/null
done

# Kotlin: UniFFI writes an error's `message` as "kind=…, code=…, reason=…"; a Kotlin exception's message
# is what logs and crash reports show, so it is the human reason (Swift gets the same from
# CrossqrError+Description.swift). Fails if the generated text ever changes shape.
kt="$out/kotlin/app/crossqr/crossqr.kt"
generated='get() = "kind=${ `kind` }, code=${ `code` }, reason=${ `reason` }"'
grep -qF "$generated" "$kt" || { echo "bindings: Kotlin error message template changed; update bindings.sh" >&2; exit 1; }
sed -i.orig 's/get() = "kind=${ `kind` }, code=${ `code` }, reason=${ `reason` }"/get() = `reason`/' "$kt" && rm -f "$kt.orig"

# Swift: UniFFI declares the callback vtable `nonisolated(unsafe)` (Swift 5.10+, needed under Swift 6);
# the declaration is kept as is for 5.10+ and repeated without the modifier for Swift 5.9, where it is
# not needed. Fails if the generated text ever changes shape.
swift_file="$out/swift/CrossQR.swift"
[ "$(grep -c '^    nonisolated(unsafe) static let vtablePtr' "$swift_file")" = 1 ] ||
  { echo "bindings: Swift vtable declaration changed; update bindings.sh" >&2; exit 1; }
awk '
  /^    nonisolated\(unsafe\) static let vtablePtr/ { held = 1; block = "" }
  held { block = block $0 "\n"; if ($0 == "    }()") { plain = block; sub(/nonisolated\(unsafe\) /, "", plain)
         printf "    #if compiler(>=5.10)\n%s    #else\n%s    #endif\n", block, plain; held = 0 }; next }
  { print }
' "$swift_file" > "$swift_file.new" && mv "$swift_file.new" "$swift_file"
grep -q '^    #if compiler(>=5.10)' "$swift_file" || { echo "bindings: Swift 5.9 rewrite failed" >&2; exit 1; }

# Both languages must carry the whole API (a generator that silently skips an item is caught here).
for symbol in 'fun `parseCode`' 'fun `scanFrame`' 'open class Scanner' 'interface Signer' 'suspend fun `sign`' 'class PaymentSession' 'enum class ErrorKind' 'get() = `reason`'; do
  grep -qF "$symbol" "$out/kotlin/app/crossqr/crossqr.kt" || { echo "bindings: Kotlin lacks $symbol" >&2; exit 1; }
done
for symbol in 'func parseCode(' 'func scanFrame(' 'class Scanner' 'protocol Signer' 'func sign(message: Data) async throws' 'class PaymentSession' 'enum ErrorKind'; do
  grep -qF "$symbol" "$out/swift/CrossQR.swift" || { echo "bindings: Swift lacks $symbol" >&2; exit 1; }
done

cp "$lib" "$shipped" && "${strip[@]}" "$shipped"
size=$(wc -c < "$shipped" | tr -d ' ')
printf 'bindings: %s %d bytes (%s MiB, budget 3.5 MiB), gzip -9 %d bytes\n' "${shipped##*/}" "$size" \
  "$(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }')" "$(gzip -9c "$shipped" | wc -c | tr -d ' ')"
[ "$ext" = dylib ] || [ "$size" -le "$budget" ] || { echo "bindings: ${shipped##*/} is over the size budget" >&2; exit 1; }

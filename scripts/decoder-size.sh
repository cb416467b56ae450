#!/usr/bin/env bash
# Binary-size cost of each QR decoder: the same tiny cdylib built with the release-smaller settings
# (opt z, fat LTO, one codegen unit, panic unwind), stripped, with no decoder, with rxing (QR only), with
# rqrr, and with both.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=target/decoder-size
mkdir -p "$work"
rxing_spec=$(grep '^rxing = ' Cargo.toml | sed 's/^rxing = //')
rqrr_spec=$(grep '^rqrr = ' Cargo.toml | sed 's/^rqrr = //')
measure() {
  local name=$1 deps=$2 body=$3
  mkdir -p "$work/$name/src"
  cat > "$work/$name/Cargo.toml" <<TOML
[package]
name = "size_$name"
version = "0.0.0"
edition = "2024"
[lib]
crate-type = ["cdylib"]
[dependencies]
$deps
[profile.release]
opt-level = "z"
lto = "fat"
codegen-units = 1
panic = "unwind"
strip = true
[workspace]
TOML
  printf '%s\n' "$body" > "$work/$name/src/lib.rs"
  (cd "$work/$name" && CARGO_TARGET_DIR="$root/target/decoder-size/target" cargo build -q --release)
  stat -c %s "target/decoder-size/target/release/libsize_$name.so"
}
read_none='#[unsafe(no_mangle)] pub extern "C" fn read(p: *const u8, w: u32, h: u32) -> usize { if p.is_null() { 0 } else { (w + h) as usize } }'
read_rxing='#[unsafe(no_mangle)] pub extern "C" fn read(p: *const u8, w: u32, h: u32) -> usize {
  let luma = unsafe { std::slice::from_raw_parts(p, (w * h) as usize) };
  let src = rxing::Luma8Source::new_with_slice(luma, w, h).unwrap();
  let mut bm = rxing::BinaryBitmap::new(rxing::common::HybridBinarizer::new(src));
  use rxing::Reader;
  rxing::qrcode::cpp_port::QrReader::default().decode(&mut bm).map(|r| r.getText().len()).unwrap_or(0) }'
read_rqrr='#[unsafe(no_mangle)] pub extern "C" fn read(p: *const u8, w: u32, h: u32) -> usize {
  let luma = unsafe { std::slice::from_raw_parts(p, (w * h) as usize) };
  let mut img = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| luma[y * w as usize + x]);
  img.detect_grids().iter().filter_map(|g| g.decode().ok()).map(|(_, s)| s.len()).sum() }'
none=$(measure none "" "$read_none")
rx=$(measure rxing "rxing = $rxing_spec" "$read_rxing")
rq=$(measure rqrr "rqrr = $rqrr_spec" "$read_rqrr")
both=$(measure both "rxing = $rxing_spec
rqrr = $rqrr_spec" "${read_rxing/fn read/fn read_a}
${read_rqrr/fn read/fn read_b}")
kib() { awk -v a="$1" -v b="$none" 'BEGIN { printf "%.1f", (a - b) / 1024 }'; }
echo "stripped cdylib, opt z + fat LTO: baseline $(awk -v a="$none" 'BEGIN { printf "%.1f", a / 1024 }') KiB"
echo "rxing (QR only): +$(kib "$rx") KiB   rqrr: +$(kib "$rq") KiB   both: +$(kib "$both") KiB"

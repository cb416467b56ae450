//! parse + verify of real KHQR and JPQR payloads (ns/op). The official SDK's `verify` + `decode` on
//! the same payloads: `scripts/bench-parse.sh`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// Epoch ms at which every payload below is valid.
const NOW: i64 = 1_726_822_000_000;

/// Payloads shared with `scripts/bench-parse.sh`.
pub const KHQR: [&str; 3] = [
    // ABA merchant sticker: static USD, Visa and Mastercard tags, bank data in 99.
    "000201010211021641277800000000980416518352888000006030470016abaakhppxxx@abaa01153166007701102420204abaa5204224253038405802KH5910USD OUTLET6010PHNOM PENH62250509115B02750070827CE19809924001339CA026411FDA6803mmp63043870",
    // ACLEDA individual sticker with a language template.
    "00020101021130470009khqr@aclb0111855124649170215ACLEDA Bank Plc5204599953038405802KH5907BUN MAO6010Phnom Penh6102126213020901050033164310002KM0107BUN MAO0210Phnom Penh6304E313",
    // Dynamic KHQR with every optional field, Khmer name and city, expiring in 2100 (so the SDK, which
    // checks expiry against the real clock, verifies it too): the SDK's own test case, regenerated.
    "00020101021229460015john_smith@devb0111855122334550208Dev Bank52045999530384054031005802KH5910John Smith6010PHNOM PENH62670106#123450211855122334550311Coffee Shop0709Cashier_10810Buy coffee64290002km0108ចន ស្មីន0207ភ្នំពេញ993400131726821915797011341024448000006304731A",
];

/// A JPQR sticker (from the shared vectors).
pub const JPQR: &str = "0002016003xxx01021129300012D156000000000510A93FO3230Q31280012D1560000000103081234567826680019jp.or.paymentsjapan01130000000000001020400010306000001040600000153033925903xxx64180002JA0108メルペイ カフェ520441115802JP610710661436304DEE9";

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_verify");
    for (name, payload) in
        [("khqr_aba_sticker", KHQR[0]), ("khqr_acleda", KHQR[1]), ("khqr_dynamic_khmer", KHQR[2]), ("jpqr", JPQR)]
    {
        assert!(crossqr_core::parse_at(payload, NOW).is_ok(), "{name}");
        group.bench_function(name, |b| {
            b.iter(|| crossqr_core::parse_at(black_box(payload), NOW).map(|c| c.accounts.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Every code of the real-world corpus (`tests/fixtures/real-world/corpus.jsonl`: stickers, issuer
//! output and other projects' test vectors, each with its source) through the library: the scheme,
//! the fields a confirm screen shows, the primary account's bank and the warnings, or the exact
//! error code of a refusal.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// Path of the corpus in the repository.
fn corpus_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/real-world/corpus.jsonl")
}

fn corpus() -> Vec<Value> {
    let text = std::fs::read_to_string(corpus_path()).expect("tests/fixtures/real-world/corpus.jsonl");
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// What the library says about `code`, in the corpus's terms.
fn observed(code: &crossqr_core::PaymentCode) -> Value {
    let s = code.summary();
    let bank = code.primary_account().and_then(|a| a.bank.as_ref()).map(|b| json!({"id": b.id, "name": b.name}));
    json!({
        "scheme": s.scheme, "format": s.format, "dynamic": s.dynamic, "merchant_name": s.merchant_name,
        "merchant_city": s.merchant_city, "country": s.country, "currency": s.currency, "amount": s.amount,
        "mcc": s.mcc, "account": s.account, "bank": bank, "expires_at_ms": s.expires_at_ms,
        "warnings": s.warnings.iter().map(|w| w.code.as_str()).collect::<Vec<_>>(),
    })
}

#[test]
fn every_real_world_code_reads_as_expected() {
    let mut counts: BTreeMap<(String, &str), usize> = BTreeMap::new();
    let cases = corpus();
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let payload = case["payload"].as_str().unwrap();
        let context = format!("{id} ({}, {payload:?})", case["source"]);
        let result = crossqr_core::parse_at(payload, case["now_ms"].as_i64().unwrap());
        let family = case["family"].as_str().unwrap().to_owned();
        match case.get("expect_error") {
            Some(want) => {
                let want = want.as_str().unwrap_or_else(|| panic!("{context}: a refusal names its error code"));
                let err = result.map(|c| c.summary()).expect_err(&context);
                assert_eq!(err.code.as_str(), want, "{context}: {}", err.message);
                assert!(!err.message.is_empty(), "{context}");
                *counts.entry((family, "refused")).or_default() += 1;
            }
            None => {
                let code = result.unwrap_or_else(|e| panic!("{context}: {} {}", e.code, e.message));
                let got = observed(&code);
                let expect = case["expect"].as_object().unwrap_or_else(|| panic!("{context}: no expectation"));
                for (key, want) in expect {
                    assert_eq!(&got[key], want, "{context}: field {key}");
                }
                if !expect.contains_key("expires_at_ms") {
                    assert_eq!(got["expires_at_ms"], Value::Null, "{context}");
                }
                *counts.entry((family, "routed")).or_default() += 1;
            }
        }
    }
    assert!(cases.len() >= 150, "only {} real-world codes", cases.len());
    // No BharatQR, Weixin Pay or second Lao QR code was found in a source that can be named (README);
    // core/tests/schemes.rs covers them.
    for family in
        ["khqr", "jpqr", "alipay_plus", "promptpay", "vietqr", "lao_qr", "duitnow", "paynow", "sgqr", "qris", "upi"]
    {
        assert!(counts.contains_key(&(family.to_owned(), "routed")), "no routed {family} code in the corpus");
    }
}

#[test]
fn every_line_names_its_source() {
    for case in corpus() {
        let source = case["source"].as_object().unwrap_or_else(|| panic!("{}: no source", case["id"]));
        let named = source.get("project").and_then(Value::as_str).is_some_and(|p| !p.is_empty())
            && source.get("file").and_then(Value::as_str).is_some_and(|f| !f.is_empty());
        let document = source.get("document").and_then(Value::as_str).is_some_and(|d| !d.is_empty())
            && source.get("url").and_then(Value::as_str).is_some_and(|u| u.starts_with("https://"));
        assert!(named || document, "{}: source {source:?} names no project file or published document", case["id"]);
        if let Some(d) = case.get("disagreement") {
            let text = std::fs::read_to_string(corpus_path().with_file_name("DISAGREEMENTS.md")).unwrap();
            assert!(
                text.contains(&format!("## {}", d.as_str().unwrap())),
                "{}: {d} is not in DISAGREEMENTS.md",
                case["id"]
            );
        }
    }
}

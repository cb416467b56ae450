//! Every case in `tests/fixtures/vectors/parse.jsonl`, through the library.

use serde_json::Value;

/// Path of the parse vectors in the repository.
pub fn vectors_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/vectors/parse.jsonl")
}

#[test]
fn every_vector_parses_as_expected() {
    let text = std::fs::read_to_string(vectors_path()).expect("tests/fixtures/vectors/parse.jsonl");
    let mut count = 0;
    for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let case: Value = serde_json::from_str(line).unwrap();
        let payload = case["payload"].as_str().unwrap();
        let now = case["now_ms"].as_i64().unwrap();
        let result = crossqr_core::parse_at(payload, now);
        let context = format!("vector {} ({payload})", n + 1);
        match case.get("expect_error") {
            Some(expected) => {
                let err = result.expect_err(&context);
                assert!(!err.message.is_empty(), "{context}");
                let code = expected.as_str().unwrap_or_else(|| panic!("{context}: a refusal names its error code"));
                assert_eq!(err.code.as_str(), code, "{context}: {}", err.message);
            }
            None => {
                let summary = serde_json::to_value(result.expect(&context).summary()).unwrap();
                for (key, want) in case["expect"].as_object().unwrap() {
                    if want != "*" {
                        assert_eq!(&summary[key], want, "{context}: field {key}");
                    }
                }
            }
        }
        count += 1;
    }
    assert!(count >= 13, "only {count} vectors read");
}

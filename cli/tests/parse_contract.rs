//! The `crossqr parse` contract, through the binary: every shared vector, stdin, and error JSON.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

const FIELDS: [&str; 16] = [
    "scheme",
    "format",
    "dynamic",
    "merchant_name",
    "merchant_name_alt",
    "language",
    "merchant_city",
    "country",
    "mcc",
    "currency",
    "amount",
    "account",
    "accounts",
    "expires_at_ms",
    "warnings",
    "md5",
];

fn crossqr(args: &[&str], stdin: Option<&str>) -> (i32, Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crossqr"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default().as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "exactly one JSON line: {text}");
    (out.status.code().unwrap(), serde_json::from_str(&text).unwrap())
}

#[test]
fn every_vector_through_the_cli() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/parse.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let payload = case["payload"].as_str().unwrap();
        let now = case["now_ms"].to_string();
        let (code, out) = crossqr(&["parse", "--now-ms", &now, payload], None);
        match case.get("expect_error") {
            Some(expected) => {
                assert_eq!(code, 1, "{payload}: {out}");
                let err = &out["error"];
                assert!(err["code"].is_string() && err["message"].is_string(), "{out}");
                if let Some(want) = expected.as_str().filter(|c| *c != "*") {
                    assert_eq!(err["code"], want, "{payload}");
                }
            }
            None => {
                assert_eq!(code, 0, "{payload}: {out}");
                for field in FIELDS {
                    assert!(out.get(field).is_some(), "field {field} missing: {out}");
                }
                for (key, want) in case["expect"].as_object().unwrap() {
                    if want != "*" {
                        assert_eq!(&out[key], want, "{payload}: {key}");
                    }
                }
            }
        }
    }
}

#[test]
fn reads_stdin_and_reports_errors_as_json() {
    let payload = "00020101021129180014jonhsmith@nbcq5204599953031165802KH5910Jonh Smith6010Phnom Penh6304856B";
    let (code, out) = crossqr(&["parse", "-"], Some(&format!("{payload}\n")));
    assert_eq!((code, out["account"].as_str()), (0, Some("jonhsmith@nbcq")));
    let (code, out) = crossqr(&["parse", "-"], Some(&format!("{payload}\n\n")));
    assert_eq!((code, out["error"]["code"].as_str()), (1, Some("malformed")));
    let (code, out) = crossqr(&["parse"], None);
    assert_eq!((code, out["error"]["code"].as_str()), (1, Some("invalid_argument")));
    let (code, out) = crossqr(&["parse", "--now-ms", "soon", payload], None);
    assert_eq!((code, out["error"]["code"].as_str()), (1, Some("invalid_argument")));
}

//! Every code of the real-world corpus (`tests/fixtures/real-world/corpus.jsonl`) through the
//! `crossqr parse` binary: one JSON line, exit 0 with the expected fields (the primary account's
//! `bank` among `accounts`, warnings as `{code, message}`), or exit 1 with the exact error code.

use std::process::Command;

use serde_json::Value;

#[test]
fn every_real_world_code_through_the_cli() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/real-world/corpus.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let mut count = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let (id, payload) = (case["id"].as_str().unwrap(), case["payload"].as_str().unwrap());
        let now = case["now_ms"].to_string();
        let run =
            Command::new(env!("CARGO_BIN_EXE_crossqr")).args(["parse", "--now-ms", &now, payload]).output().unwrap();
        let stdout = String::from_utf8(run.stdout).unwrap();
        assert_eq!(stdout.lines().count(), 1, "{id}: exactly one JSON line: {stdout}");
        let out: Value = serde_json::from_str(&stdout).unwrap();
        match case.get("expect_error") {
            Some(want) => {
                assert_eq!(run.status.code(), Some(1), "{id}: {out}");
                assert_eq!(&out["error"]["code"], want, "{id}: {out}");
            }
            None => {
                assert_eq!(run.status.code(), Some(0), "{id}: {out}");
                let expect = case["expect"].as_object().unwrap();
                for (key, want) in expect {
                    let got = match key.as_str() {
                        "bank" => primary_bank(&out),
                        "warnings" => Value::Array(
                            out["warnings"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .map(|w| {
                                    assert!(w["message"].as_str().is_some_and(|m| !m.is_empty()), "{id}: {w}");
                                    w["code"].clone()
                                })
                                .collect(),
                        ),
                        _ => out[key].clone(),
                    };
                    assert_eq!(&got, want, "{id}: field {key}: {out}");
                }
                for account in out["accounts"].as_array().unwrap() {
                    assert!(account.get("bank").is_some(), "{id}: every account has a bank field: {account}");
                }
            }
        }
        count += 1;
    }
    assert!(count >= 150, "only {count} codes");
}

/// The `bank` of the account `crossqr parse` names as primary (`account`, in the code's scheme).
fn primary_bank(out: &Value) -> Value {
    let accounts = out["accounts"].as_array().unwrap();
    accounts
        .iter()
        .find(|a| a["id"] == out["account"] && a["scheme"] == out["scheme"])
        .or_else(|| accounts.iter().find(|a| a["id"] == out["account"]))
        .map_or(Value::Null, |a| a["bank"].clone())
}

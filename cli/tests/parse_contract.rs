//! The `crossqr parse` contract, through the binary: every shared vector, stdin, and error JSON.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

const FIELDS: [&str; 17] = [
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
    "tip",
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

/// `crossqr generate khqr` for the test café, with `extra` arguments; panics unless it succeeds.
fn generate_cafe(extra: &[&str]) -> Value {
    let mut args = vec!["generate", "khqr", "--account", "cafe@devb", "--name", "Cafe", "--city", "Phnom Penh"];
    args.extend_from_slice(extra);
    let (code, out) = crossqr(&args, None);
    assert_eq!(code, 0, "{out}");
    out
}

#[test]
fn every_vector_through_the_cli() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/vectors/parse.jsonl");
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
                let want = expected.as_str().unwrap_or_else(|| panic!("{payload}: a refusal names its error code"));
                assert_eq!(err["code"], want, "{payload}");
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
    // Whitespace after the code (copy damage) is removed once, and said.
    let (code, out) = crossqr(&["parse", "-"], Some(&format!("{payload}\n\t\n")));
    assert_eq!((code, out["account"].as_str()), (0, Some("jonhsmith@nbcq")), "{out}");
    assert_eq!(out["warnings"][0]["code"], "trailing_whitespace", "{out}");
    assert!(out["warnings"][0]["message"].is_string(), "{out}");
    // Inside the code nothing is changed: a doubled space breaks the framing.
    let (code, out) = crossqr(&["parse", &payload.replace("Jonh Smith", "Jonh  Smith")], None);
    assert_eq!((code, out["error"]["code"].as_str()), (1, Some("malformed")));
    let (code, out) = crossqr(&["parse"], None);
    assert_eq!((code, out["error"]["code"].as_str()), (1, Some("invalid_argument")));
    let (code, out) = crossqr(&["parse", "--now-ms", "soon", payload], None);
    assert_eq!((code, out["error"]["code"].as_str()), (1, Some("invalid_argument")));
}

#[test]
fn accounts_name_their_bank_and_warnings_are_code_and_message() {
    // A VietQR code (bank BIN 970436) on a static sticker that prints amount 0: no amount, one warning.
    let body = "00020101021138570010A00000072701270006970436011300110123456780208QRIBFTTA530370454010\
                5802VN6304";
    let payload = format!("{body}{}", crossqr_core::emv::crc::crc16_hex(body.as_bytes()));
    let (code, out) = crossqr(&["parse", &payload], None);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["accounts"][0]["bank"], serde_json::json!({"id": "970436", "name": "Vietcombank"}));
    assert_eq!(out["amount"], Value::Null);
    assert_eq!(out["warnings"], serde_json::json!([{"code": "zero_amount", "message": out["warnings"][0]["message"]}]));
    // A card account names no bank: null.
    let (_, out) = crossqr(
        &["parse", "00020101021129180014jonhsmith@nbcq5204599953031165802KH5910Jonh Smith6010Phnom Penh6304856B"],
        None,
    );
    assert_eq!(out["accounts"][0]["bank"], serde_json::json!({"id": "nbcq", "name": null}));
    let (_, out) = crossqr(&["parse", "upi://pay?pa=shop@okaxis&pn=Lakshmanan+P"], None);
    assert_eq!((out["merchant_name"].as_str(), &out["accounts"][0]["bank"]), (Some("Lakshmanan P"), &Value::Null));
}

#[test]
fn home_currency_line_for_a_visitor() {
    let now = "1763769600000";
    let expires = "1763773200000";
    let generated = generate_cafe(&["--amount", "32900", "--expires-ms", expires, "--now-ms", now]);
    let payload = generated["payload"].as_str().unwrap();

    let (code, out) = crossqr(
        &[
            "parse",
            "--now-ms",
            now,
            "--home",
            "JPY",
            "--rate",
            "USD/KHR=4100",
            "--rate",
            "USD/JPY=150",
            "--locale",
            "ja",
            payload,
        ],
        None,
    );
    assert_eq!(code, 0, "{out}");
    let home = &out["home"];
    assert_eq!(home["amount"], "1204");
    assert_eq!(home["indicative"], true);
    assert_eq!(home["line"], "KHR\u{a0}32,900 ≈ ￥1,204");
    assert_eq!(home["rate"], "1 JPY ≈ 27.3333 KHR");
    assert_eq!(
        home["lines"].as_array().unwrap().iter().map(|l| l["key"].as_str().unwrap()).collect::<Vec<_>>(),
        ["merchant_amount", "estimate", "indicative_rate", "status"]
    );
    assert_eq!(home["lines"][1]["label"], "概算（手数料を含みません）", "an estimate, never a firm label");
    assert_eq!(out["tip"], Value::Null);

    let file = std::env::temp_dir().join(format!("crossqr-rates-{}.json", std::process::id()));
    std::fs::write(&file, r#"{"as_of_ms": 1763769300000, "rates": {"JPY/KHR": "27.5"}}"#).unwrap();
    let (code, out) = crossqr(
        &["parse", "--now-ms", now, "--home", "JPY", "--rates", file.to_str().unwrap(), "--locale", "km", payload],
        None,
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!((out["home"]["amount"].as_str(), out["home"]["rate_age_ms"].as_i64()), (Some("1196"), Some(300_000)));
    assert_eq!(out["home"]["line"], "32,900៛ ≈ 1,196\u{a0}JP¥");

    let (code, out) = crossqr(&["parse", "--now-ms", now, "--home", "JPY", "--rate", "USD/THB=35", payload], None);
    assert_eq!((code, out["error"]["code"].as_str()), (1, Some("no_rate")));
    let refused = |rates: &[&str], locale: &str| {
        let mut args = vec!["parse", "--now-ms", now, "--home", "USD", "--locale", locale];
        for r in rates {
            args.extend(["--rate", r]);
        }
        args.push(payload);
        let (code, out) = crossqr(&args, None);
        assert_eq!(code, 1, "{out}");
        out["error"]["code"].as_str().unwrap().to_owned()
    };
    assert_eq!(refused(&["KHR/USD=4100"], "en"), "implausible_rate", "a pair the wrong way round");
    assert_eq!(refused(&["USD/KHR=+4100"], "en"), "invalid_rate");
    assert_eq!(refused(&["USD/KHR=4_100"], "en"), "invalid_rate");
    assert_eq!(refused(&["USD/KHR=4.1e3"], "en"), "invalid_rate");
    assert_eq!(refused(&["USD/KHR=4100", "USD/KHR=4000"], "en"), "invalid_rate", "the same pair twice");
    assert_eq!(refused(&["USD/KHR=4100"], "fr"), "unsupported_locale");
    assert_eq!(refused(&["USD/KHR=4100"], "zh-Latn"), "unsupported_locale");
    for (as_of, want) in [("0", "rates_stale"), ("1763773200000", "invalid_rate")] {
        std::fs::write(&file, format!(r#"{{"as_of_ms": {as_of}, "rates": {{"USD/KHR": "4100", "USD/JPY": "150"}}}}"#))
            .unwrap();
        let (code, out) =
            crossqr(&["parse", "--now-ms", now, "--home", "JPY", "--rates", file.to_str().unwrap(), payload], None);
        assert_eq!((code, out["error"]["code"].as_str()), (1, Some(want)), "rates dated {as_of}");
    }
    std::fs::remove_file(&file).ok();
    let (code, out) = crossqr(
        &["parse", "--now-ms", now, "--home", "USD", "--rate", "USD/KHR=4100", "--locale", "zh-TW", payload],
        None,
    );
    assert_eq!((code, out["home"]["line"].as_str()), (0, Some("KHR\u{a0}32,900 ≈ US$8.02")), "{out}");
    assert_eq!(out["home"]["lines"][0]["label"], "商店實收金額", "Traditional labels for zh-TW");
    let (code, out) = crossqr(&["parse", "--now-ms", now, "--home", "XYZ", payload], None);
    assert_eq!((code, out["error"]["code"].as_str()), (1, Some("unknown_currency")));
    let (code, out) = crossqr(&["parse", "--now-ms", now, payload], None);
    assert_eq!((code, out["home"].is_null()), (0, true));
}

/// A dynamic JPQR for ¥1,000 in Osaka with the EMVCo tip fields `tip` (55–57).
fn jpqr_with_tip(tip: &[(u8, &str)]) -> String {
    let mut enc = crossqr_core::emv::Encoder::new();
    enc.push(0, "01").unwrap().push(1, "12").unwrap();
    let store = [(1u8, "0000000000001"), (2, "0001"), (3, "000001"), (4, "000001")];
    let subs: Vec<(u8, Option<&str>)> =
        std::iter::once((0, Some("jp.or.paymentsjapan"))).chain(store.iter().map(|(i, v)| (*i, Some(*v)))).collect();
    enc.push_template(26, &subs).unwrap();
    enc.push(52, "5812").unwrap().push(53, "392").unwrap().push(54, "1000").unwrap();
    for (id, value) in tip {
        enc.push(*id, value).unwrap();
    }
    enc.push(58, "JP").unwrap().push(59, "Izakaya").unwrap().push(60, "OSAKA").unwrap();
    enc.finish().unwrap()
}

#[test]
fn the_code_s_fee_and_tip_are_reported_and_paid_to_the_merchant() {
    let estimate = |tip: &[(u8, &str)], extra: &[&str]| {
        let payload = jpqr_with_tip(tip);
        let mut args = vec!["parse", "--home", "USD", "--rate", "USD/JPY=125"];
        args.extend_from_slice(extra);
        args.push(&payload);
        crossqr(&args, None)
    };
    let (code, out) = estimate(&[(55, "02"), (56, "100")], &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["tip"], serde_json::json!({"kind": "fixed", "amount": "100"}));
    assert_eq!(out["home"]["amount"], "8.80", "¥1,100 at 125: the fee is paid to the merchant too");
    let lines: Vec<(&str, &str)> = out["home"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .map(|l| (l["key"].as_str().unwrap(), l["value"].as_str().unwrap()))
        .collect();
    assert_eq!(lines, [("price", "¥1,000"), ("convenience_fee", "¥100"), ("merchant_amount", "¥1,100")]);

    let (code, out) = estimate(&[(55, "03"), (57, "3.5")], &[]);
    assert_eq!((code, &out["tip"]), (0, &serde_json::json!({"kind": "percent", "percent": "3.5"})));
    assert_eq!(out["home"]["amount"], "8.28", "¥1,035 at 125");

    let (code, out) = estimate(&[(55, "01")], &["--tip", "250"]);
    assert_eq!((code, &out["tip"]), (0, &serde_json::json!({"kind": "prompt"})));
    assert_eq!(out["home"]["amount"], "10.00", "¥1,250 at 125: the tip entered");
    let (code, out) = estimate(&[(55, "01")], &[]);
    assert_eq!((code, out["home"]["amount"].as_str()), (0, Some("8.00")), "no tip entered");
    let (code, out) = estimate(&[(55, "02"), (56, "100")], &["--tip", "250"]);
    assert_eq!((code, out["error"]["code"].as_str()), (1, Some("invalid_amount")), "the code asks for no tip");
    let (code, out) = estimate(&[(55, "01")], &["--tip", "2.5"]);
    assert_eq!((code, out["error"]["code"].as_str()), (1, Some("too_many_decimals")), "yen are whole");
}

#[test]
fn scan_reads_generated_codes_and_reports_each_file() {
    let dir = std::env::temp_dir().join(format!("crossqr-scan-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("khqr.png");
    let generated = generate_cafe(&["--lang", "km", "--alt-name", "ហាងកាហ្វេ", "--png", png.to_str().unwrap()]);
    let out = Command::new(env!("CARGO_BIN_EXE_crossqr"))
        .args(["scan", "--json", "--parse", png.to_str().unwrap(), dir.join("missing.png").to_str().unwrap()])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(1), "one unreadable file fails the command");
    let lines: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    let first = &lines[0];
    assert_eq!(first["codes"][0]["text"], generated["payload"]);
    assert_eq!(first["codes"][0]["corners"].as_array().unwrap().len(), 4);
    assert_eq!(first["codes"][0]["parsed"]["merchant_name_alt"], "ហាងកាហ្វេ");
    assert!(first["ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(lines[1]["error"]["code"], "image_unreadable");
}

#[test]
fn scan_camera_feeds_files_as_one_session_and_sums_it_up() {
    let dir = std::env::temp_dir().join(format!("crossqr-scan-camera-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("khqr.png");
    let generated = generate_cafe(&["--png", png.to_str().unwrap()]);
    let empty = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/scan-corpus/no-code/01.png");
    let png = png.to_str().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_crossqr"))
        .args(["scan", "--camera", "--budget-ms", "500", empty, png, png])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4, "a line per frame and the summary");
    assert_eq!(lines[0]["codes"], serde_json::json!([]));
    assert_eq!(lines[1]["codes"][0]["text"], generated["payload"]);
    assert_eq!(lines[2]["file"], png);
    let summary = &lines[3]["summary"];
    assert_eq!((summary["frames"].as_u64(), summary["first_read_frame"].as_u64()), (Some(3), Some(2)));
    let frame_ms: Vec<f64> = lines[..3].iter().map(|l| l["ms"].as_f64().unwrap()).collect();
    let total = summary["total_ms"].as_f64().unwrap();
    assert!((total - frame_ms.iter().sum::<f64>()).abs() < 0.01, "{summary} vs {frame_ms:?}");
    assert_eq!(summary["max_ms"].as_f64(), frame_ms.iter().copied().reduce(f64::max));
}

#[test]
fn demo_pays_every_scenario_and_ends_with_a_status_line() {
    demo(&["demo"], "http://127.0.0.1:");
}

#[test]
fn demo_over_https_pays_the_same_way() {
    demo(&["demo", "--tls"], "https://127.0.0.1:");
}

/// Runs the demo with `args`: every payment settles, the switch is where `url` says, the last line is the status.
fn demo(args: &[&str], url: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_crossqr")).args(args).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.lines().next().unwrap().contains(&format!("reference switch on {url}")), "{text}");
    let last: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["status"], "settled");
    let payments = last["payments"].as_array().unwrap();
    let schemes: Vec<&str> = payments.iter().map(|p| p["scheme"].as_str().unwrap()).collect();
    assert_eq!(schemes, ["jpqr", "khqr", "alipay_plus", "weixin_pay", "khqr"]);
    assert!(payments.iter().all(|p| p["status"] == "settled" && p["payment_id"].as_str().unwrap().len() == 32));
    assert_eq!(payments[1]["credit"], serde_json::json!({"currency": "KHR", "value": "32900"}));
    assert_eq!(
        (payments[3]["credit"]["currency"].as_str(), payments[3]["debit"]["currency"].as_str()),
        (Some("CNY"), Some("USD"))
    );
    assert_eq!(payments[4]["wallet"], "visitor_cny");
    assert_eq!(
        (payments[4]["debit"]["currency"].as_str(), payments[4]["credit"]["value"].as_str()),
        (Some("CNY"), Some("24600"))
    );
    // Every confirm block discloses the markup over the reference rate, in the wallet's language.
    for markup in ["Markup over reference rate", "基準レートに対する上乗せ率", "较基准汇率加价"] {
        assert!(text.contains(markup), "{markup}");
    }
    assert_eq!(text.matches("1.00%").count(), 5, "one markup line per confirm block");
    assert!(text.contains("preview  Estimate, before fees ≈ $"), "the preview is labelled an estimate");
    assert!(text.contains("camera   jpqr-osaka.png"), "the JPQR sticker is read from its photo");
    assert!(text.contains("camera   khqr-phnom-penh.png"), "the KHQR sticker is read from its photo");
}

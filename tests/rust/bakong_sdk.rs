//! Codes crossqr generates verify with the official `bakong-khqr` npm SDK and decode to the same
//! fields there.

use crossqr_core::clock::system_now_ms;
use crossqr_core::money::{Currency, Decimal};
use crossqr_core::schemes::khqr::{KhqrAccount, KhqrRequest, generate};
use crossqr_tests::bakong_sdk;
use serde_json::Value;

/// A spread of requests: both account types, both currencies, static and dynamic, every optional field,
/// Khmer alternate names.
fn requests(now: i64) -> Vec<KhqrRequest> {
    let mut out = Vec::new();
    let amounts: [(Currency, Option<&str>); 6] = [
        (Currency::KHR, None),
        (Currency::USD, None),
        (Currency::KHR, Some("32900")),
        (Currency::USD, Some("1.1")),
        (Currency::USD, Some("1250")),
        (Currency::USD, Some("0.01")),
    ];
    for (i, (currency, amount)) in amounts.into_iter().enumerate() {
        for merchant in [false, true] {
            let mut req = KhqrRequest {
                currency,
                amount: amount.map(|a| a.parse::<Decimal>().unwrap()),
                expires_at_ms: amount.map(|_| now + 3_600_000),
                ..KhqrRequest::individual(format!("shop{i}@devb"), format!("Shop Number {i}"))
            };
            if merchant {
                req.account =
                    KhqrAccount::Merchant { merchant_id: format!("M{i:05}"), acquiring_bank: "Dev Bank".into() };
                req.merchant_city = Some("Siem Reap".into());
                req.bill_number = Some(format!("INV-{i}"));
                req.mobile_number = Some("85512345678".into());
                req.store_label = Some("Store 1".into());
                req.terminal_label = Some("T-01".into());
                req.purpose = Some("coffee".into());
                req.mcc = Some("5814".into());
            } else {
                req.account =
                    KhqrAccount::Individual { account_information: Some("012345678".into()), acquiring_bank: None };
                req.alt_language = Some("km".into());
                req.alt_name = Some("ហាងកាហ្វេ".into());
                req.alt_city = Some("ភ្នំពេញ".into());
                if currency == Currency::KHR {
                    req.unionpay = Some("6212345678901234567".into());
                }
            }
            out.push(req);
        }
    }
    out
}

#[test]
fn generated_codes_verify_with_the_official_sdk() {
    let now = system_now_ms();
    let requests = requests(now);
    let payloads: Vec<String> = requests.iter().map(|r| generate(r, now).unwrap().payload).collect();
    let answers = bakong_sdk(&payloads, &[]);
    assert_eq!(answers.len(), payloads.len());
    for ((req, payload), answer) in requests.iter().zip(&payloads).zip(&answers) {
        assert_eq!(answer["valid"], Value::Bool(true), "SDK refused {payload}");
        let d = &answer["decoded"];
        assert_eq!(d["bakongAccountID"], req.account_id.as_str(), "{payload}");
        assert_eq!(d["merchantName"], req.merchant_name.as_str());
        assert_eq!(d["transactionCurrency"], req.currency.numeric_str().as_str());
        let amount = d["transactionAmount"].as_str().map(|a| a.parse::<Decimal>().unwrap());
        assert_eq!(amount, req.amount, "{payload}");
        assert_eq!(d["expirationTimestamp"].as_str().map(|e| e.parse::<i64>().unwrap()), req.expires_at_ms);
        assert_eq!(d["merchantNameAlternateLanguage"].as_str(), req.alt_name.as_deref());
        if let KhqrAccount::Merchant { merchant_id, acquiring_bank } = &req.account {
            assert_eq!(
                (d["merchantID"].as_str(), d["acquiringBank"].as_str()),
                (Some(merchant_id.as_str()), Some(acquiring_bank.as_str()))
            );
        }
    }
}

#[test]
fn the_sdk_and_crossqr_agree_on_refusals() {
    // A dynamic code whose expiry has passed, and a bad CRC: both refuse.
    let now = system_now_ms();
    let req = KhqrRequest {
        amount: Some(Decimal::from(100)),
        expires_at_ms: Some(now + 1),
        ..KhqrRequest::individual("a@devb", "A")
    };
    let expired = generate(&req, now).unwrap().payload;
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut bad_crc = generate(&KhqrRequest::individual("a@devb", "A"), now).unwrap().payload;
    bad_crc.replace_range(bad_crc.len() - 1.., if bad_crc.ends_with('0') { "1" } else { "0" });
    let answers = bakong_sdk(&[expired.clone(), bad_crc.clone()], &[]);
    for (payload, answer) in [expired, bad_crc].iter().zip(&answers) {
        assert_eq!(answer["valid"], Value::Bool(false), "{payload}");
        assert!(crossqr_core::parse_at(payload, system_now_ms()).is_err(), "{payload}");
    }
}

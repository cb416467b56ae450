//! KHQR generation: the official SDK's expected layouts, its refusals, and md5.

use std::str::FromStr;

use crossqr_core::money::{Currency, Decimal};
use crossqr_core::schemes::khqr::{KhqrAccount, KhqrRequest, generate, md5_hex};
use crossqr_core::{ErrorCode, parse_at};

const NOW: i64 = 1_763_769_600_000;

fn dynamic(currency: Currency, amount: &str) -> KhqrRequest {
    KhqrRequest {
        currency,
        amount: Some(Decimal::from_str(amount).unwrap()),
        expires_at_ms: Some(NOW + 60_000),
        ..KhqrRequest::individual("jonhsmith@nbcq", "Jonh Smith")
    }
}

/// The SDK's `individualGenerate.test.js` expectations are the code before tag 99 and the CRC.
#[test]
fn matches_the_sdk_layout() {
    let mut req = dynamic(Currency::USD, "1");
    req.merchant_city = Some("PHNOM PENH".into());
    req.bill_number = Some("INV-2021-07-65822".into());
    let out = generate(&req, NOW).unwrap();
    let stamps = format!("99340013{NOW}0113{}", NOW + 60_000);
    assert_eq!(
        out.payload[..out.payload.len() - 8],
        format!(
            "00020101021229180014jonhsmith@nbcq520459995303840540115802KH5910Jonh Smith6010PHNOM PENH62210117INV-2021-07-65822{stamps}"
        )
    );
    assert_eq!(out.md5, md5_hex(&out.payload));
    assert_eq!(out.md5.len(), 32);

    let mut req = dynamic(Currency::KHR, "50000");
    req.mobile_number = Some("85512345678".into());
    req.bill_number = Some("INV-2021-07-65822".into());
    req.store_label = Some("BKK-1".into());
    req.terminal_label = Some("012345".into());
    req.merchant_city = Some("Siam Reap".into());
    let out = generate(&req, NOW).unwrap();
    assert!(out.payload.starts_with("00020101021229180014jonhsmith@nbcq5204599953031165405500005802KH5910Jonh Smith6009Siam Reap62550117INV-2021-07-658220211855123456780305BKK-10706012345"), "{}", out.payload);

    let static_code = generate(&KhqrRequest::individual("jonhsmith@nbcq", "Jonh Smith"), NOW).unwrap();
    assert_eq!(
        static_code.payload,
        "00020101021129180014jonhsmith@nbcq5204599953031165802KH5910Jonh Smith6010Phnom Penh6304856B"
    );
}

#[test]
fn usd_amounts_are_written_like_the_sdk() {
    for (input, written) in
        [("1", "54011"), ("1.1", "54041.10"), ("1.10", "54041.10"), ("10.00", "540210"), ("0.5", "54040.50")]
    {
        let out = generate(&dynamic(Currency::USD, input), NOW).unwrap();
        assert!(out.payload.contains(&format!("5303840{written}5802")), "{input}: {}", out.payload);
    }
}

#[test]
fn merchant_codes_carry_merchant_id_and_bank() {
    let req = KhqrRequest {
        account: KhqrAccount::Merchant { merchant_id: "123456".into(), acquiring_bank: "Dev Bank".into() },
        currency: Currency::USD,
        ..KhqrRequest::individual("jonhsmith@devb", "Jonh Smith")
    };
    let out = generate(&req, NOW).unwrap();
    assert_eq!(
        out.payload,
        "00020101021130400014jonhsmith@devb01061234560208Dev Bank5204599953038405802KH5910Jonh Smith6010Phnom Penh630484CA"
    );
}

#[test]
fn refuses_what_the_sdk_refuses() {
    let base = || KhqrRequest::individual("jonhsmith@nbcq", "Jonh Smith");
    let cases: Vec<(KhqrRequest, ErrorCode)> = vec![
        (KhqrRequest { account_id: String::new(), ..base() }, ErrorCode::MissingField),
        (KhqrRequest { account_id: "jonhsmith".into(), ..base() }, ErrorCode::InvalidField),
        (KhqrRequest { account_id: format!("{}@nbcq", "j".repeat(28)), ..base() }, ErrorCode::InvalidField),
        (KhqrRequest { merchant_name: String::new(), ..base() }, ErrorCode::MissingField),
        (KhqrRequest { merchant_name: "x".repeat(26), ..base() }, ErrorCode::InvalidField),
        (KhqrRequest { merchant_city: Some("x".repeat(16)), ..base() }, ErrorCode::InvalidField),
        (KhqrRequest { currency: Currency::JPY, ..base() }, ErrorCode::InvalidField),
        (KhqrRequest { amount: Some(Decimal::from(5)), ..base() }, ErrorCode::MissingField),
        (KhqrRequest { expires_at_ms: Some(NOW + 1), ..base() }, ErrorCode::InvalidField),
        (KhqrRequest { expires_at_ms: Some(NOW - 1), ..dynamic(Currency::KHR, "100") }, ErrorCode::InvalidField),
        (KhqrRequest { expires_at_ms: Some(99_999), ..dynamic(Currency::KHR, "100") }, ErrorCode::InvalidField),
        (dynamic(Currency::KHR, "100.5"), ErrorCode::InvalidField),
        (dynamic(Currency::USD, "1.005"), ErrorCode::InvalidField),
        (dynamic(Currency::USD, "-1"), ErrorCode::InvalidField),
        (dynamic(Currency::USD, "0"), ErrorCode::InvalidField),
        (dynamic(Currency::KHR, "99999999999999"), ErrorCode::InvalidField),
        (KhqrRequest { mcc: Some("12345".into()), ..base() }, ErrorCode::InvalidField),
        (KhqrRequest { mcc: Some("12a".into()), ..base() }, ErrorCode::InvalidField),
        (KhqrRequest { bill_number: Some("x".repeat(26)), ..base() }, ErrorCode::InvalidField),
        (KhqrRequest { mobile_number: Some(String::new()), ..base() }, ErrorCode::InvalidField),
        (KhqrRequest { purpose: Some("line\nbreak".into()), ..base() }, ErrorCode::InvalidField),
        (KhqrRequest { unionpay: Some("62".into()), currency: Currency::USD, ..base() }, ErrorCode::InvalidField),
        (KhqrRequest { alt_name: Some("ចន".into()), ..base() }, ErrorCode::MissingField),
        (KhqrRequest { alt_language: Some("km".into()), ..base() }, ErrorCode::MissingField),
        (
            KhqrRequest { alt_language: Some("km".into()), alt_name: Some("ក".repeat(26)), ..base() },
            ErrorCode::InvalidField,
        ),
        (
            KhqrRequest {
                account: KhqrAccount::Merchant { merchant_id: String::new(), acquiring_bank: "b".into() },
                ..base()
            },
            ErrorCode::MissingField,
        ),
        (
            KhqrRequest {
                account: KhqrAccount::Merchant { merchant_id: "m".into(), acquiring_bank: "b".repeat(33) },
                ..base()
            },
            ErrorCode::InvalidField,
        ),
    ];
    for (req, want) in cases {
        let got = generate(&req, NOW).map(|g| g.payload);
        assert_eq!(got.as_ref().map_err(|e| e.code), Err(want), "{req:?}");
    }
}

#[test]
fn generated_codes_read_back() {
    let req = KhqrRequest {
        mcc: Some("42".into()),
        unionpay: Some("6212345678901234".into()),
        alt_language: Some("km".into()),
        alt_name: Some("ចន ស្មីន".into()),
        alt_city: Some("ភ្នំពេញ".into()),
        purpose: Some("coffee".into()),
        ..dynamic(Currency::KHR, "32900")
    };
    let out = generate(&req, NOW).unwrap();
    let code = parse_at(&out.payload, NOW).unwrap();
    let s = code.summary();
    assert_eq!(s.scheme, "khqr");
    assert_eq!(
        (s.mcc.as_deref(), s.amount.as_deref(), s.currency.as_deref()),
        (Some("0042"), Some("32900"), Some("KHR"))
    );
    assert_eq!((s.merchant_name_alt.as_deref(), s.merchant_city_alt.as_deref()), (Some("ចន ស្មីន"), Some("ភ្នំពេញ")));
    assert_eq!((s.created_at_ms, s.expires_at_ms), (Some(NOW), Some(NOW + 60_000)));
    assert_eq!(s.md5.as_deref(), Some(out.md5.as_str()));
    assert_eq!(s.accounts.len(), 2);
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

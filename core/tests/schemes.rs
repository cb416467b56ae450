//! Scheme recognition against real bank stickers, every linked scheme, the official KHQR SDK's
//! invalid cases, URL codes and consumer-presented codes.

use crossqr_core::emv::crc::crc16_hex;
use crossqr_core::schemes::{KhqrAccountType, SchemeDetails};
use crossqr_core::{ErrorCode, PaymentCode, Scheme, parse_at};

const NOW: i64 = 1_763_769_600_000; // 2025-11-22T00:00:00Z

/// `body` + `6304` + its CRC.
fn code(body: &str) -> String {
    let mut s = format!("{body}6304");
    s += &crc16_hex(s.as_bytes());
    s
}

/// One data object with its character length.
fn t(id: &str, value: &str) -> String {
    format!("{id}{:02}{value}", value.chars().count())
}

fn ok(payload: &str) -> PaymentCode {
    parse_at(payload, NOW).unwrap_or_else(|e| panic!("{payload}: {} {}", e.code.as_str(), e.message))
}

fn err(payload: &str) -> ErrorCode {
    match parse_at(payload, NOW) {
        Ok(c) => panic!("{payload} parsed as {:?}", c.summary()),
        Err(e) => e.code,
    }
}

fn accounts(code: &PaymentCode) -> Vec<(Option<&str>, Scheme, &str)> {
    code.accounts.iter().map(|a| (a.tag.as_deref(), a.scheme, a.id.as_str())).collect()
}

fn warning_codes(code: &PaymentCode) -> Vec<&'static str> {
    code.warnings.iter().map(|w| w.code.as_str()).collect()
}

#[test]
fn aba_sticker_with_card_tags_and_bank_data_in_99() {
    let c = ok(
        "000201010211021641277800000000980416518352888000006030470016abaakhppxxx@abaa01153166007701102420204abaa5204224253038405802KH5910USD OUTLET6010PHNOM PENH62250509115B02750070827CE19809924001339CA026411FDA6803mmp63043870",
    );
    assert_eq!(c.scheme, Scheme::Khqr);
    assert_eq!(c.dynamic, Some(false));
    assert_eq!(
        accounts(&c),
        [
            (Some("02"), Scheme::Visa, "4127780000000098"),
            (Some("04"), Scheme::Mastercard, "5183528880000060"),
            (Some("30"), Scheme::Khqr, "abaakhppxxx@abaa"),
        ]
    );
    assert_eq!(c.primary_account().unwrap().id, "abaakhppxxx@abaa");
    assert_eq!(c.merchant.mcc.as_deref(), Some("2242"));
    assert_eq!(c.additional.reference_label.as_deref(), Some("115B02750"));
    assert_eq!(c.additional.terminal_label.as_deref(), Some("27CE1980"));
    assert_eq!((c.created_at_ms, c.expires_at_ms), (None, None));
    let SchemeDetails::Khqr(k) = &c.details else { panic!("{:?}", c.details) };
    assert_eq!(k.account_type, KhqrAccountType::Merchant);
    assert_eq!((k.merchant_id.as_deref(), k.acquiring_bank.as_deref()), (Some("316600770110242"), Some("abaa")));
    assert_eq!(k.md5.len(), 32);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    assert_eq!(c.objects.iter().find(|o| o.id == 99).unwrap().children.len(), 2, "99 kept raw for audit");
}

#[test]
fn acleda_sticker_with_uppercase_language() {
    let c = ok(
        "00020101021130470009khqr@aclb0111855124649170215ACLEDA Bank Plc5204599953038405802KH5907BUN MAO6010Phnom Penh6102126213020901050033164310002KM0107BUN MAO0210Phnom Penh6304E313",
    );
    assert_eq!((c.scheme, c.merchant.language.as_deref()), (Scheme::Khqr, Some("km")));
    assert_eq!(c.merchant.name_alt.as_deref(), Some("BUN MAO"));
    assert_eq!(c.merchant.postal_code.as_deref(), Some("12"));
    assert_eq!(c.additional.mobile_number.as_deref(), Some("010500331"));
}

#[test]
fn dynamic_khqr_expires_against_the_injected_clock() {
    let p = "00020101021229460015john_smith@devb0111855122334550208Dev Bank52045999530384054031005802KH5910John Smith6010PHNOM PENH62670106#123450211855122334550311Coffee Shop0709Cashier_10810Buy coffee64280002km0108ចន ស្មីន0206ភ្នំពញ993400131726821915797011317268220357976304B73E";
    let c = parse_at(p, 1_726_822_000_000).unwrap();
    assert_eq!((c.dynamic, c.amount.unwrap().amount().to_string()), (Some(true), "100".into()));
    assert_eq!((c.created_at_ms, c.expires_at_ms), (Some(1_726_821_915_797), Some(1_726_822_035_797)));
    assert_eq!(c.merchant.city_alt.as_deref(), Some("ភ្នំពញ"));
    assert_eq!(c.additional.purpose.as_deref(), Some("Buy coffee"));
    assert!(parse_at(p, 1_726_822_035_797).is_ok(), "valid up to and including the expiry instant");
    assert_eq!(parse_at(p, 1_726_822_035_798).unwrap_err().code, ErrorCode::Expired);
}

/// The official SDK's own invalid cases (its `valid.test.js` and `decode.test.js`), completed the way
/// its tests complete them: a dynamic timestamp valid at `NOW`, then the CRC.
#[test]
fn sdk_invalid_cases() {
    let stamps = format!("99340013{}0113{}", NOW - 1000, NOW + 60_000);
    let cases = [
        (
            "00020101021252045999530384054035.05802KH5916john smith actor6010Phnom Penh62150111Invoice#069",
            ErrorCode::MissingField,
        ),
        (
            "00020101021229190015john_smith@devb530384054035.05802KH5916john smith actor6010Phnom Penh62150111Invoice#069",
            ErrorCode::MissingField,
        ),
        ("00020101021229190015john_smith@devb5204599953048840", ErrorCode::InvalidField),
        (
            "00020101021229190015john_smith@devb5204599954035.05802KH5916john smith actor6010Phnom Penh62150111Invoice#069",
            ErrorCode::MissingField,
        ),
        ("00020101021229190015john_smith@devb52045999530384054035.05803KKH", ErrorCode::InvalidField),
        (
            "00020101021229190015john_smith@devb52045999530384054035.05916john smith actor6010Phnom Penh62150111Invoice#069",
            ErrorCode::MissingField,
        ),
        (
            "00020101021229190015john_smith@devb52045999530384054035.05802KH5916john smith actor601701234567890123456",
            ErrorCode::InvalidField,
        ),
        (
            "00020101021229190015john_smith@devb52045999530384054035.05802KH5916john smith actor600062150111Invoice#069",
            ErrorCode::Malformed,
        ),
        (
            "00020101021229190015john_smith@devb52045999530384054035.05802KH5916john smith actor62150111Invoice#069",
            ErrorCode::MissingField,
        ),
        (
            "00020101021229190015john_smith@devb52045999530384054035.05802KH59307PL7EvxHpgpP4jT4uMgegaYqgv3Ehb6010Phnom Penh",
            ErrorCode::InvalidField,
        ),
        ("00020101021229190015john_smith@devb52045999530384054035.05802KH59006010Phnom Penh", ErrorCode::Malformed),
        (
            "00020101021229190015john_smith@devb52045999530384954035.05802KH5916john smith actor6010Phnom Penh",
            ErrorCode::InvalidField,
        ),
        (
            "00020101021230390035john_smmmmmmmmmmmithhhhhhhhhhh@devb52045999530384054035005802KH5910John Smith6010Phnom Penh",
            ErrorCode::InvalidField,
        ),
        (
            "00020101021230190015john_smith@devb520559999530384054035005802KH5910John Smith6010Phnom Penh",
            ErrorCode::InvalidField,
        ),
        (
            "00020101021230190015john_smith@devb5204599953031165414500000000000.05802KH5910John Smith6010Phnom Penh",
            ErrorCode::InvalidField,
        ),
        (
            "00020101021230180014johnsmith@devb52045999530384054035005802KH5910John Smith6010Phnom Penh5807VIETNAM",
            ErrorCode::Malformed,
        ),
        (
            "00020101021230190015john_smith@devb52045999530384054035005802KH5910John Smith6016Phnommmmmmm Penh",
            ErrorCode::InvalidField,
        ),
        (
            "00020101021230190015john_smith@devb52045999530384054035005802KH5929Joooooooooooooooooooohn Smith6010Phnom Penh",
            ErrorCode::InvalidField,
        ),
        ("000201010213301900 15john_smith@devb", ErrorCode::Malformed),
    ];
    for (body, want) in cases {
        let payload = code(&format!("{body}{stamps}"));
        assert_eq!(err(&payload), want, "{body}");
    }
    // Framing faults from the same suites, with and without a CRC.
    for payload in
        ["63046007", "63041234", "000201", "00020101021230190015", "10263041234", "EAB3", "", "   ", "កខគឃង", "null"]
    {
        assert!(parse_at(payload, NOW).is_err(), "{payload:?}");
    }
    // Tags in reverse order: the SDK accepts it; EMVCo requires 00 first.
    assert_eq!(
        err(&code(
            "6250070201030412340211855854989940117INV-2021-07-658226010PHNOM PENH5910Jonh Smith5802KH540115303840520459992926070412340014jonhsmith@nbcq010212000201"
        )),
        ErrorCode::Malformed
    );
}

#[test]
fn khqr_amount_rules() {
    let khqr = |amount: &str, currency: &str| {
        code(&format!(
            "00020101021229180014jonhsmith@nbcq52045999530{currency}54{:02}{amount}5802KH5910Jonh Smith6010Phnom Penh99340013{}0113{}",
            amount.len(),
            NOW - 1,
            NOW + 1
        ))
    };
    assert_eq!(ok(&khqr("5000.0", "3116")).amount.unwrap().amount().to_string(), "5000.0");
    assert_eq!(err(&khqr("5000.5", "3116")), ErrorCode::InvalidField);
    assert_eq!(err(&khqr("1.105", "3840")), ErrorCode::InvalidField);
    assert_eq!(err(&khqr("-1.10", "3840")), ErrorCode::InvalidField);
    assert_eq!(err(&khqr("1,10", "3840")), ErrorCode::InvalidField);
    assert_eq!(err(&khqr("0", "3840")), ErrorCode::MissingField, "a zero amount is no amount: dynamic needs one");
    assert_eq!(err(&khqr("10", "3392")), ErrorCode::InvalidField, "KHQR is KHR or USD only");
    // A static code with a printed amount and no timestamps: the SDK refuses it, a wallet pays it.
    let c = ok(&code("00020101021129180014jonhsmith@nbcq520459995303840540410.05802KH5910Jonh Smith6010Phnom Penh"));
    assert_eq!((c.dynamic, warning_codes(&c)), (Some(false), vec!["static_with_amount"]));
    // Dynamic without an expiry, expiry before creation, malformed timestamps.
    let dynamic = |stamps: &str| {
        code(&format!(
            "00020101021229180014jonhsmith@nbcq52045999530384054031.05802KH5910Jonh Smith6010Phnom Penh{stamps}"
        ))
    };
    assert_eq!(err(&dynamic("")), ErrorCode::MissingField);
    assert_eq!(err(&dynamic(&format!("99170013{NOW}"))), ErrorCode::MissingField);
    assert_eq!(err(&dynamic(&format!("99340013{}0113{}", NOW + 5, NOW + 4))), ErrorCode::InvalidField);
    assert_eq!(err(&dynamic(&format!("99330013{}0112{}", NOW, (NOW + 5) / 10))), ErrorCode::InvalidField);
    assert!(ok(&dynamic(&format!("99170113{}", NOW + 5))).created_at_ms.is_none());
}

#[test]
fn khqr_language_template_rules() {
    let with_64 = |t: &str| {
        code(&format!(
            "00020101021129180014jonhsmith@nbcq5204599953031165802KH5910Jonh Smith6010Phnom Penh64{:02}{t}",
            t.chars().count()
        ))
    };
    assert_eq!(ok(&with_64("0002km0108ចន ស្មីន")).merchant.name_alt.as_deref(), Some("ចន ស្មីន"));
    assert_eq!(err(&with_64("0108ចន ស្មីន")), ErrorCode::MissingField);
    assert_eq!(err(&with_64("0002km")), ErrorCode::MissingField);
    assert_eq!(err(&with_64("0003kmr0108ចន ស្មីន")), ErrorCode::InvalidField);
    assert_eq!(err(&with_64(&[t("00", "km"), t("01", &"ក".repeat(26))].concat())), ErrorCode::InvalidField);
    assert!(
        ok(&with_64(&[t("00", "km"), t("01", &"ក".repeat(25)), t("02", &"ភ".repeat(15))].concat())).warnings.is_empty()
    );
    assert_eq!(
        err(&with_64(&[t("00", "km"), t("01", "x"), t("02", &"ភ".repeat(16))].concat())),
        ErrorCode::InvalidField
    );
}

#[test]
fn khqr_with_unionpay_prefers_bakong() {
    let c = ok(&code(
        "00020101021115231234567812345678901234529180014jonhsmith@nbcq5204599953031165802KH5910Jonh Smith6010Phnom Penh",
    ));
    assert_eq!(c.scheme, Scheme::Khqr);
    assert_eq!(
        accounts(&c),
        [(Some("15"), Scheme::Unionpay, "12345678123456789012345"), (Some("29"), Scheme::Khqr, "jonhsmith@nbcq")]
    );
    let SchemeDetails::Khqr(k) = &c.details else { panic!() };
    assert_eq!(k.unionpay.as_deref(), Some("12345678123456789012345"));
}

#[test]
fn promptpay_is_decided_by_guid_not_by_tag() {
    // dtinth/promptpay-qr's own vector for 000-000-0000.
    let c = ok("00020101021129370016A000000677010111011300660000000005802TH530376463048956");
    assert_eq!((c.scheme, c.primary_account().unwrap().id.as_str()), (Scheme::Promptpay, "0066000000000"));
    assert_eq!(c.currency.unwrap().code(), "THB");
    assert!(c.warnings.is_empty(), "PromptPay credit transfers have no name, city or MCC: {:?}", c.warnings);
    let bill = ok(&code(
        &[
            t("00", "01"),
            t("01", "12"),
            t(
                "30",
                &[t("00", "A000000677010112"), t("01", "010755360000810"), t("02", "1234567890"), t("03", "INV001")]
                    .concat(),
            ),
            t("53", "764"),
            t("54", "50.00"),
            t("58", "TH"),
        ]
        .concat(),
    ));
    assert_eq!((bill.scheme, bill.primary_account().unwrap().id.as_str()), (Scheme::Promptpay, "010755360000810"));
}

#[test]
fn asean_and_indian_schemes() {
    let emv = |account: (&str, String), rest: &[(&str, &str)]| {
        let mut body = [t("00", "01"), t("01", "11"), t(account.0, &account.1)].concat();
        for (id, v) in rest {
            body += &t(id, v);
        }
        code(&body)
    };
    let napas =
        [t("00", "A000000727"), t("01", &[t("00", "970422"), t("01", "VQRQ00000000")].concat()), t("02", "QRIBFTTA")]
            .concat();
    let vietqr =
        ok(&emv(("38", napas), &[("53", "704"), ("54", "200000"), ("58", "VN"), ("62", &t("08", "Thanh toan"))]));
    assert_eq!((vietqr.scheme, vietqr.primary_account().unwrap().id.as_str()), (Scheme::Vietqr, "VQRQ00000000"));
    assert_eq!(
        vietqr.details,
        SchemeDetails::Vietqr { bank_bin: Some("970422".into()), service: Some("QRIBFTTA".into()) }
    );
    assert_eq!(vietqr.amount.unwrap().amount().to_string(), "200000");
    assert_eq!(
        err(&emv(("38", t("00", "A000000727")), &[("53", "704"), ("54", "1.5")])),
        ErrorCode::InvalidField,
        "VND has no minor unit"
    );

    let lapnet =
        [t("00", "A005266284662577"), t("01", "27710418"), t("02", "001"), t("03", "LAOQR2023000000000000000")]
            .concat();
    let lao = ok(&emv(("38", lapnet), &[("53", "418"), ("58", "LA"), ("59", "Lao Store"), ("60", "Vientiane")]));
    assert_eq!((lao.scheme, lao.primary_account().unwrap().id.as_str()), (Scheme::LaoQr, "LAOQR2023000000000000000"));

    let paynet = [t("00", "A0000006150001"), t("01", "890000"), t("02", "000000000000000000000000000527")].concat();
    let duitnow = code(
        &[
            t("00", "02"),
            t("01", "11"),
            t("26", &paynet),
            t("52", "5812"),
            t("53", "458"),
            t("54", "10.50"),
            t("58", "MY"),
        ]
        .concat(),
    );
    let duitnow = ok(&duitnow);
    assert_eq!(
        (duitnow.scheme, duitnow.primary_account().unwrap().id.as_str()),
        (Scheme::Duitnow, "000000000000000000000000000527")
    );
    assert!(!warning_codes(&duitnow).contains(&"payload_format_indicator"), "most DuitNow stickers carry 00=02");
    let bank = duitnow.primary_account().unwrap().bank.clone().unwrap();
    assert_eq!((bank.id.as_str(), bank.name), ("890000", None), "an acquirer the table does not name");

    let paynow_tpl =
        [t("00", "SG.PAYNOW"), t("01", "2"), t("02", "201234567X"), t("03", "0"), t("04", "20251231")].concat();
    let paynow =
        emv(("26", paynow_tpl), &[("52", "0000"), ("53", "702"), ("58", "SG"), ("59", "SHOP A"), ("60", "Singapore")]);
    let p = ok(&paynow);
    assert_eq!((p.scheme, p.primary_account().unwrap().id.as_str()), (Scheme::Paynow, "201234567X"));
    assert_eq!(p.expires_at_ms, Some(1_767_196_799_999));
    assert_eq!(parse_at(&paynow, 1_767_196_800_000).unwrap_err().code, ErrorCode::Expired);
    let bad_date =
        emv(("26", [t("00", "SG.PAYNOW"), t("02", "+6591234567"), t("04", "20251332")].concat()), &[("53", "702")]);
    assert_eq!(err(&bad_date), ErrorCode::InvalidField);

    let sgqr_tpl = [t("00", "SG.SGQR"), t("01", "180521AB1234")].concat();
    let both = code(
        &[
            t("00", "01"),
            t("01", "11"),
            t("26", &[t("00", "SG.PAYNOW"), t("01", "0"), t("02", "+6591234567")].concat()),
            t("51", &sgqr_tpl),
            t("53", "702"),
            t("58", "SG"),
        ]
        .concat(),
    );
    let both = ok(&both);
    assert_eq!(both.scheme, Scheme::Paynow);
    assert_eq!(both.accounts.iter().map(|a| a.scheme).collect::<Vec<_>>(), [Scheme::Paynow, Scheme::Sgqr]);
    let sgqr = ok(&emv(("51", sgqr_tpl), &[("53", "702"), ("58", "SG")]));
    assert_eq!((sgqr.scheme, sgqr.primary_account().unwrap().id.as_str()), (Scheme::Sgqr, "180521AB1234"));

    let qris = code(
        &[
            t("00", "01"),
            t("01", "11"),
            t(
                "26",
                &[t("00", "ID.DANA.WWW"), t("01", "936009153022591481"), t("02", "022591481"), t("03", "UMI")].concat(),
            ),
            t("51", &[t("00", "ID.CO.QRIS.WWW"), t("02", "ID1020021181745"), t("03", "UMI")].concat()),
            t("52", "5812"),
            t("53", "360"),
            t("58", "ID"),
            t("59", "WARUNG MAJU"),
            t("60", "KOTA SURABAYA"),
        ]
        .concat(),
    );
    let qris = ok(&qris);
    assert_eq!((qris.scheme, qris.primary_account().unwrap().id.as_str()), (Scheme::Qris, "ID1020021181745"));
    let issuer = &qris.accounts[0];
    assert_eq!((issuer.scheme, issuer.id.as_str()), (Scheme::Qris, "936009153022591481"), "the issuer's template");
    let bank = issuer.bank.clone().unwrap();
    assert_eq!((bank.id.as_str(), bank.name), ("93600915", Some("DANA")), "named by its NNS");

    let bharat = code(
        &[
            t("00", "01"),
            t("01", "11"),
            t("02", "4556789012345678"),
            t("26", &[t("00", "A000000524"), t("01", "merchant@axis")].concat()),
            t("52", "5411"),
            t("53", "356"),
            t("54", "100"),
            t("58", "IN"),
        ]
        .concat(),
    );
    let bharat = ok(&bharat);
    assert_eq!((bharat.scheme, bharat.primary_account().unwrap().id.as_str()), (Scheme::Bharatqr, "merchant@axis"));
    assert_eq!(accounts(&bharat)[0], (Some("02"), Scheme::Visa, "4556789012345678"));
    let napas_bare = [t("00", "A000000727"), t("01", &[t("00", "970436"), t("01", "0011001234567")].concat())].concat();
    let thb_in_vn = ok(&emv(("38", napas_bare), &[("53", "764"), ("58", "TH")]));
    assert_eq!(thb_in_vn.primary_account().unwrap().bank.as_ref().unwrap().name, Some("Vietcombank"));
    assert_eq!(err(&emv(("38", t("00", "A000000727")), &[("53", "704")])), ErrorCode::MissingField, "no beneficiary");
    let overrun = [t("00", "A000000727"), t("01", "0006970403011200110123456789")].concat();
    assert_eq!(err(&emv(("38", overrun), &[("53", "704")])), ErrorCode::Malformed, "the NAPAS spec's own example");
    assert_eq!(warning_codes(&thb_in_vn)[..2], ["unexpected_currency", "unexpected_country"]);
}

#[test]
fn card_only_and_unknown_codes_are_emvco() {
    let cards = ok(&code(
        &[
            t("00", "01"),
            t("01", "11"),
            t("02", "4556789012345678"),
            t("04", "5183528880000060"),
            t("53", "840"),
            t("58", "US"),
        ]
        .concat(),
    ));
    assert_eq!(cards.scheme, Scheme::Emvco);
    assert_eq!(cards.primary_account().unwrap().scheme, Scheme::Visa);
    let unionpay = ok(&code(
        &[t("00", "01"), t("01", "11"), t("15", "1234567890123456"), t("53", "156"), t("54", "10.00")].concat(),
    ));
    assert_eq!(unionpay.scheme, Scheme::Unionpay);
    assert_eq!(
        err(&code(&[t("00", "01"), t("52", "5812"), t("53", "156"), t("58", "CN")].concat())),
        ErrorCode::MissingField
    );
    assert_eq!(
        err(&code(&[t("00", "01"), t("02", "4556789012345678")].concat())),
        ErrorCode::MissingField,
        "no currency"
    );
    let unknown = [t("00", "2.example.pay"), t("01", "merchant01")].concat();
    let dynamic = ok(&code(&[t("00", "01"), t("01", "12"), t("26", &unknown), t("53", "156"), t("58", "CN")].concat()));
    assert_eq!(dynamic.scheme, Scheme::Emvco);
    assert!(warning_codes(&dynamic).contains(&"dynamic_without_amount"));
    assert_eq!(dynamic.primary_account().unwrap().guid.as_deref(), Some("2.example.pay"));
    assert_eq!(dynamic.primary_account().unwrap().id, "merchant01");
}

#[test]
fn tips_and_fees() {
    let base = "00020101021129180014jonhsmith@nbcq5204599953038405802KH5910Jonh Smith6010Phnom Penh";
    assert_eq!(ok(&code(&format!("{base}550201"))).tip, Some(crossqr_core::schemes::Tip::Prompt));
    let fixed = ok(&code(&format!("{base}55020256041.50")));
    assert!(matches!(fixed.tip, Some(crossqr_core::schemes::Tip::Fixed(m)) if m.amount().to_string() == "1.50"));
    assert_eq!(err(&code(&format!("{base}550203"))), ErrorCode::MissingField);
}

#[test]
fn jpqr_rules() {
    let body = |store: &str, currency: &str, country: &str, extra: &str| {
        code(&format!(
            "00020101021126{:02}0019jp.or.paymentsjapan{store}5204581253{currency}5802{country}5909Cafe Mari6005Tokyo61071066143{extra}",
            23 + store.len()
        ))
    };
    let store = "011300000000000010204000103060000010406000001";
    let lang = "64180002JA0108メルペイ カフェ";
    let c = ok(&body(store, "03392", "JP", &format!("54034986{lang}").replacen("54034986", "5403498", 1)));
    assert_eq!((c.scheme, c.amount.unwrap().amount().to_string()), (Scheme::Jpqr, "498".into()));
    let SchemeDetails::Jpqr(s) = &c.details else { panic!() };
    assert_eq!(
        (s.level1.as_str(), s.level2.as_str(), s.level3.as_str(), s.level4.as_str()),
        ("0000000000001", "0001", "000001", "000001")
    );
    assert_eq!(c.primary_account().unwrap().id, "00000000000010001000001000001");
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    assert_eq!(err(&body(store, "03392", "JP", "5404498.")), ErrorCode::InvalidField);
    assert_eq!(err(&body(store, "03392", "JP", "5405498.5")), ErrorCode::InvalidField);
    assert_eq!(err(&body(store, "03840", "JP", lang)), ErrorCode::InvalidField);
    assert_eq!(err(&body(store, "03392", "KH", lang)), ErrorCode::InvalidField);
    assert_eq!(
        err(&body("01130000000000001020400010306000001040500000", "03392", "JP", lang)),
        ErrorCode::InvalidField
    );
    assert_eq!(err(&body("01130000000000001020400010306000001", "03392", "JP", lang)), ErrorCode::MissingField);
    let no_lang = ok(&body(store, "03392", "JP", ""));
    assert_eq!(warning_codes(&no_lang), ["language_template_missing"]);
}

#[test]
fn url_codes() {
    let upi = ok("upi://pay?pa=shop.one@okaxis&pn=Shop%20One&am=250.50&cu=INR&mc=5411&tn=Order%2042&tr=TR42");
    assert_eq!((upi.scheme, upi.format.as_str()), (Scheme::Upi, "upi_uri"));
    assert_eq!((upi.merchant.name.as_deref(), upi.merchant.mcc.as_deref()), (Some("Shop One"), Some("5411")));
    assert_eq!(upi.amount.unwrap().to_string(), "250.50 INR");
    assert_eq!(upi.primary_account().unwrap().id, "shop.one@okaxis");
    assert!(matches!(&upi.details, SchemeDetails::Upi(u) if u.note.as_deref() == Some("Order 42")));
    assert_eq!(ok("UPI://pay?pa=a@b&pa=c@d").warnings[0].code.as_str(), "duplicate_parameter");
    assert_eq!(err("upi://pay?pn=Shop"), ErrorCode::MissingField);
    assert_eq!(err("upi://pay?pa=shop"), ErrorCode::InvalidField);
    assert_eq!(err("upi://pay?pa=a@b&cu=USD"), ErrorCode::InvalidField);
    assert_eq!(ok("upi://pay?pa=a@b&cu=inr").currency.unwrap().code(), "INR");
    assert_eq!(err("upi://pay?pa=a@b&am=1.234"), ErrorCode::InvalidField);
    assert_eq!(err("upi://mandate?pa=a@b"), ErrorCode::UnsupportedCode);

    for (payload, token) in [
        ("wxp://f2f0ABCdef123456", "f2f0ABCdef123456"),
        ("weixin://wxpay/bizpayurl?pr=Xy12AbC", "Xy12AbC"),
        ("https://payapp.weixin.qq.com/qr/AQH2abc?t=1", "qr/AQH2abc?t=1"),
        ("https://wx.tenpay.com/f2f?t=AQ1", "f2f?t=AQ1"),
        ("HTTPS://ACTION.WEIXIN.QQ.COM/x", "x"),
    ] {
        let c = ok(payload);
        assert_eq!(
            (c.scheme, c.format.as_str(), c.primary_account().unwrap().id.as_str()),
            (Scheme::WeixinPay, "url", token)
        );
        assert!(c.needs_resolution());
    }
    assert_eq!(err("wxp://"), ErrorCode::MissingField);

    let order = ok("https://qr.alipay.com/bax03190uxd47wbekffy6033");
    assert_eq!((order.scheme, order.format.as_str()), (Scheme::AlipayPlus, "url"));
    assert_eq!(order.primary_account().unwrap().id, "bax03190uxd47wbekffy6033");
    // The sample payload of the Alipay+ MPM code spec, Base64.
    let mpm = ok(
        "HTTPS://ACQ.EXAMPLE.COM/MPM/3/R1BMRDA5NVBMVlMwMDIwMUNEU0QwMzMwMTE0U0FNUExFUExBVEZPUk0wMjExU0FNUExFTUVSSURDSVJEMDM5MDExMlNBTVBMRUlTU1VFUjAyMDIxMjAzMTNNSU5JUFJPR1JBTUlE",
    );
    assert_eq!(
        (mpm.scheme, mpm.format.as_str(), mpm.primary_account().unwrap().id.as_str()),
        (Scheme::AlipayPlus, "alipay_plus_mpm", "SAMPLEMERID")
    );
    assert_eq!(err("https://acq.example.com/MPM/3/@@@"), ErrorCode::Malformed);
    assert_eq!(err("https://example.com/pay?x=1"), ErrorCode::UnsupportedCode);
    assert_eq!(err("mailto://x@y"), ErrorCode::UnsupportedCode);
}

#[test]
fn consumer_presented_codes_are_refused() {
    for payload in [
        "hQVDUFYwMWETTwegAAAAAwEQVwgSNFZ4kBI0Vg==",
        "hQVKUFFSMWEa",
        "286543219876543210",
        "134567890123456789",
        "6212345678901234567",
    ] {
        assert_eq!(err(payload), ErrorCode::ConsumerPresentedCode, "{payload}");
    }
    assert_eq!(err("1234567890"), ErrorCode::UnsupportedCode);
    assert_eq!(err("Hello, world"), ErrorCode::UnsupportedCode);
}

/// Variants seen in circulation (research notes, `tests/fixtures/real-world/README.md`) whose own
/// samples have no source that can be named: rebuilt here from their shapes.
#[test]
fn variants_in_circulation() {
    let emv = |parts: &[(&str, &str)]| code(&parts.iter().map(|(id, v)| t(id, v)).collect::<String>());
    let bank = |c: &PaymentCode| c.primary_account().and_then(|a| a.bank.clone()).map(|b| (b.id, b.name));

    // SGQR sticker with an Alipay template beside PayNow and the SGQR label: Alipay+ ranks first.
    let alipay = [t("00", "com.alipay"), t("01", "https://qr.alipay.com/ocx08230mbjrpvogjn4mm17")].concat();
    let paynow = [t("00", "SG.PAYNOW"), t("01", "2"), t("02", "201234567X"), t("03", "0")].concat();
    let sgqr = [t("00", "SG.SGQR"), t("01", "180521AB1234"), t("02", "01.0001")].concat();
    let sticker = ok(&emv(&[
        ("00", "01"),
        ("01", "11"),
        ("26", &paynow),
        ("27", &alipay),
        ("51", &sgqr),
        ("52", "5812"),
        ("53", "702"),
        ("58", "SG"),
        ("59", "KOPI SHOP"),
        ("60", "Singapore"),
    ]));
    assert_eq!(sticker.scheme, Scheme::AlipayPlus);
    assert_eq!(sticker.primary_account().unwrap().id, "https://qr.alipay.com/ocx08230mbjrpvogjn4mm17");
    assert!(sticker.needs_resolution(), "the Alipay+ network resolves what is paid");
    assert!(
        matches!(&sticker.details, SchemeDetails::AlipayPlus(a) if a.order_token.as_deref() == Some("ocx08230mbjrpvogjn4mm17"))
    );
    assert_eq!(
        sticker.accounts.iter().map(|a| a.scheme).collect::<Vec<_>>(),
        [Scheme::Paynow, Scheme::AlipayPlus, Scheme::Sgqr]
    );
    let weixin = [t("00", "COM.QQ.WEIXIN.PAY"), t("01", "10000000")].concat();
    let wx = ok(&emv(&[("00", "01"), ("01", "11"), ("28", &weixin), ("51", &sgqr), ("53", "702"), ("58", "SG")]));
    assert_eq!((wx.scheme, wx.needs_resolution()), (Scheme::WeixinPay, true));

    // Alipay links: a red packet is not a payment; upper-case receive codes are Alipay's.
    assert_eq!(err("https://qr.alipay.com/c1x06611gnoczzqiklpka04"), ErrorCode::UnsupportedCode);
    assert_eq!(ok("HTTPS://QR.ALIPAY.COM/FKX074142EKXD0OIMV8B60").scheme, Scheme::AlipayPlus);

    // UPI: form-encoded values, zero amount, and expiry honoured (the offset's '+' unencoded).
    let upi = ok("upi://pay?pa=lakshmanan@okaxis&pn=Lakshmanan+P&tn=Tea%2BSnacks&am=0.00&cu=INR");
    assert_eq!((upi.merchant.name.as_deref(), upi.amount), (Some("Lakshmanan P"), None));
    assert!(matches!(&upi.details, SchemeDetails::Upi(u) if u.note.as_deref() == Some("Tea+Snacks")));
    assert_eq!(warning_codes(&upi), ["zero_amount"]);
    let dated = "upi://pay?pa=shop.payu@indus&pn=smsplus&am=1.00&QRexpire=2021-08-20T17:48:19+05:30";
    assert_eq!(err(dated), ErrorCode::Expired, "expired in 2021");
    let fresh = parse_at(dated, 1_629_461_899_000).unwrap();
    assert_eq!(fresh.expires_at_ms, Some(1_629_461_899_000), "valid up to the instant written, IST");
    assert_eq!(parse_at(dated, 1_629_461_899_001).unwrap_err().code, ErrorCode::Expired);
    assert!(ok("upi://pay?pa=a@b&QRexpire=").expires_at_ms.is_none(), "an empty expiry is no expiry");
    assert_eq!(err("upi://pay?pa=a@b&QRexpire=tomorrow"), ErrorCode::InvalidField);
    assert_eq!(err("upi://mandate?mn=Autopay&pa=a@b"), ErrorCode::UnsupportedCode);

    // QRIS: the old national repository GUID, and issuer-only codes (BCA's GUID is just "00").
    let old = [t("00", "ID.OR.GPNQR.WWW"), t("02", "ID1020041698835"), t("03", "UKE")].concat();
    let ovo = [t("00", "id.ovo"), t("01", "936009120000604962"), t("02", "yq38ZDs7MI6oaz5"), t("03", "UKE")].concat();
    let indonesian = [("52", "5812"), ("53", "360"), ("58", "ID"), ("59", "Tims Donuts"), ("60", "Jakarta Barat")];
    let with = |accounts: &[(&str, &str)]| {
        let mut parts = vec![("00", "01"), ("01", "11")];
        parts.extend_from_slice(accounts);
        parts.extend_from_slice(&indonesian);
        emv(&parts)
    };
    let legacy = ok(&with(&[("26", &ovo), ("51", &old)]));
    assert_eq!((legacy.scheme, legacy.primary_account().unwrap().id.as_str()), (Scheme::Qris, "ID1020041698835"));
    assert_eq!(legacy.accounts[0].bank.as_ref().unwrap().name, Some("OVO"));
    let bca = [t("00", "00"), t("01", "936000143000616438"), t("02", "000885000616438"), t("03", "UKE")].concat();
    let issuer_only = ok(&with(&[("26", &bca)]));
    assert_eq!((issuer_only.scheme, bank(&issuer_only)), (Scheme::Qris, Some(("93600014".into(), Some("BCA")))));
    assert!(issuer_only.warnings.is_empty(), "{:?}", issuer_only.warnings);
    let no_mcc =
        emv(&[("00", "01"), ("01", "11"), ("51", &old), ("53", "360"), ("58", "ID"), ("59", "X"), ("60", "Y")]);
    assert_eq!(err(&no_mcc), ErrorCode::MissingField, "QRIS requires the category code");

    // PayNow expiry in 14 and 12 digits, Singapore time.
    let paynow_until = |expiry: &str| {
        let tpl = [t("00", "SG.PAYNOW"), t("01", "0"), t("02", "+6591234567"), t("03", "1"), t("04", expiry)].concat();
        emv(&[
            ("00", "01"),
            ("01", "12"),
            ("26", &tpl),
            ("53", "702"),
            ("54", "9.99"),
            ("58", "SG"),
            ("59", "A"),
            ("60", "B"),
        ])
    };
    for expiry in ["20241130230000", "241130230000"] {
        let p = paynow_until(expiry);
        assert_eq!(parse_at(&p, 1_732_978_800_000).unwrap().expires_at_ms, Some(1_732_978_800_000), "{expiry}");
        assert_eq!(parse_at(&p, 1_732_978_800_001).unwrap_err().code, ErrorCode::Expired, "{expiry}");
    }
    assert_eq!(err(&paynow_until("2024113023")), ErrorCode::InvalidField);

    // BharatQR card-only sticker (Visa, Mastercard, RuPay 06, IFSC 08): India in rupees.
    let metro = ok(&emv(&[
        ("00", "01"),
        ("01", "11"),
        ("02", "4403844121055905"),
        ("04", "552202404121055"),
        ("06", "6100030412105598"),
        ("08", "HDFC000000100000303500179145"),
        ("52", "4111"),
        ("53", "356"),
        ("58", "IN"),
        ("59", "DELHI METRO RAIL CORPORAT"),
        ("60", "NEW DELHI"),
    ]));
    assert_eq!((metro.scheme, metro.primary_account().unwrap().scheme), (Scheme::Bharatqr, Scheme::Visa));

    // Not merchant codes: PromptPay's payer-side AID, VNPAY's personal wallet layout.
    let payer = [t("00", "A000000677010114"), t("02", "1101700200000")].concat();
    assert_eq!(
        err(&emv(&[("00", "01"), ("01", "12"), ("29", &payer), ("53", "764"), ("54", "25.50"), ("58", "TH")])),
        ErrorCode::UnsupportedCode
    );
    assert_eq!(
        err(&emv(&[
            ("00", "01"),
            ("01", "10"),
            ("02", "01"),
            ("04", "VNPayWallet"),
            ("07", "0393357158"),
            ("09", "10000")
        ])),
        ErrorCode::UnsupportedCode
    );

    // Banks named by the code: Bakong participant, DuitNow acquirer, Lao IIN.
    let aba = ok(
        "00020101021130470009khqr@aclb0111855124649170215ACLEDA Bank Plc5204599953038405802KH5907BUN MAO6010Phnom Penh6102126213020901050033164310002KM0107BUN MAO0210Phnom Penh6304E313",
    );
    assert_eq!(bank(&aba), Some(("aclb".into(), Some("ACLEDA Bank Plc."))));
    let maybank = [t("00", "A0000006150001"), t("01", "588734"), t("02", "MBBQR1249791")].concat();
    let mosque = ok(&emv(&[
        ("00", "02"),
        ("01", "11"),
        ("26", &maybank),
        ("52", "0000"),
        ("53", "458"),
        ("54", "00.00"),
        ("58", "MY"),
        ("59", "MASJID"),
        ("60", "SELANGOR"),
    ]));
    assert_eq!((bank(&mosque), mosque.amount), (Some(("588734".into(), Some("Maybank"))), None));
    assert_eq!(warning_codes(&mosque), ["zero_amount"], "a DuitNow sticker: only the zero amount is worth saying");
    let jdb = [t("00", "A005266284662577"), t("01", "32170418"), t("02", "002"), t("03", "mch5ba8d8f1f15c")].concat();
    let lao = ok(&emv(&[
        ("00", "01"),
        ("01", "11"),
        ("38", &jdb),
        ("53", "418"),
        ("58", "LA"),
        ("59", "JDB SHOP"),
        ("60", "VT"),
    ]));
    assert_eq!(bank(&lao), Some(("32170418".into(), Some("JDB (Joint Development Bank)"))));

    // Copy damage: whitespace after the CRC is trimmed once and said; case is never folded.
    let sticker_text = "00020101021129180014jonhsmith@nbcq5204599953031165802KH5910Jonh Smith6010Phnom Penh6304856B";
    let trailing = ok(&format!("{sticker_text} \t"));
    assert_eq!((trailing.payload.as_str(), warning_codes(&trailing)), (sticker_text, vec!["trailing_whitespace"]));
    assert_eq!(err(&sticker_text.to_lowercase()), ErrorCode::CrcMismatch);
    assert_eq!(err(&sticker_text.replace("856B", "M2B3")), ErrorCode::CrcMismatch, "a CRC that is not hex");
}

//! Property tests: generated codes read back to what was asked for (KHQR, Khmer names included: the
//! one scheme crossqr generates), and no input — random, a generated code or any code of the
//! real-world corpus mutated (bytes flipped, truncated, inserted), with or without a recomputed CRC —
//! makes the parser panic.

use crossqr_core::emv::crc::crc16_hex;
use crossqr_core::money::{Currency, Decimal};
use crossqr_core::parse_at;
use crossqr_core::schemes::khqr::{KhqrAccount, KhqrRequest, generate};
use proptest::prelude::*;

const NOW: i64 = 1_763_769_600_000;

/// Every payload of `tests/fixtures/real-world/corpus.jsonl`.
fn real_world() -> &'static [String] {
    static CORPUS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/real-world/corpus.jsonl");
        let text = std::fs::read_to_string(path).expect("real-world corpus");
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["payload"].as_str().unwrap().to_owned())
            .collect()
    })
}

/// `payload` with its last `6304` object's CRC recomputed, so the parser gets past the CRC into the
/// field rules.
fn recompute_crc(mut text: String) -> String {
    if let Some(cut) = text.rfind("6304") {
        text.truncate(cut + 4);
        let crc = crc16_hex(text.as_bytes());
        text.push_str(&crc);
    }
    text
}

fn ascii_text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9][A-Za-z0-9 .&'-]{{0,{}}}", max - 1)).unwrap()
}

fn khmer_text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(prop_oneof![8 => 0x1780u32..=0x17DD, 1 => Just(0x20)], 1..=max)
        .prop_map(|cs| cs.into_iter().filter_map(char::from_u32).collect::<String>())
        .prop_filter("not blank", |s| !s.trim().is_empty())
}

fn request() -> impl Strategy<Value = KhqrRequest> {
    let account = "[a-z0-9_.]{1,20}@[a-z]{2,8}";
    let merchant = prop_oneof![
        (proptest::option::of(ascii_text(32)), proptest::option::of(ascii_text(32))).prop_map(
            |(account_information, acquiring_bank)| KhqrAccount::Individual { account_information, acquiring_bank }
        ),
        (ascii_text(32), ascii_text(32))
            .prop_map(|(merchant_id, acquiring_bank)| KhqrAccount::Merchant { merchant_id, acquiring_bank }),
    ];
    let amount = prop_oneof![
        Just(None),
        (1i64..1_000_000_000).prop_map(|riel| Some((Currency::KHR, Decimal::from(riel)))),
        (1i64..100_000_000).prop_map(|cents| Some((Currency::USD, Decimal::new(cents, 2)))),
    ];
    let alt = proptest::option::of((khmer_text(25), proptest::option::of(khmer_text(15))));
    (
        account,
        merchant,
        ascii_text(25),
        proptest::option::of(ascii_text(15)),
        amount,
        any::<bool>(),
        proptest::option::of(0u16..10_000),
        proptest::option::of(ascii_text(25)),
        alt,
        1i64..10_000_000_000,
    )
        .prop_map(|(account_id, account, name, city, amount, usd, mcc, bill, alt, ttl)| {
            let (currency, amount) = match amount {
                Some((c, a)) => (c, Some(a)),
                None => (if usd { Currency::USD } else { Currency::KHR }, None),
            };
            KhqrRequest {
                account_id,
                account,
                merchant_name: name,
                merchant_city: city,
                currency,
                amount,
                expires_at_ms: amount.map(|_| NOW + ttl),
                mcc: mcc.map(|m| m.to_string()),
                bill_number: bill,
                alt_language: alt.as_ref().map(|_| "km".to_owned()),
                alt_name: alt.as_ref().map(|(n, _)| n.clone()),
                alt_city: alt.and_then(|(_, c)| c),
                ..KhqrRequest::individual("", "")
            }
        })
        .prop_filter("the account template (tag 29/30) holds at most 99 characters", |r| account_template_len(r) <= 99)
}

/// Characters of tag 29/30's value: each sub-object is a 4-character header and its value.
fn account_template_len(r: &KhqrRequest) -> usize {
    let field = |v: Option<&String>| v.map_or(0, |v| 4 + v.chars().count());
    let (a, b) = match &r.account {
        KhqrAccount::Individual { account_information, acquiring_bank } => {
            (field(account_information.as_ref()), field(acquiring_bank.as_ref()))
        }
        KhqrAccount::Merchant { merchant_id, acquiring_bank } => {
            (field(Some(merchant_id)), field(Some(acquiring_bank)))
        }
    };
    4 + r.account_id.chars().count() + a + b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_khqr_round_trips(req in request()) {
        let out = generate(&req, NOW).expect("valid request");
        let code = parse_at(&out.payload, NOW).expect("generated code parses");
        let s = code.summary();
        prop_assert_eq!(s.scheme.as_str(), "khqr");
        prop_assert_eq!(s.account.as_deref(), Some(req.account_id.as_str()));
        prop_assert_eq!(s.merchant_name.as_deref(), Some(req.merchant_name.as_str()));
        prop_assert_eq!(s.merchant_city.as_deref(), Some(req.merchant_city.as_deref().unwrap_or("Phnom Penh")));
        prop_assert_eq!(s.currency.as_deref(), Some(req.currency.code()));
        prop_assert_eq!(s.amount.map(|a| a.parse::<Decimal>().unwrap()), req.amount);
        prop_assert_eq!(s.dynamic, Some(req.amount.is_some()));
        prop_assert_eq!(s.expires_at_ms, req.expires_at_ms);
        prop_assert_eq!(s.merchant_name_alt, req.alt_name);
        prop_assert_eq!(s.merchant_city_alt, req.alt_city);
        prop_assert_eq!(s.md5, Some(out.md5));
        prop_assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        if let Some(expiry) = req.expires_at_ms {
            prop_assert_eq!(parse_at(&out.payload, expiry + 1).unwrap_err().code.as_str(), "expired");
        }
    }

    #[test]
    fn mutated_real_world_codes_never_panic(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..4), 1..6),
        fix_crc in any::<bool>(),
        now in prop_oneof![Just(1_796_169_600_000i64), any::<i64>()],
    ) {
        let payload = pick.get(real_world());
        let mut bytes = payload.as_bytes().to_vec();
        for (pos, b, op) in edits {
            let i = pos % (bytes.len() + 1);
            match op {
                0 if i < bytes.len() => bytes[i] ^= b | 1,
                1 => bytes.insert(i, b),
                2 if i < bytes.len() => { bytes.remove(i); }
                _ => bytes.truncate(i),
            }
        }
        let mut mutated = String::from_utf8_lossy(&bytes).into_owned();
        if fix_crc {
            mutated = recompute_crc(mutated);
        }
        match parse_at(&mutated, now) {
            Ok(code) => { let _ = code.summary(); }
            Err(e) => prop_assert!(!e.message.is_empty()),
        }
    }

    #[test]
    fn random_text_never_panics(text in any::<String>(), now in any::<i64>()) {
        let _ = parse_at(&text, now);
    }

    #[test]
    fn mutated_codes_never_panic(req in request(), edits in proptest::collection::vec((any::<usize>(), any::<char>(), 0u8..4), 1..6), fix_crc in any::<bool>()) {
        let payload = generate(&req, NOW).unwrap().payload;
        let mut chars: Vec<char> = payload.chars().collect();
        for (pos, c, op) in edits {
            let i = pos % (chars.len() + 1);
            match op {
                0 if i < chars.len() => chars[i] = c,
                1 => chars.insert(i, if c.is_ascii_digit() { c } else { char::from(b'0' + (pos % 10) as u8) }),
                2 if i < chars.len() => { chars.remove(i); }
                _ => chars.truncate(i),
            }
        }
        let mut mutated: String = chars.into_iter().collect();
        if fix_crc && mutated.len() > 4 && mutated.ends_with(|c: char| c.is_ascii_hexdigit()) {
            // Re-sign the mutation so the parser gets past the CRC into the field rules.
            if let Some(cut) = mutated.rfind("6304") {
                mutated.truncate(cut + 4);
                let crc = crc16_hex(mutated.as_bytes());
                mutated.push_str(&crc);
            }
        }
        if let Err(e) = parse_at(&mutated, NOW) {
            prop_assert!(!e.message.is_empty());
        }
    }
}

/// Exhaustively, for every code of the corpus: every prefix, every one-character deletion and every
/// digit swap, each as it is and with its CRC recomputed, is read or refused without a panic.
#[test]
fn every_real_world_code_survives_every_small_damage() {
    let mut runs = 0usize;
    for payload in real_world() {
        let chars: Vec<char> = payload.chars().collect();
        for i in 0..=chars.len() {
            let prefix: String = chars[..i].iter().collect();
            let deleted: String = chars.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, c)| c).collect();
            let swapped: String = chars
                .iter()
                .enumerate()
                .map(|(j, &c)| if j == i && c.is_ascii_digit() { if c == '9' { '0' } else { '9' } } else { c })
                .collect();
            for text in [prefix, deleted, swapped] {
                for candidate in [recompute_crc(text.clone()), text] {
                    if let Err(e) = parse_at(&candidate, NOW) {
                        assert!(!e.message.is_empty(), "{candidate:?}");
                    }
                    runs += 1;
                }
            }
        }
    }
    assert!(runs > 100_000, "{runs}");
}

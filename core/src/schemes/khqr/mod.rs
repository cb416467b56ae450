//! KHQR (Cambodia, Bakong): the official SDK's rules, and stricter where a wallet must be (numeric
//! amount, country KH, tag order is not required). Verification takes "now" as an input.
//!
//! Tag 29 (individual) or 30 (merchant) carries the Bakong account id (`name@bank`) in sub-ID 00
//! instead of a GUID; tag 99 carries the creation (00) and expiry (01) epoch-millisecond timestamps.

mod generate;

pub use generate::{GeneratedKhqr, KhqrAccount, KhqrFields, KhqrRequest, generate};

use crate::schemes::rules::{
    CodeError, Currency, ErrorCode, Initiation, KhqrAccountType, KhqrInfo, Reading, Scheme, SchemeDetails, SchemeRules,
    Table, TemplateRules, WarningCode, is_at_address, is_digits, tlv::char_len,
};

/// KHQR limits, in characters (the SDK's `INVALID_LENGTH`).
pub(crate) mod limits {
    pub const ACCOUNT_ID: usize = 32;
    pub const ACCOUNT_INFORMATION: usize = 32;
    pub const MERCHANT_ID: usize = 32;
    pub const ACQUIRING_BANK: usize = 32;
    pub const MERCHANT_NAME: usize = 25;
    pub const MERCHANT_CITY: usize = 15;
    pub const ADDITIONAL_FIELD: usize = 25;
    pub const LANGUAGE: usize = 2;
    pub const ALT_NAME: usize = 25;
    pub const ALT_CITY: usize = 15;
    pub const AMOUNT: usize = 13;
    pub const TIMESTAMP_DIGITS: usize = 13;
}

/// True for a Bakong account id: `name@bank`, no whitespace.
pub(crate) fn is_account_id(id: &str) -> bool {
    is_at_address(id)
}

/// Refuses `value` when it is longer than `max` characters.
pub(crate) fn check_len(value: &str, what: &str, max: usize) -> Result<(), CodeError> {
    let len = char_len(value);
    if len > max {
        return Err(CodeError::invalid(format!("{what} is {len} characters; KHQR allows {max}")));
    }
    Ok(())
}

fn required<'v>(value: Option<&'v str>, what: &str) -> Result<&'v str, CodeError> {
    value.ok_or_else(|| CodeError::missing(format!("KHQR requires {what}")))
}

fn timestamp(value: Option<&str>, what: &str) -> Result<Option<i64>, CodeError> {
    match value {
        None => Ok(None),
        Some(v) if is_digits(v, limits::TIMESTAMP_DIGITS) => Ok(v.parse().ok()),
        Some(v) => Err(CodeError::invalid(format!("{what} {v:?} is not a 13-digit epoch-milliseconds timestamp"))),
    }
}

fn check(r: &mut Reading<'_, '_>) -> Result<(), CodeError> {
    let f = r.fields;
    required(f.mcc.as_deref(), "a merchant category code (52)")?;
    match f.currency {
        Some(Currency::KHR | Currency::USD) => {}
        other => {
            return Err(CodeError::invalid(format!(
                "KHQR currency (53) must be KHR (116) or USD (840), not {}",
                other.map_or("none", Currency::code)
            )));
        }
    }
    let country = required(f.country.as_deref(), "a country (58)")?;
    if country != "KH" {
        return Err(CodeError::invalid(format!("KHQR country (58) must be KH, not {country}")));
    }
    check_len(
        required(f.merchant_name.as_deref(), "a merchant name (59)")?,
        "merchant name (59)",
        limits::MERCHANT_NAME,
    )?;
    check_len(
        required(f.merchant_city.as_deref(), "a merchant city (60)")?,
        "merchant city (60)",
        limits::MERCHANT_CITY,
    )?;
    if let Some(amount) = f.amount.filter(|a| a.currency() == Currency::KHR && !a.amount().fract().is_zero()) {
        return Err(CodeError::invalid(format!("KHQR riel amounts must be whole, not {}", amount.amount())));
    }
    if let Some(lang) = &f.language {
        let language = required(lang.language.as_deref(), "a language (64/00) in the language template")?;
        check_len(language, "language preference (64/00)", limits::LANGUAGE)?;
        check_len(
            required(lang.name.as_deref(), "a merchant name (64/01) in the language template")?,
            "alternate merchant name (64/01)",
            limits::ALT_NAME,
        )?;
        if let Some(city) = &lang.city {
            check_len(city, "alternate merchant city (64/02)", limits::ALT_CITY)?;
        }
    }
    let info = account_info(r)?;
    check_timestamps(r)?;
    if info.unionpay.is_some() && f.currency == Some(Currency::USD) {
        r.warn(WarningCode::UnionpayWithUsd, "KHQR carries a UnionPay account (15) with USD, which the SDK does not generate");
    }
    r.code.details = SchemeDetails::Khqr(info);
    Ok(())
}

fn account_info(r: &mut Reading<'_, '_>) -> Result<KhqrInfo, CodeError> {
    let node = r.node;
    let account_id = node.sub(0).unwrap_or_default();
    check_len(account_id, "Bakong account id", limits::ACCOUNT_ID)?;
    let account_type = if node.id() == 30 { KhqrAccountType::Merchant } else { KhqrAccountType::Individual };
    let (field01, what01, max01) = match account_type {
        KhqrAccountType::Individual => ("account information", "29/01", limits::ACCOUNT_INFORMATION),
        KhqrAccountType::Merchant => ("merchant id", "30/01", limits::MERCHANT_ID),
    };
    let sub01 = node.sub(1);
    if let Some(v) = sub01 {
        check_len(v, &format!("{field01} ({what01})"), max01)?;
    }
    let bank = node.sub(2);
    if let Some(v) = bank {
        check_len(v, "acquiring bank", limits::ACQUIRING_BANK)?;
    }
    if account_type == KhqrAccountType::Merchant {
        for (missing, what) in [(sub01.is_none(), "merchant id (30/01)"), (bank.is_none(), "acquiring bank (30/02)")] {
            if missing {
                r.warn(WarningCode::MerchantFieldMissing, format!("merchant KHQR has no {what}"));
            }
        }
    }
    let individual = account_type == KhqrAccountType::Individual;
    Ok(KhqrInfo {
        account_type,
        account_id: account_id.to_owned(),
        account_information: sub01.filter(|_| individual).map(str::to_owned),
        merchant_id: sub01.filter(|_| !individual).map(str::to_owned),
        acquiring_bank: bank.map(str::to_owned),
        unionpay: r.mpm.value(15).map(str::to_owned),
        md5: md5_hex(r.mpm.payload),
    })
}

fn check_timestamps(r: &mut Reading<'_, '_>) -> Result<(), CodeError> {
    let f = r.fields;
    let stamps = r.mpm.node(99);
    let sub = |id| stamps.and_then(|n| n.sub(id));
    if f.initiation == Some(Initiation::Dynamic) {
        if f.amount.is_none() {
            return Err(CodeError::missing("dynamic KHQR (01=12) has no amount (54)"));
        }
        let created = timestamp(sub(0), "creation timestamp (99/00)")?;
        let expires = timestamp(sub(1), "expiration timestamp (99/01)")?
            .ok_or_else(|| CodeError::missing("dynamic KHQR has no expiration timestamp (99/01)"))?;
        if let Some(created) = created.filter(|c| expires <= *c) {
            return Err(CodeError::invalid(format!("KHQR expires ({expires}) before it was created ({created})")));
        }
        if r.now_ms > expires {
            return Err(CodeError::new(ErrorCode::Expired, format!("KHQR expired at {expires}; now is {}", r.now_ms)));
        }
        r.code.created_at_ms = created;
        r.code.expires_at_ms = Some(expires);
        return Ok(());
    }
    // Static codes carry no expiry; real bank stickers put other data in 99: leave it (kept raw).
    r.code.created_at_ms = timestamp(sub(0), "").ok().flatten();
    if timestamp(sub(1), "").ok().flatten().is_some() {
        r.warn(
            WarningCode::StaticExpiryIgnored,
            "static KHQR carries an expiration timestamp (99/01); static codes do not expire",
        );
    }
    if f.amount.is_some() {
        r.warn(WarningCode::StaticWithAmount, "static KHQR carries an amount (54); it is paid as printed");
    }
    Ok(())
}

/// Lowercase hex md5 of `payload`: the key Bakong's API looks a KHQR payment up by.
pub fn md5_hex(payload: &str) -> String {
    use md5::{Digest, Md5};
    const HEX: &[u8; 16] = b"0123456789abcdef";
    Md5::digest(payload.as_bytes())
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

pub(super) const RULES: SchemeRules = SchemeRules {
    template: Some(TemplateRules {
        claims: |c| matches!(c.tag, 29 | 30) && is_account_id(c.guid),
        account_id: |node| node.sub(0).map(str::to_owned),
        // The participant code after the `@` names the institution (`abaakhppxxx@abaa`, `khqr@aclb`).
        bank: |node| node.sub(0).and_then(|id| id.rsplit_once('@')).map(|(_, code)| Table::Bakong.bank(code)),
        check,
        ..TemplateRules::BASE
    }),
    ..SchemeRules::new(Scheme::Khqr)
};

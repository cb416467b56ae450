//! The EMVCo root fields every MPM code shares (initiation, MCC, currency, amount, tip, merchant,
//! additional data, alternate language), read with EMVCo's format rules. Structural faults and
//! unreadable values are errors; over-long text and omitted optional fields are warnings.

use super::{Mpm, Node, tlv::char_len};
use crate::error::CodeError;
use crate::money::{Currency, Money};
use crate::warning::{Warning, WarningCode};

/// Static (`11`) or dynamic (`12`) point of initiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Initiation {
    /// `11`: reusable code, the payer enters the amount unless one is printed.
    Static,
    /// `12`: one payment, amount expected.
    Dynamic,
}

/// Tip or convenience fee (tags 55–57).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tip {
    /// `55=01`: ask the payer for a tip.
    Prompt,
    /// `55=02`: a fixed fee (tag 56) in the transaction currency.
    Fixed(Money),
    /// `55=03`: a percentage fee (tag 57), e.g. `"3.00"`.
    Percentage(String),
}

/// Additional data template (tag 62). `***` in a field means the payer must supply it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AdditionalData {
    /// 01 bill number.
    pub bill_number: Option<String>,
    /// 02 mobile number.
    pub mobile_number: Option<String>,
    /// 03 store label.
    pub store_label: Option<String>,
    /// 04 loyalty number.
    pub loyalty_number: Option<String>,
    /// 05 reference label.
    pub reference_label: Option<String>,
    /// 06 customer label.
    pub customer_label: Option<String>,
    /// 07 terminal label.
    pub terminal_label: Option<String>,
    /// 08 purpose of transaction.
    pub purpose: Option<String>,
    /// 09 consumer data request (letters `A`, `M`, `E`).
    pub consumer_data_request: Option<String>,
    /// 10 merchant tax id.
    pub merchant_tax_id: Option<String>,
    /// 11 merchant channel.
    pub merchant_channel: Option<String>,
}

impl AdditionalData {
    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Merchant information in another language (tag 64).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LanguageTemplate {
    /// 00 ISO 639 language, lowercased (`km`, `ja`, `zh`).
    pub language: Option<String>,
    /// 01 merchant name in that language.
    pub name: Option<String>,
    /// 02 merchant city in that language.
    pub city: Option<String>,
}

/// The EMVCo root fields of a payload.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RootFields {
    /// 00 payload format indicator.
    pub format_indicator: String,
    /// 01 point of initiation.
    pub initiation: Option<Initiation>,
    /// 52 merchant category code, four digits.
    pub mcc: Option<String>,
    /// 53 transaction currency.
    pub currency: Option<Currency>,
    /// 54 transaction amount, with its written scale.
    pub amount: Option<Money>,
    /// 55–57 tip or convenience fee.
    pub tip: Option<Tip>,
    /// 58 ISO 3166-1 alpha-2 country.
    pub country: Option<String>,
    /// 59 merchant name.
    pub merchant_name: Option<String>,
    /// 60 merchant city.
    pub merchant_city: Option<String>,
    /// 61 postal code.
    pub postal_code: Option<String>,
    /// 62 additional data.
    pub additional: AdditionalData,
    /// 64 alternate language.
    pub language: Option<LanguageTemplate>,
}

const MAX_AMOUNT_CHARS: usize = 13;

/// Reads the root fields of `mpm`, pushing what it tolerated onto `warnings`.
pub fn read(mpm: &Mpm<'_>, warnings: &mut Vec<Warning>) -> Result<RootFields, CodeError> {
    let format_indicator = mpm.value(0).unwrap_or_default();
    if char_len(format_indicator) != 2 {
        return Err(CodeError::malformed(format!(
            "payload format indicator (00) {format_indicator:?} must be 2 characters"
        )));
    }
    // "01" is EMVCo's; "02" is what most DuitNow stickers carry (the scheme reader decides whether
    // to say so); anything else is not a format this reader knows.
    if !matches!(format_indicator, "01" | "02") {
        return Err(CodeError::invalid(format!(
            "payload format indicator (00) is {format_indicator:?}; EMVCo defines \"01\""
        )));
    }
    let initiation = match mpm.value(1) {
        None => None,
        Some("11") => Some(Initiation::Static),
        Some("12") => Some(Initiation::Dynamic),
        Some(other) => {
            return Err(CodeError::invalid(format!("point of initiation (01) must be 11 or 12, not {other:?}")));
        }
    };
    let mcc = match mpm.value(52) {
        Some(v) if is_digits(v, 4) => Some(v.to_owned()),
        Some(v) => {
            return Err(CodeError::invalid(format!("merchant category code (52) {v:?} is not four digits")));
        }
        None => None,
    };
    let currency = match mpm.value(53) {
        Some(v) => Some(
            Currency::from_numeric_str(v)
                .ok_or_else(|| CodeError::invalid(format!("currency (53) {v:?} is not an ISO 4217 numeric code")))?,
        ),
        None => None,
    };
    let mut amount = mpm.value(54).map(|v| read_amount(v, "transaction amount (54)", currency)).transpose()?;
    if let Some(zero) = amount.take_if(|a| a.is_zero()) {
        warnings.push(Warning::new(
            WarningCode::ZeroAmount,
            format!("transaction amount (54) is {}: no amount, the payer enters it", zero.amount()),
        ));
    }
    let tip = read_tip(mpm, currency, warnings)?;
    let country = match mpm.value(58) {
        Some(v) if v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase()) => Some(v.to_owned()),
        Some(v) => {
            return Err(CodeError::invalid(format!("country (58) {v:?} is not an ISO 3166 alpha-2 code")));
        }
        None => None,
    };
    Ok(RootFields {
        format_indicator: format_indicator.to_owned(),
        initiation,
        mcc,
        currency,
        amount,
        tip,
        country,
        merchant_name: text(mpm.value(59), "merchant name (59)", 25, warnings),
        merchant_city: text(mpm.value(60), "merchant city (60)", 15, warnings),
        postal_code: text(mpm.value(61), "postal code (61)", 10, warnings),
        additional: mpm.node(62).map(|n| read_additional(n, warnings)).unwrap_or_default(),
        language: mpm.node(64).map(|n| read_language(n, warnings)),
    })
}

/// Parses an EMVCo amount: at most 13 characters, plain decimal, decimals within the minor unit.
pub fn read_amount(value: &str, what: &str, currency: Option<Currency>) -> Result<Money, CodeError> {
    let currency = currency.ok_or_else(|| CodeError::missing(format!("{what} needs a currency (53)")))?;
    if value.chars().count() > MAX_AMOUNT_CHARS {
        return Err(CodeError::invalid(format!("{what} {value:?} is longer than {MAX_AMOUNT_CHARS} characters")));
    }
    Money::parse(value, currency).map_err(|e| CodeError::invalid(format!("{what}: {e}")))
}

fn read_tip(mpm: &Mpm<'_>, currency: Option<Currency>, warnings: &mut Vec<Warning>) -> Result<Option<Tip>, CodeError> {
    let indicator = mpm.value(55);
    let tip = match indicator {
        None => None,
        Some("01") => Some(Tip::Prompt),
        Some("02") => {
            let fee =
                mpm.value(56).ok_or_else(|| CodeError::missing("fixed convenience fee (56) is missing for 55=02"))?;
            Some(Tip::Fixed(read_amount(fee, "convenience fee (56)", currency)?))
        }
        Some("03") => {
            let pct = mpm.value(57).ok_or_else(|| CodeError::missing("percentage fee (57) is missing for 55=03"))?;
            if !is_percentage(pct) {
                return Err(CodeError::invalid(format!("percentage fee (57) {pct:?} is not between 00.01 and 99.99")));
            }
            Some(Tip::Percentage(pct.to_owned()))
        }
        Some(other) => {
            return Err(CodeError::invalid(format!("tip indicator (55) must be 01, 02 or 03, not {other:?}")));
        }
    };
    for (id, needs) in [(56, "02"), (57, "03")] {
        if mpm.value(id).is_some() && indicator != Some(needs) {
            warnings
                .push(Warning::new(WarningCode::OrphanFee, format!("ID {id} is present without 55={needs}; ignored")));
        }
    }
    Ok(tip)
}

fn is_percentage(v: &str) -> bool {
    v.len() <= 5
        && v.split_once('.').map_or(is_digits(v, v.len()), |(i, f)| {
            !i.is_empty() && is_digits(i, i.len()) && is_digits(f, f.len()) && f.len() <= 2
        })
        && v.parse::<f64>().is_ok_and(|p| p > 0.0 && p < 100.0)
}

fn read_additional(node: &Node<'_>, warnings: &mut Vec<Warning>) -> AdditionalData {
    let mut field = |id: u8, what: &str, max: usize| {
        let value = node.sub(id)?;
        let len = char_len(value);
        if len > max {
            warnings.push(Warning::new(
                WarningCode::FieldTooLong,
                format!("{what} (62/{id:02}) is {len} characters; EMVCo allows {max}"),
            ));
        }
        Some(value.to_owned())
    };
    AdditionalData {
        bill_number: field(1, "bill number", 25),
        mobile_number: field(2, "mobile number", 25),
        store_label: field(3, "store label", 25),
        loyalty_number: field(4, "loyalty number", 25),
        reference_label: field(5, "reference label", 25),
        customer_label: field(6, "customer label", 25),
        terminal_label: field(7, "terminal label", 25),
        purpose: field(8, "purpose", 25),
        consumer_data_request: field(9, "consumer data request", 3),
        merchant_tax_id: field(10, "merchant tax id", 20),
        merchant_channel: field(11, "merchant channel", 3),
    }
}

fn read_language(node: &Node<'_>, warnings: &mut Vec<Warning>) -> LanguageTemplate {
    let language = node.sub(0).map(str::to_ascii_lowercase);
    if language.is_none() {
        warnings
            .push(Warning::new(WarningCode::LanguageMissing, "alternate language template (64) has no language (00)"));
    }
    let name = node.sub(1).map(str::to_owned);
    if name.is_none() {
        warnings.push(Warning::new(
            WarningCode::AlternateNameMissing,
            "alternate language template (64) has no merchant name (01)",
        ));
    }
    for (value, what, max) in
        [(name.as_deref(), "alternate merchant name (64/01)", 25), (node.sub(2), "alternate merchant city (64/02)", 15)]
    {
        if let Some(v) = value {
            check_length(v, what, max, warnings);
        }
    }
    LanguageTemplate { language, name, city: node.sub(2).map(str::to_owned) }
}

/// An optional text field, warning when it is longer than EMVCo allows.
fn text(value: Option<&str>, what: &str, max: usize, warnings: &mut Vec<Warning>) -> Option<String> {
    let value = value?;
    check_length(value, what, max, warnings);
    Some(value.to_owned())
}

fn check_length(value: &str, what: &str, max: usize, warnings: &mut Vec<Warning>) {
    let len = char_len(value);
    if len > max {
        warnings
            .push(Warning::new(WarningCode::FieldTooLong, format!("{what} is {len} characters; EMVCo allows {max}")));
    }
}

/// True when `v` is exactly `n` ASCII digits.
pub fn is_digits(v: &str, n: usize) -> bool {
    v.len() == n && v.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emv::{crc, decode};
    use crate::error::ErrorCode;

    fn with_crc(body: &str) -> String {
        let mut s = body.to_owned() + "6304";
        s += &crc::crc16_hex(s.as_bytes());
        s
    }

    fn read_body(body: &str) -> Result<(RootFields, Vec<Warning>), CodeError> {
        let payload = with_crc(body);
        let mpm = decode(&payload)?;
        let mut warnings = Vec::new();
        read(&mpm, &mut warnings).map(|f| (f, warnings))
    }

    #[test]
    fn reads_root_fields() {
        let (f, w) = read_body(
            "000201010212520441115303156540523.72550202560500.505802CN5914BEST TRANSPORT6007BEIJING6106100000\
             62160105INV-10703***64200002ZH0104最佳运输0202北京",
        )
        .unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(f.initiation, Some(Initiation::Dynamic));
        assert_eq!(f.currency, Some(Currency::CNY));
        assert_eq!(f.amount.unwrap().amount().to_string(), "23.72");
        assert_eq!(f.tip, Some(Tip::Fixed(Money::parse("00.50", Currency::CNY).unwrap())));
        assert_eq!(f.additional.bill_number.as_deref(), Some("INV-1"));
        assert_eq!(f.additional.terminal_label.as_deref(), Some("***"));
        let lang = f.language.unwrap();
        assert_eq!(
            (lang.language.as_deref(), lang.name.as_deref(), lang.city.as_deref()),
            (Some("zh"), Some("最佳运输"), Some("北京"))
        );
    }

    #[test]
    fn refuses_bad_values() {
        let kind = |body: &str| read_body(body).unwrap_err().code;
        assert_eq!(kind("0002010102135303840"), ErrorCode::InvalidField);
        assert_eq!(kind("00020152041A2B"), ErrorCode::InvalidField);
        assert_eq!(kind("0002015303000"), ErrorCode::InvalidField);
        assert_eq!(kind("00020154031.5"), ErrorCode::MissingField);
        assert_eq!(kind("000201530339254031.5"), ErrorCode::InvalidField);
        assert_eq!(kind("000201530384054051.1.5"), ErrorCode::InvalidField);
        assert_eq!(kind("00020153038405404-1.5"), ErrorCode::InvalidField);
        assert_eq!(kind("000201530384054030x1"), ErrorCode::InvalidField);
        assert_eq!(kind("00020153038405414100000000000.0"), ErrorCode::InvalidField);
        assert_eq!(kind("0002015303840550202"), ErrorCode::MissingField);
        assert_eq!(kind("00020153038405502035703100"), ErrorCode::InvalidField);
        assert_eq!(kind("0002015303840550204"), ErrorCode::InvalidField);
        assert_eq!(kind("0002015802kh"), ErrorCode::InvalidField);
        assert_eq!(kind("0003001"), ErrorCode::Malformed);
        assert_eq!(kind("000200"), ErrorCode::InvalidField);
    }

    #[test]
    fn warns_about_tolerated_content() {
        let (f, w) = read_body("0002025930ABCDEFGHIJKLMNOPQRSTUVWXYZ0123560400.5").unwrap();
        let codes: Vec<_> = w.iter().map(|w| w.code.as_str()).collect();
        assert_eq!(codes, ["orphan_fee", "field_too_long"]);
        assert_eq!(f.merchant_name.unwrap().len(), 30);
        for zero in ["0", "00.00", "0.0"] {
            let (f, w) = read_body(&format!("0002010102115303458540{}{zero}", zero.len())).unwrap();
            assert_eq!((f.amount, w[0].code.as_str()), (None, "zero_amount"), "{zero}");
        }
    }
}

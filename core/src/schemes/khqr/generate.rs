//! KHQR generation to the official SDK's layout:
//! `00, 01, [15], 29|30, 52, 53, [54], 58, 59, 60, [62], [64], [99], 63`.

use rust_decimal::Decimal;

use super::{check_len, is_account_id, limits, md5_hex};
use crate::emv::Encoder;
use crate::error::CodeError;
use crate::money::{Currency, Money};

/// Whose account the code pays into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KhqrAccount {
    /// Tag 29: an individual's account.
    Individual {
        /// 29/01 account information (e.g. a bank account number).
        account_information: Option<String>,
        /// 29/02 acquiring bank.
        acquiring_bank: Option<String>,
    },
    /// Tag 30: a merchant's account.
    Merchant {
        /// 30/01 merchant id (required).
        merchant_id: String,
        /// 30/02 acquiring bank (required).
        acquiring_bank: String,
    },
}

/// Everything a KHQR code can say. `amount` makes it dynamic, which then needs `expires_at_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KhqrRequest {
    /// Bakong account id, `name@bank`.
    pub account_id: String,
    /// Individual or merchant account.
    pub account: KhqrAccount,
    /// 59, at most 25 characters.
    pub merchant_name: String,
    /// 60, at most 15 characters; "Phnom Penh" when `None`.
    pub merchant_city: Option<String>,
    /// KHR or USD.
    pub currency: Currency,
    /// Fixed amount (dynamic code): whole riel, or at most two decimals of USD.
    pub amount: Option<Decimal>,
    /// Expiry of a dynamic code, epoch milliseconds.
    pub expires_at_ms: Option<i64>,
    /// Merchant category code, 0–9999; 5999 when `None`.
    pub mcc: Option<String>,
    /// 15: UnionPay merchant account (not with USD).
    pub unionpay: Option<String>,
    /// 62/01.
    pub bill_number: Option<String>,
    /// 62/02.
    pub mobile_number: Option<String>,
    /// 62/03.
    pub store_label: Option<String>,
    /// 62/07.
    pub terminal_label: Option<String>,
    /// 62/08.
    pub purpose: Option<String>,
    /// 64/00, e.g. `km`.
    pub alt_language: Option<String>,
    /// 64/01, the name in that language.
    pub alt_name: Option<String>,
    /// 64/02, the city in that language.
    pub alt_city: Option<String>,
}

impl KhqrRequest {
    /// An individual, static, riel code with everything optional left out.
    pub fn individual(account_id: impl Into<String>, merchant_name: impl Into<String>) -> Self {
        KhqrRequest {
            account_id: account_id.into(),
            account: KhqrAccount::Individual { account_information: None, acquiring_bank: None },
            merchant_name: merchant_name.into(),
            merchant_city: None,
            currency: Currency::KHR,
            amount: None,
            expires_at_ms: None,
            mcc: None,
            unionpay: None,
            bill_number: None,
            mobile_number: None,
            store_label: None,
            terminal_label: None,
            purpose: None,
            alt_language: None,
            alt_name: None,
            alt_city: None,
        }
    }
}

/// A KHQR request as a form or a host writes it: text for the currency and amount, and the account
/// chosen by whether a merchant id is given. [`KhqrRequest::from_fields`] applies the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KhqrFields {
    /// Bakong account id, `name@bank`.
    pub account_id: String,
    /// Merchant name.
    pub merchant_name: String,
    /// Merchant city; "Phnom Penh" when absent.
    pub merchant_city: Option<String>,
    /// `KHR` or `USD`.
    pub currency: String,
    /// Fixed amount as a decimal string: makes the code dynamic.
    pub amount: Option<String>,
    /// Expiry of a dynamic code, epoch milliseconds.
    pub expires_at_ms: Option<i64>,
    /// Merchant id: makes a merchant code (tag 30), with `acquiring_bank`.
    pub merchant_id: Option<String>,
    /// The acquiring bank (required with a merchant id).
    pub acquiring_bank: Option<String>,
    /// Account information (individual codes, 29/01).
    pub account_information: Option<String>,
    /// Merchant category code.
    pub mcc: Option<String>,
    /// UnionPay account (15).
    pub unionpay: Option<String>,
    /// 62/01.
    pub bill_number: Option<String>,
    /// 62/02.
    pub mobile_number: Option<String>,
    /// 62/03.
    pub store_label: Option<String>,
    /// 62/07.
    pub terminal_label: Option<String>,
    /// 62/08.
    pub purpose: Option<String>,
    /// 64/00.
    pub alt_language: Option<String>,
    /// 64/01.
    pub alt_name: Option<String>,
    /// 64/02.
    pub alt_city: Option<String>,
}

impl KhqrRequest {
    /// The request `fields` describe: `KHR`/`USD` (any case), an exact decimal amount, a merchant code
    /// when a merchant id is given (which then needs the acquiring bank).
    pub fn from_fields(fields: KhqrFields) -> Result<KhqrRequest, CodeError> {
        let currency = match fields.currency.to_ascii_uppercase().as_str() {
            "KHR" => Currency::KHR,
            "USD" => Currency::USD,
            other => return Err(CodeError::invalid(format!("KHQR currency must be KHR or USD, not {other:?}"))),
        };
        let amount = fields
            .amount
            .as_deref()
            .map(|a| {
                Decimal::from_str_exact(a.trim())
                    .map_err(|_| CodeError::invalid(format!("amount {a:?} is not a decimal number")))
            })
            .transpose()?;
        let account = match (fields.merchant_id, fields.acquiring_bank) {
            (Some(merchant_id), Some(acquiring_bank)) => KhqrAccount::Merchant { merchant_id, acquiring_bank },
            (Some(_), None) => return Err(CodeError::missing("a merchant code needs the acquiring bank")),
            (None, acquiring_bank) => {
                KhqrAccount::Individual { account_information: fields.account_information, acquiring_bank }
            }
        };
        Ok(KhqrRequest {
            account,
            merchant_city: fields.merchant_city,
            currency,
            amount,
            expires_at_ms: fields.expires_at_ms,
            mcc: fields.mcc,
            unionpay: fields.unionpay,
            bill_number: fields.bill_number,
            mobile_number: fields.mobile_number,
            store_label: fields.store_label,
            terminal_label: fields.terminal_label,
            purpose: fields.purpose,
            alt_language: fields.alt_language,
            alt_name: fields.alt_name,
            alt_city: fields.alt_city,
            ..KhqrRequest::individual(fields.account_id, fields.merchant_name)
        })
    }
}

/// A generated code and the md5 Bakong looks its payment up by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedKhqr {
    /// The QR text.
    pub payload: String,
    /// Lowercase hex md5 of the payload.
    pub md5: String,
}

const DEFAULT_CITY: &str = "Phnom Penh";
const DEFAULT_MCC: &str = "5999";

/// Generates a KHQR code; `now_ms` becomes the creation timestamp of a dynamic code.
///
/// ```
/// use crossqr_core::money::{Currency, Decimal};
/// use crossqr_core::schemes::khqr::{KhqrRequest, generate};
///
/// let now_ms = 1_763_769_600_000;
/// let mut request = KhqrRequest::individual("jonhsmith@nbcq", "Jonh Smith");
/// request.currency = Currency::USD;
/// request.amount = Some(Decimal::new(110, 2)); // $1.10: a dynamic code, so it needs an expiry
/// request.expires_at_ms = Some(now_ms + 10 * 60 * 1000);
/// let khqr = generate(&request, now_ms)?;
/// assert_eq!(khqr.md5.len(), 32);
///
/// let read = crossqr_core::parse_at(&khqr.payload, now_ms)?;
/// assert_eq!(read.amount.map(|m| m.to_string()), Some("1.10 USD".to_owned()));
/// assert_eq!(read.expires_at_ms, request.expires_at_ms);
/// # Ok::<(), crossqr_core::CodeError>(())
/// ```
pub fn generate(req: &KhqrRequest, now_ms: i64) -> Result<GeneratedKhqr, CodeError> {
    required(&req.account_id, "Bakong account id")?;
    check_len(&req.account_id, "Bakong account id", limits::ACCOUNT_ID)?;
    if !is_account_id(&req.account_id) {
        return Err(CodeError::invalid(format!("Bakong account id {:?} is not of the form name@bank", req.account_id)));
    }
    let name = required(&req.merchant_name, "merchant name")?;
    check_len(name, "merchant name", limits::MERCHANT_NAME)?;
    let city = non_empty(req.merchant_city.as_deref(), "merchant city")?.unwrap_or(DEFAULT_CITY);
    check_len(city, "merchant city", limits::MERCHANT_CITY)?;
    if !matches!(req.currency, Currency::KHR | Currency::USD) {
        return Err(CodeError::invalid(format!("KHQR currency must be KHR or USD, not {}", req.currency)));
    }
    let mcc = mcc(req.mcc.as_deref())?;
    let unionpay = non_empty(req.unionpay.as_deref(), "UnionPay account")?;
    if unionpay.is_some() && req.currency == Currency::USD {
        return Err(CodeError::invalid("a UnionPay account (15) cannot be combined with USD"));
    }
    let amount = req.amount.map(|a| amount_text(a, req.currency)).transpose()?;
    let stamps = timestamps(amount.is_some(), req.expires_at_ms, now_ms)?;

    let (account_tag, sub01, sub02) = match &req.account {
        KhqrAccount::Individual { account_information, acquiring_bank } => {
            let info = non_empty(account_information.as_deref(), "account information")?;
            if let Some(v) = info {
                check_len(v, "account information", limits::ACCOUNT_INFORMATION)?;
            }
            (29, info, non_empty(acquiring_bank.as_deref(), "acquiring bank")?)
        }
        KhqrAccount::Merchant { merchant_id, acquiring_bank } => {
            let id = required(merchant_id, "merchant id")?;
            check_len(id, "merchant id", limits::MERCHANT_ID)?;
            let bank = required(acquiring_bank, "acquiring bank")?;
            (30, Some(id), Some(bank))
        }
    };
    if let Some(bank) = sub02 {
        check_len(bank, "acquiring bank", limits::ACQUIRING_BANK)?;
    }
    let additional = [
        (1, req.bill_number.as_deref(), "bill number"),
        (2, req.mobile_number.as_deref(), "mobile number"),
        (3, req.store_label.as_deref(), "store label"),
        (7, req.terminal_label.as_deref(), "terminal label"),
        (8, req.purpose.as_deref(), "purpose of transaction"),
    ];
    let mut additional_subs = Vec::new();
    for (id, value, what) in additional {
        let value = non_empty(value, what)?;
        if let Some(v) = value {
            check_len(v, what, limits::ADDITIONAL_FIELD)?;
        }
        additional_subs.push((id, value));
    }
    let language = language_template(req)?;

    let mut enc = Encoder::new();
    enc.push(0, "01")?.push(1, if amount.is_some() { "12" } else { "11" })?;
    if let Some(up) = unionpay {
        enc.push(15, up)?;
    }
    enc.push_template(account_tag, &[(0, Some(&req.account_id)), (1, sub01), (2, sub02)]).map_err(|e| {
        CodeError::new(
            e.code,
            format!("the Bakong account, its id and bank do not fit tag {account_tag}: {}", e.message),
        )
    })?;
    enc.push(52, &mcc)?.push(53, &req.currency.numeric_str())?;
    if let Some(amount) = &amount {
        enc.push(54, amount)?;
    }
    enc.push(58, "KH")?.push(59, name)?.push(60, city)?;
    enc.push_template(62, &additional_subs)?;
    enc.push_template(64, &language)?;
    if let Some((created, expires)) = &stamps {
        enc.push_template(99, &[(0, Some(created)), (1, Some(expires))])?;
    }
    let payload = enc.finish()?;
    Ok(GeneratedKhqr { md5: md5_hex(&payload), payload })
}

/// A required value: present, non-empty, no control characters.
fn required<'v>(value: &'v str, what: &str) -> Result<&'v str, CodeError> {
    if value.is_empty() {
        return Err(CodeError::missing(format!("{what} is required")));
    }
    non_empty(Some(value), what).map(|v| v.unwrap_or(value))
}

/// `None` for absent values; refuses empty strings and control characters.
fn non_empty<'v>(value: Option<&'v str>, what: &str) -> Result<Option<&'v str>, CodeError> {
    match value {
        Some("") => Err(CodeError::invalid(format!("{what} must not be empty"))),
        Some(v) if v.chars().any(char::is_control) => {
            Err(CodeError::invalid(format!("{what} contains control characters")))
        }
        other => Ok(other),
    }
}

fn mcc(value: Option<&str>) -> Result<String, CodeError> {
    let Some(v) = value else {
        return Ok(DEFAULT_MCC.to_owned());
    };
    if v.is_empty() || v.len() > 4 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeError::invalid(format!("merchant category code {v:?} must be 0–9999")));
    }
    Ok(format!("{v:0>4}"))
}

/// KHR: whole riel. USD: `1.10` when fractional, `10` when whole. Positive, at most 13 characters.
fn amount_text(amount: Decimal, currency: Currency) -> Result<String, CodeError> {
    let money = Money::new(amount, currency).map_err(|e| CodeError::invalid(format!("amount: {e}")))?;
    if money.is_zero() {
        return Err(CodeError::invalid("amount must be greater than zero (leave it out for a static code)"));
    }
    let value = money.amount().normalize();
    let text = if currency == Currency::KHR {
        if !value.fract().is_zero() {
            return Err(CodeError::invalid(format!("riel amounts must be whole, not {amount}")));
        }
        value.trunc().to_string()
    } else if value.fract().is_zero() {
        value.trunc().to_string()
    } else {
        format!("{:.2}", value)
    };
    check_len(&text, "amount", limits::AMOUNT)?;
    Ok(text)
}

/// Creation and expiry for a dynamic code; a static code must not ask for an expiry.
fn timestamps(dynamic: bool, expires_at_ms: Option<i64>, now_ms: i64) -> Result<Option<(String, String)>, CodeError> {
    match (dynamic, expires_at_ms) {
        (false, None) => Ok(None),
        (false, Some(_)) => Err(CodeError::invalid("an expiry needs an amount: static KHQR codes do not expire")),
        (true, None) => Err(CodeError::missing("a dynamic KHQR (with an amount) needs an expiry")),
        (true, Some(expires)) => {
            let text = expires.to_string();
            if text.len() != limits::TIMESTAMP_DIGITS || expires < 0 {
                return Err(CodeError::invalid(format!("expiry {expires} is not 13-digit epoch milliseconds")));
            }
            if expires <= now_ms {
                return Err(CodeError::invalid(format!("expiry {expires} is not after now ({now_ms})")));
            }
            Ok(Some((format!("{now_ms:013}"), text)))
        }
    }
}

fn language_template(req: &KhqrRequest) -> Result<[(u8, Option<&str>); 3], CodeError> {
    let language = non_empty(req.alt_language.as_deref(), "alternate language")?;
    let name = non_empty(req.alt_name.as_deref(), "alternate merchant name")?;
    let city = non_empty(req.alt_city.as_deref(), "alternate merchant city")?;
    if language.is_some() || name.is_some() || city.is_some() {
        let lang =
            language.ok_or_else(|| CodeError::missing("an alternate name or city needs a language (e.g. km)"))?;
        check_len(lang, "alternate language", limits::LANGUAGE)?;
        check_len(
            name.ok_or_else(|| CodeError::missing("the language template needs an alternate merchant name"))?,
            "alternate merchant name",
            limits::ALT_NAME,
        )?;
        if let Some(c) = city {
            check_len(c, "alternate merchant city", limits::ALT_CITY)?;
        }
    }
    Ok([(0, language), (1, name), (2, city)])
}

//! The typed result of reading a payment code.

use std::fmt;

pub use crate::emv::fields::{AdditionalData, Tip};
use crate::money::{Currency, Money};
use crate::warning::Warning;

/// A payment scheme or card network a code (or one of its accounts) belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// Cambodia, Bakong.
    Khqr,
    /// Japan, Payments Japan Association.
    Jpqr,
    /// Alipay+ (Ant Group) MPM codes and Alipay order codes.
    AlipayPlus,
    /// Weixin Pay / WeChat Pay merchant codes.
    WeixinPay,
    /// Thai QR / PromptPay.
    Promptpay,
    /// VietQR (NAPAS) and VNPAY-QR.
    Vietqr,
    /// Lao QR (LAPNet).
    LaoQr,
    /// DuitNow (Malaysia).
    Duitnow,
    /// PayNow (Singapore).
    Paynow,
    /// SGQR (Singapore unified label).
    Sgqr,
    /// QRIS (Indonesia).
    Qris,
    /// BharatQR (India).
    Bharatqr,
    /// UPI `upi://pay` URI (India).
    Upi,
    /// UnionPay.
    Unionpay,
    /// Visa card account (tags 02–03).
    Visa,
    /// Mastercard account (tags 04–05).
    Mastercard,
    /// Discover account (tags 09–10).
    Discover,
    /// American Express account (tags 11–12).
    Amex,
    /// JCB account (tags 13–14).
    Jcb,
    /// A valid EMVCo MPM code, or account, of no scheme this library knows.
    Emvco,
}

impl Scheme {
    /// Every scheme and network this library names, in declaration order. The order a wallet prefers
    /// them in is the registry's ([`Scheme::preference`]), not this list's.
    pub const ALL: [Scheme; 20] = [
        Scheme::Khqr,
        Scheme::Jpqr,
        Scheme::AlipayPlus,
        Scheme::WeixinPay,
        Scheme::Promptpay,
        Scheme::Vietqr,
        Scheme::LaoQr,
        Scheme::Duitnow,
        Scheme::Paynow,
        Scheme::Sgqr,
        Scheme::Qris,
        Scheme::Bharatqr,
        Scheme::Upi,
        Scheme::Unionpay,
        Scheme::Visa,
        Scheme::Mastercard,
        Scheme::Discover,
        Scheme::Amex,
        Scheme::Jcb,
        Scheme::Emvco,
    ];

    /// Stable snake_case name, e.g. `alipay_plus`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Khqr => "khqr",
            Scheme::Jpqr => "jpqr",
            Scheme::AlipayPlus => "alipay_plus",
            Scheme::WeixinPay => "weixin_pay",
            Scheme::Promptpay => "promptpay",
            Scheme::Vietqr => "vietqr",
            Scheme::LaoQr => "lao_qr",
            Scheme::Duitnow => "duitnow",
            Scheme::Paynow => "paynow",
            Scheme::Sgqr => "sgqr",
            Scheme::Qris => "qris",
            Scheme::Bharatqr => "bharatqr",
            Scheme::Upi => "upi",
            Scheme::Unionpay => "unionpay",
            Scheme::Visa => "visa",
            Scheme::Mastercard => "mastercard",
            Scheme::Discover => "discover",
            Scheme::Amex => "amex",
            Scheme::Jcb => "jcb",
            Scheme::Emvco => "emvco",
        }
    }

    /// True for card networks, which a QR wallet reports but does not pay through.
    pub fn is_card_network(self) -> bool {
        matches!(self, Scheme::Visa | Scheme::Mastercard | Scheme::Discover | Scheme::Amex | Scheme::Jcb)
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the code is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeFormat {
    /// EMVCo merchant-presented TLV with CRC.
    EmvMpm,
    /// Alipay+ MPM URL carrying a Base64 payload.
    AlipayPlusMpm,
    /// A URL the network expands (Alipay order codes, Weixin Pay).
    Url,
    /// A `upi://pay` URI.
    UpiUri,
}

impl CodeFormat {
    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeFormat::EmvMpm => "emv_mpm",
            CodeFormat::AlipayPlusMpm => "alipay_plus_mpm",
            CodeFormat::Url => "url",
            CodeFormat::UpiUri => "upi_uri",
        }
    }
}

/// One account a code carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The EMVCo root ID it sits in (`"29"`), or `None` for URL codes.
    pub tag: Option<String>,
    /// The scheme or network it belongs to.
    pub scheme: Scheme,
    /// The payee id in that scheme (Bakong account, JPQR store id, VPA, PAN, merchant id…).
    pub id: String,
    /// The template's globally unique identifier (sub-ID 00), where it has one.
    pub guid: Option<String>,
    /// The institution behind the account, where the code says which.
    pub bank: Option<Bank>,
}

/// The institution an account is held at, as the code names it: a VietQR BIN (38/01/00), a DuitNow
/// acquirer id (26/01), a Bakong participant code (after the `@` of a KHQR account), a QRIS issuer's
/// national number (the first 8 digits of its PAN), a Lao QR IIN (38/01).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bank {
    /// The id as written in the code.
    pub id: String,
    /// Its human name, from crossqr's sourced table (`core/src/schemes/banks/`); `None` when the
    /// table does not know it.
    pub name: Option<&'static str>,
}

/// Who is being paid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merchant {
    /// Merchant name (59, or the scheme's equivalent).
    pub name: Option<String>,
    /// Name in the alternate language (64/01).
    pub name_alt: Option<String>,
    /// Alternate language, ISO 639 lowercased (64/00).
    pub language: Option<String>,
    /// City (60).
    pub city: Option<String>,
    /// City in the alternate language (64/02).
    pub city_alt: Option<String>,
    /// ISO 3166-1 alpha-2 country (58).
    pub country: Option<String>,
    /// Merchant category code (52).
    pub mcc: Option<String>,
    /// Postal code (61).
    pub postal_code: Option<String>,
}

/// KHQR account type: tag 29 (individual) or tag 30 (merchant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KhqrAccountType {
    /// Tag 29.
    Individual,
    /// Tag 30.
    Merchant,
}

/// What a KHQR code says beyond the EMVCo fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KhqrInfo {
    /// Individual (29) or merchant (30).
    pub account_type: KhqrAccountType,
    /// Bakong account id, `name@bank`.
    pub account_id: String,
    /// 29/01 account information (individual).
    pub account_information: Option<String>,
    /// 30/01 merchant id (merchant).
    pub merchant_id: Option<String>,
    /// 29/02 or 30/02 acquiring bank.
    pub acquiring_bank: Option<String>,
    /// 15 UnionPay merchant account.
    pub unionpay: Option<String>,
    /// Lowercase hex md5 of the exact payload: the key Bakong looks the payment up by.
    pub md5: String,
}

/// The JPQR store id (統一店舗識別コード), tag 26 subs 01–04.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JpqrStoreId {
    /// 01: 13 digits.
    pub level1: String,
    /// 02: 4 digits.
    pub level2: String,
    /// 03: 6 digits.
    pub level3: String,
    /// 04: 6 digits.
    pub level4: String,
}

impl JpqrStoreId {
    /// The four levels run together, 29 digits.
    pub fn joined(&self) -> String {
        [&self.level1, &self.level2, &self.level3, &self.level4].into_iter().map(String::as_str).collect()
    }
}

/// What an Alipay+ code says. MPM codes carry ids; order codes carry only a token. Either way the
/// merchant, order and amount come from the network when the code is resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlipayPlusInfo {
    /// Host the code points at.
    pub host: String,
    /// PLVS payload version (MPM).
    pub version: Option<String>,
    /// CDSD/01 acquiring platform (MPM).
    pub platform: Option<String>,
    /// CDSD/02 merchant id (MPM).
    pub merchant_id: Option<String>,
    /// CIRD/01 issuer (MPM).
    pub issuer: Option<String>,
    /// CIRD/03 mini-program id (MPM).
    pub mini_program_id: Option<String>,
    /// The order token of a `qr.alipay.com` code.
    pub order_token: Option<String>,
}

/// What a UPI URI says beyond payee, name and amount.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpiInfo {
    /// `tn`: transaction note.
    pub note: Option<String>,
    /// `tr`: transaction reference.
    pub reference: Option<String>,
    /// `tid`: transaction id.
    pub transaction_id: Option<String>,
    /// `mode`: initiation mode.
    pub mode: Option<String>,
}

/// Scheme-specific content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SchemeDetails {
    /// Nothing beyond the common fields.
    #[default]
    None,
    /// KHQR.
    Khqr(KhqrInfo),
    /// JPQR store id.
    Jpqr(JpqrStoreId),
    /// Alipay+.
    AlipayPlus(AlipayPlusInfo),
    /// UPI.
    Upi(UpiInfo),
    /// VietQR: the bank (BIN) behind the account and the service code.
    Vietqr {
        /// Acquirer/bank BIN (38/01/00).
        bank_bin: Option<String>,
        /// `QRIBFTTA` (account) or `QRIBFTTC` (card) (38/02).
        service: Option<String>,
    },
}

/// One EMVCo data object as it appeared in the payload, kept for audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawObject {
    /// Two-digit ID.
    pub id: u8,
    /// Raw value.
    pub value: String,
    /// Sub-objects of templates.
    pub children: Vec<RawObject>,
}

/// A merchant-presented payment code, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentCode {
    /// The scheme of the primary account; [`Scheme::Emvco`] for a valid code of no known scheme.
    pub scheme: Scheme,
    /// How the code is written.
    pub format: CodeFormat,
    /// The exact text that was read.
    pub payload: String,
    /// `Some(true)` for dynamic (one payment), `Some(false)` for static, `None` when the code does not say.
    pub dynamic: Option<bool>,
    /// Who is paid.
    pub merchant: Merchant,
    /// Transaction currency.
    pub currency: Option<Currency>,
    /// Transaction amount, when the code fixes one.
    pub amount: Option<Money>,
    /// Tip or convenience fee.
    pub tip: Option<Tip>,
    /// Every account the code carries, in payload order.
    pub accounts: Vec<Account>,
    /// Index into `accounts` of the one to pay through.
    pub primary: Option<usize>,
    /// Additional data (62).
    pub additional: AdditionalData,
    /// Creation time, epoch milliseconds, where the code carries one.
    pub created_at_ms: Option<i64>,
    /// Expiry, epoch milliseconds, where the code carries one.
    pub expires_at_ms: Option<i64>,
    /// Scheme-specific content.
    pub details: SchemeDetails,
    /// The EMVCo objects as read (empty for URL codes).
    pub objects: Vec<RawObject>,
    /// What was tolerated.
    pub warnings: Vec<Warning>,
}

impl PaymentCode {
    /// The account to pay through.
    pub fn primary_account(&self) -> Option<&Account> {
        self.primary.and_then(|i| self.accounts.get(i))
    }

    /// True when only the network can say what is being paid (merchant, order, amount): Alipay+
    /// and Weixin Pay codes, as URLs or as the primary account of an EMVCo code (an SGQR sticker's
    /// `com.alipay` template).
    pub fn needs_resolution(&self) -> bool {
        matches!(self.format, CodeFormat::AlipayPlusMpm | CodeFormat::Url)
            || matches!(self.scheme, Scheme::AlipayPlus | Scheme::WeixinPay)
    }

    pub(crate) fn empty(scheme: Scheme, format: CodeFormat, payload: &str) -> Self {
        PaymentCode {
            scheme,
            format,
            payload: payload.to_owned(),
            dynamic: None,
            merchant: Merchant::default(),
            currency: None,
            amount: None,
            tip: None,
            accounts: Vec::new(),
            primary: None,
            additional: AdditionalData::default(),
            created_at_ms: None,
            expires_at_ms: None,
            details: SchemeDetails::None,
            objects: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// A URL-style code with a single account.
    pub(crate) fn single_account(scheme: Scheme, format: CodeFormat, payload: &str, id: String) -> Self {
        let mut code = Self::empty(scheme, format, payload);
        code.accounts.push(Account { tag: None, scheme, id, guid: None, bank: None });
        code.primary = Some(0);
        code
    }
}

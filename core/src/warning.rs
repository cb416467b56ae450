//! The one registry of stable warning codes: what a parser tolerated and a wallet should know.
//!
//! A warning is never an error: the code was read and can be paid. Each has a stable snake_case code
//! from [`WarningCode`] (what crosses the FFI, the CLI's JSON and logs) and a human message. Warnings
//! are kept for what changes what the payer sees or is asked (an amount to enter, a name the code
//! lacks, a currency that is not the scheme's); what real issuers legitimately do (DuitNow's format
//! indicator `02`, PromptPay without a name, private templates) is not reported.

use std::fmt;

macro_rules! registry {
    ($($(#[doc = $doc:literal])* $variant:ident = $text:literal;)*) => {
        /// Every stable warning code crossqr reports, in one place. New codes may be added; a code is
        /// never renamed or given another meaning.
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        pub enum WarningCode {
            $($(#[doc = $doc])* #[serde(rename = $text)] $variant,)*
        }

        impl WarningCode {
            /// Every code, in registry order.
            pub const ALL: &'static [WarningCode] = &[$(WarningCode::$variant,)*];

            /// The stable snake_case string, e.g. `zero_amount`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(WarningCode::$variant => $text,)*
                }
            }
        }
    };
}

registry! {
    // The text as scanned.
    /// Whitespace after the CRC (copy damage) was removed once before reading.
    TrailingWhitespace = "trailing_whitespace";

    // EMVCo fields every scheme shares.
    /// A payload format indicator (00) other than `01` on a scheme that does not use it.
    PayloadFormatIndicator = "payload_format_indicator";
    /// The amount (54, UPI `am`) is zero: a static sticker; the payer enters the amount.
    ZeroAmount = "zero_amount";
    /// A dynamic code (01 = 12) that carries no amount.
    DynamicWithoutAmount = "dynamic_without_amount";
    /// A text field longer than EMVCo allows; shown as written.
    FieldTooLong = "field_too_long";
    /// A template repeats a sub-ID; the first is used.
    DuplicateSubId = "duplicate_sub_id";
    /// A convenience fee (56/57) without the indicator (55) that gives it meaning; ignored.
    OrphanFee = "orphan_fee";
    /// The alternate-language template (64) has no language (00).
    LanguageMissing = "language_missing";
    /// The alternate-language template (64) has no merchant name (01).
    AlternateNameMissing = "alternate_name_missing";
    /// No merchant category code (52) where the scheme carries one.
    MerchantCategoryCodeMissing = "merchant_category_code_missing";
    /// No country (58).
    CountryMissing = "country_missing";
    /// No merchant name (59, UPI `pn`) where the scheme carries one: the payer sees no name.
    MerchantNameMissing = "merchant_name_missing";
    /// No merchant city (60) where the scheme carries one.
    MerchantCityMissing = "merchant_city_missing";
    /// The currency (53) is not the scheme's home currency.
    UnexpectedCurrency = "unexpected_currency";
    /// The country (58) is not the scheme's home country.
    UnexpectedCountry = "unexpected_country";

    // Scheme rules.
    /// KHQR: a UnionPay account (15) with USD, which the official SDK does not generate.
    UnionpayWithUsd = "unionpay_with_usd";
    /// KHQR: a merchant code (30) without its merchant id or acquiring bank.
    MerchantFieldMissing = "merchant_field_missing";
    /// KHQR: a static code carries an expiration timestamp, which static codes do not honour.
    StaticExpiryIgnored = "static_expiry_ignored";
    /// KHQR: a static code carries an amount; it is paid as printed.
    StaticWithAmount = "static_with_amount";
    /// JPQR: no postal code (61), which the scheme requires.
    PostalCodeMissing = "postal_code_missing";
    /// JPQR: the language template is not Japanese.
    UnexpectedLanguage = "unexpected_language";
    /// JPQR: no Japanese merchant name (64).
    LanguageTemplateMissing = "language_template_missing";
    /// UPI: a parameter repeats; the first is used.
    DuplicateParameter = "duplicate_parameter";
}

impl WarningCode {
    /// The code whose string is `text`.
    pub fn parse(text: &str) -> Option<WarningCode> {
        WarningCode::ALL.iter().copied().find(|c| c.as_str() == text)
    }
}

impl fmt::Display for WarningCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something a parser tolerated and wants the caller to know about. Serialises as
/// `{"code": "…", "message": "…"}`; displays as `code: message`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Warning {
    /// Stable code, e.g. [`WarningCode::ZeroAmount`].
    pub code: WarningCode,
    /// What was tolerated, for a human.
    pub message: String,
}

impl Warning {
    /// A warning with `code` and `message`.
    pub fn new(code: WarningCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_parse_back() {
        let mut seen = std::collections::BTreeSet::new();
        for &code in WarningCode::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} is registered twice");
            assert!(text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{text} is not snake_case");
            assert_eq!(WarningCode::parse(text), Some(code));
        }
        let w = Warning::new(WarningCode::ZeroAmount, "amount is 0.00");
        assert_eq!(w.to_string(), "zero_amount: amount is 0.00");
        assert_eq!(serde_json::to_string(&w).unwrap(), r#"{"code":"zero_amount","message":"amount is 0.00"}"#);
        for &code in WarningCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}

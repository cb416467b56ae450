//! JPQR (Payments Japan Association): tag 26 GUID `jp.or.paymentsjapan` with the four-level store id
//! (01 13 digits, 02 4, 03 6, 04 6); JPY without decimals; country JP; postal code (61) and the
//! Japanese merchant name in the language template (64, `JA`) are required by the scheme.

use crate::schemes::rules::{
    CodeError, Currency, JpqrStoreId, Node, Reading, Scheme, SchemeDetails, SchemeRules, TemplateRules, WarningCode,
    is_digits,
};

const GUID: &str = "jp.or.paymentsjapan";
const LEVELS: [(u8, usize); 4] = [(1, 13), (2, 4), (3, 6), (4, 6)];

/// Reads the store id, checking each level's digits.
fn store_id(node: &Node<'_>) -> Result<JpqrStoreId, CodeError> {
    let mut levels = LEVELS.iter().map(|&(id, len)| {
        let value =
            node.sub(id).ok_or_else(|| CodeError::missing(format!("JPQR store id level 26/{id:02} is missing")))?;
        if !is_digits(value, len) {
            return Err(CodeError::invalid(format!("JPQR store id level 26/{id:02} {value:?} is not {len} digits")));
        }
        Ok(value.to_owned())
    });
    let mut next = || levels.next().unwrap_or_else(|| Err(CodeError::missing("JPQR store id")));
    Ok(JpqrStoreId { level1: next()?, level2: next()?, level3: next()?, level4: next()? })
}

fn check(r: &mut Reading<'_, '_>) -> Result<(), CodeError> {
    let store = store_id(r.node)?;
    if r.fields.currency != Some(Currency::JPY) {
        return Err(CodeError::invalid("JPQR currency (53) must be JPY (392)"));
    }
    if let Some(country) = r.fields.country.as_deref().filter(|c| *c != "JP") {
        return Err(CodeError::invalid(format!("JPQR country (58) must be JP, not {country}")));
    }
    if r.code.dynamic == Some(true) && r.fields.amount.is_none() {
        return Err(CodeError::missing("dynamic JPQR (01=12) has no amount (54)"));
    }
    if r.fields.postal_code.is_none() {
        r.warn(WarningCode::PostalCodeMissing, "JPQR requires a postal code (61)");
    }
    match r.fields.language.as_ref().and_then(|l| l.language.as_deref()) {
        Some("ja") => {}
        Some(other) => r.warn(WarningCode::UnexpectedLanguage, format!("JPQR language template is {other:?}, expected \"ja\"")),
        None => r.warn(WarningCode::LanguageTemplateMissing, "JPQR requires the Japanese merchant name (64, JA)"),
    }
    r.code.details = SchemeDetails::Jpqr(store);
    Ok(())
}

pub(super) const RULES: SchemeRules = SchemeRules {
    template: Some(TemplateRules {
        claims: |c| c.guid.eq_ignore_ascii_case(GUID),
        account_id: |node| store_id(node).ok().map(|s| s.joined()),
        check,
        ..TemplateRules::BASE
    }),
    ..SchemeRules::new(Scheme::Jpqr)
};

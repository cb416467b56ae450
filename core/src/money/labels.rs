//! The confirm screen's labels in the five label languages. `{}` is filled by the summary (a
//! percentage, a time, an age). Japanese and Chinese follow the wording of the banks and wallets cited
//! in `docs/adr/0019-locales-kept-whole.md`; Traditional Chinese uses Taiwan's (CLDR's `zh-Hant`);
//! the Khmer wording is from Cambodian banks' pages and awaits a native speaker's review.

use super::LabelLanguage;

/// Every label of the confirm screen in one language.
pub(crate) struct Labels {
    /// The code's own amount (or the amount entered), when a fee or tip is added to it.
    pub price: &'static str,
    /// The merchant's fixed convenience fee (55 = 02).
    pub convenience_fee: &'static str,
    /// The merchant's percentage convenience fee (55 = 03), `{}` the percentage.
    pub convenience_fee_percent: &'static str,
    /// The tip (55 = 01).
    pub tip: &'static str,
    /// What the merchant receives.
    pub merchant_amount: &'static str,
    /// The exchange rate applied (markup in, fees out).
    pub rate: &'static str,
    /// The markup over the reference rate.
    pub markup: &'static str,
    /// The reference rate.
    pub reference_rate: &'static str,
    /// The converted amount before fees.
    pub converted: &'static str,
    /// Fee `service_fee`.
    pub service_fee: &'static str,
    /// Fee `conversion_fee`.
    pub conversion_fee: &'static str,
    /// What leaves the payer's account.
    pub total: &'static str,
    /// Debit ÷ credit, fees included.
    pub all_in: &'static str,
    /// A firm quote's countdown, `{}` the time left.
    pub held_for: &'static str,
    /// A firm quote past its expiry.
    pub expired: &'static str,
    /// The estimate's amount.
    pub estimate: &'static str,
    /// The estimate's rate.
    pub indicative_rate: &'static str,
    /// The estimate's status, `{}` the rates' age.
    pub indicative_status: &'static str,
    /// Seconds, minutes, hours after a number.
    pub units: [&'static str; 3],
}

const EN: Labels = Labels {
    price: "Amount",
    convenience_fee: "Convenience fee (merchant)",
    convenience_fee_percent: "Convenience fee (merchant, {}%)",
    tip: "Tip",
    merchant_amount: "Merchant receives",
    rate: "Exchange rate",
    markup: "Markup over reference rate",
    reference_rate: "Reference rate",
    converted: "Converted amount",
    service_fee: "Service fee",
    conversion_fee: "Currency conversion fee",
    total: "Total debited",
    all_in: "Effective rate (all-in, incl. fees)",
    held_for: "Rate held for {}",
    expired: "Quote expired — get a new quote",
    estimate: "Estimate, before fees",
    indicative_rate: "Indicative rate",
    indicative_status: "Indicative rate, {} old",
    units: [" s", " min", " h"],
};

const KM: Labels = Labels {
    price: "ចំនួនទឹកប្រាក់",
    convenience_fee: "កម្រៃបន្ថែមរបស់អ្នកលក់",
    convenience_fee_percent: "កម្រៃបន្ថែមរបស់អ្នកលក់ ({}%)",
    tip: "ប្រាក់ទឹកតែ",
    merchant_amount: "អ្នកលក់ទទួលបាន",
    rate: "អត្រាប្តូរប្រាក់",
    markup: "អត្រាបន្ថែមលើអត្រាយោង",
    reference_rate: "អត្រាយោង",
    converted: "ទឹកប្រាក់ដែលបានប្តូរ",
    service_fee: "កម្រៃសេវា",
    conversion_fee: "កម្រៃប្តូររូបិយប័ណ្ណ",
    total: "ទឹកប្រាក់សរុបដែលត្រូវកាត់ពីគណនី",
    all_in: "អត្រាសរុប (រួមទាំងកម្រៃ)",
    held_for: "អត្រានេះមានសុពលភាព {} ទៀត",
    expired: "អត្រានេះផុតកំណត់ហើយ — សូមយកអត្រាថ្មី",
    estimate: "ការប៉ាន់ស្មាន មិនទាន់រួមកម្រៃ",
    indicative_rate: "អត្រាប៉ាន់ស្មាន",
    indicative_status: "អត្រាប៉ាន់ស្មាន កាលពី {}មុន",
    units: [" វិនាទី", " នាទី", " ម៉ោង"],
};

const JA: Labels = Labels {
    price: "金額",
    convenience_fee: "加盟店手数料",
    convenience_fee_percent: "加盟店手数料（{}%）",
    tip: "チップ",
    merchant_amount: "加盟店の受取金額",
    rate: "為替レート",
    markup: "基準レートに対する上乗せ率",
    reference_rate: "基準レート",
    converted: "換算額",
    service_fee: "手数料",
    conversion_fee: "為替手数料",
    total: "お支払い総額",
    all_in: "手数料込みの実質レート",
    held_for: "このレートの有効期限：残り{}",
    expired: "レートの有効期限が切れました。再取得してください",
    estimate: "概算（手数料を含みません）",
    indicative_rate: "参考レート",
    indicative_status: "参考レート（{}前時点）",
    units: ["秒", "分", "時間"],
};

const ZH_HANS: Labels = Labels {
    price: "金额",
    convenience_fee: "商户附加费",
    convenience_fee_percent: "商户附加费（{}%）",
    tip: "小费",
    merchant_amount: "商户实收金额",
    rate: "汇率",
    markup: "较基准汇率加价",
    reference_rate: "基准汇率",
    converted: "换算金额",
    service_fee: "手续费",
    conversion_fee: "货币转换费",
    total: "扣款总额",
    all_in: "含手续费的实际汇率",
    held_for: "汇率锁定剩余 {}",
    expired: "报价已过期，请重新获取",
    estimate: "预估金额（不含手续费）",
    indicative_rate: "参考汇率",
    indicative_status: "参考汇率（{}前）",
    units: ["秒", "分钟", "小时"],
};

const ZH_HANT: Labels = Labels {
    price: "金額",
    convenience_fee: "商店附加費",
    convenience_fee_percent: "商店附加費（{}%）",
    tip: "小費",
    merchant_amount: "商店實收金額",
    rate: "匯率",
    markup: "較基準匯率加碼",
    reference_rate: "基準匯率",
    converted: "換算金額",
    service_fee: "手續費",
    conversion_fee: "外幣交易手續費",
    total: "扣款總額",
    all_in: "含手續費之實際匯率",
    held_for: "匯率保留剩餘 {}",
    expired: "報價已逾期，請重新取得",
    estimate: "預估金額（不含手續費）",
    indicative_rate: "參考匯率",
    indicative_status: "參考匯率（{}前）",
    units: ["秒", "分鐘", "小時"],
};

/// The labels of `language`.
pub(crate) fn labels(language: LabelLanguage) -> &'static Labels {
    match language {
        LabelLanguage::En => &EN,
        LabelLanguage::Km => &KM,
        LabelLanguage::Ja => &JA,
        LabelLanguage::ZhHans => &ZH_HANS,
        LabelLanguage::ZhHant => &ZH_HANT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_label_and_its_placeholders() {
        let all =
            [LabelLanguage::En, LabelLanguage::Km, LabelLanguage::Ja, LabelLanguage::ZhHans, LabelLanguage::ZhHant];
        for language in all {
            let l = labels(language);
            let plain = [
                l.price,
                l.convenience_fee,
                l.tip,
                l.merchant_amount,
                l.rate,
                l.markup,
                l.reference_rate,
                l.converted,
                l.service_fee,
                l.conversion_fee,
                l.total,
                l.all_in,
                l.expired,
                l.estimate,
                l.indicative_rate,
            ];
            let mut seen = std::collections::BTreeSet::new();
            for label in plain {
                assert!(!label.is_empty() && !label.contains("{}"), "{language:?}: {label:?}");
                assert!(seen.insert(label) || label == l.indicative_rate, "{language:?}: {label:?} used twice");
            }
            for template in [l.convenience_fee_percent, l.held_for, l.indicative_status] {
                assert_eq!(template.matches("{}").count(), 1, "{language:?}: {template:?}");
            }
            // The estimate never borrows a firm label.
            for firm in [l.total, l.rate, l.converted] {
                assert!(![l.estimate, l.indicative_rate].contains(&firm), "{language:?}");
            }
        }
    }
}

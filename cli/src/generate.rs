//! `crossqr generate khqr …`: prints `{"payload","md5"}` and optionally renders a PNG.

use std::path::PathBuf;

use crossqr_core::ErrorCode;
use crossqr_core::schemes::khqr::{self, KhqrFields, KhqrRequest};
use serde::Serialize;

use crate::output::CliError;

#[derive(Debug, clap::Subcommand)]
pub enum Kind {
    /// A KHQR code (individual, or merchant with --merchant-id); dynamic when --amount is given.
    Khqr(KhqrArgs),
}

#[derive(Debug, clap::Args)]
pub struct KhqrArgs {
    /// Bakong account id, name@bank.
    #[arg(long)]
    account: String,
    /// Merchant name (≤25 characters).
    #[arg(long)]
    name: String,
    /// Merchant city (≤15 characters).
    #[arg(long)]
    city: String,
    /// KHR or USD.
    #[arg(long, default_value = "KHR")]
    currency: String,
    /// Fixed amount: makes the code dynamic (needs --expires-ms).
    #[arg(long)]
    amount: Option<String>,
    /// Expiry of a dynamic code, epoch milliseconds.
    #[arg(long, value_name = "MS")]
    expires_ms: Option<i64>,
    /// Merchant id: makes a merchant KHQR (tag 30); needs --bank.
    #[arg(long)]
    merchant_id: Option<String>,
    /// Acquiring bank.
    #[arg(long)]
    bank: Option<String>,
    /// Account information of an individual KHQR (29/01).
    #[arg(long)]
    account_info: Option<String>,
    /// Merchant category code (default 5999).
    #[arg(long)]
    mcc: Option<String>,
    /// UnionPay merchant account (tag 15; not with USD).
    #[arg(long)]
    unionpay: Option<String>,
    /// Bill number (62/01).
    #[arg(long)]
    bill: Option<String>,
    /// Mobile number (62/02).
    #[arg(long)]
    mobile: Option<String>,
    /// Store label (62/03).
    #[arg(long)]
    store: Option<String>,
    /// Terminal label (62/07).
    #[arg(long)]
    terminal: Option<String>,
    /// Purpose of transaction (62/08).
    #[arg(long)]
    purpose: Option<String>,
    /// Alternate language (64/00), e.g. km.
    #[arg(long)]
    lang: Option<String>,
    /// Merchant name in the alternate language.
    #[arg(long)]
    alt_name: Option<String>,
    /// Merchant city in the alternate language.
    #[arg(long)]
    alt_city: Option<String>,
    /// Creation time, epoch milliseconds (default now).
    #[arg(long, value_name = "MS")]
    now_ms: Option<i64>,
    /// Also render the code to this PNG file.
    #[arg(long, value_name = "FILE")]
    png: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
pub struct Generated {
    payload: String,
    md5: String,
}

pub fn run(kind: Kind) -> Result<Generated, CliError> {
    let Kind::Khqr(args) = kind;
    let fields = KhqrFields {
        account_id: args.account,
        merchant_name: args.name,
        merchant_city: Some(args.city),
        currency: args.currency,
        amount: args.amount,
        expires_at_ms: args.expires_ms,
        merchant_id: args.merchant_id,
        acquiring_bank: args.bank,
        account_information: args.account_info,
        mcc: args.mcc,
        unionpay: args.unionpay,
        bill_number: args.bill,
        mobile_number: args.mobile,
        store_label: args.store,
        terminal_label: args.terminal,
        purpose: args.purpose,
        alt_language: args.lang,
        alt_name: args.alt_name,
        alt_city: args.alt_city,
    };
    let request = KhqrRequest::from_fields(fields).map_err(|e| CliError::from_core(&e))?;
    let now = args.now_ms.unwrap_or_else(crossqr_core::clock::system_now_ms);
    let generated = khqr::generate(&request, now).map_err(|e| CliError::from_core(&e))?;
    if let Some(path) = &args.png {
        render_png(&generated.payload, path)?;
    }
    Ok(Generated { payload: generated.payload, md5: generated.md5 })
}

/// Renders `payload` as a QR code PNG, 8 pixels per module with a 4-module quiet zone.
fn render_png(payload: &str, path: &std::path::Path) -> Result<(), CliError> {
    let code = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| CliError::new(ErrorCode::InvalidField, format!("payload does not fit a QR code: {e}")))?;
    let image = code.render::<image::Luma<u8>>().module_dimensions(8, 8).quiet_zone(true).build();
    image.save(path).map_err(|e| CliError::new(ErrorCode::IoError, format!("cannot write {}: {e}", path.display())))
}

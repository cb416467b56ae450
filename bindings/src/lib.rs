//! crossqr for Kotlin and Swift: the core's parse, generate, scan, money display and payment flow
//! behind one small UniFFI surface. No logic lives here — only conversions to FFI records.
//!
//! - one error type, [`CrossqrError`], with the stable code and the human reason;
//! - `Decimal` crosses as a string custom type (`BigDecimal` in Kotlin, `Decimal` in Swift);
//! - long-lived things are objects ([`wallet::Wallet`], [`wallet::PaymentSession`]), data are records;
//! - async methods run on tokio; a host key store signs through the foreign trait [`wallet::Signer`].

#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

uniffi::setup_scaffolding!();

mod code;
mod error;
mod money;
mod scan;
mod wallet;

pub use code::*;
pub use error::CrossqrError;
pub use money::*;
pub use scan::*;
pub use wallet::*;

use std::str::FromStr;

use crossqr_core::money::Decimal;

uniffi::custom_type!(Decimal, String, {
    remote,
    lower: |d| d.to_string(),
    try_lift: |s| Decimal::from_str_exact(&s).or_else(|_| Decimal::from_str(&s)).map_err(|e| uniffi::deps::anyhow::anyhow!("{s:?} is not a decimal: {e}")),
});

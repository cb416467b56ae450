//! crossqr-core: everything a wallet needs to pay a merchant-presented QR code across borders — read
//! it from a camera frame, understand it exactly, show it in the payer's home currency, sign the
//! payment and see it paid exactly once.
//!
//! ```
//! use crossqr_core::money::{Currency, DisplayLocale, PaymentSummary, Pricing, Rate, RateTable};
//!
//! // A JPQR sticker in Osaka, scanned by a Cambodian wallet whose account is in US dollars.
//! let payload = "00020101021226680019jp.or.paymentsjapan01130000000000001020400010306000001040600000152045812\
//!                5303392540412005802JP5909Cafe Kobo6005Osaka610753000016304D571";
//! let now_ms = 1_763_769_600_000;
//! let code = crossqr_core::parse_at(payload, now_ms)?;
//! assert_eq!(code.scheme.as_str(), "jpqr");
//! // What the merchant receives: the amount, plus any fee or tip the code asks for (none here).
//! let credit = code.credit(code.amount.expect("a dynamic code carries its amount"), None)?;
//!
//! // Cached rates (at most an hour old) give an estimate before the backend's firm quote.
//! let rates = RateTable::new([Rate::parse("USD/JPY=150")?], now_ms)?;
//! let estimate = rates.indicative(credit.total, Currency::USD, now_ms, 3_600_000)?;
//! let name = code.merchant.name.as_deref();
//! let summary = PaymentSummary::new(name, &credit, Pricing::Indicative(&estimate), DisplayLocale::EN, false, now_ms)?;
//! assert_eq!(summary.merchant_amount, "¥1,200");
//! assert_eq!(summary.lines[1].label, "Estimate, before fees");
//! assert_eq!(summary.lines[1].value, "≈ $8.00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Modules, in the order data flows through them:
//! - [`scan`]: camera frames (luma, NV21, NV12, RGBA, BGRA, any rotation, borrowed pixels) to decoded
//!   QR payloads with their corners, under a per-frame time budget that is a hard bound; the camera
//!   loop's [`scan::Scanner`] session spends effort only where a code is likely.
//! - [`emv`]: the EMVCo merchant-presented TLV codec and CRC, without scheme knowledge.
//! - [`schemes`]: recognising KHQR, JPQR, Alipay+, Weixin Pay, the ASEAN schemes, UPI and others into a
//!   typed [`PaymentCode`]; generating KHQR.
//! - [`money`]: ISO 4217 currencies, exact decimal amounts, named rounding rules, rates and quotes,
//!   CLDR display, the [`money::PaymentSummary`] a confirm screen shows.
//! - [`sign`]: ECDSA P-256 device keys, the [`sign::Signer`] a host key store implements, request and
//!   response signatures.
//! - [`api`]: the signed, verifying, retrying client of the wallet backend (`switch/openapi.yaml`).
//! - [`flow`]: the [`flow::Wallet`] and its [`flow::PaymentSession`]s, with the durable payment journal.
//! - [`runtime`]: where the wallet's work runs when a host (Kotlin, Swift) drives it.
//! - [`clock`], [`entropy`]: time and randomness as inputs.
//! - [`error`]: stable machine-readable error codes; [`warning`]: stable warning codes.

#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

pub mod api;
pub mod clock;
pub mod emv;
pub mod entropy;
pub mod error;
pub mod flow;
pub mod money;
pub mod runtime;
pub mod scan;
pub mod schemes;
pub mod sign;
pub mod warning;

pub use error::{CodeError, Coded, ErrorCode, ErrorKind, Warning};
pub use schemes::{PaymentCode, Scheme, parse, parse_at};
pub use warning::WarningCode;

//! Switch configuration: rates, markup, fees, quote lifetime, replay window, fault rules, sandbox
//! merchants. JSON (`crossqr-switch serve --config FILE`); every field optional.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use crossqr_core::api::wire::{Amount, FaultRule};
use serde::{Deserialize, Serialize};

/// How the switch behaves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SwitchConfig {
    /// Listen address; loopback by default, port 0 picks a free one.
    pub addr: SocketAddr,
    /// SQLite file; `None` keeps state in memory (lost on restart).
    pub db_path: Option<PathBuf>,
    /// Mid-market rates, `"USD/JPY"` → `"150.25"` (one USD buys 150.25 JPY); crosses are derived.
    pub rates: BTreeMap<String, String>,
    /// Who the mid-market rates are from: the reference source a quote names (`ECB`, `NBC`).
    pub rate_source: String,
    /// FX markup charged to the payer over the reference rate, basis points of the converted amount.
    pub markup_bps: u32,
    /// A fixed service fee per home currency, `"USD"` → `"0.25"`, shown as its own line.
    pub fees: BTreeMap<String, String>,
    /// How long a quote is honoured, milliseconds.
    pub quote_ttl_ms: i64,
    /// How old a request may be, and how long after its time it is remembered against replay.
    pub replay_window_ms: i64,
    /// How far in the future a request's time may be (a device clock slightly ahead).
    pub max_future_skew_ms: i64,
    /// Sandbox mode: fault injection (`X-Crossqr-Fault`, `POST /_sandbox/faults`, the `faults` below).
    /// Only on a loopback address; off by default.
    pub sandbox: bool,
    /// Sandbox faults for the next matching requests of any device.
    pub faults: Vec<FaultRule>,
    /// Payments whose debit exceeds this, per home currency, fail with `limit_exceeded`.
    pub limits: BTreeMap<String, String>,
    /// What network-only codes resolve to: payload → order. Unlisted Alipay+/Weixin Pay codes get a
    /// sandbox order derived from the code.
    pub orders: BTreeMap<String, SandboxOrder>,
}

/// A sandbox order behind an Alipay+ or Weixin Pay code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SandboxOrder {
    /// Merchant name.
    pub merchant_name: String,
    /// Merchant city.
    pub merchant_city: Option<String>,
    /// ISO 3166 country.
    pub country: Option<String>,
    /// What is bought.
    pub description: Option<String>,
    /// The amount asked.
    pub amount: Amount,
}

impl Default for SwitchConfig {
    fn default() -> Self {
        let map = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        SwitchConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db_path: None,
            rates: map(&[
                ("USD/KHR", "4025"),
                ("USD/JPY", "150.25"),
                ("USD/CNY", "7.12"),
                ("USD/THB", "32.40"),
                ("USD/VND", "26250"),
                ("USD/LAK", "21650"),
                ("USD/MYR", "4.18"),
                ("USD/SGD", "1.30"),
                ("USD/IDR", "16650"),
                ("USD/INR", "88.60"),
            ]),
            rate_source: "crossqr sandbox mid-market".into(),
            markup_bps: 100,
            fees: map(&[("USD", "0.25"), ("KHR", "1000"), ("JPY", "40"), ("CNY", "1.80")]),
            quote_ttl_ms: 120_000,
            replay_window_ms: 300_000,
            max_future_skew_ms: 5_000,
            sandbox: false,
            faults: Vec::new(),
            limits: map(&[("USD", "10000"), ("KHR", "40000000"), ("JPY", "1500000")]),
            orders: BTreeMap::new(),
        }
    }
}

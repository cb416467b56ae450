//! `crossqr demo`: the whole flow end to end, over all four links. Starts the reference switch
//! in-process on loopback, then a Cambodian wallet (home USD) in Osaka scans a JPQR sticker, a Japanese
//! visitor's wallet (home JPY) in Phnom Penh scans a static KHQR and enters the amount, the Cambodian
//! wallet pays an Alipay+ order code and a Weixin Pay code the switch resolves, and a Chinese visitor's
//! wallet (home CNY, Chinese) pays the KHQR sticker. Every step is printed as a wallet screen shows it —
//! the estimate, then the firm confirm block with the rate, the markup over the reference rate and each
//! fee; the last line is one JSON object with the final status.

use crossqr_core::ErrorCode;
use std::sync::Arc;

use crossqr_core::api::ApiConfig;
use crossqr_core::api::tls::TlsTrust;
use crossqr_core::api::wire::Amount;
use crossqr_core::clock::SystemClock;
use crossqr_core::entropy::SystemEntropy;
use crossqr_core::flow::{PaymentSession, SessionState, Wallet, WalletOptions};
use crossqr_core::money::{Currency, Decimal, DisplayLocale, PaymentSummary};
use crossqr_core::scan::image_file::LumaImage;
use crossqr_core::scan::{Frame, ScanOptions, scan};
use crossqr_core::sign::DeviceKey;
use crossqr_switch::pki::{ServerCert, TestPki};
use crossqr_switch::{Switch, SwitchConfig};
use serde::Serialize;

use crate::output::CliError;

const JPQR_PHOTO: &[u8] = include_bytes!("../assets/jpqr-osaka.png");
const KHQR_PHOTO: &[u8] = include_bytes!("../assets/khqr-phnom-penh.png");
const ALIPAY_ORDER: &str = "https://qr.alipay.com/bax03190uxd47wbekffy6033";
const WEIXIN_CODE: &str = "wxp://f2f0Qm3hXbYw7cVt2LkPzR9sNd4uGe8aJ1oF";

/// One payment in the final line.
#[derive(Debug, Serialize)]
struct Paid {
    wallet: &'static str,
    scheme: String,
    merchant: Option<String>,
    payment_id: Option<String>,
    status: &'static str,
    debit: Option<Amount>,
    credit: Option<Amount>,
}

/// The final line.
#[derive(Debug, Serialize)]
pub struct Outcome {
    status: &'static str,
    payments: Vec<Paid>,
}

fn fail(code: ErrorCode) -> impl Fn(String) -> CliError {
    move |m| CliError::new(code, m)
}

impl Outcome {
    /// True when every payment settled.
    pub fn is_settled(&self) -> bool {
        self.status == "settled"
    }
}

/// Runs the demo, over HTTPS when `tls` (the switch under a freshly generated test CA, the wallets
/// trusting only it); Ok carries the final line.
pub fn run(tls: bool) -> Result<Outcome, CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| fail(ErrorCode::Internal)(e.to_string()))?;
    runtime.block_on(demo(tls))
}

/// The switch, on loopback: plain HTTP, or HTTPS with the CA the wallets must trust.
async fn start_switch(tls: bool) -> Result<(crossqr_switch::RunningSwitch, Option<TlsTrust>), CliError> {
    let failed = fail(ErrorCode::SwitchFailed);
    let switch = Switch::open(SwitchConfig::default(), Arc::new(SystemClock), Arc::new(SystemEntropy))
        .map_err(|e| failed(e.to_string()))?;
    if !tls {
        return Ok((switch.serve().await.map_err(|e| failed(e.to_string()))?, None));
    }
    let now_s = crossqr_core::clock::system_now_ms() / 1000;
    let pki = TestPki::generate("crossqr demo CA", &ServerCert::loopback(now_s)).map_err(&failed)?;
    let server = crossqr_switch::tls::server_config(&pki.cert_pem, &pki.key_pem).map_err(|e| failed(e.to_string()))?;
    let trust = TlsTrust::from_pem(&pki.ca_pem).map_err(|e| failed(e.to_string()))?;
    Ok((switch.serve_tls(server).await.map_err(|e| failed(e.to_string()))?, Some(trust)))
}

async fn demo(tls: bool) -> Result<Outcome, CliError> {
    let (switch, trust) = start_switch(tls).await?;
    let dir = std::env::temp_dir().join(format!("crossqr-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| fail(ErrorCode::IoError)(e.to_string()))?;
    println!(
        "crossqr demo · reference switch on {} · pinned key {}…",
        switch.base_url(),
        &switch.public_key.spki_base64()[36..52]
    );

    let open = |name: &str, home, locale| {
        let api = ApiConfig {
            allow_http_loopback: trust.is_none(),
            tls: trust.clone(),
            ..ApiConfig::new(switch.base_url(), switch.public_key.clone())
        };
        let key = Arc::new(DeviceKey::generate().map_err(|e| CliError::from_core(&e))?);
        let options = WalletOptions { locale, ..WalletOptions::new(home) };
        Wallet::open(api, key, Arc::new(SystemClock), &dir.join(format!("{name}.db")), options)
            .map_err(|e| CliError::from_core(&e))
    };
    let mut payments = Vec::new();
    let result = async {
        let cambodian = open("cambodian", Currency::USD, DisplayLocale::EN)?;
        let visitor = open("visitor", Currency::JPY, DisplayLocale::JA)?;
        let chinese = open("chinese", Currency::CNY, DisplayLocale::ZH)?;
        for w in [&cambodian, &visitor, &chinese] {
            w.register().await.map_err(|e| CliError::from_core(&e))?;
            w.refresh_rates().await.map_err(|e| CliError::from_core(&e))?;
        }

        heading("A Cambodian wallet (home USD) at a ramen shop in Osaka");
        let text = camera("jpqr-osaka.png", JPQR_PHOTO)?;
        payments.push(pay(&cambodian, "cambodian_usd", &text, None).await?);

        heading("A Japanese visitor's wallet (home JPY) at a café in Phnom Penh");
        let text = camera("khqr-phnom-penh.png", KHQR_PHOTO)?;
        payments.push(pay(&visitor, "visitor_jpy", &text, Some(Decimal::from(32_900))).await?);

        heading("The Cambodian wallet pays an Alipay+ order code (resolved by the network)");
        line("camera", ALIPAY_ORDER);
        payments.push(pay(&cambodian, "cambodian_usd", ALIPAY_ORDER, None).await?);

        heading("The Cambodian wallet pays a Weixin Pay code in Shanghai (resolved by the network)");
        line("camera", WEIXIN_CODE);
        payments.push(pay(&cambodian, "cambodian_usd", WEIXIN_CODE, None).await?);

        heading("A Chinese visitor's wallet (home CNY) at the café in Phnom Penh");
        let text = camera("khqr-phnom-penh.png", KHQR_PHOTO)?;
        payments.push(pay(&chinese, "visitor_cny", &text, Some(Decimal::from(24_600))).await?);
        Ok::<(), CliError>(())
    }
    .await;
    switch.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    let status = payments.iter().map(|p| p.status).find(|s| *s != "settled").unwrap_or("settled");
    Ok(Outcome { status, payments })
}

fn heading(text: &str) {
    println!("\n━━ {text} ━━");
}

fn line(label: &str, text: &str) {
    println!(" {label:<9}{text}");
}

/// Decodes a bundled photo and scans it as a camera frame.
fn camera(name: &str, png: &[u8]) -> Result<String, CliError> {
    let image = LumaImage::decode(png).map_err(|e| CliError::from_core(&e))?;
    let frame = Frame::luma(&image.luma, image.width, image.height).map_err(|e| CliError::from_core(&e))?;
    let report = scan(&frame, ScanOptions::CAMERA);
    let code =
        report.codes.first().ok_or_else(|| CliError::new(ErrorCode::NoCode, format!("no QR code found in {name}")))?;
    line(
        "camera",
        &format!("{name} ({}×{}) → a code in {:.1} ms", image.width, image.height, report.elapsed.as_secs_f64() * 1e3),
    );
    Ok(code.text.clone())
}

/// Terminal columns `text` takes: CJK and full-width characters two, Khmer vowel signs and other
/// combining marks none, everything else one.
fn columns(text: &str) -> usize {
    text.chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F => 2,
            0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 => 2,
            0x0300..=0x036F | 0x17B4..=0x17D3 | 0x17DD | 0x200B => 0,
            _ => 1,
        })
        .sum()
}

/// The confirm block: every line of the summary, labels in the wallet's language, values aligned.
fn show(summary: &PaymentSummary) {
    let width = summary.lines.iter().map(|l| columns(&l.label)).max().unwrap_or(0) + 2;
    for (i, l) in summary.lines.iter().enumerate() {
        let label = if i == 0 { "confirm" } else { "" };
        let pad = width.saturating_sub(columns(&l.label));
        line(label, &format!("{}{:pad$}{}", l.label, "", l.value));
    }
}

/// Scanned text → code → (amount) → indicative → firm quote → pay.
async fn pay(wallet: &Wallet, who: &'static str, text: &str, amount: Option<Decimal>) -> Result<Paid, CliError> {
    let mut session: PaymentSession = wallet.start(text).await.map_err(|e| CliError::from_core(&e))?;
    let code = session.code();
    let m = &code.merchant;
    let place = [m.city.as_deref(), m.country.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let shown = session.merchant_name().unwrap_or("(no name)");
    let other = [m.name.as_deref(), m.name_alt.as_deref()].into_iter().flatten().find(|n| *n != shown);
    let name = other.map_or(shown.to_owned(), |o| format!("{shown} ({o})"));
    let place = if place.is_empty() { String::new() } else { format!(" · {place}") };
    line("code", &format!("{} · {name}{place}", code.scheme.as_str()));
    if let Some(value) = amount.filter(|_| session.needs_amount()) {
        session.enter_amount(value).map_err(|e| CliError::from_core(&e))?;
        line("amount", &format!("entered {} {}", value, code_currency(&session)));
    }
    if let Ok(preview) = session.summary() {
        let estimate = preview.lines.iter().find(|l| l.key == "estimate");
        let shown = estimate.map(|l| format!("{} {}", l.label, l.value)).unwrap_or(preview.total);
        let status = preview.status.map(|s| format!(" · {s}")).unwrap_or_default();
        line("preview", &format!("{shown}{status}"));
    }
    let summary = session.request_quote().await.map_err(|e| CliError::from_core(&e))?;
    show(&summary);
    let result = session.pay().await.map_err(|e| CliError::from_core(&e))?;
    let status = match result.state {
        SessionState::Settled => "settled",
        SessionState::Failed => "failed",
        _ => "pending",
    };
    let mark = if status == "settled" { "✓" } else { "✗" };
    line("pay", &format!("{mark} {status} · payment {}", result.payment_id));
    let quote = session.quote();
    Ok(Paid {
        wallet: who,
        scheme: session.code().scheme.as_str().to_owned(),
        merchant: session.merchant_name().map(str::to_owned),
        payment_id: Some(result.payment_id),
        status,
        debit: quote.map(|q| Amount::from(&q.debit)),
        credit: quote.map(|q| Amount::from(&q.credit)),
    })
}

fn code_currency(session: &PaymentSession) -> String {
    session.code().currency.map(|c| c.code().to_owned()).unwrap_or_default()
}

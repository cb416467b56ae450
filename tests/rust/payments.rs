//! End to end against the reference switch over loopback HTTP: the happy paths, every injected fault
//! (each payment ends settled or failed exactly once), a client crash, a switch restart, and the
//! requests the switch must refuse.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crossqr_core::api::ApiClient;
use crossqr_core::api::wire::{Amount, BackendCode, PaymentOutcome, PaymentRequest};
use crossqr_core::clock::{SystemClock, system_now_ms};
use crossqr_core::flow::{DEFAULT_MAX_RATE_AGE_MS, JournalState, SessionState, Wallet, WalletBuilder, WalletOptions};
use crossqr_core::money::{Currency, Decimal, PaymentSummary, RateTable, RoundingRule};
use crossqr_core::sign::{DeviceKey, message};
use crossqr_core::{ErrorCode, ErrorKind};
use crossqr_switch::SwitchConfig;
use crossqr_tests::sandbox::{
    ManualClock, TempDir, TestSigner, api_config, backend_status, jpqr_with_tip, khqr, payment_fault, payment_for,
    send, set_faults, signed, static_khqr, switch, wallet, wallet_with,
};
use crossqr_tests::synth::jpqr;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cambodian_wallet_pays_jpqr_in_jpy_from_usd() {
    let sw = switch(SwitchConfig::default()).await;
    let dir = TempDir::new("pay-jpqr");
    let wallet = wallet(&sw, Currency::USD, &dir.path("journal.db")).await;
    wallet.refresh_rates().await.unwrap();
    let mut session = wallet.start(&jpqr(42, "らーめん一番", Some(1200))).await.unwrap();
    assert_eq!((session.state(), session.amount().unwrap().to_string()), (SessionState::Scanned, "1200 JPY".into()));
    let indicative = session.summary().unwrap();
    assert!(indicative.indicative && indicative.merchant_amount == "¥1,200", "{indicative:?}");
    assert_eq!(
        lines(&indicative),
        [
            ("Merchant receives", "¥1,200"),
            ("Estimate, before fees", "≈ $7.99"),
            ("Indicative rate", "1 USD ≈ 150.25 JPY (crossqr sandbox mid-market)"),
            ("", "Indicative rate, 0 s old"),
        ]
    );
    let summary = session.request_quote().await.unwrap();
    assert!(!summary.indicative);
    // 1200 / 150.25 × 1.01 = 8.066…, half-even to 8.07, plus a 0.25 fee.
    assert_eq!((summary.home_amount.as_deref(), summary.total.as_str()), (Some("$8.07"), "$8.32"));
    assert_eq!(summary.fees.len(), 1);
    let shown = lines(&summary);
    assert_eq!(shown[1], ("Exchange rate", "1 USD = 148.762 JPY"), "markup in, fees out");
    assert_eq!(shown[2], ("Markup over reference rate", "1.00%"));
    assert!(
        shown[3].0 == "Reference rate" && shown[3].1.starts_with("1 USD = 150.25 JPY (crossqr sandbox mid-market, 20")
    );
    assert_eq!(
        shown[4..8],
        [
            ("Converted amount", "$8.07"),
            ("Service fee", "$0.25"),
            ("Total debited", "$8.32"),
            ("Effective rate (all-in, incl. fees)", "1 USD = 144.231 JPY"),
        ]
    );
    assert_eq!(summary.fees[0].key, "service_fee", "fees by code, labelled by the wallet");
    let quote = session.quote().unwrap();
    assert_eq!(quote.rate.pair.to_string(), "USD/JPY", "direction from the pair, as the switch writes it");
    let result = session.pay().await.unwrap();
    assert_eq!((result.state, session.state()), (SessionState::Settled, SessionState::Settled));
    let history = wallet.history().unwrap();
    assert_eq!((history.len(), history[0].state), (1, JournalState::Settled));
    assert_eq!(history[0].payment.debit.to_string(), "8.32 USD");
    sw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitor_wallet_pays_khqr_in_khr_from_jpy() {
    let sw = switch(SwitchConfig::default()).await;
    let dir = TempDir::new("pay-khqr");
    let wallet = wallet(&sw, Currency::JPY, &dir.path("journal.db")).await;
    let mut session = wallet.start(&khqr(32_900)).await.unwrap();
    let summary = session.request_quote().await.unwrap();
    // 32900 KHR at 150.25/4025 JPY per riel × 1.01 = 1240.4…, whole yen 1240, plus a 40 yen fee.
    assert_eq!((summary.merchant_amount.as_str(), summary.total.as_str()), ("KHR\u{a0}32,900", "¥1,280"));
    assert_eq!(session.quote().unwrap().rate.pair.to_string(), "JPY/KHR", "a cross rate, written home/merchant");
    let result = session.pay().await.unwrap();
    assert_eq!(result.state, SessionState::Settled);
    sw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alipay_code_resolved_by_the_switch() {
    let sw = switch(SwitchConfig::default()).await;
    let dir = TempDir::new("pay-alipay");
    let wallet = wallet(&sw, Currency::USD, &dir.path("journal.db")).await;
    let mut session = wallet.start("https://qr.alipay.com/bax03190uxd47wbekffy6033").await.unwrap();
    let credit = session.amount().expect("the switch supplies the amount");
    assert_eq!(credit.currency(), Currency::CNY);
    assert!(session.merchant_name().unwrap().starts_with("Sandbox merchant"));
    assert!(session.enter_amount(Decimal::from(5)).is_err(), "the network fixes the amount");
    session.request_quote().await.unwrap();
    assert_eq!(session.pay().await.unwrap().state, SessionState::Settled);
    sw.stop().await;
}

/// `(label, value)` of every line.
fn lines(summary: &PaymentSummary) -> Vec<(&str, &str)> {
    summary.lines.iter().map(|l| (l.label.as_str(), l.value.as_str())).collect()
}

/// `(label, value)` of the line `key`.
fn line(summary: &PaymentSummary, key: &str) -> Option<(String, String)> {
    summary.lines.iter().find(|l| l.key == key).map(|l| (l.label.clone(), l.value.clone()))
}

/// The code's own convenience fee and the tip are part of what the merchant receives: in the credit,
/// the quote, the payment and every line of the screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_s_fee_and_the_tip_are_paid_to_the_merchant() {
    let sw = switch(SwitchConfig::default()).await;
    let dir = TempDir::new("pay-fees");
    let wallet = wallet(&sw, Currency::USD, &dir.path("journal.db")).await;
    wallet.refresh_rates().await.unwrap();

    // A ¥100 fixed fee (55 = 02, 56).
    let mut fixed = wallet.start(&jpqr_with_tip(1000, &[(55, "02"), (56, "100")])).await.unwrap();
    assert_eq!(fixed.amount().unwrap().to_string(), "1100 JPY");
    let estimate = fixed.summary().unwrap();
    assert_eq!(line(&estimate, "convenience_fee"), Some(("Convenience fee (merchant)".into(), "¥100".into())));
    assert_eq!(line(&estimate, "merchant_amount"), Some(("Merchant receives".into(), "¥1,100".into())));
    let firm = fixed.request_quote().await.unwrap();
    assert_eq!(fixed.quote().unwrap().credit.to_string(), "1100 JPY");
    assert_eq!(line(&firm, "price").unwrap().1, "¥1,000");
    assert_eq!(fixed.pay().await.unwrap().state, SessionState::Settled);
    assert_eq!(wallet.history().unwrap()[0].payment.credit.to_string(), "1100 JPY");

    // 3.5 % of the amount (55 = 03, 57): ¥35.
    let mut percent = wallet.start(&jpqr_with_tip(1000, &[(55, "03"), (57, "3.5")])).await.unwrap();
    let firm = percent.request_quote().await.unwrap();
    assert_eq!(line(&firm, "convenience_fee"), Some(("Convenience fee (merchant, 3.5%)".into(), "¥35".into())));
    assert_eq!(firm.merchant_amount, "¥1,035");
    assert_eq!(percent.pay().await.unwrap().state, SessionState::Settled);

    // A tip prompt (55 = 01): the tip line is there to fill in, and the tip entered is paid.
    let mut tipped = wallet.start(&jpqr_with_tip(1000, &[(55, "01")])).await.unwrap();
    assert!(tipped.asks_for_tip());
    let before = tipped.summary().unwrap();
    assert!(before.asks_for_tip);
    assert_eq!(line(&before, "tip").unwrap().1, "¥0");
    tipped.enter_tip(Decimal::from(150)).unwrap();
    let firm = tipped.request_quote().await.unwrap();
    assert_eq!((line(&firm, "tip").unwrap().1.as_str(), firm.merchant_amount.as_str()), ("¥150", "¥1,150"));
    assert_eq!(tipped.pay().await.unwrap().state, SessionState::Settled);
    sw.stop().await;
}

/// The switch prices with the core's conversion, the one a wallet's estimate uses: a tie through an
/// inverted rate is rounded once, exactly (45 JPY at USD/JPY 120 is $0.375: half-even $0.38), and every
/// firm amount is the core's conversion with the markup for the same rates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_switch_and_the_wallet_round_with_one_function() {
    let rates = BTreeMap::from([("USD/JPY".to_owned(), "120".to_owned())]);
    let tie = switch(SwitchConfig { rates, markup_bps: 0, fees: BTreeMap::new(), ..SwitchConfig::default() }).await;
    let dir = TempDir::new("pay-tie");
    let wallet = wallet(&tie, Currency::USD, &dir.path("journal.db")).await;
    let mut session = wallet.start(&jpqr(7, "屋台", Some(45))).await.unwrap();
    session.request_quote().await.unwrap();
    assert_eq!(session.quote().unwrap().debit.to_string(), "0.38 USD");
    tie.stop().await;

    let config = SwitchConfig::default();
    let table = RateTable::parse(config.rates.iter().map(|(p, v)| (p.as_str(), v.as_str())), 0).unwrap();
    let sw = switch(config).await;
    let (usd, yen) = (wallet_in(&sw, Currency::USD, &dir).await, wallet_in(&sw, Currency::JPY, &dir).await);
    for (payer, payload) in [(&usd, jpqr(8, "店", Some(45))), (&usd, jpqr(9, "店", Some(98_765))), (&yen, khqr(32_900))]
    {
        let mut session = payer.start(&payload).await.unwrap();
        session.request_quote().await.unwrap();
        let quote = session.quote().unwrap();
        let core = table.conversion(quote.credit.currency(), quote.home()).unwrap().with_markup_bps(100);
        let expected = core.apply(quote.credit, RoundingRule::for_payment(quote.home())).unwrap();
        assert_eq!(quote.converted(), expected, "{}", quote.credit);
    }
    sw.stop().await;
}

/// A registered wallet in `home` with a journal of its own under `dir`.
async fn wallet_in(sw: &crossqr_switch::RunningSwitch, home: Currency, dir: &TempDir) -> Wallet {
    wallet(sw, home, &dir.path(&format!("{home}-{}.db", system_now_ms()))).await
}

/// Time moves by hand: rates older than the wallet allows give no estimate, and a quote past its
/// expiry says so (in Traditional Chinese here) and cannot be confirmed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_rates_and_an_expired_quote_say_so() {
    crossqr_core::api::tls::install_crypto_provider();
    let clock = ManualClock::new(system_now_ms());
    let config = SwitchConfig { sandbox: true, ..SwitchConfig::default() };
    let sw = crossqr_switch::start_with_clock(config, clock.clone()).await.unwrap();
    let dir = TempDir::new("pay-expiry");
    let options = WalletOptions { locale: "zh-TW".parse().unwrap(), ..WalletOptions::new(Currency::USD) };
    let key = Arc::new(DeviceKey::generate().unwrap());
    let wallet =
        WalletBuilder::new(api_config(&sw), key, options).clock(clock.clone()).open(&dir.path("j.db")).unwrap();
    wallet.register().await.unwrap();
    wallet.refresh_rates().await.unwrap();
    let mut session = wallet.start(&jpqr(5, "寿司", Some(1200))).await.unwrap();
    let estimate = session.summary().unwrap();
    assert_eq!(line(&estimate, "estimate"), Some(("預估金額（不含手續費）".into(), "≈ US$7.99".into())));
    clock.advance(DEFAULT_MAX_RATE_AGE_MS + 1);
    assert_eq!(session.summary().unwrap_err().code, ErrorCode::RatesStale);
    wallet.refresh_rates().await.unwrap();
    assert!(session.summary().is_ok(), "fresh rates again");
    let firm = session.request_quote().await.unwrap();
    assert_eq!(firm.status.as_deref(), Some("匯率保留剩餘 2:00"));
    assert_eq!(line(&firm, "markup"), Some(("較基準匯率加碼".into(), "1.00%".into())));
    assert_eq!(line(&firm, "service_fee"), Some(("手續費".into(), "US$0.25".into())));
    clock.advance(120_000);
    let expired = session.summary().unwrap();
    assert!(expired.expired);
    assert_eq!(expired.status.as_deref(), Some("報價已逾期，請重新取得"));
    assert_eq!(session.confirm().await.unwrap_err().code, ErrorCode::QuoteExpired);
    sw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_code_takes_an_entered_amount_and_domestic_quotes_have_no_rate() {
    let sw = switch(SwitchConfig::default()).await;
    let dir = TempDir::new("pay-static");
    let wallet = wallet(&sw, Currency::USD, &dir.path("journal.db")).await;
    let mut session = wallet.start(&static_khqr("stall@aclb", Currency::USD)).await.unwrap();
    assert!(session.needs_amount());
    assert_eq!(session.request_quote().await.unwrap_err().code.as_str(), "amount_required");
    assert_eq!(session.enter_amount(Decimal::new(-5, 0)).unwrap_err().code.as_str(), "negative_amount");
    assert_eq!(session.enter_amount(Decimal::new(1005, 3)).unwrap_err().code.as_str(), "too_many_decimals");
    session.enter_amount(Decimal::new(350, 2)).unwrap();
    let summary = session.request_quote().await.unwrap();
    assert_eq!((summary.rate, summary.total.as_str()), (None, "$3.75"));
    assert_eq!(session.pay().await.unwrap().state, SessionState::Settled);

    let mut riel = wallet.start(&static_khqr("stall@aclb", Currency::KHR)).await.unwrap();
    assert_eq!(
        riel.enter_amount(Decimal::new(10005, 1)).unwrap_err().code.as_str(),
        "invalid_amount",
        "whole riel only"
    );
    sw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_payment_fails_definitely() {
    let sw = switch(SwitchConfig::default()).await;
    let dir = TempDir::new("pay-decline");
    let wallet = wallet(&sw, Currency::USD, &dir.path("journal.db")).await;
    let mut session = wallet.start(&static_khqr("decline@aclb", Currency::USD)).await.unwrap();
    session.enter_amount(Decimal::from(2)).unwrap();
    session.request_quote().await.unwrap();
    let result = session.pay().await.unwrap();
    assert_eq!(result.state, SessionState::Failed);
    assert_eq!(result.note.unwrap().code, "declined");
    assert_eq!(wallet.history().unwrap()[0].state, JournalState::Failed);
    sw.stop().await;
}

/// Every fault, once: the retry (same payment id, same body) ends the payment exactly once. Each
/// fault fired: the payment took two attempts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_injected_fault_ends_in_exactly_one_payment() {
    let sw = switch(SwitchConfig::default()).await;
    let dir = TempDir::new("faults");
    let signer = TestSigner::new();
    let key = signer.key();
    let wallet = wallet_with(&sw, signer.clone(), Currency::USD, &dir.path("journal.db")).await;
    for fault in [
        "drop_before_commit",
        "drop_after_commit",
        "http_503",
        "malformed",
        "unsigned",
        "bad_signature",
        "latency=1500",
    ] {
        let mut session = wallet.start(&jpqr(7, "コンビニ", Some(500))).await.unwrap();
        session.request_quote().await.unwrap();
        set_faults(&sw, &key, &[payment_fault(fault, 1)]).await;
        let attempts = signer.signed("POST /v1/payments");
        let result = session.pay().await.unwrap();
        assert_eq!(result.state, SessionState::Settled, "{fault}: {result:?}");
        assert_eq!(signer.signed("POST /v1/payments") - attempts, 2, "{fault} fired: the payment was sent again");
        let id = result.payment_id.clone();
        assert_eq!(backend_status(&sw, key.clone(), &id).await, Some(PaymentOutcome::Settled), "{fault}");
        // The quote was consumed by exactly this payment: a second payment on it is refused.
        let quote = session.quote().unwrap();
        let again = payment_for(quote, &format!("{:032x}", system_now_ms()), &session.code().payload);
        let api = ApiClient::new(api_config(&sw), key.clone(), Arc::new(SystemClock)).unwrap();
        let err = api.pay(&again, || Ok(())).await.unwrap_err();
        assert!(err.is(BackendCode::QuoteAlreadyUsed), "{fault}: {err:?}");
    }
    let history = wallet.history().unwrap();
    assert_eq!(history.len(), 7);
    assert!(history.iter().all(|e| e.state == JournalState::Settled), "{history:?}");
    sw.stop().await;
}

/// Faults that outlast every retry leave the payment pending, never lost: once the switch answers,
/// it settles exactly once — whether the first attempt had committed or not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persistent_faults_leave_payments_pending_until_reconciled() {
    let sw = switch(SwitchConfig::default()).await;
    let dir = TempDir::new("pending");
    let key = Arc::new(DeviceKey::generate().unwrap());
    let wallet = wallet_with(&sw, key.clone(), Currency::USD, &dir.path("journal.db")).await;
    for fault in ["drop_after_commit", "drop_before_commit", "unsigned"] {
        let mut session = wallet.start(&jpqr(9, "大阪 たこ焼き", Some(800))).await.unwrap();
        session.request_quote().await.unwrap();
        set_faults(&sw, &key, &[payment_fault(fault, 10)]).await;
        let result = session.pay().await.unwrap();
        assert_eq!(result.state, SessionState::Submitted, "{fault}: outcome unknown, not failed");
        assert_eq!(result.note.as_ref().unwrap().code, "outcome_unknown");
        set_faults(&sw, &key, &[]).await;
        let committed = backend_status(&sw, key.clone(), &result.payment_id).await;
        assert_eq!(committed.is_some(), fault != "drop_before_commit", "{fault}");
        let refreshed = session.refresh().await.unwrap();
        assert_eq!((refreshed.state, session.state()), (SessionState::Settled, SessionState::Settled), "{fault}");
        assert_eq!(backend_status(&sw, key.clone(), &result.payment_id).await, Some(PaymentOutcome::Settled));
    }
    sw.stop().await;
}

/// The app dies between sending and hearing back: the journal says submitted; a reopened wallet
/// reconciles it to the switch's answer, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_crash_between_submit_and_response() {
    let sw = switch(SwitchConfig::default()).await;
    let dir = TempDir::new("crash");
    let journal = dir.path("journal.db");
    let key = Arc::new(DeviceKey::generate().unwrap());

    // Crash 1: the request reached the switch and committed; the answer never arrived.
    let crashed_after_commit = {
        let wallet = wallet_with(&sw, key.clone(), Currency::USD, &journal).await;
        let mut session = wallet.start(&jpqr(1, "らーめん一番", Some(1000))).await.unwrap();
        session.request_quote().await.unwrap();
        set_faults(&sw, &key, &[payment_fault("drop_after_commit", 10)]).await;
        let id = session.pay().await.unwrap().payment_id;
        drop(session);
        drop(wallet);
        id
    };
    // Crash 2: the process is killed while the request is in flight (held up by latency).
    let crashed_in_flight = {
        let wallet = wallet_with(&sw, key.clone(), Currency::USD, &journal).await;
        let mut session = wallet.start(&jpqr(2, "コンビニ", Some(600))).await.unwrap();
        session.request_quote().await.unwrap();
        session.confirm().await.unwrap();
        let id = session.payment_id().unwrap().to_owned();
        set_faults(&sw, &key, &[payment_fault("latency=400", 1)]).await;
        let task = tokio::spawn(async move { session.submit().await });
        tokio::time::sleep(Duration::from_millis(150)).await;
        task.abort();
        let _ = task.await;
        drop(wallet);
        id
    };
    // Crash 3: confirmed, then killed before anything was sent.
    let crashed_before_send = {
        let wallet = wallet_with(&sw, key.clone(), Currency::USD, &journal).await;
        let mut session = wallet.start(&jpqr(3, "コンビニ", Some(300))).await.unwrap();
        session.request_quote().await.unwrap();
        session.confirm().await.unwrap();
        session.payment_id().unwrap().to_owned()
    };
    set_faults(&sw, &key, &[]).await;

    let reopened = Wallet::open(
        api_config(&sw),
        key.clone(),
        Arc::new(SystemClock),
        &journal,
        crossqr_core::flow::WalletOptions::new(Currency::USD),
    )
    .unwrap();
    let recovered = reopened.recover(3).await.unwrap();
    let state = |id: &str| recovered.iter().find(|e| e.payment_id() == id).map(|e| e.state);
    assert_eq!(state(&crashed_after_commit), Some(JournalState::Settled));
    assert_eq!(state(&crashed_in_flight), Some(JournalState::Settled));
    assert_eq!(state(&crashed_before_send), Some(JournalState::Failed), "never sent: cancelled, no money moved");
    assert_eq!(
        backend_status(&sw, key.clone(), &crashed_before_send).await,
        Some(PaymentOutcome::Cancelled),
        "abandoned only through the backend, which now refuses the id for good"
    );
    assert!(reopened.recover(1).await.unwrap().is_empty(), "nothing left unfinished");
    sw.stop().await;
}

/// A restarted switch keeps its key and its payments; a payment sent while it is down completes once
/// it is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switch_restart_keeps_payments_and_finishes_pending_ones() {
    let dir = TempDir::new("restart");
    let config = SwitchConfig { db_path: Some(dir.path("switch.db")), ..SwitchConfig::default() };
    let sw = switch(config.clone()).await;
    let (addr, server_key) = (sw.addr, sw.public_key.clone());
    let key = Arc::new(DeviceKey::generate().unwrap());
    let wallet = wallet_with(&sw, key.clone(), Currency::USD, &dir.path("journal.db")).await;
    let mut first = wallet.start(&jpqr(5, "コンビニ", Some(1500))).await.unwrap();
    first.request_quote().await.unwrap();
    let paid = first.pay().await.unwrap();
    assert_eq!(paid.state, SessionState::Settled);

    let mut second = wallet.start(&jpqr(6, "コンビニ", Some(700))).await.unwrap();
    second.request_quote().await.unwrap();
    sw.stop().await;
    let while_down = second.pay().await.unwrap();
    assert_eq!(while_down.state, SessionState::Submitted, "switch down: pending, not failed");

    let sw = switch(SwitchConfig { addr, ..config }).await;
    assert_eq!(sw.public_key, server_key, "same signing key after restart");
    assert_eq!(backend_status(&sw, key.clone(), &paid.payment_id).await, Some(PaymentOutcome::Settled));
    assert!(wallet.recover(1).await.unwrap().is_empty(), "recovery leaves a payment its session still drives");
    drop(second);
    let recovered = wallet.recover(3).await.unwrap();
    assert_eq!(recovered.iter().map(|e| e.state).collect::<Vec<_>>(), [JournalState::Settled]);
    assert_eq!(backend_status(&sw, key.clone(), &while_down.payment_id).await, Some(PaymentOutcome::Settled));
    sw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_quote_cannot_be_paid() {
    let sw = switch(SwitchConfig { quote_ttl_ms: 300, ..SwitchConfig::default() }).await;
    let dir = TempDir::new("expired");
    let key = Arc::new(DeviceKey::generate().unwrap());
    let wallet = wallet_with(&sw, key.clone(), Currency::USD, &dir.path("journal.db")).await;
    // Expired before confirming: refused locally.
    let mut session = wallet.start(&jpqr(8, "コンビニ", Some(900))).await.unwrap();
    session.request_quote().await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(session.confirm().await.unwrap_err().code.as_str(), "quote_expired");
    assert_eq!(session.state(), SessionState::Expired);
    // Quote again and pay in time.
    session.request_quote().await.unwrap();
    assert_eq!(session.pay().await.unwrap().state, SessionState::Settled);
    // Expired in flight: the switch refuses, the payment fails definitely, the session can re-quote.
    let mut late = wallet.start(&jpqr(8, "コンビニ", Some(901))).await.unwrap();
    late.request_quote().await.unwrap();
    late.confirm().await.unwrap();
    set_faults(&sw, &key, &[payment_fault("latency=400", 1)]).await;
    let result = late.submit().await.unwrap();
    assert_eq!((result.state, late.state()), (SessionState::Failed, SessionState::Expired));
    assert_eq!(result.note.unwrap().code, "quote_expired");
    sw.stop().await;
}

/// Requests the switch must refuse, each with its own code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_refused_with_their_own_codes() {
    let sw = switch(SwitchConfig::default()).await;
    let dir = TempDir::new("refusals");
    let key = Arc::new(DeviceKey::generate().unwrap());
    let wallet = wallet_with(&sw, key.clone(), Currency::USD, &dir.path("journal.db")).await;
    let mut session = wallet.start(&jpqr(11, "コンビニ", Some(2000))).await.unwrap();
    session.request_quote().await.unwrap();
    let quote = session.quote().unwrap().clone();
    let request = |id: &str, debit: &str| {
        serde_json::to_string(&PaymentRequest {
            payment_id: id.into(),
            quote_id: quote.id.clone(),
            payload: session.code().payload.clone(),
            order_id: None,
            debit: Amount { currency: "USD".into(), value: debit.into() },
            credit: Amount::from(&quote.credit),
            authorization: None,
        })
        .unwrap()
    };
    let debit = quote.debit.amount().to_string();
    let code = |v: &serde_json::Value| v["error"]["code"].as_str().unwrap_or_default().to_owned();

    // Amount different from the quote.
    let (status, body) = signed(&sw, &key, "POST", "/v1/payments", &request(&"a".repeat(32), "0.01"), None).await;
    assert_eq!((status, code(&body)), (422, "amount_mismatch".into()));
    // A bad signature.
    let spki = crossqr_core::sign::Signer::public_key_spki(key.as_ref()).unwrap();
    let id = crossqr_core::sign::device_id(&spki);
    let time = system_now_ms().to_string();
    let other = DeviceKey::generate().unwrap();
    let string_b =
        message::request_string("POST", "/v1/payments", &id, &time, request(&"b".repeat(32), &debit).as_bytes());
    let forged = message::sign_with(&other, &string_b).unwrap();
    let (status, body) =
        send(&sw, "POST", "/v1/payments", &request(&"b".repeat(32), &debit), &id, &time, &forged).await;
    assert_eq!((status, code(&body)), (401, "bad_signature".into()));
    // A replay of a genuine request.
    let body_c = request(&"c".repeat(32), &debit);
    let genuine = message::sign_with(
        key.as_ref(),
        &message::request_string("POST", "/v1/payments", &id, &time, body_c.as_bytes()),
    )
    .unwrap();
    let (status, first) = send(&sw, "POST", "/v1/payments", &body_c, &id, &time, &genuine).await;
    assert_eq!((status, first["status"].as_str()), (200, Some("settled")));
    let (status, body) = send(&sw, "POST", "/v1/payments", &body_c, &id, &time, &genuine).await;
    assert_eq!((status, code(&body)), (401, "replayed_request".into()));
    // Same payment id, different body; another payment on a used quote.
    let (status, body) = signed(&sw, &key, "POST", "/v1/payments", &request(&"c".repeat(32), "9.99"), None).await;
    assert_eq!((status, code(&body)), (409, "idempotency_conflict".into()));
    let (status, body) = signed(&sw, &key, "POST", "/v1/payments", &request(&"d".repeat(32), &debit), None).await;
    assert_eq!((status, code(&body)), (409, "quote_already_used".into()));
    // A request from ten minutes ago.
    let (status, body) = signed(&sw, &key, "GET", "/v1/rates", "", Some(system_now_ms() - 600_000)).await;
    assert_eq!((status, code(&body)), (401, "stale_request".into()));
    // An unregistered device.
    let (status, body) = signed(&sw, &other, "GET", "/v1/rates", "", None).await;
    assert_eq!((status, code(&body)), (401, "unknown_device".into()));
    // Unknown quote, unknown payment, unreadable body, unsupported code to resolve, no rate.
    let (status, body) = signed(&sw, &key, "GET", &format!("/v1/payments/{}", "e".repeat(32)), "", None).await;
    assert_eq!((status, code(&body)), (404, "payment_not_found".into()));
    let (status, body) = signed(&sw, &key, "POST", "/v1/quotes", "{\"credit\":1}", None).await;
    assert_eq!((status, code(&body)), (400, "invalid_request".into()));
    let (status, body) =
        signed(&sw, &key, "POST", "/v1/codes/resolve", &format!("{{\"payload\":\"{}\"}}", khqr(100)), None).await;
    assert_eq!((status, code(&body)), (422, "unsupported_code".into()));
    let head = "000201010211021640001234123412345204599953039785802DE5905Laden6006Berlin6304";
    let euro_code = format!("{head}{}", crossqr_core::emv::crc::crc16_hex(head.as_bytes()));
    let no_rate = format!(
        "{{\"credit\":{{\"currency\":\"EUR\",\"value\":\"5\"}},\"home_currency\":\"USD\",\"payload\":\"{euro_code}\"}}"
    );
    let (status, body) = signed(&sw, &key, "POST", "/v1/quotes", &no_rate, None).await;
    assert_eq!((status, code(&body)), (422, "no_rate".into()));
    // The client classes a rejection as definite.
    let api = ApiClient::new(api_config(&sw), key.clone(), Arc::new(SystemClock)).unwrap();
    let err = api.payment(&"e".repeat(32)).await.unwrap_err();
    assert_eq!((err.kind, err.code), (ErrorKind::Rejected, ErrorCode::PaymentNotFound));
    assert!(err.definitely_failed());
    sw.stop().await;
}

/// A response signed by another key is refused (fail closed) even when everything else is right.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_must_carry_the_pinned_signature() {
    let sw = switch(SwitchConfig::default()).await;
    let key = Arc::new(DeviceKey::generate().unwrap());
    let impostor_pin = DeviceKey::generate().unwrap().public_key();
    let config = crossqr_core::api::ApiConfig { server_key: impostor_pin, max_attempts: 2, ..api_config(&sw) };
    let api = ApiClient::new(config, key, Arc::new(SystemClock)).unwrap();
    let err = api.register(None).await.unwrap_err();
    assert_eq!((err.kind, err.code), (ErrorKind::OutcomeUnknown, ErrorCode::OutcomeUnknown));
    assert!(err.message.contains("signature"), "{err}");
    let pinned = crossqr_core::api::fetch_server_key(&sw.base_url(), None).await.unwrap();
    assert_eq!(pinned, sw.public_key);
    sw.stop().await;
}

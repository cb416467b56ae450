//! Exactly once on a real phone: the eight ways a wallet lost or doubled payments, each reproduced
//! against the real switch over loopback HTTP, and the edges around them.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crossqr_core::api::wire::{Amount, PaymentOutcome, PaymentRequest, QuoteRequest};
use crossqr_core::api::{ApiClient, ApiConfig, HttpRequest, HttpResponse, HttpTransport, Transport, TransportError};
use crossqr_core::clock::{Clock, SystemClock, system_now_ms};
use crossqr_core::entropy::{SeededEntropy, SystemEntropy, random_id};
use crossqr_core::flow::{JournalState, SessionState, Wallet, WalletBuilder, WalletOptions};
use crossqr_core::money::Currency;
use crossqr_core::sign::{DeviceKey, Signer, message};
use crossqr_core::{ErrorCode, ErrorKind};
use crossqr_switch::{RunningSwitch, SwitchConfig};
use crossqr_tests::sandbox::{
    ManualClock, TempDir, TestSigner, api_config, backend_status, khqr, payment_fault, payment_for, send, send_with,
    set_faults, signed, switch,
};
use crossqr_tests::synth::jpqr;

fn options(home: Currency) -> WalletOptions {
    WalletOptions::new(home)
}

/// A registered wallet.
async fn open(sw: &RunningSwitch, signer: Arc<dyn Signer>, clock: Arc<dyn Clock>, journal: &Path) -> Wallet {
    let wallet = WalletBuilder::new(api_config(sw), signer, options(Currency::USD)).clock(clock).open(journal).unwrap();
    wallet.register().await.unwrap();
    wallet
}

/// The wire request of a journalled payment.
fn journalled(wallet: &Wallet, payment_id: &str) -> PaymentRequest {
    PaymentRequest::from(&wallet.payment(payment_id).unwrap().unwrap().payment)
}

/// 1. Recovery running while a payment is live neither abandons it nor races its send; a confirmed
/// payment nobody drives is abandoned only through the backend, after which its id can never be paid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_racing_a_live_payment_never_abandons_it() {
    let sw = switch(SwitchConfig::default()).await;
    let dir = TempDir::new("race");
    let signer = TestSigner::new();
    let wallet = open(&sw, signer.clone(), Arc::new(SystemClock), &dir.path("journal.db")).await;
    for n in 0..12 {
        let mut session = wallet.start(&jpqr(n, "コンビニ", Some(500 + n))).await.unwrap();
        session.request_quote().await.unwrap();
        session.confirm().await.unwrap();
        let racing = wallet.clone();
        let recovery = tokio::spawn(async move { racing.recover(1).await });
        let result = session.submit().await.unwrap();
        recovery.await.unwrap().unwrap();
        assert_eq!(result.state, SessionState::Settled, "{n}: {result:?}");
        assert_eq!(wallet.payment(&result.payment_id).unwrap().unwrap().state, JournalState::Settled);
        assert_eq!(backend_status(&sw, signer.key(), &result.payment_id).await, Some(PaymentOutcome::Settled));
    }
    // Confirmed, then the screen went away: recovery cancels it with the backend.
    let mut session = wallet.start(&jpqr(99, "コンビニ", Some(700))).await.unwrap();
    session.request_quote().await.unwrap();
    session.confirm().await.unwrap();
    let id = session.payment_id().unwrap().to_owned();
    let request = journalled(&wallet, &id);
    drop(session);
    let recovered = wallet.recover(1).await.unwrap();
    let entry = recovered.iter().find(|e| e.payment_id() == id).unwrap();
    assert_eq!((entry.state, entry.failure.as_ref().unwrap().code.as_str()), (JournalState::Failed, "abandoned"));
    let path: Vec<_> = wallet.transitions(&id).unwrap().iter().map(|t| t.to).collect();
    assert_eq!(path, [JournalState::Confirmed, JournalState::Cancelling, JournalState::Failed]);
    assert_eq!(backend_status(&sw, signer.key(), &id).await, Some(PaymentOutcome::Cancelled));
    // Sent after all (a stale copy of the app): the backend never pays a cancelled id.
    let api = ApiClient::new(api_config(&sw), signer.clone(), Arc::new(SystemClock)).unwrap();
    assert_eq!(api.pay(&request, || Ok(())).await.unwrap().status, PaymentOutcome::Cancelled);
    sw.stop().await;
}

/// 2. A retry the key store cannot sign, after an attempt was sent, is "outcome unknown": the journal
/// stays submitted, recovery finishes it once the key store signs again, and it is paid once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_the_key_store_cannot_sign_leaves_the_outcome_unknown() {
    let sw = switch(SwitchConfig::default()).await;
    let dir = TempDir::new("signer-retry");
    let signer = TestSigner::new();
    let wallet = open(&sw, signer.clone(), Arc::new(SystemClock), &dir.path("journal.db")).await;
    let mut session = wallet.start(&jpqr(1, "らーめん一番", Some(1200))).await.unwrap();
    session.request_quote().await.unwrap();
    set_faults(&sw, &signer.key(), &[payment_fault("drop_after_commit", 1)]).await;
    signer.refuse_after("POST /v1/payments", 1);
    let result = session.pay().await.unwrap();
    assert_eq!(signer.signed("POST /v1/payments"), 1, "the first attempt was sent, the retry could not be signed");
    assert_eq!(result.state, SessionState::Submitted, "{result:?}");
    assert!(result.needs_attention);
    assert_eq!(result.note.as_ref().unwrap().code, "signing_failed");
    let id = result.payment_id.clone();
    let moves: Vec<_> = wallet.transitions(&id).unwrap().iter().map(|t| t.to).collect();
    assert_eq!(moves, [JournalState::Confirmed, JournalState::Submitted], "never back to confirmed");
    assert_eq!(
        backend_status(&sw, signer.key(), &id).await,
        Some(PaymentOutcome::Settled),
        "the dropped attempt committed"
    );
    drop(session);
    signer.heal();
    let recovered = wallet.recover(2).await.unwrap();
    assert_eq!(
        recovered.iter().map(|e| (e.payment_id(), e.state)).collect::<Vec<_>>(),
        [(id.as_str(), JournalState::Settled)]
    );
    sw.stop().await;
}

/// 3. An authentication refusal (the device clock jumped) and an idempotency conflict say nothing
/// about the payment: it stays pending with a note that it needs attention, and is never failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authentication_refusals_and_conflicts_never_fail_a_payment() {
    let sw = switch(SwitchConfig { quote_ttl_ms: 3_600_000, ..SwitchConfig::default() }).await;
    let dir = TempDir::new("auth-refusal");
    let signer = TestSigner::new();
    let clock = ManualClock::new(system_now_ms());
    let wallet = open(&sw, signer.clone(), clock.clone(), &dir.path("journal.db")).await;
    let mut session = wallet.start(&jpqr(2, "コンビニ", Some(600))).await.unwrap();
    session.request_quote().await.unwrap();
    clock.advance(20 * 60_000);
    let result = session.pay().await.unwrap();
    assert_eq!((result.state, result.needs_attention), (SessionState::Submitted, true), "{result:?}");
    assert_eq!(result.note.as_ref().unwrap().code, "clock_skew");
    let id = result.payment_id.clone();
    assert_eq!(wallet.payment(&id).unwrap().unwrap().state, JournalState::Submitted);
    assert_eq!(backend_status(&sw, signer.key(), &id).await, None, "refused before it was looked at");
    clock.advance(-20 * 60_000);
    assert_eq!(session.refresh().await.unwrap().state, SessionState::Settled, "resent once the clock is right");

    // A payment id the backend already has with another body (a corrupted or foreign journal).
    let dir2 = TempDir::new("conflict");
    let seed = 7;
    let wallet = WalletBuilder::new(api_config(&sw), signer.clone(), options(Currency::USD))
        .entropy(Arc::new(SeededEntropy::new(seed)))
        .open(&dir2.path("journal.db"))
        .unwrap();
    let taken = random_id(&SeededEntropy::new(seed)).unwrap();
    let api = ApiClient::new(api_config(&sw), signer.clone(), Arc::new(SystemClock)).unwrap();
    let other = jpqr(3, "コンビニ", Some(900));
    let quote = api.quote(&quote_request(&other, "900")).await.unwrap();
    let first = payment_for(&quote, &taken, &other);
    assert_eq!(api.pay(&first, || Ok(())).await.unwrap().status, PaymentOutcome::Settled);
    let mut session = wallet.start(&jpqr(4, "コンビニ", Some(300))).await.unwrap();
    session.request_quote().await.unwrap();
    let result = session.pay().await.unwrap();
    assert_eq!(result.payment_id, taken, "the seeded id collides on purpose");
    assert_eq!((result.state, result.needs_attention), (SessionState::Submitted, true), "{result:?}");
    assert_eq!(result.note.as_ref().unwrap().code, "idempotency_conflict");
    // Asking again finds the backend's payment under that id is not this one: still pending, not settled.
    assert_eq!(session.refresh().await.unwrap().state, SessionState::Submitted);
    sw.stop().await;
}

/// A dynamic KHQR of another merchant for `riel`.
fn other_sticker(riel: u32) -> String {
    use crossqr_core::schemes::khqr::{KhqrRequest, generate};
    let now = system_now_ms();
    let request = KhqrRequest {
        amount: Some(riel.into()),
        expires_at_ms: Some(now + 3_600_000),
        ..KhqrRequest::individual("other@aclb", "Other Cafe")
    };
    generate(&request, now).unwrap().payload
}

fn quote_request(payload: &str, yen: &str) -> QuoteRequest {
    QuoteRequest {
        credit: Amount { currency: "JPY".into(), value: yen.into() },
        home_currency: "USD".into(),
        scheme: None,
        payload: payload.to_owned(),
        order_id: None,
        tip: None,
    }
}

/// 4. A quote and its payment are bound to the code: a dynamic code's amount (with the fee it asks
/// for), a resolved code's order, the payload itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payments_are_bound_to_the_code() {
    let sw = switch(SwitchConfig::default()).await;
    let key = Arc::new(DeviceKey::generate().unwrap());
    let api = ApiClient::new(api_config(&sw), key.clone(), Arc::new(SystemClock)).unwrap();
    api.register(None).await.unwrap();
    let code = khqr(50_000);
    let ask = |payload: &str, currency: &str, value: &str, order: Option<&str>| QuoteRequest {
        credit: Amount { currency: currency.into(), value: value.into() },
        home_currency: "USD".into(),
        scheme: None,
        payload: payload.to_owned(),
        order_id: order.map(str::to_owned),
        tip: None,
    };
    let refused = api.quote(&ask(&code, "KHR", "1", None)).await.unwrap_err();
    assert_eq!((refused.kind, refused.code), (ErrorKind::Rejected, ErrorCode::AmountMismatch));
    let quote = api.quote(&ask(&code, "KHR", "50000", None)).await.unwrap();
    let mut payment = payment_for(&quote, &random_id(&SystemEntropy).unwrap(), &other_sticker(50_000));
    // Another merchant's sticker for the same amount: not the quoted code.
    assert_ne!(payment.payload, code);
    assert_eq!(api.pay(&payment, || Ok(())).await.unwrap_err().code, ErrorCode::CodeMismatch);
    payment.payment_id = random_id(&SystemEntropy).unwrap();
    payment.payload = code;
    assert_eq!(api.pay(&payment, || Ok(())).await.unwrap().status, PaymentOutcome::Settled);

    // A resolved code pays its order, named.
    let alipay = "https://qr.alipay.com/bax03190uxd47wbekffy6033";
    let order = api.resolve(alipay).await.unwrap();
    let value = order.amount.value.as_str();
    assert_eq!(api.quote(&ask(alipay, "CNY", value, None)).await.unwrap_err().code, ErrorCode::CodeMismatch);
    assert_eq!(
        api.quote(&ask(alipay, "CNY", value, Some("ord_other"))).await.unwrap_err().code,
        ErrorCode::CodeMismatch
    );
    assert_eq!(
        api.quote(&ask(alipay, "CNY", "1.00", Some(&order.order_id))).await.unwrap_err().code,
        ErrorCode::AmountMismatch
    );
    assert!(api.quote(&ask(alipay, "CNY", value, Some(&order.order_id))).await.is_ok());

    // A code's convenience fee is part of what the merchant asks.
    let head = "00020101021226680019jp.or.paymentsjapan0113000000000000102040001030600000104060000015204581253033925404100055020256031005802JP5909Cafe Kobo6005Osaka610753000016304";
    let fee_code = format!("{head}{}", crossqr_core::emv::crc::crc16_hex(head.as_bytes()));
    assert_eq!(api.quote(&quote_request(&fee_code, "1000")).await.unwrap_err().code, ErrorCode::AmountMismatch);
    assert!(api.quote(&quote_request(&fee_code, "1100")).await.is_ok());
    sw.stop().await;
}

/// A transport that forwards to the switch, and can answer a request with a response recorded for
/// another (a man in the middle replaying signed answers).
struct Replaying {
    inner: HttpTransport,
    recorded: std::sync::Mutex<Vec<HttpResponse>>,
    substitute: std::sync::Mutex<Option<HttpResponse>>,
}

impl Transport for Replaying {
    fn send(&self, request: HttpRequest, timeout: Duration) -> crossqr_core::api::transport::TransportFuture<'_> {
        Box::pin(async move {
            if let Some(fake) = self.substitute.lock().unwrap().clone() {
                return Ok(fake);
            }
            let response = self.inner.send(request, timeout).await?;
            self.recorded.lock().unwrap().push(response.clone());
            Ok(response)
        })
    }
}

/// 5. A signed response answers only its own request and status: replayed or altered answers are no
/// answer, and an answer that does not echo the payment is no answer either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_are_bound_to_their_requests() {
    let sw = switch(SwitchConfig::default()).await;
    let key = Arc::new(DeviceKey::generate().unwrap());
    let transport = Arc::new(Replaying {
        inner: HttpTransport::new(reqwest::Client::new(), &sw.base_url()),
        recorded: Default::default(),
        substitute: Default::default(),
    });
    let config = ApiConfig { max_attempts: 1, ..api_config(&sw) };
    // Each call a millisecond apart, so no two requests are the same string.
    let clock = ManualClock::new(system_now_ms());
    let api = ApiClient::with_transport(
        config.clone(),
        key.clone(),
        clock.clone(),
        transport.clone(),
        Arc::new(SystemEntropy),
    )
    .unwrap();
    api.register(None).await.unwrap();
    api.rates().await.unwrap();
    let rates_answer = transport.recorded.lock().unwrap().last().cloned().unwrap();
    // The same endpoint, a new request: yesterday's signed answer does not fit it.
    *transport.substitute.lock().unwrap() = Some(rates_answer.clone());
    clock.advance(1);
    let e = api.rates().await.unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::OutcomeUnknown, ErrorCode::OutcomeUnknown));
    assert!(e.message.contains("signature"), "{e}");
    // A signed 200 passed off with another status.
    let mut refused = rates_answer.clone();
    refused.status = 404;
    *transport.substitute.lock().unwrap() = Some(refused);
    clock.advance(1);
    let e = api.rates().await.unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::OutcomeUnknown, ErrorCode::OutcomeUnknown), "{e}");
    // A harvested signed refusal (for an unregistered device) does not answer our request.
    *transport.substitute.lock().unwrap() = None;
    let stranger = ApiClient::with_transport(
        config.clone(),
        Arc::new(DeviceKey::generate().unwrap()),
        clock.clone(),
        transport.clone(),
        Arc::new(SystemEntropy),
    )
    .unwrap();
    assert_eq!(stranger.rates().await.unwrap_err().code, ErrorCode::UnknownDevice, "its own refusal it accepts");
    let harvested = transport.recorded.lock().unwrap().last().cloned().unwrap();
    assert_eq!(harvested.status, 401);
    *transport.substitute.lock().unwrap() = Some(harvested);
    clock.advance(1);
    let e = api.rates().await.unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::OutcomeUnknown, ErrorCode::OutcomeUnknown), "not an answer to us: {e}");

    // A backend (or anyone holding its key) answering about another payment: no answer.
    let server = DeviceKey::generate().unwrap();
    struct Liar(DeviceKey, String);
    impl Transport for Liar {
        fn send(&self, request: HttpRequest, _: Duration) -> crossqr_core::api::transport::TransportFuture<'_> {
            Box::pin(async move {
                let header =
                    |n: &str| request.headers.iter().find(|(k, _)| *k == n).map(|(_, v)| v.clone()).unwrap_or_default();
                let sent = message::request_string(
                    request.method,
                    &request.path,
                    &header(message::CLIENT_ID),
                    &header(message::REQUEST_TIME),
                    &request.body,
                );
                let mut body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
                body["payment_id"] = serde_json::json!(self.1);
                let payment = serde_json::json!({"payment_id": body["payment_id"], "status": "settled", "quote_id": body["quote_id"],
                    "debit": body["debit"], "credit": body["credit"], "created_at_ms": 1, "settled_at_ms": 1, "failure": null});
                let bytes = serde_json::to_vec(&payment).unwrap();
                let time = system_now_ms().to_string();
                let string = message::response_string(
                    200,
                    request.method,
                    &request.path,
                    &header(message::CLIENT_ID),
                    &time,
                    &sent,
                    &bytes,
                );
                let signature =
                    message::sign_with(&self.0, &string).map_err(|e| TransportError::Lost(e.to_string()))?;
                Ok(HttpResponse {
                    status: 200,
                    headers: vec![("response-time".into(), time), ("signature".into(), signature)],
                    body: bytes,
                })
            })
        }
    }
    let lying = ApiClient::with_transport(
        ApiConfig { server_key: server.public_key(), ..config },
        key.clone(),
        Arc::new(SystemClock),
        Arc::new(Liar(server, "f".repeat(32))),
        Arc::new(SystemEntropy),
    )
    .unwrap();
    let request = PaymentRequest {
        payment_id: "a".repeat(32),
        quote_id: "q".into(),
        payload: "p".into(),
        order_id: None,
        debit: Amount { currency: "USD".into(), value: "1.00".into() },
        credit: Amount { currency: "JPY".into(), value: "150".into() },
        authorization: None,
    };
    let e = lying.pay(&request, || Ok(())).await.unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::OutcomeUnknown, ErrorCode::OutcomeUnknown));
    assert!(e.message.contains("does not echo"), "{e}");
    sw.stop().await;
}

/// 6. The replay cache knows a request by what was signed: another spelling of the header, the
/// high-s twin of the signature, or the same request later within the window are all refused; a
/// request dated more than a few seconds ahead is stale.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_replay_cache_knows_a_request_by_what_was_signed() {
    let clock = ManualClock::new(system_now_ms());
    crossqr_core::api::tls::install_crypto_provider();
    let sw = crossqr_switch::start_with_clock(SwitchConfig { sandbox: true, ..SwitchConfig::default() }, clock.clone())
        .await
        .unwrap();
    let key = DeviceKey::generate().unwrap();
    let id = crossqr_core::sign::device_id(&key.public_key_spki().unwrap());
    let now = clock.now_ms();
    let registration = serde_json::json!({"device_id": id, "public_key": key.public_key().spki_base64()}).to_string();
    assert_eq!(signed(&sw, &key, "POST", "/v1/devices", &registration, Some(now)).await.0, 200);
    let time = now.to_string();
    let string = message::request_string("GET", "/v1/rates", &id, &time, b"");
    let header = message::sign_with(&key, &string).unwrap();
    let code = |v: &serde_json::Value| v["error"]["code"].as_str().unwrap_or_default().to_owned();
    assert_eq!(send(&sw, "GET", "/v1/rates", "", &id, &time, &header).await.0, 200);
    let (status, body) = send(&sw, "GET", "/v1/rates", "", &id, &time, &header).await;
    assert_eq!((status, code(&body)), (401, "replayed_request".into()));
    let value = header.rsplit_once("signature=").unwrap().1.to_owned();
    use base64::Engine as _;
    let der = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&value).unwrap();
    let twin = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(crossqr_core::sign::low_s::twin(&der).unwrap());
    for variant in [
        format!("algorithm=ECDSA-P256-SHA256,keyVersion=2,signature={value}"),
        format!("algorithm=ECDSA-P256-SHA256, keyVersion=1, signature={value}"),
        format!("signature={value},algorithm=ECDSA-P256-SHA256,keyVersion=1"),
        format!("algorithm=ECDSA-P256-SHA256,keyVersion=1,signature={twin}"),
    ] {
        let (status, body) = send(&sw, "GET", "/v1/rates", "", &id, &time, &variant).await;
        assert_eq!((status, code(&body)), (401, "bad_signature".into()), "{variant}");
    }
    // Within the window it is remembered; past it, it is stale anyway.
    clock.advance(299_000);
    assert_eq!(code(&send(&sw, "GET", "/v1/rates", "", &id, &time, &header).await.1), "replayed_request");
    clock.advance(2_000);
    assert_eq!(code(&send(&sw, "GET", "/v1/rates", "", &id, &time, &header).await.1), "stale_request");
    // A few seconds ahead is a clock slightly off; more is stale; nonsense times never overflow.
    let now = clock.now_ms();
    assert_eq!(signed(&sw, &key, "GET", "/v1/rates", "", Some(now + 4_000)).await.0, 200);
    assert_eq!(code(&signed(&sw, &key, "GET", "/v1/rates", "", Some(now + 60_000)).await.1), "stale_request");
    for time in [i64::MAX, i64::MIN, 0] {
        assert_eq!(code(&signed(&sw, &key, "GET", "/v1/rates", "", Some(time)).await.1), "stale_request", "{time}");
    }
    // The client never sends the same string twice, even within one millisecond of a stopped clock.
    let frozen = ManualClock::new(clock.now_ms());
    let api = ApiClient::new(api_config(&sw), Arc::new(key), frozen).unwrap();
    for _ in 0..3 {
        api.rates().await.expect("not taken for a replay");
    }
    sw.stop().await;
}

/// 7. Sandbox faults exist only in sandbox mode, only after authentication, only for the device that
/// asked, and within bounds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_faults_are_opt_in_authenticated_per_device_and_bounded() {
    crossqr_core::api::tls::install_crypto_provider();
    let code = |v: &serde_json::Value| v["error"]["code"].as_str().unwrap_or_default().to_owned();
    let production = crossqr_switch::start(SwitchConfig::default()).await.unwrap();
    let a = DeviceKey::generate().unwrap();
    register_device(&production, &a).await;
    let rules = r#"[{"fault":"http_503","times":5}]"#;
    let (status, body) = signed(&production, &a, "POST", "/_sandbox/faults", rules, None).await;
    assert_eq!((status, code(&body)), (400, "invalid_request".into()), "no sandbox endpoint outside sandbox mode");
    let id = crossqr_core::sign::device_id(&a.public_key_spki().unwrap());
    let time = system_now_ms().to_string();
    let sig = message::sign_with(&a, &message::request_string("GET", "/v1/rates", &id, &time, b"")).unwrap();
    let fault = [(crossqr_core::api::FAULT_HEADER, "http_503")];
    let (status, _) = send_with(&production, "GET", "/v1/rates", "", [&id, &time, &sig], &fault).await;
    assert_eq!(status, 200, "the fault header means nothing outside sandbox mode");
    production.stop().await;

    let sw = switch(SwitchConfig::default()).await;
    let (a, b) = (DeviceKey::generate().unwrap(), DeviceKey::generate().unwrap());
    register_device(&sw, &a).await;
    register_device(&sw, &b).await;
    let unsigned =
        reqwest::Client::new().post(format!("{}/_sandbox/faults", sw.base_url())).body(rules).send().await.unwrap();
    assert_eq!(unsigned.status().as_u16(), 401, "installing faults needs a signed request");
    assert_eq!(
        signed(&sw, &a, "POST", "/_sandbox/faults", r#"[{"path":"/v1/rates","fault":"http_503","times":5}]"#, None)
            .await
            .0,
        204
    );
    assert_eq!(signed(&sw, &b, "GET", "/v1/rates", "", None).await.0, 200, "another device is untouched");
    assert_eq!(code(&signed(&sw, &a, "GET", "/v1/rates", "", None).await.1), "service_unavailable");
    // A request that fails authentication gets no fault, whatever its header says.
    let forged = message::sign_with(&b, &message::request_string("GET", "/v1/rates", &id, &time, b"")).unwrap();
    let (status, answer) = send_with(&sw, "GET", "/v1/rates", "", [&id, &time, &forged], &fault).await;
    assert_eq!((status, code(&answer)), (401, "unknown_device".into()), "no fault: refused, not 503");
    for bad in [
        r#"[{"fault":"latency=18446744073709551615"}]"#,
        r#"[{"fault":"latency=30001"}]"#,
        r#"[{"fault":"http_503","times":1001}]"#,
        r#"[{"fault":"explode"}]"#,
    ] {
        let (status, body) = signed(&sw, &b, "POST", "/_sandbox/faults", bad, None).await;
        assert_eq!((status, code(&body)), (400, "invalid_request".into()), "{bad}");
    }
    // Sandbox mode is loopback only.
    let exposed = SwitchConfig { sandbox: true, addr: "0.0.0.0:0".parse().unwrap(), ..SwitchConfig::default() };
    let refused = crossqr_switch::start(exposed).await.map(drop).unwrap_err();
    assert!(refused.0.starts_with("sandbox mode (fault injection) serves only a loopback address"), "{refused}");
    sw.stop().await;
}

async fn register_device(sw: &RunningSwitch, key: &DeviceKey) {
    let id = crossqr_core::sign::device_id(&key.public_key_spki().unwrap());
    let body = serde_json::json!({"device_id": id, "public_key": key.public_key().spki_base64()}).to_string();
    assert_eq!(signed(sw, key, "POST", "/v1/devices", &body, None).await.0, 200);
}

/// 8. Concurrent submissions of one payment id get the stored answer or a conflict, never an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_submissions_of_one_id_get_the_stored_answer_or_a_conflict() {
    let sw = Arc::new(switch(SwitchConfig::default()).await);
    let key = Arc::new(DeviceKey::generate().unwrap());
    let api = ApiClient::new(api_config(&sw), key.clone(), Arc::new(SystemClock)).unwrap();
    api.register(None).await.unwrap();
    let id = random_id(&SystemEntropy).unwrap();
    let mut bodies = Vec::new();
    for n in 0..6 {
        let code = jpqr(50 + n, "コンビニ", Some(400 + n));
        let quote = api.quote(&quote_request(&code, &(400 + n).to_string())).await.unwrap();
        bodies.push(serde_json::to_string(&payment_for(&quote, &id, &code)).unwrap());
    }
    let mut tasks = Vec::new();
    for (n, body) in bodies.iter().chain(std::iter::repeat_n(&bodies[0], 4)).enumerate() {
        let (sw, key, body) = (sw.clone(), key.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            signed(&sw, &key, "POST", "/v1/payments", &body, Some(system_now_ms() + n as i64)).await
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        answers
            .push((status, body["status"].as_str().or(body["error"]["code"].as_str()).unwrap_or_default().to_owned()));
    }
    assert!(answers.iter().all(|(s, _)| *s == 200 || *s == 409), "{answers:?}");
    let settled = answers.iter().filter(|(s, c)| *s == 200 && c == "settled").count();
    let conflicts = answers.iter().filter(|(s, c)| *s == 409 && c == "idempotency_conflict").count();
    assert_eq!(settled + conflicts, answers.len(), "{answers:?}");
    assert!(settled >= 1, "{answers:?}");
    let winner = api.payment(&id).await.unwrap();
    assert_eq!(winner.status, PaymentOutcome::Settled);
    if let Ok(sw) = Arc::try_unwrap(sw) {
        sw.stop().await;
    }
}

/// Plain http and redirects are refused for anything but an explicitly allowed loopback backend, and a
/// response body is read only up to its cap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_refuses_plain_http_redirects_and_oversized_answers() {
    let key: Arc<dyn Signer> = Arc::new(DeviceKey::generate().unwrap());
    let pin = DeviceKey::generate().unwrap().public_key();
    for (url, allow) in [("http://wallet.example", true), ("http://127.0.0.1:1", false), ("ftp://127.0.0.1", true)] {
        let config = ApiConfig { allow_http_loopback: allow, ..ApiConfig::new(url, pin.clone()) };
        let e = ApiClient::new(config, key.clone(), Arc::new(SystemClock)).unwrap_err();
        assert_eq!((e.kind, e.code), (ErrorKind::NotSent, ErrorCode::InvalidConfig), "{url}");
    }
    let pki = crossqr_switch::pki::TestPki::generate("ca", &crossqr_switch::pki::ServerCert::loopback(0)).unwrap();
    let trust = crossqr_core::api::tls::TlsTrust::from_pem(&pki.ca_pem).unwrap();
    let https = ApiConfig { tls: Some(trust), ..ApiConfig::new("https://wallet.example", pin.clone()) };
    assert!(ApiClient::new(https, key.clone(), Arc::new(SystemClock)).is_ok(), "https with its CA");

    // A server that redirects, and one that answers with a body larger than any real answer.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut n = 0;
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = vec![0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let reply = if n == 0 {
                "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/v1/rates\r\nContent-Length: 0\r\n\r\n"
                    .as_bytes()
                    .to_vec()
            } else {
                let mut r = b"HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n".to_vec();
                r.resize(r.len() + 1_048_576, b' ');
                r
            };
            n += 1;
            let _ = socket.write_all(&reply).await;
        }
    });
    let config =
        ApiConfig { allow_http_loopback: true, max_attempts: 1, ..ApiConfig::new(format!("http://{addr}"), pin) };
    let api = ApiClient::new(config, key, Arc::new(SystemClock)).unwrap();
    let redirected = api.rates().await.unwrap_err();
    assert_eq!(
        (redirected.kind, redirected.code),
        (ErrorKind::OutcomeUnknown, ErrorCode::OutcomeUnknown),
        "{redirected}"
    );
    assert!(
        redirected.message.contains("Response-Time"),
        "the 302 is an unsigned non-answer, not followed: {redirected}"
    );
    let oversized = api.rates().await.unwrap_err();
    assert_eq!((oversized.kind, oversized.code), (ErrorKind::OutcomeUnknown, ErrorCode::OutcomeUnknown));
    assert!(oversized.message.contains("larger than"), "{oversized}");
}

/// The switch resolves codes by its own clock, not the machine's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_resolver_reads_the_switch_clock() {
    crossqr_core::api::tls::install_crypto_provider();
    let clock = ManualClock::new(system_now_ms() + 2 * 3_600_000);
    let sw = crossqr_switch::start_with_clock(SwitchConfig::default(), clock.clone()).await.unwrap();
    let key = DeviceKey::generate().unwrap();
    let id = crossqr_core::sign::device_id(&key.public_key_spki().unwrap());
    let registration = serde_json::json!({"device_id": id, "public_key": key.public_key().spki_base64()}).to_string();
    assert_eq!(signed(&sw, &key, "POST", "/v1/devices", &registration, Some(clock.now_ms())).await.0, 200);
    // khqr() expires in an hour by the machine's clock; the switch's clock is two hours on.
    let body = serde_json::json!({"payload": khqr(100)}).to_string();
    let (status, answer) = signed(&sw, &key, "POST", "/v1/codes/resolve", &body, Some(clock.now_ms())).await;
    assert_eq!(status, 422);
    assert!(answer["error"]["message"].as_str().unwrap().contains("expired"), "{answer}");
    sw.stop().await;
}

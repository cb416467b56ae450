//! HTTPS the way a payment app wants it: the wallet trusts only its configured CA (and pins), and
//! refuses an untrusted, expired, misnamed or unpinned certificate, each with its own code.

use std::sync::Arc;

use crossqr_core::api::tls::{TlsConfigError, TlsTrust, spki_pin};
use crossqr_core::api::{ApiClient, ApiConfig};
use crossqr_core::clock::{SystemClock, system_now_ms};
use crossqr_core::flow::{SessionState, WalletBuilder, WalletOptions};
use crossqr_core::money::Currency;
use crossqr_core::sign::DeviceKey;
use crossqr_core::{Coded, ErrorCode, ErrorKind};
use crossqr_switch::pki::{ServerCert, TestPki};
use crossqr_switch::{RunningSwitch, Switch, SwitchConfig};
use crossqr_tests::sandbox::TempDir;
use crossqr_tests::synth::jpqr;

fn now_s() -> i64 {
    system_now_ms() / 1000
}

async fn https_switch(pki: &TestPki) -> RunningSwitch {
    let switch =
        Switch::open(SwitchConfig::default(), Arc::new(SystemClock), Arc::new(crossqr_core::entropy::SystemEntropy))
            .unwrap();
    let tls = crossqr_switch::tls::server_config(&pki.cert_pem, &pki.key_pem).unwrap();
    switch.serve_tls(tls).await.unwrap()
}

fn config(sw: &RunningSwitch, trust: TlsTrust) -> ApiConfig {
    ApiConfig { tls: Some(trust), max_attempts: 1, ..ApiConfig::new(sw.base_url(), sw.public_key.clone()) }
}

/// What registering over HTTPS with `trust` comes to.
async fn register(sw: &RunningSwitch, trust: TlsTrust) -> Result<(), crossqr_core::api::ApiError> {
    let api = ApiClient::new(config(sw, trust), Arc::new(DeviceKey::generate().unwrap()), Arc::new(SystemClock))?;
    api.register(None).await.map(drop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wallet_pays_over_https_trusting_only_its_ca() {
    let pki = TestPki::generate("crossqr test CA", &ServerCert::loopback(now_s())).unwrap();
    let sw = https_switch(&pki).await;
    assert!(sw.base_url().starts_with("https://127.0.0.1:"));
    let dir = TempDir::new("https");
    let trust = TlsTrust::from_pem(&pki.ca_pem).unwrap();
    let options = WalletOptions::new(Currency::USD);
    let wallet = WalletBuilder::new(config(&sw, trust), Arc::new(DeviceKey::generate().unwrap()), options)
        .open(&dir.path("journal.db"))
        .unwrap();
    wallet.register().await.unwrap();
    let mut session = wallet.start(&jpqr(1, "らーめん一番", Some(1200))).await.unwrap();
    session.request_quote().await.unwrap();
    assert_eq!(session.pay().await.unwrap().state, SessionState::Settled);
    let pinned = crossqr_core::api::fetch_server_key(&sw.base_url(), Some(&TlsTrust::from_pem(&pki.ca_pem).unwrap()))
        .await
        .unwrap();
    assert_eq!(pinned, sw.public_key);
    sw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untrusted_expired_misnamed_and_unpinned_certificates_are_refused_with_their_own_codes() {
    let refused = |e: crossqr_core::api::ApiError| (e.kind, e.code);
    // Another CA.
    let pki = TestPki::generate("crossqr test CA", &ServerCert::loopback(now_s())).unwrap();
    let other = TestPki::generate("some other CA", &ServerCert::loopback(now_s())).unwrap();
    let sw = https_switch(&pki).await;
    let e = register(&sw, TlsTrust::from_pem(&other.ca_pem).unwrap()).await.unwrap_err();
    assert_eq!(refused(e), (ErrorKind::NotSent, ErrorCode::TlsUntrusted));
    // Pins: the server's key passes, another key does not.
    let cert_der = rustls_pemfile_der(&pki.cert_pem);
    let good = TlsTrust::from_pem(&pki.ca_pem).unwrap().with_pins(&[spki_pin(&cert_der).unwrap()]).unwrap();
    register(&sw, good).await.expect("pinned key");
    let wrong_pin = spki_pin(&rustls_pemfile_der(&other.cert_pem)).unwrap();
    let bad = TlsTrust::from_pem(&pki.ca_pem).unwrap().with_pins(&[wrong_pin]).unwrap();
    assert_eq!(refused(register(&sw, bad).await.unwrap_err()), (ErrorKind::NotSent, ErrorCode::TlsPinMismatch));
    sw.stop().await;

    // Expired.
    let now = now_s();
    let expired =
        ServerCert { names: vec!["127.0.0.1".into()], not_before_s: now - 10 * 86_400, not_after_s: now - 86_400 };
    let pki = TestPki::generate("crossqr test CA", &expired).unwrap();
    let sw = https_switch(&pki).await;
    let e = register(&sw, TlsTrust::from_pem(&pki.ca_pem).unwrap()).await.unwrap_err();
    assert_eq!(refused(e), (ErrorKind::NotSent, ErrorCode::TlsExpired));
    sw.stop().await;

    // Issued for another host.
    let misnamed = ServerCert { names: vec!["wallet.example".into()], ..ServerCert::loopback(now) };
    let pki = TestPki::generate("crossqr test CA", &misnamed).unwrap();
    let sw = https_switch(&pki).await;
    let e = register(&sw, TlsTrust::from_pem(&pki.ca_pem).unwrap()).await.unwrap_err();
    assert_eq!(refused(e), (ErrorKind::NotSent, ErrorCode::TlsNameMismatch));
    sw.stop().await;
}

#[test]
fn https_needs_a_ca_and_the_ca_must_be_a_certificate() {
    let pin = DeviceKey::generate().unwrap().public_key();
    let e = ApiClient::new(
        ApiConfig::new("https://wallet.example", pin),
        Arc::new(DeviceKey::generate().unwrap()),
        Arc::new(SystemClock),
    )
    .unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::NotSent, ErrorCode::InvalidConfig));
    let refused = |r: Result<TlsTrust, TlsConfigError>| r.map(drop).map_err(|e| e.code());
    assert_eq!(refused(TlsTrust::from_pem("not a certificate")), Err(ErrorCode::InvalidConfig));
    assert_eq!(refused(TlsTrust::from_pem("")), Err(ErrorCode::InvalidConfig));
    let pki = TestPki::generate("ca", &ServerCert::loopback(now_s())).unwrap();
    let trust = TlsTrust::from_pem(&pki.ca_pem).unwrap();
    assert_eq!(refused(trust.clone().with_pins(&["not base64!".into()])), Err(ErrorCode::InvalidConfig));
    assert_eq!(refused(trust.with_pins(&["AAAA".into()])), Err(ErrorCode::InvalidConfig), "a pin is a SHA-256 digest");
}

/// The DER of the first certificate in `pem`.
fn rustls_pemfile_der(pem: &str) -> Vec<u8> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    CertificateDer::pem_slice_iter(pem.as_bytes()).next().unwrap().unwrap().to_vec()
}

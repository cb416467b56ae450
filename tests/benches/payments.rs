//! Signing cost per payment (sign a request, verify a response) and a full quote → pay round trip
//! against the reference switch on loopback, journal on disk included.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use crossqr_core::money::Currency;
use crossqr_core::sign::{DeviceKey, message};
use crossqr_switch::SwitchConfig;
use crossqr_tests::sandbox::{TempDir, switch, wallet_with};
use crossqr_tests::synth::jpqr;

const BODY: &str = r#"{"payment_id":"0123456789abcdef0123456789abcdef","quote_id":"fedcba9876543210fedcba9876543210","payload":"00020101021226680019jp.or.paymentsjapan0113000000100089702040001030600089704060000015204581253033925405012005802JP5909STORE 8976005OSAKA6107530000164180002JA0108メルペイ カフェ630461D1","debit":{"currency":"USD","value":"8.32"},"credit":{"currency":"JPY","value":"1200"}}"#;

fn signing(c: &mut Criterion) {
    let device = DeviceKey::generate().unwrap();
    let server = DeviceKey::generate().unwrap();
    let server_public = server.public_key();
    let time = "1763769600000";
    let request = |body: &[u8]| message::request_string("POST", "/v1/payments", "dev", time, body);
    let response =
        |request: &[u8]| message::response_string(200, "POST", "/v1/payments", "dev", time, request, BODY.as_bytes());
    let response_signature = message::sign_with(&server, &response(&request(BODY.as_bytes()))).unwrap();
    c.bench_function("sign_request", |b| {
        b.iter(|| message::sign_with(&device, &request(black_box(BODY.as_bytes()))).unwrap())
    });
    c.bench_function("verify_response", |b| {
        b.iter(|| {
            let string = response(&request(black_box(BODY.as_bytes())));
            message::verify(&server_public, &string, Some(&response_signature)).unwrap()
        })
    });
    c.bench_function("sign_and_verify_per_payment", |b| {
        b.iter(|| {
            let sent = request(black_box(BODY.as_bytes()));
            let s = message::sign_with(&device, &sent).unwrap();
            message::verify(&server_public, &response(&sent), Some(&response_signature)).unwrap();
            s
        })
    });
}

fn round_trip(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let dir = TempDir::new("bench-pay");
    let (sw, wallet) = rt.block_on(async {
        let sw = switch(SwitchConfig::default()).await;
        let wallet =
            wallet_with(&sw, Arc::new(DeviceKey::generate().unwrap()), Currency::USD, &dir.path("journal.db")).await;
        (sw, wallet)
    });
    let payload = jpqr(42, "らーめん一番", Some(1200));
    c.bench_function("quote_then_pay_loopback", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut session = wallet.start(&payload).await.unwrap();
                session.request_quote().await.unwrap();
                session.pay().await.unwrap()
            })
        })
    });
    rt.block_on(sw.stop());
}

criterion_group!(benches, signing, round_trip);
criterion_main!(benches);

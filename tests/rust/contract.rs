//! `switch/openapi.yaml` is the single source of truth: what the switch answers and what the client
//! sends are validated against its schemas, every path it lists is served, and the error codes agree.

use std::collections::BTreeSet;
use std::sync::Arc;

use crossqr_core::api::wire::{
    Amount, BackendCode, DeviceRegistration, PaymentRequest, QuoteBody, QuoteRequest, ResolveRequest,
};
use crossqr_core::clock::system_now_ms;
use crossqr_core::sign::{DeviceKey, Signer, device_id, message};
use crossqr_core::{Coded, ErrorCode};
use crossqr_switch::SwitchConfig;
use crossqr_tests::sandbox::{khqr, switch};
use crossqr_tests::synth::jpqr;
use serde_json::{Value, json};

fn spec() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../switch/openapi.yaml");
    serde_norway::from_str(&std::fs::read_to_string(path).expect("openapi.yaml")).expect("YAML")
}

/// Validates `instance` against `#/components/schemas/<name>` of the spec.
fn check(spec: &Value, name: &str, instance: &Value) {
    let mut root = spec.clone();
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root["$ref"] = json!(format!("#/components/schemas/{name}"));
    let validator = jsonschema::validator_for(&root).unwrap_or_else(|e| panic!("schema {name}: {e}"));
    let errors: Vec<String> =
        validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{name} does not match the spec: {errors:?}\n{instance}");
}

/// True when `instance` matches `#/components/schemas/<name>`.
fn matches(spec: &Value, name: &str, instance: &Value) -> bool {
    let mut root = spec.clone();
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root["$ref"] = json!(format!("#/components/schemas/{name}"));
    jsonschema::validator_for(&root).unwrap().is_valid(instance)
}

#[test]
fn the_schemas_are_not_vacuous() {
    let spec = spec();
    assert!(matches(&spec, "Amount", &json!({"currency": "USD", "value": "8.09"})));
    assert!(!matches(&spec, "Amount", &json!({"currency": "usd", "value": "8.09"})));
    assert!(!matches(&spec, "Amount", &json!({"currency": "USD", "value": 8.09})), "never a float");
    assert!(!matches(&spec, "Amount", &json!({"currency": "USD", "value": "8.09", "extra": 1})));
    assert!(!matches(&spec, "Payment", &json!({"payment_id": "x", "status": "pending"})));
    assert!(!matches(&spec, "Error", &json!({"error": {"code": "oops", "message": ""}})));
    let usd = json!({"currency": "USD", "value": "0.25"});
    assert!(matches(&spec, "Fee", &json!({"code": "service_fee", "amount": usd})));
    assert!(!matches(&spec, "Fee", &json!({"label": "Service fee", "amount": usd})), "codes, never labels");
    assert!(!matches(&spec, "Fee", &json!({"code": "Service fee", "amount": usd})));
    let table = |price: &str| json!({"as_of_ms": 0, "source": "ECB", "rates": {"USD/JPY": price}});
    assert!(matches(&spec, "RateTable", &table("148.35")));
    for strict in ["+148.35", "1_48.35", "1.4835e2", " 148.35", "-148.35"] {
        assert!(!matches(&spec, "RateTable", &table(strict)), "{strict}");
    }
    assert!(!matches(&spec, "RateTable", &json!({"as_of_ms": 0, "source": "ECB", "rates": {"usd-jpy": "1"}})));
}

/// What the switch quotes discloses the reference rate, the markup and each fee by code, and a
/// quote whose parts do not fit is refused by the client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotes_disclose_the_reference_the_markup_and_fee_codes() {
    let spec = spec();
    let sw = switch(SwitchConfig::default()).await;
    let key = DeviceKey::generate().unwrap();
    let registration = DeviceRegistration {
        device_id: device_id(&key.public_key_spki().unwrap()),
        public_key: key.public_key().spki_base64(),
        platform: None,
        authorization_key: None,
    };
    call(&sw.base_url(), &key, "POST", "/v1/devices", &serde_json::to_string(&registration).unwrap()).await;
    let payload = jpqr(11, "本屋", Some(1200));
    let request = QuoteRequest {
        credit: Amount { currency: "JPY".into(), value: "1200".into() },
        home_currency: "USD".into(),
        scheme: None,
        payload,
        order_id: None,
        tip: None,
    };
    let (status, _, quote) =
        call(&sw.base_url(), &key, "POST", "/v1/quotes", &serde_json::to_string(&request).unwrap()).await;
    assert_eq!(status, 200, "{quote}");
    check(&spec, "Quote", &quote);
    assert_eq!(quote["reference"]["pair"], "USD/JPY");
    assert_eq!(quote["reference"]["price"], "150.25");
    assert_eq!(quote["reference"]["source"], "crossqr sandbox mid-market");
    assert_eq!(quote["markup_percent"], "1.00");
    assert_eq!(quote["fees"], json!([{"code": "service_fee", "amount": {"currency": "USD", "value": "0.25"}}]));
    let body: QuoteBody = serde_json::from_value(quote.clone()).unwrap();
    assert!(body.to_quote().is_ok());
    let refused = |edit: &dyn Fn(&mut QuoteBody)| {
        let mut b = body.clone();
        edit(&mut b);
        b.to_quote().unwrap_err().code()
    };
    assert_eq!(refused(&|b| b.fees[0].code = "Service fee".into()), ErrorCode::InvalidQuote, "a fee nobody can label");
    assert_eq!(refused(&|b| b.markup_percent = "0.00".into()), ErrorCode::InvalidQuote, "a markup understated");
    assert_eq!(refused(&|b| b.markup_percent = "+1.00".into()), ErrorCode::InvalidQuote);
    assert_eq!(refused(&|b| b.reference.price = "1e2".into()), ErrorCode::InvalidRate);
    assert_eq!(refused(&|b| b.pair = "JPY/USD".into()), ErrorCode::ImplausibleRate, "a rate the wrong way round");
    sw.stop().await;
}

/// A signed raw request; returns status, headers and JSON body.
async fn call(
    base: &str,
    key: &DeviceKey,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let id = device_id(&key.public_key_spki().unwrap());
    let time = system_now_ms().to_string();
    let signature =
        message::sign_with(key, &message::request_string(method, path, &id, &time, body.as_bytes())).unwrap();
    let response = reqwest::Client::new()
        .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), format!("{base}{path}"))
        .header(message::CLIENT_ID, &id)
        .header(message::REQUEST_TIME, &time)
        .header(message::SIGNATURE, signature)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn signed_headers(headers: &reqwest::header::HeaderMap) {
    let get = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(get(message::RESPONSE_TIME).len(), 13);
    assert!(get(message::SIGNATURE).starts_with("algorithm=ECDSA-P256-SHA256,keyVersion=1,signature="));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_switch_and_the_client_speak_the_spec() {
    let spec = spec();
    let sw = switch(SwitchConfig::default()).await;
    let base = sw.base_url();
    let key = Arc::new(DeviceKey::generate().unwrap());
    let id = device_id(&key.public_key_spki().unwrap());
    let mut served = BTreeSet::new();

    // GET /v1/server-key (unsigned bootstrap).
    let response = reqwest::get(format!("{base}/v1/server-key")).await.unwrap();
    signed_headers(response.headers());
    check(&spec, "ServerKey", &response.json().await.unwrap());
    served.insert("/v1/server-key");

    // Requests as the client builds them, then the answers.
    let registration = DeviceRegistration {
        device_id: id.clone(),
        public_key: key.public_key().spki_base64(),
        platform: Some("linux".into()),
        authorization_key: Some(key.public_key().spki_base64()),
    };
    check(&spec, "DeviceRegistration", &serde_json::to_value(&registration).unwrap());
    let (status, headers, body) =
        call(&base, &key, "POST", "/v1/devices", &serde_json::to_string(&registration).unwrap()).await;
    assert_eq!(status, 200);
    signed_headers(&headers);
    check(&spec, "Device", &body);
    served.insert("/v1/devices");

    let resolve = ResolveRequest { payload: "https://qr.alipay.com/bax03190uxd47wbekffy6033".into() };
    check(&spec, "ResolveRequest", &serde_json::to_value(&resolve).unwrap());
    let (status, _, body) =
        call(&base, &key, "POST", "/v1/codes/resolve", &serde_json::to_string(&resolve).unwrap()).await;
    assert_eq!(status, 200);
    check(&spec, "ResolvedCode", &body);
    served.insert("/v1/codes/resolve");

    let (status, _, body) = call(&base, &key, "GET", "/v1/rates", "").await;
    assert_eq!(status, 200);
    check(&spec, "RateTable", &body);
    served.insert("/v1/rates");

    for (payload, home) in [(jpqr(3, "コンビニ", Some(1200)), "USD"), (khqr(32_900), "JPY"), (khqr(4_000), "KHR")] {
        let code = crossqr_core::parse(&payload).unwrap();
        let quote_request = QuoteRequest {
            credit: Amount::from(&code.amount.unwrap()),
            home_currency: home.into(),
            scheme: Some(code.scheme.as_str().into()),
            payload: payload.clone(),
            order_id: None,
            tip: None,
        };
        check(&spec, "QuoteRequest", &serde_json::to_value(&quote_request).unwrap());
        let (status, _, quote) =
            call(&base, &key, "POST", "/v1/quotes", &serde_json::to_string(&quote_request).unwrap()).await;
        assert_eq!(status, 200, "{quote}");
        check(&spec, "Quote", &quote);
        let mut payment = PaymentRequest {
            payment_id: format!("{:032x}", system_now_ms() as u128 * 1000 + home.len() as u128),
            quote_id: quote["quote_id"].as_str().unwrap().into(),
            payload: payload.clone(),
            order_id: None,
            debit: serde_json::from_value(quote["debit"].clone()).unwrap(),
            credit: serde_json::from_value(quote["credit"].clone()).unwrap(),
            authorization: None,
        };
        let digest = crossqr_core::api::wire::payload_digest(&payment.payload);
        let approval = payment.approval(&id, &digest).string();
        payment.authorization = Some(message::signature_value(&key.sign_der(&approval).unwrap()).unwrap());
        check(&spec, "PaymentRequest", &serde_json::to_value(&payment).unwrap());
        let (status, _, paid) =
            call(&base, &key, "POST", "/v1/payments", &serde_json::to_string(&payment).unwrap()).await;
        assert_eq!(status, 200, "{paid}");
        check(&spec, "Payment", &paid);
        let (status, _, fetched) = call(&base, &key, "GET", &format!("/v1/payments/{}", payment.payment_id), "").await;
        assert_eq!((status, &fetched), (200, &paid));
        // A cancel of a payment the switch has answers with the payment as it stands.
        let cancel = format!("/v1/payments/{}/cancel", payment.payment_id);
        let (status, _, cancelled) =
            call(&base, &key, "POST", &cancel, &serde_json::to_string(&payment).unwrap()).await;
        assert_eq!((status, &cancelled), (200, &paid));
    }
    // A cancel of a payment the switch never received refuses its id for good.
    let never = PaymentRequest {
        payment_id: "c".repeat(32),
        quote_id: "q".into(),
        payload: khqr(100),
        order_id: None,
        debit: Amount { currency: "USD".into(), value: "1.00".into() },
        credit: Amount { currency: "KHR".into(), value: "100".into() },
        authorization: None,
    };
    let body = serde_json::to_string(&never).unwrap();
    let (status, _, cancelled) =
        call(&base, &key, "POST", &format!("/v1/payments/{}/cancel", "c".repeat(32)), &body).await;
    assert_eq!((status, cancelled["status"].as_str()), (200, Some("cancelled")), "{cancelled}");
    check(&spec, "Payment", &cancelled);
    let (status, _, again) = call(&base, &key, "POST", "/v1/payments", &body).await;
    assert_eq!((status, again["status"].as_str()), (200, Some("cancelled")), "a cancelled id is never paid");
    served.insert("/v1/quotes");
    served.insert("/v1/payments");
    served.insert("/v1/payments/{payment_id}");
    served.insert("/v1/payments/{payment_id}/cancel");

    // Errors, signed, in the spec's shape.
    for (method, path, body) in [
        ("GET", format!("/v1/payments/{}", "0".repeat(32)), String::new()),
        ("POST", "/v1/quotes".to_owned(), "{}".to_owned()),
        ("POST", "/v1/codes/resolve".to_owned(), "{\"payload\":\"hello\"}".to_owned()),
    ] {
        let (status, headers, body) = call(&base, &key, method, &path, &body).await;
        assert!(status >= 400);
        signed_headers(&headers);
        check(&spec, "Error", &body);
    }
    let (status, _, _) =
        call(&base, &key, "POST", "/_sandbox/faults", &json!([{"fault": "http_503", "times": 1}]).to_string()).await;
    assert_eq!(status, 204);
    let (status, _, body) = call(&base, &key, "GET", "/v1/rates", "").await;
    assert_eq!(status, 503);
    check(&spec, "Error", &body);
    served.insert("/_sandbox/faults");

    // Every path of the spec was served, and nothing else.
    let listed: BTreeSet<&str> = spec["paths"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(listed, served);
    sw.stop().await;
}

#[test]
fn error_codes_and_statuses_agree_with_the_spec() {
    let spec = spec();
    let listed: BTreeSet<String> = spec["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]
        ["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let ours: BTreeSet<String> = BackendCode::ALL.iter().map(|c| c.as_str().to_owned()).collect();
    assert_eq!(listed, ours);
    // Each status the client can meet is declared for the paths that produce it.
    let declared = |path: &str, method: &str, status: u16| {
        spec["paths"][path][method]["responses"].get(status.to_string()).is_some()
    };
    for code in [
        BackendCode::AmountMismatch,
        BackendCode::QuoteExpired,
        BackendCode::IdempotencyConflict,
        BackendCode::ServiceUnavailable,
    ] {
        assert!(declared("/v1/payments", "post", code.http_status()), "{code:?}");
    }
    assert!(declared("/v1/payments/{payment_id}", "get", BackendCode::PaymentNotFound.http_status()));
}

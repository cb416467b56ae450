//! The endpoints of `switch/openapi.yaml`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use crossqr_core::api::wire::{
    self, BackendCode, Device as DeviceBody, DeviceRegistration, Failure, FaultRule, Payment, PaymentOutcome,
    PaymentRequest, QuoteBody, QuoteRequest, Rates, ResolveRequest, ServerKey,
};
use crossqr_core::money::Money;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::middleware::{Device, authenticate, error, sign_and_fault};

type Shared = State<Arc<AppState>>;

/// The router with its two layers: authentication inside, response signing and faults outside.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/v1/server-key", get(server_key))
        .route("/v1/devices", post(register))
        .route("/v1/codes/resolve", post(resolve))
        .route("/v1/rates", get(rates))
        .route("/v1/quotes", post(quote))
        .route("/v1/payments", post(pay))
        .route("/v1/payments/{payment_id}", get(payment))
        .route("/_sandbox/faults", post(set_faults))
        .fallback(|| async { error(BackendCode::InvalidRequest, "no such endpoint") })
        .layer(axum::middleware::from_fn_with_state(state.clone(), authenticate))
        .layer(axum::middleware::from_fn_with_state(state.clone(), sign_and_fault))
        .with_state(state)
}

/// The JSON body, or the `invalid_request` message.
fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("body: {e}"))
}

fn db(e: rusqlite::Error) -> Response {
    error(BackendCode::Internal, format!("database: {e}"))
}

fn random_id() -> String {
    let mut bytes = [0u8; 16];
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn server_key(State(state): Shared) -> Response {
    Json(ServerKey { public_key: state.public_key.spki_base64(), key_version: 1 }).into_response()
}

async fn register(State(state): Shared, bytes: Bytes) -> Response {
    let reg: DeviceRegistration = match body(&bytes) {
        Ok(r) => r,
        Err(e) => return error(BackendCode::InvalidRequest, e),
    };
    match state.store.register(&reg.device_id, &reg.public_key, reg.platform.as_deref(), state.clock.now_ms()) {
        Ok(at) => Json(DeviceBody { device_id: reg.device_id, registered_at_ms: at }).into_response(),
        Err(e) => db(e),
    }
}

async fn resolve(State(state): Shared, bytes: Bytes) -> Response {
    let req: ResolveRequest = match body(&bytes) {
        Ok(r) => r,
        Err(e) => return error(BackendCode::InvalidRequest, e),
    };
    match crate::resolve::resolve(&state.config, &req.payload) {
        Ok(order) => Json(order).into_response(),
        Err((code, message)) => error(code, message),
    }
}

async fn rates(State(state): Shared) -> Response {
    Json(Rates { as_of_ms: state.rates.as_of_ms, rates: state.config.rates.clone() }).into_response()
}

async fn quote(State(state): Shared, Extension(Device(device)): Extension<Device>, bytes: Bytes) -> Response {
    let req: QuoteRequest = match body(&bytes) {
        Ok(r) => r,
        Err(e) => return error(BackendCode::InvalidRequest, e),
    };
    let credit = match req.credit.to_money() {
        Ok(m) if !m.is_zero() => m,
        Ok(_) => return error(BackendCode::InvalidRequest, "credit must be greater than zero"),
        Err(e) => return error(BackendCode::InvalidRequest, format!("credit: {e}")),
    };
    let home = match wire::currency(&req.home_currency) {
        Ok(c) => c,
        Err(e) => return error(BackendCode::InvalidRequest, format!("home_currency: {e}")),
    };
    let now = state.clock.now_ms();
    let quote = match crate::fx::quote(&state, random_id(), credit, home, now) {
        Ok(q) => q,
        Err((code, message)) => return error(code, message),
    };
    let json = serde_json::to_string(&quote).unwrap_or_default();
    if let Err(e) = state.store.put_quote(&quote.quote_id, &device, &json, quote.expires_at_ms) {
        return db(e);
    }
    Json(quote).into_response()
}

/// Same money, compared as amounts (`1.1` and `1.10` are equal).
fn same_amount(a: &wire::Amount, b: &wire::Amount) -> bool {
    matches!((a.to_money(), b.to_money()), (Ok(x), Ok(y)) if x == y)
}

async fn pay(State(state): Shared, Extension(Device(device)): Extension<Device>, bytes: Bytes) -> Response {
    let req: PaymentRequest = match body(&bytes) {
        Ok(r) => r,
        Err(e) => return error(BackendCode::InvalidRequest, e),
    };
    if req.payment_id.len() != 32 || !req.payment_id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return error(BackendCode::InvalidRequest, "payment_id must be 32 lowercase hex digits");
    }
    let canonical = serde_json::to_string(&req).unwrap_or_default();
    // Idempotency first: a repeat gets the stored answer, whatever happened since.
    match state.store.payment(&req.payment_id) {
        Ok(Some(p)) if p.device_id == device && p.request == canonical => return stored(&p.response),
        Ok(Some(_)) => {
            return error(BackendCode::IdempotencyConflict, "this payment_id was used with a different request");
        }
        Ok(None) => {}
        Err(e) => return db(e),
    }
    let quote = match state.store.quote(&req.quote_id) {
        Ok(Some(q)) if q.device_id == device => q,
        Ok(_) => return error(BackendCode::QuoteNotFound, format!("no quote {} for this device", req.quote_id)),
        Err(e) => return db(e),
    };
    if quote.payment_id.is_some() {
        return error(BackendCode::QuoteAlreadyUsed, "another payment already used this quote");
    }
    let now = state.clock.now_ms();
    if now >= quote.expires_at_ms {
        return error(BackendCode::QuoteExpired, format!("quote {} expired at {}", req.quote_id, quote.expires_at_ms));
    }
    let quoted: QuoteBody = match serde_json::from_str(&quote.body) {
        Ok(q) => q,
        Err(e) => return error(BackendCode::Internal, format!("stored quote: {e}")),
    };
    if !same_amount(&quoted.debit, &req.debit) || !same_amount(&quoted.credit, &req.credit) {
        return error(BackendCode::AmountMismatch, "debit and credit must be exactly the quote's");
    }
    let code = match crossqr_core::parse_at(&req.payload, now) {
        Ok(c) => c,
        Err(e) => return error(BackendCode::UnsupportedCode, format!("payload: {}", e.message)),
    };
    let failure = decline(&state, &code, &req.debit);
    let payment = Payment {
        payment_id: req.payment_id.clone(),
        status: if failure.is_some() { PaymentOutcome::Failed } else { PaymentOutcome::Settled },
        quote_id: req.quote_id.clone(),
        debit: req.debit.clone(),
        credit: req.credit.clone(),
        created_at_ms: now,
        settled_at_ms: failure.is_none().then_some(now),
        failure,
    };
    let response = serde_json::to_string(&payment).unwrap_or_default();
    match state.store.commit_payment(&req.payment_id, &device, &req.quote_id, &canonical, &response, now) {
        Ok(true) => stored(&response),
        Ok(false) => match state.store.payment(&req.payment_id) {
            Ok(Some(p)) if p.request == canonical => stored(&p.response),
            Ok(_) => error(BackendCode::QuoteAlreadyUsed, "another payment already used this quote"),
            Err(e) => db(e),
        },
        Err(e) => db(e),
    }
}

/// Sandbox business rules that fail a payment definitely: an account named `decline…`, a debit over
/// the configured limit.
fn decline(state: &AppState, code: &crossqr_core::PaymentCode, debit: &wire::Amount) -> Option<Failure> {
    if code.primary_account().is_some_and(|a| a.id.starts_with("decline")) {
        return Some(Failure { code: "declined".into(), message: "the merchant's account refused the payment".into() });
    }
    let debit = debit.to_money().ok()?;
    let limit =
        state.config.limits.get(debit.currency().code()).and_then(|l| Money::parse(l, debit.currency()).ok())?;
    (debit.amount() > limit.amount())
        .then(|| Failure { code: "limit_exceeded".into(), message: format!("debit over the limit of {limit}") })
}

fn stored(json: &str) -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], json.to_owned()).into_response()
}

async fn payment(
    State(state): Shared,
    Extension(Device(device)): Extension<Device>,
    Path(payment_id): Path<String>,
) -> Response {
    match state.store.payment(&payment_id) {
        Ok(Some(p)) if p.device_id == device => stored(&p.response),
        Ok(_) => error(BackendCode::PaymentNotFound, format!("no payment {payment_id} from this device")),
        Err(e) => db(e),
    }
}

async fn set_faults(State(state): Shared, bytes: Bytes) -> Response {
    let rules: Vec<FaultRule> = match body(&bytes) {
        Ok(r) => r,
        Err(e) => return error(BackendCode::InvalidRequest, e),
    };
    *state.faults.lock().unwrap_or_else(|e| e.into_inner()) = rules;
    StatusCode::NO_CONTENT.into_response()
}

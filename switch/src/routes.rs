//! The endpoints of `switch/openapi.yaml`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use crossqr_core::PaymentCode;
use crossqr_core::api::wire::{
    self, Amount, BackendCode, Device as DeviceBody, DeviceRegistration, ErrorBody, ErrorDetail, Failure, FaultRule,
    Payment, PaymentOutcome, PaymentRequest, QuoteBody, QuoteRequest, Rates, ResolveRequest, ServerKey, same_amount,
};
use crossqr_core::money::Money;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::envelope::{Device, envelope, error};
use crate::store::{Commit, StoredPayment};

type Shared = State<Arc<AppState>>;

/// The router inside the envelope layer; the sandbox endpoint only in sandbox mode.
pub fn router(state: Arc<AppState>) -> Router {
    let mut router = Router::new()
        .route("/v1/server-key", get(server_key))
        .route("/v1/devices", post(register))
        .route("/v1/codes/resolve", post(resolve))
        .route("/v1/rates", get(rates))
        .route("/v1/quotes", post(quote))
        .route("/v1/payments", post(pay))
        .route("/v1/payments/{payment_id}", get(payment))
        .route("/v1/payments/{payment_id}/cancel", post(cancel));
    if state.config.sandbox {
        router = router.route("/_sandbox/faults", post(set_faults));
    }
    router
        .fallback(|| async { error(BackendCode::InvalidRequest, "no such endpoint") })
        .layer(axum::middleware::from_fn_with_state(state.clone(), envelope))
        .with_state(state)
}

/// The JSON body, or the `invalid_request` message.
fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("body: {e}"))
}

fn db(e: rusqlite::Error) -> Response {
    error(BackendCode::Internal, format!("database: {e}"))
}

fn json(text: &str, status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(axum::http::header::CONTENT_TYPE, "application/json")], text.to_owned()).into_response()
}

async fn server_key(State(state): Shared) -> Response {
    Json(ServerKey { public_key: state.public_key.spki_base64(), key_version: 1 }).into_response()
}

async fn register(State(state): Shared, bytes: Bytes) -> Response {
    let reg: DeviceRegistration = match body(&bytes) {
        Ok(r) => r,
        Err(e) => return error(BackendCode::InvalidRequest, e),
    };
    if let Some(k) = &reg.authorization_key
        && let Err(e) = crossqr_core::sign::PublicKey::from_spki_base64(k)
    {
        return error(BackendCode::InvalidRequest, format!("authorization_key: {e}"));
    }
    let (id, key, auth) = (&reg.device_id, &reg.public_key, reg.authorization_key.as_deref());
    match state.store.register(id, key, auth, reg.platform.as_deref(), state.clock.now_ms()) {
        Ok(at) => Json(DeviceBody { device_id: reg.device_id, registered_at_ms: at }).into_response(),
        Err(e) => db(e),
    }
}

async fn resolve(State(state): Shared, bytes: Bytes) -> Response {
    let req: ResolveRequest = match body(&bytes) {
        Ok(r) => r,
        Err(e) => return error(BackendCode::InvalidRequest, e),
    };
    match crate::resolve::resolve(&state.config, &req.payload, state.clock.now_ms()) {
        Ok(order) => Json(order).into_response(),
        Err((code, message)) => error(code, message),
    }
}

/// The configured mid-market rates: the sandbox's current rates whenever they are asked for.
async fn rates(State(state): Shared) -> Response {
    let (source, rates) = (state.config.rate_source.clone(), state.config.rates.clone());
    Json(Rates { as_of_ms: state.clock.now_ms(), source, rates }).into_response()
}

type Refusal = (BackendCode, String);

/// The code a quote or payment names must ask for `credit`: a dynamic code's amount plus the
/// convenience fee it asks for and the tip entered; a resolved code's order, by id and amount; a code
/// without an amount, its currency. Returns the parsed code.
fn check_code(
    state: &AppState,
    payload: &str,
    order_id: Option<&str>,
    credit: &Money,
    tip: Option<&Amount>,
    now_ms: i64,
) -> Result<PaymentCode, Refusal> {
    let code = crossqr_core::parse_at(payload, now_ms)
        .map_err(|e| (BackendCode::UnsupportedCode, format!("payload: {}", e.message)))?;
    if code.needs_resolution() {
        let order = crate::resolve::resolve_code(&state.config, &code, payload)?;
        if order_id != Some(order.order_id.as_str()) {
            return Err((BackendCode::CodeMismatch, format!("the code's order is {}", order.order_id)));
        }
        if !same_amount(&order.amount, &Amount::from(credit)) {
            return Err((BackendCode::AmountMismatch, format!("the order asks {:?}", order.amount)));
        }
        return Ok(code);
    }
    if order_id.is_some() {
        return Err((BackendCode::CodeMismatch, "this code has no order to pay".into()));
    }
    let tip = tip.map(|t| t.to_money().map_err(|e| (BackendCode::InvalidRequest, format!("tip: {e}")))).transpose()?;
    match code.amount {
        Some(amount) => {
            let asked = code.credit(amount, tip).map_err(|e| (BackendCode::AmountMismatch, e.message))?;
            if asked.total != *credit {
                return Err((
                    BackendCode::AmountMismatch,
                    format!("the code asks {} in all, not {credit}", asked.total),
                ));
            }
        }
        None => {
            if let Some(currency) = code.currency
                && currency != credit.currency()
            {
                return Err((
                    BackendCode::AmountMismatch,
                    format!("the code is in {currency}, not {}", credit.currency()),
                ));
            }
        }
    }
    Ok(code)
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
    if let Err((code, message)) =
        check_code(&state, &req.payload, req.order_id.as_deref(), &credit, req.tip.as_ref(), now)
    {
        return error(code, message);
    }
    let Some(quote_id) = crossqr_core::entropy::random_id(state.entropy.as_ref()) else {
        return error(BackendCode::Internal, "no random source");
    };
    let mut quote = match crate::fx::quote(&state, quote_id, credit, home, now) {
        Ok(q) => q,
        Err((code, message)) => return error(code, message),
    };
    quote.payload_digest = wire::payload_digest(&req.payload);
    quote.order_id = req.order_id.clone();
    let (request, body) =
        (serde_json::to_string(&req).unwrap_or_default(), serde_json::to_string(&quote).unwrap_or_default());
    if let Err(e) = state.store.put_quote(&quote.quote_id, &device, &request, &body, quote.expires_at_ms) {
        return db(e);
    }
    Json(quote).into_response()
}

/// A payment decision to store: the answer to its POST (200 with the payment, or a refusal) and the
/// payment as its status shows it.
fn decision(device: &str, canonical: &str, req: &PaymentRequest, outcome: Result<Payment, Refusal>) -> StoredPayment {
    let (http_status, response, payment) = match outcome {
        Ok(p) => {
            let text = serde_json::to_string(&p).unwrap_or_default();
            (200, text.clone(), text)
        }
        Err((code, message)) => {
            let failed = Payment {
                payment_id: req.payment_id.clone(),
                status: PaymentOutcome::Failed,
                quote_id: req.quote_id.clone(),
                debit: req.debit.clone(),
                credit: req.credit.clone(),
                created_at_ms: 0,
                settled_at_ms: None,
                failure: Some(Failure { code: code.as_str().into(), message: message.clone() }),
            };
            let body = ErrorBody { error: ErrorDetail { code: code.as_str().into(), message } };
            (
                code.http_status(),
                serde_json::to_string(&body).unwrap_or_default(),
                serde_json::to_string(&failed).unwrap_or_default(),
            )
        }
    };
    StoredPayment { device_id: device.to_owned(), request: canonical.to_owned(), http_status, response, payment }
}

/// A repeat: the stored answer for the same request of the same device, a conflict otherwise.
fn repeat(stored: &StoredPayment, device: &str, canonical: &str) -> Response {
    if stored.device_id == device && stored.request == canonical {
        json(&stored.response, stored.http_status)
    } else {
        error(BackendCode::IdempotencyConflict, "this payment_id was used with a different request")
    }
}

fn payment_request(bytes: &Bytes) -> Result<(PaymentRequest, String), Refusal> {
    let req: PaymentRequest = body(bytes).map_err(|e| (BackendCode::InvalidRequest, e))?;
    if !crossqr_core::entropy::is_id(&req.payment_id) {
        return Err((BackendCode::InvalidRequest, "payment_id must be 32 lowercase hex digits".into()));
    }
    let canonical = serde_json::to_string(&req).unwrap_or_default();
    Ok((req, canonical))
}

async fn pay(State(state): Shared, Extension(Device(device)): Extension<Device>, bytes: Bytes) -> Response {
    let (req, canonical) = match payment_request(&bytes) {
        Ok(r) => r,
        Err((code, why)) => return error(code, why),
    };
    // Idempotency first: a repeat gets the stored answer, whatever happened since.
    match state.store.payment(&req.payment_id) {
        Ok(Some(stored)) => return repeat(&stored, &device, &canonical),
        Ok(None) => {}
        Err(e) => return db(e),
    }
    let now = state.clock.now_ms();
    let outcome = judge(&state, &device, &req, now);
    let claim = outcome.as_ref().ok().map(|_| req.quote_id.as_str());
    let mut stored = decision(&device, &canonical, &req, outcome);
    loop {
        match state.store.commit(&req.payment_id, &stored, claim.filter(|_| stored.http_status == 200), now) {
            Ok(Commit::Done) => return json(&stored.response, stored.http_status),
            Ok(Commit::Taken(existing)) => return repeat(&existing, &device, &canonical),
            // Another payment took the quote between the check and the commit: refused for good.
            Ok(Commit::QuoteUsed) => {
                let used = (BackendCode::QuoteAlreadyUsed, "another payment already used this quote".into());
                stored = decision(&device, &canonical, &req, Err(used));
            }
            Err(e) => return db(e),
        }
    }
}

/// The payment's fate: settled, failed by a business rule, or refused for good.
fn judge(state: &AppState, device: &str, req: &PaymentRequest, now: i64) -> Result<Payment, Refusal> {
    let quote = match state.store.quote(&req.quote_id) {
        Ok(Some(q)) if q.device_id == device => q,
        Ok(_) => return Err((BackendCode::QuoteNotFound, format!("no quote {} for this device", req.quote_id))),
        Err(e) => return Err((BackendCode::Internal, format!("database: {e}"))),
    };
    if quote.payment_id.is_some() {
        return Err((BackendCode::QuoteAlreadyUsed, "another payment already used this quote".into()));
    }
    if now >= quote.expires_at_ms {
        return Err((BackendCode::QuoteExpired, format!("quote {} expired at {}", req.quote_id, quote.expires_at_ms)));
    }
    let quoted: QuoteBody =
        serde_json::from_str(&quote.body).map_err(|e| (BackendCode::Internal, format!("stored quote: {e}")))?;
    let asked: QuoteRequest =
        serde_json::from_str(&quote.request).map_err(|e| (BackendCode::Internal, format!("stored quote: {e}")))?;
    if !same_amount(&quoted.debit, &req.debit) || !same_amount(&quoted.credit, &req.credit) {
        return Err((BackendCode::AmountMismatch, "debit and credit must be exactly the quote's".into()));
    }
    let digest = wire::payload_digest(&req.payload);
    if quoted.payload_digest != digest || quoted.order_id != req.order_id {
        return Err((BackendCode::CodeMismatch, "the payment is not for the code its quote was made for".into()));
    }
    check_authorization(state, device, req, &digest)?;
    let credit = req.credit.to_money().map_err(|e| (BackendCode::InvalidRequest, format!("credit: {e}")))?;
    let code = check_code(state, &req.payload, req.order_id.as_deref(), &credit, asked.tip.as_ref(), now)?;
    let failure = decline(state, &code, &req.debit);
    Ok(Payment {
        payment_id: req.payment_id.clone(),
        status: if failure.is_some() { PaymentOutcome::Failed } else { PaymentOutcome::Settled },
        quote_id: req.quote_id.clone(),
        debit: req.debit.clone(),
        credit: req.credit.clone(),
        created_at_ms: now,
        settled_at_ms: failure.is_none().then_some(now),
        failure,
    })
}

/// A device that registered an authorisation key must send the payer's authorisation of exactly this
/// payment (whose payload has `digest`); one sent by a device without such a key must verify against
/// its request key.
fn check_authorization(state: &AppState, device: &str, req: &PaymentRequest, digest: &str) -> Result<(), Refusal> {
    let db = |e: rusqlite::Error| (BackendCode::Internal, format!("database: {e}"));
    let key = match (state.store.authorization_key(device).map_err(db)?, &req.authorization) {
        (None, None) => return Ok(()),
        (Some(_), None) => {
            return Err((
                BackendCode::AuthorizationInvalid,
                "this device's payments need the payer's authorisation".into(),
            ));
        }
        (Some(k), Some(_)) => k,
        (None, Some(_)) => state.store.device_key(device).map_err(db)?.unwrap_or_default(),
    };
    let key = crossqr_core::sign::PublicKey::from_spki_base64(&key)
        .map_err(|e| (BackendCode::Internal, format!("stored key: {e}")))?;
    let approval = req.approval(device, digest).string();
    crossqr_core::sign::message::verify_value(&key, &approval, req.authorization.as_deref().unwrap_or_default())
        .map_err(|e| (BackendCode::AuthorizationInvalid, format!("authorization: {e}")))
}

/// Sandbox business rules that fail a payment definitely: an account named `decline…`, a debit over
/// the configured limit.
fn decline(state: &AppState, code: &PaymentCode, debit: &wire::Amount) -> Option<Failure> {
    if code.primary_account().is_some_and(|a| a.id.starts_with("decline")) {
        return Some(Failure { code: "declined".into(), message: "the merchant's account refused the payment".into() });
    }
    let debit = debit.to_money().ok()?;
    let limit =
        state.config.limits.get(debit.currency().code()).and_then(|l| Money::parse(l, debit.currency()).ok())?;
    (debit.amount() > limit.amount())
        .then(|| Failure { code: "limit_exceeded".into(), message: format!("debit over the limit of {limit}") })
}

async fn payment(
    State(state): Shared,
    Extension(Device(device)): Extension<Device>,
    Path(payment_id): Path<String>,
) -> Response {
    match state.store.payment(&payment_id) {
        Ok(Some(p)) if p.device_id == device => json(&p.payment, 200),
        Ok(_) => error(BackendCode::PaymentNotFound, format!("no payment {payment_id} from this device")),
        Err(e) => db(e),
    }
}

/// Cancels a payment the client never sent (model: Alipay+ `cancelPayment`): from now on its id can
/// never be paid. Answered with the payment as it stands: `cancelled`, or what it became if it had
/// been received after all.
async fn cancel(
    State(state): Shared,
    Extension(Device(device)): Extension<Device>,
    Path(payment_id): Path<String>,
    bytes: Bytes,
) -> Response {
    let (req, canonical) = match payment_request(&bytes) {
        Ok(r) => r,
        Err((code, why)) => return error(code, why),
    };
    if req.payment_id != payment_id {
        return error(BackendCode::InvalidRequest, "the body's payment_id is not the path's");
    }
    let now = state.clock.now_ms();
    let cancelled = Payment {
        payment_id: req.payment_id.clone(),
        status: PaymentOutcome::Cancelled,
        quote_id: req.quote_id.clone(),
        debit: req.debit.clone(),
        credit: req.credit.clone(),
        created_at_ms: now,
        settled_at_ms: None,
        failure: Some(Failure {
            code: "payment_cancelled".into(),
            message: "cancelled by the payer's wallet before it was sent".into(),
        }),
    };
    let stored = decision(&device, &canonical, &req, Ok(cancelled));
    match state.store.commit(&req.payment_id, &stored, None, now) {
        Ok(Commit::Done) => json(&stored.payment, 200),
        Ok(Commit::Taken(existing)) if existing.device_id == device => json(&existing.payment, 200),
        Ok(Commit::Taken(_)) => error(BackendCode::IdempotencyConflict, "this payment_id belongs to another device"),
        Ok(Commit::QuoteUsed) => error(BackendCode::Internal, "a cancel claims no quote"),
        Err(e) => db(e),
    }
}

async fn set_faults(State(state): Shared, Extension(Device(device)): Extension<Device>, bytes: Bytes) -> Response {
    let rules: Vec<FaultRule> = match body(&bytes) {
        Ok(r) => r,
        Err(e) => return error(BackendCode::InvalidRequest, e),
    };
    if let Err(why) = crate::faults::validate(&rules) {
        return error(BackendCode::InvalidRequest, why);
    }
    state.faults.install(&device, rules);
    StatusCode::NO_CONTENT.into_response()
}

//! How a request reaches the backend: [`Transport`]. [`HttpTransport`] is reqwest over rustls (what
//! ships); a simulation can put its own network in between (delays, losses, partitions) and still
//! exercise every line of the client above it.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// The largest response body the client reads; a real answer is a few hundred bytes.
pub const MAX_RESPONSE_BYTES: usize = 256 * 1024;

/// A request as it goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Path and query, e.g. `/v1/payments`.
    pub path: String,
    /// Header names and values.
    pub headers: Vec<(&'static str, String)>,
    /// The exact body bytes (empty for GET).
    pub body: Vec<u8>,
}

/// A response as it came off the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// Header names (lowercase) and values.
    pub headers: Vec<(String, String)>,
    /// The body, at most [`MAX_RESPONSE_BYTES`].
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Why no response came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The request certainly did not reach the backend (no connection could be made).
    NotDelivered(String),
    /// The request may have reached the backend: the connection failed or timed out afterwards, or
    /// the response was unreadable or too large.
    Lost(String),
    /// The connection was refused for a reason trying again cannot mend (the backend's TLS certificate
    /// is not trusted, expired, for another name, unpinned): not delivered.
    Refused {
        /// The stable code (`tls_untrusted`, `tls_certificate_expired`, …).
        code: crate::error::ErrorCode,
        /// For a human.
        message: String,
    },
}

/// A boxed future, as [`Transport::send`] returns.
pub type TransportFuture<'a> = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'a>>;

/// Delivers requests to the backend.
pub trait Transport: Send + Sync {
    /// Sends `request` and waits at most `timeout` for the whole response.
    fn send(&self, request: HttpRequest, timeout: Duration) -> TransportFuture<'_>;
}

/// HTTP(S) with reqwest over rustls: no redirects followed, bodies capped at [`MAX_RESPONSE_BYTES`].
#[derive(Debug, Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    base_url: String,
}

impl HttpTransport {
    /// A transport to `base_url` (already checked by the client's configuration).
    pub fn new(client: reqwest::Client, base_url: &str) -> HttpTransport {
        HttpTransport { client, base_url: base_url.trim_end_matches('/').to_owned() }
    }

    async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| TransportError::NotDelivered(format!("method: {e}")))?;
        let mut builder = self.client.request(method, format!("{}{}", self.base_url, request.path));
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body);
        }
        let mut response = builder.send().await.map_err(|e| {
            let text = describe(&e);
            match super::tls::refusal_code(&e) {
                Some(code) => TransportError::Refused { code, message: text },
                None if e.is_connect() => TransportError::NotDelivered(text),
                None => TransportError::Lost(text),
            }
        })?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| TransportError::Lost(format!("connection lost reading the response ({})", describe(&e))))?
        {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(TransportError::Lost(format!("response larger than {MAX_RESPONSE_BYTES} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse { status, headers, body })
    }
}

impl Transport for HttpTransport {
    fn send(&self, request: HttpRequest, timeout: Duration) -> TransportFuture<'_> {
        Box::pin(async move {
            match tokio::time::timeout(timeout, self.exchange(request)).await {
                Ok(result) => result,
                Err(_) => Err(TransportError::Lost(format!("no complete response within {} ms", timeout.as_millis()))),
            }
        })
    }
}

/// reqwest's error with its causes, which carry the useful part ("connection refused").
pub(crate) fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

//! Network transport: sends exactly the requests the core builds and reports raw observations.
//!
//! Contract (issue 3 "Transport"):
//! - one [`WireRequest`] in, one [`WireResponse`] (or a staged [`TransportError`]) out; never follows a
//!   redirect, never adds `Cookie` or `Authorization`, sends headers in the given order and case;
//! - response headers come back raw: wire order, duplicates kept, original name case, values as
//!   received with non-UTF-8 bytes mapped 1:1 to U+0000–U+00FF (Latin-1), so nothing is lost;
//! - every request is bounded by `TransportConfig::timeout` (connect + TLS + head + body), heads by
//!   `max_header_bytes`, kept bodies by `max_body_bytes`;
//! - the trait is synchronous on purpose: [`HttpTransport`] owns a current-thread tokio runtime and
//!   blocks on each request so the check command's state machine stays a plain loop.

mod client;
mod conn;
mod error;
mod h1;
mod h2;
#[cfg(test)]
mod mock;
mod tls;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub(crate) use client::HttpTransport;
#[allow(unused_imports)] // callers that branch on the stage (hints, exit codes) will use it
pub(crate) use error::NetStage;
pub(crate) use error::TransportError;
#[cfg(test)]
#[allow(unused_imports)] // for the check command's tests
pub(crate) use mock::MockTransport;

/// A request exactly as it goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WireRequest {
    /// The method, byte for byte (`patch` stays lowercase).
    pub method: String,
    /// Absolute `http` or `https` URL; the fragment is never sent.
    pub url: url::Url,
    /// Sent in this order with this case; `Host`, `User-Agent` and `Content-Length` are added only
    /// when absent.
    pub headers: Vec<(String, String)>,
    /// Request body; `Content-Length` is added for it.
    pub body: Option<Vec<u8>>,
}

/// What came back, raw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WireResponse {
    pub status: u16,
    /// Reason phrase (empty on HTTP/2), Latin-1 decoded.
    pub reason: String,
    /// `HTTP/1.0`, `HTTP/1.1` or `HTTP/2`.
    pub version: String,
    /// Wire order, duplicates kept, original name case, values Latin-1 decoded.
    pub headers: Vec<(String, String)>,
    /// At most `max_body_bytes`.
    pub body: Vec<u8>,
    /// The body was longer than the cap; reading stopped there.
    pub body_truncated: bool,
    /// Reading the body failed after a complete head (cut short, bad chunking, reset): the
    /// head and the bytes before the failure are kept. A browser hands such a response to
    /// script, then fails reading its body; the CORS check is made on the head.
    pub body_error: Option<String>,
    /// From the start of `send` to the last body byte read.
    pub elapsed: Duration,
    /// The peer the response came from.
    pub remote: Option<SocketAddr>,
}

#[allow(dead_code)] // convenience for the check command and its tests
impl WireResponse {
    /// A response with only a status, for scripting [`MockTransport`].
    pub(crate) fn new(status: u16) -> Self {
        WireResponse {
            status,
            reason: String::new(),
            version: "HTTP/1.1".to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
            body_truncated: false,
            body_error: None,
            elapsed: Duration::ZERO,
            remote: None,
        }
    }

    /// Append a header (builder style).
    pub(crate) fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replace the body (builder style).
    pub(crate) fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Every value of header `name` (ASCII case-insensitive), in wire order.
    pub(crate) fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request and reports what came back.
pub(crate) trait Transport {
    fn send(&mut self, req: &WireRequest) -> Result<WireResponse, TransportError>;
}

/// Limits and trust settings for [`HttpTransport`].
#[derive(Debug, Clone)]
pub(crate) struct TransportConfig {
    /// Total per request: connect + TLS + head + body.
    pub timeout: Duration,
    /// Per connection attempt (one resolved address), also bounded by `timeout`.
    pub connect_timeout: Duration,
    /// Skip certificate verification (signatures are still checked).
    pub insecure: bool,
    /// Extra PEM CA bundle trusted besides the platform roots.
    pub cacert: Option<PathBuf>,
    /// Largest response head accepted (status line + headers).
    pub max_header_bytes: usize,
    /// Largest body kept; beyond it reading stops and `body_truncated` is set.
    pub max_body_bytes: usize,
    /// Sent when the request has no `User-Agent`.
    pub user_agent: String,
}

impl Default for TransportConfig {
    fn default() -> Self {
        TransportConfig {
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(10),
            insecure: false,
            cacert: None,
            max_header_bytes: 64 * 1024,
            max_body_bytes: 256 * 1024,
            user_agent: concat!("cors-doctor/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// Decode raw bytes as Latin-1: every byte becomes the char with the same number, so nothing is lost.
pub(crate) fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

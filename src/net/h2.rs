//! HTTP/2 through hyper's connection-level client, used only when TLS ALPN chose `h2`.
//!
//! HTTP/2 header names arrive lowercase and hyper's `HeaderMap` groups repeated names, so raw order
//! is kept per name only; values are still reported byte for byte (Latin-1). Connection-specific
//! request headers (`Host`, `Connection`, `Transfer-Encoding`, …) are not allowed in HTTP/2: `Host`
//! becomes `:authority` from the URL and the others are dropped.

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http2::SendRequest;
use hyper::{Method, Request, Uri, Version};
use hyper_util::rt::{TokioExecutor, TokioIo};

use super::conn::{Ctx, Io, Phase};
use super::error::{NetStage, TransportError};
use super::h1::{value_bytes, Sink};
use super::{latin1, WireRequest, WireResponse};

/// An open HTTP/2 connection; its driver task runs on the transport's runtime.
pub(crate) struct H2Conn {
    send: SendRequest<Full<Bytes>>,
    pub remote: SocketAddr,
}

/// `Stale`: the request never reached the server, so it may be retried on a new connection.
pub(crate) enum H2Error {
    Stale(TransportError),
    /// The server said GOAWAY(NO_ERROR) before processing the request: browsers retry it on a
    /// new connection, and so do we (once).
    Unprocessed(TransportError),
    Fatal(TransportError),
}

/// Run the HTTP/2 preface and settings exchange over an established TLS stream.
pub(crate) async fn handshake(
    io: Box<dyn Io>,
    remote: SocketAddr,
    max_header_bytes: usize,
    authority: &str,
) -> Result<H2Conn, TransportError> {
    let mut builder = hyper::client::conn::http2::Builder::new(TokioExecutor::new());
    builder.max_header_list_size(u32::try_from(max_header_bytes).unwrap_or(u32::MAX));
    let (send, conn) = builder
        .handshake(TokioIo::new(io))
        .await
        .map_err(|e| hyper_error(&e, authority))?;
    tokio::spawn(async move {
        // The driver ends with the connection; its error surfaces through the request futures.
        let _ = conn.await;
    });
    Ok(H2Conn { send, remote })
}

impl H2Conn {
    /// Whether the connection can carry another request.
    pub(crate) fn is_open(&self) -> bool {
        !self.send.is_closed()
    }

    /// Send `req` on a new stream and read the response, body capped.
    pub(crate) async fn exchange(
        &mut self,
        req: &WireRequest,
        ctx: &Ctx<'_>,
    ) -> Result<WireResponse, H2Error> {
        let request = build_request(req, ctx.user_agent)
            .map_err(|m| H2Error::Fatal(TransportError::at(NetStage::Protocol, m, &ctx.authority)))?;
        ctx.phase.set(Phase::Send);
        self.send
            .ready()
            .await
            .map_err(|e| H2Error::Stale(hyper_error(&e, &ctx.authority)))?;
        ctx.phase.set(Phase::Head);
        let response = self
            .send
            .send_request(request)
            .await
            .map_err(|e| stale_or_fatal(&e, &ctx.authority))?;
        ctx.phase.set(Phase::Body);
        let (parts, body) = response.into_parts();
        let sink = read_body(body, ctx).await.map_err(H2Error::Fatal)?;
        let headers = parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), latin1(v.as_bytes())))
            .collect();
        Ok(WireResponse {
            status: parts.status.as_u16(),
            reason: String::new(),
            version: "HTTP/2".to_owned(),
            headers,
            body: sink.data,
            body_truncated: sink.truncated,
            body_error: None,
            elapsed: ctx.start.elapsed(),
            remote: Some(self.remote),
        })
    }
}

/// Data frames up to the cap; past it the stream is dropped (reset), the connection stays usable.
async fn read_body(mut body: Incoming, ctx: &Ctx<'_>) -> Result<Sink, TransportError> {
    let mut sink = Sink::new(ctx.max_body_bytes);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| hyper_error(&e, &ctx.authority))?;
        if let Ok(data) = frame.into_data() {
            sink.push(&data);
        }
        if sink.truncated {
            break;
        }
    }
    Ok(sink)
}

/// Headers HTTP/2 forbids (RFC 9113 §8.2.2) or carries as a pseudo-header.
fn dropped_in_h2(name: &str) -> bool {
    [
        "host",
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "upgrade",
    ]
    .iter()
    .any(|n| name.eq_ignore_ascii_case(n))
}

fn build_request(req: &WireRequest, user_agent: &str) -> Result<Request<Full<Bytes>>, String> {
    let method =
        Method::from_bytes(req.method.as_bytes()).map_err(|_| format!("invalid method {:?}", req.method))?;
    let uri: Uri = req.url[..url::Position::AfterQuery]
        .parse()
        .map_err(|e| format!("invalid URL for HTTP/2: {e}"))?;
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .version(Version::HTTP_2);
    let has = |name: &str| req.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    for (name, value) in req.headers.iter().filter(|(n, _)| !dropped_in_h2(n)) {
        builder = builder.header(name.as_str(), value_bytes(value));
    }
    if !has("user-agent") && !user_agent.is_empty() {
        builder = builder.header("user-agent", user_agent);
    }
    let body = req.body.clone().unwrap_or_default();
    if req.body.is_some() && !has("content-length") {
        builder = builder.header("content-length", body.len().to_string());
    }
    builder
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| format!("refusing to send request: {e}"))
}

fn stale_or_fatal(e: &hyper::Error, authority: &str) -> H2Error {
    if graceful_goaway(e) {
        H2Error::Unprocessed(hyper_error(e, authority))
    } else if e.is_canceled() || e.is_closed() {
        H2Error::Stale(hyper_error(e, authority))
    } else {
        H2Error::Fatal(hyper_error(e, authority))
    }
}

/// A GOAWAY with NO_ERROR: the server is shutting the connection down cleanly.
fn graceful_goaway(e: &hyper::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(h2) = err.downcast_ref::<h2::Error>() {
            return h2.is_go_away() && h2.reason() == Some(h2::Reason::NO_ERROR);
        }
        source = err.source();
    }
    false
}

/// An I/O cause keeps its I/O stage; anything else is an HTTP/2 protocol failure.
fn hyper_error(e: &hyper::Error, authority: &str) -> TransportError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut chain = Vec::new();
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return TransportError::from_io(io, authority);
        }
        chain.push(err.to_string());
        source = err.source();
    }
    TransportError::at(
        NetStage::Protocol,
        format!("HTTP/2: {}", chain.join(": ")),
        authority,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h2_requests_drop_connection_headers_and_keep_the_rest() {
        let req = WireRequest {
            method: "patch".into(),
            url: url::Url::parse("https://h.test/p?q#f").unwrap(),
            headers: vec![
                ("Host".into(), "h.test".into()),
                ("Origin".into(), "https://o".into()),
            ],
            body: Some(b"x".to_vec()),
        };
        let built = build_request(&req, "ua").unwrap();
        assert_eq!(built.method().as_str(), "patch");
        assert_eq!(built.uri().to_string(), "https://h.test/p?q");
        let names: Vec<_> = built.headers().keys().map(|k| k.as_str()).collect();
        assert_eq!(names, ["origin", "user-agent", "content-length"]);
    }
}

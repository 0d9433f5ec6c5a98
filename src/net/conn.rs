//! Connections: resolve the URL's host, connect to its addresses in order (each attempt bounded by
//! the connect timeout), and carry the per-request context (limits, deadline phase) the protocol
//! code needs.
//!
//! Every failure is a [`TransportError`] naming `host:port`: resolution → `dns`, refused or
//! unreachable → `connect`, an attempt past its timeout → `timeout`.

use std::cell::Cell;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::error::{describe_io, NetStage, TransportError};

/// Any byte stream a request can travel over (TCP or TLS over TCP).
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Where a request goes; also the connection-reuse key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Target {
    pub https: bool,
    /// Host without IPv6 brackets.
    pub host: String,
    pub port: u16,
}

impl Target {
    /// The target of an `http`/`https` URL.
    pub(crate) fn from_url(url: &url::Url) -> Result<Target, TransportError> {
        let https = match url.scheme() {
            "http" => false,
            "https" => true,
            other => return Err(unsupported(url, &format!("unsupported URL scheme {other:?}"))),
        };
        let host = match url.host() {
            Some(url::Host::Domain(d)) => d.to_owned(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => return Err(unsupported(url, "URL has no host")),
        };
        let port = url
            .port_or_known_default()
            .unwrap_or(if https { 443 } else { 80 });
        Ok(Target { https, host, port })
    }

    /// `host:port`, IPv6 in brackets: the name every error message carries.
    pub(crate) fn authority(&self) -> String {
        match self.host.parse::<IpAddr>() {
            Ok(IpAddr::V6(_)) => format!("[{}]:{}", self.host, self.port),
            _ => format!("{}:{}", self.host, self.port),
        }
    }
}

fn unsupported(url: &url::Url, what: &str) -> TransportError {
    TransportError::at(NetStage::Protocol, what, url.as_str())
}

/// Which part of the exchange is running, so a deadline hit can say where it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Resolve,
    Connect,
    Tls,
    Send,
    Head,
    Body,
}

impl Phase {
    /// "while waiting for the response head", for timeout messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Phase::Resolve => "while resolving the host",
            Phase::Connect => "while connecting",
            Phase::Tls => "during the TLS handshake",
            Phase::Send => "while sending the request",
            Phase::Head => "while waiting for the response head",
            Phase::Body => "while reading the response body",
        }
    }
}

/// What one request's protocol code needs to know.
pub(crate) struct Ctx<'a> {
    pub authority: String,
    pub max_header_bytes: usize,
    pub max_body_bytes: usize,
    pub user_agent: &'a str,
    pub start: Instant,
    pub phase: &'a Cell<Phase>,
}

/// Resolve `target.host` (IP literals skip DNS).
pub(crate) async fn resolve(target: &Target) -> Result<Vec<SocketAddr>, TransportError> {
    if let Ok(ip) = target.host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, target.port)]);
    }
    let fail = |what: String| TransportError::at(NetStage::Dns, what, &target.authority());
    let addrs = lookup(target.host.clone(), target.port).await.map_err(|e| {
        fail(format!(
            "could not resolve host {}: {}",
            target.host,
            describe_io(&e)
        ))
    })?;
    if addrs.is_empty() {
        return Err(fail(format!("host {} resolved to no addresses", target.host)));
    }
    Ok(addrs)
}

/// `getaddrinfo` on a detached thread: tokio's blocking pool would make dropping the transport
/// wait for a resolver stuck past our deadline.
async fn lookup(host: String, port: u16) -> std::io::Result<Vec<SocketAddr>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("cors-doctor-dns".into())
        .spawn(move || {
            let result = (host.as_str(), port).to_socket_addrs().map(Iterator::collect);
            let _ = tx.send(result);
        })?;
    rx.await
        .unwrap_or_else(|_| Err(std::io::Error::other("resolver thread ended without an answer")))
}

/// Connect to the first address that accepts, in resolution order.
pub(crate) async fn connect_tcp(
    target: &Target,
    addrs: &[SocketAddr],
    connect_timeout: Duration,
) -> Result<(TcpStream, SocketAddr), TransportError> {
    let mut last = None;
    for &addr in addrs {
        match tokio::time::timeout(connect_timeout, TcpStream::connect(addr)).await {
            Ok(Ok(tcp)) => {
                // Small writes (the request head) should leave at once.
                let _ = tcp.set_nodelay(true);
                return Ok((tcp, addr));
            }
            Ok(Err(e)) => last = Some(connect_error(target, addr, &e)),
            Err(_) => last = Some(connect_timed_out(target, addr, connect_timeout)),
        }
    }
    Err(last.unwrap_or_else(|| {
        TransportError::at(NetStage::Connect, "no address to connect to", &target.authority())
    }))
}

fn connect_error(target: &Target, addr: SocketAddr, err: &std::io::Error) -> TransportError {
    TransportError::at(
        NetStage::Connect,
        format!("{}{}", describe_io(err), via(target, addr)),
        &target.authority(),
    )
}

fn connect_timed_out(target: &Target, addr: SocketAddr, limit: Duration) -> TransportError {
    let what = format!(
        "connect timed out after {} ms{}",
        limit.as_millis(),
        via(target, addr)
    );
    TransportError::at(NetStage::Timeout, what, &target.authority())
}

/// " at 127.0.0.1:80" when the host was a name, so the message says which address failed.
fn via(target: &Target, addr: SocketAddr) -> String {
    if target.host.parse::<IpAddr>().is_ok() {
        String::new()
    } else {
        format!(" at {addr}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> Target {
        Target::from_url(&url::Url::parse(url).unwrap()).unwrap()
    }

    #[test]
    fn targets_carry_default_ports_and_bracket_ipv6() {
        assert_eq!(target("https://example.com/x").authority(), "example.com:443");
        assert_eq!(target("http://[::1]:8080/").authority(), "[::1]:8080");
        assert_eq!(target("http://127.0.0.1/").port, 80);
    }

    #[test]
    fn other_schemes_are_refused() {
        let err = Target::from_url(&url::Url::parse("ftp://h/x").unwrap()).unwrap_err();
        assert_eq!(err.stage, NetStage::Protocol);
    }
}

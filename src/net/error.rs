//! Transport failures: a stage (where it failed) and a one-line message that names `host:port`.
//!
//! The stage drives the exit code and the hint the CLI prints, so every failure path picks one
//! deliberately; nothing here panics or loses the peer's name.

use std::fmt;
use std::io;

/// Where a request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum NetStage {
    /// The host name did not resolve (or resolved to nothing).
    Dns,
    /// No TCP connection: refused, unreachable.
    Connect,
    /// TLS handshake or certificate verification.
    Tls,
    /// The connect timeout or the request's total deadline passed.
    Timeout,
    /// The server's bytes are not valid HTTP (or exceed a limit).
    Protocol,
    /// The connection broke mid-exchange (reset, broken pipe).
    Io,
}

impl NetStage {
    /// Stable lowercase name, used in messages and JSON.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            NetStage::Dns => "dns",
            NetStage::Connect => "connect",
            NetStage::Tls => "tls",
            NetStage::Timeout => "timeout",
            NetStage::Protocol => "protocol",
            NetStage::Io => "io",
        }
    }
}

impl fmt::Display for NetStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed request. Displays as `"{stage}: {message}"`, e.g.
/// `connect: connection refused (127.0.0.1:9)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{stage}: {message}")]
pub(crate) struct TransportError {
    pub stage: NetStage,
    /// One line, naming `host:port`.
    pub message: String,
}

impl TransportError {
    /// A failure at `stage` whose message ends with `(authority)`.
    pub(crate) fn at(stage: NetStage, what: impl fmt::Display, authority: &str) -> Self {
        let message = one_line(&format!("{what} ({authority})"));
        TransportError { stage, message }
    }

    /// Map an I/O error during the exchange (after the connection was made) to a stage.
    pub(crate) fn from_io(err: &io::Error, authority: &str) -> Self {
        let stage = match err.kind() {
            io::ErrorKind::TimedOut => NetStage::Timeout,
            io::ErrorKind::InvalidData => NetStage::Protocol,
            _ => NetStage::Io,
        };
        TransportError::at(stage, describe_io(err), authority)
    }
}

/// A short human description of an I/O error ("connection refused", "connection reset by peer").
pub(crate) fn describe_io(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
        io::ErrorKind::ConnectionReset => "connection reset by peer".to_owned(),
        io::ErrorKind::ConnectionAborted => "connection aborted".to_owned(),
        io::ErrorKind::BrokenPipe => "connection closed while sending (broken pipe)".to_owned(),
        io::ErrorKind::UnexpectedEof => "connection closed unexpectedly".to_owned(),
        _ => strip_os_code(&err.to_string()),
    }
}

/// "Network is unreachable (os error 101)" → "network is unreachable".
fn strip_os_code(text: &str) -> String {
    let base = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut chars = base.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Collapse control characters so a message stays on one line.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_stage_then_message() {
        let err = TransportError::at(NetStage::Connect, "connection refused", "127.0.0.1:9");
        assert_eq!(err.to_string(), "connect: connection refused (127.0.0.1:9)");
    }

    #[test]
    fn messages_stay_on_one_line() {
        let err = TransportError::at(NetStage::Protocol, "bad\r\nline", "h:1");
        assert_eq!(err.message, "bad  line (h:1)");
    }

    #[test]
    fn os_codes_are_stripped() {
        assert_eq!(
            strip_os_code("Network is unreachable (os error 101)"),
            "network is unreachable"
        );
    }
}

//! Loopback tests of [`HttpTransport`](super::HttpTransport): tiny std-thread servers on
//! `127.0.0.1:0` script the server's bytes exactly. Every test is bounded by the transport's own
//! timeout (at most a few seconds); servers that must stall sleep in detached threads.

mod http1;
mod tls;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::{HttpTransport, Transport, TransportConfig, TransportError, WireRequest, WireResponse};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A config with a short total timeout.
fn config(timeout_ms: u64) -> TransportConfig {
    TransportConfig {
        timeout: ms(timeout_ms),
        connect_timeout: ms(timeout_ms),
        ..TransportConfig::default()
    }
}

fn request(method: &str, url: &str) -> WireRequest {
    WireRequest {
        method: method.to_owned(),
        url: url::Url::parse(url).unwrap(),
        headers: Vec::new(),
        body: None,
    }
}

/// Run `script` on a listener in a thread; returns `http://127.0.0.1:PORT` and the thread.
fn server<T: Send + 'static>(
    script: impl FnOnce(TcpListener) -> T + Send + 'static,
) -> (String, JoinHandle<T>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (
        format!("http://127.0.0.1:{port}"),
        thread::spawn(move || script(listener)),
    )
}

/// A server that accepts one connection, reads one request and answers `response` (then closes).
fn one_shot(response: &'static [u8]) -> (String, JoinHandle<Vec<u8>>) {
    server(move |listener| {
        let (mut stream, _) = listener.accept().unwrap();
        let req = read_request(&mut stream);
        let _ = stream.write_all(response);
        req
    })
}

/// Read one request (head plus a Content-Length body) byte by byte; empty at EOF.
fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = Vec::new();
    let mut byte = [0u8];
    while !buf.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => return buf,
        }
    }
    let mut body = vec![0; content_length(&buf)];
    stream.read_exact(&mut body).unwrap();
    buf.extend_from_slice(&body);
    buf
}

fn content_length(head: &[u8]) -> usize {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    text.lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap())
}

/// Send one request with a fresh transport.
fn send_once(cfg: TransportConfig, req: &WireRequest) -> Result<WireResponse, TransportError> {
    HttpTransport::new(cfg).unwrap().send(req)
}

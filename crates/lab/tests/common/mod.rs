//! A deliberately dumb raw HTTP/1.1 client for the lab's tests: writes exact bytes, reads the
//! answer byte for byte, splits it into status, header lines (wire order, exact case) and body.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A parsed answer plus the raw bytes it came from.
#[derive(Debug, Clone)]
pub struct Answer {
    pub raw: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// All values of header `name` (case-insensitive), in wire order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Fetch's "get": every value joined with ", ", or None when absent.
    pub fn get(&self, name: &str) -> Option<String> {
        let all = self.all(name);
        (!all.is_empty()).then(|| all.join(", "))
    }
}

/// Sends `raw` on a fresh connection and reads until the server closes.
pub fn send_raw(addr: SocketAddr, raw: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Sends `method path` with `headers` (plus Host and `Connection: close`) and parses the answer.
pub fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut raw = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n");
    for (n, v) in headers {
        raw.push_str(&format!("{n}: {v}\r\n"));
    }
    raw.push_str("Connection: close\r\n\r\n");
    parse(&send_raw(addr, &raw))
}

/// Splits one complete answer.
pub fn parse(raw: &str) -> Answer {
    let (head, body) = raw.split_once("\r\n\r\n").expect("a complete head");
    // Read as browsers read a head: any CR or LF ends a line; a line without a colon or with
    // an empty name is ignored (the lenient-head-framing scenario relies on it).
    let mut lines = head.split(['\r', '\n']).filter(|l| !l.is_empty());
    let status_line = lines.next().unwrap();
    // The code's digits after the version, as browsers read them (` http/1.0 0200OK` is 200).
    let code = status_line
        .trim_start()
        .split_once(' ')
        .map_or("", |(_, rest)| rest.trim_start());
    let digits: String = code.chars().take_while(char::is_ascii_digit).collect();
    let status = digits.parse().unwrap_or(200);
    let headers = lines
        .filter_map(|l| {
            let (n, v) = l.split_once(':')?;
            let n = n.trim_end();
            (!n.is_empty()).then(|| (n.to_string(), v.trim().to_string()))
        })
        .collect();
    Answer {
        raw: raw.to_string(),
        status,
        headers,
        body: body.to_string(),
    }
}

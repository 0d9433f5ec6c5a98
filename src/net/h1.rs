//! HTTP/1.1 by hand: the request is written byte for byte as given, the response head is parsed as
//! Chromium parses it (see [`parse_head`]) so raw header order, duplicates and name case survive,
//! and the body is read per Content-Length / chunked / close, capped.
//!
//! Limits: the head may not exceed `max_header_bytes` nor 500 headers; at most 10 interim (1xx)
//! responses are skipped; a chunk-size or trailer line may not exceed 4 KiB. Any violation, and any
//! byte sequence that is not HTTP/1.x, is a `protocol` error — never a panic.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::conn::{Ctx, Io, Phase, Target};
use super::error::{NetStage, TransportError};
use cors_doctor_core::http::is_tchar;

use super::{latin1, WireRequest, WireResponse};

const MAX_HEADERS: usize = 500;
const MAX_INTERIM: usize = 10;
const MAX_LINE: usize = 4096;
const READ_CHUNK: usize = 16 * 1024;

/// An open HTTP/1.1 connection and the bytes read past the last response.
pub(crate) struct H1Conn {
    io: Box<dyn Io>,
    buf: Vec<u8>,
    pub remote: SocketAddr,
    /// Bytes received during the current exchange: zero means the server never answered it.
    received: usize,
}

/// Why an exchange failed: `Stale` means nothing was received, so a reused connection that the
/// server had already closed can be replaced and the request sent again.
pub(crate) enum H1Error {
    Stale(TransportError),
    Fatal(TransportError),
}

/// A parsed response head.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Head {
    pub status: u16,
    pub reason: String,
    pub version: u8,
    pub headers: Vec<(String, String)>,
}

/// How the body is delimited (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    Empty,
    Length(u64),
    Chunked,
    Close,
}

impl H1Conn {
    pub(crate) fn new(io: Box<dyn Io>, remote: SocketAddr) -> Self {
        H1Conn {
            io,
            buf: Vec::new(),
            remote,
            received: 0,
        }
    }

    /// Send `req` and read the whole response. Returns it and whether the connection may be reused.
    pub(crate) async fn exchange(
        &mut self,
        req: &WireRequest,
        target: &Target,
        ctx: &Ctx<'_>,
    ) -> Result<(WireResponse, bool), H1Error> {
        let wire =
            encode_request(req, target, ctx.user_agent).map_err(|m| fatal(NetStage::Protocol, m, ctx))?;
        self.received = 0;
        self.buf.clear();
        ctx.phase.set(Phase::Send);
        if let Err(e) = self.send(&wire).await {
            return Err(H1Error::Stale(TransportError::from_io(&e, &ctx.authority)));
        }
        ctx.phase.set(Phase::Head);
        let head = self.read_final_head(ctx).await?;
        let framing = framing(&req.method, &head).map_err(|m| fatal(NetStage::Protocol, m, ctx))?;
        ctx.phase.set(Phase::Body);
        let mut body = Sink::new(ctx.max_body_bytes);
        // The head is complete: a body failure no longer loses the response (see WireResponse).
        let body_error = self.read_body(framing, &mut body, ctx).await.err();
        let reusable =
            keep_alive(&head) && framing != Framing::Close && !body.truncated && body_error.is_none();
        Ok((self.response(head, body, body_error, ctx), reusable))
    }

    async fn send(&mut self, wire: &[u8]) -> std::io::Result<()> {
        self.io.write_all(wire).await?;
        self.io.flush().await
    }

    fn response(
        &self,
        head: Head,
        body: Sink,
        body_error: Option<TransportError>,
        ctx: &Ctx<'_>,
    ) -> WireResponse {
        WireResponse {
            status: head.status,
            reason: head.reason,
            version: format!("HTTP/1.{}", head.version),
            headers: head.headers,
            body: body.data,
            body_truncated: body.truncated,
            body_error: body_error.map(|e| e.to_string()),
            elapsed: ctx.start.elapsed(),
            remote: Some(self.remote),
        }
    }

    /// Read more bytes into the buffer; `Ok(0)` at end of stream.
    async fn fill(&mut self) -> std::io::Result<usize> {
        let old = self.buf.len();
        self.buf.resize(old + READ_CHUNK, 0);
        let got = self.io.read(&mut self.buf[old..]).await;
        let n = *got.as_ref().unwrap_or(&0);
        self.buf.truncate(old + n);
        self.received += n;
        got
    }

    /// Skip interim 1xx responses (at most [`MAX_INTERIM`]) and return the final head.
    async fn read_final_head(&mut self, ctx: &Ctx<'_>) -> Result<Head, H1Error> {
        for _ in 0..=MAX_INTERIM {
            let head = self.read_head(ctx).await?;
            if !(100..200).contains(&head.status) || head.status == 101 {
                return Ok(head);
            }
        }
        Err(fatal(
            NetStage::Protocol,
            format!("more than {MAX_INTERIM} interim (1xx) responses"),
            ctx,
        ))
    }

    async fn read_head(&mut self, ctx: &Ctx<'_>) -> Result<Head, H1Error> {
        loop {
            let parsed =
                parse_head(&self.buf, ctx.max_header_bytes).map_err(|m| fatal(NetStage::Protocol, m, ctx))?;
            if let Some((head, used)) = parsed {
                self.buf.drain(..used);
                return Ok(head);
            }
            match self.fill().await {
                Ok(0) => return Err(self.closed_in_head(ctx)),
                Ok(_) => {}
                Err(e) if self.received == 0 => {
                    return Err(H1Error::Stale(TransportError::from_io(&e, &ctx.authority)))
                }
                Err(e) => return Err(H1Error::Fatal(TransportError::from_io(&e, &ctx.authority))),
            }
        }
    }

    fn closed_in_head(&self, ctx: &Ctx<'_>) -> H1Error {
        if self.received == 0 {
            H1Error::Stale(TransportError::at(
                NetStage::Protocol,
                "connection closed before any response",
                &ctx.authority,
            ))
        } else {
            fatal(
                NetStage::Protocol,
                "connection closed in the middle of the response head",
                ctx,
            )
        }
    }

    async fn read_body(
        &mut self,
        framing: Framing,
        sink: &mut Sink,
        ctx: &Ctx<'_>,
    ) -> Result<(), TransportError> {
        match framing {
            Framing::Empty => Ok(()),
            Framing::Length(n) => self.read_exact(n, sink, ctx).await,
            Framing::Chunked => self.read_chunked(sink, ctx).await,
            Framing::Close => self.read_to_close(sink, ctx).await,
        }
    }

    /// Move up to `n` body bytes into `sink`, stopping early once the sink is full.
    async fn read_exact(&mut self, mut n: u64, sink: &mut Sink, ctx: &Ctx<'_>) -> Result<(), TransportError> {
        while n > 0 {
            if self.buf.is_empty() && self.fill().await.map_err(|e| io_err(&e, ctx))? == 0 {
                return Err(TransportError::at(
                    NetStage::Protocol,
                    format!("connection closed with {n} body bytes missing"),
                    &ctx.authority,
                ));
            }
            let take = self.buf.len().min(usize::try_from(n).unwrap_or(usize::MAX));
            let room = sink.push(&self.buf[..take]);
            self.buf.drain(..take);
            n -= take as u64;
            if !room && n > 0 {
                sink.truncated = true;
                return Ok(());
            }
        }
        Ok(())
    }

    async fn read_to_close(&mut self, sink: &mut Sink, ctx: &Ctx<'_>) -> Result<(), TransportError> {
        loop {
            // At exactly the cap the next byte read decides whether the body was truncated.
            sink.push(&self.buf);
            self.buf.clear();
            if sink.truncated || self.fill().await.map_err(|e| io_err(&e, ctx))? == 0 {
                return Ok(());
            }
        }
    }

    async fn read_chunked(&mut self, sink: &mut Sink, ctx: &Ctx<'_>) -> Result<(), TransportError> {
        loop {
            let line = self.read_line(ctx).await?;
            let size = parse_chunk_size(&line).map_err(|m| chunk_err(&m, ctx))?;
            if size == 0 {
                return self.skip_trailers(ctx).await;
            }
            self.read_exact(size, sink, ctx).await?;
            if sink.truncated {
                return Ok(());
            }
            if !self.read_line(ctx).await?.is_empty() {
                return Err(chunk_err("missing CRLF after chunk data", ctx));
            }
        }
    }

    async fn skip_trailers(&mut self, ctx: &Ctx<'_>) -> Result<(), TransportError> {
        let mut total = 0;
        loop {
            let line = self.read_line(ctx).await?;
            if line.is_empty() {
                return Ok(());
            }
            total += line.len() + 2;
            if total > ctx.max_header_bytes {
                return Err(chunk_err("trailers too large", ctx));
            }
        }
    }

    /// One line without its CRLF (a bare LF is accepted, as browsers do).
    async fn read_line(&mut self, ctx: &Ctx<'_>) -> Result<Vec<u8>, TransportError> {
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buf.drain(..=i).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
            if self.buf.len() > MAX_LINE {
                return Err(chunk_err("chunk line longer than 4096 bytes", ctx));
            }
            if self.fill().await.map_err(|e| io_err(&e, ctx))? == 0 {
                return Err(chunk_err("connection closed inside the chunked body", ctx));
            }
        }
    }
}

fn fatal(stage: NetStage, what: impl std::fmt::Display, ctx: &Ctx<'_>) -> H1Error {
    H1Error::Fatal(TransportError::at(stage, what, &ctx.authority))
}

fn io_err(e: &std::io::Error, ctx: &Ctx<'_>) -> TransportError {
    TransportError::from_io(e, &ctx.authority)
}

fn chunk_err(what: &str, ctx: &Ctx<'_>) -> TransportError {
    TransportError::at(
        NetStage::Protocol,
        format!("bad chunked encoding: {what}"),
        &ctx.authority,
    )
}

/// The kept part of a body.
pub(crate) struct Sink {
    pub data: Vec<u8>,
    pub cap: usize,
    pub truncated: bool,
}

impl Sink {
    pub(crate) fn new(cap: usize) -> Self {
        Sink {
            data: Vec::new(),
            cap,
            truncated: false,
        }
    }

    /// Keep what fits; returns false once the cap is reached (the caller decides if more followed).
    pub(crate) fn push(&mut self, bytes: &[u8]) -> bool {
        let room = self.cap - self.data.len();
        if bytes.len() > room {
            self.data.extend_from_slice(&bytes[..room]);
            self.truncated = true;
            return false;
        }
        self.data.extend_from_slice(bytes);
        self.data.len() < self.cap
    }
}

/// Serialize the request: `Host` first when absent, the given headers in order and case, then
/// `User-Agent` and `Content-Length` when absent. Refuses bytes that would split the request.
pub(crate) fn encode_request(
    req: &WireRequest,
    target: &Target,
    user_agent: &str,
) -> Result<Vec<u8>, String> {
    check_token("method", &req.method)?;
    let has = |name: &str| req.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    let mut wire = format!("{} {} HTTP/1.1\r\n", req.method, request_target(&req.url)).into_bytes();
    if !has("host") {
        push_header(&mut wire, "Host", &host_header(&req.url, target))?;
    }
    for (name, value) in &req.headers {
        push_header(&mut wire, name, value)?;
    }
    if !has("user-agent") && !user_agent.is_empty() {
        push_header(&mut wire, "User-Agent", user_agent)?;
    }
    if let Some(body) = req.body.as_ref().filter(|_| !has("content-length")) {
        push_header(&mut wire, "Content-Length", &body.len().to_string())?;
    }
    wire.extend_from_slice(b"\r\n");
    wire.extend_from_slice(req.body.as_deref().unwrap_or_default());
    Ok(wire)
}

fn push_header(wire: &mut Vec<u8>, name: &str, value: &str) -> Result<(), String> {
    check_token("header name", name)?;
    let value = value_bytes(value);
    if value.iter().any(|&b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(format!(
            "refusing to send header {name}: value contains CR, LF or NUL"
        ));
    }
    wire.extend_from_slice(name.as_bytes());
    wire.extend_from_slice(b": ");
    wire.extend_from_slice(&value);
    wire.extend_from_slice(b"\r\n");
    Ok(())
}

/// A header value's bytes: Latin-1 when every char is at most U+00FF (a ByteString, which is what
/// `fetch()` sends), UTF-8 otherwise (fetch() would have thrown; send something rather than fail).
pub(crate) fn value_bytes(value: &str) -> Vec<u8> {
    let latin1: Option<Vec<u8>> = value.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect();
    latin1.unwrap_or_else(|| value.as_bytes().to_vec())
}

/// Path and query, never the fragment.
fn request_target(url: &url::Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{}", url.path(), q),
        None => url.path().to_owned(),
    }
}

fn host_header(url: &url::Url, target: &Target) -> String {
    let host = url.host_str().unwrap_or(&target.host);
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

fn check_token(what: &str, s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(format!("refusing to send invalid {what} {s:?}"))
    }
}

/// Parse a response head from the start of `buf` as Chromium does: `Ok(None)` while incomplete.
///
/// Each leniency below was checked in headless Chromium, which keeps such responses:
/// - the head ends at the first empty line (`\n\n` or `\n\r\n`); inside it any run of CR and LF
///   ends a line, so a bare CR splits a header line in two;
/// - the status line may follow up to four bytes of junk; it is read as Chromium reads it
///   ([`parse_status_line`]): `HTTP` in any case, a malformed version counts as 1.0, a missing
///   code as 200, leading zeros and codes below 100 are kept;
/// - a header line without a colon, or whose name is empty or not a token, is ignored; a line
///   starting with SP or HTAB continues the previous value (joined by one space);
/// - values keep every byte but NUL (control bytes included), trimmed of SP/HTAB at both ends.
///
/// A NUL anywhere in the head fails it, as it fails the fetch in Chromium.
pub(crate) fn parse_head(buf: &[u8], max_bytes: usize) -> Result<Option<(Head, usize)>, String> {
    let start = match locate_status_line(buf) {
        Located::At(start) => start,
        Located::NotYet if buf.len() <= max_bytes => return Ok(None),
        Located::NotYet | Located::Nowhere => {
            return Err(format!("invalid status line {}", quoted_first_line(buf)))
        }
    };
    let head = &buf[start..];
    let Some(end) = find_head_end(head) else {
        return if buf.len() > max_bytes {
            Err(too_large(max_bytes))
        } else {
            Ok(None)
        };
    };
    if start + end > max_bytes {
        return Err(too_large(max_bytes));
    }
    if head[..end].contains(&0) {
        return Err("invalid response head: NUL byte".to_owned());
    }
    let mut lines = head[..end]
        .split(|&b| b == b'\r' || b == b'\n')
        .filter(|l| !l.is_empty());
    let (version, status, reason) = lines
        .next()
        .and_then(parse_status_line)
        .ok_or_else(|| format!("invalid status line {}", quoted_first_line(head)))?;
    let parsed = Head {
        status,
        reason,
        version,
        headers: parse_fields(lines)?,
    };
    if differ(&values(&parsed, "location")) {
        return Err("conflicting Location values".to_owned());
    }
    Ok(Some((parsed, start + end)))
}

/// Where a status line starts, as Chromium finds it: `HTTP` in any case at one of the first
/// five offsets (up to four bytes of junk before it are skipped).
enum Located {
    At(usize),
    /// Not found in the bytes so far, but more bytes could still complete it.
    NotYet,
    /// No offset can start it: not an HTTP/1.x response (HTTP/0.9, which browsers refuse here).
    Nowhere,
}

/// Up to this many bytes of junk before `HTTP` are skipped (Chromium's slop).
const STATUS_LINE_SLOP: usize = 4;

fn locate_status_line(buf: &[u8]) -> Located {
    let mut could = false;
    for at in 0..=STATUS_LINE_SLOP.min(buf.len()) {
        let have = (buf.len() - at).min(4);
        if !buf[at..at + have].eq_ignore_ascii_case(&b"HTTP"[..have]) {
            continue;
        }
        if have == 4 {
            return Located::At(at);
        }
        could = true;
    }
    if could {
        Located::NotYet
    } else {
        Located::Nowhere
    }
}

/// The offset just past the empty line that ends a head (`\n\n` or `\n\r\n`), if `buf` holds one.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.iter()
        .enumerate()
        .find_map(|(i, &b)| match (b, buf.get(i + 1), buf.get(i + 2)) {
            (b'\n', Some(b'\n'), _) => Some(i + 2),
            (b'\n', Some(b'\r'), Some(b'\n')) => Some(i + 3),
            _ => None,
        })
}

/// A status line as Chromium reads it (`HttpResponseHeaders::ParseStatusLine`, checked in the
/// browser): (minor version as HTTP/1.x, code, reason phrase). The version ends at the first
/// space; a malformed one counts as 1.0, 2.0 and anything from 1.1 up as 1.1. Without a space
/// or without digits the code is 200; digits run until the first non-digit (`200OK` is 200
/// with reason `OK`), and any number is a code, but ours stop at 999 (the JSON contract's).
fn parse_status_line(line: &[u8]) -> Option<(u8, u16, String)> {
    let Some(space) = line.iter().position(|&b| b == b' ') else {
        return Some((version_minor(line), 200, String::new()));
    };
    let minor = version_minor(&line[..space]);
    let rest = skip_spaces(&line[space..]);
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return Some((minor, 200, String::new()));
    }
    let code = rest[..digits]
        .iter()
        .try_fold(0u16, |n, &d| n.checked_mul(10)?.checked_add(u16::from(d - b'0')))
        .filter(|&c| c <= 999)?;
    Some((minor, code, latin1(skip_spaces(&rest[digits..]))))
}

fn skip_spaces(b: &[u8]) -> &[u8] {
    &b[b.iter().take_while(|&&c| c == b' ').count()..]
}

/// `HTTP/d.d` (one digit each, the rest ignored) as the HTTP/1.x minor version we keep: 1 for
/// 1.1 and above (2.0 included), 0 for 1.0 and for anything malformed (Chromium treats both as
/// 1.0).
fn version_minor(version: &[u8]) -> u8 {
    let after_name = version.get(4..).unwrap_or_default();
    let number = after_name
        .iter()
        .position(|&b| b == b'/')
        .map_or(&[][..], |slash| &after_name[slash + 1..]);
    let major = number.first().filter(|b| b.is_ascii_digit());
    let minor = number
        .iter()
        .position(|&b| b == b'.')
        .and_then(|dot| number.get(dot + 1))
        .filter(|b| b.is_ascii_digit());
    match (major, minor) {
        (Some(&major), Some(&minor)) if (major, minor) >= (b'1', b'1') => 1,
        _ => 0,
    }
}

/// Whether lines that must agree do not: Chromium fails a response with two different
/// `Location`s (`net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION`) or Content-Lengths (checked in
/// the real browser); identical repeats are harmless.
fn differ(values: &[&str]) -> bool {
    values.windows(2).any(|pair| pair[0] != pair[1])
}

/// The header lines of a head, in order, as Chromium keeps them (see [`parse_head`]).
fn parse_fields<'a>(lines: impl Iterator<Item = &'a [u8]>) -> Result<Vec<(String, String)>, String> {
    let mut fields: Vec<(String, Vec<u8>)> = Vec::new();
    let mut continues_kept = false;
    for line in lines {
        if matches!(line[0], b' ' | b'\t') {
            if let (true, Some((_, value))) = (continues_kept, fields.last_mut()) {
                let more = trim(line);
                if !more.is_empty() && !value.is_empty() {
                    value.push(b' ');
                }
                value.extend_from_slice(more);
            }
            continue;
        }
        let name = line
            .iter()
            .position(|&b| b == b':')
            .map(|colon| (trim_end(&line[..colon]), colon));
        continues_kept = false;
        let Some((name, colon)) = name.filter(|(n, _)| !n.is_empty() && n.iter().all(|&b| is_tchar(b)))
        else {
            continue;
        };
        if fields.len() == MAX_HEADERS {
            return Err(format!("too many response headers (more than {MAX_HEADERS})"));
        }
        fields.push((latin1(name), trim(&line[colon + 1..]).to_vec()));
        continues_kept = true;
    }
    Ok(fields.into_iter().map(|(n, v)| (n, latin1(&v))).collect())
}

fn too_large(max: usize) -> String {
    format!("response headers exceed {max} bytes")
}

fn quoted_first_line(buf: &[u8]) -> String {
    let end = buf
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(buf.len())
        .min(80);
    format!("{:?}", latin1(&buf[..end]))
}

fn trim_start(b: &[u8]) -> &[u8] {
    let skip = b.iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    &b[skip..]
}

fn trim_end(b: &[u8]) -> &[u8] {
    let keep = b.len() - b.iter().rev().take_while(|&&c| c == b' ' || c == b'\t').count();
    &b[..keep]
}

fn trim(b: &[u8]) -> &[u8] {
    trim_end(trim_start(b))
}

/// Body framing for a response to `method` (RFC 9112 §6.3).
pub(crate) fn framing(method: &str, head: &Head) -> Result<Framing, String> {
    if method == "HEAD" || (100..200).contains(&head.status) || head.status == 204 || head.status == 304 {
        return Ok(Framing::Empty);
    }
    let te = values(head, "transfer-encoding");
    if !te.is_empty() {
        let last = te
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|s| !s.is_empty());
        return Ok(if last.is_some_and(|c| c.eq_ignore_ascii_case("chunked")) {
            Framing::Chunked
        } else {
            Framing::Close
        });
    }
    content_length(&values(head, "content-length")).map(|n| n.map_or(Framing::Close, Framing::Length))
}

/// The body length the Content-Length lines give, as Chromium reads them (checked in the real
/// browser): lines with different values fail the response; a value that is not a number (`-1`,
/// `+2`, `abc`, `5, 6`) is ignored and the body read until the connection closes. A list of one
/// repeated number (`5, 5`) is that number (RFC 9110 §8.6).
fn content_length(raw: &[&str]) -> Result<Option<u64>, String> {
    let raw: Vec<&str> = raw.iter().map(|v| v.trim()).collect();
    let Some(first) = raw.first() else {
        return Ok(None);
    };
    if differ(&raw) {
        return Err("conflicting Content-Length values".to_owned());
    }
    let number = |item: &str| {
        item.parse::<u64>()
            .ok()
            .filter(|_| item.bytes().all(|b| b.is_ascii_digit()))
    };
    let mut items = first.split(',').map(|i| number(i.trim()));
    let n = items.next().flatten();
    Ok(n.filter(|_| items.all(|i| i == n)))
}

fn values<'a>(head: &'a Head, name: &str) -> Vec<&'a str> {
    head.headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Whether the server lets the connection stay open after this response.
pub(crate) fn keep_alive(head: &Head) -> bool {
    let tokens: Vec<String> = values(head, "connection")
        .iter()
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_ascii_lowercase())
        .collect();
    if head.status == 101 || tokens.iter().any(|t| t == "close") {
        return false;
    }
    head.version >= 1 || tokens.iter().any(|t| t == "keep-alive")
}

fn parse_chunk_size(line: &[u8]) -> Result<u64, String> {
    let size = line.split(|&b| b == b';').next().unwrap_or_default();
    let size = latin1(size);
    let size = size.trim_matches([' ', '\t']);
    if size.is_empty() || size.len() > 15 || !size.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("invalid chunk size {:?}", latin1(line)));
    }
    u64::from_str_radix(size, 16).map_err(|_| format!("invalid chunk size {size:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(raw: &[u8]) -> Head {
        parse_head(raw, 65536).unwrap().unwrap().0
    }

    #[test]
    fn raw_order_case_and_duplicates_survive_parsing() {
        let h = head(b"HTTP/1.1 200 OK\r\nX-B: 1\r\naccess-control-allow-ORIGIN: *\r\nX-B: 2\r\n\r\n");
        let names: Vec<_> = h.headers.iter().map(|(n, v)| format!("{n}={v}")).collect();
        assert_eq!(names, ["X-B=1", "access-control-allow-ORIGIN=*", "X-B=2"]);
        assert_eq!((h.status, h.reason.as_str(), h.version), (200, "OK", 1));
    }

    #[test]
    fn non_utf8_bytes_are_latin1() {
        let h = head(b"HTTP/1.1 200 \xe9t\xe9\r\nX-V: caf\xe9\r\n\r\n");
        assert_eq!(h.headers[0].1, "caf\u{e9}");
        assert_eq!(h.reason, "\u{e9}t\u{e9}");
    }

    /// Browsers keep a response whose values or reason carry C0 controls or DEL; the bytes
    /// reach the report unchanged (renderers escape them). A NUL fails the head.
    #[test]
    fn control_bytes_in_values_and_reason_are_kept() {
        let raw = b"HTTP/1.1 200 \x1b[31mOK\r\nX-A: a\x01b\x7f\r\nX-F: c\r\n \x1bd\r\nX-B: 1\r\n\r\nbody\x1b";
        let (h, used) = parse_head(raw, 65536).unwrap().unwrap();
        assert_eq!(h.reason, "\u{1b}[31mOK");
        let values: Vec<_> = h.headers.iter().map(|(n, v)| format!("{n}={v}")).collect();
        assert_eq!(values, ["X-A=a\u{1}b\u{7f}", "X-F=c \u{1b}d", "X-B=1"]);
        assert_eq!(&raw[used..], b"body\x1b");
        assert_eq!(parse_head(&raw[..20], 65536), Ok(None));
        for refused in [
            &b"HTTP/1.1 200 OK\r\nX-A: a\x00b\r\n\r\n"[..],
            b"HTTP/1.1 1000 OK\r\n\r\n",
            b"xxxxxHTTP/1.1 200 OK\r\n\r\n",
            b"HTTP/1.1 302 Found\r\nLocation: /a\r\nlocation: /b\r\n\r\n",
        ] {
            assert!(parse_head(refused, 65536).is_err(), "{refused:?}");
        }
    }

    proptest::proptest! {
        /// Any bytes: no panic; a parsed head consumed no more than it was given, its names are
        /// tokens, and no value holds a line break or a NUL.
        #[test]
        fn any_head_parses_or_fails_cleanly(
            lines in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::string::bytes_regex("(?s-u:HTTP/[0-9.]{1,4} [0-9]{1,4} ?.{0,6})").unwrap(),
                    proptest::string::bytes_regex("(?s-u:[A-Za-z -]{0,8}:?[ \t]?.{0,10})").unwrap(),
                    proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12),
                ],
                0..8,
            ),
            ends in proptest::collection::vec(proptest::sample::select(vec![&b"\r\n"[..], b"\n", b"\r", b""]), 8),
        ) {
            let mut raw = Vec::new();
            for (line, end) in lines.iter().zip(&ends) {
                raw.extend_from_slice(line);
                raw.extend_from_slice(end);
            }
            raw.extend_from_slice(b"\r\n\r\n");
            if let Ok(Some((h, used))) = parse_head(&raw, 1 << 16) {
                proptest::prop_assert!(used <= raw.len());
                for (name, value) in &h.headers {
                    proptest::prop_assert!(!name.is_empty() && name.bytes().all(is_tchar), "{name:?}");
                    proptest::prop_assert!(!value.contains(['\r', '\n', '\0']), "{value:?}");
                }
            }
        }
    }

    /// What a browser makes of heads a strict parser refuses (each checked in Chromium).
    #[test]
    fn lenient_heads_parse_as_in_chromium() {
        type Case<'a> = (&'a [u8], (u16, u8, &'a str), &'a [&'a str]);
        let cases: &[Case<'_>] = &[
            // A bare CR ends a line: the injected header is a header.
            (
                b"HTTP/1.1 200 OK\r\nA: *\rX-I: 1\r\n\r\n",
                (200, 1, "OK"),
                &["A=*", "X-I=1"],
            ),
            // LF-only line ends.
            (b"HTTP/1.1 200 OK\nA: 1\n\n", (200, 1, "OK"), &["A=1"]),
            // Lines without a colon, empty or non-token names: ignored.
            (
                b"HTTP/1.1 200 OK\r\nGarbage\r\n: x\r\nX\x01Y: 2\r\nA: 1\r\n\r\n",
                (200, 1, "OK"),
                &["A=1"],
            ),
            // Space before the colon, a tab after it, surrounding whitespace.
            (
                b"HTTP/1.1 200 OK\r\nA : 1\r\nB:\t2\r\nC:   3   \r\n\r\n",
                (200, 1, "OK"),
                &["A=1", "B=2", "C=3"],
            ),
            // A folded value, and a continuation with nothing to continue.
            (
                b"HTTP/1.1 200 OK\r\n  lost\r\nA:\r\n *\r\n\r\n",
                (200, 1, "OK"),
                &["A=*"],
            ),
            // Version case and number, leading zeros in the code, no reason, odd codes.
            (b"http/1.1 0200 OK\r\n\r\n", (200, 1, "OK"), &[]),
            (b"HTTP/2.0 200 OK\r\n\r\n", (200, 1, "OK"), &[]),
            (b"HTTP/1.0 999\r\n\r\n", (999, 0, ""), &[]),
            // The same Location twice is not a conflict.
            (
                b"HTTP/1.1 302 Found\r\nLocation: /a\r\nLocation: /a\r\n\r\n",
                (302, 1, "Found"),
                &["Location=/a", "Location=/a"],
            ),
            // Up to four bytes before the status line, and the status line's own quirks.
            (
                b"\r\nHTTP/1.1 204 No Content\r\n\r\n",
                (204, 1, "No Content"),
                &[],
            ),
            (b" HTTP/1.1 200 OK\r\n\r\n", (200, 1, "OK"), &[]),
            (b"junkHTTP/1.1 200 OK\r\n\r\n", (200, 1, "OK"), &[]),
            (b"HTTP/1.1 200OK\r\n\r\n", (200, 1, "OK"), &[]),
            (b"HTTP/1.1 20 OK\r\n\r\n", (20, 1, "OK"), &[]),
            (b"HTTP/1.1 OK\r\n\r\n", (200, 1, ""), &[]),
            (b"HTTP/1.1\t404\tNF\r\n\r\n", (200, 1, ""), &[]),
            (b"HTTP/1 200 OK\r\n\r\n", (200, 0, "OK"), &[]),
            (b"HTTP/0.9 200 OK\r\n\r\n", (200, 0, "OK"), &[]),
            (b"HTTP/1.10 200 OK\r\n\r\n", (200, 1, "OK"), &[]),
            (b"HTTP/1.1 2\x010 OK\r\n\r\n", (2, 1, "\u{1}0 OK"), &[]),
        ];
        for (raw, (status, version, reason), fields) in cases {
            let (h, used) = parse_head(raw, 65536).unwrap().unwrap();
            assert_eq!(
                (h.status, h.version, h.reason.as_str()),
                (*status, *version, *reason),
                "{raw:?}"
            );
            let got: Vec<_> = h.headers.iter().map(|(n, v)| format!("{n}={v}")).collect();
            assert_eq!(got, *fields, "{raw:?}");
            assert_eq!(used, raw.len(), "{raw:?}");
        }
    }

    #[test]
    fn empty_reason_and_folding() {
        let h = head(b"HTTP/1.0 204\r\nX-F: a\r\n  b\r\n\r\n");
        assert_eq!((h.status, h.reason.as_str(), h.version), (204, "", 0));
        assert_eq!(h.headers[0].1, "a b");
    }

    #[test]
    fn incomplete_heads_wait_and_garbage_fails() {
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nX: y", 100).unwrap().is_none());
        assert!(parse_head(b"hello world\r\n\r\n", 100)
            .unwrap_err()
            .starts_with("invalid status line"));
        assert!(parse_head(b"<html>", 100).is_err());
        assert_eq!(
            parse_head(&[b'x'; 10], 5).unwrap_err(),
            "invalid status line \"xxxxxxxxxx\""
        );
        let big = [b"HTTP/1.1 200 OK\r\nX: ".as_slice(), &[b'a'; 200]].concat();
        assert_eq!(
            parse_head(&big, 100).unwrap_err(),
            "response headers exceed 100 bytes"
        );
    }

    #[test]
    fn too_many_headers_is_an_error() {
        let mut raw = b"HTTP/1.1 200 OK\r\n".to_vec();
        for _ in 0..=MAX_HEADERS {
            raw.extend_from_slice(b"A: b\r\n");
        }
        raw.extend_from_slice(b"\r\n");
        assert!(parse_head(&raw, 1 << 20)
            .unwrap_err()
            .starts_with("too many response headers"));
    }

    #[test]
    fn framing_follows_rfc9112() {
        let h = |raw: &[u8]| head(raw);
        assert_eq!(
            framing("HEAD", &h(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")),
            Ok(Framing::Empty)
        );
        assert_eq!(
            framing("GET", &h(b"HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n")),
            Ok(Framing::Length(5))
        );
        assert!(framing(
            "GET",
            &h(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")
        )
        .is_err());
        // Not a number: ignored, the body runs to the close (Chromium).
        for odd in ["+5", "-1", "abc", "5, 6", ""] {
            let raw = format!("HTTP/1.1 200 OK\r\nContent-Length: {odd}\r\n\r\n");
            assert_eq!(framing("GET", &h(raw.as_bytes())), Ok(Framing::Close), "{odd}");
        }
        let twice = h(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5 \r\n\r\n");
        assert_eq!(framing("GET", &twice), Ok(Framing::Length(5)));
        let chunked = h(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\nContent-Length: 3\r\n\r\n");
        assert_eq!(framing("GET", &chunked), Ok(Framing::Chunked));
        assert_eq!(framing("GET", &h(b"HTTP/1.1 200 OK\r\n\r\n")), Ok(Framing::Close));
        assert_eq!(
            framing("GET", &h(b"HTTP/1.1 304 Not Modified\r\n\r\n")),
            Ok(Framing::Empty)
        );
    }

    #[test]
    fn keep_alive_rules() {
        assert!(keep_alive(&head(b"HTTP/1.1 200 OK\r\n\r\n")));
        assert!(!keep_alive(&head(
            b"HTTP/1.1 200 OK\r\nConnection: Close\r\n\r\n"
        )));
        assert!(!keep_alive(&head(b"HTTP/1.0 200 OK\r\n\r\n")));
        assert!(keep_alive(&head(
            b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n"
        )));
    }

    #[test]
    fn chunk_sizes() {
        assert_eq!(parse_chunk_size(b"1A;ext=1"), Ok(26));
        assert_eq!(parse_chunk_size(b"0 "), Ok(0));
        assert!(parse_chunk_size(b"").is_err());
        assert!(parse_chunk_size(b"zz").is_err());
        assert!(parse_chunk_size(b"ffffffffffffffffff").is_err());
    }

    #[test]
    fn requests_are_written_exactly() {
        let url = url::Url::parse("http://127.0.0.1:8080/a/b?q=1#frag").unwrap();
        let target = Target::from_url(&url).unwrap();
        let req = WireRequest {
            method: "patch".into(),
            url,
            headers: vec![("origin".into(), "http://x".into()), ("X-Two".into(), "2".into())],
            body: Some(b"hi".to_vec()),
        };
        let wire = String::from_utf8(encode_request(&req, &target, "ua/1").unwrap()).unwrap();
        assert_eq!(
            wire,
            "patch /a/b?q=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\norigin: http://x\r\nX-Two: 2\r\n\
             User-Agent: ua/1\r\nContent-Length: 2\r\n\r\nhi"
        );
    }

    #[test]
    fn values_are_byte_strings_and_injection_is_refused() {
        let url = url::Url::parse("http://h/").unwrap();
        let target = Target::from_url(&url).unwrap();
        let req = WireRequest {
            method: "GET".into(),
            url,
            headers: vec![("X".into(), "a\r\nB: c".into())],
            body: None,
        };
        assert!(encode_request(&req, &target, "").is_err());
        let latin = WireRequest {
            headers: vec![("X".into(), "caf\u{e9}".into())],
            ..req.clone()
        };
        assert!(encode_request(&latin, &target, "")
            .unwrap()
            .windows(7)
            .any(|w| w == b"X: caf\xe9"));
        let bad_method = WireRequest {
            method: "GE T".into(),
            ..req
        };
        assert!(encode_request(&bad_method, &target, "").is_err());
    }
}

//! One HTTP/1.1 connection: read heads, discard bodies, answer, repeat (keep-alive) until the
//! client closes, asks to close, misbehaves or stalls.
//!
//! Bounds, all enforced here: the head is capped at [`MAX_HEAD`] bytes (431), a body over
//! [`Limits::max_body`] is refused (413), an idle keep-alive connection is dropped after
//! [`Limits::idle`], a started head must complete within [`Limits::head`] (a byte-at-a-time
//! client cannot hold a connection open forever: 408) and a body within [`Limits::body`].
//! Protocol errors get one `text/plain` answer, then the connection closes.

use crate::request::{head_end, parse_head, ParseError, RequestHead, MAX_HEAD};
use crate::respond::{plain, to_bytes, Response};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{timeout_at, Instant};

/// Time and size bounds for one connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// How long a keep-alive connection may wait for the next request's first byte.
    pub idle: Duration,
    /// How long a request head may take once its first byte arrived.
    pub head: Duration,
    /// How long the request body may take.
    pub body: Duration,
    /// Largest request body read (and discarded).
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            idle: Duration::from_secs(30),
            head: Duration::from_secs(10),
            body: Duration::from_secs(30),
            max_body: 8 * 1024 * 1024,
        }
    }
}

/// Why reading a request stopped.
enum Stop {
    /// Answer with this error, then close.
    Reply(u16, &'static str),
    /// Just close (clean EOF, I/O error, idle timeout).
    Close,
}

impl From<ParseError> for Stop {
    fn from(e: ParseError) -> Self {
        let (status, reason) = e.status();
        Stop::Reply(status, reason)
    }
}

/// Serves requests on `stream` until it ends; `handle` answers each request given its head and
/// body length.
pub(crate) async fn serve<S, F>(mut stream: S, limits: Limits, handle: F)
where
    S: AsyncRead + AsyncWrite + Unpin,
    F: Fn(&RequestHead, usize) -> Response,
{
    let mut buf = Vec::new();
    loop {
        let (req, body_len) = match next_request(&mut stream, &mut buf, &limits).await {
            Ok(r) => r,
            Err(Stop::Close) => return,
            Err(Stop::Reply(status, reason)) => {
                let resp = plain(status, reason, &format!("{status} {reason}\n"));
                let _ = stream.write_all(&to_bytes(&resp, false, true)).await;
                return close_gracefully(&mut stream).await;
            }
        };
        let close = req.wants_close();
        let bytes = to_bytes(&handle(&req, body_len), req.method == "HEAD", close);
        if stream.write_all(&bytes).await.is_err() {
            return;
        }
        if close {
            return close_gracefully(&mut stream).await;
        }
    }
}

/// Reads one request head and discards its body (answering `Expect: 100-continue` first).
async fn next_request<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    limits: &Limits,
) -> Result<(RequestHead, usize), Stop> {
    let end = read_head(stream, buf, limits).await?;
    let head: Vec<u8> = buf.drain(..end).collect();
    let req = parse_head(&head)?;
    let body_len = req.body_len()?;
    if body_len > limits.max_body {
        return Err(Stop::Reply(413, "Content Too Large"));
    }
    let expects = req.header("expect");
    if body_len > 0 && expects.is_some_and(|e| e.eq_ignore_ascii_case("100-continue")) {
        let sent = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await;
        sent.map_err(|_| Stop::Close)?;
    }
    discard_body(stream, buf, body_len, limits).await?;
    Ok((req, body_len))
}

/// Reads until `buf` holds a complete head; returns its length.
async fn read_head<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    limits: &Limits,
) -> Result<usize, Stop> {
    let mut deadline = Instant::now() + limits.idle;
    let mut started = false;
    loop {
        // RFC 9112 §2.2: ignore empty lines received before a request line.
        let blank = buf.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        buf.drain(..blank);
        if let Some(end) = head_end(buf) {
            return Ok(end);
        }
        if buf.len() > MAX_HEAD {
            return Err(ParseError::HeadTooLarge.into());
        }
        if !started && !buf.is_empty() {
            started = true;
            deadline = Instant::now() + limits.head;
        }
        match read_some(stream, buf, deadline).await {
            Some(0) if buf.is_empty() => return Err(Stop::Close),
            Some(0) => return Err(ParseError::BadRequestLine.into()),
            Some(_) => {}
            None if started => return Err(Stop::Reply(408, "Request Timeout")),
            None => return Err(Stop::Close),
        }
    }
}

/// Drops `len` body bytes: first those already buffered, then from the stream.
async fn discard_body<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    len: usize,
    limits: &Limits,
) -> Result<(), Stop> {
    let buffered = len.min(buf.len());
    buf.drain(..buffered);
    let mut left = len - buffered;
    let deadline = Instant::now() + limits.body;
    let mut scratch = Vec::new();
    while left > 0 {
        scratch.clear();
        match read_some(stream, &mut scratch, deadline).await {
            Some(0) | None => return Err(Stop::Close),
            Some(n) if n > left => {
                buf.extend_from_slice(&scratch[left..]);
                left = 0;
            }
            Some(n) => left -= n,
        }
    }
    Ok(())
}

/// One read appended to `buf`: `Some(0)` at EOF, `None` on timeout or I/O error.
async fn read_some<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    deadline: Instant,
) -> Option<usize> {
    let mut chunk = [0u8; 8192];
    match timeout_at(deadline, stream.read(&mut chunk)).await {
        Ok(Ok(n)) => {
            buf.extend_from_slice(&chunk[..n]);
            Some(n)
        }
        Ok(Err(_)) | Err(_) => None,
    }
}

/// Half-closes, then drains what the client still sends for a moment, so that closing with
/// unread input does not turn into a reset that destroys the answer just written.
async fn close_gracefully<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut S) {
    if stream.shutdown().await.is_err() {
        return;
    }
    let deadline = Instant::now() + Duration::from_millis(500);
    let mut drained = Vec::new();
    while drained.len() < 256 * 1024 {
        match read_some(stream, &mut drained, deadline).await {
            Some(0) | None => return,
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::duplex;

    fn echo(req: &RequestHead, body_len: usize) -> Response {
        let body = format!("{} {} body={body_len}", req.method, req.target);
        plain(200, "OK", &body)
    }

    fn short() -> Limits {
        Limits {
            idle: Duration::from_millis(300),
            head: Duration::from_millis(300),
            body: Duration::from_millis(300),
            max_body: 1024,
        }
    }

    /// Writes `input`, then half-closes, and returns everything the server wrote.
    async fn exchange(input: &[u8], limits: Limits) -> String {
        let (mut client, server) = duplex(1 << 20);
        let task = tokio::spawn(serve(server, limits, echo));
        client.write_all(input).await.unwrap();
        client.shutdown().await.unwrap();
        let mut out = Vec::new();
        client.read_to_end(&mut out).await.unwrap();
        task.await.unwrap();
        String::from_utf8_lossy(&out).into_owned()
    }

    #[tokio::test]
    async fn keep_alive_pipelined_with_bodies() {
        let input = b"\r\nPOST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\n\r\n";
        let out = exchange(input, short()).await;
        assert!(out.contains("POST /a body=5"), "{out}");
        assert!(out.contains("GET /b body=0"), "{out}");
        assert_eq!(out.matches("HTTP/1.1 200 OK").count(), 2);
    }

    #[tokio::test]
    async fn connection_close_stops_after_one_answer() {
        let input = b"GET /a HTTP/1.1\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\n\r\n";
        let out = exchange(input, short()).await;
        assert!(out.contains("GET /a") && !out.contains("GET /b"), "{out}");
        assert!(out.contains("Connection: close\r\n"));
    }

    #[tokio::test]
    async fn garbage_gets_400_then_close() {
        let out = exchange(b"\x16\x03\x01 hello\r\n\r\nGET / HTTP/1.1\r\n\r\n", short()).await;
        assert!(out.starts_with("HTTP/1.1 400 Bad Request"), "{out}");
        assert_eq!(out.matches("HTTP/1.1").count(), 1);
    }

    #[tokio::test]
    async fn expect_continue_is_answered_before_the_body() {
        let input = b"PUT /a HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi";
        let out = exchange(input, short()).await;
        assert!(
            out.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK"),
            "{out}"
        );
        assert!(out.contains("PUT /a body=2"));
    }

    #[tokio::test]
    async fn huge_head_gets_431() {
        let mut input = b"GET / HTTP/1.1\r\nX: ".to_vec();
        input.extend(std::iter::repeat_n(b'a', 100_000));
        let out = exchange(&input, short()).await;
        assert!(out.starts_with("HTTP/1.1 431"), "{out}");
    }

    #[tokio::test]
    async fn oversized_body_gets_413() {
        let out = exchange(b"POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n", short()).await;
        assert!(out.starts_with("HTTP/1.1 413"), "{out}");
    }

    #[tokio::test]
    async fn truncated_head_or_body_closes_quietly() {
        assert_eq!(
            exchange(b"POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nab", short()).await,
            ""
        );
        let out = exchange(b"GET / HTTP/1.1\r\nHost", short()).await;
        assert!(out.starts_with("HTTP/1.1 400"), "{out}");
    }

    #[tokio::test]
    async fn slow_client_is_cut_off() {
        let (mut client, server) = duplex(1024);
        let task = tokio::spawn(serve(server, short(), echo));
        client.write_all(b"GET / HT").await.unwrap();
        let started = std::time::Instant::now();
        let mut out = Vec::new();
        client.read_to_end(&mut out).await.unwrap();
        task.await.unwrap();
        assert!(started.elapsed() < Duration::from_secs(3));
        assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 408"));
    }

    #[tokio::test]
    async fn idle_connection_is_dropped_silently() {
        let (mut client, server) = duplex(1024);
        let task = tokio::spawn(serve(server, short(), echo));
        let mut out = Vec::new();
        client.read_to_end(&mut out).await.unwrap();
        task.await.unwrap();
        assert!(out.is_empty());
    }
}

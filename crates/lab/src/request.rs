//! HTTP/1.1 request-head parsing, written by hand so the lab sees header lines exactly as sent
//! (wire order, exact case, duplicates kept).
//!
//! Contract: [`head_end`] finds the blank line ending a head inside a buffer; [`parse_head`] turns
//! those bytes into a [`RequestHead`] or a [`ParseError`] that maps to a 4xx/5xx answer. Input is
//! hostile: the head is capped at [`MAX_HEAD`] bytes and [`MAX_HEADERS`] lines, header names must
//! be tokens, values may not carry control characters (so a reflected value can never split a
//! response), obsolete line folding and `Transfer-Encoding` are refused. Bare `\n` line ends are
//! accepted, as most servers do.

/// Largest request head accepted (request line + headers + blank line), in bytes.
pub(crate) const MAX_HEAD: usize = 16 * 1024;
/// Most header lines accepted in one request.
pub(crate) const MAX_HEADERS: usize = 100;

/// Why a request head was refused; each maps to the status the lab answers before closing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// The head exceeds [`MAX_HEAD`].
    HeadTooLarge,
    /// More than [`MAX_HEADERS`] header lines.
    TooManyHeaders,
    /// The request line is not `METHOD SP target SP HTTP/x.y`.
    BadRequestLine,
    /// Not HTTP/1.0 or HTTP/1.1.
    BadVersion,
    /// A header line is malformed (no colon, bad name, control bytes, folding).
    BadHeader,
    /// `Content-Length` is not one decimal number (or several disagree).
    BadContentLength,
    /// `Transfer-Encoding` request bodies are not supported.
    TransferEncoding,
}

impl ParseError {
    /// Status code and reason phrase to answer with.
    pub(crate) fn status(self) -> (u16, &'static str) {
        match self {
            ParseError::HeadTooLarge | ParseError::TooManyHeaders => (431, "Request Header Fields Too Large"),
            ParseError::BadVersion => (505, "HTTP Version Not Supported"),
            ParseError::TransferEncoding => (501, "Not Implemented"),
            _ => (400, "Bad Request"),
        }
    }
}

/// HTTP version of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    Http10,
    Http11,
}

/// A parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestHead {
    /// Method exactly as sent (case kept).
    pub method: String,
    /// Request target exactly as sent (path and query).
    pub target: String,
    /// Protocol version.
    pub version: Version,
    /// Header lines in wire order, exact case, duplicates kept, values trimmed of SP/HTAB.
    pub headers: Vec<(String, String)>,
}

impl RequestHead {
    /// The first value of header `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether this is a CORS-preflight: `OPTIONS` with `Access-Control-Request-Method`.
    pub(crate) fn is_preflight(&self) -> bool {
        self.method == "OPTIONS" && self.header("access-control-request-method").is_some()
    }

    /// The path: target without query or fragment; an absolute-form target is reduced to its path.
    pub(crate) fn path(&self) -> &str {
        let t = self.target.as_str();
        let t = match t.find("://") {
            Some(i) => t[i + 3..].find('/').map_or("/", |j| &t[i + 3 + j..]),
            None => t,
        };
        let end = t.find(['?', '#']).unwrap_or(t.len());
        &t[..end]
    }

    /// Whether the connection must close after the answer (`Connection: close`, or HTTP/1.0
    /// without `keep-alive`).
    pub(crate) fn wants_close(&self) -> bool {
        let tokens = || {
            self.headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
                .flat_map(|(_, v)| v.split(','))
                .map(str::trim)
        };
        match self.version {
            Version::Http11 => tokens().any(|t| t.eq_ignore_ascii_case("close")),
            Version::Http10 => !tokens().any(|t| t.eq_ignore_ascii_case("keep-alive")),
        }
    }

    /// Length of the request body to read and discard.
    pub(crate) fn body_len(&self) -> Result<usize, ParseError> {
        if self.header("transfer-encoding").is_some() {
            return Err(ParseError::TransferEncoding);
        }
        let mut len = None;
        for (_, v) in self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        {
            let n = parse_decimal(v).ok_or(ParseError::BadContentLength)?;
            if len.is_some_and(|l| l != n) {
                return Err(ParseError::BadContentLength);
            }
            len = Some(n);
        }
        Ok(len.unwrap_or(0))
    }
}

fn parse_decimal(v: &str) -> Option<usize> {
    if v.is_empty() || v.len() > 18 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

/// The index just past the blank line that ends the head, if `buf` holds a complete head.
pub(crate) fn head_end(buf: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(off) = buf[i..].iter().position(|&b| b == b'\n') {
        let nl = i + off;
        let next = &buf[nl + 1..];
        if next.starts_with(b"\n") {
            return Some(nl + 2);
        }
        if next.starts_with(b"\r\n") {
            return Some(nl + 3);
        }
        i = nl + 1;
    }
    None
}

/// Parses a complete head (as delimited by [`head_end`]).
pub(crate) fn parse_head(head: &[u8]) -> Result<RequestHead, ParseError> {
    if head.len() > MAX_HEAD {
        return Err(ParseError::HeadTooLarge);
    }
    let text = std::str::from_utf8(head).map_err(|_| ParseError::BadHeader)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let (method, target, version) = parse_request_line(lines.next().unwrap_or(""))?;
    let mut headers = Vec::new();
    for line in lines.take_while(|l| !l.is_empty()) {
        if headers.len() == MAX_HEADERS {
            return Err(ParseError::TooManyHeaders);
        }
        headers.push(parse_header_line(line)?);
    }
    Ok(RequestHead {
        method,
        target,
        version,
        headers,
    })
}

fn parse_request_line(line: &str) -> Result<(String, String, Version), ParseError> {
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ParseError::BadRequestLine);
    };
    if !is_token(method) || target.is_empty() || target.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(ParseError::BadRequestLine);
    }
    let version = match version {
        "HTTP/1.1" => Version::Http11,
        "HTTP/1.0" => Version::Http10,
        v if v.starts_with("HTTP/") => return Err(ParseError::BadVersion),
        _ => return Err(ParseError::BadRequestLine),
    };
    Ok((method.to_string(), target.to_string(), version))
}

fn parse_header_line(line: &str) -> Result<(String, String), ParseError> {
    let (name, value) = line.split_once(':').ok_or(ParseError::BadHeader)?;
    if !is_token(name) {
        return Err(ParseError::BadHeader);
    }
    let value = value.trim_matches([' ', '\t']);
    if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(ParseError::BadHeader);
    }
    Ok((name.to_string(), value.to_string()))
}

/// RFC 9110 `token`: one or more tchar.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<RequestHead, ParseError> {
        parse_head(s.as_bytes())
    }

    #[test]
    fn keeps_wire_order_case_and_duplicates() {
        let r = parse("OPTIONS /x?a=1 HTTP/1.1\r\nHost: h\r\nORIGIN: http://a\r\nX-A: 1\r\nx-a:2 \r\n\r\n")
            .unwrap();
        assert_eq!(r.method, "OPTIONS");
        assert_eq!(r.path(), "/x");
        assert_eq!(r.target, "/x?a=1");
        let names: Vec<_> = r.headers.iter().map(|(n, v)| format!("{n}={v}")).collect();
        assert_eq!(names, ["Host=h", "ORIGIN=http://a", "X-A=1", "x-a=2"]);
        assert_eq!(r.header("origin"), Some("http://a"));
        assert!(!r.is_preflight());
    }

    #[test]
    fn preflight_needs_options_and_request_method() {
        let r = parse("OPTIONS / HTTP/1.1\r\naccess-control-request-method: PUT\r\n\r\n").unwrap();
        assert!(r.is_preflight());
        let r = parse("options / HTTP/1.1\r\nAccess-Control-Request-Method: PUT\r\n\r\n").unwrap();
        assert!(!r.is_preflight());
    }

    #[test]
    fn head_end_accepts_crlf_and_bare_lf() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r\nrest"), Some(18));
        assert_eq!(head_end(b"GET / HTTP/1.1\n\nrest"), Some(16));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        assert_eq!(head_end(b""), None);
    }

    #[test]
    fn connection_close_and_http10() {
        let close = parse("GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n").unwrap();
        assert!(close.wants_close());
        assert!(!parse("GET / HTTP/1.1\r\n\r\n").unwrap().wants_close());
        assert!(parse("GET / HTTP/1.0\r\n\r\n").unwrap().wants_close());
        let ka = parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").unwrap();
        assert!(!ka.wants_close());
    }

    #[test]
    fn body_length_rules() {
        let len = |s: &str| parse(s).unwrap().body_len();
        assert_eq!(len("POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n"), Ok(12));
        assert_eq!(len("POST / HTTP/1.1\r\n\r\n"), Ok(0));
        let two = "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n";
        assert_eq!(len(two), Err(ParseError::BadContentLength));
        let neg = "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n";
        assert_eq!(len(neg), Err(ParseError::BadContentLength));
        let huge = "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n";
        assert_eq!(len(huge), Err(ParseError::BadContentLength));
        let te = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert_eq!(len(te), Err(ParseError::TransferEncoding));
    }

    #[test]
    fn hostile_heads_are_refused() {
        let bad = [
            "",
            "GARBAGE\r\n\r\n",
            "GET /\r\n\r\n",
            "GET  / HTTP/1.1\r\n\r\n",
            "G(T / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1 extra\r\n\r\n",
            "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
            "GET / HTTP/1.1\r\n: empty\r\n\r\n",
            "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
            "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n",
            "GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n",
        ];
        for b in bad {
            assert!(parse(b).is_err(), "accepted {b:?}");
        }
        assert_eq!(parse("GET / HTTP/2.0\r\n\r\n"), Err(ParseError::BadVersion));
        assert_eq!(
            parse_head(b"GET / HTTP/1.1\r\nX: \xff\r\n\r\n"),
            Err(ParseError::BadHeader)
        );
    }

    #[test]
    fn size_and_count_caps() {
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(parse(&big), Err(ParseError::HeadTooLarge));
        let many: String = (0..=MAX_HEADERS).map(|i| format!("H{i}: v\r\n")).collect();
        let many = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert_eq!(parse(&many), Err(ParseError::TooManyHeaders));
        assert_eq!(ParseError::TooManyHeaders.status().0, 431);
    }

    #[test]
    fn absolute_form_target_reduces_to_path() {
        let r = parse("GET http://h:1/a/b?q HTTP/1.1\r\n\r\n").unwrap();
        assert_eq!(r.path(), "/a/b");
        let r = parse("GET http://h:1 HTTP/1.1\r\n\r\n").unwrap();
        assert_eq!(r.path(), "/");
    }
}

//! One HAR entry: a serde [`DeserializeSeed`] that reads an entry's JSON (zero-copy where it can)
//! and keeps only what CORS analysis needs, as an owned [`Entry`].
//!
//! [`parse_entry`] first tries a direct reader of the same fields (about twice as fast: no serde
//! visitor per field and string, one UTF-8 check per entry); wherever that reader could differ from
//! serde_json it gives up, and serde_json reads the entry, so results and errors are serde_json's.
//!
//! HAR 1.2 fields plus the producers' own: Chrome's `_resourceType`, `_initiator`, `_fromCache`
//! and `response._error`; Playwright's `response._failureText`. Unknown fields are ignored; a
//! missing `request`/`response` or a wrong type makes the entry malformed (skipped, not fatal).

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use crate::model::HeaderList;

/// Bytes of a response body kept (for server fingerprints such as "Disallowed CORS origin").
pub const BODY_PREFIX: usize = 1024;

/// The parts of a HAR entry CORS analysis reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Position in `log.entries`.
    pub index: usize,
    /// `startedDateTime` as milliseconds since the Unix epoch, when parsable.
    pub started_ms: Option<f64>,
    /// `time`: total milliseconds (negative or absent → 0).
    pub time_ms: f64,
    /// `pageref`.
    pub pageref: Option<String>,
    /// Request method as recorded.
    pub method: String,
    /// Request URL.
    pub url: String,
    /// Request headers in recorded order (HTTP/2 pseudo-headers dropped).
    pub request_headers: HeaderList,
    /// Response status (0 or -1 when no response was received).
    pub status: i64,
    /// Response status text.
    pub status_text: String,
    /// Response headers in recorded order.
    pub response_headers: HeaderList,
    /// The first bytes of a textual response body.
    pub body_prefix: String,
    /// `response.redirectURL`.
    pub redirect_url: String,
    /// Chrome `_error` or Playwright `_failureText`, e.g. `net::ERR_FAILED`.
    pub error: Option<String>,
    /// Chrome `_resourceType` (`fetch`, `xhr`, `preflight`, `document`…), lowercase.
    pub resource_type: Option<String>,
    /// Chrome `_initiator.type` (`script`, `preflight`…).
    pub initiator_type: Option<String>,
    /// Chrome `_initiator.url` (for a preflight: the URL of the request it precedes).
    pub initiator_url: Option<String>,
    /// Served from the browser's HTTP cache (`_fromCache`).
    pub from_cache: bool,
}

impl Entry {
    /// Whether the browser got an HTTP response for it (Chrome records 0, Playwright -1).
    pub fn has_response(&self) -> bool {
        self.status > 0
    }

    /// The first request header value named `name` (case-insensitive).
    pub fn request_header(&self, name: &str) -> Option<&str> {
        self.request_headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first response header value named `name` (case-insensitive).
    pub fn response_header(&self, name: &str) -> Option<&str> {
        self.response_headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether this is a CORS-preflight: Chrome marks it; otherwise an OPTIONS with
    /// `Access-Control-Request-Method`.
    pub fn is_preflight(&self) -> bool {
        self.resource_type.as_deref() == Some("preflight")
            || self.initiator_type.as_deref() == Some("preflight")
            || (self.method.eq_ignore_ascii_case("OPTIONS")
                && self.request_header("access-control-request-method").is_some())
    }
}

#[derive(Deserialize)]
struct RawEntry<'a> {
    #[serde(borrow, default)]
    pageref: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "startedDateTime")]
    started: Option<Cow<'a, str>>,
    #[serde(default)]
    time: Option<f64>,
    #[serde(borrow)]
    request: RawRequest<'a>,
    #[serde(borrow)]
    response: RawResponse<'a>,
    #[serde(borrow, default, rename = "_resourceType")]
    resource_type: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "_initiator")]
    initiator: Option<RawInitiator<'a>>,
    #[serde(borrow, default, rename = "_fromCache")]
    from_cache: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct RawRequest<'a> {
    #[serde(borrow)]
    method: Cow<'a, str>,
    #[serde(borrow)]
    url: Cow<'a, str>,
    #[serde(default, deserialize_with = "de_headers")]
    headers: HeaderList,
}

#[derive(Deserialize)]
struct RawResponse<'a> {
    status: f64,
    #[serde(borrow, default, rename = "statusText")]
    status_text: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "de_headers")]
    headers: HeaderList,
    #[serde(borrow, default)]
    content: Option<RawContent<'a>>,
    #[serde(borrow, default, rename = "redirectURL")]
    redirect_url: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "_error")]
    error: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "_failureText")]
    failure_text: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct RawHeader<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    value: Cow<'a, str>,
}

#[derive(Deserialize)]
struct RawContent<'a> {
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    encoding: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct RawInitiator<'a> {
    #[serde(borrow, default, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    url: Option<Cow<'a, str>>,
}

/// Deserializes one entry as an [`Entry`] carrying `index`.
#[derive(Debug, Clone, Copy)]
pub struct EntrySeed {
    /// Position in `log.entries`.
    pub index: usize,
}

impl<'de> DeserializeSeed<'de> for EntrySeed {
    type Value = Entry;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Entry, D::Error> {
        let raw = RawEntry::deserialize(deserializer)?;
        Ok(own(raw, self.index))
    }
}

/// Parse one entry's JSON text.
pub fn parse_entry(json: &[u8], index: usize) -> Result<Entry, serde_json::Error> {
    // UTF-8 checked once for the whole entry (what the framer hands over always is), not string
    // by string; bytes that are not go to the byte reader for its exact error.
    match std::str::from_utf8(json) {
        Ok(text) => match fast::entry(text) {
            Some(raw) => Ok(own(raw, index)),
            None => parse(serde_json::Deserializer::from_str(text), index),
        },
        Err(_) => parse(serde_json::Deserializer::from_slice(json), index),
    }
}

fn parse<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    index: usize,
) -> Result<Entry, serde_json::Error> {
    let entry = EntrySeed { index }.deserialize(&mut de)?;
    de.end()?;
    Ok(entry)
}

/// A header array read straight into a [`HeaderList`] (HTTP/2 pseudo-headers dropped), without
/// an intermediate `Vec<RawHeader>`.
fn de_headers<'de, D: Deserializer<'de>>(d: D) -> Result<HeaderList, D::Error> {
    struct Headers;
    impl<'de> Visitor<'de> for Headers {
        type Value = HeaderList;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a sequence")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<HeaderList, A::Error> {
            let mut out = HeaderList::with_capacity(seq.size_hint().unwrap_or(0).clamp(8, 64));
            while let Some(h) = seq.next_element::<RawHeader<'de>>()? {
                if !h.name.starts_with(':') {
                    out.push((h.name.into_owned(), h.value.into_owned()));
                }
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Headers)
}

fn body_prefix(content: Option<RawContent<'_>>) -> String {
    let Some(c) = content else { return String::new() };
    if c.encoding.as_deref() == Some("base64") {
        return String::new();
    }
    let text = c.text.unwrap_or_default();
    let mut end = text.len().min(BODY_PREFIX);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text {
        Cow::Owned(mut text) => {
            text.truncate(end);
            text
        }
        Cow::Borrowed(text) => text[..end].to_string(),
    }
}

fn own(raw: RawEntry<'_>, index: usize) -> Entry {
    let error = raw
        .response
        .error
        .or(raw.response.failure_text)
        .map(Cow::into_owned)
        .filter(|e| !e.is_empty());
    let (initiator_type, initiator_url) = match raw.initiator {
        Some(i) => (i.kind.map(|k| k.to_ascii_lowercase()), i.url.map(Cow::into_owned)),
        None => (None, None),
    };
    Entry {
        index,
        started_ms: raw.started.as_deref().and_then(parse_iso8601_ms),
        time_ms: raw.time.filter(|t| t.is_finite() && *t > 0.0).unwrap_or(0.0),
        pageref: raw.pageref.map(Cow::into_owned),
        method: raw.request.method.into_owned(),
        url: raw.request.url.into_owned(),
        request_headers: raw.request.headers,
        status: if raw.response.status.is_finite() {
            raw.response.status as i64
        } else {
            0
        },
        status_text: raw.response.status_text.map(Cow::into_owned).unwrap_or_default(),
        response_headers: raw.response.headers,
        body_prefix: body_prefix(raw.response.content),
        redirect_url: raw.response.redirect_url.map(Cow::into_owned).unwrap_or_default(),
        error,
        resource_type: raw.resource_type.map(|t| t.to_ascii_lowercase()),
        initiator_type,
        initiator_url,
        from_cache: raw.from_cache.is_some_and(|c| !c.is_empty()),
    }
}

/// `2024-05-01T10:00:00.123Z` or with a `±hh:mm` offset → milliseconds since the Unix epoch.
pub fn parse_iso8601_ms(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    let mut frac = 0.0;
    if let Some(r) = rest.strip_prefix('.') {
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        frac = format!("0.{}", &r[..digits]).parse::<f64>().ok()?;
        rest = &r[digits..];
    }
    let offset_min = match rest.as_bytes().first() {
        None | Some(b'Z' | b'z') => 0,
        Some(sign @ (b'+' | b'-')) => {
            let t = &rest[1..];
            let oh = t.get(0..2)?.parse::<i64>().ok()?;
            let om = t.get(t.len().saturating_sub(2)..)?.parse::<i64>().ok()?;
            let m = oh * 60 + om;
            if *sign == b'+' {
                m
            } else {
                -m
            }
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + sec - offset_min * 60;
    Some(secs as f64 * 1000.0 + frac * 1000.0)
}

/// Howard Hinnant's days-from-civil.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entry {} ({} {})", self.index, self.method, self.url)
    }
}

/// A direct reader for entries, several times faster than serde's derive on a HAR: it reads the
/// same fields into the same [`RawEntry`], and gives up (`None`) wherever it could differ from
/// serde_json (a `\u` surrogate, an escaped key, deep nesting, any error), so that
/// [`parse_entry`] then asks serde_json and its results and errors stay serde_json's.
mod fast {
    use std::borrow::Cow;

    use super::{RawContent, RawEntry, RawInitiator, RawRequest, RawResponse};
    use crate::model::HeaderList;

    /// Nesting it follows; serde_json's own limit is 128.
    const MAX_DEPTH: usize = 100;

    pub(super) fn entry(text: &str) -> Option<RawEntry<'_>> {
        let mut p = Reader {
            text,
            s: text.as_bytes(),
            i: 0,
            depth: 0,
        };
        let entry = p.entry()?;
        p.ws();
        (p.i == p.s.len()).then_some(entry)
    }

    /// Set a field met once; a second time is serde's "duplicate field" error.
    fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
        if slot.is_some() {
            return None;
        }
        *slot = Some(value);
        Some(())
    }

    struct Reader<'a> {
        text: &'a str,
        s: &'a [u8],
        i: usize,
        depth: usize,
    }

    type Str<'a> = Option<Cow<'a, str>>;

    impl<'a> Reader<'a> {
        fn entry(&mut self) -> Option<RawEntry<'a>> {
            let (mut pageref, mut started, mut time, mut request, mut response) =
                (None, None, None, None, None);
            let (mut resource_type, mut initiator, mut from_cache) = (None, None, None);
            self.object(true, |p, key| match key {
                b"pageref" => once(&mut pageref, p.opt_str()?),
                b"startedDateTime" => once(&mut started, p.opt_str()?),
                b"time" => once(&mut time, p.opt_f64()?),
                b"request" => once(&mut request, p.request()?),
                b"response" => once(&mut response, p.response()?),
                b"_resourceType" => once(&mut resource_type, p.opt_str()?),
                b"_initiator" => once(&mut initiator, p.opt_initiator()?),
                b"_fromCache" => once(&mut from_cache, p.opt_str()?),
                _ => p.skip_value(),
            })?;
            Some(RawEntry {
                pageref: pageref.flatten(),
                started: started.flatten(),
                time: time.flatten(),
                request: request?,
                response: response?,
                resource_type: resource_type.flatten(),
                initiator: initiator.flatten(),
                from_cache: from_cache.flatten(),
            })
        }

        fn request(&mut self) -> Option<RawRequest<'a>> {
            let (mut method, mut url, mut headers) = (None, None, None);
            self.object(true, |p, key| match key {
                b"method" => once(&mut method, p.str()?),
                b"url" => once(&mut url, p.str()?),
                b"headers" => once(&mut headers, p.headers()?),
                _ => p.skip_value(),
            })?;
            Some(RawRequest {
                method: method?,
                url: url?,
                headers: headers.unwrap_or_default(),
            })
        }

        fn response(&mut self) -> Option<RawResponse<'a>> {
            let (mut status, mut status_text, mut headers, mut content) = (None, None, None, None);
            let (mut redirect_url, mut error, mut failure_text) = (None, None, None);
            self.object(true, |p, key| match key {
                b"status" => once(&mut status, p.f64()?),
                b"statusText" => once(&mut status_text, p.opt_str()?),
                b"headers" => once(&mut headers, p.headers()?),
                b"content" => once(&mut content, p.opt_content()?),
                b"redirectURL" => once(&mut redirect_url, p.opt_str()?),
                b"_error" => once(&mut error, p.opt_str()?),
                b"_failureText" => once(&mut failure_text, p.opt_str()?),
                _ => p.skip_value(),
            })?;
            Some(RawResponse {
                status: status?,
                status_text: status_text.flatten(),
                headers: headers.unwrap_or_default(),
                content: content.flatten(),
                redirect_url: redirect_url.flatten(),
                error: error.flatten(),
                failure_text: failure_text.flatten(),
            })
        }

        /// Like `de_headers`: HTTP/2 pseudo-headers dropped.
        fn headers(&mut self) -> Option<HeaderList> {
            let mut out = HeaderList::with_capacity(16);
            self.array(|p| {
                let (mut name, mut value) = (None, None);
                p.object(true, |p, key| match key {
                    b"name" => once(&mut name, p.str()?),
                    b"value" => once(&mut value, p.str()?),
                    _ => p.skip_value(),
                })?;
                let (name, value) = (name?, value?);
                if !name.starts_with(':') {
                    out.push((name.into_owned(), value.into_owned()));
                }
                Some(())
            })?;
            Some(out)
        }

        fn opt_content(&mut self) -> Option<Option<RawContent<'a>>> {
            if self.null()? {
                return Some(None);
            }
            let (mut text, mut encoding) = (None, None);
            self.object(true, |p, key| match key {
                b"text" => once(&mut text, p.opt_str()?),
                b"encoding" => once(&mut encoding, p.opt_str()?),
                _ => p.skip_value(),
            })?;
            Some(Some(RawContent {
                text: text.flatten(),
                encoding: encoding.flatten(),
            }))
        }

        fn opt_initiator(&mut self) -> Option<Option<RawInitiator<'a>>> {
            if self.null()? {
                return Some(None);
            }
            let (mut kind, mut url) = (None, None);
            self.object(true, |p, key| match key {
                b"type" => once(&mut kind, p.opt_str()?),
                b"url" => once(&mut url, p.opt_str()?),
                _ => p.skip_value(),
            })?;
            Some(Some(RawInitiator {
                kind: kind.flatten(),
                url: url.flatten(),
            }))
        }

        // ---- JSON ---------------------------------------------------------------------------

        fn ws(&mut self) {
            while matches!(self.s.get(self.i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
                self.i += 1;
            }
        }

        /// The next byte after whitespace (not consumed).
        fn peek(&mut self) -> Option<u8> {
            self.ws();
            self.s.get(self.i).copied()
        }

        fn eat(&mut self, b: u8) -> Option<()> {
            (self.peek()? == b).then(|| self.i += 1)
        }

        /// Whether the next value is `null` (then consumed).
        fn null(&mut self) -> Option<bool> {
            if self.peek()? != b'n' {
                return Some(false);
            }
            self.literal(b"null").map(|()| true)
        }

        fn literal(&mut self, word: &[u8]) -> Option<()> {
            let end = self.i + word.len();
            (self.s.get(self.i..end)? == word).then(|| self.i = end)
        }

        /// `{ key: value, … }`, calling `member` with each key (raw bytes; with `strict`, a key
        /// with an escape gives up: serde would compare it unescaped).
        fn object(
            &mut self,
            strict: bool,
            mut member: impl FnMut(&mut Self, &'a [u8]) -> Option<()>,
        ) -> Option<()> {
            self.eat(b'{')?;
            self.nest()?;
            if self.peek()? == b'}' {
                self.i += 1;
                return self.unnest();
            }
            loop {
                let key = self.key(strict)?;
                self.eat(b':')?;
                member(self, key)?;
                match self.peek()? {
                    b',' => self.i += 1,
                    b'}' => {
                        self.i += 1;
                        return self.unnest();
                    }
                    _ => return None,
                }
            }
        }

        fn array(&mut self, mut element: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
            self.eat(b'[')?;
            self.nest()?;
            if self.peek()? == b']' {
                self.i += 1;
                return self.unnest();
            }
            loop {
                element(self)?;
                match self.peek()? {
                    b',' => self.i += 1,
                    b']' => {
                        self.i += 1;
                        return self.unnest();
                    }
                    _ => return None,
                }
            }
        }

        fn nest(&mut self) -> Option<()> {
            self.depth += 1;
            (self.depth <= MAX_DEPTH).then_some(())
        }

        fn unnest(&mut self) -> Option<()> {
            self.depth -= 1;
            Some(())
        }

        /// Any value, checked as serde_json checks what it ignores.
        fn skip_value(&mut self) -> Option<()> {
            match self.peek()? {
                b'"' => self.skip_string(),
                b'{' => self.object(false, |p, _| p.skip_value()),
                b'[' => self.array(Self::skip_value),
                b't' => self.literal(b"true"),
                b'f' => self.literal(b"false"),
                b'n' => self.literal(b"null"),
                b'-' | b'0'..=b'9' => self.number().map(drop),
                _ => None,
            }
        }

        /// A number's text, checked against JSON's grammar.
        fn number(&mut self) -> Option<&'a str> {
            let start = self.i;
            if self.s.get(self.i) == Some(&b'-') {
                self.i += 1;
            }
            match self.s.get(self.i)? {
                b'0' => self.i += 1,
                b'1'..=b'9' => self.digits(),
                _ => return None,
            }
            if self.s.get(self.i) == Some(&b'.') {
                self.i += 1;
                self.some_digits()?;
            }
            if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
                self.i += 1;
                if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                    self.i += 1;
                }
                self.some_digits()?;
            }
            self.text.get(start..self.i)
        }

        fn digits(&mut self) {
            while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                self.i += 1;
            }
        }

        fn some_digits(&mut self) -> Option<()> {
            let from = self.i;
            self.digits();
            (self.i > from).then_some(())
        }

        /// A number as serde_json reads it into an `f64` (same code, so the same rounding).
        fn f64(&mut self) -> Option<f64> {
            self.peek()?;
            let number = self.number()?;
            match number.parse::<u32>() {
                Ok(n) => Some(f64::from(n)),
                Err(_) => serde_json::from_str(number).ok(),
            }
        }

        fn opt_f64(&mut self) -> Option<Option<f64>> {
            if self.null()? {
                return Some(None);
            }
            self.f64().map(Some)
        }

        fn opt_str(&mut self) -> Option<Str<'a>> {
            if self.null()? {
                return Some(None);
            }
            self.str().map(Some)
        }

        /// A string, unescaped (borrowed when it has no escape).
        fn str(&mut self) -> Option<Cow<'a, str>> {
            self.eat(b'"')?;
            let start = self.i;
            self.i += special(&self.s[start..]);
            match self.s.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    self.text.get(start..self.i - 1).map(Cow::Borrowed)
                }
                b'\\' => self.unescape(start).map(Cow::Owned),
                _ => None,
            }
        }

        /// The rest of a string from its first escape, at `self.i`.
        fn unescape(&mut self, start: usize) -> Option<String> {
            let mut out = Vec::with_capacity(self.i - start + 64);
            out.extend_from_slice(&self.s[start..self.i]);
            loop {
                self.escape(&mut out)?;
                self.copy_plain(&mut out);
                match self.s.get(self.i)? {
                    b'"' => {
                        self.i += 1;
                        // Runs end on ASCII bytes and escapes add whole characters: this holds.
                        return String::from_utf8(out).ok();
                    }
                    b'\\' => {}
                    _ => return None,
                }
            }
        }

        /// Copy the bytes up to the next `"`, `\\` or control character into `out`, a word at a
        /// time (all of it, then the excess dropped: runs between escapes are short).
        fn copy_plain(&mut self, out: &mut Vec<u8>) {
            while let Some(word) = self.s.get(self.i..self.i + 8) {
                let word: [u8; 8] = word.try_into().expect("8 bytes");
                out.extend_from_slice(&word);
                let n = special_in(u64::from_le_bytes(word));
                if n < 8 {
                    out.truncate(out.len() - 8 + n);
                    self.i += n;
                    return;
                }
                self.i += 8;
            }
            let n = special(&self.s[self.i..]);
            out.extend_from_slice(&self.s[self.i..self.i + n]);
            self.i += n;
        }

        /// The escape at `self.i`, decoded into `out`.
        fn escape(&mut self, out: &mut Vec<u8>) -> Option<()> {
            let c = match self.s.get(self.i + 1)? {
                b'"' => b'"',
                b'\\' => b'\\',
                b'/' => b'/',
                b'b' => 8,
                b'f' => 12,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'u' => return self.unicode_escape(out),
                _ => return None,
            };
            out.push(c);
            self.i += 2;
            Some(())
        }

        /// `\\uXXXX`, or a surrogate pair of them; a lone surrogate gives up (serde's error).
        fn unicode_escape(&mut self, out: &mut Vec<u8>) -> Option<()> {
            let hi = hex4(self.s.get(self.i + 2..self.i + 6)?)?;
            let (c, len) = match char::from_u32(hi) {
                Some(c) => (c, 6),
                None => {
                    if !(0xD800..0xDC00).contains(&hi) || self.s.get(self.i + 6..self.i + 8)? != b"\\u" {
                        return None;
                    }
                    let lo = hex4(self.s.get(self.i + 8..self.i + 12)?)?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return None;
                    }
                    (
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?,
                        12,
                    )
                }
            };
            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            self.i += len;
            Some(())
        }

        /// An object key's raw bytes.
        fn key(&mut self, strict: bool) -> Option<&'a [u8]> {
            self.eat(b'"')?;
            let start = self.i;
            self.i += special(&self.s[start..]);
            if self.s.get(self.i)? == &b'"' {
                self.i += 1;
                return self.s.get(start..self.i - 1);
            }
            if strict {
                return None;
            }
            self.i = start - 1;
            self.skip_string()?;
            self.s.get(start..self.i - 1)
        }

        /// A string, checked as serde_json checks one it ignores (any `\u` code unit).
        fn skip_string(&mut self) -> Option<()> {
            self.eat(b'"')?;
            loop {
                self.i += special(&self.s[self.i..]);
                match self.s.get(self.i)? {
                    b'"' => {
                        self.i += 1;
                        return Some(());
                    }
                    b'\\' => match self.s.get(self.i + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 2,
                        b'u' => {
                            hex4(self.s.get(self.i + 2..self.i + 6)?)?;
                            self.i += 6;
                        }
                        _ => return None,
                    },
                    _ => return None,
                }
            }
        }
    }

    /// The value of four hex digits.
    fn hex4(h: &[u8]) -> Option<u32> {
        h.iter()
            .try_fold(0, |n, &b| Some(n << 4 | char::from(b).to_digit(16)?))
    }

    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;

    /// How many bytes of `s` come before the first `"`, `\\` or control character (which ends or
    /// interrupts a string), eight at a time.
    fn special(s: &[u8]) -> usize {
        let mut i = 0;
        while let Some(word) = s.get(i..i + 8) {
            let n = special_in(u64::from_le_bytes(word.try_into().expect("8 bytes")));
            if n < 8 {
                return i + n;
            }
            i += 8;
        }
        i + s[i..]
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .unwrap_or(s.len() - i)
    }

    /// [`special`] in one word: the index of its first such byte, 8 when none.
    fn special_in(w: u64) -> usize {
        let quote = w ^ (LO * u64::from(b'"'));
        let backslash = w ^ (LO * u64::from(b'\\'));
        // Mycroft's zero-byte test, as serde_json's: the lowest flagged byte is exact (those
        // above it may not be). `!w` stands for `!quote` and `!backslash` too: they share
        // their high bits.
        let hit = (w.wrapping_sub(LO * 0x20) | quote.wrapping_sub(LO) | backslash.wrapping_sub(LO)) & !w & HI;
        (hit.trailing_zeros() / 8) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_timestamps_with_offsets() {
        assert_eq!(parse_iso8601_ms("1970-01-01T00:00:01.500Z"), Some(1500.0));
        assert_eq!(parse_iso8601_ms("1970-01-01T01:00:00+01:00"), Some(0.0));
        assert_eq!(
            parse_iso8601_ms("2024-02-29T00:00:00Z"),
            Some(1_709_164_800_000.0)
        );
        assert_eq!(parse_iso8601_ms("yesterday"), None);
    }

    #[test]
    fn keeps_what_analysis_needs_and_nothing_else() {
        let json = br#"{"startedDateTime":"1970-01-01T00:00:00Z","time":-1,"_resourceType":"Fetch",
            "_initiator":{"type":"script","stack":{"callFrames":[]}},
            "request":{"method":"GET","url":"https://api.test/x","headers":[{"name":":authority","value":"api.test"},{"name":"Origin","value":"https://app.test"}]},
            "response":{"status":0,"statusText":"","headers":[],"content":{"size":0,"text":"\u00e9t\u00e9"},"_error":"net::ERR_FAILED"}}"#;
        let e = parse_entry(json, 7).unwrap();
        assert_eq!(e.index, 7);
        assert_eq!(
            e.request_headers,
            vec![("Origin".to_string(), "https://app.test".to_string())]
        );
        assert_eq!(e.error.as_deref(), Some("net::ERR_FAILED"));
        assert_eq!(e.resource_type.as_deref(), Some("fetch"));
        assert_eq!(e.body_prefix, "été");
        assert!(!e.has_response());
    }

    #[test]
    fn malformed_entries_are_errors_not_panics() {
        assert!(parse_entry(br#"{"request":{"method":"GET"}}"#, 0).is_err());
        assert!(parse_entry(
            br#"{"request":{"method":1,"url":"x"},"response":{"status":200}}"#,
            0
        )
        .is_err());
        assert!(parse_entry(b"[]", 0).is_err());
    }

    /// serde_json's reading alone.
    fn serde_only(json: &str) -> Result<Entry, String> {
        parse(serde_json::Deserializer::from_str(json), 0).map_err(|e| e.to_string())
    }

    /// Whether the fast reader took `json`; when it did, serde_json reads the same.
    fn fast_agrees(json: &str) -> bool {
        let Some(raw) = fast::entry(json) else {
            return false;
        };
        assert_eq!(Ok(own(raw, 0)), serde_only(json), "{json}");
        true
    }

    const FULL: &str = r#"{"startedDateTime":"2024-07-01T10:00:00.007Z","time":35.2,"pageref":"page_1",
        "_resourceType":"Fetch","_fromCache":"disk", "cache" : {},
        "_initiator":{"type":"script","url":"https://app.test/main.js",
            "stack":{"callFrames":[{"lineNumber":1,"x":[true,false,null,-1.5e-3,0,1E+2,"\u0000\ud800"]}]}},
        "request":{"method":"PUT","url":"https://api.test/v1?q=\u00e9","httpVersion":"http/2.0",
            "headers":[{"name":":authority","value":"api.test"},{"name":"Origin","value":"https://app.test"},
                {"name":"sec-ch-ua","value":"\"Chromium\";v=\"126\"","comment":"x"}],"queryString":[],"cookies":[]},
        "response":{"status":403,"statusText":"Forbidden","headers":[{"name":"vary","value":"Origin"}],
            "content":{"size":12,"mimeType":"text/plain","text":"Disallowed CORS origin \ud83d\ude00 é \\ \/ \b\f\n\r\t"},
            "redirectURL":"","_error":null,"_failureText":"net::ERR_FAILED"},
        "timings":{"blocked":1.2,"dns":-1}}"#;

    #[test]
    fn the_fast_reader_reads_what_serde_reads() {
        assert!(fast_agrees(FULL));
        let e = parse_entry(FULL.as_bytes(), 0).unwrap();
        assert_eq!(e.body_prefix, "Disallowed CORS origin 😀 é \\ / \u{8}\u{c}\n\r\t");
        assert_eq!(e.request_header("sec-ch-ua"), Some(r#""Chromium";v="126""#));
        assert_eq!((e.status, e.time_ms, e.from_cache), (403, 35.2, true));
        let minimal =
            r#" { "request" : { "method" : "GET" , "url" : "u" } , "response" : { "status" : 2e2 } } "#;
        assert!(fast_agrees(minimal));
        for (from, to) in [
            (r#""time":35.2"#, r#""time":null"#),
            (r#""_fromCache":"disk""#, r#""_fromCache":null"#),
            (r#""_initiator":{"#, r#""_initiator":null,"x":{"#),
            (r#""content":{"#, r#""content":null,"x":{"#),
            (r#""content":{"#, r#""contents":{"#),
        ] {
            assert!(fast_agrees(&FULL.replacen(from, to, 1)), "{to}");
        }
    }

    #[test]
    fn the_fast_reader_leaves_the_rest_to_serde() {
        let variants = [
            (r#""time":35.2"#, r#""time":35.2,"time":1"#),
            (r#""request":"#, r#""requests":"#),
            (r#""status":403"#, r#""status":null"#),
            (r#""status":403"#, r#""status":"403""#),
            (r#""status":403"#, r#""status":1e400"#),
            (r#""status":403"#, r#""status":-0"#),
            (r#""status":403"#, r#""status":0403"#),
            (r#""status":403"#, r#""status":403."#),
            (r#""time":35.2"#, r#""time":"35""#),
            (r#""_fromCache":"disk""#, r#""_fromCache":true"#),
            (
                r#""headers":[{"name":"vary""#,
                r#""headers":null,"x":[{"name":"vary""#,
            ),
            (r#""pageref":"#, r#""p\u0061geref":"#),
            ("origin \\ud83d\\ude00", "origin \\ud83d x"),
            ("origin \\ud83d\\ude00", "origin \\ude00"),
            ("origin \\ud83d", "origin \\x"),
            ("origin", "origin\u{1}"),
            (r#""dns":-1}"#, r#""dns":-1,}"#),
            (r#""cookies":[]"#, r#""cookies":[1,]"#),
            (r#""cookies":[]"#, r#""cookies":[tru]"#),
            (r#""cache" : {}"#, r#""cache" : {"a" 1}"#),
            (
                r#""cache" : {}"#,
                &format!(r#""cache":{}"#, "[".repeat(130) + &"]".repeat(130)),
            ),
        ];
        for (from, to) in variants {
            let json = FULL.replacen(from, to, 1);
            assert_ne!(json, FULL, "{from}");
            assert!(!fast_agrees(&json) || serde_only(&json).is_ok(), "{to}");
        }
        for json in ["[]", "", " ", "null", &format!("{FULL} x"), &format!("[{FULL}]")] {
            assert!(!fast_agrees(json), "{json}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Whatever a few bytes changed, the fast reader takes it as serde reads it or leaves it.
        #[test]
        fn the_fast_reader_never_disagrees_with_serde(
            edits in proptest::collection::vec((0..FULL.len(), 0..3usize, 0..15usize), 1..4)
        ) {
            const BYTES: &[u8] = b"\"\\{}[],:0-en u\x01";
            let mut json = FULL.as_bytes().to_vec();
            for (at, kind, byte) in edits {
                let at = at.min(json.len().saturating_sub(1));
                match kind {
                    0 => json[at] = BYTES[byte],
                    1 => json.insert(at, BYTES[byte]),
                    _ => { json.remove(at); }
                }
            }
            if let Ok(text) = std::str::from_utf8(&json) {
                fast_agrees(text);
            }
        }
    }
}

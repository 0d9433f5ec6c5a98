//! One HAR entry: a serde [`DeserializeSeed`] that reads an entry's JSON (zero-copy where it can)
//! and keeps only what CORS analysis needs, as an owned [`Entry`].
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
    let mut de = serde_json::Deserializer::from_slice(json);
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
    text[..end].to_string()
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
}

//! Request classification: does this request need a CORS-preflight, and why.
//!
//! Contract: implements Fetch's "CORS-safelisted method", "method normalize", "forbidden
//! method", "forbidden request-header", "CORS-safelisted request-header" (with "CORS-unsafe
//! request-header byte", "parse a MIME type" and "simple range header value") and
//! "CORS-unsafe request-header names", plus each engine's extras from its
//! [`BrowserProfile`]. [`classify`] explains the decision; [`unsafe_header_names`] is the
//! allocation-light core the fetch driver reuses at every redirect hop.

use crate::http::{eq_lower_name, is_token, trim_http_whitespace};
use crate::model::{CorsRequest, Engine};
use crate::origin::Origin;
use crate::profile::{BrowserProfile, ExtraValueRule};
use serde::Serialize;

/// Longest CORS-safelisted request-header value, in bytes.
pub const MAX_SAFELISTED_VALUE: usize = 128;
/// Largest total of the safelisted values before they all become unsafe.
pub const MAX_SAFELISTED_TOTAL: usize = 1024;

/// What made a request need a preflight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReasonKind {
    /// The method is not CORS-safelisted.
    Method,
    /// A header is not CORS-safelisted.
    Header,
    /// The safelisted values together exceed 1024 bytes.
    TotalSize,
    /// The use-CORS-preflight flag is set.
    Flag,
}

/// One reason for a preflight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Which rule.
    pub kind: ReasonKind,
    /// The lowercase header name, or the method for [`ReasonKind::Method`].
    pub name: Option<String>,
    /// Human explanation.
    pub detail: String,
}

/// The preflight decision for one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// Whether a CORS-preflight is needed (before any cache lookup).
    pub preflight: bool,
    /// Why, in request order (method, headers, total size, flag).
    pub reasons: Vec<Reason>,
    /// The CORS-unsafe request-header names: lowercase, deduplicated, byte-sorted (ACRH).
    pub unsafe_header_names: Vec<String>,
    /// The method after normalisation.
    pub method: String,
    /// Whether CORS applies at all (the URL is cross-origin to the request origin).
    pub cross_origin: bool,
}

/// Fetch "CORS-safelisted method": `GET`, `HEAD`, `POST`, byte-exact.
pub fn is_cors_safelisted_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "POST")
}

/// Fetch "forbidden method": CONNECT, TRACE, TRACK in any case.
pub fn is_forbidden_method(method: &str) -> bool {
    ["CONNECT", "TRACE", "TRACK"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}

/// Fetch "normalize" a method: only DELETE GET HEAD OPTIONS POST PUT are uppercased.
pub fn normalize_method(method: &str) -> String {
    normalized_method(method).to_owned()
}

/// [`normalize_method`] without allocating: the uppercase name or `method` itself.
pub fn normalized_method(method: &str) -> &str {
    const NORMALIZED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    match NORMALIZED.iter().find(|m| m.eq_ignore_ascii_case(method)) {
        Some(m) => m,
        None => method,
    }
}

const FORBIDDEN_NAMES: &[&str] = &[
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

fn is_forbidden_name(name: &str) -> bool {
    // Every forbidden name is 2..=30 bytes: skip the scan for anything else.
    (2..=30).contains(&name.len())
        && FORBIDDEN_NAMES
            .iter()
            .any(|f| f.len() == name.len() && f.eq_ignore_ascii_case(name))
}

const METHOD_OVERRIDES: &[&str] = &["x-http-method", "x-http-method-override", "x-method-override"];

/// Fetch "forbidden request-header" (scripts cannot set these; they never reach the list).
pub fn is_forbidden_request_header(name: &str, value: &str) -> bool {
    let starts =
        |p: &str| name.len() >= p.len() && name.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    if starts("proxy-") || starts("sec-") || is_forbidden_name(name) {
        return true;
    }
    METHOD_OVERRIDES.iter().any(|m| m.eq_ignore_ascii_case(name))
        && value
            .split(',')
            .any(|v| is_forbidden_method(trim_http_whitespace(v)))
}

const fn byte_table(unsafe_bytes: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = if unsafe_bytes {
            (b < 0x20 && b != 0x09)
                || matches!(
                    b,
                    b'"' | b'('
                        | b')'
                        | b':'
                        | b'<'
                        | b'>'
                        | b'?'
                        | b'@'
                        | b'['
                        | b'\\'
                        | b']'
                        | b'{'
                        | b'}'
                        | 0x7f
                )
        } else {
            b.is_ascii_alphanumeric() || matches!(b, b' ' | b'*' | b',' | b'-' | b'.' | b';' | b'=')
        };
        i += 1;
    }
    table
}

const UNSAFE_BYTES: [bool; 256] = byte_table(true);
const LANGUAGE_BYTES: [bool; 256] = byte_table(false);

/// Fetch "CORS-unsafe request-header byte".
pub fn is_cors_unsafe_byte(b: u8) -> bool {
    UNSAFE_BYTES[b as usize]
}

/// Why a single header is not CORS-safelisted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HeaderVerdict {
    /// Safelisted.
    Safelisted,
    /// Forbidden: the engine ignores it in the preflight decision.
    Forbidden,
    /// The name is not on the safelist.
    NotSafelistedName,
    /// The value exceeds 128 bytes.
    TooLong,
    /// The value contains a CORS-unsafe byte.
    UnsafeByte(u8),
    /// The value does not satisfy the name's rule (MIME essence, language charset, range).
    BadValue,
}

/// Fetch "CORS-safelisted request-header" for one (name, value), with the profile's extras.
pub fn header_verdict(name: &str, value: &str, profile: &BrowserProfile) -> HeaderVerdict {
    let bytes = name.as_bytes();
    // The spec's safelisted names, by length, then one comparison (no lowercase copy).
    let spec = match bytes.len() {
        5 => Some(SpecName::Range).filter(|_| eq_lower_name(bytes, b"range")),
        6 => Some(SpecName::Accept).filter(|_| eq_lower_name(bytes, b"accept")),
        12 => Some(SpecName::ContentType).filter(|_| eq_lower_name(bytes, b"content-type")),
        15 => Some(SpecName::Language).filter(|_| eq_lower_name(bytes, b"accept-language")),
        16 => Some(SpecName::Language).filter(|_| eq_lower_name(bytes, b"content-language")),
        _ => None,
    };
    let extra = match spec {
        Some(_) => None,
        None => profile
            .extra_safelisted_headers
            .iter()
            .find(|(n, _)| eq_lower_name(bytes, n.as_bytes()))
            .map(|(_, rule)| *rule),
    };
    if spec.is_none() && extra.is_none() {
        // Not on any safelist: forbidden (ignored) or CORS-unsafe. Safelisted names are never
        // forbidden, so the forbidden scan only runs here.
        let forbidden = is_forbidden_request_header(name, value)
            || profile
                .extra_forbidden_headers
                .iter()
                .any(|f| f.eq_ignore_ascii_case(name));
        return if forbidden {
            HeaderVerdict::Forbidden
        } else {
            HeaderVerdict::NotSafelistedName
        };
    }
    let value = trim_http_whitespace(value);
    if value.len() > MAX_SAFELISTED_VALUE {
        return HeaderVerdict::TooLong;
    }
    match (extra, spec) {
        (Some(rule), _) => verdict_from(extra_value_ok(rule, value)),
        (None, Some(name)) => spec_value_verdict(name, value),
        (None, None) => HeaderVerdict::NotSafelistedName,
    }
}

/// The spec's CORS-safelisted request-header names, grouped by value rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SpecName {
    Accept,
    Language,
    ContentType,
    Range,
}

fn verdict_from(ok: bool) -> HeaderVerdict {
    if ok {
        HeaderVerdict::Safelisted
    } else {
        HeaderVerdict::BadValue
    }
}

fn first_unsafe_byte(value: &str) -> Option<u8> {
    value.bytes().find(|b| is_cors_unsafe_byte(*b))
}

fn spec_value_verdict(name: SpecName, value: &str) -> HeaderVerdict {
    match name {
        SpecName::Accept => {
            first_unsafe_byte(value).map_or(HeaderVerdict::Safelisted, HeaderVerdict::UnsafeByte)
        }
        SpecName::Language => verdict_from(value.bytes().all(is_language_byte)),
        SpecName::ContentType => match first_unsafe_byte(value) {
            Some(b) => HeaderVerdict::UnsafeByte(b),
            None => verdict_from(mime_essence_is_safelisted(value)),
        },
        SpecName::Range => verdict_from(is_simple_range(value)),
    }
}

fn is_language_byte(b: u8) -> bool {
    LANGUAGE_BYTES[b as usize]
}

/// The safelisted essences for `Content-Type`.
pub const SAFELISTED_CONTENT_TYPES: [&str; 3] = [
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
];

/// WHATWG "parse a MIME type" up to the essence: `(type, subtype)` or `None` on failure
/// (parameters never make parsing fail).
pub fn parse_mime_essence(value: &str) -> Option<(&str, &str)> {
    let value = trim_http_whitespace(value);
    let slash = value.bytes().position(|b| b == b'/')?;
    let (ty, rest) = (&value[..slash], &value[slash + 1..]);
    let semi = rest.bytes().position(|b| b == b';').unwrap_or(rest.len());
    let subtype = trim_http_whitespace_end(&rest[..semi]);
    (is_token(ty) && is_token(subtype)).then_some((ty, subtype))
}

fn trim_http_whitespace_end(value: &str) -> &str {
    let b = value.as_bytes();
    let mut e = b.len();
    while e > 0 && matches!(b[e - 1], b' ' | b'\t' | b'\n' | b'\r') {
        e -= 1;
    }
    &value[..e]
}

fn mime_essence_is_safelisted(value: &str) -> bool {
    parse_mime_essence(value).is_some_and(|(ty, sub)| {
        SAFELISTED_CONTENT_TYPES.iter().any(|ess| {
            let (t, s) = ess.split_once('/').unwrap_or_default();
            t.eq_ignore_ascii_case(ty) && s.eq_ignore_ascii_case(sub)
        })
    })
}

/// Fetch "simple range header value": `bytes=START-[END]`, one range, no whitespace,
/// start ≤ end (numbers that overflow 64 bits are rejected, as engines do).
pub fn is_simple_range(value: &str) -> bool {
    let Some(spec) = value.strip_prefix("bytes=") else {
        return false;
    };
    let Some((start, end)) = spec.split_once('-') else {
        return false;
    };
    let Some(start) = parse_digits(start) else {
        return false;
    };
    end.is_empty() || parse_digits(end).is_some_and(|end| start <= end)
}

fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn extra_value_ok(rule: ExtraValueRule, value: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match rule {
        ExtraValueRule::Any => true,
        ExtraValueRule::Digits => digits(value),
        ExtraValueRule::Decimal => match value.split_once('.') {
            Some((i, f)) => digits(i) && digits(f),
            None => digits(value),
        },
        ExtraValueRule::Ect => matches!(value, "slow-2g" | "2g" | "3g" | "4g"),
        ExtraValueRule::On => value == "on",
    }
}

/// Fetch "CORS-unsafe request-header names": lowercase, deduplicated, byte-sorted.
pub fn unsafe_header_names(headers: &[(String, String)], profile: &BrowserProfile) -> Vec<String> {
    let mut unsafe_names: Vec<String> = Vec::new();
    let mut safelisted_total = 0usize;
    let mut safelisted: Vec<&str> = Vec::new();
    for (name, value) in headers {
        match header_verdict(name, value, profile) {
            HeaderVerdict::Forbidden => {}
            HeaderVerdict::Safelisted => {
                safelisted_total += trim_http_whitespace(value).len();
                safelisted.push(name);
            }
            _ => unsafe_names.push(name.to_ascii_lowercase()),
        }
    }
    if safelisted_total > MAX_SAFELISTED_TOTAL {
        unsafe_names.extend(safelisted.iter().map(|n| n.to_ascii_lowercase()));
    }
    unsafe_names.sort_unstable();
    unsafe_names.dedup();
    unsafe_names
}

/// Whether a CORS request needs a preflight: the flag, an unsafe method, or unsafe headers.
pub fn needs_preflight(method: &str, unsafe_names: &[String], use_cors_preflight: bool) -> bool {
    use_cors_preflight || !is_cors_safelisted_method(method) || !unsafe_names.is_empty()
}

/// Whether `req` is cross-origin (CORS applies). Unparsable URLs count as cross-origin.
pub fn is_cross_origin(req: &CorsRequest) -> bool {
    match (Origin::parse(&req.origin), Origin::parse(&req.url)) {
        (Ok(page), Ok(target)) => !page.same_origin(&target),
        _ => true,
    }
}

/// Classifies a script's request for `engine`: the preflight decision with its reasons.
pub fn classify(req: &CorsRequest, engine: Engine) -> Classification {
    classify_with(req, BrowserProfile::of(engine), is_cross_origin(req))
}

/// [`classify`] when the caller already knows whether the request is cross-origin.
pub fn classify_with(req: &CorsRequest, profile: &BrowserProfile, cross_origin: bool) -> Classification {
    let method = normalize_method(&req.method);
    if !cross_origin {
        return Classification {
            preflight: false,
            reasons: Vec::new(),
            unsafe_header_names: Vec::new(),
            method,
            cross_origin: false,
        };
    }
    let unsafe_header_names = unsafe_header_names(&req.headers, profile);
    let reasons = reasons(
        &method,
        &req.headers,
        &unsafe_header_names,
        req.use_cors_preflight,
        profile,
    );
    Classification {
        preflight: !reasons.is_empty(),
        reasons,
        unsafe_header_names,
        method,
        cross_origin: true,
    }
}

fn reasons(
    method: &str,
    headers: &[(String, String)],
    unsafe_names: &[String],
    flag: bool,
    profile: &BrowserProfile,
) -> Vec<Reason> {
    let mut out = Vec::new();
    if !is_cors_safelisted_method(method) {
        let detail = format!("{method} is not a CORS-safelisted method (only GET, HEAD, POST)");
        out.push(Reason {
            kind: ReasonKind::Method,
            name: Some(method.to_owned()),
            detail,
        });
    }
    let mut seen: Vec<String> = Vec::new();
    let mut total = false;
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        if !unsafe_names.contains(&lower) || seen.contains(&lower) {
            continue;
        }
        let verdict = header_verdict(name, value, profile);
        if verdict == HeaderVerdict::Safelisted {
            total = true;
            continue;
        }
        seen.push(lower.clone());
        let detail = header_detail(name, trim_http_whitespace(value), verdict);
        out.push(Reason {
            kind: ReasonKind::Header,
            name: Some(lower),
            detail,
        });
    }
    if total {
        let sum: usize = headers
            .iter()
            .filter(|(n, v)| header_verdict(n, v, profile) == HeaderVerdict::Safelisted)
            .map(|(_, v)| trim_http_whitespace(v).len())
            .sum();
        let detail = format!("the CORS-safelisted headers' values total {sum} bytes, over the {MAX_SAFELISTED_TOTAL}-byte limit, so all of them count as unsafe");
        out.push(Reason {
            kind: ReasonKind::TotalSize,
            name: None,
            detail,
        });
    }
    if flag {
        let detail =
            "the use-CORS-preflight flag is set (XHR upload listeners or a ReadableStream body)".to_owned();
        out.push(Reason {
            kind: ReasonKind::Flag,
            name: None,
            detail,
        });
    }
    out
}

fn header_detail(name: &str, value: &str, verdict: HeaderVerdict) -> String {
    let lower = name.to_ascii_lowercase();
    match verdict {
        HeaderVerdict::NotSafelistedName => format!("{name} is not a CORS-safelisted request-header"),
        HeaderVerdict::TooLong => format!(
            "{name} value is {} bytes; a CORS-safelisted value is at most {MAX_SAFELISTED_VALUE}",
            value.len()
        ),
        HeaderVerdict::UnsafeByte(b) => format!("{name} value contains the CORS-unsafe byte 0x{b:02X}"),
        _ if lower == "content-type" => format!(
            "{name}: {value} is not a CORS-safelisted value (only application/x-www-form-urlencoded, multipart/form-data, text/plain)"
        ),
        _ if lower == "range" => format!("{name}: {value} is not a single `bytes=start-[end]` range"),
        _ if lower.ends_with("language") => {
            format!("{name}: {value} has a byte outside 0-9 A-Z a-z space * , - . ; =")
        }
        _ => format!("{name}: {value} is not a CORS-safelisted value"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Credentials, Initiator, RedirectMode};

    fn spec() -> &'static BrowserProfile {
        BrowserProfile::of(Engine::Spec)
    }

    #[test]
    fn methods() {
        let cases = [
            ("get", "GET"),
            ("Delete", "DELETE"),
            ("patch", "patch"),
            ("PATCH", "PATCH"),
            ("chicken", "chicken"),
            ("options", "OPTIONS"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_method(input), want);
        }
        assert!(is_cors_safelisted_method("POST"));
        assert!(!is_cors_safelisted_method("post"));
        assert!(is_forbidden_method("Track"));
    }

    #[test]
    fn safelisted_values() {
        let long = format!("text/plain;{}", "a".repeat(117));
        let too_long = format!("text/plain;{}", "a".repeat(118));
        let cases: Vec<(&str, &str, bool)> = vec![
            ("Accept", "*/*", true),
            ("Accept", "\"x\"", false),
            ("Accept-Language", "fr-CH, fr;q=0.9", true),
            ("Content-Language", "en_US", false),
            ("content-language", "@", false),
            ("Content-Type", "text/plain;charset=UTF-8", true),
            ("Content-Type", "Text/Plain;charset=utf-8", true),
            ("Content-Type", "text/plain;garbage", true),
            ("Content-Type", "text/plain;", true),
            ("Content-Type", "multipart/form-data; boundary=x", true),
            ("Content-Type", "application/json", false),
            ("Content-Type", "text /plain", false),
            ("Content-Type", "text\t/\tplain", false),
            ("Content-Type", "text/plain,", false),
            ("Content-Type", ",text/plain", false),
            ("Content-Type", "text/plain, application/json", false),
            ("Content-Type", "application/www-form-urlencoded", false),
            ("Content-Type", "multipart/form-data;\"", false),
            ("Content-Type", "text/plain; charset=\"utf-8\"", false),
            ("Content-Type", "text", false),
            ("Content-Type", &long, true),
            ("Content-Type", &too_long, false),
            ("Range", "bytes=0-10", true),
            ("Range", "bytes=200-", true),
            ("Range", "bytes=-200", false),
            ("Range", "bytes=200-100", false),
            ("Range", "Bytes=1-2", false),
            ("Range", "bytes=1-2,3-4", false),
            ("Range", "bytes= 1-2", false),
            (
                "Range",
                "bytes=1000000000000000000000000-2000000000000000000000000",
                false,
            ),
            ("X-Custom", "1", false),
            ("x-force-preflight", "", false),
            ("Authorization", "Bearer x", false),
            ("Save-Data", "on", false),
        ];
        for (name, value, want) in cases {
            let got = header_verdict(name, value, spec()) == HeaderVerdict::Safelisted;
            assert_eq!(got, want, "{name}: {value:?}");
        }
    }

    #[test]
    fn byte_tables_match_the_spec_lists() {
        let unsafe_listed = b"\"():<>?@[\\]{}\x7f";
        let language_extra = b" *,-.;=";
        for b in 0..=255u8 {
            let want = (b < 0x20 && b != 0x09) || unsafe_listed.contains(&b);
            assert_eq!(is_cors_unsafe_byte(b), want, "{b:#x}");
            assert_eq!(
                is_language_byte(b),
                b.is_ascii_alphanumeric() || language_extra.contains(&b),
                "{b:#x}"
            );
        }
    }

    #[test]
    fn chromium_extras() {
        let chromium = BrowserProfile::of(Engine::Chromium);
        let cases = [
            ("Save-Data", "on", true),
            ("Save-Data", "off", false),
            ("DPR", "2.5", true),
            ("DPR", "", false),
            ("Width", "100", true),
            ("Width", "1.5", false),
            ("ECT", "4g", true),
            ("ECT", "6g", false),
            ("Intervention", "anything", true),
        ];
        for (name, value, want) in cases {
            assert_eq!(
                header_verdict(name, value, chromium) == HeaderVerdict::Safelisted,
                want,
                "{name}: {value}"
            );
        }
        assert_eq!(
            header_verdict("User-Agent", "x", chromium),
            HeaderVerdict::Forbidden
        );
        assert_eq!(
            header_verdict("User-Agent", "x", spec()),
            HeaderVerdict::NotSafelistedName
        );
    }

    #[test]
    fn table_names_suit_the_word_comparison() {
        // `eq_lower_name` needs patterns made of a-z, 0-9 and '-'.
        let ok = |n: &str| {
            n.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        for e in [Engine::Spec, Engine::Chromium, Engine::Firefox, Engine::Webkit] {
            for (n, _) in BrowserProfile::of(e).extra_safelisted_headers {
                assert!(ok(n), "{n}");
                let upper = n.to_ascii_uppercase();
                assert!(
                    header_verdict(&upper, "x", BrowserProfile::of(e)) != HeaderVerdict::NotSafelistedName
                );
            }
        }
        for (a, b, want) in [
            ("Content-Type", "content-type", true),
            ("CONTENT-LANGUAGE", "content-language", true),
            ("content\rtype", "content-type", false),
            ("content-typf", "content-type", false),
            ("Access-Control-Allow-Origin", "access-control-allow-origin", true),
            ("Access-Control-Allow-OrigiN", "access-control-allow-origin", true),
            (
                "Access-Control-Allow_Origin",
                "access-control-allow-origin",
                false,
            ),
            (
                "Access-Control-Allow-Origin\u{0}",
                "access-control-allow-origin",
                false,
            ),
            ("dpr", "dpr", true),
            ("DpR", "dpr", true),
            ("d\rr", "dpr", false),
        ] {
            assert_eq!(eq_lower_name(a.as_bytes(), b.as_bytes()), want, "{a:?} {b}");
        }
    }

    #[test]
    fn forbidden() {
        for (n, v, want) in [
            ("Cookie", "a=b", true),
            ("Sec-Fetch-Mode", "cors", true),
            ("Proxy-Authorization", "x", true),
            ("X-HTTP-Method-Override", "trace", true),
            ("X-HTTP-Method-Override", "PUT", false),
            ("X-Custom", "1", false),
        ] {
            assert_eq!(is_forbidden_request_header(n, v), want, "{n}");
        }
    }

    #[test]
    fn unsafe_names_sorted_dedup_lowercase() {
        let h = |l: &[(&str, &str)]| {
            l.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        };
        let names = unsafe_header_names(
            &h(&[
                ("X-B", "1"),
                ("x-a-", "1"),
                ("x-a1", "1"),
                ("X-b", "2"),
                ("Accept", "*/*"),
            ]),
            spec(),
        );
        assert_eq!(names, ["x-a-", "x-a1", "x-b"]);
        let big = "a".repeat(100);
        let many: Vec<(String, String)> = (0..11).map(|_| ("Accept".to_owned(), big.clone())).collect();
        assert_eq!(unsafe_header_names(&many, spec()), ["accept"]);
    }

    #[test]
    fn classify_reasons() {
        let req = CorsRequest {
            url: "https://api.example/x".into(),
            origin: "https://app.example".into(),
            method: "put".into(),
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("X-Custom".into(), "1".into()),
            ],
            credentials: Credentials::Include,
            redirect: RedirectMode::Follow,
            initiator: Initiator::Fetch,
            use_cors_preflight: false,
        };
        let c = classify(&req, Engine::Spec);
        assert!(c.preflight);
        assert_eq!(c.method, "PUT");
        assert_eq!(c.unsafe_header_names, ["content-type", "x-custom"]);
        assert_eq!(c.reasons.len(), 3);
        assert_eq!(
            c.reasons[1].detail,
            "Content-Type: application/json is not a CORS-safelisted value (only application/x-www-form-urlencoded, multipart/form-data, text/plain)"
        );
        let same = CorsRequest {
            url: "https://app.example/y".into(),
            ..req
        };
        let c = classify(&same, Engine::Spec);
        assert!(!c.preflight && !c.cross_origin && c.reasons.is_empty());
    }
}

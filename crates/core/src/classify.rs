//! Request classification: does this request need a CORS-preflight, and why.
//!
//! Contract: implements Fetch's "CORS-safelisted method", "method normalize", "forbidden
//! method", "forbidden request-header", "CORS-safelisted request-header" (with "CORS-unsafe
//! request-header byte", "parse a MIME type" and "simple range header value") and
//! "CORS-unsafe request-header names", plus each engine's extras from its
//! [`BrowserProfile`]. [`classify`] explains the decision; [`cors_unsafe_names`] is the
//! allocation-free core (the names borrowed from the request, [`UnsafeNames`]) and
//! [`unsafe_header_names`] its owned form, which the fetch driver recomputes at every redirect
//! hop. Names on no list are recognised by one table lookup (length and initial, with the
//! profile's [`name_filter_bit`]) before any comparison.

use crate::http::{
    eq_lower_lit, eq_lower_name, fold_word, load_short, short_word, tchar_run_end, trim_http_whitespace,
};
use crate::model::{CorsRequest, Engine};
use crate::origin::Origin;
use crate::profile::{name_filter_bit, BrowserProfile, ExtraValueRule};
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

/// [`normalize_method`] without allocating: the uppercase name or `method` itself. The length
/// picks the one or two candidates among the six names; the method, read as one word with
/// each byte's 0x20 bit set (a letter's lowercase; no other byte becomes a letter), is
/// compared with their lowercase words.
#[inline]
pub fn normalized_method(method: &str) -> &str {
    const fn lower(name: &str) -> u64 {
        short_word(name.as_bytes())
    }
    const GET: u64 = lower("get");
    const PUT: u64 = lower("put");
    const HEAD: u64 = lower("head");
    const POST: u64 = lower("post");
    const DELETE: u64 = lower("delete");
    const OPTIONS: u64 = lower("options");
    let b = method.as_bytes();
    match b.len() {
        3 => match load_short(b) | 0x20_2020 {
            GET => "GET",
            PUT => "PUT",
            _ => method,
        },
        4 => match load_short(b) | 0x2020_2020 {
            HEAD => "HEAD",
            POST => "POST",
            _ => method,
        },
        6 if load_short(b) | 0x2020_2020_2020 == DELETE => "DELETE",
        7 if load_short(b) | 0x20_2020_2020_2020 == OPTIONS => "OPTIONS",
        _ => method,
    }
}

/// Fetch's forbidden request-header names, as the spec lists them.
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

/// Whether `name` is one of [`FORBIDDEN_NAMES`]: a length switch, then at most four
/// word comparisons (the test `forbidden_switch_matches_the_table` keeps both in step).
fn is_forbidden_name(name: &str) -> bool {
    let candidates: &[&str] = match name.len() {
        2 => &["te"],
        3 => &["dnt", "via"],
        4 => &["date", "host"],
        6 => &["cookie", "expect", "origin"],
        7 => &["cookie2", "referer", "trailer", "upgrade"],
        10 => &["connection", "keep-alive", "set-cookie"],
        14 => &["accept-charset", "content-length"],
        15 => &["accept-encoding"],
        17 => &["transfer-encoding"],
        29 => &["access-control-request-method"],
        30 => &["access-control-request-headers"],
        _ => return false,
    };
    candidates
        .iter()
        .any(|f| eq_lower_name(name.as_bytes(), f.as_bytes()))
}

const METHOD_OVERRIDES: &[&str] = &["x-http-method", "x-http-method-override", "x-method-override"];

/// Fetch "forbidden request-header" (scripts cannot set these; they never reach the list).
pub fn is_forbidden_request_header(name: &str, value: &str) -> bool {
    let bytes = name.as_bytes();
    if has_forbidden_prefix(bytes) || is_forbidden_name(name) {
        return true;
    }
    is_method_override(bytes)
        && value
            .split(',')
            .any(|v| is_forbidden_method(trim_http_whitespace(v)))
}

/// Fetch's forbidden prefixes: `proxy-` and `sec-`, in any case.
fn has_forbidden_prefix(name: &[u8]) -> bool {
    match name.first().map(|b| b | 0x20) {
        Some(b'p') => name.len() >= 6 && eq_lower_lit(&name[..6], b"proxy-"),
        Some(b's') => name.len() >= 4 && eq_lower_lit(&name[..4], b"sec-"),
        _ => false,
    }
}

/// The spec's CORS-safelisted request-header names.
const SAFELISTED_NAMES: [&str; 5] = [
    "accept",
    "accept-language",
    "content-language",
    "content-type",
    "range",
];

/// For each name length modulo 32, one bit per initial (`& 31`, so either case) of the names
/// the spec lists at that length (safelisted, forbidden, method overrides), and in every
/// entry `p` and `s`, the initials of the forbidden prefixes `proxy-` and `sec-`: a name whose
/// bit is clear is on none of the spec's lists.
const SPEC_INITIALS: [u32; 32] = spec_initials();

const fn spec_initials() -> [u32; 32] {
    let lists: [&[&str]; 3] = [&SAFELISTED_NAMES, FORBIDDEN_NAMES, METHOD_OVERRIDES];
    let mut table = [1 << (b'p' & 31) | 1 << (b's' & 31); 32];
    let mut l = 0;
    while l < lists.len() {
        let mut i = 0;
        while i < lists[l].len() {
            let name = lists[l][i].as_bytes();
            table[name.len() % 32] |= 1 << (name[0] & 31);
            i += 1;
        }
        l += 1;
    }
    table
}

/// Whether `name` may be on a spec list, a forbidden-prefixed name, or on one of the
/// profile's lists: one table lookup by length and initial, and the profile's
/// [`name_filter_bit`]. Most names a script sets fail both.
#[inline(always)]
fn maybe_listed(name: &[u8], profile: &BrowserProfile) -> bool {
    let initial = name.first().map_or(0, |b| b & 31);
    let spec = SPEC_INITIALS[name.len() % 32] >> initial & 1 != 0;
    // Both tests, without a branch between them (they share the first byte's load).
    spec | (profile.extra_name_filter & name_filter_bit(name) != 0)
}

/// One of [`METHOD_OVERRIDES`] (all start with `x-` and are 13..=22 bytes).
fn is_method_override(name: &[u8]) -> bool {
    (13..=22).contains(&name.len()) && METHOD_OVERRIDES.iter().any(|m| eq_lower_name(name, m.as_bytes()))
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
#[inline]
pub fn header_verdict(name: &str, value: &str, profile: &BrowserProfile) -> HeaderVerdict {
    if !maybe_listed(name.as_bytes(), profile) {
        return HeaderVerdict::NotSafelistedName;
    }
    listed_header_verdict(name, value, profile)
}

/// [`header_verdict`] for a name that may be on a list.
fn listed_header_verdict(name: &str, value: &str, profile: &BrowserProfile) -> HeaderVerdict {
    let Some(rule) = safelist_rule(name.as_bytes(), profile) else {
        return if is_ignored_header(name, value, profile) {
            HeaderVerdict::Forbidden
        } else {
            HeaderVerdict::NotSafelistedName
        };
    };
    let value = trim_http_whitespace(value);
    if value.len() > MAX_SAFELISTED_VALUE {
        return HeaderVerdict::TooLong;
    }
    match rule {
        ValueRule::Spec(name) => spec_value_verdict(name, value),
        ValueRule::Extra(rule) => verdict_from(extra_value_ok(rule, value)),
    }
}

/// How one header counts in "CORS-unsafe request-header names": ignored (forbidden), a
/// CORS-safelisted request-header (with its trimmed value's length, for the 1024-byte total),
/// or CORS-unsafe. Exactly [`header_verdict`] with the unsafe verdicts merged (the test
/// `header_class_matches_header_verdict` holds them together), so that a failing value need
/// not say why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeaderClass {
    Forbidden,
    Safelisted(usize),
    Unsafe,
}

/// [`header_verdict`] as a [`HeaderClass`].
#[inline(always)]
fn header_class(name: &str, value: &str, profile: &BrowserProfile) -> HeaderClass {
    if !maybe_listed(name.as_bytes(), profile) {
        return HeaderClass::Unsafe;
    }
    listed_header_class(name, value, profile)
}

/// [`header_class`] for a name that may be on a list: `Content-Type` here, the other names
/// out of line.
#[inline(always)]
fn listed_header_class(name: &str, value: &str, profile: &BrowserProfile) -> HeaderClass {
    match spec_safelisted_name(name.as_bytes()) {
        Some(SpecName::ContentType) => {
            let value = trim_http_whitespace(value);
            // The essence first: most unsafe Content-Types fail it without a byte scan.
            if value.len() <= MAX_SAFELISTED_VALUE
                && has_safelisted_essence(value.as_bytes())
                && first_unsafe_byte(value).is_none()
            {
                HeaderClass::Safelisted(value.len())
            } else {
                HeaderClass::Unsafe
            }
        }
        Some(spec) => value_class(ValueRule::Spec(spec), value),
        None => other_header_class(name, value, profile),
    }
}

/// [`header_class`] for a name on none of the spec's safelists: one of the profile's extras,
/// forbidden (ignored), or CORS-unsafe.
#[inline(never)]
fn other_header_class(name: &str, value: &str, profile: &BrowserProfile) -> HeaderClass {
    match extra_rule(name.as_bytes(), profile) {
        Some(rule) => value_class(rule, value),
        None if is_ignored_header(name, value, profile) => HeaderClass::Forbidden,
        None => HeaderClass::Unsafe,
    }
}

/// [`header_class`] for a safelisted name with `rule`, by its value.
#[inline(never)]
fn value_class(rule: ValueRule, value: &str) -> HeaderClass {
    let value = trim_http_whitespace(value);
    let safelisted = value.len() <= MAX_SAFELISTED_VALUE
        && match rule {
            ValueRule::Spec(name) => spec_value_verdict(name, value) == HeaderVerdict::Safelisted,
            ValueRule::Extra(rule) => extra_value_ok(rule, value),
        };
    if safelisted {
        HeaderClass::Safelisted(value.len())
    } else {
        HeaderClass::Unsafe
    }
}

/// The value rule of a CORS-safelisted request-header name: the spec's names first, then the
/// profile's extras.
#[inline]
fn safelist_rule(name: &[u8], profile: &BrowserProfile) -> Option<ValueRule> {
    match spec_safelisted_name(name) {
        Some(spec) => Some(ValueRule::Spec(spec)),
        None => extra_rule(name, profile),
    }
}

/// The spec's CORS-safelisted request-header names, by length and one word comparison (no
/// lowercase copy).
#[inline(always)]
fn spec_safelisted_name(name: &[u8]) -> Option<SpecName> {
    match name.len() {
        5 => Some(SpecName::Range).filter(|_| eq_lower_lit(name, b"range")),
        6 => Some(SpecName::Accept).filter(|_| eq_lower_lit(name, b"accept")),
        12 => Some(SpecName::ContentType).filter(|_| eq_lower_lit(name, b"content-type")),
        15 => Some(SpecName::Language).filter(|_| eq_lower_lit(name, b"accept-language")),
        16 => Some(SpecName::Language).filter(|_| eq_lower_lit(name, b"content-language")),
        _ => None,
    }
}

/// The rule of one of the profile's extra CORS-safelisted request-headers, if `name` is one
/// (scanned only when one shares this name's [`name_filter_bit`]).
#[inline]
fn extra_rule(name: &[u8], profile: &BrowserProfile) -> Option<ValueRule> {
    if profile.extra_name_filter & name_filter_bit(name) == 0 {
        return None;
    }
    profile
        .extra_safelisted_headers
        .iter()
        .find(|(n, _)| eq_lower_name(name, n.as_bytes()))
        .map(|(_, rule)| ValueRule::Extra(*rule))
}

/// Whether a name on no safelist is left out of the decision: a forbidden request-header, or
/// one of the profile's extra forbidden names. (Safelisted names are never forbidden, so this
/// only runs for the others.)
fn is_ignored_header(name: &str, value: &str, profile: &BrowserProfile) -> bool {
    let bytes = name.as_bytes();
    is_forbidden_request_header(name, value)
        || (profile.extra_name_filter & name_filter_bit(bytes) != 0
            && profile
                .extra_forbidden_headers
                .iter()
                .any(|f| eq_lower_name(bytes, f.as_bytes())))
}

/// Which value rule a CORS-safelisted request-header name has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueRule {
    Spec(SpecName),
    Extra(ExtraValueRule),
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
            None => verdict_from(has_safelisted_essence(value.as_bytes())),
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
    // One pass: a token, `/`, a token, then HTTP whitespace up to `;` or the end.
    let value = trim_http_whitespace(value);
    let b = value.as_bytes();
    let slash = tchar_run_end(b, 0);
    if slash == 0 || b.get(slash) != Some(&b'/') {
        return None;
    }
    let end = tchar_run_end(b, slash + 1);
    let after = b[end..]
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        .map(|p| b[end + p]);
    (end > slash + 1 && matches!(after, None | Some(b';'))).then(|| (&value[..slash], &value[slash + 1..end]))
}

/// Whether `value` (trimmed of HTTP whitespace) parses to one of [`SAFELISTED_CONTENT_TYPES`]
/// ("parse a MIME type", essence only): the initial picks the one candidate, spelled out in
/// any case, and after it comes nothing or HTTP whitespace up to `;` (a tchar would lengthen
/// the subtype, anything else fails the parse). The test `essence_check_matches_the_parser`
/// holds it to [`parse_mime_essence`].
#[inline(always)]
fn has_safelisted_essence(value: &[u8]) -> bool {
    let rest = match value.first().map(|b| b | 0x20) {
        Some(b'a') => strip_essence(value, b"application", b"x-www-form-urlencoded"),
        Some(b'm') => strip_essence(value, b"multipart", b"form-data"),
        Some(b't') => strip_essence(value, b"text", b"plain"),
        _ => None,
    };
    rest.is_some_and(|rest| {
        matches!(
            rest.iter().find(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r')),
            None | Some(b';')
        )
    })
}

/// What follows `type/subtype` (in any case) at the start of `value`, if it starts so.
#[inline(always)]
fn strip_essence<'v, const T: usize, const S: usize>(
    value: &'v [u8],
    ty: &[u8; T],
    subtype: &[u8; S],
) -> Option<&'v [u8]> {
    if value.len() < T + 1 + S {
        return None;
    }
    let (head, rest) = value.split_at(T + 1 + S);
    (eq_lower_lit(&head[..T], ty) && head[T] == b'/' && eq_lower_lit(&head[T + 1..], subtype)).then_some(rest)
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

/// Fetch "CORS-unsafe request-header names": lowercase, deduplicated, byte-sorted (the owned
/// form of [`cors_unsafe_names`]).
pub fn unsafe_header_names(headers: &[(String, String)], profile: &BrowserProfile) -> Vec<String> {
    cors_unsafe_names(headers, profile).to_lowercase_vec()
}

/// Fetch "CORS-unsafe request-header names" without allocating for up to six names: the
/// names borrowed from `headers`, ordered and deduplicated as their lowercase forms.
// No `#[inline]`: one call keeps the loop's registers to itself and its callers small.
pub fn cors_unsafe_names<'a>(headers: &'a [(String, String)], profile: &BrowserProfile) -> UnsafeNames<'a> {
    // The parts of an `UnsafeNames`, apart while the list is built: the count stays in a
    // register.
    let mut inline = [""; INLINE_NAMES];
    let mut len = 0;
    let mut spilled = Vec::new();
    let mut safelisted_total = 0usize;
    for (name, value) in headers {
        match header_class(name, value, profile) {
            HeaderClass::Forbidden => {}
            HeaderClass::Safelisted(value_len) => safelisted_total += value_len,
            HeaderClass::Unsafe if len < INLINE_NAMES => len = insert_inline(&mut inline, len, name),
            HeaderClass::Unsafe => spilled = insert_spilled(&inline, spilled, name),
        }
    }
    if safelisted_total > MAX_SAFELISTED_TOTAL {
        return UnsafeNames::over_total(inline, len, spilled, headers, profile);
    }
    UnsafeNames { inline, len, spilled }
}

/// Adds `name` to the `len` sorted names in `inline` unless the same name (in any case) is
/// there already, and returns the new count (`len` < [`INLINE_NAMES`]): one insertion-sort
/// step from the end (requests set a handful of headers, often in order), moving greater
/// names up as it goes and comparing first words ([`first_word`], computed once for `name`).
#[inline(always)]
fn insert_inline<'a>(inline: &mut [&'a str; INLINE_NAMES], len: usize, name: &'a str) -> usize {
    let mut hole = len;
    if len > 0 {
        let word = first_word(name.as_bytes());
        while hole > 0 {
            let before = inline[hole - 1];
            let order = match first_word(before.as_bytes()) {
                w if w > word => std::cmp::Ordering::Greater,
                w if w < word => std::cmp::Ordering::Less,
                _ => cmp_lowercase_rest(before.as_bytes(), name.as_bytes()),
            };
            match order {
                std::cmp::Ordering::Greater => inline[hole] = before,
                std::cmp::Ordering::Equal => return close_hole(inline, len, hole),
                std::cmp::Ordering::Less => break,
            }
            hole -= 1;
        }
    }
    inline[hole] = name;
    len + 1
}

/// Undoes [`insert_inline`]'s moves for a name already there: the names above `hole` move
/// back down, and the slot past the last name is empty again. Returns `len`.
#[cold]
#[inline(never)]
fn close_hole(inline: &mut [&str; INLINE_NAMES], len: usize, hole: usize) -> usize {
    inline.copy_within(hole + 1..=len, hole);
    inline[len] = "";
    len
}

/// [`insert_inline`] past the inline capacity: `spilled` (filled from the full `inline` on
/// the first call) with `name` at its place.
#[cold]
#[inline(never)]
fn insert_spilled<'a>(
    inline: &[&'a str; INLINE_NAMES],
    mut spilled: Vec<&'a str>,
    name: &'a str,
) -> Vec<&'a str> {
    if spilled.is_empty() {
        spilled.extend_from_slice(inline);
    }
    if let Err(pos) = spilled.binary_search_by(|n| cmp_lowercase(n, name)) {
        spilled.insert(pos, name);
    }
    spilled
}

/// How many names [`UnsafeNames`] holds before it allocates.
const INLINE_NAMES: usize = 6;

/// The CORS-unsafe request-header names borrowed from a request's header list: spelled as the
/// script spelled them, in the byte order of their lowercase forms, unique
/// ASCII-case-insensitively, so `n.to_ascii_lowercase()` over [`UnsafeNames::as_slice`] is
/// exactly the spec's list. Up to six names live inline (no allocation).
#[derive(Debug, Clone, Default)]
pub struct UnsafeNames<'a> {
    inline: [&'a str; INLINE_NAMES],
    /// Names in `inline`; unused once `spilled` holds them all.
    len: usize,
    spilled: Vec<&'a str>,
}

impl<'a> UnsafeNames<'a> {
    /// The names, in order.
    pub fn as_slice(&self) -> &[&'a str] {
        if self.spilled.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spilled
        }
    }

    /// Whether there is no unsafe name.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// The spec's list: lowercase, owned.
    pub fn to_lowercase_vec(&self) -> Vec<String> {
        self.as_slice().iter().map(|n| n.to_ascii_lowercase()).collect()
    }

    /// Adds `name` at its place unless the same name (in any case) is there already (`len`
    /// stays at [`INLINE_NAMES`] once the names are spilled).
    fn insert(&mut self, name: &'a str) {
        if self.len < INLINE_NAMES {
            self.len = insert_inline(&mut self.inline, self.len, name);
        } else {
            self.spilled = insert_spilled(&self.inline, std::mem::take(&mut self.spilled), name);
        }
    }

    /// The names when the safelisted values total over 1024 bytes: every safelisted header is
    /// CORS-unsafe too (rare: a second pass).
    #[cold]
    #[inline(never)]
    fn over_total(
        inline: [&'a str; INLINE_NAMES],
        len: usize,
        spilled: Vec<&'a str>,
        headers: &'a [(String, String)],
        profile: &BrowserProfile,
    ) -> UnsafeNames<'a> {
        let mut names = UnsafeNames { inline, len, spilled };
        for (name, value) in headers {
            if let HeaderClass::Safelisted(_) = header_class(name, value, profile) {
                names.insert(name);
            }
        }
        names
    }
}

/// Byte order of the ASCII-lowercase forms (the order of the sorted lowercase list): the
/// first words ([`first_word`]) decide unless they are equal.
fn cmp_lowercase(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    match first_word(a).cmp(&first_word(b)) {
        std::cmp::Ordering::Equal => cmp_lowercase_rest(a, b),
        order => order,
    }
}

/// [`cmp_lowercase`] of two names whose first words are equal.
#[inline(never)]
fn cmp_lowercase_rest(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let common = a.len().min(b.len());
    let mut at = 8;
    while at < common {
        let (x, y) = (first_word(&a[at..]), first_word(&b[at..]));
        if x != y {
            return x.cmp(&y);
        }
        at += 8;
    }
    a.len().cmp(&b.len())
}

/// The first eight bytes of `s`, lowercased ([`fold_word`]), as a big-endian word, so that
/// word order is byte order. A shorter `s` is padded with zeros, below every byte but NUL,
/// so padding only ties where the other side has NULs, and there the lengths decide (the
/// shorter is a prefix). The test `word_order_matches_byte_order` keeps the comparison equal
/// to the bytewise definition.
#[inline(always)]
fn first_word(s: &[u8]) -> u64 {
    let word = match s.first_chunk::<8>() {
        Some(w) => u64::from_le_bytes(*w),
        None => load_short(s),
    };
    fold_word(word).swap_bytes()
}

/// Whether a CORS request needs a preflight: the flag, an unsafe method, or unsafe headers
/// (`unsafe_names` owned or borrowed: only its emptiness matters).
#[inline]
pub fn needs_preflight<S: AsRef<str>>(method: &str, unsafe_names: &[S], use_cors_preflight: bool) -> bool {
    // The cheapest test first (the three are pure).
    use_cors_preflight || !unsafe_names.is_empty() || !is_cors_safelisted_method(method)
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
    use proptest::prelude::*;

    fn spec() -> &'static BrowserProfile {
        BrowserProfile::of(Engine::Spec)
    }

    #[test]
    fn normalized_method_table() {
        for (input, want) in [
            ("get", "GET"),
            ("GeT", "GET"),
            ("put", "PUT"),
            ("head", "HEAD"),
            ("Post", "POST"),
            ("delete", "DELETE"),
            ("oPtIoNs", "OPTIONS"),
            ("PATCH", "PATCH"),
            ("patch", "patch"),
            ("get\u{0}", "get\u{0}"),
            ("ge", "ge"),
            ("gets", "gets"),
            ("optionss", "optionss"),
            ("", ""),
            ("g\u{e9}t", "g\u{e9}t"),
            ("GET ", "GET "),
        ] {
            assert_eq!(normalized_method(input), want, "{input:?}");
        }
    }

    /// The borrowed list is the spec's list: lowercase forms byte-sorted and unique, inline or
    /// spilled, with the 1024-byte total rule.
    #[test]
    fn borrowed_unsafe_names() {
        let h = |l: &[(&str, &str)]| {
            l.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        };
        let lower = |names: &UnsafeNames<'_>| {
            names
                .as_slice()
                .iter()
                .map(|n| n.to_ascii_lowercase())
                .collect::<Vec<_>>()
        };
        let mixed = h(&[
            ("X-b", "1"),
            ("x-A", "1"),
            ("X-B", "2"),
            ("x-a-", "1"),
            ("Accept", "*/*"),
            ("Cookie", "a"),
        ]);
        let names = cors_unsafe_names(&mixed, spec());
        assert_eq!(names.as_slice(), ["x-A", "x-a-", "X-b"]);
        assert_eq!(names.len(), 3);
        let many: Vec<(String, String)> = (0..20)
            .rev()
            .map(|i| (format!("X-H{i:02}"), "v".to_owned()))
            .collect();
        let names = cors_unsafe_names(&many, spec());
        let mut want: Vec<String> = (0..20).map(|i| format!("x-h{i:02}")).collect();
        assert_eq!(lower(&names), want);
        let mut twice = many.clone();
        twice.extend(many.iter().map(|(n, v)| (n.to_ascii_lowercase(), v.clone())));
        assert_eq!(lower(&cors_unsafe_names(&twice, spec())), want);
        let big = "a".repeat(100);
        let mut over: Vec<(String, String)> = (0..11).map(|_| ("Accept".to_owned(), big.clone())).collect();
        over.push(("X-Z".to_owned(), "1".to_owned()));
        want = vec!["accept".to_owned(), "x-z".to_owned()];
        assert_eq!(lower(&cors_unsafe_names(&over, spec())), want);
        assert!(cors_unsafe_names(&h(&[("Accept", "*/*")]), spec()).is_empty());
        for e in [Engine::Spec, Engine::Chromium, Engine::Firefox, Engine::Webkit] {
            let p = BrowserProfile::of(e);
            for list in [&mixed, &many, &twice, &over] {
                assert_eq!(
                    unsafe_header_names(list, p),
                    lower(&cors_unsafe_names(list, p)),
                    "{e:?}"
                );
            }
        }
    }

    /// The one-pass essence parser against the definition (split at `/` and `;`, trim, two
    /// tokens).
    #[test]
    fn mime_essence_matches_the_definition() {
        fn reference(value: &str) -> Option<(&str, &str)> {
            let value = trim_http_whitespace(value);
            let (ty, rest) = value.split_once('/')?;
            let subtype = rest.split(';').next().unwrap_or_default();
            let subtype = subtype.trim_end_matches([' ', '\t', '\n', '\r']);
            (crate::http::is_token(ty) && crate::http::is_token(subtype)).then_some((ty, subtype))
        }
        for value in [
            "text/plain",
            " text/plain ",
            "text/plain;charset=x",
            "text/plain ;x",
            "text/plain\t\r\n;x",
            "text/plain x;y",
            "text /plain",
            "text/ plain",
            "/plain",
            "text/",
            "text",
            "a/b/c",
            "text//plain",
            "text/plain;",
            ";text/plain",
            "t\u{e9}xt/plain",
            "text/pl\u{0}in",
            "*/*",
            "text/plain,",
            "multipart/form-data; boundary=x",
            "",
        ] {
            assert_eq!(parse_mime_essence(value), reference(value), "{value:?}");
        }
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
    fn filter_never_hides_a_listed_name() {
        let listed = SAFELISTED_NAMES
            .iter()
            .chain(FORBIDDEN_NAMES)
            .chain(METHOD_OVERRIDES);
        for name in listed {
            for spelled in [name.to_string(), name.to_ascii_uppercase()] {
                assert!(maybe_listed(spelled.as_bytes(), spec()), "{spelled}");
            }
        }
        // Forbidden prefixes, at every length from the bare prefix up.
        for prefix in ["proxy-", "Proxy-", "PROXY-", "sec-", "Sec-", "SEC-"] {
            for extra in 0..100 {
                let name = format!("{prefix}{}", "a".repeat(extra));
                assert!(maybe_listed(name.as_bytes(), spec()), "{name}");
            }
        }
        // Typical custom names take the fast exit, with Chromium's extras too.
        let chromium = BrowserProfile::of(Engine::Chromium);
        for name in ["X-Api-Key", "Authorization", "X-Requested-With", "X-Trace-Id"] {
            assert!(!maybe_listed(name.as_bytes(), chromium), "{name}");
        }
        // Names on no list keep their full verdicts (the fast exit agrees with the slow path).
        for name in [
            "X-Api-Key",
            "Authorization",
            "X-Requested-With",
            "x",
            "",
            "Proxy-X",
            "SEC-A",
        ] {
            let forbidden = is_forbidden_request_header(name, "");
            let want = if forbidden {
                HeaderVerdict::Forbidden
            } else {
                HeaderVerdict::NotSafelistedName
            };
            assert_eq!(header_verdict(name, "", spec()), want, "{name}");
        }
    }

    #[test]
    fn forbidden_switch_matches_the_table() {
        for name in FORBIDDEN_NAMES {
            assert!(is_forbidden_name(name), "{name}");
            assert!(is_forbidden_name(&name.to_ascii_uppercase()), "{name}");
            let mut near = name.to_string();
            near.push('x');
            assert!(!is_forbidden_name(&near), "{near}");
            assert!(!is_forbidden_name(&name[1..]), "{name}");
        }
        for len in 0..40 {
            let name = "t".repeat(len);
            assert!(!is_forbidden_name(&name), "{name}");
        }
        assert!(!is_forbidden_name("cookie\r"));
        assert!(!is_forbidden_name("c\u{f6}kie"));
        assert!(!is_forbidden_name("dnt_"));
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

    /// The straightforward definitions the fast routines are held to.
    mod reference {
        use super::*;

        /// Fetch "normalize": the six names, compared in any case.
        pub fn normalized_method(method: &str) -> &str {
            ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]
                .into_iter()
                .find(|m| m.eq_ignore_ascii_case(method))
                .unwrap_or(method)
        }

        /// "parse a MIME type", then the essence among the three safelisted ones.
        pub fn has_safelisted_essence(value: &str) -> bool {
            parse_mime_essence(value).is_some_and(|(ty, sub)| {
                let essence = format!("{ty}/{sub}").to_ascii_lowercase();
                SAFELISTED_CONTENT_TYPES.contains(&essence.as_str())
            })
        }

        /// Fetch "CORS-safelisted request-header" on a lowercase copy of the name.
        pub fn header_verdict(name: &str, value: &str, profile: &BrowserProfile) -> HeaderVerdict {
            let lower = name.to_ascii_lowercase();
            let lower = lower.as_str();
            let spec = SAFELISTED_NAMES.contains(&lower);
            let extra = if spec {
                None
            } else {
                profile.extra_safelisted(lower)
            };
            if !spec && extra.is_none() {
                let overridden = METHOD_OVERRIDES.contains(&lower)
                    && value
                        .split(',')
                        .any(|m| is_forbidden_method(trim_http_whitespace(m)));
                let forbidden = lower.starts_with("proxy-")
                    || lower.starts_with("sec-")
                    || FORBIDDEN_NAMES.contains(&lower)
                    || overridden
                    || profile.extra_forbidden_headers.contains(&lower);
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
            let unsafe_byte = value.bytes().find(|b| is_cors_unsafe_byte(*b));
            match (extra, lower) {
                (Some(rule), _) => verdict_from(extra_value_ok(rule, value)),
                (None, "accept") => unsafe_byte.map_or(HeaderVerdict::Safelisted, HeaderVerdict::UnsafeByte),
                (None, "content-type") => match unsafe_byte {
                    Some(b) => HeaderVerdict::UnsafeByte(b),
                    None => verdict_from(has_safelisted_essence(value)),
                },
                (None, "range") => verdict_from(is_simple_range(value)),
                (None, _) => verdict_from(value.bytes().all(is_language_byte)),
            }
        }

        /// Fetch "CORS-unsafe request-header names", the names kept as first spelled, in the
        /// order of their lowercase forms.
        pub fn unsafe_names<'a>(headers: &'a [(String, String)], profile: &BrowserProfile) -> Vec<&'a str> {
            let mut names: Vec<&str> = Vec::new();
            let mut add = |name: &'a str| {
                if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                    names.push(name);
                    names.sort_by_key(|n| n.to_ascii_lowercase());
                }
            };
            let verdicts: Vec<_> = headers
                .iter()
                .map(|(n, v)| (n, v, header_verdict(n, v, profile)))
                .collect();
            let mut total = 0;
            for (name, value, verdict) in &verdicts {
                match verdict {
                    HeaderVerdict::Forbidden => {}
                    HeaderVerdict::Safelisted => total += trim_http_whitespace(value).len(),
                    _ => add(name),
                }
            }
            if total > MAX_SAFELISTED_TOTAL {
                for (name, _, verdict) in &verdicts {
                    if *verdict == HeaderVerdict::Safelisted {
                        add(name);
                    }
                }
            }
            names
        }
    }

    /// The profiles' extra names, near misses and typical custom names (with the spec's lists,
    /// the pool of [`names`]).
    const OTHER_NAMES: &[&str] = &[
        "intervention",
        "device-memory",
        "dpr",
        "downlink",
        "width",
        "viewport-width",
        "rtt",
        "ect",
        "save-data",
        "user-agent",
        "proxy-authorization",
        "proxy-",
        "sec-fetch-mode",
        "sec-",
        "se",
        "content-typf",
        "content_type",
        "accepts",
        "ranges",
        "x-api-key",
        "x-trace-id",
        "x-requested-with",
        "authorization",
        "x",
        "",
        "c\u{f6}kie",
        "dpr\u{0}",
    ];

    /// Values that reach every rule: essences and near misses, ranges, languages, the
    /// extras' values, method lists, whitespace and unsafe bytes.
    const VALUE_POOL: &[&str] = &[
        "text/plain",
        "multipart/form-data",
        "application/x-www-form-urlencoded",
        "application/json",
        "text/plai",
        "text/plainx",
        "text-plain",
        "texts/plain",
        "multipart/form_data",
        "application/x-www-form-urlencode",
        "application/x-www-form-urlencodedd",
        "appl",
        "m",
        "*/*",
        "bytes=0-10",
        "bytes=5-",
        "bytes=9-1",
        "fr-CH, fr;q=0.9",
        "en_US",
        "on",
        "4g",
        "slow-2g",
        "1.5",
        "100",
        "PUT, trace",
        "GET",
        "",
    ];

    /// A pool word with some letters uppercased.
    fn spelled(pool: impl Into<Vec<&'static str>>) -> impl Strategy<Value = String> {
        (
            proptest::sample::select(pool.into()),
            proptest::collection::vec(proptest::bool::ANY, 40),
        )
            .prop_map(|(word, flips)| {
                let flip = flips.into_iter().chain(std::iter::repeat(false));
                word.chars()
                    .zip(flip)
                    .map(|(c, f)| if f { c.to_ascii_uppercase() } else { c })
                    .collect()
            })
    }

    fn names() -> impl Strategy<Value = String> {
        let pool = [
            &SAFELISTED_NAMES[..],
            FORBIDDEN_NAMES,
            METHOD_OVERRIDES,
            OTHER_NAMES,
        ]
        .concat();
        prop_oneof![3 => spelled(pool), 1 => "[a-zA-Z0-9_-]{0,34}"]
    }

    fn values() -> impl Strategy<Value = String> {
        let pooled = (
            "[ \t\r\n]{0,2}",
            spelled(VALUE_POOL),
            "[ \t\r\n;=/\"a-z0-9\u{0}\u{e9},-]{0,5}",
        )
            .prop_map(|(lead, v, tail)| format!("{lead}{v}{tail}"));
        prop_oneof![
            4 => pooled,
            2 => "[ \t0-9a-zA-Z=,;.*\"@/:\u{7f}-]{0,12}",
            1 => (0usize..140, "[*a ]").prop_map(|(n, c)| c.repeat(n)),
        ]
    }

    fn profiles() -> impl Strategy<Value = &'static BrowserProfile> {
        proptest::sample::select(vec![
            Engine::Spec,
            Engine::Chromium,
            Engine::Firefox,
            Engine::Webkit,
        ])
        .prop_map(BrowserProfile::of)
    }

    proptest::proptest! {
        /// Length-and-initial dispatch against the six names compared in any case.
        #[test]
        fn normalized_method_matches_the_definition(method in prop_oneof![
            spelled(&["get", "put", "head", "post", "delete", "options", "patch", "gets", "ge", "pst"]),
            "[a-zA-Z\u{0}\u{e9} ]{0,8}",
        ]) {
            prop_assert_eq!(normalized_method(&method), reference::normalized_method(&method));
        }

        /// The essence check without a parse agrees with "parse a MIME type".
        #[test]
        fn essence_check_matches_the_parser(value in values()) {
            let trimmed = trim_http_whitespace(&value);
            prop_assert_eq!(
                has_safelisted_essence(trimmed.as_bytes()),
                reference::has_safelisted_essence(&value),
                "{:?}", value
            );
        }

        /// The verdict (fast exit, dispatch, value rules) against a lowercase-copy reading of the
        /// spec, and the merged class against the verdict.
        #[test]
        fn header_class_matches_header_verdict(name in names(), value in values(), profile in profiles()) {
            let verdict = header_verdict(&name, &value, profile);
            prop_assert_eq!(verdict, reference::header_verdict(&name, &value, profile));
            let want = match verdict {
                HeaderVerdict::Forbidden => HeaderClass::Forbidden,
                HeaderVerdict::Safelisted => HeaderClass::Safelisted(trim_http_whitespace(&value).len()),
                _ => HeaderClass::Unsafe,
            };
            prop_assert_eq!(header_class(&name, &value, profile), want);
        }

        /// Word-at-a-time order of the lowercase forms against the bytewise one, with and
        /// without a shared prefix (the words past the first).
        #[test]
        fn word_order_matches_byte_order(
            prefix in "[a-cA-C-]{0,20}",
            a in "[\u{0}a-cA-C@\\[`{\u{e9}_-]{0,20}",
            b in "[\u{0}a-cA-C@\\[`{\u{e9}_-]{0,20}",
        ) {
            let upper = prefix.to_ascii_uppercase();
            for (a, b) in [(a.clone(), b.clone()), (format!("{prefix}{a}"), format!("{upper}{b}"))] {
                let want = a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase());
                prop_assert_eq!(cmp_lowercase(&a, &b), want, "{:?} {:?}", a, b);
                prop_assert_eq!(cmp_lowercase(&a, &a.to_ascii_uppercase()), std::cmp::Ordering::Equal);
            }
        }

        /// The borrowed list: same names, same spellings, same order, inline or spilled, with
        /// the 1024-byte total.
        #[test]
        fn unsafe_names_match_the_definition(
            headers in proptest::collection::vec((names(), values()), 0..14),
            profile in profiles(),
        ) {
            let want = reference::unsafe_names(&headers, profile);
            let got = cors_unsafe_names(&headers, profile);
            prop_assert_eq!(got.as_slice(), want.as_slice());
            // The slots past the inline names stay empty (the state the sorted inserts leave).
            prop_assert!(got.inline[got.len..].iter().all(|n| n.is_empty()), "{:?}", got);
        }

        /// Lists that cross the 1024-byte total of safelisted values.
        #[test]
        fn over_total_matches_the_definition(
            headers in proptest::collection::vec(
                (
                    spelled(&["accept", "accept-language", "content-language", "dpr", "x-a", "x-b"]),
                    prop_oneof![Just("a".repeat(128)), Just("*".repeat(120)), Just("1".to_owned())],
                ),
                6..16,
            ),
            profile in profiles(),
        ) {
            let want = reference::unsafe_names(&headers, profile);
            let got = cors_unsafe_names(&headers, profile);
            prop_assert_eq!(got.as_slice(), want.as_slice());
        }
    }
}

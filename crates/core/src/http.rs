//! HTTP header-list primitives the Fetch algorithms are written in terms of.
//!
//! Contract: header names compare ASCII-case-insensitively; values are read as the HTTP parser
//! delivers them (leading/trailing SP and HTAB stripped, nothing else); "get" combines repeated
//! lines with `", "` (Fetch: "get" a header from a header list); `#token` lists follow Fetch's
//! "extract header list values" (empty elements and surrounding whitespace allowed, every other
//! element a token). Nothing here allocates unless a value must be combined.

use std::borrow::Cow;

/// Strips leading and trailing SP/HTAB, as HTTP field parsing does (RFC 9110 §5.5). VT, FF and
/// NUL are kept: they make a value fail, which is the point.
#[inline(always)]
pub fn trim_ows(value: &str) -> &str {
    match value.as_bytes() {
        [b' ' | b'\t', ..] | [.., b' ' | b'\t'] => trim_ows_ends(value),
        // The usual case: a value as parsers deliver it, nothing to strip.
        _ => value,
    }
}

#[inline(never)]
fn trim_ows_ends(value: &str) -> &str {
    let b = value.as_bytes();
    let (mut s, mut e) = (0, b.len());
    while s < e && matches!(b[s], b' ' | b'\t') {
        s += 1;
    }
    while e > s && matches!(b[e - 1], b' ' | b'\t') {
        e -= 1;
    }
    // Both ends sit next to ASCII bytes: char boundaries.
    &value[s..e]
}

/// Strips leading and trailing HTTP whitespace (TAB, LF, CR, SP), as the `Headers` API
/// normalises a value a script sets (Fetch: "normalize" a byte sequence).
#[inline]
pub fn trim_http_whitespace(value: &str) -> &str {
    match value.as_bytes() {
        [b' ' | b'\t' | b'\n' | b'\r', ..] | [.., b' ' | b'\t' | b'\n' | b'\r'] => {
            trim_http_whitespace_ends(value)
        }
        _ => value,
    }
}

fn trim_http_whitespace_ends(value: &str) -> &str {
    let b = value.as_bytes();
    let (mut s, mut e) = (0, b.len());
    while s < e && matches!(b[s], b' ' | b'\t' | b'\n' | b'\r') {
        s += 1;
    }
    while e > s && matches!(b[e - 1], b' ' | b'\t' | b'\n' | b'\r') {
        e -= 1;
    }
    &value[s..e]
}

/// ASCII-case-insensitive equality of `input` with `lower`, a name made only of `a-z`, `0-9`
/// and `-` (every name in this crate's tables), eight bytes at a time: a pattern byte with
/// bit 0x40 set is a letter and matches either case; any other must match exactly. Inlined, so
/// that a literal pattern's words are constants.
#[inline(always)]
pub fn eq_lower_name(input: &[u8], lower: &[u8]) -> bool {
    input.len() == lower.len() && eq_lower_same_len(input, lower)
}

/// [`eq_lower_name`] against a literal: the loop over its words has a constant trip count,
/// so it unrolls into a few compares with constants.
#[inline(always)]
pub fn eq_lower_lit<const N: usize>(input: &[u8], lower: &[u8; N]) -> bool {
    const CASE: u64 = 0x4040_4040_4040_4040;
    if input.len() != N {
        return false;
    }
    if N < 8 {
        let p = load_short(lower);
        return load_short(input) | ((p & CASE) >> 1) == p;
    }
    let matches = |at: usize| {
        let p = load_word(lower, at);
        load_word(input, at) | ((p & CASE) >> 1) == p
    };
    let mut at = 0;
    while at + 8 <= N {
        if !matches(at) {
            return false;
        }
        at += 8;
    }
    N & 7 == 0 || matches(N - 8)
}

#[inline]
fn eq_lower_same_len(input: &[u8], lower: &[u8]) -> bool {
    const CASE: u64 = 0x4040_4040_4040_4040;
    let word = load_word;
    let n = input.len();
    if n < 8 {
        let p = load_short(lower);
        return load_short(input) | ((p & CASE) >> 1) == p;
    }
    let mut i = 0;
    loop {
        // The last word overlaps the previous one rather than reading past the end.
        let at = i.min(n - 8);
        let p = word(lower, at);
        if word(input, at) | ((p & CASE) >> 1) != p {
            return false;
        }
        i += 8;
        if i >= n {
            return true;
        }
    }
}

/// ASCII-case-insensitive byte equality (any bytes on both sides), as
/// `<[u8]>::eq_ignore_ascii_case`, eight bytes at a time: both sides are folded with
/// `fold_word` and compared as words.
#[inline(always)]
pub fn eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && eq_ignore_case_same_len(a, b)
}

#[inline(always)]
fn eq_ignore_case_same_len(a: &[u8], b: &[u8]) -> bool {
    // Words that are equal as they stand (the usual case) skip the folding.
    let same = |x: u64, y: u64| x == y || fold_word(x) == fold_word(y);
    let n = a.len();
    if n < 8 {
        return same(load_short(a), load_short(b));
    }
    let mut i = 0;
    loop {
        // The last word overlaps the previous one rather than reading past the end.
        let at = i.min(n - 8);
        if !same(load_word(a, at), load_word(b, at)) {
            return false;
        }
        i += 8;
        if i >= n {
            return true;
        }
    }
}

/// Byte equality, a word at a time: the usual short header values (an origin, `true`) are
/// compared inline, without a `memcmp` call.
#[inline(always)]
pub fn eq_exact(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && eq_exact_same_len(a, b)
}

/// Byte equality of two slices of the same length, a word at a time (short values are
/// compared without a `memcmp` call).
#[inline(always)]
fn eq_exact_same_len(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n < 8 {
        return load_short(a) == load_short(b);
    }
    let mut i = 0;
    loop {
        let at = i.min(n - 8);
        if load_word(a, at) != load_word(b, at) {
            return false;
        }
        i += 8;
        if i >= n {
            return true;
        }
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = ONES * 0x80;

/// ASCII lowercase of eight bytes at once: `A`-`Z` gain bit 0x20, every other byte (non-ASCII
/// included) is unchanged, exactly as `u8::to_ascii_lowercase` on each byte.
#[inline]
pub(crate) fn fold_word(w: u64) -> u64 {
    let ascii = w & !HIGH;
    // Per byte, bit 7 of `ascii + (0x80 - lo)` says `byte >= lo` (no carry: every byte < 0x80).
    let at_least_a = ascii + ONES * u64::from(0x80 - b'A');
    let above_z = ascii + ONES * u64::from(0x80 - b'Z' - 1);
    let upper = at_least_a & !above_z & !w & HIGH;
    w | (upper >> 2)
}

/// Up to seven bytes as a little-endian word, zero-padded (both sides of a comparison are
/// padded alike; compare lengths too, as a NUL byte looks like padding).
#[inline]
pub(crate) fn load_short(b: &[u8]) -> u64 {
    let n = b.len();
    if n >= 4 {
        // Two overlapping 4-byte loads cover 4..=7 bytes.
        let lo = u64::from(load_u32(b, 0));
        let hi = u64::from(load_u32(b, n - 4));
        return lo | (hi << (8 * (n - 4)));
    }
    b.iter().rev().fold(0, |w, &x| (w << 8) | u64::from(x))
}

/// [`load_short`] at compile time, for a literal of at most seven bytes.
pub(crate) const fn short_word(b: &[u8]) -> u64 {
    assert!(b.len() < 8);
    let mut w = 0u64;
    let mut i = b.len();
    while i > 0 {
        i -= 1;
        w = (w << 8) | b[i] as u64;
    }
    w
}

#[inline]
fn load_u32(b: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(w)
}

#[inline]
fn load_word(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// Every value of `name` in wire order, OWS-trimmed.
pub fn values<'a>(headers: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
    headers
        .iter()
        .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| trim_ows(v))
}

/// Number of header lines named `name` (Firefox counts ACAO lines).
pub fn count(headers: &[(String, String)], name: &str) -> usize {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .count()
}

/// Fetch "get": `None` when absent, the single value, or all values joined with `", "`.
pub fn get<'a>(headers: &'a [(String, String)], name: &str) -> Option<Cow<'a, str>> {
    let mut it = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| trim_ows(v));
    let first = it.next()?;
    match it.next() {
        None => Some(Cow::Borrowed(first)),
        Some(second) => {
            let mut joined = format!("{first}, {second}");
            for v in it {
                joined.push_str(", ");
                joined.push_str(v);
            }
            Some(Cow::Owned(joined))
        }
    }
}

const TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        i += 1;
    }
    table
};

/// The end of the run of tchars starting at `i`.
#[inline]
pub(crate) fn tchar_run_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && TCHAR[usize::from(bytes[i])] {
        i += 1;
    }
    i
}

/// RFC 9110 `tchar`.
pub fn is_tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

/// RFC 9110 `token`: one or more tchars.
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

/// Fetch "extract header list values" for a `#token` list: `Ok(items)` (empty elements skipped),
/// or `Err(bad_element)` for the first element that is not a token.
pub fn parse_token_list(combined: &str) -> Result<Vec<&str>, &str> {
    let mut items = Vec::new();
    for raw in combined.split(',') {
        let item = trim_ows(raw);
        if item.is_empty() {
            continue;
        }
        if !is_token(item) {
            return Err(item);
        }
        items.push(item);
    }
    Ok(items)
}

/// How many elements a [`TokenList`] indexes inline; longer lists are scanned on lookup.
const INLINE_ITEMS: usize = 8;
/// `TokenList::len` when the elements are not indexed (too many, too long, or offsets beyond
/// `u16`).
const NOT_INDEXED: u8 = u8::MAX;
/// The longest element the index records: its length is one byte of `TokenList::lens`, kept
/// below 0x80 for [`bytes_equal_to`].
const MAX_INDEXED_LEN: usize = 0x7f;

/// The element index of a `#token` list, built in one pass: separators (SP, HTAB, `,`) are
/// skipped, each element is one run of tchars followed by OWS and then `,` or the end.
struct Spans {
    starts: [u16; INLINE_ITEMS],
    lens: u64,
    len: u8,
}

impl Spans {
    /// `None` when an element is not a token. The state lives in locals (registers), and
    /// each element costs a few compares beyond its bytes.
    #[inline(always)]
    fn of(bytes: &[u8]) -> Option<Spans> {
        let n = bytes.len();
        let mut starts = [0u16; INLINE_ITEMS];
        let mut lens = 0u64;
        let mut count = 0usize;
        let mut indexed = n <= usize::from(u16::MAX);
        let mut i = 0;
        loop {
            while i < n && matches!(bytes[i], b' ' | b'\t' | b',') {
                i += 1;
            }
            if i == n {
                break;
            }
            let s = i;
            i = tchar_run_end(bytes, i);
            let e = i;
            while i < n && matches!(bytes[i], b' ' | b'\t') {
                i += 1;
            }
            // Not a tchar where an element starts, or more than OWS before the next comma.
            if e == s || (i < n && bytes[i] != b',') {
                return None;
            }
            indexed &= count < INLINE_ITEMS && e - s <= MAX_INDEXED_LEN;
            if indexed {
                starts[count] = s as u16;
                lens |= ((e - s) as u64) << (8 * count);
            }
            count += 1;
        }
        Some(Spans {
            starts,
            lens,
            len: if indexed { count as u8 } else { NOT_INDEXED },
        })
    }
}

/// Bit 7 of each byte of `w` that equals `b` (every byte of `w`, and `b`, below 0x80).
#[inline(always)]
fn bytes_equal_to(w: u64, b: u8) -> u64 {
    !((w ^ (ONES * u64::from(b))) + ONES * 0x7f) & HIGH
}

/// A validated `#token` list, borrowed from the header value: no allocation unless the header
/// spanned several lines. Up to eight elements are indexed at parse time (start and length),
/// so a lookup compares the eight lengths at once, then the bytes of the one or two elements
/// of the right length, without re-splitting the value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TokenList<'a> {
    combined: Cow<'a, str>,
    /// Where each indexed element starts.
    starts: [u16; INLINE_ITEMS],
    /// Byte `k`: the length of element `k` (1..=127); 0 past `len`.
    lens: u64,
    /// Number of indexed elements, or [`NOT_INDEXED`].
    len: u8,
}

impl<'a> TokenList<'a> {
    /// Validates `combined` (Fetch "extract header list values"); `Err(bad_element)` when an
    /// element is not a token.
    #[inline(always)]
    pub fn parse(combined: Cow<'a, str>) -> Result<TokenList<'a>, String> {
        match Spans::of(combined.as_bytes()) {
            Some(spans) => Ok(TokenList {
                starts: spans.starts,
                lens: spans.lens,
                len: spans.len,
                combined,
            }),
            None => Err(first_bad_element(&combined).to_owned()),
        }
    }

    /// The elements, in order, empty ones skipped.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.combined.split(',').map(trim_ows).filter(|i| !i.is_empty())
    }

    /// Whether the list has no element.
    pub fn is_empty(&self) -> bool {
        match self.len {
            NOT_INDEXED => self.iter().next().is_none(),
            n => n == 0,
        }
    }

    /// Whether an element equals `item` byte for byte.
    #[inline]
    pub fn contains(&self, item: &str) -> bool {
        self.find(item.as_bytes(), eq_exact_same_len)
    }

    /// Whether an element equals `lower` (`a-z`, `0-9`, `-` only) ASCII-case-insensitively.
    #[inline]
    pub fn contains_lower_name(&self, lower: &str) -> bool {
        self.find(lower.as_bytes(), eq_lower_same_len)
    }

    /// Whether an element equals `item` ASCII-case-insensitively.
    #[inline]
    pub fn contains_ignore_case(&self, item: &str) -> bool {
        self.find(item.as_bytes(), eq_ignore_case_same_len)
    }

    /// The hot path of exposure and preflight matching: one word operation finds the elements
    /// of `item`'s length, and only those are compared (`eq` sees slices of equal length).
    #[inline(always)]
    fn find(&self, item: &[u8], eq: impl Fn(&[u8], &[u8]) -> bool) -> bool {
        if self.len == NOT_INDEXED {
            return self.scan(item, eq);
        }
        let n = item.len();
        if n == 0 || n > MAX_INDEXED_LEN {
            return false;
        }
        let bytes = self.combined.as_bytes();
        let mut hits = bytes_equal_to(self.lens, n as u8);
        while hits != 0 {
            let s = usize::from(self.starts[(hits.trailing_zeros() / 8) as usize]);
            if eq(&bytes[s..s + n], item) {
                return true;
            }
            hits &= hits - 1;
        }
        false
    }

    /// [`TokenList::find`] for a list too long to index: split the value again.
    #[inline(never)]
    fn scan(&self, item: &[u8], eq: impl Fn(&[u8], &[u8]) -> bool) -> bool {
        let bytes = self.combined.as_bytes();
        let mut start = 0;
        while start <= bytes.len() {
            let end = bytes[start..]
                .iter()
                .position(|&b| b == b',')
                .map_or(bytes.len(), |p| start + p);
            let (mut s, mut e) = (start, end);
            while s < e && matches!(bytes[s], b' ' | b'\t') {
                s += 1;
            }
            while e > s && matches!(bytes[e - 1], b' ' | b'\t') {
                e -= 1;
            }
            if e > s && e - s == item.len() && eq(&bytes[s..e], item) {
                return true;
            }
            start = end + 1;
        }
        false
    }
}

/// The first element of a `#token` list that is not a token (the list is known to have one).
fn first_bad_element(combined: &str) -> &str {
    combined
        .split(',')
        .map(trim_ows)
        .find(|i| !i.is_empty() && !is_token(i))
        .unwrap_or_default()
}

/// The response headers the CORS protocol reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CorsHeader {
    /// `Access-Control-Allow-Origin`.
    AllowOrigin,
    /// `Access-Control-Allow-Credentials`.
    AllowCredentials,
    /// `Access-Control-Allow-Methods`.
    AllowMethods,
    /// `Access-Control-Allow-Headers`.
    AllowHeaders,
    /// `Access-Control-Max-Age`.
    MaxAge,
    /// `Access-Control-Expose-Headers`.
    ExposeHeaders,
}

impl CorsHeader {
    const ALL: usize = 6;

    /// The lowercase header name.
    pub fn name(self) -> &'static str {
        match self {
            CorsHeader::AllowOrigin => "access-control-allow-origin",
            CorsHeader::AllowCredentials => "access-control-allow-credentials",
            CorsHeader::AllowMethods => "access-control-allow-methods",
            CorsHeader::AllowHeaders => "access-control-allow-headers",
            CorsHeader::MaxAge => "access-control-max-age",
            CorsHeader::ExposeHeaders => "access-control-expose-headers",
        }
    }

    /// Which CORS response header `name` is (ASCII case-insensitive), if any: a length
    /// switch, then one comparison.
    #[inline(always)]
    pub fn of(name: &str) -> Option<CorsHeader> {
        let b = name.as_bytes();
        // Inlined: every CORS name is 22..=32 bytes and starts with `a`, so most other names
        // are ruled out without a call.
        match b.first() {
            Some(&c) if c | 0x20 == b'a' && (22..=32).contains(&b.len()) => CorsHeader::of_name(b),
            _ => None,
        }
    }

    #[inline(always)]
    fn of_name(b: &[u8]) -> Option<CorsHeader> {
        // Literal patterns: the comparison's words are constants.
        let (candidate, ok) = match b.len() {
            22 => (CorsHeader::MaxAge, eq_lower_lit(b, b"access-control-max-age")),
            27 => (
                CorsHeader::AllowOrigin,
                eq_lower_lit(b, b"access-control-allow-origin"),
            ),
            28 if b[21] | 0x20 == b'm' => (
                CorsHeader::AllowMethods,
                eq_lower_lit(b, b"access-control-allow-methods"),
            ),
            28 => (
                CorsHeader::AllowHeaders,
                eq_lower_lit(b, b"access-control-allow-headers"),
            ),
            29 => (
                CorsHeader::ExposeHeaders,
                eq_lower_lit(b, b"access-control-expose-headers"),
            ),
            32 => (
                CorsHeader::AllowCredentials,
                eq_lower_lit(b, b"access-control-allow-credentials"),
            ),
            _ => return None,
        };
        ok.then_some(candidate)
    }
}

/// Where the CORS response headers are in a header list, found in one pass: each later
/// lookup is O(1) and allocation-free unless the header spans several lines.
#[derive(Debug, Clone, Copy)]
pub struct CorsHeaders<'a> {
    headers: &'a [(String, String)],
    /// Index of the first line of each [`CorsHeader`], `usize::MAX` when absent.
    first: [usize; CorsHeader::ALL],
    /// Number of lines of each.
    count: [u32; CorsHeader::ALL],
}

impl<'a> CorsHeaders<'a> {
    /// Scans `headers` once.
    #[inline]
    pub fn scan(headers: &'a [(String, String)]) -> CorsHeaders<'a> {
        let mut found = CorsHeaders {
            headers,
            first: [usize::MAX; CorsHeader::ALL],
            count: [0; CorsHeader::ALL],
        };
        for (i, (name, _)) in headers.iter().enumerate() {
            if let Some(h) = CorsHeader::of(name) {
                let k = h as usize;
                if found.count[k] == 0 {
                    found.first[k] = i;
                }
                found.count[k] = found.count[k].saturating_add(1);
            }
        }
        found
    }

    /// The scanned header list.
    pub fn headers(&self) -> &'a [(String, String)] {
        self.headers
    }

    /// Fetch "get", as [`get`] on the scanned list.
    #[inline]
    pub fn get(&self, h: CorsHeader) -> Option<Cow<'a, str>> {
        match self.count[h as usize] {
            0 => None,
            1 => Some(Cow::Borrowed(trim_ows(&self.headers[self.first[h as usize]].1))),
            _ => get(self.headers, h.name()),
        }
    }

    /// The value of `h` when it is sent on exactly one line (OWS-trimmed, borrowed): what
    /// "get" returns without combining.
    #[inline(always)]
    pub fn single(&self, h: CorsHeader) -> Option<&'a str> {
        match self.count[h as usize] {
            1 => Some(trim_ows(&self.headers[self.first[h as usize]].1)),
            _ => None,
        }
    }

    /// Number of lines of `h`, as [`count`] on the scanned list.
    pub fn count(&self, h: CorsHeader) -> usize {
        self.count[h as usize] as usize
    }
}

/// Whether a header value contains a byte the HTTP stack rejects outright (NUL, CR, LF).
pub fn has_invalid_value_byte(value: &str) -> bool {
    value.bytes().any(|b| matches!(b, 0 | b'\r' | b'\n'))
}

/// The name of the first header whose value the HTTP stack would reject, if any.
pub fn first_invalid_header(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .find(|(_, v)| has_invalid_value_byte(v))
        .map(|(n, _)| n.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    type Case<'a> = (&'a [(&'a str, &'a str)], Option<&'a str>);

    #[test]
    fn get_combines_and_trims() {
        let cases: &[Case<'_>] = &[
            (&[], None),
            (&[("ACAO", " * ")], Some("*")),
            (&[("acao", "a"), ("Acao", "b")], Some("a, b")),
            (&[("acao", ""), ("x", "y")], Some("")),
            (&[("acao", "\u{b}*")], Some("\u{b}*")),
        ];
        for (headers, want) in cases {
            assert_eq!(get(&h(headers), "ACAO").as_deref(), *want, "{headers:?}");
        }
    }

    #[test]
    fn token_lists() {
        let cases: &[(&str, Result<Vec<&str>, &str>)] = &[
            (
                ",y-lol,x-PriNT, ,,,Y-PRINT",
                Ok(vec!["y-lol", "x-PriNT", "Y-PRINT"]),
            ),
            ("x-print,", Ok(vec!["x-print"])),
            ("name ,name", Ok(vec!["name", "name"])),
            ("", Ok(vec![])),
            ("no no", Err("no no")),
            ("\"bb-8\"", Err("\"bb-8\"")),
            ("bb-8\u{b}", Err("bb-8\u{b}")),
            ("'bb-8'", Ok(vec!["'bb-8'"])),
        ];
        for (input, want) in cases {
            assert_eq!(&parse_token_list(input), want, "{input:?}");
        }
    }

    #[test]
    fn token_list_lookup() {
        let list = TokenList::parse(Cow::Borrowed(" X-A ,\t,y-b,*,")).unwrap();
        for (item, exact, folded) in [
            ("X-A", true, true),
            ("x-a", false, true),
            ("y-b", true, true),
            ("*", true, true),
            ("", false, false),
            ("x", false, false),
        ] {
            assert_eq!(list.contains(item), exact, "{item}");
            assert_eq!(list.contains_ignore_case(item), folded, "{item}");
        }
        assert!(!TokenList::default().contains(""));
    }

    /// The one-pass parser against the spec's rules on the edge cases: empty elements and
    /// OWS are skipped, a non-token element (inner whitespace, a delimiter, a control byte,
    /// non-ASCII) fails the whole list and is named, `*` is a token like any other.
    #[test]
    fn token_list_edge_cases() {
        let long = "x".repeat(200);
        let many = (0..12).map(|i| format!("h{i}")).collect::<Vec<_>>().join(",");
        let cases: Vec<(&str, Result<Vec<&str>, &str>)> = vec![
            ("", Ok(vec![])),
            (",", Ok(vec![])),
            (" , ,\t, ", Ok(vec![])),
            ("*", Ok(vec!["*"])),
            (" * , GET", Ok(vec!["*", "GET"])),
            ("a,,b", Ok(vec!["a", "b"])),
            ("a\t,\tb", Ok(vec!["a", "b"])),
            ("GET, POST", Ok(vec!["GET", "POST"])),
            ("!#$%&'*+-.^_`|~", Ok(vec!["!#$%&'*+-.^_`|~"])),
            ("a b", Err("a b")),
            ("a, b c, d", Err("b c")),
            ("a;b", Err("a;b")),
            ("x,\"y\"", Err("\"y\"")),
            ("a\u{0}", Err("a\u{0}")),
            ("a\r", Err("a\r")),
            ("caf\u{e9}", Err("caf\u{e9}")),
            ("a,(b)", Err("(b)")),
            ("a\u{b}", Err("a\u{b}")),
            (&long, Ok(vec![long.as_str()])),
        ];
        for (value, want) in cases {
            let got = TokenList::parse(Cow::Borrowed(value));
            assert_eq!(parse_token_list(value), want, "reference {value:?}");
            match (got, want) {
                (Ok(list), Ok(items)) => {
                    assert_eq!(list.iter().collect::<Vec<_>>(), items, "{value:?}");
                    for item in &items {
                        assert!(list.contains(item) && list.contains_ignore_case(item), "{item}");
                    }
                }
                (Err(bad), Err(want)) => assert_eq!(bad, want, "{value:?}"),
                (got, want) => panic!("{value:?}: {got:?} vs {want:?}"),
            }
        }
        // Past eight elements, or an element over 127 bytes, lookups split the value again.
        let list = TokenList::parse(Cow::Owned(many)).unwrap();
        assert!(list.contains("h0") && list.contains("h11") && !list.contains("h12"));
        let list = TokenList::parse(Cow::Borrowed(long.as_str())).unwrap();
        assert!(list.contains(&long) && !list.contains("x"));
        // An item with a NUL byte never matches its NUL-less prefix.
        let list = TokenList::parse(Cow::Borrowed("abc")).unwrap();
        assert!(!list.contains("abc\u{0}") && !list.contains_ignore_case("ABC\u{0}"));
    }

    #[test]
    fn literal_and_word_comparisons_agree() {
        let names = [
            "",
            "a",
            "A",
            "ab",
            "abc",
            "abcd",
            "ABCDE",
            "abcdef",
            "abcdefg",
            "abcdefgh",
            "access-control-max-age",
            "Access-Control-Max-Agf",
            "access-control-max-ag\u{0}",
        ];
        for n in names {
            let b = n.as_bytes();
            assert_eq!(
                eq_lower_lit(b, b"access-control-max-age"),
                eq_lower_name(b, b"access-control-max-age"),
                "{n}"
            );
            assert_eq!(eq_lower_lit(b, b"abcd"), eq_lower_name(b, b"abcd"), "{n}");
            assert_eq!(eq_lower_lit(b, b"abcdefgh"), eq_lower_name(b, b"abcdefgh"), "{n}");
            for m in names {
                assert_eq!(
                    eq_ignore_case(b, m.as_bytes()),
                    b.eq_ignore_ascii_case(m.as_bytes()),
                    "{n} {m}"
                );
            }
        }
    }

    proptest::proptest! {
        /// The one-pass parser and indexed lookups agree with the split-based definitions.
        #[test]
        fn token_list_matches_the_definition(
            value in "[a-cA-C*, \t\"\u{b}é_`^|~@\\[{-]{0,90}",
            item in "[a-cA-C*_`^|~@\\[{-]{0,12}",
        ) {
            let reference = parse_token_list(&value);
            match TokenList::parse(Cow::Borrowed(&value)) {
                Ok(list) => {
                    let items = reference.clone().expect("both accept");
                    proptest::prop_assert_eq!(list.iter().collect::<Vec<_>>(), items.clone());
                    proptest::prop_assert_eq!(list.is_empty(), items.is_empty());
                    proptest::prop_assert_eq!(list.contains(&item), items.contains(&item.as_str()));
                    proptest::prop_assert_eq!(
                        list.contains_ignore_case(&item),
                        items.iter().any(|i| i.eq_ignore_ascii_case(&item))
                    );
                }
                Err(bad) => proptest::prop_assert_eq!(Err(bad.as_str()), reference),
            }
        }

        /// One scan answers `get` and `count` as the per-lookup scans do.
        #[test]
        fn scanned_lookups_match_get(
            lines in proptest::collection::vec((0usize..9, "[ a*]{0,3}"), 0..8),
        ) {
            const NAMES: [&str; 9] = [
                "Access-Control-Allow-Origin",
                "access-control-allow-credentials",
                "ACCESS-CONTROL-ALLOW-METHODS",
                "Access-Control-Allow-Headers",
                "access-control-max-age",
                "Access-Control-Expose-Headers",
                "Access-Control-Allow-Origin2",
                "access-control-allow-xethods",
                "Vary",
            ];
            let headers: Vec<(String, String)> =
                lines.iter().map(|(i, v)| (NAMES[*i].to_owned(), v.clone())).collect();
            let scanned = CorsHeaders::scan(&headers);
            for h in [
                CorsHeader::AllowOrigin,
                CorsHeader::AllowCredentials,
                CorsHeader::AllowMethods,
                CorsHeader::AllowHeaders,
                CorsHeader::MaxAge,
                CorsHeader::ExposeHeaders,
            ] {
                proptest::prop_assert_eq!(scanned.get(h), get(&headers, h.name()));
                proptest::prop_assert_eq!(scanned.count(h), count(&headers, h.name()));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn word_comparisons_match_std(
            a in proptest::collection::vec(proptest::num::u8::ANY, 0..20),
            flip in proptest::collection::vec(proptest::bool::ANY, 20),
        ) {
            // `b` is `a` with some bytes turned into their 0x20 neighbour (case-flipped letters).
            let b: Vec<u8> = a
                .iter()
                .zip(&flip)
                .map(|(&x, &f)| if f { x ^ 0x20 } else { x })
                .collect();
            proptest::prop_assert_eq!(eq_ignore_case(&a, &b), a.eq_ignore_ascii_case(&b));

            let lower: Vec<u8> = a.to_ascii_lowercase();
            if lower.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-') {
                proptest::prop_assert_eq!(eq_lower_name(&b, &lower), b.eq_ignore_ascii_case(&lower));
            }
        }
    }

    proptest::proptest! {
        /// The inline comparison is byte equality, at every length around the word size.
        #[test]
        fn eq_exact_is_equality(a in "[a-c\u{0}/:.]{0,40}", b in "[a-c\u{0}/:.]{0,40}") {
            proptest::prop_assert_eq!(eq_exact(a.as_bytes(), b.as_bytes()), a == b);
            proptest::prop_assert!(eq_exact(a.as_bytes(), a.clone().as_bytes()));
        }
    }

    #[test]
    fn long_token_lists_fall_back_to_scanning() {
        let value = (0..20).map(|i| format!("x-{i}")).collect::<Vec<_>>().join(" , ");
        let list = TokenList::parse(Cow::Owned(value)).unwrap();
        assert!(list.contains("x-19") && list.contains_ignore_case("X-0") && !list.contains("x-20"));
        assert!(!list.is_empty());
    }

    #[test]
    fn invalid_bytes() {
        assert_eq!(
            first_invalid_header(&h(&[("a", "ok"), ("ACAO", "x\0")])),
            Some("ACAO")
        );
        assert_eq!(first_invalid_header(&h(&[("a", "\u{b}\u{c}")])), None);
    }
}

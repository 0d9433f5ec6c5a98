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
pub fn trim_ows(value: &str) -> &str {
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
pub fn trim_http_whitespace(value: &str) -> &str {
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
/// bit 0x40 set is a letter and matches either case; any other must match exactly.
pub fn eq_lower_name(input: &[u8], lower: &[u8]) -> bool {
    const CASE: u64 = 0x4040_4040_4040_4040;
    if input.len() != lower.len() {
        return false;
    }
    let word = load_word;
    let n = input.len();
    if n < 8 {
        return input.iter().zip(lower).all(|(&a, &p)| a | ((p & 0x40) >> 1) == p);
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

/// ASCII-case-insensitive byte equality (any bytes on both sides).
fn eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(&x, &y)| x == y || ((x ^ y) == 0x20 && (x | 0x20).is_ascii_lowercase()))
}

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
/// `TokenList::len` when the elements are not indexed (too many, or offsets beyond `u16`).
const NOT_INDEXED: u8 = u8::MAX;

/// A validated `#token` list, borrowed from the header value: no allocation unless the header
/// spanned several lines. Up to eight elements are indexed at parse time, so a lookup compares
/// lengths and then bytes, without re-splitting the value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TokenList<'a> {
    combined: Cow<'a, str>,
    /// Byte ranges of the elements (trimmed, non-empty), valid for `len` entries.
    spans: [(u16, u16); INLINE_ITEMS],
    /// Number of indexed elements, or [`NOT_INDEXED`].
    len: u8,
    /// Bit `l % 64` set for every element length `l` (all bits when not indexed): most
    /// lookups are answered by one test.
    lengths: u64,
}

impl<'a> TokenList<'a> {
    /// Validates `combined` (Fetch "extract header list values"); `Err(bad_element)` when an
    /// element is not a token.
    pub fn parse(combined: Cow<'a, str>) -> Result<TokenList<'a>, String> {
        let bytes = combined.as_bytes();
        let n = bytes.len();
        let mut spans = [(0u16, 0u16); INLINE_ITEMS];
        let mut len = if n <= usize::from(u16::MAX) {
            0
        } else {
            NOT_INDEXED
        };
        let ows = |b: u8| matches!(b, b' ' | b'\t');
        let mut lengths = 0u64;
        let mut i = 0;
        loop {
            while i < n && ows(bytes[i]) {
                i += 1;
            }
            if i == n {
                break;
            }
            if bytes[i] == b',' {
                i += 1;
                continue;
            }
            let s = i;
            while i < n && is_tchar(bytes[i]) {
                i += 1;
            }
            let e = i;
            while i < n && ows(bytes[i]) {
                i += 1;
            }
            // An element is one token, then OWS up to the comma: anything else is not a token.
            if e == s || (i < n && bytes[i] != b',') {
                return Err(first_bad_element(&combined).to_owned());
            }
            if usize::from(len) < INLINE_ITEMS {
                // Both fit in u16: checked against the whole value's length above.
                spans[usize::from(len)] = (s as u16, e as u16);
                lengths |= 1 << ((e - s) % 64);
                len += 1;
            } else {
                len = NOT_INDEXED;
            }
            if i >= n {
                break;
            }
            i += 1;
        }
        if len == NOT_INDEXED {
            lengths = u64::MAX;
        }
        Ok(TokenList {
            combined,
            spans,
            len,
            lengths,
        })
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
    pub fn contains(&self, item: &str) -> bool {
        self.find(item.as_bytes(), |a, b| a == b)
    }

    /// Whether an element equals `lower` (`a-z`, `0-9`, `-` only) ASCII-case-insensitively.
    pub fn contains_lower_name(&self, lower: &str) -> bool {
        self.find(lower.as_bytes(), eq_lower_name)
    }

    /// Whether an element equals `item` ASCII-case-insensitively.
    pub fn contains_ignore_case(&self, item: &str) -> bool {
        self.find(item.as_bytes(), eq_ignore_case)
    }

    /// The hot path of exposure and preflight matching: elements whose length differs from
    /// `item`'s are skipped without comparing.
    fn find(&self, item: &[u8], eq: impl Fn(&[u8], &[u8]) -> bool) -> bool {
        if self.lengths & (1 << (item.len() % 64)) == 0 {
            return false;
        }
        let bytes = self.combined.as_bytes();
        if self.len != NOT_INDEXED {
            return self.spans[..usize::from(self.len)].iter().any(|&(s, e)| {
                let (s, e) = (usize::from(s), usize::from(e));
                e - s == item.len() && bytes.get(s..e).is_some_and(|el| eq(el, item))
            });
        }
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
    pub fn of(name: &str) -> Option<CorsHeader> {
        let b = name.as_bytes();
        let candidate = match b.len() {
            22 => CorsHeader::MaxAge,
            27 => CorsHeader::AllowOrigin,
            28 if b[21] | 0x20 == b'm' => CorsHeader::AllowMethods,
            28 => CorsHeader::AllowHeaders,
            29 => CorsHeader::ExposeHeaders,
            32 => CorsHeader::AllowCredentials,
            _ => return None,
        };
        eq_lower_name(b, candidate.name().as_bytes()).then_some(candidate)
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
    pub fn get(&self, h: CorsHeader) -> Option<Cow<'a, str>> {
        match self.count[h as usize] {
            0 => None,
            1 => Some(Cow::Borrowed(trim_ows(&self.headers[self.first[h as usize]].1))),
            _ => get(self.headers, h.name()),
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

    proptest::proptest! {
        /// The one-pass parser and indexed lookups agree with the split-based definitions.
        #[test]
        fn token_list_matches_the_definition(
            value in "[a-cA-C*, \t\"\u{b}é_`^|~@\\[{-]{0,40}",
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

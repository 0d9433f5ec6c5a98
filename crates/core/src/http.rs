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
    value.trim_matches([' ', '\t'])
}

/// Strips leading and trailing HTTP whitespace (TAB, LF, CR, SP), as the `Headers` API
/// normalises a value a script sets (Fetch: "normalize" a byte sequence).
pub fn trim_http_whitespace(value: &str) -> &str {
    value.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
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

/// A validated `#token` list, borrowed from the header value: no allocation unless the header
/// spanned several lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TokenList<'a> {
    combined: Cow<'a, str>,
}

impl<'a> TokenList<'a> {
    /// Validates `combined` (Fetch "extract header list values"); `Err(bad_element)` when an
    /// element is not a token.
    pub fn parse(combined: Cow<'a, str>) -> Result<TokenList<'a>, String> {
        if let Some(bad) = combined
            .split(',')
            .map(trim_ows)
            .find(|i| !i.is_empty() && !is_token(i))
        {
            return Err(bad.to_owned());
        }
        Ok(TokenList { combined })
    }

    /// The elements, in order, empty ones skipped.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.combined.split(',').map(trim_ows).filter(|i| !i.is_empty())
    }

    /// Whether the list has no element.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// Whether an element equals `item` byte for byte.
    pub fn contains(&self, item: &str) -> bool {
        self.find(item.as_bytes(), |a, b| a == b)
    }

    /// Whether an element equals `item` ASCII-case-insensitively.
    pub fn contains_ignore_case(&self, item: &str) -> bool {
        self.find(item.as_bytes(), <[u8]>::eq_ignore_ascii_case)
    }

    /// A byte-level scan (the hot path of exposure and preflight matching): elements whose
    /// trimmed length differs from `item`'s are skipped without comparing.
    fn find(&self, item: &[u8], eq: impl Fn(&[u8], &[u8]) -> bool) -> bool {
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

    #[test]
    fn invalid_bytes() {
        assert_eq!(
            first_invalid_header(&h(&[("a", "ok"), ("ACAO", "x\0")])),
            Some("ACAO")
        );
        assert_eq!(first_invalid_header(&h(&[("a", "\u{b}\u{c}")])), None);
    }
}

//! Which response headers script can read (Fetch: "CORS filtered response",
//! "CORS-safelisted response-header name", `Access-Control-Expose-Headers`).
//!
//! Contract: the result lists lowercase names of headers actually present in the response,
//! sorted and deduplicated. ACEH is parsed all-or-nothing over its combined value; `*` exposes
//! everything only without credentials; `Set-Cookie`/`Set-Cookie2` are never exposed.

use crate::http::{eq_lower_lit, CorsHeader, CorsHeaders, TokenList};

/// `Access-Control-Expose-Headers`.
pub const ACEH: &str = "access-control-expose-headers";

/// The CORS-safelisted response-header names.
pub const SAFELISTED_RESPONSE_HEADERS: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

/// Fetch "forbidden response-header name".
#[inline]
pub fn is_forbidden_response_header(name: &str) -> bool {
    match name.len() {
        10 => eq_lower_lit(name.as_bytes(), b"set-cookie"),
        11 => eq_lower_lit(name.as_bytes(), b"set-cookie2"),
        _ => false,
    }
}

/// Whether `name` (any case) is a CORS-safelisted response-header name: a length switch,
/// then at most two comparisons.
#[inline]
pub fn is_safelisted_response_header(name: &str) -> bool {
    let b = name.as_bytes();
    // Literal patterns: the comparison's words are constants.
    match b.len() {
        6 => eq_lower_lit(b, b"pragma"),
        7 => eq_lower_lit(b, b"expires"),
        12 => eq_lower_lit(b, b"content-type"),
        13 => eq_lower_lit(b, b"cache-control") || eq_lower_lit(b, b"last-modified"),
        14 => eq_lower_lit(b, b"content-length"),
        16 => eq_lower_lit(b, b"content-language"),
        _ => false,
    }
}

/// What script can read from one CORS response: the parsed `Access-Control-Expose-Headers`
/// and whether its `*` applies. Deciding a header is a few comparisons, no allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure<'r> {
    listed: TokenList<'r>,
    star: bool,
}

impl<'r> Exposure<'r> {
    /// The exposure rules of a response with these header lines.
    pub fn of(headers: &'r [(String, String)], include: bool) -> Exposure<'r> {
        Exposure::of_scanned(&CorsHeaders::scan(headers), include)
    }

    /// [`Exposure::of`] on a header list already scanned for its CORS headers.
    #[inline]
    pub fn of_scanned(headers: &CorsHeaders<'r>, include: bool) -> Exposure<'r> {
        let listed = headers
            .get(CorsHeader::ExposeHeaders)
            .and_then(|v| TokenList::parse(v).ok())
            .unwrap_or_default();
        let star = !include && listed.contains("*");
        Exposure { listed, star }
    }

    /// Whether script can read the response header `name` (any case).
    #[inline]
    pub fn exposes(&self, name: &str) -> bool {
        if is_forbidden_response_header(name) {
            return false;
        }
        self.star || is_safelisted_response_header(name) || self.listed.contains_ignore_case(name)
    }
}

/// Lowercase names of the response headers script can read from a CORS response.
pub fn exposed_header_names(headers: &[(String, String)], include: bool) -> Vec<String> {
    exposed_names_scanned(&CorsHeaders::scan(headers), include)
}

/// [`exposed_header_names`] on a header list already scanned (for the CORS check).
pub fn exposed_names_scanned(headers: &CorsHeaders<'_>, include: bool) -> Vec<String> {
    let exposure = Exposure::of_scanned(headers, include);
    collect(headers.headers(), |n| exposure.exposes(n))
}

/// Lowercase names script can read from a basic (same-origin) response.
pub fn basic_header_names(headers: &[(String, String)]) -> Vec<String> {
    collect(headers, |n| !is_forbidden_response_header(n))
}

fn collect(headers: &[(String, String)], keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(headers.len());
    names.extend(
        headers
            .iter()
            .filter(|(n, _)| keep(n))
            .map(|(n, _)| n.to_ascii_lowercase()),
    );
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    type Case<'a> = (Vec<(&'a str, &'a str)>, bool, Vec<&'a str>);

    #[test]
    fn exposure_table() {
        let base = [
            ("Content-Type", "text/plain"),
            ("Content-Length", "3"),
            ("X-A", "1"),
            ("Set-Cookie", "a=b"),
            ("Age", "1"),
        ];
        let cases: Vec<Case<'_>> = vec![
            (vec![], false, vec!["content-length", "content-type"]),
            (
                vec![("Access-Control-Expose-Headers", "x-a")],
                false,
                vec!["content-length", "content-type", "x-a"],
            ),
            (
                vec![("Access-Control-Expose-Headers", "X-A, set-cookie")],
                false,
                vec!["content-length", "content-type", "x-a"],
            ),
            (
                vec![("Access-Control-Expose-Headers", "*")],
                false,
                vec!["age", "content-length", "content-type", "x-a"],
            ),
            (
                vec![("Access-Control-Expose-Headers", "*")],
                true,
                vec!["content-length", "content-type"],
            ),
            (
                vec![("Access-Control-Expose-Headers", "x-a, no no")],
                false,
                vec!["content-length", "content-type"],
            ),
            (
                vec![
                    ("Access-Control-Expose-Headers", ""),
                    ("Access-Control-Expose-Headers", "x-a"),
                ],
                false,
                vec!["content-length", "content-type", "x-a"],
            ),
            (
                vec![("Access-Control-Expose-Headers", "'x-a'")],
                false,
                vec!["content-length", "content-type"],
            ),
        ];
        for (extra, include, want) in cases {
            let mut headers = h(&base);
            headers.extend(h(&extra));
            let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
            if extra.iter().any(|(_, v)| *v == "*") && !include {
                want.push("access-control-expose-headers".into());
                want.sort();
            }
            assert_eq!(
                exposed_header_names(&headers, include),
                want,
                "{extra:?} include={include}"
            );
        }
    }

    #[test]
    fn safelist_switch_matches_the_list() {
        for name in SAFELISTED_RESPONSE_HEADERS {
            assert!(is_safelisted_response_header(name), "{name}");
            assert!(
                is_safelisted_response_header(&name.to_ascii_uppercase()),
                "{name}"
            );
        }
        for name in [
            "",
            "pragma2",
            "content-typ",
            "content_type",
            "x-a",
            "set-cookie",
            "expire\r",
        ] {
            assert!(!is_safelisted_response_header(name), "{name}");
        }
    }

    #[test]
    fn basic_hides_only_set_cookie() {
        let headers = h(&[("X-A", "1"), ("Set-Cookie", "a=b"), ("set-cookie2", "c")]);
        assert_eq!(basic_header_names(&headers), ["x-a"]);
    }
}

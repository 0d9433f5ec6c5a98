//! Which response headers script can read (Fetch: "CORS filtered response",
//! "CORS-safelisted response-header name", `Access-Control-Expose-Headers`).
//!
//! Contract: the result lists lowercase names of headers actually present in the response,
//! sorted and deduplicated. ACEH is parsed all-or-nothing over its combined value; `*` exposes
//! everything only without credentials; `Set-Cookie`/`Set-Cookie2` are never exposed.

use crate::http::{get, TokenList};

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
pub fn is_forbidden_response_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("set-cookie") || name.eq_ignore_ascii_case("set-cookie2")
}

/// Whether `name` is a CORS-safelisted response-header name given the ACEH list.
fn exposed_by(name: &str, listed: &TokenList<'_>, star: bool) -> bool {
    if is_forbidden_response_header(name) {
        return false;
    }
    star || SAFELISTED_RESPONSE_HEADERS
        .iter()
        .any(|s| s.eq_ignore_ascii_case(name))
        || listed.contains_ignore_case(name)
}

/// Lowercase names of the response headers script can read from a CORS response.
pub fn exposed_header_names(headers: &[(String, String)], include: bool) -> Vec<String> {
    let listed = get(headers, ACEH)
        .and_then(|v| TokenList::parse(v).ok())
        .unwrap_or_default();
    let star = !include && listed.contains("*");
    collect(headers, |n| exposed_by(n, &listed, star))
}

/// Lowercase names script can read from a basic (same-origin) response.
pub fn basic_header_names(headers: &[(String, String)]) -> Vec<String> {
    collect(headers, |n| !is_forbidden_response_header(n))
}

fn collect(headers: &[(String, String)], keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut names: Vec<String> = headers
        .iter()
        .filter(|(n, _)| keep(n))
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
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
    fn basic_hides_only_set_cookie() {
        let headers = h(&[("X-A", "1"), ("Set-Cookie", "a=b"), ("set-cookie2", "c")]);
        assert_eq!(basic_header_names(&headers), ["x-a"]);
    }
}

//! The CORS check (Fetch: "CORS check") on actual, redirect and preflight responses, with each
//! engine's way of detecting and naming the failure.
//!
//! Contract: [`cors_check`] takes the response's header lines, the request origin exactly as
//! serialized on the wire (`null` when tainted or opaque) and whether credentials mode is
//! `include`; it returns `Ok(())` or the first failure in the engine's order with its hint (the
//! ACAO or ACAC value). It never allocates on success unless ACAO spans several lines.

use crate::http::{CorsHeader, CorsHeaders};
use crate::model::FailureKind;
use crate::profile::{AcaoStyle, BrowserProfile};
use serde::Serialize;

/// `Access-Control-Allow-Origin`.
pub const ACAO: &str = "access-control-allow-origin";
/// `Access-Control-Allow-Credentials`.
pub const ACAC: &str = "access-control-allow-credentials";

/// A failed check: what, and the offending value (for the console text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckFailure {
    /// The failure kind (a CORS-check kind, or a preflight-validation kind).
    pub kind: FailureKind,
    /// The failed parameter.
    pub hint: Option<String>,
}

impl CheckFailure {
    /// A failure with a hint.
    pub fn new(kind: FailureKind, hint: impl Into<String>) -> CheckFailure {
        CheckFailure {
            kind,
            hint: Some(hint.into()),
        }
    }

    /// A failure without a hint.
    pub fn bare(kind: FailureKind) -> CheckFailure {
        CheckFailure { kind, hint: None }
    }
}

/// Fetch "CORS check", as `profile` performs and names it.
pub fn cors_check(
    headers: &[(String, String)],
    origin: &str,
    include: bool,
    profile: &BrowserProfile,
) -> Result<(), CheckFailure> {
    cors_check_scanned(&CorsHeaders::scan(headers), origin, include, profile)
}

/// [`cors_check`] on a header list already scanned for its CORS headers (one pass serves the
/// CORS check, the preflight lists and exposure).
pub fn cors_check_scanned(
    headers: &CorsHeaders<'_>,
    origin: &str,
    include: bool,
    profile: &BrowserProfile,
) -> Result<(), CheckFailure> {
    match profile.acao_style {
        AcaoStyle::Spec | AcaoStyle::Chromium => check_chromium(headers, origin, include),
        AcaoStyle::Firefox => check_firefox(headers, origin, include),
        AcaoStyle::Webkit => check_webkit(headers, origin, include),
    }
}

fn check_chromium(headers: &CorsHeaders<'_>, origin: &str, include: bool) -> Result<(), CheckFailure> {
    let acao = headers.get(CorsHeader::AllowOrigin);
    match acao.as_deref() {
        Some("*") if !include => return Ok(()),
        Some("*") => return Err(CheckFailure::new(FailureKind::WildcardOriginNotAllowed, "*")),
        None => return Err(CheckFailure::bare(FailureKind::MissingAllowOrigin)),
        Some(v) if v != origin => return Err(CheckFailure::new(chromium_mismatch_kind(v), v)),
        Some(_) => {}
    }
    check_credentials(headers, include)
}

/// Chromium's choice among the three ACAO-mismatch names (`cors.cc` `CheckAccess`).
pub fn chromium_mismatch_kind(value: &str) -> FailureKind {
    if value.contains([' ', ',']) {
        FailureKind::MultipleAllowOriginValues
    } else if value == "null" || gurl_like_valid(value) {
        FailureKind::AllowOriginMismatch
    } else {
        FailureKind::InvalidAllowOriginValue
    }
}

/// Whether a value would parse as a URL with an origin-ish shape (GURL `is_valid`): a scheme,
/// and for special schemes a host. A bare `host:port` parses as a scheme-only URL and is not.
pub fn gurl_like_valid(value: &str) -> bool {
    url::Url::parse(value).is_ok_and(|u| u.has_host())
}

fn check_firefox(headers: &CorsHeaders<'_>, origin: &str, include: bool) -> Result<(), CheckFailure> {
    if headers.count(CorsHeader::AllowOrigin) > 1 {
        let joined = headers.get(CorsHeader::AllowOrigin).unwrap_or_default();
        return Err(CheckFailure::new(FailureKind::MultipleAllowOriginValues, joined));
    }
    let Some(acao) = headers.get(CorsHeader::AllowOrigin) else {
        return Err(CheckFailure::bare(FailureKind::MissingAllowOrigin));
    };
    if include && acao == "*" {
        return Err(CheckFailure::new(FailureKind::WildcardOriginNotAllowed, "*"));
    }
    if (include || acao != "*") && acao != origin {
        return Err(CheckFailure::new(FailureKind::AllowOriginMismatch, acao));
    }
    check_credentials(headers, include)
}

fn check_webkit(headers: &CorsHeaders<'_>, origin: &str, include: bool) -> Result<(), CheckFailure> {
    let acao = headers.get(CorsHeader::AllowOrigin);
    match acao.as_deref() {
        Some("*") if include => return Err(CheckFailure::new(FailureKind::WildcardOriginNotAllowed, "*")),
        Some("*") => return Ok(()),
        Some(v) if v == origin => {}
        Some(v) if v.contains(',') => {
            return Err(CheckFailure::new(FailureKind::MultipleAllowOriginValues, v))
        }
        Some(v) => return Err(CheckFailure::new(FailureKind::AllowOriginMismatch, v)),
        None => return Err(CheckFailure::bare(FailureKind::MissingAllowOrigin)),
    }
    check_credentials(headers, include)
}

/// The ACAC half: with credentials `include`, the combined value must be exactly `true`.
#[inline(always)]
fn check_credentials(headers: &CorsHeaders<'_>, include: bool) -> Result<(), CheckFailure> {
    if !include {
        return Ok(());
    }
    match headers.get(CorsHeader::AllowCredentials) {
        Some(v) if v == "true" => Ok(()),
        Some(v) => Err(CheckFailure::new(FailureKind::InvalidAllowCredentials, v)),
        None => Err(CheckFailure::new(FailureKind::InvalidAllowCredentials, "")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Engine;
    use FailureKind::*;

    const O: &str = "http://web.test";

    type Lines<'a> = Vec<(&'a str, &'a str)>;
    type Want = Result<(), FailureKind>;

    fn run(engine: Engine, lines: &[(&str, &str)], include: bool) -> Result<(), FailureKind> {
        let headers: Vec<(String, String)> = lines
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        cors_check(&headers, O, include, BrowserProfile::of(engine)).map_err(|f| f.kind)
    }

    #[test]
    fn chromium_table() {
        let a = "Access-Control-Allow-Origin";
        let c = "Access-Control-Allow-Credentials";
        let cases: Vec<(Lines<'_>, bool, Want)> = vec![
            (vec![(a, "*")], false, Ok(())),
            (vec![(a, " *  ")], false, Ok(())),
            (vec![(a, "*"), (c, "true")], true, Err(WildcardOriginNotAllowed)),
            (vec![], false, Err(MissingAllowOrigin)),
            (vec![(a, O)], false, Ok(())),
            (vec![(a, O), (a, O)], false, Err(MultipleAllowOriginValues)),
            (
                vec![(a, "http://web.test http://x.test")],
                false,
                Err(MultipleAllowOriginValues),
            ),
            (vec![(a, "null")], false, Err(AllowOriginMismatch)),
            (vec![(a, "http://web.test/")], false, Err(AllowOriginMismatch)),
            (vec![(a, "HTTP://WEB.TEST")], false, Err(AllowOriginMismatch)),
            (vec![(a, "http:/web.test")], false, Err(AllowOriginMismatch)),
            (vec![(a, "http:web.test")], false, Err(AllowOriginMismatch)),
            (vec![(a, "ftp://web.test")], false, Err(AllowOriginMismatch)),
            (vec![(a, "http://web.test:080")], false, Err(AllowOriginMismatch)),
            (vec![(a, "http://*.test")], false, Err(AllowOriginMismatch)),
            (vec![(a, "//web.test")], false, Err(InvalidAllowOriginValue)),
            (vec![(a, "://web.test")], false, Err(InvalidAllowOriginValue)),
            (vec![(a, "http:://web.test")], false, Err(InvalidAllowOriginValue)),
            (vec![(a, "web.test:80")], false, Err(InvalidAllowOriginValue)),
            (vec![(a, "")], false, Err(InvalidAllowOriginValue)),
            (vec![(a, "**")], false, Err(InvalidAllowOriginValue)),
            (vec![(a, "\"*\"")], false, Err(InvalidAllowOriginValue)),
            (vec![(a, "*\u{b}")], false, Err(InvalidAllowOriginValue)),
            (
                vec![(a, "http://web.test:*")],
                false,
                Err(InvalidAllowOriginValue),
            ),
            (vec![(a, O)], true, Err(InvalidAllowCredentials)),
            (vec![(a, O), (c, "True")], true, Err(InvalidAllowCredentials)),
            (
                vec![(a, O), (c, "true"), (c, "true")],
                true,
                Err(InvalidAllowCredentials),
            ),
            (vec![(a, O), (c, "  true ")], true, Ok(())),
            (vec![(a, O), (c, "nope")], false, Ok(())),
        ];
        for (lines, include, want) in cases {
            assert_eq!(
                run(Engine::Chromium, &lines, include),
                want,
                "{lines:?} include={include}"
            );
        }
    }

    #[test]
    fn firefox_and_webkit_naming() {
        let a = "Access-Control-Allow-Origin";
        let cases: Vec<(Lines<'_>, bool, Want, Want)> = vec![
            (
                vec![(a, O), (a, O)],
                false,
                Err(MultipleAllowOriginValues),
                Err(MultipleAllowOriginValues),
            ),
            (
                vec![(a, "http://a.test, http://b.test")],
                false,
                Err(AllowOriginMismatch),
                Err(MultipleAllowOriginValues),
            ),
            (
                vec![(a, "http://a.test http://b.test")],
                false,
                Err(AllowOriginMismatch),
                Err(AllowOriginMismatch),
            ),
            (vec![], false, Err(MissingAllowOrigin), Err(MissingAllowOrigin)),
            (
                vec![(a, "*")],
                true,
                Err(WildcardOriginNotAllowed),
                Err(WildcardOriginNotAllowed),
            ),
            (vec![(a, "*")], false, Ok(()), Ok(())),
        ];
        for (lines, include, ff, wk) in cases {
            assert_eq!(run(Engine::Firefox, &lines, include), ff, "firefox {lines:?}");
            assert_eq!(run(Engine::Webkit, &lines, include), wk, "webkit {lines:?}");
        }
    }

    #[test]
    fn hint_is_the_combined_value() {
        let headers = vec![
            ("ACAO".to_owned(), "a".to_owned()),
            ("access-control-allow-origin".to_owned(), "b".to_owned()),
        ];
        let headers: Vec<_> = headers
            .into_iter()
            .map(|(n, v)| (n.replace("ACAO", ACAO), v))
            .collect();
        let f = cors_check(&headers, O, false, BrowserProfile::of(Engine::Chromium)).unwrap_err();
        assert_eq!(f.hint.as_deref(), Some("a, b"));
    }
}

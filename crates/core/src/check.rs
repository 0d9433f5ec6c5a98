//! The CORS check (Fetch: "CORS check") on actual, redirect and preflight responses, with each
//! engine's way of detecting and naming the failure.
//!
//! Contract: [`cors_check`] takes the response's header lines, the request origin exactly as
//! serialized on the wire (`null` when tainted or opaque) and whether credentials mode is
//! `include`; it returns `Ok(())` or the first failure in the engine's order with its hint (the
//! ACAO or ACAC value). It never allocates on success unless ACAO spans several lines.

use crate::http::{eq_exact, CorsHeader, CorsHeaders};
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
    if passes_in_every_engine(headers, origin, include) {
        return Ok(());
    }
    check_in_engine_order(headers, origin, include, profile)
}

/// The CORS check's success that every engine agrees on: one ACAO line, `*` without
/// credentials or else the request origin, and with credentials `include` one ACAC line
/// `true`. Sufficient for `Ok`, not necessary: any other response takes the engine's own steps.
#[inline(always)]
fn passes_in_every_engine(headers: &CorsHeaders<'_>, origin: &str, include: bool) -> bool {
    match headers.single(CorsHeader::AllowOrigin) {
        Some("*") => !include,
        Some(acao) => {
            eq_exact(acao.as_bytes(), origin.as_bytes())
                && (!include || headers.single(CorsHeader::AllowCredentials) == Some("true"))
        }
        None => false,
    }
}

/// Fetch "CORS check" step by step in the engine's order, for the responses
/// [`passes_in_every_engine`] does not settle (almost all of them fail).
#[cold]
#[inline(never)]
fn check_in_engine_order(
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

    const ENGINES: [Engine; 4] = [Engine::Spec, Engine::Chromium, Engine::Firefox, Engine::Webkit];

    /// The shortcut and the engine's own steps give the same result (kind and hint).
    fn agrees(headers: &[(String, String)], origin: &str, include: bool) -> Result<(), String> {
        let scanned = CorsHeaders::scan(headers);
        for engine in ENGINES {
            let profile = BrowserProfile::of(engine);
            let fast = cors_check_scanned(&scanned, origin, include, profile);
            let steps = check_in_engine_order(&scanned, origin, include, profile);
            if fast != steps {
                return Err(format!(
                    "{engine:?} {headers:?} {origin:?} include={include}: {fast:?} vs {steps:?}"
                ));
            }
        }
        Ok(())
    }

    #[test]
    fn shortcut_matches_the_engines_on_edge_cases() {
        let a = "Access-Control-Allow-Origin";
        let c = "access-control-allow-credentials";
        let cases: Vec<(Lines<'_>, &str)> = vec![
            (vec![(a, "*")], O),
            (vec![(a, " * ")], O),
            (vec![(a, "*"), (a, "*")], O),
            (vec![(a, "*")], "*"),
            (vec![(a, "*"), (c, "true")], "*"),
            (vec![(a, O), (c, "true")], O),
            (vec![(a, O), (c, "\ttrue ")], O),
            (vec![(a, O), (c, "true"), (c, "true")], O),
            (vec![(a, O), (c, "TRUE")], O),
            (vec![(a, O), (a, O), (c, "true")], O),
            (vec![(a, "a, b")], "a, b"),
            (vec![(a, "a"), (a, "b")], "a, b"),
            (vec![(a, "")], ""),
            (vec![(a, "null")], "null"),
            (vec![(a, "https://app.example.com")], "https://app.example.con"),
            (vec![(a, "https://app.example.com")], "https://app.example.com"),
            (
                vec![(a, "https://app.example.com:8443/x")],
                "https://app.example.com:8443/y",
            ),
            (vec![(a, "http://web.tes\0")], O),
            (vec![(a, "http://web.test\0")], O),
            (vec![(c, "true")], O),
        ];
        for (lines, origin) in cases {
            let headers: Vec<(String, String)> = lines
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect();
            for include in [false, true] {
                agrees(&headers, origin, include).unwrap();
            }
        }
    }

    proptest::proptest! {
        /// Random header lists: the shortcut agrees with every engine's own steps.
        #[test]
        fn shortcut_matches_the_engines(
            lines in proptest::collection::vec(
                (0usize..4, proptest::sample::select(vec![
                    "*", " * ", "", "true", " true", "True", "null", "http://web.test",
                    "http://web.test ", "http://web.tes", "http://web.test/", "https://app.example.com",
                    "https://app.example.co", "a, b", "http://web.test, http://web.test",
                ])),
                0..5,
            ),
            origin in proptest::sample::select(vec![
                "http://web.test", "null", "*", "https://app.example.com", "", "a, b", "http://web.tes",
            ]),
            include in proptest::bool::ANY,
        ) {
            const NAMES: [&str; 4] = [
                "Access-Control-Allow-Origin",
                "access-control-allow-credentials",
                "ACCESS-CONTROL-ALLOW-ORIGIN",
                "Vary",
            ];
            let headers: Vec<(String, String)> =
                lines.iter().map(|(i, v)| (NAMES[*i].to_owned(), (*v).to_owned())).collect();
            if let Err(e) = agrees(&headers, origin, include) {
                proptest::prop_assert!(false, "{}", e);
            }
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

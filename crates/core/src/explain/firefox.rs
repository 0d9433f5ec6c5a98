//! Firefox's console line (`security.properties`, reference/browsers.md §3.2): every reason, in
//! current and legacy wording, with typographic or ASCII quotes, with or without `Status code: N`.

use std::collections::BTreeMap;

use super::chromium::match_template;
use super::scan::{unquote, Compact};
use super::{Hit, NotCors, Role};
use crate::model::{Engine, FailureKind, Stage};

const BLOCKED: &str =
    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at";
const WARNING: &str =
    "Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at";

/// (reason text with `{}` for the parameter, reason key as MDN names it — `CORSMIssingAllowCredentials`
/// keeps DevTools' typo, as `Failure::error_name` does — kind, stage, code override).
type Reason = (
    &'static str,
    &'static str,
    FailureKind,
    Stage,
    Option<&'static str>,
);

const REASONS: &[Reason] = {
    use FailureKind::*;
    use Stage::*;
    &[
        ("CORS disabled", "CORSDisabled", RequestRejected, Actual, Some("cors-disabled")),
        ("CORS request did not succeed", "CORSDidNotSucceed", FailureKind::Network, Stage::Network, None),
        ("CORS request not http", "CORSRequestNotHttp", CorsDisabledScheme, Actual, None),
        ("Multiple CORS header 'Access-Control-Allow-Origin' not allowed", "CORSMultipleAllowOriginNotAllowed", MultipleAllowOriginValues, Actual, None),
        ("CORS header 'Access-Control-Allow-Origin' missing", "CORSMissingAllowOrigin", MissingAllowOrigin, Actual, None),
        ("Credential is not supported if the CORS header 'Access-Control-Allow-Origin' is '*'", "CORSNotSupportingCredentials", WildcardOriginNotAllowed, Actual, None),
        ("CORS header 'Access-Control-Allow-Origin' does not match '{}'", "CORSAllowOriginNotMatchingOrigin", AllowOriginMismatch, Actual, None),
        ("expected 'true' in CORS header 'Access-Control-Allow-Credentials'", "CORSMIssingAllowCredentials", InvalidAllowCredentials, Actual, None),
        ("CORS header 'Origin' cannot be added", "CORSOriginHeaderNotAdded", RequestRejected, Actual, Some("origin-header-not-added")),
        ("CORS request external redirect not allowed", "CORSExternalRedirectNotAllowed", PreflightDisallowedRedirect, Preflight, None),
        ("CORS preflight response did not succeed", "CORSPreflightDidNotSucceed", PreflightInvalidStatus, Preflight, None),
        ("CORS preflight channel did not succeed", "CORSPreflightDidNotSucceed", PreflightInvalidStatus, Preflight, None),
        ("invalid token '{}' in CORS header 'Access-Control-Allow-Methods'", "CORSInvalidAllowMethod", InvalidAllowMethods, Preflight, None),
        ("Did not find method in CORS header 'Access-Control-Allow-Methods'", "CORSMethodNotFound", MethodNotAllowed, Preflight, None),
        ("invalid token '{}' in CORS header 'Access-Control-Allow-Headers'", "CORSInvalidAllowHeader", InvalidAllowHeaders, Preflight, None),
        (
            "header '{}' is not allowed according to header 'Access-Control-Allow-Headers' from CORS preflight response",
            "CORSMissingAllowHeaderFromPreflight",
            HeaderNotAllowed,
            Preflight,
            None,
        ),
        (
            "missing token '{}' in CORS header 'Access-Control-Allow-Headers' from CORS preflight channel",
            "CORSMissingAllowHeaderFromPreflight",
            HeaderNotAllowed,
            Preflight,
            None,
        ),
    ]
};

/// The number of distinct Firefox reasons recognised (legacy wordings share a key).
pub const REASON_KEYS: usize = 15;

/// Every Firefox CORS message, plus the `Authorization`-wildcard deprecation warning (not an error).
pub(crate) fn scan(c: &Compact<'_>) -> (Vec<Hit>, Vec<(usize, NotCors)>, Vec<usize>) {
    let (mut hits, mut warnings, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
    for p in c.find_all(BLOCKED) {
        match parse_at(c, p) {
            Some(hit) => hits.push(hit),
            None => unknown.push(p),
        }
    }
    for p in c.find_all(WARNING) {
        let line = c.line_of(p).to_string();
        let looks_like = "a Firefox deprecation warning, not an error: the request worked because \
            `Access-Control-Allow-Headers: *` still covers `Authorization`; the spec says it must not, so list \
            `Authorization` explicitly before browsers enforce it"
            .to_string();
        warnings.push((p, NotCors { line, looks_like }));
    }
    (hits, warnings, unknown)
}

fn parse_at(c: &Compact<'_>, p: usize) -> Option<Hit> {
    let u0 = c.at(p, BLOCKED)?;
    let r = c.find(". (Reason:", u0)?;
    let url = unquote(&c.token(u0, r));
    let rs = c.at(r, ". (Reason:")?;
    let (reason, slots, mut end) = REASONS
        .iter()
        .find_map(|reason| match_template(c, rs, reason.0).map(|(s, e)| (reason, s, e)))?;
    let &(_, key, mut kind, stage, code) = reason;
    end = c.at(end, ")").unwrap_or(end);
    end = c.at(end, ".").unwrap_or(end);
    let mut status = None;
    if let Some(s) = c.at(end, "Status code:") {
        end = s;
        if let Some((n, e)) = c.number(s) {
            status = Some(n);
            end = e;
        } else if let Some(e) = c.at(s, "(null)") {
            end = e;
        }
        end = c.at(end, ".").unwrap_or(end);
    }
    end = c.at(end, "[Learn More]").unwrap_or(end);
    if kind == FailureKind::PreflightInvalidStatus && status.is_some_and(|s| (300..400).contains(&s)) {
        kind = FailureKind::PreflightDisallowedRedirect;
    }
    let mut detail = BTreeMap::new();
    if let Some(&(a, b)) = slots.first() {
        let key = if kind == FailureKind::HeaderNotAllowed {
            "header"
        } else {
            "value"
        };
        detail.insert(key.to_string(), c.value(a, b));
    }
    if let Some(s) = status {
        detail.insert("status".to_string(), s.to_string());
    }
    Some(Hit {
        browser: Engine::Firefox,
        kind,
        stage,
        error_name: key.to_string(),
        code: code.map(str::to_string),
        url: Some(url),
        initial_url: None,
        origin: None,
        initiator: None,
        detail,
        start: p,
        end,
        role: Role::Primary,
        message: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::explain;
    use crate::model::{Engine, FailureKind, Stage};

    const U: &str = "https://api.example.com/items";

    fn msg(reason: &str, status: Option<&str>) -> String {
        let status = status.map(|s| format!(" Status code: {s}.")).unwrap_or_default();
        format!("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {U}. (Reason: {reason}).{status}")
    }

    #[test]
    fn every_reason_current_and_legacy_typographic_and_ascii() {
        use FailureKind::*;
        type Row = (
            &'static str,
            Option<&'static str>,
            FailureKind,
            Stage,
            &'static str,
            Option<(&'static str, &'static str)>,
        );
        let cases: &[Row] = &[
            ("CORS disabled", None, RequestRejected, Stage::Actual, "CORSDisabled", None),
            ("CORS request did not succeed", Some("(null)"), Network, Stage::Network, "CORSDidNotSucceed", None),
            ("CORS request not HTTP", None, CorsDisabledScheme, Stage::Actual, "CORSRequestNotHttp", None),
            ("Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed", None, MultipleAllowOriginValues, Stage::Actual, "CORSMultipleAllowOriginNotAllowed", None),
            ("CORS header ‘Access-Control-Allow-Origin’ missing", Some("404"), MissingAllowOrigin, Stage::Actual, "CORSMissingAllowOrigin", Some(("status", "404"))),
            ("CORS header 'Access-Control-Allow-Origin' missing", None, MissingAllowOrigin, Stage::Actual, "CORSMissingAllowOrigin", None),
            ("Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’", None, WildcardOriginNotAllowed, Stage::Actual, "CORSNotSupportingCredentials", None),
            ("CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://a.test, https://b.test’", None, AllowOriginMismatch, Stage::Actual, "CORSAllowOriginNotMatchingOrigin", Some(("value", "https://a.test, https://b.test"))),
            ("expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’", None, InvalidAllowCredentials, Stage::Actual, "CORSMIssingAllowCredentials", None),
            ("CORS header ‘Origin’ cannot be added", None, RequestRejected, Stage::Actual, "CORSOriginHeaderNotAdded", None),
            ("CORS request external redirect not allowed", None, PreflightDisallowedRedirect, Stage::Preflight, "CORSExternalRedirectNotAllowed", None),
            ("CORS preflight response did not succeed", Some("401"), PreflightInvalidStatus, Stage::Preflight, "CORSPreflightDidNotSucceed", Some(("status", "401"))),
            ("CORS preflight response did not succeed", Some("301"), PreflightDisallowedRedirect, Stage::Preflight, "CORSPreflightDidNotSucceed", None),
            ("CORS preflight channel did not succeed", None, PreflightInvalidStatus, Stage::Preflight, "CORSPreflightDidNotSucceed", None),
            ("invalid token ‘GET;POST’ in CORS header ‘Access-Control-Allow-Methods’", None, InvalidAllowMethods, Stage::Preflight, "CORSInvalidAllowMethod", Some(("value", "GET;POST"))),
            ("Did not find method in CORS header ‘Access-Control-Allow-Methods’", None, MethodNotAllowed, Stage::Preflight, "CORSMethodNotFound", None),
            ("invalid token ‘x y’ in CORS header ‘Access-Control-Allow-Headers’", None, InvalidAllowHeaders, Stage::Preflight, "CORSInvalidAllowHeader", Some(("value", "x y"))),
            ("header ‘x-api-key’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response", None, HeaderNotAllowed, Stage::Preflight, "CORSMissingAllowHeaderFromPreflight", Some(("header", "x-api-key"))),
            ("missing token 'authorization' in CORS header 'Access-Control-Allow-Headers' from CORS preflight channel", None, HeaderNotAllowed, Stage::Preflight, "CORSMissingAllowHeaderFromPreflight", Some(("header", "authorization"))),
        ];
        for (reason, status, kind, stage, name, hint) in cases {
            let r = explain(&msg(reason, *status));
            assert_eq!(r.errors.len(), 1, "{reason}: {r:#?}");
            let e = &r.errors[0];
            assert_eq!(e.browser, Engine::Firefox);
            assert_eq!(
                (e.kind, e.stage, e.error_name.as_str()),
                (*kind, *stage, *name),
                "{reason}"
            );
            assert_eq!(e.url.as_deref(), Some(U));
            if let Some((k, v)) = hint {
                assert_eq!(e.detail.get(*k).map(String::as_str), Some(*v), "{reason}");
            }
        }
    }

    #[test]
    fn quoted_url_of_the_credentials_message() {
        let text = format!("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘{U}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’). [Learn More]");
        let r = explain(&text);
        assert_eq!(r.errors[0].url.as_deref(), Some(U));
        assert!(r.errors[0].check_command.contains("--credentials include"));
    }

    #[test]
    fn missing_acao_then_did_not_succeed_is_one_preflight_error() {
        let text = format!(
            "{}\n{}",
            msg("CORS header ‘Access-Control-Allow-Origin’ missing", Some("401")),
            msg("CORS request did not succeed", Some("(null)"))
        );
        let r = explain(&text);
        assert_eq!(r.errors.len(), 1, "{r:#?}");
        assert_eq!(r.errors[0].stage, Stage::Preflight);
        assert_eq!(r.errors[0].code, "preflight-missing-allow-origin");
        assert!(r.errors[0].causes[0].contains("401"), "{:?}", r.errors[0].causes);
    }

    #[test]
    fn redirected_preflight_three_lines_are_one_error() {
        let text = format!(
            "{}\n{}\n{}",
            msg("CORS request external redirect not allowed", None),
            msg("CORS preflight response did not succeed", Some("307")),
            msg("CORS request did not succeed", Some("(null)"))
        );
        let r = explain(&text);
        assert_eq!(r.errors.len(), 1, "{r:#?}");
        assert_eq!(r.errors[0].kind, FailureKind::PreflightDisallowedRedirect);
        assert_eq!(r.errors[0].detail.get("status").map(String::as_str), Some("307"));
    }

    #[test]
    fn warning_is_not_an_error() {
        let text = "Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at https://a.test/x soon. (Reason: When the `Access-Control-Allow-Headers` is `*`, the `Authorization` header is not covered. To include the `Authorization` header, it must be explicitly listed in CORS header `Access-Control-Allow-Headers`).";
        let r = explain(text);
        assert!(r.errors.is_empty());
        assert!(r.not_cors[0].looks_like.contains("deprecation"));
    }
}

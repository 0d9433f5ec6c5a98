//! Safari / WebKit console lines (reference/browsers.md §4.2 and §10). WebKit prints the reason on one
//! line (without the URL) and `Fetch API cannot load {url} due to access control checks.` on the
//! next; Web Inspector may echo the reason as `Failed to load resource: {reason}`. The caller pairs
//! reasons with their summary line.

use std::collections::BTreeMap;

use super::chromium::match_template;
use super::scan::Compact;
use super::{Hit, Role};
use crate::model::{Engine, FailureKind, Initiator, Stage};

/// Reasons that start with a fixed sentence: (template, WebKit name, kind, stage).
const FIXED: &[(&str, &str, FailureKind, Stage)] = {
    use FailureKind::*;
    use Stage::*;
    &[
        (
            "Access-Control-Allow-Origin cannot contain more than one origin.",
            "AllowOriginMultipleOrigins",
            MultipleAllowOriginValues,
            Actual,
        ),
        (
            "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.",
            "WildcardWithCredentials",
            WildcardOriginNotAllowed,
            Actual,
        ),
        (
            "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\".",
            "AllowCredentialsNotTrue",
            InvalidAllowCredentials,
            Actual,
        ),
        (
            "Header Access-Control-Allow-Methods has an invalid value: {}",
            "InvalidAllowMethods",
            InvalidAllowMethods,
            Preflight,
        ),
        (
            "Header Access-Control-Allow-Headers has an invalid value: {}",
            "InvalidAllowHeaders",
            InvalidAllowHeaders,
            Preflight,
        ),
        (
            "Cross origin requests are only supported for HTTP.",
            "CrossOriginRequiresHTTP",
            CorsDisabledScheme,
            Actual,
        ),
        (
            "CORS-preflight request was blocked",
            "PreflightBlocked",
            FailureKind::Network,
            Preflight,
        ),
        (
            "not allowed to follow a cross-origin CORS redirection with non CORS scheme",
            "RedirectionNonCORSScheme",
            RedirectUnsafeScheme,
            Redirect,
        ),
        (
            "redirection URL {} has credentials",
            "RedirectionURLHasCredentials",
            RedirectContainsCredentials,
            Redirect,
        ),
        (
            "Not allowed to follow a redirection while loading {}",
            "RedirectionNotAllowed",
            RedirectModeError,
            Redirect,
        ),
        (
            "Load cannot follow more than 20 redirections",
            "TooManyRedirections",
            TooManyRedirects,
            Redirect,
        ),
        (
            "Unsafe attempt to load URL {} from origin {}. Domains, protocols and ports must match.",
            "DisallowedByMode",
            DisallowedByMode,
            Actual,
        ),
    ]
};

/// Number of WebKit reason templates recognised (fixed sentences, the three whose subject comes
/// first, the preflight status, the redirect denial and the three summary forms).
pub const TEMPLATES: usize = FIXED.len() + 3 + 1 + 1 + 3;

/// Every WebKit reason and summary line in the text.
pub(crate) fn scan(c: &Compact<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (tpl, name, kind, stage) in FIXED {
        let lead = tpl.split("{}").next().unwrap_or(tpl);
        for p in c.find_all(lead) {
            if let Some((slots, end)) = match_template(c, p, tpl) {
                let mut hit = hit(*kind, *stage, name, p, end);
                fill_fixed(c, &mut hit, &slots);
                hits.push(hit);
            }
        }
    }
    hits.extend(origin_not_allowed(c));
    hits.extend(subject_first(
        c,
        "is not allowed by Access-Control-Allow-Methods.",
        "Method",
        "method",
        FailureKind::MethodNotAllowed,
    ));
    hits.extend(subject_first(
        c,
        "is not allowed by Access-Control-Allow-Headers.",
        "Request header field",
        "header",
        FailureKind::HeaderNotAllowed,
    ));
    hits.extend(preflight_not_successful(c));
    hits.extend(summaries(c));
    hits.sort_by_key(|h| h.start);
    redirections(c, hits)
}

fn hit(kind: FailureKind, stage: Stage, name: &str, start: usize, end: usize) -> Hit {
    Hit {
        browser: Engine::Webkit,
        kind,
        stage,
        error_name: name.to_string(),
        code: None,
        url: None,
        initial_url: None,
        origin: None,
        initiator: None,
        detail: BTreeMap::new(),
        start,
        end,
        role: Role::Primary,
        message: String::new(),
    }
}

fn fill_fixed(c: &Compact<'_>, hit: &mut Hit, slots: &[(usize, usize)]) {
    let slot = |i: usize| slots.get(i).map(|&(a, b)| (a, b));
    match hit.kind {
        FailureKind::InvalidAllowMethods | FailureKind::InvalidAllowHeaders => {
            if let Some((a, b)) = slot(0) {
                hit.detail.insert("value".into(), c.value(a, b));
            }
        }
        FailureKind::RedirectContainsCredentials => {
            if let Some((a, b)) = slot(0) {
                hit.detail.insert("location".into(), c.token(a, b));
            }
        }
        FailureKind::RedirectModeError => hit.url = slot(0).map(|(a, b)| c.token(a, b)),
        FailureKind::DisallowedByMode => {
            hit.url = slot(0).map(|(a, b)| c.token(a, b));
            hit.origin = slot(1).map(|(a, b)| c.token(a, b));
        }
        _ => {}
    }
}

fn trim_dot(s: &str) -> String {
    s.strip_suffix('.').unwrap_or(s).to_string()
}

fn status_after(c: &Compact<'_>, hit: &mut Hit) {
    if let Some(s) = c
        .at(hit.end, "Status code:")
        .or_else(|| c.at(hit.end, ". Status code:"))
    {
        if let Some((n, e)) = c.number(s) {
            hit.detail.insert("status".into(), n.to_string());
            hit.end = e;
        }
    }
}

/// `Origin {origin} is not allowed by Access-Control-Allow-Origin.[ Status code: {status}]` — WebKit
/// prints it both when the header is missing and when it names another origin.
fn origin_not_allowed(c: &Compact<'_>) -> Vec<Hit> {
    let anchor = "is not allowed by Access-Control-Allow-Origin.";
    let mut out = Vec::new();
    for a in c.find_all(anchor) {
        // The origin may itself contain "origin": take the nearest "Origin" followed by an origin.
        let mut before = a;
        let found = loop {
            let Some(o) = c.rfind_before("Origin", before) else {
                break None;
            };
            let value = c.token(o + 6, a);
            if value == "null" || value.contains("://") {
                break Some((o, value));
            }
            before = o;
        };
        let Some((o, origin)) = found else { continue };
        let mut h = hit(
            FailureKind::MissingAllowOrigin,
            Stage::Actual,
            "OriginNotAllowed",
            o,
            a + compact_len(anchor),
        );
        h.origin = Some(origin);
        status_after(c, &mut h);
        out.push(h);
    }
    out
}

fn compact_len(lit: &str) -> usize {
    lit.chars().filter(|c| !c.is_whitespace()).count()
}

/// `Method {m} is not allowed by Access-Control-Allow-Methods.` and the header twin.
fn subject_first(c: &Compact<'_>, anchor: &str, lead: &str, key: &str, kind: FailureKind) -> Vec<Hit> {
    let mut out = Vec::new();
    for a in c.find_all(anchor) {
        let Some(l) = c.rfind_before(lead, a) else {
            continue;
        };
        let s = l + compact_len(lead);
        if s >= a || a - s > 200 {
            continue;
        }
        let name = if kind == FailureKind::MethodNotAllowed {
            "MethodNotAllowed"
        } else {
            "HeaderNotAllowed"
        };
        let mut h = hit(kind, Stage::Preflight, name, l, a + compact_len(anchor));
        h.detail.insert(key.into(), c.token(s, a));
        out.push(h);
    }
    out
}

fn preflight_not_successful(c: &Compact<'_>) -> Vec<Hit> {
    let lead = "Preflight response is not successful";
    let mut out = Vec::new();
    for p in c.find_all(lead) {
        let mut h = hit(
            FailureKind::PreflightInvalidStatus,
            Stage::Preflight,
            "PreflightNotSuccessful",
            p,
            p + compact_len(lead),
        );
        h.end = c.at(h.end, ".").unwrap_or(h.end);
        status_after(c, &mut h);
        let status: Option<u16> = h.detail.get("status").and_then(|s| s.parse().ok());
        if status.is_some_and(|s| (300..400).contains(&s)) {
            h.kind = FailureKind::PreflightDisallowedRedirect;
        }
        out.push(h);
    }
    out
}

/// `{Fetch API|XMLHttpRequest|EventSource} cannot load {url} due to access control checks.`,
/// `Cannot load image {url} due to access control checks.`, the same-origin-mode
/// `Fetch API cannot load {url}.` and the script-element sentence.
fn summaries(c: &Compact<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    let anchor = "due to access control checks.";
    for a in c.find_all(anchor) {
        let Some(l) = c.rfind_before("cannot load", a) else {
            continue;
        };
        let s = l + compact_len("cannot load");
        if a <= s || a - s > 4000 {
            continue;
        }
        let words = c.value(s, a);
        let mut tokens: Vec<&str> = words.split(' ').collect();
        let resource =
            (tokens.len() > 1 && tokens[0].chars().all(char::is_alphabetic)).then(|| tokens.remove(0));
        let mut h = hit(
            FailureKind::MissingAllowOrigin,
            Stage::Actual,
            "AccessControlCheckFailed",
            l,
            a + compact_len(anchor),
        );
        h.role = Role::Summary;
        h.code = Some("cors-check-failed".into());
        h.url = Some(tokens.concat());
        h.initiator = initiator_before(c, l);
        if let Some(r) = resource {
            h.detail.insert("resource".into(), r.to_string());
        }
        out.push(h);
    }
    for lead in ["Fetch API cannot load", "XMLHttpRequest cannot load"] {
        for p in c.find_all(lead) {
            let s = p + compact_len(lead);
            let end = c.line_end(s);
            let rest = c.token(s, end);
            if rest.to_ascii_lowercase().contains("duetoaccesscontrolchecks") || !rest.ends_with('.') {
                continue;
            }
            let mut h = hit(
                FailureKind::DisallowedByMode,
                Stage::Actual,
                "DisallowedByMode",
                p,
                end,
            );
            h.role = Role::Summary;
            h.url = Some(trim_dot(&rest));
            h.initiator = initiator_before(c, p + compact_len(lead) - compact_len("cannot load"));
            out.push(h);
        }
    }
    let script = "Cross-origin script load denied by Cross-Origin Resource Sharing policy.";
    for p in c.find_all(script) {
        let mut h = hit(
            FailureKind::MissingAllowOrigin,
            Stage::Actual,
            "AccessControlCheckFailed",
            p,
            p + compact_len(script),
        );
        h.role = Role::Summary;
        h.code = Some("cors-check-failed".into());
        h.detail.insert("resource".into(), "script".into());
        out.push(h);
    }
    out
}

fn initiator_before(c: &Compact<'_>, l: usize) -> Option<Initiator> {
    let head = &c.lower[..l];
    if head.ends_with("fetchapi") {
        Some(Initiator::Fetch)
    } else if head.ends_with("xmlhttprequest") {
        Some(Initiator::Xhr)
    } else {
        None
    }
}

/// `Cross-origin redirection to {url} denied by Cross-Origin Resource Sharing policy: {reason}`:
/// the reason hit that follows is re-staged as a redirect failure.
fn redirections(c: &Compact<'_>, mut hits: Vec<Hit>) -> Vec<Hit> {
    let lead = "Cross-origin redirection to";
    let sep = "denied by Cross-Origin Resource Sharing policy:";
    for p in c.find_all(lead) {
        let u0 = p + compact_len(lead);
        let Some(d) = c.find(sep, u0) else { continue };
        let location = c.token(u0, d);
        let r = d + compact_len(sep);
        match hits.iter_mut().find(|h| h.start == r && h.role == Role::Primary) {
            Some(h) => {
                h.start = p;
                if matches!(h.stage, Stage::Actual) {
                    h.stage = Stage::Redirect;
                }
                h.detail.insert("location".into(), location);
            }
            None => {
                let mut h = hit(
                    FailureKind::MissingAllowOrigin,
                    Stage::Redirect,
                    "RedirectionDenied",
                    p,
                    c.line_end(r),
                );
                h.code = Some("cors-check-failed".into());
                h.detail.insert("location".into(), location);
                h.detail.insert("reason".into(), c.value(r, c.line_end(r)));
                hits.push(h);
            }
        }
    }
    hits.sort_by_key(|h| h.start);
    hits
}

#[cfg(test)]
mod tests {
    use super::super::explain;
    use crate::model::{Engine, FailureKind, Initiator, Stage};

    const U: &str = "https://api.example.com/items";

    fn dump(reason: &str) -> String {
        format!("[Error] {reason}\n[Error] Fetch API cannot load {U} due to access control checks.\n[Error] Failed to load resource: {reason}")
    }

    #[test]
    fn every_reason_in_the_three_line_shape() {
        use FailureKind::*;
        type Row = (
            &'static str,
            FailureKind,
            Stage,
            &'static str,
            Option<(&'static str, &'static str)>,
        );
        let cases: &[Row] = &[
            ("Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 200", MissingAllowOrigin, Stage::Actual, "OriginNotAllowed", Some(("status", "200"))),
            ("Origin https://origin.example is not allowed by Access-Control-Allow-Origin.", MissingAllowOrigin, Stage::Actual, "OriginNotAllowed", None),
            ("Preflight response is not successful. Status code: 403", PreflightInvalidStatus, Stage::Preflight, "PreflightNotSuccessful", Some(("status", "403"))),
            ("Preflight response is not successful. Status code: 301", PreflightDisallowedRedirect, Stage::Preflight, "PreflightNotSuccessful", Some(("status", "301"))),
            ("Preflight response is not successful", PreflightInvalidStatus, Stage::Preflight, "PreflightNotSuccessful", None),
            ("Access-Control-Allow-Origin cannot contain more than one origin.", MultipleAllowOriginValues, Stage::Actual, "AllowOriginMultipleOrigins", None),
            ("Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.", WildcardOriginNotAllowed, Stage::Actual, "WildcardWithCredentials", None),
            ("Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\".", InvalidAllowCredentials, Stage::Actual, "AllowCredentialsNotTrue", None),
            ("Header Access-Control-Allow-Methods has an invalid value: GET; POST", InvalidAllowMethods, Stage::Preflight, "InvalidAllowMethods", Some(("value", "GET; POST"))),
            ("Header Access-Control-Allow-Headers has an invalid value: x-a x-b", InvalidAllowHeaders, Stage::Preflight, "InvalidAllowHeaders", Some(("value", "x-a x-b"))),
            ("Method PATCH is not allowed by Access-Control-Allow-Methods.", MethodNotAllowed, Stage::Preflight, "MethodNotAllowed", Some(("method", "PATCH"))),
            ("Request header field Content-Type is not allowed by Access-Control-Allow-Headers.", HeaderNotAllowed, Stage::Preflight, "HeaderNotAllowed", Some(("header", "Content-Type"))),
        ("CORS-preflight request was blocked", Network, Stage::Preflight, "PreflightBlocked", None),
            ("Cross-origin redirection to https://login.example/sso denied by Cross-Origin Resource Sharing policy: Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 302", MissingAllowOrigin, Stage::Redirect, "OriginNotAllowed", Some(("location", "https://login.example/sso"))),
            ("Cross-origin redirection to ftp://x.example/ denied by Cross-Origin Resource Sharing policy: not allowed to follow a cross-origin CORS redirection with non CORS scheme", RedirectUnsafeScheme, Stage::Redirect, "RedirectionNonCORSScheme", None),
            ("redirection URL https://u:p@x.example/ has credentials", RedirectContainsCredentials, Stage::Redirect, "RedirectionURLHasCredentials", Some(("location", "https://u:p@x.example/"))),
            ("Cross origin requests are only supported for HTTP.", CorsDisabledScheme, Stage::Actual, "CrossOriginRequiresHTTP", None),
            ("Load cannot follow more than 20 redirections", TooManyRedirects, Stage::Redirect, "TooManyRedirections", None),
        ];
        for (reason, kind, stage, name, hint) in cases {
            let r = explain(&dump(reason));
            assert_eq!(r.errors.len(), 1, "{reason}: {r:#?}");
            let e = &r.errors[0];
            assert_eq!(e.browser, Engine::Webkit);
            assert_eq!(
                (e.kind, e.stage, e.error_name.as_str()),
                (*kind, *stage, *name),
                "{reason}"
            );
            assert_eq!(e.url.as_deref(), Some(U), "{reason}");
            assert_eq!(e.initiator, Some(Initiator::Fetch));
            if let Some((k, v)) = hint {
                assert_eq!(e.detail.get(*k).map(String::as_str), Some(*v), "{reason}");
            }
        }
    }

    #[test]
    fn summary_alone_and_same_origin_mode() {
        let r = explain("XMLHttpRequest cannot load https://a.test/x due to access control checks.\nTypeError: Load failed");
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].code, "cors-check-failed");
        assert_eq!(r.errors[0].initiator, Some(Initiator::Xhr));
        let r = explain("Unsafe attempt to load URL https://b.test/ from origin https://a.test. Domains, protocols and ports must match.\nFetch API cannot load https://b.test/.");
        assert_eq!(r.errors.len(), 1, "{r:#?}");
        assert_eq!(r.errors[0].kind, FailureKind::DisallowedByMode);
        assert_eq!(r.errors[0].origin.as_deref(), Some("https://a.test"));
    }

    #[test]
    fn two_failures_pair_reasons_with_their_own_urls() {
        let text = "[Error] Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 200\n[Error] Fetch API cannot load https://a.test/1 due to access control checks.\n[Error] Method DELETE is not allowed by Access-Control-Allow-Methods.\n[Error] Fetch API cannot load https://a.test/2 due to access control checks.";
        let r = explain(text);
        assert_eq!(r.errors.len(), 2);
        assert_eq!(r.errors[0].url.as_deref(), Some("https://a.test/1"));
        assert_eq!(r.errors[1].url.as_deref(), Some("https://a.test/2"));
        assert!(r.errors[1].check_command.contains("-X DELETE"));
    }
}

//! Chromium's console line (`cors_error_string.cc`, reference/browsers.md §2.3):
//!
//! `Access to {kind} at '{url}' [(redirected from '{initial}') ]from origin '{origin}' has been
//! blocked by CORS policy: [Response to preflight request doesn't pass access control check: ]{detail}`

use std::collections::BTreeMap;

use super::scan::Compact;
use super::{Hit, Role};
use crate::model::{Engine, FailureKind, Initiator, Stage};

/// What a detail sentence tells.
#[derive(Clone, Copy)]
enum Detail {
    /// A CORS-check kind: preflight or actual depending on the prefix.
    Check(FailureKind),
    /// A kind with a fixed stage.
    Fixed(FailureKind, Stage),
    /// Private / Local Network Access: no `FailureKind` of its own.
    Lna(&'static str, &'static str),
}

/// `{}` marks the failed parameter (`failed_parameter`, the "hint").
const DETAILS: &[(&str, Detail)] = {
    use FailureKind::*;
    &[
        ("Cross origin requests are not allowed by request mode.", Detail::Fixed(DisallowedByMode, Stage::Actual)),
        ("The response is invalid.", Detail::Fixed(Network, Stage::Preflight)),
        (
            "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.",
            Detail::Check(WildcardOriginNotAllowed),
        ),
        ("No 'Access-Control-Allow-Origin' header is present on the requested resource.", Detail::Check(MissingAllowOrigin)),
        (
            "The 'Access-Control-Allow-Origin' header contains multiple values '{}', but only one is allowed.",
            Detail::Check(MultipleAllowOriginValues),
        ),
        ("The 'Access-Control-Allow-Origin' header contains the invalid value '{}'.", Detail::Check(InvalidAllowOriginValue)),
        (
            "The 'Access-Control-Allow-Origin' header has a value '{}' that is not equal to the supplied origin.",
            Detail::Check(AllowOriginMismatch),
        ),
        (
            "The value of the 'Access-Control-Allow-Credentials' header in the response is '{}' which must be 'true' when the request's credentials mode is 'include'.",
            Detail::Check(InvalidAllowCredentials),
        ),
        ("Cross origin requests are only supported for protocol schemes: {}.", Detail::Fixed(CorsDisabledScheme, Stage::Actual)),
        ("It does not have HTTP ok status.", Detail::Fixed(PreflightInvalidStatus, Stage::Preflight)),
        ("Redirect is not allowed for a preflight request.", Detail::Fixed(PreflightDisallowedRedirect, Stage::Preflight)),
        (
            "Cannot parse Access-Control-Allow-Methods response header field in preflight response.",
            Detail::Fixed(InvalidAllowMethods, Stage::Preflight),
        ),
        (
            "Cannot parse Access-Control-Allow-Headers response header field in preflight response.",
            Detail::Fixed(InvalidAllowHeaders, Stage::Preflight),
        ),
        (
            "Method {} is not allowed by Access-Control-Allow-Methods in preflight response.",
            Detail::Fixed(MethodNotAllowed, Stage::Preflight),
        ),
        (
            "Request header field {} is not allowed by Access-Control-Allow-Headers in preflight response.",
            Detail::Fixed(HeaderNotAllowed, Stage::Preflight),
        ),
        (
            "Redirect location '{}' contains a username and password, which is disallowed for cross-origin requests.",
            Detail::Fixed(RedirectContainsCredentials, Stage::Redirect),
        ),
        (
            "The request client is not a secure context and the resource is in more-private address space `{}`.",
            Detail::Lna("InsecureLocalNetwork", "insecure-local-network"),
        ),
        (
            "Request had a target IP address space of `{}` yet the resource is in address space `{}`.",
            Detail::Lna("InvalidLocalNetworkAccess", "invalid-local-network-access"),
        ),
        (
            "Permission was denied for this request to access the `{}` address space.",
            Detail::Lna("LocalNetworkAccessPermissionDenied", "local-network-access-permission-denied"),
        ),
        (
            "Request had no target IP address space, yet the resource is in address space `{}`.",
            Detail::Lna("UnexpectedPrivateNetworkAccess", "unexpected-private-network-access"),
        ),
        (
            "No 'Access-Control-Allow-Private-Network' header was present in the preflight response for this private network request targeting the `{}` address space.",
            Detail::Lna("PreflightMissingAllowPrivateNetwork", "preflight-missing-allow-private-network"),
        ),
        (
            "The 'Access-Control-Allow-Private-Network' header in the preflight response for this private network request targeting the `{}` address space had a value of '{}', not 'true'.",
            Detail::Lna("PreflightInvalidAllowPrivateNetwork", "preflight-invalid-allow-private-network"),
        ),
        (
            "No 'Private-Network-Access-Id' header was present in the preflight response for this private network request targeting the `{}` address space.",
            Detail::Lna("PreflightMissingPrivateNetworkAccessId", "preflight-missing-private-network-access-id"),
        ),
        (
            "No 'Private-Network-Access-Name' header was present in the preflight response for this private network request targeting the `{}` address space.",
            Detail::Lna("PreflightMissingPrivateNetworkAccessName", "preflight-missing-private-network-access-name"),
        ),
        (
            "Unable to ask for permission to access the `{}` IP address space.",
            Detail::Lna("PrivateNetworkAccessPermissionUnavailable", "private-network-access-permission-unavailable"),
        ),
    ]
};

/// Sentences Chromium appends after the detail; consumed so they are not mistaken for noise.
const SUFFIXES: &[&str] = &[
    "Have the server send the header with a valid value, or, if an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.",
    "If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.",
    "The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.",
];

/// Every Chromium CORS message in the text. Messages whose detail is unknown are returned as
/// `Err(position)` so the caller can report them.
pub(crate) fn scan(c: &Compact<'_>) -> (Vec<Hit>, Vec<usize>) {
    let (mut hits, mut unknown) = (Vec::new(), Vec::new());
    let mut from = 0;
    while let Some(p) = c.find("Access to", from) {
        from = p + 1;
        match parse_at(c, p) {
            Some(Ok(hit)) => {
                from = hit.end;
                hits.push(hit);
            }
            Some(Err(end)) => {
                unknown.push(p);
                from = end;
            }
            None => {}
        }
    }
    (hits, unknown)
}

/// Legacy details of Chrome before 72 that the current table does not hold.
const LEGACY_DETAILS: &[(&str, FailureKind)] = &[
    (
        "Response for preflight has invalid HTTP status code {}",
        FailureKind::PreflightInvalidStatus,
    ),
    (
        "Response for preflight is invalid (redirect)",
        FailureKind::PreflightDisallowedRedirect,
    ),
    (
        "Response for preflight has invalid HTTP status code",
        FailureKind::PreflightInvalidStatus,
    ),
];

/// Chrome before 72 (still common in pasted bug reports):
/// `{Fetch API|XMLHttpRequest} cannot load {url}. {detail} Origin '{origin}' is therefore not allowed
/// access.[ The response had HTTP status code {n}.]` and, Chrome 64–71, `Failed to load {url}: {detail}`.
pub(crate) fn scan_legacy(c: &Compact<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (lead, initiator) in [
        ("Fetch API cannot load", Some(Initiator::Fetch)),
        ("XMLHttpRequest cannot load", Some(Initiator::Xhr)),
        ("Failed to load", None),
    ] {
        for p in c.find_all(lead) {
            if let Some(hit) = legacy_at(c, p, lead, initiator) {
                hits.push(hit);
            }
        }
    }
    hits.extend(
        c.find_all("Redirect from '")
            .into_iter()
            .filter_map(|p| legacy_redirect_at(c, p)),
    );
    hits
}

/// Chrome 66–71: `Redirect from '{url}' to '{location}' has been blocked by CORS policy: {detail}`.
fn legacy_redirect_at(c: &Compact<'_>, p: usize) -> Option<Hit> {
    let u0 = c.at(p, "Redirect from '")?;
    let to = c.find("' to '", u0)?;
    let l0 = c.at(to, "' to '")?;
    let b = c.find("' has been blocked by CORS policy:", l0)?;
    let d = c.at(b, "' has been blocked by CORS policy:")?;
    let (kind, slots, mut end) = DETAILS.iter().find_map(|(tpl, det)| match det {
        Detail::Check(k) => match_template(c, d, tpl).map(|(s, e)| (*k, s, e)),
        _ => None,
    })?;
    while let Some(e) = SUFFIXES.iter().find_map(|s| c.at(end, s)) {
        end = e;
    }
    let mut detail = BTreeMap::new();
    detail.insert("location".to_string(), c.token(l0, b));
    if let Some(&(a, b)) = slots.first() {
        detail.insert("value".to_string(), c.value(a, b));
    }
    let mut origin = None;
    if let Some(o0) = c.at(end, "Origin '") {
        if let Some(q) = c.find("' is therefore not allowed access.", o0) {
            origin = Some(c.token(o0, q));
            end = c.at(q, "' is therefore not allowed access.")?;
        }
    }
    Some(Hit {
        browser: Engine::Chromium,
        kind,
        stage: Stage::Redirect,
        error_name: error_name(kind, Stage::Redirect).to_string(),
        code: None,
        url: Some(c.token(u0, to)),
        initial_url: None,
        origin,
        initiator: None,
        detail,
        start: p,
        end,
        role: Role::Primary,
        message: String::new(),
    })
}

fn legacy_at(c: &Compact<'_>, p: usize, lead: &str, initiator: Option<Initiator>) -> Option<Hit> {
    let u0 = c.at(p, lead)?;
    // The URL is one whitespace-free token ending in "." or ":" in the original text.
    let o = c.orig_at(u0);
    let rest = &c.orig[o..];
    let len = rest.find(char::is_whitespace)?;
    let token = rest[..len].strip_suffix(['.', ':'])?;
    if !token.contains("://") {
        return None;
    }
    let mut d = c.pos_at_orig(o + len);
    let preflight = match c.at(
        d,
        "Response to preflight request doesn't pass access control check:",
    ) {
        Some(after) => {
            d = after;
            true
        }
        None => false,
    };
    let (kind, stage, slots, mut end) = DETAILS
        .iter()
        .filter_map(|(tpl, det)| match det {
            Detail::Check(k) => Some((
                tpl,
                *k,
                if preflight {
                    Stage::Preflight
                } else {
                    Stage::Actual
                },
            )),
            Detail::Fixed(k, s) => Some((tpl, *k, *s)),
            Detail::Lna(..) => None,
        })
        .chain(LEGACY_DETAILS.iter().map(|(tpl, k)| (tpl, *k, Stage::Preflight)))
        .find_map(|(tpl, k, s)| match_template(c, d, tpl).map(|(slots, e)| (k, s, slots, e)))?;
    let mut detail = BTreeMap::new();
    if let Some(&(a, b)) = slots.first() {
        let (key, v) = match kind {
            FailureKind::MethodNotAllowed => ("method", c.token(a, b)),
            FailureKind::HeaderNotAllowed => ("header", c.token(a, b)),
            FailureKind::PreflightInvalidStatus => {
                ("status", c.token(a, b).trim_end_matches('.').to_string())
            }
            _ => ("value", c.value(a, b)),
        };
        detail.insert(key.to_string(), v);
    }
    let mut origin = None;
    while let Some(e) = SUFFIXES.iter().find_map(|s| c.at(end, s)) {
        end = e;
    }
    if let Some(o0) = c.at(end, "Origin '") {
        if let Some(q) = c.find("' is therefore not allowed access.", o0) {
            origin = Some(c.token(o0, q));
            end = c.at(q, "' is therefore not allowed access.")?;
        }
    }
    if let Some(s) = c.at(end, "The response had HTTP status code") {
        if let Some((n, e)) = c.number(s) {
            detail.insert("status".into(), n.to_string());
            end = c.at(e, ".").unwrap_or(e);
        }
    }
    while let Some(e) = SUFFIXES.iter().find_map(|s| c.at(end, s)) {
        end = e;
    }
    Some(Hit {
        browser: Engine::Chromium,
        kind,
        stage,
        error_name: error_name(kind, stage).to_string(),
        code: None,
        url: Some(token.to_string()),
        initial_url: None,
        origin,
        initiator,
        detail,
        start: p,
        end,
        role: Role::Primary,
        message: String::new(),
    })
}

struct Head {
    url: String,
    initial_url: Option<String>,
    origin: String,
    kind_word: String,
    detail_at: usize,
    preflight: bool,
}

fn head(c: &Compact<'_>, p: usize) -> Option<Head> {
    let k0 = c.at(p, "Access to")?;
    let at = c.find("at '", k0)?;
    if at == k0 || at - k0 > 40 {
        return None;
    }
    let kind_word = c.value(k0, at);
    let u0 = c.at(at, "at '")?;
    let fo = c.find("from origin '", u0)?;
    let (url, initial_url) = match c.find("' (redirected from '", u0).filter(|&r| r < fo) {
        Some(r) => {
            let i0 = c.at(r, "' (redirected from '")?;
            (c.token(u0, r), Some(c.token(i0, fo.checked_sub(2)?)))
        }
        None => (c.token(u0, fo.checked_sub(1)?), None),
    };
    let o0 = c.at(fo, "from origin '")?;
    let ob = c.find("' has been blocked by CORS policy:", o0)?;
    let mut detail_at = c.at(ob, "' has been blocked by CORS policy:")?;
    let preflight = match c.at(
        detail_at,
        "Response to preflight request doesn't pass access control check:",
    ) {
        Some(after) => {
            detail_at = after;
            true
        }
        None => false,
    };
    Some(Head {
        url,
        initial_url,
        origin: c.token(o0, ob),
        kind_word,
        detail_at,
        preflight,
    })
}

/// Match `template` (with `{}` slots) at `pos`: the slot ranges and the end.
pub(crate) fn match_template(
    c: &Compact<'_>,
    pos: usize,
    template: &str,
) -> Option<(Vec<(usize, usize)>, usize)> {
    let mut parts = template.split("{}");
    let mut at = c.at(pos, parts.next()?)?;
    let mut slots = Vec::new();
    for lit in parts {
        if lit.trim().is_empty() {
            let end = c.line_end(at);
            slots.push((at, end));
            at = end;
            continue;
        }
        let q = c.find(lit, at)?;
        slots.push((at, q));
        at = c.at(q, lit)?;
    }
    Some((slots, at))
}

fn parse_at(c: &Compact<'_>, p: usize) -> Option<Result<Hit, usize>> {
    let h = head(c, p)?;
    let Some((detail, slots, mut end)) = DETAILS
        .iter()
        .find_map(|(tpl, d)| match_template(c, h.detail_at, tpl).map(|(s, e)| (*d, s, e)))
    else {
        return Some(Err(h.detail_at));
    };
    while let Some(e) = SUFFIXES.iter().find_map(|s| c.at(end, s)) {
        end = e;
    }
    let slot = |i: usize| slots.get(i).map(|&(a, b)| c.value(a, b));
    let (kind, stage, error_name, code) = match detail {
        Detail::Check(kind) => {
            let stage = if h.preflight {
                Stage::Preflight
            } else {
                Stage::Actual
            };
            (kind, stage, error_name(kind, stage), None)
        }
        Detail::Fixed(kind, stage) => (kind, stage, error_name(kind, stage), None),
        Detail::Lna(name, code) => {
            let stage = if code.starts_with("preflight") {
                Stage::Preflight
            } else {
                Stage::Network
            };
            (FailureKind::RequestRejected, stage, name, Some(code))
        }
    };
    let mut detail_map = BTreeMap::new();
    if let Some(&(a, b)) = slots.first() {
        let (key, v) = match kind {
            FailureKind::MethodNotAllowed => ("method", c.token(a, b)),
            FailureKind::HeaderNotAllowed => ("header", c.token(a, b)),
            FailureKind::RedirectContainsCredentials => ("location", c.token(a, b)),
            FailureKind::CorsDisabledScheme => ("schemes", c.value(a, b)),
            FailureKind::RequestRejected => ("address_space", c.token(a, b)),
            _ => ("value", c.value(a, b)),
        };
        detail_map.insert(key.to_string(), v);
    }
    if let (Some(v), Detail::Lna(..)) = (slot(1), detail) {
        let key = if code == Some("invalid-local-network-access") {
            "resource_address_space"
        } else {
            "value"
        };
        detail_map.insert(key.to_string(), v);
    }
    let initiator = match h.kind_word.as_str() {
        "fetch" => Some(Initiator::Fetch),
        "XMLHttpRequest" | "xmlhttprequest" => Some(Initiator::Xhr),
        other => {
            detail_map.insert("resource".to_string(), other.to_string());
            None
        }
    };
    Some(Ok(Hit {
        browser: Engine::Chromium,
        kind,
        stage,
        error_name: error_name.to_string(),
        code: code.map(str::to_string),
        url: Some(h.url),
        initial_url: h.initial_url,
        origin: Some(h.origin),
        initiator,
        detail: detail_map,
        start: p,
        end,
        role: Role::Primary,
        message: String::new(),
    }))
}

/// The CDP `Network.CorsError` name Chromium reports for a kind at a stage.
pub fn error_name(kind: FailureKind, stage: Stage) -> &'static str {
    use FailureKind::*;
    let preflight = stage == Stage::Preflight;
    match (kind, preflight) {
        (MissingAllowOrigin, false) => "MissingAllowOriginHeader",
        (MissingAllowOrigin, true) => "PreflightMissingAllowOriginHeader",
        (MultipleAllowOriginValues, false) => "MultipleAllowOriginValues",
        (MultipleAllowOriginValues, true) => "PreflightMultipleAllowOriginValues",
        (InvalidAllowOriginValue, false) => "InvalidAllowOriginValue",
        (InvalidAllowOriginValue, true) => "PreflightInvalidAllowOriginValue",
        (AllowOriginMismatch, false) => "AllowOriginMismatch",
        (AllowOriginMismatch, true) => "PreflightAllowOriginMismatch",
        (WildcardOriginNotAllowed, false) => "WildcardOriginNotAllowed",
        (WildcardOriginNotAllowed, true) => "PreflightWildcardOriginNotAllowed",
        (InvalidAllowCredentials, false) => "InvalidAllowCredentials",
        (InvalidAllowCredentials, true) => "PreflightInvalidAllowCredentials",
        (PreflightInvalidStatus, _) => "PreflightInvalidStatus",
        (PreflightDisallowedRedirect, _) => "PreflightDisallowedRedirect",
        (InvalidAllowMethods, _) => "InvalidAllowMethodsPreflightResponse",
        (InvalidAllowHeaders, _) => "InvalidAllowHeadersPreflightResponse",
        (MethodNotAllowed, _) => "MethodDisallowedByPreflightResponse",
        (HeaderNotAllowed, _) => "HeaderDisallowedByPreflightResponse",
        (RedirectContainsCredentials, _) => "RedirectContainsCredentials",
        (DisallowedByMode, _) => "DisallowedByMode",
        (CorsDisabledScheme, _) => "CorsDisabledScheme",
        (Network, true) => "InvalidResponse",
        (RedirectModeError, _) => "net::ERR_FAILED",
        (TooManyRedirects, _) => "net::ERR_TOO_MANY_REDIRECTS",
        (RedirectUnsafeScheme, _) => "net::ERR_UNSAFE_REDIRECT",
        (InvalidRedirect, _) => "net::ERR_INVALID_REDIRECT",
        (InvalidResponseHeader, _) => "net::ERR_INVALID_HTTP_RESPONSE",
        (RequestRejected, _) => "TypeError",
        (Network, false) => "net::ERR_FAILED",
    }
}

#[cfg(test)]
mod tests {
    use super::super::explain;
    use crate::model::{Engine, FailureKind, Initiator, Stage};

    const U: &str = "https://api.example.com/v1/items?x=1";
    const O: &str = "http://localhost:3000";

    fn msg(kind: &str, preflight: bool, detail: &str) -> String {
        let prefix = if preflight {
            "Response to preflight request doesn't pass access control check: "
        } else {
            ""
        };
        format!(
            "Access to {kind} at '{U}' from origin '{O}' has been blocked by CORS policy: {prefix}{detail}"
        )
    }

    fn one(text: &str) -> super::super::Explained {
        let r = explain(text);
        assert_eq!(r.errors.len(), 1, "{text}\n{r:#?}");
        let e = r.errors.into_iter().next().unwrap();
        assert_eq!(e.browser, Engine::Chromium);
        e
    }

    #[test]
    fn every_detail_template_with_and_without_prefix() {
        use FailureKind::*;
        type Row = (
            &'static str,
            bool,
            FailureKind,
            Stage,
            &'static str,
            Option<(&'static str, &'static str)>,
        );
        let cases: &[Row] = &[
            ("No 'Access-Control-Allow-Origin' header is present on the requested resource. If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.", true, MissingAllowOrigin, Stage::Preflight, "PreflightMissingAllowOriginHeader", None),
            ("No 'Access-Control-Allow-Origin' header is present on the requested resource.", false, MissingAllowOrigin, Stage::Actual, "MissingAllowOriginHeader", None),
            ("The 'Access-Control-Allow-Origin' header contains multiple values '*, *', but only one is allowed. Have the server send the header with a valid value, or, if an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.", false, MultipleAllowOriginValues, Stage::Actual, "MultipleAllowOriginValues", Some(("value", "*, *"))),
            ("The 'Access-Control-Allow-Origin' header contains the invalid value 'http://x:*'.", true, InvalidAllowOriginValue, Stage::Preflight, "PreflightInvalidAllowOriginValue", Some(("value", "http://x:*"))),
            ("The 'Access-Control-Allow-Origin' header has a value 'http://localhost:3000/' that is not equal to the supplied origin.", false, AllowOriginMismatch, Stage::Actual, "AllowOriginMismatch", Some(("value", "http://localhost:3000/"))),
            ("The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.", true, WildcardOriginNotAllowed, Stage::Preflight, "PreflightWildcardOriginNotAllowed", None),
            ("The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'. The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.", false, InvalidAllowCredentials, Stage::Actual, "InvalidAllowCredentials", Some(("value", ""))),
            ("It does not have HTTP ok status.", true, PreflightInvalidStatus, Stage::Preflight, "PreflightInvalidStatus", None),
            ("Redirect is not allowed for a preflight request.", true, PreflightDisallowedRedirect, Stage::Preflight, "PreflightDisallowedRedirect", None),
            ("Cannot parse Access-Control-Allow-Methods response header field in preflight response.", false, InvalidAllowMethods, Stage::Preflight, "InvalidAllowMethodsPreflightResponse", None),
            ("Cannot parse Access-Control-Allow-Headers response header field in preflight response.", false, InvalidAllowHeaders, Stage::Preflight, "InvalidAllowHeadersPreflightResponse", None),
            ("Method patch is not allowed by Access-Control-Allow-Methods in preflight response.", false, MethodNotAllowed, Stage::Preflight, "MethodDisallowedByPreflightResponse", Some(("method", "patch"))),
            ("Request header field x-api-key is not allowed by Access-Control-Allow-Headers in preflight response.", false, HeaderNotAllowed, Stage::Preflight, "HeaderDisallowedByPreflightResponse", Some(("header", "x-api-key"))),
            ("Redirect location '' contains a username and password, which is disallowed for cross-origin requests.", false, RedirectContainsCredentials, Stage::Redirect, "RedirectContainsCredentials", Some(("location", ""))),
            ("Cross origin requests are not allowed by request mode.", false, DisallowedByMode, Stage::Actual, "DisallowedByMode", None),
            ("Cross origin requests are only supported for protocol schemes: chrome, chrome-extension, chrome-untrusted, data, http, https, isolated-app.", false, CorsDisabledScheme, Stage::Actual, "CorsDisabledScheme", Some(("schemes", "chrome, chrome-extension, chrome-untrusted, data, http, https, isolated-app"))),
            ("The response is invalid.", false, Network, Stage::Preflight, "InvalidResponse", None),
        ];
        for (detail, preflight, kind, stage, name, hint) in cases {
            for (word, initiator) in [
                ("fetch", Some(Initiator::Fetch)),
                ("XMLHttpRequest", Some(Initiator::Xhr)),
                ("script", None),
            ] {
                let e = one(&msg(word, *preflight, detail));
                assert_eq!(
                    (e.kind, e.stage, e.error_name.as_str()),
                    (*kind, *stage, *name),
                    "{detail}"
                );
                assert_eq!(e.url.as_deref(), Some(U));
                assert_eq!(e.origin.as_deref(), Some(O));
                assert_eq!(e.initiator, initiator);
                if let Some((k, v)) = hint {
                    assert_eq!(e.detail.get(*k).map(String::as_str), Some(*v), "{detail}");
                }
            }
        }
    }

    #[test]
    fn redirected_form_keeps_both_urls() {
        let text = "Access to fetch at 'https://b.example/x' (redirected from 'https://a.example/x') from origin 'null' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.";
        let e = one(text);
        assert_eq!(e.url.as_deref(), Some("https://b.example/x"));
        assert_eq!(e.initial_url.as_deref(), Some("https://a.example/x"));
        assert_eq!(e.origin.as_deref(), Some("null"));
        assert_eq!(e.code, "missing-allow-origin");
    }

    #[test]
    fn net_err_failed_line_adds_method_and_status() {
        let text = format!(
            "index.html:1 {}\nmain.js:23  PUT {U} net::ERR_FAILED 500 (Internal Server Error)\nUncaught (in promise) TypeError: Failed to fetch\n    at main.js:23:5",
            msg("fetch", false, "No 'Access-Control-Allow-Origin' header is present on the requested resource.")
        );
        let r = explain(&text);
        assert_eq!(r.errors.len(), 1);
        assert!(r.not_cors.is_empty(), "{:?}", r.not_cors);
        let e = &r.errors[0];
        assert_eq!(e.detail.get("method").map(String::as_str), Some("PUT"));
        assert_eq!(e.detail.get("status").map(String::as_str), Some("500"));
        assert!(e.causes[0].contains("error"), "{:?}", e.causes);
        assert!(e.check_command.contains("-X PUT"), "{}", e.check_command);
    }

    #[test]
    fn wrapped_mid_word_and_other_resource_kinds() {
        let text = "Access to CSS stylesheet at 'https://cdn.example/a.css' from origin 'https://app.exa\nmple' has been blo\ncked by CORS policy: Request header field x-trace\n-id is not allowed by Access-Control-Allow-Headers in preflight response.";
        let e = one(text);
        assert_eq!(e.origin.as_deref(), Some("https://app.example"));
        assert_eq!(e.detail.get("header").map(String::as_str), Some("x-trace-id"));
        assert_eq!(
            e.detail.get("resource").map(String::as_str),
            Some("CSS stylesheet")
        );
    }

    #[test]
    fn legacy_chrome_wordings() {
        let e = one("Fetch API cannot load https://api.steemitdev.com/. No 'Access-Control-Allow-Origin' header is present on the requested resource. Origin 'https://steemitdev.com' is therefore not allowed access. The response had HTTP status code 502. If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.");
        assert_eq!(
            (e.kind, e.stage),
            (FailureKind::MissingAllowOrigin, Stage::Actual)
        );
        assert_eq!(e.origin.as_deref(), Some("https://steemitdev.com"));
        assert_eq!(e.detail.get("status").map(String::as_str), Some("502"));
        assert_eq!(e.url.as_deref(), Some("https://api.steemitdev.com/"));
        let e = one("XMLHttpRequest cannot load http://localhost:8080/api. Response for preflight has invalid HTTP status code 403");
        assert_eq!(e.kind, FailureKind::PreflightInvalidStatus);
        assert_eq!(e.detail.get("status").map(String::as_str), Some("403"));
        let e = one("Failed to load http://localhost:8080/api/login: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource. Origin 'http://localhost:4200' is therefore not allowed access.");
        assert_eq!(e.code, "preflight-missing-allow-origin");
        assert_eq!(e.origin.as_deref(), Some("http://localhost:4200"));
        let e = one("Redirect from 'https://api.test/b' to 'https://login.test/' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource. Origin 'https://app.test' is therefore not allowed access.");
        assert_eq!(
            (e.kind, e.stage),
            (FailureKind::MissingAllowOrigin, Stage::Redirect)
        );
        assert_eq!(
            e.detail.get("location").map(String::as_str),
            Some("https://login.test/")
        );
        assert_eq!(e.origin.as_deref(), Some("https://app.test"));
    }

    #[test]
    fn local_network_access() {
        let e = one(&msg(
            "fetch",
            false,
            "Permission was denied for this request to access the `loopback` address space.",
        ));
        assert_eq!(e.code, "local-network-access-permission-denied");
        assert_eq!(
            e.detail.get("address_space").map(String::as_str),
            Some("loopback")
        );
    }
}

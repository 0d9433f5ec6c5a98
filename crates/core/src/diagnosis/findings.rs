//! The finding rules: one small function per finding, each reading the observations and verdicts.
//!
//! Rules never decide the verdict (the engine does); they say why, and what else is worth knowing.

use super::combined;
use super::{Finding, Input, Role, Severity};
use crate::http::values as all_values;
use crate::model::{Credentials, Engine, ObservedResponse, Outcome};
use crate::origin::Origin;

/// The foreign origin cors-doctor sends in its reflection probe.
pub const ORIGIN_PROBE: &str = "https://cors-doctor-probe.example";

type Rule = fn(&Input<'_>) -> Vec<Finding>;

const RULES: &[Rule] = &[
    preflight_auth_intercepted,
    preflight_not_routed,
    preflight_redirect,
    error_response_without_cors,
    redirect_without_cors,
    redirect_tainted_origin,
    origin_near_miss,
    duplicate_allow_origin,
    wildcard_with_credentials,
    missing_allow_credentials,
    method_case_mismatch,
    vary_origin_missing,
    max_age_above_cap,
    wildcard_covers_authorization,
    header_not_exposed,
    cookie_not_sent_cross_site,
    reflects_any_origin,
    browsers_disagree,
];

/// Run every rule.
pub(super) fn all(input: &Input<'_>) -> Vec<Finding> {
    RULES.iter().flat_map(|rule| rule(input)).collect()
}

fn finding(id: &'static str, severity: Severity, title: String, detail: &str, remedy: &str) -> Finding {
    Finding {
        id,
        severity,
        title,
        detail: detail.to_string(),
        evidence: Vec::new(),
        remedy: remedy.to_string(),
    }
}

fn with_evidence(mut f: Finding, evidence: impl IntoIterator<Item = String>) -> Finding {
    f.evidence.extend(evidence);
    f
}

fn acao(r: &ObservedResponse) -> Option<String> {
    combined(&r.headers, "access-control-allow-origin")
}

fn status_line(r: &ObservedResponse) -> String {
    format!("HTTP {} {}", r.status, r.status_text)
        .trim_end()
        .to_string()
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Preflight => "preflight (OPTIONS) response",
        Role::Actual => "response",
        Role::Probe => "probe response",
    }
}

fn error_response_without_cors(input: &Input<'_>) -> Vec<Finding> {
    let bad = input
        .observations
        .iter()
        .filter(|o| o.role != Role::Probe)
        .filter_map(|o| o.response.map(|r| (o.role, r)))
        .filter(|(role, r)| !(*role == Role::Preflight && has_own_preflight_finding(r.status)))
        .find(|(_, r)| r.status >= 400 && acao(r).is_none());
    let Some((role, r)) = bad else { return Vec::new() };
    let title = format!(
        "The {} is an error ({}) without CORS headers",
        role_name(role),
        status_line(r)
    );
    let f = finding(
        "error-response-without-cors",
        Severity::Error,
        title,
        "Error responses often skip the CORS middleware (an exception handler, an auth layer, a proxy \
         error page). The browser then reports a CORS error and hides the real status from script.",
        "Fix the error itself, and make the CORS layer run first so error responses carry the CORS \
         headers too.",
    );
    vec![with_evidence(
        f,
        [format!(
            "{}: {}, no Access-Control-Allow-Origin",
            role_name(role),
            status_line(r)
        )],
    )]
}

/// Preflight statuses with a finding of their own (auth, routing).
fn has_own_preflight_finding(status: u16) -> bool {
    matches!(status, 401 | 403 | 407 | 404 | 405 | 501)
}

fn preflight_auth_intercepted(input: &Input<'_>) -> Vec<Finding> {
    let Some(r) = input.preflight().filter(|r| matches!(r.status, 401 | 403 | 407)) else {
        return Vec::new();
    };
    let f = finding(
        "preflight-auth-intercepted",
        Severity::Error,
        format!("Authentication answered the preflight ({})", status_line(r)),
        "Browsers never send cookies or Authorization on a preflight, so an auth layer that runs before \
         CORS rejects every preflight. The request itself never gets sent.",
        "Let OPTIONS requests through authentication (answer them in the CORS layer, before auth).",
    );
    vec![with_evidence(
        f,
        [format!("preflight (OPTIONS) response: {}", status_line(r))],
    )]
}

fn preflight_not_routed(input: &Input<'_>) -> Vec<Finding> {
    let Some(r) = input.preflight().filter(|r| matches!(r.status, 404 | 405 | 501)) else {
        return Vec::new();
    };
    let f = finding(
        "preflight-not-routed",
        Severity::Error,
        format!("Nothing answers OPTIONS at this URL ({})", status_line(r)),
        "The router has no OPTIONS handler for this path, so the preflight fails before CORS is even \
         considered.",
        "Enable the CORS middleware globally (it answers OPTIONS itself) or add an OPTIONS route.",
    );
    vec![with_evidence(
        f,
        [format!("preflight (OPTIONS) response: {}", status_line(r))],
    )]
}

fn location(r: &ObservedResponse) -> Option<&str> {
    all_values(&r.headers, "location").next()
}

fn redirect_hint(from: &str, location: &str) -> &'static str {
    let resolved = url::Url::parse(from).and_then(|base| base.join(location));
    let to = resolved.as_ref().map(url::Url::as_str).unwrap_or(location);
    if to.strip_suffix('/') == Some(from) || from.strip_suffix('/') == Some(to) {
        "a trailing-slash redirect"
    } else if from.starts_with("http:") && to.starts_with("https:") {
        "an http → https redirect"
    } else {
        "a redirect"
    }
}

fn preflight_redirect(input: &Input<'_>) -> Vec<Finding> {
    let Some((req, r)) = input
        .responses(Role::Preflight)
        .find(|(_, r)| (300..400).contains(&r.status))
    else {
        return Vec::new();
    };
    let to = location(r).unwrap_or("(no Location)");
    let f = finding(
        "preflight-redirect",
        Severity::Error,
        format!(
            "The preflight was redirected ({}, {})",
            status_line(r),
            redirect_hint(&req.url, to)
        ),
        "Browsers never follow a redirect on a preflight: it fails the request.",
        "Request the final URL directly (fix the trailing slash or scheme in the frontend), or stop \
         redirecting OPTIONS.",
    );
    vec![with_evidence(
        f,
        [format!("preflight for {} redirected to {to}", req.url)],
    )]
}

fn redirect_without_cors(input: &Input<'_>) -> Vec<Finding> {
    let hop = input
        .responses(Role::Actual)
        .find(|(_, r)| (300..400).contains(&r.status) && acao(r).is_none());
    let Some((req, r)) = hop else { return Vec::new() };
    let f = finding(
        "redirect-without-cors",
        Severity::Error,
        format!("A redirect ({}) has no CORS headers", status_line(r)),
        "Every redirect response of a cross-origin fetch must itself pass the CORS check.",
        "Add the CORS headers to redirect responses, or have the frontend request the final URL.",
    );
    let to = location(r).unwrap_or("(no Location)");
    vec![with_evidence(
        f,
        [format!("{} → {to}: no Access-Control-Allow-Origin", req.url)],
    )]
}

/// The first request of the actual chain sent with `Origin: null` although the page has a real
/// origin: a cross-origin redirect tainted it (Fetch: "redirect-taint").
pub(super) fn tainted_hop<'a>(input: &'a Input<'_>) -> Option<&'a crate::model::OutgoingRequest> {
    if input.request.origin == "null" {
        return None;
    }
    input
        .observations
        .iter()
        .filter(|o| o.role == Role::Actual)
        .map(|o| o.request)
        .find(|r| all_values(&r.headers, "origin").any(|v| v == "null"))
}

/// Whether a verdict failed on the Access-Control-Allow-Origin check.
pub(super) fn blocked_on_allow_origin(input: &Input<'_>) -> bool {
    use crate::model::FailureKind::*;
    input.verdicts.iter().filter_map(|v| v.failure.as_ref()).any(|f| {
        matches!(
            f.kind,
            AllowOriginMismatch | MissingAllowOrigin | InvalidAllowOriginValue | MultipleAllowOriginValues
        )
    })
}

fn redirect_tainted_origin(input: &Input<'_>) -> Vec<Finding> {
    let Some(hop) = tainted_hop(input) else {
        return Vec::new();
    };
    let severity = if blocked_on_allow_origin(input) {
        Severity::Error
    } else {
        Severity::Info
    };
    let f = finding(
        "redirect-tainted-origin",
        severity,
        "A cross-origin redirect turned the request's Origin into `null`".into(),
        "Once a redirect leads to another origin (from an origin other than the page's), browsers send \
         `Origin: null` for the rest of the fetch, and the final response must allow `null` (or `*` \
         without credentials). Allowing `null` is unsafe: sandboxed iframes and data: pages send it too.",
        "Call the final URL directly from the frontend, or keep the redirect on the same origin.",
    );
    vec![with_evidence(
        f,
        [format!("{} {} was sent with Origin: null", hop.method, hop.url)],
    )]
}

/// How an ACAO value nearly matches the origin, if it does.
pub(crate) fn near_miss(allowed: &str, origin: &str) -> Option<&'static str> {
    if allowed == origin {
        return None;
    }
    let a = url::Url::parse(allowed).ok()?;
    let o = url::Url::parse(origin).ok()?;
    if allowed.trim_end_matches('/') == origin {
        return Some("a trailing slash (an origin never has a path)");
    }
    if allowed.eq_ignore_ascii_case(origin) {
        return Some("letter case (the comparison is byte-exact)");
    }
    if a.host_str() == o.host_str() && a.scheme() == o.scheme() {
        return Some("the port");
    }
    if a.host_str() == o.host_str() {
        return Some("the scheme (http vs https)");
    }
    let loopback = |h: Option<&str>| matches!(h, Some("localhost" | "127.0.0.1" | "[::1]"));
    if loopback(a.host_str()) && loopback(o.host_str()) {
        return Some("localhost vs 127.0.0.1 (different hosts, different origins)");
    }
    None
}

fn origin_near_miss(input: &Input<'_>) -> Vec<Finding> {
    let origin = &input.request.origin;
    let seen = input
        .observations
        .iter()
        .filter(|o| o.role != Role::Probe)
        .filter_map(|o| o.response)
        .filter_map(acao)
        .find_map(|v| near_miss(&v, origin).map(|why| (v, why)));
    let Some((value, why)) = seen else {
        return Vec::new();
    };
    let f = finding(
        "origin-near-miss",
        Severity::Error,
        format!("Access-Control-Allow-Origin nearly matches, but differs in {why}"),
        "The browser compares Access-Control-Allow-Origin with the page's serialized origin byte for \
         byte.",
        "Send exactly the page's origin: scheme://host[:port], no path, no trailing slash.",
    );
    vec![with_evidence(
        f,
        [format!("- expected: {origin}"), format!("+ received: {value}")],
    )]
}

fn duplicate_allow_origin(input: &Input<'_>) -> Vec<Finding> {
    let dup = input
        .observations
        .iter()
        .filter(|o| o.role != Role::Probe)
        .filter_map(|o| o.response)
        .find(|r| all_values(&r.headers, "access-control-allow-origin").count() > 1);
    let Some(r) = dup else { return Vec::new() };
    let layers: Vec<String> = ["via", "server", "x-powered-by"]
        .iter()
        .filter_map(|n| combined(&r.headers, n).map(|v| format!("{n}: {v}")))
        .collect();
    let mut detail = String::from(
        "Two layers both add Access-Control-Allow-Origin (typically a proxy and the application). \
         Browsers join the lines and reject the result.",
    );
    if !layers.is_empty() {
        detail.push_str(&format!(" Layers seen on this response: {}.", layers.join("; ")));
    }
    let f = finding(
        "duplicate-allow-origin",
        Severity::Error,
        "Access-Control-Allow-Origin is sent more than once".into(),
        &detail,
        "Set CORS headers in exactly one layer; in a proxy, strip the upstream's copies \
         (nginx: proxy_hide_header Access-Control-Allow-Origin).",
    );
    let lines = all_values(&r.headers, "access-control-allow-origin")
        .map(|v| format!("Access-Control-Allow-Origin: {v}"));
    vec![with_evidence(f, lines.collect::<Vec<_>>())]
}

fn credentialed(input: &Input<'_>) -> bool {
    input.request.credentials == Credentials::Include
}

fn wildcard_with_credentials(input: &Input<'_>) -> Vec<Finding> {
    if !credentialed(input) {
        return Vec::new();
    }
    let star = input
        .observations
        .iter()
        .filter(|o| o.role != Role::Probe)
        .filter_map(|o| o.response)
        .any(|r| acao(r).as_deref() == Some("*"));
    if !star {
        return Vec::new();
    }
    let f = finding(
        "wildcard-with-credentials",
        Severity::Error,
        "Access-Control-Allow-Origin is `*` but the request includes credentials".into(),
        "With credentials: 'include' the wildcard is not allowed; the server must name the origin and \
         send Access-Control-Allow-Credentials: true.",
        "Reflect only allow-listed origins (exact match) and send Vary: Origin.",
    );
    vec![with_evidence(f, ["Access-Control-Allow-Origin: *".to_string()])]
}

fn missing_allow_credentials(input: &Input<'_>) -> Vec<Finding> {
    if !credentialed(input) {
        return Vec::new();
    }
    let bad = input
        .observations
        .iter()
        .filter(|o| o.role != Role::Probe)
        .filter_map(|o| o.response)
        .find(|r| {
            acao(r).is_some_and(|v| v != "*")
                && combined(&r.headers, "access-control-allow-credentials").as_deref() != Some("true")
        });
    let Some(r) = bad else { return Vec::new() };
    let got = combined(&r.headers, "access-control-allow-credentials");
    let f = finding(
        "missing-allow-credentials",
        Severity::Error,
        "Credentials are included but Access-Control-Allow-Credentials is not exactly `true`".into(),
        "A credentialed response is only shared when Access-Control-Allow-Credentials is the exact \
         lowercase string true.",
        "Send Access-Control-Allow-Credentials: true on the preflight and on the response.",
    );
    let seen = got.map_or("absent".to_string(), |v| format!("`{v}`"));
    vec![with_evidence(
        f,
        [format!("Access-Control-Allow-Credentials: {seen}")],
    )]
}

fn method_case_mismatch(input: &Input<'_>) -> Vec<Finding> {
    let method = &input.request.method;
    let upper = method.to_ascii_uppercase();
    if *method == upper
        || matches!(
            upper.as_str(),
            "DELETE" | "GET" | "HEAD" | "OPTIONS" | "POST" | "PUT"
        )
    {
        return Vec::new();
    }
    let Some(r) = input.preflight() else {
        return Vec::new();
    };
    let acam = combined(&r.headers, "access-control-allow-methods").unwrap_or_default();
    if !acam.split(',').any(|m| m.trim() == upper) {
        return Vec::new();
    }
    let f = finding(
        "method-case-mismatch",
        Severity::Error,
        format!("The script sends `{method}` but the server allows `{upper}`"),
        "Method names are case-sensitive. fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST \
         and PUT; every other method is sent as typed.",
        "Write the method in upper case in the frontend code.",
    );
    vec![with_evidence(
        f,
        [format!("Access-Control-Allow-Methods: {acam}")],
    )]
}

fn vary_origin_missing(input: &Input<'_>) -> Vec<Finding> {
    let origin = &input.request.origin;
    let bad = input.responses(Role::Actual).map(|(_, r)| r).find(|r| {
        acao(r).as_deref() == Some(origin.as_str())
            && !all_values(&r.headers, "vary")
                .flat_map(|v| v.split(','))
                .any(|t| {
                    let t = t.trim();
                    t.eq_ignore_ascii_case("origin") || t == "*"
                })
    });
    let Some(r) = bad else { return Vec::new() };
    let f = finding(
        "vary-origin-missing",
        Severity::Warning,
        "Access-Control-Allow-Origin depends on the request's Origin, but Vary: Origin is missing".into(),
        "Without Vary: Origin a shared or browser cache can serve this response, with this origin's \
         header, to another origin (or a response without CORS headers to this one).",
        "Add Vary: Origin to every response whose CORS headers depend on Origin.",
    );
    let vary = combined(&r.headers, "vary").unwrap_or_else(|| "absent".into());
    vec![with_evidence(
        f,
        [
            format!("Access-Control-Allow-Origin: {origin}"),
            format!("Vary: {vary}"),
        ],
    )]
}

fn max_age_above_cap(input: &Input<'_>) -> Vec<Finding> {
    let Some(r) = input.preflight() else {
        return Vec::new();
    };
    let Some(value) = combined(&r.headers, "access-control-max-age") else {
        return Vec::new();
    };
    let Ok(secs) = value.trim().parse::<u64>() else {
        return Vec::new();
    };
    let capped: Vec<String> = [("Chromium", 7200u64), ("Firefox", 86400), ("Safari", 600)]
        .iter()
        .filter(|(_, cap)| secs > *cap)
        .map(|(b, cap)| format!("{b} caps it at {cap} s"))
        .collect();
    if capped.is_empty() {
        return Vec::new();
    }
    let f = finding(
        "max-age-above-cap",
        Severity::Info,
        format!("Access-Control-Max-Age {secs} is above what browsers honour"),
        "Browsers clamp the preflight cache lifetime; the extra time is ignored.",
        "Use a value within the caps you care about (600 s is honoured everywhere).",
    );
    vec![with_evidence(f, capped)]
}

fn wildcard_covers_authorization(input: &Input<'_>) -> Vec<Finding> {
    let warned = input.verdicts.iter().any(|v| {
        v.warnings
            .iter()
            .any(|w| w.code == "authorization-covered-by-wildcard")
    });
    if !warned {
        return Vec::new();
    }
    let f = finding(
        "wildcard-covers-authorization",
        Severity::Warning,
        "`Access-Control-Allow-Headers: *` is what lets Authorization through — deprecated".into(),
        "The Fetch Standard says `*` never covers Authorization. Chromium and Firefox still allow it \
         with a deprecation warning, and will stop.",
        "List authorization explicitly in Access-Control-Allow-Headers.",
    );
    vec![f]
}

const SERVER_HEADERS: &[&str] = &[
    "date",
    "server",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "vary",
    "via",
    "set-cookie",
    "age",
    "alt-svc",
    "strict-transport-security",
    "x-powered-by",
    "content-encoding",
    "accept-ranges",
    "x-content-type-options",
    "x-frame-options",
    "x-xss-protection",
    "referrer-policy",
    "content-security-policy",
    "report-to",
    "nel",
];

/// Response header names the page's script cannot read although the server sent them.
fn hidden_header_names(input: &Input<'_>) -> Vec<String> {
    let allowed = input.verdicts.iter().find(|v| v.outcome == Outcome::Allowed);
    let (Some(v), Some(r)) = (allowed, input.final_response()) else {
        return Vec::new();
    };
    let mut hidden: Vec<String> = Vec::new();
    for name in r.headers.iter().map(|(n, _)| n.to_ascii_lowercase()) {
        let infrastructure = name.starts_with("access-control-") || SERVER_HEADERS.contains(&name.as_str());
        if !infrastructure && !v.exposed_headers.contains(&name) && !hidden.contains(&name) {
            hidden.push(name);
        }
    }
    hidden
}

fn header_not_exposed(input: &Input<'_>) -> Vec<Finding> {
    let hidden = hidden_header_names(input);
    if hidden.is_empty() {
        return Vec::new();
    }
    let f = finding(
        "header-not-exposed",
        Severity::Info,
        format!("Script cannot read: {}", hidden.join(", ")),
        "Cross-origin script sees only the CORS-safelisted response headers plus those named in \
         Access-Control-Expose-Headers; response.headers.get() returns null for the rest.",
        "Name the headers your frontend reads in Access-Control-Expose-Headers.",
    );
    vec![f]
}

fn cookie_not_sent_cross_site(input: &Input<'_>) -> Vec<Finding> {
    if !credentialed(input) || same_site(&input.request.origin, &input.request.url) {
        return Vec::new();
    }
    let cookies: Vec<String> = input
        .responses(Role::Actual)
        .flat_map(|(_, r)| {
            all_values(&r.headers, "set-cookie")
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|c| !cookie_cross_site_ok(c))
        .collect();
    if cookies.is_empty() {
        return Vec::new();
    }
    let f = finding(
        "cookie-not-sent-cross-site",
        Severity::Warning,
        "A cookie set here will not come back on cross-site requests".into(),
        "The page and the API are different sites. Chromium only sends cookies on cross-site fetches \
         when they are SameSite=None; Secure (no SameSite means Lax); Firefox partitions them and \
         Safari blocks third-party cookies altogether.",
        "Set SameSite=None; Secure on the session cookie (HTTPS required), or serve the API from the \
         same site as the page.",
    );
    let names = cookies
        .iter()
        .map(|c| format!("Set-Cookie: {}=…", c.split('=').next().unwrap_or("").trim()));
    vec![with_evidence(f, names.collect::<Vec<_>>())]
}

fn cookie_cross_site_ok(cookie: &str) -> bool {
    let attrs: Vec<String> = cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    attrs.iter().any(|a| a == "samesite=none") && attrs.iter().any(|a| a == "secure")
}

fn same_site(origin: &str, url: &str) -> bool {
    let (Ok(page), Ok(target)) = (Origin::parse(origin), url::Url::parse(url)) else {
        return false;
    };
    page.same_site(&Origin::of_url(&target))
}

fn reflects_any_origin(input: &Input<'_>) -> Vec<Finding> {
    let probe = input
        .responses(Role::Probe)
        .map(|(_, r)| r)
        .find(|r| acao(r).as_deref() == Some(ORIGIN_PROBE));
    let Some(r) = probe else { return Vec::new() };
    let with_creds = combined(&r.headers, "access-control-allow-credentials").as_deref() == Some("true");
    let severity = if with_creds {
        Severity::Error
    } else {
        Severity::Warning
    };
    let title = if with_creds {
        "The server trusts any origin, with credentials: any website can read your users' data"
    } else {
        "The server reflects any Origin"
    };
    let f = finding(
        "reflects-any-origin",
        severity,
        title.into(),
        "A request from an unrelated origin got its own origin back in Access-Control-Allow-Origin. \
         With Access-Control-Allow-Credentials: true, any site a logged-in user visits can read \
         responses made with their cookies.",
        "Check Origin against an explicit allow-list before echoing it.",
    );
    let mut evidence = vec![format!(
        "Origin: {ORIGIN_PROBE} → Access-Control-Allow-Origin: {ORIGIN_PROBE}"
    )];
    if with_creds {
        evidence.push("Access-Control-Allow-Credentials: true".into());
    }
    vec![with_evidence(f, evidence)]
}

fn browsers_disagree(input: &Input<'_>) -> Vec<Finding> {
    let real: Vec<_> = input
        .verdicts
        .iter()
        .filter(|v| v.engine != Engine::Spec)
        .collect();
    let Some(first) = real.first() else {
        return Vec::new();
    };
    if real.iter().all(|v| v.outcome == first.outcome) {
        return Vec::new();
    }
    let summary: Vec<String> = real
        .iter()
        .map(|v| format!("{}: {:?}", v.engine.name(), v.outcome).to_lowercase())
        .collect();
    let f = finding(
        "browsers-disagree",
        Severity::Warning,
        "Browsers disagree on this request".into(),
        "The engines implement some CORS details differently (extra safelisted headers in Chromium, \
         check order, preflight redirect handling).",
        "Fix the request for the strictest browser you support.",
    );
    vec![with_evidence(f, summary)]
}

/// What this request needs from the server, for the fix.
pub fn needs_from(input: &Input<'_>, unsafe_headers: &[String], method: &str) -> crate::fixes::Needs {
    let safelisted = matches!(method, "GET" | "HEAD" | "POST");
    crate::fixes::Needs {
        origin: input.request.origin.clone(),
        methods: if safelisted {
            Vec::new()
        } else {
            vec![method.to_string()]
        },
        request_headers: unsafe_headers.to_vec(),
        credentials: credentialed(input),
        expose_headers: hidden_header_names(input),
        max_age: Some(600),
        on_errors: !error_response_without_cors(input).is_empty(),
        preflight: input.observations.iter().any(|o| o.role == Role::Preflight),
    }
}

#[cfg(test)]
mod tests {
    use super::near_miss;

    #[test]
    fn near_misses_are_named() {
        let o = "http://localhost:3000";
        assert_eq!(
            near_miss("http://localhost:3000/", o),
            Some("a trailing slash (an origin never has a path)")
        );
        assert_eq!(
            near_miss("http://LOCALHOST:3000", o),
            Some("letter case (the comparison is byte-exact)")
        );
        assert_eq!(near_miss("http://localhost:3001", o), Some("the port"));
        assert_eq!(
            near_miss("https://localhost:3000", o),
            Some("the scheme (http vs https)")
        );
        assert!(near_miss("http://127.0.0.1:3000", o)
            .unwrap()
            .starts_with("localhost vs 127.0.0.1"));
        assert_eq!(near_miss(o, o), None);
        assert_eq!(near_miss("https://other.example", o), None);
    }
}

//! From a parsed message to advice: the stable code, the knowledge filled with the message's own
//! values, causes re-ranked by what the message shows (the status, the header, the origin pair) and
//! the `cors-doctor check` command that reproduces the request.

use super::knowledge::{fill, knowledge, knowledge_for_code};
use super::{Explained, Hit};
use crate::model::{Engine, FailureKind, Stage};

/// The stable kebab-case code for a kind at a stage: the CORS-check kinds on a preflight are
/// prefixed `preflight-` (`preflight-missing-allow-origin`), as `Failure::code()` does.
pub fn code_for(kind: FailureKind, stage: Stage) -> String {
    kind.code_at(stage)
}

/// MDN's CORS error page slug for a kind (Firefox's reason names; DevTools keeps the historic
/// typo `CORSMIssingAllowCredentials`).
pub fn mdn_slug(kind: FailureKind) -> Option<&'static str> {
    use FailureKind::*;
    Some(match kind {
        MissingAllowOrigin => "CORSMissingAllowOrigin",
        MultipleAllowOriginValues => "CORSMultipleAllowOriginNotAllowed",
        AllowOriginMismatch | InvalidAllowOriginValue => "CORSAllowOriginNotMatchingOrigin",
        WildcardOriginNotAllowed => "CORSNotSupportingCredentials",
        InvalidAllowCredentials => "CORSMIssingAllowCredentials",
        PreflightInvalidStatus => "CORSPreflightDidNotSucceed",
        PreflightDisallowedRedirect => "CORSExternalRedirectNotAllowed",
        InvalidAllowMethods => "CORSInvalidAllowMethod",
        InvalidAllowHeaders => "CORSInvalidAllowHeader",
        MethodNotAllowed => "CORSMethodNotFound",
        HeaderNotAllowed => "CORSMissingAllowHeaderFromPreflight",
        CorsDisabledScheme => "CORSRequestNotHttp",
        Network => "CORSDidNotSucceed",
        _ => return None,
    })
}

pub(crate) fn explain_hit(h: Hit) -> Explained {
    let code = h.code.clone().unwrap_or_else(|| code_for(h.kind, h.stage));
    let k = knowledge_for_code(&code).unwrap_or_else(|| knowledge(h.kind, h.stage));
    let mut vars = h.detail.clone();
    if let Some(o) = &h.origin {
        vars.insert("origin".into(), o.clone());
    }
    let mut explanation = fill(k.explanation, &vars);
    if h.browser == Engine::Webkit && h.error_name == "OriginNotAllowed" {
        explanation = format!(
            "Safari prints this sentence both when Access-Control-Allow-Origin is missing and when it names another \
             origin; missing is far more common. {explanation}"
        );
    }
    if let Some(s) = h
        .detail
        .get("status")
        .filter(|_| !k.explanation.contains("{status}"))
    {
        explanation.push_str(&format!(" The browser reported HTTP status {s}."));
    }
    let mut causes: Vec<String> = k.causes.iter().map(|c| fill(c, &vars)).collect();
    rank(&h, &mut causes);
    let fix = fill(k.fix, &vars);
    let (check_command, check_note) = check_command(&h);
    let docs_url = mdn_slug(h.kind)
        .filter(|_| h.code.is_none() || code == "cors-check-failed")
        .map(|s| format!("https://developer.mozilla.org/docs/Web/HTTP/CORS/Errors/{s}"));
    Explained {
        browser: h.browser,
        kind: h.kind,
        stage: h.stage,
        code,
        error_name: h.error_name,
        url: h.url,
        initial_url: h.initial_url,
        origin: h.origin,
        initiator: h.initiator,
        detail: h.detail,
        explanation,
        causes,
        fix,
        check_command,
        check_note,
        message: h.message,
        docs_url,
        count: 1,
    }
}

/// Move the cause the evidence points at to the front, and put message-specific causes first.
fn rank(h: &Hit, causes: &mut Vec<String>) {
    let status: Option<u16> = h.detail.get("status").and_then(|s| s.parse().ok());
    if let Some(s) = status {
        let needle = match s {
            // A 2xx answer was not an error path: the allowlist is the likelier culprit.
            200..=299 => Some("allowed origins"),
            401 | 403 => Some("401/403"),
            404 | 405 => Some("404/405"),
            300..=399 => Some("redirect"),
            413 | 429 | 500..=599 => Some("500"),
            400..=499 => Some("error"),
            _ => None,
        };
        if let Some(needle) = needle {
            promote(causes, needle);
        }
    }
    let mut specific = Vec::new();
    if h.origin.as_deref() == Some("null") {
        specific.push(
            "Your page's origin is `null`: it is opened from file://, runs in a sandboxed iframe, or the request was \
             redirected across origins. Serve the page over http(s); do not allow `null` on the server"
                .to_string(),
        );
    }
    match h.kind {
        FailureKind::AllowOriginMismatch => specific.extend(origin_near_miss(h)),
        FailureKind::MultipleAllowOriginValues => {
            if let Some(v) = h.detail.get("value") {
                let parts: Vec<&str> = v.split([',', ' ']).filter(|p| !p.is_empty()).collect();
                if parts.len() > 1 && parts.iter().all(|p| *p == parts[0]) {
                    specific.push(format!(
                        "The same value is sent twice ('{v}'): two layers (proxy or gateway and application) both add the header"
                    ));
                }
            }
        }
        FailureKind::HeaderNotAllowed => {
            specific.extend(h.detail.get("header").and_then(|n| header_source(n)))
        }
        FailureKind::MethodNotAllowed => {
            if let Some(m) = h.detail.get("method") {
                if m.chars().any(|c| c.is_ascii_lowercase()) {
                    specific.push(format!(
                        "The method is sent as '{m}': method names are case-sensitive and fetch() does not upper-case \
                         it, so an allow list with '{}' does not match. Send '{}' from the client",
                        m.to_ascii_uppercase(),
                        m.to_ascii_uppercase()
                    ));
                }
            }
        }
        FailureKind::InvalidAllowCredentials if h.detail.get("value").is_some_and(String::is_empty) => {
            promote(causes, "never sends");
        }
        _ => {}
    }
    for (i, s) in specific.into_iter().enumerate() {
        causes.insert(i, s);
    }
}

fn promote(causes: &mut Vec<String>, needle: &str) {
    if let Some(i) = causes.iter().position(|c| c.contains(needle)) {
        let c = causes.remove(i);
        causes.insert(0, c);
    }
}

/// Name the near-miss between the allowed value and the page's origin (P6).
fn origin_near_miss(h: &Hit) -> Option<String> {
    let value = h.detail.get("value")?.trim();
    let origin = h.origin.as_deref()?;
    let split = |s: &str| -> Option<(String, String)> {
        let (scheme, rest) = s.split_once("://")?;
        Some((scheme.to_ascii_lowercase(), rest.to_string()))
    };
    let (vs, vr) = split(value)?;
    let (os, or) = split(origin)?;
    let why = if value.trim_end_matches('/') == origin && value.len() > origin.len() {
        "it has a trailing slash; origins never do".to_string()
    } else if vr.contains('/') {
        "it has a path; an origin is only scheme://host[:port]".to_string()
    } else if value.eq_ignore_ascii_case(origin) {
        "it differs only in letter case; browsers compare the exact string".to_string()
    } else if vs != os && vr == or {
        format!("the scheme differs ({vs} vs {os})")
    } else if strip_port(&vr) == strip_port(&or) {
        "the port differs (an explicit default port or another dev port counts)".to_string()
    } else if is_loopback_pair(&vr, &or) {
        "localhost and 127.0.0.1 are different origins".to_string()
    } else if vr.trim_start_matches("www.") == or.trim_start_matches("www.") {
        "www and the bare domain are different origins".to_string()
    } else {
        return Some(format!(
            "The server allows '{value}', another origin entirely: it has one fixed allowed origin, or a cache served \
             a copy made for '{value}'"
        ));
    };
    Some(format!(
        "The allowed value '{value}' is a near-miss of your origin '{origin}': {why}"
    ))
}

fn strip_port(host: &str) -> &str {
    host.rsplit_once(':')
        .filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()))
        .map_or(host, |(h, _)| h)
}

fn is_loopback_pair(a: &str, b: &str) -> bool {
    let (a, b) = (strip_port(a), strip_port(b));
    let loop_names = ["localhost", "127.0.0.1", "[::1]"];
    a != b && loop_names.contains(&a) && loop_names.contains(&b)
}

/// Headers people do not know they send (P9).
fn header_source(name: &str) -> Option<String> {
    let n = name.to_ascii_lowercase();
    let why = match n.as_str() {
        "sentry-trace" | "baggage" => "added by Sentry's tracing: allow it on the server, or limit `tracePropagationTargets` to your own APIs",
        "traceparent" | "tracestate" | "x-datadog-trace-id" | "x-datadog-parent-id" => {
            "added by OpenTelemetry or APM tracing instrumentation: allow it, or limit propagation to your own APIs"
        }
        "x-requested-with" => "added by jQuery, AngularJS or an axios/HTTP-client default: allow it or stop sending it",
        "content-type" => "sent with a JSON body: `Content-Type: application/json` is not CORS-safelisted (only form and text/plain types are)",
        "authorization" => "your auth token: Authorization must be listed explicitly (a `*` may stop covering it)",
        n if n.starts_with("access-control-") => {
            "a response header sent as a request header: the client must not send it; remove it from the request"
        }
        _ => return None,
    };
    Some(format!("'{name}' is {why}"))
}

/// The `cors-doctor check` command that reproduces the failing request, and what to edit in it.
fn check_command(h: &Hit) -> (String, Option<String>) {
    let mut parts = vec!["cors-doctor".to_string(), "check".to_string()];
    let mut notes = Vec::new();
    let url = h.initial_url.as_deref().or(h.url.as_deref());
    parts.push(shell_quote(url.unwrap_or("URL")));
    if url.is_none() {
        notes.push("replace URL with the request's URL");
    }
    parts.push("--origin".into());
    parts.push(shell_quote(h.origin.as_deref().unwrap_or("ORIGIN")));
    if h.origin.is_none() {
        notes.push("replace ORIGIN with your page's origin (scheme://host:port, as in the address bar)");
    }
    let method = h.detail.get("method");
    if let Some(m) = method.filter(|m| m.as_str() != "GET") {
        parts.push("-X".into());
        parts.push(shell_quote(m));
    }
    let header = h.detail.get("header");
    if let Some(name) = header {
        let value = match name.to_ascii_lowercase().as_str() {
            "content-type" => "application/json",
            "authorization" => "Bearer x",
            _ => "x",
        };
        parts.push("-H".into());
        parts.push(shell_quote(&format!("{name}: {value}")));
    }
    let credentialed = matches!(
        h.kind,
        FailureKind::WildcardOriginNotAllowed | FailureKind::InvalidAllowCredentials
    );
    if credentialed {
        parts.push("--credentials".into());
        parts.push("include".into());
    }
    if h.stage == Stage::Preflight && method.is_none() && header.is_none() {
        notes.push("add the method and headers your code sends (-X PUT, -H 'Content-Type: application/json'…): they decide the preflight");
    }
    let note = (!notes.is_empty()).then(|| {
        let mut n = notes.join("; ");
        n.push('.');
        n[..1].to_ascii_uppercase() + &n[1..]
    });
    (parts.join(" "), note)
}

/// Quote for POSIX shells: bare when only safe characters, single quotes otherwise.
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_failure_scheme() {
        assert_eq!(
            code_for(FailureKind::MissingAllowOrigin, Stage::Preflight),
            "preflight-missing-allow-origin"
        );
        assert_eq!(
            code_for(FailureKind::MissingAllowOrigin, Stage::Actual),
            "missing-allow-origin"
        );
        assert_eq!(
            code_for(FailureKind::PreflightInvalidStatus, Stage::Preflight),
            "preflight-invalid-status"
        );
        assert_eq!(
            code_for(FailureKind::HeaderNotAllowed, Stage::Preflight),
            "header-not-allowed"
        );
        assert_eq!(code_for(FailureKind::Network, Stage::Network), "network-error");
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("https://a.test/x"), "https://a.test/x");
        assert_eq!(
            shell_quote("https://a.test/x?a=1&b=2"),
            "'https://a.test/x?a=1&b=2'"
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn near_misses_are_named() {
        let text = "Access to fetch at 'https://api.test/x' from origin 'http://localhost:3000' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://127.0.0.1:3000' that is not equal to the supplied origin.";
        let e = &super::super::explain(text).errors[0];
        assert!(e.causes[0].contains("localhost and 127.0.0.1"), "{:?}", e.causes);
        assert!(!e.explanation.contains("Safari"), "{}", e.explanation);
        let slash = text.replace("http://127.0.0.1:3000", "http://localhost:3000/");
        let e = &super::super::explain(&slash).errors[0];
        assert!(e.causes[0].contains("trailing slash"), "{:?}", e.causes);
    }
}

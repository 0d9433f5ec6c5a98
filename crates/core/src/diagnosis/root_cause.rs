//! The root cause: the one sentence to lead a report with.
//!
//! Order matters: a broken preflight hides everything after it, and an error status is the real
//! problem far more often than the CORS headers themselves ("it's not CORS, it's a 500").

use super::combined;
use super::{Input, Role, RootCause};
use crate::model::{ObservedResponse, Outcome};

/// Name the root cause of a blocked fetch, if it is something other than the CORS headers.
pub(super) fn find(input: &Input<'_>) -> Option<RootCause> {
    if !input.verdicts.iter().any(|v| v.outcome == Outcome::Blocked) {
        return None;
    }
    preflight_cause(input)
        .or_else(|| taint_cause(input))
        .or_else(|| actual_cause(input))
}

/// A redirect tainted the origin and the final server did not allow `null`.
fn taint_cause(input: &Input<'_>) -> Option<RootCause> {
    let hop = super::findings::tainted_hop(input)?;
    let final_ok = input.final_response().is_some_and(|r| r.status < 400);
    if !final_ok || !super::findings::blocked_on_allow_origin(input) {
        return None;
    }
    Some(cause(
        "redirect-tainted-origin",
        format!("The request was redirected to another origin, so {} was sent with Origin: null", hop.url),
        "After such a redirect browsers send `Origin: null`, and the final response allows the page's origin, not \
         null. Request the final URL directly instead of relying on the redirect.",
    ))
}

fn cause(id: &'static str, headline: String, detail: &str) -> RootCause {
    RootCause {
        id,
        headline,
        detail: detail.to_string(),
    }
}

fn status(r: &ObservedResponse) -> String {
    format!("HTTP {} {}", r.status, r.status_text)
        .trim_end()
        .to_string()
}

fn preflight_cause(input: &Input<'_>) -> Option<RootCause> {
    let o = input.observations.iter().find(|o| o.role == Role::Preflight)?;
    if let Some(err) = o.error {
        return Some(cause(
            "preflight-network-error",
            format!("The preflight got no HTTP answer ({err})"),
            "Browsers print only a net:: error here; no header change can fix it. Make the server reachable first.",
        ));
    }
    let r = o.response?;
    let s = status(r);
    match r.status {
        401 | 403 | 407 => Some(cause(
            "preflight-auth-intercepted",
            format!("Authentication answered the preflight with {s}: that is the problem"),
            "Preflights never carry cookies or Authorization, so an auth layer in front of CORS rejects them.",
        )),
        404 | 405 | 501 => Some(cause(
            "preflight-not-routed",
            format!("Nothing answers OPTIONS here ({s}): that is the problem"),
            "The preflight is an OPTIONS request; without a route or a global CORS middleware it fails.",
        )),
        300..=399 => Some(cause(
            "preflight-redirect",
            format!("The preflight was redirected ({s}): that is the problem"),
            "Browsers never follow redirects on a preflight.",
        )),
        400.. if combined(&r.headers, "access-control-allow-origin").is_none() => Some(cause(
            "error-response-without-cors",
            format!("The server answered the preflight with {s}: that is the problem"),
            "The error response has no CORS headers either, so the browser reports a CORS error instead.",
        )),
        _ => None,
    }
}

fn actual_cause(input: &Input<'_>) -> Option<RootCause> {
    let responses: Vec<&ObservedResponse> = input.responses(Role::Actual).map(|(_, r)| r).collect();
    let hop = responses.iter().find(|r| {
        combined(&r.headers, "access-control-allow-origin").is_none()
            && (r.status >= 400 || (300..400).contains(&r.status))
    })?;
    let s = status(hop);
    if hop.status >= 400 {
        return Some(cause(
            "error-response-without-cors",
            format!("The server answered {s}: that is the problem; CORS headers are missing on that response too"),
            "Error responses often bypass the CORS middleware (exception handlers, auth, proxies). Fix the error and make sure errors carry CORS headers.",
        ));
    }
    Some(cause(
        "redirect-without-cors",
        format!("The request was redirected ({s}) and the redirect has no CORS headers"),
        "Each redirect of a cross-origin fetch must pass the CORS check itself.",
    ))
}

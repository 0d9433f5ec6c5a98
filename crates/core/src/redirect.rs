//! Redirect handling for CORS requests (Fetch: "HTTP-redirect fetch", "redirect-taint").
//!
//! Contract: [`follow`] decides what a 3xx response (which has already passed the CORS check)
//! does to the request: nothing (no `Location`: the 3xx is delivered as is), a network error
//! (unparsable Location, non-HTTP(S) scheme, the 20-redirect limit, userinfo), or the next hop
//! with the method rewritten, request-body headers dropped, `Authorization` dropped on a
//! cross-origin hop, and whether the request origin becomes tainted (serialized `null`).

use crate::check::CheckFailure;
use crate::model::FailureKind;
use crate::origin::{url_same_origin, Origin};
use crate::preflight::is_redirect_status;
use url::Url;

/// Fetch's redirect limit.
pub const MAX_REDIRECTS: u32 = 20;

/// Request-body headers removed when a redirect turns the request into a GET.
pub const REQUEST_BODY_HEADERS: [&str; 4] = [
    "content-encoding",
    "content-language",
    "content-location",
    "content-type",
];

/// The request state a redirect decision needs.
#[derive(Debug, Clone, Copy)]
pub struct RedirectContext<'a> {
    /// The URL that answered with the 3xx.
    pub current: &'a Url,
    /// The page's origin (before serialization).
    pub origin: &'a Origin,
    /// The method sent.
    pub method: &'a str,
    /// Whether response tainting is already `cors`.
    pub cors_tainting: bool,
    /// Redirects followed so far.
    pub redirect_count: u32,
    /// [`BrowserProfile::empty_location_is_absent`](crate::profile::BrowserProfile::empty_location_is_absent).
    pub empty_location_is_absent: bool,
}

/// The next hop of a followed redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The new URL.
    pub url: Url,
    /// The method for the new request.
    pub method: String,
    /// Whether the body and request-body headers are dropped.
    pub drop_body: bool,
    /// Whether `Authorization` is removed (cross-origin hop).
    pub drop_authorization: bool,
    /// Whether this hop sets the request's tainted-origin flag.
    pub taints: bool,
}

/// The outcome of a 3xx response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectDecision {
    /// Not a redirect (no `Location`, or not a redirect status): deliver the response.
    Deliver,
    /// Follow to the next hop.
    Follow(Hop),
    /// A network error.
    Fail(CheckFailure),
}

/// Fetch "location URL": `None` without a Location header (or, when `empty_is_absent`, with an
/// empty one), `Some(Err)` when it does not parse.
pub fn location_url(
    headers: &[(String, String)],
    base: &Url,
    empty_is_absent: bool,
) -> Option<Result<Url, String>> {
    let value = crate::http::get(headers, "location")?;
    if empty_is_absent && value.is_empty() {
        return None;
    }
    Some(base.join(&value).map_err(|_| value.into_owned()))
}

/// Fetch "HTTP-redirect fetch" steps after the CORS check, for redirect mode `follow`.
pub fn follow(status: u16, headers: &[(String, String)], ctx: &RedirectContext<'_>) -> RedirectDecision {
    if !is_redirect_status(status) {
        return RedirectDecision::Deliver;
    }
    let location = match location_url(headers, ctx.current, ctx.empty_location_is_absent) {
        None => return RedirectDecision::Deliver,
        Some(Err(raw)) => return fail(FailureKind::InvalidRedirect, raw),
        Some(Ok(url)) => url,
    };
    if !matches!(location.scheme(), "http" | "https") {
        return fail(FailureKind::RedirectUnsafeScheme, location.as_str());
    }
    if ctx.redirect_count >= MAX_REDIRECTS {
        return fail(FailureKind::TooManyRedirects, location.as_str());
    }
    if has_credentials(&location) && (ctx.cors_tainting || !url_same_origin(&location, ctx.origin)) {
        return fail(FailureKind::RedirectContainsCredentials, location.as_str());
    }
    RedirectDecision::Follow(hop(status, location, ctx))
}

fn fail(kind: FailureKind, hint: impl Into<String>) -> RedirectDecision {
    RedirectDecision::Fail(CheckFailure::new(kind, hint))
}

fn hop(status: u16, url: Url, ctx: &RedirectContext<'_>) -> Hop {
    let rewritten = rewrite_method(status, ctx.method);
    let current_origin = Origin::of_url(ctx.current);
    let cross_hop = !Origin::of_url(&url).same_origin(&current_origin);
    Hop {
        drop_body: rewritten.is_some(),
        method: rewritten.unwrap_or(ctx.method).to_owned(),
        drop_authorization: cross_hop,
        taints: cross_hop && !ctx.origin.same_origin(&current_origin),
        url,
    }
}

/// The method after a redirect: 301/302 turn POST into GET; 303 turns anything but GET/HEAD
/// into GET. `None` when unchanged.
pub fn rewrite_method(status: u16, method: &str) -> Option<&'static str> {
    let to_get = match status {
        301 | 302 => method == "POST",
        303 => !matches!(method, "GET" | "HEAD"),
        _ => false,
    };
    to_get.then_some("GET")
}

/// Whether a URL "includes credentials" (a non-empty username or password).
pub fn has_credentials(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(
        from: &str,
        status: u16,
        location: Option<&str>,
        tainting: bool,
        count: u32,
    ) -> RedirectDecision {
        let current = Url::parse(from).unwrap();
        let origin = Origin::parse("http://web.test").unwrap();
        let headers: Vec<(String, String)> = location
            .map(|l| ("Location".to_owned(), l.to_owned()))
            .into_iter()
            .collect();
        let ctx = RedirectContext {
            current: &current,
            origin: &origin,
            method: "POST",
            cors_tainting: tainting,
            redirect_count: count,
            empty_location_is_absent: false,
        };
        follow(status, &headers, &ctx)
    }

    /// An empty `Location`: the spec parses it against the current URL (a redirect to itself,
    /// until the limit); Chromium delivers the 3xx as if there were none.
    #[test]
    fn empty_location_per_profile() {
        let current = Url::parse("http://api.test/a").unwrap();
        let origin = Origin::parse("http://web.test").unwrap();
        let headers = vec![("Location".to_owned(), "  ".to_owned())];
        let ctx = |empty_location_is_absent| RedirectContext {
            current: &current,
            origin: &origin,
            method: "GET",
            cors_tainting: false,
            redirect_count: 0,
            empty_location_is_absent,
        };
        match follow(302, &headers, &ctx(false)) {
            RedirectDecision::Follow(hop) => assert_eq!(hop.url, current),
            other => panic!("{other:?}"),
        }
        assert_eq!(follow(302, &headers, &ctx(true)), RedirectDecision::Deliver);
    }

    fn kind(d: RedirectDecision) -> Option<FailureKind> {
        match d {
            RedirectDecision::Fail(f) => Some(f.kind),
            _ => None,
        }
    }

    #[test]
    fn failures() {
        use FailureKind::*;
        let cases = [
            (
                "http://api.test/a",
                302,
                Some("http://user:pass@api.test/b"),
                true,
                0,
                Some(RedirectContainsCredentials),
            ),
            (
                "http://api.test/a",
                302,
                Some("http://user:@api.test/b"),
                true,
                0,
                Some(RedirectContainsCredentials),
            ),
            (
                "http://api.test/a",
                302,
                Some("http://:pass@api.test/b"),
                true,
                0,
                Some(RedirectContainsCredentials),
            ),
            (
                "http://api.test/a",
                302,
                Some("http://@api.test/b"),
                true,
                0,
                None,
            ),
            (
                "http://web.test/a",
                302,
                Some("http://user:pass@web.test/b"),
                false,
                0,
                None,
            ),
            (
                "http://web.test/a",
                302,
                Some("http://user:pass@api.test/b"),
                false,
                0,
                Some(RedirectContainsCredentials),
            ),
            (
                "http://api.test/a",
                302,
                Some("data:text/plain,hi"),
                true,
                0,
                Some(RedirectUnsafeScheme),
            ),
            (
                "http://api.test/a",
                302,
                Some("http://[bad"),
                true,
                0,
                Some(InvalidRedirect),
            ),
            (
                "http://api.test/a",
                302,
                Some("/b"),
                true,
                20,
                Some(TooManyRedirects),
            ),
            ("http://api.test/a", 302, Some("/b"), true, 19, None),
        ];
        for (from, status, loc, tainting, count, want) in cases {
            assert_eq!(
                kind(decide(from, status, loc, tainting, count)),
                want,
                "{from} -> {loc:?}"
            );
        }
        assert_eq!(
            decide("http://api.test/a", 302, None, true, 0),
            RedirectDecision::Deliver
        );
        assert_eq!(
            decide("http://api.test/a", 304, Some("/b"), true, 0),
            RedirectDecision::Deliver
        );
    }

    #[test]
    fn method_rewriting() {
        let cases = [
            (301, "POST", Some("GET")),
            (302, "POST", Some("GET")),
            (302, "PUT", None),
            (303, "PUT", Some("GET")),
            (303, "HEAD", None),
            (307, "POST", None),
            (308, "POST", None),
        ];
        for (status, method, want) in cases {
            assert_eq!(rewrite_method(status, method), want, "{status} {method}");
        }
    }

    #[test]
    fn taint_table() {
        // (current URL, location, taints)
        let cases = [
            ("http://api.test/a", "http://api.test/b", false),
            ("http://api.test/a", "http://api2.test/b", true),
            ("http://api.test/a", "http://web.test/b", true),
            ("http://web.test/a", "http://api.test/b", false),
        ];
        for (from, to, want) in cases {
            match decide(from, 307, Some(to), false, 0) {
                RedirectDecision::Follow(h) => assert_eq!(h.taints, want, "{from} -> {to}"),
                other => panic!("{other:?}"),
            }
        }
    }
}

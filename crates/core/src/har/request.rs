//! From a recorded entry back to what the page's script asked for: the page origin, whether the
//! load was a CORS request at all, the headers the script set, and the credentials mode.
//!
//! A HAR records the wire, not the script. Browser-added headers (Origin, Sec-*, Referer, cookies,
//! DevTools' "Disable cache" pair) are removed; when a preflight was recorded, its
//! `Access-Control-Request-Headers` is the browser's own list of the script's non-safelisted
//! headers and wins. Sanitized exports drop Cookie and Authorization, so their absence is never
//! taken as proof that no credentials were sent.

use std::collections::HashMap;
use std::rc::Rc;

use url::Url;

use super::entry::Entry;
use super::summary::template_of;
use crate::classify::{header_verdict, HeaderVerdict};
use crate::model::{Credentials, Engine, HeaderList, Initiator};
use crate::origin::Origin;
use crate::profile::BrowserProfile;

/// Where the request's origin came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginSource {
    /// The entry's own `Origin` header.
    Header,
    /// The paired preflight's `Origin` header.
    Preflight,
    /// `--origin`.
    Option,
    /// The page the entry belongs to (`pageref`).
    Page,
    /// The `Referer` header.
    Referer,
}

impl OriginSource {
    /// Lowercase stable name.
    pub fn name(self) -> &'static str {
        match self {
            OriginSource::Header => "origin-header",
            OriginSource::Preflight => "preflight-origin-header",
            OriginSource::Option => "option",
            OriginSource::Page => "page",
            OriginSource::Referer => "referer",
        }
    }
}

/// Why the credentials mode is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialsBasis {
    /// A `Cookie` header was recorded.
    Cookie,
    /// An `Authorization` header the preflight did not list (so the browser added it: HTTP auth).
    HttpAuth,
    /// Nothing recorded either way (maybe a sanitized export): judged as the fetch() default.
    NotRecorded,
    /// Nothing recorded, but only `include` explains the failure the browser recorded.
    InferredFromFailure,
}

/// What the analysis reads from one URL string, from a single parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlFacts {
    /// The URL as the URL Standard serializes it (`None`: unparsable).
    pub normalized: Option<String>,
    /// Its serialized origin, `null` when opaque (`None`: unparsable).
    pub origin: Option<String>,
    /// Whether that origin is a tuple origin (only those can be same-origin with anything).
    pub tuple_origin: bool,
    /// API origin and templated path, for the summary (see [`path_template`](super::summary::path_template)).
    pub template: (String, String),
}

impl UrlFacts {
    /// Parse `url` once.
    pub fn of(url: &str) -> UrlFacts {
        let Ok(u) = Url::parse(url) else {
            return UrlFacts {
                normalized: None,
                origin: None,
                tuple_origin: false,
                template: super::summary::invalid_template(url),
            };
        };
        let origin = Origin::of_url(&u);
        UrlFacts {
            template: template_of(&u),
            tuple_origin: !origin.is_opaque(),
            origin: Some(origin.serialize()),
            normalized: Some(String::from(u)),
        }
    }

    /// Whether the page origin `page` (already normalized, see [`UrlCache::page_origin`]) is
    /// same-origin with this URL.
    pub fn same_origin_as(&self, page: Option<&str>) -> bool {
        self.tuple_origin && page.is_some() && self.origin.as_deref() == page
    }
}

/// URL string → its [`UrlFacts`], and page origin → its normalized serialization; bounded.
/// Pairing compares every request with every preflight in the window, and the summary, the memo
/// and the same-origin test all read the same URL: parsing dominated before this.
#[derive(Debug, Default)]
pub struct UrlCache {
    urls: HashMap<String, Rc<UrlFacts>>,
    pages: HashMap<String, Option<String>>,
}

/// Entries kept in each map of a [`UrlCache`] before it starts over.
const URL_CACHE_MAX: usize = 4096;

impl UrlCache {
    /// The facts of `url`.
    pub fn facts(&mut self, url: &str) -> Rc<UrlFacts> {
        if let Some(f) = self.urls.get(url) {
            return Rc::clone(f);
        }
        if self.urls.len() >= URL_CACHE_MAX {
            self.urls.clear();
        }
        let f = Rc::new(UrlFacts::of(url));
        self.urls.insert(url.to_string(), Rc::clone(&f));
        f
    }

    /// A page origin as recorded (an Origin header value, `--origin`…), serialized as a tuple
    /// origin; `None` when it is opaque or does not parse.
    pub fn page_origin(&mut self, origin: &str) -> Option<&str> {
        if !self.pages.contains_key(origin) {
            if self.pages.len() >= URL_CACHE_MAX {
                self.pages.clear();
            }
            let norm = Origin::parse(origin)
                .ok()
                .filter(|o| !o.is_opaque())
                .map(|o| o.serialize());
            self.pages.insert(origin.to_string(), norm);
        }
        self.pages.get(origin).and_then(|o| o.as_deref())
    }

    /// Whether URL string `a` names the same URL as `b` once parsed; `b_facts` are `b`'s facts
    /// (the caller compares one `b` with many `a`s).
    pub fn same_url(&mut self, a: &str, b: &str, b_facts: &UrlFacts) -> bool {
        a == b || (b_facts.normalized.is_some() && self.facts(a).normalized == b_facts.normalized)
    }
}

/// Serialized origin of a URL string, if it parses.
pub fn url_origin(url: &str) -> Option<String> {
    let u = Url::parse(url).ok()?;
    Some(Origin::of_url(&u).serialize())
}

/// Whether the entry is a load the browser made in CORS mode (fetch/XHR, or anything whose
/// `Sec-Fetch-Mode` says `cors`), as opposed to navigations and no-cors subresources.
pub fn is_cors_mode(e: &Entry) -> bool {
    if let Some(mode) = e.request_header("sec-fetch-mode") {
        return mode.trim().eq_ignore_ascii_case("cors");
    }
    match e.resource_type.as_deref() {
        Some("fetch" | "xhr" | "eventsource") => true,
        Some("document" | "preflight" | "websocket") => false,
        _ => e.request_header("origin").is_some() && !e.method.eq_ignore_ascii_case("OPTIONS"),
    }
}

/// The entry is the page itself (a navigation): its URL gives the page origin.
pub fn is_document(e: &Entry) -> bool {
    e.resource_type.as_deref() == Some("document")
        || e.request_header("sec-fetch-mode")
            .is_some_and(|m| m.eq_ignore_ascii_case("navigate"))
        || e.request_header("sec-fetch-dest")
            .is_some_and(|d| d.eq_ignore_ascii_case("document"))
}

/// fetch() or XHR, from Chrome's resource type.
pub fn initiator(e: &Entry) -> Initiator {
    match e.resource_type.as_deref() {
        Some("xhr") => Initiator::Xhr,
        _ => Initiator::Fetch,
    }
}

/// Headers the browser (or DevTools) adds on its own; never the script's.
fn browser_added(lower: &str) -> bool {
    lower.starts_with("sec-")
        || lower.starts_with("proxy-")
        || lower.starts_with(':')
        || matches!(
            lower,
            "origin"
                | "referer"
                | "user-agent"
                | "accept-encoding"
                | "accept-language"
                | "connection"
                | "host"
                | "cookie"
                | "cookie2"
                | "content-length"
                | "keep-alive"
                | "te"
                | "trailer"
                | "transfer-encoding"
                | "upgrade"
                | "via"
                | "dnt"
                | "priority"
                | "expect"
                | "date"
                | "access-control-request-method"
                | "access-control-request-headers"
                | "access-control-request-private-network"
                | "upgrade-insecure-requests"
        )
}

/// The headers the script set, as well as a HAR can tell.
///
/// `acrh` is the paired preflight's Access-Control-Request-Headers (lowercase names) when one was
/// recorded: a non-safelisted header not named there was added by the browser and is dropped, and
/// a named header missing from the entry is restored with an empty value.
pub fn script_headers(e: &Entry, acrh: Option<&[String]>, recorder: Engine) -> HeaderList {
    let profile = BrowserProfile::of(recorder);
    let disable_cache = e.request_header("pragma").is_some_and(|v| v.trim() == "no-cache")
        && e.request_header("cache-control")
            .is_some_and(|v| v.trim() == "no-cache");
    let mut out: HeaderList = Vec::new();
    for (name, value) in &e.request_headers {
        let lower = name.to_ascii_lowercase();
        if browser_added(&lower) || (disable_cache && matches!(lower.as_str(), "pragma" | "cache-control")) {
            continue;
        }
        let safelisted = matches!(header_verdict(name, value, profile), HeaderVerdict::Safelisted);
        match acrh {
            Some(listed) if !safelisted && !listed.contains(&lower) => continue,
            _ => out.push((name.clone(), value.clone())),
        }
    }
    if let Some(listed) = acrh {
        for name in listed {
            if !out.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                out.push((name.clone(), String::new()));
            }
        }
    }
    out
}

/// The credentials mode a recorded request most likely used, and why.
pub fn credentials(e: &Entry, acrh: Option<&[String]>) -> (Credentials, CredentialsBasis) {
    if e.request_header("cookie").is_some_and(|c| !c.trim().is_empty()) {
        return (Credentials::Include, CredentialsBasis::Cookie);
    }
    let auth_listed = acrh.is_some_and(|l| l.iter().any(|n| n == "authorization"));
    if e.request_header("authorization").is_some() && acrh.is_some() && !auth_listed {
        return (Credentials::Include, CredentialsBasis::HttpAuth);
    }
    (Credentials::SameOrigin, CredentialsBasis::NotRecorded)
}

/// Lowercase names in an Access-Control-Request-Headers value.
pub fn parse_acrh(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Which engine produced the HAR, from `log.creator` / `log.browser` names.
pub fn recorder_engine(names: &[&str]) -> Engine {
    let joined = names.join(" ").to_ascii_lowercase();
    if joined.contains("firefox") || joined.contains("gecko") {
        Engine::Firefox
    } else if joined.contains("safari") || joined.contains("webkit") && !joined.contains("webinspector") {
        Engine::Webkit
    } else {
        Engine::Chromium
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(headers: &[(&str, &str)]) -> Entry {
        Entry {
            index: 0,
            started_ms: None,
            time_ms: 0.0,
            pageref: None,
            method: "PUT".into(),
            url: "https://api.test/x".into(),
            request_headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            status: 0,
            status_text: String::new(),
            response_headers: Vec::new(),
            body_prefix: String::new(),
            redirect_url: String::new(),
            error: None,
            resource_type: None,
            initiator_type: None,
            initiator_url: None,
            from_cache: false,
        }
    }

    #[test]
    fn browser_headers_are_not_the_scripts() {
        let e = entry(&[
            ("Origin", "https://app.test"),
            ("Sec-Fetch-Mode", "cors"),
            ("Pragma", "no-cache"),
            ("Cache-Control", "no-cache"),
            ("Content-Type", "application/json"),
            ("X-Trace", "1"),
        ]);
        let listed = vec!["content-type".to_string()];
        let h = script_headers(&e, Some(&listed), Engine::Chromium);
        assert_eq!(
            h,
            vec![("Content-Type".to_string(), "application/json".to_string())]
        );
        let h = script_headers(&e, None, Engine::Chromium);
        assert_eq!(h.len(), 2);
    }

    #[test]
    fn a_missing_cookie_is_not_proof_of_no_credentials() {
        let (mode, basis) = credentials(&entry(&[]), None);
        assert_eq!(
            (mode, basis),
            (Credentials::SameOrigin, CredentialsBasis::NotRecorded)
        );
        let (mode, _) = credentials(&entry(&[("Cookie", "sid=1")]), None);
        assert_eq!(mode, Credentials::Include);
        let listed = vec!["authorization".to_string()];
        let (mode, _) = credentials(&entry(&[("Authorization", "Bearer x")]), Some(&listed));
        assert_eq!(mode, Credentials::SameOrigin);
    }
}

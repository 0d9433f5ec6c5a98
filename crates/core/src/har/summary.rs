//! The running summary: per API origin and endpoint, counts of requests, preflights and failures
//! by kind; and what preflights cost (count, time) and what an `Access-Control-Max-Age` at each
//! browser's cap would have saved. Memory is bounded: endpoints and cache keys are capped.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use url::Url;

use super::entry::Entry;
use crate::model::Engine;
use crate::origin::Origin;
use crate::profile::BrowserProfile;

/// Distinct endpoints tracked; further ones are folded into `(other)`.
pub const MAX_ENDPOINTS: usize = 2_000;
/// Distinct preflight cache keys tracked for the Max-Age simulation before it starts over.
pub const MAX_CACHE_KEYS: usize = 50_000;
/// Skipped entries listed individually (all are counted).
pub const MAX_SKIPPED_LISTED: usize = 1_000;

/// An entry that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// Position in `log.entries`.
    pub index: usize,
    /// Byte offset where the entry starts in the (decompressed) input.
    pub offset: u64,
    /// Why.
    pub reason: String,
}

/// Counts for one endpoint (method + path template).
#[derive(Debug, Clone, Default, Serialize)]
pub struct EndpointSummary {
    /// Request method.
    pub method: String,
    /// Path with ids folded to `{id}`, no query.
    pub path: String,
    /// Cross-origin CORS requests.
    pub requests: u64,
    /// Preflights sent for them.
    pub preflights: u64,
    /// Requests a browser blocks (any modelled engine) or recorded as failed without explanation.
    pub failures: u64,
    /// Failures by kind (Chromium's error name, or `unexplained`, `network-error`).
    pub failures_by_kind: BTreeMap<String, u64>,
}

/// Counts for one API origin.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OriginSummary {
    /// The API's origin.
    pub origin: String,
    /// Requests, preflights and failures over all its endpoints.
    pub requests: u64,
    /// Preflights.
    pub preflights: u64,
    /// Failures.
    pub failures: u64,
    /// Endpoints, busiest first.
    pub endpoints: Vec<EndpointSummary>,
}

/// What a preflight cache entry lifetime would have saved in one browser.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Saving {
    /// The browser's Access-Control-Max-Age cap in seconds.
    pub max_age_cap: u64,
    /// Preflights that would have been answered from the cache.
    pub preflights_saved: u64,
    /// Their recorded time, in milliseconds.
    pub time_saved_ms: f64,
}

/// Preflight cost for one endpoint.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PreflightEndpoint {
    /// API origin.
    pub origin: String,
    /// Method of the requests they precede.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Preflights recorded.
    pub preflights: u64,
    /// Their total time in milliseconds (`time`, else the sum of `timings`).
    pub time_ms: f64,
    /// The Access-Control-Max-Age the server sent (first seen), if any.
    pub max_age: Option<String>,
    /// Per browser: saved with Max-Age at that browser's cap.
    pub savings: BTreeMap<&'static str, Saving>,
}

/// The preflight-cost section.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PreflightCost {
    /// Preflights recorded.
    pub preflights: u64,
    /// Their total time in milliseconds.
    pub time_ms: f64,
    /// Per browser: what Max-Age at the browser's cap would save over the whole recording.
    pub savings: BTreeMap<&'static str, Saving>,
    /// The header to send (each browser caps it: Chromium 7200 s, Firefox 86400 s, WebKit 600 s).
    pub suggested_max_age: u64,
    /// Endpoints, most expensive first.
    pub endpoints: Vec<PreflightEndpoint>,
}

/// The whole summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Entries framed in the file.
    pub entries: u64,
    /// Cross-origin CORS requests analysed (one element each in `requests`).
    pub cross_origin_requests: u64,
    /// Same-origin requests (CORS does not apply).
    pub same_origin: u64,
    /// Navigations and no-cors subresources.
    pub not_cors: u64,
    /// CORS requests whose page origin could not be told (pass `--origin`).
    pub unknown_origin: u64,
    /// Preflights recorded.
    pub preflights: u64,
    /// Preflights with no matching request in the file.
    pub unpaired_preflights: u64,
    /// Requests allowed by every modelled browser.
    pub allowed: u64,
    /// Requests blocked by a CORS check in some modelled browser.
    pub blocked: u64,
    /// Requests the browser recorded as failed whose reason the HAR cannot show.
    pub unexplained: u64,
    /// Requests that failed below CORS (DNS, refused, TLS, aborted).
    pub network_errors: u64,
    /// Failures by kind over the whole file.
    pub failures_by_kind: BTreeMap<String, u64>,
    /// Skipped entries (malformed or too large).
    pub skipped: u64,
    /// Per API origin.
    pub origins: Vec<OriginSummary>,
    /// Preflight cost.
    pub preflight_cost: PreflightCost,
}

/// Builds the [`Summary`] as entries stream by.
#[derive(Debug, Default)]
pub struct SummaryBuilder {
    pub(crate) s: Summary,
    endpoints: HashMap<(String, String, String), EndpointSummary>,
    preflight_endpoints: HashMap<(String, String, String), PreflightEndpoint>,
    /// Per cache key (page origin, URL): last time a preflight was sent under each browser's cap.
    cache: HashMap<(String, String), [Option<f64>; 3]>,
    /// Skipped entries listed individually.
    pub skipped: Vec<Skipped>,
}

/// `/items/123/parts/9f8e…` → `/items/{id}/parts/{id}`, with the URL's origin.
pub fn path_template(url: &str) -> (String, String) {
    match Url::parse(url) {
        Ok(u) => template_of(&u),
        Err(_) => invalid_template(url),
    }
}

/// [`path_template`] of a parsed URL.
pub fn template_of(u: &Url) -> (String, String) {
    let origin = Origin::of_url(u).serialize();
    let mut path = String::with_capacity(u.path().len());
    for (i, seg) in u.path().split('/').enumerate() {
        if i > 0 {
            path.push('/');
        }
        path.push_str(if is_id(seg) { "{id}" } else { seg });
    }
    (origin, path)
}

/// [`path_template`] of a URL that does not parse.
pub fn invalid_template(url: &str) -> (String, String) {
    ("(invalid URL)".into(), url.chars().take(80).collect())
}

fn is_id(seg: &str) -> bool {
    let digits = seg.bytes().filter(u8::is_ascii_digit).count();
    let hex = seg.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    (!seg.is_empty() && digits == seg.len())
        || (seg.len() >= 16 && hex && digits > 0)
        || (seg.len() >= 20
            && digits >= 4
            && seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

const BROWSERS: [Engine; 3] = Engine::BROWSERS;

fn cap_of(engine: Engine) -> u64 {
    BrowserProfile::of(engine).max_age_cap.unwrap_or(86_400)
}

impl SummaryBuilder {
    /// Count an entry that is not analysed: `kind` is `same-origin`, `not-cors` or `unknown-origin`.
    pub fn other(&mut self, kind: &str) {
        match kind {
            "same-origin" => self.s.same_origin += 1,
            "unknown-origin" => self.s.unknown_origin += 1,
            _ => self.s.not_cors += 1,
        }
    }

    /// Record a skipped entry.
    pub fn skip(&mut self, skipped: Skipped) {
        self.s.skipped += 1;
        if self.skipped.len() < MAX_SKIPPED_LISTED {
            self.skipped.push(skipped);
        }
    }

    fn endpoint(&mut self, template: &(String, String), method: &str) -> &mut EndpointSummary {
        let (origin, path) = template.clone();
        let mut key = (origin, method.to_string(), path);
        if !self.endpoints.contains_key(&key) && self.endpoints.len() >= MAX_ENDPOINTS {
            key = (key.0, "*".into(), "(other)".into());
        }
        self.endpoints
            .entry(key.clone())
            .or_insert_with(|| EndpointSummary {
                method: key.1.clone(),
                path: key.2.clone(),
                ..EndpointSummary::default()
            })
    }

    /// Record an analysed request (its URL's [`path_template`]); `failure` is its failure kind,
    /// if it failed.
    pub fn request(
        &mut self,
        template: &(String, String),
        method: &str,
        preflighted: bool,
        failure: Option<&str>,
    ) {
        self.s.cross_origin_requests += 1;
        let ep = self.endpoint(template, method);
        ep.requests += 1;
        ep.preflights += u64::from(preflighted);
        if let Some(kind) = failure {
            ep.failures += 1;
            *ep.failures_by_kind.entry(kind.to_string()).or_default() += 1;
            *self.s.failures_by_kind.entry(kind.to_string()).or_default() += 1;
        }
    }

    /// Record a preflight (paired or not; `template` is its URL's [`path_template`]): its cost,
    /// and the Max-Age simulation.
    pub fn preflight(&mut self, p: &Entry, template: &(String, String), page_origin: &str, method: &str) {
        self.s.preflights += 1;
        let time = preflight_time(p);
        self.s.preflight_cost.preflights += 1;
        self.s.preflight_cost.time_ms += time;
        let (origin, path) = template.clone();
        let mut key = (origin.clone(), method.to_string(), path);
        if !self.preflight_endpoints.contains_key(&key) && self.preflight_endpoints.len() >= MAX_ENDPOINTS {
            key = (origin.clone(), "*".into(), "(other)".into());
        }
        let ep = self
            .preflight_endpoints
            .entry(key.clone())
            .or_insert_with(|| PreflightEndpoint {
                origin: key.0.clone(),
                method: key.1.clone(),
                path: key.2.clone(),
                savings: BROWSERS
                    .iter()
                    .map(|&b| {
                        (
                            b.name(),
                            Saving {
                                max_age_cap: cap_of(b),
                                ..Saving::default()
                            },
                        )
                    })
                    .collect(),
                ..PreflightEndpoint::default()
            });
        ep.preflights += 1;
        ep.time_ms += time;
        if ep.max_age.is_none() {
            ep.max_age = p
                .response_header("access-control-max-age")
                .map(|v| v.trim().to_string());
        }
        let Some(now) = p.started_ms else { return };
        if self.cache.len() >= MAX_CACHE_KEYS {
            self.cache.clear();
        }
        let last = self
            .cache
            .entry((page_origin.to_string(), p.url.clone()))
            .or_insert([None; 3]);
        for (i, &b) in BROWSERS.iter().enumerate() {
            let cap_ms = cap_of(b) as f64 * 1000.0;
            match last[i] {
                Some(t) if now >= t && now - t < cap_ms => {
                    let s = ep.savings.get_mut(b.name()).expect("browser");
                    s.preflights_saved += 1;
                    s.time_saved_ms += time;
                }
                _ => last[i] = Some(now),
            }
        }
    }

    /// Count a preflight no request claimed.
    pub fn unpaired_preflight(&mut self, p: &Entry, template: &(String, String)) {
        self.s.unpaired_preflights += 1;
        let method = p
            .request_header("access-control-request-method")
            .unwrap_or("OPTIONS")
            .trim()
            .to_string();
        let origin = p.request_header("origin").unwrap_or("").to_string();
        self.preflight(p, template, &origin, &method);
    }

    /// The finished summary.
    pub fn finish(mut self) -> (Summary, Vec<Skipped>) {
        let mut origins: BTreeMap<String, OriginSummary> = BTreeMap::new();
        for ((origin, _, _), ep) in self.endpoints {
            let o = origins.entry(origin.clone()).or_insert_with(|| OriginSummary {
                origin,
                ..OriginSummary::default()
            });
            o.requests += ep.requests;
            o.preflights += ep.preflights;
            o.failures += ep.failures;
            o.endpoints.push(ep);
        }
        let mut origins: Vec<OriginSummary> = origins.into_values().collect();
        for o in &mut origins {
            o.endpoints.sort_by(|a, b| {
                b.requests
                    .cmp(&a.requests)
                    .then_with(|| (&a.path, &a.method).cmp(&(&b.path, &b.method)))
            });
        }
        origins.sort_by(|a, b| b.requests.cmp(&a.requests).then_with(|| a.origin.cmp(&b.origin)));
        self.s.origins = origins;
        let cost = &mut self.s.preflight_cost;
        cost.suggested_max_age = 7200;
        cost.savings = BROWSERS
            .iter()
            .map(|&b| {
                (
                    b.name(),
                    Saving {
                        max_age_cap: cap_of(b),
                        ..Saving::default()
                    },
                )
            })
            .collect();
        let mut eps: Vec<PreflightEndpoint> = self.preflight_endpoints.into_values().collect();
        for ep in &eps {
            for (name, s) in &ep.savings {
                let total = cost.savings.get_mut(name).expect("browser");
                total.preflights_saved += s.preflights_saved;
                total.time_saved_ms += s.time_saved_ms;
            }
        }
        eps.sort_by(|a, b| {
            b.time_ms
                .total_cmp(&a.time_ms)
                .then_with(|| (&a.origin, &a.path).cmp(&(&b.origin, &b.path)))
        });
        round_ms(&mut cost.time_ms);
        for s in cost.savings.values_mut() {
            round_ms(&mut s.time_saved_ms);
        }
        for ep in &mut eps {
            round_ms(&mut ep.time_ms);
            for s in ep.savings.values_mut() {
                round_ms(&mut s.time_saved_ms);
            }
        }
        cost.endpoints = eps;
        (self.s, self.skipped)
    }
}

fn round_ms(v: &mut f64) {
    *v = (*v * 10.0).round() / 10.0;
}

/// A preflight's duration: `time`, else nothing (timings of unsent requests are -1).
fn preflight_time(p: &Entry) -> f64 {
    p.time_ms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_folded_in_endpoint_paths() {
        assert_eq!(path_template("https://api.test/items/123?x=1").1, "/items/{id}");
        assert_eq!(
            path_template("https://api.test/u/550e8400-e29b-41d4-a716-446655440000/p").1,
            "/u/{id}/p"
        );
        assert_eq!(path_template("https://api.test/items/list").1, "/items/list");
        assert_eq!(path_template("https://api.test:8443/").0, "https://api.test:8443");
    }
}

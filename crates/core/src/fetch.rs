//! The fetch driver (Fetch: "main fetch" → "HTTP fetch" → "CORS-preflight fetch" /
//! "HTTP-redirect fetch") as a state machine the caller interleaves with real I/O.
//!
//! Contract: [`Fetch::next`] says what to send next ([`Step::Send`]) or gives the verdict
//! ([`Step::Done`]); [`Fetch::observe`] feeds back the answer to the last request sent. The
//! driver decides CORS per hop (same-origin hops with basic tainting skip it), consults and
//! fills its preflight cache (time supplied by the caller), runs the CORS check on every
//! response of a CORS fetch (redirects included), follows redirects with taint and method
//! rewriting, and computes the exposed header names. It never performs I/O.

use crate::cache::{CacheQuery, PreflightCache};
use crate::check::cors_check_scanned;
use crate::classify::{
    classify_with, is_forbidden_method, is_forbidden_request_header, needs_preflight, normalize_method,
    unsafe_header_names, Classification,
};
use crate::exposure::{basic_header_names, exposed_names_scanned};
use crate::http::{first_invalid_header, CorsHeaders};
use crate::model::{
    CorsRequest, Credentials, Engine, ExchangeKind, Failure, FailureKind, HeaderList, ObservedResponse,
    Outcome, OutgoingRequest, RedirectMode, Stage, Verdict, Warning,
};
use crate::origin::{url_same_origin, Origin};
use crate::preflight::{build_preflight, evaluate_preflight, is_redirect_status, PreflightInput};
use crate::profile::BrowserProfile;
use crate::redirect::{follow, location_url, Hop, RedirectContext, RedirectDecision, REQUEST_BODY_HEADERS};
use serde::Serialize;
use std::sync::OnceLock;
use url::Url;

/// A transport failure (DNS, refused, TLS, timeout, protocol): the verdict's stage is
/// [`Stage::Network`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct NetworkError {
    /// What went wrong, in the transport's words.
    pub message: String,
}

/// What the driver wants next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Send this request and [`Fetch::observe`] the answer.
    Send(OutgoingRequest),
    /// The fetch is over.
    Done(Verdict),
}

/// What [`Fetch::advance`] left to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Send `sent.last()`.
    Send,
    /// The verdict is ready.
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Start,
    AwaitPreflight,
    Actual,
    AwaitActual,
    Done,
}

/// The request as it stands at the current hop.
#[derive(Debug, Clone)]
struct Current {
    url: Url,
    method: String,
    headers: HeaderList,
    with_body: bool,
}

/// Details of a failure being recorded.
struct Blocked {
    stage: Stage,
    kind: FailureKind,
    hint: Option<String>,
    status: Option<u16>,
    location: Option<String>,
}

/// One CORS fetch for one engine, driven step by step.
#[derive(Debug, Clone)]
pub struct Fetch {
    req: CorsRequest,
    profile: &'static BrowserProfile,
    /// Built on first request: its reasons' texts are for reports, not for the fetch itself.
    classification: OnceLock<Classification>,
    cross_origin: bool,
    cache: PreflightCache,
    now_s: f64,
    page: Origin,
    page_serialized: String,
    initial_url: String,
    cur: Option<Current>,
    unsafe_names: Vec<String>,
    tainted: bool,
    cors: bool,
    redirects: u32,
    preflighted: bool,
    phase: Phase,
    sent: Vec<OutgoingRequest>,
    warnings: Vec<Warning>,
    verdict: Option<Verdict>,
}

impl Fetch {
    /// A fetch with a fresh, empty preflight cache.
    pub fn new(req: CorsRequest, engine: Engine) -> Fetch {
        Fetch::with_cache(req, engine, &PreflightCache::new(), 0.0)
    }

    /// A fetch that starts from `cache` (a copy) at time `now_s` (the caller's clock).
    pub fn with_cache(req: CorsRequest, engine: Engine, cache: &PreflightCache, now_s: f64) -> Fetch {
        let profile = BrowserProfile::of(engine);
        let page = Origin::parse(&req.origin).unwrap_or(Origin::Opaque);
        let parsed = Url::parse(&req.url).ok();
        let cross_origin = parsed.as_ref().is_none_or(|u| !url_same_origin(u, &page));
        // What `classify_with` computes, without the reasons' texts.
        let method = normalize_method(&req.method);
        let unsafe_names = if cross_origin {
            unsafe_header_names(&req.headers, profile)
        } else {
            Vec::new()
        };
        let cur = parsed.map(|url| Current {
            url,
            method,
            headers: req
                .headers
                .iter()
                .filter(|(n, v)| !is_forbidden_request_header(n, v))
                .cloned()
                .collect(),
            with_body: false,
        });
        let mut fetch = Fetch {
            initial_url: cur
                .as_ref()
                .map_or_else(|| req.url.clone(), |c| c.url.as_str().to_owned()),
            unsafe_names,
            profile,
            classification: OnceLock::new(),
            cross_origin,
            cache: cache.clone(),
            now_s,
            page_serialized: page.serialize(),
            page,
            cur,
            tainted: false,
            cors: false,
            redirects: 0,
            preflighted: false,
            phase: Phase::Start,
            sent: Vec::new(),
            warnings: Vec::new(),
            verdict: None,
            req,
        };
        fetch.reject_invalid_request();
        fetch
    }

    /// Marks the request body as present (it goes with the actual request until a redirect
    /// rewrites the method).
    pub fn with_body(mut self, with_body: bool) -> Fetch {
        if let Some(cur) = self.cur.as_mut() {
            cur.with_body = with_body;
        }
        self
    }

    /// The preflight decision for the request as the script made it.
    pub fn classification(&self) -> &Classification {
        self.classification
            .get_or_init(|| classify_with(&self.req, self.profile, self.cross_origin))
    }

    /// The preflight cache as it stands (updated by successful preflights).
    pub fn cache(&self) -> &PreflightCache {
        &self.cache
    }

    /// What to send next, or the verdict.
    // Not an Iterator: the caller must `observe` between steps, and `Done` repeats.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Step {
        match self.advance() {
            Next::Send => Step::Send(self.sent.last().expect("a request to send").clone()),
            Next::Done => self.done_step(),
        }
    }

    /// [`Fetch::next`] without copies: on [`Next::Send`] the request is `self.sent.last()`.
    fn advance(&mut self) -> Next {
        match self.phase {
            Phase::Start => self.begin_hop(),
            Phase::Actual => self.send_actual(),
            Phase::AwaitPreflight | Phase::AwaitActual if !self.sent.is_empty() => Next::Send,
            Phase::AwaitPreflight | Phase::AwaitActual | Phase::Done => Next::Done,
        }
    }

    /// The answer to the last [`Step::Send`].
    pub fn observe(&mut self, response: Result<ObservedResponse, NetworkError>) {
        let phase = self.phase;
        match (phase, response) {
            (Phase::AwaitPreflight | Phase::AwaitActual, Err(e)) => self.block(Blocked {
                stage: Stage::Network,
                kind: FailureKind::Network,
                hint: Some(e.message),
                status: None,
                location: None,
            }),
            (Phase::AwaitPreflight, Ok(resp)) => self.on_preflight(&resp),
            (Phase::AwaitActual, Ok(resp)) => self.on_actual(&resp),
            _ => {}
        }
    }

    /// The caller declined to send the pending actual request: everything known so far, with
    /// [`Outcome::Incomplete`].
    pub fn stop_incomplete(mut self) -> Verdict {
        if let Some(v) = self.verdict.take() {
            return v;
        }
        if self.phase == Phase::AwaitActual {
            self.sent.pop();
        }
        Verdict {
            engine: self.profile.engine,
            outcome: Outcome::Incomplete,
            failure: None,
            exposed_headers: Vec::new(),
            status: None,
            response_type: None,
            sent: self.sent,
            warnings: self.warnings,
        }
    }

    // ---- steps ----------------------------------------------------------------------------

    fn reject_invalid_request(&mut self) {
        let hint = if self.cur.is_none() {
            Some(format!("invalid URL: {}", self.req.url))
        } else if is_forbidden_method(&self.req.method) {
            Some(format!("forbidden method: {}", self.req.method))
        } else {
            None
        };
        if let Some(hint) = hint {
            self.block(Blocked {
                stage: Stage::Actual,
                kind: FailureKind::RequestRejected,
                hint: Some(hint),
                status: None,
                location: None,
            });
        }
    }

    fn current(&self) -> &Current {
        self.cur.as_ref().expect("a request with a URL")
    }

    fn begin_hop(&mut self) -> Next {
        let url = &self.current().url;
        if url.scheme() == "data" {
            // Fetch "scheme fetch": a data: URL involves no network and no CORS.
            let resp = data_url_response(url);
            self.allow(200, &resp);
            return Next::Done;
        }
        if !self.cors && url_same_origin(url, &self.page) {
            return self.send_actual();
        }
        if !matches!(url.scheme(), "http" | "https") {
            self.block(Blocked {
                stage: Stage::Actual,
                kind: FailureKind::CorsDisabledScheme,
                hint: Some(url.scheme().to_owned()),
                status: None,
                location: None,
            });
            return Next::Done;
        }
        self.cors = true;
        if self.redirects > 0 {
            self.unsafe_names = unsafe_header_names(&self.current().headers, self.profile);
        }
        if self.preflight_needed() {
            return self.send_preflight();
        }
        self.send_actual()
    }

    fn preflight_needed(&mut self) -> bool {
        if self.redirects > 0 && self.preflighted && self.profile.repreflight_after_redirect {
            return true;
        }
        let cur = self.cur.as_ref().expect("a request with a URL");
        if !needs_preflight(&cur.method, &self.unsafe_names, self.req.use_cors_preflight) {
            return false;
        }
        // "A preflighted request": one that needed a preflight, sent or served by the cache.
        self.preflighted = true;
        let cur = self.current();
        let q = CacheQuery {
            origin: self.preflight_origin(),
            url: cur.url.as_str(),
            include: self.include(),
        };
        !self.cache.satisfies(
            &q,
            &cur.method,
            &self.unsafe_names,
            self.req.use_cors_preflight,
            self.now_s,
        )
    }

    fn send_preflight(&mut self) -> Next {
        let cur = self.current();
        let request = build_preflight(
            cur.url.as_str(),
            &cur.method,
            self.preflight_origin(),
            &self.unsafe_names,
        );
        self.sent.push(request);
        self.phase = Phase::AwaitPreflight;
        Next::Send
    }

    fn send_actual(&mut self) -> Next {
        let request = self.actual_request();
        self.sent.push(request);
        self.phase = Phase::AwaitActual;
        Next::Send
    }

    fn actual_request(&self) -> OutgoingRequest {
        let cur = self.current();
        let mut headers: HeaderList = Vec::with_capacity(cur.headers.len() + 1);
        if self.cors || !matches!(cur.method.as_str(), "GET" | "HEAD") {
            headers.push(("Origin".to_owned(), self.origin_serialized().to_owned()));
        }
        headers.extend(cur.headers.iter().cloned());
        OutgoingRequest {
            kind: ExchangeKind::Actual,
            method: cur.method.clone(),
            url: cur.url.as_str().to_owned(),
            headers,
            include_credentials: self.credentials_sent(),
            with_body: cur.with_body,
        }
    }

    fn on_preflight(&mut self, resp: &ObservedResponse) {
        let status = Some(resp.status);
        let blocked = |kind, hint| Blocked {
            stage: Stage::Preflight,
            kind,
            hint,
            status,
            location: None,
        };
        if let Some(name) = first_invalid_header(&resp.headers) {
            return self.block(blocked(FailureKind::InvalidResponseHeader, Some(name.to_owned())));
        }
        if let (407, Some(net)) = (resp.status, self.profile.preflight_407_net_error) {
            return self.block(blocked(FailureKind::Network, Some(net.to_owned())));
        }
        let include = self.include();
        let origin = if self.profile.preflight_keeps_page_origin || !self.tainted {
            self.page_serialized.as_str()
        } else {
            "null"
        };
        let cur = self.cur.as_ref().expect("a request with a URL");
        let input = PreflightInput {
            method: &cur.method,
            request_headers: &cur.headers,
            unsafe_names: &self.unsafe_names,
            origin,
            include,
            use_cors_preflight: self.req.use_cors_preflight,
            url: cur.url.as_str(),
        };
        match evaluate_preflight(resp, &input, self.profile) {
            Err(f) => {
                self.cache.clear(origin, cur.url.as_str());
                self.block(blocked(f.kind, f.hint));
            }
            Ok(mut result) => {
                let q = CacheQuery {
                    origin,
                    url: cur.url.as_str(),
                    include,
                };
                self.warnings.append(&mut result.warnings);
                self.cache.store_owned(&q, result, self.now_s, self.profile);
                self.phase = Phase::Actual;
            }
        }
    }

    fn on_actual(&mut self, resp: &ObservedResponse) {
        let location = is_redirect_status(resp.status)
            .then(|| {
                location_url(
                    &resp.headers,
                    &self.current().url,
                    self.profile.empty_location_is_absent,
                )
            })
            .flatten();
        let location_text = location.as_ref().map(|l| {
            l.as_ref()
                .map_or_else(|raw| raw.clone(), |u| u.as_str().to_owned())
        });
        let stage = if location.is_some() {
            Stage::Redirect
        } else {
            Stage::Actual
        };
        let blocked = |kind, hint| Blocked {
            stage,
            kind,
            hint,
            status: Some(resp.status),
            location: location_text.clone(),
        };
        if let Some(name) = first_invalid_header(&resp.headers) {
            return self.block(blocked(FailureKind::InvalidResponseHeader, Some(name.to_owned())));
        }
        // One scan serves the CORS check and the exposed names.
        let scanned = CorsHeaders::scan(&resp.headers);
        if self.cors {
            if let Err(f) =
                cors_check_scanned(&scanned, self.origin_serialized(), self.include(), self.profile)
            {
                return self.block(blocked(f.kind, f.hint));
            }
        }
        if location.is_none() {
            return self.allow_scanned(resp.status, &scanned);
        }
        match self.req.redirect {
            RedirectMode::Error => self.block(blocked(FailureKind::RedirectModeError, None)),
            RedirectMode::Manual => self.finish(
                Outcome::Allowed,
                None,
                Vec::new(),
                Some(0),
                Some("opaqueredirect"),
            ),
            RedirectMode::Follow => self.on_redirect(resp, blocked),
        }
    }

    fn on_redirect(
        &mut self,
        resp: &ObservedResponse,
        blocked: impl Fn(FailureKind, Option<String>) -> Blocked,
    ) {
        let cur = self.current();
        let ctx = RedirectContext {
            current: &cur.url,
            origin: &self.page,
            method: &cur.method,
            cors_tainting: self.cors,
            redirect_count: self.redirects,
            empty_location_is_absent: self.profile.empty_location_is_absent,
        };
        match follow(resp.status, &resp.headers, &ctx) {
            RedirectDecision::Deliver => self.allow(resp.status, resp),
            RedirectDecision::Fail(f) => self.block(blocked(f.kind, f.hint)),
            RedirectDecision::Follow(hop) => self.apply_hop(hop),
        }
    }

    fn apply_hop(&mut self, hop: Hop) {
        self.tainted |= hop.taints;
        self.redirects += 1;
        self.phase = Phase::Start;
        let cur = self.cur.as_mut().expect("a request with a URL");
        if hop.drop_body {
            cur.with_body = false;
            cur.headers
                .retain(|(n, _)| !REQUEST_BODY_HEADERS.iter().any(|b| b.eq_ignore_ascii_case(n)));
        }
        if hop.drop_authorization {
            cur.headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
        }
        cur.method = hop.method;
        cur.url = hop.url;
    }

    // ---- verdicts -------------------------------------------------------------------------

    fn allow(&mut self, status: u16, resp: &ObservedResponse) {
        self.allow_scanned(status, &CorsHeaders::scan(&resp.headers));
    }

    /// [`Fetch::allow`] with the response's CORS headers already found.
    fn allow_scanned(&mut self, status: u16, headers: &CorsHeaders<'_>) {
        let (exposed, kind) = if self.cors {
            (exposed_names_scanned(headers, self.include()), "cors")
        } else {
            (basic_header_names(headers.headers()), "basic")
        };
        self.finish(Outcome::Allowed, None, exposed, Some(status), Some(kind));
    }

    fn block(&mut self, b: Blocked) {
        let origin = if self.profile.message_names_page_origin {
            &self.page_serialized
        } else if b.stage == Stage::Preflight {
            self.preflight_origin()
        } else {
            self.origin_serialized()
        }
        .to_owned();
        let (url, method) = match &self.cur {
            Some(c) => (c.url.as_str().to_owned(), c.method.clone()),
            None => (self.req.url.clone(), self.req.method.clone()),
        };
        let failure = Failure {
            engine: self.profile.engine,
            stage: b.stage,
            kind: b.kind,
            hint: b.hint,
            url,
            initial_url: self.initial_url.clone(),
            origin,
            status: b.status,
            initiator: self.req.initiator,
            method,
            redirect_location: b.location,
        };
        self.finish(Outcome::Blocked, Some(failure), Vec::new(), None, None);
    }

    fn finish(
        &mut self,
        outcome: Outcome,
        failure: Option<Failure>,
        exposed: Vec<String>,
        status: Option<u16>,
        kind: Option<&str>,
    ) {
        self.phase = Phase::Done;
        self.verdict = Some(Verdict {
            engine: self.profile.engine,
            outcome,
            failure,
            exposed_headers: exposed,
            status,
            response_type: kind.map(str::to_owned),
            sent: std::mem::take(&mut self.sent),
            warnings: std::mem::take(&mut self.warnings),
        });
    }

    fn done_step(&self) -> Step {
        Step::Done(self.verdict.clone().expect("a finished fetch has a verdict"))
    }

    // ---- request state --------------------------------------------------------------------

    fn include(&self) -> bool {
        self.req.credentials == Credentials::Include
    }

    fn credentials_sent(&self) -> bool {
        match self.req.credentials {
            Credentials::Include => true,
            Credentials::SameOrigin => !self.cors,
            Credentials::Omit => false,
        }
    }

    /// Fetch "serializing a request origin": `null` once redirect-tainted.
    fn origin_serialized(&self) -> &str {
        if self.tainted {
            "null"
        } else {
            &self.page_serialized
        }
    }

    fn preflight_origin(&self) -> &str {
        if self.profile.preflight_keeps_page_origin {
            &self.page_serialized
        } else {
            self.origin_serialized()
        }
    }
}

/// The response of a `data:` URL (Fetch "data: URL processor"): 200 with the MIME type.
fn data_url_response(url: &Url) -> ObservedResponse {
    let path = url.path();
    let mime = path
        .split_once(',')
        .map_or("", |(m, _)| m)
        .trim_end_matches(";base64")
        .trim();
    let mime = if mime.is_empty() || mime.starts_with(';') {
        "text/plain;charset=US-ASCII"
    } else {
        mime
    };
    ObservedResponse {
        status: 200,
        status_text: "OK".to_owned(),
        headers: vec![("Content-Type".to_owned(), mime.to_owned())],
    }
}

/// Runs a whole fetch against `responder` (a fresh cache).
pub fn evaluate(
    req: CorsRequest,
    engine: Engine,
    mut responder: impl FnMut(&OutgoingRequest) -> Result<ObservedResponse, NetworkError>,
) -> Verdict {
    let mut fetch = Fetch::new(req, engine);
    loop {
        match fetch.advance() {
            Next::Send => {
                let response = responder(fetch.sent.last().expect("a request to send"));
                fetch.observe(response);
            }
            Next::Done => {
                return fetch.verdict.take().expect("a finished fetch has a verdict");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Initiator, RedirectMode};

    fn req(method: &str, url: &str, headers: &[(&str, &str)], credentials: Credentials) -> CorsRequest {
        CorsRequest {
            url: url.into(),
            origin: "http://web.test".into(),
            method: method.into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            credentials,
            redirect: RedirectMode::Follow,
            initiator: Initiator::Fetch,
            use_cors_preflight: false,
        }
    }

    fn resp(status: u16, lines: &[(&str, &str)]) -> Result<ObservedResponse, NetworkError> {
        Ok(ObservedResponse {
            status,
            status_text: String::new(),
            headers: lines
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        })
    }

    #[test]
    fn preflight_then_actual() {
        let r = req("PUT", "http://api.test/x", &[("X-A", "1")], Credentials::Omit);
        let v = evaluate(r, Engine::Spec, |o| match o.kind {
            ExchangeKind::Preflight => resp(
                204,
                &[
                    ("Access-Control-Allow-Origin", "*"),
                    ("Access-Control-Allow-Methods", "PUT"),
                    ("Access-Control-Allow-Headers", "x-a"),
                ],
            ),
            ExchangeKind::Actual => resp(
                200,
                &[
                    ("Access-Control-Allow-Origin", "*"),
                    ("X-Hidden", "1"),
                    ("Content-Type", "a/b"),
                ],
            ),
        });
        assert_eq!(v.outcome, Outcome::Allowed);
        assert_eq!(v.sent.len(), 2);
        assert_eq!(v.exposed_headers, ["content-type"]);
        assert_eq!(v.response_type.as_deref(), Some("cors"));
    }

    #[test]
    fn same_origin_is_not_cors() {
        let r = req(
            "PUT",
            "http://web.test/x",
            &[("X-A", "1")],
            Credentials::SameOrigin,
        );
        let v = evaluate(r, Engine::Chromium, |_| {
            resp(200, &[("X-A", "1"), ("Set-Cookie", "a=b")])
        });
        assert_eq!(v.outcome, Outcome::Allowed);
        assert_eq!(v.sent.len(), 1);
        assert!(v.sent[0].include_credentials);
        assert_eq!(v.exposed_headers, ["x-a"]);
        assert_eq!(v.response_type.as_deref(), Some("basic"));
    }

    #[test]
    fn redirect_taints_and_blocks() {
        let r = req("GET", "http://api.test/a", &[], Credentials::Omit);
        let v = evaluate(r, Engine::Chromium, |o| {
            if o.url.ends_with("/a") {
                resp(
                    302,
                    &[
                        ("Access-Control-Allow-Origin", "*"),
                        ("Location", "http://other.test/b"),
                    ],
                )
            } else {
                resp(200, &[("Access-Control-Allow-Origin", "http://web.test")])
            }
        });
        let f = v.failure.unwrap();
        // The wire carries `Origin: null`; Chromium's message still names the page's origin.
        assert_eq!(
            (f.stage, f.kind, f.origin.as_str()),
            (Stage::Actual, FailureKind::AllowOriginMismatch, "http://web.test")
        );
        assert_eq!(v.sent[1].headers[0], ("Origin".to_owned(), "null".to_owned()));
        assert_eq!(f.initial_url, "http://api.test/a");
    }

    /// A preflighted request redirected to a tainting origin: who preflights where, with
    /// which Origin.
    #[test]
    fn preflight_after_redirect_per_engine() {
        let answer = |o: &OutgoingRequest| match (o.kind, o.url.ends_with("/a")) {
            (ExchangeKind::Preflight, _) => resp(
                204,
                &[
                    ("Access-Control-Allow-Origin", "*"),
                    ("Access-Control-Allow-Headers", "x-a"),
                ],
            ),
            (ExchangeKind::Actual, true) => resp(
                307,
                &[
                    ("Access-Control-Allow-Origin", "*"),
                    ("Location", "http://other.test/b"),
                ],
            ),
            (ExchangeKind::Actual, false) => resp(200, &[("Access-Control-Allow-Origin", "*")]),
        };
        let r = req("GET", "http://api.test/a", &[("X-A", "1")], Credentials::Omit);
        for (engine, origin_on_second_preflight) in [
            (Engine::Spec, "null"),
            (Engine::Chromium, "null"),
            (Engine::Firefox, "http://web.test"),
        ] {
            let v = evaluate(r.clone(), engine, answer);
            let kinds: Vec<_> = v.sent.iter().map(|s| s.kind).collect();
            use ExchangeKind::*;
            assert_eq!(kinds, [Preflight, Actual, Preflight, Actual], "{engine:?}");
            assert_eq!(v.sent[2].headers[0].1, origin_on_second_preflight, "{engine:?}");
            assert_eq!(v.sent[3].headers[0].1, "null", "{engine:?}");
        }
        // Chromium preflights again even when the new hop no longer needs one.
        let post = req(
            "POST",
            "http://api.test/a",
            &[("Content-Type", "application/json")],
            Credentials::Omit,
        );
        let answer303 = |o: &OutgoingRequest| match (o.kind, o.url.ends_with("/a")) {
            (ExchangeKind::Preflight, _) => resp(
                204,
                &[
                    ("Access-Control-Allow-Origin", "*"),
                    ("Access-Control-Allow-Headers", "content-type"),
                ],
            ),
            (ExchangeKind::Actual, true) => {
                resp(303, &[("Access-Control-Allow-Origin", "*"), ("Location", "/b")])
            }
            (ExchangeKind::Actual, false) => resp(200, &[("Access-Control-Allow-Origin", "*")]),
        };
        let spec = evaluate(post.clone(), Engine::Spec, answer303);
        let chromium = evaluate(post, Engine::Chromium, answer303);
        assert_eq!((spec.sent.len(), chromium.sent.len()), (3, 4));
        assert_eq!(spec.sent[2].method, "GET");
    }

    #[test]
    fn redirect_modes_and_limits() {
        let acao = ("Access-Control-Allow-Origin", "*");
        // (redirect mode, Location, want outcome, want failure, want status, want type)
        let cases = [
            (
                RedirectMode::Manual,
                "/b",
                Outcome::Allowed,
                None,
                Some(0),
                Some("opaqueredirect"),
            ),
            (
                RedirectMode::Error,
                "/b",
                Outcome::Blocked,
                Some(FailureKind::RedirectModeError),
                None,
                None,
            ),
            (
                RedirectMode::Follow,
                "/loop",
                Outcome::Blocked,
                Some(FailureKind::TooManyRedirects),
                None,
                None,
            ),
            (
                RedirectMode::Follow,
                "http://u:p@api.test/b",
                Outcome::Blocked,
                Some(FailureKind::RedirectContainsCredentials),
                None,
                None,
            ),
            (
                RedirectMode::Follow,
                "ftp://api.test/b",
                Outcome::Blocked,
                Some(FailureKind::RedirectUnsafeScheme),
                None,
                None,
            ),
        ];
        for (mode, location, outcome, kind, status, rtype) in cases {
            let r = CorsRequest {
                redirect: mode,
                ..req("GET", "http://api.test/loop", &[], Credentials::Omit)
            };
            let v = evaluate(r, Engine::Spec, |_| resp(302, &[acao, ("Location", location)]));
            assert_eq!(v.outcome, outcome, "{mode:?} {location}");
            assert_eq!(v.failure.as_ref().map(|f| f.kind), kind, "{mode:?} {location}");
            assert_eq!(
                v.failure.as_ref().map_or(Stage::Redirect, |f| f.stage),
                Stage::Redirect
            );
            assert_eq!(
                (v.status, v.response_type.as_deref()),
                (status, rtype),
                "{mode:?} {location}"
            );
        }
        // 20 redirects are followed, the 21st fails; an ACAO-less 3xx fails even in manual mode.
        let r = req("GET", "http://api.test/loop", &[], Credentials::Omit);
        let v = evaluate(r.clone(), Engine::Spec, |_| {
            resp(302, &[acao, ("Location", "/loop")])
        });
        assert_eq!(v.sent.len(), 21);
        let manual = CorsRequest {
            redirect: RedirectMode::Manual,
            ..r
        };
        let v = evaluate(manual, Engine::Spec, |_| resp(302, &[("Location", "/b")]));
        assert_eq!(v.failure.unwrap().kind, FailureKind::MissingAllowOrigin);
    }

    #[test]
    fn redirect_rewrites_method_and_drops_headers() {
        let r = req(
            "POST",
            "http://api.test/a",
            &[("Content-Type", "text/plain"), ("Authorization", "x")],
            Credentials::Omit,
        );
        let v = evaluate(r, Engine::Spec, |o| match (o.kind, o.url.ends_with("/a")) {
            (ExchangeKind::Preflight, _) => resp(
                200,
                &[
                    ("Access-Control-Allow-Origin", "*"),
                    ("Access-Control-Allow-Headers", "authorization"),
                ],
            ),
            (_, true) => resp(
                301,
                &[
                    ("Access-Control-Allow-Origin", "*"),
                    ("Location", "http://api2.test/b"),
                ],
            ),
            _ => resp(200, &[("Access-Control-Allow-Origin", "*")]),
        });
        assert_eq!(v.outcome, Outcome::Allowed);
        let last = v.sent.last().unwrap();
        assert_eq!(last.method, "GET");
        assert!(
            !last
                .headers
                .iter()
                .any(|(n, _)| n == "Content-Type" || n == "Authorization"),
            "{:?}",
            last.headers
        );
    }

    #[test]
    fn stop_incomplete_drops_the_unsent_request() {
        let r = req("DELETE", "http://api.test/x", &[], Credentials::Omit);
        let mut f = Fetch::new(r, Engine::Spec);
        assert!(matches!(f.next(), Step::Send(ref o) if o.kind == ExchangeKind::Preflight));
        f.observe(resp(
            200,
            &[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Methods", "DELETE"),
            ],
        ));
        assert!(matches!(f.next(), Step::Send(ref o) if o.kind == ExchangeKind::Actual));
        let v = f.stop_incomplete();
        assert_eq!(v.outcome, Outcome::Incomplete);
        assert_eq!(v.sent.len(), 1);
    }

    #[test]
    fn network_error_and_rejection() {
        let r = req("GET", "http://api.test/x", &[], Credentials::Omit);
        let v = evaluate(r, Engine::Spec, |_| {
            Err(NetworkError {
                message: "refused".into(),
            })
        });
        assert_eq!(v.failure.unwrap().stage, Stage::Network);
        let r = req("TRACE", "http://api.test/x", &[], Credentials::Omit);
        let v = evaluate(r, Engine::Spec, |_| unreachable!());
        assert_eq!(v.failure.unwrap().kind, FailureKind::RequestRejected);
    }

    #[test]
    fn cache_hit_skips_preflight() {
        let r = req("PUT", "http://api.test/x", &[], Credentials::Omit);
        let mut f = Fetch::new(r.clone(), Engine::Spec);
        let Step::Send(_) = f.next() else { panic!() };
        f.observe(resp(
            200,
            &[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Methods", "PUT"),
            ],
        ));
        let Step::Send(_) = f.next() else { panic!() };
        f.observe(resp(200, &[("Access-Control-Allow-Origin", "*")]));
        let mut g = Fetch::with_cache(r, Engine::Spec, f.cache(), 1.0);
        assert!(matches!(g.next(), Step::Send(ref o) if o.kind == ExchangeKind::Actual));
    }
}

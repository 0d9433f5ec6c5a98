//! Drive each browser's Fetch state machine against the real server.
//!
//! The core decides what to send; this module adds what the browser's network stack adds
//! (Sec-Fetch-*, Referer, User-Agent, cookies to the named origin only), sends each distinct request
//! once (browsers that would send the same bytes share one exchange), and records every exchange.
//! It never sends a state-changing actual request unless `--send-actual` was given.

use std::time::Duration;

use cors_doctor_core::diagnosis::{Role, ORIGIN_PROBE};
use cors_doctor_core::fetch::{Fetch, NetworkError, Step};
use cors_doctor_core::origin::Origin;
use cors_doctor_core::preflight::build_preflight;
use cors_doctor_core::{Credentials, Engine, ExchangeKind, ObservedResponse, OutgoingRequest, Verdict};

use super::config::CheckConfig;
use crate::net::{Transport, TransportError, WireRequest, WireResponse};

/// One request sent and what came back.
#[derive(Debug, Clone)]
pub(crate) struct Exchange {
    /// Preflight, actual or probe.
    pub(crate) role: Role,
    /// What the engine asked for.
    pub(crate) outgoing: OutgoingRequest,
    /// Exactly what went on the wire (engine headers plus the browser's own).
    pub(crate) wire_headers: Vec<(String, String)>,
    /// The response, or the transport failure.
    pub(crate) result: Result<WireResponse, TransportError>,
}

impl Exchange {
    /// The response as the core sees it.
    pub(crate) fn observed(&self) -> Option<ObservedResponse> {
        self.result.as_ref().ok().map(|r| ObservedResponse {
            status: r.status,
            status_text: r.reason.clone(),
            headers: r.headers.clone(),
        })
    }

    /// Time to the last byte, if answered.
    pub(crate) fn elapsed(&self) -> Option<Duration> {
        self.result.as_ref().ok().map(|r| r.elapsed)
    }
}

/// The result of driving every requested engine.
#[derive(Debug)]
pub(crate) struct Driven {
    /// Distinct exchanges in the order first sent.
    pub(crate) exchanges: Vec<Exchange>,
    /// One verdict per engine, in the requested order.
    pub(crate) verdicts: Vec<Verdict>,
}

/// Run every engine, sharing identical exchanges, then probe for origin reflection when relevant.
pub(crate) fn drive(cfg: &CheckConfig, transport: &mut dyn Transport) -> Driven {
    let mut sender = Sender {
        cfg,
        transport,
        exchanges: Vec::new(),
    };
    let verdicts = cfg
        .engines
        .iter()
        .map(|&engine| sender.run_engine(engine))
        .collect();
    sender.probe_reflection();
    Driven {
        exchanges: sender.exchanges,
        verdicts,
    }
}

struct Sender<'a> {
    cfg: &'a CheckConfig,
    transport: &'a mut dyn Transport,
    exchanges: Vec<Exchange>,
}

impl Sender<'_> {
    fn run_engine(&mut self, engine: Engine) -> Verdict {
        let mut fetch = Fetch::new(self.cfg.request.clone(), engine);
        loop {
            match fetch.next() {
                Step::Done(verdict) => return verdict,
                Step::Send(out) if !self.may_send(&out) => return fetch.stop_incomplete(),
                Step::Send(out) => {
                    let role = role_of(&out);
                    let index = self.send(role, out);
                    fetch.observe(self.observation(index));
                }
            }
        }
    }

    /// Preflights and GET/HEAD are always safe; anything else needs `--send-actual`.
    fn may_send(&self, out: &OutgoingRequest) -> bool {
        out.kind == ExchangeKind::Preflight
            || self.cfg.send_actual
            || matches!(out.method.as_str(), "GET" | "HEAD")
    }

    fn observation(&self, index: usize) -> Result<ObservedResponse, NetworkError> {
        let exchange = &self.exchanges[index];
        exchange.observed().ok_or_else(|| NetworkError {
            message: exchange
                .result
                .as_ref()
                .err()
                .map(ToString::to_string)
                .unwrap_or_default(),
        })
    }

    /// Send `out` unless an identical request was already sent; return its exchange index.
    fn send(&mut self, role: Role, out: OutgoingRequest) -> usize {
        if let Some(i) = self
            .exchanges
            .iter()
            .position(|e| e.outgoing == out && e.role == role)
        {
            return i;
        }
        let wire = self.wire_request(&out);
        let result = self.transport.send(&wire);
        self.exchanges.push(Exchange {
            role,
            outgoing: out,
            wire_headers: wire.headers,
            result,
        });
        self.exchanges.len() - 1
    }

    fn wire_request(&self, out: &OutgoingRequest) -> WireRequest {
        let url = url::Url::parse(&out.url).expect("the core only emits absolute URLs it parsed");
        let mut headers = out.headers.clone();
        add_browser_headers(&mut headers, &self.cfg.request.origin, &url);
        if let Some(cookie) = self.cookie_for(out, &url) {
            headers.push(("Cookie".into(), cookie));
        }
        let body = out.with_body.then(|| self.cfg.body.clone()).flatten();
        WireRequest {
            method: out.method.clone(),
            url,
            headers,
            body,
        }
    }

    /// The user's cookie goes only with credentialed requests to the origin they named.
    fn cookie_for(&self, out: &OutgoingRequest, url: &url::Url) -> Option<String> {
        let cookie = self.cfg.cookie.clone()?;
        let named = url::Url::parse(&self.cfg.request.url).ok()?.origin();
        (out.include_credentials && url.origin() == named).then_some(cookie)
    }

    /// When the server echoed the page's origin, ask once more with a foreign origin: a server
    /// that reflects any origin is a finding. The probe repeats the first request when that was a
    /// preflight or a GET/HEAD; anything else is probed with a preflight, so a state-changing
    /// request is never sent twice.
    fn probe_reflection(&mut self) {
        let origin = &self.cfg.request.origin;
        let echoed = self.exchanges.iter().any(|e| {
            e.result.as_ref().is_ok_and(|r| {
                cors_doctor_core::http::values(&r.headers, "access-control-allow-origin").any(|v| v == origin)
            })
        });
        let Some(first) = self.exchanges.first().map(|e| e.outgoing.clone()) else {
            return;
        };
        if !echoed || origin == "null" {
            return;
        }
        let probe = probe_request(first);
        self.send(Role::Probe, probe);
    }
}

fn role_of(out: &OutgoingRequest) -> Role {
    match out.kind {
        ExchangeKind::Preflight => Role::Preflight,
        ExchangeKind::Actual => Role::Actual,
    }
}

/// The first request again from a foreign origin, or its preflight when it may change state.
fn probe_request(mut out: OutgoingRequest) -> OutgoingRequest {
    let safe = out.kind == ExchangeKind::Preflight || matches!(out.method.as_str(), "GET" | "HEAD");
    if !safe {
        return build_preflight(&out.url, &out.method, ORIGIN_PROBE, &[]);
    }
    out.with_body = false;
    for (name, value) in &mut out.headers {
        if name.eq_ignore_ascii_case("origin") {
            *value = ORIGIN_PROBE.to_string();
        }
    }
    out.include_credentials = false;
    out
}

/// What Chromium's network stack adds to every CORS request: fetch metadata, the default
/// referrer (strict-origin-when-cross-origin → the page's origin), and `Accept: */*` for fetch().
fn add_browser_headers(headers: &mut Vec<(String, String)>, origin: &str, url: &url::Url) {
    let has = |h: &[(String, String)], n: &str| h.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
    if !has(headers, "accept") {
        headers.push(("Accept".into(), "*/*".into()));
    }
    headers.push(("Sec-Fetch-Mode".into(), "cors".into()));
    headers.push(("Sec-Fetch-Site".into(), fetch_site(origin, url).into()));
    headers.push(("Sec-Fetch-Dest".into(), "empty".into()));
    if let Some(referer) = referer(origin, url) {
        headers.push(("Referer".into(), referer));
    }
}

fn fetch_site(origin: &str, url: &url::Url) -> &'static str {
    let Ok(page) = Origin::parse(origin) else {
        return "cross-site";
    };
    let target = Origin::of_url(url);
    if page.same_origin(&target) {
        "same-origin"
    } else if page.same_site(&target) {
        "same-site"
    } else {
        "cross-site"
    }
}

/// strict-origin-when-cross-origin: the page's origin, except on an https → http downgrade.
fn referer(origin: &str, url: &url::Url) -> Option<String> {
    let page = url::Url::parse(origin).ok()?;
    if page.scheme() == "https" && url.scheme() == "http" {
        return None;
    }
    Some(format!("{origin}/"))
}

/// Credentials mode as a word for reports.
pub(crate) fn credentials_name(c: Credentials) -> &'static str {
    match c {
        Credentials::Omit => "omit",
        Credentials::SameOrigin => "same-origin",
        Credentials::Include => "include",
    }
}

//! The streaming analysis: entries go in one at a time; each cross-origin CORS request comes out
//! as an [`Analyzed`] with one verdict per modelled browser, findings, evidence and a fix.
//!
//! Pairing needs a little look-around (Chrome records a preflight *after* the request that caused
//! it; redirect hops follow their first request), so entries wait in a window of [`WINDOW`]
//! entries; preflights that leave it unclaimed wait in a second bounded queue. Memory is therefore
//! bounded by the window, not by the file.
//!
//! Each request is re-judged by the core's [`Fetch`] state machine with a responder that answers
//! the preflight from the paired OPTIONS entry and the request (and its redirect hops) from the
//! recorded entries. What a HAR cannot show is said, not guessed: a request the browser recorded
//! as failed with no response is "unexplained"; a preflight missing from the file is assumed to
//! have passed only when the browser went on to send the request.

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};

use serde::Deserialize;
use url::Url;

use super::entry::Entry;
use super::request::{self, CredentialsBasis, OriginSource, UrlCache, UrlFacts};
use super::summary::{Skipped, Summary, SummaryBuilder};
use crate::classify::{classify, classify_with, normalize_method};
use crate::diagnosis::{self, Diagnosis, Finding, Input, Observation, Role, Severity};
use crate::fetch::{Fetch, NetworkError, Step};
use crate::fixes::{self, Detection, Fix};
use crate::model::{
    CorsRequest, Credentials, Engine, ExchangeKind, HeaderList, ObservedResponse, Outcome, OutgoingRequest,
    RedirectMode, Verdict,
};
use crate::preflight::is_redirect_status;
use crate::profile::BrowserProfile;

/// Entries held back for pairing.
pub const WINDOW: usize = 64;
/// Unclaimed preflights remembered after they leave the window.
pub const RECENT_PREFLIGHTS: usize = 256;
/// A preflight more than this far in time from a request is not its preflight.
const PAIR_WINDOW_MS: f64 = 60_000.0;

/// What the analysis is told besides the file.
#[derive(Debug, Clone)]
pub struct Options {
    /// The page origin for entries that record none (`--origin`).
    pub origin: Option<String>,
    /// The engines to judge with, in report order.
    pub engines: Vec<Engine>,
}

/// What a request came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every modelled browser allows it.
    Allowed,
    /// A modelled browser blocks it with a CORS failure.
    Blocked,
    /// The browser recorded a failure (net::ERR_FAILED, status 0) but the HAR holds no response
    /// to judge: most likely CORS, reason not recorded.
    Unexplained,
    /// It failed below CORS (DNS, refused, TLS, aborted): not a CORS problem.
    NetworkError,
}

impl Status {
    /// Lowercase stable name.
    pub fn name(self) -> &'static str {
        match self {
            Status::Allowed => "allowed",
            Status::Blocked => "blocked",
            Status::Unexplained => "unexplained",
            Status::NetworkError => "network-error",
        }
    }

    /// Whether it counts as a CORS failure (exit 1).
    pub fn is_failure(self) -> bool {
        matches!(self, Status::Blocked | Status::Unexplained)
    }
}

/// One analysed cross-origin CORS request.
#[derive(Debug, Clone)]
pub struct Analyzed {
    /// Entry index of the request.
    pub index: usize,
    /// Its URL.
    pub url: String,
    /// Its method as recorded.
    pub method: String,
    /// The page origin it was judged from.
    pub origin: String,
    /// Where that origin came from.
    pub origin_source: OriginSource,
    /// Recorded response status (0 or -1: none).
    pub status: i64,
    /// Recorded browser error (`net::ERR_FAILED`…).
    pub recorded_error: Option<String>,
    /// Entry index of the paired preflight.
    pub preflight_index: Option<usize>,
    /// Entry indices of the redirect hops that followed it.
    pub redirect_indices: Vec<usize>,
    /// The request as the script most likely made it.
    pub request: CorsRequest,
    /// Why its credentials mode is what it is.
    pub credentials_basis: CredentialsBasis,
    /// One verdict per modelled engine.
    pub verdicts: Vec<Verdict>,
    /// Root cause and findings.
    pub diagnosis: Diagnosis,
    /// What the HAR shows and what it cannot, one line each.
    pub evidence: Vec<String>,
    /// Overall status.
    pub status_kind: Status,
    /// The failure kind for summaries (Chromium's error name when it blocks).
    pub failure_kind: Option<String>,
    /// The fix, when something needs fixing.
    pub fix: Option<(Fix, Option<Detection>)>,
}

/// One recorded answer to a request the engine wants to send.
enum Answer {
    Response(ObservedResponse),
    Network(String),
    Unknown(String),
}

/// An exchange as replayed, for the diagnosis.
#[derive(Debug, Clone)]
struct Replayed {
    role: Role,
    request: OutgoingRequest,
    response: Option<ObservedResponse>,
    error: Option<String>,
    body: String,
}

/// The streaming analyzer.
#[derive(Debug)]
pub struct Analyzer {
    opts: Options,
    recorder: Engine,
    pages: HashMap<String, String>,
    window: VecDeque<Option<Entry>>,
    recent: VecDeque<Entry>,
    summary: SummaryBuilder,
    memo: Memo,
    urls: UrlCache,
}

#[derive(Deserialize)]
struct RawPage {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    title: Option<String>,
}

#[derive(Deserialize)]
struct RawCreator {
    #[serde(default)]
    name: Option<String>,
}

impl Analyzer {
    /// A fresh analyzer.
    pub fn new(opts: Options) -> Analyzer {
        Analyzer {
            opts,
            recorder: Engine::Chromium,
            pages: HashMap::new(),
            window: VecDeque::with_capacity(WINDOW + 1),
            recent: VecDeque::new(),
            summary: SummaryBuilder::default(),
            memo: Memo::default(),
            urls: UrlCache::default(),
        }
    }

    /// The engine whose recording this is (from `log.creator`/`log.browser`).
    pub fn recorder(&self) -> Engine {
        self.recorder
    }

    /// Read `log.pages`: a page whose title is a URL gives the origin of its entries.
    pub fn set_pages(&mut self, json: &[u8]) {
        let Ok(pages) = serde_json::from_slice::<Vec<RawPage>>(json) else {
            return;
        };
        for p in pages.into_iter().take(10_000) {
            let (Some(id), Some(title)) = (p.id, p.title) else {
                continue;
            };
            if let Some(origin) = request::url_origin(&title).filter(|o| o != "null") {
                self.pages.insert(id, origin);
            }
        }
    }

    /// Read `log.creator` or `log.browser`.
    pub fn set_creator(&mut self, json: &[u8]) {
        if let Ok(c) = serde_json::from_slice::<RawCreator>(json) {
            if let Some(name) = c.name {
                let engine = request::recorder_engine(&[&name]);
                if engine != Engine::Chromium || self.recorder == Engine::Chromium {
                    self.recorder = engine;
                }
            }
        }
    }

    /// Record an entry that could not be used.
    pub fn skip(&mut self, index: usize, offset: u64, reason: String) {
        self.summary.s.entries += 1;
        self.summary.skip(Skipped {
            index,
            offset,
            reason,
        });
    }

    /// Take one entry; analysed requests leave through `out` in entry order.
    pub fn push(&mut self, entry: Entry, out: &mut dyn FnMut(Analyzed)) {
        self.summary.s.entries += 1;
        if request::is_document(&entry) {
            if let (Some(page), Some(origin)) = (&entry.pageref, request::url_origin(&entry.url)) {
                if !self.pages.contains_key(page) && self.pages.len() < 10_000 {
                    self.pages.insert(page.clone(), origin);
                }
            }
        }
        self.window.push_back(Some(entry));
        while self.window.len() > WINDOW {
            self.process_front(out);
        }
    }

    /// Drain the window and return the summary and the skipped entries.
    pub fn finish(mut self, out: &mut dyn FnMut(Analyzed)) -> (Summary, Vec<Skipped>) {
        while !self.window.is_empty() {
            self.process_front(out);
        }
        while let Some(p) = self.recent.pop_front() {
            self.unpaired(&p);
        }
        self.summary.finish()
    }

    fn process_front(&mut self, out: &mut dyn FnMut(Analyzed)) {
        let Some(Some(entry)) = self.window.pop_front() else {
            return;
        };
        if entry.is_preflight() {
            self.recent.push_back(entry);
            if self.recent.len() > RECENT_PREFLIGHTS {
                let old = self.recent.pop_front().expect("non-empty");
                self.unpaired(&old);
            }
            return;
        }
        if !request::is_cors_mode(&entry) {
            self.summary.other("not-cors");
            return;
        }
        let facts = self.urls.facts(&entry.url);
        let preflight = self.take_preflight(&entry, &facts);
        let Some((origin, source)) = self.origin_of(&entry, preflight.as_ref()) else {
            if let Some(p) = &preflight {
                self.unpaired(p);
            }
            self.summary.other("unknown-origin");
            return;
        };
        if facts.same_origin_as(self.urls.page_origin(&origin)) {
            if let Some(p) = &preflight {
                self.unpaired(p);
            }
            self.summary.other("same-origin");
            return;
        }
        let hops = self.take_hops(&entry);
        let analyzed = judge(
            &entry,
            &facts,
            preflight.as_ref(),
            &hops,
            origin,
            source,
            self.recorder,
            &self.opts.engines,
            &mut self.memo,
        );
        if let Some(p) = &preflight {
            let template = &self.urls.facts(&p.url).template;
            self.summary
                .preflight(p, template, &analyzed.origin, &normalize_method(&entry.method));
        }
        self.summary.request(
            &facts.template,
            &entry.method,
            preflight.is_some(),
            analyzed.failure_kind.as_deref(),
        );
        match analyzed.status_kind {
            Status::Allowed => self.summary.s.allowed += 1,
            Status::Blocked => self.summary.s.blocked += 1,
            Status::Unexplained => self.summary.s.unexplained += 1,
            Status::NetworkError => self.summary.s.network_errors += 1,
        }
        out(analyzed);
    }

    /// Count a preflight no request claimed.
    fn unpaired(&mut self, p: &Entry) {
        let facts = self.urls.facts(&p.url);
        self.summary.unpaired_preflight(p, &facts.template);
    }

    /// The page origin: the entry's Origin header, the preflight's, `--origin`, the page, the Referer.
    fn origin_of(&self, e: &Entry, preflight: Option<&Entry>) -> Option<(String, OriginSource)> {
        if let Some(o) = e.request_header("origin") {
            return Some((o.trim().to_string(), OriginSource::Header));
        }
        if let Some(o) = preflight.and_then(|p| p.request_header("origin")) {
            return Some((o.trim().to_string(), OriginSource::Preflight));
        }
        if let Some(o) = &self.opts.origin {
            return Some((o.clone(), OriginSource::Option));
        }
        if let Some(o) = e.pageref.as_ref().and_then(|p| self.pages.get(p)) {
            return Some((o.clone(), OriginSource::Page));
        }
        let referer = e
            .request_header("referer")
            .and_then(request::url_origin)
            .filter(|o| o != "null")?;
        Some((referer, OriginSource::Referer))
    }

    /// Find and remove the preflight for `e`: same URL, ACRM = method, same Origin, nearest in time.
    fn take_preflight(&mut self, e: &Entry, facts: &UrlFacts) -> Option<Entry> {
        let method = normalize_method(&e.method);
        let origin = e.request_header("origin");
        let mut urls = std::mem::take(&mut self.urls);
        let mut matches = |p: &Entry| -> Option<f64> {
            if !p.is_preflight() || !urls.same_url(&p.url, &e.url, facts) {
                return None;
            }
            let acrm = p.request_header("access-control-request-method").map(str::trim);
            if acrm.is_some_and(|m| m != method && m != e.method) {
                return None;
            }
            if let (Some(a), Some(b)) = (origin, p.request_header("origin")) {
                if a.trim() != b.trim() {
                    return None;
                }
            }
            let dt = match (p.started_ms, e.started_ms) {
                (Some(a), Some(b)) => (a - b).abs(),
                _ => 0.0,
            };
            (dt <= PAIR_WINDOW_MS).then_some(dt)
        };
        let in_window = self
            .window
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((i, matches(s.as_ref()?)?)));
        let best_window = in_window.min_by(|a, b| a.1.total_cmp(&b.1));
        let best_recent = self
            .recent
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((i, matches(p)?)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        self.urls = urls;
        match (best_window, best_recent) {
            (Some((i, dw)), Some((_, dr))) if dw <= dr => self.window[i].take(),
            (_, Some((i, _))) => self.recent.remove(i),
            (Some((i, _)), None) => self.window[i].take(),
            (None, None) => None,
        }
    }

    /// The redirect hops that followed `e` (each the next recorded request to the Location).
    fn take_hops(&mut self, e: &Entry) -> Vec<Entry> {
        let mut hops = Vec::new();
        let mut cur_status = e.status;
        let mut cur_url = e.url.clone();
        let mut cur_loc = location(e);
        while hops.len() < 20 && cur_status > 0 && is_redirect_status(cur_status as u16) {
            let Some(target) = cur_loc
                .as_deref()
                .and_then(|l| Url::parse(&cur_url).ok()?.join(l).ok())
            else {
                break;
            };
            let pos = self.window.iter().position(|s| {
                s.as_ref()
                    .is_some_and(|h| !h.is_preflight() && Url::parse(&h.url).is_ok_and(|u| u == target))
            });
            let Some(hop) = pos.and_then(|i| self.window[i].take()) else {
                break;
            };
            cur_status = hop.status;
            cur_url = hop.url.clone();
            cur_loc = location(&hop);
            hops.push(hop);
        }
        hops
    }
}

fn location(e: &Entry) -> Option<String> {
    e.response_header("location")
        .map(str::to_string)
        .or_else(|| (!e.redirect_url.is_empty()).then(|| e.redirect_url.clone()))
}

fn same_url(a: &str, b: &str) -> bool {
    a == b || matches!((Url::parse(a), Url::parse(b)), (Ok(x), Ok(y)) if x == y)
}

fn observed(e: &Entry) -> ObservedResponse {
    ObservedResponse {
        status: e.status.clamp(0, 999) as u16,
        status_text: e.status_text.clone(),
        headers: e.response_headers.clone(),
    }
}

/// How a recorded entry answers the request the engine wants.
fn answer_of(e: &Entry) -> Answer {
    if e.has_response() {
        return Answer::Response(observed(e));
    }
    match e.error.as_deref() {
        Some(err) if err != "net::ERR_FAILED" && !err.is_empty() => Answer::Network(err.to_string()),
        Some(err) => Answer::Unknown(format!(
            "the browser recorded {err} and no response, so the reason cannot be read from the HAR{}",
            if e.is_preflight() {
                " (on the preflight)"
            } else {
                ""
            }
        )),
        None => Answer::Unknown(format!("no response is recorded (status {})", e.status)),
    }
}

/// Everything the replay of one request needs.
struct Recorded<'a> {
    entry: &'a Entry,
    preflight: Option<&'a Entry>,
    hops: &'a [Entry],
    /// The recording browser went past the preflight: a missing one passed (or was cached).
    assume_preflight_passed: bool,
}

fn synth_preflight(req: &CorsRequest, out: &OutgoingRequest) -> ObservedResponse {
    let get = |n: &str| {
        out.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.clone())
    };
    let mut headers = vec![(
        "Access-Control-Allow-Origin".to_string(),
        get("origin").unwrap_or_else(|| req.origin.clone()),
    )];
    if req.credentials == Credentials::Include {
        headers.push(("Access-Control-Allow-Credentials".into(), "true".into()));
    }
    if let Some(m) = get("access-control-request-method") {
        headers.push(("Access-Control-Allow-Methods".into(), m));
    }
    if let Some(h) = get("access-control-request-headers") {
        headers.push(("Access-Control-Allow-Headers".into(), h));
    }
    ObservedResponse {
        status: 204,
        status_text: "No Content".into(),
        headers,
    }
}

/// Replay one engine's fetch against the recording.
fn replay(
    req: &CorsRequest,
    engine: Engine,
    rec: &Recorded<'_>,
    log: &mut Vec<Replayed>,
    notes: &mut Vec<String>,
) -> Verdict {
    let with_body = !matches!(req.method.to_ascii_uppercase().as_str(), "GET" | "HEAD");
    let mut fetch = Fetch::new(req.clone(), engine).with_body(with_body);
    let mut hop = 0usize;
    loop {
        let out = match fetch.next() {
            Step::Done(v) => return v,
            Step::Send(out) => out,
        };
        let (role, answer, body, real) = match out.kind {
            ExchangeKind::Preflight => match rec.preflight {
                Some(p) => (Role::Preflight, answer_of(p), p.body_prefix.clone(), true),
                None if rec.assume_preflight_passed => (
                    Role::Preflight,
                    Answer::Response(synth_preflight(req, &out)),
                    String::new(),
                    false,
                ),
                None => (
                    Role::Preflight,
                    Answer::Unknown(
                        "a preflight would be sent first, and the HAR has none for this request".to_string(),
                    ),
                    String::new(),
                    false,
                ),
            },
            ExchangeKind::Actual => {
                let e = if hop == 0 {
                    Some(rec.entry)
                } else {
                    rec.hops.get(hop - 1)
                };
                hop += 1;
                match e {
                    Some(e) if hop == 1 || same_url(&e.url, &out.url) => {
                        (Role::Actual, answer_of(e), e.body_prefix.clone(), true)
                    }
                    _ => (
                        Role::Actual,
                        Answer::Unknown(format!("the redirect to {} is not recorded", out.url)),
                        String::new(),
                        false,
                    ),
                }
            }
        };
        match answer {
            Answer::Response(r) => {
                if real {
                    push_replayed(log, role, &out, Some(r.clone()), None, body);
                }
                fetch.observe(Ok(r));
            }
            Answer::Network(message) => {
                push_replayed(log, role, &out, None, Some(message.clone()), body);
                fetch.observe(Err(NetworkError { message }));
            }
            Answer::Unknown(why) => {
                if !notes.contains(&why) {
                    notes.push(why);
                }
                return fetch.stop_incomplete();
            }
        }
    }
}

fn push_replayed(
    log: &mut Vec<Replayed>,
    role: Role,
    out: &OutgoingRequest,
    response: Option<ObservedResponse>,
    error: Option<String>,
    body: String,
) {
    if log
        .iter()
        .any(|r| r.role == role && r.request.url == out.url && r.request.method == out.method)
    {
        return;
    }
    log.push(Replayed {
        role,
        request: out.clone(),
        response,
        error,
        body,
    });
}

fn engine_label(e: Engine) -> &'static str {
    match e {
        Engine::Spec => "The Fetch standard",
        Engine::Chromium => "Chromium",
        Engine::Firefox => "Firefox",
        Engine::Webkit => "WebKit",
    }
}

fn blocked_by_cors(v: &Verdict) -> bool {
    v.outcome == Outcome::Blocked && v.failure.as_ref().is_some_and(|f| f.kind.is_cors_error())
}

/// The part of a judgement that depends only on what a request and its responses look like, not
/// on which entry it is: cached, because real recordings repeat the same exchange many times.
#[derive(Debug, Clone)]
struct Core {
    request: CorsRequest,
    basis: CredentialsBasis,
    verdicts: Vec<Verdict>,
    log: Vec<Replayed>,
    notes: Vec<String>,
    inferred: bool,
    credentials_note: Option<(Verdict, bool)>,
    diagnosis: Diagnosis,
}

impl Core {
    /// The same judgement for another URL of the same origin (everything else being equal).
    fn for_url(mut self, url: &str) -> Core {
        let old = std::mem::replace(&mut self.request.url, url.to_string());
        if old == url {
            return self;
        }
        let finder = memchr::memmem::Finder::new(old.as_bytes());
        let fix = |s: &mut String| rewrite_url(s, &old, url, &finder);
        for v in self
            .verdicts
            .iter_mut()
            .chain(self.credentials_note.iter_mut().map(|(v, _)| v))
        {
            if let Some(f) = v.failure.as_mut() {
                fix(&mut f.url);
                fix(&mut f.initial_url);
            }
            v.sent.iter_mut().for_each(|s| fix(&mut s.url));
        }
        self.log.iter_mut().for_each(|r| fix(&mut r.request.url));
        self.notes.iter_mut().for_each(fix);
        if let Some(c) = self.diagnosis.root_cause.as_mut() {
            fix(&mut c.headline);
            fix(&mut c.detail);
        }
        for f in &mut self.diagnosis.findings {
            fix(&mut f.title);
            fix(&mut f.detail);
            f.evidence.iter_mut().for_each(fix);
        }
        self
    }

    /// A copy without the replay log, which only the fix reads (most requests need none).
    fn without_log(&self) -> Core {
        Core {
            request: self.request.clone(),
            basis: self.basis,
            verdicts: self.verdicts.clone(),
            log: Vec::new(),
            notes: self.notes.clone(),
            inferred: self.inferred,
            credentials_note: self.credentials_note.clone(),
            diagnosis: self.diagnosis.clone(),
        }
    }

    /// The replay log as [`Core::for_url`]`(url)` would have it.
    fn log_for_url(&self, url: &str) -> Vec<Replayed> {
        let mut log = self.log.clone();
        let old = self.request.url.as_str();
        if old != url {
            let finder = memchr::memmem::Finder::new(old.as_bytes());
            log.iter_mut()
                .for_each(|r| rewrite_url(&mut r.request.url, old, url, &finder));
        }
        log
    }
}

/// Replace `old` (found by `finder`) with `url` in `s`.
fn rewrite_url(s: &mut String, old: &str, url: &str, finder: &memchr::memmem::Finder<'_>) {
    if s == old {
        url.clone_into(s);
    } else if finder.find(s.as_bytes()).is_some() {
        *s = s.replace(old, url);
    }
}

/// Memo of [`Core`]s and fixes, bounded.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    cores: HashMap<u64, Core>,
    fixes: HashMap<u64, (Fix, Option<Detection>)>,
}

const MEMO_MAX: usize = 4096;

/// Response headers whose values no CORS judgement reads (their names still count).
fn volatile(lower: &str) -> bool {
    matches!(
        lower,
        "date"
            | "age"
            | "etag"
            | "last-modified"
            | "expires"
            | "content-length"
            | "x-request-id"
            | "x-correlation-id"
            | "x-amzn-requestid"
            | "x-amz-request-id"
            | "x-amz-cf-id"
            | "x-amzn-trace-id"
            | "cf-ray"
            | "traceparent"
            | "server-timing"
            | "x-runtime"
            | "request-id"
            | "x-trace-id"
            | "report-to"
            | "nel"
    )
}

fn hash_headers(h: &mut impl Hasher, headers: &HeaderList) {
    for (n, v) in headers {
        let lower = n.to_ascii_lowercase();
        lower.hash(h);
        if lower == "set-cookie" {
            // Only the attributes matter (SameSite, Secure), not the cookie's value.
            v.split_once(';').map(|(_, a)| a).unwrap_or("").hash(h);
        } else if !volatile(&lower) {
            v.hash(h);
        }
    }
}

fn hash_response(h: &mut impl Hasher, e: &Entry) {
    (e.status, &e.status_text, &e.error).hash(h);
    hash_headers(h, &e.response_headers);
}

/// The memo key, or `None` when the judgement may depend on the URL itself (redirects).
fn memo_key(
    req: &CorsRequest,
    url_origin: Option<&str>,
    e: &Entry,
    preflight: Option<&Entry>,
    hops: &[Entry],
    recorder: Engine,
    engines: &[Engine],
) -> Option<u64> {
    let redirects = |x: &Entry| x.response_header("location").is_some() || !x.redirect_url.is_empty();
    if !hops.is_empty() || redirects(e) || preflight.is_some_and(redirects) {
        return None;
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    url_origin.hash(&mut h);
    (
        &req.origin,
        &req.method,
        req.credentials,
        req.initiator,
        recorder,
        engines,
    )
        .hash(&mut h);
    for (n, v) in &req.headers {
        let lower = n.to_ascii_lowercase();
        lower.hash(&mut h);
        if lower != "authorization" {
            v.hash(&mut h);
        }
    }
    (e.request_header("sec-fetch-dest"), e.from_cache).hash(&mut h);
    hash_response(&mut h, e);
    match preflight {
        Some(p) => {
            1u8.hash(&mut h);
            hash_response(&mut h, p);
        }
        None => 0u8.hash(&mut h),
    }
    Some(h.finish())
}

/// Replay every engine, settle the credentials mode, diagnose.
fn evaluate(
    mut req: CorsRequest,
    mut basis: CredentialsBasis,
    rec: &Recorded<'_>,
    last: &Entry,
    recorder: Engine,
    engines: &[Engine],
) -> Core {
    let recorded_failed = last.error.is_some() || !last.has_response();
    let (mut verdicts, mut log, mut notes) = replay_all(&req, engines, rec);
    // Sanitized exports drop Cookie/Authorization: when the credentials mode decides the verdict,
    // prefer the mode that explains what the browser recorded, and say so.
    let mut credentials_note = None;
    let mut inferred = false;
    // Subresources (fonts, module scripts, images) never use credentials mode `include` by choice.
    let script_load = rec
        .entry
        .request_header("sec-fetch-dest")
        .is_none_or(|d| d.trim().eq_ignore_ascii_case("empty"));
    if basis == CredentialsBasis::NotRecorded && script_load {
        let mut alt = req.clone();
        alt.credentials = Credentials::Include;
        let judge_engine = if engines.contains(&recorder) {
            recorder
        } else {
            engines[0]
        };
        let (alt_verdicts, _, _) = replay_all(&alt, &[judge_engine], rec);
        let now = verdicts.iter().find(|v| v.engine == judge_engine);
        let now_blocked = now.is_some_and(blocked_by_cors);
        let now_allowed = now.is_some_and(|v| v.outcome == Outcome::Allowed);
        let alt_blocked = alt_verdicts.first().is_some_and(blocked_by_cors);
        let alt_decided = alt_verdicts
            .first()
            .is_some_and(|v| v.outcome != Outcome::Incomplete);
        if recorded_failed && last.error.is_some() && now_allowed && alt_blocked {
            req = alt;
            basis = CredentialsBasis::InferredFromFailure;
            inferred = true;
            (verdicts, log, notes) = replay_all(&req, engines, rec);
        } else if now_blocked != alt_blocked && (now_blocked || now_allowed) && alt_decided {
            let v = alt_verdicts
                .into_iter()
                .next()
                .or_else(|| verdicts.first().cloned());
            credentials_note = v.map(|v| (v, now_blocked));
        }
    }
    let diagnosis = {
        let input = input_of(&req, &log, &verdicts);
        diagnosis::diagnose(&input)
    };
    Core {
        request: req,
        basis,
        verdicts,
        log,
        notes,
        inferred,
        credentials_note,
        diagnosis,
    }
}

fn input_of<'a>(req: &'a CorsRequest, log: &'a [Replayed], verdicts: &'a [Verdict]) -> Input<'a> {
    let observations = log
        .iter()
        .map(|r| Observation {
            role: r.role,
            request: &r.request,
            response: r.response.as_ref(),
            error: r.error.as_deref(),
        })
        .collect();
    Input {
        request: req,
        observations,
        verdicts,
    }
}

/// Judge one recorded request: build the script's request, replay every engine, diagnose.
#[allow(clippy::too_many_arguments)]
fn judge(
    e: &Entry,
    facts: &UrlFacts,
    preflight: Option<&Entry>,
    hops: &[Entry],
    origin: String,
    source: OriginSource,
    recorder: Engine,
    engines: &[Engine],
    memo: &mut Memo,
) -> Analyzed {
    let acrh = preflight
        .and_then(|p| p.request_header("access-control-request-headers"))
        .map(request::parse_acrh);
    let (credentials, basis) = request::credentials(e, acrh.as_deref());
    let req = CorsRequest {
        url: e.url.clone(),
        origin: origin.clone(),
        method: e.method.clone(),
        headers: request::script_headers(e, acrh.as_deref(), recorder),
        credentials,
        redirect: RedirectMode::Follow,
        initiator: request::initiator(e),
        use_cors_preflight: false,
    };
    // Only cross-origin requests reach here (same-origin ones are counted and dropped).
    let recorder_preflights = classify_with(&req, BrowserProfile::of(recorder), true).preflight;
    let rec = Recorded {
        entry: e,
        preflight,
        hops,
        assume_preflight_passed: recorder_preflights && e.has_response(),
    };
    // What the browser recorded at the end of the chain (the last redirect hop, if any).
    let last = hops.last().unwrap_or(e);
    let key = memo_key(
        &req,
        facts.origin.as_deref(),
        e,
        preflight,
        hops,
        recorder,
        engines,
    );
    let hit = key.and_then(|k| memo.cores.get(&k));
    let log_elided = hit.is_some();
    let mut core = match hit {
        Some(c) => c.without_log().for_url(&e.url),
        None => {
            let c = evaluate(req, basis, &rec, last, recorder, engines);
            if let Some(k) = key {
                if memo.cores.len() >= MEMO_MAX {
                    memo.cores.clear();
                }
                memo.cores.insert(k, c.clone());
            }
            c
        }
    };
    let mut evidence = Vec::new();
    if core.inferred {
        evidence.push(
            "No Cookie or Authorization header is recorded (DevTools exports HARs without them by default), \
             but only credentials: 'include' explains the failure the browser recorded: judged as credentialed."
                .to_string(),
        );
    }
    evidence.extend(describe(e, preflight, hops, &origin, source, core.basis, &rec));
    evidence.append(&mut core.notes);
    let status_kind = status_of(&core.verdicts, last);
    let mut diag = core.diagnosis;
    diag.findings.extend(har_findings(
        last,
        &core.verdicts,
        status_kind,
        recorder,
        core.credentials_note,
    ));
    diag.findings.sort_by_key(|f| f.severity);
    let needs_fix = status_kind == Status::Blocked
        || diag
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error && f.id != "har-failure-not-recorded");
    let fix = needs_fix.then(|| {
        if let Some(c) = key.filter(|_| log_elided).and_then(|k| memo.cores.get(&k)) {
            core.log = c.log_for_url(&e.url);
        }
        // Bodies are per entry (the memo key leaves them out); only the fix reads them.
        for r in &mut core.log {
            let from = if r.role == Role::Preflight {
                preflight
            } else {
                Some(e)
            };
            r.body = from.map(|x| x.body_prefix.clone()).unwrap_or_default();
        }
        fix_for(&core.request, &core.log, &core.verdicts, key, memo)
    });
    let failure_kind = failure_kind(&core.verdicts, status_kind);
    Analyzed {
        index: e.index,
        url: e.url.clone(),
        method: e.method.clone(),
        origin,
        origin_source: source,
        status: e.status,
        recorded_error: last.error.clone(),
        preflight_index: preflight.map(|p| p.index),
        redirect_indices: hops.iter().map(|h| h.index).collect(),
        request: core.request,
        credentials_basis: core.basis,
        verdicts: core.verdicts,
        diagnosis: diag,
        evidence,
        status_kind,
        failure_kind,
        fix,
    }
}

/// The fix for this request's needs, for the stack its responses come from.
fn fix_for(
    req: &CorsRequest,
    log: &[Replayed],
    verdicts: &[Verdict],
    key: Option<u64>,
    memo: &mut Memo,
) -> (Fix, Option<Detection>) {
    let fix_key = key.map(|k| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        k.hash(&mut h);
        log.iter().for_each(|r| r.body.hash(&mut h));
        h.finish()
    });
    if let Some(hit) = fix_key.and_then(|k| memo.fixes.get(&k)) {
        return hit.clone();
    }
    let input = input_of(req, log, verdicts);
    let classification = classify(req, Engine::Spec);
    let needs = diagnosis::needs_from(
        &input,
        &classification.unsafe_header_names,
        &classification.method,
    );
    let views: Vec<_> = log
        .iter()
        .filter_map(|r| {
            r.response
                .as_ref()
                .map(|resp| (resp.headers.as_slice(), r.body.as_bytes()))
        })
        .collect();
    let fix = match fixes::detect(&views) {
        Some(det) if det.stack != fixes::Stack::Unknown => (fixes::fix_for(det.stack, &needs), Some(det)),
        _ => (fixes::header_recipe(&needs), None),
    };
    if let Some(k) = fix_key {
        if memo.fixes.len() >= MEMO_MAX {
            memo.fixes.clear();
        }
        memo.fixes.insert(k, fix.clone());
    }
    fix
}

fn replay_all(
    req: &CorsRequest,
    engines: &[Engine],
    rec: &Recorded<'_>,
) -> (Vec<Verdict>, Vec<Replayed>, Vec<String>) {
    let mut log = Vec::new();
    let mut notes = Vec::new();
    let verdicts = engines
        .iter()
        .map(|&engine| replay(req, engine, rec, &mut log, &mut notes))
        .collect();
    (verdicts, log, notes)
}

fn status_of(verdicts: &[Verdict], e: &Entry) -> Status {
    if verdicts.iter().any(blocked_by_cors) {
        Status::Blocked
    } else if verdicts.iter().any(|v| v.outcome == Outcome::Blocked) {
        Status::NetworkError
    } else if verdicts.iter().any(|v| v.outcome == Outcome::Incomplete)
        && (e.error.is_some() || !e.has_response())
    {
        if e.error.as_deref().is_some_and(|err| err != "net::ERR_FAILED") {
            Status::NetworkError
        } else {
            Status::Unexplained
        }
    } else {
        Status::Allowed
    }
}

fn failure_kind(verdicts: &[Verdict], status: Status) -> Option<String> {
    match status {
        Status::Allowed => None,
        Status::Unexplained => Some("unexplained".into()),
        Status::NetworkError => Some("network-error".into()),
        Status::Blocked => {
            let v = verdicts
                .iter()
                .find(|v| v.engine == Engine::Chromium && blocked_by_cors(v))
                .or_else(|| verdicts.iter().find(|v| blocked_by_cors(v)))?;
            v.failure.as_ref().map(|f| f.error_name())
        }
    }
}

/// What the recording shows, in words a reader can check against the file.
fn describe(
    e: &Entry,
    preflight: Option<&Entry>,
    hops: &[Entry],
    origin: &str,
    source: OriginSource,
    basis: CredentialsBasis,
    rec: &Recorded<'_>,
) -> Vec<String> {
    let mut out = Vec::new();
    let origin_from = match source {
        OriginSource::Header => "its Origin header",
        OriginSource::Preflight => "the preflight's Origin header",
        OriginSource::Option => "--origin",
        OriginSource::Page => "the page it belongs to",
        OriginSource::Referer => "its Referer",
    };
    out.push(format!("page origin {origin} (from {origin_from})"));
    match preflight {
        Some(p) => out.push(format!("preflight: entry {} (OPTIONS, HTTP {})", p.index, p.status)),
        None if rec.assume_preflight_passed => out.push(
            "no preflight recorded for this request (answered from the preflight cache, or not recorded by this producer); \
             the browser sent the request, so it passed"
                .to_string(),
        ),
        None => {}
    }
    let status = if e.has_response() {
        format!("HTTP {}", e.status)
    } else {
        "no response".to_string()
    };
    match &e.error {
        Some(err) => out.push(format!("recorded: {status}, browser error {err}")),
        None => out.push(format!("recorded: {status}")),
    }
    if e.has_response() && e.error.is_some() {
        out.push(
            "the browser received this response and refused it to the page; its headers are in the HAR"
                .to_string(),
        );
    }
    for h in hops {
        out.push(format!(
            "redirect hop: entry {} ({} {})",
            h.index, h.method, h.url
        ));
    }
    match basis {
        CredentialsBasis::Cookie => out.push("credentials: a Cookie header is recorded, judged as credentials: 'include'".into()),
        CredentialsBasis::HttpAuth => {
            out.push("credentials: an Authorization header the preflight did not ask for (HTTP auth), judged as credentialed".into())
        }
        CredentialsBasis::NotRecorded | CredentialsBasis::InferredFromFailure => {}
    }
    if e.from_cache {
        out.push(
            "served from the browser's HTTP cache: the CORS headers are those of the cached response".into(),
        );
    }
    out
}

fn finding(
    id: &'static str,
    severity: Severity,
    title: String,
    detail: &str,
    evidence: Vec<String>,
    remedy: &str,
) -> Finding {
    Finding {
        id,
        severity,
        title,
        detail: detail.to_string(),
        evidence,
        remedy: remedy.to_string(),
    }
}

/// Findings only a recording can give.
fn har_findings(
    e: &Entry,
    verdicts: &[Verdict],
    status: Status,
    recorder: Engine,
    credentials_note: Option<(Verdict, bool)>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let recorder_verdict = verdicts.iter().find(|v| v.engine == recorder);
    match status {
        Status::Unexplained => out.push(finding(
            "har-failure-not-recorded",
            Severity::Error,
            format!("The browser blocked this request ({}) but the HAR does not hold the response that caused it", e.error.as_deref().unwrap_or("status 0")),
            "Chrome records a request whose preflight or response failed CORS as status 0 with net::ERR_FAILED; \
             when neither the preflight nor the response headers are in the file the reason cannot be re-derived.",
            vec![format!("entry {}: status {}, no response headers", e.index, e.status)],
            "Re-run it with `cors-doctor check URL --origin ORIGIN`, or export the HAR from Chrome DevTools (Network panel) \
             with the preflight rows included.",
        )),
        Status::NetworkError => out.push(finding(
            "not-cors-network-error",
            Severity::Warning,
            format!("This request failed below CORS ({})", e.error.as_deref().unwrap_or("transport error")),
            "No CORS header can fix a request that never got an HTTP answer (DNS, refused connection, TLS, blocked by an \
             extension, or cancelled by the page).",
            vec![format!("entry {}: {}", e.index, e.error.as_deref().unwrap_or("no response"))],
            "Make the server reachable first; the console shows the same net:: error.",
        )),
        Status::Allowed if e.error.as_deref() == Some("net::ERR_FAILED") && recorder_verdict.is_some_and(|v| v.outcome == Outcome::Allowed) => {
            out.push(finding(
                "har-recorded-failure-not-reproduced",
                Severity::Warning,
                "The browser recorded a failure here that the recorded headers do not explain".into(),
                "The response as recorded passes every CORS check. The failure may come from a header the HAR \
                 does not show (a sanitized export), a browser extension, mixed content or private network access.",
                vec![format!("entry {}: HTTP {} with net::ERR_FAILED", e.index, e.status)],
                "Check the browser console for the exact message and paste it into `cors-doctor explain`.",
            ))
        }
        _ => {}
    }
    if let Some((alt, blocked_now)) = credentials_note {
        let what = alt
            .failure
            .as_ref()
            .map(|f| f.error_name())
            .unwrap_or_else(|| "allowed".into());
        let (title, detail) = if blocked_now {
            (
                "Blocked as judged, but allowed if the page sends credentials".to_string(),
                "No Cookie or Authorization header is recorded, so the request was judged with fetch()'s default \
                 credentials mode; DevTools exports HARs without them by default, so this is not certain.",
            )
        } else {
            (
                format!("Allowed as judged, but blocked ({what}) if the page sends credentials"),
                "No Cookie or Authorization header is recorded, so the request was judged with fetch()'s default \
                 credentials mode. DevTools exports HARs without cookies by default: if the page uses \
                 credentials: 'include' (or XHR withCredentials), the browser blocks it.",
            )
        };
        out.push(finding(
            "har-credentials-not-recorded",
            Severity::Info,
            title,
            detail,
            vec![format!("{} with credentials 'include': {what}", engine_label(alt.engine))],
            "Export the HAR with \"Allow to generate HAR with sensitive data\" to settle it, or run `cors-doctor check` \
             with --credentials include.",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::har::entry::parse_entry;

    fn opts() -> Options {
        Options {
            origin: None,
            engines: Engine::BROWSERS.to_vec(),
        }
    }

    fn run(entries: &[&str]) -> (Vec<Analyzed>, Summary) {
        let mut a = Analyzer::new(opts());
        let mut got = Vec::new();
        for (i, json) in entries.iter().enumerate() {
            a.push(parse_entry(json.as_bytes(), i).unwrap(), &mut |x| got.push(x));
        }
        let (summary, _) = a.finish(&mut |x| got.push(x));
        (got, summary)
    }

    const ACTUAL_BLOCKED: &str = r#"{"startedDateTime":"2024-01-01T00:00:00.000Z","_resourceType":"fetch",
        "request":{"method":"PUT","url":"https://api.test/items/1","headers":[{"name":"Content-Type","value":"application/json"}]},
        "response":{"status":0,"headers":[],"_error":"net::ERR_FAILED"}}"#;
    const PREFLIGHT_404: &str = r#"{"startedDateTime":"2024-01-01T00:00:00.004Z","time":12.5,"_resourceType":"preflight",
        "_initiator":{"type":"preflight","url":"https://api.test/items/1"},
        "request":{"method":"OPTIONS","url":"https://api.test/items/1","headers":[{"name":"Origin","value":"https://app.test"},
            {"name":"Access-Control-Request-Method","value":"PUT"},{"name":"Access-Control-Request-Headers","value":"content-type"}]},
        "response":{"status":404,"headers":[{"name":"Content-Type","value":"text/plain"}]}}"#;

    #[test]
    fn a_preflight_recorded_after_its_request_is_paired_and_judged() {
        let (got, summary) = run(&[ACTUAL_BLOCKED, PREFLIGHT_404]);
        assert_eq!(got.len(), 1);
        let a = &got[0];
        assert_eq!(a.preflight_index, Some(1));
        assert_eq!(a.origin, "https://app.test");
        assert_eq!(a.status_kind, Status::Blocked);
        assert_eq!(
            a.failure_kind.as_deref(),
            Some("PreflightMissingAllowOriginHeader")
        );
        assert_eq!(summary.preflights, 1);
        assert_eq!(summary.preflight_cost.time_ms, 12.5);
    }

    #[test]
    fn a_failure_without_any_recorded_response_is_unexplained_not_guessed() {
        let (got, _) = run(&[ACTUAL_BLOCKED
            .replace("\"Content-Type\"", "\"Origin\"")
            .replace("application/json", "https://app.test")
            .as_str()]);
        assert_eq!(got[0].status_kind, Status::Unexplained);
        assert!(got[0]
            .diagnosis
            .findings
            .iter()
            .any(|f| f.id == "har-failure-not-recorded"));
    }
}

//! `explain`: read a pasted browser console text and say which CORS failure it reports, in which
//! browser, with which values, why it usually happens, how to fix it and how to verify the fix.
//!
//! Pure: text in, [`Report`] out. The parser recognises Chromium's `Access to … has been blocked by
//! CORS policy` family, Firefox's `Cross-Origin Request Blocked … (Reason: …)` family and WebKit's
//! reason and `… cannot load … due to access control checks.` lines (reference/browsers.md §2.3,
//! §3.2, §4.2, §10). It tolerates DevTools prefixes, wrapped lines (at spaces or mid-word),
//! typographic quotes and several errors in one paste; lines that are not CORS errors but are often
//! taken for them (refused connections, DNS, TLS, mixed content, CSP…) are reported as [`NotCors`].

mod advice;
mod chromium;
mod firefox;
pub mod knowledge;
mod noise;
mod scan;
mod webkit;

use std::collections::BTreeMap;

use serde::Serialize;

pub use advice::shell_quote;
pub use advice::{code_for, mdn_slug};
pub use chromium::error_name as chromium_error_name;
pub use firefox::REASON_KEYS as FIREFOX_REASONS;
pub use knowledge::{knowledge, Knowledge};
pub use webkit::TEMPLATES as WEBKIT_TEMPLATES;

use crate::model::{Engine, FailureKind, Initiator, Stage};

/// One recognised CORS error, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explained {
    /// The browser family whose wording was recognised.
    pub browser: Engine,
    /// What failed.
    pub kind: FailureKind,
    /// Where it failed. Firefox and Safari do not always say whether a CORS-check failure was on
    /// the preflight; then this is `actual` unless the surrounding lines show otherwise.
    pub stage: Stage,
    /// Stable kebab-case code, the scheme of `Failure::code()` (see [`code_for`]), or one of the
    /// codes for messages no [`FailureKind`] describes (`cors-check-failed`, `cors-disabled`,
    /// `origin-header-not-added`, the Local Network Access family).
    pub code: String,
    /// The browser's own name: Chromium's CDP `Network.CorsError`, Firefox's reason key (as MDN
    /// names it), a stable WebKit name.
    pub error_name: String,
    /// The URL the message names (the final URL after redirects).
    pub url: Option<String>,
    /// Chromium's `(redirected from '…')` URL.
    pub initial_url: Option<String>,
    /// The page's origin, when the message names it (Firefox never does).
    pub origin: Option<String>,
    /// fetch or XHR, when the message says.
    pub initiator: Option<Initiator>,
    /// Values named by the message or its companion lines: `header`, `method`, `value` (the
    /// offending header value or token), `status`, `location`, `schemes`, `resource`, `address_space`.
    pub detail: BTreeMap<String, String>,
    /// What the message means.
    pub explanation: String,
    /// Likely causes, most likely first.
    pub causes: Vec<String>,
    /// What to change.
    pub fix: String,
    /// The `cors-doctor check` command that reproduces the request and verifies the fix.
    pub check_command: String,
    /// What to edit in `check_command` before running it, when the message did not tell everything.
    pub check_note: Option<String>,
    /// The console text that was recognised, with wrapped lines joined.
    pub message: String,
    /// MDN's page for this error.
    pub docs_url: Option<String>,
    /// How many times the same error appeared in the text.
    pub count: usize,
}

impl Explained {
    /// The failed parameter the message names, as `Failure::hint` carries it: the method for
    /// method-not-allowed, the header for header-not-allowed, the location for
    /// redirect-contains-credentials, otherwise the offending header value or token.
    pub fn hint(&self) -> Option<&str> {
        let key = match self.kind {
            FailureKind::MethodNotAllowed => "method",
            FailureKind::HeaderNotAllowed => "header",
            FailureKind::RedirectContainsCredentials => "location",
            _ => "value",
        };
        self.detail.get(key).map(String::as_str)
    }
}

/// A line that is not a CORS error, with what it is instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotCors {
    /// The line as pasted (DevTools prefixes removed, shortened when very long).
    pub line: String,
    /// What it looks like: "mixed content: …", "net::ERR_CONNECTION_REFUSED: the server is not reachable…".
    pub looks_like: String,
}

/// Everything found in a pasted text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// CORS errors, in order of appearance, duplicates merged.
    pub errors: Vec<Explained>,
    /// Lines that are something else, reported only when recognisable (or when nothing was).
    pub not_cors: Vec<NotCors>,
}

/// A parsed message before explanation.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub(crate) browser: Engine,
    pub(crate) kind: FailureKind,
    pub(crate) stage: Stage,
    pub(crate) error_name: String,
    pub(crate) code: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) initial_url: Option<String>,
    pub(crate) origin: Option<String>,
    pub(crate) initiator: Option<Initiator>,
    pub(crate) detail: BTreeMap<String, String>,
    /// Compact positions of the message.
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) role: Role,
    /// The recognised text (filled in once all scanners ran).
    pub(crate) message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A message that names the failure.
    Primary,
    /// WebKit's `… cannot load {url} …` line: gives the URL to the reason before it.
    Summary,
}

enum Event {
    Hit(Hit),
    Aux(noise::Aux),
}

/// Explain every CORS error in a pasted console text.
pub fn explain(text: &str) -> Report {
    let cleaned = scan::clean(text);
    let c = scan::Compact::new(&cleaned);
    let (mut hits, mut not_cors) = (Vec::new(), Vec::new());
    let (chromium, chromium_unknown) = chromium::scan(&c);
    hits.extend(chromium);
    hits.extend(chromium::scan_legacy(&c));
    let (firefox, warnings, firefox_unknown) = firefox::scan(&c);
    hits.extend(firefox);
    hits.extend(webkit::scan(&c));
    hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    hits = drop_nested(hits);
    for h in &mut hits {
        h.message = c.value(h.start, h.end);
    }
    for p in chromium_unknown.into_iter().chain(firefox_unknown) {
        let looks_like = "a CORS message whose wording this version does not recognise (a newer browser, a \
            translated console, or a damaged paste); run `cors-doctor check` on the URL to see the failing check";
        not_cors.push((
            p,
            NotCors {
                line: c.line_of(p).to_string(),
                looks_like: looks_like.to_string(),
            },
        ));
    }
    not_cors.extend(warnings);

    let claimed: Vec<usize> = not_cors.iter().map(|(p, _)| c.orig_at(*p)).collect();
    let mut events: Vec<(usize, Event)> = hits.into_iter().map(|h| (h.start, Event::Hit(h))).collect();
    events.extend(
        aux_lines(&c, &events, &claimed)
            .into_iter()
            .map(|(p, a)| (p, Event::Aux(a))),
    );
    events.extend(
        not_cors
            .into_iter()
            .map(|(p, n)| (p, Event::Aux(noise::Aux::NotCors(n)))),
    );
    events.sort_by_key(|(p, _)| *p);
    let report = assemble(events.into_iter().map(|(_, e)| e).collect());
    finish(report, &cleaned)
}

/// Keep the outermost of nested matches (a WebKit reason inside its redirect sentence, the
/// Inspector's `Failed to load resource: {reason}` echo is not nested and is handled later).
fn drop_nested(hits: Vec<Hit>) -> Vec<Hit> {
    let mut out: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        if out.iter().any(|o| o.start <= h.start && h.end <= o.end) {
            continue;
        }
        out.push(h);
    }
    out
}

/// Classify each line's text outside the recognised messages.
/// Lines holding a position in `claimed` were already reported by a scanner.
fn aux_lines(c: &scan::Compact<'_>, hits: &[(usize, Event)], claimed: &[usize]) -> Vec<(usize, noise::Aux)> {
    let spans: Vec<(usize, usize)> = hits
        .iter()
        .filter_map(|(_, e)| match e {
            Event::Hit(h) => Some((c.orig_at(h.start), c.orig_at(h.end))),
            Event::Aux(_) => None,
        })
        .collect();
    let mut out = Vec::new();
    let mut offset = 0;
    for line in c.orig.split_inclusive('\n') {
        let (start, end) = (offset, offset + line.len());
        offset = end;
        if claimed.iter().any(|&p| start <= p && p < end) {
            continue;
        }
        let mut residual = String::new();
        let mut cut = false;
        for (i, ch) in line.char_indices() {
            let at = start + i;
            if spans.iter().any(|&(a, b)| a <= at && at < b) {
                cut = true;
                residual.push(' ');
            } else {
                residual.push(ch);
            }
        }
        // What is left of a line that held a message is its decoration ("Failed to load resource:").
        if cut
            && residual
                .trim()
                .trim_end_matches(':')
                .ends_with("Failed to load resource")
        {
            continue;
        }
        if let Some(aux) = noise::classify(&residual) {
            out.push((c.pos_at_orig(start), aux));
        }
    }
    out
}

fn assemble(events: Vec<Event>) -> Report {
    let mut hits: Vec<Hit> = Vec::new();
    let mut consumed_summary: Vec<bool> = Vec::new();
    let mut script_errors: Vec<Option<Engine>> = Vec::new();
    let mut net_failed: Vec<noise::Aux> = Vec::new();
    let mut report = Report::default();
    for event in events {
        match event {
            Event::Hit(h) => {
                consumed_summary.push(false);
                hits.push(h);
            }
            Event::Aux(noise::Aux::ScriptError { browser }) => script_errors.push(browser),
            Event::Aux(aux @ noise::Aux::NetFailed { .. }) => {
                if !attach_net_failed(&mut hits, &aux) {
                    net_failed.push(aux);
                }
            }
            Event::Aux(noise::Aux::NotCors(n)) => {
                if !report.not_cors.contains(&n) {
                    report.not_cors.push(n);
                }
            }
        }
    }
    pair_webkit(&mut hits, &mut consumed_summary);
    let hits: Vec<Hit> = hits
        .into_iter()
        .zip(consumed_summary)
        .filter(|(_, used)| !used)
        .map(|(h, _)| h)
        .collect();
    let hits = firefox_consequences(hits);
    let hits = drop_webkit_echoes(hits);
    let has_errors = !hits.is_empty();
    if !has_errors && report.not_cors.is_empty() {
        if !net_failed.is_empty() {
            report.not_cors.push(NotCors {
                line: "net::ERR_FAILED".into(),
                looks_like: "a failed load with no CORS message: in Chromium this is a request stopped before any \
                    response could be checked (redirect mode 'error', an extension, a cancelled request). If there is an \
                    `Access to … has been blocked by CORS policy` line, paste it too"
                    .into(),
            });
        }
        if let (Some(browser), true) = (script_errors.first(), report.not_cors.is_empty()) {
            report.not_cors.push(script_error_answer(*browser));
        }
    }
    let fetch_seen = script_errors.contains(&Some(Engine::Firefox));
    report.errors = dedup(hits, fetch_seen);
    report
}

fn script_error_answer(browser: Option<Engine>) -> NotCors {
    let (line, browser) = match browser {
        Some(Engine::Firefox) => (
            "TypeError: NetworkError when attempting to fetch resource.",
            "Firefox",
        ),
        Some(Engine::Webkit) => ("TypeError: Load failed", "Safari"),
        Some(_) => ("TypeError: Failed to fetch", "Chromium"),
        None => ("Network Error", "the browser"),
    };
    NotCors {
        line: line.into(),
        looks_like: format!(
            "the script-side rejection {browser} gives for every blocked or failed request: CORS, a refused \
             connection, DNS, TLS or an ad blocker all look the same to script. The reason is in the console line \
             printed next to it (\"Access to … has been blocked by CORS policy\", \"Cross-Origin Request Blocked\", \
             \"… due to access control checks\" or a net::ERR_* line): paste that line"
        ),
    }
}

/// Chromium's `METHOD URL net::ERR_FAILED STATUS` line belongs to the message for that URL.
fn attach_net_failed(hits: &mut [Hit], aux: &noise::Aux) -> bool {
    let noise::Aux::NetFailed { method, url, status } = aux else {
        return false;
    };
    let target = hits.iter_mut().rev().find(|h| {
        h.browser == Engine::Chromium
            && match url {
                Some(u) => {
                    h.url.as_deref() == Some(u.as_str()) || h.initial_url.as_deref() == Some(u.as_str())
                }
                None => true,
            }
    });
    let Some(h) = target else { return false };
    if let Some(m) = method {
        h.detail.entry("method".into()).or_insert_with(|| m.clone());
    }
    if let (Some(s), Stage::Actual) = (status, h.stage) {
        h.detail.entry("status".into()).or_insert_with(|| s.to_string());
    }
    true
}

/// Give each WebKit reason the URL (and initiator) of the summary line that follows it.
fn pair_webkit(hits: &mut [Hit], consumed: &mut [bool]) {
    for i in 0..hits.len() {
        if hits[i].browser != Engine::Webkit || hits[i].role != Role::Primary {
            continue;
        }
        let is_free_summary =
            |j: usize| hits[j].browser == Engine::Webkit && hits[j].role == Role::Summary && !consumed[j];
        let next = (i + 1..hits.len())
            .take_while(|&j| hits[j].browser != Engine::Webkit || hits[j].role == Role::Summary)
            .find(|&j| is_free_summary(j));
        // Some pastes put the summary first: take the summary just before, if nothing is between.
        let prev = || {
            i.checked_sub(1)
                .filter(|&j| is_free_summary(j) && hits[i].url.is_none())
        };
        let Some(j) = next.or_else(prev) else { continue };
        let (url, initiator) = (hits[j].url.clone(), hits[j].initiator);
        let same = hits[i].url.is_none() || hits[i].url == url;
        if !same {
            continue;
        }
        consumed[j] = true;
        let h = &mut hits[i];
        h.url = h.url.take().or(url);
        h.initiator = h.initiator.or(initiator);
        if let Some(r) = hits[j].detail.get("resource").cloned() {
            hits[i].detail.entry("resource".into()).or_insert(r);
        }
    }
}

/// Firefox prints consequences of one failure as extra lines: `CORSDidNotSucceed … (null)` after a
/// failed preflight, `CORSPreflightDidNotSucceed … 30x` after `CORSExternalRedirectNotAllowed`.
fn firefox_consequences(hits: Vec<Hit>) -> Vec<Hit> {
    let mut out: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        if h.browser == Engine::Firefox {
            let prev = out
                .iter_mut()
                .rev()
                .find(|o| o.browser == Engine::Firefox && o.url == h.url);
            if let Some(prev) = prev {
                let null_status = !h.detail.contains_key("status");
                if h.kind == FailureKind::Network && null_status && prev.kind != FailureKind::Network {
                    if is_cors_check(prev.kind) {
                        prev.stage = Stage::Preflight;
                    }
                    continue;
                }
                if h.error_name == "CORSPreflightDidNotSucceed"
                    && prev.error_name == "CORSExternalRedirectNotAllowed"
                {
                    if let Some(s) = h.detail.get("status") {
                        prev.detail.entry("status".into()).or_insert_with(|| s.clone());
                    }
                    continue;
                }
            }
        }
        out.push(h);
    }
    out
}

/// Web Inspector repeats the reason as `Failed to load resource: {reason}`: same text, no new error.
fn drop_webkit_echoes(hits: Vec<Hit>) -> Vec<Hit> {
    let mut out: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        let echo = h.browser == Engine::Webkit
            && out.iter().rev().take(2).any(|o| {
                o.browser == Engine::Webkit
                    && o.error_name == h.error_name
                    && o.detail == h.detail
                    && o.origin == h.origin
                    && (h.url.is_none() || h.url == o.url)
            });
        if !echo {
            out.push(h);
        }
    }
    out
}

pub(crate) fn is_cors_check(kind: FailureKind) -> bool {
    kind.is_cors_check()
}

fn dedup(hits: Vec<Hit>, fetch_seen: bool) -> Vec<Explained> {
    let mut out: Vec<Explained> = Vec::new();
    for mut h in hits {
        if h.browser == Engine::Firefox && fetch_seen && h.initiator.is_none() {
            h.initiator = Some(Initiator::Fetch);
        }
        let e = advice::explain_hit(h);
        match out.iter_mut().find(|o| same_error(o, &e)) {
            Some(o) => o.count += 1,
            None => out.push(e),
        }
    }
    out
}

fn same_error(a: &Explained, b: &Explained) -> bool {
    (a.browser, &a.code, &a.url, &a.initial_url, &a.origin, &a.detail)
        == (b.browser, &b.code, &b.url, &b.initial_url, &b.origin, &b.detail)
}

/// When nothing at all was recognised, say so.
fn finish(mut report: Report, cleaned: &str) -> Report {
    if report.errors.is_empty() && report.not_cors.is_empty() {
        let line = cleaned
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or_default();
        let line: String = line.chars().take(200).collect();
        report.not_cors.push(NotCors {
            line,
            looks_like: "no browser console error that cors-doctor recognises: paste the red console line that \
                starts with \"Access to\" (Chrome, Edge), \"Cross-Origin Request Blocked\" (Firefox) or the [Error] \
                lines (Safari)"
                .into(),
        });
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_errors_are_each_explained_and_duplicates_merged() {
        let a = "Access to fetch at 'https://a.test/x' from origin 'http://localhost:3000' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.";
        let b = "Access to XMLHttpRequest at 'https://a.test/y' from origin 'http://localhost:3000' has been blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.";
        let text = format!("noise before\n{a}\n{a}\n{b}\n{a}\ntrailing noise");
        let r = explain(&text);
        assert_eq!(r.errors.len(), 2, "{r:#?}");
        assert_eq!(r.errors[0].count, 3);
        assert_eq!(r.errors[1].code, "method-not-allowed");
        assert!(r.not_cors.is_empty(), "{:?}", r.not_cors);
    }

    #[test]
    fn one_line_paste_of_two_messages() {
        let text = "Access to fetch at 'https://a.test/x' from origin 'https://app.test' has been blocked by CORS policy: It does not have HTTP ok status. Access to fetch at 'https://a.test/z' from origin 'https://app.test' has been blocked by CORS policy: Redirect is not allowed for a preflight request.";
        let r = explain(text);
        assert_eq!(r.errors.len(), 2);
        assert_eq!(r.errors[1].kind, FailureKind::PreflightDisallowedRedirect);
    }

    #[test]
    fn not_cors_only() {
        let r = explain("GET http://localhost:8080/api net::ERR_CONNECTION_REFUSED\nUncaught (in promise) TypeError: Failed to fetch");
        assert!(r.errors.is_empty());
        assert_eq!(r.not_cors.len(), 1, "{:?}", r.not_cors);
        assert!(r.not_cors[0].looks_like.contains("not reachable"));
        let r = explain("TypeError: Failed to fetch");
        assert!(r.not_cors[0].looks_like.contains("script-side"));
        let r = explain("hello world");
        assert!(r.not_cors[0].looks_like.starts_with("no browser console error"));
    }
}

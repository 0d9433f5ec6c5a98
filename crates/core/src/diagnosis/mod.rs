//! Diagnosis: from what was observed (exchanges) and judged (verdicts) to what a developer should
//! know — the root cause first, then findings with severity and evidence.
//!
//! Contract: pure functions over plain data. A finding is data (never an error); it names what was
//! seen on which response, so a renderer can show actual vs expected. The most common real cause of
//! a "CORS error" is an error response that skipped the CORS middleware, so that is checked first.

mod findings;
mod root_cause;

use serde::Serialize;

use crate::model::{CorsRequest, HeaderList, ObservedResponse, OutgoingRequest, Verdict};

pub use findings::{needs_from, ORIGIN_PROBE};

/// How serious a finding is. `Error` findings make `check` exit 1 even when the request passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Breaks the request, or is exploitable.
    Error,
    /// Works today but is fragile, deprecated or surprising.
    Warning,
    /// Worth knowing.
    Info,
}

/// Which step of the exchange a response answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The CORS-preflight (OPTIONS).
    Preflight,
    /// The actual request or one of its redirect hops.
    Actual,
    /// An extra request cors-doctor sent with a foreign Origin to see whether any origin is trusted.
    Probe,
}

/// One request and what came back.
#[derive(Debug, Clone, Copy)]
pub struct Observation<'a> {
    /// Its role in the fetch.
    pub role: Role,
    /// What was sent.
    pub request: &'a OutgoingRequest,
    /// What came back, if anything.
    pub response: Option<&'a ObservedResponse>,
    /// The transport error, if the request failed below HTTP.
    pub error: Option<&'a str>,
}

/// Everything the diagnosis looks at.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// The request as the script made it.
    pub request: &'a CorsRequest,
    /// Every exchange, in the order sent.
    pub observations: Vec<Observation<'a>>,
    /// One verdict per modelled browser.
    pub verdicts: &'a [Verdict],
}

/// Something worth telling, blocked or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable kebab-case id, e.g. `error-response-without-cors`.
    pub id: &'static str,
    /// How serious.
    pub severity: Severity,
    /// One line.
    pub title: String,
    /// What it means and why it matters.
    pub detail: String,
    /// What was seen, e.g. `preflight response: HTTP 401, no Access-Control-Allow-Origin`.
    pub evidence: Vec<String>,
    /// A concrete change, in words (stack-specific snippets come from [`crate::fixes`]).
    pub remedy: String,
}

/// The one sentence to lead with: what really went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RootCause {
    /// Stable id, shared with the finding that carries the details when there is one.
    pub id: &'static str,
    /// The headline, e.g. "The server answered HTTP 500: that is the problem".
    pub headline: String,
    /// Why it shows up as a CORS error.
    pub detail: String,
}

/// Root cause plus findings, most severe first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// The real cause, when one can be named.
    pub root_cause: Option<RootCause>,
    /// All findings, ordered by severity.
    pub findings: Vec<Finding>,
}

/// Diagnose a checked fetch.
pub fn diagnose(input: &Input<'_>) -> Diagnosis {
    let mut findings = findings::all(input);
    findings.sort_by_key(|f| f.severity);
    Diagnosis {
        root_cause: root_cause::find(input),
        findings,
    }
}

/// Fetch "get" of a header as an owned string (all values joined with ", "), `None` when absent.
fn combined(headers: &HeaderList, name: &str) -> Option<String> {
    crate::http::get(headers, name).map(std::borrow::Cow::into_owned)
}

impl Input<'_> {
    /// Observations with a given role that got an HTTP response.
    pub fn responses(&self, role: Role) -> impl Iterator<Item = (&OutgoingRequest, &ObservedResponse)> + '_ {
        self.observations
            .iter()
            .filter(move |o| o.role == role)
            .filter_map(|o| o.response.map(|r| (o.request, r)))
    }

    /// The first preflight response, if a preflight got one.
    pub fn preflight(&self) -> Option<&ObservedResponse> {
        self.responses(Role::Preflight).map(|(_, r)| r).next()
    }

    /// The last response of the actual request chain (after redirects).
    pub fn final_response(&self) -> Option<&ObservedResponse> {
        self.responses(Role::Actual).map(|(_, r)| r).last()
    }
}

//! The parity cases: every lab scenario's own request, plus request variants aimed at scenarios
//! whose replies make the variant meaningful.
//!
//! Contract: [`all`] returns cases with unique names, in a stable order, built only from the
//! catalogue the lab crate ships (`cors_doctor_lab::catalogue()`): a variant whose target scenario
//! is missing from the catalogue is left out and named in [`missing_targets`], never invented.
//! Scenario cases carry the scenario's own Chromium expectation; variants carry none (their truth
//! is whatever Chromium does).

use cors_doctor_lab::{catalogue, find, Lab};

use super::observe::FetchSpec;

/// What a scenario's table says Chromium does with its own request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expect {
    pub(crate) blocked: bool,
    pub(crate) chromium_error: Option<String>,
}

/// One fetch to run in both Chromium and cors-doctor.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    /// `scenario` or `scenario+variant`.
    pub(crate) name: String,
    pub(crate) spec: FetchSpec,
    pub(crate) expected: Option<Expect>,
}

/// A request shape applied to a scenario: `(label, method, headers, credentials, redirect, body)`.
type Variant = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static str,
    Option<&'static str>,
);

/// Variants and the scenarios they are aimed at. Labels say what the variant exercises.
const VARIANTS: &[(&[&str], Variant)] = &[];

/// Every case: the catalogue in its own order, then the variants.
pub(crate) fn all(lab: &Lab) -> Vec<Case> {
    let mut cases: Vec<Case> = catalogue()
        .iter()
        .map(|s| Case {
            name: s.name.to_string(),
            spec: FetchSpec {
                url: lab.url(s.name),
                method: s.request.method.to_string(),
                headers: s.request.headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
                credentials: s.request.credentials.to_string(),
                redirect: "follow".into(),
                body: s.request.body.map(str::to_string),
            },
            expected: Some(Expect {
                blocked: s.expected.blocked,
                chromium_error: s.expected.chromium_error.map(str::to_string),
            }),
        })
        .collect();
    for (targets, (label, method, headers, credentials, redirect, body)) in VARIANTS {
        for target in targets.iter().filter(|t| find(t).is_some()) {
            cases.push(Case {
                name: format!("{target}+{label}"),
                spec: FetchSpec {
                    url: lab.url(target),
                    method: method.to_string(),
                    headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
                    credentials: credentials.to_string(),
                    redirect: redirect.to_string(),
                    body: body.map(str::to_string),
                },
                expected: None,
            });
        }
    }
    cases
}

/// Variant targets the catalogue does not have (reported, so a renamed scenario is noticed).
pub(crate) fn missing_targets() -> Vec<&'static str> {
    let mut missing: Vec<&str> =
        VARIANTS.iter().flat_map(|(targets, _)| targets.iter().copied()).filter(|t| find(t).is_none()).collect();
    missing.sort_unstable();
    missing.dedup();
    missing
}

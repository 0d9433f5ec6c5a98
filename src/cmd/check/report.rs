//! The `check` report: the JSON contract `cors-doctor/check/v1` (docs/check-v1.schema.json) and
//! the single source every renderer reads. Built once from the driven exchanges, the verdicts, the
//! diagnosis and the fix; secrets are redacted here, so no renderer can leak them.

use std::collections::BTreeMap;

use cors_doctor_core::classify::Classification;
use cors_doctor_core::diagnosis::{Diagnosis, Finding, Role, RootCause, Severity};
use cors_doctor_core::explain::knowledge::{fill, knowledge};
use cors_doctor_core::fixes::{Detection, Fix};
use cors_doctor_core::redact::redact_header_value;
use cors_doctor_core::{CorsRequest, Failure, Outcome, Verdict};
use serde::Serialize;

use super::drive::{credentials_name, Exchange};

/// Schema id of this report.
pub(crate) const SCHEMA: &str = "cors-doctor/check/v1";

/// A header as `[name, value]`.
pub(crate) type Pair = [String; 2];

#[derive(Debug, Serialize)]
pub(crate) struct CheckReport {
    pub(crate) schema: &'static str,
    pub(crate) request: RequestOut,
    pub(crate) classification: ClassificationOut,
    pub(crate) exchanges: Vec<ExchangeOut>,
    pub(crate) verdicts: BTreeMap<&'static str, VerdictOut>,
    pub(crate) root_cause: Option<RootCause>,
    /// What the first failure means and its usual causes (from the knowledge base shared with
    /// `explain`), for readers who do not know the rule by heart.
    pub(crate) explanation: Option<ExplanationOut>,
    pub(crate) findings: Vec<FindingOut>,
    pub(crate) fix: Option<FixOut>,
    /// How to finish an `incomplete` check.
    pub(crate) next_step: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct RequestOut {
    pub(crate) url: String,
    pub(crate) origin: String,
    pub(crate) method: String,
    pub(crate) headers: Vec<Pair>,
    pub(crate) credentials: &'static str,
    pub(crate) redirect: String,
    /// The request body as text (lossy UTF-8, first 4 KiB), when there is one.
    pub(crate) body: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ClassificationOut {
    pub(crate) preflight: bool,
    pub(crate) cross_origin: bool,
    pub(crate) reasons: Vec<ReasonOut>,
    /// The Access-Control-Request-Headers value a preflight carries (null when absent).
    pub(crate) access_control_request_headers: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ReasonOut {
    pub(crate) kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    pub(crate) detail: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct ExchangeOut {
    pub(crate) kind: &'static str,
    pub(crate) request: WireRequestOut,
    pub(crate) response: Option<ResponseOut>,
    pub(crate) error: Option<String>,
    pub(crate) elapsed_ms: Option<f64>,
}

#[derive(Debug, Serialize)]
pub(crate) struct WireRequestOut {
    pub(crate) method: String,
    pub(crate) url: String,
    pub(crate) headers: Vec<Pair>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ResponseOut {
    pub(crate) status: u16,
    pub(crate) status_text: String,
    pub(crate) http_version: String,
    pub(crate) headers: Vec<Pair>,
}

#[derive(Debug, Serialize)]
pub(crate) struct VerdictOut {
    pub(crate) outcome: Outcome,
    pub(crate) failure: Option<FailureOut>,
    pub(crate) exposed_headers: Vec<String>,
    pub(crate) status: Option<u16>,
    pub(crate) preflight_sent: bool,
    pub(crate) warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FailureOut {
    pub(crate) stage: cors_doctor_core::Stage,
    pub(crate) code: String,
    pub(crate) error_name: String,
    /// The CORS line the browser prints (null when it prints only a net:: error).
    pub(crate) message: Option<String>,
    /// Every console line, in order.
    pub(crate) console: Vec<String>,
    /// The failed parameter (header value, method, header name).
    pub(crate) hint: Option<String>,
    pub(crate) url: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct ExplanationOut {
    /// The stable code of the failure explained.
    pub(crate) code: String,
    pub(crate) text: String,
    /// Usual causes, most likely first.
    pub(crate) causes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FindingOut {
    pub(crate) id: &'static str,
    pub(crate) severity: Severity,
    pub(crate) title: String,
    pub(crate) detail: String,
    pub(crate) evidence: Vec<String>,
    pub(crate) remedy: String,
    pub(crate) fix: Option<FixOut>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct FixOut {
    pub(crate) stack: &'static str,
    pub(crate) label: &'static str,
    /// What the stack was detected from; null when named with --stack or unknown.
    pub(crate) detected_from: Option<String>,
    pub(crate) language: &'static str,
    pub(crate) snippet: String,
    pub(crate) gotchas: Vec<&'static str>,
}

/// Everything the report is built from.
pub(crate) struct Parts<'a> {
    pub(crate) request: &'a CorsRequest,
    pub(crate) body: Option<&'a [u8]>,
    pub(crate) classification: &'a Classification,
    pub(crate) exchanges: &'a [Exchange],
    pub(crate) verdicts: &'a [Verdict],
    pub(crate) diagnosis: Diagnosis,
    pub(crate) fix: Option<(Fix, Option<Detection>)>,
    pub(crate) show_secrets: bool,
}

impl CheckReport {
    pub(crate) fn build(p: Parts<'_>) -> CheckReport {
        let redact = Redactor { show: p.show_secrets };
        let fix = p.fix.map(|(fix, det)| fix_out(fix, det));
        let next_step = next_step(p.request, p.verdicts);
        CheckReport {
            schema: SCHEMA,
            request: request_out(p.request, p.body, &redact),
            classification: classification_out(p.classification),
            exchanges: p.exchanges.iter().map(|e| exchange_out(e, &redact)).collect(),
            verdicts: p
                .verdicts
                .iter()
                .map(|v| (v.engine.name(), verdict_out(v)))
                .collect(),
            explanation: explanation(p.request, p.verdicts),
            root_cause: p.diagnosis.root_cause,
            findings: p
                .diagnosis
                .findings
                .into_iter()
                .map(|f| finding_out(f, fix.as_ref()))
                .collect(),
            fix,
            next_step,
        }
    }

    /// 0 allowed everywhere (or incomplete) with no error finding; 1 otherwise.
    pub(crate) fn has_problem(&self) -> bool {
        self.verdicts.values().any(|v| v.outcome == Outcome::Blocked)
            || self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

struct Redactor {
    show: bool,
}

impl Redactor {
    fn pairs(&self, headers: &[(String, String)]) -> Vec<Pair> {
        headers
            .iter()
            .map(|(n, v)| [n.clone(), self.value(n, v)])
            .collect()
    }

    fn value(&self, name: &str, value: &str) -> String {
        if self.show {
            return value.to_string();
        }
        redact_header_value(name, value)
    }
}

fn request_out(r: &CorsRequest, body: Option<&[u8]>, redact: &Redactor) -> RequestOut {
    RequestOut {
        url: r.url.clone(),
        origin: r.origin.clone(),
        method: r.method.clone(),
        headers: redact.pairs(&r.headers),
        credentials: credentials_name(r.credentials),
        redirect: format!("{:?}", r.redirect).to_lowercase(),
        body: body.map(|b| String::from_utf8_lossy(&b[..b.len().min(4096)]).into_owned()),
    }
}

fn classification_out(c: &Classification) -> ClassificationOut {
    let acrh = (!c.unsafe_header_names.is_empty()).then(|| c.unsafe_header_names.join(","));
    ClassificationOut {
        preflight: c.preflight,
        cross_origin: c.cross_origin,
        reasons: c
            .reasons
            .iter()
            .map(|r| ReasonOut {
                kind: format!("{:?}", r.kind).to_lowercase(),
                name: r.name.clone(),
                detail: r.detail.clone(),
            })
            .collect(),
        access_control_request_headers: acrh,
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Preflight => "preflight",
        Role::Actual => "actual",
        Role::Probe => "probe",
    }
}

fn exchange_out(e: &Exchange, redact: &Redactor) -> ExchangeOut {
    let response = e.result.as_ref().ok().map(|r| ResponseOut {
        status: r.status,
        status_text: r.reason.clone(),
        http_version: r.version.clone(),
        headers: redact.pairs(&r.headers),
    });
    ExchangeOut {
        kind: role_name(e.role),
        request: WireRequestOut {
            method: e.outgoing.method.clone(),
            url: e.outgoing.url.clone(),
            headers: redact.pairs(&e.wire_headers),
        },
        response,
        error: match &e.result {
            Err(err) => Some(err.to_string()),
            Ok(r) => r.body_error.as_ref().map(|b| format!("body cut short: {b}")),
        },
        elapsed_ms: e.elapsed().map(|d| (d.as_secs_f64() * 10_000.0).round() / 10.0),
    }
}

fn verdict_out(v: &Verdict) -> VerdictOut {
    VerdictOut {
        outcome: v.outcome,
        failure: v.failure.as_ref().map(failure_out),
        exposed_headers: v.exposed_headers.clone(),
        status: v.status,
        preflight_sent: v
            .sent
            .iter()
            .any(|s| s.kind == cors_doctor_core::ExchangeKind::Preflight),
        warnings: v.warnings.iter().map(|w| w.code.clone()).collect(),
    }
}

fn failure_out(f: &Failure) -> FailureOut {
    FailureOut {
        stage: f.stage,
        code: f.code(),
        error_name: f.error_name(),
        message: f.message(),
        console: f.console_lines(),
        hint: f.hint.clone(),
        url: f.url.clone(),
    }
}

fn finding_out(f: Finding, fix: Option<&FixOut>) -> FindingOut {
    let fix = (f.severity == Severity::Error).then(|| fix.cloned()).flatten();
    FindingOut {
        id: f.id,
        severity: f.severity,
        title: f.title,
        detail: f.detail,
        evidence: f.evidence,
        remedy: f.remedy,
        fix,
    }
}

fn fix_out(fix: Fix, detection: Option<Detection>) -> FixOut {
    FixOut {
        stack: fix.stack.name(),
        label: fix.stack.label(),
        detected_from: detection.map(|d| d.evidence),
        language: fix.language,
        snippet: fix.snippet,
        gotchas: fix.gotchas,
    }
}

/// Explain the first failure, preferring Chromium's (the most common browser).
fn explanation(request: &CorsRequest, verdicts: &[Verdict]) -> Option<ExplanationOut> {
    let f = verdicts.iter().filter_map(|v| v.failure.as_ref()).next()?;
    let k = knowledge(f.kind, f.stage);
    let mut vars = BTreeMap::new();
    vars.insert("origin".to_string(), request.origin.clone());
    vars.insert("method".to_string(), f.method.clone());
    let hint = f.hint.clone().unwrap_or_default();
    vars.insert("header".to_string(), hint.clone());
    vars.insert("value".to_string(), hint);
    if let Some(status) = f.status {
        vars.insert("status".to_string(), status.to_string());
    }
    Some(ExplanationOut {
        code: f.code(),
        text: fill(k.explanation, &vars),
        causes: k.causes.iter().map(|c| fill(c, &vars)).collect(),
    })
}

fn next_step(request: &CorsRequest, verdicts: &[Verdict]) -> Option<String> {
    let v = verdicts.iter().find(|v| v.outcome == Outcome::Incomplete)?;
    let preflighted = v
        .sent
        .iter()
        .any(|s| s.kind == cors_doctor_core::ExchangeKind::Preflight);
    let method = cors_doctor_core::classify::normalize_method(&request.method);
    let passed = if preflighted {
        "The preflight allows this request, but the"
    } else {
        "The"
    };
    Some(format!(
        "{passed} {method} request itself was not sent because it may change data on the server. Re-run with \
         --send-actual to send it and judge the response too."
    ))
}

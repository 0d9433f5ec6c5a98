//! The JSON contract `cors-doctor/audit/v1` (schema: docs/audit-v1.schema.json), the single input
//! of every renderer, and the exit code it implies.

use cors_doctor_core::audit::{Finding, Severity};
use serde::Serialize;

use super::exec::TargetResult;
use crate::cli::args::FailOn;
use crate::cli::exit::Exit;

pub(crate) const SCHEMA: &str = "cors-doctor/audit/v1";

/// The URL as reports show it: userinfo and secret query values (`?token=…`) redacted. Also returns
/// the forms it may appear in (as given, as the URL parser serializes it) for replacing in text.
fn redact_url(url: &str) -> (String, Vec<String>) {
    let mut forms = vec![url.to_owned()];
    let mut shown = url.to_owned();
    if let Ok(mut parsed) = url::Url::parse(url) {
        forms.push(parsed.to_string());
        if !parsed.username().is_empty() || parsed.password().is_some() {
            let _ = parsed.set_username("[redacted]");
            let _ = parsed.set_password(None);
        }
        shown = parsed.to_string().replacen("%5Bredacted%5D", "[redacted]", 1);
    }
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms.dedup();
    (
        cors_doctor_core::redact::redact_query_secrets(&shown).into_owned(),
        forms,
    )
}

#[derive(Debug, Serialize)]
pub(crate) struct AuditReport {
    pub(crate) schema: &'static str,
    /// Sorted by URL.
    pub(crate) targets: Vec<TargetOut>,
    pub(crate) summary: Summary,
}

#[derive(Debug, Serialize)]
pub(crate) struct TargetOut {
    pub(crate) url: String,
    /// Why the target could not be (fully) audited; `null` when every probe was answered.
    pub(crate) error: Option<String>,
    /// Probes sent.
    pub(crate) requests: usize,
    /// Most severe first.
    pub(crate) findings: Vec<Finding>,
}

#[derive(Debug, Serialize, Default)]
pub(crate) struct BySeverity {
    pub(crate) critical: usize,
    pub(crate) high: usize,
    pub(crate) medium: usize,
    pub(crate) low: usize,
    pub(crate) info: usize,
}

impl BySeverity {
    pub(crate) fn get(&self, s: Severity) -> usize {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    fn add(&mut self, s: Severity) {
        *match s {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Info => &mut self.info,
        } += 1;
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct Summary {
    /// URLs given (after removing duplicates).
    pub(crate) targets: usize,
    /// Targets where at least one probe was answered.
    pub(crate) audited: usize,
    /// Targets with an error (unreachable, or some probes unanswered).
    pub(crate) errors: usize,
    /// Targets with at least one finding.
    pub(crate) vulnerable: usize,
    pub(crate) findings: usize,
    pub(crate) requests: usize,
    pub(crate) by_severity: BySeverity,
    /// The most severe finding, if any.
    pub(crate) highest: Option<Severity>,
}

impl AuditReport {
    /// `results` in URL order (as [`super::exec::run_all`] returns them).
    pub(crate) fn build(mut results: Vec<TargetResult>) -> AuditReport {
        results.sort_by(|a, b| a.url.cmp(&b.url));
        let mut by_severity = BySeverity::default();
        let mut summary = Summary {
            targets: results.len(),
            audited: results.iter().filter(|r| r.audited()).count(),
            errors: results.iter().filter(|r| r.error.is_some()).count(),
            vulnerable: 0,
            findings: 0,
            requests: 0,
            by_severity: BySeverity::default(),
            highest: None,
        };
        let targets: Vec<TargetOut> = results
            .into_iter()
            .map(|r| {
                let (requests, mut findings) = r
                    .report
                    .map_or((0, Vec::new()), |rep| (rep.requests, rep.findings));
                let (shown, forms) = redact_url(&r.url);
                for f in &mut findings {
                    for form in &forms {
                        f.scenario = f.scenario.replace(form.as_str(), &shown);
                    }
                }
                TargetOut {
                    url: shown,
                    error: r.error,
                    requests,
                    findings,
                }
            })
            .collect();
        for t in &targets {
            summary.requests += t.requests;
            summary.findings += t.findings.len();
            summary.vulnerable += usize::from(!t.findings.is_empty());
            for f in &t.findings {
                by_severity.add(f.severity);
                summary.highest = summary.highest.max(Some(f.severity));
            }
        }
        summary.by_severity = by_severity;
        AuditReport {
            schema: SCHEMA,
            targets,
            summary,
        }
    }

    /// 2 when no target could be audited; 1 when a finding reaches `fail_on`; else 0.
    pub(crate) fn exit(&self, fail_on: FailOn) -> Exit {
        if self.summary.audited == 0 {
            return Exit::Failure;
        }
        let threshold = match fail_on {
            FailOn::Critical => Severity::Critical,
            FailOn::High => Severity::High,
            FailOn::Medium => Severity::Medium,
            FailOn::Low => Severity::Low,
            FailOn::Info => Severity::Info,
            FailOn::Never => return Exit::Ok,
        };
        if self.summary.highest.is_some_and(|h| h >= threshold) {
            Exit::Problem
        } else {
            Exit::Ok
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_lose_userinfo_and_tokens() {
        let (shown, forms) = super::redact_url("http://user:pw@h.test/x?access_token=abc&page=2");
        assert!(!shown.contains("pw") && !shown.contains("abc"), "{shown}");
        assert!(shown.contains("page=2"));
        assert!(forms.iter().any(|f| f.contains("pw")));
    }
}

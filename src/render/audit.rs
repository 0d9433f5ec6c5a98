//! `audit` output: the human report (summary table by severity, then each target's findings) and
//! SARIF 2.1.0. Server-supplied text is escaped before it reaches a terminal.

use std::fmt::Write as _;

use cors_doctor_core::audit::{Class, Finding, Severity};
use serde_json::{json, Value};

use super::sanitize::escape;
use super::style::{Painter, Style};
use crate::cmd::audit::report::AuditReport;

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Critical | Severity::High => Style::Bad,
        Severity::Medium | Severity::Low => Style::Warn,
        Severity::Info => Style::Dim,
    }
}

/// Response headers worth showing in the terminal (JSON has them all).
fn shown_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("access-control-") || n == "vary" || n == "x-cors-doctor-injected"
}

/// Wrap `text` at `width` columns, each line prefixed by `indent`.
fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

/// The human report.
pub(crate) fn human(report: &AuditReport, p: Painter) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}  {} targets, {} audited, {} with errors, {} requests",
        p.paint(Style::Title, "cors-doctor audit"),
        s.targets,
        s.audited,
        s.errors,
        s.requests
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "  {:<10}{:>9}{:>9}", "severity", "findings", "targets");
    for sev in Severity::DESCENDING {
        let targets = report
            .targets
            .iter()
            .filter(|t| t.findings.iter().any(|f| f.severity == sev))
            .count();
        let count = s.by_severity.get(sev);
        let name = format!("{:<10}", sev.name());
        let name = if count > 0 {
            p.paint(severity_style(sev), &name)
        } else {
            name
        };
        let _ = writeln!(out, "  {name}{count:>9}{targets:>9}");
    }
    let _ = writeln!(out);
    for t in &report.targets {
        let url = escape(&t.url);
        if t.findings.is_empty() {
            match &t.error {
                None => {
                    let _ = writeln!(
                        out,
                        "{}  {} ({} requests)",
                        p.paint(Style::Good, "ok"),
                        url,
                        t.requests
                    );
                }
                Some(e) => {
                    let _ = writeln!(out, "{}  {}: {}", p.paint(Style::Bad, "error"), url, escape(e));
                }
            }
            continue;
        }
        let _ = writeln!(
            out,
            "{}  ({} finding{}, {} requests)",
            p.paint(Style::Title, &url),
            t.findings.len(),
            if t.findings.len() == 1 { "" } else { "s" },
            t.requests
        );
        if let Some(e) = &t.error {
            let _ = writeln!(out, "  {}: {}", p.paint(Style::Warn, "incomplete"), escape(e));
        }
        for f in &t.findings {
            finding(&mut out, f, p);
        }
        if let Some(f) = t.findings.iter().find(|f| !f.fix.snippet.is_empty()) {
            let _ = writeln!(out, "  {} ({}):", p.paint(Style::Title, "fix"), f.fix.stack);
            for line in f.fix.snippet.lines() {
                let _ = writeln!(out, "    {}", p.paint(Style::Code, line));
            }
        }
        let _ = writeln!(out);
    }
    if report.targets.iter().any(|t| !t.findings.is_empty()) {
        let _ = writeln!(
            out,
            "{}",
            p.paint(
                Style::Dim,
                "Evidence shows CORS response headers only; --format json has every header."
            )
        );
    }
    out
}

fn finding(out: &mut String, f: &Finding, p: Painter) {
    let sev = format!("{:<8}", f.severity.name().to_uppercase());
    let creds = if f.credentials && f.class != Class::AcacWithoutAcao {
        ", credentials"
    } else {
        ""
    };
    let via = f
        .underlying
        .map(|u| format!(" via {}", u.id()))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  {} {}{via}  {}{creds}",
        p.paint(severity_style(f.severity), &sev),
        f.class.id(),
        f.class.title()
    );
    let request: Vec<String> = f
        .evidence
        .request
        .iter()
        .map(|(n, v)| format!("{n}: {}", escape(v)))
        .collect();
    let _ = writeln!(
        out,
        "    probe:   {} {}  → {}",
        f.method,
        request.join(", "),
        f.evidence.status
    );
    let mut first = true;
    for (n, v) in f.evidence.headers.iter().filter(|(n, _)| shown_header(n)) {
        let label = if first { "answer:" } else { "" };
        first = false;
        let _ = writeln!(out, "    {label:<9}{}: {}", escape(n), escape(v));
    }
    if first {
        let _ = writeln!(out, "    answer:  (no CORS headers)");
    }
    let _ = write!(
        out,
        "{}",
        wrap(&escape(&f.scenario), "      ", 96)
            .replacen("      ", "    attack:  ", 1)
            .replace("\n      ", "\n             ")
    );
    let _ = write!(
        out,
        "{}",
        wrap(&f.fix.advice, "      ", 96)
            .replacen("      ", "    fix:     ", 1)
            .replace("\n      ", "\n             ")
    );
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub code scanning's `security-severity` scale.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// SARIF 2.1.0: one rule per class (stable ids), one result per finding located at its URL,
/// target errors as tool execution notifications.
pub(crate) fn sarif(report: &AuditReport) -> Value {
    let rules: Vec<Value> = Class::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.id(),
                "name": c.id(),
                "shortDescription": { "text": c.title() },
                "helpUri": "https://portswigger.net/web-security/cors",
                "properties": { "tags": ["security", "cors", "CWE-942"] }
            })
        })
        .collect();
    let mut results = Vec::new();
    for t in &report.targets {
        for f in &t.findings {
            let index = Class::ALL.iter().position(|c| *c == f.class).unwrap_or(0);
            results.push(json!({
                "ruleId": f.class.id(),
                "ruleIndex": index,
                "level": level(f.severity),
                "message": { "text": format!("{}: {} (probe Origin {}). {}", f.class.title(), f.severity.name(), f.probe_origin, f.scenario) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": t.url } } }],
                "partialFingerprints": { "corsDoctor/v1": format!("{}|{}|{}", t.url, f.class.id(), f.probe_origin) },
                "properties": {
                    "severity": f.severity.name(),
                    "security-severity": security_severity(f.severity),
                    "credentials": f.credentials,
                    "probe_origin": f.probe_origin,
                    "method": f.method,
                    "status": f.evidence.status,
                    "fix": f.fix.advice,
                }
            }));
        }
    }
    let notifications: Vec<Value> = report
        .targets
        .iter()
        .filter_map(|t| {
            let e = t.error.as_ref()?;
            Some(json!({ "level": "error", "message": { "text": format!("{}: {e}", t.url) } }))
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "cors-doctor",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/cors-doctor/cors-doctor",
                "rules": rules
            }},
            "invocations": [{
                "executionSuccessful": report.summary.audited > 0,
                "toolExecutionNotifications": notifications
            }],
            "results": results
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_keeps_words_and_indent() {
        assert_eq!(wrap("a bb ccc", "  ", 4), "  a bb\n  ccc\n");
    }
}

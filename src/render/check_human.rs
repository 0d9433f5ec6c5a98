//! Human rendering of a `check` report, laid out as the checklist developers already follow:
//! verdict and root cause first, then request type, preflight, request, browsers, findings, fix,
//! and the curl commands to reproduce it. Every server-supplied string is escaped.

use std::fmt::Write as _;

use cors_doctor_core::diagnosis::Severity;
use cors_doctor_core::explain::shell_quote;
use cors_doctor_core::{Outcome, Stage};

use super::sanitize::escape;
use super::style::{Painter, Style};
use crate::cmd::check::report::{CheckReport, ExchangeOut, FailureOut, Pair};

/// Render the whole report.
pub(crate) fn render(r: &CheckReport, p: Painter) -> String {
    let mut out = String::new();
    let sections: [fn(&CheckReport, Painter, &mut String); 9] = [
        header,
        root_cause,
        request_type,
        exchanges,
        credentials,
        browsers,
        findings,
        fix,
        curl,
    ];
    for section in sections {
        section(r, p, &mut out);
    }
    out
}

fn esc(s: &str) -> String {
    escape(s).into_owned()
}

fn header(r: &CheckReport, p: Painter, out: &mut String) {
    let q = &r.request;
    // fetch() upper-cases DELETE GET HEAD OPTIONS POST PUT; show what goes on the wire.
    let sent = cors_doctor_core::classify::normalize_method(&q.method);
    let method = if sent == q.method {
        sent
    } else {
        format!("{sent} (written `{}`)", q.method)
    };
    let _ = writeln!(
        out,
        "{} {}  from {}  (credentials: {})\n",
        p.paint(Style::Title, &esc(&method)),
        esc(&q.url),
        esc(&q.origin),
        q.credentials
    );
    let _ = writeln!(out, "{}\n", verdict_line(r, p));
}

fn engines_with(r: &CheckReport, outcome: Outcome) -> Vec<&'static str> {
    r.verdicts
        .iter()
        .filter(|(_, v)| v.outcome == outcome)
        .map(|(n, _)| *n)
        .collect()
}

fn verdict_line(r: &CheckReport, p: Painter) -> String {
    let blocked = engines_with(r, Outcome::Blocked);
    let incomplete = engines_with(r, Outcome::Incomplete);
    let allowed = engines_with(r, Outcome::Allowed);
    let mut parts = Vec::new();
    if !blocked.is_empty() {
        parts.push(p.paint(Style::Bad, &format!("✗ BLOCKED in {}", blocked.join(", "))));
    }
    if !allowed.is_empty() {
        parts.push(p.paint(Style::Good, &format!("✓ ALLOWED in {}", allowed.join(", "))));
    }
    if !incomplete.is_empty() {
        parts.push(p.paint(
            Style::Warn,
            &format!(
                "… INCOMPLETE in {} (the request itself was not sent)",
                incomplete.join(", ")
            ),
        ));
    }
    parts.join("   ")
}

fn root_cause(r: &CheckReport, p: Painter, out: &mut String) {
    if let Some(rc) = &r.root_cause {
        let _ = writeln!(out, "{}", p.paint(Style::Title, "Root cause"));
        let _ = writeln!(out, "  {}", p.paint(Style::Bad, &esc(&rc.headline)));
        let _ = writeln!(out, "  {}\n", esc(&rc.detail));
    } else if let Some(f) = first_failure(r) {
        let _ = writeln!(out, "{}", p.paint(Style::Title, "What failed"));
        let _ = writeln!(
            out,
            "  {} ({} stage)",
            p.paint(Style::Bad, &f.code),
            stage_name(f)
        );
        if let Some(e) = &r.explanation {
            let _ = writeln!(out, "  {}", esc(&e.text));
            let _ = writeln!(out, "  Usual causes, most likely first:");
            for cause in e.causes.iter().take(3) {
                let _ = writeln!(out, "  - {}", esc(cause));
            }
        }
        let _ = writeln!(out);
    }
    if let Some(step) = &r.next_step {
        let _ = writeln!(out, "{}\n  {}\n", p.paint(Style::Title, "Next step"), step);
    }
}

fn stage_name(f: &FailureOut) -> String {
    format!("{:?}", f.stage).to_lowercase()
}

fn first_failure(r: &CheckReport) -> Option<&FailureOut> {
    r.verdicts.values().find_map(|v| v.failure.as_ref())
}

fn request_type(r: &CheckReport, p: Painter, out: &mut String) {
    let c = &r.classification;
    let _ = writeln!(out, "{}", p.paint(Style::Title, "1. Request type"));
    if !c.cross_origin {
        let _ = writeln!(out, "   same-origin: CORS does not apply\n");
        return;
    }
    if !c.preflight {
        let _ = writeln!(
            out,
            "   simple request: no preflight (method and headers are CORS-safelisted)\n"
        );
        return;
    }
    let _ = writeln!(out, "   preflighted, because:");
    for reason in &c.reasons {
        let _ = writeln!(out, "   - {}", esc(&reason.detail));
    }
    let _ = writeln!(out);
}

fn exchanges(r: &CheckReport, p: Painter, out: &mut String) {
    let mut n = 2;
    let failing = failing_header(r);
    for (i, e) in r.exchanges.iter().enumerate() {
        if e.kind == "probe" {
            probe_line(e, p, out);
            continue;
        }
        let title = match e.kind {
            "preflight" => "Preflight",
            _ => "Request",
        };
        let _ = writeln!(
            out,
            "{}",
            p.paint(
                Style::Title,
                &format!("{n}. {title}  {} {}", esc(&e.request.method), esc(&e.request.url))
            )
        );
        exchange_body(e, failing.as_ref().filter(|f| f.index == i), p, out);
        n += 1;
    }
    if !r.exchanges.iter().any(|e| e.kind == "actual") && r.next_step.is_some() {
        let _ = writeln!(
            out,
            "{}\n   not sent (see Next step)\n",
            p.paint(
                Style::Title,
                &format!("{n}. Request  {} {}", esc(&r.request.method), esc(&r.request.url))
            )
        );
    }
}

/// The reflection probe in one line: what a foreign origin got back.
fn probe_line(e: &ExchangeOut, p: Painter, out: &mut String) {
    let probe = e
        .request
        .headers
        .iter()
        .find(|[n, _]| n.eq_ignore_ascii_case("origin"))
        .map(|[_, v]| v.as_str())
        .unwrap_or("");
    let acao = e.response.as_ref().and_then(|resp| {
        resp.headers
            .iter()
            .find(|[n, _]| n.eq_ignore_ascii_case("access-control-allow-origin"))
            .map(|[_, v]| v.clone())
    });
    let verdict = match &acao {
        Some(v) if v == probe => p.paint(Style::Bad, "reflected: any origin is trusted"),
        Some(v) => p.paint(Style::Good, &format!("not reflected (got {})", esc(v))),
        None => p.paint(Style::Good, "no Access-Control-Allow-Origin: not trusted"),
    };
    let _ = writeln!(out, "{}", p.paint(Style::Title, "Origin reflection probe"));
    let _ = writeln!(
        out,
        "   {} {} with Origin: {} → {}\n",
        esc(&e.request.method),
        esc(&e.request.url),
        esc(probe),
        verdict
    );
}

/// The response header that made the first blocked browser fail, with what it should have been.
struct Failing {
    /// Index of the failing exchange.
    index: usize,
    header: &'static str,
    expected: String,
}

fn failing_header(r: &CheckReport) -> Option<Failing> {
    let f = first_failure(r)?;
    let kind = if f.stage == Stage::Preflight {
        "preflight"
    } else {
        "actual"
    };
    // The failing response is the last one of that kind for the failure's URL.
    let index = r
        .exchanges
        .iter()
        .rposition(|e| e.kind == kind && e.request.url == f.url)?;
    let sent_origin = r.exchanges[index]
        .request
        .headers
        .iter()
        .find(|[n, _]| n.eq_ignore_ascii_case("origin"));
    let origin = sent_origin.map_or_else(|| r.request.origin.clone(), |[_, v]| v.clone());
    let (header, expected) = match f.code.trim_start_matches("preflight-") {
        c if c.contains("allow-origin") || c == "wildcard-origin-not-allowed" => {
            ("access-control-allow-origin", origin)
        }
        "invalid-allow-credentials" => ("access-control-allow-credentials", "true".into()),
        "method-not-allowed" | "invalid-allow-methods" => (
            "access-control-allow-methods",
            format!("a list including {}", r.request.method),
        ),
        "header-not-allowed" | "invalid-allow-headers" => (
            "access-control-allow-headers",
            format!("a list including {}", f.hint.clone().unwrap_or_default()),
        ),
        _ => return None,
    };
    Some(Failing {
        index,
        header,
        expected,
    })
}

fn exchange_body(e: &ExchangeOut, failing: Option<&Failing>, p: Painter, out: &mut String) {
    for [n, v] in &e.request.headers {
        let _ = writeln!(out, "   {} {}: {}", p.paint(Style::Dim, ">"), esc(n), esc(v));
    }
    let Some(resp) = &e.response else {
        if let Some(err) = &e.error {
            let _ = writeln!(out, "   {} {}\n", p.paint(Style::Bad, "✗ no response:"), esc(err));
        }
        return;
    };
    let ms = e.elapsed_ms.map(|m| format!("  ({m} ms)")).unwrap_or_default();
    let status = format!("{} {} {}", resp.http_version, resp.status, esc(&resp.status_text));
    let style = if (200..300).contains(&resp.status) {
        Style::Good
    } else {
        Style::Warn
    };
    let _ = writeln!(
        out,
        "   {} {}{}",
        p.paint(Style::Dim, "<"),
        p.paint(style, status.trim_end()),
        ms
    );
    for [n, v] in &resp.headers {
        let hit = failing.is_some_and(|f| n.eq_ignore_ascii_case(f.header));
        let line = format!("{}: {}", esc(n), esc(v));
        let mark = if hit {
            p.paint(Style::Bad, "✗")
        } else {
            p.paint(Style::Dim, "<")
        };
        let _ = writeln!(
            out,
            "   {mark} {}",
            if hit { p.paint(Style::Bad, &line) } else { line }
        );
    }
    if let Some(f) = failing {
        if !resp.headers.iter().any(|[n, _]| n.eq_ignore_ascii_case(f.header)) {
            let _ = writeln!(
                out,
                "   {} {}",
                p.paint(Style::Bad, "✗"),
                p.paint(Style::Bad, &format!("{} is missing", canonical(f.header)))
            );
        }
        let _ = writeln!(out, "     expected {}: {}", canonical(f.header), esc(&f.expected));
    }
    if let Some(err) = &e.error {
        // The head arrived (and is judged); the body did not: not a CORS problem.
        let _ = writeln!(
            out,
            "   {} {}\n     a browser hands this response to script, then fails reading its body (a network error, not a CORS one)",
            p.paint(Style::Warn, "!"),
            esc(err)
        );
    }
    let _ = writeln!(out);
}

fn canonical(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn credentials(r: &CheckReport, p: Painter, out: &mut String) {
    if !r.classification.cross_origin {
        return;
    }
    let _ = writeln!(out, "{}", p.paint(Style::Title, "Credentials"));
    let text = match r.request.credentials {
        "include" => {
            let acac = r.exchanges.iter().filter(|e| e.kind != "probe").filter_map(|e| e.response.as_ref()).find_map(|resp| {
                resp.headers.iter().find(|[n, _]| n.eq_ignore_ascii_case("access-control-allow-credentials")).map(|[_, v]| v.clone())
            });
            let seen = acac.map_or("the server sent no Access-Control-Allow-Credentials".to_string(), |v| {
                format!("the server sent Access-Control-Allow-Credentials: {}", esc(&v))
            });
            format!(
                "include: cookies and HTTP auth go with the request (never with the preflight). The response is only \
                 shared if Access-Control-Allow-Origin names the origin exactly and Access-Control-Allow-Credentials \
                 is exactly true; {seen}."
            )
        }
        "omit" => "omit: no cookies or HTTP auth are sent.".to_string(),
        _ => "same-origin (the fetch() default): no cookies go to another origin; add credentials: 'include' in \
              the frontend if this API needs the session cookie."
            .to_string(),
    };
    let _ = writeln!(out, "   {text}\n");
}

fn browser_label(engine: &str) -> &'static str {
    match engine {
        "chromium" => "Chromium",
        "firefox" => "Firefox",
        "webkit" => "Safari",
        _ => "Spec",
    }
}

fn browsers(r: &CheckReport, p: Painter, out: &mut String) {
    let _ = writeln!(out, "{}", p.paint(Style::Title, "Browsers"));
    for (engine, v) in &r.verdicts {
        let (word, style) = match v.outcome {
            Outcome::Allowed => ("allowed", Style::Good),
            Outcome::Blocked => ("blocked", Style::Bad),
            Outcome::Incomplete => ("incomplete", Style::Warn),
        };
        let name = v
            .failure
            .as_ref()
            .map(|f| f.error_name.clone())
            .unwrap_or_default();
        let line = format!(
            "  {:<9} {} {}",
            browser_label(engine),
            p.paint(style, &format!("{word:<10}")),
            esc(&name)
        );
        let _ = writeln!(out, "{}", line.trim_end());
        if let Some(f) = &v.failure {
            for line in &f.console {
                let _ = writeln!(out, "    {}", p.paint(Style::Dim, &esc(line)));
            }
        }
        if v.outcome == Outcome::Allowed && !v.exposed_headers.is_empty() {
            let _ = writeln!(out, "    script can read: {}", v.exposed_headers.join(", "));
        }
        for w in &v.warnings {
            let _ = writeln!(out, "    {} {w}", p.paint(Style::Warn, "warning:"));
        }
    }
    let _ = writeln!(out);
}

fn severity_word(s: Severity, p: Painter) -> String {
    match s {
        Severity::Error => p.paint(Style::Bad, "error  "),
        Severity::Warning => p.paint(Style::Warn, "warning"),
        Severity::Info => p.paint(Style::Dim, "info   "),
    }
}

fn findings(r: &CheckReport, p: Painter, out: &mut String) {
    if r.findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}", p.paint(Style::Title, "Findings"));
    for f in &r.findings {
        let _ = writeln!(
            out,
            "  {} {}  [{}]",
            severity_word(f.severity, p),
            esc(&f.title),
            f.id
        );
        let _ = writeln!(out, "          {}", esc(&f.detail));
        for ev in &f.evidence {
            let _ = writeln!(out, "          {}", p.paint(Style::Dim, &esc(ev)));
        }
        let _ = writeln!(out, "          → {}", esc(&f.remedy));
    }
    let _ = writeln!(out);
}

fn fix(r: &CheckReport, p: Painter, out: &mut String) {
    let Some(fix) = &r.fix else { return };
    let from = match &fix.detected_from {
        Some(ev) => format!(" (detected from {})", esc(ev)),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "{}",
        p.paint(Style::Title, &format!("Fix: {}{from}", fix.label))
    );
    for line in fix.snippet.lines() {
        let _ = writeln!(out, "    {}", p.paint(Style::Code, &esc(line)));
    }
    for g in &fix.gotchas {
        let _ = writeln!(out, "  • {g}");
    }
    let _ = writeln!(out);
}

fn curl(r: &CheckReport, p: Painter, out: &mut String) {
    let commands = curl_commands(r);
    if commands.is_empty() {
        return;
    }
    let redacted = commands.iter().any(|c| c.contains("[redacted]"));
    let note = if redacted {
        " (secrets redacted: add --show-secrets for runnable commands)"
    } else {
        ""
    };
    let _ = writeln!(out, "{}{note}", p.paint(Style::Title, "Reproduce with curl"));
    for line in commands {
        let _ = writeln!(out, "  {}", esc(&line));
    }
}

fn curl_line(method: &str, url: &str, headers: &[Pair], body: Option<&str>) -> String {
    let mut line = format!("curl -si -X {} {}", shell_quote(method), shell_quote(url));
    for [n, v] in headers {
        line.push_str(&format!(" -H {}", shell_quote(&format!("{n}: {v}"))));
    }
    if let Some(body) = body {
        line.push_str(&format!(" --data-raw {}", shell_quote(body)));
    }
    line
}

/// The preflight then the request, as a developer would type them.
pub(crate) fn curl_commands(r: &CheckReport) -> Vec<String> {
    let relevant = |h: &&Pair| {
        !h[0].to_ascii_lowercase().starts_with("sec-fetch-") && !h[0].eq_ignore_ascii_case("referer")
    };
    r.exchanges
        .iter()
        .filter(|e| e.kind != "probe")
        .map(|e| {
            let headers: Vec<Pair> = e.request.headers.iter().filter(relevant).cloned().collect();
            let body = (e.kind == "actual")
                .then_some(r.request.body.as_deref())
                .flatten();
            curl_line(&e.request.method, &e.request.url, &headers, body)
        })
        .collect()
}

//! Human and Markdown reports of `cors-doctor har`: the summary table per API origin and endpoint,
//! then each distinct failure in detail (one example, with how many requests share it), then the
//! preflight cost. All text from the file goes through [`escape`] before it reaches a terminal.

use std::fmt::Write as _;

use cors_doctor_core::har::summary::Saving;
use cors_doctor_core::{Engine, Outcome};

use super::sanitize::escape;
use super::style::{Painter, Style};
use crate::cmd::har::{Group, HarReport, RequestOut};

fn e(text: &str) -> String {
    escape(text).into_owned()
}

fn engine_label(name: &str) -> &str {
    match name {
        "chromium" => "Chromium",
        "firefox" => "Firefox",
        "webkit" => "WebKit",
        other => other,
    }
}

fn recorder_label(r: Engine) -> &'static str {
    match r {
        Engine::Firefox => "Firefox",
        Engine::Webkit => "Safari/WebKit",
        _ => "Chromium (or unknown)",
    }
}

fn ms(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.1} s", v / 1000.0)
    } else {
        format!("{v:.0} ms")
    }
}

/// The terminal report.
pub(crate) fn human(r: &HarReport, p: Painter) -> String {
    let mut o = String::new();
    let s = &r.summary;
    let _ = writeln!(o, "{}", p.paint(Style::Title, "CORS in this HAR"));
    let _ = writeln!(
        o,
        "{} entries, {} cross-origin CORS requests (recorded by {}); {} preflights",
        s.entries,
        s.cross_origin_requests,
        recorder_label(r.recorder),
        s.preflights
    );
    let failures = s.blocked + s.unexplained;
    let verdict = format!(
        "{} allowed, {} blocked, {} failed without a recorded reason, {} network errors",
        s.allowed, s.blocked, s.unexplained, s.network_errors
    );
    let _ = writeln!(
        o,
        "{}",
        if failures > 0 {
            p.paint(Style::Bad, &verdict)
        } else {
            p.paint(Style::Good, &verdict)
        }
    );
    if s.unknown_origin > 0 {
        let _ = writeln!(
            o,
            "{}",
            p.paint(
                Style::Warn,
                &format!(
                    "{} CORS requests had no recorded page origin: pass --origin to judge them",
                    s.unknown_origin
                )
            )
        );
    }
    o.push('\n');
    table(&mut o, r, p);
    if !r.groups.is_empty() {
        let _ = writeln!(
            o,
            "\n{}",
            p.paint(Style::Title, "Blocked and suspicious requests")
        );
        for (i, g) in r.groups.iter().enumerate() {
            group(&mut o, i + 1, g, p);
        }
        if r.groups_dropped > 0 {
            let _ = writeln!(
                o,
                "\n… and {} more distinct problems (use --format json for all of them)",
                r.groups_dropped
            );
        }
    }
    preflight_cost(&mut o, r, p);
    skipped(&mut o, r);
    o
}

fn table(o: &mut String, r: &HarReport, p: Painter) {
    let s = &r.summary;
    if s.origins.is_empty() {
        let _ = writeln!(o, "No cross-origin CORS request in this file.");
        return;
    }
    let _ = writeln!(
        o,
        "{}",
        p.paint(
            Style::Title,
            &format!(
                "{:<54} {:>8} {:>10} {:>8}  {}",
                "API origin / endpoint", "requests", "preflights", "failures", "failure kinds"
            )
        )
    );
    for origin in &s.origins {
        let _ = writeln!(
            o,
            "{:<54} {:>8} {:>10} {:>8}",
            e(&origin.origin),
            origin.requests,
            origin.preflights,
            origin.failures
        );
        for ep in origin.endpoints.iter().take(50) {
            let label = format!("  {} {}", e(&ep.method), e(&ep.path));
            let kinds: Vec<String> = ep
                .failures_by_kind
                .iter()
                .map(|(k, n)| format!("{} ×{n}", e(k)))
                .collect();
            let line = format!(
                "{label:<54} {:>8} {:>10} {:>8}  {}",
                ep.requests,
                ep.preflights,
                ep.failures,
                kinds.join(", ")
            );
            let _ = writeln!(
                o,
                "{}",
                if ep.failures > 0 {
                    p.paint(Style::Bad, &line)
                } else {
                    line
                }
            );
        }
        if origin.endpoints.len() > 50 {
            let _ = writeln!(o, "  … {} more endpoints", origin.endpoints.len() - 50);
        }
    }
}

fn group(o: &mut String, n: usize, g: &Group, p: Painter) {
    let r = &g.first;
    let more = if g.count > 1 {
        let list: Vec<String> = g.indices.iter().map(ToString::to_string).collect();
        format!(
            " — {} requests like it (entries {}{})",
            g.count,
            list.join(", "),
            if g.count as usize > g.indices.len() {
                ", …"
            } else {
                ""
            }
        )
    } else {
        String::new()
    };
    let head = format!(
        "{n}. {} {}  [{}] (entry {}){more}",
        e(&r.method),
        e(&r.url),
        r.result,
        r.index
    );
    let style = if r.result == "allowed" {
        Style::Warn
    } else {
        Style::Bad
    };
    let _ = writeln!(o, "\n{}", p.paint(style, &head));
    let _ = writeln!(
        o,
        "   from {}  ·  credentials {} ({})",
        e(&r.origin),
        r.credentials,
        r.credentials_basis
    );
    if let Some(c) = &r.root_cause {
        let _ = writeln!(
            o,
            "   {} {}",
            p.paint(Style::Title, "root cause:"),
            e(&c.headline)
        );
    }
    for (engine, v) in &r.verdicts {
        let label = engine_label(engine);
        match (&v.outcome, &v.failure) {
            (Outcome::Blocked, Some(f)) => {
                let _ = writeln!(
                    o,
                    "   {label}: {} {}",
                    p.paint(Style::Bad, "blocked"),
                    e(&f.error_name)
                );
                if let Some(m) = &f.message {
                    let _ = writeln!(o, "      {}", p.paint(Style::Dim, &e(m)));
                }
            }
            (Outcome::Allowed, _) => {
                let _ = writeln!(o, "   {label}: {}", p.paint(Style::Good, "allowed"));
            }
            _ => {
                let _ = writeln!(
                    o,
                    "   {label}: {}",
                    p.paint(Style::Warn, "cannot tell from the HAR")
                );
            }
        }
    }
    if !r.evidence.is_empty() {
        let _ = writeln!(o, "   evidence:");
        for line in &r.evidence {
            let _ = writeln!(o, "     - {}", e(line));
        }
    }
    for f in &r.findings {
        let sev = format!("[{:?}]", f.severity).to_lowercase();
        let _ = writeln!(
            o,
            "   {} {}",
            p.paint(if sev == "[error]" { Style::Bad } else { Style::Warn }, &sev),
            e(&f.title)
        );
        for ev in &f.evidence {
            let _ = writeln!(o, "      seen: {}", e(ev));
        }
        let _ = writeln!(o, "      fix: {}", e(&f.remedy));
    }
    if let Some(fix) = &r.fix {
        let from = fix
            .detected_from
            .as_deref()
            .map(|d| format!(", detected from {}", e(d)))
            .unwrap_or_default();
        let _ = writeln!(o, "   {} ({}{from}):", p.paint(Style::Title, "fix"), fix.label);
        for line in fix.snippet.lines() {
            let _ = writeln!(o, "      {}", p.paint(Style::Code, &e(line)));
        }
    }
}

fn saving_line(name: &str, s: &Saving) -> String {
    format!(
        "{} (cap {} s): {} fewer preflights, {} saved",
        engine_label(name),
        s.max_age_cap,
        s.preflights_saved,
        ms(s.time_saved_ms)
    )
}

fn preflight_cost(o: &mut String, r: &HarReport, p: Painter) {
    let c = &r.summary.preflight_cost;
    let _ = writeln!(o, "\n{}", p.paint(Style::Title, "Preflight cost"));
    if c.preflights == 0 {
        let _ = writeln!(o, "No preflights recorded.");
        return;
    }
    let _ = writeln!(o, "{} preflights took {} in total.", c.preflights, ms(c.time_ms));
    let _ = writeln!(
        o,
        "With Access-Control-Max-Age: {} on the preflight responses (each browser caps it):",
        c.suggested_max_age
    );
    for (name, s) in &c.savings {
        let _ = writeln!(o, "  {}", saving_line(name, s));
    }
    for ep in c.endpoints.iter().take(10) {
        let age = ep
            .max_age
            .as_deref()
            .map(|a| format!("Max-Age {}", e(a)))
            .unwrap_or_else(|| "no Max-Age".into());
        let _ = writeln!(
            o,
            "  {} {}{}: {} preflights, {} ({age})",
            e(&ep.method),
            e(&ep.origin),
            e(&ep.path),
            ep.preflights,
            ms(ep.time_ms)
        );
    }
}

fn skipped(o: &mut String, r: &HarReport) {
    if r.summary.skipped == 0 {
        return;
    }
    let _ = writeln!(o, "\nSkipped {} malformed entries:", r.summary.skipped);
    for s in r.skipped.iter().take(10) {
        let _ = writeln!(o, "  entry {} (byte {}): {}", s.index, s.offset, e(&s.reason));
    }
}

// ---- Markdown ------------------------------------------------------------------------------------

fn md(text: &str) -> String {
    e(text).replace('|', "\\|").replace('`', "'")
}

/// The Markdown report (issues, pull requests).
pub(crate) fn markdown(r: &HarReport) -> String {
    let mut o = String::new();
    let s = &r.summary;
    let _ = writeln!(o, "## CORS in this HAR\n");
    let _ = writeln!(
        o,
        "{} entries, {} cross-origin CORS requests, {} preflights: **{} allowed, {} blocked, {} failed without a recorded reason, {} network errors**.\n",
        s.entries, s.cross_origin_requests, s.preflights, s.allowed, s.blocked, s.unexplained, s.network_errors
    );
    if !s.origins.is_empty() {
        let _ = writeln!(o, "| API origin / endpoint | requests | preflights | failures | failure kinds |\n|---|---:|---:|---:|---|");
        for origin in &s.origins {
            let _ = writeln!(
                o,
                "| **{}** | {} | {} | {} | |",
                md(&origin.origin),
                origin.requests,
                origin.preflights,
                origin.failures
            );
            for ep in origin.endpoints.iter().take(50) {
                let kinds: Vec<String> = ep
                    .failures_by_kind
                    .iter()
                    .map(|(k, n)| format!("{} ×{n}", md(k)))
                    .collect();
                let _ = writeln!(
                    o,
                    "| `{} {}` | {} | {} | {} | {} |",
                    md(&ep.method),
                    md(&ep.path),
                    ep.requests,
                    ep.preflights,
                    ep.failures,
                    kinds.join(", ")
                );
            }
        }
    }
    for (i, g) in r.groups.iter().enumerate() {
        md_group(&mut o, i + 1, g);
    }
    let c = &s.preflight_cost;
    if c.preflights > 0 {
        let _ = writeln!(
            o,
            "\n### Preflight cost\n\n{} preflights took {}. With `Access-Control-Max-Age: {}`:\n",
            c.preflights,
            ms(c.time_ms),
            c.suggested_max_age
        );
        for (name, sv) in &c.savings {
            let _ = writeln!(o, "- {}", saving_line(name, sv));
        }
    }
    if s.skipped > 0 {
        let _ = writeln!(o, "\n{} malformed entries were skipped.", s.skipped);
    }
    o
}

fn md_group(o: &mut String, n: usize, g: &Group) {
    let r: &RequestOut = &g.first;
    let more = if g.count > 1 {
        format!(" ({} requests like it)", g.count)
    } else {
        String::new()
    };
    let _ = writeln!(
        o,
        "\n### {n}. `{} {}` — {}{more}\n",
        md(&r.method),
        md(&r.url),
        r.result
    );
    let _ = writeln!(
        o,
        "Entry {}, page origin `{}`, credentials {}.\n",
        r.index,
        md(&r.origin),
        r.credentials
    );
    if let Some(c) = &r.root_cause {
        let _ = writeln!(o, "**Root cause:** {}\n", md(&c.headline));
    }
    let _ = writeln!(o, "| browser | verdict | error |\n|---|---|---|");
    for (engine, v) in &r.verdicts {
        let (verdict, err) = match (&v.outcome, &v.failure) {
            (Outcome::Blocked, Some(f)) => ("Blocked", md(&f.error_name)),
            (Outcome::Allowed, _) => ("Allowed", String::new()),
            _ => ("Cannot tell", String::new()),
        };
        let _ = writeln!(o, "| {} | {verdict} | {err} |", engine_label(engine));
    }
    if !r.evidence.is_empty() {
        o.push('\n');
        for line in &r.evidence {
            let _ = writeln!(o, "- {}", md(line));
        }
    }
    for f in &r.findings {
        let _ = writeln!(
            o,
            "\n- **{}** ({:?}): {}",
            md(&f.title),
            f.severity,
            md(&f.remedy)
        );
    }
    if let Some(fix) = &r.fix {
        let _ = writeln!(
            o,
            "\n**Fix ({})**\n\n```{}\n{}\n```",
            fix.label,
            fix.language,
            e(&fix.snippet)
        );
    }
}

//! Markdown rendering of a `check` report, for issues and pull requests.

use std::fmt::Write as _;

use super::check_human::curl_commands;
use crate::cmd::check::report::CheckReport;

/// Markdown-safe inline text: no raw HTML, no table breaks, no control bytes.
fn md(s: &str) -> String {
    super::sanitize::escape(s)
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('`', "'")
}

/// Render the report as Markdown.
pub(crate) fn render(r: &CheckReport) -> String {
    let mut out = String::new();
    let q = &r.request;
    let _ = writeln!(
        out,
        "## CORS check: `{} {}` from `{}`\n",
        md(&q.method),
        md(&q.url),
        md(&q.origin)
    );
    let _ = writeln!(out, "| browser | outcome | error | console |\n|---|---|---|---|");
    for (engine, v) in &r.verdicts {
        let (name, msg) = v
            .failure
            .as_ref()
            .map(|f| (f.error_name.clone(), f.message.clone().unwrap_or_default()))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {engine} | {:?} | {} | {} |",
            v.outcome,
            md(&name),
            md(&msg)
        );
    }
    if let Some(rc) = &r.root_cause {
        let _ = writeln!(out, "\n**Root cause:** {}. {}", md(&rc.headline), md(&rc.detail));
    }
    if let Some(step) = &r.next_step {
        let _ = writeln!(out, "\n**Next step:** {}", md(step));
    }
    if !r.findings.is_empty() {
        let _ = writeln!(out, "\n### Findings\n");
        for f in &r.findings {
            let _ = writeln!(
                out,
                "- **{:?}** `{}`: {} — {}",
                f.severity,
                f.id,
                md(&f.title),
                md(&f.remedy)
            );
        }
    }
    if let Some(fix) = &r.fix {
        let _ = writeln!(
            out,
            "\n### Fix: {}\n\n```{}\n{}\n```",
            fix.label,
            fix.language,
            fix.snippet.replace("```", "ˋˋˋ")
        );
    }
    let _ = writeln!(
        out,
        "\n### Reproduce\n\n```sh\n{}\n```",
        curl_commands(r).join("\n").replace("```", "ˋˋˋ")
    );
    out
}

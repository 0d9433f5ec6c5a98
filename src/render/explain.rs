//! `explain` output: human (sections per error), JSON (`cors-doctor/explain/v1`) and Markdown.
//! Every pasted value is untrusted: human and Markdown text goes through `sanitize::escape`.

use cors_doctor_core::explain::{Explained, NotCors, Report};
use cors_doctor_core::Initiator;

use crate::render::sanitize::escape;
use crate::render::style::{Painter, Style};

/// The JSON schema id; fields are added freely, never renamed.
pub(crate) const SCHEMA: &str = "cors-doctor/explain/v1";

const WIDTH: usize = 92;

/// The human report.
pub(crate) fn human(r: &Report, p: Painter) -> String {
    let mut out = String::new();
    let total = r.errors.len();
    for (i, e) in r.errors.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        error_human(&mut out, e, i + 1, total, p);
    }
    if !r.not_cors.is_empty() {
        if total > 0 {
            out.push_str(&format!(
                "\n{}\n",
                p.paint(Style::Title, "Also in the text (not CORS errors)")
            ));
        } else {
            out.push_str(&format!("{}\n", p.paint(Style::Good, "Not a CORS error.")));
            out.push_str("Nothing in this text is a browser CORS rejection. What it looks like instead:\n");
        }
        for n in &r.not_cors {
            out.push_str(&format!(
                "  {} {}\n",
                p.paint(Style::Dim, "line"),
                escape(&n.line)
            ));
            wrap_into(&mut out, &n.looks_like, "    → ", "      ");
        }
    }
    out
}

fn error_human(out: &mut String, e: &Explained, n: usize, total: usize, p: Painter) {
    let title = format!(
        "CORS error {n} of {total}: {} · {}",
        browser_name(e),
        escape(&e.error_name)
    );
    out.push_str(&format!(
        "{} {}\n",
        p.paint(Style::Bad, &title),
        p.paint(Style::Dim, &format!("({})", e.code))
    ));
    for (label, value) in facts(e) {
        out.push_str(&format!(
            "  {:<10}{}\n",
            p.paint(Style::Dim, label),
            escape(&value)
        ));
    }
    section(out, p, "What happened");
    wrap_into(out, &escape(&e.explanation), "  ", "  ");
    section(out, p, "Likely causes, most likely first");
    for (i, c) in e.causes.iter().enumerate() {
        let lead = format!("  {}. ", i + 1);
        wrap_into(out, &escape(c), &lead, "     ");
    }
    section(out, p, "Fix");
    wrap_into(out, &escape(&e.fix), "  ", "  ");
    section(out, p, "Reproduce and verify");
    out.push_str(&format!(
        "  {}\n",
        p.paint(Style::Code, &escape(&e.check_command))
    ));
    if let Some(note) = &e.check_note {
        wrap_into(out, &escape(note), "  ", "  ");
    }
    if let Some(url) = &e.docs_url {
        out.push_str(&format!("  {} {}\n", p.paint(Style::Dim, "docs"), escape(url)));
    }
}

fn section(out: &mut String, p: Painter, title: &str) {
    out.push_str(&format!("\n{}\n", p.paint(Style::Title, title)));
}

/// The labelled values shown under the title.
fn facts(e: &Explained) -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    let method = e
        .detail
        .get("method")
        .map(|m| format!("{m} "))
        .unwrap_or_default();
    if let Some(url) = &e.url {
        let via = match e.initiator {
            Some(Initiator::Fetch) => " (fetch)".to_string(),
            Some(Initiator::Xhr) => " (XMLHttpRequest)".to_string(),
            None => e
                .detail
                .get("resource")
                .map(|r| format!(" ({r})"))
                .unwrap_or_default(),
        };
        v.push(("request", format!("{method}{url}{via}")));
    }
    if let Some(initial) = &e.initial_url {
        v.push(("redirected", format!("from {initial}")));
    }
    v.push((
        "origin",
        e.origin
            .clone()
            .unwrap_or_else(|| "(not named by this browser)".into()),
    ));
    v.push(("stage", stage_name(e).into()));
    for (k, val) in &e.detail {
        if k == "method" && e.url.is_some() || k == "resource" {
            continue;
        }
        let shown = if val.is_empty() {
            "'' (empty or absent)".to_string()
        } else {
            val.clone()
        };
        v.push((detail_label(k), shown));
    }
    if e.count > 1 {
        v.push(("seen", format!("{} times", e.count)));
    }
    v
}

fn detail_label(key: &str) -> &'static str {
    match key {
        "header" => "header",
        "method" => "method",
        "value" => "value",
        "status" => "status",
        "location" => "location",
        "schemes" => "schemes",
        "address_space" => "space",
        "reason" => "reason",
        _ => "detail",
    }
}

fn stage_name(e: &Explained) -> &'static str {
    use cors_doctor_core::Stage;
    match e.stage {
        Stage::Preflight => "preflight (the OPTIONS request sent first)",
        Stage::Redirect => "redirect",
        Stage::Actual => "the request itself",
        Stage::Network => "network (no HTTP response)",
    }
}

fn browser_name(e: &Explained) -> &'static str {
    use cors_doctor_core::Engine;
    match e.browser {
        Engine::Chromium => "Chromium",
        Engine::Firefox => "Firefox",
        Engine::Webkit => "Safari/WebKit",
        Engine::Spec => "Fetch Standard",
    }
}

/// Greedy word wrap with a first-line lead and a continuation indent.
fn wrap_into(out: &mut String, text: &str, lead: &str, indent: &str) {
    let mut line = lead.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// The JSON report.
pub(crate) fn json(r: &Report) -> anyhow::Result<String> {
    #[derive(serde::Serialize)]
    struct Out<'a> {
        schema: &'static str,
        errors: &'a [Explained],
        not_cors: &'a [NotCors],
    }
    let out = Out {
        schema: SCHEMA,
        errors: &r.errors,
        not_cors: &r.not_cors,
    };
    Ok(serde_json::to_string_pretty(&out)? + "\n")
}

/// The Markdown report (for issues and pull requests).
pub(crate) fn markdown(r: &Report) -> String {
    let mut out = String::new();
    if r.errors.is_empty() {
        out.push_str("## Not a CORS error\n\n");
    }
    for e in &r.errors {
        out.push_str(&format!(
            "## {}: `{}` ({})\n\n",
            browser_name(e),
            md(&e.code),
            md(&e.error_name)
        ));
        for (label, value) in facts(e) {
            out.push_str(&format!("- **{label}**: `{}`\n", md(&value).replace('`', "'")));
        }
        out.push_str(&format!("\n{}\n\n**Likely causes**\n\n", md(&e.explanation)));
        for (i, c) in e.causes.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", i + 1, md(c)));
        }
        out.push_str(&format!(
            "\n**Fix**: {}\n\n**Verify**:\n\n```sh\n{}\n```\n\n",
            md(&e.fix),
            escape(&e.check_command)
        ));
        if let Some(note) = &e.check_note {
            out.push_str(&format!("{}\n\n", md(note)));
        }
    }
    if !r.not_cors.is_empty() {
        if !r.errors.is_empty() {
            out.push_str("## Not CORS errors\n\n");
        }
        for NotCors { line, looks_like } in &r.not_cors {
            out.push_str(&format!(
                "- `{}`: {}\n",
                md(line).replace('`', "'"),
                md(looks_like)
            ));
        }
    }
    out
}

fn md(s: &str) -> String {
    escape(s).replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROME: &str = "index.html:1 Access to fetch at 'https://api.example.com/items' from origin 'http://localhost:3000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.";

    fn plain() -> Painter {
        // SAFETY of the test: NO_COLOR is not needed, a non-terminal stdout already disables colour.
        Painter::for_stdout()
    }

    #[test]
    fn explain_human_has_every_section() {
        let r = cors_doctor_core::explain::explain(CHROME);
        let text = human(&r, plain());
        for needle in [
            "CORS error 1 of 1: Chromium · PreflightMissingAllowOriginHeader",
            "(preflight-missing-allow-origin)",
            "What happened",
            "Likely causes, most likely first",
            "  1. ",
            "Fix",
            "Reproduce and verify",
            "cors-doctor check https://api.example.com/items --origin http://localhost:3000",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
        assert!(text.lines().all(|l| l.chars().count() <= WIDTH + 40), "{text}");
    }

    #[test]
    fn explain_json_contract() {
        let r = cors_doctor_core::explain::explain(CHROME);
        let v: serde_json::Value = serde_json::from_str(&json(&r).unwrap()).unwrap();
        assert_eq!(v["schema"], SCHEMA);
        let e = &v["errors"][0];
        assert_eq!(e["browser"], "chromium");
        assert_eq!(e["code"], "preflight-missing-allow-origin");
        assert_eq!(e["error_name"], "PreflightMissingAllowOriginHeader");
        assert_eq!(e["url"], "https://api.example.com/items");
        assert_eq!(e["origin"], "http://localhost:3000");
        for key in ["detail", "explanation", "causes", "fix", "check_command"] {
            assert!(!e[key].is_null(), "{key}");
        }
        assert!(v["not_cors"].as_array().unwrap().is_empty());
    }

    #[test]
    fn explain_not_cors_and_escaping() {
        let r = cors_doctor_core::explain::explain(
            "GET http://localhost:8080/\u{1b}[31mx net::ERR_CONNECTION_REFUSED",
        );
        let text = human(&r, plain());
        assert!(text.starts_with("Not a CORS error."), "{text}");
        assert!(text.contains("not reachable"));
        assert!(!text.contains('\u{1b}'), "{text:?}");
        let md = markdown(&r);
        assert!(md.starts_with("## Not a CORS error"));
    }

    #[test]
    fn explain_markdown_sections() {
        let r = cors_doctor_core::explain::explain(CHROME);
        let md = markdown(&r);
        assert!(
            md.contains("## Chromium: `preflight-missing-allow-origin`"),
            "{md}"
        );
        assert!(md.contains("```sh\ncors-doctor check"), "{md}");
    }
}

//! `cors-doctor demo`: start the lab in-process on a free loopback port and diagnose a curated set
//! of its scenarios — a short tour that works offline. It checks itself: a verdict that differs
//! from the scenario's expectation is reported, and the demo exits 1.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::Context;
use clap::Parser;
use cors_doctor_core::Outcome;
use cors_doctor_lab::{demo_scenarios, Lab, LabConfig, Scenario};
use serde::Serialize;

use crate::cli::args::{Cli, Command, DemoArgs, Format};
use crate::cli::exit::Exit;
use crate::cmd::check::config::CheckConfig;
use crate::cmd::check::report::CheckReport;
use crate::net::HttpTransport;
use crate::render::style::{Painter, Style};

/// The page origin the demo pretends to be: a typical local frontend dev server.
const DEMO_ORIGIN: &str = "http://localhost:3000";

#[derive(Serialize)]
struct DemoCase {
    scenario: &'static str,
    title: &'static str,
    expected_blocked: bool,
    expected_chromium_error: Option<&'static str>,
    matches_expectation: bool,
    report: CheckReport,
}

pub(crate) fn run(args: &DemoArgs) -> anyhow::Result<Exit> {
    let lab = Lab::start_background("127.0.0.1:0".parse()?, LabConfig::default())
        .context("cannot start the lab")?;
    let cases = demo_scenarios()
        .map(|s| diagnose(&lab, s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let text = match args.format {
        Format::Json => {
            serde_json::to_string_pretty(
                &serde_json::json!({"schema": "cors-doctor/demo/v1", "cases": cases}),
            )? + "\n"
        }
        Format::Markdown => cases
            .iter()
            .map(|c| crate::render::check_markdown::render(&c.report))
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Human => tour(&lab, &cases, Painter::for_stdout()),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(if cases.iter().all(|c| c.matches_expectation) {
        Exit::Ok
    } else {
        Exit::Problem
    })
}

/// The `check` command line a user would type for the scenario.
pub(crate) fn check_argv(url: &str, origin: &str, s: &Scenario) -> Vec<String> {
    let mut argv: Vec<String> = vec![
        "cors-doctor".into(),
        "check".into(),
        url.into(),
        "--origin".into(),
        origin.into(),
    ];
    argv.extend([
        "-X".into(),
        s.request.method.into(),
        "--credentials".into(),
        s.request.credentials.into(),
    ]);
    for (n, v) in s.request.headers {
        argv.extend(["-H".into(), format!("{n}: {v}")]);
    }
    if let Some(body) = s.request.body {
        argv.extend(["--data".into(), body.into()]);
    }
    argv.push("--send-actual".into());
    argv
}

fn diagnose(lab: &Lab, s: &'static Scenario) -> anyhow::Result<DemoCase> {
    let argv = check_argv(&lab.url(s.name), DEMO_ORIGIN, s);
    let Command::Check(args) = Cli::try_parse_from(&argv)?.command else {
        unreachable!("argv starts with check")
    };
    let cfg = CheckConfig::from_args(&args)?;
    let mut transport = HttpTransport::new(cfg.transport.clone())?;
    let (report, unreachable) = crate::cmd::check::check(&cfg, &mut transport);
    if let Some(err) = unreachable {
        anyhow::bail!("the in-process lab did not answer: {err}");
    }
    let blocked = report
        .verdicts
        .get("chromium")
        .is_some_and(|v| v.outcome == Outcome::Blocked);
    let error = report
        .verdicts
        .get("chromium")
        .and_then(|v| v.failure.as_ref())
        .map(|f| f.error_name.clone());
    let matches_expectation =
        blocked == s.expected.blocked && error.as_deref() == s.expected.chromium_error.filter(|_| blocked);
    Ok(DemoCase {
        scenario: s.name,
        title: s.title,
        expected_blocked: s.expected.blocked,
        expected_chromium_error: s.expected.chromium_error,
        matches_expectation,
        report,
    })
}

fn tour(lab: &Lab, cases: &[DemoCase], p: Painter) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", p.paint(Style::Title, "cors-doctor demo"));
    let _ = writeln!(
        out,
        "The lab is running at {} with correct and deliberately broken endpoints.\n\
         Each case is a fetch() from a page on {DEMO_ORIGIN}, judged as Chromium, Firefox and Safari would.\n",
        lab.base_url()
    );
    // Numbers are right-aligned so every case's lines start in the same column.
    let width = cases.len().to_string().len();
    for (i, c) in cases.iter().enumerate() {
        case_summary(&mut out, (i + 1, width), c, p);
    }
    let ok = cases.iter().filter(|c| c.matches_expectation).count();
    let _ = writeln!(out, "{ok} of {} cases diagnosed as expected.", cases.len());
    let _ = writeln!(
        out,
        "Full report for any case: cors-doctor check URL --origin {DEMO_ORIGIN} [-X METHOD] [-H ...]"
    );
    let _ = writeln!(out, "Practise on the lab yourself: cors-doctor lab");
    out
}

/// One case, numbered `n` of a list whose numbers are `width` digits wide.
fn case_summary(out: &mut String, (n, width): (usize, usize), c: &DemoCase, p: Painter) {
    let r = &c.report;
    let title = format!("{n:>width$}. {}", c.title);
    let _ = writeln!(out, "{}", p.paint(Style::Title, &title));
    let ind = " ".repeat(width + 2);
    let _ = writeln!(out, "{ind}{} {}", r.request.method, r.request.url);
    let verdicts: Vec<String> = r
        .verdicts
        .iter()
        .map(|(engine, v)| {
            let style = if v.outcome == Outcome::Allowed {
                Style::Good
            } else {
                Style::Bad
            };
            p.paint(
                style,
                &format!("{engine}: {}", format!("{:?}", v.outcome).to_lowercase()),
            )
        })
        .collect();
    let _ = writeln!(out, "{ind}{}", verdicts.join("  "));
    if let Some(rc) = &r.root_cause {
        let _ = writeln!(out, "{ind}root cause: {}", rc.headline);
    }
    if let Some(msg) = r
        .verdicts
        .get("chromium")
        .and_then(|v| v.failure.as_ref())
        .and_then(|f| f.message.as_ref())
    {
        let _ = writeln!(
            out,
            "{ind}{}",
            p.paint(Style::Dim, &crate::render::sanitize::escape(msg))
        );
    }
    if let Some(f) = r.findings.first() {
        let _ = writeln!(out, "{ind}finding: {} [{}]", f.title, f.id);
    }
    if let Some(fix) = &r.fix {
        let from = fix
            .detected_from
            .as_deref()
            .map(|d| format!(", detected from {}", crate::render::sanitize::escape(d)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{ind}fix: {}{from} (the full snippet is in `check`'s report)",
            fix.label
        );
    }
    if !c.matches_expectation {
        let _ = writeln!(
            out,
            "{ind}{}",
            p.paint(
                Style::Warn,
                "unexpected: this scenario's expectation differs from the verdict"
            )
        );
    }
    let _ = writeln!(out);
}

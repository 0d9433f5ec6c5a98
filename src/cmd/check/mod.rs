//! `cors-doctor check`: do what the browser does for one fetch, then explain it.
//!
//! args → [`config::CheckConfig`] → [`drive::drive`] (transport observations per engine) → core
//! diagnosis and fix → [`report::CheckReport`] → renderer → exit code.

pub(crate) mod config;
pub(crate) mod drive;
pub(crate) mod report;

use std::io::Write;

use anyhow::Context;
use cors_doctor_core::classify::classify;
use cors_doctor_core::diagnosis::{self, Input, Observation};
use cors_doctor_core::fixes::{self, Detection, Fix, Stack};
use cors_doctor_core::{Engine, Outcome};

use crate::cli::args::{CheckArgs, Format};
use crate::cli::exit::Exit;
use crate::net::{HttpTransport, Transport};
use crate::render::style::Painter;
use config::CheckConfig;
use cors_doctor_core::redact::redact_query_secrets;
use drive::{Driven, Exchange};
use report::{CheckReport, Parts};

/// Run `check` from the command line.
pub(crate) fn run(args: &CheckArgs) -> anyhow::Result<Exit> {
    let cfg = CheckConfig::from_args(args)?;
    if cfg.cookie.is_some() && cfg.request.credentials != cors_doctor_core::Credentials::Include {
        eprintln!("cors-doctor: warning: --cookie is sent only with --credentials include (fetch() sends no cookies cross-origin otherwise)");
    }
    let mut transport = HttpTransport::new(cfg.transport.clone()).context("cannot set up the HTTP client")?;
    let (report, unreachable) = check(&cfg, &mut transport);
    let redact = |text: String| {
        if cfg.show_secrets {
            text
        } else {
            redact_query_secrets(&text).into_owned()
        }
    };
    if let (Some(err), false) = (&unreachable, cfg.format == Format::Json) {
        anyhow::bail!("{}", redact(err.clone()));
    }
    // Tokens in URLs (?access_token=…) appear in URLs, messages and curl lines alike: redact them
    // in the finished text, so no renderer can miss one.
    let text = redact(render(&report, cfg.format, Painter::for_stdout())?);
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(match (unreachable, report.has_problem()) {
        (Some(_), _) => Exit::Failure,
        (None, true) => Exit::Problem,
        (None, false) => Exit::Ok,
    })
}

/// Drive, diagnose and build the report. When not a single request got an HTTP answer the check
/// could not be made (exit 2): the second value is that transport error, in one line.
pub(crate) fn check(cfg: &CheckConfig, transport: &mut dyn Transport) -> (CheckReport, Option<String>) {
    let driven = drive::drive(cfg, transport);
    (build_report(cfg, &driven), unreachable(&driven))
}

/// The transport error when not a single request got an HTTP answer.
fn unreachable(d: &Driven) -> Option<String> {
    if d.exchanges.iter().any(|e| e.result.is_ok()) {
        return None;
    }
    let err = d.exchanges.first()?.result.as_ref().err()?;
    let url = &d.exchanges[0].outgoing.url;
    Some(format!("{err} while requesting {url}"))
}

fn build_report(cfg: &CheckConfig, d: &Driven) -> CheckReport {
    let classification = classify(&cfg.request, Engine::Spec);
    let observed: Vec<_> = d.exchanges.iter().map(Exchange::observed).collect();
    let errors: Vec<Option<String>> = d
        .exchanges
        .iter()
        .map(|e| e.result.as_ref().err().map(ToString::to_string))
        .collect();
    let input = Input {
        request: &cfg.request,
        observations: d
            .exchanges
            .iter()
            .zip(&observed)
            .zip(&errors)
            .map(|((e, o), err)| Observation {
                role: e.role,
                request: &e.outgoing,
                response: o.as_ref(),
                error: err.as_deref(),
            })
            .collect(),
        verdicts: &d.verdicts,
    };
    let diag = diagnosis::diagnose(&input);
    let needs_fix = d.verdicts.iter().any(|v| v.outcome == Outcome::Blocked) || !diag.findings.is_empty();
    let fix = needs_fix.then(|| {
        choose_fix(
            cfg,
            d,
            &input,
            &classification.unsafe_header_names,
            &classification.method,
        )
    });
    CheckReport::build(Parts {
        request: &cfg.request,
        body: cfg.body.as_deref(),
        classification: &classification,
        exchanges: &d.exchanges,
        verdicts: &d.verdicts,
        diagnosis: diag,
        fix,
        show_secrets: cfg.show_secrets,
    })
}

fn choose_fix(
    cfg: &CheckConfig,
    d: &Driven,
    input: &Input<'_>,
    unsafe_headers: &[String],
    method: &str,
) -> (Fix, Option<Detection>) {
    let needs = diagnosis::needs_from(input, unsafe_headers, method);
    if let Some(stack) = cfg.stack.as_deref().and_then(Stack::from_name) {
        return (fixes::fix_for(stack, &needs), None);
    }
    let responses: Vec<fixes::ResponseView<'_>> = d
        .exchanges
        .iter()
        .filter_map(|e| e.result.as_ref().ok())
        .map(|r| (r.headers.as_slice(), r.body.as_slice()))
        .collect();
    match fixes::detect(&responses) {
        Some(det) if det.stack != Stack::Unknown => (fixes::fix_for(det.stack, &needs), Some(det)),
        _ => (fixes::header_recipe(&needs), None),
    }
}

/// Render in the chosen format.
pub(crate) fn render(report: &CheckReport, format: Format, painter: Painter) -> anyhow::Result<String> {
    Ok(match format {
        Format::Human => crate::render::check_human::render(report, painter),
        Format::Json => {
            let json = serde_json::to_string_pretty(report)? + "\n";
            crate::render::sanitize::escape_json_controls(&json).into_owned()
        }
        Format::Markdown => crate::render::check_markdown::render(report),
    })
}

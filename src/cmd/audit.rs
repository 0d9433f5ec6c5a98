//! `cors-doctor audit`: probe every URL for exploitable CORS misconfigurations.
//!
//! args → [`config::AuditConfig`] → [`exec::run_all`] (worker threads, one transport each, a global
//! rate limit; the core's [`cors_doctor_core::audit::Audit`] decides every probe and judges the
//! answers) → [`report::AuditReport`] (the JSON contract, sorted, so the result does not depend on
//! the concurrency) → renderer → exit code (2 nothing audited, 1 a finding at or above
//! `--fail-on`, else 0).

pub(crate) mod config;
pub(crate) mod exec;
pub(crate) mod report;

use std::io::{IsTerminal, Write};

use crate::cli::args::{AuditArgs, AuditFormat};
use crate::cli::exit::Exit;
use crate::net::HttpTransport;
use crate::render::style::Painter;
use config::AuditConfig;
use report::AuditReport;

/// Runs with more targets than this get a progress bar (on a terminal only).
const PROGRESS_MIN_TARGETS: usize = 4;

pub(crate) fn run(args: &AuditArgs) -> anyhow::Result<Exit> {
    let cfg = AuditConfig::from_args(args)?;
    let transport_cfg = cfg.transport.clone();
    // A bad `--cacert` is a usage error, before any target is contacted.
    drop(HttpTransport::new(transport_cfg.clone())?);
    let bar = progress_bar(cfg.urls.len());
    let tick = |_: &exec::TargetResult| bar.inc(1);
    let results = exec::run_all(&cfg, || HttpTransport::new(transport_cfg.clone()), &tick);
    bar.finish_and_clear();
    let report = AuditReport::build(results);
    let text = render(&report, cfg.format, Painter::for_stdout())?;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(report.exit(cfg.fail_on))
}

/// A bar on stderr when it is a terminal and the run is more than a few targets; hidden otherwise.
fn progress_bar(targets: usize) -> indicatif::ProgressBar {
    if targets < PROGRESS_MIN_TARGETS || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(targets as u64),
        indicatif::ProgressDrawTarget::stderr_with_hz(10),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} targets  {elapsed} (eta {eta})")
    {
        bar.set_style(style);
    }
    bar
}

/// Render in the chosen format.
pub(crate) fn render(report: &AuditReport, format: AuditFormat, painter: Painter) -> anyhow::Result<String> {
    Ok(match format {
        AuditFormat::Human => crate::render::audit::human(report, painter),
        AuditFormat::Json => serde_json::to_string_pretty(report)? + "\n",
        AuditFormat::Sarif => serde_json::to_string_pretty(&crate::render::audit::sarif(report))? + "\n",
    })
}

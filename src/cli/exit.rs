//! Exit codes (0 allowed, 1 blocked or error finding, 2 could not check) and one-line error reports.

use std::io::Write;
use std::process::ExitCode;

/// The process outcome of a command that ran to completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Allowed everywhere, nothing at error severity.
    Ok = 0,
    /// Blocked somewhere, or an error-severity finding.
    Problem = 1,
    /// The check could not be made.
    Failure = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// Help and version go to stdout with code 0; a usage error becomes one line plus a hint, code 2.
pub(crate) fn usage_error(err: clap::Error) -> ExitCode {
    if !err.use_stderr() {
        let _ = err.print();
        return ExitCode::SUCCESS;
    }
    let rendered = err.render().to_string();
    let head: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty() && !l.starts_with("Usage:"))
        .filter(|l| !l.starts_with("tip: "))
        .collect();
    let joined = head.join(" ");
    let message = joined.strip_prefix("error: ").unwrap_or(&joined);
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "cors-doctor: error: {message}");
    for tip in rendered.lines().filter_map(|l| l.trim().strip_prefix("tip: ")) {
        let _ = writeln!(stderr, "  hint: {tip}");
    }
    let _ = writeln!(
        stderr,
        "  hint: see `cors-doctor --help`, or `cors-doctor <command> --help`"
    );
    Exit::Failure.into()
}

/// Report a tool failure as one line (`cors-doctor: error: ...`) plus optional hints; exit 2.
/// A broken pipe is not a failure: the reader went away, exit 0 as ripgrep does.
pub(crate) fn report_error(err: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(err) {
        return ExitCode::SUCCESS;
    }
    let mut stderr = std::io::stderr().lock();
    let text = format!("{err:#}");
    let line = crate::render::sanitize::escape(&text);
    let _ = writeln!(stderr, "cors-doctor: error: {line}");
    for hint in hints(err) {
        let _ = writeln!(stderr, "  hint: {hint}");
    }
    Exit::Failure.into()
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn hints(err: &anyhow::Error) -> Vec<String> {
    let text = format!("{err:#}");
    let mut out = Vec::new();
    if text.contains("connection refused") && (text.contains("127.0.0.1") || text.contains("localhost")) {
        out.push("is the server running? `cors-doctor lab` starts a practice server".to_string());
    }
    // Heads a browser refuses too: this is the server's bug, not a CORS one.
    for (what, net_error) in [
        (
            "Content-Length",
            "net::ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH",
        ),
        ("Location", "net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION"),
    ] {
        if text.contains(&format!("conflicting {what} values")) {
            out.push(format!(
                "browsers fail this response too ({net_error}): the server must send one {what}"
            ));
        }
    }
    out
}

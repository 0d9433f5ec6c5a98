//! `cors-doctor explain`: read a pasted console text (argument, or stdin when absent or `-`), let
//! the core recognise and explain its CORS errors, render them. Exit 0 when at least one CORS error
//! was explained, 1 when the text holds none, 2 when the input is unreadable or empty.

use std::io::{IsTerminal, Read, Write};

use anyhow::Context;

use crate::cli::args::{ExplainArgs, Format};
use crate::cli::exit::Exit;
use crate::render::explain as render;
use crate::render::style::Painter;

/// Refuse pastes larger than this: a console dump is kilobytes, not megabytes.
const MAX_INPUT: u64 = 8 * 1024 * 1024;

pub(crate) fn run(args: &ExplainArgs) -> anyhow::Result<Exit> {
    let text = match args.text.as_deref() {
        Some(t) if t != "-" => t.to_string(),
        _ => read_stdin()?,
    };
    // Pasted URLs often carry tokens (?access_token=…): keep them out of the answer.
    let text = if args.show_secrets {
        text
    } else {
        cors_doctor_core::redact::redact_query_secrets(&text).into_owned()
    };
    let exit = explain_text(
        &text,
        args.format,
        &mut std::io::stdout().lock(),
        Painter::for_stdout(),
    )?;
    Ok(exit)
}

fn read_stdin() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("Paste the browser console text, then press Ctrl-D (Ctrl-Z Enter on Windows):");
    }
    let mut bytes = Vec::new();
    stdin
        .lock()
        .take(MAX_INPUT + 1)
        .read_to_end(&mut bytes)
        .context("reading standard input")?;
    if bytes.len() as u64 > MAX_INPUT {
        anyhow::bail!(
            "input is larger than {} MiB; paste only the console lines",
            MAX_INPUT / 1024 / 1024
        );
    }
    String::from_utf8(bytes)
        .map_err(|e| anyhow::anyhow!("input is not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()))
}

/// Explain `text` and write the report; the exit code says whether a CORS error was found.
fn explain_text(text: &str, format: Format, out: &mut dyn Write, painter: Painter) -> anyhow::Result<Exit> {
    if text.trim().is_empty() {
        anyhow::bail!("no text to explain: pass the console error as an argument or on standard input");
    }
    let report = cors_doctor_core::explain::explain(text);
    let rendered = match format {
        Format::Human => render::human(&report, painter),
        Format::Json => render::json(&report)?,
        Format::Markdown => render::markdown(&report),
    };
    out.write_all(rendered.as_bytes())?;
    out.flush()?;
    Ok(if report.errors.is_empty() {
        Exit::Problem
    } else {
        Exit::Ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_on(text: &str, format: Format) -> (anyhow::Result<Exit>, String) {
        let mut out = Vec::new();
        let r = explain_text(text, format, &mut out, Painter::for_stdout());
        (r, String::from_utf8(out).unwrap())
    }

    #[test]
    fn explain_exit_codes() {
        let chrome = "Access to fetch at 'https://a.test/x' from origin 'http://localhost:3000' has been blocked by CORS policy: Request header field x-api-key is not allowed by Access-Control-Allow-Headers in preflight response.";
        let (r, out) = run_on(chrome, Format::Human);
        assert_eq!(r.unwrap(), Exit::Ok);
        assert!(out.contains("-H 'x-api-key: x'"), "{out}");
        let (r, out) = run_on("GET https://a.test/ net::ERR_NAME_NOT_RESOLVED", Format::Json);
        assert_eq!(r.unwrap(), Exit::Problem);
        assert!(out.contains("\"not_cors\""), "{out}");
        let (r, _) = run_on("  \n ", Format::Human);
        assert!(r.unwrap_err().to_string().contains("no text"));
    }
}

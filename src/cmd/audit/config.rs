//! `audit` arguments resolved once: the URL list (arguments, `--input`, `-` for stdin), the headers
//! sent with every probe, the session, the methods, and the transport limits.

use cors_doctor_core::http::is_token;
use std::io::Read;
use std::time::Duration;

use anyhow::{bail, Context};

use crate::cli::args::{AuditArgs, AuditFormat, FailOn};
use crate::net::TransportConfig;

/// Everything `audit` needs, validated.
#[derive(Debug, Clone)]
pub(crate) struct AuditConfig {
    /// Sorted, without duplicates.
    pub(crate) urls: Vec<String>,
    /// Sent with every probe, in order (`Host` first when given). `Cookie`/`Authorization` only go
    /// with probes that carry the session.
    pub(crate) headers: Vec<(String, String)>,
    /// A `Host` the user sends: the identity the probes are built from.
    pub(crate) host: Option<String>,
    /// A session was given (`--cookie`, or `-H Cookie/Authorization`).
    pub(crate) session: bool,
    pub(crate) methods: Vec<String>,
    pub(crate) concurrency: usize,
    /// Requests per second over the whole run; `None` = unlimited.
    pub(crate) rate: Option<f64>,
    pub(crate) fail_on: FailOn,
    pub(crate) format: AuditFormat,
    pub(crate) transport: TransportConfig,
}

/// Headers that carry the user's session.
pub(crate) fn is_session_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("cookie") || name.eq_ignore_ascii_case("authorization")
}

fn parse_header(raw: &str) -> anyhow::Result<(String, String)> {
    let (name, value) = crate::cmd::check::config::parse_header_syntax(raw)?;
    let lower = name.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "origin"
            | "access-control-request-method"
            | "access-control-request-headers"
            | "content-length"
            | "transfer-encoding"
            | "connection"
    ) {
        bail!("audit sets {name} itself (each probe has its own Origin); leave it out");
    }
    Ok((name, value))
}

/// URLs from a text: one per line, blank lines and `#` comment lines skipped.
pub(crate) fn url_lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
}

impl AuditConfig {
    pub(crate) fn from_args(args: &AuditArgs) -> anyhow::Result<AuditConfig> {
        let mut urls = Vec::new();
        for u in &args.urls {
            if u == "-" {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .context("cannot read URLs from standard input")?;
                urls.extend(url_lines(&text));
            } else {
                urls.push(u.trim().to_owned());
            }
        }
        if let Some(path) = &args.input {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            urls.extend(url_lines(&text));
        }
        urls.sort();
        urls.dedup();
        if urls.is_empty() {
            bail!("no URL to audit: give URLs, --input FILE, or - to read them from standard input");
        }
        let mut headers = Vec::new();
        let mut host = None;
        for raw in &args.headers {
            let (name, value) = parse_header(raw)?;
            if name.eq_ignore_ascii_case("host") {
                host = Some(value.clone());
                headers.insert(0, (name, value));
            } else {
                headers.push((name, value));
            }
        }
        if let Some(cookie) = &args.cookie {
            let (name, value) = parse_header(&format!("Cookie: {cookie}"))?;
            headers.push((name, value));
        }
        let session = headers.iter().any(|(n, _)| is_session_header(n));
        let mut methods = Vec::new();
        for m in args.methods.iter().map(|m| m.trim()).filter(|m| !m.is_empty()) {
            if !is_token(m) {
                bail!("invalid method '{m}': a method is a single token such as PUT or DELETE");
            }
            if !methods.iter().any(|x: &String| x == m) {
                methods.push(m.to_owned());
            }
        }
        if args.concurrency == 0 {
            bail!("--concurrency must be at least 1");
        }
        if !(args.rate.is_finite() && args.rate >= 0.0) {
            bail!("--rate must be a number of requests per second (0 = unlimited)");
        }
        if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 3600.0) {
            bail!("--timeout must be between 0 and 3600 seconds");
        }
        let timeout = Duration::from_secs_f64(args.timeout);
        let transport = TransportConfig {
            timeout,
            connect_timeout: timeout,
            insecure: args.insecure,
            cacert: args.cacert.clone(),
            max_body_bytes: 16 * 1024,
            // A probe says what it is unless told otherwise.
            user_agent: args
                .user_agent
                .clone()
                .unwrap_or_else(|| TransportConfig::default().user_agent),
            ..TransportConfig::default()
        };
        Ok(AuditConfig {
            urls,
            headers,
            host,
            session,
            methods,
            concurrency: args.concurrency.min(1024),
            rate: (args.rate > 0.0).then_some(args.rate),
            fail_on: args.fail_on,
            format: args.format,
            transport,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_lines_skip_comments_and_blanks() {
        let got: Vec<_> = url_lines("# list\nhttp://a/\n\n  https://b/x  \n#http://c/\n").collect();
        assert_eq!(got, ["http://a/", "https://b/x"]);
    }

    #[test]
    fn headers_allow_session_and_host_but_not_origin() {
        assert_eq!(parse_header("Host: api.example.com").unwrap().0, "Host");
        assert!(parse_header("Cookie: a=b").is_ok());
        assert!(parse_header("Origin: https://x").is_err());
        assert!(parse_header("X-A: b\r\nc").is_err());
        assert!(is_session_header("authorization"));
    }
}

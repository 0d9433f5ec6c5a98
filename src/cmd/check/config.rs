//! Resolve `check` arguments into a validated configuration, once: the request exactly as the
//! page's script would make it, which browsers to model, and how to reach the server.
//!
//! Everything a user can get wrong is rejected here with a one-line error that says how to fix it.

use std::time::Duration;

use anyhow::{bail, Context};
use cors_doctor_core::http::is_token;
use cors_doctor_core::{CorsRequest, Credentials, Engine, Initiator, RedirectMode};

use crate::cli::args::{CheckArgs, CredentialsArg, Format, RedirectArg};
use crate::net::TransportConfig;

/// Everything `check` needs, validated.
#[derive(Debug)]
pub(crate) struct CheckConfig {
    /// The request as the script makes it.
    pub(crate) request: CorsRequest,
    /// The request body, if any.
    pub(crate) body: Option<Vec<u8>>,
    /// Engines to model, in report order.
    pub(crate) engines: Vec<Engine>,
    /// Whether state-changing actual requests may be sent.
    pub(crate) send_actual: bool,
    /// A stack named by the user.
    pub(crate) stack: Option<String>,
    /// Output format.
    pub(crate) format: Format,
    /// Cookie header value for credentialed requests to the URL's own origin.
    pub(crate) cookie: Option<String>,
    /// Print secrets instead of redacting them.
    pub(crate) show_secrets: bool,
    /// How to reach the server.
    pub(crate) transport: TransportConfig,
}

/// The User-Agent sent when the user names none: a current desktop Chromium's shape, so servers
/// that sniff browsers answer as they would answer the real thing.
pub(crate) const DEFAULT_USER_AGENT: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36 cors-doctor/0.1";

impl CheckConfig {
    /// Validate and resolve.
    pub(crate) fn from_args(args: &CheckArgs) -> anyhow::Result<CheckConfig> {
        let url = parse_target(&args.url)?;
        let origin = parse_origin(&args.origin)?;
        let method = parse_method(&args.method)?;
        let mut headers = args
            .headers
            .iter()
            .map(|h| parse_header(h))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let body = read_body(args)?;
        if body.is_some() && matches!(method.to_ascii_uppercase().as_str(), "GET" | "HEAD") {
            bail!("fetch() rejects a request body with {method}: drop --data or use another method");
        }
        if body.is_some()
            && !headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        {
            // fetch() labels a string body itself; the label is part of the CORS decision.
            headers.push(("Content-Type".to_string(), "text/plain;charset=UTF-8".to_string()));
        }
        let request = CorsRequest {
            url,
            origin,
            method,
            headers,
            credentials: credentials(args.credentials),
            redirect: redirect(args.redirect),
            initiator: Initiator::Fetch,
            use_cors_preflight: false,
        };
        if let Some(stack) = &args.stack {
            if cors_doctor_core::fixes::Stack::from_name(stack).is_none() {
                let names: Vec<&str> = cors_doctor_core::fixes::Stack::all()
                    .iter()
                    .map(|s| s.name())
                    .collect();
                bail!("unknown --stack '{stack}'; known stacks: {}", names.join(", "));
            }
        }
        Ok(CheckConfig {
            request,
            body,
            engines: args.browser.engines(),
            send_actual: args.send_actual,
            stack: args.stack.clone(),
            format: args.format,
            cookie: args.cookie.clone(),
            show_secrets: args.show_secrets,
            transport: transport_config(args)?,
        })
    }
}

fn transport_config(args: &CheckArgs) -> anyhow::Result<TransportConfig> {
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 3600.0) {
        bail!(
            "--timeout takes a number of seconds between 0 and 3600, got {}",
            args.timeout
        );
    }
    let timeout = Duration::from_secs_f64(args.timeout);
    if let Some(path) = &args.cacert {
        std::fs::metadata(path).with_context(|| format!("cannot read --cacert {}", path.display()))?;
    }
    Ok(TransportConfig {
        timeout,
        connect_timeout: timeout.min(Duration::from_secs(5)),
        insecure: args.insecure,
        cacert: args.cacert.clone(),
        user_agent: args
            .user_agent
            .clone()
            .unwrap_or_else(|| DEFAULT_USER_AGENT.to_string()),
        ..TransportConfig::default()
    })
}

/// The target must be an absolute http(s) URL.
pub(crate) fn parse_target(raw: &str) -> anyhow::Result<String> {
    let url = url::Url::parse(raw.trim()).with_context(|| format!("invalid URL '{raw}'"))?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("only http:// and https:// URLs can be checked, got '{raw}' (browsers do not allow CORS requests to other schemes)");
    }
    if url.host_str().is_none_or(str::is_empty) {
        bail!("invalid URL '{raw}': no host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        // Not echoed: the URL holds a password.
        bail!("fetch() refuses URLs that include credentials (user:password@host); send them with -H 'Authorization: Basic …' instead");
    }
    Ok(url.to_string())
}

/// An origin is `scheme://host[:port]` (no path), or `null`; serialized as browsers do.
pub(crate) fn parse_origin(raw: &str) -> anyhow::Result<String> {
    let raw = raw.trim();
    if raw == "null" {
        return Ok("null".into());
    }
    let url = url::Url::parse(raw).with_context(|| {
        format!("invalid --origin '{raw}': expected scheme://host[:port], e.g. http://localhost:3000")
    })?;
    if url.host_str().is_none() || !matches!(url.scheme(), "http" | "https") {
        bail!(
            "invalid --origin '{raw}': expected an http(s) origin such as https://app.example.com, or null"
        );
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        bail!(
            "--origin takes an origin, not a page URL: use '{}'",
            url.origin().ascii_serialization()
        );
    }
    Ok(url.origin().ascii_serialization())
}

fn parse_method(raw: &str) -> anyhow::Result<String> {
    if !is_token(raw) {
        bail!("invalid method '{raw}': a method is a single token such as GET or PATCH");
    }
    if matches!(raw.to_ascii_uppercase().as_str(), "CONNECT" | "TRACE" | "TRACK") {
        bail!("fetch() refuses the method {raw} (a forbidden method): no browser can send it");
    }
    Ok(raw.to_string())
}

/// Header names a script cannot set (Fetch: forbidden request-header); browsers drop them silently.
fn forbidden_hint(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "cookie" | "cookie2" => Some("use --cookie and --credentials include"),
        "origin" => Some("use --origin"),
        "user-agent" => None,
        "accept-charset"
        | "accept-encoding"
        | "access-control-request-headers"
        | "access-control-request-method"
        | "connection"
        | "content-length"
        | "date"
        | "dnt"
        | "expect"
        | "host"
        | "keep-alive"
        | "referer"
        | "set-cookie"
        | "te"
        | "trailer"
        | "transfer-encoding"
        | "upgrade"
        | "via" => Some("the browser sets it itself; leave it out"),
        _ if lower.starts_with("proxy-") || lower.starts_with("sec-") => {
            Some("the browser sets it itself; leave it out")
        }
        _ => None,
    }
}

/// `Name: value`, as `new Headers()` would accept it, rejecting what scripts cannot set.
pub(crate) fn parse_header(raw: &str) -> anyhow::Result<(String, String)> {
    let (name, value) = parse_header_syntax(raw)?;
    if let Some(hint) = forbidden_hint(&name) {
        bail!("scripts cannot set the header {name} (a forbidden request-header): {hint}");
    }
    Ok((name, value))
}

/// The syntax of `-H 'Name: value'` (value trimmed of leading/trailing whitespace). Errors never
/// echo the value: it may be a credential.
pub(crate) fn parse_header_syntax(raw: &str) -> anyhow::Result<(String, String)> {
    // The value may be a credential: error messages show the name part only.
    let shown = raw.split([':', ' ']).next().unwrap_or_default();
    let (name, value) = raw
        .split_once(':')
        .with_context(|| format!("invalid header '{shown} …': expected 'Name: value'"))?;
    let name = name.trim();
    if !is_token(name) {
        bail!("invalid header name '{name}': a header name is a single token such as X-Api-Key");
    }
    let value = value.trim_matches([' ', '\t']);
    if value.bytes().any(|b| b == 0 || b == b'\r' || b == b'\n') {
        bail!("invalid value for header {name}: it contains NUL, CR or LF");
    }
    Ok((name.to_string(), value.to_string()))
}

fn read_body(args: &CheckArgs) -> anyhow::Result<Option<Vec<u8>>> {
    if let Some(data) = &args.data {
        return Ok(Some(data.clone().into_bytes()));
    }
    match &args.data_file {
        Some(path) => {
            Ok(Some(std::fs::read(path).with_context(|| {
                format!("cannot read --data-file {}", path.display())
            })?))
        }
        None => Ok(None),
    }
}

fn credentials(c: CredentialsArg) -> Credentials {
    match c {
        CredentialsArg::Omit => Credentials::Omit,
        CredentialsArg::SameOrigin => Credentials::SameOrigin,
        CredentialsArg::Include => Credentials::Include,
    }
}

fn redirect(r: RedirectArg) -> RedirectMode {
    match r {
        RedirectArg::Follow => RedirectMode::Follow,
        RedirectArg::Error => RedirectMode::Error,
        RedirectArg::Manual => RedirectMode::Manual,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_serialized_like_browsers_do() {
        assert_eq!(
            parse_origin("http://LocalHost:3000").unwrap(),
            "http://localhost:3000"
        );
        assert_eq!(
            parse_origin("https://app.example:443").unwrap(),
            "https://app.example"
        );
        assert_eq!(
            parse_origin("http://localhost:3000/").unwrap(),
            "http://localhost:3000"
        );
        assert_eq!(parse_origin("null").unwrap(), "null");
        assert!(parse_origin("http://localhost:3000/app")
            .unwrap_err()
            .to_string()
            .contains("not a page URL"));
        assert!(parse_origin("localhost:3000").is_err());
        assert!(parse_origin("ftp://x.example").is_err());
    }

    #[test]
    fn headers_are_parsed_as_fetch_would_take_them() {
        assert_eq!(
            parse_header("X-Api-Key:  abc ").unwrap(),
            ("X-Api-Key".into(), "abc".into())
        );
        assert_eq!(
            parse_header("X-Empty:").unwrap(),
            ("X-Empty".into(), String::new())
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("Bad Name: x").is_err());
        assert!(parse_header("Cookie: a=b")
            .unwrap_err()
            .to_string()
            .contains("--cookie"));
        assert!(parse_header("Sec-Fetch-Mode: cors").is_err());
    }

    #[test]
    fn targets_must_be_http() {
        assert!(parse_target("https://api.example/x").is_ok());
        assert!(parse_target("file:///etc/passwd").is_err());
        assert!(parse_target("not a url").is_err());
        assert!(parse_method("CONNECT").is_err());
        assert_eq!(parse_method("patch").unwrap(), "patch");
    }
}

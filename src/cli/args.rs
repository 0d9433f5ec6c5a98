//! Raw command-line arguments (clap derive). No logic here: `cmd::*` resolves them into a config.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Diagnose CORS exactly as Chromium, Firefox and Safari would, then print the fix.
#[derive(Debug, Parser)]
#[command(name = "cors-doctor", version, about, long_about = None, propagate_version = true)]
#[command(
    after_help = "EXIT STATUS:\n  0  allowed in every requested browser, no error-severity finding\n  \
1  blocked somewhere, or an error-severity finding\n  \
2  the check could not be made (usage error, DNS, refused, TLS, timeout, unreadable input)\n\n\
Start with `cors-doctor demo` for a guided tour against the built-in lab."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Send the browser's preflight and request, judge them as each browser does, print cause and fix.
    Check(CheckArgs),
    /// Explain a pasted browser console error: the cause, the fix and the command to verify it.
    Explain(ExplainArgs),
    /// Diagnose every CORS failure recorded in a DevTools/Playwright HAR export, offline.
    Har(HarArgs),
    /// Audit URLs for exploitable CORS misconfigurations (security review).
    Audit(AuditArgs),
    /// Serve the scenario lab: correct and deliberately broken CORS endpoints to practise on.
    Lab(LabArgs),
    /// Start the lab in-process and diagnose a curated set of its scenarios (works offline).
    Demo(DemoArgs),
}

/// Output formats shared by the commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Readable report for a terminal (colour on a TTY; NO_COLOR honoured).
    Human,
    /// Machine-readable, versioned JSON (schema in docs/).
    Json,
    /// Markdown, for issues and pull requests.
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CredentialsArg {
    Omit,
    SameOrigin,
    Include,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RedirectArg {
    Follow,
    Error,
    Manual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum BrowserArg {
    Chromium,
    Firefox,
    Webkit,
    All,
}

impl BrowserArg {
    /// The engines this choice models, in report order.
    pub(crate) fn engines(self) -> Vec<cors_doctor_core::Engine> {
        use cors_doctor_core::Engine;
        match self {
            BrowserArg::Chromium => vec![Engine::Chromium],
            BrowserArg::Firefox => vec![Engine::Firefox],
            BrowserArg::Webkit => vec![Engine::Webkit],
            BrowserArg::All => Engine::BROWSERS.to_vec(),
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = "EXAMPLES:\n  \
cors-doctor check https://api.example.com/items --origin https://app.example.com\n  \
cors-doctor check https://api.example.com/items/1 --origin http://localhost:3000 -X PUT \\\n      \
-H 'Content-Type: application/json' -H 'Authorization: Bearer x' --credentials include\n\n\
Only GET and HEAD actual requests are sent by default; other methods stop after the preflight\n\
(verdict `incomplete`) unless --send-actual is given.")]
pub(crate) struct CheckArgs {
    /// The URL the page's script fetches.
    pub(crate) url: String,
    /// The page's origin, e.g. http://localhost:3000 (scheme://host[:port], or `null`).
    #[arg(long, short = 'o')]
    pub(crate) origin: String,
    /// Request method as the script passes it (case matters: `patch` is sent as `patch`).
    #[arg(long = "request", short = 'X', default_value = "GET", value_name = "METHOD")]
    pub(crate) method: String,
    /// A header the script sets, exactly as fetch() gets it ('Name: value'); repeatable.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub(crate) headers: Vec<String>,
    /// The request's credentials mode (fetch() defaults to same-origin).
    #[arg(long, value_enum, default_value = "same-origin")]
    pub(crate) credentials: CredentialsArg,
    /// Request body (a string body: fetch() labels it text/plain;charset=UTF-8 unless -H sets Content-Type).
    #[arg(long, short = 'd', conflicts_with = "data_file")]
    pub(crate) data: Option<String>,
    /// Read the request body from a file.
    #[arg(long, value_name = "FILE")]
    pub(crate) data_file: Option<PathBuf>,
    /// The request's redirect mode.
    #[arg(long, value_enum, default_value = "follow")]
    pub(crate) redirect: RedirectArg,
    /// Which browsers to model.
    #[arg(long, value_enum, default_value = "all")]
    pub(crate) browser: BrowserArg,
    /// Also send state-changing actual requests (POST, PUT, PATCH, DELETE…). Off by default.
    #[arg(long)]
    pub(crate) send_actual: bool,
    /// Server stack for the fix (express, fastapi, django, flask, spring, aspnet, rails, go-rs-cors, gin,
    /// actix, axum, nginx, apache, caddy, aws-api-gateway, s3, cloudflare-workers); detected when omitted.
    #[arg(long, value_name = "NAME")]
    pub(crate) stack: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub(crate) format: Format,
    /// Seconds allowed for each request (connect, TLS, headers and body).
    #[arg(long, default_value = "10", value_name = "SECONDS")]
    pub(crate) timeout: f64,
    /// Do not verify TLS certificates.
    #[arg(long, short = 'k')]
    pub(crate) insecure: bool,
    /// Trust this PEM CA bundle in addition to the platform roots.
    #[arg(long, value_name = "FILE")]
    pub(crate) cacert: Option<PathBuf>,
    /// Cookie to send with credentialed requests to the URL's own origin ('k=v; k2=v2').
    #[arg(long, value_name = "COOKIES")]
    pub(crate) cookie: Option<String>,
    /// User-Agent to send.
    #[arg(long, value_name = "UA")]
    pub(crate) user_agent: Option<String>,
    /// Show Cookie, Authorization and Set-Cookie values instead of redacting them.
    #[arg(long)]
    pub(crate) show_secrets: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "EXAMPLES:\n  \
cors-doctor explain \"Access to fetch at 'https://api.example.com/x' from origin 'http://localhost:3000' has been blocked by CORS policy: ...\"\n  \
pbpaste | cors-doctor explain")]
pub(crate) struct ExplainArgs {
    /// The console text; read from standard input when omitted or `-`.
    pub(crate) text: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub(crate) format: Format,
    /// Keep tokens found in pasted URLs (?access_token=…) instead of redacting them.
    #[arg(long)]
    pub(crate) show_secrets: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "EXAMPLES:\n  \
cors-doctor har session.har\n  \
cors-doctor har session.har.gz --origin https://app.example.com --format json\n  \
cat session.har | cors-doctor har -")]
pub(crate) struct HarArgs {
    /// The HAR file (`.har` or gzip-compressed `.har.gz`); `-` reads standard input.
    pub(crate) file: PathBuf,
    /// The page origin, for entries that do not record an Origin header.
    #[arg(long, short = 'o')]
    pub(crate) origin: Option<String>,
    /// Which browsers to model.
    #[arg(long, value_enum, default_value = "all")]
    pub(crate) browser: BrowserArg,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub(crate) format: Format,
    /// Show Cookie, Authorization and Set-Cookie values instead of redacting them.
    #[arg(long)]
    pub(crate) show_secrets: bool,
}

/// Output formats of `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AuditFormat {
    /// Summary table by severity, then details.
    Human,
    /// `cors-doctor/audit/v1`.
    Json,
    /// SARIF 2.1.0 for code-scanning dashboards.
    Sarif,
}

/// Severity threshold for `audit`'s exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    Never,
}

#[derive(Debug, Args)]
#[command(after_help = "EXAMPLES:\n  \
cors-doctor audit https://api.example.com/me\n  \
cors-doctor audit --input urls.txt --cookie 'session=…' --format sarif > cors.sarif\n\n\
Only the URLs given are contacted; probes are GET and OPTIONS requests with crafted Origin headers.")]
pub(crate) struct AuditArgs {
    /// URLs to audit (`-` reads them from standard input, one per line).
    pub(crate) urls: Vec<String>,
    /// Read URLs from a file, one per line (`#` starts a comment).
    #[arg(long, short = 'i', value_name = "FILE")]
    pub(crate) input: Option<PathBuf>,
    /// A header to send with every probe ('Name: value'); repeatable. `Host: NAME` audits a server
    /// reached by IP under its real name: the probe origins are built from NAME.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub(crate) headers: Vec<String>,
    /// Cookie to send, so session-only policies are found (GET probes carry it; each hit is tried
    /// again without it; preflights never carry it, as in browsers).
    #[arg(long, value_name = "COOKIES")]
    pub(crate) cookie: Option<String>,
    /// Extra methods to probe with preflights (GET is always probed); repeatable or comma-separated.
    #[arg(long = "method", value_delimiter = ',', value_name = "METHOD")]
    pub(crate) methods: Vec<String>,
    /// Targets audited at once.
    #[arg(long, default_value = "16")]
    pub(crate) concurrency: usize,
    /// Requests per second across all targets (0 = unlimited; for loopback tests).
    #[arg(long, default_value = "50")]
    pub(crate) rate: f64,
    /// Seconds allowed for each request.
    #[arg(long, default_value = "10", value_name = "SECONDS")]
    pub(crate) timeout: f64,
    /// Exit 1 when a finding at or above this severity exists.
    #[arg(long, value_enum, default_value = "medium")]
    pub(crate) fail_on: FailOn,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub(crate) format: AuditFormat,
    /// Do not verify TLS certificates.
    #[arg(long, short = 'k')]
    pub(crate) insecure: bool,
    /// Trust this PEM CA bundle in addition to the platform roots (an internal CA).
    #[arg(long, value_name = "FILE")]
    pub(crate) cacert: Option<PathBuf>,
    /// User-Agent to send with every probe.
    #[arg(long, value_name = "UA")]
    pub(crate) user_agent: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct LabArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, short = 'p', default_value = "8484")]
    pub(crate) port: u16,
    /// Address to bind (loopback by default: the lab is deliberately insecure).
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) bind: String,
    /// An origin the correct endpoints trust; repeatable (default http://localhost:3000).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub(crate) allow_origins: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub(crate) format: Format,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}

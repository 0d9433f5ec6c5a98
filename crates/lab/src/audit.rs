//! Audit targets: origin-dependent CORS policies for `cors-doctor audit` to practise on, served at
//! `/audit/<name>`.
//!
//! The scenario catalogue ([`crate::catalogue()`]) is static header templates; most audit classes
//! need logic per request instead ("trust origins ending in the site's domain"), so this list is
//! separate: each [`AuditTarget`] has a [`Policy`], a small function of the request evaluated per
//! request. Answers are still written as raw header lines in order. Targets do not appear in
//! `catalogue()`, so nothing that iterates the catalogue changes.
//!
//! A policy protects the site named by the request's `Host` (port dropped): `HOST` is that host and
//! `SITE` its last two labels. Audit the targets as `api.lab-bank.com` ([`AUDIT_HOST`]) so the
//! domain-based probes apply, with the cookie [`AUDIT_COOKIE`] so session-only policies show:
//!
//! ```text
//! cors-doctor audit http://127.0.0.1:8484/audit/suffix-match -H 'Host: api.lab-bank.com' --cookie session=lab
//! ```
//!
//! Correct targets trust exactly `http(s)://app.SITE` and the site's own origin (`http(s)://HOST`
//! as sent in `Host`), answer with `Vary: Origin`, and send credentials only with an allowed origin.

use crate::respond::Response;

/// The host name to audit the targets under (send it as `Host`).
pub const AUDIT_HOST: &str = "api.lab-bank.com";
/// The session cookie that switches on session-only policies.
pub const AUDIT_COOKIE: &str = "session=lab";
/// The foreign origin [`Policy::FixedForeign`] always allows.
pub const PARTNER_ORIGIN: &str = "https://partner-analytics.net";

/// How a target decides, per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Policy {
    /// Correct: exact allowlist, `Vary: Origin`, credentials only with an allowed origin.
    Allowlist,
    /// Correct: always allows the same-site frontend `https://app.SITE` (constant, no Vary needed).
    FixedSameSite,
    /// Correct: no CORS headers at all.
    NoCors,
    /// Correct: a 404 without CORS headers.
    ErrorNoCors,
    /// Echoes any tuple origin (not `null`).
    Reflect { credentials: bool },
    /// `*`.
    Wildcard { credentials: bool },
    /// Allowlist plus `null`.
    Null,
    /// Origin starts with `http(s)://HOST`.
    Prefix,
    /// Origin ends with `SITE` (no label boundary).
    Suffix,
    /// The origin's host is a substring of `app.SITE api.SITE`.
    Substring,
    /// `^https?://HOST$` with the dots unescaped.
    UnescapedDot,
    /// Host read with a naive `[a-z0-9.:-]+` pattern, then compared with the allowlist.
    SpecialCharacters,
    /// Allowlist plus an unanchored `^https?://localhost`.
    Localhost,
    /// Any host equal to or under `SITE`, any scheme.
    AnySubdomain,
    /// Allowlist plus `http://HOST` (only meaningful when served over https).
    HttpOrigin,
    /// Allowlist plus `https://codepen.io`.
    ThirdParty,
    /// `HOST` on any port.
    OtherPort,
    /// Always allows [`PARTNER_ORIGIN`] with credentials.
    FixedForeign,
    /// Allowlist without `Vary: Origin`.
    VaryMissing,
    /// Allowlist, but answers with a comma list of origins.
    InvalidAcao,
    /// Allowlist, and writes the percent-decoded Origin into `X-Request-Origin` (CR/LF split lines).
    CrlfInjection,
    /// Allowlist plus `null`; preflights reflect the requested method and headers.
    PermissivePreflight,
    /// GET: allowlist. Preflights: echo any origin with credentials.
    MethodSpecific,
    /// Echoes any origin with credentials, only when the request carries the session cookie.
    SessionSpecific,
    /// Allowlist, with `Access-Control-Allow-Credentials: true` on every answer.
    AcacWithoutAcao,
    /// Every answer is a 404 that echoes any origin with credentials.
    ErrorOnly,
}

/// One audit target: `/audit/<name>`, its policy, and what the audit should report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AuditTarget {
    /// Kebab-case; the path is `/audit/<name>`.
    pub name: &'static str,
    /// One line: what the policy does.
    pub summary: &'static str,
    /// `(class id, severity)` the audit reports when run as documented in the module docs;
    /// empty for a correct target.
    pub expected: &'static [(&'static str, &'static str)],
    /// Only detectable when served over https (the lab serves http).
    pub https_only: bool,
    /// How it answers.
    pub policy: Policy,
}

const fn t(
    name: &'static str,
    summary: &'static str,
    policy: Policy,
    expected: &'static [(&'static str, &'static str)],
) -> AuditTarget {
    AuditTarget {
        name,
        summary,
        expected,
        https_only: false,
        policy,
    }
}

static TARGETS: &[AuditTarget] = &[
    t(
        "correct-allowlist",
        "Exact allowlist with credentials and Vary: Origin.",
        Policy::Allowlist,
        &[],
    ),
    t(
        "correct-fixed-same-site",
        "Always allows the same-site frontend https://app.SITE.",
        Policy::FixedSameSite,
        &[],
    ),
    t(
        "correct-no-cors",
        "No CORS headers: cross-origin reads are simply not allowed.",
        Policy::NoCors,
        &[],
    ),
    t(
        "correct-error-no-cors",
        "A 404 without CORS headers.",
        Policy::ErrorNoCors,
        &[],
    ),
    t(
        "origin-reflected",
        "Echoes any origin, with credentials.",
        Policy::Reflect { credentials: true },
        &[("origin-reflected", "critical")],
    ),
    t(
        "origin-reflected-no-credentials",
        "Echoes any origin, without credentials.",
        Policy::Reflect { credentials: false },
        &[("origin-reflected", "low")],
    ),
    t(
        "wildcard",
        "Access-Control-Allow-Origin: *.",
        Policy::Wildcard { credentials: false },
        &[("wildcard", "info")],
    ),
    t(
        "wildcard-with-credentials",
        "`*` together with Access-Control-Allow-Credentials: true.",
        Policy::Wildcard { credentials: true },
        &[("wildcard-with-credentials", "low")],
    ),
    t(
        "null-origin",
        "Trusts the null origin, with credentials.",
        Policy::Null,
        &[("null-origin", "high")],
    ),
    t(
        "prefix-match",
        "Trusts origins starting with http(s)://HOST.",
        Policy::Prefix,
        &[("prefix-match", "high")],
    ),
    t(
        "suffix-match",
        "Trusts origins ending with SITE.",
        Policy::Suffix,
        &[("suffix-match", "high")],
    ),
    t(
        "substring-match",
        "Trusts origins whose host is part of its own names.",
        Policy::Substring,
        &[("substring-match", "high")],
    ),
    t(
        "unescaped-dot",
        "Regex ^https?://HOST$ with unescaped dots.",
        Policy::UnescapedDot,
        &[("unescaped-dot", "high")],
    ),
    t(
        "special-characters",
        "Reads the origin's host with [a-z0-9.:-]+ and stops at anything else.",
        Policy::SpecialCharacters,
        &[("special-characters", "high")],
    ),
    t(
        "localhost-pattern",
        "Trusts an unanchored ^https?://localhost.",
        Policy::Localhost,
        &[("localhost-pattern", "high")],
    ),
    t(
        "any-subdomain",
        "Trusts every subdomain of SITE.",
        Policy::AnySubdomain,
        &[("any-subdomain", "medium")],
    ),
    AuditTarget {
        https_only: true,
        ..t(
            "http-origin-trusted",
            "Trusts http://HOST (a finding only when served over https).",
            Policy::HttpOrigin,
            &[("http-origin-trusted", "medium")],
        )
    },
    t(
        "third-party-origin",
        "Trusts https://codepen.io.",
        Policy::ThirdParty,
        &[("third-party-origin", "high")],
    ),
    t(
        "other-port",
        "Trusts HOST on any port.",
        Policy::OtherPort,
        &[("other-port", "low")],
    ),
    t(
        "fixed-foreign-origin",
        "Always allows https://partner-analytics.net.",
        Policy::FixedForeign,
        &[("fixed-foreign-origin", "info")],
    ),
    t(
        "vary-origin-missing",
        "Allowlist without Vary: Origin.",
        Policy::VaryMissing,
        &[("vary-origin-missing", "low")],
    ),
    t(
        "invalid-acao",
        "Answers a comma list of origins.",
        Policy::InvalidAcao,
        &[("invalid-acao", "info")],
    ),
    t(
        "crlf-injection",
        "Writes the percent-decoded Origin into a response header.",
        Policy::CrlfInjection,
        &[("crlf-injection", "medium")],
    ),
    t(
        "permissive-preflight",
        "Trusts null; preflights reflect the requested method and headers.",
        Policy::PermissivePreflight,
        &[("null-origin", "high"), ("permissive-preflight", "high")],
    ),
    t(
        "method-specific",
        "Strict for GET; preflights echo any origin with credentials.",
        Policy::MethodSpecific,
        &[("method-specific", "critical")],
    ),
    t(
        "session-specific",
        "Echoes any origin with credentials, only for requests with the session cookie.",
        Policy::SessionSpecific,
        &[("session-specific", "critical")],
    ),
    t(
        "acac-without-acao",
        "Sends Access-Control-Allow-Credentials: true on every answer.",
        Policy::AcacWithoutAcao,
        &[("acac-without-acao", "info")],
    ),
    t(
        "cors-on-error-only",
        "A 404 that echoes any origin with credentials.",
        Policy::ErrorOnly,
        &[("origin-reflected", "low")],
    ),
];

/// Every audit target.
pub fn audit_targets() -> &'static [AuditTarget] {
    TARGETS
}

/// The audit target named `name`.
pub fn find_audit_target(name: &str) -> Option<&'static AuditTarget> {
    TARGETS.iter().find(|t| t.name == name)
}

/// `/audit/`: one line per target — name, expected findings (or `correct`), summary.
pub fn index_text() -> String {
    let mut out = format!("# audit targets; audit them as Host: {AUDIT_HOST} with Cookie: {AUDIT_COOKIE}\n");
    for t in TARGETS {
        let expected: Vec<String> = t.expected.iter().map(|(c, s)| format!("{c}:{s}")).collect();
        let expected = if expected.is_empty() {
            "correct".to_owned()
        } else {
            expected.join(",")
        };
        let https = if t.https_only { " (https only)" } else { "" };
        out.push_str(&format!("{}\t{expected}{https}\t{}\n", t.name, t.summary));
    }
    out
}

/// What a policy looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyRequest<'a> {
    /// Whether it is a CORS-preflight.
    pub preflight: bool,
    /// The `Origin` value.
    pub origin: Option<&'a str>,
    /// The `Host` value (port included when sent).
    pub host: &'a str,
    /// `Access-Control-Request-Method`.
    pub request_method: Option<&'a str>,
    /// `Access-Control-Request-Headers`.
    pub request_headers: Option<&'a str>,
    /// `Cookie`.
    pub cookie: Option<&'a str>,
}

fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |i| &host[..=i]);
    }
    host.rsplit_once(':').map_or(host, |(h, _)| h)
}

fn site(host: &str) -> &str {
    let mut dots = host.rmatch_indices('.');
    dots.next();
    dots.next().map_or(host, |(i, _)| &host[i + 1..])
}

fn origin_host(origin: &str) -> &str {
    origin.split_once("://").map_or("", |(_, h)| h)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl AuditTarget {
    /// The lab's answer to `req`.
    pub fn respond(&self, req: &PolicyRequest<'_>) -> Response {
        let host_full = req.host;
        let host = strip_port(host_full);
        let site = site(host);
        let allowlisted = |o: &str| {
            o == format!("http://app.{site}")
                || o == format!("https://app.{site}")
                || o == format!("http://{host_full}")
                || o == format!("https://{host_full}")
        };
        let origin = req.origin.unwrap_or("");
        let tuple = req.origin.is_some() && origin != "null";
        let oh = origin_host(origin);
        let mut r = Answer::new(if req.preflight { 204 } else { 200 });
        let vary = !matches!(self.policy, Policy::VaryMissing);
        let trusted = match self.policy {
            Policy::NoCors => return r.finish(),
            Policy::ErrorNoCors => {
                r.status = 404;
                return r.finish();
            }
            Policy::FixedSameSite => {
                r.header("Access-Control-Allow-Origin", &format!("https://app.{site}"));
                r.header("Access-Control-Allow-Credentials", "true");
                return r.finish();
            }
            Policy::FixedForeign => {
                r.header("Access-Control-Allow-Origin", PARTNER_ORIGIN);
                r.header("Access-Control-Allow-Credentials", "true");
                return r.finish();
            }
            Policy::Wildcard { credentials } => {
                r.header("Access-Control-Allow-Origin", "*");
                if credentials {
                    r.header("Access-Control-Allow-Credentials", "true");
                }
                return r.finish();
            }
            Policy::InvalidAcao => {
                r.header(
                    "Access-Control-Allow-Origin",
                    &format!("http://app.{site}, https://app.{site}"),
                );
                return r.finish();
            }
            Policy::HttpOrigin => allowlisted(origin) || origin == format!("http://{host}"),
            Policy::Reflect { .. } => tuple,
            Policy::ErrorOnly => {
                r.status = 404;
                tuple
            }
            Policy::Null | Policy::PermissivePreflight => allowlisted(origin) || origin == "null",
            Policy::Prefix => {
                origin.starts_with(&format!("http://{host}"))
                    || origin.starts_with(&format!("https://{host}"))
            }
            Policy::Suffix => tuple && origin.ends_with(site),
            Policy::Substring => tuple && !oh.is_empty() && format!("app.{site} api.{site}").contains(oh),
            Policy::UnescapedDot => {
                tuple
                    && (origin.starts_with("http://") || origin.starts_with("https://"))
                    && oh.len() == host.len()
                    && oh.bytes().zip(host.bytes()).all(|(a, b)| b == b'.' || a == b)
            }
            Policy::SpecialCharacters => {
                let end = oh
                    .find(|c: char| !(c.is_ascii_alphanumeric() || ".:-".contains(c)))
                    .unwrap_or(oh.len());
                tuple && (oh[..end] == *host || oh[..end] == format!("app.{site}"))
            }
            Policy::Localhost => {
                allowlisted(origin)
                    || origin.starts_with("http://localhost")
                    || origin.starts_with("https://localhost")
            }
            Policy::AnySubdomain => tuple && (oh == site || oh.ends_with(&format!(".{site}"))),
            Policy::ThirdParty => allowlisted(origin) || origin == "https://codepen.io",
            Policy::OtherPort => tuple && strip_port(oh) == host,
            Policy::MethodSpecific => {
                if req.preflight {
                    tuple
                } else {
                    allowlisted(origin)
                }
            }
            Policy::SessionSpecific => {
                let session = req
                    .cookie
                    .is_some_and(|c| c.split(';').any(|kv| kv.trim().starts_with("session=")));
                if session {
                    tuple
                } else {
                    allowlisted(origin)
                }
            }
            Policy::Allowlist | Policy::VaryMissing | Policy::AcacWithoutAcao | Policy::CrlfInjection => {
                allowlisted(origin)
            }
        };
        let credentials = !matches!(self.policy, Policy::Reflect { credentials: false });
        if trusted {
            r.header("Access-Control-Allow-Origin", origin);
            if credentials {
                r.header("Access-Control-Allow-Credentials", "true");
            }
            if req.preflight {
                let permissive = matches!(self.policy, Policy::PermissivePreflight | Policy::MethodSpecific);
                let methods = match req.request_method {
                    Some(m) if permissive => m.to_owned(),
                    _ => "GET, POST, PUT".to_owned(),
                };
                let headers = match req.request_headers {
                    Some(h) if permissive => h.to_owned(),
                    _ => "content-type".to_owned(),
                };
                r.header("Access-Control-Allow-Methods", &methods);
                r.header("Access-Control-Allow-Headers", &headers);
            }
        } else if matches!(self.policy, Policy::AcacWithoutAcao) {
            r.header("Access-Control-Allow-Credentials", "true");
        }
        if vary {
            r.header("Vary", "Origin");
        }
        if matches!(self.policy, Policy::CrlfInjection) && req.origin.is_some() {
            // The bug on purpose: the decoded value goes into a header, and a CR/LF in it starts a
            // new header line. Written as separate lines (never a raw CR/LF inside a value).
            let decoded = percent_decode(origin);
            let mut parts = decoded.split("\r\n");
            r.header("X-Request-Origin", parts.next().unwrap_or(""));
            for line in parts {
                let (n, v) = line.split_once(':').unwrap_or((line, ""));
                let clean = |s: &str| s.chars().filter(|c| !c.is_control()).collect::<String>();
                let name = clean(n.trim());
                if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                    r.header(&name, &clean(v.trim()));
                }
            }
        }
        r.finish()
    }
}

/// A response being built.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
}

impl Answer {
    fn new(status: u16) -> Self {
        Answer {
            status,
            headers: Vec::with_capacity(6),
        }
    }

    fn header(&mut self, name: &str, value: &str) {
        self.headers.push((name.to_owned(), value.to_owned()));
    }

    fn finish(self) -> Response {
        let (reason, body) = match self.status {
            204 => ("No Content", ""),
            404 => ("Not Found", "{\"error\":\"not found\"}\n"),
            _ => ("OK", "{\"account\":\"lab\",\"balance\":42}\n"),
        };
        let mut headers = self.headers;
        if !body.is_empty() {
            headers.insert(0, ("Content-Type".to_owned(), "application/json".to_owned()));
        }
        Response {
            status: self.status,
            reason: reason.to_owned(),
            headers,
            body: body.as_bytes().to_vec(),
            status_line: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(name: &str, origin: &str, preflight: bool) -> Response {
        find_audit_target(name).unwrap().respond(&PolicyRequest {
            preflight,
            origin: Some(origin),
            host: AUDIT_HOST,
            request_method: preflight.then_some("PUT"),
            request_headers: preflight.then_some("x-probe"),
            cookie: None,
        })
    }

    fn acao(r: &Response) -> Option<&str> {
        r.headers
            .iter()
            .find(|(n, _)| n == "Access-Control-Allow-Origin")
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn names_are_unique_and_paths_are_safe() {
        let mut names: Vec<_> = audit_targets().iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), audit_targets().len());
        assert!(names
            .iter()
            .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')));
    }

    #[test]
    fn policies_decide_per_origin() {
        assert_eq!(
            acao(&ask("correct-allowlist", "https://app.lab-bank.com", false)),
            Some("https://app.lab-bank.com")
        );
        assert_eq!(acao(&ask("correct-allowlist", "https://evil.com", false)), None);
        assert_eq!(
            acao(&ask("suffix-match", "http://evillab-bank.com", false)),
            Some("http://evillab-bank.com")
        );
        assert_eq!(
            acao(&ask("unescaped-dot", "http://apixlab-bank.com", false)),
            Some("http://apixlab-bank.com")
        );
        assert_eq!(acao(&ask("unescaped-dot", "http://apixlab-bank.co", false)), None);
        assert_eq!(
            acao(&ask(
                "special-characters",
                "http://api.lab-bank.com_.evil.com",
                false
            )),
            Some("http://api.lab-bank.com_.evil.com")
        );
        assert_eq!(
            acao(&ask(
                "special-characters",
                "http://api.lab-bank.com.evil.com",
                false
            )),
            None
        );
        assert_eq!(acao(&ask("method-specific", "http://evil.com", false)), None);
        assert_eq!(
            acao(&ask("method-specific", "http://evil.com", true)),
            Some("http://evil.com")
        );
        assert_eq!(ask("cors-on-error-only", "http://evil.com", false).status, 404);
    }

    #[test]
    fn crlf_target_splits_lines_without_raw_line_breaks() {
        let r = ask("crlf-injection", "http://evil.com%0d%0aX-Injected:%20yes", false);
        assert!(r.headers.contains(&("X-Injected".to_owned(), "yes".to_owned())));
        assert!(r
            .headers
            .iter()
            .all(|(n, v)| !n.contains(['\r', '\n']) && !v.contains(['\r', '\n'])));
    }
}

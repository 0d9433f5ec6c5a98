//! The security audit's rules: which crafted `Origin` probes to send to one target, and which
//! findings the answers prove. Pure: the caller sends the probes and feeds the responses back.
//!
//! Contract:
//! - [`Audit`] is a small state machine, like [`crate::Fetch`]: [`Audit::next_batch`] says which
//!   probes to send (GET probes for every class of the catalogue that applies to the target, then
//!   CORS-preflights from the most dangerous trusted origin, then — when the user gave a session —
//!   each hit again without it), [`Audit::observe`] takes each answer, [`Audit::report`] judges.
//!   Every probe of a batch is independent; nothing stops at the first hit.
//! - Probe origins are what a browser could send: the port is never put inside a host name, host
//!   characters are only those some engine accepts ([`SPECIAL_CHARACTERS`] says which), and
//!   variants an attacker could not register are judged as proof of a bug, not as exploitable.
//! - A hit is exactly what a browser would accept: one `Access-Control-Allow-Origin` equal to the
//!   probe origin byte for byte; credentials only when `Access-Control-Allow-Credentials` is
//!   exactly `true`. Findings are sorted (severity, class, origin) so the report does not depend
//!   on the order answers arrived in.
//! - Severity comes from exploitability: can the attacker obtain the origin (register it, publish
//!   on it, sandbox into it), does the browser send credentials, is the target network-gated, and
//!   did the answer come from an error page.

mod probes;
mod rules;
mod text;

use serde::Serialize;
use url::Url;

pub use probes::{ATTACKER_DOMAIN, PROBE_HEADER, SPECIAL_CHARACTERS, THIRD_PARTY_ORIGINS};

/// A misconfiguration class. The kebab-case ids are stable (JSON, SARIF rule ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    OriginReflected,
    Wildcard,
    WildcardWithCredentials,
    NullOrigin,
    PrefixMatch,
    SuffixMatch,
    SubstringMatch,
    UnescapedDot,
    SpecialCharacters,
    LocalhostPattern,
    AnySubdomain,
    HttpOriginTrusted,
    ThirdPartyOrigin,
    FixedForeignOrigin,
    OtherPort,
    VaryOriginMissing,
    InvalidAcao,
    CrlfInjection,
    PermissivePreflight,
    MethodSpecific,
    SessionSpecific,
    AcacWithoutAcao,
}

impl Class {
    /// Every class, in catalogue order.
    pub const ALL: [Class; 22] = [
        Class::OriginReflected,
        Class::Wildcard,
        Class::WildcardWithCredentials,
        Class::NullOrigin,
        Class::PrefixMatch,
        Class::SuffixMatch,
        Class::SubstringMatch,
        Class::UnescapedDot,
        Class::SpecialCharacters,
        Class::LocalhostPattern,
        Class::AnySubdomain,
        Class::HttpOriginTrusted,
        Class::ThirdPartyOrigin,
        Class::FixedForeignOrigin,
        Class::OtherPort,
        Class::VaryOriginMissing,
        Class::InvalidAcao,
        Class::CrlfInjection,
        Class::PermissivePreflight,
        Class::MethodSpecific,
        Class::SessionSpecific,
        Class::AcacWithoutAcao,
    ];

    /// The stable id, e.g. `origin-reflected`.
    pub fn id(self) -> &'static str {
        text::id(self)
    }

    /// A short title, e.g. `Arbitrary origin reflected`.
    pub fn title(self) -> &'static str {
        text::title(self)
    }

    /// The class with this id.
    pub fn from_id(id: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.id() == id)
    }
}

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Most severe first.
    pub const DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];
}

/// Which browser engines accept a probe origin's host (and so can send that `Origin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Browsers {
    pub chromium: bool,
    pub firefox: bool,
    pub webkit: bool,
}

impl Browsers {
    /// All three engines.
    pub const ALL: Browsers = Browsers {
        chromium: true,
        firefox: true,
        webkit: true,
    };
    /// Firefox and Safari (WebKit).
    pub const FIREFOX_WEBKIT: Browsers = Browsers {
        chromium: false,
        firefox: true,
        webkit: true,
    };
    /// Safari (WebKit) only.
    pub const WEBKIT: Browsers = Browsers {
        chromium: false,
        firefox: false,
        webkit: true,
    };
    /// None (not browser-sendable: CR/LF probes).
    pub const NONE: Browsers = Browsers {
        chromium: false,
        firefox: false,
        webkit: false,
    };

    /// `Chromium, Firefox and Safari`-style list.
    pub fn describe(self) -> String {
        let names: Vec<&str> = [
            (self.chromium, "Chromium"),
            (self.firefox, "Firefox"),
            (self.webkit, "Safari"),
        ]
        .into_iter()
        .filter_map(|(on, n)| on.then_some(n))
        .collect();
        match names.as_slice() {
            [] => "no browser".to_owned(),
            [one] => (*one).to_owned(),
            [a, b] => format!("{a} and {b}"),
            [a, b, c] => format!("{a}, {b} and {c}"),
            _ => unreachable!(),
        }
    }

    fn rank(self) -> u8 {
        u8::from(self.chromium) * 4 + u8::from(self.firefox) * 2 + u8::from(self.webkit)
    }
}

/// The audited resource as the probes see it: its scheme, host and port (from the URL, or from
/// a `Host` header the user sends, for a server reached by IP under its real name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The URL requested.
    pub url: String,
    /// `http` or `https`.
    pub scheme: String,
    /// Lowercase ASCII host (IPv6 in brackets).
    pub host: String,
    /// Non-default port of the identity, if any.
    pub port: Option<u16>,
    /// Registrable domain (eTLD+1) of `host`, when it has one.
    pub registrable: Option<String>,
}

impl Target {
    /// The target for `url`; `host_header` (a `Host` value the user sends) overrides its host and
    /// port. Only `http` and `https` URLs can be audited.
    pub fn new(url: &str, host_header: Option<&str>) -> Result<Target, String> {
        let parsed = Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
        let scheme = parsed.scheme().to_owned();
        if scheme != "http" && scheme != "https" {
            return Err(format!("only http and https URLs can be audited, not {scheme}:"));
        }
        let identity = match host_header {
            Some(h) => Url::parse(&format!("{scheme}://{}/", h.trim()))
                .map_err(|e| format!("the Host header {h:?} is not a host: {e}"))?,
            None => parsed.clone(),
        };
        let origin = crate::origin::Origin::of_url(&identity);
        let host = origin.host().ok_or("the URL has no host")?.to_owned();
        let port = match &origin {
            crate::origin::Origin::Tuple { port, .. } => *port,
            crate::origin::Origin::Opaque => None,
        };
        Ok(Target {
            url: parsed.to_string(),
            scheme,
            registrable: origin.registrable_domain().map(str::to_owned),
            host,
            port,
        })
    }

    /// The target's own origin, serialized.
    pub fn own_origin(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{p}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// Whether the host is an IP literal.
    pub fn is_ip(&self) -> bool {
        crate::origin::host_is_ip_literal(&self.host)
    }

    /// Whether the host looks reachable only from inside a network (private or loopback IP,
    /// single-label or `.local`/`.internal`/`.lan`/`.corp`/`.intranet`/`.localhost` names): content
    /// there is gated by network position, so even an uncredentialed read is worth more.
    pub fn is_internal(&self) -> bool {
        let h = self.host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = h.parse::<std::net::IpAddr>() {
            return match ip {
                std::net::IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
                std::net::IpAddr::V6(v6) => v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00,
            };
        }
        !h.contains('.')
            || [
                ".local",
                ".internal",
                ".lan",
                ".corp",
                ".intranet",
                ".localhost",
                ".home.arpa",
            ]
            .iter()
            .any(|s| h.ends_with(s))
    }
}

/// What the user gave besides the URLs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The user supplied a session (cookie or Authorization): probes carry it, and every hit is
    /// tried again without it to find session-only policies.
    pub session: bool,
    /// Methods to probe with CORS-preflights besides the default `PUT` (exact case).
    pub methods: Vec<String>,
}

/// GET (an ordinary cross-origin read) or a CORS-preflight for `method`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProbeKind {
    Get,
    Preflight { method: String },
}

/// One request to send: an `Origin` and what a hit on it would show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// The class a trusted answer proves (for passive checks, the closest one).
    pub class: Class,
    /// The exact `Origin` value.
    pub origin: String,
    /// GET or preflight.
    pub kind: ProbeKind,
    /// Send the user's session (cookies, Authorization) with it.
    pub session: bool,
    /// An attacker can obtain this origin (register the name, publish on the host, sandbox).
    pub obtainable: bool,
    /// Engines that can send it.
    pub browsers: Browsers,
    /// For special-character probes: the character.
    pub character: Option<char>,
}

impl Probe {
    /// The HTTP method on the wire.
    pub fn method(&self) -> &'static str {
        match self.kind {
            ProbeKind::Get => "GET",
            ProbeKind::Preflight { .. } => "OPTIONS",
        }
    }

    /// The CORS request headers of this probe, in the order a browser sends them (the caller adds
    /// its own and the user's headers).
    pub fn cors_headers(&self) -> Vec<(String, String)> {
        let mut out = Vec::with_capacity(3);
        if let ProbeKind::Preflight { method } = &self.kind {
            out.push(("Access-Control-Request-Method".to_owned(), method.clone()));
            out.push((
                "Access-Control-Request-Headers".to_owned(),
                PROBE_HEADER.to_owned(),
            ));
        }
        out.push(("Origin".to_owned(), self.origin.clone()));
        out
    }
}

/// A response to a probe.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Response {
    pub status: u16,
    /// Raw header lines in wire order.
    pub headers: Vec<(String, String)>,
    /// The start of the body (for stack detection).
    pub body: Vec<u8>,
}

impl Response {
    /// Every value of `name` (ASCII case-insensitive), in wire order.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim_matches([' ', '\t']))
    }
}

/// What came back for one probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub probe: Probe,
    /// The response, or the transport failure in one line.
    pub result: Result<Response, String>,
}

/// The request and response a finding rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Response status.
    pub status: u16,
    /// The probe's CORS request headers (`Origin`, and for preflights `Access-Control-Request-*`).
    pub request: Vec<(String, String)>,
    /// Response header lines in wire order (`Set-Cookie` values redacted). Server text: escape it.
    pub headers: Vec<(String, String)>,
}

/// The fix for a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixAdvice {
    /// What to change, in one or two sentences.
    pub advice: String,
    /// The stack the snippet is for (`unknown` gives a header recipe).
    pub stack: &'static str,
    /// Syntax label of the snippet.
    pub language: &'static str,
    /// A configuration that trusts an exact origin list (placeholder origin, see `advice`).
    pub snippet: String,
}

/// One proven misconfiguration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub class: Class,
    pub severity: Severity,
    /// The browser would send cookies/HTTP auth and let script read the answer.
    pub credentials: bool,
    /// The exact `Origin` sent.
    pub probe_origin: String,
    /// `GET` or `OPTIONS` (preflight; the requested method is in the evidence).
    pub method: String,
    /// For permissive-preflight, method-specific and session-specific: the origin check that fails.
    pub underlying: Option<Class>,
    pub evidence: Evidence,
    /// One paragraph: how an attacker uses it.
    pub scenario: String,
    pub fix: FixAdvice,
}

/// The audit of one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Sorted: most severe first, then class, then origin.
    pub findings: Vec<Finding>,
    /// Probes sent (answered or not).
    pub requests: usize,
    /// Probes that got no HTTP answer.
    pub failed: usize,
    /// The first transport failure, in one line.
    pub first_error: Option<String>,
}

/// The audit state machine for one target. See the module docs.
#[derive(Debug, Clone)]
pub struct Audit {
    target: Target,
    options: Options,
    stage: u8,
    observed: Vec<Observed>,
}

impl Audit {
    pub fn new(target: Target, options: Options) -> Audit {
        Audit {
            target,
            options,
            stage: 0,
            observed: Vec::new(),
        }
    }

    /// The target being audited.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The next probes to send; empty when the audit is complete. Each batch depends only on the
    /// answers to the previous ones, so the caller may send a batch's probes in any order.
    pub fn next_batch(&mut self) -> Vec<Probe> {
        loop {
            let stage = self.stage;
            self.stage = self.stage.saturating_add(1);
            let batch = match stage {
                0 => probes::plan(&self.target, &self.options),
                1 => probes::preflights(&self.target, &self.options, &self.observed),
                2 if self.options.session => probes::session_rechecks(&self.target, &self.observed),
                3.. => return Vec::new(),
                _ => Vec::new(),
            };
            if !batch.is_empty() {
                return batch;
            }
        }
    }

    /// Record the answer to a probe of the current batch.
    pub fn observe(&mut self, probe: Probe, result: Result<Response, String>) {
        self.observed.push(Observed { probe, result });
    }

    /// Everything observed so far.
    pub fn observed(&self) -> &[Observed] {
        &self.observed
    }

    /// Judge everything observed.
    pub fn report(&self) -> Report {
        let failed = self.observed.iter().filter(|o| o.result.is_err()).count();
        let first_error = self
            .observed
            .iter()
            .find_map(|o| o.result.as_ref().err().cloned());
        Report {
            findings: rules::findings(&self.target, &self.options, &self.observed),
            requests: self.observed.len(),
            failed,
            first_error,
        }
    }
}

#[cfg(test)]
mod tests;

//! Which probes to send: the catalogue's origin variants built from the target's host and
//! registrable domain, then preflights and session re-checks chosen from the answers.

use super::rules::{self, Hit};
use super::{Browsers, Class, Observed, Options, Probe, ProbeKind, Target};

/// The attacker's own registrable domain used in probe origins.
pub const ATTACKER_DOMAIN: &str = "evil-cors-probe.com";

/// The request header named in preflight probes: no server lists it, so allowing it means the
/// server reflects `Access-Control-Request-Headers`.
pub const PROBE_HEADER: &str = "x-cors-doctor-probe";

/// Characters tried after the target host (`https://HOST<c>.evil-cors-probe.com`), with the engines
/// that accept them in a host name. `_` is accepted everywhere; Firefox and Safari follow the URL
/// Standard's wider host-code-point set for `$` and `+`; the rest only Safari (per Corben Leo's
/// research and the nuclei/CORScanner notes; characters the URL Standard forbids in hosts, such as
/// `^` and `|`, and percent-encoded ones no browser sends, are left out).
pub const SPECIAL_CHARACTERS: &[(char, Browsers)] = &[
    ('_', Browsers::ALL),
    ('$', Browsers::FIREFOX_WEBKIT),
    ('+', Browsers::FIREFOX_WEBKIT),
    ('!', Browsers::WEBKIT),
    ('~', Browsers::WEBKIT),
    ('*', Browsers::WEBKIT),
    (';', Browsers::WEBKIT),
    ('=', Browsers::WEBKIT),
    ('&', Browsers::WEBKIT),
    ('\'', Browsers::WEBKIT),
    ('(', Browsers::WEBKIT),
    (')', Browsers::WEBKIT),
    (',', Browsers::WEBKIT),
    ('{', Browsers::WEBKIT),
    ('}', Browsers::WEBKIT),
    ('"', Browsers::WEBKIT),
    ('`', Browsers::WEBKIT),
];

/// Third-party origins where anyone can publish script (code sandboxes, shared static hosting).
pub const THIRD_PARTY_ORIGINS: &[&str] = &[
    "https://codepen.io",
    "https://cdpn.io",
    "https://jsfiddle.net",
    "https://fiddle.jshell.net",
    "http://jsbin.com",
    "https://evil-cors-probe.github.io",
    "https://evil-cors-probe.s3.amazonaws.com",
    "https://evil-cors-probe.netlify.app",
];

/// The port tried for other-port trust (another one if the target itself uses it).
const OTHER_PORT: u16 = 1337;

/// The GET probes for every class that applies to `target`.
pub(crate) fn plan(target: &Target, options: &Options) -> Vec<Probe> {
    let s = target.scheme.as_str();
    let t = target.host.as_str();
    let session = options.session;
    let get = |class: Class, origin: String, obtainable: bool| Probe {
        class,
        origin,
        kind: ProbeKind::Get,
        session,
        obtainable,
        browsers: Browsers::ALL,
        character: None,
    };
    let mut out = Vec::with_capacity(48);
    // Reflection of an arbitrary origin; its answer also feeds the passive checks (wildcard,
    // invalid value, fixed foreign origin, credentials without origin).
    out.push(get(
        Class::OriginReflected,
        format!("{s}://{ATTACKER_DOMAIN}"),
        true,
    ));
    // The target's own origin: a dynamic policy answers it differently (Vary check).
    out.push(get(Class::VaryOriginMissing, target.own_origin(), false));
    out.push(get(Class::NullOrigin, "null".to_owned(), true));
    let ipv6 = t.starts_with('[');
    if !ipv6 {
        out.push(get(
            Class::PrefixMatch,
            format!("{s}://{t}.{ATTACKER_DOMAIN}"),
            true,
        ));
    }
    if let Some(rd) = target.registrable.as_deref() {
        let suffix = format!("evil{rd}");
        out.push(get(
            Class::SuffixMatch,
            format!("{s}://{suffix}"),
            registrable(&suffix, rd),
        ));
        let sub = &rd[1..];
        if sub.contains('.') && !sub.starts_with(['.', '-']) {
            out.push(get(
                Class::SubstringMatch,
                format!("{s}://{sub}"),
                registrable(sub, rd),
            ));
        }
        for variant in dot_variants(t, rd) {
            let obtainable = registrable(&variant, rd);
            out.push(get(Class::UnescapedDot, format!("{s}://{variant}"), obtainable));
        }
        out.push(get(
            Class::AnySubdomain,
            format!("{s}://evil-cors-probe.{t}"),
            false,
        ));
        if t != rd {
            out.push(get(
                Class::AnySubdomain,
                format!("{s}://evil-cors-probe.{rd}"),
                false,
            ));
        }
    }
    if !ipv6 {
        for &(c, browsers) in SPECIAL_CHARACTERS {
            out.push(Probe {
                browsers,
                character: Some(c),
                ..get(
                    Class::SpecialCharacters,
                    format!("{s}://{t}{c}.{ATTACKER_DOMAIN}"),
                    true,
                )
            });
        }
    }
    out.push(get(
        Class::LocalhostPattern,
        format!("http://localhost.{ATTACKER_DOMAIN}"),
        true,
    ));
    if s == "https" {
        out.push(get(
            Class::LocalhostPattern,
            format!("https://localhost.{ATTACKER_DOMAIN}"),
            true,
        ));
        out.push(get(
            Class::HttpOriginTrusted,
            format!("http://{}", host_port(t, target.port)),
            false,
        ));
    }
    for origin in THIRD_PARTY_ORIGINS {
        out.push(get(Class::ThirdPartyOrigin, (*origin).to_owned(), true));
    }
    let port = if target.port == Some(OTHER_PORT) {
        OTHER_PORT + 1
    } else {
        OTHER_PORT
    };
    out.push(get(Class::OtherPort, format!("{s}://{t}:{port}"), false));
    out.push(Probe {
        browsers: Browsers::NONE,
        ..get(
            Class::CrlfInjection,
            format!("{s}://{ATTACKER_DOMAIN}%0d%0a{CRLF_HEADER}:%20injected"),
            false,
        )
    });
    // One probe per origin (on a `localhost` target the prefix and localhost probes coincide).
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.origin.clone()));
    out
}

/// The header name a CR/LF probe tries to inject.
pub(crate) const CRLF_HEADER: &str = "X-Cors-Doctor-Injected";

fn host_port(host: &str, port: Option<u16>) -> String {
    match port {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

/// Whether an attacker can register `host` (or a name it is under): its public suffix is a known
/// one and its registrable domain is not the target's own (`axb.bank.com` is under `bank.com`).
pub(crate) fn registrable(host: &str, target_rd: &str) -> bool {
    psl::suffix(host.as_bytes()).is_some_and(|s| s.is_known())
        && psl::domain_str(host).is_some_and(|d| d.contains('.') && d != target_rd)
}

/// `T` with one dot replaced by a letter, for each dot left of the registrable domain (the
/// variants an attacker can register), or — when the host is the registrable domain — the
/// suffix dot (proves the bug, not registrable).
fn dot_variants(host: &str, rd: &str) -> Vec<String> {
    let left_len = host.len().saturating_sub(rd.len());
    let mut out = Vec::new();
    if left_len > 0 {
        // Dots in `host[..left_len]`, the last of which separates the left part from `rd`.
        for (i, _) in host[..left_len].match_indices('.') {
            out.push(format!("{}x{}", &host[..i], &host[i + 1..]));
        }
    } else if let Some(i) = host.rfind('.') {
        out.push(format!("{}x{}", &host[..i], &host[i + 1..]));
    }
    out.truncate(3);
    out
}

/// Preflights for `PUT` and the user's methods, from the most dangerous origin the GET probes
/// showed trusted (or the arbitrary one, to catch policies that apply only to other methods).
pub(crate) fn preflights(target: &Target, options: &Options, observed: &[Observed]) -> Vec<Probe> {
    let hits = rules::get_hits(target, observed, options.session);
    let base = hits
        .iter()
        .max_by(|a, b| a.severity.cmp(&b.severity).then_with(|| b.index.cmp(&a.index)))
        .map(|h: &Hit<'_>| h.probe.clone())
        .unwrap_or_else(|| plan(target, options).swap_remove(0));
    let mut methods = vec!["PUT".to_owned()];
    for m in &options.methods {
        if !methods.contains(m) {
            methods.push(m.clone());
        }
    }
    methods
        .into_iter()
        // Browsers never send cookies or HTTP auth with a preflight.
        .map(|method| Probe {
            kind: ProbeKind::Preflight { method },
            session: false,
            ..base.clone()
        })
        .collect()
}

/// Every GET hit with the session (those not explained by a broader hit), again without it.
pub(crate) fn session_rechecks(target: &Target, observed: &[Observed]) -> Vec<Probe> {
    let mut out: Vec<Probe> = Vec::new();
    for hit in rules::get_hits(target, observed, true) {
        let p = Probe {
            session: false,
            ..hit.probe.clone()
        };
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

//! Words: class ids and titles, the attack scenario of a finding, and the advice that goes with
//! its fix snippet.

use super::{Class, Probe, ProbeKind, Target};

/// The placeholder origin the fix snippets trust (the advice says to list the real frontends).
pub(crate) const PLACEHOLDER_ORIGIN: &str = "https://app.example.com";

pub(crate) fn id(c: Class) -> &'static str {
    match c {
        Class::OriginReflected => "origin-reflected",
        Class::Wildcard => "wildcard",
        Class::WildcardWithCredentials => "wildcard-with-credentials",
        Class::NullOrigin => "null-origin",
        Class::PrefixMatch => "prefix-match",
        Class::SuffixMatch => "suffix-match",
        Class::SubstringMatch => "substring-match",
        Class::UnescapedDot => "unescaped-dot",
        Class::SpecialCharacters => "special-characters",
        Class::LocalhostPattern => "localhost-pattern",
        Class::AnySubdomain => "any-subdomain",
        Class::HttpOriginTrusted => "http-origin-trusted",
        Class::ThirdPartyOrigin => "third-party-origin",
        Class::FixedForeignOrigin => "fixed-foreign-origin",
        Class::OtherPort => "other-port",
        Class::VaryOriginMissing => "vary-origin-missing",
        Class::InvalidAcao => "invalid-acao",
        Class::CrlfInjection => "crlf-injection",
        Class::PermissivePreflight => "permissive-preflight",
        Class::MethodSpecific => "method-specific",
        Class::SessionSpecific => "session-specific",
        Class::AcacWithoutAcao => "acac-without-acao",
    }
}

pub(crate) fn title(c: Class) -> &'static str {
    match c {
        Class::OriginReflected => "Arbitrary origin reflected",
        Class::Wildcard => "Wildcard origin",
        Class::WildcardWithCredentials => "Wildcard origin with credentials",
        Class::NullOrigin => "The null origin is trusted",
        Class::PrefixMatch => "Origin checked with a prefix match",
        Class::SuffixMatch => "Origin checked with a suffix match",
        Class::SubstringMatch => "Origin checked with a substring match",
        Class::UnescapedDot => "Unescaped dot in the origin pattern",
        Class::SpecialCharacters => "Origin parser fooled by special characters",
        Class::LocalhostPattern => "Unanchored localhost pattern",
        Class::AnySubdomain => "Every subdomain is trusted",
        Class::HttpOriginTrusted => "Unencrypted origin trusted by an https resource",
        Class::ThirdPartyOrigin => "Third-party origin anyone can publish on is trusted",
        Class::FixedForeignOrigin => "A fixed foreign origin is trusted",
        Class::OtherPort => "The host is trusted on any port",
        Class::VaryOriginMissing => "Origin-dependent answer without Vary: Origin",
        Class::InvalidAcao => "Invalid Access-Control-Allow-Origin value",
        Class::CrlfInjection => "CR/LF injection through the Origin header",
        Class::PermissivePreflight => "Preflight reflects what is asked",
        Class::MethodSpecific => "A different, weaker policy for another method",
        Class::SessionSpecific => "A weaker policy only for authenticated requests",
        Class::AcacWithoutAcao => "Credentials allowed without an allowed origin",
    }
}

/// What a scenario is built from.
pub(crate) struct Facts<'a> {
    pub class: Class,
    pub underlying: Option<Class>,
    pub target: &'a Target,
    pub probe: &'a Probe,
    pub status: u16,
    pub creds: bool,
    /// Other trusted origins of the same class.
    pub also: &'a [&'a str],
    /// The `Access-Control-Allow-Origin` value(s) received.
    pub acao: String,
}

/// How the attacker comes to own the trusted origin.
fn how(class: Class, f: &Facts<'_>) -> String {
    let o = &f.probe.origin;
    let host = o.split_once("://").map_or(o.as_str(), |(_, h)| h);
    let rd = f.target.registrable.as_deref().unwrap_or(&f.target.host);
    match class {
        Class::OriginReflected => format!("The server copies any Origin into Access-Control-Allow-Origin, so a page on any site the attacker runs (here {o}) is trusted."),
        Class::NullOrigin => "The server trusts the origin `null`, which any attacker page obtains by running its script in a sandboxed iframe (`<iframe sandbox=\"allow-scripts\" srcdoc=...>`) or a data: URL.".to_owned(),
        Class::PrefixMatch => format!("The server only checks that the Origin starts with its own host, so an attacker who registers {ATTACKER} and creates the host {host} is trusted.", ATTACKER = super::ATTACKER_DOMAIN),
        Class::SuffixMatch if f.probe.obtainable => format!("The server only checks that the Origin ends with {rd}, so an attacker who registers {host} is trusted."),
        Class::SuffixMatch => format!("The server only checks that the Origin ends with {rd} ({host} was trusted); that name cannot be registered publicly, but any name ending the same way is trusted."),
        Class::SubstringMatch if f.probe.obtainable => format!("The server accepts an Origin whose host is merely part of its own name, so an attacker who registers {host} is trusted."),
        Class::SubstringMatch => format!("The server accepts an Origin whose host is merely part of its own name ({host} was trusted); that variant cannot be registered publicly, but the check is broken."),
        Class::UnescapedDot if f.probe.obtainable => format!("The server's origin pattern leaves a `.` unescaped, so it matches any character there; an attacker registers {host} and is trusted."),
        Class::UnescapedDot => format!("The server's origin pattern leaves a `.` unescaped ({host} matched). This variant is not a registrable name, so it is not exploitable as such, but the pattern is broken and other hosts may slip through."),
        Class::SpecialCharacters => {
            let c = f.probe.character.map(|c| c.to_string()).unwrap_or_default();
            format!("The server's origin parsing stops at special characters, so {o} is trusted. {} accept `{c}` in a host name, and the attacker controls that name as a subdomain of their own domain.", f.probe.browsers.describe())
        }
        Class::LocalhostPattern => format!("A pattern meant for local development (`localhost`) is not anchored, so {o}, a subdomain of an attacker's domain, is trusted."),
        Class::AnySubdomain => format!("Every subdomain of {rd} is trusted (here {o}): an XSS, a dangling-DNS takeover or a hostile tenant on any of them acts as the trusted origin."),
        Class::HttpOriginTrusted => format!("The https resource trusts the unencrypted origin {o}: a network attacker (public Wi-Fi, a hostile ISP) injects script into any http:// page of that origin and reads the https answers, undoing TLS."),
        Class::ThirdPartyOrigin => format!("{o} is trusted, but anyone can publish script there (a code sandbox or shared hosting)."),
        Class::OtherPort => format!("The host is trusted on any port (here {o}): whoever runs or compromises another service on that host reads the answers."),
        _ => format!("The server trusts {o}."),
    }
}

fn consequence(f: &Facts<'_>) -> String {
    let url = &f.target.url;
    let mut s = if f.creds {
        format!(" Script there calls fetch('{url}', {{credentials: 'include'}}) in a logged-in victim's browser and reads the answer made with the victim's cookies: account data, CSRF tokens, API keys — then acts as the victim.")
    } else if f.target.is_internal() {
        " Credentials are not allowed, but the host is only reachable from inside a network: script in a victim's browser reads it from the victim's network position (intranet, VPN, IP allowlist).".to_owned()
    } else {
        " Credentials are not allowed, so the attacker reads only what the victim's browser fetches without cookies — content gated by network position (intranet, VPN, IP allowlists)."
            .to_owned()
    };
    if f.status >= 400 {
        s.push_str(&format!(" Seen on a {} answer: there is little to read unless error pages carry data, but the same handler may serve real data elsewhere.", f.status));
    }
    if !f.also.is_empty() {
        let what = if f.probe.character.is_some() {
            "Other characters that get through"
        } else {
            "Also trusted"
        };
        s.push_str(&format!(" {what}: {}.", f.also.join(", ")));
    }
    s
}

/// One paragraph: how an attacker uses the finding.
pub(crate) fn scenario(f: &Facts<'_>) -> String {
    let o = &f.probe.origin;
    let url = &f.target.url;
    match f.class {
        Class::Wildcard => format!("Every origin may read {url} without credentials (Access-Control-Allow-Origin: *). Fine for public data; if the host is only reachable inside a network, any web page a victim opens reads it from the victim's network position."),
        Class::WildcardWithCredentials => "The server sends `Access-Control-Allow-Origin: *` with `Access-Control-Allow-Credentials: true`. Browsers refuse that combination, so it is not exploitable today, but the usual \"fix\" is to echo the Origin instead — which would make every site able to read authenticated answers.".to_owned(),
        Class::FixedForeignOrigin => format!("Every answer allows {} — a different site than {}. Whoever controls that origin (or an XSS on it) reads these answers{}; check that this trust is intended.", f.acao, f.target.host, if f.creds { " with the user's cookies" } else { "" }),
        Class::InvalidAcao => format!("Access-Control-Allow-Origin is `{}`: browsers accept exactly one origin or `*`, so they reject this answer. Not exploitable, but cross-origin reads fail and the list shows which origins the server means to trust.", f.acao),
        Class::AcacWithoutAcao => format!("The answer to {o} allows credentials but no origin. Harmless to browsers (the origin check fails first), but it shows a middleware that sets credentials unconditionally; if its origin check is ever loosened, credentials come with it."),
        Class::VaryOriginMissing => format!("Access-Control-Allow-Origin depends on the request's Origin (the answer to {o} carried `{}`), but the answer has no `Vary: Origin`. A shared cache (CDN, proxy) or the browser cache may serve one origin's answer to another: legitimate origins get blocked, and a credentialed answer cached for one origin can be replayed to another.", f.acao),
        Class::CrlfInjection => format!("The server decoded the percent-encoded CR/LF in the Origin {o} and wrote it into its answer, so the probe's own header line appeared. A browser never sends such an Origin, but any client can: with a shared cache in front this is response splitting (cache poisoning) and header injection."),
        Class::PermissivePreflight => {
            let under = f.underlying.unwrap_or(Class::OriginReflected);
            let method = method_of(f.probe);
            format!("{} The preflight from that origin allows {method} and reflects the requested header `{}`, so the attacker is not limited to reading: it sends {method} requests with any headers and a JSON body{}.", how(under, f), super::PROBE_HEADER, if f.creds { " as the logged-in victim" } else { "" })
        }
        Class::MethodSpecific => {
            let under = f.underlying.unwrap_or(Class::OriginReflected);
            let method = method_of(f.probe);
            format!("GET answers are strict, but the preflight for {method} trusts {o}: {} A GET-only scan misses it.{}", how(under, f), consequence(f).replace("reads the answer", "sends the request and reads the answer"))
        }
        Class::SessionSpecific => {
            let under = f.underlying.unwrap_or(Class::OriginReflected);
            format!("Only requests carrying the session are answered this way — an unauthenticated scan sees a strict policy. {}{}", how(under, f), consequence(f))
        }
        c => format!("{}{}", how(c, f), consequence(f)),
    }
}

fn method_of(p: &Probe) -> &str {
    match &p.kind {
        ProbeKind::Preflight { method } => method,
        ProbeKind::Get => "GET",
    }
}

const EXACT: &str = "Compare the Origin with an exact list of trusted origins (scheme, host and port, byte for byte) and answer untrusted origins without any Access-Control-Allow-* header; never echo the Origin, and never use startsWith/endsWith/contains or unescaped regular expressions.";
const LIST_NOTE: &str =
    " The snippet trusts https://app.example.com as a placeholder: list your own frontends.";

/// What to change, for the fix's advice field.
pub(crate) fn advice(class: Class, underlying: Option<Class>, origin: &str) -> String {
    let body = match class {
        Class::NullOrigin => format!("Remove `null` from the trusted origins (sandboxed iframes, data: and file: pages all send it). {EXACT}"),
        Class::AnySubdomain => format!("Trust only the subdomains that need access, by exact origin, not every name under the domain. {EXACT}"),
        Class::HttpOriginTrusted => format!("Trust only https:// origins on an https resource (and send HSTS). {EXACT}"),
        Class::ThirdPartyOrigin => format!("Remove {origin} from the trusted origins: anyone can publish script there. {EXACT}"),
        Class::OtherPort => format!("Include the port in the comparison: trust the exact origins only. {EXACT}"),
        Class::Wildcard => "If the resource is public, `*` is fine (it never carries credentials); if it is not, replace it with an exact list of trusted origins.".to_owned(),
        Class::WildcardWithCredentials => format!("Browsers reject `*` with credentials; do not \"fix\" it by echoing the Origin. {EXACT}"),
        Class::FixedForeignOrigin => "Confirm that the origin in Access-Control-Allow-Origin is meant to read these answers; remove it otherwise.".to_owned(),
        Class::InvalidAcao => "Send exactly one origin: pick the request's Origin from the trusted list and send only it (with Vary: Origin), or `*` for public data.".to_owned(),
        Class::AcacWithoutAcao => "Send Access-Control-Allow-Credentials only together with an allowed origin.".to_owned(),
        Class::VaryOriginMissing => "Send `Vary: Origin` on every answer whose CORS headers depend on the Origin, including answers to untrusted origins.".to_owned(),
        Class::CrlfInjection => "Never write request data into response headers unchecked: reject control characters and percent-encoded line breaks, and emit only values from the trusted origin list.".to_owned(),
        Class::PermissivePreflight => format!("List the allowed methods and request headers explicitly instead of reflecting Access-Control-Request-Method/-Headers, and fix the origin check. {EXACT}"),
        Class::MethodSpecific => format!("Apply one CORS policy to every method and route (including OPTIONS handlers). {EXACT}"),
        Class::SessionSpecific => format!("Apply the same CORS policy whether or not the request is authenticated. {EXACT}"),
        _ => EXACT.to_owned(),
    };
    let _ = underlying;
    format!("{body}{LIST_NOTE}")
}

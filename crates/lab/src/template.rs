//! Header-value templates: a scenario writes `{name}` placeholders and the server expands them
//! per request, so reflection and "almost the right origin" values follow whatever origin the
//! page really has (the parity test's page runs on a random loopback port).
//!
//! Placeholders:
//! - `{origin}`: the request's `Origin` verbatim (reflection). A line using it is **dropped** when
//!   the request has no `Origin`, as reflecting middleware does.
//! - `{allowed}`: the request's `Origin` if it is one of the allowed origins, else the first
//!   allowed origin.
//! - near misses of `{allowed}`: `{allowed_slash}` (trailing `/`), `{allowed_upper}`
//!   (upper-cased), `{allowed_port}` (another port), `{allowed_host_swap}` (`localhost` ⇄
//!   `127.0.0.1`), `{allowed_scheme_swap}` (`http` ⇄ `https`).
//! - `{other_origin}`: a fixed foreign origin, [`OTHER_ORIGIN`].
//! - `{self}`: `http://` + the request's Host; `{self_swap}`: the same with `localhost` ⇄
//!   `127.0.0.1`; `{self_https}`: `https://` + Host. For redirect `Location`s.
//!
//! An unknown placeholder is left as written. Expansion never adds CR or LF: the request parser
//! rejects control characters in the values that get reflected.

/// The foreign origin `{other_origin}` stands for.
pub const OTHER_ORIGIN: &str = "https://other.example";

/// Every placeholder the lab expands, without braces.
pub const PLACEHOLDERS: &[&str] = &[
    "origin",
    "allowed",
    "allowed_slash",
    "allowed_upper",
    "allowed_port",
    "allowed_host_swap",
    "allowed_scheme_swap",
    "other_origin",
    "self",
    "self_swap",
    "self_https",
];

/// The allowed origin used when a configuration lists none.
pub(crate) const DEFAULT_ALLOWED: &str = "http://localhost:3000";

/// What a template may refer to: the request and the lab's configuration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'a> {
    /// The request's `Origin` header value, if any.
    pub origin: Option<&'a str>,
    /// The request's Host header (or the lab's own address when absent).
    pub host: &'a str,
    /// Origins the "correct" endpoints trust.
    pub allowed: &'a [String],
}

enum Var {
    Value(String),
    DropLine,
    Unknown,
}

/// Expands every placeholder of `template`; `None` means "do not send this header line".
pub(crate) fn expand(template: &str, ctx: &Context<'_>) -> Option<String> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let Some(close) = after.find('}') else {
            out.push_str(after);
            return Some(out);
        };
        match var(&after[1..close], ctx) {
            Var::Value(v) => out.push_str(&v),
            Var::DropLine => return None,
            Var::Unknown => out.push_str(&after[..=close]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fn var(name: &str, ctx: &Context<'_>) -> Var {
    let allowed = || allowed_origin(ctx);
    let v = match name {
        "origin" => return ctx.origin.map_or(Var::DropLine, |o| Var::Value(o.to_string())),
        "allowed" => allowed(),
        "allowed_slash" => format!("{}/", allowed()),
        "allowed_upper" => allowed().to_ascii_uppercase(),
        "allowed_port" => other_port(&allowed()),
        "allowed_host_swap" => swap_host(&allowed()),
        "allowed_scheme_swap" => swap_scheme(&allowed()),
        "other_origin" => OTHER_ORIGIN.to_string(),
        "self" => format!("http://{}", ctx.host),
        "self_swap" => swap_host(&format!("http://{}", ctx.host)),
        "self_https" => format!("https://{}", ctx.host),
        _ => return Var::Unknown,
    };
    Var::Value(v)
}

/// The request's origin when trusted, else the first trusted origin.
pub(crate) fn allowed_origin(ctx: &Context<'_>) -> String {
    if let Some(o) = ctx.origin.filter(|o| ctx.allowed.iter().any(|a| a == o)) {
        return o.to_string();
    }
    ctx.allowed
        .first()
        .map_or_else(|| DEFAULT_ALLOWED.to_string(), Clone::clone)
}

/// An origin split as `scheme`, `host` and optional `port` (no validation beyond the shape).
struct Parts<'a> {
    scheme: &'a str,
    host: &'a str,
    port: Option<&'a str>,
}

fn split(origin: &str) -> Option<Parts<'_>> {
    let (scheme, rest) = origin.split_once("://")?;
    let rest = rest.trim_end_matches('/');
    let host_end = if rest.starts_with('[') {
        rest.find(']').map_or(rest.len(), |i| i + 1)
    } else {
        rest.find(':').unwrap_or(rest.len())
    };
    let (host, port) = rest.split_at(host_end);
    let port = port.strip_prefix(':');
    Some(Parts { scheme, host, port })
}

fn join(scheme: &str, host: &str, port: Option<&str>) -> String {
    match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    }
}

/// The same origin on a neighbouring port (`:8080`/`:8443` when the port was the default).
fn other_port(origin: &str) -> String {
    let Some(p) = split(origin) else {
        return format!("{origin}:8080");
    };
    let port = match p.port.and_then(|s| s.parse::<u16>().ok()) {
        Some(65535) => 65534,
        Some(n) => n + 1,
        None if p.scheme.eq_ignore_ascii_case("https") => 8443,
        None => 8080,
    };
    join(p.scheme, p.host, Some(&port.to_string()))
}

/// `localhost` ⇄ `127.0.0.1`; any other host becomes `127.0.0.1`.
fn swap_host(origin: &str) -> String {
    let Some(p) = split(origin) else {
        return origin.to_string();
    };
    let host = if p.host == "127.0.0.1" {
        "localhost"
    } else {
        "127.0.0.1"
    };
    join(p.scheme, host, p.port)
}

/// `http` ⇄ `https`, host and port kept.
fn swap_scheme(origin: &str) -> String {
    let Some(p) = split(origin) else {
        return origin.to_string();
    };
    let scheme = if p.scheme == "https" { "http" } else { "https" };
    join(scheme, p.host, p.port)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx<'a>(origin: Option<&'a str>, allowed: &'a [String]) -> Context<'a> {
        Context {
            origin,
            host: "127.0.0.1:4000",
            allowed,
        }
    }

    fn list(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reflection_is_verbatim_and_drops_without_origin() {
        let allowed = list(&["http://localhost:3000"]);
        let c = ctx(Some("https://EVIL.example/"), &allowed);
        assert_eq!(expand("{origin}", &c).unwrap(), "https://EVIL.example/");
        assert_eq!(expand("{origin}", &ctx(None, &allowed)), None);
    }

    #[test]
    fn allowed_picks_request_origin_only_when_trusted() {
        let allowed = list(&["http://localhost:3000", "http://127.0.0.1:9"]);
        let c = ctx(Some("http://127.0.0.1:9"), &allowed);
        assert_eq!(expand("{allowed}", &c).unwrap(), "http://127.0.0.1:9");
        let c = ctx(Some("https://evil.example"), &allowed);
        assert_eq!(expand("{allowed}", &c).unwrap(), "http://localhost:3000");
        assert_eq!(expand("{allowed}", &ctx(None, &[])).unwrap(), DEFAULT_ALLOWED);
    }

    #[test]
    fn near_misses_differ_from_the_allowed_origin() {
        let allowed = list(&["http://127.0.0.1:5000"]);
        let c = ctx(Some("http://127.0.0.1:5000"), &allowed);
        let e = |t| expand(t, &c).unwrap();
        assert_eq!(e("{allowed_slash}"), "http://127.0.0.1:5000/");
        assert_eq!(e("{allowed_upper}"), "HTTP://127.0.0.1:5000");
        assert_eq!(e("{allowed_port}"), "http://127.0.0.1:5001");
        assert_eq!(e("{allowed_host_swap}"), "http://localhost:5000");
        assert_eq!(e("{allowed_scheme_swap}"), "https://127.0.0.1:5000");
    }

    #[test]
    fn near_misses_of_default_ports_and_ipv6() {
        assert_eq!(other_port("https://app.example"), "https://app.example:8443");
        assert_eq!(other_port("http://[::1]:80"), "http://[::1]:81");
        assert_eq!(swap_host("http://localhost"), "http://127.0.0.1");
        assert_eq!(other_port("garbage"), "garbage:8080");
    }

    #[test]
    fn self_urls_follow_the_host_header() {
        let c = ctx(None, &[]);
        assert_eq!(expand("{self}/x", &c).unwrap(), "http://127.0.0.1:4000/x");
        assert_eq!(expand("{self_swap}/x", &c).unwrap(), "http://localhost:4000/x");
        assert_eq!(expand("{self_https}/x", &c).unwrap(), "https://127.0.0.1:4000/x");
    }

    #[test]
    fn every_listed_placeholder_is_known() {
        let allowed = list(&["http://localhost:3000"]);
        let c = ctx(Some("http://localhost:3000"), &allowed);
        for p in PLACEHOLDERS {
            assert!(matches!(var(p, &c), Var::Value(_)), "{p}");
        }
    }

    #[test]
    fn unknown_and_unclosed_placeholders_stay() {
        let c = ctx(None, &[]);
        assert_eq!(expand("a {nope} b", &c).unwrap(), "a {nope} b");
        assert_eq!(expand("a {other_origin", &c).unwrap(), "a {other_origin");
        assert_eq!(expand("{other_origin}", &c).unwrap(), OTHER_ORIGIN);
    }
}

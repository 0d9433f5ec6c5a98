//! Judging the answers: which probes the server trusted (exactly as a browser checks), which hits
//! are explained by a broader one, the severity of each, and the passive checks (wildcard, invalid
//! values, fixed foreign origin, missing `Vary`, credentials without origin, CR/LF injection).

use super::probes::CRLF_HEADER;
use super::{
    text, Class, Evidence, Finding, Observed, Options, Probe, ProbeKind, Response, Severity, Target,
};
use crate::fixes::{self, Needs, Stack};

/// The server trusts `origin` the way a browser checks it: exactly one
/// `Access-Control-Allow-Origin` equal to it. `Some(credentials)`, where credentials means
/// `Access-Control-Allow-Credentials` is exactly `true`.
pub(crate) fn trusts(resp: &Response, origin: &str) -> Option<bool> {
    let mut acao = resp.values("access-control-allow-origin");
    let value = acao.next()?;
    if acao.next().is_some() || value != origin {
        return None;
    }
    Some(credentials(resp))
}

fn credentials(resp: &Response) -> bool {
    let mut acac = resp.values("access-control-allow-credentials");
    acac.next() == Some("true") && acac.next().is_none()
}

/// A GET probe the server trusted.
#[derive(Debug, Clone)]
pub(crate) struct Hit<'a> {
    /// Position in the observations (stable tie-breaker).
    pub index: usize,
    pub probe: &'a Probe,
    pub resp: &'a Response,
    pub creds: bool,
    pub severity: Severity,
}

/// Classes whose hit means "this origin is trusted".
fn is_trust_class(c: Class) -> bool {
    !matches!(c, Class::VaryOriginMissing | Class::CrlfInjection)
}

fn all_get_hits<'a>(target: &Target, observed: &'a [Observed], session: bool) -> Vec<Hit<'a>> {
    observed
        .iter()
        .enumerate()
        .filter(|(_, o)| {
            o.probe.kind == ProbeKind::Get && o.probe.session == session && is_trust_class(o.probe.class)
        })
        .filter_map(|(index, o)| {
            let resp = o.result.as_ref().ok()?;
            let creds = trusts(resp, &o.probe.origin)?;
            let severity = severity(target, &o.probe, creds, resp.status);
            Some(Hit {
                index,
                probe: &o.probe,
                resp,
                creds,
                severity,
            })
        })
        .collect()
}

/// The GET hits in one session context, minus those a broader hit explains: reflection of any
/// origin explains every bypass; a prefix match explains special characters and other ports after
/// the host; a suffix match explains subdomains and dot variants ending in the registrable domain.
pub(crate) fn get_hits<'a>(target: &Target, observed: &'a [Observed], session: bool) -> Vec<Hit<'a>> {
    let hits = all_get_hits(target, observed, session);
    let has = |c: Class| hits.iter().any(|h| h.probe.class == c);
    let (reflect, prefix, suffix) = (
        has(Class::OriginReflected),
        has(Class::PrefixMatch),
        has(Class::SuffixMatch),
    );
    let own_prefix = format!("{}://{}", target.scheme, target.host);
    hits.into_iter()
        .filter(|h| {
            let c = h.probe.class;
            if reflect {
                return matches!(c, Class::OriginReflected | Class::NullOrigin);
            }
            if prefix
                && matches!(c, Class::SpecialCharacters | Class::OtherPort)
                && h.probe.origin.starts_with(&own_prefix)
            {
                return false;
            }
            if suffix && matches!(c, Class::AnySubdomain | Class::UnescapedDot) {
                if let Some(rd) = &target.registrable {
                    if h.probe.origin.ends_with(rd.as_str()) {
                        return false;
                    }
                }
            }
            true
        })
        .collect()
}

/// Severity of trusting `probe`'s origin.
pub(crate) fn severity(target: &Target, probe: &Probe, creds: bool, status: u16) -> Severity {
    let internal = target.is_internal();
    let attacker = if creds {
        Severity::High
    } else if internal {
        Severity::Medium
    } else {
        Severity::Low
    };
    let weak = if creds { Severity::Low } else { Severity::Info };
    let base = match probe.class {
        Class::OriginReflected if creds => Severity::Critical,
        Class::OriginReflected
        | Class::NullOrigin
        | Class::PrefixMatch
        | Class::LocalhostPattern
        | Class::ThirdPartyOrigin => attacker,
        Class::SuffixMatch | Class::SubstringMatch | Class::UnescapedDot if probe.obtainable => attacker,
        Class::SuffixMatch | Class::SubstringMatch | Class::UnescapedDot => weak,
        Class::SpecialCharacters if probe.browsers.chromium => attacker,
        Class::SpecialCharacters if creds => Severity::Medium,
        Class::SpecialCharacters => attacker.min(Severity::Low),
        Class::AnySubdomain | Class::HttpOriginTrusted if creds => Severity::Medium,
        Class::AnySubdomain | Class::HttpOriginTrusted if internal => Severity::Low,
        Class::OtherPort if creds => Severity::Low,
        _ => Severity::Info,
    };
    if status >= 400 {
        base.min(Severity::Low)
    } else {
        base
    }
}

/// A preflight the browser would pass: 2xx, origin trusted, the method allowed. Returns
/// `(credentials, request headers reflected or wildcarded)`.
fn preflight_passes(resp: &Response, probe: &Probe) -> Option<(bool, bool)> {
    let ProbeKind::Preflight { method } = &probe.kind else {
        return None;
    };
    if !(200..300).contains(&resp.status) {
        return None;
    }
    let creds = trusts(resp, &probe.origin)?;
    let list = |name: &str| -> Vec<String> {
        resp.values(name)
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let methods = list("access-control-allow-methods");
    let method_ok = matches!(method.as_str(), "GET" | "HEAD" | "POST")
        || methods.iter().any(|m| m == method || (!creds && m == "*"));
    if !method_ok {
        return None;
    }
    let headers = list("access-control-allow-headers");
    let open = headers
        .iter()
        .any(|h| h.eq_ignore_ascii_case(super::PROBE_HEADER) || (!creds && h == "*"));
    Some((creds, open))
}

/// Everything the observations prove, sorted.
pub(crate) fn findings(target: &Target, options: &Options, observed: &[Observed]) -> Vec<Finding> {
    let ctx = Ctx::new(target, observed);
    let mut out = Vec::new();
    let session = options.session;
    let hits = get_hits(target, observed, session);
    trust_findings(&ctx, &hits, session, &mut out);
    preflight_findings(&ctx, session, &mut out);
    passive_findings(&ctx, session, &mut out);
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.class.cmp(&b.class))
            .then_with(|| a.probe_origin.cmp(&b.probe_origin))
            .then_with(|| a.method.cmp(&b.method))
    });
    out
}

/// Shared context for building findings.
struct Ctx<'a> {
    target: &'a Target,
    observed: &'a [Observed],
    stack: Stack,
}

impl<'a> Ctx<'a> {
    fn new(target: &'a Target, observed: &'a [Observed]) -> Self {
        let responses: Vec<fixes::ResponseView<'_>> = observed
            .iter()
            .filter_map(|o| o.result.as_ref().ok())
            .map(|r| (r.headers.as_slice(), r.body.as_slice()))
            .collect();
        let stack = fixes::detect(&responses).map_or(Stack::Unknown, |d| d.stack);
        Ctx {
            target,
            observed,
            stack,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        class: Class,
        underlying: Option<Class>,
        severity: Severity,
        probe: &Probe,
        resp: &Response,
        creds: bool,
        also: &[&str],
    ) -> Finding {
        let scenario = text::scenario(&text::Facts {
            class,
            underlying,
            target: self.target,
            probe,
            status: resp.status,
            creds,
            also,
            acao: resp
                .values("access-control-allow-origin")
                .collect::<Vec<_>>()
                .join(", "),
        });
        Finding {
            class,
            severity,
            credentials: creds,
            probe_origin: probe.origin.clone(),
            method: probe.method().to_owned(),
            underlying,
            evidence: Evidence {
                status: resp.status,
                request: probe.cors_headers(),
                headers: redact(&resp.headers),
            },
            scenario,
            fix: self.fix(class, underlying, probe, creds),
        }
    }

    fn fix(&self, class: Class, underlying: Option<Class>, probe: &Probe, creds: bool) -> super::FixAdvice {
        let preflight = matches!(probe.kind, ProbeKind::Preflight { .. });
        let needs = Needs {
            origin: text::PLACEHOLDER_ORIGIN.to_owned(),
            methods: match &probe.kind {
                ProbeKind::Preflight { method } => vec![method.clone()],
                ProbeKind::Get => Vec::new(),
            },
            request_headers: if preflight {
                vec!["content-type".to_owned()]
            } else {
                Vec::new()
            },
            credentials: creds,
            expose_headers: Vec::new(),
            max_age: None,
            on_errors: false,
            preflight,
        };
        let fix = fixes::fix_for(self.stack, &needs);
        super::FixAdvice {
            advice: text::advice(class, underlying, &probe.origin),
            stack: fix.stack.name(),
            language: fix.language,
            snippet: fix.snippet,
        }
    }

    /// The answered GET probes of one session context, in order.
    fn gets(&self, session: bool) -> impl Iterator<Item = (&'a Probe, &'a Response)> + '_ {
        self.observed
            .iter()
            .filter(move |o| o.probe.kind == ProbeKind::Get && o.probe.session == session)
            .filter_map(|o| {
                let resp = o.result.as_ref().ok()?;
                Some((&o.probe, resp))
            })
    }

    /// Whether the same probe without the session was answered and not trusted (`Some(true)`:
    /// session-only), trusted (`Some(false)`), or not tried/answered (`None`).
    fn session_only(&self, probe: &Probe) -> Option<bool> {
        let again = self
            .observed
            .iter()
            .find(|o| !o.probe.session && o.probe.origin == probe.origin && o.probe.kind == probe.kind)?;
        let resp = again.result.as_ref().ok()?;
        Some(match probe.kind {
            ProbeKind::Get => trusts(resp, &probe.origin).is_none(),
            ProbeKind::Preflight { .. } => preflight_passes(resp, &again.probe).is_none(),
        })
    }
}

/// One finding per class (the worst hit as evidence, the others named in the scenario).
fn trust_findings(ctx: &Ctx<'_>, hits: &[Hit<'_>], session: bool, out: &mut Vec<Finding>) {
    let mut classes: Vec<Class> = hits.iter().map(|h| h.probe.class).collect();
    classes.sort();
    classes.dedup();
    for class in classes {
        let mut group: Vec<&Hit<'_>> = hits.iter().filter(|h| h.probe.class == class).collect();
        group.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(b.probe.browsers.rank().cmp(&a.probe.browsers.rank()))
                .then(a.index.cmp(&b.index))
        });
        let best = group[0];
        // Special characters: name the other characters and who accepts them, not 16 origins.
        let also_owned: Vec<String> = group[1..]
            .iter()
            .map(|h| match h.probe.character {
                Some(c) => format!("`{c}` ({})", h.probe.browsers.describe()),
                None => h.probe.origin.clone(),
            })
            .collect();
        let also: Vec<&str> = also_owned.iter().map(String::as_str).collect();
        let session_only = session && ctx.session_only(best.probe) == Some(true);
        let (shown, underlying) = if session_only {
            (Class::SessionSpecific, Some(class))
        } else {
            (class, None)
        };
        out.push(ctx.finding(
            shown,
            underlying,
            best.severity,
            best.probe,
            best.resp,
            best.creds,
            &also,
        ));
    }
}

/// Preflights from a trusted origin that also reflect the requested headers (permissive
/// preflight), and preflights that trust an origin GET does not (method-specific policy).
fn preflight_findings(ctx: &Ctx<'_>, session: bool, out: &mut Vec<Finding>) {
    let get_trusted = |origin: &str| {
        all_get_hits(ctx.target, ctx.observed, session)
            .iter()
            .any(|h| h.probe.origin == origin)
    };
    let mut seen: Vec<Class> = Vec::new();
    for o in ctx
        .observed
        .iter()
        .filter(|o| matches!(o.probe.kind, ProbeKind::Preflight { .. }))
    {
        let Ok(resp) = &o.result else { continue };
        let Some((creds, open)) = preflight_passes(resp, &o.probe) else {
            continue;
        };
        let class = if get_trusted(&o.probe.origin) {
            if !open {
                continue;
            }
            Class::PermissivePreflight
        } else {
            Class::MethodSpecific
        };
        if seen.contains(&class) {
            continue;
        }
        seen.push(class);
        let sev = severity(ctx.target, &o.probe, creds, resp.status);
        out.push(ctx.finding(class, Some(o.probe.class), sev, &o.probe, resp, creds, &[]));
    }
}

fn is_valid_origin(v: &str) -> bool {
    crate::origin::Origin::parse(v).is_ok_and(|o| !o.is_opaque() && o.serialize() == v)
}

fn site(host: &str) -> String {
    crate::origin::Origin::parse(&format!("http://{host}"))
        .ok()
        .and_then(|o| o.registrable_domain().map(str::to_owned))
        .unwrap_or_else(|| host.to_owned())
}

fn passive_findings(ctx: &Ctx<'_>, session: bool, out: &mut Vec<Finding>) {
    let gets: Vec<(&Probe, &Response)> = ctx.gets(session).collect();
    let cross: Vec<(&Probe, &Response)> = gets
        .iter()
        .copied()
        .filter(|(p, _)| p.class != Class::VaryOriginMissing && p.class != Class::CrlfInjection)
        .collect();
    let internal = ctx.target.is_internal();

    // `*`, with or without credentials.
    if let Some((p, r)) = cross.iter().find(|(_, r)| single_acao(r) == Some("*")) {
        let creds = credentials(r);
        let (class, sev) = match (creds, internal) {
            (true, _) => (Class::WildcardWithCredentials, Severity::Low),
            (false, true) => (Class::Wildcard, Severity::Low),
            (false, false) => (Class::Wildcard, Severity::Info),
        };
        out.push(ctx.finding(class, None, sev, p, r, creds, &[]));
    }

    // Values no browser accepts: several lines, lists, patterns, paths.
    if let Some((p, r)) = gets.iter().find(|(p, r)| {
        let values: Vec<&str> = r.values("access-control-allow-origin").collect();
        match values.as_slice() {
            [] => false,
            [v] => *v != "*" && *v != "null" && *v != p.origin && !is_valid_origin(v),
            _ => true,
        }
    }) {
        out.push(ctx.finding(
            Class::InvalidAcao,
            None,
            Severity::Info,
            p,
            r,
            credentials(r),
            &[],
        ));
    }

    // A constant foreign origin (the same value for the attacker and the target's own origin).
    let own = gets
        .iter()
        .find(|(p, _)| p.class == Class::VaryOriginMissing)
        .map(|(_, r)| single_acao(r));
    if let Some((p, r)) = cross.iter().find(|(p, _)| p.class == Class::OriginReflected) {
        if let Some(v) = single_acao(r) {
            let constant = own.is_none_or(|o| o == Some(v));
            let foreign = crate::origin::Origin::parse(v)
                .ok()
                .and_then(|o| o.host().map(site))
                .is_some_and(|s| s != site(&ctx.target.host));
            if v != p.origin && is_valid_origin(v) && constant && foreign {
                out.push(ctx.finding(
                    Class::FixedForeignOrigin,
                    None,
                    Severity::Info,
                    p,
                    r,
                    credentials(r),
                    &[],
                ));
            }
        }
    }

    // Credentials allowed on an answer that allows no origin.
    if let Some((p, r)) = cross
        .iter()
        .find(|(_, r)| credentials(r) && r.values("access-control-allow-origin").next().is_none())
    {
        out.push(ctx.finding(Class::AcacWithoutAcao, None, Severity::Info, p, r, true, &[]));
    }

    // Origin-dependent answers without `Vary: Origin`.
    let mut answers: Vec<Option<String>> = gets
        .iter()
        .filter(|(p, _)| p.class != Class::CrlfInjection)
        .map(|(_, r)| {
            let v: Vec<&str> = r.values("access-control-allow-origin").collect();
            (!v.is_empty()).then(|| v.join(", "))
        })
        .collect();
    answers.sort();
    answers.dedup();
    if answers.len() > 1 {
        let lacking = gets.iter().find(|(p, r)| {
            p.class != Class::CrlfInjection
                && r.values("access-control-allow-origin").any(|v| v != "*")
                && !r.values("vary").flat_map(|v| v.split(',')).any(|t| {
                    let t = t.trim();
                    t.eq_ignore_ascii_case("origin") || t == "*"
                })
        });
        if let Some((p, r)) = lacking {
            out.push(ctx.finding(
                Class::VaryOriginMissing,
                None,
                Severity::Low,
                p,
                r,
                credentials(r),
                &[],
            ));
        }
    }

    // CR/LF: the percent-encoded line break came back as a header line of its own.
    if let Some((p, r)) = gets.iter().find(|(p, r)| {
        p.class == Class::CrlfInjection && r.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(CRLF_HEADER))
    }) {
        out.push(ctx.finding(
            Class::CrlfInjection,
            None,
            Severity::Medium,
            p,
            r,
            credentials(r),
            &[],
        ));
    }
}

fn single_acao(r: &Response) -> Option<&str> {
    let mut it = r.values("access-control-allow-origin");
    let v = it.next()?;
    it.next().is_none().then_some(v)
}

/// `Set-Cookie` values are the server's secrets: keep the cookie name and attributes only.
fn redact(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| {
            if n.eq_ignore_ascii_case("set-cookie") {
                (n.clone(), crate::redact::redact_set_cookie(v))
            } else {
                (n.clone(), v.clone())
            }
        })
        .collect()
}

//! The rules against scripted servers: each policy is a closure from probe to answer.

use super::*;

fn target(url: &str, host: Option<&str>) -> Target {
    Target::new(url, host).unwrap()
}

fn resp(headers: &[(&str, &str)]) -> Response {
    Response {
        status: 200,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: Vec::new(),
    }
}

/// A policy: does the server trust this origin (for this probe)? Answers echo it with
/// credentials and `Vary: Origin`, and preflights allow `PUT` and `content-type`.
fn echoing(trust: impl Fn(&Probe) -> bool) -> impl Fn(&Probe) -> Response {
    move |p: &Probe| {
        if trust(p) {
            let mut r = resp(&[
                ("Access-Control-Allow-Origin", &p.origin),
                ("Access-Control-Allow-Credentials", "true"),
                ("Vary", "Origin"),
            ]);
            if matches!(p.kind, ProbeKind::Preflight { .. }) {
                r.headers
                    .push(("Access-Control-Allow-Methods".into(), "GET, PUT".into()));
                r.headers
                    .push(("Access-Control-Allow-Headers".into(), "content-type".into()));
            }
            r
        } else {
            resp(&[("Vary", "Origin")])
        }
    }
}

fn run(t: &Target, options: Options, server: impl Fn(&Probe) -> Response) -> Report {
    let mut audit = Audit::new(t.clone(), options);
    loop {
        let batch = audit.next_batch();
        if batch.is_empty() {
            break;
        }
        for p in batch {
            let r = server(&p);
            audit.observe(p, Ok(r));
        }
    }
    audit.report()
}

fn classes(r: &Report) -> Vec<(&'static str, Severity)> {
    r.findings.iter().map(|f| (f.class.id(), f.severity)).collect()
}

fn host_of(origin: &str) -> &str {
    origin.split_once("://").map_or("", |(_, h)| h)
}

const BANK: &str = "https://api.bank.com/me";

#[test]
fn correct_allowlist_is_silent() {
    let t = target(BANK, None);
    let r = run(
        &t,
        Options::default(),
        echoing(|p| p.origin == "https://app.bank.com" || p.origin == "https://api.bank.com"),
    );
    assert_eq!(classes(&r), vec![]);
    assert!(r.requests > 30, "{}", r.requests);
}

#[test]
fn reflection_with_credentials_is_critical_and_explains_every_bypass() {
    let t = target(BANK, None);
    let r = run(&t, Options::default(), echoing(|p| p.origin != "null"));
    assert_eq!(classes(&r), vec![("origin-reflected", Severity::Critical)]);
    let f = &r.findings[0];
    assert!(f.credentials);
    assert_eq!(f.probe_origin, "https://evil-cors-probe.com");
    assert!(f.scenario.contains("credentials: 'include'"), "{}", f.scenario);
    assert!(f
        .evidence
        .headers
        .iter()
        .any(|(n, v)| n == "Access-Control-Allow-Origin" && v == "https://evil-cors-probe.com"));
}

#[test]
fn reflection_without_credentials_is_low_unless_internal() {
    let plain = |p: &Probe| resp(&[("Access-Control-Allow-Origin", &p.origin), ("Vary", "Origin")]);
    let r = run(&target(BANK, None), Options::default(), plain);
    assert_eq!(
        classes(&r),
        vec![
            ("origin-reflected", Severity::Low),
            ("null-origin", Severity::Low)
        ]
    );
    let r = run(&target("http://10.1.2.3/admin", None), Options::default(), plain);
    assert_eq!(classes(&r)[0], ("origin-reflected", Severity::Medium));
}

#[test]
fn each_bypass_class_is_named() {
    let t = target(BANK, None);
    type Case = (
        &'static str,
        Box<dyn Fn(&Probe) -> bool>,
        Vec<(&'static str, Severity)>,
    );
    let cases: Vec<Case> = vec![
        (
            "null",
            Box::new(|p: &Probe| p.origin == "null"),
            vec![("null-origin", Severity::High)],
        ),
        (
            "prefix",
            Box::new(|p: &Probe| p.origin.starts_with("https://api.bank.com")),
            vec![("prefix-match", Severity::High)],
        ),
        (
            "suffix",
            Box::new(|p: &Probe| p.origin.ends_with("bank.com")),
            vec![
                ("suffix-match", Severity::High),
                ("http-origin-trusted", Severity::Medium),
            ],
        ),
        (
            "substring",
            Box::new(|p: &Probe| {
                "https://app.bank.com".contains(host_of(&p.origin)) && !host_of(&p.origin).is_empty()
            }),
            vec![("substring-match", Severity::High)],
        ),
        (
            "dot",
            Box::new(|p: &Probe| {
                let h = host_of(&p.origin);
                h.len() == "api.bank.com".len()
                    && h.chars()
                        .zip("api.bank.com".chars())
                        .all(|(a, b)| b == '.' || a == b)
                    && h != "api.bank.com"
            }),
            vec![("unescaped-dot", Severity::High)],
        ),
        (
            "underscore",
            Box::new(|p: &Probe| p.character == Some('_')),
            vec![("special-characters", Severity::High)],
        ),
        (
            "dollar",
            Box::new(|p: &Probe| p.character == Some('$')),
            vec![("special-characters", Severity::Medium)],
        ),
        (
            "localhost",
            Box::new(|p: &Probe| host_of(&p.origin).starts_with("localhost")),
            vec![("localhost-pattern", Severity::High)],
        ),
        (
            "subdomain",
            Box::new(|p: &Probe| {
                p.origin.starts_with("https://")
                    && host_of(&p.origin).ends_with(".bank.com")
                    && !p.origin.contains("api.bank.com.")
            }),
            vec![("any-subdomain", Severity::Medium)],
        ),
        (
            "http",
            Box::new(|p: &Probe| p.origin == "http://api.bank.com"),
            vec![("http-origin-trusted", Severity::Medium)],
        ),
        (
            "codepen",
            Box::new(|p: &Probe| p.origin == "https://codepen.io"),
            vec![("third-party-origin", Severity::High)],
        ),
        (
            "port",
            Box::new(|p: &Probe| p.origin.starts_with("https://api.bank.com:")),
            vec![("other-port", Severity::Low)],
        ),
    ];
    for (name, trust, want) in cases {
        let r = run(&t, Options::default(), echoing(trust));
        assert_eq!(
            classes(&r),
            want,
            "{name}: {:#?}",
            r.findings.iter().map(|f| &f.probe_origin).collect::<Vec<_>>()
        );
    }
}

#[test]
fn unregistrable_dot_variant_is_info() {
    let t = target("https://bank.com/", None);
    let r = run(
        &t,
        Options::default(),
        echoing(|p| p.origin == "https://bankxcom"),
    );
    assert_eq!(
        classes(&r),
        vec![("unescaped-dot", Severity::Low)],
        "credentials, but not registrable"
    );
}

#[test]
fn probe_origins_are_browser_origins_and_never_put_a_port_in_a_host() {
    for (url, host) in [
        ("https://api.bank.com:8443/x", None),
        ("http://127.0.0.1:8080/", Some("shop.example.co.uk:8080")),
        ("http://127.0.0.1:9/", None),
    ] {
        let t = target(url, host);
        let probes = probes::plan(&t, &Options::default());
        for p in &probes {
            if p.origin == "null" || p.class == Class::CrlfInjection {
                continue;
            }
            let parsed =
                crate::origin::Origin::parse(&p.origin).unwrap_or_else(|e| panic!("{}: {e}", p.origin));
            assert_eq!(parsed.serialize(), p.origin, "{:?}", p.class);
            let host = host_of(&p.origin);
            assert!(
                !host.contains(":8443.") && !host.contains(":8080.") && !host.contains(":9."),
                "{host}"
            );
        }
    }
    // No registrable domain: no suffix, substring, dot or subdomain probes.
    let ip = probes::plan(&target("http://127.0.0.1:9/", None), &Options::default());
    assert!(!ip.iter().any(|p| matches!(
        p.class,
        Class::SuffixMatch | Class::SubstringMatch | Class::UnescapedDot | Class::AnySubdomain
    )));
    // http targets get no http-origin probe (it would be the target itself).
    assert!(!ip.iter().any(|p| p.class == Class::HttpOriginTrusted));
}

#[test]
fn wildcard_variants_and_passive_checks() {
    let t = target(BANK, None);
    let r = run(&t, Options::default(), |_: &Probe| {
        resp(&[("Access-Control-Allow-Origin", "*")])
    });
    assert_eq!(classes(&r), vec![("wildcard", Severity::Info)]);
    let r = run(&t, Options::default(), |_: &Probe| {
        resp(&[
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Credentials", "true"),
        ])
    });
    assert_eq!(classes(&r), vec![("wildcard-with-credentials", Severity::Low)]);
    let r = run(&t, Options::default(), |_: &Probe| {
        resp(&[(
            "Access-Control-Allow-Origin",
            "https://a.bank.com, https://b.bank.com",
        )])
    });
    assert_eq!(classes(&r), vec![("invalid-acao", Severity::Info)]);
    let r = run(&t, Options::default(), |_: &Probe| {
        resp(&[("Access-Control-Allow-Origin", "https://partner.net")])
    });
    assert_eq!(classes(&r), vec![("fixed-foreign-origin", Severity::Info)]);
    let r = run(&t, Options::default(), |_: &Probe| {
        resp(&[("Access-Control-Allow-Origin", "https://app.bank.com")])
    });
    assert_eq!(classes(&r), vec![], "a fixed same-site origin is fine");
    let r = run(&t, Options::default(), |_: &Probe| {
        resp(&[("Access-Control-Allow-Credentials", "true")])
    });
    assert_eq!(classes(&r), vec![("acac-without-acao", Severity::Info)]);
}

#[test]
fn vary_missing_on_a_dynamic_answer() {
    let t = target(BANK, None);
    let r = run(&t, Options::default(), |p: &Probe| {
        if p.origin == "https://api.bank.com" {
            resp(&[("Access-Control-Allow-Origin", &p.origin)])
        } else {
            resp(&[])
        }
    });
    assert_eq!(classes(&r), vec![("vary-origin-missing", Severity::Low)]);
}

#[test]
fn crlf_injection_is_seen_as_an_injected_line() {
    let t = target(BANK, None);
    let r = run(&t, Options::default(), |p: &Probe| {
        if p.origin.contains("%0d%0a") {
            resp(&[("X-Cors-Doctor-Injected", "injected")])
        } else {
            resp(&[])
        }
    });
    assert_eq!(classes(&r), vec![("crlf-injection", Severity::Medium)]);
}

#[test]
fn preflights_permissive_and_method_specific() {
    let t = target(BANK, None);
    // null trusted everywhere, and the preflight reflects the requested headers.
    let r = run(&t, Options::default(), |p: &Probe| {
        if p.origin != "null" {
            return resp(&[("Vary", "Origin")]);
        }
        let mut r = resp(&[
            ("Access-Control-Allow-Origin", "null"),
            ("Access-Control-Allow-Credentials", "true"),
            ("Vary", "Origin"),
        ]);
        if let ProbeKind::Preflight { method } = &p.kind {
            r.headers
                .push(("Access-Control-Allow-Methods".into(), method.clone()));
            r.headers
                .push(("Access-Control-Allow-Headers".into(), PROBE_HEADER.into()));
        }
        r
    });
    assert_eq!(
        classes(&r),
        vec![
            ("null-origin", Severity::High),
            ("permissive-preflight", Severity::High)
        ]
    );
    assert_eq!(r.findings[1].underlying, Some(Class::NullOrigin));
    // GET strict; preflights trust anything.
    let r = run(
        &t,
        Options {
            session: false,
            methods: vec!["DELETE".into()],
        },
        echoing(|p| matches!(p.kind, ProbeKind::Preflight { .. })),
    );
    assert_eq!(classes(&r), vec![("method-specific", Severity::Critical)]);
    assert_eq!(r.findings[0].method, "OPTIONS");
    assert!(r.findings[0]
        .evidence
        .request
        .iter()
        .any(|(n, v)| n == "Access-Control-Request-Method" && v == "PUT"));
}

#[test]
fn session_only_policy_needs_the_session_and_is_named() {
    let t = target(BANK, None);
    let server = echoing(|p| p.session && p.origin != "null");
    let r = run(&t, Options::default(), &server);
    assert_eq!(classes(&r), vec![]);
    let r = run(
        &t,
        Options {
            session: true,
            methods: vec![],
        },
        &server,
    );
    assert_eq!(classes(&r), vec![("session-specific", Severity::Critical)]);
    assert_eq!(r.findings[0].underlying, Some(Class::OriginReflected));
    // A policy that does not depend on the session stays what it is.
    let r = run(
        &t,
        Options {
            session: true,
            methods: vec![],
        },
        echoing(|p| p.origin != "null"),
    );
    assert_eq!(classes(&r), vec![("origin-reflected", Severity::Critical)]);
}

#[test]
fn error_pages_are_capped_at_low() {
    let t = target(BANK, None);
    let r = run(&t, Options::default(), |p: &Probe| {
        let mut r = echoing(|p| p.origin != "null")(p);
        r.status = 404;
        r
    });
    assert_eq!(classes(&r), vec![("origin-reflected", Severity::Low)]);
    assert!(r.findings[0].scenario.contains("404"));
}

#[test]
fn failures_are_counted_not_hidden() {
    let mut audit = Audit::new(target(BANK, None), Options::default());
    for p in audit.next_batch() {
        audit.observe(p, Err("connect: connection refused (api.bank.com:443)".into()));
    }
    let r = audit.report();
    assert_eq!(r.failed, r.requests);
    assert!(r.first_error.unwrap().contains("refused"));
    assert!(r.findings.is_empty());
}

#[test]
fn host_header_sets_the_identity() {
    let t = target("http://127.0.0.1:8484/audit/x", Some("api.lab-bank.com"));
    assert_eq!(t.host, "api.lab-bank.com");
    assert_eq!(t.registrable.as_deref(), Some("lab-bank.com"));
    assert_eq!(t.own_origin(), "http://api.lab-bank.com");
    assert!(!t.is_internal());
    assert!(Target::new("ftp://x/", None).is_err());
    assert!(Class::ALL.iter().all(|c| Class::from_id(c.id()) == Some(*c)));
}

#[test]
fn dot_variants_under_the_target_domain_are_not_registrable() {
    let t = target("https://a.b.bank.co.uk/", None);
    let probes = probes::plan(&t, &Options::default());
    let dots: Vec<(&str, bool)> = probes
        .iter()
        .filter(|p| p.class == Class::UnescapedDot)
        .map(|p| (p.origin.as_str(), p.obtainable))
        .collect();
    assert_eq!(
        dots,
        vec![
            ("https://axb.bank.co.uk", false),
            ("https://a.bxbank.co.uk", true)
        ]
    );
    let local = probes::plan(&target("http://localhost:3000/", None), &Options::default());
    let mut origins: Vec<&str> = local.iter().map(|p| p.origin.as_str()).collect();
    let n = origins.len();
    origins.sort_unstable();
    origins.dedup();
    assert_eq!(origins.len(), n, "no origin is probed twice");
}

//! Cross-checks every scenario's `expected` against a small, test-only model of Chromium's CORS
//! checks (shared/reference/browsers.md §2.4 and §10), run over real sockets against the lab:
//! preflight (redirect → CheckAccess → status → ACAM/ACAH parse → method → headers), then the
//! actual request with CheckAccess on every redirect hop, redirect taint, and the final response.
//!
//! This is not cors-doctor's engine (that lives in crates/core); it only keeps the catalogue's
//! declared expectations honest, for two page origins.

mod common;

use common::{request, Answer};
use cors_doctor_lab::{catalogue, Lab, LabConfig, Scenario};

type Verdict = Result<(), &'static str>;

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Comma list of tokens, empty items ignored; `None` when an item is not a token.
fn token_list(value: Option<String>) -> Option<Vec<String>> {
    let value = value.unwrap_or_default();
    let items: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    items.iter().all(|i| is_token(i)).then_some(items)
}

/// Roughly GURL validity: a scheme of letters/digits/`+-.` starting with a letter, then `:`.
fn parses_as_url(v: &str) -> bool {
    let Some((scheme, _)) = v.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// Chromium's `CheckAccess` (without the `Preflight` prefix).
fn check_access(a: &Answer, origin: &str, include: bool) -> Verdict {
    let acao = a.get("access-control-allow-origin");
    match acao.as_deref() {
        Some("*") if !include => return Ok(()),
        Some("*") => return Err("WildcardOriginNotAllowed"),
        None => return Err("MissingAllowOriginHeader"),
        Some(v) if v == origin => {}
        Some(v) if v.contains([' ', ',']) => return Err("MultipleAllowOriginValues"),
        Some("null") => return Err("AllowOriginMismatch"),
        Some(v) if !parses_as_url(v) => return Err("InvalidAllowOriginValue"),
        Some(_) => return Err("AllowOriginMismatch"),
    }
    if include && a.get("access-control-allow-credentials").as_deref() != Some("true") {
        return Err("InvalidAllowCredentials");
    }
    Ok(())
}

fn preflight_name(e: &'static str) -> &'static str {
    match e {
        "WildcardOriginNotAllowed" => "PreflightWildcardOriginNotAllowed",
        "MissingAllowOriginHeader" => "PreflightMissingAllowOriginHeader",
        "MultipleAllowOriginValues" => "PreflightMultipleAllowOriginValues",
        "InvalidAllowOriginValue" => "PreflightInvalidAllowOriginValue",
        "AllowOriginMismatch" => "PreflightAllowOriginMismatch",
        "InvalidAllowCredentials" => "PreflightInvalidAllowCredentials",
        other => other,
    }
}

/// What the script asked for, after fetch()'s normalisation.
struct Fetch {
    method: String,
    unsafe_names: Vec<String>,
    include: bool,
}

fn safelisted(name: &str, value: &str) -> bool {
    match name {
        "accept" | "accept-language" | "content-language" => true,
        "content-type" => matches!(
            value.split(';').next().unwrap_or("").trim(),
            "text/plain" | "application/x-www-form-urlencoded" | "multipart/form-data"
        ),
        _ => false,
    }
}

impl Fetch {
    fn of(s: &Scenario) -> Fetch {
        let m = s.request.method;
        let normal = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
        let method = match normal.iter().find(|n| n.eq_ignore_ascii_case(m)) {
            Some(n) => n.to_string(),
            None => m.to_string(),
        };
        let unsafe_names = s
            .request
            .headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), *v))
            .filter(|(n, v)| !safelisted(n, v))
            .map(|(n, _)| n)
            .collect();
        Fetch {
            method,
            unsafe_names,
            include: s.request.credentials == "include",
        }
    }

    fn needs_preflight(&self) -> bool {
        !matches!(self.method.as_str(), "GET" | "HEAD" | "POST") || !self.unsafe_names.is_empty()
    }

    fn acrh(&self) -> String {
        let mut names = self.unsafe_names.clone();
        names.sort();
        names.dedup();
        names.join(",")
    }
}

fn run_preflight(lab: &Lab, path: &str, host: &str, origin: &str, f: &Fetch) -> Verdict {
    let acrh = f.acrh();
    let mut headers = vec![
        ("Host", host),
        ("Origin", origin),
        ("Access-Control-Request-Method", f.method.as_str()),
    ];
    if !acrh.is_empty() {
        headers.push(("Access-Control-Request-Headers", &acrh));
    }
    let a = request(lab.addr(), "OPTIONS", path, &headers);
    if (300..400).contains(&a.status) {
        return Err("PreflightDisallowedRedirect");
    }
    check_access(&a, origin, f.include).map_err(preflight_name)?;
    if !(200..300).contains(&a.status) {
        return Err("PreflightInvalidStatus");
    }
    let methods =
        token_list(a.get("access-control-allow-methods")).ok_or("InvalidAllowMethodsPreflightResponse")?;
    let allowed_headers =
        token_list(a.get("access-control-allow-headers")).ok_or("InvalidAllowHeadersPreflightResponse")?;
    let star = |list: &[String]| !f.include && list.iter().any(|m| m == "*");
    let method_ok =
        matches!(f.method.as_str(), "GET" | "HEAD" | "POST") || methods.contains(&f.method) || star(&methods);
    if !method_ok {
        return Err("MethodDisallowedByPreflightResponse");
    }
    let header_ok = |n: &String| allowed_headers.iter().any(|h| h.eq_ignore_ascii_case(n));
    if !star(&allowed_headers) && !f.unsafe_names.iter().all(header_ok) {
        return Err("HeaderDisallowedByPreflightResponse");
    }
    Ok(())
}

/// Splits a Location into (host, path); relative ones stay on `host`.
fn follow(location: &str, host: &str) -> Option<(String, String)> {
    if location.starts_with('/') {
        return Some((host.to_string(), location.to_string()));
    }
    let rest = location.strip_prefix("http://")?;
    let (h, p) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    Some((h.to_string(), if p.is_empty() { "/" } else { p }.to_string()))
}

fn judge(lab: &Lab, s: &Scenario, page: &str) -> Verdict {
    let f = Fetch::of(s);
    let mut origin = page.to_string();
    let mut host = lab.addr().to_string();
    let mut path = format!("/{}", s.name);
    for _ in 0..20 {
        if f.needs_preflight() {
            run_preflight(lab, &path, &host, &origin, &f)?;
        }
        let a = request(
            lab.addr(),
            &f.method,
            &path,
            &[("Host", &host), ("Origin", &origin)],
        );
        check_access(&a, &origin, f.include)?;
        // Chromium: an empty Location is no Location (the 3xx is delivered).
        let location = a
            .get("location")
            .filter(|l| (300..400).contains(&a.status) && !l.is_empty());
        let Some(location) = location else {
            return Ok(());
        };
        let (next_host, next_path) = follow(&location, &host).expect("followable Location");
        let current = format!("http://{host}");
        if next_host != host && origin != current {
            origin = "null".to_string();
        }
        (host, path) = (next_host, next_path);
    }
    panic!("{}: too many redirects", s.name)
}

fn check_all(config: LabConfig, page: &str) {
    let lab = Lab::start_background("127.0.0.1:0".parse().unwrap(), config).unwrap();
    let mut wrong = Vec::new();
    for s in catalogue() {
        let got = judge(&lab, s, page);
        let want = match s.expected.chromium_error {
            Some(e) => Err(e),
            None => Ok(()),
        };
        if got != want {
            wrong.push(format!("{}: model says {got:?}, catalogue says {want:?}", s.name));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn expectations_hold_for_the_default_page_origin() {
    check_all(LabConfig::default(), "http://localhost:3000");
}

#[test]
fn expectations_hold_for_a_loopback_page_on_another_port() {
    // The real-Chromium parity test's setup: page on 127.0.0.1:<other port>, listed as allowed.
    let page = "http://127.0.0.1:47123";
    let config = LabConfig {
        allowed_origins: vec!["http://localhost:3000".into(), page.into()],
    };
    check_all(config, page);
}

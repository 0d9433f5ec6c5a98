//! Stack detection from response fingerprints (reference/ecosystem.md §4.2, §2 P15–P17).
//!
//! The fingerprints are data: [`RULES`] pairs a [`Probe`] on one response's headers and body with
//! the stack it suggests and how sure that is. A framework's own rejection body or `X-Powered-By`
//! beats a `Server` header, which may belong to a proxy in front; a CDN header is only a hint.

use serde::Serialize;

use super::Stack;
use Confidence::{High, Low, Medium};
use Probe::{All, Body, Cookie, Exact, Header};

/// How sure a [`Detection`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// A hint: the header is shared by many stacks or set by a CDN in front.
    Low,
    /// Likely: a server header that may also belong to a proxy in front of the application.
    Medium,
    /// A fingerprint only this stack produces (its rejection body, `X-Powered-By`, own headers).
    High,
}

/// The stack a set of responses points to, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detection {
    /// The detected stack.
    pub stack: Stack,
    /// The fingerprints seen, e.g. `X-Powered-By: Express`; several are joined with `; `.
    /// Server-supplied text, truncated but not escaped.
    pub evidence: String,
    /// The strongest confidence among those fingerprints.
    pub confidence: Confidence,
}

/// One fingerprint test on a response.
enum Probe {
    /// A header (name ASCII case-insensitive) whose value starts with this, case-insensitively;
    /// `""` matches any value.
    Header(&'static str, &'static str),
    /// A header whose whole value is exactly this (case matters: it tells libraries apart).
    Exact(&'static str, &'static str),
    /// The body contains this text.
    Body(&'static str),
    /// A `Set-Cookie` header sets this cookie.
    Cookie(&'static str),
    /// Every probe matches.
    All(&'static [Probe]),
}

/// A fingerprint: what it suggests and how strongly.
struct Rule {
    stack: Stack,
    confidence: Confidence,
    probe: Probe,
}

const fn rule(stack: Stack, confidence: Confidence, probe: Probe) -> Rule {
    Rule {
        stack,
        confidence,
        probe,
    }
}

/// Fingerprints, strongest first; among equal confidence the earlier rule wins.
#[rustfmt::skip]
const RULES: &[Rule] = &[
    // Rejection bodies: the CORS library itself answered.
    rule(Stack::Fastapi, High, Body("Disallowed CORS ")),
    rule(Stack::Spring, High, Body("Invalid CORS request")),
    rule(Stack::Actix, High, Body("Origin is not allowed to make this request.")),
    rule(Stack::AwsApiGateway, High, Body("Missing Authentication Token")),
    // Headers only one stack sets.
    rule(Stack::Express, High, Header("x-powered-by", "Express")),
    rule(Stack::Aspnet, High, Header("x-powered-by", "ASP.NET")),
    rule(Stack::Aspnet, High, Header("server", "Kestrel")),
    rule(Stack::Rails, High, Header("x-rack-cors", "")),
    rule(Stack::Rails, High, All(&[Header("x-runtime", ""), Header("x-request-id", "")])),
    rule(Stack::S3, High, Header("server", "AmazonS3")),
    rule(Stack::S3, High, Header("x-amz-bucket-region", "")),
    rule(Stack::AwsApiGateway, High, Header("x-amz-apigw-id", "")),
    rule(Stack::AwsApiGateway, High, Header("apigw-requestid", "")),
    rule(Stack::Caddy, High, Header("server", "Caddy")),
    rule(Stack::Flask, High, Header("server", "Werkzeug")),
    rule(Stack::Django, High, Cookie("csrftoken")),
    // Likely, but shared with other stacks or possibly a proxy's.
    rule(Stack::Actix, Medium, Body("Requested method is not allowed.")),
    rule(Stack::Actix, Medium, Body("One or more request headers are not allowed.")),
    rule(Stack::Fastapi, Medium, Header("server", "uvicorn")),
    rule(Stack::Django, Medium, Header("server", "WSGIServer")),
    rule(Stack::Aspnet, Medium, Header("server", "Microsoft-IIS")),
    rule(Stack::Rails, Medium, Header("x-runtime", "")),
    rule(Stack::S3, Medium, Header("x-amz-request-id", "")),
    rule(Stack::AwsApiGateway, Medium, Header("x-amzn-requestid", "")),
    rule(Stack::AwsApiGateway, Medium, Header("x-amzn-errortype", "")),
    // tower-http writes its default Vary from lowercase header names.
    rule(Stack::Axum, Medium, Exact("vary", "origin, access-control-request-method, access-control-request-headers")),
    // Spring Boot's JSON error shape, and Spring Security's default headers.
    rule(Stack::Spring, Medium, All(&[Body("\"timestamp\""), Body("\"status\""), Body("\"error\""), Body("\"path\"")])),
    rule(Stack::Spring, Medium, All(&[Header("x-xss-protection", ""), Header("x-frame-options", "DENY"), Exact("expires", "0")])),
    // Tomcat; listed before Apache, whose prefix it shares.
    rule(Stack::Spring, Medium, Header("server", "Apache-Coyote")),
    rule(Stack::Nginx, Medium, Header("server", "nginx")),
    rule(Stack::Nginx, Medium, Header("server", "openresty")),
    rule(Stack::Apache, Medium, Header("server", "Apache")),
    // Hints. rs/cors's preflight Vary (actix-cors writes the same string in some versions).
    rule(Stack::GoRsCors, Low, Exact("vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")),
    // Go 404 bodies: gin sets a bare text/plain, net/http adds the charset.
    rule(Stack::Gin, Low, All(&[Body("404 page not found"), Exact("content-type", "text/plain")])),
    rule(Stack::GoRsCors, Low, All(&[Body("404 page not found"), Exact("content-type", "text/plain; charset=utf-8")])),
    // Django's default security headers.
    rule(Stack::Django, Low, All(&[
        Header("x-frame-options", "DENY"),
        Header("cross-origin-opener-policy", "same-origin"),
        Header("referrer-policy", "same-origin"),
    ])),
    // Cloudflare in front: Workers is only a guess.
    rule(Stack::CloudflareWorkers, Low, Header("cf-ray", "")),
    rule(Stack::CloudflareWorkers, Low, Header("server", "cloudflare")),
];

/// One observed response as [`detect`] reads it: headers in wire order and the body (maybe empty).
pub type ResponseView<'a> = (&'a [(String, String)], &'a [u8]);

/// Longest piece of server-supplied text quoted in evidence.
const EVIDENCE_MAX: usize = 80;
/// How much of a body is searched.
const BODY_MAX: usize = 64 * 1024;

/// The stack these responses most likely come from, or `None` when no fingerprint matches.
///
/// Each response is `(headers in wire order, body)`; bodies may be empty. The strongest fingerprint
/// decides the stack (the earlier rule on a tie); every fingerprint of that stack becomes evidence.
pub fn detect(responses: &[ResponseView<'_>]) -> Option<Detection> {
    let mut hits: Vec<(usize, String)> = Vec::new();
    for &(headers, body) in responses {
        let body = String::from_utf8_lossy(&body[..body.len().min(BODY_MAX)]);
        for (index, rule) in RULES.iter().enumerate() {
            if let Some(evidence) = probe(&rule.probe, headers, &body) {
                hits.push((index, evidence));
            }
        }
    }
    let &(best, _) = hits
        .iter()
        .min_by_key(|&&(i, _)| (std::cmp::Reverse(RULES[i].confidence), i))?;
    let stack = RULES[best].stack;
    let texts = hits
        .into_iter()
        .filter(|&(i, _)| RULES[i].stack == stack)
        .map(|(_, text)| text);
    Some(Detection {
        stack,
        evidence: merge_evidence(texts),
        confidence: RULES[best].confidence,
    })
}

/// Joins evidence texts with `; `, leaving out any already said by another.
fn merge_evidence(texts: impl Iterator<Item = String>) -> String {
    let mut kept: Vec<String> = Vec::new();
    for text in texts {
        if kept.iter().any(|k| k.contains(&text)) {
            continue;
        }
        kept.retain(|k| !text.contains(k.as_str()));
        kept.push(text);
    }
    kept.join("; ")
}

/// The evidence text when `probe` matches this response.
fn probe(probe: &Probe, headers: &[(String, String)], body: &str) -> Option<String> {
    match *probe {
        Header(name, prefix) => find_header(headers, name, |v| starts_with_ignore_case(v, prefix)),
        Exact(name, value) => find_header(headers, name, |v| v == value),
        Body(text) => body
            .lines()
            .find(|line| line.contains(text))
            .map(|line| format!("body: \"{}\"", truncate(line.trim()))),
        Cookie(cookie) => headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .find(|(_, v)| {
                v.trim_start()
                    .strip_prefix(cookie)
                    .is_some_and(|r| r.starts_with('='))
            })
            .map(|(n, _)| format!("{n}: {cookie}=<redacted>")),
        All(probes) => {
            let parts: Option<Vec<String>> = probes.iter().map(|p| self::probe(p, headers, body)).collect();
            parts.map(|mut parts| {
                // Several body probes often quote the same line: say it once.
                parts.dedup();
                parts.join(" + ")
            })
        }
    }
}

/// `Name: value` of the first header called `name` whose value passes `test`.
fn find_header(headers: &[(String, String)], name: &str, test: impl Fn(&str) -> bool) -> Option<String> {
    headers
        .iter()
        .find(|(n, v)| n.eq_ignore_ascii_case(name) && test(v.trim()))
        .map(|(n, v)| format!("{n}: {}", truncate(v.trim())))
}

fn starts_with_ignore_case(value: &str, prefix: &str) -> bool {
    value.len() >= prefix.len()
        && value.is_char_boundary(prefix.len())
        && value[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// At most [`EVIDENCE_MAX`] characters, with `…` when cut.
fn truncate(text: &str) -> String {
    match text.char_indices().nth(EVIDENCE_MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|&(n, v)| (n.to_owned(), v.to_owned())).collect()
    }

    fn one(pairs: &[(&str, &str)], body: &str) -> Option<Detection> {
        let headers = h(pairs);
        detect(&[(&headers, body.as_bytes())])
    }

    #[test]
    fn fingerprints() {
        type Row = (
            &'static [(&'static str, &'static str)],
            &'static str,
            Stack,
            Confidence,
        );
        #[rustfmt::skip]
        let table: &[Row] = &[
            (&[("X-Powered-By", "Express")], "", Stack::Express, High),
            (&[("server", "uvicorn")], "Disallowed CORS origin", Stack::Fastapi, High),
            (&[("server", "uvicorn")], "", Stack::Fastapi, Medium),
            (&[], "Disallowed CORS method, headers", Stack::Fastapi, High),
            (&[("Content-Type", "text/plain")], "Invalid CORS request", Stack::Spring, High),
            (&[("Server", "nginx/1.25.3")], "", Stack::Nginx, Medium),
            (&[("Server", "openresty")], "", Stack::Nginx, Medium),
            (&[("cf-ray", "8a1b2c3d4e5f-AMS")], "", Stack::CloudflareWorkers, Low),
            (&[("Server", "cloudflare")], "", Stack::CloudflareWorkers, Low),
            (&[("X-Runtime", "0.012"), ("X-Request-Id", "abc")], "", Stack::Rails, High),
            (&[("X-Runtime", "0.012")], "", Stack::Rails, Medium),
            (&[("X-Rack-CORS", "miss; no-origin")], "", Stack::Rails, High),
            (&[("Server", "Kestrel")], "", Stack::Aspnet, High),
            (&[("X-Powered-By", "ASP.NET")], "", Stack::Aspnet, High),
            (&[("Server", "Microsoft-IIS/10.0")], "", Stack::Aspnet, Medium),
            (&[("Server", "Werkzeug/3.0.1 Python/3.12.1")], "", Stack::Flask, High),
            (&[], "Origin is not allowed to make this request.", Stack::Actix, High),
            (&[], "Requested method is not allowed.", Stack::Actix, Medium),
            (&[("Server", "Caddy")], "", Stack::Caddy, High),
            (&[("Server", "AmazonS3")], "", Stack::S3, High),
            (&[("x-amz-request-id", "4442587FB7D0A2F9"), ("x-amz-id-2", "x")], "", Stack::S3, Medium),
            (&[("x-amzn-RequestId", "c6af9ac6")], "", Stack::AwsApiGateway, Medium),
            (&[("x-amz-apigw-id", "eS5vUGbZoAMF")], "", Stack::AwsApiGateway, High),
            (&[("x-amzn-ErrorType", "x")], r#"{"message":"Missing Authentication Token"}"#, Stack::AwsApiGateway, High),
            (&[("Set-Cookie", "csrftoken=abc; Path=/")], "", Stack::Django, High),
            (&[("Server", "WSGIServer/0.2 CPython/3.12.1")], "", Stack::Django, Medium),
            (&[("vary", "origin, access-control-request-method, access-control-request-headers")], "", Stack::Axum, Medium),
            (&[("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")], "", Stack::GoRsCors, Low),
            (&[("Content-Type", "text/plain")], "404 page not found", Stack::Gin, Low),
            (&[("Content-Type", "text/plain; charset=utf-8")], "404 page not found\n", Stack::GoRsCors, Low),
            (&[("Server", "Apache/2.4.58 (Ubuntu)")], "", Stack::Apache, Medium),
            (&[("Server", "Apache-Coyote/1.1")], "", Stack::Spring, Medium),
            (&[], r#"{"timestamp":"2024-01-01T00:00:00Z","status":403,"error":"Forbidden","path":"/api"}"#, Stack::Spring, Medium),
        ];
        for (headers, body, stack, confidence) in table {
            let found = one(headers, body).unwrap_or_else(|| panic!("nothing for {headers:?} {body:?}"));
            assert_eq!(
                (found.stack, found.confidence),
                (*stack, *confidence),
                "{headers:?} {body:?}"
            );
        }
    }

    #[test]
    fn nothing_to_go_on() {
        assert_eq!(one(&[("Content-Type", "application/json")], "{}"), None);
        assert_eq!(detect(&[]), None);
    }

    #[test]
    fn evidence_is_the_header_as_received() {
        let found = one(&[("X-Powered-By", "Express")], "").unwrap();
        assert_eq!(found.evidence, "X-Powered-By: Express");
        let found = one(&[("server", "uvicorn")], "Disallowed CORS origin\n").unwrap();
        assert_eq!(
            found.evidence,
            "body: \"Disallowed CORS origin\"; server: uvicorn"
        );
    }

    #[test]
    fn application_beats_proxy_and_cdn() {
        let found = one(
            &[
                ("Server", "cloudflare"),
                ("cf-ray", "x"),
                ("X-Powered-By", "Express"),
            ],
            "",
        )
        .unwrap();
        assert_eq!(found.stack, Stack::Express);
        let found = one(&[("Server", "nginx")], "Invalid CORS request").unwrap();
        assert_eq!(found.stack, Stack::Spring);
    }

    #[test]
    fn evidence_across_responses() {
        let preflight = h(&[("Server", "nginx")]);
        let actual = h(&[("Server", "nginx"), ("X-Runtime", "0.1"), ("X-Request-Id", "r")]);
        let found = detect(&[(&preflight, b""), (&actual, b"")]).unwrap();
        assert_eq!(found.stack, Stack::Rails);
        assert_eq!(found.evidence, "X-Runtime: 0.1 + X-Request-Id: r");
    }

    #[test]
    fn cookie_values_are_redacted_and_long_values_cut() {
        let found = one(&[("Set-Cookie", "csrftoken=s3cr3t; Path=/")], "").unwrap();
        assert_eq!(found.evidence, "Set-Cookie: csrftoken=<redacted>");
        let long = format!("nginx/{}", "é".repeat(200));
        let found = one(&[("Server", &long)], "").unwrap();
        assert!(found.evidence.ends_with('…'));
        assert_eq!(
            found.evidence.chars().count(),
            "Server: ".len() + EVIDENCE_MAX + 1
        );
    }

    #[test]
    fn header_prefix_is_case_insensitive_and_char_safe() {
        assert!(starts_with_ignore_case("NGINX/1.2", "nginx"));
        assert!(!starts_with_ignore_case("ngi", "nginx"));
        assert!(!starts_with_ignore_case("éé", "ab"));
        assert_eq!(one(&[("Server", "é")], ""), None);
    }
}

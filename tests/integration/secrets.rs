//! Secrets never reach the output (DESIGN §6, issue 8): every command and format that exists is
//! run on inputs carrying `Cookie`, `Authorization`, `Proxy-Authorization`, `Set-Cookie`, URL
//! tokens (`?access_token=`) and URL userinfo, and none of the secret values may appear on stdout or
//! stderr unless `--show-secrets` is given. The shape stays (`Bearer [redacted]`, `sid=[redacted]`)
//! because it is what a diagnosis needs.

use serde_json::Value;

use crate::hostile::server::{path_of, response, Server};
use crate::support::{cors_doctor, Run, ORIGIN};

const AUTH_SECRET: &str = "auth-secret-9c2e";
const PROXY_SECRET: &str = "proxy-secret-77aa";
const COOKIE_SECRET: &str = "cookie-secret-51b0";
const SET_COOKIE_SECRET: &str = "setcookie-secret-0d3f";
const URL_TOKEN: &str = "url-token-secret-a8e4";
const USERINFO_SECRET: &str = "userinfo-secret-3b7c";
const ALL: [&str; 6] = [
    AUTH_SECRET,
    PROXY_SECRET,
    COOKIE_SECRET,
    SET_COOKIE_SECRET,
    URL_TOKEN,
    USERINFO_SECRET,
];
const FORMATS: [&str; 3] = ["human", "json", "markdown"];

/// A server that allows the credentialed request with Authorization and sets a cookie.
fn api() -> Server {
    Server::start(|conn| {
        conn.serve(|head| {
            let mut headers = vec![
                ("Access-Control-Allow-Origin", ORIGIN),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Allow-Headers", "authorization, x-api-key"),
                ("Access-Control-Allow-Methods", "GET, PUT"),
                ("Vary", "Origin"),
            ];
            let set_cookie = format!("sid={SET_COOKIE_SECRET}; Path=/; HttpOnly; SameSite=None; Secure");
            if !head.starts_with("OPTIONS") {
                headers.push(("Set-Cookie", &set_cookie));
            }
            let body = if path_of(head).contains("echo") {
                head.as_bytes().to_vec()
            } else {
                b"ok".to_vec()
            };
            response("200 OK", &headers, &body)
        });
    })
}

fn run(args: &[&str]) -> Run {
    cors_doctor(args)
}

/// Every secret found in the run's output, with the stream it was on.
fn leaks(r: &Run, secrets: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for s in secrets {
        if r.stdout.contains(s) {
            found.push(format!("{s} on stdout"));
        }
        if r.stderr.contains(s) {
            found.push(format!("{s} on stderr"));
        }
    }
    found
}

fn assert_no_leak(what: &str, r: &Run, secrets: &[&str]) {
    let found = leaks(r, secrets);
    assert!(
        found.is_empty(),
        "{what} leaked {found:?}\nstdout:\n{}\nstderr:\n{}",
        r.stdout,
        r.stderr
    );
}

fn credentialed_check(url: &str, format: &str, show: bool) -> Run {
    let auth = format!("Authorization: Bearer {AUTH_SECRET}");
    let cookie = format!("sid={COOKIE_SECRET}; theme=dark");
    let mut args = vec![
        "check",
        url,
        "--origin",
        ORIGIN,
        "--timeout",
        "5",
        "-H",
        &auth,
        "--cookie",
        &cookie,
    ];
    args.extend(["--credentials", "include", "--format", format]);
    if show {
        args.push("--show-secrets");
    }
    run(&args)
}

#[test]
fn check_redacts_cookie_authorization_and_set_cookie_in_every_format() {
    let s = api();
    for format in FORMATS {
        let r = credentialed_check(&s.url("/data"), format, false);
        assert!(
            r.code == 0 || r.code == 1,
            "{format}: exit {} {}",
            r.code,
            r.stderr
        );
        assert_no_leak(&format!("check --format {format}"), &r, &ALL);
        assert!(
            r.stdout.contains("Bearer [redacted]"),
            "{format}: the auth scheme should stay visible:\n{}",
            r.stdout
        );
        assert!(
            r.stdout.contains("sid=[redacted]"),
            "{format}: cookie names should stay visible:\n{}",
            r.stdout
        );
    }
    let heads = s.requests();
    assert!(
        heads.iter().any(|h| h.contains(AUTH_SECRET)),
        "the request really carried the Authorization header"
    );
    assert!(
        heads.iter().any(|h| h.contains(COOKIE_SECRET)),
        "the request really carried the cookie"
    );
}

#[test]
fn check_shows_secrets_only_when_asked() {
    let s = api();
    let r = credentialed_check(&s.url("/data"), "json", true);
    for secret in [AUTH_SECRET, COOKIE_SECRET, SET_COOKIE_SECRET] {
        assert!(
            r.stdout.contains(secret),
            "--show-secrets should show {secret}:\n{}",
            r.stdout
        );
    }
}

#[test]
fn check_redacts_secrets_echoed_in_a_blocked_report() {
    // A blocked request carries the most detail (failure, console lines, findings, fix, curl).
    let s = Server::start(|conn| {
        conn.serve(|_| {
            let set_cookie = format!("sid={SET_COOKIE_SECRET}; Path=/");
            response(
                "200 OK",
                &[("Access-Control-Allow-Origin", "*"), ("Set-Cookie", &set_cookie)],
                b"",
            )
        });
    });
    for format in FORMATS {
        let r = credentialed_check(&s.url("/blocked"), format, false);
        assert_eq!(r.code, 1, "{format}: * with credentials is blocked: {}", r.stderr);
        assert_no_leak(&format!("blocked check --format {format}"), &r, &ALL);
    }
}

#[test]
fn check_refuses_forbidden_secret_headers_without_echoing_them() {
    let proxy = format!("Proxy-Authorization: Basic {PROXY_SECRET}");
    let cookie = format!("Cookie: sid={COOKIE_SECRET}");
    for header in [proxy.as_str(), cookie.as_str()] {
        let r = run(&["check", "http://127.0.0.1:9/", "--origin", ORIGIN, "-H", header]);
        assert_eq!(r.code, 2, "{header}: {}", r.stderr);
        assert_no_leak(&format!("-H {header:?}"), &r, &ALL);
    }
}

#[test]
fn malformed_header_errors_do_not_echo_the_value() {
    // A missing colon is a typo; the error must still not print the credential the user typed.
    let typo = format!("Authorization Bearer {AUTH_SECRET}");
    let r = run(&["check", "http://127.0.0.1:9/", "--origin", ORIGIN, "-H", &typo]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_no_leak("-H without a colon", &r, &ALL);
}

#[test]
fn check_redacts_url_tokens_in_every_format() {
    let s = api();
    let url = s.url(&format!("/data?access_token={URL_TOKEN}&page=2"));
    for format in FORMATS {
        let r = run(&[
            "check",
            &url,
            "--origin",
            ORIGIN,
            "--timeout",
            "5",
            "--format",
            format,
        ]);
        assert_no_leak(&format!("check {url} --format {format}"), &r, &ALL);
    }
    assert!(
        s.requests().iter().any(|h| h.contains(URL_TOKEN)),
        "the token must still be sent"
    );
}

#[test]
fn check_redacts_url_userinfo_in_every_format() {
    let s = api();
    let url = format!("http://user:{USERINFO_SECRET}@{}/data", s.addr);
    for format in FORMATS {
        let r = run(&[
            "check",
            &url,
            "--origin",
            ORIGIN,
            "--timeout",
            "5",
            "--format",
            format,
        ]);
        assert_no_leak(&format!("check {url} --format {format}"), &r, &ALL);
    }
}

#[test]
fn transport_errors_redact_url_tokens() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/x?access_token={URL_TOKEN}");
    for format in FORMATS {
        let r = run(&[
            "check",
            &url,
            "--origin",
            ORIGIN,
            "--timeout",
            "2",
            "--format",
            format,
        ]);
        assert_eq!(r.code, 2, "{format}: refused is exit 2");
        assert_no_leak(&format!("refused check --format {format}"), &r, &ALL);
    }
}

#[test]
fn explain_redacts_url_tokens_in_console_text() {
    let text = format!(
        "Access to fetch at 'https://api.example.com/me?access_token={URL_TOKEN}' from origin 'http://localhost:3000' \
         has been blocked by CORS policy: Response to preflight request doesn't pass access control check: \
         No 'Access-Control-Allow-Origin' header is present on the requested resource."
    );
    for format in FORMATS {
        let r = run(&["explain", &text, "--format", format]);
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
        assert_no_leak(&format!("explain --format {format}"), &r, &ALL);
    }
}

/// Every `[name, value]` pair in a JSON document whose name is a secret header.
fn secret_pairs(v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Array(items) => {
            if let [Value::String(n), Value::String(val)] = items.as_slice() {
                let lower = n.to_ascii_lowercase();
                if ["cookie", "authorization", "proxy-authorization", "set-cookie"].contains(&lower.as_str())
                {
                    out.push((n.clone(), val.clone()));
                }
            }
            items.iter().for_each(|i| secret_pairs(i, out));
        }
        Value::Object(map) => map.values().for_each(|i| secret_pairs(i, out)),
        _ => {}
    }
}

#[test]
fn demo_json_redacts_every_secret_header() {
    let r = run(&["demo", "--format", "json"]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let json: Value = serde_json::from_str(&r.stdout).expect("demo json");
    let mut pairs = Vec::new();
    secret_pairs(&json, &mut pairs);
    let clear: Vec<_> = pairs.iter().filter(|(_, v)| !v.contains("[redacted]")).collect();
    assert!(
        clear.is_empty(),
        "secret headers shown in clear by the demo: {clear:?}"
    );
}

/// A HAR with every kind of secret, in request and response.
fn har_with_secrets() -> String {
    let entry = |method: &str, status: u16| {
        serde_json::json!({
            "startedDateTime": "2026-01-01T00:00:00.000Z",
            "time": 1.0,
            "request": {
                "method": method,
                "url": format!("https://api.example.com/me?access_token={URL_TOKEN}"),
                "httpVersion": "HTTP/1.1",
                "headers": [
                    {"name": "Origin", "value": "http://localhost:3000"},
                    {"name": "Authorization", "value": format!("Bearer {AUTH_SECRET}")},
                    {"name": "Proxy-Authorization", "value": format!("Basic {PROXY_SECRET}")},
                    {"name": "Cookie", "value": format!("sid={COOKIE_SECRET}")},
                    {"name": "Access-Control-Request-Method", "value": "GET"},
                    {"name": "Access-Control-Request-Headers", "value": "authorization"}
                ],
                "queryString": [{"name": "access_token", "value": URL_TOKEN}],
                "cookies": [{"name": "sid", "value": COOKIE_SECRET}],
                "headersSize": -1,
                "bodySize": 0
            },
            "response": {
                "status": status,
                "statusText": "",
                "httpVersion": "HTTP/1.1",
                "headers": [
                    {"name": "Access-Control-Allow-Origin", "value": "*"},
                    {"name": "Set-Cookie", "value": format!("sid={SET_COOKIE_SECRET}; Path=/")}
                ],
                "cookies": [{"name": "sid", "value": SET_COOKIE_SECRET}],
                "content": {"size": 0, "mimeType": "text/plain"},
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": 0,
                "_error": "net::ERR_FAILED"
            },
            "cache": {},
            "timings": {"send": 0, "wait": 1, "receive": 0}
        })
    };
    let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": [entry("OPTIONS", 204), entry("GET", 0)]}});
    har.to_string()
}

#[test]
fn har_redacts_every_secret_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secrets.har");
    std::fs::write(&path, har_with_secrets()).unwrap();
    let path = path.display().to_string();
    for format in FORMATS {
        let r = run(&["har", &path, "--format", format]);
        assert!(
            r.code == 0 || r.code == 1,
            "har --format {format}: exit {} {}",
            r.code,
            r.stderr
        );
        assert_no_leak(&format!("har --format {format}"), &r, &ALL);
    }
    let shown = run(&["har", &path, "--format", "json", "--show-secrets"]);
    assert!(
        shown.stdout.contains(AUTH_SECRET) || shown.stdout.contains(URL_TOKEN),
        "--show-secrets shows them:\n{}",
        shown.stdout
    );
}

fn audit(url: &str, format: &str) -> Run {
    let auth = format!("Authorization: Bearer {AUTH_SECRET}");
    let cookie = format!("sid={COOKIE_SECRET}");
    run(&[
        "audit",
        url,
        "-H",
        &auth,
        "--cookie",
        &cookie,
        "--rate",
        "0",
        "--timeout",
        "5",
        "--format",
        format,
    ])
}

#[test]
fn audit_redacts_cookie_authorization_and_set_cookie_in_every_format() {
    let s = api();
    for format in ["human", "json", "sarif"] {
        let r = audit(&s.url("/data"), format);
        assert!(
            r.code == 0 || r.code == 1,
            "audit --format {format}: exit {} {}",
            r.code,
            r.stderr
        );
        assert_no_leak(
            &format!("audit --format {format}"),
            &r,
            &[AUTH_SECRET, COOKIE_SECRET, SET_COOKIE_SECRET],
        );
    }
    assert!(
        s.requests().iter().any(|h| h.contains(COOKIE_SECRET)),
        "the probes really carried the cookie"
    );
}

#[test]
fn audit_redacts_url_tokens_in_every_format() {
    let s = api();
    let url = s.url(&format!("/data?access_token={URL_TOKEN}"));
    for format in ["human", "json", "sarif"] {
        let r = audit(&url, format);
        assert_no_leak(&format!("audit {url} --format {format}"), &r, &ALL);
    }
}

//! `cors-doctor audit` against the lab's audit targets (`/audit/<name>`), audited as
//! `api.lab-bank.com` with the lab's session cookie: every planted class is found with the
//! expected severity and evidence, correct targets are silent, and the report is identical at any
//! concurrency.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use cors_doctor_lab::{audit_targets, AUDIT_COOKIE, AUDIT_HOST};
use serde_json::Value;

use crate::support::{cors_doctor, lab, Run};

fn schema() -> &'static jsonschema::Validator {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let text = include_str!("../../docs/audit-v1.schema.json");
        let schema: Value = serde_json::from_str(text).expect("schema is JSON");
        jsonschema::validator_for(&schema).expect("schema compiles")
    })
}

fn assert_valid(json: &Value) {
    let errors: Vec<String> = schema()
        .iter_errors(json)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "schema violations: {errors:#?}");
}

/// Every target the lab can show over http.
fn lab_urls() -> Vec<String> {
    audit_targets()
        .iter()
        .filter(|t| !t.https_only)
        .map(|t| lab().audit_url(t.name))
        .collect()
}

fn audit(urls: &[String], extra: &[&str]) -> Run {
    let host = format!("Host: {AUDIT_HOST}");
    let mut args: Vec<&str> = vec!["audit", "-H", &host, "--cookie", AUDIT_COOKIE, "--rate", "0"];
    args.extend_from_slice(extra);
    args.extend(urls.iter().map(String::as_str));
    cors_doctor(&args)
}

/// The full lab audit at concurrency 1, shared by the tests that only read it.
fn full_run() -> &'static (Run, Value) {
    static RUN: OnceLock<(Run, Value)> = OnceLock::new();
    RUN.get_or_init(|| {
        let run = audit(&lab_urls(), &["--format", "json", "--concurrency", "1"]);
        let json = run.json();
        (run, json)
    })
}

fn target<'a>(json: &'a Value, name: &str) -> &'a Value {
    let url = lab().audit_url(name);
    json["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["url"] == url.as_str())
        .unwrap_or_else(|| panic!("no target {url}"))
}

#[test]
fn every_planted_class_is_found_and_correct_targets_are_silent() {
    let (run, json) = full_run();
    assert_valid(json);
    assert_eq!(run.code, 1, "critical findings fail the run: {}", run.stderr);
    assert_eq!(json["summary"]["errors"], 0);
    let mut found_classes = BTreeSet::new();
    for t in audit_targets().iter().filter(|t| !t.https_only) {
        let out = target(json, t.name);
        assert!(out["error"].is_null(), "{}: {}", t.name, out["error"]);
        let got: BTreeSet<(String, String)> = out["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["class"].as_str().unwrap().to_owned(),
                    f["severity"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let want: BTreeSet<(String, String)> = t
            .expected
            .iter()
            .map(|(c, s)| (c.to_string(), s.to_string()))
            .collect();
        assert_eq!(got, want, "{}: {:#}", t.name, out["findings"]);
        found_classes.extend(got.into_iter().map(|(c, _)| c));
    }
    // Every class but the https-only one (and the session/method wrappers' underlying classes) is planted.
    let missing: Vec<&str> = cors_doctor_core::audit::Class::ALL
        .iter()
        .map(|c| c.id())
        .filter(|c| !found_classes.contains(*c) && *c != "http-origin-trusted")
        .collect();
    assert!(missing.is_empty(), "classes never found on the lab: {missing:?}");
}

#[test]
fn evidence_is_the_exact_probe_and_the_raw_answer() {
    let (_, json) = full_run();
    for t in json["targets"].as_array().unwrap() {
        for f in t["findings"].as_array().unwrap() {
            let origin = f["probe_origin"].as_str().unwrap();
            let request = f["evidence"]["request"].as_array().unwrap();
            assert!(
                request.iter().any(|h| h[0] == "Origin" && h[1] == origin),
                "{f:#}"
            );
            assert!(
                !f["scenario"].as_str().unwrap().is_empty()
                    && !f["fix"]["advice"].as_str().unwrap().is_empty()
            );
            let class = f["class"].as_str().unwrap();
            let trust = !matches!(
                class,
                "wildcard"
                    | "wildcard-with-credentials"
                    | "fixed-foreign-origin"
                    | "invalid-acao"
                    | "vary-origin-missing"
                    | "crlf-injection"
                    | "acac-without-acao"
            );
            if trust {
                let headers = f["evidence"]["headers"].as_array().unwrap();
                assert!(
                    headers
                        .iter()
                        .any(|h| h[0] == "Access-Control-Allow-Origin" && h[1] == origin),
                    "{f:#}"
                );
                assert_eq!(
                    f["credentials"].as_bool().unwrap(),
                    headers
                        .iter()
                        .any(|h| h[0] == "Access-Control-Allow-Credentials" && h[1] == "true")
                );
            }
            // The user's session never appears in the evidence.
            assert!(!f.to_string().contains(AUDIT_COOKIE));
        }
    }
    let special = &target(json, "special-characters")["findings"][0];
    assert_eq!(
        special["probe_origin"], "http://api.lab-bank.com_.evil-cors-probe.com",
        "the widest-supported character is the evidence"
    );
    assert!(special["scenario"]
        .as_str()
        .unwrap()
        .contains("Chromium, Firefox and Safari"));
    let dot = &target(json, "unescaped-dot")["findings"][0];
    assert_eq!(dot["probe_origin"], "http://apixlab-bank.com");
    let pre = &target(json, "method-specific")["findings"][0];
    assert_eq!(pre["method"], "OPTIONS");
    assert_eq!(pre["underlying"], "origin-reflected");
}

#[test]
fn results_do_not_depend_on_concurrency() {
    let (one, _) = full_run();
    let many = audit(&lab_urls(), &["--format", "json", "--concurrency", "64"]);
    assert_eq!(many.code, one.code);
    assert_eq!(many.stdout, one.stdout);
}

#[test]
fn session_only_policy_needs_the_cookie() {
    let url = lab().audit_url("session-specific");
    let host = format!("Host: {AUDIT_HOST}");
    let run = cors_doctor(&["audit", "-H", &host, "--rate", "0", "--format", "json", &url]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.json()["targets"][0]["findings"], Value::Array(vec![]));
}

/// A loopback port nothing listens on.
fn dead_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn unreachable_targets_are_errors_and_the_run_continues() {
    let dead = format!("http://127.0.0.1:{}/x", dead_port());
    let run = cors_doctor(&["audit", "--rate", "0", "--format", "json", &dead]);
    assert_eq!(run.code, 2, "nothing could be audited");
    let json = run.json();
    assert_valid(&json);
    assert!(
        json["targets"][0]["error"].as_str().unwrap().contains("connect"),
        "{json:#}"
    );

    let ok = lab().audit_url("correct-allowlist");
    let run = audit(
        &[dead.clone(), ok.clone(), "not a url".to_owned()],
        &["--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let json = run.json();
    assert_valid(&json);
    assert_eq!(json["summary"]["audited"], 1);
    assert_eq!(json["summary"]["errors"], 2);
}

#[test]
fn fail_on_sets_the_threshold() {
    let url = lab().audit_url("any-subdomain");
    assert_eq!(
        audit(std::slice::from_ref(&url), &[]).code,
        1,
        "medium is the default threshold"
    );
    assert_eq!(audit(std::slice::from_ref(&url), &["--fail-on", "high"]).code, 0);
    assert_eq!(audit(std::slice::from_ref(&url), &["--fail-on", "never"]).code, 0);
    let info = lab().audit_url("wildcard");
    assert_eq!(audit(std::slice::from_ref(&info), &[]).code, 0);
    assert_eq!(audit(std::slice::from_ref(&info), &["--fail-on", "info"]).code, 1);
}

#[test]
fn urls_from_stdin_and_file() {
    let a = lab().audit_url("null-origin");
    let b = lab().audit_url("correct-no-cors");
    let list = format!("# audit list\n{a}\n\n{b}\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cors-doctor"))
        .args([
            "audit",
            "-",
            "--rate",
            "0",
            "--format",
            "json",
            "-H",
            &format!("Host: {AUDIT_HOST}"),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(list.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["targets"], 2);
    assert!(
        out.stderr.is_empty(),
        "no progress bar or noise in pipes: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("urls.txt");
    std::fs::write(&file, &list).unwrap();
    let run = cors_doctor(&[
        "audit",
        "--input",
        file.to_str().unwrap(),
        "--rate",
        "0",
        "--format",
        "json",
        "-H",
        &format!("Host: {AUDIT_HOST}"),
    ]);
    assert_eq!(run.json()["targets"], json["targets"]);
    assert_eq!(run.code, 1);

    let run = cors_doctor(&["audit"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no URL"), "{}", run.stderr);
}

#[test]
fn sarif_and_human_outputs() {
    let urls = [
        lab().audit_url("origin-reflected"),
        lab().audit_url("correct-allowlist"),
    ];
    let run = audit(&urls, &["--format", "sarif"]);
    assert_eq!(run.code, 1);
    let sarif = run.json();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "origin-reflected");
    assert_eq!(results[0]["level"], "error");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(
        rules[results[0]["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "origin-reflected"
    );

    let run = audit(&urls, &[]);
    assert!(
        run.stdout.contains("critical          1        1"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("CRITICAL origin-reflected"), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("ok  {}", urls[1])), "{}", run.stdout);
    assert!(!run.stdout.contains('\x1b'), "no colour when NO_COLOR is set");
}

#[test]
fn url_secrets_are_redacted_in_every_format() {
    let secret = "s3cr3t-token-value";
    let url = format!("{}?access_token={secret}", lab().audit_url("origin-reflected"));
    let with_userinfo = url.replacen("http://", &format!("http://me:{secret}@"), 1);
    for format in ["human", "json", "sarif"] {
        let run = audit(&[url.clone(), with_userinfo.clone()], &["--format", format]);
        assert_eq!(run.code, 1);
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{format}: {}",
            run.stdout
        );
        assert!(run.stdout.contains("[redacted]"), "{format}");
    }
}

/// A TLS answer that trusts any origin with credentials and echoes the User-Agent it got.
fn reflect_over_tls(head: &str) -> Vec<u8> {
    let field = |name: &str| {
        head.lines()
            .find_map(|l| {
                let (n, v) = l.split_once(':')?;
                n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
            })
            .unwrap_or_default()
    };
    let (origin, agent) = (field("origin"), field("user-agent"));
    crate::hostile::server::response(
        "200 OK",
        &[
            ("Access-Control-Allow-Origin", &origin),
            ("Access-Control-Allow-Credentials", "true"),
            ("Vary", "Origin"),
            ("X-Seen-User-Agent", &agent),
        ],
        b"{}",
    )
}

#[test]
fn an_internal_ca_is_trusted_with_cacert_and_the_user_agent_is_sent() {
    use crate::hostile::server::{tls_server, Cert};
    let cert = Cert::for_names(&["localhost"]);
    let server = tls_server(cert.server_config(&[b"http/1.1"]), reflect_over_tls);
    let url = format!("https://localhost:{}/me", server.port());
    let base = ["audit", "--rate", "0", "--format", "json", url.as_str()];

    // Without the CA the target cannot be audited: an error, not a silent pass.
    let run = cors_doctor(&base);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let error = run.json()["targets"][0]["error"].as_str().unwrap().to_owned();
    assert!(error.contains("tls") && error.contains("--cacert"), "{error}");

    let path = cert.pem_file.path().to_str().unwrap();
    let run = cors_doctor(&[&base[..], &["--cacert", path, "--user-agent", "sec-review/1"]].concat());
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let json = run.json();
    assert_valid(&json);
    let findings = json["targets"][0]["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["class"] == "origin-reflected"),
        "{json:#}"
    );
    let headers = findings[0]["evidence"]["headers"].as_array().unwrap();
    assert!(
        headers
            .iter()
            .any(|h| h[0] == "X-Seen-User-Agent" && h[1] == "sec-review/1"),
        "{headers:?}"
    );

    // The default names the tool; a bad bundle is a usage error before any probe.
    let run = cors_doctor(&[&base[..], &["--cacert", path]].concat());
    let json = run.json();
    let headers = json["targets"][0]["findings"][0]["evidence"]["headers"]
        .as_array()
        .unwrap();
    assert!(
        headers
            .iter()
            .any(|h| h[0] == "X-Seen-User-Agent" && h[1].as_str().unwrap().starts_with("cors-doctor/")),
        "{headers:?}"
    );
    let run = cors_doctor(&["audit", "--cacert", "/nonexistent.pem", url.as_str()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("cors-doctor: error: cannot read --cacert"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

//! Realistic console pastes (`tests/explain_fixtures/*.txt`, provenance in its README) and what
//! `explain` must find in each. Every fixture file must be listed here.

use cors_doctor_core::explain::{explain, Report};
use cors_doctor_core::{Engine, Initiator, Stage};

struct Want {
    browser: Engine,
    code: &'static str,
    url: Option<&'static str>,
    origin: Option<&'static str>,
    /// (detail key, value) pairs that must be present.
    detail: &'static [(&'static str, &'static str)],
    /// A substring the first cause must contain.
    first_cause: Option<&'static str>,
}

const fn want(
    browser: Engine,
    code: &'static str,
    url: Option<&'static str>,
    origin: Option<&'static str>,
) -> Want {
    Want {
        browser,
        code,
        url,
        origin,
        detail: &[],
        first_cause: None,
    }
}

fn fixtures() -> Vec<(&'static str, Vec<Want>, &'static [&'static str])> {
    use Engine::*;
    vec![
        (
            "chrome_preflight_missing_acao_put.txt",
            vec![Want {
                detail: &[("method", "PUT")],
                ..want(Chromium, "preflight-missing-allow-origin", Some("https://api.example.com/v1/items/42"), Some("http://localhost:5173"))
            }],
            &[],
        ),
        (
            "chrome_sentry_baggage_header.txt",
            vec![Want {
                detail: &[("header", "baggage")],
                first_cause: Some("Sentry"),
                ..want(Chromium, "header-not-allowed", Some("http://localhost:1337/api/auth/local"), Some("http://localhost:3000"))
            }],
            &[],
        ),
        (
            "chrome_sentry_store_x_ijt.txt",
            vec![Want {
                detail: &[("header", "x-ijt"), ("method", "POST")],
                ..want(
                    Chromium,
                    "header-not-allowed",
                    Some("https://sentry.io/api/1532139/store/?sentry_key=KEY&sentry_version=7"),
                    Some("http://localhost:8080"),
                )
            }],
            &[],
        ),
        (
            "chrome_legacy_502.txt",
            vec![Want {
                detail: &[("status", "502")],
                first_cause: Some("error"),
                ..want(Chromium, "missing-allow-origin", Some("https://api.steemitdev.com/"), Some("https://steemitdev.com"))
            }],
            &[],
        ),
        (
            "chrome_dump_several_errors.txt",
            vec![
                Want {
                    detail: &[("value", "https://shop.test"), ("status", "200"), ("method", "GET")],
                    first_cause: Some("another origin entirely"),
                    ..want(Chromium, "allow-origin-mismatch", Some("https://api.shop.test/orders?page=1"), Some("https://preview-42.shop.test"))
                },
                want(Chromium, "wildcard-origin-not-allowed", Some("https://api.shop.test/cart"), Some("https://preview-42.shop.test")),
                Want {
                    detail: &[("method", "patch")],
                    first_cause: Some("case-sensitive"),
                    ..want(Chromium, "method-not-allowed", Some("https://api.shop.test/upload"), Some("https://preview-42.shop.test"))
                },
            ],
            &["ERR_BLOCKED_BY_CLIENT"],
        ),
        (
            "chrome_redirected_null_origin.txt",
            vec![Want {
                first_cause: Some("`null`"),
                ..want(Chromium, "missing-allow-origin", Some("https://login.idp.test/authorize?client_id=spa"), Some("null"))
            }],
            &[],
        ),
        (
            "chrome_wrapped_in_issue.txt",
            vec![want(Chromium, "preflight-invalid-status", Some("http://127.0.0.1:8000/api/v1/token/"), Some("http://localhost:3000"))],
            &[],
        ),
        (
            "firefox_missing_acao_502_wrapped.txt",
            vec![Want {
                detail: &[("status", "502")],
                first_cause: Some("error"),
                ..want(Firefox, "missing-allow-origin", Some("https://faustservice.grame.fr/targets"), None)
            }],
            &[],
        ),
        (
            "firefox_missing_then_did_not_succeed.txt",
            vec![want(
                Firefox,
                "preflight-missing-allow-origin",
                Some("https://api.adoptopenjdk.net/v2/info/releases/openjdk10?release=latest&openjdk_impl=openj9&"),
                None,
            )],
            &[],
        ),
        (
            "firefox_did_not_succeed_null.txt",
            vec![want(
                Firefox,
                "network-error",
                Some("https://tools.suffolklitlab.org/rss_proxy/?url=https%3A%2F%2Fclarkesworldmagazine.com%2Ffeed%2F"),
                None,
            )],
            &[],
        ),
        (
            "firefox_preflight_401_two_lines.txt",
            vec![Want {
                detail: &[("status", "401")],
                first_cause: Some("401/403"),
                ..want(Firefox, "preflight-missing-allow-origin", Some("https://api.example.com/graphql"), None)
            }],
            &[],
        ),
        (
            "safari_origin_not_allowed_three_lines.txt",
            vec![Want {
                detail: &[("status", "200")],
                first_cause: Some("allowed origins"),
                ..want(Webkit, "missing-allow-origin", Some("http://127.0.0.1:3101/config"), Some("http://localhost:3200"))
            }],
            &["connection dropped"],
        ),
        (
            "safari_legacy_no_status.txt",
            vec![want(
                Webkit,
                "missing-allow-origin",
                Some("https://fdnvrxrba7.execute-api.us-east-1.amazonaws.com/beta/courses/search?query=CS%201114&size=1000&term=201809"),
                Some("https://www.pscheduler.com"),
            )],
            &[],
        ),
        (
            "safari_preflight_not_successful.txt",
            vec![want(
                Webkit,
                "preflight-invalid-status",
                Some("https://mygithubapiproxy.com/repos/owner/repo/issues?state=open&filter=all&sort=created&direction=desc&labels=status"),
                None,
            )],
            &[],
        ),
        (
            "safari_header_summary_first.txt",
            vec![Want { detail: &[("header", "API-KEY")], ..want(Webkit, "header-not-allowed", Some("https://www.example.com/api"), None) }],
            &[],
        ),
        (
            "safari_summaries_only.txt",
            vec![
                want(
                    Webkit,
                    "cors-check-failed",
                    Some("https://jhfjkcfjxvjlvipwubnk.supabase.co/rest/v1/orders?select=*&order=creationDate.desc"),
                    None,
                ),
                want(Webkit, "cors-check-failed", Some("https://jhfjkcfjxvjlvipwubnk.supabase.co/auth/v1/token?grant_type=password"), None),
            ],
            &[],
        ),
        ("not_cors_connection_refused.txt", vec![], &["not reachable"]),
        ("not_cors_mixed_content.txt", vec![], &["mixed content"]),
    ]
}

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/explain_fixtures")
}

fn check(name: &str, report: &Report, wants: &[Want], not_cors: &[&str]) {
    assert_eq!(report.errors.len(), wants.len(), "{name}: {report:#?}");
    for (e, w) in report.errors.iter().zip(wants) {
        assert_eq!(e.browser, w.browser, "{name}");
        assert_eq!(e.code, w.code, "{name}");
        assert_eq!(e.url.as_deref(), w.url, "{name}");
        assert_eq!(e.origin.as_deref(), w.origin, "{name}");
        for (k, v) in w.detail {
            assert_eq!(
                e.detail.get(*k).map(String::as_str),
                Some(*v),
                "{name}: detail {k}"
            );
        }
        if let Some(c) = w.first_cause {
            assert!(
                e.causes[0].contains(c),
                "{name}: first cause {:?} lacks {c:?}",
                e.causes[0]
            );
        }
        assert!(e.check_command.starts_with("cors-doctor check "), "{name}");
        assert!(
            !e.message.is_empty() && !e.message.contains('\n'),
            "{name}: {:?}",
            e.message
        );
    }
    assert_eq!(
        report.not_cors.len(),
        not_cors.len(),
        "{name}: {:#?}",
        report.not_cors
    );
    for (n, want) in report.not_cors.iter().zip(not_cors) {
        assert!(
            n.looks_like.contains(want) || n.line.contains(want),
            "{name}: {n:?} lacks {want:?}"
        );
    }
}

#[test]
fn explain_fixture_files_are_explained() {
    let fixtures = fixtures();
    let mut listed: Vec<&str> = fixtures.iter().map(|(n, ..)| *n).collect();
    for (name, wants, not_cors) in &fixtures {
        let text = std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        check(name, &explain(&text), wants, not_cors);
    }
    let mut on_disk: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    on_disk.sort();
    listed.sort_unstable();
    assert_eq!(
        on_disk, listed,
        "every fixture file is asserted, and every asserted fixture exists"
    );
}

#[test]
fn explain_fixture_details() {
    let text = std::fs::read_to_string(dir().join("chrome_dump_several_errors.txt")).unwrap();
    let r = explain(&text);
    assert_eq!(r.errors[0].count, 2, "the repeated mismatch is merged");
    assert_eq!(r.errors[1].initiator, Some(Initiator::Xhr));
    assert!(r.errors[1].check_command.ends_with("--credentials include"));
    assert_eq!(r.errors[2].stage, Stage::Preflight);
    assert!(r.errors[2].check_command.contains("-X patch"));
    let text = std::fs::read_to_string(dir().join("chrome_redirected_null_origin.txt")).unwrap();
    let e = &explain(&text).errors[0];
    assert_eq!(e.initial_url.as_deref(), Some("https://api.app.test/me"));
    assert!(
        e.check_command.contains("https://api.app.test/me"),
        "verify from the URL the script asked for"
    );
    let text = std::fs::read_to_string(dir().join("chrome_wrapped_in_issue.txt")).unwrap();
    let e = &explain(&text).errors[0];
    assert!(
        e.message.contains("from origin 'http://localhost:3000'"),
        "wrapped words are joined: {}",
        e.message
    );
}

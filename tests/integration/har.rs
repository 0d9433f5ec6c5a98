//! `cors-doctor har`: real Chromium recordings of the lab, hand-built DevTools and Firefox exports,
//! gzip and stdin input, secrets, the JSON contract, and one-line errors on bad input.

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use cors_doctor_lab::catalogue;
use serde_json::Value;

use crate::support::{cors_doctor, cors_doctor_stdin, lab, Run, ORIGIN};

fn fixture(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", "har", name]
        .iter()
        .collect();
    path.to_string_lossy().into_owned()
}

fn har(args: &[&str]) -> Run {
    let mut all = vec!["har"];
    all.extend_from_slice(args);
    cors_doctor(&all)
}

fn har_stdin(input: &[u8], args: &[&str]) -> Run {
    let mut all = vec!["har"];
    all.extend_from_slice(args);
    cors_doctor_stdin(&all, input)
}

fn schema() -> &'static jsonschema::Validator {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let text = include_str!("../../docs/har-v1.schema.json");
        let schema: Value = serde_json::from_str(text).expect("schema is JSON");
        jsonschema::validator_for(&schema).expect("schema compiles")
    })
}

fn assert_valid_har_json(value: &Value) {
    let errors: Vec<String> = schema()
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "har/v1 schema violations:\n{}",
        errors.join("\n")
    );
}

/// The JSON report of a fixture, schema-checked.
fn report(name: &str, extra: &[&str]) -> (Run, Value) {
    let file = fixture(name);
    let mut args = vec![file.as_str(), "--format", "json"];
    args.extend_from_slice(extra);
    let run = har(&args);
    assert!(
        run.code == 0 || run.code == 1,
        "{name}: exit {} stderr {}",
        run.code,
        run.stderr
    );
    let json = run.json();
    assert_valid_har_json(&json);
    (run, json)
}

fn requests(json: &Value) -> &Vec<Value> {
    json["requests"].as_array().expect("requests")
}

fn scenario_of(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or_default()
}

fn chromium_error(r: &Value) -> Option<&str> {
    let v = &r["verdicts"]["chromium"];
    (v["outcome"] == "blocked")
        .then(|| v["failure"]["error_name"].as_str())
        .flatten()
}

#[test]
fn every_lab_failure_recorded_by_chromium_is_found_with_the_browsers_own_error() {
    let (run, json) = report("lab-chromium-cdp.har", &[]);
    assert_eq!(run.code, 1);
    let mut problems = Vec::new();
    let mut seen = 0;
    for r in requests(&json) {
        let Some(s) = catalogue()
            .iter()
            .find(|s| s.name == scenario_of(r["url"].as_str().unwrap()))
        else {
            continue;
        };
        seen += 1;
        let got = chromium_error(r);
        if got != s.expected.chromium_error {
            problems.push(format!(
                "{}: HAR says {got:?}, the lab expects {:?}",
                s.name, s.expected.chromium_error
            ));
        }
    }
    assert!(seen >= 40, "only {seen} lab scenarios found in the recording");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn har_verdicts_agree_with_what_check_finds_live_and_with_the_browser() {
    let (_, json) = report("lab-chromium-cdp.har", &[]);
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("lab-chromium-cdp.truth.json")).unwrap())
            .unwrap();
    for r in requests(&json) {
        let name = scenario_of(r["url"].as_str().unwrap());
        let Some(s) = catalogue().iter().find(|s| s.name == name) else {
            continue;
        };
        if !s.expected.blocked {
            continue;
        }
        // What Chromium itself reported (CDP corsErrorStatus), for requests that failed at their own URL.
        if let Some(cdp) = truth.get(r["url"].as_str().unwrap()).and_then(Value::as_str) {
            assert_eq!(
                chromium_error(r),
                Some(cdp),
                "{name}: HAR verdict differs from Chromium's own report"
            );
        }
        // What `check` finds against the live lab.
        let mut args = vec![
            "check".to_string(),
            lab().url(s.name),
            "--origin".into(),
            ORIGIN.into(),
            "-X".into(),
            s.request.method.into(),
        ];
        args.extend([
            "--credentials".into(),
            s.request.credentials.into(),
            "--send-actual".into(),
            "--format".into(),
            "json".into(),
        ]);
        for (n, v) in s.request.headers {
            args.extend(["-H".into(), format!("{n}: {v}")]);
        }
        if let Some(body) = s.request.body {
            args.extend(["--data".into(), body.into()]);
        }
        let live = cors_doctor(&args.iter().map(String::as_str).collect::<Vec<_>>()).json();
        let live_error = live["verdicts"]["chromium"]["failure"]["error_name"].as_str();
        assert_eq!(
            chromium_error(r),
            live_error,
            "{name}: HAR and live check disagree"
        );
    }
}

#[test]
fn a_playwright_recording_without_responses_is_unexplained_not_guessed() {
    let (run, json) = report("lab-playwright.har", &[]);
    assert_eq!(run.code, 1, "failures were recorded");
    for r in requests(&json) {
        let Some(s) = catalogue()
            .iter()
            .find(|s| s.name == scenario_of(r["url"].as_str().unwrap()))
        else {
            continue;
        };
        let expected = if s.expected.blocked {
            "unexplained"
        } else {
            "allowed"
        };
        assert_eq!(r["result"], expected, "{}: {}", s.name, r["evidence"]);
        assert_eq!(
            r["origin"], "http://127.0.0.1:18485",
            "{}: origin from the page",
            s.name
        );
    }
    assert_eq!(json["summary"]["blocked"], 0);
}

fn by_index(json: &Value, index: u64) -> &Value {
    requests(json)
        .iter()
        .find(|r| r["index"] == index)
        .unwrap_or_else(|| panic!("no request {index}"))
}

#[test]
fn devtools_export_pairs_preflights_and_names_root_causes() {
    let (run, json) = report("chrome-devtools.har", &[]);
    assert_eq!(run.code, 1);
    let put = by_index(&json, 1);
    assert_eq!(put["preflight_index"], 2);
    assert_eq!(chromium_error(put), Some("PreflightMissingAllowOriginHeader"));
    assert_eq!(put["root_cause"]["id"], "preflight-auth-intercepted");
    let post = by_index(&json, 3);
    assert_eq!(post["preflight_index"], 4);
    assert_eq!(post["status"], 500);
    assert_eq!(post["root_cause"]["id"], "error-response-without-cors");
    let me = by_index(&json, 5);
    assert_eq!(chromium_error(me), Some("WildcardOriginNotAllowed"));
    assert_eq!(me["credentials"], "include");
    assert_eq!(
        by_index(&json, 7)["result"],
        "allowed",
        "a preflight served from the cache is not a failure"
    );
    assert!(by_index(&json, 7)["evidence"]
        .to_string()
        .contains("no preflight recorded"));
    assert_eq!(by_index(&json, 8)["result"], "network-error");
    assert!(
        requests(&json).iter().all(|r| r["index"] != 9),
        "same-origin requests are not listed"
    );
    let s = &json["summary"];
    assert_eq!(
        (
            s["cross_origin_requests"].as_u64(),
            s["same_origin"].as_u64(),
            s["preflights"].as_u64()
        ),
        (Some(9), Some(1), Some(5))
    );
    let cost = &s["preflight_cost"];
    assert_eq!(cost["savings"]["chromium"]["preflights_saved"], 2, "{cost}");
    assert_eq!(cost["savings"]["webkit"]["max_age_cap"], 600);
}

#[test]
fn secrets_are_redacted_unless_asked_for() {
    const SECRETS: [&str; 4] = [
        "tok-ABC123",
        "s3cr3t-session-id",
        "n3w-s3cr3t",
        "c2VjcmV0LXRva2Vu",
    ];
    for format in ["json", "human", "markdown"] {
        let run = har(&[&fixture("chrome-devtools.har"), "--format", format]);
        for s in SECRETS {
            assert!(!run.stdout.contains(s), "{format} output leaks {s}");
        }
    }
    let (run, _) = report("chrome-devtools.har", &["--show-secrets"]);
    assert!(run.stdout.contains("access_token=tok-ABC123"));
    let (run, _) = report("chrome-devtools.har", &[]);
    assert!(run.stdout.contains("access_token=[redacted]"));
}

#[test]
fn a_sanitized_export_is_not_taken_as_proof_of_no_credentials() {
    let (_, json) = report("chrome-devtools-sanitized.har", &[]);
    let profile = by_index(&json, 1);
    assert_eq!(profile["credentials_basis"], "inferred-from-recorded-failure");
    assert_eq!(chromium_error(profile), Some("InvalidAllowCredentials"));
    let public = by_index(&json, 2);
    assert_eq!(public["result"], "allowed");
    assert!(public["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == "har-credentials-not-recorded"));
}

#[test]
fn firefox_exports_are_read_with_their_own_shape() {
    let (run, json) = report("firefox.har", &[]);
    assert_eq!(run.code, 1);
    let put = by_index(&json, 2);
    assert_eq!(put["preflight_index"], 1, "Firefox records the preflight first");
    assert_eq!(
        put["verdicts"]["firefox"]["failure"]["error_name"],
        "CORSMethodNotFound"
    );
    assert_eq!(chromium_error(by_index(&json, 3)), Some("AllowOriginMismatch"));
    assert_eq!(by_index(&json, 4)["result"], "allowed");
}

#[test]
fn gzip_and_stdin_give_the_same_report() {
    let plain = std::fs::read(fixture("chrome-devtools.har")).unwrap();
    let (_, expected) = report("chrome-devtools.har", &[]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.har.gz");
    std::fs::write(&path, &gz).unwrap();
    let from_gz = har(&[path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(from_gz.json(), expected);
    let from_stdin = har_stdin(&gz, &["-", "--format", "json"]);
    assert_eq!(from_stdin.json(), expected);
    let from_stdin = har_stdin(&plain, &["-", "--format", "json"]);
    assert_eq!(from_stdin.json(), expected);
}

/// Bad input: exit 2 and one line naming the problem and where it is, never a panic.
fn assert_one_line_error(input: &[u8], needle: &str) {
    let run = har_stdin(input, &["-"]);
    assert_eq!(
        run.code,
        2,
        "input {:?}: stdout {} stderr {}",
        String::from_utf8_lossy(&input[..input.len().min(60)]),
        run.stdout,
        run.stderr
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(lines[0].starts_with("cors-doctor: error: "), "{}", run.stderr);
    assert!(lines[0].contains(needle), "expected {needle:?} in {}", run.stderr);
    assert!(!run.stderr.contains("panicked"));
}

#[test]
fn unreadable_input_is_a_one_line_error_with_its_position() {
    let plain = std::fs::read(fixture("chrome-devtools.har")).unwrap();
    assert_one_line_error(&plain[..plain.len() / 2], "truncated JSON");
    assert_one_line_error(&plain[..plain.len() / 2], "byte");
    assert_one_line_error(br#"{"name": "not a HAR", "items": [1, 2]}"#, "not a HAR file");
    assert_one_line_error(b"[1, 2, 3]", "not a HAR file");
    assert_one_line_error(br#"{"log": {"entries": {"a": 1}}}"#, "not an array");
    assert_one_line_error(b"", "empty input");
    assert_one_line_error(b"\x00\x01binary", "not JSON");
    assert_one_line_error(
        b"{\"log\": {\"entries\": [{\"request\": \"\xff\xfe\"}]}}",
        "invalid UTF-8",
    );
    assert_one_line_error(b"\x1f\x8b\x08\x00garbage", "");
    assert_one_line_error(&[b'['; 100_000], "");
    let run = har(&["/nonexistent/session.har"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("cors-doctor: error: cannot read /nonexistent/session.har"),
        "{}",
        run.stderr
    );
}

#[test]
fn malformed_entries_are_skipped_with_a_warning_and_counted() {
    let text = std::fs::read_to_string(fixture("firefox.har")).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    let entries = doc["log"]["entries"].as_array_mut().unwrap();
    entries.insert(1, serde_json::json!({"request": 5, "response": {}}));
    entries.insert(2, serde_json::json!({"request": {"method": "GET"}}));
    entries.insert(3, serde_json::json!("just a string"));
    let input = serde_json::to_vec(&doc).unwrap();
    let run = har_stdin(&input, &["-", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = run.json();
    assert_valid_har_json(&json);
    assert_eq!(json["summary"]["skipped"], 3);
    let skipped = json["skipped"].as_array().unwrap();
    assert_eq!(
        skipped
            .iter()
            .map(|s| s["index"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert!(
        skipped[1]["reason"]
            .as_str()
            .unwrap()
            .contains("missing field `url`"),
        "{}",
        skipped[1]
    );
    assert_eq!(
        run.stderr
            .lines()
            .filter(|l| l.starts_with("cors-doctor: warning: entry"))
            .count(),
        3,
        "{}",
        run.stderr
    );
    assert_eq!(
        json["summary"]["blocked"], 2,
        "the good entries are still analysed"
    );
}

#[test]
fn human_and_markdown_reports_show_the_table_failures_and_preflight_cost() {
    let run = har(&[&fixture("chrome-devtools.har")]);
    assert_eq!(run.code, 1);
    for needle in [
        "API origin / endpoint",
        "https://api.example.test",
        "PUT /v1/items/{id}",
        "Blocked and suspicious requests",
        "Preflight cost",
        "root cause:",
    ] {
        assert!(
            run.stdout.contains(needle),
            "human output lacks {needle:?}:\n{}",
            run.stdout
        );
    }
    let md = har(&[&fixture("chrome-devtools.har"), "--format", "markdown"]);
    assert!(md.stdout.starts_with("## CORS in this HAR"), "{}", md.stdout);
    assert!(md.stdout.contains("| API origin / endpoint |"), "{}", md.stdout);
}

#[test]
fn text_from_the_file_cannot_drive_the_terminal() {
    let text = std::fs::read_to_string(fixture("firefox.har"))
        .unwrap()
        .replace("/products?page=1", "/products\\u001b[2J?page=1");
    let run = har_stdin(text.as_bytes(), &["-"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stdout.contains('\u{1b}'), "raw escape in output");
    assert!(run.stdout.contains("\\u{1b}"), "{}", run.stdout);
}

#[test]
fn a_clean_recording_exits_zero() {
    let text = std::fs::read_to_string(fixture("firefox.har")).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    let entries = doc["log"]["entries"].as_array_mut().unwrap();
    entries.retain(|e| e["request"]["url"].as_str().unwrap().contains("cdn.example.test"));
    let run = har_stdin(&serde_json::to_vec(&doc).unwrap(), &["-"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}

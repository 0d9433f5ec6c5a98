//! `cors-doctor check` against every lab scenario: verdicts, failing check, findings, the JSON
//! contract, human-output snapshots, exit codes, and the safety rules.

use cors_doctor_lab::{catalogue, Scenario};

use crate::support::{assert_valid_check_json, cors_doctor, lab, normalise, Run, ORIGIN};

fn scenario_args(s: &Scenario, format: &str) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "check".into(),
        lab().url(s.name),
        "--origin".into(),
        ORIGIN.into(),
    ];
    args.extend([
        "-X".into(),
        s.request.method.into(),
        "--credentials".into(),
        s.request.credentials.into(),
    ]);
    for (n, v) in s.request.headers {
        args.extend(["-H".into(), format!("{n}: {v}")]);
    }
    if let Some(body) = s.request.body {
        args.extend(["--data".into(), body.into()]);
    }
    args.extend(["--send-actual".into(), "--format".into(), format.into()]);
    args
}

fn run_scenario(s: &Scenario, format: &str) -> Run {
    let args = scenario_args(s, format);
    cors_doctor(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// What cors-doctor concluded, compared with what the scenario says it should conclude.
fn mismatches(s: &Scenario, json: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    let chromium = &json["verdicts"]["chromium"];
    let blocked = chromium["outcome"] == "blocked";
    if blocked != s.expected.blocked {
        out.push(format!(
            "{}: blocked={blocked}, expected {}",
            s.name, s.expected.blocked
        ));
    }
    let error = chromium["failure"]["error_name"].as_str();
    if s.expected.blocked && error != s.expected.chromium_error {
        out.push(format!(
            "{}: chromium error {error:?}, expected {:?}",
            s.name, s.expected.chromium_error
        ));
    }
    if let Some(id) = s.expected.finding {
        let ids: Vec<&str> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["id"].as_str())
            .collect();
        let root = json["root_cause"]["id"].as_str();
        if !ids.contains(&id) && root != Some(id) {
            out.push(format!(
                "{}: finding {id} missing (got {ids:?}, root cause {root:?})",
                s.name
            ));
        }
    }
    out
}

#[test]
fn every_lab_scenario_gets_the_expected_verdict_failure_and_finding() {
    let mut problems = Vec::new();
    for s in catalogue() {
        let run = run_scenario(s, "json");
        assert!(
            run.code == 0 || run.code == 1,
            "{}: exit {} stderr {}",
            s.name,
            run.code,
            run.stderr
        );
        let json = run.json();
        assert_valid_check_json(&json);
        let expected_code = i32::from(
            json["verdicts"]
                .as_object()
                .unwrap()
                .values()
                .any(|v| v["outcome"] == "blocked")
                || json["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["severity"] == "error"),
        );
        assert_eq!(
            run.code, expected_code,
            "{}: exit code does not follow the report",
            s.name
        );
        problems.extend(mismatches(s, &json));
    }
    assert!(
        problems.is_empty(),
        "{} scenario(s) diagnosed wrongly:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn human_output_of_every_lab_scenario_is_stable() {
    for s in catalogue() {
        let run = run_scenario(s, "human");
        let text = normalise(&run.stdout, &lab().base_url());
        insta::assert_snapshot!(format!("check_human__{}", s.name), text);
    }
}

#[test]
fn markdown_output_names_the_verdicts_and_the_fix() {
    let s = catalogue()
        .iter()
        .find(|s| s.expected.blocked)
        .expect("a blocked scenario");
    let run = run_scenario(s, "markdown");
    assert!(run.stdout.starts_with("## CORS check:"), "{}", run.stdout);
    assert!(run.stdout.contains("| chromium | Blocked |"), "{}", run.stdout);
    assert!(run.stdout.contains("### Reproduce"), "{}", run.stdout);
}

#[test]
fn an_allowed_request_exits_0_and_a_blocked_one_exits_1() {
    let allowed = catalogue()
        .iter()
        .find(|s| !s.expected.blocked && s.expected.finding.is_none())
        .unwrap();
    assert_eq!(run_scenario(allowed, "human").code, 0);
    let blocked = catalogue().iter().find(|s| s.expected.blocked).unwrap();
    assert_eq!(run_scenario(blocked, "human").code, 1);
}

#[test]
fn state_changing_requests_are_not_sent_without_send_actual() {
    let s = catalogue()
        .iter()
        .find(|s| !s.expected.blocked && s.request.method == "PUT")
        .expect("an allowed PUT scenario");
    let url = lab().url(s.name);
    let path = format!("/{}", s.name);
    let mut args = vec![
        "check",
        &url,
        "--origin",
        ORIGIN,
        "-X",
        "PUT",
        "--format",
        "json",
        "--credentials",
        s.request.credentials,
    ];
    let headers: Vec<String> = s
        .request
        .headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}"))
        .collect();
    for h in &headers {
        args.extend(["-H", h]);
    }
    let before = lab()
        .requests()
        .iter()
        .filter(|r| r.method == "PUT" && r.path == path)
        .count();
    let run = cors_doctor(&args);
    let after = lab()
        .requests()
        .iter()
        .filter(|r| r.method == "PUT" && r.path == path)
        .count();
    assert_eq!(before, after, "a PUT reached the server without --send-actual");
    let json = run.json();
    assert_eq!(json["verdicts"]["chromium"]["outcome"], "incomplete");
    assert!(json["next_step"].as_str().unwrap().contains("--send-actual"));
    assert_eq!(run.code, 0);
}

#[test]
fn secrets_are_redacted_unless_asked() {
    let s = catalogue()
        .iter()
        .find(|s| s.request.credentials == "include")
        .expect("a credentialed scenario");
    let url = lab().url(s.name);
    let base = [
        "check",
        url.as_str(),
        "--origin",
        ORIGIN,
        "--credentials",
        "include",
        "--cookie",
        "sid=s3cr3t-cookie",
    ];
    for format in ["human", "json", "markdown"] {
        let mut args = base.to_vec();
        args.extend(["-H", "Authorization: Bearer s3cr3t-token", "--format", format]);
        let run = cors_doctor(&args);
        for secret in ["s3cr3t-cookie", "s3cr3t-token"] {
            assert!(
                !run.stdout.contains(secret),
                "{format} output leaks {secret}:\n{}",
                run.stdout
            );
        }
    }
    let mut args = base.to_vec();
    args.extend([
        "-H",
        "Authorization: Bearer s3cr3t-token",
        "--format",
        "json",
        "--show-secrets",
    ]);
    assert!(cors_doctor(&args).stdout.contains("s3cr3t-token"));
}

#[test]
fn a_refused_port_is_a_one_line_error_with_exit_2() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/x");
    let run = cors_doctor(&["check", &url, "--origin", ORIGIN]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr
            .lines()
            .next()
            .map(|l| l.starts_with("cors-doctor: error: connect")),
        Some(true),
        "{}",
        run.stderr
    );
    let json = cors_doctor(&["check", &url, "--origin", ORIGIN, "--format", "json"]);
    assert_eq!(json.code, 2);
    let value = json.json();
    assert_valid_check_json(&value);
    assert!(value["exchanges"][0]["error"]
        .as_str()
        .unwrap()
        .starts_with("connect"));
    assert_eq!(value["verdicts"]["chromium"]["failure"]["stage"], "network");
}

#[test]
fn a_silent_server_times_out_within_the_limit() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let started = std::time::Instant::now();
    let run = cors_doctor(&["check", &url, "--origin", ORIGIN, "--timeout", "0.5"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("timeout"), "{}", run.stderr);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    drop(listener);
}

#[test]
fn a_garbage_response_is_a_protocol_error() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\x1b[31mgarbage\r\n\r\n");
        }
    });
    let run = cors_doctor(&["check", &url, "--origin", ORIGIN, "--timeout", "2"]);
    server.join().unwrap();
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.starts_with("cors-doctor: error: protocol"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains('\x1b'), "terminal escape reached stderr");
}

#[test]
fn send_actual_sends_a_state_changing_request_exactly_once() {
    // The reflection probe must never repeat a POST: it is probed with a preflight instead.
    let url = lab().url("simple-get-allowed");
    let count = || {
        lab()
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path == "/simple-get-allowed")
            .count()
    };
    let before = count();
    let run = cors_doctor(&[
        "check",
        &url,
        "--origin",
        ORIGIN,
        "-X",
        "POST",
        "--data",
        "transfer=100",
        "--send-actual",
        "--format",
        "json",
    ]);
    assert_eq!(count() - before, 1, "{}", run.stdout);
    let probe = run.json()["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "probe")
        .cloned();
    assert_eq!(
        probe.map(|p| p["request"]["method"].clone()),
        Some(serde_json::json!("OPTIONS"))
    );
}

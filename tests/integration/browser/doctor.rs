//! cors-doctor's side of the parity test: run the real binary's `check` as a user would and read
//! its Chromium verdict from the JSON contract (DESIGN §4, schema `cors-doctor/check/v1`).
//!
//! Contract: [`check`] spawns `cors-doctor check URL --origin … -X … -H … --credentials …
//! --browser chromium --send-actual --format json` (plus `--redirect`/`--data` when the case uses
//! them), bounded by a timeout, and returns the [`Facts`] it claims — or a one-line reason why it
//! produced nothing comparable (no JSON, wrong schema, no Chromium verdict). It reads only the
//! output; what reached the lab is the caller's business.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::facts::{Facts, Wire};
use super::observe::FetchSpec;

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_cors-doctor");

/// The command line for `spec` from a page on `origin`.
pub(crate) fn args(spec: &FetchSpec, origin: &str) -> Vec<String> {
    let mut args: Vec<String> = vec!["check".into(), spec.url.clone(), "--origin".into(), origin.into()];
    args.extend(["-X".into(), spec.method.clone()]);
    for (name, value) in &spec.headers {
        args.extend(["-H".into(), format!("{name}: {value}")]);
    }
    args.extend(["--credentials".into(), spec.credentials.clone()]);
    if spec.redirect != "follow" {
        args.extend(["--redirect".into(), spec.redirect.clone()]);
    }
    if let Some(body) = &spec.body {
        args.extend(["--data".into(), body.clone()]);
    }
    args.extend(["--browser", "chromium", "--send-actual", "--format", "json"].map(String::from));
    args
}

/// Runs the binary and reads its Chromium verdict.
pub(crate) fn check(spec: &FetchSpec, origin: &str, timeout: Duration) -> Result<Facts, String> {
    let (code, stdout, stderr) = run(&args(spec, origin), timeout)?;
    let json: Value = serde_json::from_str(&stdout).map_err(|e| {
        let said = stderr
            .lines()
            .chain(stdout.lines())
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        format!("exit {code:?}, no JSON ({e}): {said}")
    })?;
    facts_from_json(&json)
}

/// Reduces `check --format json` output to [`Facts`].
pub(crate) fn facts_from_json(json: &Value) -> Result<Facts, String> {
    if json["schema"] != "cors-doctor/check/v1" {
        return Err(format!("schema is {}, not cors-doctor/check/v1", json["schema"]));
    }
    let verdict = &json["verdicts"]["chromium"];
    let outcome = verdict["outcome"]
        .as_str()
        .ok_or("no verdicts.chromium.outcome")?
        .to_string();
    let text = |v: &Value| v.as_str().map(str::to_string);
    let exposed = verdict["exposed_headers"].as_array().map(|names| {
        names
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect()
    });
    Ok(Facts {
        error_name: text(&verdict["failure"]["error_name"]),
        message: text(&verdict["failure"]["message"]),
        wire: wire_from_exchanges(&json["exchanges"]),
        exposed: if outcome == "allowed" {
            Some(exposed.unwrap_or_default())
        } else {
            None
        },
        outcome,
    })
}

/// What cors-doctor says the browser sent: `exchanges[]` of kind `preflight` or `actual`, with
/// `request.headers` pairs. Other kinds (`probe`: cors-doctor's own diagnostic requests, which no
/// browser sends) are not part of the comparison.
fn wire_from_exchanges(exchanges: &Value) -> Wire {
    let mut wire = Wire::default();
    let browser_sent = |x: &&Value| x["kind"] == "preflight" || x["kind"] == "actual";
    for x in exchanges.as_array().into_iter().flatten().filter(browser_sent) {
        let headers: Vec<(String, String)> = x["request"]["headers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| Some((p[0].as_str()?.to_string(), p[1].as_str()?.to_string())))
            .collect();
        wire.push(x["kind"] == "preflight", &headers);
    }
    wire
}

/// Spawns the binary; returns (exit code, stdout, stderr) or kills it at the deadline.
fn run(args: &[String], timeout: Duration) -> Result<(Option<i32>, String, String), String> {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn {BIN}: {e}"))?;
    // Drain both pipes on threads so a large report cannot block the child.
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let err = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("cors-doctor did not finish within {timeout:?}"));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Ok((
        status.code(),
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_chromium_verdict_and_the_exchanges_of_the_json_contract() {
        let json = json!({
            "schema": "cors-doctor/check/v1",
            "exchanges": [
                {"kind": "preflight", "request": {"method": "OPTIONS", "url": "u", "headers": [
                    ["Origin", "http://a"], ["Access-Control-Request-Method", "PUT"],
                    ["Access-Control-Request-Headers", "x-custom"]]}},
                {"kind": "actual", "request": {"method": "PUT", "url": "u",
                    "headers": [["Origin", "http://a"]]}},
                {"kind": "probe", "request": {"method": "PUT", "url": "u", "headers": []}}
            ],
            "verdicts": {"chromium": {"outcome": "blocked", "failure": {
                "error_name": "MissingAllowOriginHeader", "message": "Access to fetch at …"},
                "exposed_headers": []}}
        });
        let facts = facts_from_json(&json).unwrap();
        assert_eq!(facts.outcome, "blocked");
        assert_eq!(facts.error_name.as_deref(), Some("MissingAllowOriginHeader"));
        assert_eq!(facts.exposed, None);
        assert_eq!(
            facts.wire,
            Wire {
                preflights: 1,
                acrm: Some("PUT".into()),
                acrh: Some("x-custom".into()),
                actual: 1,
                origins: vec!["http://a".into(), "http://a".into()],
            }
        );
    }

    #[test]
    fn passes_the_request_as_a_user_would_type_it() {
        let spec = FetchSpec {
            url: "http://127.0.0.1:1/x".into(),
            method: "patch".into(),
            headers: vec![("X-A".into(), "1".into())],
            credentials: "include".into(),
            redirect: "manual".into(),
            body: Some("{}".into()),
        };
        assert_eq!(
            args(&spec, "http://127.0.0.1:2").join(" "),
            "check http://127.0.0.1:1/x --origin http://127.0.0.1:2 -X patch -H X-A: 1 --credentials include \
             --redirect manual --data {} --browser chromium --send-actual --format json"
        );
    }
}

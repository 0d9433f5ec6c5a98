//! Helpers shared by the integration tests: run the real binary, start the lab in-process, and
//! normalise output (ports, timings) for snapshots.

use std::process::{Command, Output};
use std::sync::OnceLock;

use cors_doctor_lab::{Lab, LabConfig};

/// The page origin the lab's correct endpoints trust by default.
pub const ORIGIN: &str = "http://localhost:3000";

/// One lab per test binary, shared by every test (it is stateless apart from its log).
pub fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(|| {
        Lab::start_background("127.0.0.1:0".parse().unwrap(), LabConfig::default()).expect("start lab")
    })
}

/// The finished process: exit code and both streams as text.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }
}

/// Run `cors-doctor ARGS` with colour off and a clean environment for output.
pub fn cors_doctor(args: &[&str]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_cors-doctor"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run cors-doctor");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Run `cors-doctor ARGS` with `input` on standard input.
pub fn cors_doctor_stdin(args: &[&str], input: &[u8]) -> Run {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_cors-doctor"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cors-doctor");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait for cors-doctor");
    writer.join().expect("stdin writer");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Replace the lab's random port and per-run timings so output can be snapshotted.
pub fn normalise(text: &str, base_url: &str) -> String {
    let text = text.replace(base_url, "http://LAB");
    let port = base_url.rsplit(':').next().unwrap_or_default();
    let text = text.replace(&format!(":{port}"), ":PORT");
    strip_timings(&text)
}

fn strip_timings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("  (") {
        let (before, after) = rest.split_at(start);
        out.push_str(before);
        match after[3..].find(" ms)") {
            Some(end) if after[3..3 + end].chars().all(|c| c.is_ascii_digit() || c == '.') => {
                out.push_str("  (T ms)");
                rest = &after[3 + end + 4..];
            }
            _ => {
                out.push_str("  (");
                rest = &after[3..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn compile(text: &str) -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, name: &str, value: &serde_json::Value) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{name} schema violations:\n{}",
        errors.join("\n")
    );
}

/// Assert a JSON value satisfies the check/v1 schema (docs/check-v1.schema.json).
pub fn assert_valid_check_json(value: &serde_json::Value) {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    let v = SCHEMA.get_or_init(|| compile(include_str!("../../docs/check-v1.schema.json")));
    assert_valid(v, "check/v1", value);
}

/// Assert a JSON value satisfies the explain/v1 schema (docs/explain-v1.schema.json).
pub fn assert_valid_explain_json(value: &serde_json::Value) {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    let v = SCHEMA.get_or_init(|| compile(include_str!("../../docs/explain-v1.schema.json")));
    assert_valid(v, "explain/v1", value);
}

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

/// The JSON Schema of `check --format json`, compiled once.
pub fn check_schema() -> &'static jsonschema::Validator {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let text = include_str!("../../docs/check-v1.schema.json");
        let schema: serde_json::Value = serde_json::from_str(text).expect("schema is JSON");
        jsonschema::validator_for(&schema).expect("schema compiles")
    })
}

/// Assert a JSON value satisfies the check/v1 schema, listing every violation.
pub fn assert_valid_check_json(value: &serde_json::Value) {
    let errors: Vec<String> = check_schema()
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "check/v1 schema violations:\n{}",
        errors.join("\n")
    );
}

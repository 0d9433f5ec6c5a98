//! `cors-doctor explain`: pasted console text in, cause + fix + check command out; the JSON
//! contract; exit codes 0 (explained), 1 (not a CORS error), 2 (unreadable input).

use crate::support::{assert_valid_explain_json, cors_doctor, cors_doctor_stdin};

const CHROMIUM: &str = "index.js:12 Access to fetch at 'https://api.example.com/v1/items' from origin \
'http://localhost:3000' has been blocked by CORS policy: Request header field x-api-key is not allowed by \
Access-Control-Allow-Headers in preflight response.\nindex.js:12 PUT https://api.example.com/v1/items net::ERR_FAILED\n\
Uncaught (in promise) TypeError: Failed to fetch";

const FIREFOX: &str = "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at \
https://api.example.com/v1/me. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).";

const SAFARI: &str = "[Error] Preflight response is not successful. Status code: 403\n\
[Error] Fetch API cannot load https://api.example.com/v1/items due to access control checks.";

#[test]
fn a_chromium_dump_is_explained_with_values_and_a_check_command() {
    let run = cors_doctor_stdin(&["explain", "--format", "json"], CHROMIUM.as_bytes());
    assert_eq!(run.code, 0, "{run:?}");
    let json = run.json();
    assert_valid_explain_json(&json);
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(
        errors.len(),
        1,
        "the net::ERR_FAILED and TypeError lines belong to the same error"
    );
    let e = &errors[0];
    assert_eq!(e["browser"], "chromium");
    assert_eq!(e["code"], "header-not-allowed");
    assert_eq!(e["error_name"], "HeaderDisallowedByPreflightResponse");
    assert_eq!(e["url"], "https://api.example.com/v1/items");
    assert_eq!(e["origin"], "http://localhost:3000");
    let command = e["check_command"].as_str().unwrap();
    for part in [
        "https://api.example.com/v1/items",
        "--origin http://localhost:3000",
        "PUT",
        "x-api-key",
    ] {
        assert!(command.contains(part), "{command} lacks {part}");
    }
}

#[test]
fn firefox_and_safari_messages_are_recognised() {
    let ff = cors_doctor(&["explain", FIREFOX, "--format", "json"]).json();
    assert_valid_explain_json(&ff);
    assert_eq!(ff["errors"][0]["browser"], "firefox");
    assert_eq!(ff["errors"][0]["code"], "wildcard-origin-not-allowed");
    assert_eq!(ff["errors"][0]["error_name"], "CORSNotSupportingCredentials");
    let safari = cors_doctor_stdin(&["explain", "-", "-f", "json"], SAFARI.as_bytes()).json();
    assert_valid_explain_json(&safari);
    assert_eq!(safari["errors"][0]["browser"], "webkit");
    assert_eq!(safari["errors"][0]["code"], "preflight-invalid-status");
    assert_eq!(safari["errors"][0]["detail"]["status"], "403");
}

#[test]
fn text_that_is_not_a_cors_error_says_what_it_is_and_exits_1() {
    let run = cors_doctor(&[
        "explain",
        "GET http://localhost:8080/api net::ERR_CONNECTION_REFUSED",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.to_lowercase().contains("not a cors error"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("ERR_CONNECTION_REFUSED"), "{}", run.stdout);
}

#[test]
fn unreadable_input_exits_2_with_one_line() {
    for input in [&b""[..], &b"\xff\xfe\x00garbage"[..]] {
        let run = cors_doctor_stdin(&["explain"], input);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(run.stderr.starts_with("cors-doctor: error: "), "{}", run.stderr);
    }
}

#[test]
fn human_and_markdown_formats_render() {
    let human = cors_doctor(&["explain", FIREFOX]);
    assert_eq!(human.code, 0);
    assert!(human.stdout.contains("cors-doctor check"), "{}", human.stdout);
    let md = cors_doctor(&["explain", FIREFOX, "--format", "markdown"]);
    assert_eq!(md.code, 0);
    assert!(md.stdout.starts_with('#'), "{}", md.stdout);
}

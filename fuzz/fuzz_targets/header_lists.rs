//! Header-list parsing: `Access-Control-Allow-Methods`/`-Allow-Headers` (Fetch "extract header
//! list values" through `http::parse_token_list` and `preflight::evaluate_preflight`),
//! `Access-Control-Expose-Headers` (`exposure::exposed_header_names`) and
//! `Access-Control-Max-Age` (`preflight::effective_max_age`) on arbitrary header sets.
//!
//! Invariants checked besides "no panic": every parsed item is a token; exposed names are
//! lowercase, sorted, unique, present in the response and never `Set-Cookie`; `*` exposes
//! nothing extra with credentials; a Max-Age never exceeds the engine's cap.

#![no_main]

use arbitrary::Arbitrary;
use cors_doctor_core::http::{count, get, is_token, parse_token_list, trim_ows};
use cors_doctor_core::preflight::{effective_max_age, evaluate_preflight, PreflightInput};
use cors_doctor_core::profile::BrowserProfile;
use cors_doctor_core::{exposure, Engine, ObservedResponse};
use libfuzzer_sys::fuzz_target;

const ENGINES: [Engine; 4] = [Engine::Spec, Engine::Chromium, Engine::Firefox, Engine::Webkit];

/// Names the fuzzer is likely to need, so header sets hit the CORS headers often.
const NAMES: [&str; 8] = [
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Access-Control-Allow-Credentials",
    "Set-Cookie",
    "Content-Type",
];

#[derive(Debug, Arbitrary)]
enum Name {
    Known(u8),
    Raw(String),
}

#[derive(Debug, Arbitrary)]
struct Input {
    list: String,
    headers: Vec<(Name, String)>,
    status: u16,
    method: String,
    request_headers: Vec<(String, String)>,
    include: bool,
    use_cors_preflight: bool,
}

fuzz_target!(|input: Input| {
    token_list(&input.list);
    let headers: Vec<(String, String)> = input
        .headers
        .iter()
        .map(|(n, v)| {
            let name = match n {
                Name::Known(i) => NAMES[usize::from(*i) % NAMES.len()].to_owned(),
                Name::Raw(s) => s.clone(),
            };
            (name, v.clone())
        })
        .collect();
    combined_get(&headers);
    exposed(&headers, input.include);
    max_age(&headers);
    preflight(&input, headers);
});

fn token_list(list: &str) {
    match parse_token_list(list) {
        Ok(items) => {
            for item in items {
                assert!(is_token(item), "{item:?} is not a token");
            }
        }
        Err(bad) => assert!(
            !bad.is_empty() && !is_token(bad),
            "{bad:?} rejected but is a token"
        ),
    }
}

fn combined_get(headers: &[(String, String)]) {
    for name in NAMES {
        let n = count(headers, name);
        let got = get(headers, name);
        assert_eq!(n == 0, got.is_none(), "get/count disagree for {name}");
    }
}

fn exposed(headers: &[(String, String)], include: bool) {
    let names = exposure::exposed_header_names(headers, include);
    assert!(
        names.windows(2).all(|w| w[0] < w[1]),
        "not sorted/unique: {names:?}"
    );
    for n in &names {
        assert_eq!(n, &n.to_ascii_lowercase());
        assert!(!exposure::is_forbidden_response_header(n), "{n} exposed");
        assert!(
            headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n)),
            "{n} not in response"
        );
    }
    if include {
        // With credentials `*` is a literal name, never a wildcard: everything exposed must be
        // safelisted or listed by name.
        let listed = get(headers, exposure::ACEH)
            .unwrap_or_default()
            .to_ascii_lowercase();
        for n in &names {
            let safelisted = exposure::SAFELISTED_RESPONSE_HEADERS.contains(&n.as_str());
            assert!(
                safelisted || listed.contains(n.as_str()),
                "{n} exposed with credentials"
            );
        }
    }
    let basic = exposure::basic_header_names(headers);
    assert!(
        names.iter().all(|n| basic.contains(n)),
        "CORS exposes more than basic"
    );
}

fn max_age(headers: &[(String, String)]) {
    let value = get(headers, "access-control-max-age");
    for engine in ENGINES {
        let age = effective_max_age(value.as_deref().map(trim_ows), engine);
        if let Some(cap) = BrowserProfile::of(engine).max_age_cap {
            assert!(
                age.seconds <= cap.max(BrowserProfile::of(engine).max_age_default),
                "{engine:?} {age:?}"
            );
        }
    }
}

fn preflight(input: &Input, headers: Vec<(String, String)>) {
    let resp = ObservedResponse {
        status: input.status,
        status_text: String::new(),
        headers,
    };
    let mut unsafe_names: Vec<String> = input
        .request_headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    unsafe_names.sort();
    unsafe_names.dedup();
    for engine in ENGINES {
        let pi = PreflightInput {
            method: &input.method,
            request_headers: &input.request_headers,
            unsafe_names: &unsafe_names,
            origin: "http://localhost:3000",
            include: input.include,
            use_cors_preflight: input.use_cors_preflight,
            url: "http://api.test/x",
        };
        if let Ok(result) = evaluate_preflight(&resp, &pi, BrowserProfile::of(engine)) {
            assert!(
                (200..300).contains(&resp.status),
                "{engine:?}: preflight with status {} passed",
                resp.status
            );
            for h in &result.headers {
                assert_eq!(h, &h.to_ascii_lowercase());
            }
        }
    }
}

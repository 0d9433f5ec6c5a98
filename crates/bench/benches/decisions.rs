//! Core decision throughput.
//!
//! Headline: `common_case_decision` — one cross-origin request judged end to end by the pure
//! engine, as a server-side or HAR check would: classification (method normalisation, the
//! CORS-unsafe request-header names, the preflight decision), the preflight response's
//! validation, the actual response's CORS check, and the exposure decision for every header
//! of the actual response. Inputs rotate over three typical pairs (a `GET` with one custom
//! header, a credentialed `POST` with `Content-Type: application/json` and `Authorization`, a
//! `PUT` with two custom headers), each answered correctly with ~6 preflight and ~8 actual
//! response headers; the reported time is per decision. Cross-origin-ness is an input (the
//! caller knows it from its parsed URL, as `Fetch` does), so no URL parsing is measured here.
//!
//! Second figure: `full_fetch` — the whole state machine (`evaluate`) for the `POST` case:
//! `Fetch` construction, URL parsing, building both `OutgoingRequest`s, the responder's owned
//! responses (cloned per call, as a transport would hand them over), the preflight cache and
//! the final `Verdict`.
//!
//! The other benchmarks are the components, for locating a regression.
//!
//! Run: `cargo bench -p cors-doctor-bench --bench decisions` (this package exists so that
//! criterion stays out of `cors-doctor-core`'s dependency tree).
//!
//! Instruction counts (load-independent): `CORS_BENCH_ITERS=N cargo bench -p cors-doctor-bench
//! --bench decisions -- <name>` runs `<name>` N times outside criterion; run it under
//! `valgrind --tool=callgrind` for two values of N and divide the difference.
//! `scripts/bench-core.sh [RUNS]` does that and runs the criterion figure RUNS times.

use cors_doctor_core::check::{cors_check, cors_check_scanned};
use cors_doctor_core::classify::{
    classify, cors_unsafe_names, needs_preflight, normalize_method, normalized_method, unsafe_header_names,
};
use cors_doctor_core::exposure::{exposed_header_names, Exposure};
use cors_doctor_core::http::CorsHeaders;
use cors_doctor_core::preflight::{check_preflight, PreflightInput};
use cors_doctor_core::profile::BrowserProfile;
use cors_doctor_core::{
    evaluate, CorsRequest, Credentials, Engine, ExchangeKind, Initiator, ObservedResponse, RedirectMode,
};
use criterion::{Criterion, Throughput};
use std::hint::black_box;

const ORIGIN: &str = "https://app.example.com";

fn h(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
}

/// One request with the answers a correctly configured server gives.
struct Case {
    req: CorsRequest,
    preflight: ObservedResponse,
    actual: ObservedResponse,
}

fn request(method: &str, headers: &[(&str, &str)], credentials: Credentials) -> CorsRequest {
    CorsRequest {
        url: "https://api.example.com/v1/items".into(),
        origin: ORIGIN.into(),
        method: method.into(),
        headers: h(headers),
        credentials,
        redirect: RedirectMode::Follow,
        initiator: Initiator::Fetch,
        use_cors_preflight: false,
    }
}

fn response(status: u16, text: &str, headers: &[(&str, &str)]) -> ObservedResponse {
    ObservedResponse {
        status,
        status_text: text.into(),
        headers: h(headers),
    }
}

fn post_case() -> Case {
    Case {
        req: request(
            "POST",
            &[
                ("Content-Type", "application/json"),
                ("Authorization", "Bearer abc.def.ghi"),
            ],
            Credentials::Include,
        ),
        preflight: response(
            204,
            "No Content",
            &[
                ("Access-Control-Allow-Origin", ORIGIN),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE"),
                ("Access-Control-Allow-Headers", "Content-Type, Authorization"),
                ("Access-Control-Max-Age", "600"),
                ("Vary", "Origin"),
            ],
        ),
        actual: response(
            201,
            "Created",
            &[
                ("Content-Type", "application/json"),
                ("Content-Length", "42"),
                ("Access-Control-Allow-Origin", ORIGIN),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Expose-Headers", "Location, X-Request-Id"),
                ("Location", "/v1/items/7"),
                ("X-Request-Id", "r-1"),
                ("Vary", "Origin"),
            ],
        ),
    }
}

fn get_case() -> Case {
    Case {
        req: request(
            "GET",
            &[("X-Requested-With", "XMLHttpRequest")],
            Credentials::SameOrigin,
        ),
        preflight: response(
            204,
            "No Content",
            &[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
                ("Access-Control-Allow-Headers", "X-Requested-With"),
                ("Access-Control-Max-Age", "86400"),
                ("Vary", "Origin"),
                ("Date", "Fri, 27 Nov 2026 08:00:00 GMT"),
            ],
        ),
        actual: response(
            200,
            "OK",
            &[
                ("Date", "Fri, 27 Nov 2026 08:00:00 GMT"),
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Length", "512"),
                ("Cache-Control", "no-cache"),
                ("ETag", "\"abc123\""),
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Expose-Headers", "ETag"),
                ("Vary", "Origin"),
            ],
        ),
    }
}

fn put_case() -> Case {
    Case {
        req: request(
            "PUT",
            &[("X-Api-Key", "k-123"), ("X-Trace-Id", "t-456")],
            Credentials::Include,
        ),
        preflight: response(
            200,
            "OK",
            &[
                ("Access-Control-Allow-Origin", ORIGIN),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Allow-Methods", "GET,POST,PUT,PATCH,DELETE"),
                (
                    "Access-Control-Allow-Headers",
                    "x-api-key,x-trace-id,content-type",
                ),
                ("Access-Control-Max-Age", "7200"),
                ("Vary", "Origin, Access-Control-Request-Headers"),
            ],
        ),
        actual: response(
            200,
            "OK",
            &[
                ("Server", "nginx"),
                ("Content-Type", "application/json"),
                ("Content-Length", "2"),
                ("Access-Control-Allow-Origin", ORIGIN),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Expose-Headers", "X-Trace-Id"),
                ("X-Trace-Id", "t-456"),
                ("Vary", "Origin"),
            ],
        ),
    }
}

fn cases() -> [Case; 3] {
    [get_case(), post_case(), put_case()]
}

/// One common-case decision: `true` when the script gets the response, plus how many of the
/// actual response's header lines it can read. Uses the allocation-free entry points: the
/// CORS-unsafe names are borrowed from the request ([`cors_unsafe_names`]), and the response
/// headers are scanned once for the CORS check and exposure.
fn decide(case: &Case, profile: &BrowserProfile) -> (bool, usize) {
    let req = &case.req;
    let include = req.credentials == Credentials::Include;
    let method = normalized_method(&req.method);
    let names = cors_unsafe_names(&req.headers, profile);
    if needs_preflight(method, names.as_slice(), req.use_cors_preflight) {
        let input = PreflightInput {
            method,
            request_headers: &req.headers,
            unsafe_names: names.as_slice(),
            origin: &req.origin,
            include,
            use_cors_preflight: req.use_cors_preflight,
            url: &req.url,
        };
        let mut warnings = Vec::new();
        if check_preflight(&case.preflight, &input, profile, &mut warnings).is_err() {
            return (false, 0);
        }
    }
    let actual = CorsHeaders::scan(&case.actual.headers);
    if cors_check_scanned(&actual, &req.origin, include, profile).is_err() {
        return (false, 0);
    }
    let exposure = Exposure::of_scanned(&actual, include);
    let readable = case
        .actual
        .headers
        .iter()
        .filter(|(n, _)| exposure.exposes(n))
        .count();
    (true, readable)
}

/// The same decision through the original entry points (owned ACRH names, a header-list scan
/// per lookup, exposure as a sorted `Vec<String>`), for comparison.
fn decide_owned(case: &Case, profile: &BrowserProfile) -> (bool, usize) {
    let req = &case.req;
    let include = req.credentials == Credentials::Include;
    let method = normalize_method(&req.method);
    let names = unsafe_header_names(&req.headers, profile);
    if needs_preflight(&method, &names, req.use_cors_preflight) {
        let input = PreflightInput {
            method: &method,
            request_headers: &req.headers,
            unsafe_names: &names,
            origin: &req.origin,
            include,
            use_cors_preflight: req.use_cors_preflight,
            url: &req.url,
        };
        let mut warnings = Vec::new();
        if check_preflight(&case.preflight, &input, profile, &mut warnings).is_err() {
            return (false, 0);
        }
    }
    if cors_check(&case.actual.headers, &req.origin, include, profile).is_err() {
        return (false, 0);
    }
    (true, exposed_header_names(&case.actual.headers, include).len())
}

fn full_fetch(case: &Case) -> cors_doctor_core::Verdict {
    evaluate(req_clone(&case.req), Engine::Chromium, |r| {
        Ok(if r.kind == ExchangeKind::Preflight {
            case.preflight.clone()
        } else {
            case.actual.clone()
        })
    })
}

fn req_clone(req: &CorsRequest) -> CorsRequest {
    black_box(req).clone()
}

fn benches(c: &mut Criterion) {
    let all = cases();
    let post = &all[1];
    let profile = BrowserProfile::of(Engine::Chromium);
    for case in &all {
        let (ok, readable) = decide(case, profile);
        assert!(ok, "{:?}", case.req);
        assert_eq!((ok, readable), decide_owned(case, profile), "{:?}", case.req);
        let v = full_fetch(case);
        assert_eq!(v.outcome, cors_doctor_core::Outcome::Allowed, "{v:?}");
    }
    let unsafe_names = unsafe_header_names(&post.req.headers, profile);
    let mut group = c.benchmark_group("decisions");

    group.throughput(Throughput::Elements(all.len() as u64));
    group.bench_function("common_case_decision", |b| {
        b.iter(|| {
            let mut n = 0;
            for case in black_box(&all) {
                n += decide(case, profile).1;
            }
            n
        })
    });

    group.bench_function("common_case_decision_owned", |b| {
        b.iter(|| {
            let mut n = 0;
            for case in black_box(&all) {
                n += decide_owned(case, profile).1;
            }
            n
        })
    });

    group.throughput(Throughput::Elements(1));
    group.bench_function("full_fetch", |b| b.iter(|| full_fetch(black_box(post))));
    group.bench_function("classify", |b| {
        b.iter(|| classify(black_box(&post.req), Engine::Chromium))
    });
    group.bench_function("unsafe_header_names", |b| {
        b.iter(|| unsafe_header_names(black_box(&post.req.headers), profile))
    });
    group.bench_function("preflight_response", |b| {
        b.iter(|| {
            let input = PreflightInput {
                method: "POST",
                request_headers: &post.req.headers,
                unsafe_names: &unsafe_names,
                origin: ORIGIN,
                include: true,
                use_cors_preflight: false,
                url: &post.req.url,
            };
            let mut warnings = Vec::new();
            check_preflight(black_box(&post.preflight), &input, profile, &mut warnings).is_ok()
        })
    });
    group.bench_function("cors_check_actual", |b| {
        b.iter(|| cors_check(black_box(&post.actual.headers), ORIGIN, true, profile))
    });
    group.bench_function("exposure", |b| {
        b.iter(|| exposed_header_names(black_box(&post.actual.headers), true))
    });
    group.finish();
}

/// `CORS_BENCH_ITERS=N`: run the benchmark named by the first free argument N times, for
/// callgrind (the per-iteration count is the difference of two runs divided by the difference
/// of their N).
fn instruction_run(iters: u64) {
    let name = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_else(|| "common_case_decision".to_owned());
    let all = cases();
    let profile = BrowserProfile::of(Engine::Chromium);
    let mut sink = 0usize;
    for _ in 0..iters {
        match name.as_str() {
            "common_case_decision" => {
                for case in black_box(&all) {
                    sink += decide(case, profile).1;
                }
            }
            "common_case_decision_owned" => {
                for case in black_box(&all) {
                    sink += decide_owned(case, profile).1;
                }
            }
            "full_fetch" => sink += full_fetch(black_box(&all[1])).sent.len(),
            other => panic!("no instruction run for {other}"),
        }
    }
    println!("{name}: {iters} iterations, sink {sink}");
}

fn main() {
    if let Some(iters) = std::env::var("CORS_BENCH_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        instruction_run(iters);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
}

//! Core decision throughput: classification, the preflight and actual-response checks, and a
//! whole preflighted fetch through the state machine, for a common case — a credentialed
//! `POST` with `Content-Type: application/json` and `Authorization`, answered correctly.

use cors_doctor_core::check::cors_check;
use cors_doctor_core::classify::{classify, unsafe_header_names};
use cors_doctor_core::exposure::exposed_header_names;
use cors_doctor_core::preflight::{check_preflight, evaluate_preflight, PreflightInput};
use cors_doctor_core::profile::BrowserProfile;
use cors_doctor_core::{
    evaluate, CorsRequest, Credentials, Engine, ExchangeKind, Initiator, ObservedResponse, RedirectMode,
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

const ORIGIN: &str = "https://app.example.com";

fn h(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
}

fn request() -> CorsRequest {
    CorsRequest {
        url: "https://api.example.com/v1/items".into(),
        origin: ORIGIN.into(),
        method: "POST".into(),
        headers: h(&[
            ("Content-Type", "application/json"),
            ("Authorization", "Bearer abc.def.ghi"),
        ]),
        credentials: Credentials::Include,
        redirect: RedirectMode::Follow,
        initiator: Initiator::Fetch,
        use_cors_preflight: false,
    }
}

fn preflight_response() -> ObservedResponse {
    ObservedResponse {
        status: 204,
        status_text: "No Content".into(),
        headers: h(&[
            ("Access-Control-Allow-Origin", ORIGIN),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE"),
            ("Access-Control-Allow-Headers", "Content-Type, Authorization"),
            ("Access-Control-Max-Age", "600"),
            ("Vary", "Origin"),
        ]),
    }
}

fn actual_response() -> ObservedResponse {
    ObservedResponse {
        status: 201,
        status_text: "Created".into(),
        headers: h(&[
            ("Content-Type", "application/json"),
            ("Content-Length", "42"),
            ("Access-Control-Allow-Origin", ORIGIN),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Expose-Headers", "Location, X-Request-Id"),
            ("Location", "/v1/items/7"),
            ("X-Request-Id", "r-1"),
            ("Vary", "Origin"),
        ]),
    }
}

fn benches(c: &mut Criterion) {
    let req = request();
    let pre = preflight_response();
    let act = actual_response();
    let profile = BrowserProfile::of(Engine::Chromium);
    let unsafe_names = unsafe_header_names(&req.headers, profile);
    let mut group = c.benchmark_group("decisions");
    group.throughput(Throughput::Elements(1));

    group.bench_function("classify", |b| {
        b.iter(|| classify(black_box(&req), Engine::Chromium))
    });
    group.bench_function("unsafe_header_names", |b| {
        b.iter(|| unsafe_header_names(black_box(&req.headers), profile))
    });
    group.bench_function("preflight_response", |b| {
        b.iter(|| {
            let input = PreflightInput {
                method: "POST",
                request_headers: &req.headers,
                unsafe_names: &unsafe_names,
                origin: ORIGIN,
                include: true,
                use_cors_preflight: false,
                url: &req.url,
            };
            evaluate_preflight(black_box(&pre), &input, profile)
        })
    });
    group.bench_function("cors_check_actual", |b| {
        b.iter(|| cors_check(black_box(&act.headers), ORIGIN, true, profile))
    });
    group.bench_function("exposure", |b| {
        b.iter(|| exposed_header_names(black_box(&act.headers), true))
    });
    group.bench_function("decision_chain", |b| {
        b.iter(|| {
            let names = unsafe_header_names(black_box(&req.headers), profile);
            let input = PreflightInput {
                method: "POST",
                request_headers: &req.headers,
                unsafe_names: &names,
                origin: ORIGIN,
                include: true,
                use_cors_preflight: false,
                url: &req.url,
            };
            let mut warnings = Vec::new();
            let ok = check_preflight(black_box(&pre), &input, profile, &mut warnings).is_ok()
                && cors_check(black_box(&act.headers), ORIGIN, true, profile).is_ok();
            (ok, exposed_header_names(&act.headers, true))
        })
    });
    group.bench_function("full_fetch", |b| {
        b.iter(|| {
            evaluate(black_box(req.clone()), Engine::Chromium, |r| {
                Ok(if r.kind == ExchangeKind::Preflight {
                    pre.clone()
                } else {
                    act.clone()
                })
            })
        })
    });
    group.finish();
}

criterion_group!(decisions, benches);
criterion_main!(decisions);

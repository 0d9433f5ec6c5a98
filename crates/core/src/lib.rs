//! `cors-doctor-core`: the Fetch Standard's CORS protocol as pure functions and data.
//!
//! Contract: nothing in this crate performs I/O, spawns tasks, reads argv or writes to a terminal.
//! Callers feed it observations (responses they received) and get back plain data: classifications,
//! per-browser verdicts, failures with each browser's own wording, findings and fixes.
//!
//! Browser differences are data ([`profile::BrowserProfile`]), never scattered conditionals.
//!
//! Fetch Standard concept → where it lives:
//!
//! | Fetch concept | function |
//! |---|---|
//! | origin, same origin, same site | [`origin::Origin`] |
//! | CORS-safelisted method, method normalize, forbidden method | [`classify::is_cors_safelisted_method`], [`classify::normalize_method`], [`classify::is_forbidden_method`] |
//! | CORS-safelisted request-header, CORS-unsafe request-header names | [`classify::header_verdict`], [`classify::unsafe_header_names`] (owned), [`classify::cors_unsafe_names`] (borrowed, no allocation) |
//! | forbidden request-header | [`classify::is_forbidden_request_header`] |
//! | header list "get", `#token` list values | [`http::get`], [`http::CorsHeaders`], [`http::TokenList`] |
//! | the preflight decision (main fetch step 5, HTTP fetch step 5) | [`classify::classify`], [`cache::PreflightCache::satisfies`] |
//! | CORS-preflight fetch: request | [`preflight::build_preflight`] |
//! | CORS-preflight fetch: response validation, Max-Age | [`preflight::evaluate_preflight`] (owned result), [`preflight::check_preflight`] (borrowed, no allocation), [`preflight::effective_max_age`] |
//! | CORS check | [`check::cors_check`], [`check::cors_check_scanned`] (on one [`http::CorsHeaders`] scan) |
//! | HTTP-redirect fetch, redirect-taint | [`redirect::follow`] |
//! | CORS filtered response, Access-Control-Expose-Headers | [`exposure::exposed_header_names`], [`exposure::Exposure`] (per name, no allocation) |
//! | CORS-preflight cache | [`cache::PreflightCache`] |
//! | main fetch / HTTP fetch driver | [`fetch::Fetch`], [`fetch::evaluate`] |
//! | each browser's words for a failure | [`model::Failure::code`], [`model::Failure::error_name`], [`model::Failure::console_lines`] |

pub mod model;

pub mod cache;
pub mod check;
pub mod classify;
pub mod explain;
pub mod exposure;
pub mod failure;
pub mod fetch;
pub mod http;
pub mod origin;
pub mod preflight;
pub mod profile;
pub mod redact;
pub mod redirect;

pub use fetch::{evaluate, Fetch, NetworkError, Step};
pub use model::*;
pub mod audit;
pub mod diagnosis;
pub mod fixes;
pub mod har;

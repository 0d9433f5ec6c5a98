//! `cors-doctor-core`: the Fetch Standard's CORS protocol as pure functions and data.
//!
//! Contract: nothing in this crate performs I/O, spawns tasks, reads argv or writes to a terminal.
//! Callers feed it observations (responses they received) and get back plain data: classifications,
//! per-browser verdicts, failures with each browser's own wording, findings and fixes.
//!
//! Browser differences are data ([`profile::BrowserProfile`]), never scattered conditionals.

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
pub mod redirect;

pub use fetch::{evaluate, Fetch, NetworkError, Step};
pub use model::*;
pub mod audit;
pub mod diagnosis;
pub mod fixes;
pub mod har;

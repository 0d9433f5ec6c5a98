//! `cors-doctor-core`: the Fetch Standard's CORS protocol as pure functions and data.
//!
//! Contract: nothing in this crate performs I/O, spawns tasks, reads argv or writes to a terminal.
//! Callers feed it observations (responses they received) and get back plain data: classifications,
//! per-browser verdicts, failures with each browser's own wording, findings and fixes.
//!
//! Browser differences are data ([`profile::BrowserProfile`]), never scattered conditionals.

pub mod model;

pub use model::*;

//! `cors-doctor-lab`: a catalogue of named CORS scenarios (correct and deliberately broken) and a
//! small server that writes their raw header lines to the wire.
//!
//! Contract: [`catalogue()`] is static data — each [`Scenario`] carries the request that shows it,
//! what cors-doctor should conclude ([`Expected`]) and the lab's answers to the preflight and to
//! every other request. [`Lab`] serves it over HTTP/1.1 on a socket of your choice, at
//! `/<scenario name>`, plus `/` (an index page) and `/__blank` (an empty HTML page for browser
//! tests). Header lines go out exactly as the table writes them after template expansion (see
//! [`template`]): duplicates, casing and broken values are the point. Every request received is
//! logged with its header lines in wire order ([`Lab::requests`]).
//!
//! Separately, [`audit_targets()`] are origin-dependent policies for `cors-doctor audit`, served at
//! `/audit/<name>` (see [`audit`]).
//!
//! ```no_run
//! use cors_doctor_lab::{Lab, LabConfig};
//! let lab = Lab::start_background("127.0.0.1:0".parse().unwrap(), LabConfig::default()).unwrap();
//! println!("{}", lab.url("duplicate-allow-origin"));
//! ```

pub mod audit;
mod catalogue;
mod conn;
mod index;
mod request;
mod respond;
mod scenario;
mod server;
pub mod template;

pub use audit::{audit_targets, find_audit_target, AuditTarget, Policy, AUDIT_COOKIE, AUDIT_HOST};
pub use respond::Response;
pub use scenario::{Category, Expected, Reply, Scenario, ScenarioRequest};
pub use server::{Lab, LabConfig, LoggedRequest, MAX_CONNECTIONS, MAX_LOG};

/// Every scenario, in catalogue order (correct, broken, findings).
pub fn catalogue() -> &'static [Scenario] {
    catalogue::CATALOGUE
}

/// The scenario named `name`, if any.
pub fn find(name: &str) -> Option<&'static Scenario> {
    catalogue().iter().find(|s| s.name == name)
}

/// The scenarios `cors-doctor demo` walks through, in catalogue order.
pub fn demo_scenarios() -> impl Iterator<Item = &'static Scenario> {
    catalogue().iter().filter(|s| s.in_demo)
}

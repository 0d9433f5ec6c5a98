//! HAR import: diagnose every CORS request recorded in a HAR 1.2 export (Chrome/Edge DevTools,
//! Firefox, Safari, Playwright `recordHar`, proxies), streaming.
//!
//! The pieces, in data-flow order:
//! 1. [`frame::Framer`] finds `log.entries[i]` (and `log.pages`/`log.creator`) in a byte stream
//!    fed by the caller, holding one entry at a time;
//! 2. [`entry::EntrySeed`] (serde) reads an entry into the owned [`entry::Entry`] analysis needs;
//! 3. [`analyze::Analyzer`] pairs preflights with their requests in a bounded window, rebuilds the
//!    script's request, replays each browser's [`crate::fetch::Fetch`] against the recorded
//!    responses, diagnoses, and emits one [`analyze::Analyzed`] per cross-origin CORS request;
//! 4. [`summary::SummaryBuilder`] keeps the per-endpoint counts and the preflight cost.
//!
//! No I/O here: the binary reads the file (gzip or not) and feeds the framer.

pub mod analyze;
pub mod entry;
pub mod frame;
pub mod request;
pub mod summary;

pub use analyze::{Analyzed, Analyzer, Options, Status};
pub use entry::{parse_entry, Entry, EntrySeed};
pub use frame::{FrameError, Framed, Framer, Part};
pub use summary::{Skipped, Summary};

//! `cors-doctor-bench`: the criterion benchmarks of `cors-doctor-core`, in their own
//! unpublished package so that criterion (and the command-line and terminal crates it pulls
//! in) stays out of the core's dependency tree, dev-dependencies included.
//!
//! Contract: no library code; the benchmarks are in `benches/` (`cargo bench -p
//! cors-doctor-bench --bench decisions`).

//! The one integration-test binary: user-visible behaviour of the `cors-doctor` executable
//! against the in-process lab on loopback. No test needs the internet.

mod audit;
mod browser;
mod check;
mod cli;
mod explain;
mod har;
mod hostile;
mod secrets;
mod support;

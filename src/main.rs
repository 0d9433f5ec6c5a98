//! `cors-doctor`: parse arguments, run a command, map the outcome to an exit code.
//!
//! Data flows one way: args → resolved config → transport observations → core report → renderer →
//! exit code. Tool failures are errors (exit 2); verdicts and findings are data (exit 0 or 1).

mod cli;
mod cmd;
mod net;
mod render;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: `har` and `audit` allocate many small, short-lived
/// strings on two or more threads, where glibc's malloc spent a sixth of the run (docs/design.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = match cli::args::Cli::try_parse() {
        Ok(args) => args,
        Err(err) => return cli::exit::usage_error(err),
    };
    match cmd::run(args) {
        Ok(code) => code.into(),
        Err(err) => cli::exit::report_error(&err),
    }
}

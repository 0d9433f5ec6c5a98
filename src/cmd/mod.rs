//! Commands: each resolves its arguments, gathers observations, asks the core for a report,
//! renders it and returns the exit code.

pub(crate) mod audit;
pub(crate) mod check;
pub(crate) mod demo;
pub(crate) mod explain;
pub(crate) mod har;
pub(crate) mod lab;

use crate::cli::args::{Cli, Command};
use crate::cli::exit::Exit;

/// Dispatch to the subcommand.
pub(crate) fn run(cli: Cli) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Har(args) => har::run(&args),
        Command::Audit(args) => audit::run(&args),
        Command::Lab(args) => lab::run(&args),
        Command::Demo(args) => demo::run(&args),
    }
}

//! `cors-doctor explain`.

use crate::cli::args::ExplainArgs;
use crate::cli::exit::Exit;

pub(crate) fn run(_args: &ExplainArgs) -> anyhow::Result<Exit> {
    anyhow::bail!("not implemented yet")
}

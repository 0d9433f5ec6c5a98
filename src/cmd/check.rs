//! `cors-doctor check`.

use crate::cli::args::CheckArgs;
use crate::cli::exit::Exit;

pub(crate) fn run(_args: &CheckArgs) -> anyhow::Result<Exit> {
    anyhow::bail!("not implemented yet")
}

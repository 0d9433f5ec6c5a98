//! `cors-doctor har`.

use crate::cli::args::HarArgs;
use crate::cli::exit::Exit;

pub(crate) fn run(_args: &HarArgs) -> anyhow::Result<Exit> {
    anyhow::bail!("`har` is not implemented yet")
}

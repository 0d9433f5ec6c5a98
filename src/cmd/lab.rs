//! `cors-doctor lab`.

use crate::cli::args::LabArgs;
use crate::cli::exit::Exit;

pub(crate) fn run(_args: &LabArgs) -> anyhow::Result<Exit> {
    anyhow::bail!("not implemented yet")
}

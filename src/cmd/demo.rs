//! `cors-doctor demo`.

use crate::cli::args::DemoArgs;
use crate::cli::exit::Exit;

pub(crate) fn run(_args: &DemoArgs) -> anyhow::Result<Exit> {
    anyhow::bail!("not implemented yet")
}

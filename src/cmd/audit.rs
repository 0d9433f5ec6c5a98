//! `cors-doctor audit`.

use crate::cli::args::AuditArgs;
use crate::cli::exit::Exit;

pub(crate) fn run(_args: &AuditArgs) -> anyhow::Result<Exit> {
    anyhow::bail!("`audit` is not implemented yet")
}

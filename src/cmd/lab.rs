//! `cors-doctor lab`: serve the scenario catalogue until interrupted, and say where.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};

use anyhow::Context;
use cors_doctor_lab::{catalogue, Lab, LabConfig};

use crate::cli::args::LabArgs;
use crate::cli::exit::Exit;
use crate::cmd::check::config::parse_origin;

pub(crate) fn run(args: &LabArgs) -> anyhow::Result<Exit> {
    let ip: IpAddr = args
        .bind
        .parse()
        .with_context(|| format!("invalid --bind address '{}'", args.bind))?;
    let allowed = args
        .allow_origins
        .iter()
        .map(|o| parse_origin(o))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let config = if allowed.is_empty() {
        LabConfig::default()
    } else {
        LabConfig {
            allowed_origins: allowed,
        }
    };
    let trusted = config.allowed_origins.join(", ");
    let lab = Lab::start_background(SocketAddr::new(ip, args.port), config)
        .with_context(|| format!("cannot listen on {ip}:{}", args.port))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "cors-doctor lab listening on {} (trusting {trusted})",
        lab.base_url()
    )?;
    writeln!(
        out,
        "{} scenarios; an index is at {}/\n",
        catalogue().len(),
        lab.base_url()
    )?;
    for s in catalogue() {
        writeln!(
            out,
            "  {:<8} {:<44} {}",
            s.category.name(),
            lab.url(s.name),
            s.summary
        )?;
    }
    writeln!(
        out,
        "\nTry: cors-doctor check {} --origin http://localhost:3000",
        lab.url(catalogue()[0].name)
    )?;
    writeln!(out, "Press Ctrl-C to stop.")?;
    out.flush()?;
    drop(out);
    loop {
        std::thread::park();
    }
}

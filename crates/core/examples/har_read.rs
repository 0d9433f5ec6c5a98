//! Throughput of the HAR read side alone: read a file in 1 MiB chunks, frame it, parse every entry.
//!
//! `cargo run --release -p cors-doctor-core --example har_read -- FILE [RUNS] [read|frame|parse] [KIB]`
//!
//! Prints, per run, MB/s (10^6 bytes per second of wall time) and the counts. The third argument
//! stops after a stage (default `parse`): `read` only reads the file, `frame` also frames it. The
//! fourth sets the chunk size in KiB (default 1024).

use std::fs::File;
use std::io::Read;
use std::time::Instant;

use cors_doctor_core::har::{parse_entry, Framed, Framer, Part};

/// Default chunk size, KiB.
const CHUNK_KIB: usize = 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Read,
    Frame,
    Parse,
}

/// Counts of one pass over the file.
#[derive(Default)]
struct Counts {
    bytes: u64,
    entries: usize,
    malformed: usize,
    oversize: usize,
    json_bytes: usize,
    body_bytes: usize,
}

impl Counts {
    fn framed(&mut self, f: Framed<'_>, stage: Stage) {
        match f {
            Framed::Value {
                part: Part::Entry(index),
                json,
                ..
            } => {
                self.entries += 1;
                self.json_bytes += json.len();
                if stage != Stage::Parse {
                    return;
                }
                match parse_entry(json, index) {
                    Ok(e) => self.body_bytes += e.body_prefix.len(),
                    Err(_) => self.malformed += 1,
                }
            }
            Framed::Value { .. } => {}
            Framed::Oversize { .. } => self.oversize += 1,
        }
    }
}

fn run(path: &str, stage: Stage, chunk: usize) -> std::io::Result<Counts> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; chunk];
    let mut framer = Framer::new();
    let mut counts = Counts::default();
    let frame_error = |e: cors_doctor_core::har::FrameError| std::io::Error::other(e.to_string());
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        counts.bytes += n as u64;
        if stage != Stage::Read {
            framer
                .feed(&buf[..n], &mut |f| counts.framed(f, stage))
                .map_err(frame_error)?;
        }
    }
    if stage != Stage::Read {
        framer
            .finish(&mut |f| counts.framed(f, stage))
            .map_err(frame_error)?;
    }
    Ok(counts)
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: har_read FILE [RUNS] [read|frame|parse]");
    let runs: usize = args.next().map_or(1, |r| r.parse().expect("RUNS is a number"));
    let stage = match args.next().as_deref() {
        None | Some("parse") => Stage::Parse,
        Some("frame") => Stage::Frame,
        Some("read") => Stage::Read,
        Some(other) => panic!("unknown stage {other:?}: read, frame or parse"),
    };
    let kib: usize = args
        .next()
        .map_or(CHUNK_KIB, |k| k.parse().expect("KIB is a number"));
    for _ in 0..runs {
        let start = Instant::now();
        let c = run(&path, stage, kib << 10)?;
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{:.0} MB/s: {} bytes in {:.3} s; {} entries ({} malformed, {} oversize), {} bytes of entry JSON, {} of body prefixes",
            c.bytes as f64 / secs / 1e6,
            c.bytes,
            secs,
            c.entries,
            c.malformed,
            c.oversize,
            c.json_bytes,
            c.body_bytes
        );
    }
    Ok(())
}

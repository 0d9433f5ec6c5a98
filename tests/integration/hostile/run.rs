//! Run the real binary under a hard deadline, keep bounded output, measure its peak memory, and
//! check what it printed is safe for a terminal.
//!
//! `support::cors_doctor` waits forever by design (`Command::output`); a hostile server must not be
//! able to hang the suite, so here the child is killed at [`KILL_AFTER`] and the test then fails on
//! the wall-time assertion instead of hanging.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The child is killed past this, whatever the case expects.
pub const KILL_AFTER: Duration = Duration::from_secs(20);
/// Output kept per stream; anything beyond is counted, not kept.
const KEEP: usize = 4 << 20;
const TIME: &str = "/usr/bin/time";

/// What one run did.
#[derive(Debug)]
pub struct Ran {
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Bytes written, including any not kept.
    pub stdout_len: usize,
    pub stderr_len: usize,
    pub wall: Duration,
    /// Peak resident set (KiB) from `/usr/bin/time -f %M`, when that tool exists.
    pub peak_kib: Option<u64>,
    pub killed: bool,
}

impl Ran {
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn err(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// Run `cors-doctor ARGS` (colour off) with stdin closed.
pub fn cors_doctor(args: &[String]) -> Ran {
    let bin = env!("CARGO_BIN_EXE_cors-doctor");
    let peak_file = tempfile::NamedTempFile::new().expect("temp file");
    let timed = Path::new(TIME).exists();
    let mut cmd = if timed {
        let mut c = Command::new(TIME);
        c.args(["-f", "%M", "-o"]).arg(peak_file.path()).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn cors-doctor");
    let out = drain(child.stdout.take().expect("stdout"));
    let err = drain(child.stderr.take().expect("stderr"));
    let (code, killed) = wait(&mut child, start);
    let wall = start.elapsed();
    let (stdout, stdout_len) = out.join().expect("stdout reader");
    let (stderr, stderr_len) = err.join().expect("stderr reader");
    let peak_kib = if timed && !killed {
        peak(peak_file.path())
    } else {
        None
    };
    Ran {
        code,
        stdout,
        stderr,
        stdout_len,
        stderr_len,
        wall,
        peak_kib,
        killed,
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<(Vec<u8>, usize)> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut total = 0;
        let mut buf = [0u8; 16 * 1024];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            total += n;
            let room = KEEP.saturating_sub(kept.len()).min(n);
            kept.extend_from_slice(&buf[..room]);
        }
        (kept, total)
    })
}

fn wait(child: &mut Child, start: Instant) -> (Option<i32>, bool) {
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return (status.code(), false);
        }
        if start.elapsed() > KILL_AFTER {
            kill_tree(child);
            return (None, true);
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Kill the child and, when it is `/usr/bin/time`, the cors-doctor it started.
fn kill_tree(child: &mut Child) {
    let pid = child.id();
    let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
    for grandchild in children.split_whitespace() {
        let _ = Command::new("kill").args(["-9", grandchild]).status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// `/usr/bin/time -o` writes "Command exited with non-zero status N" before the number.
fn peak(path: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().filter_map(|l| l.trim().parse().ok()).next_back()
}

/// The first character in `bytes` (read as UTF-8, lossily) that is unsafe for a terminal: a C0
/// control other than `\n` and `\t`, DEL, a C1 control (U+0080–U+009F: 8-bit CSI and friends) or
/// a bidi override.
pub fn first_unsafe(bytes: &[u8]) -> Option<(usize, char)> {
    let text = String::from_utf8_lossy(bytes);
    text.char_indices().find(|&(_, c)| {
        let c0 = (c < ' ' && c != '\n' && c != '\t') || c == '\u{7f}';
        let c1 = ('\u{80}'..='\u{9f}').contains(&c);
        let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        c0 || c1 || bidi
    })
}

/// Describe the first unsafe character with context, for assertion messages.
pub fn unsafe_report(bytes: &[u8]) -> Option<String> {
    let (at, c) = first_unsafe(bytes)?;
    let text = String::from_utf8_lossy(bytes);
    let from = text[..at].char_indices().rev().nth(40).map_or(0, |(i, _)| i);
    let to = text[at..]
        .char_indices()
        .nth(40)
        .map_or(text.len(), |(i, _)| at + i);
    Some(format!("raw {:?} at byte {at}: {:?}", c, &text[from..to]))
}

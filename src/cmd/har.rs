//! `cors-doctor har FILE`: diagnose every CORS request recorded in a HAR export, streaming.
//!
//! The file (plain or gzip, detected by its magic bytes; `-` is stdin) is read in chunks and fed to
//! the core's [`Framer`] on a reader thread, which parses each entry on its own and sends batches
//! over a bounded channel; this thread hands them to the [`Analyzer`], which emits one analysed
//! request at a time. JSON output is written as requests come out (memory stays flat however large
//! the file); the human and Markdown reports keep one example per distinct failure (bounded) and
//! render once the summary is known. Secrets (Cookie, Authorization,
//! Set-Cookie values, tokens in query strings) are redacted while the output records are built.

use cors_doctor_core::redact::redact_query_secrets;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

use anyhow::Context;
use cors_doctor_core::diagnosis::RootCause;
use cors_doctor_core::har::{
    self, Analyzed, Analyzer, Framed, Framer, Options, Part, Skipped, Status, Summary,
};
use cors_doctor_core::origin::Origin;
use cors_doctor_core::{Engine, Outcome};
use serde::Serialize;

use crate::cli::args::{Format, HarArgs};
use crate::cli::exit::Exit;
use crate::cmd::check::drive::credentials_name;
use crate::cmd::check::report::{FailureOut, FindingOut, FixOut, VerdictOut};
use crate::render::style::Painter;

/// Schema id of the JSON report.
pub(crate) const SCHEMA: &str = "cors-doctor/har/v1";
/// Bytes read per chunk.
const CHUNK: usize = 1024 * 1024;
/// Distinct failures shown in detail by the human and Markdown reports.
pub(crate) const MAX_GROUPS: usize = 200;
/// Skipped-entry warnings printed on stderr.
const MAX_WARNINGS: usize = 20;

/// Run `har` from the command line.
pub(crate) fn run(args: &HarArgs) -> anyhow::Result<Exit> {
    let origin = match &args.origin {
        Some(o) => Some(
            Origin::parse(o)
                .map_err(|e| anyhow::anyhow!("--origin {o:?}: {e}"))?
                .serialize(),
        ),
        None => None,
    };
    let cfg = HarConfig {
        origin,
        engines: args.browser.engines(),
        format: args.format,
        show_secrets: args.show_secrets,
    };
    let name = args.file.display().to_string();
    let input = open(&args.file).with_context(|| format!("cannot read {name}"))?;
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(CHUNK, stdout.lock());
    let mut warn = stderr_warnings();
    let outcome = analyze(input, &cfg, &mut out, &mut warn, Painter::for_stdout()).map_err(|e| match e {
        RunError::Input(e) => anyhow::anyhow!("{name}: {e}"),
        RunError::Output(e) => anyhow::Error::new(e),
    })?;
    out.flush()?;
    Ok(if outcome.failures > 0 {
        Exit::Problem
    } else {
        Exit::Ok
    })
}

/// Resolved options.
#[derive(Debug, Clone)]
pub(crate) struct HarConfig {
    pub(crate) origin: Option<String>,
    pub(crate) engines: Vec<Engine>,
    pub(crate) format: Format,
    pub(crate) show_secrets: bool,
}

/// The input, decompressed when it starts with the gzip magic bytes.
fn open(path: &Path) -> io::Result<Box<dyn Read + Send>> {
    let raw: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(path)?)
    };
    let mut buf = BufReader::with_capacity(CHUNK, raw);
    let gz = buf.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gz {
        Box::new(flate2::read::MultiGzDecoder::new(buf))
    } else {
        Box::new(buf)
    })
}

fn stderr_warnings() -> impl FnMut(&str) {
    let mut count = 0usize;
    move |line: &str| {
        count += 1;
        let mut err = io::stderr().lock();
        if count <= MAX_WARNINGS {
            let _ = writeln!(
                err,
                "cors-doctor: warning: {}",
                crate::render::sanitize::escape(line)
            );
        } else if count == MAX_WARNINGS + 1 {
            let _ = writeln!(
                err,
                "cors-doctor: warning: more entries skipped; the report lists them all"
            );
        }
    }
}

/// Why a run stopped.
#[derive(Debug)]
pub(crate) enum RunError {
    /// The input is unreadable (I/O, gzip, not a HAR, truncated): exit 2.
    Input(String),
    /// Writing the report failed (a closed pipe exits 0 in `main`).
    Output(io::Error),
}

/// What the run found, for the exit code.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunOutcome {
    pub(crate) failures: u64,
}

/// Entries handed from the reader thread to the analysis at a time.
const BATCH: usize = 128;
/// Batches in flight between the two threads (bounds memory: about `BATCH * DEPTH` entries).
const DEPTH: usize = 4;

/// What the reader thread hands over, in document order.
// Nearly every item is an entry: boxing it would add an allocation per entry for nothing.
#[allow(clippy::large_enum_variant)]
enum Item {
    Entry(har::Entry),
    Skipped {
        index: usize,
        offset: u64,
        reason: String,
    },
    Pages(Vec<u8>),
    Creator(Vec<u8>),
    /// The input is unreadable from here on.
    Fatal(String),
}

/// Stream `input` through the analysis and write the report in `cfg.format` to `out`.
///
/// Two threads: the reader reads, frames and parses entries (the byte-bound work); this thread
/// pairs, judges and writes. A bounded channel of entry batches keeps memory flat.
pub(crate) fn analyze(
    input: impl Read + Send,
    cfg: &HarConfig,
    out: &mut dyn Write,
    warn: &mut dyn FnMut(&str),
    painter: Painter,
) -> Result<RunOutcome, RunError> {
    let mut analyzer = Analyzer::new(Options {
        origin: cfg.origin.clone(),
        engines: cfg.engines.clone(),
    });
    let mut sink = Sink::new(cfg, out);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Item>>(DEPTH);
    let fatal = std::thread::scope(|scope| {
        let reader = std::thread::Builder::new().name("har-reader".into());
        if let Err(e) = reader.spawn_scoped(scope, move || read_entries(input, &tx)) {
            return Err(RunError::Input(format!("cannot start the reader thread: {e}")));
        }
        for batch in rx {
            for item in batch {
                match item {
                    Item::Entry(entry) => analyzer.push(entry, &mut |a| sink.request(a)),
                    Item::Skipped {
                        index,
                        offset,
                        reason,
                    } => {
                        warn(&format!("entry {index} (byte {offset}) skipped: {reason}"));
                        analyzer.skip(index, offset, reason);
                    }
                    Item::Pages(json) => analyzer.set_pages(&json),
                    Item::Creator(json) => analyzer.set_creator(&json),
                    Item::Fatal(e) => return Err(RunError::Input(e)),
                }
            }
            // Dropping `rx` on return stops the reader at its next send.
            sink.check()?;
        }
        Ok(())
    });
    fatal?;
    let recorder = analyzer.recorder();
    let (summary, skipped) = analyzer.finish(&mut |a| sink.request(a));
    sink.check()?;
    sink.finish(summary, skipped, recorder, painter)
}

/// The reader thread: read, frame and parse, sending entries in batches until the end of the
/// input, the first fatal error, or the analysis hanging up.
fn read_entries(mut input: impl Read, tx: &std::sync::mpsc::SyncSender<Vec<Item>>) {
    let mut framer = Framer::new();
    let mut buf = vec![0u8; CHUNK];
    let mut batch = Vec::with_capacity(BATCH);
    let flush = |batch: &mut Vec<Item>| {
        tx.send(std::mem::replace(batch, Vec::with_capacity(BATCH)))
            .is_ok()
    };
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                batch.push(Item::Fatal(format!("{e} (after byte {})", framer.offset())));
                flush(&mut batch);
                return;
            }
        };
        let fed = framer.feed(&buf[..n], &mut |f| batch.push(item_of(f)));
        if let Err(e) = fed {
            batch.push(Item::Fatal(e.to_string()));
            flush(&mut batch);
            return;
        }
        if batch.len() >= BATCH && !flush(&mut batch) {
            return;
        }
    }
    if let Err(e) = framer.finish(&mut |f| batch.push(item_of(f))) {
        batch.push(Item::Fatal(e.to_string()));
    }
    flush(&mut batch);
}

/// Parse one framed value into what the analysis takes.
fn item_of(f: Framed<'_>) -> Item {
    match f {
        Framed::Value {
            part: Part::Entry(index),
            offset,
            json,
        } => match har::parse_entry(json, index) {
            Ok(entry) => Item::Entry(entry),
            Err(e) => Item::Skipped {
                index,
                offset,
                reason: format!("malformed entry: {}", entry_error(&e)),
            },
        },
        Framed::Value {
            part: Part::Pages,
            json,
            ..
        } => Item::Pages(json.to_vec()),
        Framed::Value {
            part: Part::Creator | Part::Browser,
            json,
            ..
        } => Item::Creator(json.to_vec()),
        Framed::Oversize { index, offset } => Item::Skipped {
            index,
            offset,
            reason: format!(
                "larger than {} MiB after truncating long strings",
                har::frame::MAX_ENTRY >> 20
            ),
        },
    }
}

/// serde_json's message without its line/column (relative to the entry, not the file).
fn entry_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

// ---- output records -----------------------------------------------------------------------------

/// One analysed request in `cors-doctor/har/v1`.
#[derive(Debug, Serialize)]
pub(crate) struct RequestOut {
    pub(crate) index: usize,
    pub(crate) url: String,
    pub(crate) method: String,
    pub(crate) origin: String,
    pub(crate) origin_source: &'static str,
    pub(crate) status: i64,
    pub(crate) error: Option<String>,
    pub(crate) preflight_index: Option<usize>,
    pub(crate) redirect_indices: Vec<usize>,
    pub(crate) credentials: &'static str,
    pub(crate) credentials_basis: &'static str,
    pub(crate) result: &'static str,
    pub(crate) failure_kind: Option<String>,
    pub(crate) verdicts: BTreeMap<&'static str, VerdictOut>,
    pub(crate) root_cause: Option<RootCause>,
    pub(crate) findings: Vec<FindingOut>,
    pub(crate) evidence: Vec<String>,
    pub(crate) fix: Option<FixOut>,
}

struct Redact {
    show: bool,
}

impl Redact {
    /// `text` as it may be shown: borrowed unless a secret had to go.
    fn cow<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.show {
            Cow::Borrowed(text)
        } else {
            redact_query_secrets(text)
        }
    }

    fn s(&self, text: &str) -> String {
        self.cow(text).into_owned()
    }

    fn all(&self, items: &[String]) -> Vec<String> {
        items.iter().map(|s| self.s(s)).collect()
    }

    /// [`Redact::s`] of a string the caller owns: no copy when nothing is redacted.
    fn own(&self, text: String) -> String {
        match self.cow(&text) {
            Cow::Owned(redacted) => redacted,
            Cow::Borrowed(_) => text,
        }
    }

    fn own_all(&self, items: Vec<String>) -> Vec<String> {
        items.into_iter().map(|s| self.own(s)).collect()
    }
}

fn basis_name(b: har::request::CredentialsBasis) -> &'static str {
    use har::request::CredentialsBasis::*;
    match b {
        Cookie => "cookie-recorded",
        HttpAuth => "http-auth-recorded",
        NotRecorded => "not-recorded",
        InferredFromFailure => "inferred-from-recorded-failure",
    }
}

fn fix_out(fix: &cors_doctor_core::fixes::Fix, det: Option<&cors_doctor_core::fixes::Detection>) -> FixOut {
    FixOut {
        stack: fix.stack.name(),
        label: fix.stack.label(),
        detected_from: det.map(|d| d.evidence.clone()),
        language: fix.language,
        snippet: fix.snippet.clone(),
        gotchas: fix.gotchas.clone(),
    }
}

fn verdict_out(v: &cors_doctor_core::Verdict, r: &Redact) -> VerdictOut {
    VerdictOut {
        outcome: v.outcome,
        failure: v.failure.as_ref().map(|f| FailureOut {
            stage: f.stage,
            code: f.code(),
            error_name: f.error_name(),
            message: f.message().map(|m| r.s(&m)),
            console: r.all(&f.console_lines()),
            hint: f.hint.as_ref().map(|h| r.s(h)),
            url: r.s(&f.url),
        }),
        exposed_headers: v.exposed_headers.clone(),
        status: v.status,
        preflight_sent: v
            .sent
            .iter()
            .any(|s| s.kind == cors_doctor_core::ExchangeKind::Preflight),
        warnings: v.warnings.iter().map(|w| w.code.clone()).collect(),
    }
}

/// Build the output record of one analysed request (secrets redacted unless shown).
pub(crate) fn request_out(a: &Analyzed, show_secrets: bool) -> RequestOut {
    into_request_out(a.clone(), show_secrets)
}

/// [`request_out`], taking the analysed request apart instead of copying it (the JSON stream's path).
pub(crate) fn into_request_out(a: Analyzed, show_secrets: bool) -> RequestOut {
    let r = Redact { show: show_secrets };
    let fix = a.fix.as_ref().map(|(f, d)| fix_out(f, d.as_ref()));
    let credentials = credentials_name(a.request.credentials);
    RequestOut {
        index: a.index,
        url: r.own(a.url),
        method: a.method,
        origin: a.origin,
        origin_source: a.origin_source.name(),
        status: a.status,
        error: a.recorded_error,
        preflight_index: a.preflight_index,
        redirect_indices: a.redirect_indices,
        credentials,
        credentials_basis: basis_name(a.credentials_basis),
        result: a.status_kind.name(),
        failure_kind: a.failure_kind,
        verdicts: a
            .verdicts
            .iter()
            .map(|v| (v.engine.name(), verdict_out(v, &r)))
            .collect(),
        root_cause: a.diagnosis.root_cause.map(|c| RootCause {
            headline: r.own(c.headline),
            detail: r.own(c.detail),
            ..c
        }),
        findings: a
            .diagnosis
            .findings
            .into_iter()
            .map(|f| FindingOut {
                id: f.id,
                severity: f.severity,
                fix: (f.severity == cors_doctor_core::diagnosis::Severity::Error)
                    .then(|| fix.clone())
                    .flatten(),
                title: r.own(f.title),
                detail: r.own(f.detail),
                evidence: r.own_all(f.evidence),
                remedy: r.own(f.remedy),
            })
            .collect(),
        evidence: r.own_all(a.evidence),
        fix,
    }
}

/// One distinct failure (or suspicious request) for the human and Markdown reports: the first
/// request that showed it, and how many more did.
#[derive(Debug)]
pub(crate) struct Group {
    pub(crate) first: RequestOut,
    pub(crate) count: u64,
    pub(crate) indices: Vec<usize>,
}

/// Everything the human and Markdown renderers read.
#[derive(Debug)]
pub(crate) struct HarReport {
    pub(crate) recorder: Engine,
    pub(crate) summary: Summary,
    pub(crate) skipped: Vec<Skipped>,
    pub(crate) groups: Vec<Group>,
    /// Distinct failures beyond [`MAX_GROUPS`], not shown in detail.
    pub(crate) groups_dropped: u64,
}

/// Where analysed requests go.
struct Sink<'a> {
    cfg: &'a HarConfig,
    out: &'a mut dyn Write,
    first: bool,
    error: Option<io::Error>,
    failures: u64,
    groups: Vec<Group>,
    group_keys: BTreeMap<String, usize>,
    groups_dropped: u64,
    /// One JSON record, reused.
    buf: Vec<u8>,
}

impl<'a> Sink<'a> {
    fn new(cfg: &'a HarConfig, out: &'a mut dyn Write) -> Sink<'a> {
        let mut sink = Sink {
            cfg,
            out,
            first: true,
            error: None,
            failures: 0,
            groups: Vec::new(),
            group_keys: BTreeMap::new(),
            groups_dropped: 0,
            buf: Vec::with_capacity(8 * 1024),
        };
        if cfg.format == Format::Json {
            let head = format!("{{\n\"schema\": \"{SCHEMA}\",\n\"requests\": [");
            sink.write(head.as_bytes());
        }
        sink
    }

    fn write(&mut self, bytes: &[u8]) {
        if self.error.is_none() {
            if let Err(e) = self.out.write_all(bytes) {
                self.error = Some(e);
            }
        }
    }

    fn check(&mut self) -> Result<(), RunError> {
        match self.error.take() {
            Some(e) => Err(RunError::Output(e)),
            None => Ok(()),
        }
    }

    fn request(&mut self, a: Analyzed) {
        if a.status_kind.is_failure() {
            self.failures += 1;
        }
        if self.cfg.format == Format::Json {
            let rec = into_request_out(a, self.cfg.show_secrets);
            // Serialize into a buffer (static dispatch per fragment), then one write.
            let mut buf = std::mem::take(&mut self.buf);
            buf.clear();
            buf.extend_from_slice(if self.first { b"\n" } else { b",\n" });
            self.first = false;
            if let Err(e) = write_json(&mut buf, &rec) {
                self.error.get_or_insert(e);
            }
            self.write(&buf);
            self.buf = buf;
            return;
        }
        let interesting = a.status_kind != Status::Allowed
            || a.diagnosis
                .findings
                .iter()
                .any(|f| f.severity <= cors_doctor_core::diagnosis::Severity::Warning);
        if !interesting {
            return;
        }
        let key = group_key(&a);
        if let Some(&i) = self.group_keys.get(&key) {
            let g = &mut self.groups[i];
            g.count += 1;
            if g.indices.len() < 10 {
                g.indices.push(a.index);
            }
            return;
        }
        if self.groups.len() >= MAX_GROUPS {
            self.groups_dropped += 1;
            return;
        }
        self.group_keys.insert(key, self.groups.len());
        self.groups.push(Group {
            first: request_out(&a, self.cfg.show_secrets),
            count: 1,
            indices: vec![a.index],
        });
    }

    fn finish(
        mut self,
        summary: Summary,
        skipped: Vec<Skipped>,
        recorder: Engine,
        painter: Painter,
    ) -> Result<RunOutcome, RunError> {
        let outcome = RunOutcome {
            failures: self.failures,
        };
        match self.cfg.format {
            Format::Json => {
                self.write(b"\n],\n\"summary\": ");
                if self.error.is_none() {
                    self.error = write_json(&mut *self.out, &summary).err();
                }
                self.write(b",\n\"skipped\": ");
                if self.error.is_none() {
                    self.error = write_json(&mut *self.out, &skipped).err();
                }
                self.write(b"\n}\n");
            }
            format => {
                let report = HarReport {
                    recorder,
                    summary,
                    skipped,
                    groups: std::mem::take(&mut self.groups),
                    groups_dropped: self.groups_dropped,
                };
                let text = if format == Format::Markdown {
                    crate::render::har::markdown(&report)
                } else {
                    crate::render::har::human(&report, painter)
                };
                self.write(text.as_bytes());
            }
        }
        self.check()?;
        Ok(outcome)
    }
}

/// serde_json escapes only C0 controls; text from a HAR may also carry C1 controls and bidi
/// overrides, which some terminals act on when the JSON is printed. Escape those too.
struct SafeFormatter;

impl serde_json::ser::Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        // C1 controls are encoded C2 80–C2 9F, the bidi controls E2 80 AA–AE and E2 81 A6–A9.
        if memchr::memchr2(0xC2, 0xE2, fragment.as_bytes()).is_none() {
            return writer.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if matches!(c, '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

fn write_json<W: Write + ?Sized>(out: &mut W, value: &impl Serialize) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, SafeFormatter);
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// Requests that fail the same way at the same endpoint are one group.
fn group_key(a: &Analyzed) -> String {
    let (origin, path) = har::summary::path_template(&a.url);
    let verdicts: Vec<String> = a
        .verdicts
        .iter()
        .map(|v| match (&v.outcome, &v.failure) {
            (Outcome::Blocked, Some(f)) => format!("{}:{}", v.engine.name(), f.code()),
            (o, _) => format!("{}:{o:?}", v.engine.name()),
        })
        .collect();
    let findings: Vec<&str> = a.diagnosis.findings.iter().map(|f| f.id).collect();
    format!(
        "{origin} {} {path} {} {}",
        a.method,
        verdicts.join(","),
        findings.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_c1_and_bidi_controls_too() {
        let mut out = Vec::new();
        write_json(&mut out, &"a\u{9b}b\u{202e}c\u{1b}é").unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), r#""a\u009bb\u202ec\u001bé""#);
    }
}

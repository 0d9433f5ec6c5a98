//! Framing: find `log.entries[i]` in a HAR byte stream without holding the whole document.
//!
//! The framer is push-based (the caller owns the I/O and feeds chunks of any size) and keeps only
//! the bytes of the value being captured: one entry at a time, plus `log.pages`, `log.creator` and
//! `log.browser`. Everything else is scanned and dropped. Strings inside a captured value longer
//! than [`MAX_STRING`] are cut short at a character boundary (response bodies are only read for
//! server fingerprints), so an entry's size is bounded by its structure, not by its bodies.
//!
//! Why not `serde_json::from_reader` with a seed over the whole document: serde_json's reader path
//! goes byte by byte through `io::Read` and cannot borrow (about 130 MB/s on a HAR); framing here
//! and parsing each entry with [`serde_json::from_slice`] (zero-copy, about 500 MB/s) keeps memory
//! flat and the tool several times faster. The JSON grammar of each entry is still serde_json's;
//! the framer checks the document's structure (balanced brackets, strings, UTF-8) itself.

use std::fmt;

/// Longest string kept inside a captured value; longer ones are truncated (bodies only matter for
/// their first bytes).
pub const MAX_STRING: usize = 16 * 1024;
/// Largest captured entry after string truncation; larger entries are skipped.
pub const MAX_ENTRY: usize = 2 * 1024 * 1024;
/// Deepest nesting accepted.
pub const MAX_DEPTH: usize = 128;

/// Which top-level value a captured slice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// One element of `log.entries`, with its index.
    Entry(usize),
    /// `log.pages`.
    Pages,
    /// `log.creator`.
    Creator,
    /// `log.browser`.
    Browser,
}

/// A structural error in the document; fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameError {
    /// Byte offset in the (decompressed) stream.
    pub offset: u64,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for FrameError {}

/// What the framer hands over.
#[derive(Debug)]
pub enum Framed<'a> {
    /// A complete value: its part, the byte offset where it starts, and its JSON text.
    Value { part: Part, offset: u64, json: &'a [u8] },
    /// An entry too large to keep, skipped.
    Oversize { index: usize, offset: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    Log,
    Entries,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A value (array element, object member value, or the document).
    Value,
    /// An object key or `}`.
    Key,
    /// `:` after a key.
    Colon,
    /// `,` or the closing bracket.
    After,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    object: bool,
    role: Role,
}

/// What the next value at the log level is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    None,
    Log,
    Entries,
    Capture(Part),
}

/// The streaming framer. Feed chunks with [`Framer::feed`], then call [`Framer::finish`].
#[derive(Debug)]
pub struct Framer {
    offset: u64,
    stack: Vec<Frame>,
    expect: Expect,
    slot: Slot,
    in_string: bool,
    escape: bool,
    string_len: usize,
    truncated: bool,
    key: Vec<u8>,
    reading_key: bool,
    scalar: bool,
    capture: Option<Capture>,
    entries_seen: bool,
    entry_count: usize,
    done: bool,
    utf8_carry: Vec<u8>,
    spare: Vec<u8>,
    string_start: usize,
}

#[derive(Debug)]
struct Capture {
    part: Part,
    offset: u64,
    depth: usize,
    buf: Vec<u8>,
    oversize: bool,
}

impl Default for Framer {
    fn default() -> Self {
        Framer::new()
    }
}

impl Framer {
    /// A framer at the start of a document.
    pub fn new() -> Framer {
        Framer {
            offset: 0,
            stack: Vec::new(),
            expect: Expect::Value,
            slot: Slot::None,
            in_string: false,
            escape: false,
            string_len: 0,
            truncated: false,
            key: Vec::new(),
            reading_key: false,
            scalar: false,
            capture: None,
            entries_seen: false,
            entry_count: 0,
            done: false,
            utf8_carry: Vec::new(),
            spare: Vec::new(),
            string_start: 0,
        }
    }

    /// Entries framed so far.
    pub fn entry_count(&self) -> usize {
        self.entry_count
    }

    /// Bytes consumed so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Scan `chunk`, calling `out` for every complete value.
    ///
    /// Only validated UTF-8 is framed, in document order, so the first error (structural or UTF-8)
    /// is the same however the input is split into chunks. A character split across chunks waits in
    /// `utf8_carry` until it is complete.
    pub fn feed(&mut self, chunk: &[u8], out: &mut dyn FnMut(Framed<'_>)) -> Result<(), FrameError> {
        let mut start = 0;
        if !self.utf8_carry.is_empty() {
            let need = utf8_len(self.utf8_carry[0]).saturating_sub(self.utf8_carry.len());
            let take = need.min(chunk.len());
            self.utf8_carry.extend_from_slice(&chunk[..take]);
            if self.utf8_carry.len() < utf8_len(self.utf8_carry[0]) {
                return Ok(());
            }
            if std::str::from_utf8(&self.utf8_carry).is_err() {
                return Err(self.error("invalid UTF-8"));
            }
            let carry = std::mem::take(&mut self.utf8_carry);
            self.frame(&carry, out)?;
            start = take;
        }
        let rest = &chunk[start..];
        match std::str::from_utf8(rest) {
            Ok(_) => self.frame(rest, out),
            Err(e) => {
                self.frame(&rest[..e.valid_up_to()], out)?;
                if e.error_len().is_some() {
                    return Err(self.error("invalid UTF-8"));
                }
                self.utf8_carry.extend_from_slice(&rest[e.valid_up_to()..]);
                Ok(())
            }
        }
    }

    /// Frame bytes already known to be valid UTF-8.
    fn frame(&mut self, chunk: &[u8], out: &mut dyn FnMut(Framed<'_>)) -> Result<(), FrameError> {
        let mut i = 0;
        while i < chunk.len() {
            if self.in_string {
                i = self.string_run(chunk, i, out);
                continue;
            }
            if self.scalar {
                // A number or literal: copy its whole run at once.
                let run = chunk[i..].iter().take_while(|&&b| is_scalar_byte(b)).count();
                if run > 0 {
                    self.push_raw(&chunk[i..i + run]);
                    i += run;
                    self.offset += run as u64;
                    continue;
                }
            }
            let b = chunk[i];
            self.structural(b, out)?;
            i += 1;
            self.offset += 1;
        }
        Ok(())
    }

    /// The end of the stream: the document must be complete and hold `log.entries`.
    pub fn finish(&mut self, out: &mut dyn FnMut(Framed<'_>)) -> Result<(), FrameError> {
        if !self.utf8_carry.is_empty() {
            return Err(self.error("invalid UTF-8 (truncated character)"));
        }
        if self.scalar {
            self.end_scalar(out)?;
        }
        if self.in_string || !self.stack.is_empty() {
            let what = match &self.capture {
                Some(c) => match c.part {
                    Part::Entry(i) => format!("truncated JSON: the document ends inside entry {i}"),
                    _ => "truncated JSON: the document ends inside `log`".to_string(),
                },
                None if self.stack.is_empty() => {
                    "truncated JSON: the document ends inside a string".to_string()
                }
                None => "truncated JSON: the document ends before its closing brackets".to_string(),
            };
            return Err(self.error(&what));
        }
        if !self.done {
            return Err(self.error("empty input: expected a HAR document (JSON)"));
        }
        if !self.entries_seen {
            return Err(FrameError {
                offset: 0,
                message: "not a HAR file: no `log.entries` array".into(),
            });
        }
        Ok(())
    }

    fn error(&self, message: &str) -> FrameError {
        FrameError {
            offset: self.offset,
            message: message.to_string(),
        }
    }

    /// Inside a string: find its closing quote (one preceded by an even run of backslashes) and
    /// copy the content in one piece when capturing.
    fn string_run(&mut self, chunk: &[u8], i: usize, out: &mut dyn FnMut(Framed<'_>)) -> usize {
        let rest = &chunk[i..];
        let odd_run = |upto: usize, carry: bool| {
            let run = rest[..upto].iter().rev().take_while(|&&b| b == b'\\').count();
            if run == upto {
                (run + usize::from(carry)) % 2 == 1
            } else {
                run % 2 == 1
            }
        };
        let mut from = 0;
        let end = loop {
            let Some(q) = find_quote(&rest[from..]).map(|q| q + from) else {
                break None;
            };
            if !odd_run(q, self.escape) {
                break Some(q);
            }
            from = q + 1;
        };
        let Some(q) = end else {
            self.escape = odd_run(rest.len(), self.escape);
            self.push_string_bytes(rest);
            self.offset += rest.len() as u64;
            return chunk.len();
        };
        self.escape = false;
        self.push_string_bytes(&rest[..q]);
        self.offset += q as u64 + 1;
        self.in_string = false;
        self.push_raw(b"\"");
        if self.reading_key {
            self.reading_key = false;
            self.expect = Expect::Colon;
        } else {
            self.value_done();
            self.emit_if_complete(out);
        }
        i + q + 1
    }

    fn push_string_bytes(&mut self, bytes: &[u8]) {
        if self.reading_key && self.capture.is_none() {
            if self.key.len() < 256 {
                self.key
                    .extend_from_slice(&bytes[..bytes.len().min(256 - self.key.len())]);
            }
            return;
        }
        if self.capture.is_none() || self.truncated {
            return;
        }
        let room = MAX_STRING.saturating_sub(self.string_len);
        if bytes.len() <= room {
            self.string_len += bytes.len();
            self.push_raw(bytes);
            return;
        }
        self.push_raw(&bytes[..room]);
        self.string_len = MAX_STRING;
        self.truncated = true;
        self.cut_string_tail();
    }

    /// After a cut: drop a partial escape sequence (a high-surrogate escape left alone included)
    /// and a partial UTF-8 character from the end of the captured string.
    fn cut_string_tail(&mut self) {
        let start = self.string_start;
        let Some(c) = self.capture.as_mut().filter(|c| !c.oversize) else {
            return;
        };
        let buf = &mut c.buf;
        let run_start = |buf: &[u8], mut j: usize| {
            while j > start && buf[j - 1] == b'\\' {
                j -= 1;
            }
            j
        };
        let tail = buf.len().saturating_sub(12).max(start);
        if let Some(p) = buf[tail..].iter().rposition(|&b| b == b'\\') {
            let mut j = run_start(buf, tail + p);
            let high_surrogate = j >= start + 6
                && buf[j - 6] == b'\\'
                && buf[j - 5] == b'u'
                && matches!(buf[j - 4], b'd' | b'D')
                && matches!(buf[j - 3], b'8' | b'9' | b'a' | b'b' | b'A' | b'B');
            if high_surrogate {
                j = run_start(buf, j - 6);
            }
            buf.truncate(j);
        }
        let valid = match std::str::from_utf8(&buf[start..]) {
            Ok(_) => buf.len(),
            Err(e) => start + e.valid_up_to(),
        };
        buf.truncate(valid);
    }

    fn push_raw(&mut self, bytes: &[u8]) {
        if let Some(c) = self.capture.as_mut() {
            if c.oversize {
                return;
            }
            if c.buf.len() + bytes.len() > MAX_ENTRY {
                c.oversize = true;
                c.buf = Vec::new();
                return;
            }
            c.buf.extend_from_slice(bytes);
        }
    }

    fn structural(&mut self, b: u8, out: &mut dyn FnMut(Framed<'_>)) -> Result<(), FrameError> {
        if self.scalar {
            if is_scalar_byte(b) {
                self.push_raw(&[b]);
                return Ok(());
            }
            self.end_scalar(out)?;
        }
        match b {
            // Whitespace between tokens is insignificant and not copied into captures.
            b' ' | b'\t' | b'\n' | b'\r' => Ok(()),
            b'"' => self.open_string(out),
            b'{' | b'[' => self.open(b == b'{', out),
            b'}' | b']' => self.close(b == b'}', out),
            b',' => self.comma(),
            b':' => self.colon(),
            _ if is_scalar_byte(b) => self.open_scalar(b, out),
            _ => Err(self.error(&format!("not JSON: unexpected byte 0x{b:02x}"))),
        }
    }

    fn begin_value(&mut self, out: &mut dyn FnMut(Framed<'_>)) -> Result<(), FrameError> {
        if self.done && self.stack.is_empty() {
            return Err(self.error("not JSON: trailing data after the document"));
        }
        match self.expect {
            Expect::Value => {}
            Expect::Key => return Err(self.error("not JSON: expected an object key")),
            Expect::Colon => return Err(self.error("not JSON: expected ':'")),
            Expect::After => return Err(self.error("not JSON: expected ',' or a closing bracket")),
        }
        let _ = out;
        if self.capture.is_none() {
            let part = match (self.stack.last().map(|f| f.role), self.slot) {
                (Some(Role::Entries), _) => {
                    let i = self.entry_count;
                    self.entry_count += 1;
                    Some(Part::Entry(i))
                }
                (Some(Role::Log), Slot::Capture(p)) => Some(p),
                _ => None,
            };
            if let Some(part) = part {
                self.capture = Some(Capture {
                    part,
                    offset: self.offset,
                    depth: self.stack.len(),
                    buf: std::mem::take(&mut self.spare),
                    oversize: false,
                });
            }
        }
        Ok(())
    }

    fn open_string(&mut self, out: &mut dyn FnMut(Framed<'_>)) -> Result<(), FrameError> {
        if self.expect == Expect::Key {
            self.reading_key = true;
            self.key.clear();
        } else {
            self.begin_value(out)?;
        }
        self.in_string = true;
        self.escape = false;
        self.string_len = 0;
        self.truncated = false;
        self.push_raw(b"\"");
        self.string_start = self.capture.as_ref().map_or(0, |c| c.buf.len());
        Ok(())
    }

    fn open_scalar(&mut self, b: u8, out: &mut dyn FnMut(Framed<'_>)) -> Result<(), FrameError> {
        self.begin_value(out)?;
        self.scalar = true;
        self.push_raw(&[b]);
        Ok(())
    }

    fn end_scalar(&mut self, out: &mut dyn FnMut(Framed<'_>)) -> Result<(), FrameError> {
        self.scalar = false;
        self.value_done();
        self.emit_if_complete(out);
        Ok(())
    }

    fn open(&mut self, object: bool, out: &mut dyn FnMut(Framed<'_>)) -> Result<(), FrameError> {
        self.begin_value(out)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error("JSON nested too deeply"));
        }
        let role = match (self.stack.last().map(|f| f.role), self.slot, object) {
            (None, _, true) => Role::Root,
            (None, _, false) => return Err(self.error("not a HAR file: the document is not a JSON object")),
            (Some(Role::Root), Slot::Log, true) => Role::Log,
            (Some(Role::Log), Slot::Entries, false) => {
                self.entries_seen = true;
                Role::Entries
            }
            (Some(Role::Log), Slot::Entries, true) => {
                return Err(self.error("not a HAR file: `log.entries` is not an array"));
            }
            _ => Role::Other,
        };
        self.slot = Slot::None;
        self.stack.push(Frame { object, role });
        self.expect = if object { Expect::Key } else { Expect::Value };
        self.push_raw(if object { b"{" } else { b"[" });
        Ok(())
    }

    fn close(&mut self, object: bool, out: &mut dyn FnMut(Framed<'_>)) -> Result<(), FrameError> {
        let Some(top) = self.stack.last().copied() else {
            return Err(self.error("not JSON: unbalanced closing bracket"));
        };
        if top.object != object {
            return Err(self.error("not JSON: mismatched closing bracket"));
        }
        let empty_ok = matches!(self.expect, Expect::After)
            || (object && self.expect == Expect::Key)
            || (!object && self.expect == Expect::Value);
        if !empty_ok {
            return Err(self.error("not JSON: unexpected closing bracket"));
        }
        self.stack.pop();
        self.push_raw(if object { b"}" } else { b"]" });
        if self.stack.is_empty() {
            self.done = true;
        }
        self.value_done();
        self.emit_if_complete(out);
        Ok(())
    }

    fn comma(&mut self) -> Result<(), FrameError> {
        if self.expect != Expect::After {
            return Err(self.error("not JSON: unexpected ','"));
        }
        let object = self.stack.last().is_some_and(|f| f.object);
        self.expect = if object { Expect::Key } else { Expect::Value };
        self.push_raw(b",");
        Ok(())
    }

    fn colon(&mut self) -> Result<(), FrameError> {
        if self.expect != Expect::Colon {
            return Err(self.error("not JSON: unexpected ':'"));
        }
        self.expect = Expect::Value;
        self.push_raw(b":");
        if self.capture.is_none() {
            self.slot = match (self.stack.last().map(|f| f.role), self.key.as_slice()) {
                (Some(Role::Root), b"log") => Slot::Log,
                (Some(Role::Log), b"entries") => Slot::Entries,
                (Some(Role::Log), b"pages") => Slot::Capture(Part::Pages),
                (Some(Role::Log), b"creator") => Slot::Capture(Part::Creator),
                (Some(Role::Log), b"browser") => Slot::Capture(Part::Browser),
                _ => Slot::None,
            };
        }
        Ok(())
    }

    fn value_done(&mut self) {
        self.expect = Expect::After;
        self.slot = Slot::None;
    }

    fn emit_if_complete(&mut self, out: &mut dyn FnMut(Framed<'_>)) {
        let complete = self.capture.as_ref().is_some_and(|c| c.depth == self.stack.len());
        if !complete {
            return;
        }
        let c = self.capture.take().expect("capture");
        if c.oversize {
            if let Part::Entry(index) = c.part {
                out(Framed::Oversize {
                    index,
                    offset: c.offset,
                });
            }
            return;
        }
        out(Framed::Value {
            part: c.part,
            offset: c.offset,
            json: &c.buf,
        });
        let mut buf = c.buf;
        buf.clear();
        self.spare = buf;
    }
}

/// The first `"` in `s`, eight bytes at a time (the "has zero byte" trick on `word ^ "…"`).
fn find_quote(s: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const QUOTES: u64 = LO * b'"' as u64;
    let mut i = 0;
    while i + 8 <= s.len() {
        let w = u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes")) ^ QUOTES;
        let zero = w.wrapping_sub(LO) & !w & HI;
        if zero != 0 {
            return Some(i + (zero.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    s[i..].iter().position(|&b| b == b'"').map(|p| p + i)
}

fn is_scalar_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frame `doc` fed in chunks of `chunk` bytes; returns (part, json) pairs or the error.
    fn frame(doc: &[u8], chunk: usize) -> Result<Vec<(Part, String)>, FrameError> {
        let mut f = Framer::new();
        let mut got = Vec::new();
        let mut push = |x: Framed<'_>| match x {
            Framed::Value { part, json, .. } => got.push((part, String::from_utf8(json.to_vec()).unwrap())),
            Framed::Oversize { index, .. } => got.push((Part::Entry(index), "OVERSIZE".into())),
        };
        for c in doc.chunks(chunk.max(1)) {
            f.feed(c, &mut push)?;
        }
        f.finish(&mut push)?;
        Ok(got)
    }

    const DOC: &str = r#"{ "log" : { "version":"1.2", "creator": {"name":"Firefox","version":"128"},
        "pages": [ {"id":"p","title":"https://app.test/"} ],
        "entries": [ {"a": [1, 2.5e3, true, null], "s": "q\"\\é\u00e9"}, {}, "x", 7 ],
        "comment": "entries: [ not these ]" } }"#;

    #[test]
    fn finds_entries_pages_and_creator_whatever_the_chunking() {
        let expected = frame(DOC.as_bytes(), DOC.len()).unwrap();
        assert_eq!(
            expected,
            vec![
                (Part::Creator, r#"{"name":"Firefox","version":"128"}"#.to_string()),
                (
                    Part::Pages,
                    r#"[{"id":"p","title":"https://app.test/"}]"#.to_string()
                ),
                (
                    Part::Entry(0),
                    r#"{"a":[1,2.5e3,true,null],"s":"q\"\\é\u00e9"}"#.to_string()
                ),
                (Part::Entry(1), "{}".to_string()),
                (Part::Entry(2), r#""x""#.to_string()),
                (Part::Entry(3), "7".to_string()),
            ]
        );
        for chunk in 1..DOC.len() {
            assert_eq!(
                frame(DOC.as_bytes(), chunk).unwrap(),
                expected,
                "chunk size {chunk}"
            );
        }
    }

    #[test]
    fn long_strings_are_cut_at_a_character_boundary_and_stay_valid_json() {
        let body = "é".repeat(MAX_STRING) + &"\\u00e9".repeat(10);
        let doc = format!(r#"{{"log":{{"entries":[{{"text":"{body}","after":1}}]}}}}"#);
        let got = frame(doc.as_bytes(), 4096).unwrap();
        let v: serde_json::Value = serde_json::from_str(&got[0].1).expect("still JSON");
        assert!(v["text"].as_str().unwrap().len() <= MAX_STRING);
        assert_eq!(v["after"], 1);
    }

    #[test]
    fn finds_the_first_quote_at_any_position() {
        for len in 0..40 {
            for at in 0..len {
                let mut v = vec![b'x'; len];
                v[at] = b'"';
                if at + 3 < len {
                    v[at + 3] = b'"';
                }
                assert_eq!(find_quote(&v), Some(at), "len {len} at {at}");
            }
            assert_eq!(find_quote(&vec![0x22 ^ 0x80; len]), None);
        }
    }

    #[test]
    fn a_cut_never_splits_an_escape_or_a_surrogate_pair() {
        for shift in 0..24 {
            let body = "a".repeat(MAX_STRING - 12 + shift) + &r#"\u00e9\ud83d\ude00\"x\\é"#.repeat(4);
            let doc = format!(r#"{{"log":{{"entries":[{{"text":"{body}","k":"\\"}}]}}}}"#);
            for chunk in [7, 4096, doc.len()] {
                let got = frame(doc.as_bytes(), chunk).unwrap();
                let v: serde_json::Value = serde_json::from_str(&got[0].1)
                    .unwrap_or_else(|e| panic!("shift {shift} chunk {chunk}: {e}"));
                assert_eq!(v["k"], "\\");
            }
        }
    }

    #[test]
    fn structural_problems_are_errors_with_offsets() {
        let cut = &DOC.as_bytes()[..DOC.find(r#""s""#).unwrap()];
        let err = frame(cut, 7).unwrap_err();
        assert!(err.message.contains("truncated JSON"), "{err}");
        assert!(err.message.contains("entry 0"), "{err}");
        assert!(frame(br#"{"log":{}}"#, 3)
            .unwrap_err()
            .message
            .contains("no `log.entries`"));
        assert!(frame(b"[]", 3).unwrap_err().message.contains("not a JSON object"));
        assert!(frame(b"{\"log\":{\"entries\":[]}} x", 3)
            .unwrap_err()
            .message
            .contains("trailing data"));
        let bad = frame(b"{\"log\":{\"entries\":[\"\xc3\x28\"]}}", 5).unwrap_err();
        assert_eq!((bad.message.as_str(), bad.offset), ("invalid UTF-8", 20));
        assert!(frame(b"{\"log\":{\"entries\":[1 2]}}", 5).is_err());
        assert!(frame(b"{\"log\":{\"entries\":[}]}}", 5).is_err());
        assert!(frame(&[b'['; MAX_DEPTH + 5], 5).is_err());
    }
}

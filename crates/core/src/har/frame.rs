//! Framing: find `log.entries[i]` in a HAR byte stream without holding the whole document.
//!
//! The framer is push-based (the caller owns the I/O and feeds chunks of any size) and keeps only
//! the bytes of the value being captured: one entry at a time, plus `log.pages`, `log.creator` and
//! `log.browser`. Everything else is scanned and dropped. A captured value is handed over as the
//! document's own bytes, whitespace included: borrowed from the chunk when it lies inside one and
//! needs no cut, copied otherwise. Two kinds of cut keep an entry's size bounded by its structure,
//! not by its bodies: a string longer than [`MAX_STRING`] is cut short at a character boundary,
//! and an entry's `response.content.text` just after the bytes that decode to the
//! [`BODY_PREFIX`] analysis keeps. An entry still larger than [`MAX_ENTRY`] is skipped.
//!
//! Speed (`examples/har_read.rs` on `scripts/bench-har.sh`'s HAR): framing takes ~60% of the
//! instructions of the former token-by-token framer that copied every entry, and far fewer
//! mispredicted branches; with entry parsing, 2–2.5× the throughput (noisy 2-vCPU VM: ~400 MB/s
//! framing, ~300–400 MB/s framing and parsing). How: UTF-8 is validated once per chunk; an entry
//! that ends inside the chunk is framed by one recursive pass (`Quick`) with no per-token state,
//! the token-by-token state machine being left for entries split across chunks and for errors; a
//! string is crossed eight bytes at a time, escapes included; nothing is copied for an entry that
//! needs no cut, nothing of a body past its prefix, and whitespace is left in place.
//!
//! Why not `serde_json::from_reader` with a seed over the whole document: serde_json's reader path
//! goes byte by byte through `io::Read` and cannot borrow (about 130 MB/s on a HAR); framing here
//! and parsing each entry from its slice (`entry.rs`) keeps memory flat and the tool several times
//! faster. The JSON grammar of each entry is still checked there, as serde_json checks it (numbers,
//! literals and escapes); the framer checks the document's structure (balanced brackets, keys,
//! separators, strings, UTF-8) itself, and lets trailing commas through. A cut string is no longer
//! checked past the cut: an invalid escape in a body after its prefix does not make the entry
//! malformed.

use std::fmt;

use super::entry::BODY_PREFIX;

/// Longest string kept inside a captured value; longer ones are truncated (bodies only matter for
/// their first bytes).
pub const MAX_STRING: usize = 16 * 1024;
/// Raw bytes of a body text (`response.content.text`) held before it is cut to its prefix: a
/// [`BODY_PREFIX`] of `\u0001` escapes (six bytes each, the worst case) fits.
const MAX_TEXT: usize = 8 * 1024;
/// Largest captured entry after string truncation; larger entries are skipped.
pub const MAX_ENTRY: usize = 2 * 1024 * 1024;
/// Deepest nesting accepted.
pub const MAX_DEPTH: usize = 128;
/// Bytes of a key kept to recognise it.
const MAX_KEY: usize = 256;

const _: () = assert!(6 * BODY_PREFIX + 12 <= MAX_TEXT && MAX_TEXT <= MAX_STRING);

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

/// What a frame of the nesting stack is, as far as framing cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    Log,
    Entries,
    /// An entry object (captured).
    Entry,
    /// Its `response`.
    Response,
    /// Its `response.content`.
    Content,
    Other,
}

/// The keys framing recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Log,
    Entries,
    Pages,
    Creator,
    Browser,
    Response,
    Content,
    Text,
    Other,
}

impl Key {
    fn of(key: &[u8]) -> Key {
        match key {
            b"log" => Key::Log,
            b"entries" => Key::Entries,
            b"pages" => Key::Pages,
            b"creator" => Key::Creator,
            b"browser" => Key::Browser,
            b"response" => Key::Response,
            b"content" => Key::Content,
            b"text" => Key::Text,
            _ => Key::Other,
        }
    }
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

/// The string being scanned.
#[derive(Debug, Clone, Copy)]
struct Str {
    /// An object key.
    key: bool,
    /// A key whose name matters (outside captures, and in an entry's own objects): its bytes go
    /// to [`Framer::key`].
    track: bool,
    /// An entry's `response.content.text`.
    text: bool,
    /// The previous slice ended on an escaping backslash.
    escape: bool,
    /// Content bytes so far.
    len: usize,
    /// Where the content starts in the capture (a [`Capture::len_at`]).
    start: usize,
    /// Cut at its cap: the rest is scanned, not kept.
    cut: bool,
}

/// The value being captured.
#[derive(Debug)]
struct Capture {
    part: Part,
    offset: u64,
    depth: usize,
    /// Bytes copied so far; empty while the whole value is still in the current slice.
    buf: Vec<u8>,
    /// Index in the current slice of the first byte not yet in `buf` (0 between slices).
    pending: usize,
    /// Too large: dropped, scanned to its end.
    oversize: bool,
}

impl Capture {
    /// The captured length, if it went on up to index `i` of the current slice.
    fn len_at(&self, i: usize) -> usize {
        self.buf.len() + (i - self.pending)
    }

    /// Copy the slice's pending bytes up to `to` into `buf`. When even `buf` without one open
    /// string (at most [`MAX_STRING`] of it is held) is over [`MAX_ENTRY`], the value cannot fit:
    /// drop it.
    fn flush(&mut self, chunk: &[u8], to: usize) {
        if self.oversize {
            return;
        }
        let bytes = &chunk[self.pending..to];
        self.pending = to;
        if self.buf.len() + bytes.len() > MAX_ENTRY + MAX_STRING {
            self.oversize = true;
            self.buf = Vec::new();
            return;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The string whose content starts at `start` (a [`Capture::len_at`]) reached its cap at
    /// slice index `at`: keep what is safe to keep of it.
    fn cut_string(&mut self, chunk: &[u8], at: usize, start: usize, text: bool) {
        self.flush(chunk, at);
        if self.oversize {
            return;
        }
        let content = &self.buf[start..];
        let mut keep = safe_cut(content);
        if text {
            keep = text_keep(&content[..keep]);
        }
        self.buf.truncate(start + keep);
    }

    /// A body text whose content starts at `start` closed at slice index `q`: keep its prefix.
    fn cut_text(&mut self, chunk: &[u8], q: usize, start: usize) {
        if self.oversize {
            return;
        }
        if start >= self.buf.len() {
            // Still in the slice: copy nothing past the prefix.
            let from = self.pending + (start - self.buf.len());
            let keep = text_keep(&chunk[from..q]);
            if from + keep < q {
                self.flush(chunk, from + keep);
                self.pending = q;
            }
            return;
        }
        self.flush(chunk, q);
        if !self.oversize {
            let keep = text_keep(&self.buf[start..]);
            self.buf.truncate(start + keep);
        }
    }
}

/// The streaming framer. Feed chunks with [`Framer::feed`], then call [`Framer::finish`].
#[derive(Debug)]
pub struct Framer {
    /// Bytes consumed before the slice being framed.
    offset: u64,
    stack: Vec<Frame>,
    expect: Expect,
    slot: Slot,
    /// Inside a string.
    string: Option<Str>,
    /// Inside a number or literal.
    scalar: bool,
    /// The last tracked key (its first [`MAX_KEY`] bytes), and what it names.
    key: Vec<u8>,
    key_name: Key,
    capture: Option<Capture>,
    entries_seen: bool,
    entry_count: usize,
    done: bool,
    utf8_carry: Vec<u8>,
    spare: Vec<u8>,
    /// [`Quick::cuts`], kept for its allocation.
    cuts: Vec<(usize, usize)>,
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
            string: None,
            scalar: false,
            key: Vec::new(),
            key_name: Key::Other,
            capture: None,
            entries_seen: false,
            entry_count: 0,
            done: false,
            utf8_carry: Vec::new(),
            spare: Vec::new(),
            cuts: Vec::new(),
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
        if chunk.is_empty() {
            return Ok(());
        }
        let mut i = 0;
        if let Some(st) = self.string.take() {
            i = self.scan_string(st, chunk, 0, out);
        } else if self.scalar {
            i = self.scan_scalar(chunk, 0, out);
        }
        while i < chunk.len() {
            // Whitespace between tokens is insignificant.
            if matches!(chunk[i], b' ' | b'\n' | b'\r' | b'\t') {
                i += 1;
                continue;
            }
            i = self.token(chunk, i, out)?;
        }
        self.end_slice(chunk);
        self.offset += chunk.len() as u64;
        Ok(())
    }

    /// The token starting at `chunk[i]`; returns the index after it.
    fn token(
        &mut self,
        chunk: &[u8],
        i: usize,
        out: &mut dyn FnMut(Framed<'_>),
    ) -> Result<usize, FrameError> {
        let entry_next = self.capture.is_none()
            && self.expect == Expect::Value
            && self.stack.last().is_some_and(|f| f.role == Role::Entries);
        if entry_next {
            if let Some(end) = self.quick_entry(chunk, i, out) {
                return Ok(end);
            }
        }
        match chunk[i] {
            b'"' => self.open_string(chunk, i, out),
            b'{' => self.open(true, i).map(|()| i + 1),
            b'[' => self.open(false, i).map(|()| i + 1),
            b'}' => self.close(true, chunk, i, out).map(|()| i + 1),
            b']' => self.close(false, chunk, i, out).map(|()| i + 1),
            b',' => self.comma(i).map(|()| i + 1),
            b':' => self.colon(i).map(|()| i + 1),
            b if is_scalar_byte(b) => {
                self.begin_value(i)?;
                Ok(self.scan_scalar(chunk, i, out))
            }
            b => Err(self.fail(i, &format!("not JSON: unexpected byte 0x{b:02x}"))),
        }
    }

    /// The entry starting at `chunk[i]`, framed in one pass when it ends in this slice (see
    /// [`Quick`]); returns the index after it, or `None` to take it token by token.
    fn quick_entry(&mut self, chunk: &[u8], i: usize, out: &mut dyn FnMut(Framed<'_>)) -> Option<usize> {
        let mut q = Quick {
            s: chunk,
            i,
            depth: self.stack.len(),
            cuts: std::mem::take(&mut self.cuts),
        };
        q.cuts.clear();
        let framed = q.value(Role::Entries, Key::Other);
        let end = q.i;
        self.cuts = q.cuts;
        framed?;
        let index = self.entry_count;
        self.entry_count += 1;
        self.value_done();
        let offset = self.offset + i as u64;
        let cut: usize = self.cuts.iter().map(|(from, to)| to - from).sum();
        if end - i - cut > MAX_ENTRY {
            out(Framed::Oversize { index, offset });
            return Some(end);
        }
        let part = Part::Entry(index);
        if self.cuts.is_empty() {
            out(Framed::Value {
                part,
                offset,
                json: &chunk[i..end],
            });
            return Some(end);
        }
        let mut buf = std::mem::take(&mut self.spare);
        buf.clear();
        let mut from = i;
        for &(cut_from, cut_to) in &self.cuts {
            buf.extend_from_slice(&chunk[from..cut_from]);
            from = cut_to;
        }
        buf.extend_from_slice(&chunk[from..end]);
        out(Framed::Value {
            part,
            offset,
            json: &buf,
        });
        buf.clear();
        self.spare = buf;
        Some(end)
    }

    /// The slice ends: copy what the capture holds of it.
    fn end_slice(&mut self, chunk: &[u8]) {
        let skipping = self.string.is_some_and(|s| s.cut);
        if let Some(c) = self.capture.as_mut() {
            if !skipping {
                c.flush(chunk, chunk.len());
            }
            c.pending = 0;
        }
    }

    /// The end of the stream: the document must be complete and hold `log.entries`.
    pub fn finish(&mut self, out: &mut dyn FnMut(Framed<'_>)) -> Result<(), FrameError> {
        if !self.utf8_carry.is_empty() {
            return Err(self.error("invalid UTF-8 (truncated character)"));
        }
        if self.scalar {
            self.end_scalar(&[], 0, out);
        }
        if self.string.is_some() || !self.stack.is_empty() {
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

    /// An error at the end of what was framed.
    fn error(&self, message: &str) -> FrameError {
        FrameError {
            offset: self.offset,
            message: message.to_string(),
        }
    }

    /// An error at index `i` of the slice being framed.
    fn fail(&self, i: usize, message: &str) -> FrameError {
        FrameError {
            offset: self.offset + i as u64,
            message: message.to_string(),
        }
    }

    /// The opening quote at `chunk[i]`: a key or a value.
    fn open_string(
        &mut self,
        chunk: &[u8],
        i: usize,
        out: &mut dyn FnMut(Framed<'_>),
    ) -> Result<usize, FrameError> {
        let key = self.expect == Expect::Key;
        if !key {
            self.begin_value(i)?;
        }
        let parent = self.stack.last().map(|f| f.role);
        let live = self.capture.as_ref().filter(|c| !c.oversize);
        let track = key
            && (self.capture.is_none()
                || matches!(parent, Some(Role::Entry | Role::Response | Role::Content)));
        if track {
            self.key.clear();
        }
        let st = Str {
            key,
            track,
            text: !key && live.is_some() && parent == Some(Role::Content) && self.key_name == Key::Text,
            escape: false,
            len: 0,
            start: live.map_or(0, |c| c.len_at(i + 1)),
            cut: false,
        };
        Ok(self.scan_string(st, chunk, i + 1, out))
    }

    /// Inside a string from `chunk[from]`: find its closing quote; returns the index after it (or
    /// the slice's end).
    fn scan_string(
        &mut self,
        mut st: Str,
        chunk: &[u8],
        from: usize,
        out: &mut dyn FnMut(Framed<'_>),
    ) -> usize {
        match string_end(&chunk[from..], st.escape) {
            Ok(n) => {
                let q = from + n;
                self.string_bytes(&mut st, chunk, from, q);
                self.close_string(st, chunk, q, out);
                q + 1
            }
            Err(escape) => {
                st.escape = escape;
                self.string_bytes(&mut st, chunk, from, chunk.len());
                self.string = Some(st);
                chunk.len()
            }
        }
    }

    /// Content bytes `chunk[from..to]` of the string `st`: record a tracked key, cut at the cap.
    fn string_bytes(&mut self, st: &mut Str, chunk: &[u8], from: usize, to: usize) {
        if st.track && self.key.len() < MAX_KEY {
            let take = (to - from).min(MAX_KEY - self.key.len());
            self.key.extend_from_slice(&chunk[from..from + take]);
        }
        st.len += to - from;
        let cap = if st.text { MAX_TEXT } else { MAX_STRING };
        if st.cut || st.len <= cap {
            return;
        }
        if let Some(c) = self.capture.as_mut().filter(|c| !c.oversize) {
            c.cut_string(chunk, to - (st.len - cap), st.start, st.text);
            st.cut = true;
        }
    }

    /// The closing quote of `st` at `chunk[q]`.
    fn close_string(&mut self, st: Str, chunk: &[u8], q: usize, out: &mut dyn FnMut(Framed<'_>)) {
        if let Some(c) = self.capture.as_mut() {
            if st.cut {
                c.pending = q;
            } else if st.text && st.len > BODY_PREFIX {
                c.cut_text(chunk, q, st.start);
            }
        }
        if st.key {
            if st.track {
                self.key_name = Key::of(&self.key);
            }
            self.expect = Expect::Colon;
        } else {
            self.value_done();
            self.emit_if_complete(chunk, q + 1, out);
        }
    }

    /// A number or literal from `chunk[i]`; returns the index after its bytes in this slice.
    fn scan_scalar(&mut self, chunk: &[u8], i: usize, out: &mut dyn FnMut(Framed<'_>)) -> usize {
        let end = i + chunk[i..].iter().take_while(|&&b| is_scalar_byte(b)).count();
        // At the slice's end it may go on in the next one.
        self.scalar = end == chunk.len();
        if !self.scalar {
            self.end_scalar(chunk, end, out);
        }
        end
    }

    /// A number or literal ended just before `chunk[end]`.
    fn end_scalar(&mut self, chunk: &[u8], end: usize, out: &mut dyn FnMut(Framed<'_>)) {
        self.scalar = false;
        self.value_done();
        self.emit_if_complete(chunk, end, out);
    }

    fn begin_value(&mut self, i: usize) -> Result<(), FrameError> {
        if self.done && self.stack.is_empty() {
            return Err(self.fail(i, "not JSON: trailing data after the document"));
        }
        match self.expect {
            Expect::Value => {}
            Expect::Key => return Err(self.fail(i, "not JSON: expected an object key")),
            Expect::Colon => return Err(self.fail(i, "not JSON: expected ':'")),
            Expect::After => return Err(self.fail(i, "not JSON: expected ',' or a closing bracket")),
        }
        if self.capture.is_none() {
            self.maybe_capture(i);
        }
        Ok(())
    }

    /// A value starts at `i` outside any capture: capture it if it is an entry or a log part.
    fn maybe_capture(&mut self, i: usize) {
        let part = match (self.stack.last().map(|f| f.role), self.slot) {
            (Some(Role::Entries), _) => {
                let i = self.entry_count;
                self.entry_count += 1;
                Part::Entry(i)
            }
            (Some(Role::Log), Slot::Capture(p)) => p,
            _ => return,
        };
        self.capture = Some(Capture {
            part,
            offset: self.offset + i as u64,
            depth: self.stack.len(),
            buf: std::mem::take(&mut self.spare),
            pending: i,
            oversize: false,
        });
    }

    fn open(&mut self, object: bool, i: usize) -> Result<(), FrameError> {
        self.begin_value(i)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.fail(i, "JSON nested too deeply"));
        }
        let role = match (self.stack.last().map(|f| f.role), self.slot, object) {
            (None, _, true) => Role::Root,
            (None, _, false) => return Err(self.fail(i, "not a HAR file: the document is not a JSON object")),
            (Some(Role::Root), Slot::Log, true) => Role::Log,
            (Some(Role::Log), Slot::Entries, false) => {
                self.entries_seen = true;
                Role::Entries
            }
            (Some(Role::Log), Slot::Entries, true) => {
                return Err(self.fail(i, "not a HAR file: `log.entries` is not an array"));
            }
            (Some(parent), _, true) => child_role(parent, self.key_name),
            _ => Role::Other,
        };
        self.slot = Slot::None;
        self.stack.push(Frame { object, role });
        self.expect = if object { Expect::Key } else { Expect::Value };
        Ok(())
    }

    fn close(
        &mut self,
        object: bool,
        chunk: &[u8],
        i: usize,
        out: &mut dyn FnMut(Framed<'_>),
    ) -> Result<(), FrameError> {
        let Some(top) = self.stack.last().copied() else {
            return Err(self.fail(i, "not JSON: unbalanced closing bracket"));
        };
        if top.object != object {
            return Err(self.fail(i, "not JSON: mismatched closing bracket"));
        }
        let empty_ok = matches!(self.expect, Expect::After)
            || (object && self.expect == Expect::Key)
            || (!object && self.expect == Expect::Value);
        if !empty_ok {
            return Err(self.fail(i, "not JSON: unexpected closing bracket"));
        }
        self.stack.pop();
        if self.stack.is_empty() {
            self.done = true;
        }
        self.value_done();
        self.emit_if_complete(chunk, i + 1, out);
        Ok(())
    }

    fn comma(&mut self, i: usize) -> Result<(), FrameError> {
        if self.expect != Expect::After {
            return Err(self.fail(i, "not JSON: unexpected ','"));
        }
        let object = self.stack.last().is_some_and(|f| f.object);
        self.expect = if object { Expect::Key } else { Expect::Value };
        Ok(())
    }

    fn colon(&mut self, i: usize) -> Result<(), FrameError> {
        if self.expect != Expect::Colon {
            return Err(self.fail(i, "not JSON: unexpected ':'"));
        }
        self.expect = Expect::Value;
        if self.capture.is_none() {
            self.slot = match (self.stack.last().map(|f| f.role), self.key_name) {
                (Some(Role::Root), Key::Log) => Slot::Log,
                (Some(Role::Log), Key::Entries) => Slot::Entries,
                (Some(Role::Log), Key::Pages) => Slot::Capture(Part::Pages),
                (Some(Role::Log), Key::Creator) => Slot::Capture(Part::Creator),
                (Some(Role::Log), Key::Browser) => Slot::Capture(Part::Browser),
                _ => Slot::None,
            };
        }
        Ok(())
    }

    fn value_done(&mut self) {
        self.expect = Expect::After;
        self.slot = Slot::None;
    }

    /// A value ended just before `chunk[end]`: hand the capture over if that was its end.
    fn emit_if_complete(&mut self, chunk: &[u8], end: usize, out: &mut dyn FnMut(Framed<'_>)) {
        let complete = self.capture.as_ref().is_some_and(|c| c.depth == self.stack.len());
        if !complete {
            return;
        }
        let mut c = self.capture.take().expect("capture");
        let borrowed = c.buf.is_empty() && !c.oversize;
        if !borrowed {
            c.flush(chunk, end);
        }
        let json = if borrowed {
            &chunk[c.pending..end]
        } else {
            &c.buf[..]
        };
        if c.oversize || json.len() > MAX_ENTRY {
            if let Part::Entry(index) = c.part {
                out(Framed::Oversize {
                    index,
                    offset: c.offset,
                });
            }
        } else {
            out(Framed::Value {
                part: c.part,
                offset: c.offset,
                json,
            });
        }
        c.buf.clear();
        self.spare = c.buf;
    }
}

/// One recursive pass over a value that lies in a slice, with the token-by-token path's checks
/// and cuts but none of its per-token state. It gives up (`None`) on whatever that path handles
/// otherwise: the slice ending first, anything it would report as an error, a string longer than
/// [`MAX_STRING`], nesting deeper than [`MAX_DEPTH`]. A body text longer than [`MAX_TEXT`] is cut
/// as that path cuts it: past the bytes that decode to [`BODY_PREFIX`], well inside `MAX_TEXT`.
struct Quick<'c> {
    s: &'c [u8],
    i: usize,
    depth: usize,
    /// Body-text bytes cut out, as ranges of the slice, in order.
    cuts: Vec<(usize, usize)>,
}

impl Quick<'_> {
    /// The next byte after whitespace (not consumed).
    fn peek(&mut self) -> Option<u8> {
        loop {
            let b = *self.s.get(self.i)?;
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(b);
            }
            self.i += 1;
        }
    }

    /// A value whose container has role `parent` (at its member `key`).
    fn value(&mut self, parent: Role, key: Key) -> Option<()> {
        match self.peek()? {
            b'"' if parent == Role::Content && key == Key::Text => self.text(),
            b'"' => {
                let (start, end) = self.string()?;
                (end - start <= MAX_STRING).then_some(())
            }
            b'{' => self.object(child_role(parent, key)),
            b'[' => self.array(),
            b if is_scalar_byte(b) => {
                self.i += self.s[self.i..]
                    .iter()
                    .take_while(|&&b| is_scalar_byte(b))
                    .count();
                (self.i < self.s.len()).then_some(())
            }
            _ => None,
        }
    }

    fn object(&mut self, role: Role) -> Option<()> {
        self.open()?;
        if self.peek()? == b'}' {
            return self.close();
        }
        let tracked = matches!(role, Role::Entry | Role::Response | Role::Content);
        loop {
            if self.peek()? != b'"' {
                return None;
            }
            let (start, end) = self.string()?;
            if end - start > MAX_STRING {
                return None;
            }
            let key = if tracked {
                Key::of(&self.s[start..end])
            } else {
                Key::Other
            };
            if self.peek()? != b':' {
                return None;
            }
            self.i += 1;
            self.value(role, key)?;
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => return self.close(),
                _ => return None,
            }
        }
    }

    fn array(&mut self) -> Option<()> {
        self.open()?;
        if self.peek()? == b']' {
            return self.close();
        }
        loop {
            self.value(Role::Other, Key::Other)?;
            match self.peek()? {
                b',' => self.i += 1,
                b']' => return self.close(),
                _ => return None,
            }
        }
    }

    fn open(&mut self) -> Option<()> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        self.i += 1;
        Some(())
    }

    fn close(&mut self) -> Option<()> {
        self.depth -= 1;
        self.i += 1;
        Some(())
    }

    /// The string opening at `self.i`: its content's range.
    fn string(&mut self) -> Option<(usize, usize)> {
        let start = self.i + 1;
        let end = start + string_end(&self.s[start..], false).ok()?;
        self.i = end + 1;
        Some((start, end))
    }

    /// The body text opening at `self.i`: cut past its prefix.
    fn text(&mut self) -> Option<()> {
        let start = self.i + 1;
        let (keep, closed) = text_walk(&self.s[start..]);
        let keep = start + keep;
        let end = if closed {
            keep
        } else {
            keep + string_end(&self.s[keep..], false).ok()?
        };
        if keep < end {
            self.cuts.push((keep, end));
        }
        self.i = end + 1;
        Some(())
    }
}

/// The role of an object under a `parent` object at its member `key`.
fn child_role(parent: Role, key: Key) -> Role {
    match (parent, key) {
        (Role::Entries, _) => Role::Entry,
        (Role::Entry, Key::Response) => Role::Response,
        (Role::Response, Key::Content) => Role::Content,
        _ => Role::Other,
    }
}

/// The index of a string's closing quote in `s` (its content from the start, or from where the
/// previous slice ended, `escaped` if that was on an escaping backslash); when `s` ends first,
/// whether its last byte escapes the next one.
///
/// Eight bytes at a time: a word with neither `"` nor `\\` is passed at once; in one with
/// backslashes but no run of two, each escapes the byte after it, so its quotes are sorted out
/// at once too (bodies that hold JSON are full of `\\"`); only runs of backslashes go byte by byte.
fn string_end(s: &[u8], escaped: bool) -> Result<usize, bool> {
    let mut i = 0;
    // Whether `s[i]` is escaped.
    let mut escaped = escaped;
    while let Some(word) = s.get(i..i + 8) {
        let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        let quotes = zero_bytes_exact(w ^ (LO * u64::from(b'"')));
        let backslashes = zero_bytes_exact(w ^ (LO * u64::from(b'\\')));
        let after_backslash = backslashes << 8 | u64::from(escaped) << 7;
        if backslashes & after_backslash == 0 {
            let closing = quotes & !after_backslash;
            if closing != 0 {
                return Ok(i + (closing.trailing_zeros() / 8) as usize);
            }
            escaped = backslashes >> 63 == 1;
        } else {
            match bytewise_end(word, escaped) {
                Ok(q) => return Ok(i + q),
                Err(e) => escaped = e,
            }
        }
        i += 8;
    }
    bytewise_end(&s[i..], escaped).map(|q| i + q)
}

/// [`string_end`] one byte at a time.
fn bytewise_end(s: &[u8], mut escaped: bool) -> Result<usize, bool> {
    for (i, &b) in s.iter().enumerate() {
        if escaped {
            escaped = false;
        } else if b == b'"' {
            return Ok(i);
        } else if b == b'\\' {
            escaped = true;
        }
    }
    Err(escaped)
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The high bit of every byte of `w` that is zero, and maybe of some bytes above one that is (the
/// lowest set bit is always exact).
fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(LO) & !w & HI
}

/// The high bit of every byte of `w` that is zero, and of no other.
fn zero_bytes_exact(w: u64) -> u64 {
    !((w & !HI).wrapping_add(!HI) | w) & HI
}

/// How many bytes of `s` come before its first `"` or `\\`, eight bytes at a time.
fn plain_run(s: &[u8]) -> usize {
    let mut i = 0;
    while let Some(word) = s.get(i..i + 8) {
        let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        let hit = zero_bytes(w ^ (LO * u64::from(b'"'))) | zero_bytes(w ^ (LO * u64::from(b'\\')));
        if hit != 0 {
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + s[i..].iter().take_while(|&&b| b != b'"' && b != b'\\').count()
}

/// How much of `s`, the first bytes of a longer string's raw content, to keep so that it ends on
/// a character boundary, after a complete escape, and not between the halves of a surrogate pair.
fn safe_cut(s: &[u8]) -> usize {
    let mut end = utf8_floor(s);
    if let Some(p) = (end.saturating_sub(5)..end).rev().find(|&p| s[p] == b'\\') {
        if escapes_next(s, p) && (p + 1 == end || (s[p + 1] == b'u' && p + 6 > end)) {
            end = p;
        }
    }
    if end >= 6 && escapes_next(s, end - 6) && is_high_surrogate(&s[end - 5..end]) {
        end -= 6;
    }
    end
}

/// Whether `s[p]` is a backslash that starts an escape (after an even run of backslashes).
fn escapes_next(s: &[u8], p: usize) -> bool {
    s[p] == b'\\' && s[..p].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 0
}

/// `uD800` to `uDBFF` (an escape's tail).
fn is_high_surrogate(e: &[u8]) -> bool {
    e[0] == b'u' && hex4(&e[1..]).is_some_and(|cp| (0xD800..0xDC00).contains(&cp))
}

/// The value of four hex digits.
fn hex4(h: &[u8]) -> Option<u32> {
    let h = std::str::from_utf8(h.get(..4)?).ok()?;
    if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(h, 16).ok()
}

/// `s`'s length without a character cut at its end.
fn utf8_floor(s: &[u8]) -> usize {
    let mut j = s.len();
    while j > s.len().saturating_sub(3) && s[j - 1] & 0xC0 == 0x80 {
        j -= 1;
    }
    match j.checked_sub(1) {
        Some(lead) if s[lead] >= 0xC0 && lead + utf8_len(s[lead]) > s.len() => lead,
        _ => s.len(),
    }
}

/// How much of a body text's raw content `s` to keep: just enough to decode to [`BODY_PREFIX`]
/// bytes (or all of it), ending after a complete escape and on a character boundary.
fn text_keep(s: &[u8]) -> usize {
    text_walk(s).0
}

/// Walk a body text's raw content from its start to what [`text_keep`] keeps, or to its closing
/// quote (then `true`, and its index) if that comes first, or to the end of `s`.
fn text_walk(s: &[u8]) -> (usize, bool) {
    let (mut raw, mut decoded) = (0, 0);
    loop {
        let need = BODY_PREFIX - decoded;
        let plain = plain_run(&s[raw..]);
        if plain >= need {
            let mut end = raw + need;
            while end < s.len() && s[end] & 0xC0 == 0x80 {
                end += 1;
            }
            return (end, false);
        }
        raw += plain;
        decoded += plain;
        match s.get(raw) {
            None => return (raw, false),
            Some(b'"') => return (raw, true),
            Some(_) => {
                let (len, bytes) = escape_size(&s[raw..]);
                raw += len;
                decoded += bytes;
                if decoded >= BODY_PREFIX || raw >= s.len() {
                    return (raw.min(s.len()), false);
                }
            }
        }
    }
}

/// The escape at the start of `e` (`e[0]` is a backslash): its length, and the length of what it
/// decodes to. A malformed one counts as short; serde_json rejects it later.
fn escape_size(e: &[u8]) -> (usize, usize) {
    match e.get(1) {
        Some(b'u') => match hex4(&e[2..]) {
            Some(0xD800..=0xDBFF) => match (e.get(6..8), e.get(8..).and_then(hex4)) {
                (Some(b"\\u"), Some(0xDC00..=0xDFFF)) => (12, 4),
                _ => (6, 3),
            },
            Some(cp) if cp < 0x80 => (6, 1),
            Some(cp) if cp < 0x800 => (6, 2),
            Some(_) => (6, 3),
            None => (2, 1),
        },
        Some(b) if b.is_ascii() => (2, 1),
        _ => (1, 1),
    }
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

    /// The same values whatever the chunking (chunk 1 goes token by token, the whole document
    /// through [`Quick`]).
    fn frame_all_ways(doc: &str, chunks: &[usize]) -> Vec<(Part, String)> {
        let whole = frame(doc.as_bytes(), doc.len()).unwrap();
        for &chunk in chunks {
            assert_eq!(frame(doc.as_bytes(), chunk).unwrap(), whole, "chunk size {chunk}");
        }
        whole
    }

    const DOC: &str = r#"{ "log" : { "version":"1.2", "creator": {"name":"Firefox","version":"128"},
        "pages": [ {"id":"p","title":"https://app.test/"} ],
        "entries": [ {"a": [1, 2.5e3, true, null], "s": "q\"\\é\u00e9"}, {}, "x", 7 ],
        "comment": "entries: [ not these ]" } }"#;

    #[test]
    fn finds_entries_pages_and_creator_whatever_the_chunking() {
        let all: Vec<usize> = (1..DOC.len()).collect();
        assert_eq!(
            frame_all_ways(DOC, &all),
            vec![
                (Part::Creator, r#"{"name":"Firefox","version":"128"}"#.to_string()),
                (
                    Part::Pages,
                    r#"[ {"id":"p","title":"https://app.test/"} ]"#.to_string()
                ),
                (
                    Part::Entry(0),
                    r#"{"a": [1, 2.5e3, true, null], "s": "q\"\\é\u00e9"}"#.to_string()
                ),
                (Part::Entry(1), "{}".to_string()),
                (Part::Entry(2), r#""x""#.to_string()),
                (Part::Entry(3), "7".to_string()),
            ]
        );
    }

    #[test]
    fn an_entry_inside_the_chunk_is_borrowed_not_copied() {
        let range = DOC.as_bytes().as_ptr_range();
        let mut f = Framer::new();
        let mut borrowed = Vec::new();
        let mut push = |x: Framed<'_>| {
            if let Framed::Value { json, .. } = x {
                borrowed.push(range.contains(&json.as_ptr()));
            }
        };
        f.feed(DOC.as_bytes(), &mut push).unwrap();
        f.finish(&mut push).unwrap();
        assert_eq!(borrowed, [true; 6]);
    }

    #[test]
    fn long_strings_are_cut_at_a_character_boundary_and_stay_valid_json() {
        let body = "é".repeat(MAX_STRING) + &"\\u00e9".repeat(10);
        let doc = format!(r#"{{"log":{{"entries":[{{"text":"{body}","after":1}}]}}}}"#);
        let got = frame_all_ways(&doc, &[4096, 1000, 7]);
        let v: serde_json::Value = serde_json::from_str(&got[0].1).expect("still JSON");
        assert!(v["text"].as_str().unwrap().len() <= MAX_STRING);
        assert_eq!(v["after"], 1);
    }

    #[test]
    fn finds_the_closing_quote_past_escapes_and_across_slices() {
        let cases: [&[u8]; 7] = [
            br#"abc" x"#,
            br#"a\"b\\" x"#,
            br#"\\\\\\\\\\\"\\\\" x"#,
            br#"0123456789abcdef\u00e9\"0123456789" x"#,
            "é\\\"ü€𝄞\" x".as_bytes(),
            br#"" x"#,
            br#"\\" x"#,
        ];
        for s in cases {
            // The first unescaped quote, byte by byte.
            let mut end = 0;
            while s[end] != b'"' {
                end += if s[end] == b'\\' { 2 } else { 1 };
            }
            assert_eq!(string_end(s, false), Ok(end));
            for split in 0..=end {
                let (a, b) = s.split_at(split);
                let Err(escaped) = string_end(a, false) else {
                    panic!("{s:?} split at {split}: a closing quote in the first part");
                };
                assert_eq!(
                    string_end(b, escaped).map(|q| q + split),
                    Ok(end),
                    "{s:?} at {split}"
                );
            }
        }
        assert_eq!(plain_run(br#"0123456789abcdef""#), 16);
        assert_eq!(plain_run(b"0123456789abcdef"), 16);
    }

    proptest::proptest! {
        /// The word-at-a-time scan finds what the byte-by-byte one finds, split anywhere.
        #[test]
        fn string_end_agrees_with_the_bytewise_scan(
            s in proptest::collection::vec(proptest::sample::select(b"\"\\\\ab\xc3".to_vec()), 0..40),
            escaped: bool,
            split in 0..40usize,
        ) {
            proptest::prop_assert_eq!(string_end(&s, escaped), bytewise_end(&s, escaped));
            let (a, b) = s.split_at(split.min(s.len()));
            let joined = string_end(a, escaped).or_else(|e| string_end(b, e).map(|q| q + a.len()));
            proptest::prop_assert_eq!(joined, bytewise_end(&s, escaped));
        }
    }

    #[test]
    fn a_cut_never_splits_an_escape_or_a_surrogate_pair() {
        for shift in 0..24 {
            let body = "a".repeat(MAX_STRING - 12 + shift) + &r#"\u00e9\ud83d\ude00\"x\\é"#.repeat(4);
            let doc = format!(r#"{{"log":{{"entries":[{{"text":"{body}","k":"\\"}}]}}}}"#);
            let got = frame_all_ways(&doc, &[7, 4096]);
            let v: serde_json::Value =
                serde_json::from_str(&got[0].1).unwrap_or_else(|e| panic!("shift {shift}: {e}"));
            assert_eq!(v["k"], "\\");
        }
    }

    #[test]
    fn a_cut_keeps_complete_escapes_and_characters() {
        // Runs of escaped backslashes stay (all but a dangling one).
        assert_eq!(safe_cut(&br"\\".repeat(100)), 200);
        assert_eq!(safe_cut(&[&br"\\".repeat(100)[..], b"\\"].concat()), 200);
        assert_eq!(safe_cut(br"ab\u00"), 2);
        assert_eq!(safe_cut(br"ab\u00e9"), 8);
        assert_eq!(safe_cut(br"ab\\u00"), 7);
        assert_eq!(safe_cut(br"ab\ud83d"), 2);
        assert_eq!(safe_cut(br"ab\ud83d\ude00"), 14);
        assert_eq!(safe_cut(br"ab\\ud83d"), 9);
        assert_eq!(safe_cut("ab€".as_bytes()), 5);
        assert_eq!(safe_cut(&"ab€".as_bytes()[..4]), 2);
        assert_eq!(safe_cut(&"ab𝄞".as_bytes()[..5]), 2);
    }

    /// An entry whose body is `text` (raw JSON string content).
    fn with_body(text: &str) -> String {
        format!(
            r#"{{"request":{{"method":"GET","url":"u"}},"response":{{"status":200,"content":{{"size":1,"text":"{text}","mimeType":"x"}}}},"text":"{text}"}}"#
        )
    }

    #[test]
    fn a_body_is_cut_just_past_its_prefix_whatever_the_escapes_and_chunking() {
        let pieces = [
            r#"\"k\": 1, "#,
            r"\u0001",
            r"\ud83d\ude00",
            "é€𝄞",
            r"\\",
            r"\n\t",
            "plain text ",
        ];
        for (n, piece) in pieces.iter().enumerate() {
            for len in [
                BODY_PREFIX / 2,
                BODY_PREFIX,
                BODY_PREFIX + 3,
                3 * BODY_PREFIX,
                2 * MAX_TEXT,
            ] {
                let text = format!("{}{}", &"abc"[..n % 3], piece.repeat(len / piece.len() + 1));
                let entry = with_body(&text);
                let doc = format!(r#"{{"log":{{"entries":[{entry}, {entry}]}}}}"#);
                let got = frame_all_ways(&doc, &[1, 7, 1000, 4096]);
                let full = crate::har::parse_entry(entry.as_bytes(), 0).unwrap();
                for (_, json) in got {
                    let cut = crate::har::parse_entry(json.as_bytes(), 0).unwrap();
                    assert_eq!(cut, full, "{piece:?} × {len}");
                    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
                    let kept = v["response"]["content"]["text"].as_str().unwrap();
                    assert!(kept.len() <= BODY_PREFIX + 3, "{piece:?} × {len}: {}", kept.len());
                    if text.len() <= MAX_STRING {
                        let whole: String = serde_json::from_str(&format!(r#""{text}""#)).unwrap();
                        assert_eq!(v["text"], whole, "not a body: kept whole");
                    }
                }
            }
        }
    }

    #[test]
    fn the_size_limit_applies_to_the_entry_as_handed_over() {
        let body = "x".repeat(MAX_TEXT);
        // `n` bytes of strings short enough to be kept whole.
        let pad = |n: usize| format!("[{}\"\"]", format!("\"{}\",", "p".repeat(997)).repeat(n / 1000));
        // Over the limit before the body is cut, under it after.
        let under = format!(
            r#"{{"pad":{},"response":{{"content":{{"text":"{body}"}}}}}}"#,
            pad(MAX_ENTRY - 1200)
        );
        let over = format!(r#"{{"pad":{}}}"#, pad(MAX_ENTRY + 2000));
        let doc = format!(r#"{{"log":{{"entries":[{under},{over}]}}}}"#);
        let got = frame_all_ways(&doc, &[1 << 20, 65536, 4093]);
        assert!(got[0].1.len() <= MAX_ENTRY, "{}", got[0].1.len());
        assert_eq!(got[1].1, "OVERSIZE");
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

    #[test]
    fn errors_inside_an_entry_are_the_same_whatever_the_chunking() {
        // (Trailing commas are let through, as ever; serde_json rejects the entry.)
        let bad = [
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":1 "b":2}"#,
            r#"{1:2}"#,
            r#"{"a":[}"#,
            r#"{"a":@}"#,
            "{\"a\":\u{e9}}",
        ];
        for entry in bad {
            let doc = format!(r#"{{"log":{{"entries":[{{}}, {entry}, {{}}]}}}}"#);
            let whole = frame(doc.as_bytes(), doc.len());
            for chunk in 1..doc.len() {
                assert_eq!(frame(doc.as_bytes(), chunk), whole, "{entry} chunk {chunk}");
            }
        }
        let deep = format!(r#"{{"log":{{"entries":[{}]}}}}"#, "[".repeat(MAX_DEPTH));
        assert!(frame(deep.as_bytes(), deep.len())
            .unwrap_err()
            .message
            .contains("too deeply"));
    }
}

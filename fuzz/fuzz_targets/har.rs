//! HAR parsing (`har`): the streaming framer, entry parsing and the whole analysis, on arbitrary
//! bytes. The first byte picks the chunk size the document is fed in.
//!
//! Invariants: framing does not depend on how the stream is cut into chunks: the same values at
//! the same offsets, and an error in one feed means an error in the other. (UTF-8 is checked per
//! chunk before framing, so when the input is bad the first error reported, and how many values
//! came out before it, may differ; then one value list must be a prefix of the other. See
//! regressions/har/.) Every framed value lies inside the input; analysis of whatever was framed
//! never panics and emits at most one result per entry.

#![no_main]

use cors_doctor_core::har::{parse_entry, Analyzer, Framed, Framer, Options, Part};
use cors_doctor_core::Engine;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, PartialEq, Eq)]
enum Got {
    Value(Part, u64, Vec<u8>),
    Oversize(usize, u64),
}

fn frame(doc: &[u8], chunk: usize) -> (Vec<Got>, Option<String>) {
    let mut framer = Framer::new();
    let mut got = Vec::new();
    let mut push = |f: Framed<'_>| match f {
        Framed::Value { part, offset, json } => got.push(Got::Value(part, offset, json.to_vec())),
        Framed::Oversize { index, offset } => got.push(Got::Oversize(index, offset)),
    };
    for piece in doc.chunks(chunk) {
        if let Err(e) = framer.feed(piece, &mut push) {
            return (got, Some(e.to_string()));
        }
    }
    let err = framer.finish(&mut push).err().map(|e| e.to_string());
    (got, err)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, doc)) = data.split_first() else {
        return;
    };
    let whole = frame(doc, doc.len().max(1));
    let split = frame(doc, usize::from(first).max(1));
    assert_eq!(
        whole.1.is_some(),
        split.1.is_some(),
        "an error depends on chunking (chunk {first}): {whole:?} {split:?}"
    );
    if whole.1.is_none() {
        assert_eq!(whole.0, split.0, "framing depends on chunking (chunk {first})");
    } else {
        let n = whole.0.len().min(split.0.len());
        assert_eq!(
            whole.0[..n],
            split.0[..n],
            "framing before the error depends on chunking (chunk {first})"
        );
    }
    for g in &whole.0 {
        if let Got::Value(_, offset, json) = g {
            assert!(
                *offset as usize + json.len() <= doc.len(),
                "value past the end of the input"
            );
        }
    }
    analyze(&whole.0);
});

fn analyze(framed: &[Got]) {
    let mut analyzer = Analyzer::new(Options {
        origin: None,
        engines: vec![Engine::Chromium, Engine::Firefox, Engine::Webkit],
    });
    let mut results = 0usize;
    let mut entries = 0usize;
    for g in framed {
        match g {
            Got::Value(Part::Entry(index), offset, json) => {
                entries += 1;
                match parse_entry(json, *index) {
                    Ok(entry) => analyzer.push(entry, &mut |_| results += 1),
                    Err(e) => analyzer.skip(*index, *offset, e.to_string()),
                }
            }
            Got::Value(Part::Pages, _, json) => analyzer.set_pages(json),
            Got::Value(Part::Creator | Part::Browser, _, json) => analyzer.set_creator(json),
            Got::Oversize(index, offset) => {
                entries += 1;
                analyzer.skip(*index, *offset, "oversize".to_owned());
            }
        }
    }
    let _ = analyzer.finish(&mut |_| results += 1);
    assert!(results <= entries, "{results} results for {entries} entries");
}

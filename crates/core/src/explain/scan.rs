//! Text plumbing for the console-message parser: DevTools line prefixes are removed, then the whole
//! paste is "compacted" (whitespace dropped, typographic quotes folded to ASCII) so that a message
//! wrapped across lines, at a space or in the middle of a word, still matches its template.
//!
//! Every compact byte maps back to the original text, so values that may hold spaces (an
//! `Access-Control-Allow-Origin` list such as `'*, *'`) are taken from the original.

/// Remove DevTools decorations at the start of each line: `[Error]`, `❌`, timestamps,
/// `index.js:12` / `(index):1` / `VM12:3` source locations and `Uncaught (in promise)`.
pub(crate) fn clean(text: &str) -> String {
    let unescaped;
    let text = if ["&#39;", "&#x27;", "&quot;"].iter().any(|e| text.contains(e)) {
        // Copied from a web page's HTML source: undo the escaping of quotes.
        unescaped = text
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        unescaped.as_str()
    } else {
        text
    };
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(strip_prefixes(line));
        out.push('\n');
    }
    out
}

/// A line without any prefix is kept as it is (its leading space may be a wrapped value's space).
fn strip_prefixes(original: &str) -> &str {
    let mut line = original;
    let mut stripped = false;
    loop {
        let trimmed = line.trim_start_matches(|c: char| c.is_whitespace() || is_decoration(c));
        stripped |= trimmed.len() != line.trim_start().len();
        let next = strip_one(trimmed);
        if next.len() == trimmed.len() {
            return if stripped { trimmed } else { original };
        }
        stripped = true;
        line = next;
    }
}

fn is_decoration(c: char) -> bool {
    matches!(
        c,
        '❌' | '⚠' | '⛔' | '✖' | '✕' | '▶' | '►' | '\u{fe0f}' | '\u{200b}' | '\u{feff}' | '>'
    )
}

fn strip_one(line: &str) -> &str {
    for tag in [
        "[Error]",
        "[Warning]",
        "[Log]",
        "[Info]",
        "[Debug]",
        "Uncaught (in promise)",
        "Uncaught",
    ] {
        if line.len() >= tag.len()
            && line.is_char_boundary(tag.len())
            && line[..tag.len()].eq_ignore_ascii_case(tag)
        {
            return &line[tag.len()..];
        }
    }
    let Some(end) = line.find(char::is_whitespace) else {
        return line;
    };
    let token = &line[..end];
    if is_timestamp(token) || is_source_location(token) {
        return &line[end..];
    }
    line
}

/// `12:34:56.789`, `[12:34:56]`, `2026-01-02T03:04:05.678Z`, `2026-01-02`: a clock time or a
/// calendar date in the shapes consoles and log exporters print, nothing looser. A wrapped line
/// may start with the rest of a URL (`1024/--.`), which must not be taken for a timestamp.
fn is_timestamp(token: &str) -> bool {
    let t = token.strip_prefix('[').unwrap_or(token);
    let t = t.strip_suffix(']').unwrap_or(t);
    match t.split_once('T') {
        Some((date, time)) => is_date(date) && is_clock(time.strip_suffix('Z').unwrap_or(time)),
        None => is_date(t) || is_clock(t),
    }
}

/// `YYYY-MM-DD`.
fn is_date(t: &str) -> bool {
    let mut parts = t.split('-');
    let shape = [4, 2, 2].map(|len| parts.next().is_some_and(|p| is_digits(p, len..=len)));
    shape.iter().all(|ok| *ok) && parts.next().is_none()
}

/// `H:MM`, `HH:MM:SS`, with an optional `.fff` / `,fff` fraction and `+HH:MM` offset.
fn is_clock(t: &str) -> bool {
    let t = match t.split_once('+') {
        Some((clock, offset)) if is_clock(offset) => clock,
        Some(_) => return false,
        None => t,
    };
    let (whole, fraction) = t.split_once(['.', ',']).unwrap_or((t, "0"));
    let fields: Vec<&str> = whole.split(':').collect();
    (2..=3).contains(&fields.len())
        && is_digits(fields[0], 1..=2)
        && fields[1..].iter().all(|f| is_digits(f, 2..=2))
        && is_digits(fraction, 1..=9)
}

fn is_digits(s: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// `index.js:12`, `main.8f3a.js:2:1234`, `(index):1`, `VM123:4`, `api.example.com/data:1`.
fn is_source_location(token: &str) -> bool {
    let mut rest = token;
    let mut numbers = 0;
    while let Some((head, tail)) = rest.rsplit_once(':') {
        if tail.is_empty() || !tail.bytes().all(|b| b.is_ascii_digit()) || numbers == 2 {
            break;
        }
        numbers += 1;
        rest = head;
    }
    numbers > 0
        && !rest.is_empty()
        && !rest.contains("://")
        && (rest.contains('.') || rest.starts_with('(') || rest.starts_with("VM") || rest.contains('/'))
}

/// The whitespace-free, quote-folded view of a text, with a map back to the original offsets.
pub(crate) struct Compact<'a> {
    /// The original (cleaned) text.
    pub(crate) orig: &'a str,
    /// Compacted, original case.
    pub(crate) text: String,
    /// Compacted, ASCII-lowercased (same byte offsets as `text`).
    pub(crate) lower: String,
    /// For each byte of `text`, the offset of its character in `orig`.
    map: Vec<usize>,
}

impl<'a> Compact<'a> {
    pub(crate) fn new(orig: &'a str) -> Self {
        let mut text = String::with_capacity(orig.len());
        let mut map = Vec::with_capacity(orig.len());
        for (i, c) in orig.char_indices() {
            if c.is_whitespace() || matches!(c, '\u{200b}' | '\u{feff}') {
                continue;
            }
            let c = fold_quote(c);
            let before = text.len();
            text.push(c);
            map.extend(std::iter::repeat_n(i, text.len() - before));
        }
        let lower = text.to_ascii_lowercase();
        Compact {
            orig,
            text,
            lower,
            map,
        }
    }

    /// Compact byte offset → original byte offset (the end maps to the end).
    pub(crate) fn orig_at(&self, pos: usize) -> usize {
        self.map.get(pos).copied().unwrap_or(self.orig.len())
    }

    /// The first compact position whose original offset is at or after `off`.
    pub(crate) fn pos_at_orig(&self, off: usize) -> usize {
        self.map.partition_point(|&o| o < off)
    }

    /// Find the compacted, lowercased `lit` at or after `from`.
    pub(crate) fn find(&self, lit: &str, from: usize) -> Option<usize> {
        let needle = compact_lit(lit);
        self.lower.get(from..)?.find(&needle).map(|p| p + from)
    }

    /// All positions of `lit`.
    pub(crate) fn find_all(&self, lit: &str) -> Vec<usize> {
        let needle = compact_lit(lit);
        self.lower.match_indices(&needle).map(|(p, _)| p).collect()
    }

    /// The last position of `lit` that starts before `before`.
    pub(crate) fn rfind_before(&self, lit: &str, before: usize) -> Option<usize> {
        let needle = compact_lit(lit);
        self.lower.get(..before)?.rfind(&needle)
    }

    /// If `lit` starts at `pos`, the position just after it.
    pub(crate) fn at(&self, pos: usize, lit: &str) -> Option<usize> {
        let needle = compact_lit(lit);
        self.lower
            .get(pos..)?
            .starts_with(&needle)
            .then_some(pos + needle.len())
    }

    /// The compact text between two positions: for values that never hold spaces (URLs, tokens).
    pub(crate) fn token(&self, a: usize, b: usize) -> String {
        self.text.get(a..b).unwrap_or_default().to_string()
    }

    /// The original text between two compact positions, whitespace runs collapsed to one space.
    pub(crate) fn value(&self, a: usize, b: usize) -> String {
        let (oa, ob) = (self.orig_at(a), self.orig_at(b));
        let raw = if a >= b {
            ""
        } else {
            self.orig.get(oa..ob).unwrap_or_default()
        };
        // A line break with no space beside it split a word; one next to a space was a space.
        let mut joined = String::with_capacity(raw.len());
        let mut prev = ' ';
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\n' || c == '\r' {
                let next = chars.peek().copied().unwrap_or(' ');
                if prev == ' ' || prev == '\t' || next == ' ' || next == '\t' || next == '\n' {
                    joined.push(' ');
                }
                continue;
            }
            joined.push(c);
            prev = c;
        }
        joined
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .map(fold_quote)
            .collect()
    }

    /// An HTTP status at `pos` (up to three digits, contiguous in the original so that a
    /// timestamp on the next line is not read into it): the number and the position after it.
    pub(crate) fn number(&self, pos: usize) -> Option<(u16, usize)> {
        let bytes = self.text.as_bytes();
        let mut digits = 0;
        while digits < 3 && bytes.get(pos + digits).is_some_and(u8::is_ascii_digit) {
            if digits > 0 && self.map[pos + digits] != self.map[pos + digits - 1] + 1 {
                break;
            }
            digits += 1;
        }
        let n = self.text.get(pos..pos + digits)?.parse().ok()?;
        Some((n, pos + digits))
    }

    /// The compact position of the end of the original line that holds `pos`.
    pub(crate) fn line_end(&self, pos: usize) -> usize {
        let o = self.orig_at(pos);
        let end = self.orig[o..].find('\n').map_or(self.orig.len(), |e| o + e);
        self.pos_at_orig(end)
    }

    /// The original line holding compact position `pos`, trimmed.
    pub(crate) fn line_of(&self, pos: usize) -> &'a str {
        let o = self.orig_at(pos).min(self.orig.len());
        let start = self.orig[..o].rfind('\n').map_or(0, |s| s + 1);
        let end = self.orig[o..].find('\n').map_or(self.orig.len(), |e| o + e);
        self.orig[start..end].trim()
    }
}

fn fold_quote(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' => '\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{2033}' => '"',
        _ => c,
    }
}

fn compact_lit(lit: &str) -> String {
    lit.chars()
        .filter(|c| !c.is_whitespace())
        .map(fold_quote)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Strip one layer of surrounding quotes and a trailing period from a URL-ish token.
pub(crate) fn unquote(s: &str) -> String {
    let s = s.trim_matches(|c| c == '\'' || c == '"');
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_devtools_prefixes() {
        let text = "index.js:12 Access to\n12:34:56.789 main.js:3:9 [Error] Origin x\n(index):1 Uncaught (in promise) TypeError: Failed to fetch\nVM12:3 hi\nhttps://a.test:8080 stays";
        let cleaned = clean(text);
        let lines: Vec<_> = cleaned.lines().collect();
        assert_eq!(
            lines,
            [
                "Access to",
                "Origin x",
                "TypeError: Failed to fetch",
                "hi",
                "https://a.test:8080 stays"
            ]
        );
        assert_eq!(clean(" wrapped value"), " wrapped value\n");
        assert_eq!(
            clean("at &#39;https://a.test/?a=1&amp;b=2&#39;"),
            "at 'https://a.test/?a=1&b=2'\n"
        );
        assert_eq!(clean("❌ [Error] x"), "x\n");
        assert_eq!(
            clean("2026-01-02T03:04:05.678Z api.example.com/data:1  Failed"),
            "Failed\n"
        );
    }

    #[test]
    fn timestamps_are_clock_times_and_dates_only() {
        for stamp in [
            "12:34:56.789",
            "[12:34:56]",
            "9:05",
            "2026-01-02",
            "2026-01-02T03:04:05.678Z",
            "2026-01-02T03:04:05+01:00",
            "12:34:56,001",
        ] {
            assert!(is_timestamp(stamp), "{stamp}");
        }
        // The rest of a URL wrapped mid-word, a port, a range, a version: not timestamps.
        for other in [
            "1024/--.",
            "8080",
            "1-2-3",
            "2026-1-2",
            "12:3",
            "10:20:30:40",
            "1:2:3.4.5",
            "12:34.",
            "2026-01-02T",
            "0-0/",
            "12:34:56+",
        ] {
            assert!(!is_timestamp(other), "{other}");
        }
        // Found by the round-trip proptest: a Firefox URL wrapped after its port's colon.
        assert_eq!(
            clean("at http://a.test:\n1024/--. (Reason: x)"),
            "at http://a.test:\n1024/--. (Reason: x)\n"
        );
    }

    #[test]
    fn compact_matches_across_wraps_and_quotes() {
        let c = Compact::new(
            "CORS header \u{2018}Access-Control-Allow-\nOrigin\u{2019} does not match \u{2018}*, *\u{2019}",
        );
        let lit = "header 'Access-Control-Allow-Origin' does not match '";
        let p = c.find(lit, 0).unwrap();
        let start = c.at(p, lit).unwrap();
        let end = c.find("'", start).unwrap();
        assert_eq!(c.value(start, end), "*, *");
        assert_eq!(c.at(0, "CORS header"), Some(10));
        assert_eq!(c.number(c.find("zz", 0).unwrap_or(0)), None);
    }
}

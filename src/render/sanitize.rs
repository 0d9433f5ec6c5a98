//! Terminal-safe text: server-supplied strings are escaped before they reach a terminal.

use std::borrow::Cow;

/// Escape control characters (C0, DEL, C1, and the bidi overrides) so a hostile server cannot
/// drive the terminal. Borrows when nothing needs escaping.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Make JSON text terminal-safe: serde_json escapes only C0 controls, so DEL, C1 controls and the
/// bidi overrides from server text would otherwise reach a terminal that `cat`s the file. They can
/// only occur inside JSON strings, where `\uXXXX` means the same character.
pub(crate) fn escape_json_controls(json: &str) -> Cow<'_, str> {
    if !json.chars().any(needs_escape) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs_escape(c) && !matches!(c, '\n' | '\r') {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn json_keeps_its_meaning_without_raw_controls() {
        let json = "{\"v\": \"a\u{85}b\u{202e}c\u{7f}\"}\n";
        let escaped = super::escape_json_controls(json);
        assert_eq!(escaped, "{\"v\": \"a\\u0085b\\u202ec\\u007f\"}\n");
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back["v"], "a\u{85}b\u{202e}c\u{7f}");
    }

    #[test]
    fn escapes_terminal_controls_and_keeps_plain_text() {
        assert_eq!(escape("http://a.test"), "http://a.test");
        assert_eq!(escape("x\u{1b}[31mred"), "x\\u{1b}[31mred");
        assert_eq!(escape("a\rb\0c"), "a\\u{d}b\\u{0}c");
        assert_eq!(escape("tab\tok"), "tab\tok");
        assert_eq!(escape("\u{202e}evil"), "\\u{202e}evil");
    }
}

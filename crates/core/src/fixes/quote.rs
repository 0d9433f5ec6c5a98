//! Literal quoting and list joining for the languages snippets are written in.
//!
//! Values are origins, methods and header names (tokens), but they come from user input, so every
//! literal is escaped for its language anyway.

/// A double-quoted literal with `\` and `"` escaped: Python, Java, C#, Go, Rust, JSON, YAML, nginx,
/// Apache, Caddy.
pub(super) fn dq(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A single-quoted literal with `\` and `'` escaped: JavaScript, Ruby.
pub(super) fn sq(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Each item quoted with `quote`, joined by `, `.
pub(super) fn list<S: AsRef<str>>(items: &[S], quote: fn(&str) -> String) -> String {
    items
        .iter()
        .map(|item| quote(item.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An HTTP list header value: `a, b`.
pub(super) fn header_list<S: AsRef<str>>(items: &[S]) -> String {
    items.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(", ")
}

/// A Ruby method symbol (`:put`) for rack-cors, or a lowercase string when not an identifier.
pub(super) fn ruby_method(method: &str) -> String {
    let lower = method.to_ascii_lowercase();
    if lower
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        format!(":{lower}")
    } else {
        sq(&lower)
    }
}

/// A Rust `http::Method` expression, keeping a non-standard method's exact case.
pub(super) fn rust_method(method: &str) -> String {
    const CONSTS: [&str; 9] = [
        "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE",
    ];
    if CONSTS.contains(&method) {
        format!("Method::{method}")
    } else {
        format!("Method::from_bytes(b{}).unwrap()", dq(method))
    }
}

/// `value` as a POSIX regular expression matching it literally (Apache `SetEnvIf`).
pub(super) fn regex_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 4);
    for c in value.chars() {
        if "\\.^$|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Go struct-literal fields aligned as gofmt does: `Key:` padded so values share a column.
pub(super) fn go_fields(fields: &[(&str, String)], indent: &str) -> String {
    let width = fields.iter().map(|(key, _)| key.len() + 2).max().unwrap_or(0);
    fields
        .iter()
        .map(|(key, value)| format!("{indent}{:<width$}{value},\n", format!("{key}:")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes() {
        assert_eq!(dq(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(sq("it's"), r"'it\'s'");
        assert_eq!(list(&["GET", "PUT"], sq), "'GET', 'PUT'");
        assert_eq!(list::<String>(&[], dq), "");
        assert_eq!(header_list(&["x-a", "x-b"]), "x-a, x-b");
    }

    #[test]
    fn methods_per_language() {
        assert_eq!(ruby_method("PUT"), ":put");
        assert_eq!(ruby_method("M-SEARCH"), "'m-search'");
        assert_eq!(rust_method("PATCH"), "Method::PATCH");
        assert_eq!(rust_method("patch"), "Method::from_bytes(b\"patch\").unwrap()");
    }

    #[test]
    fn regex_and_go_alignment() {
        assert_eq!(regex_literal("https://a.example.com"), r"https://a\.example\.com");
        let fields = [
            ("MaxAge", "600".to_owned()),
            ("AllowCredentials", "true".to_owned()),
        ];
        assert_eq!(
            go_fields(&fields, "\t"),
            "\tMaxAge:           600,\n\tAllowCredentials: true,\n"
        );
    }
}

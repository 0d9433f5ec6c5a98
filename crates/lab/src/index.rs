//! The `/` index page: one HTML table of every scenario with its request and expected outcome.
//! Pure string building; every catalogue string is HTML-escaped.

use crate::scenario::Scenario;
use std::fmt::Write as _;

/// Renders the index page for `scenarios`.
pub(crate) fn render(scenarios: &[Scenario]) -> String {
    let mut out = String::from(HEAD);
    for s in scenarios {
        row(&mut out, s);
    }
    out.push_str("</tbody></table></body></html>\n");
    out
}

const HEAD: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>cors-doctor lab</title>\
<style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em .6em;text-align:left;vertical-align:top}\
tr:nth-child(even){background:#f4f4f4}code{font-size:90%}</style></head><body>\
<h1>cors-doctor lab</h1><p>Each path answers with the raw header lines of one CORS scenario. \
Try <code>cors-doctor check URL --origin ORIGIN</code> on any of them.</p>\
<table><thead><tr><th>scenario</th><th>category</th><th>request</th><th>what it shows</th>\
<th>expected (Chromium)</th></tr></thead><tbody>\n";

fn row(out: &mut String, s: &Scenario) {
    let expected = match (s.expected.blocked, s.expected.chromium_error) {
        (true, Some(e)) => format!("blocked: {e}"),
        (true, None) => "blocked".to_string(),
        (false, _) => "allowed".to_string(),
    };
    let finding = s
        .expected
        .finding
        .map_or(String::new(), |f| format!("<br>finding: {}", escape(f)));
    let _ = writeln!(
        out,
        "<tr><td><a href=\"/{name}\">{name}</a></td><td>{cat}</td><td><code>{req}</code></td>\
         <td><b>{title}</b><br>{summary}</td><td>{expected}{finding}</td></tr>",
        name = escape(s.name),
        cat = s.category.name(),
        req = escape(&request_line(s)),
        title = escape(s.title),
        summary = escape(s.summary),
        expected = escape(&expected),
    );
}

fn request_line(s: &Scenario) -> String {
    let mut line = format!("{} credentials={}", s.request.method, s.request.credentials);
    for (n, v) in s.request.headers {
        let _ = write!(line, " -H '{n}: {v}'");
    }
    line
}

/// Escapes `& < > " '` for HTML text and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn lists_every_scenario() {
        let page = render(crate::catalogue());
        for s in crate::catalogue() {
            assert!(page.contains(&format!("href=\"/{}\"", s.name)), "{}", s.name);
        }
    }
}

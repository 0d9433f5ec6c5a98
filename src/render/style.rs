//! Semantic styles rendered to ANSI only when colour is wanted (a TTY, NO_COLOR unset).

use std::io::IsTerminal;

/// What a piece of text means; the painter decides how it looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Title,
    Good,
    Bad,
    Warn,
    Dim,
    Code,
}

/// Wraps text in ANSI styles, or not.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Painter {
    color: bool,
}

impl Painter {
    /// Colour on a terminal unless NO_COLOR is set (https://no-color.org).
    pub(crate) fn for_stdout() -> Painter {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Painter {
            color: !no_color && std::io::stdout().is_terminal(),
        }
    }

    pub(crate) fn paint(&self, style: Style, text: &str) -> String {
        if !self.color {
            return text.to_string();
        }
        let code = match style {
            Style::Title => "1",
            Style::Good => "1;32",
            Style::Bad => "1;31",
            Style::Warn => "33",
            Style::Dim => "2",
            Style::Code => "36",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

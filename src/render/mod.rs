//! Renderers: turn reports (plain data) into human, JSON or Markdown text. They never decide policy.

pub(crate) mod audit;
pub(crate) mod check_human;
pub(crate) mod check_markdown;
pub(crate) mod explain;
pub(crate) mod har;
pub(crate) mod sanitize;
pub(crate) mod style;

//! Renderers: turn reports (plain data) into human, JSON or Markdown text. They never decide policy.

pub(crate) mod sanitize;

//! Command-line surface: argument definitions, resolved configuration, exit codes.

pub(crate) mod args;
pub(crate) mod exit;

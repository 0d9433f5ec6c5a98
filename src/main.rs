//! `cors-doctor`: parse arguments, run a command, map the outcome to an exit code.

fn main() {}

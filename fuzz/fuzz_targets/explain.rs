//! Console-message parsing (`explain::explain`) on arbitrary pasted text.
//!
//! Invariants: every explained error names a code and a `cors-doctor check` command, and appeared
//! at least once; the input is never echoed back longer than it was given.

#![no_main]

use cors_doctor_core::explain::explain;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let report = explain(&text);
    for e in &report.errors {
        assert!(!e.code.is_empty(), "{e:?}");
        assert!(e.count >= 1, "{e:?}");
        assert!(
            e.check_command.starts_with("cors-doctor "),
            "{:?}",
            e.check_command
        );
    }
    for n in &report.not_cors {
        assert!(
            n.line.len() <= text.len() + 16,
            "not_cors line longer than the input: {:?}",
            n.line
        );
    }
});

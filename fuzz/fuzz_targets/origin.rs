//! Origin parsing (`origin::Origin::parse`) on arbitrary text.
//!
//! Invariants: parsing a serialization gives back the same origin (serialize ∘ parse is a fixed
//! point); a tuple origin is same-origin and same-site with itself, an opaque one with nothing;
//! `same_origin` is symmetric.

#![no_main]

use cors_doctor_core::origin::{url_same_origin, Origin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_once('\n').unwrap_or((&text, "http://localhost:3000"));
    let Ok(origin) = Origin::parse(a) else { return };
    let serialized = origin.serialize();
    let again =
        Origin::parse(&serialized).unwrap_or_else(|e| panic!("{a:?} → {serialized:?} does not reparse: {e}"));
    assert_eq!(
        again.serialize(),
        serialized,
        "serialization of {a:?} is not a fixed point"
    );
    assert_eq!(origin.same_origin(&origin), !origin.is_opaque());
    if !origin.is_opaque() {
        assert!(
            origin.same_site(&origin),
            "{serialized} not same-site with itself"
        );
    }
    let _ = origin.registrable_domain();
    let _ = origin.host();
    if let Ok(other) = Origin::parse(b) {
        assert_eq!(origin.same_origin(&other), other.same_origin(&origin));
        let _ = origin.same_site(&other);
    }
    if let Ok(url) = url::Url::parse(a) {
        let _ = url_same_origin(&url, &origin);
    }
});

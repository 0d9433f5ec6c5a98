//! Request classification (`classify`): Content-Type MIME essence, Range safelisting, every
//! engine's header verdict, and the whole preflight decision on arbitrary requests.
//!
//! Invariants: a parsed essence is two tokens; a simple Range is `bytes=N-[M]` with N ≤ M; the
//! header-name case never changes a verdict, nor does the ASCII case of a Content-Type value;
//! unsafe names are lowercase, sorted and unique; a request with a safelisted method and no
//! unsafe header needs no preflight unless the flag is set.

#![no_main]

use arbitrary::Arbitrary;
use cors_doctor_core::classify::{classify, header_verdict, is_simple_range, parse_mime_essence};
use cors_doctor_core::http::is_token;
use cors_doctor_core::profile::BrowserProfile;
use cors_doctor_core::{CorsRequest, Credentials, Engine, Initiator, RedirectMode};
use libfuzzer_sys::fuzz_target;

const ENGINES: [Engine; 4] = [Engine::Spec, Engine::Chromium, Engine::Firefox, Engine::Webkit];
const NAMES: [&str; 7] = [
    "Content-Type",
    "Range",
    "Accept",
    "Accept-Language",
    "Content-Language",
    "Save-Data",
    "X-Custom",
];

#[derive(Debug, Arbitrary)]
struct Input {
    value: String,
    method: String,
    headers: Vec<(u8, String)>,
    url_path: String,
    cross_origin: bool,
    use_cors_preflight: bool,
}

fuzz_target!(|input: Input| {
    mime(&input.value);
    range(&input.value);
    verdicts(&input.value);
    request(&input);
});

fn mime(value: &str) {
    if let Some((ty, sub)) = parse_mime_essence(value) {
        assert!(is_token(ty) && is_token(sub), "{value:?} → {ty:?}/{sub:?}");
    }
}

fn range(value: &str) {
    if !is_simple_range(value) {
        return;
    }
    let spec = value
        .strip_prefix("bytes=")
        .expect("simple range starts with bytes=");
    let (start, end) = spec.split_once('-').expect("simple range has a dash");
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    assert!(digits(start) && (end.is_empty() || digits(end)), "{value:?}");
    if !end.is_empty() {
        let (s, e) = (start.parse::<u128>().unwrap(), end.parse::<u128>().unwrap());
        assert!(s <= e, "{value:?}: start after end");
    }
}

fn verdicts(value: &str) {
    for engine in ENGINES {
        let p = BrowserProfile::of(engine);
        for name in NAMES {
            let v = header_verdict(name, value, p);
            assert_eq!(
                v,
                header_verdict(&name.to_ascii_uppercase(), value, p),
                "{engine:?} {name} name case"
            );
        }
        let ct = header_verdict("content-type", value, p);
        assert_eq!(
            ct,
            header_verdict("content-type", &value.to_ascii_lowercase(), p),
            "{engine:?} {value:?} value case"
        );
    }
}

fn request(input: &Input) {
    let host = if input.cross_origin {
        "http://api.test"
    } else {
        "http://localhost:3000"
    };
    let req = CorsRequest {
        url: format!("{host}/{}", input.url_path),
        origin: "http://localhost:3000".to_owned(),
        method: input.method.clone(),
        headers: input
            .headers
            .iter()
            .map(|(i, v)| (NAMES[usize::from(*i) % NAMES.len()].to_owned(), v.clone()))
            .collect(),
        credentials: Credentials::Include,
        redirect: RedirectMode::Follow,
        initiator: Initiator::Fetch,
        use_cors_preflight: input.use_cors_preflight,
    };
    for engine in ENGINES {
        let c = classify(&req, engine);
        let names = &c.unsafe_header_names;
        assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
        assert!(names.iter().all(|n| *n == n.to_ascii_lowercase()));
        if !c.cross_origin {
            assert!(!c.preflight);
        }
        let safe_method = matches!(c.method.as_str(), "GET" | "HEAD" | "POST");
        if c.cross_origin && safe_method && names.is_empty() && !input.use_cors_preflight {
            assert!(!c.preflight, "{engine:?}: {:?}", c.reasons);
        }
    }
}

//! The whole core evaluation (`fetch::evaluate`) for every engine, against a responder scripted
//! from fuzz bytes: arbitrary statuses, CORS headers, redirects (Location to same-origin,
//! cross-origin, credentialed and odd-scheme URLs) and network errors.
//!
//! Invariants: the fetch ends after a bounded number of requests; a preflight never carries
//! credentials and always carries `Origin`; a blocked verdict names its failure
//! and an allowed one none; with credentials `include` an allowed CORS response never had ACAO `*`.

#![no_main]

use arbitrary::Arbitrary;
use cors_doctor_core::fetch::{evaluate, NetworkError};
use cors_doctor_core::http::get;
use cors_doctor_core::{
    CorsRequest, Credentials, Engine, ExchangeKind, Initiator, ObservedResponse, Outcome, RedirectMode,
};
use libfuzzer_sys::fuzz_target;

const ENGINES: [Engine; 4] = [Engine::Spec, Engine::Chromium, Engine::Firefox, Engine::Webkit];
/// 20 redirects, each with a preflight and the request, plus slack.
const MAX_SENDS: usize = 64;

const URLS: [&str; 7] = [
    "http://api.test/x",
    "http://localhost:3000/same",
    "https://api.test:8443/y?q=1",
    "http://user:pw@api.test/cred",
    "ftp://api.test/f",
    "data:text/plain,hi",
    "/relative",
];
const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "patch", "DELETE", "CONNECT"];
const REQ_HEADERS: [&str; 6] = [
    "Content-Type",
    "X-Api-Key",
    "Authorization",
    "Range",
    "Accept",
    "Cookie",
];
const RESP_HEADERS: [&str; 8] = [
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Location",
    "Vary",
];
const VALUES: [&str; 12] = [
    "*",
    "http://localhost:3000",
    "null",
    "true",
    "PUT, patch, DELETE",
    "x-api-key, authorization, content-type",
    "http://api.test/next",
    "http://localhost:3000/back",
    "https://other.test/far",
    "http://user:pw@evil.test/",
    "javascript:alert(1)",
    "600",
];

#[derive(Debug, Arbitrary)]
enum Text {
    Pick(u8),
    Raw(String),
}

impl Text {
    fn get(&self, pool: &[&str]) -> String {
        match self {
            Text::Pick(i) => pool[usize::from(*i) % pool.len()].to_owned(),
            Text::Raw(s) => s.clone(),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Status {
    Pick(u8),
    Raw(u16),
}

#[derive(Debug, Arbitrary)]
enum Reply {
    Response {
        status: Status,
        headers: Vec<(Text, Text)>,
    },
    NetworkError,
}

#[derive(Debug, Arbitrary)]
struct Input {
    url: Text,
    method: Text,
    headers: Vec<(Text, Text)>,
    credentials: u8,
    redirect: u8,
    xhr: bool,
    use_cors_preflight: bool,
    replies: Vec<Reply>,
}

fn request(input: &Input) -> CorsRequest {
    CorsRequest {
        url: input.url.get(&URLS),
        origin: "http://localhost:3000".to_owned(),
        method: input.method.get(&METHODS),
        headers: input
            .headers
            .iter()
            .map(|(n, v)| (n.get(&REQ_HEADERS), v.get(&VALUES)))
            .collect(),
        credentials: [Credentials::Omit, Credentials::SameOrigin, Credentials::Include]
            [usize::from(input.credentials % 3)],
        redirect: [RedirectMode::Follow, RedirectMode::Error, RedirectMode::Manual]
            [usize::from(input.redirect % 3)],
        initiator: if input.xhr {
            Initiator::Xhr
        } else {
            Initiator::Fetch
        },
        use_cors_preflight: input.use_cors_preflight,
    }
}

fn reply(r: &Reply) -> Result<ObservedResponse, NetworkError> {
    match r {
        Reply::NetworkError => Err(NetworkError {
            message: "io: connection reset by peer".to_owned(),
        }),
        Reply::Response { status, headers } => Ok(ObservedResponse {
            status: match status {
                Status::Pick(i) => [200, 204, 301, 302, 303, 307, 308, 404, 500, 101][usize::from(*i) % 10],
                Status::Raw(s) => *s,
            },
            status_text: String::new(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.get(&RESP_HEADERS), v.get(&VALUES)))
                .collect(),
        }),
    }
}

fuzz_target!(|input: Input| {
    for engine in ENGINES {
        run(&input, engine);
    }
});

fn run(input: &Input, engine: Engine) {
    let req = request(input);
    let include = req.credentials == Credentials::Include;
    let mut sends = 0usize;
    let mut last: Option<ObservedResponse> = None;
    let verdict = evaluate(req, engine, |out| {
        sends += 1;
        assert!(sends <= MAX_SENDS, "{engine:?}: more than {MAX_SENDS} requests");
        if out.kind == ExchangeKind::Preflight {
            assert!(!out.include_credentials, "{engine:?}: credentialed preflight");
            assert_eq!(out.method, "OPTIONS");
            assert!(
                out.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("origin")),
                "{engine:?}: preflight without Origin"
            );
        }
        let answer = if input.replies.is_empty() {
            Err(NetworkError {
                message: "no reply".to_owned(),
            })
        } else {
            reply(&input.replies[(sends - 1) % input.replies.len()])
        };
        last = answer.as_ref().ok().cloned();
        answer
    });
    match verdict.outcome {
        Outcome::Blocked => assert!(verdict.failure.is_some(), "{engine:?}: blocked without a failure"),
        Outcome::Allowed => assert!(verdict.failure.is_none(), "{engine:?}: allowed with a failure"),
        Outcome::Incomplete => {}
    }
    if verdict.outcome == Outcome::Allowed && include && verdict.response_type.as_deref() == Some("cors") {
        if let Some(resp) = &last {
            let acao = get(&resp.headers, "access-control-allow-origin");
            assert_ne!(
                acao.as_deref(),
                Some("*"),
                "{engine:?}: ACAO * passed with credentials"
            );
        }
    }
}

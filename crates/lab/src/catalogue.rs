//! The scenario catalogue: one declarative table of correct and deliberately broken CORS
//! endpoints, each with the request that shows it and what cors-doctor should conclude.
//!
//! Conventions the table keeps (tests in `lib.rs` check them):
//! - every endpoint that should work for the page sends `{allowed}`, never a literal origin, so
//!   each scenario behaves the same for any page origin listed in `LabConfig::allowed_origins`;
//! - `expected.chromium_error` is the CDP `Network.CorsError` Chromium reports for `request`
//!   sent from an allowed origin (shared/reference/browsers.md §2.2–2.4, §10);
//! - server fingerprints (Server, X-Powered-By, rejection bodies) are those of real stacks
//!   (shared/reference/ecosystem.md §4.2) so stack detection has something to find;
//! - header lines are raw: duplicates, casing and broken values are deliberate; only the
//!   framing headers (`Content-Length`, `Transfer-Encoding`, `Connection`) are left to the server.

use crate::scenario::{Category, Expected, Reply, Scenario, ScenarioRequest};

const fn reply(
    status: u16,
    reason: &'static str,
    headers: &'static [(&'static str, &'static str)],
    body: &'static str,
) -> Reply {
    Reply {
        status,
        reason,
        headers,
        body,
        status_line: None,
    }
}

/// `reply` sent with a raw status line (what a browser reads from it stays in `reply`).
const fn with_status_line(line: &'static str, reply: Reply) -> Reply {
    Reply {
        status_line: Some(line),
        ..reply
    }
}

const fn ok(headers: &'static [(&'static str, &'static str)], body: &'static str) -> Reply {
    reply(200, "OK", headers, body)
}

const fn no_content(headers: &'static [(&'static str, &'static str)]) -> Reply {
    reply(204, "No Content", headers, "")
}

const fn request(
    method: &'static str,
    headers: &'static [(&'static str, &'static str)],
    credentials: &'static str,
    body: Option<&'static str>,
) -> ScenarioRequest {
    ScenarioRequest {
        method,
        headers,
        credentials,
        body,
    }
}

const fn allowed(finding: Option<&'static str>) -> Expected {
    Expected {
        blocked: false,
        chromium_error: None,
        finding,
    }
}

const fn blocked(error: &'static str, finding: Option<&'static str>) -> Expected {
    Expected {
        blocked: true,
        chromium_error: Some(error),
        finding,
    }
}

// ---- requests -------------------------------------------------------------------------------

/// `fetch(url)`: a simple GET, default credentials mode.
const GET: ScenarioRequest = request("GET", &[], "same-origin", None);
/// `fetch(url, {credentials: 'include'})`.
const GET_CREDENTIALED: ScenarioRequest = request("GET", &[], "include", None);
/// A bearer-token GET: `Authorization` makes it preflighted.
const GET_BEARER: ScenarioRequest = request(
    "GET",
    &[("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.lab")],
    "same-origin",
    None,
);
const JSON: (&str, &str) = ("Content-Type", "application/json");
const BODY: Option<&str> = Some("{\"name\":\"widget\",\"qty\":3}");
/// A JSON PUT: method and Content-Type both need the preflight.
const PUT_JSON: ScenarioRequest = request("PUT", &[JSON], "same-origin", BODY);
/// A JSON POST: Content-Type needs the preflight.
const POST_JSON: ScenarioRequest = request("POST", &[JSON], "same-origin", BODY);

// ---- shared response pieces -----------------------------------------------------------------

const JSON_BODY: &str = "{\"id\":42,\"name\":\"widget\"}\n";

/// Express + `cors()` configured with the page origin: actual response.
const EXPRESS_OK: &[(&str, &str)] = &[
    ("X-Powered-By", "Express"),
    ("Access-Control-Allow-Origin", "{allowed}"),
    ("Vary", "Origin"),
    ("Content-Type", "application/json; charset=utf-8"),
];

/// Express + `cors()` configured with the page origin: preflight (cors reflects ACRH).
const EXPRESS_PREFLIGHT: &[(&str, &str)] = &[
    ("X-Powered-By", "Express"),
    ("Access-Control-Allow-Origin", "{allowed}"),
    ("Vary", "Origin, Access-Control-Request-Headers"),
    ("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE"),
    (
        "Access-Control-Allow-Headers",
        "Content-Type, Authorization, X-Api-Key, X-Client-Version",
    ),
];

/// Express's automatic `OPTIONS` answer when no CORS middleware runs.
const EXPRESS_AUTO_OPTIONS: Reply = ok(
    &[
        ("X-Powered-By", "Express"),
        ("Allow", "GET,HEAD"),
        ("Content-Type", "text/html; charset=utf-8"),
    ],
    "GET,HEAD",
);

/// Starlette `CORSMiddleware` allowing the page origin: preflight (lowercase, as uvicorn sends).
const UVICORN_PREFLIGHT: &[(&str, &str)] = &[
    ("server", "uvicorn"),
    ("vary", "Origin"),
    ("access-control-allow-origin", "{allowed}"),
    (
        "access-control-allow-methods",
        "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
    ),
    ("access-control-max-age", "600"),
    (
        "access-control-allow-headers",
        "Accept, Accept-Language, Content-Language, Content-Type, Authorization",
    ),
    ("content-type", "text/plain; charset=utf-8"),
];

/// Spring Security's default response headers.
const SPRING_SECURITY: &[(&str, &str)] = &[
    ("Vary", "Origin"),
    ("Vary", "Access-Control-Request-Method"),
    ("Vary", "Access-Control-Request-Headers"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-XSS-Protection", "0"),
    ("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate"),
    ("Pragma", "no-cache"),
    ("Expires", "0"),
    ("X-Frame-Options", "DENY"),
];

/// ASP.NET Core with `UseCors` allowing the page origin: preflight.
const KESTREL_PREFLIGHT: &[(&str, &str)] = &[
    ("Server", "Kestrel"),
    ("Access-Control-Allow-Headers", "authorization"),
    ("Access-Control-Allow-Methods", "GET"),
    ("Access-Control-Allow-Origin", "{allowed}"),
    ("Vary", "Origin"),
];

/// Express serving `{allowed}` with the given Access-Control-Allow-Origin template replaced:
/// the near-miss family writes its own ACAO line.
macro_rules! near_miss {
    ($name:literal, $title:literal, $summary:literal, $acao:literal, $demo:literal) => {
        Scenario {
            name: $name,
            title: $title,
            summary: $summary,
            category: Category::Finding,
            expected: blocked("AllowOriginMismatch", Some("origin-near-miss")),
            request: GET,
            in_demo: $demo,
            preflight: no_content(&[
                ("X-Powered-By", "Express"),
                ("Access-Control-Allow-Origin", $acao),
                ("Vary", "Origin"),
            ]),
            actual: ok(
                &[
                    ("X-Powered-By", "Express"),
                    ("Access-Control-Allow-Origin", $acao),
                    ("Vary", "Origin"),
                    ("Content-Type", "application/json; charset=utf-8"),
                ],
                JSON_BODY,
            ),
        }
    };
}

// ---- the table ------------------------------------------------------------------------------

/// Every scenario, correct ones first, then the classic symptoms, then root-cause findings.
pub(crate) static CATALOGUE: &[Scenario] = &[
    // ---- correct ----
    Scenario {
        name: "simple-get-allowed",
        title: "Simple GET, origin allowed",
        summary: "Express + cors() sends the exact allowed origin and Vary: Origin: the browser shares the response.",
        category: Category::Correct,
        expected: allowed(None),
        request: GET,
        in_demo: true,
        preflight: no_content(EXPRESS_PREFLIGHT),
        actual: ok(EXPRESS_OK, JSON_BODY),
    },
    Scenario {
        name: "preflight-put-json-allowed",
        title: "Preflighted JSON PUT with a custom header, allowed",
        summary: "The preflight allows the origin, PUT, Content-Type and X-Client-Version; the PUT's response carries the origin again.",
        category: Category::Correct,
        expected: allowed(None),
        request: request(
            "PUT",
            &[JSON, ("X-Client-Version", "1.4.2")],
            "same-origin",
            BODY,
        ),
        in_demo: true,
        preflight: no_content(&[
            ("Access-Control-Allow-Origin", "{allowed}"),
            ("Access-Control-Allow-Methods", "GET, PUT, DELETE"),
            ("Access-Control-Allow-Headers", "Content-Type, X-Client-Version"),
            ("Access-Control-Max-Age", "600"),
            ("Vary", "Origin"),
        ]),
        actual: ok(EXPRESS_OK, JSON_BODY),
    },
    Scenario {
        name: "credentialed-allowed",
        title: "Credentialed GET, allowed",
        summary: "Exact origin, Access-Control-Allow-Credentials: true and Vary: Origin: cookies go along and the response is readable.",
        category: Category::Correct,
        expected: allowed(None),
        request: GET_CREDENTIALED,
        in_demo: true,
        preflight: no_content(&[
            ("Access-Control-Allow-Origin", "{allowed}"),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Methods", "GET, POST"),
            ("Vary", "Origin"),
        ]),
        actual: ok(
            &[
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Vary", "Origin"),
                ("Content-Type", "application/json"),
                ("Cache-Control", "private, no-store"),
            ],
            "{\"user\":\"ada\",\"plan\":\"pro\"}\n",
        ),
    },
    Scenario {
        name: "public-wildcard",
        title: "Public API with a wildcard, no credentials",
        summary: "Access-Control-Allow-Origin: * on a public, cookie-less resource: allowed for every origin.",
        category: Category::Correct,
        expected: allowed(None),
        request: GET,
        in_demo: false,
        preflight: no_content(&[
            ("Server", "nginx/1.24.0"),
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
        ]),
        actual: ok(
            &[
                ("Server", "nginx/1.24.0"),
                ("Content-Type", "application/json"),
                ("Cache-Control", "public, max-age=300"),
                ("Access-Control-Allow-Origin", "*"),
            ],
            "{\"version\":\"2.3.1\"}\n",
        ),
    },
    Scenario {
        name: "expose-headers-correct",
        title: "Custom response headers exposed",
        summary: "X-Request-Id and X-Total-Count are listed in Access-Control-Expose-Headers, so script can read them.",
        category: Category::Correct,
        expected: allowed(None),
        request: GET,
        in_demo: false,
        preflight: no_content(EXPRESS_PREFLIGHT),
        actual: ok(
            &[
                ("X-Powered-By", "Express"),
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("Vary", "Origin"),
                ("Access-Control-Expose-Headers", "X-Request-Id, X-Total-Count"),
                ("X-Request-Id", "5f0c2a9e-lab"),
                ("X-Total-Count", "128"),
                ("Content-Type", "application/json; charset=utf-8"),
            ],
            "[]\n",
        ),
    },
    Scenario {
        name: "control-bytes-in-values",
        title: "Control bytes in response header values",
        summary: "X-Trace carries an ESC sequence and a DEL byte. HTTP parsers may refuse them; browsers keep the response and apply CORS as usual, so script reads the exposed header.",
        category: Category::Correct,
        expected: allowed(None),
        request: GET,
        in_demo: false,
        preflight: no_content(EXPRESS_PREFLIGHT),
        actual: ok(
            &[
                ("X-Powered-By", "Express"),
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("Vary", "Origin"),
                ("Access-Control-Expose-Headers", "X-Trace"),
                ("X-Trace", "t-1\u{1b}[31m\u{7f}\u{1}"),
                ("Content-Type", "application/json; charset=utf-8"),
            ],
            "[]\n",
        ),
    },
    Scenario {
        name: "lenient-head-framing",
        title: "Sloppy header framing that browsers still read",
        summary: "A bare CR inside a header line, an LF-only line end, a line without a colon, an empty name and a space before a colon. Browsers read such a head line by line, lenient where strict HTTP parsers stop, so the request is allowed.",
        category: Category::Correct,
        expected: allowed(None),
        request: GET,
        in_demo: false,
        preflight: no_content(EXPRESS_PREFLIGHT),
        actual: ok(
            &[
                ("X-Powered-By", "Express"),
                // A bare CR ends the line: X-Injected is a header of its own.
                ("Access-Control-Allow-Origin", "{allowed}\rX-Injected: 1"),
                ("Vary", "Origin"),
                ("Access-Control-Expose-Headers ", "X-Injected, X-Lf, X-Banner"),
                // An LF-only line end, then a line without a colon and one with an empty name.
                ("X-Banner", "lab\nX-Lf: 2\r\nLegacy banner line\r\n: empty name"),
                ("Content-Type", "application/json; charset=utf-8"),
            ],
            "[]\n",
        ),
    },
    Scenario {
        name: "redirect-empty-location",
        title: "A 302 with an empty Location",
        summary: "Chromium treats an empty Location as none and hands the 302 to script; the Fetch standard (and so Firefox and Safari as modelled) redirects to the same URL until the redirect limit fails the request.",
        category: Category::Finding,
        expected: allowed(Some("browsers-disagree")),
        request: GET,
        in_demo: false,
        preflight: no_content(EXPRESS_PREFLIGHT),
        actual: reply(
            302,
            "Found",
            &[
                ("X-Powered-By", "Express"),
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("Vary", "Origin"),
                ("Location", ""),
            ],
            "",
        ),
    },
    Scenario {
        name: "sloppy-status-line",
        title: "A sloppy status line that browsers still read",
        summary: "The status line is ` http/1.0 0200OK`: a stray leading space, a lowercase name, a zero-padded code run into its reason. Browsers read it as 200 OK (Chromium skips up to four bytes before HTTP and reads the code's digits), so the request is allowed.",
        category: Category::Correct,
        expected: allowed(None),
        request: GET,
        in_demo: false,
        preflight: no_content(EXPRESS_PREFLIGHT),
        actual: with_status_line(
            " http/1.0 0200OK",
            ok(
                &[
                    ("X-Powered-By", "Express"),
                    ("Access-Control-Allow-Origin", "{allowed}"),
                    ("Vary", "Origin"),
                    ("Content-Type", "application/json; charset=utf-8"),
                ],
                "[]\n",
            ),
        ),
    },
    Scenario {
        name: "redirect-allowed",
        title: "Same-origin redirect that carries CORS headers",
        summary: "A 307 whose response allows the origin, to another allowed endpoint on the same server: the browser follows it.",
        category: Category::Correct,
        expected: allowed(None),
        request: GET,
        in_demo: false,
        preflight: no_content(EXPRESS_PREFLIGHT),
        actual: reply(
            307,
            "Temporary Redirect",
            &[
                ("X-Powered-By", "Express"),
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("Vary", "Origin"),
                ("Location", "/simple-get-allowed"),
            ],
            "",
        ),
    },
    // ---- classic symptoms ----
    Scenario {
        name: "no-allow-origin",
        title: "No Access-Control-Allow-Origin at all",
        summary: "An Express app without any CORS middleware: the response has no ACAO, so the browser hides it.",
        category: Category::Broken,
        expected: blocked("MissingAllowOriginHeader", None),
        request: GET,
        in_demo: true,
        preflight: EXPRESS_AUTO_OPTIONS,
        actual: ok(
            &[
                ("X-Powered-By", "Express"),
                ("Content-Type", "application/json; charset=utf-8"),
                ("ETag", "W/\"1a-lab\""),
            ],
            JSON_BODY,
        ),
    },
    Scenario {
        name: "preflight-not-routed",
        title: "Preflight answered 404 (OPTIONS not routed)",
        summary: "CORS middleware sits on a gin route group that OPTIONS never reaches: the preflight gets a bare 404.",
        category: Category::Broken,
        expected: blocked("PreflightMissingAllowOriginHeader", Some("preflight-not-routed")),
        request: PUT_JSON,
        in_demo: true,
        preflight: reply(
            404,
            "Not Found",
            &[("Content-Type", "text/plain")],
            "404 page not found",
        ),
        actual: ok(
            &[
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("Vary", "Origin"),
                ("Content-Type", "application/json; charset=utf-8"),
            ],
            JSON_BODY,
        ),
    },
    Scenario {
        name: "preflight-method-not-allowed",
        title: "Preflight answered 405 (no OPTIONS handler)",
        summary: "An ASP.NET Core endpoint mapped for PUT only, CORS not applied: OPTIONS gets 405 with an Allow header and no CORS headers.",
        category: Category::Broken,
        expected: blocked("PreflightMissingAllowOriginHeader", Some("preflight-not-routed")),
        request: PUT_JSON,
        in_demo: false,
        preflight: reply(
            405,
            "Method Not Allowed",
            &[("Server", "Kestrel"), ("Allow", "PUT")],
            "",
        ),
        actual: ok(
            &[
                ("Server", "Kestrel"),
                ("Content-Type", "application/json; charset=utf-8"),
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("Vary", "Origin"),
            ],
            JSON_BODY,
        ),
    },
    Scenario {
        name: "preflight-auth-401",
        title: "Authentication intercepts the preflight (401)",
        summary: "Spring Security runs before CORS handling: the credential-less preflight gets 401 with no CORS headers.",
        category: Category::Broken,
        expected: blocked("PreflightMissingAllowOriginHeader", Some("preflight-auth-intercepted")),
        request: GET_BEARER,
        in_demo: true,
        preflight: reply(
            401,
            "Unauthorized",
            &[
                ("Vary", "Origin"),
                ("Vary", "Access-Control-Request-Method"),
                ("Vary", "Access-Control-Request-Headers"),
                ("WWW-Authenticate", "Bearer"),
                ("X-Content-Type-Options", "nosniff"),
                ("X-XSS-Protection", "0"),
                ("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate"),
                ("Pragma", "no-cache"),
                ("Expires", "0"),
                ("X-Frame-Options", "DENY"),
                ("Content-Type", "application/json"),
            ],
            "{\"timestamp\":\"2026-01-01T00:00:00.000+00:00\",\"status\":401,\"error\":\"Unauthorized\",\"path\":\"/preflight-auth-401\"}",
        ),
        actual: ok(
            &[
                ("Vary", "Origin"),
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("Content-Type", "application/json"),
            ],
            JSON_BODY,
        ),
    },
    Scenario {
        name: "wildcard-with-credentials",
        title: "Wildcard origin with credentials",
        summary: "Access-Control-Allow-Origin: * plus Allow-Credentials: true: a credentialed request is never shared with *.",
        category: Category::Broken,
        expected: blocked("WildcardOriginNotAllowed", Some("wildcard-with-credentials")),
        request: GET_CREDENTIALED,
        in_demo: true,
        preflight: no_content(&[
            ("X-Powered-By", "Express"),
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE"),
        ]),
        actual: ok(
            &[
                ("X-Powered-By", "Express"),
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Content-Type", "application/json; charset=utf-8"),
            ],
            "{\"user\":\"ada\"}\n",
        ),
    },
    Scenario {
        name: "duplicate-allow-origin",
        title: "Two Access-Control-Allow-Origin lines (proxy + app)",
        summary: "nginx adds ACAO and the Express app behind it adds it again: the browser joins them into one invalid value.",
        category: Category::Broken,
        expected: blocked("MultipleAllowOriginValues", Some("duplicate-allow-origin")),
        request: GET,
        in_demo: true,
        preflight: no_content(&[
            ("Server", "nginx/1.24.0"),
            ("Access-Control-Allow-Origin", "{allowed}"),
            ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
            ("x-powered-by", "Express"),
            ("access-control-allow-origin", "{allowed}"),
            ("vary", "Origin"),
        ]),
        actual: ok(
            &[
                ("Server", "nginx/1.24.0"),
                ("Content-Type", "application/json; charset=utf-8"),
                ("Via", "1.1 nginx"),
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("x-powered-by", "Express"),
                ("access-control-allow-origin", "{allowed}"),
                ("vary", "Origin"),
            ],
            JSON_BODY,
        ),
    },
    Scenario {
        name: "allow-origin-list",
        title: "Several origins in one Access-Control-Allow-Origin line",
        summary: "The configured allow-list is pasted into the header as 'a, b': ACAO takes exactly one origin.",
        category: Category::Broken,
        expected: blocked("MultipleAllowOriginValues", None),
        request: GET,
        in_demo: false,
        preflight: no_content(&[
            ("Server", "Apache/2.4.58 (Ubuntu)"),
            ("Access-Control-Allow-Origin", "{allowed}, {other_origin}"),
        ]),
        actual: ok(
            &[
                ("Server", "Apache/2.4.58 (Ubuntu)"),
                ("X-Powered-By", "PHP/8.3.6"),
                ("Access-Control-Allow-Origin", "{allowed}, {other_origin}"),
                ("Content-Type", "application/json"),
            ],
            JSON_BODY,
        ),
    },
    Scenario {
        name: "allow-origin-quoted",
        title: "Access-Control-Allow-Origin with quotes around the origin",
        summary: "The origin came from an environment variable with its quotes kept: \"http://…\" is not a valid origin value.",
        category: Category::Broken,
        expected: blocked("InvalidAllowOriginValue", None),
        request: GET,
        in_demo: false,
        preflight: no_content(&[("Access-Control-Allow-Origin", "\"{allowed}\"")]),
        actual: ok(
            &[
                ("X-Powered-By", "Express"),
                ("Access-Control-Allow-Origin", "\"{allowed}\""),
                ("Content-Type", "application/json; charset=utf-8"),
            ],
            JSON_BODY,
        ),
    },
    Scenario {
        name: "method-not-allowed",
        title: "Method missing from Access-Control-Allow-Methods",
        summary: "cors() configured with methods GET,HEAD,POST: the DELETE's preflight does not list DELETE.",
        category: Category::Broken,
        expected: blocked("MethodDisallowedByPreflightResponse", None),
        request: request("DELETE", &[], "same-origin", None),
        in_demo: false,
        preflight: no_content(&[
            ("X-Powered-By", "Express"),
            ("Access-Control-Allow-Origin", "{allowed}"),
            ("Vary", "Origin"),
            ("Access-Control-Allow-Methods", "GET,HEAD,POST"),
        ]),
        actual: no_content(&[
            ("X-Powered-By", "Express"),
            ("Access-Control-Allow-Origin", "{allowed}"),
            ("Vary", "Origin"),
        ]),
    },
    Scenario {
        name: "header-not-allowed",
        title: "Request header missing from Access-Control-Allow-Headers",
        summary: "The client sends X-Api-Key but the preflight allows only Content-Type.",
        category: Category::Broken,
        expected: blocked("HeaderDisallowedByPreflightResponse", None),
        request: request(
            "POST",
            &[JSON, ("X-Api-Key", "lab-key-123")],
            "same-origin",
            BODY,
        ),
        in_demo: true,
        preflight: no_content(&[
            ("X-Powered-By", "Express"),
            ("Access-Control-Allow-Origin", "{allowed}"),
            ("Vary", "Origin"),
            ("Access-Control-Allow-Methods", "GET,POST"),
            ("Access-Control-Allow-Headers", "Content-Type"),
        ]),
        actual: ok(EXPRESS_OK, JSON_BODY),
    },
    Scenario {
        name: "content-type-not-allowed",
        title: "Content-Type: application/json not allowed",
        summary: "JSON makes Content-Type non-safelisted, but the preflight allows only X-Requested-With.",
        category: Category::Broken,
        expected: blocked("HeaderDisallowedByPreflightResponse", None),
        request: POST_JSON,
        in_demo: false,
        preflight: no_content(&[
            ("Access-Control-Allow-Origin", "{allowed}"),
            ("Access-Control-Allow-Methods", "GET, POST"),
            ("Access-Control-Allow-Headers", "X-Requested-With"),
            ("Vary", "Origin"),
        ]),
        actual: ok(EXPRESS_OK, JSON_BODY),
    },
    Scenario {
        name: "authorization-not-allowed",
        title: "Authorization not allowed by the preflight",
        summary: "A bearer token makes the GET preflighted, and the preflight allows Content-Type and X-Requested-With only.",
        category: Category::Broken,
        expected: blocked("HeaderDisallowedByPreflightResponse", None),
        request: GET_BEARER,
        in_demo: false,
        preflight: no_content(&[
            ("X-Powered-By", "Express"),
            ("Access-Control-Allow-Origin", "{allowed}"),
            ("Vary", "Origin"),
            ("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE"),
            ("Access-Control-Allow-Headers", "Content-Type,X-Requested-With"),
        ]),
        actual: ok(EXPRESS_OK, JSON_BODY),
    },
    Scenario {
        name: "credentials-without-allow-credentials",
        title: "Credentialed request without Access-Control-Allow-Credentials",
        summary: "The exact origin is allowed but Access-Control-Allow-Credentials is missing, so a credentialed fetch is refused.",
        category: Category::Broken,
        expected: blocked("InvalidAllowCredentials", Some("missing-allow-credentials")),
        request: GET_CREDENTIALED,
        in_demo: true,
        preflight: no_content(EXPRESS_PREFLIGHT),
        actual: ok(EXPRESS_OK, "{\"user\":\"ada\"}\n"),
    },
    Scenario {
        name: "allow-credentials-capitalized",
        title: "Access-Control-Allow-Credentials: True",
        summary: "The value must be exactly lowercase 'true'; 'True' (a stringified boolean) fails.",
        category: Category::Broken,
        expected: blocked("InvalidAllowCredentials", Some("missing-allow-credentials")),
        request: GET_CREDENTIALED,
        in_demo: false,
        preflight: no_content(&[
            ("Server", "Werkzeug/3.0.1 Python/3.12.3"),
            ("Access-Control-Allow-Origin", "{allowed}"),
            ("Access-Control-Allow-Credentials", "True"),
            ("Vary", "Origin"),
        ]),
        actual: ok(
            &[
                ("Server", "Werkzeug/3.0.1 Python/3.12.3"),
                ("Content-Type", "application/json"),
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("Access-Control-Allow-Credentials", "True"),
                ("Vary", "Origin"),
            ],
            "{\"user\":\"ada\"}\n",
        ),
    },
    Scenario {
        name: "fastapi-disallowed-origin",
        title: "FastAPI rejects the preflight: Disallowed CORS origin",
        summary: "Starlette's CORSMiddleware does not list the page origin: 400 'Disallowed CORS origin', no ACAO.",
        category: Category::Broken,
        expected: blocked("PreflightMissingAllowOriginHeader", None),
        request: PUT_JSON,
        in_demo: false,
        preflight: reply(
            400,
            "Bad Request",
            &[
                ("server", "uvicorn"),
                ("vary", "Origin"),
                ("access-control-allow-methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"),
                ("access-control-max-age", "600"),
                ("access-control-allow-headers", "Accept, Accept-Language, Content-Language, Content-Type"),
                ("content-type", "text/plain; charset=utf-8"),
            ],
            "Disallowed CORS origin",
        ),
        actual: ok(
            &[("server", "uvicorn"), ("content-type", "application/json")],
            JSON_BODY,
        ),
    },
    Scenario {
        name: "fastapi-disallowed-method",
        title: "FastAPI rejects the preflight: Disallowed CORS method",
        summary: "Starlette's default allow_methods is GET only: the PUT preflight gets 400 with ACAO, so the status is what fails.",
        category: Category::Broken,
        expected: blocked("PreflightInvalidStatus", None),
        request: PUT_JSON,
        in_demo: false,
        preflight: reply(
            400,
            "Bad Request",
            &[
                ("server", "uvicorn"),
                ("vary", "Origin"),
                ("access-control-allow-origin", "{allowed}"),
                ("access-control-allow-methods", "GET"),
                ("access-control-max-age", "600"),
                ("access-control-allow-headers", "Accept, Accept-Language, Content-Language, Content-Type"),
                ("content-type", "text/plain; charset=utf-8"),
            ],
            "Disallowed CORS method",
        ),
        actual: ok(
            &[
                ("server", "uvicorn"),
                ("content-type", "application/json"),
                ("access-control-allow-origin", "{allowed}"),
                ("vary", "Origin"),
            ],
            JSON_BODY,
        ),
    },
    Scenario {
        name: "spring-invalid-cors-request",
        title: "Spring rejects the preflight: Invalid CORS request",
        summary: "Spring's CorsConfiguration does not list the page origin: 403 'Invalid CORS request', no ACAO.",
        category: Category::Broken,
        expected: blocked("PreflightMissingAllowOriginHeader", None),
        request: PUT_JSON,
        in_demo: false,
        preflight: reply(403, "Forbidden", SPRING_SECURITY, "Invalid CORS request"),
        actual: ok(
            &[
                ("Vary", "Origin"),
                ("Content-Type", "application/json"),
                ("X-Content-Type-Options", "nosniff"),
            ],
            JSON_BODY,
        ),
    },
    Scenario {
        name: "preflight-200-without-allow-origin",
        title: "Preflight 200 without CORS headers (tower-http, origin not listed)",
        summary: "tower-http answers every OPTIONS with 200 and simply omits ACAO for an unlisted origin.",
        category: Category::Broken,
        expected: blocked("PreflightMissingAllowOriginHeader", None),
        request: PUT_JSON,
        in_demo: false,
        preflight: ok(
            &[
                ("vary", "origin, access-control-request-method, access-control-request-headers"),
            ],
            "",
        ),
        actual: ok(
            &[
                ("content-type", "application/json"),
                ("vary", "origin, access-control-request-method, access-control-request-headers"),
            ],
            JSON_BODY,
        ),
    },
    Scenario {
        name: "allow-methods-invalid-token",
        title: "Access-Control-Allow-Methods is not a comma list of tokens",
        summary: "ACAM written as 'GET;POST;PUT': ';' is not allowed in a method token, so the whole header fails to parse.",
        category: Category::Broken,
        expected: blocked("InvalidAllowMethodsPreflightResponse", None),
        request: PUT_JSON,
        in_demo: false,
        preflight: no_content(&[
            ("Server", "nginx/1.24.0"),
            ("Access-Control-Allow-Origin", "{allowed}"),
            ("Access-Control-Allow-Methods", "GET;POST;PUT"),
            ("Access-Control-Allow-Headers", "Content-Type"),
            ("Vary", "Origin"),
        ]),
        actual: ok(
            &[
                ("Server", "nginx/1.24.0"),
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("Vary", "Origin"),
                ("Content-Type", "application/json"),
            ],
            JSON_BODY,
        ),
    },
    // ---- root-cause findings ----
    Scenario {
        name: "error-500-without-cors",
        title: "Server error without CORS headers (preflight fine)",
        summary: "FastAPI's outermost error handler turns an exception into a 500 that CORSMiddleware never decorates.",
        category: Category::Finding,
        expected: blocked("MissingAllowOriginHeader", Some("error-response-without-cors")),
        request: POST_JSON,
        in_demo: true,
        preflight: ok(UVICORN_PREFLIGHT, "OK"),
        actual: reply(
            500,
            "Internal Server Error",
            &[("server", "uvicorn"), ("content-type", "text/plain; charset=utf-8")],
            "Internal Server Error",
        ),
    },
    Scenario {
        name: "error-401-without-cors",
        title: "401 without CORS headers (expired token)",
        summary: "ASP.NET Core's JWT bearer challenge answers before the CORS middleware decorates the response.",
        category: Category::Finding,
        expected: blocked("MissingAllowOriginHeader", Some("error-response-without-cors")),
        request: GET_BEARER,
        in_demo: false,
        preflight: no_content(KESTREL_PREFLIGHT),
        actual: reply(
            401,
            "Unauthorized",
            &[
                ("Server", "Kestrel"),
                ("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"The token expired at '01/01/2026 00:00:00'\""),
            ],
            "",
        ),
    },
    Scenario {
        name: "preflight-redirect-trailing-slash",
        title: "Preflight redirected to add a trailing slash (301)",
        summary: "The server canonicalises the path with a 301; a preflight may never be redirected.",
        category: Category::Finding,
        expected: blocked("PreflightDisallowedRedirect", Some("preflight-redirect")),
        request: PUT_JSON,
        in_demo: true,
        preflight: reply(
            301,
            "Moved Permanently",
            &[
                ("Server", "nginx/1.24.0"),
                ("Content-Type", "text/html"),
                ("Location", "{self}/preflight-put-json-allowed/"),
            ],
            "<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n<center><h1>301 Moved Permanently</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n",
        ),
        actual: reply(
            301,
            "Moved Permanently",
            &[
                ("Server", "nginx/1.24.0"),
                ("Location", "{self}/preflight-put-json-allowed/"),
            ],
            "",
        ),
    },
    Scenario {
        name: "preflight-redirect-https",
        title: "Preflight redirected from http to https (308)",
        summary: "Caddy upgrades every http request to https with a 308, preflights included: fatal for the preflight.",
        category: Category::Finding,
        expected: blocked("PreflightDisallowedRedirect", Some("preflight-redirect")),
        request: PUT_JSON,
        in_demo: false,
        preflight: reply(
            308,
            "Permanent Redirect",
            &[
                ("Location", "{self_https}/preflight-redirect-https"),
                ("Server", "Caddy"),
            ],
            "",
        ),
        actual: reply(
            308,
            "Permanent Redirect",
            &[
                ("Location", "{self_https}/preflight-redirect-https"),
                ("Server", "Caddy"),
            ],
            "",
        ),
    },
    Scenario {
        name: "redirect-without-cors",
        title: "Redirect without CORS headers on the 3xx",
        summary: "The actual request is redirected by a 302 that lacks ACAO: the redirect response itself fails the CORS check.",
        category: Category::Finding,
        expected: blocked("MissingAllowOriginHeader", Some("redirect-without-cors")),
        request: GET,
        in_demo: true,
        preflight: EXPRESS_AUTO_OPTIONS,
        actual: reply(
            302,
            "Found",
            &[
                ("X-Powered-By", "Express"),
                ("Location", "/simple-get-allowed"),
                ("Vary", "Accept"),
                ("Content-Type", "text/plain; charset=utf-8"),
            ],
            "Found. Redirecting to /simple-get-allowed",
        ),
    },
    Scenario {
        name: "redirect-taints-origin",
        title: "Cross-origin redirect turns the Origin into null",
        summary: "A CORS-approved 302 to another origin (localhost vs 127.0.0.1): the next request carries Origin: null, which the target does not allow.",
        category: Category::Finding,
        expected: blocked("AllowOriginMismatch", Some("redirect-tainted-origin")),
        request: GET,
        in_demo: false,
        preflight: no_content(EXPRESS_PREFLIGHT),
        actual: reply(
            302,
            "Found",
            &[
                ("X-Powered-By", "Express"),
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("Vary", "Origin"),
                ("Location", "{self_swap}/simple-get-allowed"),
            ],
            "",
        ),
    },
    near_miss!(
        "origin-trailing-slash",
        "Allowed origin written with a trailing slash",
        "ACAO 'http://host:port/' never equals the serialized origin, which has no path.",
        "{allowed_slash}",
        true
    ),
    near_miss!(
        "origin-wrong-case",
        "Allowed origin in the wrong case",
        "The origin comparison is byte-exact: an upper-cased scheme or host does not match.",
        "{allowed_upper}",
        false
    ),
    near_miss!(
        "origin-wrong-port",
        "Allowed origin on another port",
        "The server trusts the dev server's old port: the port is part of the origin.",
        "{allowed_port}",
        false
    ),
    near_miss!(
        "origin-localhost-vs-ip",
        "localhost versus 127.0.0.1",
        "The server allows localhost but the page runs on 127.0.0.1 (or the reverse): different origins.",
        "{allowed_host_swap}",
        false
    ),
    near_miss!(
        "origin-wrong-scheme",
        "https versus http",
        "The server allows the https origin but the page is served over http (or the reverse).",
        "{allowed_scheme_swap}",
        false
    ),
    Scenario {
        name: "vary-origin-missing",
        title: "Origin-dependent ACAO without Vary: Origin",
        summary: "ACAO is picked from an allow-list per request but Vary: Origin is missing: shared caches can serve one origin's answer to another.",
        category: Category::Finding,
        expected: allowed(Some("vary-origin-missing")),
        request: GET,
        in_demo: false,
        preflight: no_content(&[
            ("Server", "Apache/2.4.58 (Ubuntu)"),
            ("Access-Control-Allow-Origin", "{allowed}"),
        ]),
        actual: ok(
            &[
                ("Server", "Apache/2.4.58 (Ubuntu)"),
                ("X-Powered-By", "PHP/8.3.6"),
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("Cache-Control", "public, max-age=600"),
                ("Content-Type", "application/json"),
            ],
            JSON_BODY,
        ),
    },
    Scenario {
        name: "max-age-above-cap",
        title: "Access-Control-Max-Age above browser caps",
        summary: "Max-Age 86400 works but Chromium caps it at 7200 s and WebKit at 600 s: preflights repeat sooner than the server intends.",
        category: Category::Finding,
        expected: allowed(Some("max-age-above-cap")),
        request: PUT_JSON,
        in_demo: false,
        preflight: no_content(&[
            ("X-Powered-By", "Express"),
            ("Access-Control-Allow-Origin", "{allowed}"),
            ("Vary", "Origin, Access-Control-Request-Headers"),
            ("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE"),
            ("Access-Control-Allow-Headers", "content-type"),
            ("Access-Control-Max-Age", "86400"),
        ]),
        actual: ok(EXPRESS_OK, JSON_BODY),
    },
    Scenario {
        name: "wildcard-allow-headers-authorization",
        title: "Access-Control-Allow-Headers: * covering Authorization",
        summary: "Browsers still let * cover Authorization (with a deprecation warning); the Fetch standard does not, so it will break.",
        category: Category::Finding,
        expected: allowed(Some("wildcard-covers-authorization")),
        request: GET_BEARER,
        in_demo: false,
        preflight: no_content(&[
            ("Server", "nginx/1.24.0"),
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", "*"),
            ("Access-Control-Allow-Headers", "*"),
        ]),
        actual: ok(
            &[
                ("Server", "nginx/1.24.0"),
                ("Access-Control-Allow-Origin", "*"),
                ("Content-Type", "application/json"),
            ],
            JSON_BODY,
        ),
    },
    Scenario {
        name: "header-not-exposed",
        title: "Custom response header not exposed",
        summary: "The response carries X-Request-Id and X-Runtime, but without Access-Control-Expose-Headers script reads them as null.",
        category: Category::Finding,
        expected: allowed(Some("header-not-exposed")),
        request: GET,
        in_demo: false,
        preflight: no_content(&[
            ("Access-Control-Allow-Origin", "{allowed}"),
            ("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD"),
            ("Vary", "Origin"),
        ]),
        actual: ok(
            &[
                ("Content-Type", "application/json; charset=utf-8"),
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("Vary", "Origin"),
                ("X-Request-Id", "9a1c7e52-lab"),
                ("X-Runtime", "0.012345"),
            ],
            JSON_BODY,
        ),
    },
    Scenario {
        name: "cookie-samesite-lax",
        title: "Session cookie with SameSite=Lax on a credentialed response",
        summary: "CORS passes, but a SameSite=Lax cookie is never sent on a cross-site fetch, so the session does not stick.",
        category: Category::Finding,
        expected: allowed(Some("cookie-not-sent-cross-site")),
        request: GET_CREDENTIALED,
        in_demo: false,
        preflight: no_content(&[
            ("Access-Control-Allow-Origin", "{allowed}"),
            ("Access-Control-Allow-Credentials", "true"),
            ("Vary", "Origin"),
        ]),
        actual: ok(
            &[
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Vary", "Origin"),
                ("Set-Cookie", "session=lab123; Path=/; HttpOnly; Secure; SameSite=Lax"),
                ("Content-Type", "application/json"),
            ],
            "{\"logged_in\":true}\n",
        ),
    },
    Scenario {
        name: "cookie-samesite-none-insecure",
        title: "Session cookie with SameSite=None but no Secure",
        summary: "CORS passes, but Chromium and Firefox reject a SameSite=None cookie without Secure.",
        category: Category::Finding,
        expected: allowed(Some("cookie-not-sent-cross-site")),
        request: GET_CREDENTIALED,
        in_demo: false,
        preflight: no_content(&[
            ("Access-Control-Allow-Origin", "{allowed}"),
            ("Access-Control-Allow-Credentials", "true"),
            ("Vary", "Origin"),
        ]),
        actual: ok(
            &[
                ("Access-Control-Allow-Origin", "{allowed}"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Vary", "Origin"),
                ("Set-Cookie", "session=lab123; Path=/; HttpOnly; SameSite=None"),
                ("Content-Type", "application/json"),
            ],
            "{\"logged_in\":true}\n",
        ),
    },
    Scenario {
        name: "reflects-any-origin",
        title: "Any origin reflected, with credentials",
        summary: "Flask-CORS with supports_credentials and no origins list echoes every Origin: any site can read logged-in users' data.",
        category: Category::Finding,
        expected: allowed(Some("reflects-any-origin")),
        request: GET_CREDENTIALED,
        in_demo: true,
        preflight: ok(
            &[
                ("Server", "Werkzeug/3.0.1 Python/3.12.3"),
                ("Content-Type", "text/html; charset=utf-8"),
                ("Allow", "GET, HEAD, OPTIONS"),
                ("Access-Control-Allow-Origin", "{origin}"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Allow-Methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"),
                ("Vary", "Origin"),
            ],
            "",
        ),
        actual: ok(
            &[
                ("Server", "Werkzeug/3.0.1 Python/3.12.3"),
                ("Content-Type", "application/json"),
                ("Access-Control-Allow-Origin", "{origin}"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Vary", "Origin"),
            ],
            "{\"user\":\"ada\",\"email\":\"ada@example.com\"}\n",
        ),
    },
    Scenario {
        name: "method-case-mismatch",
        title: "Lower-case method against Access-Control-Allow-Methods: PATCH",
        summary: "fetch() sends 'patch' as written (only DELETE/GET/HEAD/OPTIONS/POST/PUT are upper-cased) and method matching is case-sensitive.",
        category: Category::Finding,
        expected: blocked("MethodDisallowedByPreflightResponse", Some("method-case-mismatch")),
        request: request("patch", &[JSON], "same-origin", BODY),
        in_demo: true,
        preflight: no_content(&[
            ("X-Powered-By", "Express"),
            ("Access-Control-Allow-Origin", "{allowed}"),
            ("Vary", "Origin"),
            ("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE"),
            ("Access-Control-Allow-Headers", "Content-Type"),
        ]),
        actual: ok(EXPRESS_OK, JSON_BODY),
    },
];

#[cfg(test)]
mod tests {
    use super::CATALOGUE;
    use crate::template::PLACEHOLDERS;
    use std::collections::HashSet;

    /// Chromium's CDP `Network.CorsError` names (browsers.md §2.2).
    const CDP_ERRORS: &[&str] = &[
        "DisallowedByMode",
        "InvalidResponse",
        "WildcardOriginNotAllowed",
        "MissingAllowOriginHeader",
        "MultipleAllowOriginValues",
        "InvalidAllowOriginValue",
        "AllowOriginMismatch",
        "InvalidAllowCredentials",
        "CorsDisabledScheme",
        "PreflightInvalidStatus",
        "PreflightDisallowedRedirect",
        "PreflightWildcardOriginNotAllowed",
        "PreflightMissingAllowOriginHeader",
        "PreflightMultipleAllowOriginValues",
        "PreflightInvalidAllowOriginValue",
        "PreflightAllowOriginMismatch",
        "PreflightInvalidAllowCredentials",
        "InvalidAllowMethodsPreflightResponse",
        "InvalidAllowHeadersPreflightResponse",
        "MethodDisallowedByPreflightResponse",
        "HeaderDisallowedByPreflightResponse",
        "RedirectContainsCredentials",
    ];

    /// The finding ids the core knows.
    const FINDINGS: &[&str] = &[
        "error-response-without-cors",
        "preflight-auth-intercepted",
        "preflight-not-routed",
        "preflight-redirect",
        "origin-near-miss",
        "duplicate-allow-origin",
        "wildcard-with-credentials",
        "missing-allow-credentials",
        "vary-origin-missing",
        "max-age-above-cap",
        "wildcard-covers-authorization",
        "header-not-exposed",
        "browsers-disagree",
        "cookie-not-sent-cross-site",
        "reflects-any-origin",
        "method-case-mismatch",
        "redirect-without-cors",
        "redirect-tainted-origin",
    ];

    #[test]
    fn names_are_unique_kebab_case() {
        let mut seen = HashSet::new();
        for s in CATALOGUE {
            assert!(seen.insert(s.name), "duplicate {}", s.name);
            let kebab = s
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            assert!(
                kebab && !s.name.starts_with('-') && !s.name.ends_with('-'),
                "{}",
                s.name
            );
            assert!(!s.summary.contains('\n') && !s.summary.is_empty(), "{}", s.name);
        }
    }

    #[test]
    fn expectations_are_consistent() {
        for s in CATALOGUE {
            let e = s.expected;
            assert_eq!(e.blocked, e.chromium_error.is_some(), "{}", s.name);
            assert!(
                e.chromium_error.is_none_or(|c| CDP_ERRORS.contains(&c)),
                "{}",
                s.name
            );
            assert!(e.finding.is_none_or(|f| FINDINGS.contains(&f)), "{}", s.name);
            if s.category == super::Category::Correct {
                assert!(!e.blocked && e.finding.is_none(), "{}", s.name);
            }
            let preflight_error = e
                .chromium_error
                .is_some_and(|c| c.starts_with("Preflight") || c.ends_with("PreflightResponse"));
            if preflight_error {
                assert!(s.request_is_preflighted(), "{}", s.name);
            }
        }
    }

    #[test]
    fn requests_are_well_formed() {
        for s in CATALOGUE {
            let r = s.request;
            assert!(
                ["omit", "same-origin", "include"].contains(&r.credentials),
                "{}",
                s.name
            );
            assert!(!r.method.is_empty() && r.method.bytes().all(|b| b.is_ascii_alphabetic()));
            assert!(
                r.body.is_none() || !matches!(r.method, "GET" | "HEAD"),
                "{}",
                s.name
            );
        }
    }

    #[test]
    fn replies_use_templates_and_leave_framing_to_the_server() {
        for s in CATALOGUE {
            for reply in [&s.preflight, &s.actual] {
                for (name, value) in reply.headers {
                    let framing = ["content-length", "transfer-encoding", "connection"];
                    assert!(
                        !framing.contains(&name.to_ascii_lowercase().as_str()),
                        "{}",
                        s.name
                    );
                    assert!(!value.contains("localhost:3000"), "{}: literal origin", s.name);
                    // Line breaks inside a value only where the scenario is about framing, and
                    // never to smuggle in a framing header.
                    if value.contains(['\r', '\n']) {
                        assert_eq!(s.name, "lenient-head-framing");
                        for line in value.split(['\r', '\n']).skip(1) {
                            let injected = line.split(':').next().unwrap_or("").trim();
                            assert!(
                                !framing.contains(&injected.to_ascii_lowercase().as_str()),
                                "{}: {line}",
                                s.name
                            );
                        }
                    }
                    for part in value.split('{').skip(1) {
                        let name = part.split('}').next().unwrap_or("");
                        assert!(PLACEHOLDERS.contains(&name), "{}: {{{name}}}", s.name);
                    }
                }
            }
        }
    }

    #[test]
    fn redirects_point_into_the_lab() {
        for s in CATALOGUE {
            for reply in [&s.preflight, &s.actual] {
                for (_, v) in reply
                    .headers
                    .iter()
                    // An empty Location points nowhere on purpose (redirect-empty-location).
                    .filter(|(n, v)| n.eq_ignore_ascii_case("location") && !v.is_empty())
                {
                    let path = ["{self}", "{self_swap}", "{self_https}"]
                        .iter()
                        .fold(*v, |v, p| v.strip_prefix(p).unwrap_or(v));
                    let target = path.trim_matches('/');
                    assert!(crate::find(target).is_some(), "{}: {v}", s.name);
                }
            }
        }
    }

    #[test]
    fn demo_is_curated() {
        let demo = CATALOGUE.iter().filter(|s| s.in_demo).count();
        assert!((10..=20).contains(&demo), "{demo} demo scenarios");
    }
}

//! What each CORS failure means, why it usually happens and what fixes it: one table, reusable by
//! any report (check, HAR, explain). Sources: reference/ecosystem.md §2 (P1–P20, the real causes
//! behind each console message) and reference/browsers.md.
//!
//! Texts may hold the placeholders `{origin}`, `{method}`, `{header}`, `{value}` and `{status}`;
//! [`fill`] replaces them with known values or a neutral wording.

use std::collections::BTreeMap;

use crate::model::{FailureKind, Stage};

/// Explanation, ranked causes and fix for one failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Knowledge {
    /// What the failure means, in one short paragraph.
    pub explanation: &'static str,
    /// The usual causes, most likely first.
    pub causes: &'static [&'static str],
    /// The change that fixes it.
    pub fix: &'static str,
}

/// The knowledge for a failure kind at a stage.
pub fn knowledge(kind: FailureKind, stage: Stage) -> &'static Knowledge {
    use FailureKind::*;
    let preflight = stage == Stage::Preflight;
    match kind {
        MissingAllowOrigin if preflight => &PREFLIGHT_MISSING_ALLOW_ORIGIN,
        MissingAllowOrigin if stage == Stage::Redirect => &REDIRECT_MISSING_ALLOW_ORIGIN,
        MissingAllowOrigin => &MISSING_ALLOW_ORIGIN,
        MultipleAllowOriginValues => &MULTIPLE_ALLOW_ORIGIN_VALUES,
        InvalidAllowOriginValue => &INVALID_ALLOW_ORIGIN_VALUE,
        AllowOriginMismatch => &ALLOW_ORIGIN_MISMATCH,
        WildcardOriginNotAllowed => &WILDCARD_ORIGIN_NOT_ALLOWED,
        InvalidAllowCredentials => &INVALID_ALLOW_CREDENTIALS,
        PreflightInvalidStatus => &PREFLIGHT_INVALID_STATUS,
        PreflightDisallowedRedirect => &PREFLIGHT_DISALLOWED_REDIRECT,
        InvalidAllowMethods => &INVALID_ALLOW_METHODS,
        InvalidAllowHeaders => &INVALID_ALLOW_HEADERS,
        MethodNotAllowed => &METHOD_NOT_ALLOWED,
        HeaderNotAllowed => &HEADER_NOT_ALLOWED,
        RedirectContainsCredentials => &REDIRECT_CONTAINS_CREDENTIALS,
        RedirectModeError => &REDIRECT_MODE_ERROR,
        TooManyRedirects => &TOO_MANY_REDIRECTS,
        RedirectUnsafeScheme => &REDIRECT_UNSAFE_SCHEME,
        InvalidRedirect => &INVALID_REDIRECT,
        DisallowedByMode => &DISALLOWED_BY_MODE,
        CorsDisabledScheme => &CORS_DISABLED_SCHEME,
        InvalidResponseHeader => &INVALID_RESPONSE_HEADER,
        RequestRejected => &REQUEST_REJECTED,
        Network => &NETWORK,
    }
}

/// Knowledge for the codes no [`FailureKind`] describes (`cors-check-failed`, `cors-disabled`,
/// `origin-header-not-added`, Chromium's Local/Private Network Access family).
pub fn knowledge_for_code(code: &str) -> Option<&'static Knowledge> {
    match code {
        "cors-check-failed" => Some(&CORS_CHECK_FAILED),
        "cors-disabled" => Some(&CORS_DISABLED),
        "origin-header-not-added" => Some(&ORIGIN_HEADER_NOT_ADDED),
        c if c.contains("network-access") || c.contains("local-network") || c.contains("private-network") => {
            Some(&LOCAL_NETWORK_ACCESS)
        }
        _ => None,
    }
}

/// Replace `{origin}`, `{method}`, `{header}`, `{value}` and `{status}` with the values in `vars`
/// (keys without braces), or with a neutral wording when a value is unknown.
pub fn fill(text: &str, vars: &BTreeMap<String, String>) -> String {
    let defaults = [
        ("origin", "<your page's origin>"),
        ("method", "the method"),
        ("header", "the header"),
        ("value", "the value"),
        ("status", "the status"),
    ];
    let mut out = text.to_string();
    for (key, default) in defaults {
        let pattern = format!("{{{key}}}");
        if out.contains(&pattern) {
            // A known-empty value (an absent header reads as '') is not "unknown".
            let value = match vars.get(key) {
                Some(v) if v.is_empty() && key == "value" => "empty or absent",
                Some(v) if !v.is_empty() => v.as_str(),
                _ => default,
            };
            out = out.replace(&pattern, value);
        }
    }
    out
}

const AUTH_ON_OPTIONS: &str = "Authentication (a login filter, API-key check, JWT middleware, an API-gateway authorizer) runs before CORS and answers the preflight with 401/403: preflights never carry cookies or Authorization, so they must be let through";
const NO_OPTIONS_ROUTE: &str = "Nothing answers OPTIONS on this path (404/405): CORS is attached per route or after the router, or the framework has no OPTIONS handler here";
const ERROR_PATH: &str = "The server answered with an error (500, a 502/503 from a proxy, 413 body too large, 429 rate limit) produced on a path the CORS middleware never decorates";
const NOT_IN_ALLOWLIST: &str = "Your page's origin is not in the server's allowed origins, so the middleware answers without CORS headers (check scheme, host and port: http vs https, localhost vs 127.0.0.1, another dev port)";
const GATEWAY_ANSWERS: &str = "A proxy, CDN or API gateway in front of the app answers the request itself without CORS headers (nginx add_header without `always`, API Gateway without Gateway Responses, S3 bucket without a CORS rule)";
const NO_CORS_AT_ALL: &str = "CORS is not configured for this endpoint or server at all (the middleware is not installed, or registered after the routes)";
const CACHE_WITHOUT_VARY: &str = "A shared cache (CDN, reverse proxy) served a copy stored for another origin or without CORS headers: the server varies its CORS headers by Origin but sends no `Vary: Origin`";
const WRONG_URL: &str = "The URL is not the API you think: a wrong host, path or environment variable sends the request to a static host, a login page or a default 404 that knows nothing of CORS";

static PREFLIGHT_MISSING_ALLOW_ORIGIN: Knowledge = Knowledge {
    explanation: "Before the real request the browser sent a CORS preflight: an OPTIONS request announcing the method and headers your code uses. The preflight response had no Access-Control-Allow-Origin header, so the browser never sent the real request. Browsers check this header before the status, so a 401, 404 or 500 preflight without CORS headers is reported this way too.",
    causes: &[AUTH_ON_OPTIONS, NO_OPTIONS_ROUTE, ERROR_PATH, NOT_IN_ALLOWLIST, GATEWAY_ANSWERS],
    fix: "Let OPTIONS requests that carry Access-Control-Request-Method reach the CORS layer before authentication and routing, and answer them with 204 and Access-Control-Allow-Origin: {origin}, plus Access-Control-Allow-Methods and Access-Control-Allow-Headers listing what the page sends. Register the CORS middleware outermost. The check command shows the status and headers your preflight gets today.",
};

static MISSING_ALLOW_ORIGIN: Knowledge = Knowledge {
    explanation: "The response carried no Access-Control-Allow-Origin header, so the browser hid it from your script. The request did reach the server and may have had effects; only reading the answer was blocked.",
    causes: &[ERROR_PATH, NOT_IN_ALLOWLIST, NO_CORS_AT_ALL, GATEWAY_ANSWERS, CACHE_WITHOUT_VARY, WRONG_URL],
    fix: "Send Access-Control-Allow-Origin: {origin} on every response of this endpoint, error responses included (nginx: `add_header … always`; Apache: `Header always set`; frameworks: register the CORS middleware outermost, before authentication, routing and error handlers). If the status was 4xx/5xx, that error is the real failure: fix it too.",
};

static REDIRECT_MISSING_ALLOW_ORIGIN: Knowledge = Knowledge {
    explanation: "The request was redirected, and the redirect response itself did not allow your origin. Every hop of a cross-origin request must pass the CORS check, and after a hop to another origin the request's Origin becomes `null`.",
    causes: &[
        "The redirect goes to a login or SSO page because the request is not authenticated",
        "A trailing-slash or http→https redirect is answered by a layer without CORS headers",
        "The redirect target allows your origin but the hop is cross-origin, so the browser now sends `Origin: null`",
    ],
    fix: "Call the final URL directly so no redirect happens, or add CORS headers to the redirect response; never rely on a cross-origin redirect for a CORS request.",
};

static MULTIPLE_ALLOW_ORIGIN_VALUES: Knowledge = Knowledge {
    explanation: "Access-Control-Allow-Origin must hold exactly one origin or `*`. This response carried several: a list in one header, or the header sent twice (browsers combine repeated headers into one list).",
    causes: &[
        "Two layers both add the header: a proxy, ingress or API gateway and the application (the value '*, *' or the same origin twice is the signature)",
        "A configured list of allowed origins is written into the header as it is, instead of echoing the one origin that matched",
        "nginx `add_header` in two contexts, or CORS middleware plus handler code that sets the header by hand",
    ],
    fix: "Set the header in one place only: remove it from the proxy (nginx: `proxy_hide_header Access-Control-Allow-Origin;`) or from the application. With several allowed origins, compare the request's Origin with the list and echo that single origin ({origin}), adding `Vary: Origin`.",
};

static INVALID_ALLOW_ORIGIN_VALUE: Knowledge = Knowledge {
    explanation: "Access-Control-Allow-Origin holds '{value}', which is not an origin: it must be `*`, `null` or exactly scheme://host[:port].",
    causes: &[
        "A pattern sent literally (https://*.example.com, http://localhost:*): browsers never expand patterns in this header",
        "An empty value, or quotes and spaces carried over from an environment variable or config file",
        "A template placeholder or a list separator that the server did not resolve",
    ],
    fix: "Match the request's Origin against your allowed patterns on the server and echo the exact origin ({origin}), with `Vary: Origin`.",
};

static ALLOW_ORIGIN_MISMATCH: Knowledge = Knowledge {
    explanation: "The response allows the origin '{value}', not your page's origin. Browsers compare the header with the page's serialized origin exactly: scheme, host and port, with no trailing slash and no path.",
    causes: &[
        "A near-miss in the configured origin: a trailing slash, http vs https, an explicit or missing port, localhost vs 127.0.0.1, www vs the bare domain",
        "The server allows one fixed origin (production) and the page runs somewhere else: a dev server, another port, a preview deployment",
        CACHE_WITHOUT_VARY,
        "The page's origin is `null` (file://, a sandboxed iframe, a cross-origin redirect) and the server allows a real origin",
    ],
    fix: "Allow exactly {origin}: compare the request's Origin header with your allowlist and echo the matching origin, with `Vary: Origin` so caches keep one copy per origin.",
};

static WILDCARD_ORIGIN_NOT_ALLOWED: Knowledge = Knowledge {
    explanation: "The request was sent with credentials (fetch `credentials: 'include'`, XHR or axios `withCredentials`) and the response answered Access-Control-Allow-Origin: *. With credentials the wildcard is refused: the header must name the origin.",
    causes: &[
        "The client sends credentials while the server is configured to allow any origin with `*`",
        "The client sets `credentials: 'include'` / `withCredentials: true` without needing cookies or HTTP auth (copied from an example or an axios default)",
        "A CDN, static host or default configuration adds `*` in front of an application that handles credentials",
    ],
    fix: "Either echo the exact origin ({origin}) with Access-Control-Allow-Credentials: true and `Vary: Origin`, or stop sending credentials from the client when the request needs no cookies or HTTP auth.",
};

static INVALID_ALLOW_CREDENTIALS: Knowledge = Knowledge {
    explanation: "The request was sent with credentials, so the response must carry Access-Control-Allow-Credentials: true (exactly that, lowercase). It was missing or held another value ('{value}').",
    causes: &[
        "The server never sends Access-Control-Allow-Credentials: credentials support is not enabled in the CORS configuration",
        "The header holds another value (`True`, `1`, `false`) or is sent twice",
        "The client sends credentials it does not need (`credentials: 'include'`, `withCredentials: true`)",
    ],
    fix: "Send Access-Control-Allow-Credentials: true together with Access-Control-Allow-Origin: {origin} (never `*`), or stop sending credentials from the client.",
};

static PREFLIGHT_INVALID_STATUS: Knowledge = Knowledge {
    explanation: "The preflight (the OPTIONS request the browser sends first) got status {status}, outside 200–299, so the browser did not send the real request.",
    causes: &[
        AUTH_ON_OPTIONS,
        NO_OPTIONS_ROUTE,
        "The preflight hits an error (500, or 502/503 from a proxy whose backend is down)",
        "The server validates OPTIONS like a real request (requires a body, an API key or a CSRF token a preflight never carries)",
    ],
    fix: "Answer OPTIONS preflights with 204 (or 200) before authentication, routing and validation run, with Access-Control-Allow-Origin: {origin} and the Allow-Methods and Allow-Headers the page needs.",
};

static PREFLIGHT_DISALLOWED_REDIRECT: Knowledge = Knowledge {
    explanation: "The preflight was answered with a redirect (3xx). Browsers never follow redirects for preflights.",
    causes: &[
        "Trailing-slash normalisation: FastAPI/Starlette 307, Django APPEND_SLASH 301, Laravel and others redirect /items to /items/ (or back)",
        "An http→https upgrade or host canonicalisation (www, bare domain) in front of the API",
        "An authentication layer redirects to a login page",
        "S3, a load balancer or a CDN redirects to a regional or canonical endpoint",
    ],
    fix: "Call the final URL directly (exact scheme, host and trailing slash), and make the server answer OPTIONS at that URL without redirecting.",
};

static INVALID_ALLOW_METHODS: Knowledge = Knowledge {
    explanation: "Access-Control-Allow-Methods on the preflight response is not a comma-separated list of method names, so the browser cannot read it.",
    causes: &[
        "Methods separated by spaces or semicolons, or quoted ('GET;POST', \"GET\")",
        "Placeholder or template text sent literally",
        "Two layers concatenating their values badly",
    ],
    fix: "Send a plain comma-separated list, e.g. Access-Control-Allow-Methods: GET, POST, PUT, PATCH, DELETE.",
};

static INVALID_ALLOW_HEADERS: Knowledge = Knowledge {
    explanation: "Access-Control-Allow-Headers on the preflight response is not a comma-separated list of header names, so the browser cannot read it.",
    causes: &[
        "Header names separated by spaces or semicolons, or quoted",
        "A header value (`application/json`) listed where a header name belongs",
        "Placeholder or template text sent literally",
    ],
    fix: "Send a plain comma-separated list of header names, e.g. Access-Control-Allow-Headers: Content-Type, Authorization.",
};

static METHOD_NOT_ALLOWED: Knowledge = Knowledge {
    explanation: "The preflight passed the origin check, but its Access-Control-Allow-Methods does not include {method}. Methods are compared case-sensitively; fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT, so 'patch' stays 'patch'.",
    causes: &[
        "The CORS configuration lists fewer methods than the API uses; library defaults are narrow (Starlette allows GET only, rs/cors and Spring the simple methods, tower-http none)",
        "The client sends a lower-case method (`method: 'patch'`) and the server lists PATCH",
        "`*` in Access-Control-Allow-Methods does not count for requests with credentials",
        "Another layer (proxy, gateway) answers the preflight with its own method list",
    ],
    fix: "Add {method} to Access-Control-Allow-Methods in the preflight response (and send methods upper-case from the client, e.g. 'PATCH').",
};

static HEADER_NOT_ALLOWED: Knowledge = Knowledge {
    explanation: "The preflight's Access-Control-Allow-Headers does not list {header}, a request header your code or a library sends. Every header outside the CORS safelist must be allowed explicitly; Content-Type: application/json and Authorization are the usual ones.",
    causes: &[
        "Your code sets the header (Authorization, Content-Type: application/json, an API key) and the server's allowed headers do not include it",
        "A library adds it for you: tracing (sentry-trace, baggage, traceparent), X-Requested-With, SDK or auth headers",
        "The client sends a response header (Access-Control-Allow-Origin…) as a request header, which only triggers the preflight",
        "`*` in Access-Control-Allow-Headers does not count for requests with credentials",
    ],
    fix: "Add {header} to Access-Control-Allow-Headers in the preflight response, or stop sending the header if it is not needed.",
};

static REDIRECT_CONTAINS_CREDENTIALS: Knowledge = Knowledge {
    explanation: "The request was redirected to a URL with a user name and password in it (https://user:pass@host/…). Browsers refuse such redirects for CORS requests.",
    causes: &["A redirect built from a URL with embedded credentials (proxy or basic-auth configuration)"],
    fix: "Remove the user:password part from the Location header; send credentials in an Authorization header instead.",
};

static REDIRECT_MODE_ERROR: Knowledge = Knowledge {
    explanation: "The request was made with `redirect: 'error'` and the server answered with a redirect.",
    causes: &[
        "A trailing-slash, http→https or login redirect on a URL the client expects to answer directly",
    ],
    fix: "Call the final URL, or remove `redirect: 'error'` if following the redirect is acceptable.",
};

static TOO_MANY_REDIRECTS: Knowledge = Knowledge {
    explanation: "The request was redirected more than 20 times.",
    causes: &[
        "A redirect loop between http and https behind a proxy that does not pass X-Forwarded-Proto",
        "A trailing-slash loop or a login redirect that redirects to itself",
    ],
    fix: "Follow the chain with the check command and remove the loop.",
};

static REDIRECT_UNSAFE_SCHEME: Knowledge = Knowledge {
    explanation: "A redirect pointed to a URL that is not http or https.",
    causes: &["A misconfigured redirect (custom app scheme, file:, data:)"],
    fix: "Redirect only to http(s) URLs, or call the final URL directly.",
};

static INVALID_REDIRECT: Knowledge = Knowledge {
    explanation: "A redirect response had a Location header that is not a valid URL.",
    causes: &["A Location built from unescaped user input or a broken template"],
    fix: "Send a valid absolute or relative URL in Location.",
};

static DISALLOWED_BY_MODE: Knowledge = Knowledge {
    explanation: "The request was made with `mode: 'same-origin'` but the URL is on another origin.",
    causes: &["`mode: 'same-origin'` set in the client while the API lives on another origin"],
    fix: "Use the default `mode: 'cors'` and configure CORS on the server, or serve the API from the page's origin (a reverse-proxy path).",
};

static CORS_DISABLED_SCHEME: Knowledge = Knowledge {
    explanation: "The request URL's scheme does not support CORS: only http(s) can be fetched cross-origin.",
    causes: &[
        "The page is opened from file:// and loads local files with fetch or XHR",
        "The URL has no scheme or a typo (`localhost:3000/api` without http://, `htp://`)",
    ],
    fix: "Serve the page over http (`npx serve`, `python3 -m http.server`) and use absolute http(s) URLs.",
};

static INVALID_RESPONSE_HEADER: Knowledge = Knowledge {
    explanation: "A response header value was rejected by the browser's HTTP parser before CORS was checked.",
    causes: &["A header value with a NUL, CR or LF, or otherwise malformed"],
    fix: "Fix the header value at the server.",
};

static REQUEST_REJECTED: Knowledge = Knowledge {
    explanation: "The browser rejected the request before sending it.",
    causes: &["A forbidden method (CONNECT, TRACE), a body on GET or HEAD, or a non-simple method with mode 'no-cors'"],
    fix: "Change the request in the client code.",
};

static NETWORK: Knowledge = Knowledge {
    explanation: "The request failed at the network level: there was no HTTP response to check. Firefox words this \"CORS request did not succeed\", but CORS is not the cause.",
    causes: &[
        "The server is not reachable: it is down, listens on another port, or a deployed frontend still calls localhost",
        "TLS: an https page calling an http API (mixed content), or a certificate the browser does not trust",
        "A browser extension (ad or privacy blocker) blocked the request",
        "A proxy or the server dropped the connection (crash, timeout, body too large)",
    ],
    fix: "Run the check command: it tells you whether the server is reachable, what TLS says and what it answers.",
};

static CORS_CHECK_FAILED: Knowledge = Knowledge {
    explanation: "Safari says only that the load failed its access-control checks; the reason is on the console line printed just before this one. Safari prints this line also for requests cancelled by navigation.",
    causes: &[
        "Access-Control-Allow-Origin is missing or names another origin (the usual case)",
        AUTH_ON_OPTIONS,
        NO_OPTIONS_ROUTE,
        ERROR_PATH,
        "The request was cancelled by a page navigation: not a CORS problem",
    ],
    fix: "Paste the [Error] line printed before this one, or run the check command to see which check fails.",
};

static CORS_DISABLED: Knowledge = Knowledge {
    explanation: "CORS requests are disabled in this Firefox profile (the `content.cors.disable` preference), so every cross-origin request is blocked.",
    causes: &["The preference was set by hand, by an enterprise policy or by a testing profile"],
    fix: "Reset `content.cors.disable` in about:config.",
};

static ORIGIN_HEADER_NOT_ADDED: Knowledge = Knowledge {
    explanation: "Firefox could not add the Origin header to the request, so it did not send it.",
    causes: &["An extension or the page's code interfering with request headers"],
    fix: "Retry without extensions; if it persists, report it with the request details.",
};

static LOCAL_NETWORK_ACCESS: Knowledge = Knowledge {
    explanation: "Chrome's Local (formerly Private) Network Access blocked a request from a page to a more private address space (a public site calling localhost or a LAN address). This is a browser permission, not something Access-Control-Allow-Origin can grant.",
    causes: &[
        "A public https site calls an API on localhost, 127.0.0.1 or a private IP",
        "The user denied (or was never asked) the local-network permission",
        "The page is not a secure context (http) while the target is more private",
        "A deployed frontend still points at a development API on localhost",
    ],
    fix: "Serve the page over https and let the user grant the local-network permission, or call a public API instead of a local address. Older Chrome builds also wanted `Access-Control-Allow-Private-Network: true` on the preflight.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_knowledge_and_fill_uses_defaults() {
        let stages = [Stage::Preflight, Stage::Actual, Stage::Redirect, Stage::Network];
        for stage in stages {
            let k = knowledge(FailureKind::MissingAllowOrigin, stage);
            assert!(!k.causes.is_empty() && !k.fix.is_empty());
        }
        let mut vars = BTreeMap::new();
        vars.insert("header".to_string(), "x-api-key".to_string());
        assert_eq!(
            fill("add {header} for {origin}", &vars),
            "add x-api-key for <your page's origin>"
        );
    }
}

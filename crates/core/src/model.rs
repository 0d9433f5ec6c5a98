//! Shared vocabulary of the engine: requests as a script makes them, requests as they go on the wire,
//! observed responses, verdicts and failures.
//!
//! These types are the contract between the core, the binary's transport and its renderers. Add
//! fields freely; renaming one is a breaking change for every consumer.

use serde::Serialize;

/// A header list in wire order, duplicates kept, names and values exactly as sent or received.
pub type HeaderList = Vec<(String, String)>;

/// A request's credentials mode (Fetch: "credentials mode").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Credentials {
    /// Never send cookies or HTTP auth.
    Omit,
    /// Send them only to the page's own origin: the `fetch()` default.
    SameOrigin,
    /// Always send them (`credentials: 'include'`, XHR `withCredentials`).
    Include,
}

/// A request's redirect mode (Fetch: "redirect mode").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RedirectMode {
    /// Follow redirects (the default), judging each hop.
    Follow,
    /// Any redirect is a network error.
    Error,
    /// Deliver the redirect as an opaque-redirect response.
    Manual,
}

/// Which API started the load: it changes the console wording ("Access to fetch at" vs
/// "Access to XMLHttpRequest at").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Initiator {
    /// `fetch()`.
    Fetch,
    /// `XMLHttpRequest`.
    Xhr,
}

/// The engines whose behaviour is modelled. `Spec` is the Fetch Standard read literally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    /// The Fetch Standard as written.
    Spec,
    /// Chromium, Chrome, Edge, Opera.
    Chromium,
    /// Firefox (Gecko).
    Firefox,
    /// Safari and other WebKit browsers.
    Webkit,
}

impl Engine {
    /// The three real browsers, in report order.
    pub const BROWSERS: [Engine; 3] = [Engine::Chromium, Engine::Firefox, Engine::Webkit];

    /// Lowercase stable name used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Spec => "spec",
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::Webkit => "webkit",
        }
    }
}

/// What a page's script asks for: `fetch(url, {method, headers, credentials, redirect, body})`
/// run by a document whose origin is `origin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CorsRequest {
    /// Absolute request URL.
    pub url: String,
    /// Serialized origin of the requesting document (`null` for opaque origins).
    pub origin: String,
    /// The method exactly as the script passed it (normalisation is the engine's job).
    pub method: String,
    /// Headers the script set, in script order, exact case (API-added ones such as a string
    /// body's Content-Type included).
    pub headers: HeaderList,
    /// Credentials mode.
    pub credentials: Credentials,
    /// Redirect mode.
    pub redirect: RedirectMode,
    /// fetch or XHR.
    pub initiator: Initiator,
    /// Fetch's use-CORS-preflight flag (XHR upload listeners, ReadableStream bodies).
    pub use_cors_preflight: bool,
}

/// Whether an exchange is a CORS-preflight or the request itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExchangeKind {
    /// The `OPTIONS` CORS-preflight request.
    Preflight,
    /// The actual request (or one of its redirect hops).
    Actual,
}

/// A request as the browser puts it on the wire, built by the engine.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct OutgoingRequest {
    /// Preflight or actual.
    pub kind: ExchangeKind,
    /// Method as sent (after normalisation and redirect rewriting).
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// Headers the engine decided on: `Origin`, `Accept` and `Access-Control-Request-*` for a
    /// preflight; `Origin` and the script's headers for the actual request. Transport-level
    /// headers (Host, User-Agent, Sec-Fetch-*, cookies) are the transport's business.
    pub headers: HeaderList,
    /// Whether cookies and HTTP auth may be attached (never on a preflight).
    pub include_credentials: bool,
    /// Whether a request body goes with it (dropped by 301/302/303 rewriting).
    pub with_body: bool,
}

/// A response as observed on the wire: status and raw header lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservedResponse {
    /// HTTP status code.
    pub status: u16,
    /// Status text (reason phrase) if any.
    pub status_text: String,
    /// Header lines in wire order, duplicates kept.
    pub headers: HeaderList,
}

/// The pipeline stage at which a fetch failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// On the CORS-preflight response.
    Preflight,
    /// On a redirect response or the redirect step.
    Redirect,
    /// On the final response.
    Actual,
    /// A transport failure (DNS, refused, TLS, timeout, protocol).
    Network,
}

/// The overall answer for one browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Script gets the response.
    Allowed,
    /// The browser blocks it (network error / TypeError).
    Blocked,
    /// The actual request was not sent, so the final verdict is not known.
    Incomplete,
}

/// Why a browser blocked a fetch. Mirrors Chromium's `network::mojom::CorsError` where one exists,
/// plus the non-CORS network errors a CORS fetch can end in. The stage (preflight or not) is kept
/// separately in [`Failure::stage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// CORS check: no `Access-Control-Allow-Origin`.
    MissingAllowOrigin,
    /// CORS check: ACAO holds several values (a comma/space, or several header lines).
    MultipleAllowOriginValues,
    /// CORS check: ACAO is not a parsable origin.
    InvalidAllowOriginValue,
    /// CORS check: ACAO is not the request's serialized origin.
    AllowOriginMismatch,
    /// CORS check: ACAO `*` with credentials mode `include`.
    WildcardOriginNotAllowed,
    /// CORS check: credentials `include` and ACAC is not exactly `true`.
    InvalidAllowCredentials,
    /// Preflight status is not an ok status (200–299).
    PreflightInvalidStatus,
    /// Preflight answered with a redirect.
    PreflightDisallowedRedirect,
    /// `Access-Control-Allow-Methods` has a non-token element.
    InvalidAllowMethods,
    /// `Access-Control-Allow-Headers` has a non-token element.
    InvalidAllowHeaders,
    /// The method is not allowed by the preflight response.
    MethodNotAllowed,
    /// A request header is not allowed by the preflight response.
    HeaderNotAllowed,
    /// A redirect's Location carries userinfo.
    RedirectContainsCredentials,
    /// Redirect mode `error` met a redirect.
    RedirectModeError,
    /// More than 20 redirects.
    TooManyRedirects,
    /// Redirect to a non-HTTP(S) URL.
    RedirectUnsafeScheme,
    /// Location header present but not a parsable URL.
    InvalidRedirect,
    /// Request mode `same-origin` used cross-origin.
    DisallowedByMode,
    /// URL scheme is not CORS-enabled (`file:`, `ftp:`).
    CorsDisabledScheme,
    /// A response header value the HTTP stack rejects before CORS (e.g. NUL in ACAO).
    InvalidResponseHeader,
    /// The script's request was rejected before anything was sent (forbidden method, body on GET).
    RequestRejected,
    /// Transport failure (DNS, refused, TLS, timeout, protocol).
    Network,
}

/// A blocked fetch: where, why, and enough context to render each browser's own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The engine whose judgement this is.
    pub engine: Engine,
    /// Pipeline stage.
    pub stage: Stage,
    /// What failed.
    pub kind: FailureKind,
    /// The failed parameter: the ACAO/ACAC value, the method, the header name, the token.
    pub hint: Option<String>,
    /// URL of the response that failed (the final URL after redirects).
    pub url: String,
    /// The URL the script asked for.
    pub initial_url: String,
    /// The origin the browser names in its message: Chromium names the page's origin; the
    /// others the request origin as serialized at that point (`null` after a redirect taint).
    pub origin: String,
    /// Status of the failing response, when there was one.
    pub status: Option<u16>,
    /// fetch or XHR, for the console wording.
    pub initiator: Initiator,
    /// The method of the request that failed (as sent), for Chromium's `net::ERR_FAILED` line.
    pub method: String,
    /// For a failed redirect hop: the Location it pointed to (WebKit names it).
    pub redirect_location: Option<String>,
}

/// Something a browser reports without blocking (deprecations).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Stable kebab-case code, e.g. `authorization-covered-by-wildcard`.
    pub code: String,
    /// The browser's own text, when it prints one.
    pub message: String,
}

/// One browser's judgement of a whole fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Which engine.
    pub engine: Engine,
    /// Allowed, blocked or incomplete.
    pub outcome: Outcome,
    /// Why it was blocked.
    pub failure: Option<Failure>,
    /// Lowercase header names script can read (on success).
    pub exposed_headers: Vec<String>,
    /// Status script sees (0 for an opaque-redirect), when allowed.
    pub status: Option<u16>,
    /// `cors` or `opaqueredirect`, when allowed.
    pub response_type: Option<String>,
    /// Every request this engine sent, in order.
    pub sent: Vec<OutgoingRequest>,
    /// Deprecation warnings and similar.
    pub warnings: Vec<Warning>,
}

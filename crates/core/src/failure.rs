//! Failures in each browser's own words: stable codes, error names and console lines.
//!
//! Contract: [`Failure::code`] is stable kebab-case (CORS-check kinds on the preflight get a
//! `preflight-` prefix); [`Failure::error_name`] is Chromium's CDP `Network.CorsError` name (or
//! the `net::` error for non-CORS failures), Firefox's MDN reason slug, or our stable WebKit
//! name; [`Failure::message`] is the CORS console line the engine prints (templates from
//! `browsers.md` §2.3, §3.2, §4.2 and §10) and [`Failure::console_lines`] every line.
//! `Engine::Spec` prints nothing: its names are Chromium's (the vocabulary mirrors them).

use crate::model::{Engine, Failure, FailureKind, Initiator, Stage};

impl FailureKind {
    /// Every kind, in declaration order.
    pub const ALL: [FailureKind; 22] = [
        FailureKind::MissingAllowOrigin,
        FailureKind::MultipleAllowOriginValues,
        FailureKind::InvalidAllowOriginValue,
        FailureKind::AllowOriginMismatch,
        FailureKind::WildcardOriginNotAllowed,
        FailureKind::InvalidAllowCredentials,
        FailureKind::PreflightInvalidStatus,
        FailureKind::PreflightDisallowedRedirect,
        FailureKind::InvalidAllowMethods,
        FailureKind::InvalidAllowHeaders,
        FailureKind::MethodNotAllowed,
        FailureKind::HeaderNotAllowed,
        FailureKind::RedirectContainsCredentials,
        FailureKind::RedirectModeError,
        FailureKind::TooManyRedirects,
        FailureKind::RedirectUnsafeScheme,
        FailureKind::InvalidRedirect,
        FailureKind::DisallowedByMode,
        FailureKind::CorsDisabledScheme,
        FailureKind::InvalidResponseHeader,
        FailureKind::RequestRejected,
        FailureKind::Network,
    ];

    /// Stable kebab-case code without any stage prefix.
    pub fn code_base(self) -> &'static str {
        use FailureKind::*;
        match self {
            MissingAllowOrigin => "missing-allow-origin",
            MultipleAllowOriginValues => "multiple-allow-origin-values",
            InvalidAllowOriginValue => "invalid-allow-origin-value",
            AllowOriginMismatch => "allow-origin-mismatch",
            WildcardOriginNotAllowed => "wildcard-origin-not-allowed",
            InvalidAllowCredentials => "invalid-allow-credentials",
            PreflightInvalidStatus => "preflight-invalid-status",
            PreflightDisallowedRedirect => "preflight-disallowed-redirect",
            InvalidAllowMethods => "invalid-allow-methods",
            InvalidAllowHeaders => "invalid-allow-headers",
            MethodNotAllowed => "method-not-allowed",
            HeaderNotAllowed => "header-not-allowed",
            RedirectContainsCredentials => "redirect-contains-credentials",
            RedirectModeError => "redirect-mode-error",
            TooManyRedirects => "too-many-redirects",
            RedirectUnsafeScheme => "redirect-unsafe-scheme",
            InvalidRedirect => "invalid-redirect",
            DisallowedByMode => "disallowed-by-mode",
            CorsDisabledScheme => "cors-disabled-scheme",
            InvalidResponseHeader => "invalid-response-header",
            RequestRejected => "request-rejected",
            Network => "network-error",
        }
    }

    /// The stable code at a stage: CORS-check kinds on a preflight are prefixed `preflight-`
    /// (`preflight-missing-allow-origin`); every other kind's code is its base.
    pub fn code_at(self, stage: Stage) -> String {
        if stage == Stage::Preflight && self.is_cors_check() {
            format!("preflight-{}", self.code_base())
        } else {
            self.code_base().to_owned()
        }
    }

    /// Whether this kind is an outcome of the CORS check (ACAO/ACAC).
    pub fn is_cors_check(self) -> bool {
        use FailureKind::*;
        matches!(
            self,
            MissingAllowOrigin
                | MultipleAllowOriginValues
                | InvalidAllowOriginValue
                | AllowOriginMismatch
                | WildcardOriginNotAllowed
                | InvalidAllowCredentials
        )
    }

    /// Whether a browser reports this as a CORS error (as opposed to a plain network error).
    pub fn is_cors_error(self) -> bool {
        use FailureKind::*;
        !matches!(
            self,
            RedirectModeError
                | TooManyRedirects
                | RedirectUnsafeScheme
                | InvalidRedirect
                | InvalidResponseHeader
                | RequestRejected
                | Network
        )
    }
}

/// Every failure kind (for enumeration by renderers, explainers and tests).
pub fn all_kinds() -> &'static [FailureKind] {
    &FailureKind::ALL
}

const FF_PREFIX: &str =
    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ";
// Chromium 156 (checked in the real browser by tests/integration/browser.rs) ends the ACAO-value
// messages with this sentence only; older builds added "…, or, if an opaque response serves your
// needs, set the request's mode to 'no-cors'…" (browsers.md §2.3), which `explain` still accepts.
const CR_NO_CORS: &str = " Have the server send the header with a valid value.";
// …and the missing-ACAO message with nothing at all (older builds: the same no-cors sentence).
const CR_OPAQUE: &str = "";
const CR_XHR: &str = " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.";

impl Failure {
    /// Stable kebab-case code, e.g. `preflight-missing-allow-origin`, `method-not-allowed`.
    pub fn code(&self) -> String {
        self.kind.code_at(self.stage)
    }

    /// The engine's own name for the failure.
    pub fn error_name(&self) -> String {
        match self.engine {
            Engine::Spec | Engine::Chromium => self.chromium_name(),
            Engine::Firefox => firefox_name(self.kind).to_owned(),
            Engine::Webkit => webkit_name(self.kind).to_owned(),
        }
    }

    /// The CORS console line the engine prints, `None` when it prints none.
    pub fn message(&self) -> Option<String> {
        match self.engine {
            Engine::Spec => None,
            Engine::Chromium => self.chromium_message(),
            Engine::Firefox => self.firefox_reason_lines().into_iter().next(),
            Engine::Webkit => self.webkit_reason(),
        }
    }

    /// Every console line the engine prints for this failure, in order.
    pub fn console_lines(&self) -> Vec<String> {
        match self.engine {
            Engine::Spec => Vec::new(),
            Engine::Chromium => self.chromium_lines(),
            Engine::Firefox => self.firefox_lines(),
            Engine::Webkit => self.webkit_lines(),
        }
    }

    fn hint(&self) -> &str {
        self.hint.as_deref().unwrap_or("")
    }

    fn is_xhr(&self) -> bool {
        self.initiator == Initiator::Xhr
    }

    // ---- Chromium -------------------------------------------------------------------------

    fn chromium_name(&self) -> String {
        use FailureKind::*;
        let pre = if self.stage == Stage::Preflight {
            "Preflight"
        } else {
            ""
        };
        let name = match self.kind {
            MissingAllowOrigin => "MissingAllowOriginHeader",
            MultipleAllowOriginValues => "MultipleAllowOriginValues",
            InvalidAllowOriginValue => "InvalidAllowOriginValue",
            AllowOriginMismatch => "AllowOriginMismatch",
            WildcardOriginNotAllowed => "WildcardOriginNotAllowed",
            InvalidAllowCredentials => "InvalidAllowCredentials",
            _ => return self.chromium_other_name(),
        };
        format!("{pre}{name}")
    }

    fn chromium_other_name(&self) -> String {
        use FailureKind::*;
        let name = match self.kind {
            PreflightInvalidStatus => "PreflightInvalidStatus",
            PreflightDisallowedRedirect => "PreflightDisallowedRedirect",
            InvalidAllowMethods => "InvalidAllowMethodsPreflightResponse",
            InvalidAllowHeaders => "InvalidAllowHeadersPreflightResponse",
            MethodNotAllowed => "MethodDisallowedByPreflightResponse",
            HeaderNotAllowed => "HeaderDisallowedByPreflightResponse",
            RedirectContainsCredentials => "RedirectContainsCredentials",
            DisallowedByMode => "DisallowedByMode",
            CorsDisabledScheme => "CorsDisabledScheme",
            RequestRejected => "TypeError",
            _ => return self.chromium_net_error().to_owned(),
        };
        name.to_owned()
    }

    fn chromium_net_error(&self) -> &str {
        use FailureKind::*;
        match self.kind {
            TooManyRedirects => "net::ERR_TOO_MANY_REDIRECTS",
            RedirectUnsafeScheme => "net::ERR_UNSAFE_REDIRECT",
            InvalidRedirect => "net::ERR_INVALID_REDIRECT",
            InvalidResponseHeader => "net::ERR_INVALID_HTTP_RESPONSE",
            Network if self.hint().starts_with("net::") => self.hint(),
            _ => "net::ERR_FAILED",
        }
    }

    fn chromium_detail(&self) -> String {
        use FailureKind::*;
        let h = self.hint();
        let fetch_only = |s: &'static str| if self.is_xhr() { "" } else { s };
        let xhr_only = if self.is_xhr() { CR_XHR } else { "" };
        match self.kind {
            WildcardOriginNotAllowed => format!("The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.{xhr_only}"),
            MissingAllowOrigin => format!("No 'Access-Control-Allow-Origin' header is present on the requested resource.{}", fetch_only(CR_OPAQUE)),
            MultipleAllowOriginValues => format!("The 'Access-Control-Allow-Origin' header contains multiple values '{h}', but only one is allowed.{}", fetch_only(CR_NO_CORS)),
            InvalidAllowOriginValue => format!("The 'Access-Control-Allow-Origin' header contains the invalid value '{h}'.{}", fetch_only(CR_NO_CORS)),
            AllowOriginMismatch => format!("The 'Access-Control-Allow-Origin' header has a value '{h}' that is not equal to the supplied origin.{}", fetch_only(CR_NO_CORS)),
            InvalidAllowCredentials => format!("The value of the 'Access-Control-Allow-Credentials' header in the response is '{h}' which must be 'true' when the request's credentials mode is 'include'.{xhr_only}"),
            PreflightInvalidStatus => "It does not have HTTP ok status.".to_owned(),
            PreflightDisallowedRedirect => "Redirect is not allowed for a preflight request.".to_owned(),
            InvalidAllowMethods => "Cannot parse Access-Control-Allow-Methods response header field in preflight response.".to_owned(),
            InvalidAllowHeaders => "Cannot parse Access-Control-Allow-Headers response header field in preflight response.".to_owned(),
            MethodNotAllowed => format!("Method {h} is not allowed by Access-Control-Allow-Methods in preflight response."),
            HeaderNotAllowed => format!("Request header field {h} is not allowed by Access-Control-Allow-Headers in preflight response."),
            // Created without a failed_parameter in current cors_url_loader.cc: the hint is ''.
            RedirectContainsCredentials => "Redirect location '' contains a username and password, which is disallowed for cross-origin requests.".to_owned(),
            DisallowedByMode => "Cross origin requests are not allowed by request mode.".to_owned(),
            _ => "Cross origin requests are only supported for protocol schemes: chrome, chrome-extension, chrome-untrusted, data, http, https, isolated-app.".to_owned(),
        }
    }

    fn chromium_has_preflight_prefix(&self) -> bool {
        (self.stage == Stage::Preflight && self.kind.is_cors_check())
            || matches!(
                self.kind,
                FailureKind::PreflightInvalidStatus | FailureKind::PreflightDisallowedRedirect
            )
    }

    fn chromium_message(&self) -> Option<String> {
        if !self.kind.is_cors_error() {
            return None;
        }
        let what = if self.is_xhr() { "XMLHttpRequest" } else { "fetch" };
        let redirected = if self.url != self.initial_url {
            format!("(redirected from '{}') ", self.initial_url)
        } else {
            String::new()
        };
        let prefix = if self.chromium_has_preflight_prefix() {
            "Response to preflight request doesn't pass access control check: "
        } else {
            ""
        };
        Some(format!(
            "Access to {what} at '{}' {redirected}from origin '{}' has been blocked by CORS policy: {prefix}{}",
            self.url,
            self.origin,
            self.chromium_detail()
        ))
    }

    fn chromium_lines(&self) -> Vec<String> {
        if self.kind == FailureKind::RequestRejected {
            return Vec::new();
        }
        let Some(message) = self.chromium_message() else {
            return vec![format!("Failed to load resource: {}", self.chromium_net_error())];
        };
        let status = match (self.stage, self.status) {
            (Stage::Actual | Stage::Redirect, Some(s)) => format!(" {s}"),
            _ => String::new(),
        };
        vec![
            message,
            format!("{} {} net::ERR_FAILED{status}", self.method, self.url),
        ]
    }

    // ---- Firefox --------------------------------------------------------------------------

    fn ff(&self, reason: &str) -> String {
        format!("{FF_PREFIX}{}. (Reason: {reason}", self.url)
    }

    fn ff_status(&self) -> String {
        self.status.map_or_else(|| "(null)".to_owned(), |s| s.to_string())
    }

    fn ff_did_not_succeed(&self, status: &str) -> String {
        format!(
            "{}. Status code: {status}.",
            self.ff("CORS request did not succeed)")
        )
    }

    fn firefox_reason_lines(&self) -> Vec<String> {
        use FailureKind::*;
        let h = self.hint();
        let status = self.ff_status();
        match self.kind {
            MissingAllowOrigin => vec![format!("{}. Status code: {status}.", self.ff("CORS header ‘Access-Control-Allow-Origin’ missing)"))],
            MultipleAllowOriginValues => vec![format!("{}.", self.ff("Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed)"))],
            InvalidAllowOriginValue | AllowOriginMismatch => vec![format!("{}.", self.ff(&format!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{h}’)")))],
            WildcardOriginNotAllowed => vec![format!("{FF_PREFIX}‘{}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).", self.url)],
            InvalidAllowCredentials => vec![format!("{}.", self.ff("expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’)"))],
            PreflightInvalidStatus => vec![self.ff_preflight_did_not_succeed()],
            PreflightDisallowedRedirect => vec![format!("{}.", self.ff("CORS request external redirect not allowed)")), self.ff_preflight_did_not_succeed()],
            InvalidAllowMethods => vec![format!("{}.", self.ff(&format!("invalid token ‘{h}’ in CORS header ‘Access-Control-Allow-Methods’)")))],
            InvalidAllowHeaders => vec![format!("{}.", self.ff(&format!("invalid token ‘{h}’ in CORS header ‘Access-Control-Allow-Headers’)")))],
            MethodNotAllowed => vec![format!("{}.", self.ff("Did not find method in CORS header ‘Access-Control-Allow-Methods’)"))],
            HeaderNotAllowed => vec![format!("{}.", self.ff(&format!("header ‘{h}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response)")))],
            CorsDisabledScheme => vec![format!("{}.", self.ff("CORS request not http)"))],
            RedirectModeError | DisallowedByMode | RequestRejected => Vec::new(),
            _ => vec![self.ff_did_not_succeed("(null)")],
        }
    }

    fn ff_preflight_did_not_succeed(&self) -> String {
        format!(
            "{}. Status code: {}.",
            self.ff("CORS preflight response did not succeed)"),
            self.ff_status()
        )
    }

    fn firefox_lines(&self) -> Vec<String> {
        let mut lines = self.firefox_reason_lines();
        if self.stage == Stage::Preflight && self.kind.is_cors_error() {
            lines.push(self.ff_did_not_succeed("(null)"));
        }
        lines
    }

    // ---- WebKit ---------------------------------------------------------------------------

    fn webkit_check_reason(&self) -> Option<String> {
        use FailureKind::*;
        let status = self
            .status
            .map(|s| format!(" Status code: {s}"))
            .unwrap_or_default();
        Some(match self.kind {
            WildcardOriginNotAllowed => {
                "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.".to_owned()
            }
            MultipleAllowOriginValues => {
                "Access-Control-Allow-Origin cannot contain more than one origin.".to_owned()
            }
            MissingAllowOrigin | InvalidAllowOriginValue | AllowOriginMismatch => {
                format!(
                    "Origin {} is not allowed by Access-Control-Allow-Origin.{status}",
                    self.origin
                )
            }
            InvalidAllowCredentials => {
                "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\".".to_owned()
            }
            _ => return None,
        })
    }

    fn webkit_reason(&self) -> Option<String> {
        use FailureKind::*;
        let h = self.hint();
        let location = self.redirect_location.as_deref().unwrap_or(&self.url);
        let denied = |reason: &str| {
            format!("Cross-origin redirection to {location} denied by Cross-Origin Resource Sharing policy: {reason}")
        };
        if let Some(reason) = self.webkit_check_reason() {
            return Some(if self.stage == Stage::Redirect {
                denied(&reason)
            } else {
                reason
            });
        }
        Some(match self.kind {
            PreflightInvalidStatus | PreflightDisallowedRedirect => {
                format!(
                    "Preflight response is not successful.{}",
                    self.status
                        .map(|s| format!(" Status code: {s}"))
                        .unwrap_or_default()
                )
            }
            InvalidAllowMethods => format!("Header Access-Control-Allow-Methods has an invalid value: {h}"),
            InvalidAllowHeaders => format!("Header Access-Control-Allow-Headers has an invalid value: {h}"),
            MethodNotAllowed => format!("Method {h} is not allowed by Access-Control-Allow-Methods."),
            HeaderNotAllowed => {
                format!("Request header field {h} is not allowed by Access-Control-Allow-Headers.")
            }
            RedirectContainsCredentials => denied(&format!("redirection URL {location} has credentials")),
            RedirectUnsafeScheme => {
                denied("not allowed to follow a cross-origin CORS redirection with non CORS scheme")
            }
            TooManyRedirects => "Load cannot follow more than 20 redirections".to_owned(),
            RedirectModeError => format!("Not allowed to follow a redirection while loading {}", self.url),
            DisallowedByMode => format!("{} cannot load {}.", self.webkit_api(), self.url),
            CorsDisabledScheme => "Cross origin requests are only supported for HTTP.".to_owned(),
            Network if !h.is_empty() => h.to_owned(),
            _ => return None,
        })
    }

    fn webkit_api(&self) -> &'static str {
        if self.is_xhr() {
            "XMLHttpRequest"
        } else {
            "Fetch API"
        }
    }

    fn webkit_lines(&self) -> Vec<String> {
        if self.kind == FailureKind::RequestRejected {
            return Vec::new();
        }
        let cannot_load = format!(
            "{} cannot load {} due to access control checks.",
            self.webkit_api(),
            self.url
        );
        match (self.kind, self.webkit_reason()) {
            (FailureKind::DisallowedByMode, Some(line)) => vec![line],
            (_, Some(reason)) => vec![reason, cannot_load],
            (_, None) => vec![cannot_load],
        }
    }
}

fn firefox_name(kind: FailureKind) -> &'static str {
    use FailureKind::*;
    match kind {
        MissingAllowOrigin => "CORSMissingAllowOrigin",
        MultipleAllowOriginValues => "CORSMultipleAllowOriginNotAllowed",
        InvalidAllowOriginValue | AllowOriginMismatch => "CORSAllowOriginNotMatchingOrigin",
        WildcardOriginNotAllowed => "CORSNotSupportingCredentials",
        // The MDN slug keeps DevTools' historic typo.
        InvalidAllowCredentials => "CORSMIssingAllowCredentials",
        PreflightInvalidStatus => "CORSPreflightDidNotSucceed",
        PreflightDisallowedRedirect => "CORSExternalRedirectNotAllowed",
        InvalidAllowMethods => "CORSInvalidAllowMethod",
        InvalidAllowHeaders => "CORSInvalidAllowHeader",
        MethodNotAllowed => "CORSMethodNotFound",
        HeaderNotAllowed => "CORSMissingAllowHeaderFromPreflight",
        CorsDisabledScheme => "CORSRequestNotHttp",
        RedirectModeError => "NetworkError",
        DisallowedByMode => "NetworkError",
        RequestRejected => "TypeError",
        RedirectContainsCredentials
        | TooManyRedirects
        | RedirectUnsafeScheme
        | InvalidRedirect
        | InvalidResponseHeader
        | Network => "CORSDidNotSucceed",
    }
}

fn webkit_name(kind: FailureKind) -> &'static str {
    use FailureKind::*;
    match kind {
        MissingAllowOrigin => "OriginNotAllowedMissing",
        MultipleAllowOriginValues => "AllowOriginMultipleOrigins",
        InvalidAllowOriginValue | AllowOriginMismatch => "OriginNotAllowed",
        WildcardOriginNotAllowed => "WildcardWithCredentials",
        InvalidAllowCredentials => "AllowCredentialsNotTrue",
        PreflightInvalidStatus | PreflightDisallowedRedirect => "PreflightNotSuccessful",
        InvalidAllowMethods => "InvalidAllowMethods",
        InvalidAllowHeaders => "InvalidAllowHeaders",
        MethodNotAllowed => "MethodNotAllowed",
        HeaderNotAllowed => "HeaderNotAllowed",
        RedirectContainsCredentials => "RedirectionURLHasCredentials",
        RedirectModeError => "RedirectionNotAllowed",
        TooManyRedirects => "TooManyRedirections",
        RedirectUnsafeScheme => "RedirectionNonCORSScheme",
        InvalidRedirect => "InvalidRedirection",
        DisallowedByMode => "DisallowedByMode",
        CorsDisabledScheme => "CrossOriginRequiresHTTP",
        InvalidResponseHeader => "InvalidResponse",
        RequestRejected => "TypeError",
        Network => "LoadFailed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(engine: Engine, stage: Stage, kind: FailureKind, hint: Option<&str>) -> Failure {
        Failure {
            engine,
            stage,
            kind,
            hint: hint.map(str::to_owned),
            url: "https://api.example/data".into(),
            initial_url: "https://api.example/data".into(),
            origin: "https://app.example".into(),
            status: Some(404),
            initiator: Initiator::Fetch,
            method: "GET".into(),
            redirect_location: None,
        }
    }

    #[test]
    fn codes() {
        use FailureKind::*;
        let cases = [
            (
                Stage::Preflight,
                MissingAllowOrigin,
                "preflight-missing-allow-origin",
            ),
            (Stage::Actual, MissingAllowOrigin, "missing-allow-origin"),
            (Stage::Preflight, MethodNotAllowed, "method-not-allowed"),
            (Stage::Redirect, AllowOriginMismatch, "allow-origin-mismatch"),
            (
                Stage::Redirect,
                RedirectContainsCredentials,
                "redirect-contains-credentials",
            ),
            (Stage::Network, Network, "network-error"),
        ];
        for (stage, kind, want) in cases {
            assert_eq!(failure(Engine::Chromium, stage, kind, None).code(), want);
        }
        let mut codes: Vec<_> = all_kinds().iter().map(|k| k.code_base()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), FailureKind::ALL.len());
    }

    #[test]
    fn chromium_names_and_text() {
        let f = failure(
            Engine::Chromium,
            Stage::Preflight,
            FailureKind::MissingAllowOrigin,
            None,
        );
        assert_eq!(f.error_name(), "PreflightMissingAllowOriginHeader");
        assert_eq!(
            f.message().unwrap(),
            "Access to fetch at 'https://api.example/data' from origin 'https://app.example' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."
        );
        assert_eq!(
            f.console_lines()[1],
            "GET https://api.example/data net::ERR_FAILED"
        );
        let mut f = failure(
            Engine::Chromium,
            Stage::Actual,
            FailureKind::HeaderNotAllowed,
            Some("x-a"),
        );
        f.url = "https://cdn.example/y".into();
        f.initiator = Initiator::Xhr;
        assert_eq!(
            f.message().unwrap(),
            "Access to XMLHttpRequest at 'https://cdn.example/y' (redirected from 'https://api.example/data') from origin 'https://app.example' has been blocked by CORS policy: Request header field x-a is not allowed by Access-Control-Allow-Headers in preflight response."
        );
        let f = failure(
            Engine::Chromium,
            Stage::Actual,
            FailureKind::AllowOriginMismatch,
            Some("https://x"),
        );
        assert_eq!(
            f.console_lines()[1],
            "GET https://api.example/data net::ERR_FAILED 404"
        );
        let f = failure(
            Engine::Chromium,
            Stage::Redirect,
            FailureKind::RedirectModeError,
            None,
        );
        assert_eq!(
            (f.message(), f.console_lines()),
            (None, vec!["Failed to load resource: net::ERR_FAILED".to_owned()])
        );
        assert_eq!(
            failure(
                Engine::Chromium,
                Stage::Redirect,
                FailureKind::TooManyRedirects,
                None
            )
            .error_name(),
            "net::ERR_TOO_MANY_REDIRECTS"
        );
    }

    #[test]
    fn firefox_text() {
        let f = failure(
            Engine::Firefox,
            Stage::Preflight,
            FailureKind::MissingAllowOrigin,
            None,
        );
        assert_eq!(f.error_name(), "CORSMissingAllowOrigin");
        assert_eq!(
            f.console_lines(),
            [
                "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/data. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 404.",
                "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/data. (Reason: CORS request did not succeed). Status code: (null)."
            ]
        );
        let f = failure(
            Engine::Firefox,
            Stage::Actual,
            FailureKind::WildcardOriginNotAllowed,
            Some("*"),
        );
        assert_eq!(
            f.message().unwrap(),
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘https://api.example/data’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’)."
        );
        let mut f = failure(
            Engine::Firefox,
            Stage::Preflight,
            FailureKind::PreflightDisallowedRedirect,
            None,
        );
        f.status = Some(302);
        assert_eq!(f.console_lines().len(), 3);
        assert!(f.console_lines()[1]
            .ends_with("(Reason: CORS preflight response did not succeed). Status code: 302."));
        assert!(failure(
            Engine::Firefox,
            Stage::Redirect,
            FailureKind::RedirectModeError,
            None
        )
        .console_lines()
        .is_empty());
    }

    #[test]
    fn webkit_text() {
        let f = failure(
            Engine::Webkit,
            Stage::Actual,
            FailureKind::MissingAllowOrigin,
            None,
        );
        assert_eq!(
            f.console_lines(),
            [
                "Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 404",
                "Fetch API cannot load https://api.example/data due to access control checks."
            ]
        );
        let mut f = failure(
            Engine::Webkit,
            Stage::Redirect,
            FailureKind::AllowOriginMismatch,
            Some("x"),
        );
        f.redirect_location = Some("https://cdn.example/z".into());
        assert_eq!(
            f.message().unwrap(),
            "Cross-origin redirection to https://cdn.example/z denied by Cross-Origin Resource Sharing policy: Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 404"
        );
        let f = failure(
            Engine::Webkit,
            Stage::Preflight,
            FailureKind::HeaderNotAllowed,
            Some("Content-Type"),
        );
        assert_eq!(
            f.message().unwrap(),
            "Request header field Content-Type is not allowed by Access-Control-Allow-Headers."
        );
    }
}

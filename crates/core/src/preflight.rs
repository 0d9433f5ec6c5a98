//! The CORS-preflight request and the validation of its response (Fetch: "CORS-preflight
//! fetch"), with each engine's order of checks, wildcard handling and Max-Age reading.
//!
//! Contract: [`build_preflight`] gives the exact `OPTIONS` request; [`evaluate_preflight`] runs
//! the profile's [`PreflightStep`]s in order and returns the first failure, or the parsed
//! result (allowed methods and header names, effective Max-Age, warnings) for the cache. (All
//! checks first run in one fixed order, since passing them all does not depend on the order;
//! the ordered walk runs only when one fails, to name the failure the engine reports first.)
//!
//! `Authorization` and `Access-Control-Allow-Headers: *`: the Spec profile fails it (the CORS
//! non-wildcard request-header check runs first); the browser profiles let `*` cover it and
//! record the warning `authorization-covered-by-wildcard` with the engine's text (Chromium's
//! DevTools deprecation issue, Firefox's `CORSAllowHeaderFromPreflightDeprecation` with the URL
//! filled in). WebKit prints nothing: the warning is still recorded, with an empty message, so
//! findings can report the spec violation for every engine.

use crate::check::{cors_check_scanned, CheckFailure};
use crate::classify::is_cors_safelisted_method;
use crate::http::{eq_ignore_case, eq_lower_lit, CorsHeader, CorsHeaders, TokenList};
use crate::model::{
    Engine, ExchangeKind, FailureKind, HeaderList, ObservedResponse, OutgoingRequest, Warning,
};
use crate::profile::{BrowserProfile, HeaderHint, MaxAgeParsing, PreflightStep};
use serde::Serialize;

/// `Access-Control-Allow-Methods`.
pub const ACAM: &str = "access-control-allow-methods";
/// `Access-Control-Allow-Headers`.
pub const ACAH: &str = "access-control-allow-headers";
/// `Access-Control-Max-Age`.
pub const MAX_AGE: &str = "access-control-max-age";
/// Warning code recorded when `*` lets `Authorization` through.
pub const AUTHORIZATION_WILDCARD_WARNING: &str = "authorization-covered-by-wildcard";

/// Builds the CORS-preflight request: `OPTIONS`, `Origin`, `Accept: */*`,
/// `Access-Control-Request-Method`, and `Access-Control-Request-Headers` (the sorted unsafe
/// names joined by `,`, absent when there are none). Never credentialed.
pub fn build_preflight(url: &str, method: &str, origin: &str, unsafe_names: &[String]) -> OutgoingRequest {
    let mut headers: HeaderList = Vec::with_capacity(4);
    headers.push(("Origin".to_owned(), origin.to_owned()));
    headers.push(("Accept".to_owned(), "*/*".to_owned()));
    headers.push(("Access-Control-Request-Method".to_owned(), method.to_owned()));
    if !unsafe_names.is_empty() {
        headers.push((
            "Access-Control-Request-Headers".to_owned(),
            unsafe_names.join(","),
        ));
    }
    OutgoingRequest {
        kind: ExchangeKind::Preflight,
        method: "OPTIONS".to_owned(),
        url: url.to_owned(),
        headers,
        include_credentials: false,
        with_body: false,
    }
}

/// What the preflight was for. `S` is how the CORS-unsafe names are held: owned lowercase
/// `String`s (the default), or `&str`s borrowed from the request, as
/// [`crate::classify::UnsafeNames::as_slice`] gives them without allocating.
#[derive(Debug)]
pub struct PreflightInput<'a, S = String> {
    /// The request method (normalised).
    pub method: &'a str,
    /// The request's header list in script order (for hints in request order).
    pub request_headers: &'a [(String, String)],
    /// The CORS-unsafe names, in the byte order of their lowercase forms, unique
    /// ASCII-case-insensitively (any case: they are compared case-insensitively).
    pub unsafe_names: &'a [S],
    /// The origin as serialized in the preflight's `Origin` header.
    pub origin: &'a str,
    /// Credentials mode `include`.
    pub include: bool,
    /// The use-CORS-preflight flag.
    pub use_cors_preflight: bool,
    /// The URL (for warning texts).
    pub url: &'a str,
}

impl<S> Clone for PreflightInput<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for PreflightInput<'_, S> {}

/// A successful preflight: what it allows and for how long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreflightResult {
    /// Allowed methods (byte-exact), as listed.
    pub methods: Vec<String>,
    /// Allowed header names, lowercased.
    pub headers: Vec<String>,
    /// Effective Max-Age.
    pub max_age: MaxAge,
    /// Warnings (e.g. `authorization-covered-by-wildcard`).
    pub warnings: Vec<Warning>,
}

/// Why the effective Max-Age is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MaxAgeSource {
    /// Header absent (or empty): the default.
    Default,
    /// Unparsable: the default.
    InvalidDefault,
    /// Unparsable: not cached at all (Firefox).
    InvalidNotCached,
    /// Negative: not cached.
    Negative,
    /// The value as sent.
    Header,
    /// The value, reduced to the engine's cap.
    Capped,
}

/// The effective preflight-cache lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct MaxAge {
    /// Seconds the result may be reused; 0 means not cached.
    pub seconds: u64,
    /// How it was derived.
    pub source: MaxAgeSource,
}

impl MaxAge {
    /// Whether the result is cached at all.
    pub fn cached(&self) -> bool {
        self.seconds > 0
    }
}

/// The effective Max-Age of a (combined, trimmed) `Access-Control-Max-Age` value for `engine`.
pub fn effective_max_age(value: Option<&str>, engine: Engine) -> MaxAge {
    max_age_of(value, BrowserProfile::of(engine))
}

/// [`effective_max_age`] with the profile at hand.
#[inline(always)]
fn max_age_of(value: Option<&str>, p: &BrowserProfile) -> MaxAge {
    let default = MaxAge {
        seconds: p.max_age_default,
        source: MaxAgeSource::Default,
    };
    let value = match value {
        None | Some("") => return default,
        Some(v) => v,
    };
    let invalid = MaxAge {
        seconds: p.max_age_default,
        source: MaxAgeSource::InvalidDefault,
    };
    let parsed = match p.max_age_parsing {
        MaxAgeParsing::DeltaSeconds | MaxAgeParsing::SignedInteger => parse_signed(value),
        MaxAgeParsing::DigitsOrUncached => parse_digits_only(value),
    };
    match parsed {
        Parsed::Invalid if p.max_age_parsing == MaxAgeParsing::DigitsOrUncached => MaxAge {
            seconds: 0,
            source: MaxAgeSource::InvalidNotCached,
        },
        Parsed::Invalid => invalid,
        Parsed::Negative => MaxAge {
            seconds: 0,
            source: MaxAgeSource::Negative,
        },
        Parsed::Value(v) => cap(v, p.max_age_cap),
    }
}

enum Parsed {
    Invalid,
    Negative,
    Value(u64),
}

/// A signed 64-bit integer (`StringToInt64`): `-0` is 0, out of range is invalid.
fn parse_signed(value: &str) -> Parsed {
    let (neg, digits) = match value.as_bytes()[0] {
        b'-' => (true, &value[1..]),
        b'+' => (false, &value[1..]),
        _ => (false, value),
    };
    match read_digits(digits) {
        Digits::Invalid | Digits::Overflow => Parsed::Invalid,
        Digits::Value(v) if v > i64::MAX as u64 => Parsed::Invalid,
        Digits::Value(0) => Parsed::Value(0),
        Digits::Value(_) if neg => Parsed::Negative,
        Digits::Value(v) => Parsed::Value(v),
    }
}

/// Digits only (Gecko): a number too large for 64 bits saturates.
fn parse_digits_only(value: &str) -> Parsed {
    match read_digits(value) {
        Digits::Invalid => Parsed::Invalid,
        Digits::Overflow => Parsed::Value(u64::MAX),
        Digits::Value(v) => Parsed::Value(v),
    }
}

enum Digits {
    /// Empty, or a byte other than `0`-`9`.
    Invalid,
    /// Only digits, but more than `u64::MAX`.
    Overflow,
    Value(u64),
}

/// `1*DIGIT` as a number, in one pass (no `str::parse` round trip).
fn read_digits(s: &str) -> Digits {
    let b = s.as_bytes();
    // Up to 19 digits cannot overflow 64 bits: one pass, no overflow checks.
    const SAFE_DIGITS: usize = 19;
    if b.is_empty() {
        return Digits::Invalid;
    }
    if b.len() <= SAFE_DIGITS {
        let mut v = 0u64;
        for &c in b {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                return Digits::Invalid;
            }
            v = v * 10 + u64::from(d);
        }
        return Digits::Value(v);
    }
    if !b.iter().all(u8::is_ascii_digit) {
        return Digits::Invalid;
    }
    b.iter()
        .try_fold(0u64, |v, &d| v.checked_mul(10)?.checked_add(u64::from(d - b'0')))
        .map_or(Digits::Overflow, Digits::Value)
}

fn cap(v: u64, cap: Option<u64>) -> MaxAge {
    match cap {
        Some(c) if v > c => MaxAge {
            seconds: c,
            source: MaxAgeSource::Capped,
        },
        _ => MaxAge {
            seconds: v,
            source: MaxAgeSource::Header,
        },
    }
}

/// Whether a status is a redirect status (301, 302, 303, 307, 308).
pub fn is_redirect_status(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Whether a status is an ok status (200–299).
pub fn is_ok_status(status: u16) -> bool {
    (200..=299).contains(&status)
}

/// A preflight response that passed every check, borrowing its lists from the response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreflightChecked<'r> {
    /// `Access-Control-Allow-Methods`, validated.
    pub methods: TokenList<'r>,
    /// `Access-Control-Allow-Headers`, validated.
    pub headers: TokenList<'r>,
    /// Effective Max-Age.
    pub max_age: MaxAge,
}

impl PreflightChecked<'_> {
    /// The owned result for the cache (with the use-CORS-preflight flag, an absent method list
    /// stands for the request's own method).
    pub fn into_result<S>(self, input: &PreflightInput<'_, S>, warnings: Vec<Warning>) -> PreflightResult {
        let mut methods: Vec<String> = self.methods.iter().map(str::to_owned).collect();
        if methods.is_empty() && input.use_cors_preflight {
            methods.push(input.method.to_owned());
        }
        let headers = self.headers.iter().map(|h| h.to_ascii_lowercase()).collect();
        PreflightResult {
            methods,
            headers,
            max_age: self.max_age,
            warnings,
        }
    }
}

/// Validates a CORS-preflight response in the profile's order, returning the owned result.
pub fn evaluate_preflight<S: AsRef<str>>(
    resp: &ObservedResponse,
    input: &PreflightInput<'_, S>,
    profile: &BrowserProfile,
) -> Result<PreflightResult, CheckFailure> {
    let mut warnings = Vec::new();
    let checked = check_preflight(resp, input, profile, &mut warnings)?;
    Ok(checked.into_result(input, warnings))
}

/// Validates a CORS-preflight response in the profile's order without allocating on success
/// (warnings are appended to `warnings`).
///
/// Whether every step passes does not depend on their order, so the checks first run in one
/// fixed order ([`all_steps_pass`]); only when one fails does [`check_in_profile_order`] walk
/// the profile's steps to report the failure the engine reports first.
#[inline(never)]
pub fn check_preflight<'r, S: AsRef<str>>(
    resp: &'r ObservedResponse,
    input: &PreflightInput<'_, S>,
    profile: &BrowserProfile,
    warnings: &mut Vec<Warning>,
) -> Result<PreflightChecked<'r>, CheckFailure> {
    let scanned = CorsHeaders::scan(&resp.headers);
    // Filled in place by the checks (absent lists stay empty).
    let mut checked = PreflightChecked {
        methods: TokenList::default(),
        headers: TokenList::default(),
        max_age: MaxAge {
            seconds: 0,
            source: MaxAgeSource::Default,
        },
    };
    if all_steps_pass(resp.status, &scanned, input, profile, warnings, &mut checked) {
        return Ok(checked);
    }
    check_in_profile_order(resp.status, &scanned, input, profile, warnings)
}

/// Every check of the CORS-preflight fetch in a fixed order, filling `checked` (the same
/// result and warnings as the ordered walk) when all pass; `false` as soon as one fails. The
/// header checks come last, so a failure leaves `warnings` untouched (they push only on
/// success).
#[inline(always)]
fn all_steps_pass<'r, S: AsRef<str>>(
    status: u16,
    scanned: &CorsHeaders<'r>,
    input: &PreflightInput<'_, S>,
    profile: &BrowserProfile,
    warnings: &mut Vec<Warning>,
    checked: &mut PreflightChecked<'r>,
) -> bool {
    use CorsHeader::{AllowHeaders, AllowMethods};
    // An ok status is neither a redirect nor a failed status step.
    let pass = is_ok_status(status)
        && cors_check_scanned(scanned, input.origin, input.include, profile).is_ok()
        && parse_list(scanned, AllowMethods, profile, &mut checked.methods).is_ok()
        && method_allowed(&checked.methods, input)
        && parse_list(scanned, AllowHeaders, profile, &mut checked.headers).is_ok()
        && check_headers(&checked.headers, input, profile, warnings).is_ok();
    if pass {
        checked.max_age = max_age_of(scanned.get(CorsHeader::MaxAge).as_deref(), profile);
    }
    pass
}

/// The profile's [`PreflightStep`]s in order, stopping at the first failure: the engine's
/// report when some check fails.
#[cold]
#[inline(never)]
fn check_in_profile_order<'r, S: AsRef<str>>(
    status: u16,
    scanned: &CorsHeaders<'r>,
    input: &PreflightInput<'_, S>,
    profile: &BrowserProfile,
    warnings: &mut Vec<Warning>,
) -> Result<PreflightChecked<'r>, CheckFailure> {
    use CorsHeader::{AllowHeaders, AllowMethods};
    // Filled in by the steps (absent lists stay empty).
    let mut methods = TokenList::default();
    let mut headers = TokenList::default();
    for &step in profile.preflight_order {
        match step {
            PreflightStep::Redirect if is_redirect_status(status) => {
                return Err(CheckFailure::bare(FailureKind::PreflightDisallowedRedirect));
            }
            PreflightStep::Status if !is_ok_status(status) => {
                return Err(CheckFailure::new(
                    FailureKind::PreflightInvalidStatus,
                    status.to_string(),
                ));
            }
            PreflightStep::Redirect | PreflightStep::Status => {}
            PreflightStep::CorsCheck => cors_check_scanned(scanned, input.origin, input.include, profile)?,
            PreflightStep::ParseMethods => parse_list(scanned, AllowMethods, profile, &mut methods)?,
            PreflightStep::ParseHeaders => parse_list(scanned, AllowHeaders, profile, &mut headers)?,
            PreflightStep::Method => check_method(&methods, input)?,
            PreflightStep::Headers => check_headers(&headers, input, profile, warnings)?,
        }
    }
    Ok(PreflightChecked {
        methods,
        headers,
        max_age: max_age_of(scanned.get(CorsHeader::MaxAge).as_deref(), profile),
    })
}

/// Fetch "extract header list values" for `which` into `out` (left as is when absent).
#[inline(always)]
fn parse_list<'r>(
    headers: &CorsHeaders<'r>,
    which: CorsHeader,
    profile: &BrowserProfile,
    out: &mut TokenList<'r>,
) -> Result<(), CheckFailure> {
    let Some(value) = headers.get(which) else {
        return Ok(());
    };
    match TokenList::parse(value) {
        Ok(list) => {
            *out = list;
            Ok(())
        }
        Err(bad) => {
            // WebKit quotes the raw header value; the others the offending token.
            let hint = match profile.engine {
                Engine::Webkit => headers.get(which).unwrap_or_default().into_owned(),
                _ => bad,
            };
            let kind = match which {
                CorsHeader::AllowMethods => FailureKind::InvalidAllowMethods,
                _ => FailureKind::InvalidAllowHeaders,
            };
            Err(CheckFailure::new(kind, hint))
        }
    }
}

/// Fetch's method check: listed byte-exactly, safelisted, or `*` without credentials (and
/// with the use-CORS-preflight flag an absent list allows the request's own method).
fn check_method<S>(methods: &TokenList<'_>, input: &PreflightInput<'_, S>) -> Result<(), CheckFailure> {
    if method_allowed(methods, input) {
        return Ok(());
    }
    Err(CheckFailure::new(FailureKind::MethodNotAllowed, input.method))
}

/// Whether [`check_method`] passes.
#[inline(always)]
fn method_allowed<S>(methods: &TokenList<'_>, input: &PreflightInput<'_, S>) -> bool {
    let m = input.method;
    let flag_default = input.use_cors_preflight && methods.is_empty();
    is_cors_safelisted_method(m)
        || flag_default
        || methods.contains(m)
        || (!input.include && methods.contains("*"))
}

/// Fetch's header checks: every CORS-unsafe name listed (case-insensitively), or `*` without
/// credentials, with the CORS non-wildcard request-header check for `Authorization`. The usual
/// answer (everything listed) costs one lookup per name, inline.
#[inline(always)]
fn check_headers<S: AsRef<str>>(
    allowed: &TokenList<'_>,
    input: &PreflightInput<'_, S>,
    profile: &BrowserProfile,
    warnings: &mut Vec<Warning>,
) -> Result<(), CheckFailure> {
    if all_listed(allowed, input) {
        return Ok(());
    }
    check_unlisted_headers(allowed, input, profile, warnings)
}

/// Whether every CORS-unsafe name is listed (the usual answer), one lookup per name.
#[inline(always)]
fn all_listed<S: AsRef<str>>(allowed: &TokenList<'_>, input: &PreflightInput<'_, S>) -> bool {
    for name in input.unsafe_names {
        if !allowed.contains_ignore_case(name.as_ref()) {
            return false;
        }
    }
    true
}

/// [`check_headers`] when some name is not listed: `*` (and whether it covers
/// `Authorization`), else the engine's first unlisted name.
#[inline(never)]
fn check_unlisted_headers<S: AsRef<str>>(
    allowed: &TokenList<'_>,
    input: &PreflightInput<'_, S>,
    profile: &BrowserProfile,
    warnings: &mut Vec<Warning>,
) -> Result<(), CheckFailure> {
    let listed = |name: &str| allowed.contains_ignore_case(name);
    let auth_unlisted = input
        .unsafe_names
        .iter()
        .map(AsRef::as_ref)
        .any(|name| eq_lower_lit(name.as_bytes(), b"authorization") && !listed(name));
    let star = !input.include && allowed.contains("*");
    if auth_unlisted && star && profile.wildcard_covers_authorization {
        warnings.push(authorization_warning(profile, input.url));
    } else if auth_unlisted && !profile.wildcard_covers_authorization {
        // Fetch: the CORS non-wildcard request-header check precedes the other names.
        return Err(CheckFailure::new(FailureKind::HeaderNotAllowed, "authorization"));
    }
    if star {
        return Ok(());
    }
    match first_unlisted(input, profile, &listed) {
        Some(name) => Err(CheckFailure::new(FailureKind::HeaderNotAllowed, name)),
        None => Ok(()),
    }
}

fn first_unlisted<S: AsRef<str>>(
    input: &PreflightInput<'_, S>,
    profile: &BrowserProfile,
    listed: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let is_failing = |n: &str| !listed(n);
    match profile.header_hint {
        HeaderHint::SortedLowercase => input
            .unsafe_names
            .iter()
            .map(AsRef::as_ref)
            .find(|n| is_failing(n))
            .map(str::to_ascii_lowercase),
        HeaderHint::RequestOrderLowercase | HeaderHint::RequestOrderOriginalCase => {
            let lower = profile.header_hint == HeaderHint::RequestOrderLowercase;
            input
                .request_headers
                .iter()
                .map(|(n, _)| n)
                .find(|n| is_failing(n) && is_unsafe(input, n))
                .map(|n| if lower { n.to_ascii_lowercase() } else { n.clone() })
        }
    }
}

fn is_unsafe<S: AsRef<str>>(input: &PreflightInput<'_, S>, name: &str) -> bool {
    input
        .unsafe_names
        .iter()
        .any(|u| eq_ignore_case(u.as_ref().as_bytes(), name.as_bytes()))
}

fn authorization_warning(profile: &BrowserProfile, url: &str) -> Warning {
    let message = profile
        .authorization_wildcard_warning
        .map(|t| t.replace("%1$S", url))
        .unwrap_or_default();
    Warning {
        code: AUTHORIZATION_WILDCARD_WARNING.to_owned(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FailureKind::*;

    const O: &str = "http://web.test";

    fn resp(status: u16, lines: &[(&str, &str)]) -> ObservedResponse {
        ObservedResponse {
            status,
            status_text: String::new(),
            headers: lines
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn eval(
        engine: Engine,
        method: &str,
        hdrs: &[(&str, &str)],
        include: bool,
        r: &ObservedResponse,
    ) -> Result<PreflightResult, CheckFailure> {
        let request_headers: Vec<(String, String)> =
            hdrs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        let p = BrowserProfile::of(engine);
        let unsafe_names = crate::classify::unsafe_header_names(&request_headers, p);
        let input = PreflightInput {
            method,
            request_headers: &request_headers,
            unsafe_names: &unsafe_names,
            origin: O,
            include,
            use_cors_preflight: false,
            url: "http://api.test/x",
        };
        let owned = evaluate_preflight(r, &input, p);
        // The names borrowed from the request (any case) give the same answer.
        let borrowed = crate::classify::cors_unsafe_names(&request_headers, p);
        let input = PreflightInput {
            unsafe_names: borrowed.as_slice(),
            method,
            request_headers: &request_headers,
            origin: O,
            include,
            use_cors_preflight: false,
            url: "http://api.test/x",
        };
        assert_eq!(evaluate_preflight(r, &input, p), owned, "{engine:?} {hdrs:?}");
        owned
    }

    #[test]
    fn builds_the_options_request() {
        let p = build_preflight(
            "http://api.test/x",
            "PUT",
            O,
            &["content-type".into(), "x-a".into()],
        );
        assert_eq!(p.method, "OPTIONS");
        assert!(!p.include_credentials);
        let names: Vec<_> = p.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
        assert_eq!(
            names,
            [
                "Origin: http://web.test",
                "Accept: */*",
                "Access-Control-Request-Method: PUT",
                "Access-Control-Request-Headers: content-type,x-a"
            ]
        );
        assert_eq!(build_preflight("http://a/", "GET", O, &[]).headers.len(), 3);
    }

    #[test]
    fn order_differs_per_engine() {
        let no_acao_404 = resp(404, &[]);
        let redirect = resp(302, &[("Access-Control-Allow-Origin", O), ("Location", "/x")]);
        let bad_both = resp(
            200,
            &[("Access-Control-Allow-Origin", "*"), (ACAH, "a b"), (ACAM, "GET")],
        );
        // (response, method, [spec, chromium, firefox, webkit])
        let cases: Vec<(&ObservedResponse, &str, [FailureKind; 4])> = vec![
            (
                &no_acao_404,
                "PUT",
                [
                    MissingAllowOrigin,
                    MissingAllowOrigin,
                    MissingAllowOrigin,
                    PreflightInvalidStatus,
                ],
            ),
            (
                &redirect,
                "PUT",
                [
                    PreflightInvalidStatus,
                    PreflightDisallowedRedirect,
                    PreflightDisallowedRedirect,
                    PreflightInvalidStatus,
                ],
            ),
            (
                &bad_both,
                "PUT",
                [
                    InvalidAllowHeaders,
                    InvalidAllowHeaders,
                    MethodNotAllowed,
                    InvalidAllowHeaders,
                ],
            ),
        ];
        let engines = [Engine::Spec, Engine::Chromium, Engine::Firefox, Engine::Webkit];
        for (r, method, wants) in cases {
            for (e, want) in engines.iter().zip(wants) {
                assert_eq!(
                    eval(*e, method, &[], false, r).unwrap_err().kind,
                    want,
                    "{e:?} {r:?}"
                );
            }
        }
    }

    #[test]
    fn method_check() {
        let cases = [
            ("PUT", "PUT", false, true),
            ("patch", "PATCH", false, false),
            ("DELETE", "*", false, true),
            ("DELETE", "*", true, false),
            ("*", "*", true, true),
            ("GET", "bogus", false, true),
            ("PUT", "", false, false),
        ];
        for (method, acam, include, ok) in cases {
            let mut lines = vec![("Access-Control-Allow-Origin", O), (ACAM, acam)];
            if include {
                lines.push(("Access-Control-Allow-Credentials", "true"));
            }
            let got = eval(Engine::Spec, method, &[], include, &resp(200, &lines));
            assert_eq!(got.is_ok(), ok, "{method} vs {acam} include={include}");
        }
    }

    #[test]
    fn header_check_and_authorization() {
        let ok = |e: Engine, acah: &str, hdrs: &[(&str, &str)]| {
            eval(
                e,
                "GET",
                hdrs,
                false,
                &resp(200, &[("Access-Control-Allow-Origin", "*"), (ACAH, acah)]),
            )
        };
        assert!(ok(Engine::Spec, "X-A", &[("x-a", "1")]).is_ok());
        assert!(ok(Engine::Spec, "*", &[("x-a", "1")]).is_ok());
        assert_eq!(
            ok(Engine::Spec, "*", &[("Authorization", "x")]).unwrap_err().kind,
            HeaderNotAllowed
        );
        assert!(ok(Engine::Spec, "*, Authorization", &[("Authorization", "x")]).is_ok());
        for e in [Engine::Chromium, Engine::Firefox, Engine::Webkit] {
            let r = ok(e, "*", &[("Authorization", "x")]).unwrap();
            assert_eq!(r.warnings[0].code, AUTHORIZATION_WILDCARD_WARNING, "{e:?}");
            assert_eq!(r.warnings[0].message.is_empty(), e == Engine::Webkit);
        }
        let hdrs = [("X-Zed", "1"), ("X-Alpha", "1")];
        let hint = |e: Engine| ok(e, "x-other", &hdrs).unwrap_err().hint.unwrap();
        assert_eq!(hint(Engine::Chromium), "x-zed");
        assert_eq!(hint(Engine::Firefox), "x-alpha");
        assert_eq!(hint(Engine::Webkit), "X-Zed");
        assert_eq!(
            ok(Engine::Chromium, "", &hdrs).unwrap_err().kind,
            HeaderNotAllowed
        );
        // The spec checks Authorization first; browsers treat it as one more name in their order.
        let both = [("X-A", "1"), ("Authorization", "x")];
        assert_eq!(
            ok(Engine::Spec, "", &both).unwrap_err().hint.unwrap(),
            "authorization"
        );
        assert_eq!(ok(Engine::Chromium, "", &both).unwrap_err().hint.unwrap(), "x-a");
        assert_eq!(
            ok(Engine::Webkit, "x-a", &both).unwrap_err().hint.unwrap(),
            "Authorization"
        );
    }

    #[test]
    fn max_age_table() {
        use MaxAgeSource::*;
        let cases: Vec<(Option<&str>, Engine, u64, MaxAgeSource)> = vec![
            (None, Engine::Spec, 5, Default),
            (Some(""), Engine::Firefox, 5, Default),
            (Some("abc"), Engine::Spec, 5, InvalidDefault),
            (Some("abc"), Engine::Chromium, 5, InvalidDefault),
            (Some("abc"), Engine::Firefox, 0, InvalidNotCached),
            (Some("1.5"), Engine::Webkit, 5, InvalidDefault),
            (Some("-1"), Engine::Spec, 0, Negative),
            (Some("-1"), Engine::Chromium, 0, Negative),
            (Some("-1"), Engine::Firefox, 0, InvalidNotCached),
            (Some("+5"), Engine::Firefox, 0, InvalidNotCached),
            (Some("0"), Engine::Spec, 0, Header),
            (Some("12000"), Engine::Spec, 12000, Header),
            (Some("12000"), Engine::Chromium, 7200, Capped),
            (Some("12000"), Engine::Firefox, 12000, Header),
            (Some("12000"), Engine::Webkit, 600, Capped),
            (Some("999999999999999999999"), Engine::Firefox, 86400, Capped),
            (
                Some("9223372036854775807"),
                Engine::Spec,
                9223372036854775807,
                Header,
            ),
            (Some("9223372036854775808"), Engine::Spec, 5, InvalidDefault),
            (Some("-9223372036854775808"), Engine::Chromium, 5, InvalidDefault),
            (Some("18446744073709551615"), Engine::Firefox, 86400, Capped),
            (Some("18446744073709551616"), Engine::Firefox, 86400, Capped),
            (Some("000000000000000000000000600"), Engine::Spec, 600, Header),
            (Some("000000000000000000000000600"), Engine::Firefox, 600, Header),
            (Some("-0"), Engine::Chromium, 0, Header),
            (Some("+"), Engine::Spec, 5, InvalidDefault),
            (Some("12a"), Engine::Firefox, 0, InvalidNotCached),
            (
                Some("1234567890123456789"),
                Engine::Spec,
                1234567890123456789,
                Header,
            ),
        ];
        for (v, e, secs, src) in cases {
            let got = effective_max_age(v, e);
            assert_eq!((got.seconds, got.source), (secs, src), "{v:?} {e:?}");
        }
    }

    /// The fixed-order success path is exact only if every profile runs every check, each
    /// list parsed before it is used (the redirect step is optional: an ok status is never
    /// a redirect).
    #[test]
    fn every_order_runs_every_check() {
        use PreflightStep::*;
        for e in [Engine::Spec, Engine::Chromium, Engine::Firefox, Engine::Webkit] {
            let order = BrowserProfile::of(e).preflight_order;
            let at = |step: PreflightStep| {
                let hits: Vec<usize> = (0..order.len()).filter(|&i| order[i] == step).collect();
                assert_eq!(hits.len(), 1, "{e:?} {step:?}");
                hits[0]
            };
            assert!(order.iter().filter(|s| **s == Redirect).count() <= 1, "{e:?}");
            at(CorsCheck);
            at(Status);
            assert!(at(ParseMethods) < at(Method), "{e:?}");
            assert!(at(ParseHeaders) < at(Headers), "{e:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// Random preflight answers: [`check_preflight`] (fixed order first) gives exactly
        /// what the profile's ordered walk gives, result and warnings, for every engine.
        #[test]
        fn fixed_order_agrees_with_the_ordered_walk(
            status in proptest::sample::select(vec![200u16, 204, 204, 204, 302, 307, 404]),
            picks in proptest::collection::vec(0usize..8, 6),
            doubled in 0usize..12,
            method in proptest::sample::select(vec!["GET", "POST", "PUT", "DELETE", "patch", "*"]),
            request in proptest::collection::vec(0usize..5, 0..4),
            include: bool,
            use_cors_preflight: bool,
        ) {
            // Per header, its candidate values (`None`: absent), the passing ones most often.
            let choices: [(&str, &[Option<&str>]); 6] = [
                ("Access-Control-Allow-Origin", &[Some(O), Some("*"), Some(O), None, Some("null")]),
                ("access-control-allow-credentials", &[Some("true"), Some("true"), None, Some("True")]),
                (ACAM, &[Some("GET, PUT, DELETE"), Some("*"), None, Some(""), Some("PUT"), Some("a b")]),
                (
                    "Access-Control-Allow-Headers",
                    &[
                        Some("x-a, Authorization, X-B, content-type"),
                        Some("*"),
                        Some("*, authorization"),
                        None,
                        Some("X-A"),
                        Some("a b"),
                    ],
                ),
                (MAX_AGE, &[Some("600"), None, Some(" -1 "), Some("abc"), Some("99999999999999999999")]),
                ("Location", &[None, Some("/elsewhere")]),
            ];
            let mut lines = Vec::new();
            for ((name, values), pick) in choices.iter().zip(&picks) {
                if let Some(v) = values[pick % values.len()] {
                    lines.push((*name, v));
                }
            }
            // Sometimes a header spans two lines.
            if let Some(&line) = lines.get(doubled) {
                lines.push(line);
            }
            let r = resp(status, &lines);
            const REQUEST: [(&str, &str); 5] = [
                ("X-A", "1"),
                ("authorization", "x"),
                ("x-b", "2"),
                ("Content-Type", "application/json"),
                ("Accept", "text/plain"),
            ];
            let request_headers: Vec<(String, String)> = request
                .iter()
                .map(|&i| (REQUEST[i].0.to_owned(), REQUEST[i].1.to_owned()))
                .collect();
            for e in [Engine::Spec, Engine::Chromium, Engine::Firefox, Engine::Webkit] {
                let p = BrowserProfile::of(e);
                let names = crate::classify::cors_unsafe_names(&request_headers, p);
                let input = PreflightInput {
                    method,
                    request_headers: &request_headers,
                    unsafe_names: names.as_slice(),
                    origin: O,
                    include,
                    use_cors_preflight,
                    url: "http://api.test/x",
                };
                let mut fast_warnings = Vec::new();
                let fast = check_preflight(&r, &input, p, &mut fast_warnings);
                let mut walk_warnings = Vec::new();
                let scanned = CorsHeaders::scan(&r.headers);
                let walk = check_in_profile_order(r.status, &scanned, &input, p, &mut walk_warnings);
                proptest::prop_assert_eq!(&fast, &walk, "{:?}", e);
                proptest::prop_assert_eq!(&fast_warnings, &walk_warnings, "{:?}", e);
            }
        }
    }
}

//! Browser profiles: everything in which Chromium, Firefox and WebKit depart from the Fetch
//! Standard, as data (reference: `browsers.md` §5 and §10).
//!
//! Contract: the algorithms in this crate read a [`BrowserProfile`] and never test an
//! [`Engine`] themselves. `Engine::Spec` is the standard read literally (with WPT's reading of a
//! negative `Access-Control-Max-Age`).

use crate::model::Engine;
use serde::Serialize;

/// One step of validating a CORS-preflight response (Fetch: "CORS-preflight fetch" step 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PreflightStep {
    /// A 3xx answer is reported as a disallowed redirect.
    Redirect,
    /// The CORS check (ACAO/ACAC) with the request's credentials mode.
    CorsCheck,
    /// Ok status (200–299); without a [`PreflightStep::Redirect`] step a 3xx fails here.
    Status,
    /// Parse `Access-Control-Allow-Methods`.
    ParseMethods,
    /// Parse `Access-Control-Allow-Headers`.
    ParseHeaders,
    /// The method check.
    Method,
    /// The header checks (incl. the Authorization check).
    Headers,
}

/// How an engine names a failed `Access-Control-Allow-Origin` comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AcaoStyle {
    /// Fetch's CORS check on the combined value, failures named as Chromium names them.
    Spec,
    /// `cors.cc` `CheckAccess`: wildcard, missing, space/comma, `null`, GURL validity.
    Chromium,
    /// `CheckRequestApproved`: counts header lines, then missing, wildcard, mismatch.
    Firefox,
    /// `passesAccessControlCheck`: wildcard, `,` in the value, else "not allowed" (absent too).
    Webkit,
}

/// Which header the "header not allowed" failure names, and how it is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HeaderHint {
    /// First failing name of the sorted, lowercased list (the ACRH order).
    SortedLowercase,
    /// First failing header in the request's own order, lowercased.
    RequestOrderLowercase,
    /// First failing header in the request's own order, as the script spelled it.
    RequestOrderOriginalCase,
}

/// How `Access-Control-Max-Age` is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MaxAgeParsing {
    /// delta-seconds; anything else → the default, except a negative integer → not cached (WPT).
    DeltaSeconds,
    /// A signed 64-bit integer (`StringToInt64`, `parseInteger<int64_t>`): negative → not
    /// cached, not an integer → the default.
    SignedInteger,
    /// Digits only; any other character → not cached at all (Gecko).
    DigitsOrUncached,
}

/// A value rule for an engine's extra CORS-safelisted request-header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExtraValueRule {
    /// Any value.
    Any,
    /// `1*DIGIT [ "." 1*DIGIT ]`.
    Decimal,
    /// `1*DIGIT`.
    Digits,
    /// A known effective-connection-type token.
    Ect,
    /// Exactly `on`.
    On,
}

/// Everything that differs between engines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrowserProfile {
    /// The engine described.
    pub engine: Engine,
    /// Extra CORS-safelisted request-headers (lowercase name, value rule), beyond the spec's.
    pub extra_safelisted_headers: &'static [(&'static str, ExtraValueRule)],
    /// Names treated as forbidden (never CORS-unsafe) in the preflight decision, beyond the
    /// spec's forbidden request-headers.
    pub extra_forbidden_headers: &'static [&'static str],
    /// Order of the preflight-response checks.
    pub preflight_order: &'static [PreflightStep],
    /// How ACAO failures are detected and named.
    pub acao_style: AcaoStyle,
    /// Whether `Access-Control-Allow-Headers: *` (without credentials) covers `Authorization`.
    pub wildcard_covers_authorization: bool,
    /// The warning text when it does (`None`: covered silently; the warning is still recorded
    /// with an empty message so findings can report it).
    pub authorization_wildcard_warning: Option<&'static str>,
    /// Which header a "header not allowed" failure names.
    pub header_hint: HeaderHint,
    /// Max-Age when absent (or unparsable, per [`BrowserProfile::max_age_parsing`]).
    pub max_age_default: u64,
    /// Upper bound on Max-Age, if any.
    pub max_age_cap: Option<u64>,
    /// How Max-Age is parsed.
    pub max_age_parsing: MaxAgeParsing,
    /// Whether a request that was preflighted is preflighted again at every redirect target,
    /// whatever the cache holds (Chromium, `browsers.md` §10).
    pub repreflight_after_redirect: bool,
    /// Whether the preflight after a tainting redirect still carries the page's origin
    /// (Firefox, `browsers.md` §10) instead of `null`.
    pub preflight_keeps_page_origin: bool,
    /// Whether the console message names the page's origin even after a redirect tainted the
    /// request origin to `null` (Chromium 156 does, checked in the real browser).
    pub message_names_page_origin: bool,
    /// A preflight answered 407 fails as this non-CORS network error (Chromium).
    pub preflight_407_net_error: Option<&'static str>,
    /// Whether a 3xx whose `Location` is empty is delivered as it is, as if it had none
    /// (Chromium, checked in the real browser) instead of redirecting to the current URL until
    /// the redirect limit (the spec; WPT `redirect-empty-location`).
    pub empty_location_is_absent: bool,
    /// Whether a new preflight result replaces every cached entry for its (origin, URL) key
    /// (Chromium, WebKit: one result per key) instead of adding per-method/header entries.
    pub cache_whole_result: bool,
    /// Whether preflight results for IP-literal hosts are never reused (Firefox's DNS check).
    pub cache_skips_ip_literals: bool,
    /// Derived from the two extra-name lists ([`name_filter`]): the [`name_filter_bit`] of
    /// each of their names, so most other names skip both scans after one bit test.
    #[serde(skip)]
    pub extra_name_filter: u64,
}

/// One bit chosen by a name's length and first letter (any case): names with different bits
/// differ. For the profile's [`BrowserProfile::extra_name_filter`].
#[inline]
pub const fn name_filter_bit(name: &[u8]) -> u64 {
    let first = match name.first() {
        Some(b) => *b | 0x20,
        None => 0,
    };
    1 << ((name.len() as u64 * 7 + first as u64) % 64)
}

/// The [`name_filter_bit`]s of every name in `safelisted` and `forbidden`.
pub const fn name_filter(safelisted: &[(&str, ExtraValueRule)], forbidden: &[&str]) -> u64 {
    let mut mask = 0u64;
    let mut i = 0;
    while i < safelisted.len() {
        mask |= name_filter_bit(safelisted[i].0.as_bytes());
        i += 1;
    }
    let mut i = 0;
    while i < forbidden.len() {
        mask |= name_filter_bit(forbidden[i].as_bytes());
        i += 1;
    }
    mask
}

const SPEC_ORDER: &[PreflightStep] = &[
    PreflightStep::CorsCheck,
    PreflightStep::Status,
    PreflightStep::ParseMethods,
    PreflightStep::ParseHeaders,
    PreflightStep::Method,
    PreflightStep::Headers,
];

const CHROMIUM_ORDER: &[PreflightStep] = &[
    PreflightStep::Redirect,
    PreflightStep::CorsCheck,
    PreflightStep::Status,
    PreflightStep::ParseMethods,
    PreflightStep::ParseHeaders,
    PreflightStep::Method,
    PreflightStep::Headers,
];

const FIREFOX_ORDER: &[PreflightStep] = &[
    PreflightStep::Redirect,
    PreflightStep::CorsCheck,
    PreflightStep::Status,
    PreflightStep::ParseMethods,
    PreflightStep::Method,
    PreflightStep::ParseHeaders,
    PreflightStep::Headers,
];

const WEBKIT_ORDER: &[PreflightStep] = &[
    PreflightStep::Status,
    PreflightStep::CorsCheck,
    PreflightStep::ParseMethods,
    PreflightStep::ParseHeaders,
    PreflightStep::Method,
    PreflightStep::Headers,
];

const CHROMIUM_EXTRA_SAFELISTED: &[(&str, ExtraValueRule)] = &[
    ("intervention", ExtraValueRule::Any),
    ("device-memory", ExtraValueRule::Decimal),
    ("dpr", ExtraValueRule::Decimal),
    ("downlink", ExtraValueRule::Decimal),
    ("width", ExtraValueRule::Digits),
    ("viewport-width", ExtraValueRule::Digits),
    ("rtt", ExtraValueRule::Digits),
    ("ect", ExtraValueRule::Ect),
    ("save-data", ExtraValueRule::On),
];

/// Chromium's DevTools deprecation issue text.
pub const CHROMIUM_AUTHORIZATION_WARNING: &str = "Authorization will not be covered by the wildcard symbol (*) in CORS `Access-Control-Allow-Headers` handling.";

/// Firefox's `CORSAllowHeaderFromPreflightDeprecation`; `%1$S` is the request URL.
pub const FIREFOX_AUTHORIZATION_WARNING: &str = "Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at %1$S soon. (Reason: When the `Access-Control-Allow-Headers` is `*`, the `Authorization` header is not covered. To include the `Authorization` header, it must be explicitly listed in CORS header `Access-Control-Allow-Headers`).";

static SPEC: BrowserProfile = BrowserProfile {
    engine: Engine::Spec,
    extra_safelisted_headers: &[],
    extra_forbidden_headers: &[],
    preflight_order: SPEC_ORDER,
    acao_style: AcaoStyle::Spec,
    wildcard_covers_authorization: false,
    authorization_wildcard_warning: None,
    header_hint: HeaderHint::SortedLowercase,
    max_age_default: 5,
    max_age_cap: None,
    max_age_parsing: MaxAgeParsing::DeltaSeconds,
    repreflight_after_redirect: false,
    preflight_keeps_page_origin: false,
    message_names_page_origin: false,
    preflight_407_net_error: None,
    empty_location_is_absent: false,
    cache_whole_result: false,
    cache_skips_ip_literals: false,
    extra_name_filter: 0,
};

const CHROMIUM_EXTRA_FORBIDDEN: &[&str] = &["user-agent"];

static CHROMIUM: BrowserProfile = BrowserProfile {
    engine: Engine::Chromium,
    extra_safelisted_headers: CHROMIUM_EXTRA_SAFELISTED,
    extra_forbidden_headers: CHROMIUM_EXTRA_FORBIDDEN,
    preflight_order: CHROMIUM_ORDER,
    acao_style: AcaoStyle::Chromium,
    wildcard_covers_authorization: true,
    authorization_wildcard_warning: Some(CHROMIUM_AUTHORIZATION_WARNING),
    header_hint: HeaderHint::RequestOrderLowercase,
    max_age_default: 5,
    max_age_cap: Some(7200),
    max_age_parsing: MaxAgeParsing::SignedInteger,
    repreflight_after_redirect: true,
    preflight_keeps_page_origin: false,
    message_names_page_origin: true,
    preflight_407_net_error: Some("net::ERR_UNEXPECTED_PROXY_AUTH"),
    empty_location_is_absent: true,
    cache_whole_result: true,
    cache_skips_ip_literals: false,
    extra_name_filter: name_filter(CHROMIUM_EXTRA_SAFELISTED, CHROMIUM_EXTRA_FORBIDDEN),
};

static FIREFOX: BrowserProfile = BrowserProfile {
    engine: Engine::Firefox,
    extra_safelisted_headers: &[],
    extra_forbidden_headers: &[],
    preflight_order: FIREFOX_ORDER,
    acao_style: AcaoStyle::Firefox,
    wildcard_covers_authorization: true,
    authorization_wildcard_warning: Some(FIREFOX_AUTHORIZATION_WARNING),
    header_hint: HeaderHint::SortedLowercase,
    max_age_default: 5,
    max_age_cap: Some(86400),
    max_age_parsing: MaxAgeParsing::DigitsOrUncached,
    repreflight_after_redirect: false,
    preflight_keeps_page_origin: true,
    message_names_page_origin: false,
    preflight_407_net_error: None,
    empty_location_is_absent: false,
    cache_whole_result: false,
    cache_skips_ip_literals: true,
    extra_name_filter: 0,
};

static WEBKIT: BrowserProfile = BrowserProfile {
    engine: Engine::Webkit,
    extra_safelisted_headers: &[],
    extra_forbidden_headers: &[],
    preflight_order: WEBKIT_ORDER,
    acao_style: AcaoStyle::Webkit,
    wildcard_covers_authorization: true,
    authorization_wildcard_warning: None,
    header_hint: HeaderHint::RequestOrderOriginalCase,
    max_age_default: 5,
    max_age_cap: Some(600),
    max_age_parsing: MaxAgeParsing::SignedInteger,
    repreflight_after_redirect: false,
    preflight_keeps_page_origin: false,
    message_names_page_origin: false,
    preflight_407_net_error: None,
    empty_location_is_absent: false,
    cache_whole_result: true,
    cache_skips_ip_literals: false,
    extra_name_filter: 0,
};

impl BrowserProfile {
    /// The profile of `engine`.
    pub fn of(engine: Engine) -> &'static BrowserProfile {
        match engine {
            Engine::Spec => &SPEC,
            Engine::Chromium => &CHROMIUM,
            Engine::Firefox => &FIREFOX,
            Engine::Webkit => &WEBKIT,
        }
    }

    /// The extra safelisted-header rule for a lowercase name, if this engine has one.
    pub fn extra_safelisted(&self, lower_name: &str) -> Option<ExtraValueRule> {
        self.extra_safelisted_headers
            .iter()
            .find(|(n, _)| *n == lower_name)
            .map(|(_, rule)| *rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_has_its_own_profile() {
        for e in [Engine::Spec, Engine::Chromium, Engine::Firefox, Engine::Webkit] {
            assert_eq!(BrowserProfile::of(e).engine, e);
        }
    }

    #[test]
    fn differences_table() {
        // (engine, covers Authorization, cap, first preflight step)
        let rows = [
            (Engine::Spec, false, None, PreflightStep::CorsCheck),
            (Engine::Chromium, true, Some(7200), PreflightStep::Redirect),
            (Engine::Firefox, true, Some(86400), PreflightStep::Redirect),
            (Engine::Webkit, true, Some(600), PreflightStep::Status),
        ];
        for (e, covers, cap, first) in rows {
            let p = BrowserProfile::of(e);
            assert_eq!(p.wildcard_covers_authorization, covers, "{e:?}");
            assert_eq!(p.max_age_cap, cap, "{e:?}");
            assert_eq!(p.preflight_order[0], first, "{e:?}");
        }
    }

    #[test]
    fn derived_name_filter_matches_the_lists() {
        for e in [Engine::Spec, Engine::Chromium, Engine::Firefox, Engine::Webkit] {
            let p = BrowserProfile::of(e);
            let want = name_filter(p.extra_safelisted_headers, p.extra_forbidden_headers);
            assert_eq!(p.extra_name_filter, want, "{e:?}");
            // Every listed name, in any case, passes the filter.
            let names = p.extra_safelisted_headers.iter().map(|(n, _)| *n);
            for n in names.chain(p.extra_forbidden_headers.iter().copied()) {
                let upper = n.to_ascii_uppercase();
                assert_ne!(p.extra_name_filter & name_filter_bit(upper.as_bytes()), 0, "{n}");
            }
        }
        assert_eq!(name_filter_bit(b"Dpr"), name_filter_bit(b"dpr"));
        assert_ne!(name_filter_bit(b"dpr"), name_filter_bit(b"dprs"));
    }

    #[test]
    fn only_chromium_has_client_hint_extras() {
        assert_eq!(
            BrowserProfile::of(Engine::Chromium).extra_safelisted("save-data"),
            Some(ExtraValueRule::On)
        );
        assert_eq!(
            BrowserProfile::of(Engine::Firefox).extra_safelisted("save-data"),
            None
        );
    }
}

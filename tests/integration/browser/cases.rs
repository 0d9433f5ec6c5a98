//! The parity cases: every lab scenario's own request, plus request variants aimed at scenarios
//! whose replies make the variant meaningful.
//!
//! Contract: [`all`] returns cases with unique names, in a stable order, built only from the
//! catalogue the lab crate ships (`cors_doctor_lab::catalogue()`): a variant whose target scenario
//! is missing from the catalogue is left out and named in [`missing_targets`], never invented.
//! Scenario cases carry the scenario's own Chromium expectation; variants carry none (their truth
//! is whatever Chromium does).

use cors_doctor_lab::{catalogue, find, Lab};

use super::observe::FetchSpec;

/// What a scenario's table says Chromium does with its own request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expect {
    pub(crate) blocked: bool,
    pub(crate) chromium_error: Option<String>,
}

/// One fetch to run in both Chromium and cors-doctor. `spec.url` holds the scenario name only;
/// [`Case::on`] makes it a URL on a given lab.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    /// `scenario` or `scenario+variant`.
    pub(crate) name: String,
    pub(crate) spec: FetchSpec,
    pub(crate) expected: Option<Expect>,
}

impl Case {
    /// The request aimed at `lab`.
    pub(crate) fn on(&self, lab: &Lab) -> FetchSpec {
        FetchSpec {
            url: lab.url(&self.spec.url),
            ..self.spec.clone()
        }
    }
}

/// A request shape applied to a scenario; `label` says what it exercises.
struct Variant {
    label: &'static str,
    method: &'static str,
    headers: &'static [(&'static str, &'static str)],
    credentials: &'static str,
    redirect: &'static str,
    body: Option<&'static str>,
}

/// `fetch(url)` with every option at its default; variants override what they exercise.
const GET: Variant = Variant {
    label: "",
    method: "GET",
    headers: &[],
    credentials: "same-origin",
    redirect: "follow",
    body: None,
};
/// `text/plain;charset=utf-8;x=` padded to 129 bytes: one byte over the safelisted-value limit.
const CT_129: &str = concat!(
    "text/plain;charset=utf-8;x=",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
);
const JSON_BODY: Option<&str> = Some("{\"qty\":1}");

/// Variants and the scenarios they are aimed at. The targets' replies (crates/lab/src/catalogue.rs)
/// are what make each pairing interesting: `simple-get-allowed` answers preflights like Express
/// `cors()` (methods `GET,HEAD,PUT,PATCH,POST,DELETE`, headers `Content-Type, Authorization, X-Api-Key,
/// X-Client-Version`, no ACAC); `preflight-put-json-allowed` allows `GET, PUT, DELETE`;
/// `wildcard-allow-headers-authorization` answers `*` to everything.
const VARIANTS: &[(&[&str], Variant)] = &[
    // Methods: normalisation (`delete` → DELETE, `patch` stays) and case-sensitive matching.
    (
        &[
            "simple-get-allowed",
            "preflight-put-json-allowed",
            "wildcard-allow-headers-authorization",
        ],
        Variant {
            label: "patch-lowercase",
            method: "patch",
            ..GET
        },
    ),
    (
        &["simple-get-allowed", "preflight-put-json-allowed"],
        Variant {
            label: "patch-uppercase",
            method: "PATCH",
            ..GET
        },
    ),
    (
        &[
            "simple-get-allowed",
            "preflight-put-json-allowed",
            "method-not-allowed",
        ],
        Variant {
            label: "delete-lowercase",
            method: "delete",
            ..GET
        },
    ),
    (
        &["simple-get-allowed"],
        Variant {
            label: "head",
            method: "HEAD",
            ..GET
        },
    ),
    // Credentials modes.
    (
        &[
            "credentialed-allowed",
            "simple-get-allowed",
            "public-wildcard",
            "reflects-any-origin",
        ],
        Variant {
            label: "credentials-omit",
            credentials: "omit",
            ..GET
        },
    ),
    (
        &["credentialed-allowed", "public-wildcard"],
        Variant {
            label: "credentials-same-origin",
            ..GET
        },
    ),
    (
        &[
            "simple-get-allowed",
            "public-wildcard",
            "expose-headers-correct",
            "wildcard-allow-headers-authorization",
        ],
        Variant {
            label: "credentials-include",
            credentials: "include",
            ..GET
        },
    ),
    (
        &["wildcard-allow-headers-authorization"],
        Variant {
            label: "put-custom-include",
            method: "PUT",
            headers: &[("X-Custom", "1")],
            credentials: "include",
            ..GET
        },
    ),
    // Safelisted request headers: no preflight.
    (
        &["simple-get-allowed"],
        Variant {
            label: "safelisted-headers",
            headers: &[
                ("Accept", "application/json"),
                ("Accept-Language", "fr-CH, fr;q=0.9"),
                ("Content-Language", "en-US"),
            ],
            ..GET
        },
    ),
    (
        &["simple-get-allowed"],
        Variant {
            label: "range-bytes-0-10",
            headers: &[("Range", "bytes=0-10")],
            ..GET
        },
    ),
    (
        &["simple-get-allowed"],
        Variant {
            label: "range-suffix",
            headers: &[("Range", "bytes=-500")],
            ..GET
        },
    ),
    (
        &["simple-get-allowed"],
        Variant {
            label: "save-data",
            headers: &[("Save-Data", "on")],
            ..GET
        },
    ),
    (
        &["simple-get-allowed"],
        Variant {
            label: "user-agent",
            headers: &[("User-Agent", "parity/1.0")],
            ..GET
        },
    ),
    (
        &["simple-get-allowed"],
        Variant {
            label: "accept-with-quote",
            headers: &[("Accept", "application/json; q=\"1\"")],
            ..GET
        },
    ),
    (
        &["simple-get-allowed"],
        Variant {
            label: "content-type-129-bytes",
            method: "POST",
            headers: &[("Content-Type", CT_129)],
            body: Some("hello"),
            ..GET
        },
    ),
    (
        &["simple-get-allowed"],
        Variant {
            label: "content-language-underscore",
            headers: &[("Content-Language", "en_US")],
            ..GET
        },
    ),
    // Unsafe request headers: the ACRH value (lowercase, sorted, `,`) and header matching.
    (
        &["simple-get-allowed", "wildcard-allow-headers-authorization"],
        Variant {
            label: "unsafe-headers-unsorted",
            method: "POST",
            headers: &[
                ("X-Client-Version", "2"),
                ("Authorization", "Bearer t"),
                ("x-api-key", "k"),
                ("Content-Type", "application/json"),
            ],
            body: JSON_BODY,
            ..GET
        },
    ),
    (
        &["simple-get-allowed", "wildcard-allow-headers-authorization"],
        Variant {
            label: "unknown-header",
            headers: &[("X-Unknown", "1")],
            ..GET
        },
    ),
    (
        &["wildcard-allow-headers-authorization"],
        Variant {
            label: "empty-value-header",
            headers: &[("X-Empty", "")],
            ..GET
        },
    ),
    // Content-Type values.
    (
        &["simple-get-allowed", "content-type-not-allowed"],
        Variant {
            label: "ct-text-plain-charset",
            method: "POST",
            headers: &[("Content-Type", "text/plain;charset=utf-8")],
            body: Some("hello"),
            ..GET
        },
    ),
    (
        &["simple-get-allowed", "content-type-not-allowed"],
        Variant {
            label: "ct-application-json",
            method: "POST",
            headers: &[("Content-Type", "application/json")],
            body: JSON_BODY,
            ..GET
        },
    ),
    (
        &["simple-get-allowed", "content-type-not-allowed"],
        Variant {
            label: "ct-quoted-charset",
            method: "POST",
            headers: &[("Content-Type", "text/plain; charset=\"utf-8\"")],
            body: Some("hello"),
            ..GET
        },
    ),
    (
        &["simple-get-allowed"],
        Variant {
            label: "post-string-body",
            method: "POST",
            body: Some("hello"),
            ..GET
        },
    ),
    // Redirects: same-origin (307 to another scenario) and cross-origin (302 to localhost), by mode.
    (
        &[
            "redirect-allowed",
            "redirect-taints-origin",
            "redirect-without-cors",
        ],
        Variant {
            label: "redirect-manual",
            redirect: "manual",
            ..GET
        },
    ),
    (
        &["redirect-allowed", "redirect-taints-origin"],
        Variant {
            label: "redirect-error",
            redirect: "error",
            ..GET
        },
    ),
    (
        &["redirect-allowed"],
        Variant {
            label: "put-json-redirected",
            method: "PUT",
            headers: &[("Content-Type", "application/json")],
            body: JSON_BODY,
            ..GET
        },
    ),
    (
        &["redirect-taints-origin"],
        Variant {
            label: "credentials-include",
            credentials: "include",
            ..GET
        },
    ),
    // Exposure: what script can read.
    (
        &["expose-headers-correct", "header-not-exposed"],
        Variant {
            label: "credentials-omit",
            credentials: "omit",
            ..GET
        },
    ),
];

/// Every case: the catalogue in its own order, then the variants.
pub(crate) fn all() -> Vec<Case> {
    let mut cases: Vec<Case> = catalogue()
        .iter()
        .map(|s| Case {
            name: s.name.to_string(),
            spec: FetchSpec {
                url: s.name.to_string(),
                method: s.request.method.to_string(),
                headers: s
                    .request
                    .headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
                credentials: s.request.credentials.to_string(),
                redirect: "follow".into(),
                body: s.request.body.map(str::to_string),
            },
            expected: Some(Expect {
                blocked: s.expected.blocked,
                chromium_error: s.expected.chromium_error.map(str::to_string),
            }),
        })
        .collect();
    for (targets, v) in VARIANTS {
        for target in targets.iter().filter(|t| find(t).is_some()) {
            cases.push(Case {
                name: format!("{target}+{}", v.label),
                spec: FetchSpec {
                    url: target.to_string(),
                    method: v.method.to_string(),
                    headers: v
                        .headers
                        .iter()
                        .map(|(n, v)| (n.to_string(), v.to_string()))
                        .collect(),
                    credentials: v.credentials.to_string(),
                    redirect: v.redirect.to_string(),
                    body: v.body.map(str::to_string),
                },
                expected: None,
            });
        }
    }
    cases
}

/// Variant targets the catalogue does not have (reported, so a renamed scenario is noticed).
pub(crate) fn missing_targets() -> Vec<&'static str> {
    let mut missing: Vec<&str> = VARIANTS
        .iter()
        .flat_map(|(targets, _)| targets.iter().copied())
        .filter(|t| find(t).is_none())
        .collect();
    missing.sort_unstable();
    missing.dedup();
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_names_are_unique_and_every_variant_target_exists() {
        let cases = all();
        let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate case names");
        assert!(cases.len() > catalogue().len());
        assert_eq!(CT_129.len(), 129);
        assert_eq!(missing_targets(), Vec::<&str>::new());
    }
}

//! The comparable facts of one fetch, and the one function that compares two sets of them.
//!
//! Contract: both sides — real Chromium (its DevTools report plus the lab's log of what reached
//! the wire) and cors-doctor (its `check --format json` output) — are reduced to a [`Facts`];
//! [`differences`] lists every field on which they disagree, rendered as the strings the mismatch
//! table prints. Equality of the rendered strings is the definition of agreement.

use super::observe::ChromiumRun;

/// What one request looked like on the wire, reduced to what the parity test compares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Wire {
    /// Number of CORS-preflights (`OPTIONS` with `Access-Control-Request-Method`).
    pub(crate) preflights: usize,
    /// The first preflight's `Access-Control-Request-Method` value.
    pub(crate) acrm: Option<String>,
    /// The first preflight's `Access-Control-Request-Headers` value (None: absent).
    pub(crate) acrh: Option<String>,
    /// Number of other requests (the actual request and each redirect hop).
    pub(crate) actual: usize,
    /// The `Origin` header of every request, in order (`(none)` where absent): shows the
    /// redirect taint (`null` after a cross-origin hop).
    pub(crate) origins: Vec<String>,
}

impl Wire {
    /// Reduces a server's request log: `(method, header lines)` in arrival order. A preflight is
    /// an `OPTIONS` carrying `Access-Control-Request-Method`, as the lab itself decides.
    pub(crate) fn from_requests<'a>(
        requests: impl IntoIterator<Item = (&'a str, &'a [(String, String)])>,
    ) -> Wire {
        let mut wire = Wire::default();
        for (method, headers) in requests {
            let preflight = method == "OPTIONS" && header(headers, "access-control-request-method").is_some();
            wire.push(preflight, headers);
        }
        wire
    }

    /// Counts one request.
    pub(crate) fn push(&mut self, preflight: bool, headers: &[(String, String)]) {
        self.origins
            .push(header(headers, "origin").unwrap_or_else(|| "(none)".into()));
        if !preflight {
            self.actual += 1;
            return;
        }
        if self.preflights == 0 {
            self.acrm = header(headers, "access-control-request-method");
            self.acrh = header(headers, "access-control-request-headers");
        }
        self.preflights += 1;
    }
}

/// The value of `name` (case-insensitive); several lines are joined with `, ` as a browser would.
pub(crate) fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// One side's account of a fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Facts {
    /// `allowed` | `blocked` | `incomplete` (cors-doctor only) | `rejected: …` (Chromium only).
    pub(crate) outcome: String,
    /// CDP `Network.CorsError` name, or the net error when the failure is not a CORS one.
    pub(crate) error_name: Option<String>,
    /// The console's CORS line.
    pub(crate) message: Option<String>,
    /// What went on the wire.
    pub(crate) wire: Wire,
    /// Lowercase header names script can read, when allowed.
    pub(crate) exposed: Option<Vec<String>>,
}

impl Facts {
    /// Chromium's account: the DevTools observation plus the lab's log of its requests.
    pub(crate) fn from_chromium(run: &ChromiumRun, wire: Wire) -> Facts {
        let allowed = run.outcome() == "allowed";
        Facts {
            outcome: run.outcome(),
            // A resolved fetch can still end its load with an error event (`redirect: 'manual'`
            // aborts after the opaque redirect: net::ERR_ABORTED); that is not a failure script sees.
            error_name: if allowed {
                None
            } else {
                run.cors_error.clone().or_else(|| run.net_error.clone())
            },
            message: run.cors_line.clone(),
            wire,
            exposed: allowed.then(|| run.exposed_headers.clone()),
        }
    }

    /// The compared fields, rendered: `(field, value)`.
    pub(crate) fn fields(&self) -> Vec<(&'static str, String)> {
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
        let count = |n: usize| match n {
            0 => "no".to_string(),
            1 => "yes".to_string(),
            n => format!("yes ×{n}"),
        };
        let preflight_header = |v: &Option<String>| match (self.wire.preflights, v) {
            (0, _) => "—".to_string(),
            (_, None) => "(absent)".to_string(),
            (_, Some(v)) => format!("{v:?}"),
        };
        let exposed = self.exposed.as_ref().map(|names| {
            let mut names: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
            names.sort();
            names.dedup();
            names.join(",")
        });
        vec![
            ("outcome", self.outcome.clone()),
            ("error name", opt(&self.error_name)),
            ("console line", opt(&self.message)),
            ("preflight sent", count(self.wire.preflights)),
            ("ACRM", preflight_header(&self.wire.acrm)),
            ("ACRH", preflight_header(&self.wire.acrh)),
            ("actual sent", count(self.wire.actual)),
            ("Origin sent", self.wire.origins.join(" → ")),
            ("exposed headers", opt(&exposed)),
        ]
    }
}

/// Every field on which the two accounts differ: `(field, chromium, cors-doctor)`.
pub(crate) fn differences(chromium: &Facts, doctor: &Facts) -> Vec<(&'static str, String, String)> {
    chromium
        .fields()
        .into_iter()
        .zip(doctor.fields())
        .filter(|((_, c), (_, d))| c != d)
        .map(|((field, c), (_, d))| (field, c, d))
        .collect()
}

/// One reported difference: `(case, field, chromium's value, the other side's value)`.
pub(crate) type Row = (String, &'static str, String, String);

/// A plain-text table of `(case, field, chromium, other)` rows; `other` names the last column.
/// Two long values that share a long beginning (console lines) are shown from a little before
/// the first difference.
pub(crate) fn table(other: &str, rows: &[Row]) -> String {
    let head = ("case", "field", "chromium", other);
    let w0 = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(0)
        .max(head.0.len());
    let w1 = rows
        .iter()
        .map(|r| r.1.chars().count())
        .max()
        .unwrap_or(0)
        .max(head.1.len());
    let mut out = format!("{:w0$} | {:w1$} | {} | {}\n", head.0, head.1, head.2, head.3);
    for (case, field, c, d) in rows {
        let (c, d) = from_first_difference(c, d);
        out.push_str(&format!("{case:w0$} | {field:w1$} | {c} | {d}\n"));
    }
    out
}

/// Drops the common beginning of `a` and `b` but the 30 characters before they part, as `…`.
fn from_first_difference(a: &str, b: &str) -> (String, String) {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let skip = common.saturating_sub(30);
    if skip < 10 {
        return (a.to_string(), b.to_string());
    }
    let cut = |s: &str| format!("…{}", s.chars().skip(skip).collect::<String>());
    (cut(a), cut(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn wire_counts_preflights_and_hops_and_keeps_the_first_acrh() {
        let pre1 = h(&[
            ("Access-Control-Request-Method", "PUT"),
            ("Access-Control-Request-Headers", "x-a"),
        ]);
        let pre2 = h(&[("access-control-request-method", "PUT")]);
        let plain_options = h(&[("Origin", "http://a")]);
        let log = [
            ("OPTIONS", &pre1[..]),
            ("PUT", &[][..]),
            ("OPTIONS", &pre2[..]),
            ("OPTIONS", &plain_options[..]),
        ];
        let wire = Wire::from_requests(log);
        assert_eq!(
            wire,
            Wire {
                preflights: 2,
                acrm: Some("PUT".into()),
                acrh: Some("x-a".into()),
                actual: 2,
                origins: ["(none)", "(none)", "(none)", "http://a"]
                    .map(String::from)
                    .into(),
            }
        );
    }

    #[test]
    fn differences_name_each_disagreeing_field_only() {
        let base = Facts {
            outcome: "allowed".into(),
            error_name: None,
            message: None,
            wire: Wire {
                preflights: 1,
                acrm: Some("PUT".into()),
                acrh: None,
                actual: 1,
                origins: vec!["http://a".into(), "http://a".into()],
            },
            exposed: Some(vec!["content-type".into(), "x-b".into()]),
        };
        let mut other = base.clone();
        other.exposed = Some(vec!["X-B".into(), "content-type".into(), "x-b".into()]);
        assert!(
            differences(&base, &other).is_empty(),
            "order, case and duplicates do not matter"
        );
        other.wire.acrh = Some("x-a".into());
        other.wire.actual = 0;
        let diff = differences(&base, &other);
        assert_eq!(
            diff,
            vec![
                ("ACRH", "(absent)".to_string(), "\"x-a\"".to_string()),
                ("actual sent", "yes".to_string(), "no".to_string()),
            ]
        );
    }

    #[test]
    fn long_values_are_shown_from_shortly_before_they_differ() {
        let a = format!("{} resource.", "x".repeat(100));
        let b = format!("{} resource. If an opaque", "x".repeat(100));
        let (ca, cb) = from_first_difference(&a, &b);
        assert_eq!(ca, format!("…{} resource.", "x".repeat(20)));
        assert_eq!(cb, format!("…{} resource. If an opaque", "x".repeat(20)));
        assert_eq!(
            from_first_difference("yes", "no"),
            ("yes".to_string(), "no".to_string())
        );
    }
}

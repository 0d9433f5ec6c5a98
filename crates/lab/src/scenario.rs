//! The vocabulary of the catalogue: a [`Scenario`] names one CORS situation, says which request
//! demonstrates it, what cors-doctor should conclude about it, and how the lab answers it.
//!
//! Everything here is `'static` data so the catalogue can be one declarative table. Header values
//! in a [`Reply`] are templates, expanded per request by `template.rs` (see [`crate::template`]).

/// Whether a scenario shows a working setup, a setup a browser blocks, or one that works today but
/// deserves a finding (a root cause, a latent bug or a security problem).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// A correct configuration: the request is allowed and nothing is worth reporting.
    Correct,
    /// A classic misconfiguration: the browser blocks the request.
    Broken,
    /// A root cause or latent problem cors-doctor should name (blocked or not).
    Finding,
}

impl Category {
    /// Lowercase stable name (`correct`, `broken`, `finding`).
    pub fn name(self) -> &'static str {
        match self {
            Category::Correct => "correct",
            Category::Broken => "broken",
            Category::Finding => "finding",
        }
    }
}

/// What cors-doctor should conclude for the scenario's [`ScenarioRequest`], judged as Chromium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Expected {
    /// Whether Chromium blocks the request.
    pub blocked: bool,
    /// The CDP `Network.CorsError` name Chromium reports, e.g. `PreflightMissingAllowOriginHeader`.
    pub chromium_error: Option<&'static str>,
    /// The finding id cors-doctor should raise, e.g. `error-response-without-cors`.
    pub finding: Option<&'static str>,
}

/// The `fetch()` a page would make to demonstrate the scenario. The URL is the scenario's own
/// (`Lab::url(name)`); the page origin is one of `LabConfig::allowed_origins`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScenarioRequest {
    /// The method exactly as the script passes it (`patch` stays lowercase).
    pub method: &'static str,
    /// Headers the script sets, in script order.
    pub headers: &'static [(&'static str, &'static str)],
    /// Credentials mode: `omit`, `same-origin` or `include`.
    pub credentials: &'static str,
    /// Request body, when the script sends one.
    pub body: Option<&'static str>,
}

/// One canned HTTP answer. Header lines go on the wire in this order, exactly as written after
/// template expansion: duplicates, odd casing and broken values are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Reason phrase (may be empty).
    pub reason: &'static str,
    /// Raw header lines as `(name, value template)`. `Content-Length` is added by the server.
    pub headers: &'static [(&'static str, &'static str)],
    /// Response body (not sent for HEAD, 204 and 304).
    pub body: &'static str,
    /// A raw status line sent instead of `HTTP/1.1 {status} {reason}`, for scenarios about
    /// status-line parsing; `status` and `reason` then say what a browser reads from it.
    pub status_line: Option<&'static str>,
}

/// One named CORS situation served at `/<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scenario {
    /// Kebab-case name; the URL path is `/<name>`.
    pub name: &'static str,
    /// Short human title.
    pub title: &'static str,
    /// One line: what is wrong or right.
    pub summary: &'static str,
    /// Correct, broken or finding.
    pub category: Category,
    /// What cors-doctor should conclude for [`Scenario::request`].
    pub expected: Expected,
    /// The request that demonstrates it.
    pub request: ScenarioRequest,
    /// Whether `cors-doctor demo` shows it.
    pub in_demo: bool,
    /// The answer to a CORS-preflight (`OPTIONS` carrying `Access-Control-Request-Method`).
    pub preflight: Reply,
    /// The answer to every other request.
    pub actual: Reply,
}

impl Scenario {
    /// The reply for a request: the preflight answer for a CORS-preflight, else the actual one.
    pub fn reply_for(&self, is_preflight: bool) -> &Reply {
        if is_preflight {
            &self.preflight
        } else {
            &self.actual
        }
    }

    /// The answer the lab gives, without a socket: `is_preflight` picks the reply, `origin` is
    /// the request's `Origin` value, `host` its Host (for redirect `Location`s) and
    /// `allowed_origins` the lab's trusted origins (see [`crate::LabConfig`]).
    pub fn render(
        &self,
        is_preflight: bool,
        origin: Option<&str>,
        host: &str,
        allowed_origins: &[String],
    ) -> crate::Response {
        let ctx = crate::template::Context {
            origin,
            host,
            allowed: allowed_origins,
        };
        crate::respond::from_reply(self.reply_for(is_preflight), &ctx)
    }

    /// Whether a browser sends a CORS-preflight for [`Scenario::request`]: the method is not
    /// safelisted, or a header is not a safelisted one with a simple value. A coarse check for
    /// the index page and tests, not the engine's classification.
    pub fn request_is_preflighted(&self) -> bool {
        let simple_method = matches!(self.request.method, "GET" | "HEAD" | "POST");
        !simple_method || !self.request.headers.iter().all(|(n, v)| simple_header(n, v))
    }
}

fn simple_header(name: &str, value: &str) -> bool {
    let name = name.to_ascii_lowercase();
    match name.as_str() {
        "accept" | "accept-language" | "content-language" => true,
        "content-type" => {
            let essence = value.split(';').next().unwrap_or("").trim();
            let essence = essence.to_ascii_lowercase();
            matches!(
                essence.as_str(),
                "text/plain" | "application/x-www-form-urlencoded" | "multipart/form-data"
            )
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn render_expands_templates_without_a_socket() {
        let s = crate::find("reflects-any-origin").unwrap();
        let r = s.render(false, Some("https://evil.example"), "lab:1", &[]);
        assert_eq!(r.status, 200);
        let acao: Vec<_> = r
            .headers
            .iter()
            .filter(|(n, _)| n == "Access-Control-Allow-Origin")
            .collect();
        assert_eq!(acao[0].1, "https://evil.example");
        let pre = crate::find("preflight-redirect-https")
            .unwrap()
            .render(true, None, "lab:1", &[]);
        assert!(pre
            .headers
            .contains(&("Location".into(), "https://lab:1/preflight-redirect-https".into())));
    }

    #[test]
    fn preflight_classification_is_coarse_but_right_for_the_table() {
        assert!(!crate::find("simple-get-allowed")
            .unwrap()
            .request_is_preflighted());
        assert!(crate::find("preflight-auth-401")
            .unwrap()
            .request_is_preflighted());
        assert!(crate::find("method-case-mismatch")
            .unwrap()
            .request_is_preflighted());
        assert!(crate::find("content-type-not-allowed")
            .unwrap()
            .request_is_preflighted());
    }
}

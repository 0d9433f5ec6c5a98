//! The fix knowledge base: for a named server stack, the configuration that makes *this* request
//! pass, plus that stack's ordering and middleware gotchas; and stack detection from response
//! fingerprints.
//!
//! Contract: pure functions over plain data, no I/O. [`fix_for`] never suggests a wildcard origin:
//! every snippet names the exact page origin from [`Needs`], with credentials switched on only when
//! the request sends them. Snippets are short, ready to paste, written against each framework's
//! real API (reference/ecosystem.md §4.1), add `Vary: Origin` where the stack does not, answer
//! preflights with 204 where that is done by hand, and keep the headers on error responses.
//! [`detect()`] guesses the stack from `Server`, `X-Powered-By`, framework rejection bodies, cookies
//! and `Vary` shapes (§4.2); it returns the strongest guess with the evidence it rests on.
//!
//! Server-supplied text in [`Detection::evidence`] is truncated but not escaped: renderers escape it.

mod detect;
mod gotchas;
mod quote;
mod servers;
mod stack;
mod webapps;

use serde::Serialize;

pub use detect::{detect, Confidence, Detection, ResponseView};
pub use stack::Stack;

/// What this particular request needs from the server — never a blanket `*`.
///
/// Built by the caller from the request classification: only what a browser checks for this fetch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Needs {
    /// Serialized origin of the page, e.g. `http://localhost:3000`.
    pub origin: String,
    /// Non-safelisted methods to allow, exact case (`PUT`, `PATCH`).
    pub methods: Vec<String>,
    /// Lowercase names of the request headers that are not CORS-safelisted.
    pub request_headers: Vec<String>,
    /// Whether the request is credentialed (`credentials: 'include'`, `withCredentials`).
    pub credentials: bool,
    /// Response headers script must be able to read (`Access-Control-Expose-Headers`).
    pub expose_headers: Vec<String>,
    /// Suggested `Access-Control-Max-Age` in seconds.
    pub max_age: Option<u32>,
    /// The headers must also be on error responses (an error response without them was seen).
    pub on_errors: bool,
    /// The request needs a CORS-preflight.
    pub preflight: bool,
}

impl Needs {
    /// Methods a framework configuration should list: GET and POST plus the request's own.
    ///
    /// Several middlewares (Starlette, actix-cors, rs/cors, gin, rack-cors, S3) check a preflight's
    /// requested method against their own list even when it is CORS-safelisted, so a preflighted
    /// POST fails unless POST is listed; GET keeps the ordinary reads working.
    fn config_methods(&self) -> Vec<String> {
        let mut out = vec!["GET".to_owned(), "POST".to_owned()];
        for method in &self.methods {
            if !out.contains(method) {
                out.push(method.clone());
            }
        }
        out
    }
}

/// A ready-to-paste change for one stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// The stack the snippet is written for.
    pub stack: Stack,
    /// Syntax label for highlighting: `js`, `python`, `java`, `csharp`, `ruby`, `go`, `rust`,
    /// `nginx`, `apache`, `caddy`, `yaml`, `sh` or `text`.
    pub language: &'static str,
    /// The configuration with this request's origin, methods and headers filled in.
    pub snippet: String,
    /// This stack's ordering and middleware gotchas, one sentence each.
    pub gotchas: Vec<&'static str>,
}

/// The fix for `stack`, computed from what this request needs.
///
/// [`Stack::Unknown`] gets the [`header_recipe`].
pub fn fix_for(stack: Stack, needs: &Needs) -> Fix {
    let (language, snippet) = match stack {
        Stack::Express => ("js", webapps::express(needs)),
        Stack::Fastapi => ("python", webapps::fastapi(needs)),
        Stack::Django => ("python", webapps::django(needs)),
        Stack::Flask => ("python", webapps::flask(needs)),
        Stack::Spring => ("java", webapps::spring(needs)),
        Stack::Aspnet => ("csharp", webapps::aspnet(needs)),
        Stack::Rails => ("ruby", webapps::rails(needs)),
        Stack::GoRsCors => ("go", webapps::go_rs_cors(needs)),
        Stack::Gin => ("go", webapps::gin(needs)),
        Stack::Actix => ("rust", webapps::actix(needs)),
        Stack::Axum => ("rust", webapps::axum(needs)),
        Stack::Nginx => ("nginx", servers::nginx(needs)),
        Stack::Apache => ("apache", servers::apache(needs)),
        Stack::Caddy => ("caddy", servers::caddy(needs)),
        Stack::AwsApiGateway => ("yaml", servers::aws_api_gateway(needs)),
        Stack::S3 => ("sh", servers::s3(needs)),
        Stack::CloudflareWorkers => ("js", servers::cloudflare_workers(needs)),
        Stack::Unknown => return header_recipe(needs),
    };
    Fix {
        stack,
        language,
        snippet,
        gotchas: gotchas::for_stack(stack).to_vec(),
    }
}

/// For an unknown stack: the exact headers the server must send, and on which responses
/// (preflight, actual, errors).
pub fn header_recipe(needs: &Needs) -> Fix {
    Fix {
        stack: Stack::Unknown,
        language: "text",
        snippet: servers::recipe(needs),
        gotchas: gotchas::for_stack(Stack::Unknown).to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A credentialed `PUT` with `x-api-key` and a JSON body from a local dev server.
    pub(super) fn put_needs() -> Needs {
        Needs {
            origin: "http://localhost:3000".into(),
            methods: vec!["PUT".into()],
            request_headers: vec!["x-api-key".into(), "content-type".into()],
            credentials: true,
            expose_headers: vec!["x-total-count".into()],
            max_age: Some(600),
            on_errors: true,
            preflight: true,
        }
    }

    /// The credentials knob each stack's snippet must contain.
    fn credentials_knob(stack: Stack) -> &'static str {
        match stack {
            Stack::Express | Stack::Rails => "credentials: true",
            Stack::Fastapi => "allow_credentials=True",
            Stack::Django => "CORS_ALLOW_CREDENTIALS = True",
            Stack::Flask => "supports_credentials=True",
            Stack::Spring => "setAllowCredentials(true)",
            Stack::Aspnet => ".AllowCredentials()",
            Stack::GoRsCors | Stack::Gin | Stack::AwsApiGateway => "AllowCredentials: true",
            Stack::Actix => ".supports_credentials()",
            Stack::Axum => ".allow_credentials(true)",
            Stack::Unknown => "Access-Control-Allow-Credentials: true",
            Stack::Nginx | Stack::Apache | Stack::Caddy | Stack::S3 | Stack::CloudflareWorkers => {
                "Access-Control-Allow-Credentials"
            }
        }
    }

    /// Spellings of "any origin" across the stacks' APIs.
    const ANY_ORIGIN: &[&str] = &[
        "AllowAnyOrigin",
        "allow_any_origin",
        "AllowAllOrigins",
        "CORS_ALLOW_ALL_ORIGINS",
        "send_wildcard",
        "permissive",
        "mirror_request",
        "Any)",
        "Access-Control-Allow-Origin $http_origin",
    ];

    fn wildcard_origin_line(snippet: &str) -> Option<&str> {
        snippet
            .lines()
            .find(|line| line.to_ascii_lowercase().contains("origin") && line.contains('*'))
    }

    #[test]
    fn every_stack_gets_the_requests_own_values() {
        let needs = put_needs();
        for &stack in Stack::all() {
            let fix = fix_for(stack, &needs);
            let s = &fix.snippet;
            let name = stack.name();
            assert_eq!(fix.stack, stack);
            assert!(s.contains("http://localhost:3000"), "{name}: origin missing\n{s}");
            assert!(
                s.to_ascii_uppercase().contains("PUT"),
                "{name}: method missing\n{s}"
            );
            for header in ["x-api-key", "content-type", "x-total-count"] {
                if stack == Stack::AwsApiGateway && header == "x-total-count" {
                    continue; // exposed by the Lambda's own response, shown in a comment line
                }
                assert!(s.contains(header), "{name}: {header} missing\n{s}");
            }
            assert!(
                s.contains(credentials_knob(stack)),
                "{name}: credentials knob missing\n{s}"
            );
            assert_eq!(wildcard_origin_line(s), None, "{name}: wildcard origin\n{s}");
            for any in ANY_ORIGIN {
                assert!(!s.contains(any), "{name}: contains {any}\n{s}");
            }
            assert!(!fix.gotchas.is_empty(), "{name}: no gotchas");
            assert!(!fix.language.is_empty());
        }
    }

    #[test]
    fn snippets_stay_short() {
        let needs = put_needs();
        for &stack in Stack::all() {
            let lines = fix_for(stack, &needs).snippet.lines().count();
            assert!((5..=26).contains(&lines), "{}: {lines} lines", stack.name());
        }
    }

    #[test]
    fn credentials_knob_only_when_credentialed() {
        let needs = Needs {
            credentials: false,
            ..put_needs()
        };
        for &stack in Stack::all() {
            let s = fix_for(stack, &needs).snippet;
            assert!(
                !s.contains(credentials_knob(stack)),
                "{}: credentials\n{s}",
                stack.name()
            );
        }
    }

    #[test]
    fn manual_stacks_vary_on_origin_and_answer_preflight_with_204() {
        let needs = put_needs();
        for stack in [
            Stack::Nginx,
            Stack::Apache,
            Stack::Caddy,
            Stack::CloudflareWorkers,
        ] {
            let s = fix_for(stack, &needs).snippet;
            assert!(s.contains("Vary"), "{}: no Vary\n{s}", stack.name());
            assert!(s.contains("204"), "{}: no 204\n{s}", stack.name());
        }
        assert!(fix_for(Stack::Nginx, &needs)
            .snippet
            .lines()
            .all(|l| !l.contains("add_header") || l.trim_end().ends_with("always;")));
        assert!(fix_for(Stack::Apache, &needs)
            .snippet
            .lines()
            .all(|l| !l.starts_with("Header ") || l.starts_with("Header always ")));
    }

    #[test]
    fn no_preflight_no_preflight_block() {
        let needs = Needs {
            methods: vec![],
            request_headers: vec![],
            preflight: false,
            max_age: None,
            ..put_needs()
        };
        assert!(!fix_for(Stack::Nginx, &needs).snippet.contains("OPTIONS"));
        assert!(!fix_for(Stack::Apache, &needs).snippet.contains("OPTIONS"));
        assert!(!fix_for(Stack::Caddy, &needs).snippet.contains("OPTIONS"));
        assert!(!header_recipe(&needs).snippet.contains("Preflight"));
    }

    #[test]
    fn express_snippet_in_full() {
        let expected = "\
const cors = require('cors');

// First middleware: before routers, auth and body parsers, so preflights and errors get the headers.
app.use(cors({
  origin: ['http://localhost:3000'],
  methods: ['GET', 'POST', 'PUT'],
  allowedHeaders: ['x-api-key', 'content-type'],
  credentials: true,
  exposedHeaders: ['x-total-count'],
  maxAge: 600,
}));";
        assert_eq!(fix_for(Stack::Express, &put_needs()).snippet, expected);
    }

    #[test]
    fn recipe_in_full() {
        let expected = "\
Preflight (OPTIONS carrying Access-Control-Request-Method): answer 204 before auth, redirects and routing
  Access-Control-Allow-Origin: http://localhost:3000
  Access-Control-Allow-Credentials: true
  Access-Control-Allow-Methods: PUT
  Access-Control-Allow-Headers: x-api-key, content-type
  Access-Control-Max-Age: 600
  Vary: Origin
Actual response, on every status including 4xx/5xx errors
  Access-Control-Allow-Origin: http://localhost:3000
  Access-Control-Allow-Credentials: true
  Access-Control-Expose-Headers: x-total-count
  Vary: Origin";
        let fix = fix_for(Stack::Unknown, &put_needs());
        assert_eq!(fix.snippet, expected);
        assert_eq!(fix, header_recipe(&put_needs()));
    }

    #[test]
    fn custom_methods_keep_their_case() {
        let needs = Needs {
            methods: vec!["PATCH".into(), "Purge".into()],
            ..put_needs()
        };
        assert!(fix_for(Stack::Axum, &needs).snippet.contains("Method::PATCH"));
        assert!(fix_for(Stack::Axum, &needs)
            .snippet
            .contains("Method::from_bytes(b\"Purge\")"));
        assert!(fix_for(Stack::Express, &needs).snippet.contains("'Purge'"));
        let s3 = fix_for(Stack::S3, &needs).snippet;
        assert!(s3.contains("cannot allow PATCH, Purge"), "{s3}");
    }

    #[test]
    fn fix_serializes_with_kebab_stack() {
        let json = serde_json::to_value(fix_for(Stack::GoRsCors, &put_needs())).unwrap();
        assert_eq!(json["stack"], "go-rs-cors");
        assert_eq!(json["language"], "go");
    }
}

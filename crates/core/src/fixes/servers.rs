//! Snippets for stacks configured header by header (web servers, cloud services, Workers) and the
//! raw header recipe for an unknown stack.
//!
//! These stacks do nothing by themselves, so each snippet states the headers in full: an origin
//! allowlist (reflected only on a match), `Vary: Origin`, a 204 answer to preflights, and the
//! headers on error responses too.

use super::quote::{dq, header_list, list, regex_literal, sq};
use super::Needs;

/// A response header as a (name, value) pair.
type Pair = (&'static str, String);

/// Headers for the actual response (besides `Vary`), with `origin` as the stack's expression for
/// the allowed origin.
fn actual_headers(needs: &Needs, origin: &str) -> Vec<Pair> {
    let mut out = vec![("Access-Control-Allow-Origin", origin.to_owned())];
    if needs.credentials {
        out.push(("Access-Control-Allow-Credentials", "true".to_owned()));
    }
    if !needs.expose_headers.is_empty() {
        out.push((
            "Access-Control-Expose-Headers",
            header_list(&needs.expose_headers),
        ));
    }
    out
}

/// Headers only a preflight response needs; an empty `methods` leaves out Allow-Methods.
fn preflight_only_headers(needs: &Needs, methods: &[String]) -> Vec<Pair> {
    let mut out = Vec::new();
    if !methods.is_empty() {
        out.push(("Access-Control-Allow-Methods", header_list(methods)));
    }
    if !needs.request_headers.is_empty() {
        out.push((
            "Access-Control-Allow-Headers",
            header_list(&needs.request_headers),
        ));
    }
    if let Some(age) = needs.max_age {
        out.push(("Access-Control-Max-Age", age.to_string()));
    }
    out
}

/// Headers for a preflight response (besides `Vary`).
fn preflight_headers(needs: &Needs, origin: &str, methods: &[String]) -> Vec<Pair> {
    let mut out = actual_headers(needs, origin);
    out.retain(|(name, _)| *name != "Access-Control-Expose-Headers");
    out.extend(preflight_only_headers(needs, methods));
    out
}

/// Each pair rendered by `line`, one a line.
fn render(pairs: &[Pair], line: impl Fn(&str, &str) -> String) -> String {
    pairs
        .iter()
        .map(|(name, value)| line(name, value) + "\n")
        .collect()
}

/// nginx: a `map` allowlist, `always` on every line, and the preflight answered in an `if`.
pub(super) fn nginx(needs: &Needs) -> String {
    let add = |indent: &'static str| {
        move |name: &str, value: &str| {
            let value = if value.starts_with('$') {
                value.to_owned()
            } else {
                dq(value)
            };
            format!("{indent}add_header {name} {value} always;")
        }
    };
    let mut out = format!(
        "map $http_origin $cors_origin {{\n    default \"\";\n    {} $http_origin;\n}}\n\n\
         location / {{\n",
        dq(&needs.origin)
    );
    out += &render(&actual_headers(needs, "$cors_origin"), add("    "));
    out += "    add_header Vary Origin always;\n";
    if needs.preflight {
        out += "    if ($request_method = OPTIONS) {\n";
        let pairs = preflight_headers(needs, "$cors_origin", &needs.config_methods());
        out += &render(&pairs, add("        "));
        out += "        add_header Vary Origin always;\n        return 204;\n    }\n";
    }
    out + "    proxy_pass http://backend; # as before\n}"
}

/// Apache: `SetEnvIf` allowlist, `Header always set`, and a rewrite answering preflights with 204.
pub(super) fn apache(needs: &Needs) -> String {
    let mut pairs = actual_headers(needs, "%{CORS_ORIGIN}e");
    if needs.preflight {
        pairs.extend(preflight_only_headers(needs, &needs.config_methods()));
    }
    let mut out = format!(
        "# Needs mod_headers{}.\nSetEnvIf Origin \"^{}$\" CORS_ORIGIN=$0\n",
        if needs.preflight { " and mod_rewrite" } else { "" },
        regex_literal(&needs.origin)
    );
    out += &render(&pairs, |name, value| {
        format!("Header always set {name} {} env=CORS_ORIGIN", dq(value))
    });
    out += "Header always merge Vary Origin";
    if needs.preflight {
        out += "\nRewriteEngine On\n\
                RewriteCond %{REQUEST_METHOD} OPTIONS\n\
                RewriteCond %{HTTP:Access-Control-Request-Method} !^$\n\
                RewriteRule ^ - [R=204,L]";
    }
    out
}

/// Caddy: headers on matching origins (deferred, replacing upstream copies) and a 204 preflight.
pub(super) fn caddy(needs: &Needs) -> String {
    let origin = dq(&needs.origin);
    let mut out = format!("example.com {{ # your site block\n\t@cors_origin header Origin {origin}\n");
    out += "\theader @cors_origin {\n";
    out += &render(&actual_headers(needs, &needs.origin), |n, v| {
        format!("\t\t{n} {}", dq(v))
    });
    out += "\t\tdefer\n\t}\n\theader +Vary Origin\n";
    if needs.preflight {
        out += &format!("\t@preflight {{\n\t\tmethod OPTIONS\n\t\theader Origin {origin}\n\t}}\n");
        out += "\thandle @preflight {\n";
        let pairs = preflight_only_headers(needs, &needs.config_methods());
        out += &render(&pairs, |n, v| format!("\t\theader {n} {}", dq(v)));
        out += "\t\trespond 204\n\t}\n";
    }
    out + "\treverse_proxy localhost:8080 # as before\n}"
}

/// AWS SAM: the REST API's `Cors` (OPTIONS answers) and gateway responses for its own errors.
pub(super) fn aws_api_gateway(needs: &Needs) -> String {
    let static_value = |v: &str| dq(&format!("'{v}'"));
    let mut cors = vec![
        format!("AllowOrigin: {}", static_value(&needs.origin)),
        format!(
            "AllowMethods: {}",
            static_value(&needs.config_methods().join(","))
        ),
    ];
    if !needs.request_headers.is_empty() {
        cors.push(format!(
            "AllowHeaders: {}",
            static_value(&needs.request_headers.join(","))
        ));
    }
    if needs.credentials {
        cors.push("AllowCredentials: true".to_owned());
    }
    if let Some(age) = needs.max_age {
        cors.push(format!("MaxAge: {}", static_value(&age.to_string())));
    }
    let mut out = String::from(
        "# template.yaml (AWS SAM): the REST API's CORS, its OPTIONS answers and its own errors.\n\
         Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    StageName: prod\n    Cors:\n",
    );
    out += &cors
        .iter()
        .map(|line| format!("      {line}\n"))
        .collect::<String>();
    out += "    GatewayResponses:\n";
    let error_headers = actual_headers(needs, &needs.origin);
    let error_headers: Vec<Pair> = error_headers
        .into_iter()
        .filter(|(n, _)| !n.contains("Expose"))
        .collect();
    for response in ["DEFAULT_4XX", "DEFAULT_5XX"] {
        out += &format!("      {response}:\n        ResponseParameters:\n          Headers:\n");
        out += &render(&error_headers, |n, v| {
            format!("            {n}: {}", static_value(v))
        });
    }
    let mut lambda = actual_headers(needs, &needs.origin);
    lambda.push(("Vary", "Origin".to_owned()));
    let lambda: Vec<String> = lambda
        .iter()
        .map(|(n, v)| format!("{}: {}", dq(n), dq(v)))
        .collect();
    out += "# Lambda proxy integration: the function returns these itself, on errors too:\n";
    out + &format!("#   \"headers\": {{{}}}", lambda.join(", "))
}

/// S3's five methods; anything else cannot be allowed on a bucket.
const S3_METHODS: [&str; 5] = ["GET", "PUT", "POST", "DELETE", "HEAD"];

/// S3: a bucket CORS rule applied with the AWS CLI.
pub(super) fn s3(needs: &Needs) -> String {
    let (methods, refused): (Vec<String>, Vec<String>) = needs
        .config_methods()
        .into_iter()
        .partition(|m| S3_METHODS.contains(&m.as_str()));
    let mut rule = vec![
        format!("\"AllowedOrigins\": [{}]", dq(&needs.origin)),
        format!("\"AllowedMethods\": [{}]", list(&methods, dq)),
    ];
    if !needs.request_headers.is_empty() {
        rule.push(format!(
            "\"AllowedHeaders\": [{}]",
            list(&needs.request_headers, dq)
        ));
    }
    if !needs.expose_headers.is_empty() {
        rule.push(format!(
            "\"ExposeHeaders\": [{}]",
            list(&needs.expose_headers, dq)
        ));
    }
    if let Some(age) = needs.max_age {
        rule.push(format!("\"MaxAgeSeconds\": {age}"));
    }
    let mut out = String::new();
    if needs.credentials {
        out += "# S3 itself sends Access-Control-Allow-Credentials: true when the rule names the exact origin.\n";
    }
    if !refused.is_empty() {
        out += &format!(
            "# S3 cannot allow {}: only GET, PUT, POST, DELETE and HEAD.\n",
            refused.join(", ")
        );
    }
    let json = format!(
        "{{\n  \"CORSRules\": [{{\n    {}\n  }}]\n}}",
        rule.join(",\n    ")
    );
    out + &format!(
        "aws s3api put-bucket-cors --bucket YOUR-BUCKET --cors-configuration '{}'",
        json.replace('\'', "'\\''")
    )
}

/// Cloudflare Workers: a wrapper rebuilding every response (errors included) with the headers.
pub(super) fn cloudflare_workers(needs: &Needs) -> String {
    let set = |indent: &'static str| {
        move |name: &str, value: &str| format!("{indent}res.headers.set({}, {value});", sq(name))
    };
    let mut actual = actual_headers(needs, "origin");
    for (_, value) in actual.iter_mut().skip(1) {
        *value = sq(value);
    }
    let mut out = format!(
        "const ALLOWED_ORIGINS = [{}];\n\
         function withCors(request, response) {{\n  \
           const res = new Response(response.body, response); // fetch() results have immutable headers\n  \
           const origin = request.headers.get('Origin');\n  \
           res.headers.append('Vary', 'Origin');\n  \
           if (ALLOWED_ORIGINS.includes(origin)) {{\n",
        sq(&needs.origin)
    );
    out += &render(&actual, set("    "));
    out += "  }\n  return res;\n}\nexport default {\n  async fetch(request, env, ctx) {\n";
    if needs.preflight {
        out += "    if (request.method === 'OPTIONS' && request.headers.has('Access-Control-Request-Method')) {\n      \
                return withCors(request, new Response(null, { status: 204, headers: {\n";
        let pairs = preflight_only_headers(needs, &needs.config_methods());
        out += &render(&pairs, |n, v| format!("        {}: {},", sq(n), sq(v)));
        out += "      } }));\n    }\n";
    }
    out + "    try { return withCors(request, await handle(request, env, ctx)); } // your handler\n    \
           catch { return withCors(request, new Response('Internal Server Error', { status: 500 })); }\n  \
           },\n};"
}

/// The raw headers, per response kind, for a stack cors-doctor has no snippet for.
pub(super) fn recipe(needs: &Needs) -> String {
    let line = |name: &str, value: &str| format!("  {name}: {value}");
    let mut out = String::new();
    if needs.preflight {
        out += "Preflight (OPTIONS carrying Access-Control-Request-Method): \
                answer 204 before auth, redirects and routing\n";
        out += &render(&preflight_headers(needs, &needs.origin, &needs.methods), line);
        out += "  Vary: Origin\n";
    }
    out += if needs.on_errors {
        "Actual response, on every status including 4xx/5xx errors\n"
    } else {
        "Actual response (keep them on 4xx/5xx errors too)\n"
    };
    out += &render(&actual_headers(needs, &needs.origin), line);
    out + "  Vary: Origin"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs() -> Needs {
        Needs {
            origin: "https://app.example.com".into(),
            methods: vec!["PATCH".into()],
            request_headers: vec!["authorization".into()],
            credentials: false,
            expose_headers: vec![],
            max_age: None,
            on_errors: false,
            preflight: true,
        }
    }

    #[test]
    fn apache_escapes_the_origin_regex() {
        let s = apache(&needs());
        assert!(
            s.contains("SetEnvIf Origin \"^https://app\\.example\\.com$\" CORS_ORIGIN=$0"),
            "{s}"
        );
        assert!(s.contains("Header always set Access-Control-Allow-Methods \"GET, POST, PATCH\""));
    }

    #[test]
    fn nginx_reflects_only_through_the_map() {
        let s = nginx(&needs());
        assert!(
            s.starts_with("map $http_origin $cors_origin {\n    default \"\";\n"),
            "{s}"
        );
        assert!(
            s.contains("    \"https://app.example.com\" $http_origin;\n"),
            "{s}"
        );
        assert_eq!(
            s.matches("add_header Access-Control-Allow-Origin $cors_origin always;")
                .count(),
            2
        );
        assert!(s.contains("        return 204;\n"));
    }

    #[test]
    fn s3_without_credentials_or_refused_methods_has_no_comments() {
        let s = s3(&Needs {
            methods: vec!["PUT".into()],
            ..needs()
        });
        assert!(s.starts_with("aws s3api put-bucket-cors"), "{s}");
        assert!(
            s.contains("\"AllowedMethods\": [\"GET\", \"POST\", \"PUT\"],\n"),
            "{s}"
        );
        assert!(
            s.ends_with("\"AllowedHeaders\": [\"authorization\"]\n  }]\n}'"),
            "{s}"
        );
    }

    #[test]
    fn recipe_for_a_simple_request_has_no_preflight_part() {
        let simple = Needs {
            methods: vec![],
            request_headers: vec![],
            credentials: true,
            preflight: false,
            ..needs()
        };
        assert_eq!(
            recipe(&simple),
            "Actual response (keep them on 4xx/5xx errors too)\n\
             \x20 Access-Control-Allow-Origin: https://app.example.com\n\
             \x20 Access-Control-Allow-Credentials: true\n\
             \x20 Vary: Origin"
        );
    }

    #[test]
    fn workers_rebuild_and_catch() {
        let s = cloudflare_workers(&needs());
        assert!(s.contains("new Response(response.body, response)"));
        assert!(
            s.contains("res.headers.set('Access-Control-Allow-Origin', origin);"),
            "{s}"
        );
        assert!(
            s.contains("'Access-Control-Allow-Methods': 'GET, POST, PATCH',"),
            "{s}"
        );
        assert!(s.contains("catch { return withCors("));
    }
}

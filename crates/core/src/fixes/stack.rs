//! The server stacks a fix can be written for: stable ids, human labels, and the aliases users type.

use std::fmt;

use serde::Serialize;

/// A server stack (framework + its CORS library, web server, or cloud service).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stack {
    /// Express with the `cors` npm package.
    Express,
    /// FastAPI or Starlette with `CORSMiddleware`.
    Fastapi,
    /// Django with `django-cors-headers`.
    Django,
    /// Flask with Flask-CORS.
    Flask,
    /// Spring MVC / Spring Security.
    Spring,
    /// ASP.NET Core's CORS middleware.
    Aspnet,
    /// Rails (or any Rack app) with `rack-cors`.
    Rails,
    /// Go `net/http` with `github.com/rs/cors`.
    GoRsCors,
    /// Gin with `gin-contrib/cors`.
    Gin,
    /// actix-web with `actix-cors`.
    Actix,
    /// axum (or any tower service) with tower-http's `CorsLayer`.
    Axum,
    /// nginx `add_header`.
    Nginx,
    /// Apache httpd `mod_headers`.
    Apache,
    /// Caddy `header` / `respond`.
    Caddy,
    /// AWS API Gateway (REST API via SAM, Lambda proxy).
    AwsApiGateway,
    /// Amazon S3 bucket CORS rules.
    S3,
    /// Cloudflare Workers.
    CloudflareWorkers,
    /// Not known: the fix is the raw header recipe.
    Unknown,
}

const ALL: [Stack; 18] = [
    Stack::Express,
    Stack::Fastapi,
    Stack::Django,
    Stack::Flask,
    Stack::Spring,
    Stack::Aspnet,
    Stack::Rails,
    Stack::GoRsCors,
    Stack::Gin,
    Stack::Actix,
    Stack::Axum,
    Stack::Nginx,
    Stack::Apache,
    Stack::Caddy,
    Stack::AwsApiGateway,
    Stack::S3,
    Stack::CloudflareWorkers,
    Stack::Unknown,
];

/// Extra spellings accepted by [`Stack::from_name`], after normalisation (lowercase, `_` and
/// spaces as `-`). Each stack's own [`Stack::name`] is accepted too.
const ALIASES: &[(&str, Stack)] = &[
    ("expressjs", Stack::Express),
    ("express.js", Stack::Express),
    ("express-cors", Stack::Express),
    ("starlette", Stack::Fastapi),
    ("django-cors-headers", Stack::Django),
    ("corsheaders", Stack::Django),
    ("flask-cors", Stack::Flask),
    ("spring-boot", Stack::Spring),
    ("spring-mvc", Stack::Spring),
    ("spring-security", Stack::Spring),
    ("spring-webflux", Stack::Spring),
    ("asp.net", Stack::Aspnet),
    ("asp.net-core", Stack::Aspnet),
    ("aspnet-core", Stack::Aspnet),
    ("aspnetcore", Stack::Aspnet),
    ("dotnet", Stack::Aspnet),
    (".net", Stack::Aspnet),
    ("kestrel", Stack::Aspnet),
    ("rack-cors", Stack::Rails),
    ("rack", Stack::Rails),
    ("ruby-on-rails", Stack::Rails),
    ("rs-cors", Stack::GoRsCors),
    ("rs/cors", Stack::GoRsCors),
    ("go", Stack::GoRsCors),
    ("golang", Stack::GoRsCors),
    ("net/http", Stack::GoRsCors),
    ("gin-contrib", Stack::Gin),
    ("gin-contrib/cors", Stack::Gin),
    ("gin-cors", Stack::Gin),
    ("actix-web", Stack::Actix),
    ("actix-cors", Stack::Actix),
    ("tower-http", Stack::Axum),
    ("tower", Stack::Axum),
    ("corslayer", Stack::Axum),
    ("openresty", Stack::Nginx),
    ("httpd", Stack::Apache),
    ("apache2", Stack::Apache),
    ("apache-httpd", Stack::Apache),
    ("caddy2", Stack::Caddy),
    ("api-gateway", Stack::AwsApiGateway),
    ("apigateway", Stack::AwsApiGateway),
    ("apigw", Stack::AwsApiGateway),
    ("aws-lambda", Stack::AwsApiGateway),
    ("lambda", Stack::AwsApiGateway),
    ("aws-s3", Stack::S3),
    ("amazon-s3", Stack::S3),
    ("cloudflare", Stack::CloudflareWorkers),
    ("workers", Stack::CloudflareWorkers),
    ("cf-workers", Stack::CloudflareWorkers),
    ("generic", Stack::Unknown),
    ("other", Stack::Unknown),
];

impl Stack {
    /// Stable kebab-case id used in JSON and on the command line, e.g. `go-rs-cors`.
    pub fn name(self) -> &'static str {
        match self {
            Stack::Express => "express",
            Stack::Fastapi => "fastapi",
            Stack::Django => "django",
            Stack::Flask => "flask",
            Stack::Spring => "spring",
            Stack::Aspnet => "aspnet",
            Stack::Rails => "rails",
            Stack::GoRsCors => "go-rs-cors",
            Stack::Gin => "gin",
            Stack::Actix => "actix",
            Stack::Axum => "axum",
            Stack::Nginx => "nginx",
            Stack::Apache => "apache",
            Stack::Caddy => "caddy",
            Stack::AwsApiGateway => "aws-api-gateway",
            Stack::S3 => "s3",
            Stack::CloudflareWorkers => "cloudflare-workers",
            Stack::Unknown => "unknown",
        }
    }

    /// Parses an id or a common alias (`starlette`, `tower-http`, `rack-cors`, `asp.net`, …),
    /// ignoring case, surrounding space, and `_`/space versus `-`.
    pub fn from_name(name: &str) -> Option<Stack> {
        let key = name.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        ALL.iter().copied().find(|stack| stack.name() == key).or_else(|| {
            ALIASES
                .iter()
                .find(|(alias, _)| *alias == key)
                .map(|&(_, stack)| stack)
        })
    }

    /// Every stack, [`Stack::Unknown`] last.
    pub fn all() -> &'static [Stack] {
        &ALL
    }

    /// Human label naming the library the fix configures, e.g. `Express (cors npm package)`.
    pub fn label(self) -> &'static str {
        match self {
            Stack::Express => "Express (cors npm package)",
            Stack::Fastapi => "FastAPI / Starlette (CORSMiddleware)",
            Stack::Django => "Django (django-cors-headers)",
            Stack::Flask => "Flask (Flask-CORS)",
            Stack::Spring => "Spring Boot / Spring Security (CorsConfigurationSource)",
            Stack::Aspnet => "ASP.NET Core (CORS middleware)",
            Stack::Rails => "Rails / Rack (rack-cors)",
            Stack::GoRsCors => "Go net/http (rs/cors)",
            Stack::Gin => "Gin (gin-contrib/cors)",
            Stack::Actix => "actix-web (actix-cors)",
            Stack::Axum => "axum (tower-http CorsLayer)",
            Stack::Nginx => "nginx (add_header)",
            Stack::Apache => "Apache httpd (mod_headers)",
            Stack::Caddy => "Caddy (header directive)",
            Stack::AwsApiGateway => "AWS API Gateway (REST API, SAM template)",
            Stack::S3 => "Amazon S3 (bucket CORS configuration)",
            Stack::CloudflareWorkers => "Cloudflare Workers",
            Stack::Unknown => "Any server (the raw headers)",
        }
    }
}

impl fmt::Display for Stack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for &stack in Stack::all() {
            assert_eq!(Stack::from_name(stack.name()), Some(stack));
            assert_eq!(serde_json::to_value(stack).unwrap(), stack.name());
            assert_eq!(stack.to_string(), stack.name());
            assert!(!stack.label().is_empty());
        }
        assert_eq!(Stack::all().len(), 18);
        assert_eq!(Stack::all().last(), Some(&Stack::Unknown));
    }

    #[test]
    fn aliases() {
        let table = [
            ("starlette", Stack::Fastapi),
            ("Tower-HTTP", Stack::Axum),
            ("rack-cors", Stack::Rails),
            ("django_cors_headers", Stack::Django),
            ("flask-cors", Stack::Flask),
            ("ASP.NET", Stack::Aspnet),
            ("asp.net core", Stack::Aspnet),
            ("rs/cors", Stack::GoRsCors),
            (" Express ", Stack::Express),
            ("actix-web", Stack::Actix),
            ("cloudflare", Stack::CloudflareWorkers),
            ("api-gateway", Stack::AwsApiGateway),
        ];
        for (alias, stack) in table {
            assert_eq!(Stack::from_name(alias), Some(stack), "{alias}");
        }
        assert_eq!(Stack::from_name("cobol"), None);
        assert_eq!(Stack::from_name(""), None);
    }

    #[test]
    fn aliases_never_shadow_ids() {
        for (alias, _) in ALIASES {
            assert!(ALL.iter().all(|s| s.name() != *alias), "{alias}");
            assert_eq!(alias.to_ascii_lowercase(), *alias);
        }
    }
}

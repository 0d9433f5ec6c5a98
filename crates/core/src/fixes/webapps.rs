//! Snippets for application frameworks and their CORS middleware.
//!
//! Each framework spells the six CORS knobs (origin, methods, request headers, credentials, exposed
//! headers, max-age) in its own [`Syntax`]; [`knobs`] fills them from [`Needs`] in that order,
//! leaving out the ones this request does not need, and each stack function wraps them in the
//! registration code whose placement is that stack's main gotcha.

use super::quote::{dq, go_fields, list, ruby_method, rust_method, sq};
use super::Needs;

/// How one framework writes each knob.
struct Syntax {
    origin: fn(&str) -> String,
    methods: fn(&[String]) -> String,
    headers: fn(&[String]) -> String,
    credentials: &'static str,
    expose: fn(&[String]) -> String,
    max_age: fn(u32) -> String,
}

/// The knobs this request needs, in the framework's syntax.
fn knobs(needs: &Needs, syntax: &Syntax) -> Vec<String> {
    let mut out = vec![
        (syntax.origin)(&needs.origin),
        (syntax.methods)(&needs.config_methods()),
    ];
    if !needs.request_headers.is_empty() {
        out.push((syntax.headers)(&needs.request_headers));
    }
    if needs.credentials {
        out.push(syntax.credentials.to_owned());
    }
    if !needs.expose_headers.is_empty() {
        out.push((syntax.expose)(&needs.expose_headers));
    }
    if let Some(age) = needs.max_age {
        out.push((syntax.max_age)(age));
    }
    out
}

/// One knob a line, each indented and terminated (`,`, `;` or nothing).
fn lines(knobs: &[String], indent: &str, end: &str) -> String {
    knobs
        .iter()
        .map(|knob| format!("{indent}{knob}{end}\n"))
        .collect()
}

const EXPRESS: Syntax = Syntax {
    origin: |o| format!("origin: [{}]", sq(o)),
    methods: |m| format!("methods: [{}]", list(m, sq)),
    headers: |h| format!("allowedHeaders: [{}]", list(h, sq)),
    credentials: "credentials: true",
    expose: |h| format!("exposedHeaders: [{}]", list(h, sq)),
    max_age: |a| format!("maxAge: {a}"),
};

/// Express with the `cors` package, registered ahead of everything else.
pub(super) fn express(needs: &Needs) -> String {
    format!(
        "const cors = require('cors');\n\n\
         // First middleware: before routers, auth and body parsers, so preflights and errors get the headers.\n\
         app.use(cors({{\n{}}}));",
        lines(&knobs(needs, &EXPRESS), "  ", ",")
    )
}

const STARLETTE: Syntax = Syntax {
    origin: |o| format!("allow_origins=[{}]", dq(o)),
    methods: |m| format!("allow_methods=[{}]", list(m, dq)),
    headers: |h| format!("allow_headers=[{}]", list(h, dq)),
    credentials: "allow_credentials=True",
    expose: |h| format!("expose_headers=[{}]", list(h, dq)),
    max_age: |a| format!("max_age={a}"),
};

/// FastAPI/Starlette `CORSMiddleware`: added last, or wrapping the app when errors need headers.
pub(super) fn fastapi(needs: &Needs) -> String {
    let head = "from fastapi.middleware.cors import CORSMiddleware\n\n";
    let body = lines(&knobs(needs, &STARLETTE), "    ", ",");
    if needs.on_errors {
        format!(
            "{head}# Last line of main.py: wrapping the whole app (instead of add_middleware) keeps the\n\
             # headers on unhandled-exception 500s too; keep serving `main:app`.\n\
             app = CORSMiddleware(\n    app,\n{body})"
        )
    } else {
        format!(
            "{head}# After every other add_middleware call: the last one added is the outermost.\n\
             app.add_middleware(\n    CORSMiddleware,\n{body})"
        )
    }
}

const DJANGO: Syntax = Syntax {
    origin: |o| format!("CORS_ALLOWED_ORIGINS = [{}]", dq(o)),
    methods: |m| format!("CORS_ALLOW_METHODS = [{}]", list(m, dq)),
    headers: |h| format!("CORS_ALLOW_HEADERS = [{}]", list(h, dq)),
    credentials: "CORS_ALLOW_CREDENTIALS = True",
    expose: |h| format!("CORS_EXPOSE_HEADERS = [{}]", list(h, dq)),
    max_age: |a| format!("CORS_PREFLIGHT_MAX_AGE = {a}"),
};

/// django-cors-headers settings, with the middleware first and CSRF trust for cookie requests.
pub(super) fn django(needs: &Needs) -> String {
    let mut out = String::from(
        "# settings.py (pip install django-cors-headers)\n\
         INSTALLED_APPS += [\"corsheaders\"]\n\
         # First in MIDDLEWARE, above CommonMiddleware and WhiteNoise:\n\
         MIDDLEWARE.insert(0, \"corsheaders.middleware.CorsMiddleware\")\n",
    );
    out += &lines(&knobs(needs, &DJANGO), "", "");
    if needs.credentials {
        out += &format!("CSRF_TRUSTED_ORIGINS = [{}]\n", dq(&needs.origin));
    }
    out.trim_end().to_owned()
}

const FLASK: Syntax = Syntax {
    origin: |o| format!("origins=[{}]", dq(o)),
    methods: |m| format!("methods=[{}]", list(m, dq)),
    headers: |h| format!("allow_headers=[{}]", list(h, dq)),
    credentials: "supports_credentials=True",
    expose: |h| format!("expose_headers=[{}]", list(h, dq)),
    max_age: |a| format!("max_age={a}"),
};

/// Flask-CORS on the whole app with an explicit origin list (its default reflects any origin).
pub(super) fn flask(needs: &Needs) -> String {
    format!(
        "from flask_cors import CORS\n\n\
         # Right after app = Flask(__name__); always pass origins (the default reflects any Origin).\n\
         CORS(\n    app,\n{})",
        lines(&knobs(needs, &FLASK), "    ", ",")
    )
}

const SPRING: Syntax = Syntax {
    origin: |o| format!("config.setAllowedOrigins(List.of({}));", dq(o)),
    methods: |m| format!("config.setAllowedMethods(List.of({}));", list(m, dq)),
    headers: |h| format!("config.setAllowedHeaders(List.of({}));", list(h, dq)),
    credentials: "config.setAllowCredentials(true);",
    expose: |h| format!("config.setExposedHeaders(List.of({}));", list(h, dq)),
    max_age: |a| format!("config.setMaxAge({a}L);"),
};

/// A `CorsConfigurationSource` bean plus `http.cors(...)` so Spring Security lets preflights in.
pub(super) fn spring(needs: &Needs) -> String {
    format!(
        "@Bean\n\
         CorsConfigurationSource corsConfigurationSource() {{\n    \
             CorsConfiguration config = new CorsConfiguration();\n\
         {}    \
             UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();\n    \
             source.registerCorsConfiguration(\"/**\", config);\n    \
             return source;\n\
         }}\n\n\
         // Spring Security: its CorsFilter must answer preflights before authentication.\n\
         // In your SecurityFilterChain bean: http.cors(Customizer.withDefaults());",
        lines(&knobs(needs, &SPRING), "    ", "")
    )
}

const ASPNET: Syntax = Syntax {
    origin: |o| format!(".WithOrigins({})", dq(o)),
    methods: |m| format!(".WithMethods({})", list(m, dq)),
    headers: |h| format!(".WithHeaders({})", list(h, dq)),
    credentials: ".AllowCredentials()",
    expose: |h| format!(".WithExposedHeaders({})", list(h, dq)),
    max_age: |a| format!(".SetPreflightMaxAge(TimeSpan.FromSeconds({a}))"),
};

/// An ASP.NET Core named policy and the middleware order around `UseCors`.
pub(super) fn aspnet(needs: &Needs) -> String {
    let policy = lines(&knobs(needs, &ASPNET), "    ", "");
    format!(
        "builder.Services.AddCors(options => options.AddPolicy(\"frontend\", policy => policy\n\
         {}));\n\n\
         var app = builder.Build();\n\
         app.UseExceptionHandler(\"/error\"); // before UseCors, so 500s still get the headers\n\
         app.UseRouting();\n\
         app.UseCors(\"frontend\"); // after UseRouting, before auth and response caching\n\
         app.UseAuthentication();\n\
         app.UseAuthorization();",
        policy.trim_end()
    )
}

const RACK: Syntax = Syntax {
    origin: |o| format!("origins {}", sq(o)),
    methods: |m| format!("methods: [{}]", list(m, ruby_method)),
    headers: |h| format!("headers: [{}]", list(h, sq)),
    credentials: "credentials: true",
    expose: |h| format!("expose: [{}]", list(h, sq)),
    max_age: |a| format!("max_age: {a}"),
};

/// rack-cors inserted at position 0 of the middleware stack.
pub(super) fn rails(needs: &Needs) -> String {
    let knobs = knobs(needs, &RACK);
    let resource = knobs[1..].join(",\n      ");
    format!(
        "# config/initializers/cors.rb (gem \"rack-cors\")\n\
         Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  \
           allow do\n    \
             {}\n    \
             resource '*',\n      \
               {resource}\n  \
           end\n\
         end",
        knobs[0]
    )
}

/// Go struct fields as `Key: value` knobs, split again for gofmt alignment.
fn go_struct(knobs: &[String]) -> String {
    let fields: Vec<(&str, String)> = knobs
        .iter()
        .filter_map(|knob| knob.split_once(": ").map(|(k, v)| (k, v.to_owned())))
        .collect();
    go_fields(&fields, "\t")
}

const RS_CORS: Syntax = Syntax {
    origin: |o| format!("AllowedOrigins: []string{{{}}}", dq(o)),
    methods: |m| format!("AllowedMethods: []string{{{}}}", list(m, dq)),
    headers: |h| format!("AllowedHeaders: []string{{{}}}", list(h, dq)),
    credentials: "AllowCredentials: true",
    expose: |h| format!("ExposedHeaders: []string{{{}}}", list(h, dq)),
    max_age: |a| format!("MaxAge: {a}"),
};

/// rs/cors wrapping the whole mux.
pub(super) fn go_rs_cors(needs: &Needs) -> String {
    format!(
        "// import \"github.com/rs/cors\"\n\
         c := cors.New(cors.Options{{\n{}}})\n\
         // Wrap the whole mux, not single handlers, so every preflight and error gets the headers.\n\
         handler := c.Handler(mux)",
        go_struct(&knobs(needs, &RS_CORS))
    )
}

const GIN: Syntax = Syntax {
    origin: |o| format!("AllowOrigins: []string{{{}}}", dq(o)),
    methods: |m| format!("AllowMethods: []string{{{}}}", list(m, dq)),
    headers: |h| format!("AllowHeaders: []string{{{}}}", list(h, dq)),
    credentials: "AllowCredentials: true",
    expose: |h| format!("ExposeHeaders: []string{{{}}}", list(h, dq)),
    max_age: |a| format!("MaxAge: {a} * time.Second"),
};

/// gin-contrib/cors on the engine, ahead of route registration.
pub(super) fn gin(needs: &Needs) -> String {
    format!(
        "// import \"github.com/gin-contrib/cors\"\n\
         r := gin.Default()\n\
         // On the engine, before any route or group is registered.\n\
         r.Use(cors.New(cors.Config{{\n{}}}))",
        go_struct(&knobs(needs, &GIN))
    )
}

const ACTIX: Syntax = Syntax {
    origin: |o| format!(".allowed_origin({})", dq(o)),
    methods: |m| format!(".allowed_methods(vec![{}])", list(m, dq)),
    headers: |h| format!(".allowed_headers(vec![{}])", list(h, dq)),
    credentials: ".supports_credentials()",
    expose: |h| format!(".expose_headers(vec![{}])", list(h, dq)),
    max_age: |a| format!(".max_age({a})"),
};

/// actix-cors registered as the last `.wrap()`, which runs first.
pub(super) fn actix(needs: &Needs) -> String {
    let builder = lines(&knobs(needs, &ACTIX), "        ", "");
    format!(
        "use actix_cors::Cors;\n\n\
         HttpServer::new(|| {{\n    \
             let cors = Cors::default()\n\
         {};\n    \
             App::new()\n        \
                 // Your other .wrap(...) calls go above: the last .wrap() runs first.\n        \
                 .wrap(cors)\n        \
                 // .service(...) as before\n\
         }})",
        builder.trim_end()
    )
}

/// `HeaderName::from_static` needs lowercase names.
fn rust_header_names(names: &[String]) -> String {
    let names: Vec<String> = names
        .iter()
        .map(|h| format!("HeaderName::from_static({})", dq(&h.to_ascii_lowercase())))
        .collect();
    names.join(", ")
}

const TOWER: Syntax = Syntax {
    origin: |o| format!(".allow_origin(HeaderValue::from_static({}))", dq(o)),
    methods: |m| format!(".allow_methods([{}])", list(m, rust_method)),
    headers: |h| format!(".allow_headers([{}])", rust_header_names(h)),
    credentials: ".allow_credentials(true)",
    expose: |h| format!(".expose_headers([{}])", rust_header_names(h)),
    max_age: |a| format!(".max_age(Duration::from_secs({a}))"),
};

/// tower-http `CorsLayer` layered after the routes.
pub(super) fn axum(needs: &Needs) -> String {
    let uses_names = !needs.request_headers.is_empty() || !needs.expose_headers.is_empty();
    let mut out = format!(
        "use axum::http::{{{}HeaderValue, Method}};\n",
        if uses_names { "HeaderName, " } else { "" }
    );
    if needs.max_age.is_some() {
        out += "use std::time::Duration;\n";
    }
    out += "use tower_http::cors::CorsLayer;\n\nlet cors = CorsLayer::new()\n";
    out += lines(&knobs(needs, &TOWER), "    ", "").trim_end();
    out += ";\nlet app = Router::new()\n    \
            // .route(...) calls as before, then the layer: it only wraps routes added before it.\n    \
            .layer(cors);";
    out
}

#[cfg(test)]
mod tests {
    use super::super::{fix_for, Stack};
    use super::*;

    fn needs() -> Needs {
        Needs {
            origin: "https://app.example.com".into(),
            methods: vec!["DELETE".into()],
            request_headers: vec!["authorization".into()],
            credentials: true,
            expose_headers: vec![],
            max_age: None,
            on_errors: false,
            preflight: true,
        }
    }

    #[test]
    fn knobs_skip_what_the_request_does_not_need() {
        let k = knobs(&needs(), &EXPRESS);
        assert_eq!(
            k,
            [
                "origin: ['https://app.example.com']",
                "methods: ['GET', 'POST', 'DELETE']",
                "allowedHeaders: ['authorization']",
                "credentials: true",
            ]
        );
    }

    #[test]
    fn fastapi_adds_middleware_unless_errors_need_wrapping() {
        let plain = fastapi(&needs());
        assert!(
            plain.contains("app.add_middleware(\n    CORSMiddleware,\n"),
            "{plain}"
        );
        let wrapped = fastapi(&Needs {
            on_errors: true,
            ..needs()
        });
        assert!(wrapped.contains("app = CORSMiddleware(\n    app,\n"), "{wrapped}");
        assert!(wrapped.ends_with("    allow_credentials=True,\n)"), "{wrapped}");
    }

    #[test]
    fn rails_has_no_trailing_comma() {
        let s = rails(&needs());
        assert!(s.contains("      credentials: true\n  end"), "{s}");
    }

    #[test]
    fn go_fields_are_aligned() {
        let s = fix_for(Stack::GoRsCors, &needs()).snippet;
        assert!(
            s.contains("\tAllowedOrigins:   []string{\"https://app.example.com\"},\n"),
            "{s}"
        );
        assert!(s.contains("\tAllowCredentials: true,\n"), "{s}");
    }

    #[test]
    fn axum_imports_only_what_it_uses() {
        let s = axum(&Needs {
            request_headers: vec![],
            max_age: None,
            ..needs()
        });
        assert!(
            s.starts_with("use axum::http::{HeaderValue, Method};\nuse tower_http"),
            "{s}"
        );
        assert!(s.contains(".allow_methods([Method::GET, Method::POST, Method::DELETE])"));
    }

    #[test]
    fn django_trusts_the_origin_for_csrf_only_with_credentials() {
        assert!(django(&needs()).contains("CSRF_TRUSTED_ORIGINS = [\"https://app.example.com\"]"));
        assert!(!django(&Needs {
            credentials: false,
            ..needs()
        })
        .contains("CSRF"));
    }
}

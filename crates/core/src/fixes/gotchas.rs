//! Each stack's ordering and middleware gotchas (reference/ecosystem.md §4.2, §2 P19), one
//! sentence each, most common first.

use super::Stack;

/// The gotchas printed under a stack's fix.
pub(super) fn for_stack(stack: Stack) -> &'static [&'static str] {
    match stack {
        Stack::Express => EXPRESS,
        Stack::Fastapi => FASTAPI,
        Stack::Django => DJANGO,
        Stack::Flask => FLASK,
        Stack::Spring => SPRING,
        Stack::Aspnet => ASPNET,
        Stack::Rails => RAILS,
        Stack::GoRsCors => RS_CORS,
        Stack::Gin => GIN,
        Stack::Actix => ACTIX,
        Stack::Axum => AXUM,
        Stack::Nginx => NGINX,
        Stack::Apache => APACHE,
        Stack::Caddy => CADDY,
        Stack::AwsApiGateway => API_GATEWAY,
        Stack::S3 => S3,
        Stack::CloudflareWorkers => WORKERS,
        Stack::Unknown => UNKNOWN,
    }
}

const EXPRESS: &[&str] = &[
    "Register `app.use(cors(...))` before routers, auth and body parsers: a 401, 400 or 413 raised earlier leaves without CORS headers.",
    "Route-level `cors()` also needs a matching `app.options(path, cors())`; in Express 5 write that path as `/.*/` or a named wildcard, not `'*'`.",
    "The default `origin: '*'` combined with `credentials: true` sends a pair browsers reject, so always pass an explicit origin list.",
];

const FASTAPI: &[&str] = &[
    "The last `add_middleware` call is the outermost layer, so add `CORSMiddleware` after auth, session and other middleware.",
    "Unhandled exceptions become a 500 from `ServerErrorMiddleware`, outside every added middleware and without CORS headers, unless `CORSMiddleware` wraps the whole app.",
    "`redirect_slashes` answers a path missing its trailing slash with a 307, and browsers refuse redirected preflights, so call the exact path.",
    "Starlette allows only GET by default and rejects other preflights with 400 `Disallowed CORS method`, so list every method.",
    "Origins are compared exactly: no trailing slash, and `http://localhost:3000` is not `http://127.0.0.1:3000`.",
];

const DJANGO: &[&str] = &[
    "`corsheaders` must be in `INSTALLED_APPS` and `CorsMiddleware` above `CommonMiddleware` and WhiteNoise, ideally first.",
    "`APPEND_SLASH` answers a path without its trailing slash with a 301, which fails every preflight, so call the exact URL.",
    "Origins must be bare `scheme://host[:port]` without a path or trailing slash (the system check rejects them).",
    "Unsafe methods sent with cookies also pass Django's CSRF check, which needs `CSRF_TRUSTED_ORIGINS` and the `X-CSRFToken` header.",
];

const FLASK: &[&str] = &[
    "Without `origins=`, Flask-CORS reflects any Origin, so `supports_credentials=True` would let every site read authenticated responses.",
    "A `resources` pattern must match the request path (for example `r\"/api/*\"`), otherwise no headers are added.",
    "With `@cross_origin`, put `@app.route` above it, and keep `intercept_exceptions` on so error responses carry the headers.",
];

const SPRING: &[&str] = &[
    "With Spring Security, call `http.cors(...)` and provide a `CorsConfigurationSource` bean, or the security chain answers the preflight with 401/403.",
    "`allowedOrigins(\"*\")` with `allowCredentials(true)` throws on every request (a 500 without headers), so list origins or use `allowedOriginPatterns`.",
    "A 403 with body `Invalid CORS request` means the origin, method or a header is missing from the configuration.",
];

const ASPNET: &[&str] = &[
    "Call `UseCors` after `UseRouting` and before `UseAuthentication`, `UseAuthorization` and `UseResponseCaching`.",
    "Put `UseExceptionHandler` before `UseCors` so 500 responses still pass through the CORS middleware.",
    "`AllowAnyOrigin()` with `AllowCredentials()` is rejected as insecure, and `WithOrigins` values must not end with `/`.",
];

const RAILS: &[&str] = &[
    "Insert `Rack::Cors` at position 0 (`insert_before 0`) so it runs before authentication and error-handling middleware.",
    "rack-cors refuses `credentials: true` with `origins '*'`, so list exact origins.",
    "Pass `debug: true` to `Rack::Cors` to get an `X-Rack-CORS` response header giving the rejection reason.",
];

const RS_CORS: &[&str] = &[
    "Wrap the whole mux with `c.Handler(mux)`, not single routes, so preflights to any path reach it.",
    "The default `AllowedMethods` are only GET, POST and HEAD, and a rejected preflight gets 204 without CORS headers, so set `Debug: true` to log why.",
    "A `*` origin with `AllowCredentials` no longer reflects the origin, so list origins or use `AllowOriginFunc` deliberately.",
];

const GIN: &[&str] = &[
    "Call `r.Use(cors.New(...))` on the engine before registering routes: on a group it never sees unmatched OPTIONS requests, which then 404.",
    "`cors.Default()` allows every origin and an invalid config panics at start-up; a disallowed origin gets a 403 with an empty body.",
];

const ACTIX: &[&str] = &[
    "`Cors::default()` allows nothing, so every origin, method and header must be listed.",
    "`.wrap()` order is reversed: the last registered middleware runs first, so register `Cors` last.",
    "A middleware that returns `Err` skips the CORS headers, so return `Ok` error responses instead.",
    "`allowed_origin(\"*\")` is an init error, and a rejected request gets 400 `Origin is not allowed to make this request.`",
];

const AXUM: &[&str] = &[
    "`.layer(cors)` wraps only the routes added before it, so call it after every `.route(...)`; `route_layer` misses 404/405 responses.",
    "tower-http answers every OPTIONS with 200, even for a disallowed origin, which then just lacks `Access-Control-Allow-Origin`.",
    "Credentials combined with any `Any` wildcard panic at start-up, so list origins, methods and headers.",
    "No `Access-Control-Max-Age` is sent unless `max_age` is set, so browsers preflight nearly every request.",
];

const NGINX: &[&str] = &[
    "Without `always`, `add_header` applies only to 2xx/3xx responses, so errors lose the CORS headers.",
    "A `location` or `if` block with its own `add_header` drops every inherited `add_header`, so repeat the CORS lines there.",
    "Allowlist through `map`: echoing `$http_origin` unchecked lets any site read the responses.",
    "If the upstream app also sends CORS headers, drop one side (`proxy_hide_header Access-Control-Allow-Origin;`) to avoid duplicate values.",
];

const APACHE: &[&str] = &[
    "Use `Header always set`, not `Header set`: the default table skips error responses and can duplicate headers set in the other table.",
    "mod_headers (and mod_rewrite for the preflight rule) must be enabled, and `.htaccess` needs `AllowOverride FileInfo`.",
    "Reflect only origins matched by `SetEnvIf`: echoing any Origin with credentials lets any site read the responses.",
];

const CADDY: &[&str] = &[
    "Caddy has no CORS directive, so the headers and the 204 preflight answer are configured by hand.",
    "Auth handlers (`basic_auth`, `forward_auth`) run before `handle`, so exclude preflight OPTIONS requests from them.",
    "`defer` makes the CORS headers replace any the upstream sends; without it both copies can reach the browser.",
    "Error responses produced in `handle_errors` need the same header lines.",
];

const API_GATEWAY: &[&str] = &[
    "With Lambda proxy integration the function must return the CORS headers on every path, its own errors included; the Cors setting only answers OPTIONS.",
    "Errors produced by the gateway itself (missing API key, authorizer deny, throttling, `Missing Authentication Token`) need the `DEFAULT_4XX`/`DEFAULT_5XX` gateway responses.",
    "Redeploy the stage after changing CORS settings, or the old answers stay live.",
    "HTTP APIs with a CORS configuration ignore backend CORS headers and answer OPTIONS themselves.",
    "Authorizers must not run on OPTIONS, because preflights never carry credentials.",
];

const S3: &[&str] = &[
    "Leave OPTIONS out of `AllowedMethods` (S3 answers preflights itself); only GET, PUT, POST, DELETE and HEAD are accepted.",
    "`AllowedOrigins` must match scheme, host and port exactly, and the first matching rule wins.",
    "Expose `ETag` for multipart uploads, and presign URLs with the bucket's own region to avoid a redirect.",
    "Behind CloudFront, forward `Origin` and `Access-Control-Request-*` and include them in the cache key (managed policy CORS-S3Origin).",
];

const WORKERS: &[&str] = &[
    "Responses from `fetch()` have immutable headers, so build a new `Response` before setting CORS headers.",
    "Catch errors in the handler: an uncaught exception becomes a Cloudflare error page without CORS headers.",
    "Cloudflare's cache ignores `Vary: Origin`, so do not cache responses whose CORS headers depend on the origin.",
];

const UNKNOWN: &[&str] = &[
    "Answer the preflight (OPTIONS with `Access-Control-Request-Method`) before authentication, redirects and routing: it never carries cookies or Authorization.",
    "Send `Access-Control-Allow-Origin` once, with the exact origin (never `*` with credentials), and check that no proxy in front adds a second copy.",
    "Add the headers to error responses (4xx/5xx) as well, or the browser hides the real error behind a CORS message.",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stack_has_one_sentence_gotchas() {
        for &stack in Stack::all() {
            let gotchas = for_stack(stack);
            assert!(!gotchas.is_empty(), "{stack}");
            for g in gotchas {
                assert!(g.ends_with('.') || g.ends_with(".`"), "{stack}: {g}");
                assert!(g.len() < 200, "{stack}: too long: {g}");
            }
        }
    }
}

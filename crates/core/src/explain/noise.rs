//! Console lines around (or instead of) a CORS message: Chromium's `net::ERR_FAILED` companion
//! line, the script-side `TypeError`, and the failures people mistake for CORS (reference/ecosystem.md
//! P18: refused connections, DNS, TLS, mixed content, CSP, blockers, plain HTTP errors).

use super::NotCors;
use crate::model::Engine;

/// What one non-CORS line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Aux {
    /// `GET https://… net::ERR_FAILED 200 (OK)` or `Failed to load resource: net::ERR_FAILED`.
    NetFailed {
        method: Option<String>,
        url: Option<String>,
        status: Option<u16>,
    },
    /// `TypeError: Failed to fetch` and its Firefox, Safari and axios twins.
    ScriptError { browser: Option<Engine> },
    /// Something that is not a CORS failure.
    NotCors(NotCors),
}

/// Classify one line (with any CORS message already cut out of it).
pub(crate) fn classify(line: &str) -> Option<Aux> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    if let Some(aux) = net_error(line) {
        return Some(aux);
    }
    if let Some(browser) = script_error(line) {
        return Some(Aux::ScriptError { browser });
    }
    other(line).map(|looks_like| {
        Aux::NotCors(NotCors {
            line: shorten(line),
            looks_like: looks_like.to_string(),
        })
    })
}

fn shorten(line: &str) -> String {
    if line.chars().count() <= 300 {
        return line.to_string();
    }
    let mut s: String = line.chars().take(299).collect();
    s.push('…');
    s
}

fn net_error(line: &str) -> Option<Aux> {
    let at = line.find("net::ERR_")?;
    let code: String = line[at + 5..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    if code == "ERR_FAILED" {
        let before: Vec<&str> = line[..at].split_whitespace().collect();
        let (method, url) = match before.as_slice() {
            [.., m, u] if m.bytes().all(|b| b.is_ascii_alphabetic()) && u.contains("://") => {
                (Some(m.to_string()), Some(u.to_string()))
            }
            [.., u] if u.contains("://") => (None, Some(u.to_string())),
            _ => (None, None),
        };
        let status = line[at + 15..]
            .split_whitespace()
            .next()
            .and_then(|s| s.parse().ok());
        return Some(Aux::NetFailed { method, url, status });
    }
    let looks_like = net_meaning(&code);
    Some(Aux::NotCors(NotCors {
        line: shorten(line),
        looks_like,
    }))
}

fn net_meaning(code: &str) -> String {
    let what = match code {
        "ERR_CONNECTION_REFUSED" => "the server is not reachable: nothing listens on that host and port (server down, wrong port, or a deployed frontend still calling localhost)",
        "ERR_NAME_NOT_RESOLVED" => "DNS: the host name does not resolve (typo, missing environment variable in the API URL, private DNS)",
        "ERR_CONNECTION_RESET" | "ERR_CONNECTION_CLOSED" | "ERR_EMPTY_RESPONSE" => "the server or a proxy dropped the connection without an HTTP response (crash, TLS/HTTP mismatch, body too large)",
        "ERR_CONNECTION_TIMED_OUT" | "ERR_TIMED_OUT" => "the connection timed out (firewall, wrong host, server overloaded)",
        "ERR_INTERNET_DISCONNECTED" | "ERR_NETWORK_CHANGED" | "ERR_ADDRESS_UNREACHABLE" => "the client's network is down or changed",
        "ERR_BLOCKED_BY_CLIENT" => "blocked by a browser extension (ad or privacy blocker); the server never saw the request",
        "ERR_BLOCKED_BY_ORB" => "Opaque Response Blocking: a no-cors request (img/script or fetch with mode 'no-cors') got a response type it may not read",
        "ERR_BLOCKED_BY_RESPONSE" => "blocked by a response header other than CORS (Cross-Origin-Resource-Policy, COEP or X-Frame-Options)",
        "ERR_TOO_MANY_REDIRECTS" => "a redirect loop (more than 20 redirects)",
        "ERR_INVALID_REDIRECT" => "a redirect with an unparsable Location header",
        "ERR_UNSAFE_REDIRECT" => "a redirect to a non-HTTP(S) URL",
        "ERR_ABORTED" => "the request was cancelled (navigation, AbortController, component unmount)",
        "ERR_SSL_PROTOCOL_ERROR" | "ERR_SSL_VERSION_OR_CIPHER_MISMATCH" => "TLS handshake failure (https to a plain-http port, or an old TLS setup)",
        "ERR_INSECURE_RESPONSE" => "TLS: the certificate is not trusted",
        "ERR_HTTP2_PROTOCOL_ERROR" | "ERR_INVALID_HTTP_RESPONSE" | "ERR_RESPONSE_HEADERS_TOO_BIG" => "a malformed HTTP response (proxy or server bug, invalid header value)",
        c if c.starts_with("ERR_CERT_") => "TLS certificate problem (self-signed, expired, wrong host name): open the API URL in a tab to see it",
        c if c.starts_with("ERR_BLOCKED_BY_") => "blocked by the browser or an extension before any CORS check",
        _ => "a network failure, not a CORS rejection",
    };
    format!("net::{code}: {what}")
}

fn script_error(line: &str) -> Option<Option<Engine>> {
    let l = line.to_ascii_lowercase();
    if l.contains("failed to fetch") {
        Some(Some(Engine::Chromium))
    } else if l.contains("networkerror when attempting to fetch resource") {
        Some(Some(Engine::Firefox))
    } else if l.contains("typeerror: load failed") || l == "load failed" {
        Some(Some(Engine::Webkit))
    } else if l.contains("axioserror: network error")
        || l == "error: network error"
        || l.contains("err_network")
    {
        Some(None)
    } else {
        None
    }
}

fn other(line: &str) -> Option<&'static str> {
    let l = line.to_ascii_lowercase();
    let rules: &[(&[&str], &str)] = &[
        (
            &["mixed content", "mixed active content", "insecure content", "requested an insecure"],
            "mixed content: an https page requested an http URL; the browser blocks it before CORS. Call the API over https",
        ),
        (
            &["content security policy", "content-security-policy", "connect-src"],
            "Content Security Policy: the page's own CSP (connect-src) forbids this URL; fix the page's CSP, not the API's CORS headers",
        ),
        (
            &["cross-origin read blocking", "corb"],
            "Cross-Origin Read Blocking on a no-cors load: the response type is not what the element expects",
        ),
        (
            &["cross-origin-resource-policy", "cross-origin-embedder-policy"],
            "Cross-Origin-Resource-Policy / COEP: a resource header other than CORS blocked the load",
        ),
        (
            &["could not connect to the server", "can't establish a connection", "can’t establish a connection"],
            "the server is not reachable: nothing answers at that host and port",
        ),
        (&["server with the specified hostname could not be found"], "DNS: the host name does not resolve"),
        (
            &["ssl error has occurred", "certificate for this server is invalid", "sec_error_", "ssl_error_"],
            "TLS certificate or handshake problem: open the API URL in a tab to see it",
        ),
        (&["the network connection was lost"], "the connection dropped before a response arrived"),
        (&["the request timed out"], "the request timed out"),
        (&["responded with a status of 401"], "401 Unauthorized: the API rejected the credentials; CORS let the page read that answer"),
        (&["responded with a status of 403"], "403 Forbidden: the API refused the request; CORS let the page read that answer"),
        (&["responded with a status of 404"], "404 Not Found: a wrong URL or route; CORS let the page read that answer"),
        (&["responded with a status of 5"], "a server error (5xx); CORS let the page read that answer, so look at the server's logs"),
        (&["responded with a status of"], "an HTTP error status that the page could read: not a CORS failure"),
        (&["preflight request", "access-control-allow", "cors"], "mentions CORS but is not a browser console message this version recognises"),
    ];
    rules
        .iter()
        .find(|(needles, _)| needles.iter().any(|n| l.contains(n)))
        .map(|(_, what)| *what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chromium_companion_line() {
        assert_eq!(
            classify("PUT https://a.test/x net::ERR_FAILED 401 (Unauthorized)"),
            Some(Aux::NetFailed {
                method: Some("PUT".into()),
                url: Some("https://a.test/x".into()),
                status: Some(401)
            })
        );
        assert_eq!(
            classify("Failed to load resource: net::ERR_FAILED"),
            Some(Aux::NetFailed {
                method: None,
                url: None,
                status: None
            })
        );
    }

    #[test]
    fn not_cors_lines() {
        let look = |l: &str| match classify(l) {
            Some(Aux::NotCors(n)) => n.looks_like,
            other => panic!("{l}: {other:?}"),
        };
        assert!(look("GET http://localhost:8080/api net::ERR_CONNECTION_REFUSED").contains("not reachable"));
        assert!(look("GET https://x.test/ net::ERR_CERT_AUTHORITY_INVALID").contains("TLS"));
        assert!(look("Mixed Content: The page at 'https://a' was loaded over HTTPS, but requested an insecure resource 'http://b'.").starts_with("mixed content"));
        assert!(look("Refused to connect to 'https://b/' because it violates the following Content Security Policy directive: \"connect-src 'self'\".").contains("Content Security Policy"));
        assert!(
            look("Failed to load resource: the server responded with a status of 401 (Unauthorized)")
                .starts_with("401")
        );
        assert_eq!(
            classify("TypeError: Failed to fetch"),
            Some(Aux::ScriptError {
                browser: Some(Engine::Chromium)
            })
        );
        assert_eq!(classify("    at main.js:23:5"), None);
    }
}

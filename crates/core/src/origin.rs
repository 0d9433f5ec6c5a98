//! Origins (HTML "origin"): tuple or opaque, parsed through the WHATWG URL parser.
//!
//! Contract: [`Origin::parse`] accepts a serialized origin or any absolute URL and yields its
//! origin (lowercase host, IDNA to ASCII, IPv6 in brackets, default port dropped); `null` and
//! URLs without a tuple origin (`data:`, `file:`, opaque paths) are opaque. An opaque origin is
//! never same-origin or same-site with anything, itself included (we cannot track identity).

use serde::Serialize;
use url::Url;

/// An origin: a (scheme, host, port) tuple, or opaque.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// An opaque origin; serializes as `null`.
    Opaque,
    /// A tuple origin. `port` is `None` when it is the scheme's default.
    Tuple {
        /// Lowercase scheme.
        scheme: String,
        /// Host as the URL parser serializes it (ASCII, lowercase, `[v6]`).
        host: String,
        /// Non-default port.
        port: Option<u16>,
    },
}

/// Why a string is not an origin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a URL or origin: {input:?} ({reason})")]
pub struct OriginError {
    /// The rejected input.
    pub input: String,
    /// The URL parser's complaint.
    pub reason: String,
}

impl Origin {
    /// Parses a serialized origin (`https://a.example:8443`, `null`) or any absolute URL.
    pub fn parse(input: &str) -> Result<Origin, OriginError> {
        if input == "null" {
            return Ok(Origin::Opaque);
        }
        Url::parse(input)
            .map(|url| Origin::of_url(&url))
            .map_err(|e| OriginError {
                input: input.to_owned(),
                reason: e.to_string(),
            })
    }

    /// The origin of a parsed URL (URL: "origin").
    pub fn of_url(url: &Url) -> Origin {
        match url.origin() {
            url::Origin::Opaque(_) => Origin::Opaque,
            url::Origin::Tuple(scheme, host, _) => Origin::Tuple {
                scheme,
                host: host.to_string(),
                port: url.port(),
            },
        }
    }

    /// HTML "serialization of an origin": `scheme://host[:port]`, or `null` when opaque.
    pub fn serialize(&self) -> String {
        match self {
            Origin::Opaque => "null".to_owned(),
            Origin::Tuple { scheme, host, port } => {
                let mut out = String::with_capacity(scheme.len() + host.len() + 9);
                out.push_str(scheme);
                out.push_str("://");
                out.push_str(host);
                if let Some(p) = port {
                    out.push(':');
                    out.push_str(itoa_u16(*p, &mut [0; 5]));
                }
                out
            }
        }
    }

    /// Whether the origin is opaque.
    pub fn is_opaque(&self) -> bool {
        matches!(self, Origin::Opaque)
    }

    /// The host, for tuple origins.
    pub fn host(&self) -> Option<&str> {
        match self {
            Origin::Opaque => None,
            Origin::Tuple { host, .. } => Some(host),
        }
    }

    /// HTML "same origin": identical tuples (opaque never matches here).
    pub fn same_origin(&self, other: &Origin) -> bool {
        !self.is_opaque() && self == other
    }

    /// HTML "same site" (schemeful): same scheme and same registrable domain, or the same host
    /// when a host has no registrable domain (IP addresses, `localhost`, public suffixes).
    pub fn same_site(&self, other: &Origin) -> bool {
        match (self, other) {
            (
                Origin::Tuple {
                    scheme: s1, host: h1, ..
                },
                Origin::Tuple {
                    scheme: s2, host: h2, ..
                },
            ) => s1 == s2 && site_of(h1) == site_of(h2),
            _ => false,
        }
    }

    /// The registrable domain (eTLD+1) of the host, when it has one.
    pub fn registrable_domain(&self) -> Option<&str> {
        self.host().and_then(registrable_domain)
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.serialize())
    }
}

/// Whether `url` (already parsed) and `origin` are same origin. Compares in place for the
/// schemes whose origin is the URL's own (scheme, host, port) tuple; other URLs (`blob:`,
/// opaque) go through [`Origin::of_url`].
pub fn url_same_origin(url: &Url, origin: &Origin) -> bool {
    match origin {
        Origin::Opaque => false,
        Origin::Tuple { scheme, host, port } => match url.scheme() {
            "http" | "https" | "ws" | "wss" | "ftp" => {
                url.scheme() == scheme && url.host_str() == Some(host.as_str()) && url.port() == *port
            }
            _ => Origin::of_url(url).same_origin(origin),
        },
    }
}

/// Decimal digits of `n`, written into the end of `buf`.
fn itoa_u16(mut n: u16, buf: &mut [u8; 5]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or_default()
}

fn is_ip_literal(host: &str) -> bool {
    host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok()
}

fn registrable_domain(host: &str) -> Option<&str> {
    if is_ip_literal(host) {
        return None;
    }
    let domain = psl::domain_str(host)?;
    // psl knows only listed suffixes; a single-label host is never registrable.
    domain.contains('.').then_some(domain)
}

fn site_of(host: &str) -> &str {
    registrable_domain(host).unwrap_or(host)
}

/// Whether a host is an IP literal (Firefox declines to reuse preflight-cache entries for them).
pub fn host_is_ip_literal(host: &str) -> bool {
    is_ip_literal(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialize_table() {
        let cases = [
            ("http://Web.Test:80/path?q", "http://web.test"),
            ("https://a.example:443", "https://a.example"),
            ("https://a.example:8443/", "https://a.example:8443"),
            ("http://[::1]:8080/x", "http://[::1]:8080"),
            ("http://élève.test/", "http://xn--lve-6lad.test"),
            ("null", "null"),
            ("data:text/plain,hi", "null"),
            ("file:///etc/hosts", "null"),
            ("HTTP://WEB.TEST", "http://web.test"),
        ];
        for (input, want) in cases {
            assert_eq!(Origin::parse(input).unwrap().serialize(), want, "{input}");
        }
    }

    #[test]
    fn parse_errors() {
        for input in ["", "web.test", "//web.test", "http://"] {
            assert!(Origin::parse(input).is_err(), "{input}");
        }
    }

    #[test]
    fn same_origin_table() {
        let cases = [
            ("http://web.test", "http://web.test:80/x", true),
            ("http://web.test", "https://web.test", false),
            ("http://web.test", "http://web.test:8001", false),
            ("http://web.test", "http://api.test", false),
            ("null", "null", false),
        ];
        for (a, b, want) in cases {
            let (a, b) = (Origin::parse(a).unwrap(), Origin::parse(b).unwrap());
            assert_eq!(a.same_origin(&b), want, "{a} vs {b}");
        }
    }

    #[test]
    fn same_site_table() {
        let cases = [
            ("https://app.example.com", "https://api.example.com", true),
            ("https://app.example.com", "http://api.example.com", false),
            ("https://a.github.io", "https://b.github.io", false),
            ("http://127.0.0.1:3000", "http://127.0.0.1:8080", true),
            ("http://localhost:3000", "http://127.0.0.1:8080", false),
            ("https://example.co.uk", "https://www.example.co.uk", true),
            ("null", "https://example.com", false),
        ];
        for (a, b, want) in cases {
            let (a, b) = (Origin::parse(a).unwrap(), Origin::parse(b).unwrap());
            assert_eq!(a.same_site(&b), want, "{a} vs {b}");
        }
    }
}

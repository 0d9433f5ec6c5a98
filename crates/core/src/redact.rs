//! Redaction of secrets in anything cors-doctor prints: credential headers (Cookie,
//! Authorization, Proxy-Authorization, Set-Cookie) and tokens in URL query strings.
//!
//! Contract: redacted output keeps what helps diagnosis — the auth scheme, cookie names and
//! attributes, parameter names — and replaces only the secret values with `[redacted]`.

/// Header names whose values are credentials.
pub const SECRET_HEADERS: &[&str] = &["cookie", "authorization", "proxy-authorization", "set-cookie"];

/// Whether `name` (any case) carries a credential.
pub fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|s| name.eq_ignore_ascii_case(s))
}

/// The value of a header as it may be shown: unchanged unless it is a credential.
pub fn redact_header_value(name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "authorization" | "proxy-authorization" => match value.split_once(' ') {
            Some((scheme, _)) => format!("{scheme} [redacted]"),
            None => "[redacted]".into(),
        },
        "set-cookie" => redact_set_cookie(value),
        "cookie" => value
            .split(';')
            .map(|c| format!("{}=[redacted]", c.split('=').next().unwrap_or("").trim()))
            .collect::<Vec<_>>()
            .join("; "),
        _ => value.to_string(),
    }
}

/// A `Set-Cookie` value with the cookie's value hidden, its name and attributes kept.
pub fn redact_set_cookie(value: &str) -> String {
    let (pair, attrs) = value.split_once(';').unwrap_or((value, ""));
    let name = pair.split('=').next().unwrap_or("").trim();
    if attrs.is_empty() {
        format!("{name}=[redacted]")
    } else {
        format!("{name}=[redacted];{attrs}")
    }
}

/// Query parameters whose values are secrets.
const SECRET_PARAMS: &[&str] = &[
    "access_token",
    "id_token",
    "refresh_token",
    "token",
    "api_key",
    "apikey",
    "api-key",
    "key",
    "client_secret",
    "secret",
    "password",
    "passwd",
    "auth",
    "sig",
    "signature",
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
    "session",
    "sessionid",
    "jwt",
    "code",
];

/// Replace the values of secret query parameters (`?token=…`, `&api_key=…`) anywhere in `text`.
pub fn redact_query_secrets(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if matches!(bytes[i], b'?' | b'&' | b';') {
            let rest = &text[i + 1..];
            let name_len = rest
                .find('=')
                .filter(|&n| n <= 32 && !rest[..n].contains(['&', ' ', '?', '#']));
            if let Some(n) = name_len {
                let name = &rest[..n];
                if SECRET_PARAMS.iter().any(|s| name.eq_ignore_ascii_case(s)) {
                    let value_start = i + 1 + n + 1;
                    let value_len = text[value_start..]
                        .find(|c: char| {
                            matches!(c, '&' | '#' | '\'' | '"' | '<' | '>' | ')') || c.is_whitespace()
                        })
                        .unwrap_or(text.len() - value_start);
                    if value_len > 0 {
                        out.push_str(&text[copied..value_start]);
                        out.push_str("[redacted]");
                        copied = value_start + value_len;
                        i = copied;
                        continue;
                    }
                }
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_headers_keep_their_shape() {
        assert_eq!(
            redact_header_value("Authorization", "Bearer abc.def"),
            "Bearer [redacted]"
        );
        assert_eq!(
            redact_header_value("Cookie", "sid=123; theme=dark"),
            "sid=[redacted]; theme=[redacted]"
        );
        assert_eq!(
            redact_header_value("Set-Cookie", "sid=123; Path=/; SameSite=Lax"),
            "sid=[redacted]; Path=/; SameSite=Lax"
        );
        assert_eq!(redact_header_value("Proxy-Authorization", "token"), "[redacted]");
        assert_eq!(redact_header_value("X-Api-Key", "k"), "k");
        assert!(is_secret_header("COOKIE") && !is_secret_header("x-cookie"));
    }

    #[test]
    fn query_secrets_are_redacted_wherever_they_appear() {
        assert_eq!(
            redact_query_secrets("https://api.test/x?access_token=abc.def&page=2"),
            "https://api.test/x?access_token=[redacted]&page=2"
        );
        assert_eq!(
            redact_query_secrets("Access to fetch at 'https://a.test/?API_KEY=k1' from"),
            "Access to fetch at 'https://a.test/?API_KEY=[redacted]' from"
        );
        assert_eq!(
            redact_query_secrets("https://a.test/?tokens=1&keyboard=2"),
            "https://a.test/?tokens=1&keyboard=2"
        );
        assert_eq!(redact_query_secrets("no query here"), "no query here");
    }
}

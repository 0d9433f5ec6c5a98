//! Redaction of secrets in anything cors-doctor prints: credential headers (Cookie,
//! Authorization, Proxy-Authorization, Set-Cookie) and tokens in URL query strings.
//!
//! Contract: redacted output keeps what helps diagnosis — the auth scheme, cookie names and
//! attributes, parameter names — and replaces only the secret values with `[redacted]`.

use std::borrow::Cow;

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

/// Longest parameter name looked at: every secret name is shorter.
const MAX_PARAM_NAME: usize = 32;

/// Replace the values of secret query parameters (`?token=…`, `&api_key=…`) anywhere in `text`.
///
/// Linear in `text` (a parameter name is looked for within `MAX_PARAM_NAME` bytes of its
/// separator) and allocation-free when nothing needs redacting.
pub fn redact_query_secrets(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while let Some(at) = memchr::memchr3(b'?', b'&', b';', &bytes[i..]) {
        i += at;
        let Some(value_start) = secret_value_start(bytes, i + 1) else {
            i += 1;
            continue;
        };
        let value_len = bytes[value_start..]
            .iter()
            .position(|&b| ends_value(b))
            .unwrap_or(bytes.len() - value_start);
        if value_len == 0 {
            i += 1;
            continue;
        }
        out.push_str(&text[copied..value_start]);
        out.push_str("[redacted]");
        copied = value_start + value_len;
        i = copied;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// When `bytes[from..]` starts with `name=` and `name` is a secret parameter: where its value starts.
fn secret_value_start(bytes: &[u8], from: usize) -> Option<usize> {
    let window = &bytes[from..bytes.len().min(from + MAX_PARAM_NAME + 1)];
    let n = window
        .iter()
        .position(|&b| matches!(b, b'=' | b'&' | b' ' | b'?' | b'#'))
        .filter(|&n| window[n] == b'=')?;
    let name = &window[..n];
    SECRET_PARAMS
        .iter()
        .any(|s| name.eq_ignore_ascii_case(s.as_bytes()))
        .then_some(from + n + 1)
}

/// A byte that ends a parameter value in URLs and in prose around them (ASCII only: a
/// multi-byte character never ends one, so every cut is on a character boundary).
fn ends_value(b: u8) -> bool {
    matches!(b, b'&' | b'#' | b'\'' | b'"' | b'<' | b'>' | b')') || b.is_ascii_whitespace() || b == 0x0b
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

    #[test]
    fn query_redaction_borrows_when_clean_and_stays_linear() {
        assert!(matches!(
            redact_query_secrets("https://a.test/?page=2"),
            Cow::Borrowed(_)
        ));
        // Many separators with no `=` after them: once quadratic (each looked to the end).
        let long = ";".repeat(200_000);
        assert!(matches!(redact_query_secrets(&long), Cow::Borrowed(_)));
        let tail = format!("{long}?token=x");
        assert!(redact_query_secrets(&tail).ends_with("?token=[redacted]"));
        // A value ends at ASCII delimiters only; multi-byte text inside it is redacted whole.
        assert_eq!(redact_query_secrets("?sig=é€x y"), "?sig=[redacted] y");
        assert_eq!(redact_query_secrets("?sig=&code=1"), "?sig=&code=[redacted]");
        let name_too_long = format!("?{}=1", "a".repeat(40));
        assert_eq!(redact_query_secrets(&name_too_long), name_too_long);
    }
}

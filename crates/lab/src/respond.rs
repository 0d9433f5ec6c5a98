//! Routing and response bytes: turns a parsed request into the exact bytes the lab writes.
//!
//! Routes: `/` (index page), `/__blank` (an empty HTML page a browser test uses as its page
//! origin), `/<scenario>` (one optional trailing `/` tolerated), anything else 404. A scenario's
//! header lines are written verbatim after template expansion, in table order; the server only
//! appends `Content-Length` (and `Connection: close` when closing), never reorders, merges or
//! re-cases anything.

use crate::request::RequestHead;
use crate::scenario::Reply;
use crate::template::{self, Context};
use crate::{catalogue, index};

/// A response as the lab writes it: status line parts, header lines (wire order, exact case,
/// templates expanded) and body. `Content-Length`/`Connection` are added only when serialized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Reason phrase.
    pub reason: String,
    /// Header lines in wire order.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// A raw status line to send instead of one built from `status` and `reason`.
    pub status_line: Option<String>,
}

/// Answers one request. `host` is the Host header or the lab's own address.
pub(crate) fn route(req: &RequestHead, host: &str, allowed: &[String]) -> Response {
    let path = req.path();
    match path {
        "/" | "/index.html" => html(index::render(catalogue())),
        "/__blank" => html(BLANK_PAGE.to_string()),
        _ if path.starts_with("/audit/") => audit_response(req, path, host),
        _ => scenario_response(req, path, host, allowed),
    }
}

const BLANK_PAGE: &str =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>blank</title></head><body></body></html>\n";

fn scenario_response(req: &RequestHead, path: &str, host: &str, allowed: &[String]) -> Response {
    let name = path.trim_start_matches('/');
    let name = name.strip_suffix('/').unwrap_or(name);
    let Some(scenario) = crate::find(name) else {
        return plain(404, "Not Found", "no such scenario; see / for the list\n");
    };
    let ctx = Context {
        origin: req.header("origin"),
        host,
        allowed,
    };
    from_reply(scenario.reply_for(req.is_preflight()), &ctx)
}

/// `/audit/<name>`: the audit target's policy decides (see [`crate::audit`]).
fn audit_response(req: &RequestHead, path: &str, host: &str) -> Response {
    let name = path.trim_start_matches("/audit/");
    let name = name.strip_suffix('/').unwrap_or(name);
    if name.is_empty() {
        return plain(200, "OK", &crate::audit::index_text());
    }
    let Some(target) = crate::audit::find_audit_target(name) else {
        return plain(
            404,
            "Not Found",
            "no such audit target; see cors_doctor_lab::audit_targets()\n",
        );
    };
    target.respond(&crate::audit::PolicyRequest {
        preflight: req.is_preflight(),
        origin: req.header("origin"),
        host,
        request_method: req.header("access-control-request-method"),
        request_headers: req.header("access-control-request-headers"),
        cookie: req.header("cookie"),
    })
}

/// Expands a scenario reply's templates; lines whose template asks to be dropped are left out.
pub(crate) fn from_reply(reply: &Reply, ctx: &Context<'_>) -> Response {
    let headers = reply
        .headers
        .iter()
        .filter_map(|(n, v)| template::expand(v, ctx).map(|v| (n.to_string(), v)))
        .collect();
    Response {
        status: reply.status,
        reason: reply.reason.to_string(),
        headers,
        body: reply.body.as_bytes().to_vec(),
        status_line: reply.status_line.map(str::to_owned),
    }
}

fn html(body: String) -> Response {
    Response {
        status: 200,
        reason: "OK".into(),
        headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
        body: body.into_bytes(),
        status_line: None,
    }
}

/// A `text/plain` response (also used for protocol errors).
pub(crate) fn plain(status: u16, reason: &str, body: &str) -> Response {
    Response {
        status,
        reason: reason.into(),
        headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
        body: body.as_bytes().to_vec(),
        status_line: None,
    }
}

/// Whether a status never carries a body (1xx, 204, 304).
fn bodiless(status: u16) -> bool {
    status < 200 || status == 204 || status == 304
}

/// Serializes a response. `head_only` is for HEAD requests; `close` adds `Connection: close`.
pub(crate) fn to_bytes(resp: &Response, head_only: bool, close: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + resp.body.len());
    let status_line = match &resp.status_line {
        Some(line) => format!("{line}\r\n"),
        None => format!("HTTP/1.1 {} {}\r\n", resp.status, resp.reason),
    };
    out.extend_from_slice(status_line.as_bytes());
    for (n, v) in &resp.headers {
        out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    let no_body = bodiless(resp.status);
    if !no_body {
        out.extend_from_slice(format!("Content-Length: {}\r\n", resp.body.len()).as_bytes());
    }
    if close {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !no_body && !head_only {
        out.extend_from_slice(&resp.body);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::parse_head;

    fn get(raw: &str) -> Response {
        let req = parse_head(raw.as_bytes()).unwrap();
        route(&req, "127.0.0.1:9", &["http://localhost:3000".to_string()])
    }

    #[test]
    fn bytes_keep_order_and_add_length() {
        let resp = Response {
            status: 200,
            reason: "OK".into(),
            headers: vec![("a".into(), "1".into()), ("A".into(), "2".into())],
            body: b"hi".to_vec(),
            status_line: None,
        };
        let s = String::from_utf8(to_bytes(&resp, false, true)).unwrap();
        assert_eq!(
            s,
            "HTTP/1.1 200 OK\r\na: 1\r\nA: 2\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"
        );
        let head = String::from_utf8(to_bytes(&resp, true, false)).unwrap();
        assert!(head.ends_with("Content-Length: 2\r\n\r\n"));
    }

    #[test]
    fn no_content_has_no_length_nor_body() {
        let resp = Response {
            status: 204,
            reason: "No Content".into(),
            headers: vec![],
            body: b"x".to_vec(),
            status_line: None,
        };
        assert_eq!(to_bytes(&resp, false, false), b"HTTP/1.1 204 No Content\r\n\r\n");
        let raw = Response {
            status_line: Some(" http/1.0 0204".into()),
            ..resp
        };
        assert_eq!(to_bytes(&raw, false, false), b" http/1.0 0204\r\n\r\n");
    }

    #[test]
    fn routes_index_blank_scenarios_and_unknown() {
        assert!(String::from_utf8(get("GET / HTTP/1.1\r\n\r\n").body)
            .unwrap()
            .contains("simple-get-allowed"));
        assert_eq!(get("GET /__blank HTTP/1.1\r\n\r\n").status, 200);
        assert_eq!(get("GET /nope HTTP/1.1\r\n\r\n").status, 404);
        assert_eq!(get("GET /simple-get-allowed/?x=1 HTTP/1.1\r\n\r\n").status, 200);
    }

    #[test]
    fn audit_routes_answer_by_policy() {
        let index = String::from_utf8(get("GET /audit/ HTTP/1.1\r\n\r\n").body).unwrap();
        assert!(index.contains("suffix-match\tsuffix-match:high"), "{index}");
        let r = get("GET /audit/origin-reflected HTTP/1.1\r\nHost: api.lab-bank.com\r\nOrigin: https://evil.example\r\n\r\n");
        assert!(r.headers.contains(&(
            "Access-Control-Allow-Origin".into(),
            "https://evil.example".into()
        )));
        assert_eq!(get("GET /audit/nope HTTP/1.1\r\n\r\n").status, 404);
    }

    #[test]
    fn preflight_and_actual_get_their_own_replies() {
        let pre = get("OPTIONS /preflight-not-routed HTTP/1.1\r\nOrigin: http://localhost:3000\r\nAccess-Control-Request-Method: PUT\r\n\r\n");
        assert_eq!(pre.status, 404);
        let plain_options = get("OPTIONS /simple-get-allowed HTTP/1.1\r\n\r\n");
        assert_eq!(plain_options.status, 200);
    }
}

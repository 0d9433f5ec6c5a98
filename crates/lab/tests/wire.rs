//! The lab on 127.0.0.1:0, checked at the byte level: header lines go out as written
//! (duplicates, case), templates follow the request, requests are logged in wire order.

mod common;

use common::{parse, request, send_raw};
use cors_doctor_lab::{Lab, LabConfig};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const PAGE: &str = "http://localhost:3000";

fn lab() -> Lab {
    Lab::start_background("127.0.0.1:0".parse().unwrap(), LabConfig::default()).unwrap()
}

#[test]
fn duplicate_lines_and_their_case_reach_the_wire() {
    let lab = lab();
    let a = request(lab.addr(), "GET", "/duplicate-allow-origin", &[("Origin", PAGE)]);
    let expected = format!(
        "Access-Control-Allow-Origin: {PAGE}\r\nx-powered-by: Express\r\naccess-control-allow-origin: {PAGE}\r\n"
    );
    assert!(a.raw.contains(&expected), "{}", a.raw);
    assert_eq!(
        a.get("access-control-allow-origin").unwrap(),
        format!("{PAGE}, {PAGE}")
    );
}

#[test]
fn spring_sends_three_vary_lines() {
    let lab = lab();
    let a = request(
        lab.addr(),
        "OPTIONS",
        "/spring-invalid-cors-request",
        &[("Origin", PAGE), ("Access-Control-Request-Method", "PUT")],
    );
    assert_eq!(a.status, 403);
    assert_eq!(a.all("vary").len(), 3);
    assert_eq!(a.body, "Invalid CORS request");
}

#[test]
fn templates_follow_the_request_origin() {
    let lab = lab();
    let evil = "https://evil.example";
    let a = request(lab.addr(), "GET", "/reflects-any-origin", &[("Origin", evil)]);
    assert_eq!(a.all("access-control-allow-origin"), [evil]);
    let a = request(lab.addr(), "GET", "/simple-get-allowed", &[("Origin", evil)]);
    assert_eq!(a.all("access-control-allow-origin"), [PAGE]);
    let a = request(lab.addr(), "GET", "/reflects-any-origin", &[]);
    assert!(
        a.all("access-control-allow-origin").is_empty(),
        "no Origin, nothing reflected"
    );
    let a = request(lab.addr(), "GET", "/origin-trailing-slash", &[("Origin", PAGE)]);
    assert_eq!(a.all("access-control-allow-origin"), [format!("{PAGE}/")]);
}

#[test]
fn configured_page_origin_is_trusted() {
    let page = "http://127.0.0.1:45678";
    let config = LabConfig {
        allowed_origins: vec![page.to_string()],
    };
    let lab = Lab::start_background("127.0.0.1:0".parse().unwrap(), config).unwrap();
    let a = request(lab.addr(), "GET", "/credentialed-allowed", &[("Origin", page)]);
    assert_eq!(a.all("access-control-allow-origin"), [page]);
    let a = request(lab.addr(), "GET", "/origin-localhost-vs-ip", &[("Origin", page)]);
    assert_eq!(a.all("access-control-allow-origin"), ["http://localhost:45678"]);
}

#[test]
fn preflight_and_actual_are_answered_separately() {
    let lab = lab();
    let pre = request(
        lab.addr(),
        "OPTIONS",
        "/error-500-without-cors",
        &[("Origin", PAGE), ("Access-Control-Request-Method", "POST")],
    );
    assert_eq!(pre.status, 200);
    assert_eq!(pre.all("access-control-allow-origin"), [PAGE]);
    let actual = request(lab.addr(), "POST", "/error-500-without-cors", &[("Origin", PAGE)]);
    assert_eq!(actual.status, 500);
    assert!(actual.all("access-control-allow-origin").is_empty());
    assert!(actual.raw.contains("\r\nserver: uvicorn\r\n"));
}

#[test]
fn redirect_location_is_built_from_the_host_header() {
    let lab = lab();
    let host = lab.addr().to_string();
    let a = request(
        lab.addr(),
        "OPTIONS",
        "/preflight-redirect-trailing-slash",
        &[("Origin", PAGE), ("Access-Control-Request-Method", "PUT")],
    );
    assert_eq!(a.status, 301);
    assert_eq!(
        a.all("location"),
        [format!("http://{host}/preflight-put-json-allowed/")]
    );
    let a = request(lab.addr(), "GET", "/redirect-taints-origin", &[("Origin", PAGE)]);
    let swapped = format!("http://localhost:{}/simple-get-allowed", lab.addr().port());
    assert_eq!(a.all("location"), [swapped]);
}

#[test]
fn keep_alive_serves_several_requests_and_logs_them_in_order() {
    let lab = lab();
    let mut s = TcpStream::connect(lab.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let first = "OPTIONS /header-not-allowed HTTP/1.1\r\nHost: x\r\norigin: http://localhost:3000\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type,x-api-key\r\n\r\n";
    let second =
        "POST /header-not-allowed HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\n{}{}";
    s.write_all(first.as_bytes()).unwrap();
    s.write_all(second.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert_eq!(out.matches("HTTP/1.1 ").count(), 2, "{out}");
    assert!(out.starts_with("HTTP/1.1 204 No Content\r\n"));
    let log = lab.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].method.as_str(), log[0].path.as_str()),
        ("OPTIONS", "/header-not-allowed")
    );
    assert_eq!(log[0].headers[1], ("origin".to_string(), PAGE.to_string()));
    assert!(log[0].is_preflight() && !log[1].is_preflight());
    assert_eq!(log[1].body_len, 4);
    assert!(log[0].time <= log[1].time);
    lab.clear_log();
    assert!(lab.requests().is_empty());
}

#[test]
fn index_blank_and_unknown_paths() {
    let lab = lab();
    let index = request(lab.addr(), "GET", "/", &[]);
    assert!(index.all("content-type")[0].starts_with("text/html"));
    assert!(index.body.contains("/method-case-mismatch"));
    let blank = request(lab.addr(), "GET", "/__blank", &[]);
    assert!(blank.body.starts_with("<!doctype html>"));
    assert_eq!(request(lab.addr(), "GET", "/nope", &[]).status, 404);
    let head = request(lab.addr(), "HEAD", "/simple-get-allowed", &[]);
    assert!(head.body.is_empty() && head.get("content-length").unwrap() != "0");
}

#[test]
fn hostile_input_gets_an_error_not_a_hang() {
    let lab = lab();
    let out = send_raw(lab.addr(), "NOT HTTP AT ALL\r\n\r\n");
    assert!(out.starts_with("HTTP/1.1 400 "), "{out}");
    let huge = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(64 * 1024));
    let out = send_raw(lab.addr(), &huge);
    assert!(out.starts_with("HTTP/1.1 431 "), "{out}");
    let injected = "GET /reflects-any-origin HTTP/1.1\r\nOrigin: http://a\rSet-Cookie: x=1\r\n\r\n";
    assert!(send_raw(lab.addr(), injected).starts_with("HTTP/1.1 400 "));
    // The server still works afterwards.
    assert_eq!(request(lab.addr(), "GET", "/simple-get-allowed", &[]).status, 200);
}

#[test]
fn lab_can_live_in_a_static() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<Lab>();
    send_sync::<cors_doctor_lab::Scenario>();
}

#[test]
fn base_url_and_url() {
    let lab = lab();
    assert_eq!(lab.base_url(), format!("http://127.0.0.1:{}", lab.addr().port()));
    assert_eq!(
        lab.url("public-wildcard"),
        format!("{}/public-wildcard", lab.base_url())
    );
}

#[test]
fn dropping_the_lab_stops_it() {
    let lab = lab();
    let addr = lab.addr();
    drop(lab);
    assert!(TcpStream::connect(addr).is_err());
}

#[tokio::test]
async fn starts_on_the_callers_runtime() {
    let lab = Lab::start("127.0.0.1:0".parse().unwrap(), LabConfig::default())
        .await
        .unwrap();
    let addr = lab.addr();
    let raw = tokio::task::spawn_blocking(move || {
        send_raw(addr, "GET /public-wildcard HTTP/1.1\r\nConnection: close\r\n\r\n")
    })
    .await
    .unwrap();
    assert_eq!(parse(&raw).all("access-control-allow-origin"), ["*"]);
}

//! HTTP/1.1 over TCP: exact request bytes, raw response headers, framing, caps, deadlines, reuse.

use std::io::Write;
use std::net::TcpListener;
use std::thread;
use std::time::{Duration, Instant};

use super::*;
use crate::net::NetStage;

#[test]
fn request_is_sent_exactly_and_raw_headers_come_back() {
    let (base, srv) = one_shot(
        b"HTTP/1.1 200 Fine\r\nX-B: 1\r\naccess-control-ALLOW-origin: *\r\nX-B: 2\r\nX-L: caf\xe9\r\n\
          Content-Length: 2\r\n\r\nok",
    );
    let mut req = request("patch", &format!("{base}/p?q=1#frag"));
    req.headers = vec![
        ("origin".into(), "http://a.test".into()),
        ("X-Custom".into(), "v".into()),
    ];
    req.body = Some(b"hi".to_vec());
    let resp = send_once(config(3000), &req).unwrap();
    let sent = String::from_utf8(srv.join().unwrap()).unwrap();
    let host = base.trim_start_matches("http://");
    let ua = TransportConfig::default().user_agent;
    assert_eq!(
        sent,
        format!(
            "patch /p?q=1 HTTP/1.1\r\nHost: {host}\r\norigin: http://a.test\r\nX-Custom: v\r\n\
             User-Agent: {ua}\r\nContent-Length: 2\r\n\r\nhi"
        )
    );
    let headers: Vec<(&str, &str)> = resp
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        headers,
        [
            ("X-B", "1"),
            ("access-control-ALLOW-origin", "*"),
            ("X-B", "2"),
            ("X-L", "caf\u{e9}"),
            ("Content-Length", "2")
        ]
    );
    assert_eq!(
        (resp.status, resp.reason.as_str(), resp.version.as_str()),
        (200, "Fine", "HTTP/1.1")
    );
    assert_eq!(
        (resp.body.as_slice(), resp.body_truncated),
        (b"ok".as_slice(), false)
    );
    assert_eq!(resp.remote.unwrap().to_string(), host);
}

#[test]
fn given_host_and_user_agent_are_not_duplicated() {
    let (base, srv) = one_shot(b"HTTP/1.1 204 No Content\r\n\r\n");
    let mut req = request("GET", &base);
    req.headers = vec![
        ("user-agent".into(), "mine".into()),
        ("HOST".into(), "other.test".into()),
    ];
    send_once(config(3000), &req).unwrap();
    let sent = String::from_utf8(srv.join().unwrap()).unwrap();
    assert_eq!(
        sent,
        "GET / HTTP/1.1\r\nuser-agent: mine\r\nHOST: other.test\r\n\r\n"
    );
}

#[test]
fn chunked_body_is_decoded() {
    let (base, _srv) = one_shot(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n",
    );
    let resp = send_once(config(3000), &request("GET", &base)).unwrap();
    assert_eq!(resp.body, b"hello world");
}

#[test]
fn a_body_failure_after_the_head_keeps_the_response() {
    // Chromium hands such a response to script (the CORS check is made on the head) and then
    // fails reading the body; the head and the bytes before the failure are kept.
    let (base, _srv) = one_shot(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\nhello\r\n0\r\n\r\n",
    );
    let resp = send_once(config(3000), &request("GET", &base)).unwrap();
    assert_eq!((resp.status, resp.body.as_slice()), (200, &b"abc"[..]));
    let err = resp.body_error.expect("a body error");
    assert!(err.contains("bad chunked encoding"), "{err}");
    let (base, _srv) = one_shot(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab");
    let resp = send_once(config(3000), &request("GET", &base)).unwrap();
    assert!(resp.body_error.unwrap().contains("8 body bytes missing"));
}

#[test]
fn body_beyond_the_cap_is_truncated_without_waiting() {
    let (base, _srv) = server(|listener| {
        let (mut stream, _) = listener.accept().unwrap();
        read_request(&mut stream);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n");
        let _ = stream.write_all(&[b'a'; 5000]);
        // Hold the connection open: the client must stop at the cap, not wait for the rest.
        thread::sleep(Duration::from_secs(3));
    });
    let cfg = TransportConfig {
        max_body_bytes: 1000,
        ..config(2000)
    };
    let resp = send_once(cfg, &request("GET", &base)).unwrap();
    assert_eq!((resp.body.len(), resp.body_truncated), (1000, true));
}

#[test]
fn close_delimited_body_exactly_at_the_cap_is_not_truncated() {
    let (base, _srv) = one_shot(b"HTTP/1.0 200 OK\r\n\r\n0123456789");
    let cfg = TransportConfig {
        max_body_bytes: 10,
        ..config(3000)
    };
    let resp = send_once(cfg, &request("GET", &base)).unwrap();
    assert_eq!(
        (resp.body.as_slice(), resp.body_truncated, resp.version.as_str()),
        (b"0123456789".as_slice(), false, "HTTP/1.0")
    );
}

#[test]
fn refused_port_is_a_connect_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = send_once(
        config(2000),
        &request("GET", &format!("http://127.0.0.1:{port}/")),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("connect: connection refused (127.0.0.1:{port})")
    );
}

/// Asserts a timeout arrived within the deadline plus slack.
fn assert_timeout(result: Result<WireResponse, TransportError>, started: Instant) {
    let err = result.unwrap_err();
    assert_eq!(err.stage, NetStage::Timeout, "{err}");
    assert!(
        started.elapsed() < Duration::from_millis(1200),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn silent_server_times_out_within_the_deadline() {
    let (base, _srv) = server(|listener| {
        let (_stream, _) = listener.accept().unwrap();
        thread::sleep(Duration::from_secs(3));
    });
    let started = Instant::now();
    let result = send_once(config(500), &request("GET", &base));
    assert_timeout(result.clone(), started);
    assert!(result
        .unwrap_err()
        .message
        .contains("waiting for the response head"));
}

#[test]
fn dripping_server_times_out_within_the_deadline() {
    let (base, _srv) = server(|listener| {
        let (mut stream, _) = listener.accept().unwrap();
        read_request(&mut stream);
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
            if stream.write_all(&[*byte]).is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(100));
        }
    });
    let started = Instant::now();
    assert_timeout(send_once(config(500), &request("GET", &base)), started);
}

#[test]
fn dripping_body_times_out_within_the_deadline() {
    let (base, _srv) = server(|listener| {
        let (mut stream, _) = listener.accept().unwrap();
        read_request(&mut stream);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
        for _ in 0..30 {
            if stream.write_all(b"x").is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(100));
        }
    });
    let started = Instant::now();
    let result = send_once(config(500), &request("GET", &base));
    assert_timeout(result.clone(), started);
    assert!(result.unwrap_err().message.contains("response body"));
}

#[test]
fn garbage_status_line_is_a_protocol_error() {
    let (base, _srv) = one_shot(b"garbage\r\n\r\n");
    let err = send_once(config(3000), &request("GET", &base)).unwrap_err();
    assert_eq!(err.stage, NetStage::Protocol);
    assert!(
        err.message.starts_with("invalid status line \"garbage\""),
        "{err}"
    );
}

#[test]
fn closed_before_the_head_is_a_protocol_error() {
    let (base, _srv) = one_shot(b"");
    let err = send_once(config(3000), &request("GET", &base)).unwrap_err();
    assert_eq!(err.stage, NetStage::Protocol);
    assert!(
        err.message.starts_with("connection closed before any response"),
        "{err}"
    );
}

#[test]
fn megabyte_header_line_is_a_protocol_error() {
    let (base, _srv) = server(|listener| {
        let (mut stream, _) = listener.accept().unwrap();
        read_request(&mut stream);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nX-Big: ");
        let _ = stream.write_all(&vec![b'a'; 1 << 20]);
        let _ = stream.write_all(b"\r\n\r\n");
    });
    let err = send_once(config(3000), &request("GET", &base)).unwrap_err();
    assert_eq!(err.stage, NetStage::Protocol);
    assert!(
        err.message.starts_with("response headers exceed 65536 bytes"),
        "{err}"
    );
}

#[test]
fn interim_responses_are_skipped_but_bounded() {
    let (base, _srv) = one_shot(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    );
    let resp = send_once(config(3000), &request("GET", &base)).unwrap();
    assert_eq!((resp.status, resp.headers.len()), (200, 1));
    let many: &'static [u8] = b"HTTP/1.1 100 Continue\r\n\r\n".repeat(11).leak();
    let (base, _srv) = one_shot(many);
    let err = send_once(config(3000), &request("GET", &base)).unwrap_err();
    assert_eq!(err.stage, NetStage::Protocol);
}

#[test]
fn one_connection_serves_preflight_and_request() {
    let (base, srv) = server(|listener| {
        let (mut stream, _) = listener.accept().unwrap();
        for body in [&b"one"[..], b"two"] {
            read_request(&mut stream);
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(body).unwrap();
        }
        listener.set_nonblocking(true).unwrap();
        listener.accept().is_err()
    });
    let mut transport = HttpTransport::new(config(3000)).unwrap();
    let first = transport.send(&request("OPTIONS", &format!("{base}/x"))).unwrap();
    let second = transport.send(&request("GET", &format!("{base}/x"))).unwrap();
    assert_eq!(
        (first.body.as_slice(), second.body.as_slice()),
        (b"one".as_slice(), b"two".as_slice())
    );
    assert!(srv.join().unwrap(), "a second connection was opened");
}

#[test]
fn closed_keep_alive_connection_is_replaced_transparently() {
    let (base, srv) = server(|listener| {
        for body in ["one", "two"] {
            let (mut stream, _) = listener.accept().unwrap();
            read_request(&mut stream);
            // Advertises keep-alive, then closes anyway (an idle timeout on the server).
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n{body}");
            stream.write_all(head.as_bytes()).unwrap();
        }
    });
    let mut transport = HttpTransport::new(config(3000)).unwrap();
    transport.send(&request("GET", &base)).unwrap();
    thread::sleep(Duration::from_millis(50));
    assert_eq!(transport.send(&request("GET", &base)).unwrap().body, b"two");
    srv.join().unwrap();
}

#[test]
fn connection_close_is_honoured() {
    let (base, srv) = server(|listener| {
        for _ in 0..2 {
            let (mut stream, _) = listener.accept().unwrap();
            read_request(&mut stream);
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
            // Keep it open: a client that reused it would hang until its deadline.
            thread::sleep(Duration::from_millis(300));
        }
    });
    let mut transport = HttpTransport::new(config(2000)).unwrap();
    transport.send(&request("GET", &base)).unwrap();
    transport.send(&request("GET", &base)).unwrap();
    srv.join().unwrap();
}

#[test]
fn localhost_tries_each_resolved_address() {
    let (base, _srv) = one_shot(b"HTTP/1.1 204 No Content\r\n\r\n");
    let url = base.replace("127.0.0.1", "localhost");
    let resp = send_once(config(3000), &request("GET", &url)).unwrap();
    assert_eq!(resp.status, 204);
}

#[test]
fn ipv6_loopback_works_when_available() {
    let Ok(listener) = TcpListener::bind("[::1]:0") else {
        eprintln!("skipped: no IPv6 loopback");
        return;
    };
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        read_request(&mut stream);
        stream.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").unwrap();
    });
    let resp = send_once(config(3000), &request("GET", &format!("http://[::1]:{port}/"))).unwrap();
    assert_eq!(resp.remote.unwrap().to_string(), format!("[::1]:{port}"));
}

#[test]
fn head_responses_have_no_body() {
    let (base, _srv) = one_shot(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n");
    let resp = send_once(config(3000), &request("HEAD", &base)).unwrap();
    assert_eq!((resp.status, resp.body.len()), (200, 0));
}

#[test]
fn send_works_from_inside_a_tokio_runtime() {
    let (base, _srv) = one_shot(b"HTTP/1.1 204 No Content\r\n\r\n");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let resp = rt
        .block_on(async { send_once(config(3000), &request("GET", &base)) })
        .unwrap();
    assert_eq!(resp.status, 204);
}

#[test]
fn reset_connection_is_an_io_error() {
    let (base, _srv) = server(|listener| {
        let (mut stream, _) = listener.accept().unwrap();
        read_request(&mut stream);
        stream.set_nonblocking(true).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            // SO_LINGER 0: closing sends RST instead of FIN.
            tokio::net::TcpStream::from_std(stream)
                .unwrap()
                .set_zero_linger()
                .unwrap();
        });
    });
    let err = send_once(config(3000), &request("GET", &base)).unwrap_err();
    let authority = base.trim_start_matches("http://");
    assert_eq!(
        err.to_string(),
        format!("io: connection reset by peer ({authority})")
    );
}

#[test]
fn unresolvable_host_is_a_dns_error() {
    // `.invalid` never resolves (RFC 6761); a resolver that cannot even be asked may stall, which
    // the deadline turns into a timeout instead.
    let err = send_once(config(2000), &request("GET", "http://cors-doctor-test.invalid/")).unwrap_err();
    match err.stage {
        NetStage::Dns => assert!(
            err.message
                .starts_with("could not resolve host cors-doctor-test.invalid"),
            "{err}"
        ),
        NetStage::Timeout => assert!(err.message.contains("resolving"), "{err}"),
        _ => panic!("unexpected {err}"),
    }
}

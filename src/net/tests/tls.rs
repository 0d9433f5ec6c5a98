//! TLS: trust via `--cacert`, `--insecure`, name and chain failures, a plain port, and HTTP/2 by ALPN.
//!
//! The certificates below were made once with `openssl ca` (ECDSA P-256, valid 2020-01-01 to
//! 2120-01-01): a CA "cors-doctor test CA" and a leaf for `DNS:localhost` only, signed by it. They
//! guard nothing; they exist so these tests need no generator crate.

use std::io::{BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::*;
use crate::net::NetStage;

const CA_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBbjCCARWgAwIBAgIBATAKBggqhkjOPQQDAjAeMRwwGgYDVQQDDBNjb3JzLWRv
Y3RvciB0ZXN0IENBMCAXDTIwMDEwMTAwMDAwMFoYDzIxMjAwMTAxMDAwMDAwWjAe
MRwwGgYDVQQDDBNjb3JzLWRvY3RvciB0ZXN0IENBMFkwEwYHKoZIzj0CAQYIKoZI
zj0DAQcDQgAEW5dyT9m3wDPaDZ2qIL0LK66lgQ8KVC90ZkPmwLmipw/XTw5/mlWO
ZcpyRQeAYdSqFSNJML/SMPKk09cLPflmGKNCMEAwDwYDVR0TAQH/BAUwAwEB/zAO
BgNVHQ8BAf8EBAMCAQYwHQYDVR0OBBYEFL0UQZcZqkpEby2bsLVT3HUQ/WlQMAoG
CCqGSM49BAMCA0cAMEQCIGoZfkwBKyKR42ODUg5V2SiwXtzyNWLWxisNZT/WK5Mu
AiA4VPlKnlbvjia86C3YU95mS24NSoIswtJFw8TR7HF+MQ==
-----END CERTIFICATE-----
";

const LEAF_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBsDCCAVagAwIBAgIBAjAKBggqhkjOPQQDAjAeMRwwGgYDVQQDDBNjb3JzLWRv
Y3RvciB0ZXN0IENBMCAXDTIwMDEwMTAwMDAwMFoYDzIxMjAwMTAxMDAwMDAwWjAU
MRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR+
ndK3xK2zjhQpp9KlcoVj8jC7gddnby7RuO79PqCNXtzWV2fMqAWAGq0+Ij2Hz/cR
zNHNqpED9a8QqN45LKEeo4GMMIGJMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQD
AgeAMBMGA1UdJQQMMAoGCCsGAQUFBwMBMBQGA1UdEQQNMAuCCWxvY2FsaG9zdDAf
BgNVHSMEGDAWgBS9FEGXGapKRG8tm7C1U9x1EP1pUDAdBgNVHQ4EFgQUkOxu/hse
WrlRurvg1ODDqhNxXyIwCgYIKoZIzj0EAwIDSAAwRQIgeGlnzeTXG4dw36QwsHsL
mALGdemINvKybnBeeeo8hOQCIQCqmL3f1mqW+SirmbRjcLwtd07kXWOO8VsCK/a0
hFWwcA==
-----END CERTIFICATE-----
";

const LEAF_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZ0xN7frFGKBdFpBo
mr5tqNes/QTavhf0Cw1eCEQb1bShRANCAAR+ndK3xK2zjhQpp9KlcoVj8jC7gddn
by7RuO79PqCNXtzWV2fMqAWAGq0+Ij2Hz/cRzNHNqpED9a8QqN45LKEe
-----END PRIVATE KEY-----
";

fn server_config(alpn: &[&[u8]]) -> Arc<rustls::ServerConfig> {
    let certs: Vec<CertificateDer<'static>> = rustls_pemfile::certs(&mut BufReader::new(LEAF_PEM.as_bytes()))
        .collect::<Result<_, _>>()
        .unwrap();
    let key: PrivateKeyDer<'static> = rustls_pemfile::private_key(&mut BufReader::new(LEAF_KEY.as_bytes()))
        .unwrap()
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Arc::new(config)
}

/// An HTTP/1.1-over-TLS server answering `count` requests on one connection; returns its port.
fn tls_h1_server(count: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let config = server_config(&[b"http/1.1"]);
    thread::spawn(move || {
        let Ok((tcp, _)) = listener.accept() else { return };
        let conn = rustls::ServerConnection::new(config).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, tcp);
        for _ in 0..count {
            if read_tls_request(&mut tls).is_empty() {
                return;
            }
            let _ = tls.write_all(b"HTTP/1.1 200 OK\r\nX-Case: Kept\r\nContent-Length: 2\r\n\r\nok");
            let _ = tls.flush();
        }
    });
    port
}

fn read_tls_request(tls: &mut impl std::io::Read) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut byte = [0u8];
    while !buf.ends_with(b"\r\n\r\n") {
        match tls.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => return Vec::new(),
        }
    }
    buf
}

fn cacert_file() -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(CA_PEM.as_bytes()).unwrap();
    file
}

#[test]
fn trusted_ca_gives_http1_over_tls_with_raw_headers_and_reuse() {
    let port = tls_h1_server(2);
    let ca = cacert_file();
    let cfg = TransportConfig {
        cacert: Some(ca.path().to_owned()),
        ..config(3000)
    };
    let mut transport = HttpTransport::new(cfg).unwrap();
    let url = format!("https://localhost:{port}/");
    for _ in 0..2 {
        let resp = transport.send(&request("GET", &url)).unwrap();
        assert_eq!(
            (
                resp.version.as_str(),
                resp.headers[0].0.as_str(),
                resp.body.as_slice()
            ),
            ("HTTP/1.1", "X-Case", b"ok".as_slice())
        );
    }
}

#[test]
fn unknown_issuer_is_a_tls_chain_error() {
    let port = tls_h1_server(1);
    let err = send_once(
        config(3000),
        &request("GET", &format!("https://localhost:{port}/")),
    )
    .unwrap_err();
    assert_eq!(err.stage, NetStage::Tls);
    assert!(err.message.starts_with("certificate chain not trusted"), "{err}");
}

#[test]
fn wrong_name_is_a_tls_name_error() {
    let port = tls_h1_server(1);
    let ca = cacert_file();
    let cfg = TransportConfig {
        cacert: Some(ca.path().to_owned()),
        ..config(3000)
    };
    let err = send_once(cfg, &request("GET", &format!("https://127.0.0.1:{port}/"))).unwrap_err();
    assert_eq!(err.stage, NetStage::Tls);
    assert!(err.message.starts_with("certificate name mismatch"), "{err}");
}

#[test]
fn insecure_skips_verification() {
    let port = tls_h1_server(1);
    let cfg = TransportConfig {
        insecure: true,
        ..config(3000)
    };
    let resp = send_once(cfg, &request("GET", &format!("https://127.0.0.1:{port}/"))).unwrap();
    assert_eq!(resp.status, 200);
}

#[test]
fn tls_to_a_plain_port_is_a_tls_error() {
    let (base, _srv) = server(|listener| {
        let (mut stream, _) = listener.accept().unwrap();
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        thread::sleep(Duration::from_millis(200));
    });
    let url = base.replace("http://", "https://");
    let cfg = TransportConfig {
        insecure: true,
        ..config(3000)
    };
    let err = send_once(cfg, &request("GET", &url)).unwrap_err();
    assert_eq!(err.stage, NetStage::Tls, "{err}");
    assert!(err.message.contains("plain-HTTP port"), "{err}");
}

#[test]
fn unreadable_cacert_fails_at_construction() {
    let cfg = TransportConfig {
        cacert: Some("/nonexistent/ca.pem".into()),
        ..config(3000)
    };
    assert!(HttpTransport::new(cfg).is_err());
}

/// An HTTP/2 server (ALPN `h2`) answering `count` streams on one connection.
fn h2_server(count: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let acceptor = tokio_rustls::TlsAcceptor::from(server_config(&[b"h2"]));
    thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let (tcp, _) = listener.accept().await.unwrap();
            let tls = acceptor.accept(tcp).await.unwrap();
            let mut conn = h2::server::handshake(tls).await.unwrap();
            for _ in 0..count {
                let Some(Ok((_req, mut respond))) = conn.accept().await else {
                    return;
                };
                let resp = hyper::Response::builder()
                    .status(201)
                    .header("x-b", "1")
                    .header("access-control-allow-origin", "*")
                    .header("x-b", "2")
                    .body(())
                    .unwrap();
                let mut stream = respond.send_response(resp, false).unwrap();
                stream
                    .send_data(bytes::Bytes::from_static(b"hello"), true)
                    .unwrap();
            }
            // Drive the connection until the client has read everything.
            let _ = tokio::time::timeout(Duration::from_millis(500), conn.accept()).await;
        });
    });
    port
}

#[test]
fn alpn_h2_uses_http2_on_one_connection() {
    let port = h2_server(2);
    let cfg = TransportConfig {
        insecure: true,
        ..config(3000)
    };
    let mut transport = HttpTransport::new(cfg).unwrap();
    let url = format!("https://localhost:{port}/x");
    for _ in 0..2 {
        let resp = transport.send(&request("GET", &url)).unwrap();
        assert_eq!(
            (resp.status, resp.version.as_str(), resp.body.as_slice()),
            (201, "HTTP/2", b"hello".as_slice())
        );
        let values: Vec<_> = resp.header_values("X-B").collect();
        assert_eq!(values, ["1", "2"]);
    }
}

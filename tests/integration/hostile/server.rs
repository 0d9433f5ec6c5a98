//! Misbehaving loopback servers. Each accepted connection runs its script on its own thread, so a
//! stalling script never blocks the next connection. Everything is bounded: a server accepts at
//! most [`MAX_CONNS`] connections and stops accepting after [`LIFETIME`] or when dropped; scripts
//! that stall wait for the client to hang up or at most [`STALL`]; endless streams stop at
//! [`MAX_STREAM`] bytes or the first failed write.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

pub const MAX_CONNS: usize = 64;
pub const LIFETIME: Duration = Duration::from_secs(30);
pub const STALL: Duration = Duration::from_secs(10);
pub const MAX_STREAM: usize = 64 << 20;

/// Request heads received, in arrival order, shared with the test.
pub type Log = Arc<Mutex<Vec<String>>>;

/// A listener on `127.0.0.1:0` running `script` for every connection.
pub struct Server {
    pub addr: SocketAddr,
    log: Log,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

/// One accepted connection, as a script sees it.
pub struct Conn {
    pub stream: TcpStream,
    log: Log,
    buf: Vec<u8>,
}

impl Server {
    pub fn start(script: impl Fn(Conn) + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr");
        let log = Log::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (l, s) = (log.clone(), stop.clone());
        let accept = thread::spawn(move || accept_loop(&listener, &Arc::new(script), &l, &s));
        Server {
            addr,
            log,
            stop,
            accept: Some(accept),
        }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every request head received so far.
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

fn accept_loop<S: Fn(Conn) + Send + Sync + 'static>(
    listener: &TcpListener,
    script: &Arc<S>,
    log: &Log,
    stop: &AtomicBool,
) {
    let born = Instant::now();
    let mut conns = 0;
    while !stop.load(Ordering::SeqCst) && born.elapsed() < LIFETIME && conns < MAX_CONNS {
        match listener.accept() {
            Ok((stream, _)) => {
                conns += 1;
                let _ = stream.set_nonblocking(false);
                let _ = stream.set_read_timeout(Some(STALL));
                let _ = stream.set_write_timeout(Some(STALL));
                let (script, log) = (script.clone(), log.clone());
                thread::spawn(move || {
                    script(Conn {
                        stream,
                        log,
                        buf: Vec::new(),
                    })
                });
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => thread::sleep(Duration::from_millis(5)),
            Err(_) => thread::sleep(Duration::from_millis(5)),
        }
    }
}

impl Conn {
    /// Read one request head (and a Content-Length body) and log it; `None` once the client is gone.
    pub fn read_request(&mut self) -> Option<String> {
        let end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            if self.buf.len() > 1 << 20 || !self.fill() {
                return None;
            }
        };
        let head: Vec<u8> = self.buf.drain(..end).collect();
        let head = String::from_utf8_lossy(&head).into_owned();
        let body = content_length(&head);
        while self.buf.len() < body {
            if !self.fill() {
                return None;
            }
        }
        self.buf.drain(..body);
        self.log.lock().unwrap().push(head.clone());
        Some(head)
    }

    fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 8192];
        match self.stream.read(&mut chunk) {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    /// Write all of `bytes`; false once the client is gone.
    pub fn send(&mut self, bytes: &[u8]) -> bool {
        self.stream
            .write_all(bytes)
            .and_then(|()| self.stream.flush())
            .is_ok()
    }

    /// Wait until the client hangs up (or [`STALL`] passes), reading and discarding.
    pub fn wait_for_hangup(&mut self) {
        let start = Instant::now();
        while start.elapsed() < STALL && self.fill() {}
    }

    /// Write `unit` again and again until the client hangs up or `limit` bytes went out.
    pub fn stream(&mut self, unit: &[u8], limit: usize) {
        let mut sent = 0;
        while sent < limit.min(MAX_STREAM) && self.send(unit) {
            sent += unit.len();
        }
    }

    /// Answer every request on this connection with `respond(head)` until the client hangs up.
    pub fn serve(mut self, respond: impl Fn(&str) -> Vec<u8>) {
        while let Some(head) = self.read_request() {
            if !self.send(&respond(&head)) {
                return;
            }
        }
    }
}

fn content_length(head: &str) -> usize {
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0)
}

/// The request target of a request head (`/path?q`).
pub fn path_of(head: &str) -> &str {
    head.split(' ').nth(1).unwrap_or("")
}

/// The method of a request head.
pub fn method_of(head: &str) -> &str {
    head.split(' ').next().unwrap_or("")
}

/// A complete HTTP/1.1 response with `Content-Length`.
pub fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n").into_bytes();
    for (n, v) in headers {
        out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    out
}

/// A self-signed certificate (its own CA) for `names`, written as PEM for `--cacert`.
pub struct Cert {
    pub chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    pub key: rustls::pki_types::PrivateKeyDer<'static>,
    pub pem_file: tempfile::NamedTempFile,
}

impl Cert {
    pub fn for_names(names: &[&str]) -> Cert {
        let names: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
        let made = rcgen::generate_simple_self_signed(names).expect("rcgen");
        let mut pem_file = tempfile::NamedTempFile::new().expect("temp file");
        pem_file.write_all(made.cert.pem().as_bytes()).expect("write pem");
        let key = rustls::pki_types::PrivatePkcs8KeyDer::from(made.key_pair.serialize_der());
        Cert {
            chain: vec![made.cert.der().clone()],
            key: key.into(),
            pem_file,
        }
    }

    pub fn path(&self) -> String {
        self.pem_file.path().display().to_string()
    }

    pub fn server_config(&self, alpn: &[&[u8]]) -> Arc<rustls::ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .expect("server cert");
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Arc::new(config)
    }
}

/// A TLS server (HTTP/1.1 inside) answering every request with `respond(head)`.
pub fn tls_server(config: Arc<rustls::ServerConfig>, respond: fn(&str) -> Vec<u8>) -> Server {
    Server::start(move |conn| {
        let Ok(tls) = rustls::ServerConnection::new(config.clone()) else {
            return;
        };
        let mut stream = rustls::StreamOwned::new(tls, conn.stream);
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            let Ok(n) = stream.read(&mut chunk) else { return };
            if n == 0 {
                return;
            }
            buf.extend_from_slice(&chunk[..n]);
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head: Vec<u8> = buf.drain(..i + 4).collect();
                if stream
                    .write_all(&respond(&String::from_utf8_lossy(&head)))
                    .is_err()
                {
                    return;
                }
                let _ = stream.flush();
            }
        }
    })
}

/// How an HTTP/2 connection of [`h2_server`] behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum H2 {
    /// Take the first request, then GOAWAY(INTERNAL_ERROR) and close: the request failed.
    GoawayAfterRequest,
    /// GOAWAY(NO_ERROR, last stream 0) before any request, then close: nothing was processed, so
    /// a client may retry on a new connection.
    GoawayBeforeRequest,
    /// Answer every request 200 with `Access-Control-Allow-Origin: *`.
    Serve,
}

/// An HTTP/2 server (TLS, ALPN h2); connection number `i` (from 0) behaves as `plan(i)`.
pub fn h2_server(cert: &Cert, plan: fn(usize) -> H2) -> Server {
    let acceptor = tokio_rustls::TlsAcceptor::from(cert.server_config(&[b"h2"]));
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    Server::start(move |conn| {
        let how = plan(count.fetch_add(1, Ordering::SeqCst));
        let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
            return;
        };
        let acceptor = acceptor.clone();
        rt.block_on(async move {
            let _ = tokio::time::timeout(STALL, h2_conn(acceptor, conn.stream, how)).await;
        });
    })
}

async fn h2_conn(acceptor: tokio_rustls::TlsAcceptor, tcp: TcpStream, how: H2) {
    let Ok(()) = tcp.set_nonblocking(true) else { return };
    let Ok(tcp) = tokio::net::TcpStream::from_std(tcp) else {
        return;
    };
    let Ok(tls) = acceptor.accept(tcp).await else {
        return;
    };
    let Ok(mut h2) = h2::server::handshake(tls).await else {
        return;
    };
    match how {
        H2::GoawayBeforeRequest => h2.abrupt_shutdown(h2::Reason::NO_ERROR),
        H2::GoawayAfterRequest => {
            let first = h2.accept().await;
            h2.abrupt_shutdown(h2::Reason::INTERNAL_ERROR);
            drop(first);
        }
        H2::Serve => {
            while let Some(Ok((_, mut respond))) = h2.accept().await {
                let head = hyper::Response::builder()
                    .status(200)
                    .header("access-control-allow-origin", "*");
                let Ok(head) = head.body(()) else { return };
                if let Ok(mut body) = respond.send_response(head, false) {
                    let _ = body.send_data(bytes::Bytes::from_static(b"ok"), true);
                }
            }
            return;
        }
    }
    let _ = std::future::poll_fn(|cx| h2.poll_closed(cx)).await;
    // Keep the socket open a moment, as a server does after GOAWAY, so the client reads the frame
    // instead of meeting a reset mid-handshake.
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(h2);
}

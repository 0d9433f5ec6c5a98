//! The running lab: a tokio TCP accept loop serving the catalogue, a request log, and the
//! [`Lab`] handle that stops everything when dropped.
//!
//! [`Lab::start`] spawns onto the caller's runtime; [`Lab::start_background`] owns a thread with
//! a current-thread runtime, for synchronous callers and tests. Both bind before returning, so
//! the port is known and bind errors surface at once. At most [`MAX_CONNECTIONS`] connections
//! are served at a time (extra ones are closed at accept) and the log keeps the last
//! [`MAX_LOG`] requests.

use crate::conn::{self, Limits};
use crate::request::RequestHead;
use crate::respond::{self, Response};
use crate::template::DEFAULT_ALLOWED;
use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};

/// Most connections served at once.
pub const MAX_CONNECTIONS: usize = 256;
/// Most requests kept in the log (oldest dropped first).
pub const MAX_LOG: usize = 10_000;

/// What the lab trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabConfig {
    /// Origins the "correct" endpoints allow (`{allowed}` in templates). The first one is
    /// answered to requests from any other origin. Default: `["http://localhost:3000"]`.
    pub allowed_origins: Vec<String>,
}

impl LabConfig {
    /// A configuration trusting exactly `origins` (the first one is the fallback answer).
    pub fn new<I, S>(origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        LabConfig {
            allowed_origins: origins.into_iter().map(Into::into).collect(),
        }
    }
}

impl Default for LabConfig {
    fn default() -> Self {
        LabConfig {
            allowed_origins: vec![DEFAULT_ALLOWED.to_string()],
        }
    }
}

/// One request the lab received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// Method exactly as sent.
    pub method: String,
    /// Request target exactly as sent (path and query).
    pub path: String,
    /// Header lines in wire order, exact case, duplicates kept.
    pub headers: Vec<(String, String)>,
    /// Length of the (discarded) request body.
    pub body_len: usize,
    /// When the request head was parsed.
    pub time: SystemTime,
}

impl LoggedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether this was a CORS-preflight (`OPTIONS` with `Access-Control-Request-Method`).
    pub fn is_preflight(&self) -> bool {
        self.method == "OPTIONS" && self.header("access-control-request-method").is_some()
    }
}

/// State shared by every connection.
struct Shared {
    allowed: Vec<String>,
    local: SocketAddr,
    limits: Limits,
    log: Mutex<VecDeque<LoggedRequest>>,
    /// Requests answered since start (not capped like the log).
    served: AtomicU64,
}

impl Shared {
    fn handle(&self, req: &RequestHead, body_len: usize) -> Response {
        let served = self.served.fetch_add(1, Ordering::Relaxed) + 1;
        if req.path() == "/__requests" {
            // For benchmarks: how many requests the lab answered, this one included; not logged.
            return respond::plain(200, "OK", &format!("{served}\n"));
        }
        self.record(req, body_len);
        let local = self.local.to_string();
        let host = req.header("host").unwrap_or(&local);
        respond::route(req, host, &self.allowed)
    }

    fn record(&self, req: &RequestHead, body_len: usize) {
        let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        if log.len() == MAX_LOG {
            log.pop_front();
        }
        log.push_back(LoggedRequest {
            method: req.method.clone(),
            path: req.target.clone(),
            headers: req.headers.clone(),
            body_len,
            time: SystemTime::now(),
        });
    }
}

/// A running lab server. Dropping it stops the server.
pub struct Lab {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Lab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lab")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Lab {
    /// Binds `addr` (port 0 picks a free port) and serves on the current tokio runtime.
    pub async fn start(addr: SocketAddr, config: LabConfig) -> std::io::Result<Lab> {
        let listener = TcpListener::bind(addr).await?;
        Self::launch(listener, config, Limits::default())
    }

    /// Binds `addr` and serves from a thread of its own (its own runtime): for sync callers.
    pub fn start_background(addr: SocketAddr, config: LabConfig) -> std::io::Result<Lab> {
        Self::background_with(addr, config, Limits::default())
    }

    pub(crate) fn background_with(
        addr: SocketAddr,
        config: LabConfig,
        limits: Limits,
    ) -> std::io::Result<Lab> {
        let std_listener = std::net::TcpListener::bind(addr)?;
        std_listener.set_nonblocking(true)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let mut lab = {
            let _context = runtime.enter();
            let listener = TcpListener::from_std(std_listener)?;
            Self::launch(listener, config, limits)?
        };
        let mut stopped = lab.shutdown.subscribe();
        let thread = std::thread::Builder::new()
            .name("cors-doctor-lab".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let _ = stopped.wait_for(|stop| *stop).await;
                });
            })?;
        lab.thread = Some(thread);
        Ok(lab)
    }

    fn launch(listener: TcpListener, config: LabConfig, limits: Limits) -> std::io::Result<Lab> {
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            allowed: config.allowed_origins,
            local: addr,
            limits,
            log: Mutex::new(VecDeque::new()),
            served: AtomicU64::new(0),
        });
        let (shutdown, rx) = watch::channel(false);
        tokio::spawn(accept_loop(listener, Arc::clone(&shared), rx));
        Ok(Lab {
            addr,
            shared,
            shutdown,
            thread: None,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://IP:PORT`, with a loopback IP when bound to an unspecified address.
    pub fn base_url(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// The URL of scenario `scenario`: `base_url() + "/" + scenario`.
    pub fn url(&self, scenario: &str) -> String {
        format!("{}/{}", self.base_url(), scenario)
    }

    /// The URL of audit target `name`: `base_url() + "/audit/" + name` (see [`crate::audit`]).
    pub fn audit_url(&self, name: &str) -> String {
        format!("{}/audit/{}", self.base_url(), name)
    }

    /// Every request received so far (the last [`MAX_LOG`]), in arrival order. Input that does
    /// not parse as a request is answered 4xx and not logged.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        let log = self.shared.log.lock().unwrap_or_else(PoisonError::into_inner);
        log.iter().cloned().collect()
    }

    /// Requests answered since the lab started (every route, not capped like [`Lab::requests`];
    /// also served as text at `/__requests`).
    pub fn requests_served(&self) -> u64 {
        self.shared.served.load(Ordering::Relaxed)
    }

    /// Forgets the logged requests.
    pub fn clear_log(&self) {
        let mut log = self.shared.log.lock().unwrap_or_else(PoisonError::into_inner);
        log.clear();
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let accepted = tokio::select! {
            _ = stop.changed() => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _peer)) = accepted else {
            // Out of file descriptors and the like: back off instead of spinning.
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            continue;
        };
        let shared = Arc::clone(&shared);
        let stop = stop.clone();
        tokio::spawn(async move {
            connection(stream, shared, stop).await;
            drop(permit);
        });
    }
}

async fn connection(stream: TcpStream, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let limits = shared.limits;
    let serve = conn::serve(stream, limits, |req, len| shared.handle(req, len));
    tokio::select! {
        _ = stop.changed() => {}
        () = serve => {}
    }
}

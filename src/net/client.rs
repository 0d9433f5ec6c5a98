//! [`HttpTransport`]: the real [`Transport`]. Owns a current-thread tokio runtime and blocks on each
//! request, under one deadline (`TransportConfig::timeout`) covering resolve, connect, TLS, head and
//! body.
//!
//! Connections are kept per scheme/host/port and reused while the server allows it (the preflight
//! and the actual request normally share one). A reused connection that turns out to be closed
//! before any byte of the response arrived is replaced once, transparently.

use std::cell::Cell;
use std::time::{Duration, Instant};

use super::conn::{self, Ctx, Phase, Target};
use super::error::{NetStage, TransportError};
use super::h1::{H1Conn, H1Error};
use super::h2::{H2Conn, H2Error};
use super::tls::{self, TlsSetup};
use super::{Transport, TransportConfig, WireRequest, WireResponse};

/// Sends requests over HTTP/1.1 (TCP or TLS) or HTTP/2 (TLS with ALPN `h2`).
pub(crate) struct HttpTransport {
    /// Always `Some` until dropped (dropping takes it to shut it down without blocking).
    runtime: Option<tokio::runtime::Runtime>,
    state: State,
}

/// Everything the async side borrows mutably while the runtime blocks on it.
struct State {
    cfg: TransportConfig,
    tls: TlsSetup,
    pool: Vec<(Target, Conn)>,
}

enum Conn {
    H1(H1Conn),
    H2(H2Conn),
}

/// Result of one attempt on one connection.
enum Attempt {
    Done(WireResponse),
    /// The connection turned out to be dead before the request was processed.
    Stale(TransportError),
    /// The server refused the request unprocessed (HTTP/2 GOAWAY with NO_ERROR).
    Unprocessed(TransportError),
}

impl HttpTransport {
    /// Fails only on local setup problems (an unreadable `--cacert`, no runtime).
    pub(crate) fn new(cfg: TransportConfig) -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let tls = TlsSetup::new(cfg.insecure, cfg.cacert.as_deref())?;
        Ok(HttpTransport {
            runtime: Some(runtime),
            state: State {
                cfg,
                tls,
                pool: Vec::new(),
            },
        })
    }
}

impl Transport for HttpTransport {
    fn send(&mut self, req: &WireRequest) -> Result<WireResponse, TransportError> {
        let (Some(runtime), state) = (&self.runtime, &mut self.state) else {
            return Err(TransportError::at(
                NetStage::Io,
                "transport already shut down",
                req.url.as_str(),
            ));
        };
        if tokio::runtime::Handle::try_current().is_err() {
            return blocking_send(runtime, state, req);
        }
        // Called from async code (a test, an embedding): a runtime cannot block inside another,
        // so block on a scoped thread of our own instead of panicking.
        std::thread::scope(|scope| scope.spawn(|| blocking_send(runtime, state, req)).join())
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

impl Drop for HttpTransport {
    /// Never blocks, and is allowed inside async code (a plain runtime drop is not).
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// One request under the total deadline; a deadline hit says which phase it interrupted.
fn blocking_send(
    runtime: &tokio::runtime::Runtime,
    state: &mut State,
    req: &WireRequest,
) -> Result<WireResponse, TransportError> {
    let target = Target::from_url(&req.url)?;
    let phase = Cell::new(Phase::Resolve);
    let start = Instant::now();
    let limit = state.cfg.timeout;
    let deadline = tokio::time::Instant::from_std(start + limit);
    let outcome = runtime
        .block_on(async { tokio::time::timeout_at(deadline, state.send(req, &target, start, &phase)).await });
    outcome.unwrap_or_else(|_| Err(timed_out(limit, phase.get(), &target)))
}

fn timed_out(limit: Duration, phase: Phase, target: &Target) -> TransportError {
    let what = format!(
        "request timed out after {} ms {}",
        limit.as_millis(),
        phase.describe()
    );
    TransportError::at(NetStage::Timeout, what, &target.authority())
}

impl State {
    async fn send(
        &mut self,
        req: &WireRequest,
        target: &Target,
        start: Instant,
        phase: &Cell<Phase>,
    ) -> Result<WireResponse, TransportError> {
        let ctx = Ctx {
            authority: target.authority(),
            max_header_bytes: self.cfg.max_header_bytes,
            max_body_bytes: self.cfg.max_body_bytes,
            user_agent: &self.cfg.user_agent,
            start,
            phase,
        };
        if let Some(conn) = take(&mut self.pool, target) {
            if let Attempt::Done(resp) = attempt(&mut self.pool, conn, req, target, &ctx).await? {
                return Ok(resp);
            }
        }
        let conn = open(&self.cfg, &mut self.tls, target, &ctx).await?;
        match attempt(&mut self.pool, conn, req, target, &ctx).await? {
            Attempt::Done(resp) => Ok(resp),
            Attempt::Stale(err) => Err(err),
            Attempt::Unprocessed(_) => {
                // A graceful GOAWAY before our stream: retry once on a new connection.
                let conn = open(&self.cfg, &mut self.tls, target, &ctx).await?;
                match attempt(&mut self.pool, conn, req, target, &ctx).await? {
                    Attempt::Done(resp) => Ok(resp),
                    Attempt::Stale(err) | Attempt::Unprocessed(err) => Err(err),
                }
            }
        }
    }
}

/// Remove and return the pooled connection for `target`, if it is still usable.
fn take(pool: &mut Vec<(Target, Conn)>, target: &Target) -> Option<Conn> {
    let i = pool.iter().position(|(t, _)| t == target)?;
    match pool.swap_remove(i).1 {
        Conn::H2(h2) if !h2.is_open() => None,
        conn => Some(conn),
    }
}

/// One request on one connection; the connection goes back to the pool when it may be reused.
async fn attempt(
    pool: &mut Vec<(Target, Conn)>,
    conn: Conn,
    req: &WireRequest,
    target: &Target,
    ctx: &Ctx<'_>,
) -> Result<Attempt, TransportError> {
    match conn {
        Conn::H1(mut h1) => match h1.exchange(req, target, ctx).await {
            Ok((resp, reusable)) => {
                if reusable {
                    pool.push((target.clone(), Conn::H1(h1)));
                }
                Ok(Attempt::Done(resp))
            }
            Err(H1Error::Stale(e)) => Ok(Attempt::Stale(e)),
            Err(H1Error::Fatal(e)) => Err(e),
        },
        Conn::H2(mut h2) => match h2.exchange(req, ctx).await {
            Ok(resp) => {
                pool.push((target.clone(), Conn::H2(h2)));
                Ok(Attempt::Done(resp))
            }
            Err(H2Error::Stale(e)) => Ok(Attempt::Stale(e)),
            Err(H2Error::Unprocessed(e)) => Ok(Attempt::Unprocessed(e)),
            Err(H2Error::Fatal(e)) => Err(e),
        },
    }
}

/// Resolve, connect and (for https) run the TLS handshake, choosing HTTP/2 when ALPN says so.
async fn open(
    cfg: &TransportConfig,
    tls: &mut TlsSetup,
    target: &Target,
    ctx: &Ctx<'_>,
) -> Result<Conn, TransportError> {
    ctx.phase.set(Phase::Resolve);
    let addrs = conn::resolve(target).await?;
    ctx.phase.set(Phase::Connect);
    let (tcp, remote) = conn::connect_tcp(target, &addrs, cfg.connect_timeout).await?;
    if !target.https {
        return Ok(Conn::H1(H1Conn::new(Box::new(tcp), remote)));
    }
    let config = tls.config(&ctx.authority)?;
    ctx.phase.set(Phase::Tls);
    let (stream, h2) = tls::handshake(tcp, target, config).await?;
    if h2 {
        let h2 = super::h2::handshake(Box::new(stream), remote, cfg.max_header_bytes, &ctx.authority).await?;
        return Ok(Conn::H2(h2));
    }
    Ok(Conn::H1(H1Conn::new(Box::new(stream), remote)))
}

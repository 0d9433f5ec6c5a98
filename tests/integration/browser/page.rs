//! The page origin: a tiny loopback HTTP server whose every path is an empty HTML document.
//!
//! Contract: [`PageServer::start`] binds `127.0.0.1:0` and serves, on one background thread, a
//! `200 text/html` blank page for any request (the page's `fetch()` calls are what matter; the page
//! itself needs nothing). It never reads more than the request head and never answers slower than
//! a local write. Dropping it stops the thread. Kept separate from the lab so the page origin
//! cannot be confused with the API origin, and so the browser side works whatever the lab serves.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

const PAGE: &str =
    "<!doctype html><html><head><title>cors-doctor parity page</title></head><body></body></html>";

/// A running page server.
pub(crate) struct PageServer {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl PageServer {
    /// Binds a kernel-chosen loopback port and starts serving.
    pub(crate) fn start() -> std::io::Result<PageServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(conn) = conn {
                    let _ = serve(conn);
                }
            }
        });
        Ok(PageServer {
            port,
            stop,
            thread: Some(thread),
        })
    }

    /// The page's serialized origin, `http://127.0.0.1:{port}`.
    pub(crate) fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The blank page's URL.
    pub(crate) fn url(&self) -> String {
        format!("{}/", self.origin())
    }
}

/// Answers one connection (one request; `Connection: close`).
fn serve(conn: TcpStream) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(2)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    // Read the request head up to the blank line; bodies are never expected here.
    while reader.read_line(&mut line)? > 0 && line != "\r\n" && line != "\n" {
        line.clear();
    }
    let mut conn = conn;
    write!(
        conn,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{PAGE}",
        PAGE.len()
    )?;
    conn.flush()
}

impl Drop for PageServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the thread sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

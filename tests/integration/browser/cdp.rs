//! A minimal, synchronous Chrome DevTools Protocol client over one WebSocket.
//!
//! Contract: [`Cdp::call`] sends one command (optionally on a flattened target session) and blocks
//! until its reply or the deadline; every event read meanwhile is queued, in arrival order, for
//! [`Cdp::events_until`] to hand out. Nothing here knows about CORS. Every read is bounded by a
//! deadline, so a wedged browser turns into an error, never a hung test.

use std::collections::VecDeque;
use std::io::ErrorKind;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

/// One protocol event: its method name, its params, and the session it came from (if any).
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub(crate) method: String,
    pub(crate) params: Value,
    pub(crate) session: Option<String>,
}

/// A connection to the browser endpoint (`/devtools/browser/<id>`).
pub(crate) struct Cdp {
    ws: WebSocket<TcpStream>,
    next_id: u64,
    events: VecDeque<Event>,
}

impl Cdp {
    /// Connects to `ws://127.0.0.1:{port}{path}`.
    pub(crate) fn connect(port: u16, path: &str) -> Result<Cdp, String> {
        let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
        stream.set_nodelay(true).ok();
        // Bounds the handshake too: a timed-out read fails it instead of hanging.
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        let url = format!("ws://127.0.0.1:{port}{path}");
        let (ws, _) =
            tungstenite::client(url.as_str(), stream).map_err(|e| format!("websocket handshake: {e}"))?;
        // Short read slices so every wait below can honour its own deadline.
        ws.get_ref()
            .set_read_timeout(Some(Duration::from_millis(50)))
            .map_err(|e| e.to_string())?;
        Ok(Cdp {
            ws,
            next_id: 1,
            events: VecDeque::new(),
        })
    }

    /// Sends `method(params)` on `session` (None = the browser target) and waits for its result.
    pub(crate) fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws
            .send(Message::text(msg.to_string()))
            .map_err(|e| format!("{method}: send: {e}"))?;
        let deadline = Instant::now() + timeout;
        loop {
            let Some(v) = self.read_one(deadline).map_err(|e| format!("{method}: {e}"))? else {
                return Err(format!("{method}: no reply within {timeout:?}"));
            };
            if v.get("id").and_then(Value::as_u64) == Some(id) {
                if let Some(err) = v.get("error") {
                    return Err(format!("{method}: {err}"));
                }
                return Ok(v.get("result").cloned().unwrap_or(Value::Null));
            }
        }
    }

    /// Reads for up to `timeout`, until `done` is true of the events queued so far, then returns
    /// (and forgets) every queued event. Returns early as soon as `done` holds.
    pub(crate) fn events_until(
        &mut self,
        timeout: Duration,
        mut done: impl FnMut(&[Event]) -> bool,
    ) -> Result<Vec<Event>, String> {
        let deadline = Instant::now() + timeout;
        while !done(self.events.make_contiguous()) {
            if self.read_one(deadline)?.is_none() {
                break;
            }
        }
        Ok(self.events.drain(..).collect())
    }

    /// Reads one message before `deadline`: replies are returned, events are queued (and reported
    /// as `Some(Value::Null)` so callers can re-test their condition). `None` = deadline passed.
    fn read_one(&mut self, deadline: Instant) -> Result<Option<Value>, String> {
        while Instant::now() < deadline {
            match self.ws.read() {
                Ok(Message::Text(text)) => {
                    let v: Value =
                        serde_json::from_str(text.as_str()).map_err(|e| format!("bad CDP JSON: {e}"))?;
                    if let Some(method) = v.get("method").and_then(Value::as_str) {
                        self.events.push_back(Event {
                            method: method.to_string(),
                            params: v.get("params").cloned().unwrap_or(Value::Null),
                            session: v.get("sessionId").and_then(Value::as_str).map(str::to_string),
                        });
                        return Ok(Some(Value::Null));
                    }
                    return Ok(Some(v));
                }
                Ok(Message::Close(_)) => return Err("browser closed the DevTools connection".into()),
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => return Err(format!("DevTools connection: {e}")),
            }
        }
        Ok(None)
    }
}

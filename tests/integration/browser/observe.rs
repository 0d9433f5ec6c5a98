//! What real Chromium does with one `fetch()`: the script-visible result and the DevTools evidence.
//!
//! Contract: [`observe`] opens a fresh browser context (own preflight cache, own cookie jar) and a
//! tab in it, loads the blank page, runs exactly one `fetch(url, {method, headers, credentials,
//! redirect, body})` through `Runtime.evaluate`, waits (bounded) for the matching
//! `Network.loadingFailed` and console line, disposes the context, and returns a [`ChromiumRun`].
//! It records what the browser said, never what it "should" say. The wire side (what reached the
//! server) is the lab's request log, read by the caller.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::cdp::{Cdp, Event};

/// One script-level request, as the page's script writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FetchSpec {
    /// Absolute URL.
    pub(crate) url: String,
    /// Method exactly as the script passes it (`patch` stays lowercase).
    pub(crate) method: String,
    /// Headers in script order.
    pub(crate) headers: Vec<(String, String)>,
    /// `omit` | `same-origin` | `include`.
    pub(crate) credentials: String,
    /// `follow` | `error` | `manual`.
    pub(crate) redirect: String,
    /// A string body, if any.
    pub(crate) body: Option<String>,
}

/// How the script's promise settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Settled {
    /// Resolved: the status and `response.type` script sees.
    Response { status: u16, kind: String },
    /// Rejected; the error as `String(e)`, e.g. `TypeError: Failed to fetch`.
    Rejected(String),
}

/// Everything Chromium reported for one fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChromiumRun {
    /// The promise's result.
    pub(crate) settled: Settled,
    /// Header names script can read (`[...response.headers.keys()]`: lowercase, sorted, unique).
    pub(crate) exposed_headers: Vec<String>,
    /// `Network.loadingFailed.corsErrorStatus.corsError` of the fetch request.
    pub(crate) cors_error: Option<String>,
    /// `…corsErrorStatus.failedParameter`.
    pub(crate) failed_parameter: Option<String>,
    /// `Network.loadingFailed.errorText` of the fetch request (`net::ERR_FAILED`, …).
    pub(crate) net_error: Option<String>,
    /// The console's CORS line (`Access to fetch at … has been blocked by CORS policy: …`).
    pub(crate) cors_line: Option<String>,
    /// Every console line, in order, as `channel: text` (for diagnosis only).
    pub(crate) console: Vec<String>,
}

impl ChromiumRun {
    /// `allowed` / `blocked`, in the words of cors-doctor's JSON (`TypeError` ↔ blocked). A
    /// rejection with anything but a TypeError is reported as itself, so it never compares equal.
    pub(crate) fn outcome(&self) -> String {
        match &self.settled {
            Settled::Response { .. } => "allowed".into(),
            Settled::Rejected(e) if e.starts_with("TypeError") => "blocked".into(),
            Settled::Rejected(e) => format!("rejected: {e}"),
        }
    }
}

const STEP: Duration = Duration::from_secs(10);

/// Runs `spec` from a fresh context showing `page_url`.
pub(crate) fn observe(cdp: &mut Cdp, page_url: &str, spec: &FetchSpec) -> Result<ChromiumRun, String> {
    let ctx = cdp.call(
        None,
        "Target.createBrowserContext",
        json!({"disposeOnDetach": true}),
        STEP,
    )?;
    let ctx = ctx["browserContextId"]
        .as_str()
        .ok_or("no browserContextId")?
        .to_string();
    let result = observe_in_context(cdp, &ctx, page_url, spec);
    let disposed = cdp.call(
        None,
        "Target.disposeBrowserContext",
        json!({"browserContextId": ctx}),
        STEP,
    );
    let run = result?;
    disposed?;
    Ok(run)
}

fn observe_in_context(
    cdp: &mut Cdp,
    ctx: &str,
    page_url: &str,
    spec: &FetchSpec,
) -> Result<ChromiumRun, String> {
    // Opening the tab on the page itself (not about:blank, then navigating) spares a second
    // renderer process per case: the renderer start-up is most of a case's cost.
    let target = cdp.call(
        None,
        "Target.createTarget",
        json!({"url": page_url, "browserContextId": ctx}),
        STEP,
    )?;
    let target = target["targetId"].as_str().ok_or("no targetId")?;
    let attached = cdp.call(
        None,
        "Target.attachToTarget",
        json!({"targetId": target, "flatten": true}),
        STEP,
    )?;
    let session = attached["sessionId"].as_str().ok_or("no sessionId")?.to_string();
    let s = Some(session.as_str());
    for domain in ["Network", "Log", "Runtime"] {
        cdp.call(s, &format!("{domain}.enable"), json!({}), STEP)?;
    }
    wait_for_page(cdp, &session, page_url)?;
    let reply = cdp.call(
        s,
        "Runtime.evaluate",
        json!({"expression": fetch_script(spec), "awaitPromise": true, "returnByValue": true}),
        STEP,
    )?;
    let value = reply["result"]["value"]
        .as_str()
        .ok_or_else(|| format!("fetch script gave no result: {reply}"))?;
    let result: Value = serde_json::from_str(value).map_err(|e| format!("fetch script result: {e}"))?;
    let rejected = result["ok"] != json!(true);
    // Generous: only a rejected fetch waits, and only until its console line is in.
    let events = cdp.events_until(Duration::from_secs(10), |evs| settled(evs, &session, rejected))?;
    Ok(summarise(&result, &events, &session))
}

/// Polls until the tab's document is `page_url`, fully loaded: the fetch must run with the page's
/// origin, never in the initial empty document.
fn wait_for_page(cdp: &mut Cdp, session: &str, page_url: &str) -> Result<(), String> {
    let deadline = Instant::now() + STEP;
    let probe = "document.readyState === 'complete' ? location.href : ''";
    while Instant::now() < deadline {
        let reply = cdp.call(
            Some(session),
            "Runtime.evaluate",
            json!({"expression": probe, "returnByValue": true}),
            STEP,
        );
        // A context torn down by the navigation itself is an error worth retrying.
        if reply.is_ok_and(|r| r["result"]["value"] == page_url) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Err(format!("the page {page_url} did not load within {STEP:?}"))
}

/// The page script: one fetch, its result as a JSON string (so `returnByValue` is trivial).
pub(crate) fn fetch_script(spec: &FetchSpec) -> String {
    let headers: Vec<[&str; 2]> = spec
        .headers
        .iter()
        .map(|(n, v)| [n.as_str(), v.as_str()])
        .collect();
    let mut init = json!({
        "method": spec.method,
        "headers": headers,
        "credentials": spec.credentials,
        "redirect": spec.redirect,
    });
    if let Some(body) = &spec.body {
        init["body"] = json!(body);
    }
    // The body is read so the load completes before the result is returned.
    format!(
        "(async () => {{ try {{ const r = await fetch({url}, {init}); \
         try {{ await r.arrayBuffer(); }} catch (_) {{}} \
         return JSON.stringify({{ok: true, status: r.status, type: r.type, \
         headers: [...r.headers.keys()]}}); }} \
         catch (e) {{ return JSON.stringify({{ok: false, error: String(e)}}); }} }})()",
        url = json!(spec.url),
    )
}

/// The fetch's own `loadingFailed` (not the page's, not the preflight's).
fn fetch_failure<'a>(events: &'a [Event], session: &str) -> Option<&'a Value> {
    events
        .iter()
        .filter(|e| e.session.as_deref() == Some(session) && e.method == "Network.loadingFailed")
        .map(|e| &e.params)
        .find(|p| p["type"] == "Fetch")
}

/// Whether everything a rejected fetch reports has arrived: its `loadingFailed` and, when that
/// names a CORS error, the console's CORS line. A resolved fetch has nothing more to wait for.
fn settled(events: &[Event], session: &str, rejected: bool) -> bool {
    if !rejected {
        return true;
    }
    match fetch_failure(events, session) {
        None => false,
        Some(f) if f.get("corsErrorStatus").is_some() => {
            console_lines(events, session).iter().any(|l| is_cors_line(l))
        }
        // A plain network error prints no CORS line; nothing further is coming.
        Some(_) => true,
    }
}

fn is_cors_line(text: &str) -> bool {
    text.starts_with("Access to ") && text.contains(" has been blocked by CORS policy: ")
}

/// Console text from every channel Chromium may use for it, in arrival order, as
/// `(channel, text)`. Chromium 156 puts the CORS line in `Log.entryAdded` (source `javascript`,
/// level `error`), followed by `Failed to load resource: net::ERR_FAILED`; the Runtime channels
/// are read too so a future move of that line shows up as a changed channel, not a lost line.
fn console_entries(events: &[Event], session: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in events.iter().filter(|e| e.session.as_deref() == Some(session)) {
        let p = &e.params;
        let entry = match e.method.as_str() {
            "Log.entryAdded" => p["entry"]["text"].as_str().map(|t| {
                (
                    format!("Log.entryAdded {}/{}", p["entry"]["source"], p["entry"]["level"]),
                    t,
                )
            }),
            "Runtime.consoleAPICalled" => p["args"][0]["value"]
                .as_str()
                .map(|t| (format!("Runtime.consoleAPICalled {}", p["type"]), t)),
            "Runtime.exceptionThrown" => p["exceptionDetails"]["text"]
                .as_str()
                .map(|t| ("Runtime.exceptionThrown".to_string(), t)),
            _ => None,
        };
        out.extend(entry.map(|(c, t)| (c.replace('"', ""), t.to_string())));
    }
    out
}

fn console_lines(events: &[Event], session: &str) -> Vec<String> {
    console_entries(events, session)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

fn summarise(result: &Value, events: &[Event], session: &str) -> ChromiumRun {
    let settled = if result["ok"] == json!(true) {
        Settled::Response {
            status: result["status"].as_u64().unwrap_or(0) as u16,
            kind: result["type"].as_str().unwrap_or("").to_string(),
        }
    } else {
        Settled::Rejected(result["error"].as_str().unwrap_or("").to_string())
    };
    let exposed_headers = result["headers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h.as_str().map(str::to_string))
        .collect();
    let failure = fetch_failure(events, session);
    let status = failure.and_then(|f| f.get("corsErrorStatus"));
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let console: Vec<String> = console_entries(events, session)
        .into_iter()
        .map(|(c, t)| format!("{c}: {t}"))
        .collect();
    ChromiumRun {
        settled,
        exposed_headers,
        cors_error: text(status.map(|s| &s["corsError"])),
        failed_parameter: text(status.map(|s| &s["failedParameter"])),
        net_error: text(failure.map(|f| &f["errorText"])),
        cors_line: console_lines(events, session)
            .into_iter()
            .find(|l| is_cors_line(l)),
        console,
    }
}

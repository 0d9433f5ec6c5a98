//! Launching Debian's headless Chromium for the parity test and reaching its DevTools endpoint.
//!
//! Contract: [`Chromium::launch`] starts one browser process with a fresh profile directory,
//! DevTools on a kernel-chosen loopback port (read back from `DevToolsActivePort`) and every
//! background service that would reach the (closed) network switched off, or fails within a
//! bounded time; [`Chromium::connect`] opens one more independent DevTools connection to it (one
//! per worker thread). Dropping the value kills the whole process group and removes the profile.
//! Nothing here knows about CORS.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::cdp::Cdp;

/// Where Debian's `chromium` package puts the browser.
pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";

/// A running browser; killed on drop.
pub(crate) struct Chromium {
    child: Child,
    port: u16,
    path: String,
    // Kept for its Drop: the profile directory goes away with the browser.
    _profile: tempfile::TempDir,
}

impl Chromium {
    /// Starts Chromium and waits for its browser-level DevTools endpoint.
    pub(crate) fn launch(timeout: Duration) -> Result<Chromium, String> {
        let profile = tempfile::tempdir().map_err(|e| format!("profile dir: {e}"))?;
        // The first eight flags are the machine's known-good set (no sandbox as root, nothing that
        // reaches the closed network). No spare renderer: every case opens a new browser context,
        // and a pre-started spare process per context is never used (about 10% of the CPU).
        let child = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--disable-features=SpareRendererForSitePerProcess",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so Drop can take the renderer and utility processes with it.
            .process_group(0)
            .spawn()
            .map_err(|e| format!("spawn {CHROMIUM}: {e}"))?;
        let mut browser = Chromium {
            child,
            port: 0,
            path: String::new(),
            _profile: profile,
        };
        (browser.port, browser.path) = browser.wait_for_devtools(timeout)?;
        Ok(browser)
    }

    /// Asks the browser to quit (so it reaps its own renderers) and waits a little for it;
    /// whatever is left is killed by Drop.
    pub(crate) fn close(mut self) {
        if let Ok(mut cdp) = self.connect() {
            let _ = cdp.call(
                None,
                "Browser.close",
                serde_json::json!({}),
                Duration::from_secs(2),
            );
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A new DevTools connection to the browser target.
    pub(crate) fn connect(&self) -> Result<Cdp, String> {
        Cdp::connect(self.port, &self.path)
    }

    /// Polls `<profile>/DevToolsActivePort` (line 1: port, line 2: browser endpoint path).
    fn wait_for_devtools(&mut self, timeout: Duration) -> Result<(u16, String), String> {
        let file = self._profile.path().join("DevToolsActivePort");
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(found) = read_active_port(&file) {
                return Ok(found);
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("chromium exited before DevTools came up: {status}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!("chromium wrote no {} within {timeout:?}", file.display()))
    }
}

fn read_active_port(file: &Path) -> Option<(u16, String)> {
    let text = std::fs::read_to_string(file).ok()?;
    let mut lines = text.lines();
    let port = lines.next()?.trim().parse().ok()?;
    let path = lines.next()?.trim();
    path.starts_with("/devtools/browser/")
        .then(|| (port, path.to_string()))
}

impl Drop for Chromium {
    fn drop(&mut self) {
        // `kill -KILL -- -PGID` reaches every process of the group without unsafe code.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

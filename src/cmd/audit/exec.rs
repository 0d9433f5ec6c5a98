//! Running the audit: worker threads take targets from a shared queue, each with its own
//! transport (so one target's probes share one kept-alive connection), under a global rate limit.
//! Every probe goes out; a target whose host cannot be reached is stopped early and reported as
//! failed, never as "not vulnerable".

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use cors_doctor_core::audit::{self, Audit, Options, Probe, Report, Target};

use super::config::{is_session_header, AuditConfig};
use crate::net::{NetStage, Transport, TransportError, WireRequest, WireResponse};

/// The outcome for one URL.
#[derive(Debug, Clone)]
pub(crate) struct TargetResult {
    pub(crate) url: String,
    /// Why the target could not be (fully) audited.
    pub(crate) error: Option<String>,
    /// `None` when nothing could be sent (invalid URL, transport setup).
    pub(crate) report: Option<Report>,
}

impl TargetResult {
    /// At least one probe got an HTTP answer.
    pub(crate) fn audited(&self) -> bool {
        self.report.as_ref().is_some_and(|r| r.requests > r.failed)
    }
}

/// A global pace: request `n` may start at `start + n / rate`.
pub(crate) struct RateLimit {
    interval: Option<Duration>,
    next: Mutex<Instant>,
}

impl RateLimit {
    pub(crate) fn new(rate: Option<f64>) -> Self {
        RateLimit {
            interval: rate.map(|r| Duration::from_secs_f64(1.0 / r)),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Block until this request's slot.
    pub(crate) fn wait(&self) {
        let Some(interval) = self.interval else { return };
        let slot = {
            let mut next = self
                .next
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + interval;
            slot
        };
        let now = Instant::now();
        if slot > now {
            std::thread::sleep(slot - now);
        }
    }
}

/// Audit every URL of `cfg` with `concurrency` workers. `new_transport` makes one transport per
/// worker; `done` is called after each target (progress). Results come back in URL order.
pub(crate) fn run_all<T, F>(
    cfg: &AuditConfig,
    new_transport: F,
    done: &(dyn Fn(&TargetResult) + Sync),
) -> Vec<TargetResult>
where
    T: Transport,
    F: Fn() -> anyhow::Result<T> + Sync,
{
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<TargetResult>>> = Mutex::new(vec![None; cfg.urls.len()]);
    let limit = RateLimit::new(cfg.rate);
    let workers = cfg.concurrency.min(cfg.urls.len()).max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let mut transport: Option<(String, T)> = None;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(url) = cfg.urls.get(i) else { break };
                    let result = audit_one(cfg, url, &mut transport, &new_transport, &limit);
                    done(&result);
                    results.lock().unwrap_or_else(std::sync::PoisonError::into_inner)[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .into_iter()
        .flatten()
        .collect()
}

/// `scheme://host:port` of a URL, to keep a worker's transport (and its pool) per authority.
fn authority(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| {
            format!(
                "{}://{}:{}",
                u.scheme(),
                u.host_str().unwrap_or(""),
                u.port_or_known_default().unwrap_or(0)
            )
        })
        .unwrap_or_default()
}

fn audit_one<T: Transport, F: Fn() -> anyhow::Result<T>>(
    cfg: &AuditConfig,
    url: &str,
    slot: &mut Option<(String, T)>,
    new_transport: &F,
    limit: &RateLimit,
) -> TargetResult {
    let fail = |error: String| TargetResult {
        url: url.to_owned(),
        error: Some(error),
        report: None,
    };
    let target = match Target::new(url, cfg.host.as_deref()) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    // A new authority gets a fresh transport: the old one's idle connections are closed.
    let key = authority(url);
    if slot.as_ref().is_none_or(|(k, _)| *k != key) {
        *slot = None;
        match new_transport() {
            Ok(t) => *slot = Some((key, t)),
            Err(e) => return fail(format!("cannot set up the HTTP client: {e:#}")),
        }
    }
    let Some((_, transport)) = slot.as_mut() else {
        return fail("no transport".into());
    };
    let wire_url = match url::Url::parse(url) {
        Ok(u) => u,
        Err(e) => return fail(format!("not a URL: {e}")),
    };
    let options = Options {
        session: cfg.session,
        methods: cfg.methods.clone(),
    };
    let mut audit = Audit::new(target, options);
    let mut stopped: Option<String> = None;
    let mut failures = 0usize;
    'batches: loop {
        let batch = audit.next_batch();
        if batch.is_empty() {
            break;
        }
        for probe in batch {
            limit.wait();
            let req = wire_request(cfg, &wire_url, &probe);
            match transport.send(&req) {
                Ok(resp) => audit.observe(probe, Ok(to_audit(resp))),
                Err(err) => {
                    failures += 1;
                    let fatal = matches!(err.stage, NetStage::Dns | NetStage::Connect | NetStage::Tls)
                        || failures >= 3;
                    let text = err.to_string();
                    audit.observe(probe, Err(text.clone()));
                    if fatal {
                        stopped = Some(text);
                        break 'batches;
                    }
                }
            }
        }
    }
    let report = audit.report();
    let error = match (&stopped, &report.first_error) {
        (Some(e), _) if report.requests == report.failed => Some(e.clone()),
        (Some(e), _) => Some(format!(
            "stopped after {} of the probes failed: {e}",
            report.failed
        )),
        (None, Some(e)) => Some(format!(
            "{} of {} probes failed: {e}",
            report.failed, report.requests
        )),
        (None, None) => redirected(&audit),
    };
    TargetResult {
        url: url.to_owned(),
        error,
        report: Some(report),
    }
}

/// Redirects are not followed (each hop is its own resource with its own policy): when the GET
/// probes were all redirected, say where to, so the target is not silently "clean".
fn redirected(audit: &Audit) -> Option<String> {
    let mut gets = audit
        .observed()
        .iter()
        .filter(|o| o.probe.kind == audit::ProbeKind::Get)
        .filter_map(|o| o.result.as_ref().ok());
    let first = gets.next()?;
    if !(300..400).contains(&first.status) || !gets.all(|r| (300..400).contains(&r.status)) {
        return None;
    }
    let location = first.values("location").next().unwrap_or("(no Location)");
    Some(format!(
        "every probe was answered {} → {location}; redirects are not followed: audit the final URL",
        first.status
    ))
}

/// The probe as a browser would send it from the probe origin, plus the user's headers (the
/// session only when the probe carries it).
pub(crate) fn wire_request(cfg: &AuditConfig, url: &url::Url, probe: &Probe) -> WireRequest {
    let mut headers: Vec<(String, String)> = Vec::with_capacity(cfg.headers.len() + 7);
    for (n, v) in &cfg.headers {
        if probe.session || !is_session_header(n) {
            headers.push((n.clone(), v.clone()));
        }
    }
    headers.push(("Accept".into(), "*/*".into()));
    headers.extend(probe.cors_headers());
    headers.push(("Sec-Fetch-Mode".into(), "cors".into()));
    headers.push(("Sec-Fetch-Site".into(), "cross-site".into()));
    headers.push(("Sec-Fetch-Dest".into(), "empty".into()));
    WireRequest {
        method: probe.method().to_owned(),
        url: url.clone(),
        headers,
        body: None,
    }
}

fn to_audit(resp: WireResponse) -> audit::Response {
    let mut body = resp.body;
    body.truncate(4096);
    audit::Response {
        status: resp.status,
        headers: resp.headers,
        body,
    }
}

#[allow(dead_code)] // named for the tests' scripted transports
pub(crate) type SendResult = Result<WireResponse, TransportError>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::args::{AuditFormat, FailOn};
    use crate::net::TransportConfig;

    fn cfg(urls: &[&str], concurrency: usize) -> AuditConfig {
        AuditConfig {
            urls: urls.iter().map(|s| s.to_string()).collect(),
            headers: vec![("Cookie".into(), "s=1".into())],
            host: None,
            session: true,
            methods: vec![],
            concurrency,
            rate: None,
            fail_on: FailOn::Medium,
            format: AuditFormat::Json,
            transport: TransportConfig::default(),
        }
    }

    /// Reflects any Origin with credentials on `a.test`; refuses connections to `down.test`.
    struct Scripted;

    impl Transport for Scripted {
        fn send(&mut self, req: &WireRequest) -> SendResult {
            if req.url.host_str() == Some("moved.test") {
                return Ok(WireResponse::new(301).with_header("Location", "https://moved.test/"));
            }
            if req.url.host_str() == Some("down.test") {
                return Err(TransportError::at(
                    NetStage::Connect,
                    "connection refused",
                    "down.test:80",
                ));
            }
            let origin = req
                .headers
                .iter()
                .find(|(n, _)| n == "Origin")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let has_cookie = req.headers.iter().any(|(n, _)| n == "Cookie");
            assert!(
                !(has_cookie && req.method == "OPTIONS"),
                "no cookie on preflights"
            );
            Ok(WireResponse::new(200)
                .with_header("Access-Control-Allow-Origin", &origin)
                .with_header("Access-Control-Allow-Credentials", "true")
                .with_header("Vary", "Origin"))
        }
    }

    #[test]
    fn failures_are_reported_per_target_and_the_run_goes_on() {
        let c = cfg(
            &[
                "http://a.test/",
                "http://down.test/",
                "ftp://x/",
                "http://moved.test/",
            ],
            2,
        );
        let results = run_all(&c, || Ok(Scripted), &|_| {});
        assert_eq!(results.len(), 4);
        assert!(results[3].audited());
        assert!(results[3]
            .error
            .as_deref()
            .unwrap()
            .contains("https://moved.test/"));
        assert!(results[0].audited() && results[0].error.is_none());
        assert!(!results[0].report.as_ref().unwrap().findings.is_empty());
        assert!(!results[1].audited());
        assert!(results[1].error.as_deref().unwrap().contains("refused"));
        assert_eq!(
            results[1].report.as_ref().unwrap().requests,
            1,
            "an unreachable host is not probed 40 times"
        );
        assert!(results[2].error.as_deref().unwrap().contains("http"));
    }

    #[test]
    fn preflights_never_carry_the_session() {
        let c = cfg(&["http://a.test/"], 1);
        let url = url::Url::parse("http://a.test/").unwrap();
        let target = Target::new("http://a.test/", None).unwrap();
        let mut a = Audit::new(
            target,
            Options {
                session: true,
                methods: vec![],
            },
        );
        let first = a.next_batch();
        assert!(wire_request(&c, &url, &first[0])
            .headers
            .iter()
            .any(|(n, _)| n == "Cookie"));
        for p in first {
            a.observe(p, Ok(audit::Response::default()));
        }
        let pre = a.next_batch();
        assert!(pre.iter().all(|p| !wire_request(&c, &url, p)
            .headers
            .iter()
            .any(|(n, _)| n == "Cookie")));
    }

    #[test]
    fn rate_limit_spaces_requests() {
        let limit = RateLimit::new(Some(200.0));
        let start = Instant::now();
        for _ in 0..5 {
            limit.wait();
        }
        assert!(
            start.elapsed() >= Duration::from_millis(18),
            "{:?}",
            start.elapsed()
        );
    }
}

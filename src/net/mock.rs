//! [`MockTransport`]: a scripted [`Transport`] for testing the commands without a network.
//!
//! Each scripted step pairs a matcher with an outcome. `send` records the request, then consumes
//! the first unused step that matches it; a request nothing matches gets a `protocol` error naming
//! it, so a test sees the unexpected request instead of a panic deep in the command.

use super::error::{NetStage, TransportError};
use super::{Transport, WireRequest, WireResponse};

type Matcher = Box<dyn Fn(&WireRequest) -> bool>;

/// Scripted responses plus a log of every request sent.
#[derive(Default)]
pub(crate) struct MockTransport {
    steps: Vec<Step>,
    /// Every request passed to `send`, in order.
    pub sent: Vec<WireRequest>,
}

struct Step {
    matcher: Matcher,
    outcome: Result<WireResponse, TransportError>,
    used: bool,
}

#[allow(dead_code)] // used by the check command's tests
impl MockTransport {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Answer the next request whose method (exact) and URL (parsed, so normalised) match.
    pub(crate) fn on(self, method: &str, url: &str, outcome: Result<WireResponse, TransportError>) -> Self {
        let method = method.to_owned();
        let url = url::Url::parse(url).map_or_else(|_| url.to_owned(), String::from);
        self.on_fn(
            move |req| req.method == method && req.url.as_str() == url,
            outcome,
        )
    }

    /// Answer the next request `matcher` accepts.
    pub(crate) fn on_fn(
        mut self,
        matcher: impl Fn(&WireRequest) -> bool + 'static,
        outcome: Result<WireResponse, TransportError>,
    ) -> Self {
        self.steps.push(Step {
            matcher: Box::new(matcher),
            outcome,
            used: false,
        });
        self
    }

    /// Steps never consumed (a test can assert the command sent everything it should).
    pub(crate) fn unused(&self) -> usize {
        self.steps.iter().filter(|s| !s.used).count()
    }
}

impl Transport for MockTransport {
    fn send(&mut self, req: &WireRequest) -> Result<WireResponse, TransportError> {
        self.sent.push(req.clone());
        let step = self.steps.iter_mut().find(|s| !s.used && (s.matcher)(req));
        match step {
            Some(step) => {
                step.used = true;
                step.outcome.clone()
            }
            None => Err(TransportError {
                stage: NetStage::Protocol,
                message: format!(
                    "mock transport: no scripted response for {} {}",
                    req.method, req.url
                ),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, url: &str) -> WireRequest {
        WireRequest {
            method: method.into(),
            url: url::Url::parse(url).unwrap(),
            headers: vec![],
            body: None,
        }
    }

    #[test]
    fn steps_are_consumed_in_order_and_requests_recorded() {
        let refused = TransportError {
            stage: NetStage::Connect,
            message: "connection refused (h:1)".into(),
        };
        let mut mock = MockTransport::new()
            .on(
                "OPTIONS",
                "http://h:1/x",
                Ok(WireResponse::new(204).with_header("A", "b")),
            )
            .on("GET", "http://h:1/x", Ok(WireResponse::new(200)))
            .on_fn(|r| r.method == "GET", Err(refused.clone()));
        assert_eq!(mock.send(&req("OPTIONS", "http://h:1/x")).unwrap().status, 204);
        assert_eq!(mock.send(&req("GET", "http://h:1/x")).unwrap().status, 200);
        assert_eq!(mock.send(&req("GET", "http://h:1/x")).unwrap_err(), refused);
        let err = mock.send(&req("GET", "http://h:1/x")).unwrap_err();
        assert!(err.message.contains("no scripted response for GET http://h:1/x"));
        assert_eq!((mock.sent.len(), mock.unused()), (4, 0));
    }
}

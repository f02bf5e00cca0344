//! The proxy side of the mock: a proxied provider's requests go to its
//! real upstream (`upstream`), both directions checked against the
//! documents, each exchange optionally recorded (`cassette`), and what
//! departs from the documents kept (`violations`). With `--replay`,
//! recorded exchanges answer instead of the generated ones.

pub(crate) mod cassette;
pub(crate) mod upstream;
pub(crate) mod violations;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

use crate::ci::journal::Secrets;
use crate::model::{Operation, Provider};
use crate::pipeline::render::mock_error;
use crate::pipeline::request::Incoming;
use crate::pipeline::routes::{RouteMatch, find};
use cassette::{Cassette, Cassettes, Loaded, Recorder};
pub(crate) use upstream::Upstreams;
pub use upstream::{DEFAULT_TIMEOUT, ProxyError};
use upstream::{request_violations, response_violations};
use violations::{Violation, Violations};

/// What the upstream answered, and what was found departing from the documents.
pub(crate) struct Proxied {
    /// The upstream's answer as it came, or `502`.
    pub response: Response,
    /// The operation the request matched, if any.
    pub operation_id: Option<&'static str>,
    /// Both directions' violations.
    pub violations: Vec<Violation>,
}

/// The proxy's part of the server's state.
#[derive(Default)]
pub(crate) struct Proxy {
    /// The proxied providers' upstreams (`--proxy`).
    pub upstreams: Option<Upstreams>,
    /// Where proxied exchanges are recorded (`--record`).
    pub recorder: Option<Arc<Recorder>>,
    /// Recorded exchanges to answer with (`--replay`).
    pub cassettes: Option<Cassettes>,
    /// What the proxy and the cassettes found departing from the documents.
    pub violations: Violations,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("upstreams", &self.upstreams)
            .field("recorder", &self.recorder)
            .field("violations", &self.violations)
            .finish_non_exhaustive()
    }
}

impl Proxy {
    /// The upstream of `provider`, if its requests are proxied.
    pub fn upstreams_for(&self, provider: &str) -> Option<&Upstreams> {
        self.upstreams.as_ref().filter(|u| u.proxies(provider))
    }

    /// Whether anything can find violations (a proxy or cassettes).
    pub fn active(&self) -> bool {
        self.upstreams.is_some() || self.cassettes.is_some()
    }
}

/// Forwards a request to `provider`'s upstream, checks both directions,
/// records the exchange (`--record`, redacted with `secrets`) and returns
/// the upstream's answer as it came.
pub(crate) async fn proxied(
    proxy: &Proxy,
    upstreams: &Upstreams,
    secrets: &Secrets,
    provider: &'static Provider,
    rest: &str,
    request: &Incoming,
) -> Proxied {
    let matched = match find(provider.operations, request.method.as_str(), rest) {
        RouteMatch::Found(operation, params) => Some((operation, params)),
        RouteMatch::MethodNotAllowed(_) | RouteMatch::NotFound => None,
    };
    let forwarded = upstreams.forward(provider.name, rest, request).await;
    let status = forwarded
        .as_ref()
        .ok()
        .map(|exchange| exchange.status.as_u16());
    let mut violations = request_violations(
        provider.name,
        matched
            .as_ref()
            .map(|(operation, params)| (*operation, params)),
        request,
        status,
    );
    let response = match forwarded {
        Ok(exchange) => {
            if let Some((operation, _)) = &matched {
                violations.extend(response_violations(
                    provider.name,
                    operation,
                    exchange.status.as_u16(),
                    &exchange.headers,
                    &exchange.body,
                ));
                if let Some(recorder) = &proxy.recorder {
                    let cassette = Cassette::record(
                        provider.name,
                        operation.operation_id,
                        rest,
                        request,
                        &exchange,
                        secrets,
                    );
                    record(recorder.clone(), cassette).await;
                }
            }
            let mut response = Response::new(Body::from(exchange.body));
            *response.status_mut() = exchange.status;
            *response.headers_mut() = exchange.headers;
            response
        }
        Err(unreachable) => {
            tracing::warn!(provider = provider.name, reason = %unreachable.reason, "upstream unreachable");
            mock_error(
                StatusCode::BAD_GATEWAY,
                "upstream_unreachable",
                &unreachable.message(),
            )
        }
    };
    proxy.violations.report(&violations);
    Proxied {
        response,
        operation_id: matched.map(|(operation, _)| operation.operation_id),
        violations,
    }
}

/// Writes a cassette off the async threads; a failure is a warning, not a failed request.
async fn record(recorder: Arc<Recorder>, cassette: Cassette) {
    let written = tokio::task::spawn_blocking(move || recorder.write(&cassette)).await;
    match written {
        Ok(Ok(path)) => tracing::debug!(cassette = %path.display(), "recorded"),
        Ok(Err(error)) => tracing::warn!(%error, "cannot write a cassette"),
        Err(error) => tracing::warn!(%error, "cannot write a cassette"),
    }
}

/// The cassette recorded for this request (`--replay`), if any.
pub(crate) fn replay(
    proxy: &Proxy,
    secrets: &Secrets,
    provider: &'static Provider,
    operation: &'static Operation,
    rest: &str,
    request: &Incoming,
) -> Option<Arc<Loaded>> {
    let cassettes = proxy.cassettes.as_ref()?;
    let query = request.uri.query().map(|q| secrets.redact_query(q));
    let loaded = cassettes.take(
        provider.name,
        operation.operation_id,
        &request.method,
        rest,
        query,
    )?;
    if !loaded.violations.is_empty() {
        tracing::warn!(
            cassette = %loaded.file,
            violations = loaded.violations.len(),
            "replaying a stale cassette"
        );
    }
    Some(loaded)
}

/// A cassette's answer, marked `X-Mock-Replay: <file>`.
pub(crate) fn replayed(loaded: &Loaded) -> Response {
    let mut response = Response::new(Body::from(loaded.body.clone()));
    *response.status_mut() = loaded.status;
    *response.headers_mut() = loaded.headers.clone();
    if let Ok(file) = HeaderValue::try_from(loaded.file.as_str()) {
        response.headers_mut().insert("x-mock-replay", file);
    }
    response
}

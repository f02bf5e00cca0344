//! Injected faults: the next `times` matching requests fail the way real
//! providers and gateways fail (a status the document may not declare, a
//! delay, a dropped or truncated connection), then normal answers resume.
//!
//! Defined as data (`POST /__mock/faults` JSON, or [`Fault`] in process);
//! the runtime still names no provider.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use axum::body::{Body, to_bytes};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::model::Operation;
use crate::mount::Mount;
use crate::pipeline::events::Streamed;
use crate::pipeline::render;
use crate::serve::Abort;

/// Longest delay a fault may ask for: a CI job must not hang on a typo.
pub const MAX_DELAY_MS: u64 = 5 * 60 * 1000;

/// How a fault breaks the exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultKind {
    /// Drop the connection with a TCP reset, sending nothing.
    Reset,
    /// Close the connection cleanly before answering.
    Close,
    /// Send the headers and half the body, then close.
    Truncate,
    /// Wait `delay_ms`, then answer normally.
    Delay,
}

/// A fault to inject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// Only this provider's requests; `None`: every provider.
    #[serde(default)]
    pub provider: Option<String>,
    /// Only this operation's requests; `None`: every operation.
    #[serde(default)]
    pub operation_id: Option<String>,
    /// How many matching requests it answers (default 1).
    #[serde(default = "one")]
    pub times: u32,
    /// The status to answer with instead of the normal one; may be one the
    /// document does not declare (gateways answer 502, 503, 504).
    #[serde(default)]
    pub status: Option<u16>,
    /// Headers to add, e.g. `Retry-After`.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Milliseconds to wait before answering (or breaking the connection).
    #[serde(default)]
    pub delay_ms: u64,
    /// How to break the exchange, if at all.
    #[serde(default)]
    pub fault: Option<FaultKind>,
}

fn one() -> u32 {
    1
}

impl Default for Fault {
    fn default() -> Self {
        Self {
            provider: None,
            operation_id: None,
            times: 1,
            status: None,
            headers: BTreeMap::new(),
            delay_ms: 0,
            fault: None,
        }
    }
}

/// Why a fault definition is refused (`400` over HTTP).
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum InvalidFault {
    /// Not the JSON shape of a fault.
    #[error("not a fault definition: {0}")]
    Shape(String),
    /// `times` is 0.
    #[error("`times` must be at least 1")]
    NoTimes,
    /// A status outside 100-599.
    #[error("`status` {0} is not an HTTP status (100-599)")]
    Status(u16),
    /// Nothing to do.
    #[error("a fault needs at least one of `status`, `fault` or `delay_ms`")]
    Empty,
    /// `delay` without a delay, or too long a delay.
    #[error("`delay_ms` must be between 1 and {MAX_DELAY_MS} for `fault: delay` (got {0})")]
    Delay(u64),
    /// A status or headers with a fault that sends no answer.
    #[error("`fault: {0}` sends no answer, so `status` and `headers` cannot apply")]
    NoAnswer(&'static str),
    /// A header that cannot be sent.
    #[error("header `{0}` has an invalid name or value")]
    Header(String),
    /// No such provider is served.
    #[error("no provider `{0}` is served; served: {1}")]
    Provider(String, String),
    /// No such operation.
    #[error("no operation `{0}`{1}")]
    Operation(String, String),
}

impl Fault {
    /// Checks the definition against what is served.
    pub fn validate(&self, mounts: &[Mount]) -> Result<(), InvalidFault> {
        if self.times == 0 {
            return Err(InvalidFault::NoTimes);
        }
        if let Some(status) = self.status
            && !(100..=599).contains(&status)
        {
            return Err(InvalidFault::Status(status));
        }
        if self.status.is_none() && self.fault.is_none() && self.delay_ms == 0 {
            return Err(InvalidFault::Empty);
        }
        if self.delay_ms > MAX_DELAY_MS
            || (self.fault == Some(FaultKind::Delay) && self.delay_ms == 0)
        {
            return Err(InvalidFault::Delay(self.delay_ms));
        }
        if let Some(kind @ (FaultKind::Reset | FaultKind::Close)) = self.fault
            && (self.status.is_some() || !self.headers.is_empty())
        {
            let name = if kind == FaultKind::Reset {
                "reset"
            } else {
                "close"
            };
            return Err(InvalidFault::NoAnswer(name));
        }
        for (name, value) in &self.headers {
            if HeaderName::try_from(name.as_str()).is_err() || HeaderValue::try_from(value).is_err()
            {
                return Err(InvalidFault::Header(name.clone()));
            }
        }
        let served: Vec<&Mount> = match &self.provider {
            Some(name) => {
                let mount = mounts
                    .iter()
                    .find(|m| m.provider.name == name)
                    .ok_or_else(|| {
                        let names: Vec<&str> = mounts.iter().map(|m| m.provider.name).collect();
                        InvalidFault::Provider(name.clone(), names.join(", "))
                    })?;
                vec![mount]
            }
            None => mounts.iter().collect(),
        };
        if let Some(id) = &self.operation_id {
            let known = served
                .iter()
                .any(|m| m.provider.operations.iter().any(|o| o.operation_id == id));
            if !known {
                let scope = match &self.provider {
                    Some(name) => format!(" in provider `{name}`"),
                    None => " in any served provider".into(),
                };
                return Err(InvalidFault::Operation(id.clone(), scope));
            }
        }
        Ok(())
    }

    fn matches(&self, provider: &str, operation_id: &str) -> bool {
        self.provider.as_deref().is_none_or(|p| p == provider)
            && self
                .operation_id
                .as_deref()
                .is_none_or(|o| o == operation_id)
    }
}

/// An active fault, as `GET /__mock/faults` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ActiveFault {
    /// Its id, as `POST /__mock/faults` answered.
    pub id: u64,
    /// Matching requests it will still answer.
    pub remaining: u32,
    /// The definition.
    #[serde(flatten)]
    pub fault: Fault,
}

/// The faults in force; checked in order of injection.
#[derive(Debug, Default)]
pub struct Faults {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    active: Vec<ActiveFault>,
}

impl Faults {
    /// Adds a (validated) fault and returns its id.
    pub fn inject(&self, fault: Fault) -> u64 {
        let mut state = self.lock();
        state.next_id += 1;
        let id = state.next_id;
        state.active.push(ActiveFault {
            id,
            remaining: fault.times,
            fault,
        });
        id
    }

    /// The first active fault matching the request, counted as used; it is
    /// removed once its `times` are spent.
    pub fn take(&self, provider: &str, operation_id: &str) -> Option<(u64, Fault)> {
        let mut state = self.lock();
        // Nothing injected is the common case: no allocation, one lock.
        let index = state
            .active
            .iter()
            .position(|active| active.fault.matches(provider, operation_id))?;
        let active = &mut state.active[index];
        active.remaining -= 1;
        let taken = (active.id, active.fault.clone());
        if active.remaining == 0 {
            state.active.remove(index);
        }
        Some(taken)
    }

    /// The active faults with their remaining counts.
    pub fn list(&self) -> Vec<ActiveFault> {
        self.lock().active.clone()
    }

    /// Removes every fault.
    pub fn clear(&self) {
        self.lock().active.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A fault's status: the operation's declared answer for it where there is
/// one, else a JSON body saying it is injected.
pub(crate) fn fault_answer(id: u64, status: u16, operation: &Operation) -> Response {
    match operation.responses.iter().find(|r| r.status == status) {
        Some(declared) => render::declared(declared, declared.examples.first()),
        None => {
            let body = json!({
                "error": "injected_fault",
                "message": format!("fault {id} answers {status}, which the document does not declare"),
            });
            let mut response = (
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                body.to_string(),
            )
                .into_response();
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
    }
}

/// Marks a fault's answer (`X-Mock-Fault`), adds its headers, and cuts its
/// body in half for `truncate`.
pub(crate) async fn apply_fault(mut response: Response, id: u64, fault: &Fault) -> Response {
    if response.extensions().get::<Abort>().is_some() {
        return response;
    }
    let headers = response.headers_mut();
    headers.insert("x-mock-fault", HeaderValue::from(id));
    for (name, value) in &fault.headers {
        // Checked when the fault was injected.
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            headers.insert(name, value);
        }
    }
    if fault.fault != Some(FaultKind::Truncate) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    if let Some(streamed) = parts.extensions.get::<Streamed>().copied() {
        // An event stream is cut after half its events, never read whole:
        // it may be longer than memory.
        let half = body.into_data_stream().take((streamed.events / 2) as usize);
        let cut = futures_util::stream::once(async {
            tokio::task::yield_now().await;
            Err(axum::Error::new(std::io::Error::other(
                "event stream cut by an injected fault",
            )))
        });
        return Response::from_parts(parts, Body::from_stream(half.chain(cut)));
    }
    let full = to_bytes(body, usize::MAX).await.unwrap_or_default();
    if full.is_empty() {
        // Nothing to cut: break the connection instead of answering.
        let mut response = Response::from_parts(parts, Body::empty());
        response.extensions_mut().insert(Abort::Close);
        return response;
    }
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(full.len()));
    let half = futures_util::stream::iter([Ok(full.slice(..full.len() / 2))]);
    // Pending once before failing, so hyper writes out the head and the half
    // body before the error makes it drop the connection.
    let cut = futures_util::stream::once(async {
        tokio::task::yield_now().await;
        Err(std::io::Error::other("body truncated by an injected fault"))
    });
    Response::from_parts(parts, Body::from_stream(half.chain(cut)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mounts() -> Vec<Mount> {
        crate::tests::vendored(Some("chamelio"))
    }

    fn parse(json: &str) -> Result<Fault, InvalidFault> {
        let fault: Fault =
            serde_json::from_str(json).map_err(|e| InvalidFault::Shape(e.to_string()))?;
        fault.validate(&mounts())?;
        Ok(fault)
    }

    #[test]
    fn definitions_are_checked() {
        assert!(parse(r#"{"status": 503, "headers": {"Retry-After": "1"}}"#).is_ok());
        assert!(
            parse(r#"{"provider": "chamelio", "operation_id": "cancelTask", "fault": "reset"}"#)
                .is_ok()
        );
        assert_eq!(
            parse(r#"{"times": 0, "status": 503}"#),
            Err(InvalidFault::NoTimes)
        );
        assert_eq!(parse(r#"{"status": 700}"#), Err(InvalidFault::Status(700)));
        assert_eq!(parse(r#"{}"#), Err(InvalidFault::Empty));
        assert_eq!(parse(r#"{"fault": "delay"}"#), Err(InvalidFault::Delay(0)));
        assert_eq!(
            parse(r#"{"fault": "reset", "status": 503}"#),
            Err(InvalidFault::NoAnswer("reset"))
        );
        assert!(matches!(
            parse(r#"{"provider": "nope", "status": 503}"#),
            Err(InvalidFault::Provider(..))
        ));
        assert!(matches!(
            parse(r#"{"provider": "chamelio", "operation_id": "nope", "status": 503}"#),
            Err(InvalidFault::Operation(..))
        ));
        assert!(matches!(
            parse(r#"{"status": 503, "colour": 1}"#),
            Err(InvalidFault::Shape(_))
        ));
        assert!(matches!(
            parse(r#"{"fault": "explode"}"#),
            Err(InvalidFault::Shape(_))
        ));
    }

    #[test]
    fn faults_answer_their_times_then_stop() {
        let faults = Faults::default();
        let id = faults.inject(Fault {
            provider: Some("a".into()),
            times: 2,
            status: Some(503),
            ..Fault::default()
        });
        assert_eq!(faults.take("b", "x"), None);
        assert_eq!(faults.list()[0].remaining, 2);
        assert_eq!(faults.take("a", "x").map(|(i, _)| i), Some(id));
        assert_eq!(faults.list()[0].remaining, 1);
        assert_eq!(faults.take("a", "y").map(|(i, _)| i), Some(id));
        assert_eq!(faults.take("a", "x"), None);
        assert!(faults.list().is_empty());
        faults.inject(Fault {
            status: Some(500),
            ..Fault::default()
        });
        faults.clear();
        assert_eq!(faults.take("a", "x"), None);
    }
}

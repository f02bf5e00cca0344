//! The mock's own API under `/__mock/`: what is served, readiness, the
//! request journal, fault injection, resource states, and the contract
//! violations the proxy found. Never journaled, never faulted.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::ci::faults::{Fault, InvalidFault};
use crate::ci::journal::{Entry, Filter};
use crate::mount::Mount;
use crate::pipeline::render::mock_error;
use crate::pipeline::request::form_decode;
use crate::pipeline::state::{ResourceState, StateError};
use crate::shared::Shared;

/// The `/__mock/*` routes.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__mock/routes", get(routes_document))
        .route("/__mock/health", get(health))
        .route("/__mock/requests", get(requests).delete(clear_requests))
        .route(
            "/__mock/faults",
            get(faults).post(inject_fault).delete(clear_faults),
        )
        .route("/__mock/state", get(states).post(seed_state))
        .route("/__mock/state/reset", post(reset_state))
        .route(
            "/__mock/violations",
            get(violations).delete(clear_violations),
        )
        .route(
            "/__mock/webhooks",
            get(deliveries).post(send_webhook).delete(clear_deliveries),
        )
}

/// `GET /__mock/webhooks`: every delivery, oldest first, with its attempts.
async fn deliveries(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({ "deliveries": shared.webhooks.list() }))
}

/// `DELETE /__mock/webhooks`: forgets the deliveries (those under way go on).
async fn clear_deliveries(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.webhooks.clear();
    StatusCode::NO_CONTENT
}

/// `POST /__mock/webhooks` `{"provider", "webhook", "url", "payload"?}`:
/// `202` with the delivery's id; the delivery goes on in the background.
async fn send_webhook(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match shared.webhooks.send(&shared.served().mounts, &body) {
        Ok(accepted) => (StatusCode::ACCEPTED, Json(accepted)).into_response(),
        Err(why) => mock_error(StatusCode::BAD_REQUEST, "invalid_webhook", &why),
    }
}

/// `GET /__mock/violations`: how proxied exchanges (and stale cassettes)
/// depart from the documents, oldest first.
async fn violations(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({ "violations": shared.proxy.violations.list() }))
}

/// `DELETE /__mock/violations`: forgets them (the shutdown summary still counts them).
async fn clear_violations(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.proxy.violations.clear();
    StatusCode::NO_CONTENT
}

/// `GET /__mock/routes`: every provider, its base URL, its operations and
/// the documents' operations it does not serve (with why).
async fn routes_document(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Json<Value> {
    // Base URLs as the client reached this server.
    let origin = headers
        .get(axum::http::header::HOST)
        .and_then(|host| host.to_str().ok())
        .map(|host| format!("http://{host}"))
        .unwrap_or_default();
    Json(routes_json(&shared.served().mounts, &origin))
}

/// `GET /__mock/health`: `{"status": "ok"}` once the server answers
/// requests (a readiness probe for containers and orchestrators).
async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The routes document, with base URLs under `origin` (e.g. `http://127.0.0.1:4010`).
pub fn routes_json(mounts: &[Mount], origin: &str) -> Value {
    let providers: Vec<Value> = mounts
        .iter()
        .map(|mount| {
            let operations: Vec<Value> = mount
                .provider
                .operations
                .iter()
                .map(|op| {
                    json!({
                        "method": op.method,
                        "path": op.path,
                        "operation_id": op.operation_id,
                        "statuses": op.responses.iter().map(|r| r.status).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let skipped: Vec<Value> = mount
                .provider
                .skipped
                .iter()
                .map(|s| json!({"operation": s.operation, "at": s.at, "reason": s.reason}))
                .collect();
            json!({
                "name": mount.provider.name,
                "title": mount.provider.title,
                "base_url": format!("{origin}{}", mount.base_path),
                "documents": mount.provider.documents,
                "operations": operations,
                "skipped": skipped,
            })
        })
        .collect();
    json!({ "providers": providers })
}

/// `GET /__mock/requests[?operation_id=&provider=&status=]`: the journal, oldest first.
async fn requests(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    match journal_filter(query.as_deref()) {
        Ok(filter) => {
            let entries = shared.journal.entries(&filter);
            let entries: Vec<&Entry> = entries.iter().map(|entry| &**entry).collect();
            Json(json!({ "requests": entries })).into_response()
        }
        Err(message) => mock_error(StatusCode::BAD_REQUEST, "invalid_filter", &message),
    }
}

/// Reads `operation_id`, `provider` and `status`; other parameters are an error.
fn journal_filter(query: Option<&str>) -> Result<Filter, String> {
    let mut filter = Filter::default();
    for pair in query.into_iter().flat_map(|q| q.split('&')) {
        if pair.is_empty() {
            continue;
        }
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = form_decode(value).into_owned();
        match &*form_decode(name) {
            "operation_id" => filter.operation_id = Some(value),
            "provider" => filter.provider = Some(value),
            "status" => {
                let status = value
                    .parse()
                    .map_err(|_| format!("`status={value}` is not a status code"))?;
                filter.status = Some(status);
            }
            other => {
                return Err(format!(
                    "unknown filter `{other}`; filters: operation_id, provider, status"
                ));
            }
        }
    }
    Ok(filter)
}

/// `DELETE /__mock/requests`: empties the journal.
async fn clear_requests(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.journal.clear();
    StatusCode::NO_CONTENT
}

/// `GET /__mock/faults`: the active faults with their remaining counts.
async fn faults(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({ "faults": shared.faults.list() }))
}

/// `POST /__mock/faults`: injects a fault; `201 {"id": N}`, or `400` saying
/// what is wrong with the definition.
async fn inject_fault(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let fault = serde_json::from_slice::<Fault>(&body)
        .map_err(|error| InvalidFault::Shape(error.to_string()))
        .and_then(|fault| fault.validate(&shared.served().mounts).map(|()| fault));
    match fault {
        Ok(fault) => {
            let id = shared.faults.inject(fault);
            (StatusCode::CREATED, Json(json!({ "id": id }))).into_response()
        }
        Err(error) => mock_error(StatusCode::BAD_REQUEST, "invalid_fault", &error.to_string()),
    }
}

/// `DELETE /__mock/faults`: removes every fault.
async fn clear_faults(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.faults.clear();
    StatusCode::NO_CONTENT
}

/// `GET /__mock/state`: whether the mock is stateful, and every resource it remembers.
async fn states(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({
        "stateful": shared.states.enabled(),
        "resources": shared.states.list(&shared.served().mounts),
    }))
}

/// `POST /__mock/state`: puts one resource in a state; `204`, or `400`
/// saying what is wrong.
async fn seed_state(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let seeded = serde_json::from_slice::<ResourceState>(&body)
        .map_err(|error| StateError::Shape(error.to_string()))
        .and_then(|seed| shared.states.seed(&shared.served().mounts, &seed));
    match seeded {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => mock_error(StatusCode::BAD_REQUEST, "invalid_state", &error.to_string()),
    }
}

/// `POST /__mock/state/reset`: forgets every resource.
async fn reset_state(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.states.reset();
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_filters() {
        let filter = journal_filter(Some("operation_id=a.b&provider=p&status=404")).unwrap();
        assert_eq!(filter.operation_id.as_deref(), Some("a.b"));
        assert_eq!(filter.provider.as_deref(), Some("p"));
        assert_eq!(filter.status, Some(404));
        assert!(journal_filter(Some("status=x")).is_err());
        assert!(journal_filter(Some("colour=red")).is_err());
        assert!(journal_filter(None).unwrap().status.is_none());
    }
}

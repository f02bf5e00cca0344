//! The HTTP side: one axum fallback handler that routes, authenticates,
//! validates and answers, plus `GET /__mock/routes` and `GET /__mock/health`.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{ALLOW, AUTHORIZATION, CONTENT_TYPE, COOKIE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::limits;
use crate::model::{Credential, ErrorReply, Location, Operation, Provider, RequestBody};
use crate::respond::{Preference, error_body, form_decode, select};
use crate::routes::{RouteMatch, find};
use crate::validate::{Problem, check_parameter, check_value};

/// A provider mounted at a base path on this server.
#[derive(Debug, Clone)]
pub struct Mount {
    /// The provider.
    pub provider: &'static Provider,
    /// Its base path: `/akua/v1` when serving everything, `/v1` with `--provider akua`.
    pub base_path: String,
}

/// What the handler needs; shared by every request.
pub struct Shared {
    /// The mounted providers.
    pub mounts: Vec<Mount>,
    /// Accepted credentials; `None` accepts any non-empty one.
    pub api_keys: Option<HashSet<String>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("mounts", &self.mounts)
            .field(
                "api_keys",
                &self.api_keys.as_ref().map(|k| crate::Redacted(k.len())),
            )
            .finish()
    }
}

/// The server's routes.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/__mock/routes", get(routes))
        .route("/__mock/health", get(health))
        .fallback(handle)
        .with_state(shared)
}

/// `GET /__mock/routes`: every provider, its base URL and operations.
async fn routes(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Json<Value> {
    // Base URLs as the client reached this server.
    let origin = headers
        .get(axum::http::header::HOST)
        .and_then(|host| host.to_str().ok())
        .map(|host| format!("http://{host}"))
        .unwrap_or_default();
    Json(routes_json(&shared.mounts, &origin))
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
            json!({
                "name": mount.provider.name,
                "title": mount.provider.title,
                "base_url": format!("{origin}{}", mount.base_path),
                "documents": mount.provider.documents,
                "operations": operations,
            })
        })
        .collect();
    json!({ "providers": providers })
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let uri = request.uri().clone();
    let (response, operation) = answer(&shared, request).await;
    tracing::info!(
        method = %method,
        path = %truncate(uri.path(), 256),
        operation = operation.unwrap_or("-"),
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

async fn answer(shared: &Shared, request: Request) -> (Response, Option<&'static str>) {
    if let Err(exceeded) = limits::check_head(request.uri(), request.headers()) {
        return (refuse_oversized(exceeded), None);
    }
    let path = request.uri().path();
    let Some((mount, rest)) = mount_for(&shared.mounts, path) else {
        let message = format!("no API is served under {}", truncate(path, 256));
        return (
            mock_error(StatusCode::NOT_FOUND, "not_found", &message),
            None,
        );
    };
    let operation = match find(mount.provider.operations, request.method().as_str(), rest) {
        RouteMatch::Found(operation, params) => (operation, params),
        RouteMatch::MethodNotAllowed(allowed) => {
            let message = format!(
                "{} {} is not an operation of {}; allowed: {}",
                request.method(),
                truncate(rest, 256),
                mount.provider.name,
                allowed.join(", ")
            );
            let mut response = mock_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                &message,
            );
            if let Ok(allow) = HeaderValue::from_str(&allowed.join(", ")) {
                response.headers_mut().insert(ALLOW, allow);
            }
            return (response, None);
        }
        RouteMatch::NotFound => {
            let message = format!(
                "{} has no operation at {}",
                mount.provider.name,
                truncate(rest, 256)
            );
            return (
                mock_error(StatusCode::NOT_FOUND, "not_found", &message),
                None,
            );
        }
    };
    let (operation, path_params) = operation;
    (
        respond(shared, operation, path_params, request).await,
        Some(operation.operation_id),
    )
}

async fn respond(
    shared: &Shared,
    operation: &'static Operation,
    path_params: Vec<(&'static str, Option<String>)>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    // Read (bounded) on every route, so an oversized body is refused wherever it is sent.
    let Ok(body) = to_bytes(body, limits::MAX_BODY_BYTES).await else {
        return refuse_oversized(limits::Exceeded::Body);
    };
    let query = parts.uri.query().map(url_pairs).unwrap_or_default();
    if !authenticated(shared, operation, &parts.headers, &query) {
        return unauthorized(operation);
    }

    let mut problems = check_parameters(operation, &path_params, &query, &parts.headers);
    if let Some(expected) = &operation.request_body {
        check_body(expected, &parts.headers, &body, &mut problems);
    }
    if !problems.is_empty() {
        let reply = if problems
            .iter()
            .all(|p| p.location.first().is_some_and(|l| l == "path"))
        {
            &operation.invalid_path
        } else {
            &operation.invalid_request
        };
        return refuse(reply, &problems);
    }

    let prefer = parts.headers.get("prefer").and_then(|v| v.to_str().ok());
    let preference = Preference::read(prefer, parts.uri.query());
    match select(operation, &preference) {
        Ok((response, example)) => {
            let status =
                StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let builder = Response::builder().status(status);
            let built = match (response.content_type, example) {
                (Some(content_type), Some(example)) => builder
                    .header(CONTENT_TYPE, content_type)
                    .body(Body::from(example.body)),
                _ => builder.body(Body::empty()),
            };
            built.unwrap_or_else(|_| internal())
        }
        Err(error) => mock_error(
            StatusCode::BAD_REQUEST,
            "mock_selection",
            &error.to_string(),
        ),
    }
}

/// The operation's refusal of a request without valid credentials.
fn unauthorized(operation: &Operation) -> Response {
    let location = match operation.security.first().and_then(|a| a.first()) {
        Some(Credential::Header(name)) => vec!["header".into(), (*name).into()],
        Some(Credential::Query(name)) => vec!["query".into(), (*name).into()],
        Some(Credential::Cookie(name)) => vec!["cookie".into(), (*name).into()],
        _ => vec!["header".into(), "Authorization".into()],
    };
    let problem = Problem::new(
        location,
        "Not authenticated: missing or invalid credentials",
        "not_authenticated",
    );
    let mut response = refuse(&operation.unauthorized, &[problem]);
    let bearer = operation
        .security
        .iter()
        .any(|alternative| alternative.iter().any(|c| matches!(c, Credential::Bearer)));
    if bearer {
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// Every parameter against its schema; required ones must be present.
fn check_parameters(
    operation: &Operation,
    path_params: &[(&'static str, Option<String>)],
    query: &[(String, String)],
    headers: &HeaderMap,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for parameter in operation.parameters {
        // Outer `None`: absent; inner `None`: present but not UTF-8.
        let raw: Option<Option<String>> = match parameter.location {
            Location::Path => path_params
                .iter()
                .find(|(name, _)| *name == parameter.name)
                .map(|(_, value)| value.clone()),
            Location::Query => query_value(query, parameter.name).map(|v| Some(v.to_string())),
            Location::Header => headers
                .get(parameter.name)
                .map(|v| v.to_str().ok().map(str::to_string)),
            Location::Cookie => cookie(headers, parameter.name).map(Some),
        };
        match raw {
            Some(value) => check_parameter(
                parameter.location,
                parameter.name,
                value.as_deref(),
                parameter.schema,
                &mut problems,
            ),
            None if parameter.required => problems.push(Problem::new(
                vec![parameter.location.as_str().into(), parameter.name.into()],
                "Field required",
                "missing",
            )),
            None => {}
        }
    }
    problems
}

/// A JSON request body: present if required, the declared content type, valid JSON, valid against its schema.
fn check_body(
    expected: &RequestBody,
    headers: &HeaderMap,
    bytes: &[u8],
    problems: &mut Vec<Problem>,
) {
    if bytes.is_empty() {
        if expected.required {
            problems.push(Problem::new(
                vec!["body".into()],
                "Field required",
                "missing",
            ));
        }
        return;
    }
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case(expected.media_type) {
        problems.push(Problem::new(
            vec!["header".into(), "content-type".into()],
            format!("Content-Type should be {}", expected.media_type),
            "content_type",
        ));
        return;
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => check_value(expected.schema, &value, &["body".into()], problems),
        Err(error) => problems.push(Problem::new(
            vec!["body".into()],
            format!("JSON decode error: {error}"),
            "json_invalid",
        )),
    }
}

/// Whether any security alternative of `operation` is satisfied.
fn authenticated(
    shared: &Shared,
    operation: &Operation,
    headers: &HeaderMap,
    query: &[(String, String)],
) -> bool {
    if operation.security.is_empty() {
        return true;
    }
    let accepted = |key: Option<&str>| {
        key.is_some_and(|key| {
            !key.trim().is_empty()
                && shared
                    .api_keys
                    .as_ref()
                    .is_none_or(|keys| keys.contains(key))
        })
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let authorization = |scheme: &str| {
        header(AUTHORIZATION.as_str()).and_then(|value| {
            let (given, token) = value.split_once(' ')?;
            given.eq_ignore_ascii_case(scheme).then_some(token.trim())
        })
    };
    operation.security.iter().any(|alternative| {
        alternative.iter().all(|credential| match credential {
            Credential::Header(name) => accepted(header(name)),
            Credential::Query(name) => accepted(query_value(query, name)),
            Credential::Cookie(name) => accepted(cookie(headers, name).as_deref()),
            Credential::Bearer => accepted(authorization("Bearer")),
            Credential::Basic => accepted(authorization("Basic")),
        })
    })
}

/// A refusal in the API's own shape.
fn refuse(reply: &ErrorReply, problems: &[Problem]) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut builder = Response::builder().status(status);
    if !reply.declared {
        builder = builder.header("x-mock-undeclared-status", "true");
    }
    match (reply.content_type, error_body(reply, problems)) {
        (Some(content_type), Some(body)) => builder
            .header(CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap_or_else(|_| internal()),
        _ => builder.body(Body::empty()).unwrap_or_else(|_| internal()),
    }
}

/// `413`, `414` or `431`: a request beyond the mock's limits.
fn refuse_oversized(exceeded: limits::Exceeded) -> Response {
    mock_error(exceeded.status(), exceeded.kind(), &exceeded.to_string())
}

/// An answer from the mock itself (not from a document): JSON, marked `X-Mock-Error`.
fn mock_error(status: StatusCode, error: &'static str, message: &str) -> Response {
    let mut response =
        (status, Json(json!({ "error": error, "message": message }))).into_response();
    response
        .headers_mut()
        .insert("x-mock-error", HeaderValue::from_static(error));
    response
}

fn internal() -> Response {
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// The mount whose base path is the longest prefix of `path`, and the rest.
fn mount_for<'a>(mounts: &'a [Mount], path: &'a str) -> Option<(&'a Mount, &'a str)> {
    mounts
        .iter()
        .filter_map(|mount| {
            let rest = path.strip_prefix(mount.base_path.as_str())?;
            (rest.is_empty() || rest.starts_with('/')).then_some((mount, rest))
        })
        .max_by_key(|(mount, _)| mount.base_path.len())
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

fn query_value<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// Decodes `a=1&b=x%20y` (form encoding: `+` is a space).
fn url_pairs(query: &str) -> Vec<(String, String)> {
    let decode = |text: &str| form_decode(text).into_owned();
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((index, _)) => &text[..index],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Schema, StringRules};

    static BODY: RequestBody = RequestBody {
        required: true,
        media_type: "application/json",
        schema: &Schema::Object {
            properties: &[(
                "name",
                Schema::String(StringRules {
                    min_length: Some(1),
                    max_length: None,
                    format: None,
                }),
            )],
            required: &["name"],
            additional: true,
        },
    };

    fn kinds(content_type: Option<&str>, body: &[u8]) -> Vec<&'static str> {
        let mut headers = HeaderMap::new();
        if let Some(content_type) = content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        }
        let mut problems = Vec::new();
        check_body(&BODY, &headers, body, &mut problems);
        problems.into_iter().map(|p| p.kind).collect()
    }

    #[test]
    fn request_bodies_are_checked() {
        let json = Some("application/json; charset=utf-8");
        assert!(kinds(json, br#"{"name": "x"}"#).is_empty());
        assert_eq!(kinds(json, b""), ["missing"]);
        assert_eq!(
            kinds(Some("text/plain"), br#"{"name": "x"}"#),
            ["content_type"]
        );
        assert_eq!(kinds(None, br#"{"name": "x"}"#), ["content_type"]);
        assert_eq!(kinds(json, br#"{"name": "#), ["json_invalid"]);
        assert_eq!(kinds(json, &[0x7b, 0xff, 0xfe, 0x7d]), ["json_invalid"]);
        assert_eq!(kinds(json, br#"{"name": ""}"#), ["string_too_short"]);
        assert_eq!(kinds(json, br#"{}"#), ["missing"]);
    }
}

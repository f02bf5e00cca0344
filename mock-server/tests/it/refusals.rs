//! Invalid input to every operation of every document the mock serves,
//! the corpus's too (real documents nobody here tuned the mock for): each
//! parameter value and each request body breaking one keyword of its
//! schema (`test_support::bad_values`, `test_support::bad_bodies`, decided
//! by the `jsonschema` crate, not the mock's evaluator) gets a client error
//! that names what is wrong, from the mock serving the document at run time.

use std::path::Path;

use axum::body::Body;
use axum::http::Request;
use mock_server::{Config, Spec};
use serde_json::Value;
use specs::{Operation, Provider};
use test_support::values::Arguments;
use test_support::{Credentials, DeclaredBody};
use tower::ServiceExt;

/// The credential sent (the mock takes any non-empty one by default).
const KEY: &str = "refusals-key";

#[tokio::test]
async fn every_broken_keyword_is_refused_naming_the_parameter_or_member() {
    let (mut refused, mut failures, mut unchecked) = (0, Vec::new(), Vec::new());
    for (directory, model) in crate::two_ways::generated() {
        let provider = specs::load_provider(&directory).expect("the document loads");
        let server = Server::new(&directory, model.server_path);
        for operation in &provider.operations {
            let document = &provider.documents[operation.document];
            let arguments = test_support::valid_arguments(document, operation);
            let credentials = test_support::credentials(operation, KEY);
            let name = format!("{} {}", provider.name, operation.operation_id);
            let Ok(body) = test_support::request_body(&provider, operation) else {
                unchecked.push(format!("{name}: no valid body"));
                continue;
            };
            // Only a call the mock takes as it is says anything when one
            // value in it is broken: asked for a declared status (a
            // success, where there is one), it gets that status.
            let Some(code) = declared_code(operation) else {
                unchecked.push(format!("{name}: no status declared by its code"));
                continue;
            };
            let prefer = ("prefer".to_string(), format!("code={code}"));
            let with_prefer = Credentials {
                headers: [credentials.headers.clone(), vec![prefer]].concat(),
                query: credentials.query.clone(),
            };
            let valid = server
                .send(operation, &arguments, &with_prefer, body.as_ref())
                .await;
            if valid.0 != code {
                unchecked.push(format!(
                    "{name}: the valid call got {}: {}",
                    valid.0,
                    String::from_utf8_lossy(&valid.2)
                ));
                continue;
            }
            for parameter in &operation.parameters {
                let carries = credentials.carries(parameter.location, &parameter.name);
                for bad in test_support::bad_values(document, parameter) {
                    if carries && bad.value.is_none() {
                        continue;
                    }
                    let mut arguments = arguments.clone();
                    match &bad.value {
                        Some(value) => arguments.insert(parameter.name.clone(), value.clone()),
                        None => arguments.remove(&parameter.name),
                    };
                    let credentials = credentials
                        .clone()
                        .without(parameter.location, &parameter.name);
                    let answer = server
                        .send(operation, &arguments, &credentials, body.as_ref())
                        .await;
                    refused += 1;
                    if let Err(why) = refusal(&provider, operation, &answer, &parameter.name) {
                        failures.push(format!("{name} {} ({}): {why}", parameter.name, bad.case));
                    }
                }
            }
            for bad in test_support::bad_bodies(&provider, operation).unwrap_or_default() {
                let answer = server
                    .send(operation, &arguments, &credentials, Some(&bad.body))
                    .await;
                refused += 1;
                if let Err(why) = refusal(&provider, operation, &answer, &bad.member) {
                    failures.push(format!("{name} body {} ({}): {why}", bad.pointer, bad.case));
                }
            }
        }
    }
    eprintln!(
        "{refused} invalid calls; {} operations unchecked:\n{}",
        unchecked.len(),
        unchecked.join("\n")
    );
    assert!(
        failures.is_empty(),
        "{} of {refused} invalid calls were not refused as they should be:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(refused > 1_500, "only {refused} invalid calls made");
}

/// The operation's first declared success code, else its first declared code.
fn declared_code(operation: &Operation) -> Option<u16> {
    let code = |response: &specs::Response| match response.status {
        specs::Status::Code(code) => Some(code),
        _ => None,
    };
    let responses = &operation.responses;
    responses
        .iter()
        .filter(|r| r.status.is_success())
        .find_map(code)
        .or_else(|| responses.iter().find_map(code))
}

/// A 4xx other than 401/403/407 (credentials were sent), its body the
/// declared one for that status (or the status marked undeclared), naming
/// `name` as a word of its own.
fn refusal(
    provider: &Provider,
    operation: &Operation,
    (status, marked, body): &(u16, bool, Vec<u8>),
    name: &str,
) -> Result<(), String> {
    if !(400..500).contains(status) || matches!(status, 401 | 403 | 407) {
        return Err(format!("answered {status}"));
    }
    let json = serde_json::from_slice::<Value>(body).ok();
    match test_support::declared_body(provider, operation, *status).map_err(|e| e.to_string())? {
        DeclaredBody::Undeclared if !marked => {
            return Err(format!("answered {status}, undeclared, without marking it"));
        }
        DeclaredBody::Json(validator) => {
            let json = json.as_ref().ok_or("the error body is not JSON")?;
            if let Some(first) = test_support::violations(&validator, json).first() {
                return Err(format!("the error body breaks the document: {first}"));
            }
        }
        _ => {}
    }
    match json {
        Some(json) if test_support::names_exactly(&json, name) => Ok(()),
        Some(json) => Err(format!("the error does not name `{name}`: {json}")),
        None => Ok(()),
    }
}

/// One document served by the mock at run time.
struct Server {
    router: axum::Router,
    base: String,
}

impl Server {
    fn new(directory: &Path, server_path: &str) -> Self {
        let config = Config {
            specs: vec![Spec {
                name: None,
                path: directory.to_owned(),
            }],
            journal: 0,
            ..Config::default()
        };
        Self {
            router: mock_server::router(&config).expect("the document serves"),
            base: server_path.to_string(),
        }
    }

    /// Status, whether it is marked undeclared, and body.
    async fn send(
        &self,
        operation: &Operation,
        arguments: &Arguments,
        credentials: &Credentials,
        body: Option<&Value>,
    ) -> (u16, bool, Vec<u8>) {
        let (target, headers) = test_support::request_target(operation, arguments);
        let uri = format!("{}{}", self.base, credentials.on_target(&target));
        let mut request = Request::builder()
            .method(operation.method.as_str())
            .uri(uri);
        for (name, value) in headers.iter().chain(&credentials.headers) {
            request = request.header(name.as_str(), value.as_str());
        }
        let body = match body {
            Some(body) => {
                request = request.header("content-type", "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).expect("a valid request"))
            .await
            .expect("infallible");
        let status = response.status().as_u16();
        let marked = response
            .headers()
            .get("x-mock-undeclared-status")
            .is_some_and(|v| v == "true");
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("a bounded body");
        (status, marked, body.to_vec())
    }
}

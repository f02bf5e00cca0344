//! Invalid input to every operation of every document the mock serves,
//! the corpus's too (real documents nobody here tuned the mock for): each
//! parameter value and each request body breaking one keyword of its
//! schema (`test_support::bad_values`, `test_support::bad_bodies`, decided
//! by the `jsonschema` crate, not the mock's evaluator) gets a client error
//! that names what is wrong, from the mock serving the document at run time.
//! A query list sent in a style its parameter does not declare is refused,
//! and the same items in the declared style are taken.
//! Operations it cannot ask this of are listed, with why: one the mock
//! leaves out, one with a twin on its path (`/x#a`, `/x#b`: a value one
//! refuses the other may take), one whose valid call cannot be made here
//! (a multipart body) or is refused.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use mock_server::__private::{Mount, Shared, router};
use serde_json::Value;
use specs::{Operation, Provider};
use test_support::Credentials;
use test_support::values::Arguments;
use tower::ServiceExt;

/// The credential sent (the mock takes any non-empty one by default).
const KEY: &str = "refusals-key";

#[tokio::test]
async fn every_broken_keyword_is_refused_naming_the_parameter_or_member() {
    let (mut refused, mut failures, mut unchecked) = (0, Vec::new(), Vec::new());
    let mut lists = 0;
    let mut directories: Vec<_> = std::fs::read_dir(specs::providers_dir())
        .expect("specs/providers/ is readable")
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.join("provider.yaml").is_file())
        .collect();
    directories.sort();
    directories.extend(
        specs::corpus_dirs()
            .expect("specs/corpus/ is readable")
            .into_iter()
            .map(|(_, dir)| dir),
    );
    for directory in directories {
        let provider =
            specs::load_provider_for(&directory, specs::Purpose::Mock).expect("the document loads");
        let model = mock_model::build::provider(&provider).provider;
        let server = Server::new(model);
        for operation in &provider.operations {
            // What the mock leaves out (and lists as such) it answers 404.
            let mut served = model.operations.iter().map(|o| o.operation_id);
            if !served.any(|id| id == operation.operation_id) {
                unchecked.push(format!(
                    "{} {}: not served",
                    provider.name, operation.operation_id
                ));
                continue;
            }
            let document = &provider.documents[operation.document];
            let arguments = test_support::valid_arguments(document, operation);
            let credentials = test_support::credentials(operation, KEY);
            let name = format!("{} {}", provider.name, operation.operation_id);
            if has_twin(&provider, operation) {
                unchecked.push(format!("{name}: has a twin on its path"));
                continue;
            }
            let Some(body) = payload(&provider, operation) else {
                unchecked.push(format!("{name}: no valid body it can send"));
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
                .send(operation, &arguments, &with_prefer, &body)
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
                    let sent_as = bad
                        .sent_as
                        .map(|encoding| (parameter.name.as_str(), encoding));
                    let answer = server
                        .send_as(operation, &arguments, &credentials, &body, sent_as)
                        .await;
                    refused += 1;
                    lists += usize::from(parameter.list.is_some());
                    if let Err(why) = checked(&provider, operation, &answer, &parameter.name) {
                        failures.push(format!("{name} {} ({}): {why}", parameter.name, bad.case));
                    }
                    // The same items in the declared style are taken.
                    if sent_as.is_some() {
                        let declared = server
                            .send(operation, &arguments, &with_prefer, &body)
                            .await;
                        if declared.0 != code {
                            failures.push(format!(
                                "{name} {} in its declared style got {}, not {code}: {}",
                                parameter.name,
                                declared.0,
                                String::from_utf8_lossy(&declared.2)
                            ));
                        }
                    }
                }
            }
            let bodies = test_support::bad_bodies(&provider, operation).unwrap_or_default();
            for bad in bodies {
                let answer = server
                    .send(
                        operation,
                        &arguments,
                        &credentials,
                        &Payload::Json(bad.body),
                    )
                    .await;
                refused += 1;
                if let Err(why) = checked(&provider, operation, &answer, &bad.member) {
                    failures.push(format!("{name} body {} ({}): {why}", bad.pointer, bad.case));
                }
            }
        }
    }
    eprintln!(
        "{refused} invalid calls ({lists} of them to list parameters); {} operations unchecked:\n{}",
        unchecked.len(),
        unchecked.join("\n")
    );
    assert!(
        failures.is_empty(),
        "{} of {refused} invalid calls were not refused as they should be:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(refused > 5_000, "only {refused} invalid calls made");
}

/// Whether another operation shares `operation`'s method and path (twins
/// told apart by a `#fragment`, or the same path with other parameter
/// names): a value one of them refuses, the other may take.
fn has_twin(provider: &Provider, operation: &Operation) -> bool {
    let shape = |path: &str| -> Vec<String> {
        let path = path.split('#').next().unwrap_or_default();
        path.split('/')
            .map(|segment| match (segment.find('{'), segment.find('}')) {
                (Some(open), Some(close)) if open < close => {
                    format!("{}{{}}{}", &segment[..open], &segment[close + 1..])
                }
                _ => segment.to_string(),
            })
            .collect()
    };
    provider.operations.iter().any(|other| {
        !std::ptr::eq(other, operation)
            && other.method == operation.method
            && shape(&other.path) == shape(&operation.path)
    })
}

/// A request body as sent.
enum Payload {
    None,
    Json(Value),
    /// `application/x-www-form-urlencoded`, encoded.
    Form(String),
}

/// The operation's valid body: JSON, else an urlencoded form of flat
/// fields; `None` when it takes one that cannot be sent here (multipart).
fn payload(provider: &Provider, operation: &Operation) -> Option<Payload> {
    if let Some(json) = test_support::request_body(provider, operation).ok()? {
        return Some(Payload::Json(json));
    }
    match test_support::form_body(provider, operation).ok()? {
        None => Some(Payload::None),
        Some((media_type, fields)) if media_type == "application/x-www-form-urlencoded" => {
            let encode = |text: &str| {
                percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
            };
            let mut pairs = Vec::new();
            for (name, value) in fields.as_object()? {
                let values = match value {
                    Value::Array(items) => items.clone(),
                    Value::Object(_) => return None,
                    other => vec![other.clone()],
                };
                for value in values {
                    let text = match value {
                        Value::String(text) => text,
                        Value::Object(_) | Value::Array(_) => return None,
                        other => other.to_string(),
                    };
                    pairs.push(format!("{}={}", encode(name), encode(&text)));
                }
            }
            Some(Payload::Form(pairs.join("&")))
        }
        Some(_) => None,
    }
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

/// [`test_support::check_refusal`] of one answer.
fn checked(
    provider: &Provider,
    operation: &Operation,
    (status, marked, body): &(u16, bool, Vec<u8>),
    name: &str,
) -> Result<(), String> {
    test_support::check_refusal(provider, operation, *status, *marked, body, name)
}

/// One document served by the mock at run time.
struct Server {
    router: axum::Router,
    base: String,
}

impl Server {
    /// The mock for `model`, as `mock-server --spec` builds it (without
    /// building the model twice).
    fn new(model: &'static mock_server::model::Provider) -> Self {
        let mount = Mount {
            provider: model,
            base_path: model.server_path.to_string(),
        };
        Self {
            router: router(Arc::new(Shared::new(vec![mount], None, 0, false, true))),
            base: model.server_path.to_string(),
        }
    }

    /// Status, whether it is marked undeclared, and body.
    async fn send(
        &self,
        operation: &Operation,
        arguments: &Arguments,
        credentials: &Credentials,
        body: &Payload,
    ) -> (u16, bool, Vec<u8>) {
        self.send_as(operation, arguments, credentials, body, None)
            .await
    }

    /// [`Self::send`], with a list parameter sent in another style.
    async fn send_as(
        &self,
        operation: &Operation,
        arguments: &Arguments,
        credentials: &Credentials,
        body: &Payload,
        sent_as: Option<(&str, specs::ListEncoding)>,
    ) -> (u16, bool, Vec<u8>) {
        let (target, headers) = test_support::request_target_as(operation, arguments, sent_as);
        let uri = format!("{}{}", self.base, credentials.on_target(&target));
        let mut request = Request::builder()
            .method(operation.method.as_str())
            .uri(uri);
        for (name, value) in headers.iter().chain(&credentials.headers) {
            request = request.header(name.as_str(), value.as_str());
        }
        let (content_type, body) = match body {
            Payload::None => (None, Body::empty()),
            Payload::Json(json) => (Some("application/json"), Body::from(json.to_string())),
            Payload::Form(form) => (
                Some("application/x-www-form-urlencoded"),
                Body::from(form.clone()),
            ),
        };
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
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

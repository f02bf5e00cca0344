//! Every documented status of every operation maps to its typed outcome, and
//! everything else a server can send is a value too. Driven against `wiremock`:
//! every operation of the catalogue generically, and hand-written cases with
//! bodies carrying a marker for the operations the project was built around.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server answering every request with `status` and `body` (JSON, or raw text).
async fn serve(status: u16, body: &Value) -> MockServer {
    let server = MockServer::start().await;
    let template = match body {
        Value::String(text) => ResponseTemplate::new(status).set_body_string(text.clone()),
        json => ResponseTemplate::new(status).set_body_json(json),
    };
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

/// The outcome's variant name (`Ok` or the error variant) and its `Debug` text.
fn outcome<T: std::fmt::Debug, E: std::fmt::Debug>(result: Result<T, E>) -> (String, String) {
    match result {
        Ok(value) => ("Ok".into(), format!("{value:?}")),
        Err(error) => {
            let text = format!("{error:?}");
            let name = text
                .split(['(', ' ', '{'])
                .next()
                .unwrap_or_default()
                .to_string();
            (name, text)
        }
    }
}

const PHALA_422: &str =
    r#"{"detail": [{"loc": ["path", "cvm_id"], "msg": "marker", "type": "value_error"}]}"#;

fn akua_operation() -> Value {
    json!({
        "id": "op_1", "workspace_id": "ws_1", "organization_id": null, "owner_type": "machine",
        "owner_id": "mch_1", "parent_operation_id": null, "state": "RUNNING", "done": false,
        "html_url": "https://akua.dev/ops/op_1",
        "metadata": {"type": "machine.delete", "workspace_id": "ws_1", "machine_id": "mch_1", "request_fingerprint": "marker"},
        "response": null, "error": null, "last_error": null, "started_at": 1, "completed_at": null
    })
}

fn akua_error() -> Value {
    json!({"success": false, "errors": [{"code": 7002, "message": "marker"}], "result": {}})
}

/// Every (operation, status) the documents declare, with a body of the
/// documented shape carrying `marker`, and the outcome variant it must map to.
fn cases() -> Vec<(&'static str, u16, Value, &'static str)> {
    let phala_vm = json!({"id": 1, "name": "marker", "status": "stopping", "teepod_id": 2, "app_id": "app",
        "vcpu": 1, "memory": 1024, "disk_size": 10, "created_at": "2026-01-01T00:00:00Z", "teepod": null});
    let chamelio_error = json!({"detail": "marker"});
    let promptlayer_error = json!({"success": false, "message": "marker"});
    vec![
        (
            "cancel_cvm_operation",
            200,
            json!({"cancelled": true, "correlation_id": "marker"}),
            "Ok",
        ),
        ("cancel_cvm_operation", 401, json!("marker"), "Unauthorized"),
        ("cancel_cvm_operation", 403, json!("marker"), "Forbidden"),
        ("cancel_cvm_operation", 404, json!("marker"), "NotFound"),
        ("cancel_cvm_operation", 409, json!("marker"), "Conflict"),
        (
            "cancel_cvm_operation",
            422,
            serde_json::from_str(PHALA_422).unwrap(),
            "UnprocessableContent",
        ),
        ("stop_cvm", 200, phala_vm, "Ok"),
        ("stop_cvm", 401, json!("marker"), "Unauthorized"),
        ("stop_cvm", 403, json!("marker"), "Forbidden"),
        ("stop_cvm", 404, json!("marker"), "NotFound"),
        (
            "stop_cvm",
            422,
            serde_json::from_str(PHALA_422).unwrap(),
            "UnprocessableContent",
        ),
        ("operations.cancel", 202, akua_operation(), "Ok"),
        ("operations.cancel", 401, akua_error(), "Unauthorized"),
        ("operations.cancel", 403, akua_error(), "Forbidden"),
        ("operations.cancel", 404, akua_error(), "NotFound"),
        (
            "operations.cancel",
            422,
            akua_error(),
            "UnprocessableContent",
        ),
        (
            "cancelTask",
            200,
            json!({"task_id": 12345, "status": "cancelled", "message": "marker"}),
            "Ok",
        ),
        ("cancelTask", 401, chamelio_error.clone(), "Unauthorized"),
        ("cancelTask", 404, chamelio_error.clone(), "NotFound"),
        ("cancelTask", 409, chamelio_error.clone(), "Conflict"),
        ("cancelTask", 500, chamelio_error, "InternalServerError"),
        (
            "cancelTableSheetOperation",
            200,
            json!({"success": true, "message": "marker", "operation_id": "op", "execution_ids": [], "cancelled_cell_count": 0}),
            "Ok",
        ),
        (
            "cancelTableSheetOperation",
            400,
            promptlayer_error.clone(),
            "BadRequest",
        ),
        (
            "cancelTableSheetOperation",
            404,
            promptlayer_error,
            "NotFound",
        ),
    ]
}

const TABLE: &str = "0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10";
const SHEET: &str = "5d8f1e0a-7c4b-4f6e-8d2a-9b3c1e5f7a90";

/// Calls `operation` (by its SDK name, or operationId where there is none)
/// against `base_url`; returns the outcome.
async fn call(operation: &str, base_url: &str) -> (String, String) {
    match operation {
        "cancel_cvm_operation" => {
            let client = sdk::phala::Client::builder()
                .base_url(base_url)
                .api_key("k")
                .build()
                .unwrap();
            outcome(client.cancel_cvm_operation().cvm_id("cvm-1").send().await)
        }
        "stop_cvm" => {
            let client = sdk::phala::Client::builder()
                .base_url(base_url)
                .api_key("k")
                .build()
                .unwrap();
            outcome(client.stop_cvm().cvm_id("cvm-1").send().await)
        }
        "operations.cancel" => {
            let client = sdk::akua::Client::builder()
                .base_url(base_url)
                .api_key("k")
                .build()
                .unwrap();
            outcome(client.operations_cancel().id("op_1").send().await)
        }
        "cancelTask" => {
            let client = sdk::chamelio::Client::builder()
                .base_url(base_url)
                .api_key("k")
                .build()
                .unwrap();
            outcome(client.cancel_task().task_id(12345).send().await)
        }
        "cancelTableSheetOperation" => {
            let client = sdk::promptlayer::Client::builder()
                .base_url(base_url)
                .api_key("k")
                .build()
                .unwrap();
            outcome(
                client
                    .cancel_table_sheet_operation()
                    .table_id(TABLE)
                    .sheet_id(SHEET)
                    .operation_id("op")
                    .send()
                    .await,
            )
        }
        other => panic!("no call written for operation {other}"),
    }
}

/// Clients for the catalogue-wide test: no retries (a `503` answered
/// forever would otherwise be retried with backoff), the row's tag header.
struct NoRetries {
    base_url: String,
    row: usize,
}

impl sdk::dynamic::ClientFactory for NoRetries {
    fn client<C: sdk::Provider>(&self) -> Result<C, sdk::dynamic::CallError> {
        test_support::sdk::with_key(sdk::ClientBuilder::<C>::default(), "k")
            .base_url(&self.base_url)
            .header(ROW_HEADER, self.row.to_string())
            .retries(0)
            .build()
            .map_err(sdk::dynamic::CallError::Config)
    }
}

const ROW_HEADER: &str = "x-outcome-row";

/// Every declared status of every operation of every provider in the
/// catalogue, served by `wiremock` with a body of the documented shape (the
/// in-process mock's answer for that status, checked against the verbatim
/// document), maps to its typed outcome: `Ok` for a 2xx, else the variant
/// named after the status, with the body parsed. No provider is named here.
#[tokio::test]
async fn every_declared_status_of_the_catalogue_maps_to_its_typed_outcome() {
    let providers = specs::load_providers(&specs::providers_dir()).unwrap();
    let mock = mock_server::MockServer::start(mock_server::Config::default())
        .await
        .unwrap();
    let http = sdk::reqwest_client_builder().unwrap().build().unwrap();
    let server = MockServer::start().await;
    let mut rows = Vec::new();
    for provider in &providers {
        let base = mock.base_url(&provider.name).unwrap();
        for operation in &provider.operations {
            let document = &provider.documents[operation.document];
            let arguments = test_support::valid_arguments(document, operation);
            let request_body = test_support::request_body(provider, operation).unwrap();
            let (target, parameters) = test_support::request_target(operation, &arguments);
            let credentials = test_support::credentials(operation, "k");
            let target = credentials.on_target(&target);
            for response in &operation.responses {
                let specs::Status::Code(code) = response.status else {
                    continue;
                };
                let context = format!("{} {} {code}", provider.name, operation.operation_id);
                let mut request = http.request(
                    reqwest::Method::from_bytes(operation.method.as_bytes()).unwrap(),
                    format!("{base}{target}"),
                );
                for (name, value) in credentials.headers.iter().chain(&parameters) {
                    request = request.header(name, value);
                }
                if let Some(request_body) = &request_body {
                    request = request.json(request_body);
                }
                let answer = request
                    .header("Prefer", format!("code={code}"))
                    .send()
                    .await
                    .unwrap();
                let status = answer.status().as_u16();
                let content_type = answer
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let body = answer.bytes().await.unwrap().to_vec();
                assert_eq!(
                    status,
                    code,
                    "{context}: {}",
                    String::from_utf8_lossy(&body)
                );
                let declared = test_support::declared_body(provider, operation, code).unwrap();
                if let test_support::DeclaredBody::Json(validator) = &declared {
                    let value: Value = serde_json::from_slice(&body).unwrap();
                    let violations = test_support::violations(validator, &value);
                    assert!(violations.is_empty(), "{context}: {violations:?}");
                }
                Mock::given(wiremock::matchers::header(
                    ROW_HEADER,
                    rows.len().to_string().as_str(),
                ))
                .respond_with(ResponseTemplate::new(code).set_body_raw(body, &content_type))
                .mount(&server)
                .await;
                let json = matches!(declared, test_support::DeclaredBody::Json(_));
                rows.push((
                    provider.name.clone(),
                    operation.operation_id.clone(),
                    code,
                    arguments.clone(),
                    request_body.clone(),
                    json,
                ));
            }
        }
    }
    assert!(!rows.is_empty());
    for (row, (provider, operation_id, code, arguments, request_body, json)) in
        rows.iter().enumerate()
    {
        let clients = NoRetries {
            base_url: server.uri(),
            row,
        };
        // Boxed: the dispatcher's future covers every operation.
        let outcome = Box::pin(sdk::dynamic::call_with_body(
            provider,
            &clients,
            operation_id,
            arguments,
            request_body.as_ref(),
        ))
        .await
        .unwrap();
        let expected = if (200..300).contains(code) {
            "Ok".to_string()
        } else {
            specs::status::variant_name(specs::Status::Code(*code))
        };
        let context = format!("{provider} {operation_id} {code}");
        assert_eq!(outcome.status, Some(*code), "{context}: {outcome:?}");
        assert!(outcome.documented, "{context}: {outcome:?}");
        assert_eq!(outcome.variant, expected, "{context}: {outcome:?}");
        if *json {
            assert!(
                outcome.body.is_some(),
                "{context}: the parsed body is missing"
            );
        }
    }
}

/// The hand-written cases above cover what their providers declare (only
/// for providers and operations that are vendored; others are covered by
/// the catalogue-wide test).
#[test]
fn cases_are_declared_statuses() {
    let providers = specs::load_providers(&specs::providers_dir()).unwrap();
    let declared: BTreeSet<(String, u16)> = providers
        .iter()
        .flat_map(|p| &p.operations)
        .flat_map(|o| {
            o.responses.iter().filter_map(move |r| match r.status {
                specs::Status::Code(code) => Some((o.sdk_name.clone(), code)),
                _ => None,
            })
        })
        .chain(providers.iter().flat_map(|p| &p.operations).flat_map(|o| {
            o.responses.iter().filter_map(move |r| match r.status {
                specs::Status::Code(code) => Some((o.operation_id.clone(), code)),
                _ => None,
            })
        }))
        .collect();
    for (operation, status, _, _) in cases() {
        assert!(
            declared.contains(&(operation.to_string(), status)),
            "{operation} {status} is not declared"
        );
    }
}

#[tokio::test]
async fn every_documented_status_maps_to_its_typed_outcome() {
    for (operation, status, body, expected) in cases() {
        let server = serve(status, &body).await;
        let (variant, debug) = call(operation, &server.uri()).await;
        assert_eq!(variant, expected, "{operation} {status}: {debug}");
        assert!(
            debug.contains("marker"),
            "{operation} {status}: body not carried: {debug}"
        );
    }
}

#[tokio::test]
async fn documented_bodies_are_parsed_into_their_types() {
    let server = serve(422, &serde_json::from_str(PHALA_422).unwrap()).await;
    let client = sdk::phala::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let Err(sdk::phala::errors::CancelCvmOperationError::UnprocessableContent(body)) =
        client.cancel_cvm_operation().cvm_id("x").send().await
    else {
        panic!("expected UnprocessableContent");
    };
    assert_eq!(body.status(), 422);
    assert_eq!(body.detail[0].msg, "marker");
    assert_eq!(body.detail[0].loc.len(), 2);

    let server = serve(202, &akua_operation()).await;
    let client = sdk::akua::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let operation = client.operations_cancel().id("op_1").send().await.unwrap();
    assert_eq!(operation.status(), 202);
    assert!(!operation.done);
    assert!(operation.response.is_none());
    assert!(matches!(
        operation.metadata,
        sdk::akua::types::OperationMetadata::MachineDelete { .. }
    ));

    let server = serve(
        409,
        &json!({"detail": "Task cannot be cancelled in its current state"}),
    )
    .await;
    let client = sdk::chamelio::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let Err(sdk::chamelio::errors::CancelTaskError::Conflict(body)) =
        client.cancel_task().task_id(1).send().await
    else {
        panic!("expected Conflict");
    };
    assert_eq!(body.detail, "Task cannot be cancelled in its current state");
}

#[tokio::test]
async fn undeclared_status_keeps_status_and_body() {
    let server = serve(418, &json!("short and stout")).await;
    let client = sdk::chamelio::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let error = client.cancel_task().task_id(1).send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(418));
    assert_eq!(error.to_string(), "undocumented status 418 I'm a teapot");
    let sdk::chamelio::errors::CancelTaskError::UnexpectedStatus(raw) = error else {
        panic!("expected UnexpectedStatus, got {error:?}");
    };
    assert_eq!(&raw.body[..], b"short and stout");
}

#[tokio::test]
async fn body_that_does_not_parse_keeps_status_and_body() {
    // A success body missing a required field.
    let server = serve(200, &json!({"task_id": 1})).await;
    let client = sdk::chamelio::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let error = client.cancel_task().task_id(1).send().await.unwrap_err();
    let sdk::chamelio::errors::CancelTaskError::InvalidBody(invalid) = &error else {
        panic!("expected InvalidBody, got {error:?}");
    };
    assert_eq!(invalid.response.status, 200);
    assert_eq!(&invalid.response.body[..], br#"{"task_id":1}"#);
    assert!(error.to_string().contains("missing field"), "{error}");

    // An error body that is not even UTF-8.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(422).set_body_bytes(vec![0xff, 0xfe, 0x00, 0x7b]))
        .mount(&server)
        .await;
    let client = sdk::akua::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let error = client
        .operations_cancel()
        .id("op_1")
        .send()
        .await
        .unwrap_err();
    let sdk::akua::errors::OperationsCancelError::InvalidBody(invalid) = error else {
        panic!("expected InvalidBody, got {error:?}");
    };
    assert_eq!(invalid.response.status, 422);
    assert_eq!(&invalid.response.body[..], [0xff, 0xfe, 0x00, 0x7b]);
}

#[tokio::test]
async fn timeout_is_its_own_variant() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let client = sdk::chamelio::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let error = client.cancel_task().task_id(1).send().await.unwrap_err();
    assert!(
        matches!(error, sdk::chamelio::errors::CancelTaskError::Timeout(_)),
        "{error:?}"
    );
    assert_eq!(error.status(), None);
}

#[tokio::test]
async fn connection_failure_is_a_transport_error() {
    // A port nothing listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = sdk::phala::Client::builder()
        .api_key("k")
        .base_url(format!("http://127.0.0.1:{port}"))
        .retries(0)
        .build()
        .unwrap();
    let error = client.stop_cvm().cvm_id("x").send().await.unwrap_err();
    assert!(
        matches!(error, sdk::phala::errors::StopCvmError::Transport(_)),
        "{error:?}"
    );
}

#[tokio::test]
async fn invalid_parameters_are_rejected_before_sending() {
    let server = serve(200, &json!({})).await;
    let client = sdk::akua::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    // Missing required path parameter.
    let error = client.operations_cancel().send().await.unwrap_err();
    assert!(
        matches!(
            error,
            sdk::akua::errors::OperationsCancelError::InvalidRequest(_)
        ),
        "{error:?}"
    );
    // Not a UUID.
    let client = sdk::promptlayer::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let error = client
        .cancel_table_sheet_operation()
        .table_id("not-a-uuid")
        .sheet_id(SHEET)
        .operation_id("op")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            sdk::promptlayer::errors::CancelTableSheetOperationError::InvalidRequest(_)
        ),
        "{error:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn string_lengths_are_left_to_the_server() {
    let server = serve(422, &akua_error()).await;
    let client = sdk::akua::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    // Longer than the documented maxLength of 53: sent, and the server's
    // documented 422 comes back typed.
    let id = "x".repeat(54);
    let error = client.operations_cancel().id(&id).send().await.unwrap_err();
    assert!(
        matches!(
            error,
            sdk::akua::errors::OperationsCancelError::UnprocessableContent(_)
        ),
        "{error:?}"
    );
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert!(received[0].url.path().contains(&id), "{}", received[0].url);
}

//! The mock server through real HTTP on loopback: every operation and
//! declared status, validation, auth, routing. Each test starts its own
//! server on a random port.

use mock_server::{Config, MockServer};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use specs::{Operation, Provider};
use test_support::DeclaredBody;

fn providers() -> Vec<Provider> {
    specs::load_providers(&specs::providers_dir()).unwrap()
}

async fn start() -> MockServer {
    MockServer::start(Config::default()).await.unwrap()
}

async fn start_stateful() -> MockServer {
    MockServer::start(Config {
        stateful: true,
        ..Config::default()
    })
    .await
    .unwrap()
}

/// A validator for the JSON body the *verbatim* document declares for
/// `status` (JSON Schema 2020-12, formats asserted; shared with the contract
/// suite through `test-support`).
fn body_validator(
    provider: &Provider,
    operation: &Operation,
    status: u16,
) -> std::sync::Arc<specs::check::Validator> {
    match test_support::declared_body(provider, operation, status) {
        Ok(DeclaredBody::Json(validator)) => validator,
        other => panic!(
            "{} {status} declares no JSON body: {other:?}",
            operation.operation_id
        ),
    }
}

fn assert_valid(validator: &specs::check::Validator, body: &Value, context: &str) {
    let violations = test_support::violations(validator, body);
    assert!(
        violations.is_empty(),
        "{context}: {body} does not match the document: {violations:?}"
    );
}

/// Headers satisfying the first security alternative of a seed operation
/// (the seeds' keys all go in headers).
fn credentials(operation: &Operation) -> Vec<(String, String)> {
    test_support::credentials(operation, "test-key").headers
}

/// The operation `operation_id` of `provider`.
fn find<'a>(provider: &'a Provider, operation_id: &str) -> &'a Operation {
    provider
        .operations
        .iter()
        .find(|o| o.operation_id == operation_id)
        .unwrap_or_else(|| panic!("{} has no {operation_id}", provider.name))
}

async fn send(
    method: &str,
    url: &str,
    headers: &[(String, String)],
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    send_with_body(method, url, headers, None).await
}

/// [`send`] with a JSON body.
async fn send_with_body(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&Value>,
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let client = test_support::http_client();
    let mut request = client.request(Method::from_bytes(method.as_bytes()).unwrap(), url);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

fn with(headers: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut headers = headers.to_vec();
    headers.push((name.into(), value.into()));
    headers
}

/// Every declared status of every operation of every provider in the
/// catalogue, its body checked against the verbatim document.
#[tokio::test]
async fn every_operation_answers_every_declared_status() {
    let mock = start().await;
    for provider in providers() {
        let base = mock.base_url(&provider.name).unwrap();
        let mut rows = 0;
        for operation in &provider.operations {
            let document = &provider.documents[operation.document];
            let arguments = test_support::valid_arguments(document, operation);
            let (target, parameters) = test_support::request_target(operation, &arguments);
            let credentials = test_support::credentials(operation, "test-key");
            let url = format!("{base}{}", credentials.on_target(&target));
            let request_body = test_support::request_body(&provider, operation).unwrap();
            for response in &operation.responses {
                let specs::Status::Code(code) = response.status else {
                    continue;
                };
                let mut headers = credentials.headers.clone();
                headers.extend(parameters.iter().cloned());
                headers.push(("Prefer".into(), format!("code={code}")));
                let (status, headers, body) =
                    send_with_body(&operation.method, &url, &headers, request_body.as_ref()).await;
                let context = format!("{} {} {code}", provider.name, operation.operation_id);
                assert_eq!(status.as_u16(), code, "{context}: {body}");
                let content_type = headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                match test_support::declared_body(&provider, operation, code).unwrap() {
                    DeclaredBody::Json(validator) => {
                        assert!(specs::is_json(content_type), "{context}: {content_type}");
                        let body: Value = serde_json::from_str(&body).unwrap();
                        assert_valid(&validator, &body, &context);
                    }
                    DeclaredBody::Empty => {
                        assert!(
                            body.is_empty(),
                            "{context}: declared without a body, got {body}"
                        );
                        assert!(headers.get("content-type").is_none(), "{context}");
                    }
                    DeclaredBody::Other(media) => assert!(
                        media.iter().any(|m| content_type.starts_with(m.as_str())),
                        "{context}: {content_type}, declared {media:?}"
                    ),
                    DeclaredBody::Undeclared => panic!("{context}: not in the verbatim document"),
                }
                rows += 1;
            }
        }
        // A provider of webhooks alone serves nothing.
        assert!(
            rows > 0 || provider.operations.is_empty(),
            "{} has no declared status",
            provider.name
        );
    }
}

#[tokio::test]
async fn status_is_chosen_by_query_example_or_default() {
    let mock = start().await;
    let url = format!("{}/tasks/1/cancel", mock.base_url("chamelio").unwrap());
    let key = vec![("X-API-Key".to_string(), "k".to_string())];
    // Default: the lowest declared 2xx, with the document's example.
    let (status, _, body) = send("POST", &url, &key).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"task_id": 12345, "status": "cancelled", "message": "Task cancelled successfully"})
    );
    // `?__code=` and `Prefer: code=` agree; the query parameter wins over the header.
    let (status, _, body) = send(
        "POST",
        &format!("{url}?__code=409"),
        &with(&key, "Prefer", "code=404"),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"detail": "Task cannot be cancelled in its current state"})
    );
    // `Prefer: example=NAME` picks the response holding that example.
    let (status, _, _) = send(
        "POST",
        &url,
        &with(&key, "Prefer", "code=500, example=default"),
    )
    .await;
    assert_eq!(status, 500);
}

#[tokio::test]
async fn an_undeclared_status_is_a_clear_error() {
    let mock = start().await;
    let url = format!("{}/tasks/1/cancel", mock.base_url("chamelio").unwrap());
    let key = vec![("X-API-Key".to_string(), "k".to_string())];
    let (status, headers, body) = send("POST", &url, &with(&key, "Prefer", "code=418")).await;
    assert_eq!(status, 400);
    assert_eq!(headers["x-mock-error"], "mock_selection");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["message"],
        "operation cancelTask does not declare status 418; declared: 200, 401, 404, 409, 500"
    );
    let (status, _, body) = send("POST", &url, &with(&key, "Prefer", "example=nope")).await;
    assert_eq!(status, 400);
    assert!(body.contains("has no example named `nope`"), "{body}");
}

#[tokio::test]
async fn bad_parameters_get_the_declared_validation_status_in_the_apis_shape() {
    let mock = start().await;
    let all = providers();
    let find = |name: &str| all.iter().find(|p| p.name == name).unwrap();

    // Akua: id longer than maxLength 53 -> 422 ApiErrorResponse.
    let akua = find("akua");
    let operation = self::find(akua, "operations.cancel");
    let bearer = credentials(operation);
    let url = format!(
        "{}/operations/{}:cancel",
        mock.base_url("akua").unwrap(),
        "x".repeat(54)
    );
    let (status, _, body) = send("POST", &url, &bearer).await;
    assert_eq!(status, 422);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_valid(&body_validator(akua, operation, 422), &body, "akua long id");
    assert_eq!(body["errors"][0]["path"], json!(["path", "id"]));
    assert_eq!(
        body["errors"][0]["message"],
        "String should have at most 53 characters"
    );

    // Akua: an optional header present but empty (minLength 1) -> 422.
    let url = format!("{}/operations/op_1:cancel", mock.base_url("akua").unwrap());
    let (status, _, body) = send("POST", &url, &with(&bearer, "idempotency-key", "")).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["errors"][0]["path"],
        json!(["header", "idempotency-key"])
    );

    // Phala: a path parameter that is not UTF-8 -> 422 HTTPValidationError with loc/msg/type.
    let phala = find("phala");
    let operation = self::find(
        phala,
        "cancel_cvm_operation_api_v1_cvms__cvm_id__operations_cancel_post",
    );
    let url = format!(
        "{}/api/v1/cvms/%FF%FE/operations/cancel",
        mock.base_url("phala").unwrap()
    );
    let (status, _, body) = send("POST", &url, &credentials(operation)).await;
    assert_eq!(status, 422);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_valid(
        &body_validator(phala, operation, 422),
        &body,
        "phala non-utf8",
    );
    assert_eq!(
        body,
        json!({"detail": [{"loc": ["path", "cvm_id"], "msg": "Input should be a valid UTF-8 string", "type": "string_unicode"}]})
    );

    // PromptLayer: ids that are not UUIDs -> 400 ErrorResponse naming both.
    let promptlayer = find("promptlayer");
    let operation = self::find(promptlayer, "cancelTableSheetOperation");
    let url = format!(
        "{}/api/public/v2/tables/nope/sheets/also-nope/operations/x",
        mock.base_url("promptlayer").unwrap()
    );
    let (status, headers, body) = send("DELETE", &url, &credentials(operation)).await;
    assert_eq!(status, 400);
    assert!(headers.get("x-mock-undeclared-status").is_none());
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_valid(
        &body_validator(promptlayer, operation, 400),
        &body,
        "promptlayer uuid",
    );
    assert_eq!(
        body["message"],
        "path.table_id: Input should be a valid uuid; path.sheet_id: Input should be a valid uuid"
    );

    // Chamelio declares no validation status, but a 404: no task has the id `abc`.
    let chamelio = find("chamelio");
    let operation = self::find(chamelio, "cancelTask");
    let url = format!("{}/tasks/abc/cancel", mock.base_url("chamelio").unwrap());
    let (status, headers, body) = send("POST", &url, &credentials(operation)).await;
    assert_eq!(status, 404);
    assert!(headers.get("x-mock-undeclared-status").is_none());
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_valid(
        &body_validator(chamelio, operation, 404),
        &body,
        "chamelio integer",
    );
    assert_eq!(
        body["detail"],
        "path.task_id: Input should be a valid integer, unable to parse string as an integer"
    );
}

#[tokio::test]
async fn missing_or_unknown_credentials_get_the_declared_401() {
    let mock = start().await;
    // Phala: 401 declared without a body.
    let url = format!("{}/api/v1/cvms/c1/stop", mock.base_url("phala").unwrap());
    let (status, headers, body) = send("POST", &url, &[]).await;
    assert_eq!(status, 401);
    assert!(body.is_empty() && headers.get("content-type").is_none());
    // Either of Phala's schemes authenticates.
    let (status, _, _) = send(
        "POST",
        &url,
        &[("authorization".into(), "Bearer jwt".into())],
    )
    .await;
    assert_eq!(status, 200);

    // Akua: bearer, so WWW-Authenticate; an empty token does not count.
    let url = format!("{}/operations/op_1:cancel", mock.base_url("akua").unwrap());
    let (status, headers, body) =
        send("POST", &url, &[("authorization".into(), "Bearer ".into())]).await;
    assert_eq!(status, 401);
    assert_eq!(headers["www-authenticate"], "Bearer");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["success"],
        false
    );

    // PromptLayer declares no 401 (a document gap): a missing key is still
    // HTTP's 401 (never a validation error), marked as undeclared, in the
    // shape of its declared client errors.
    let url = format!(
        "{}/api/public/v2/tables/0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10/sheets/0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10/operations/x",
        mock.base_url("promptlayer").unwrap()
    );
    let (status, headers, body) = send("DELETE", &url, &[]).await;
    assert_eq!(status, 401);
    assert_eq!(headers["x-mock-undeclared-status"], "true");
    assert!(body.contains("header.X-API-KEY"), "{body}");

    // Configured keys: only those count.
    let strict = MockServer::start(Config {
        api_keys: vec!["right".into()],
        ..Config::default()
    })
    .await
    .unwrap();
    let url = format!("{}/tasks/1/cancel", strict.base_url("chamelio").unwrap());
    let (status, _, body) = send("POST", &url, &[("X-API-Key".into(), "wrong".into())]).await;
    assert_eq!(status, 401);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["detail"],
        "header.X-API-Key: Not authenticated: missing or invalid credentials"
    );
    let (status, _, _) = send("POST", &url, &[("x-api-key".into(), "right".into())]).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let mock = start().await;
    let (status, headers, body) = send("POST", &format!("{}/nowhere", mock.uri()), &[]).await;
    assert_eq!(status, 404);
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["error"],
        "not_found"
    );

    let (status, _, _) = send(
        "POST",
        &format!("{}/tasks/1/nope", mock.base_url("chamelio").unwrap()),
        &[],
    )
    .await;
    assert_eq!(status, 404);

    let (status, headers, body) = send(
        "GET",
        &format!("{}/tasks/1/cancel", mock.base_url("chamelio").unwrap()),
        &[],
    )
    .await;
    assert_eq!(status, 405);
    assert_eq!(headers["allow"], "POST");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["error"],
        "method_not_allowed"
    );
}

#[tokio::test]
async fn custom_method_paths_route_with_awkward_ids() {
    let mock = start().await;
    let bearer = [("authorization".to_string(), "Bearer k".to_string())];
    let base = mock.base_url("akua").unwrap();
    for id in ["op_1", "op_a%2Fb:c", "op%20with%20space", "op_1%3A"] {
        let (status, _, body) =
            send("POST", &format!("{base}/operations/{id}:cancel"), &bearer).await;
        assert_eq!(status, 202, "{id}: {body}");
    }
    // No `:pause` method: the segment is an id of `GET /operations/{id}`,
    // which takes no POST.
    let (status, _, _) = send("POST", &format!("{base}/operations/op_1:pause"), &bearer).await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn absurd_paths_get_clean_errors() {
    let mock = start().await;
    let long = format!(
        "{}/tasks/{}/cancel",
        mock.base_url("chamelio").unwrap(),
        "1".repeat(10_000)
    );
    let (status, _, body) = send("POST", &long, &[]).await;
    assert_eq!(status, 414, "{body}");
    let (status, _, _) = send("POST", &format!("{}/%FF/%00", mock.uri()), &[]).await;
    assert_eq!(status, 404);
}

/// `/__mock/routes` lists every provider of the catalogue with its base URL,
/// documents and operations (each with its declared statuses).
#[tokio::test]
async fn routes_lists_every_provider_and_operation() {
    let mock = start().await;
    let (status, _, body) = send("GET", &format!("{}/__mock/routes", mock.uri()), &[]).await;
    assert_eq!(status, 200);
    let routes: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(routes, mock.routes());
    let listed = routes["providers"].as_array().unwrap();
    let providers = providers();
    assert_eq!(listed.len(), providers.len());
    for provider in &providers {
        let entry = listed
            .iter()
            .find(|p| p["name"] == provider.name.as_str())
            .unwrap_or_else(|| panic!("{} not listed", provider.name));
        assert_eq!(
            entry["base_url"],
            mock.base_url(&provider.name).unwrap(),
            "{}",
            provider.name
        );
        let documents: Vec<String> = provider
            .documents
            .iter()
            .map(|d| d.path.display().to_string())
            .collect();
        assert_eq!(entry["documents"], json!(documents), "{}", provider.name);
        let operations: Vec<Value> = provider
            .operations
            .iter()
            .map(|o| {
                // A range or `default` is listed as the code it is answered with.
                let statuses: Vec<u16> = o
                    .responses
                    .iter()
                    .map(|r| specs::status::representative(r.status))
                    .collect();
                json!({"method": o.method, "path": o.path, "operation_id": o.operation_id, "statuses": statuses})
            })
            .collect();
        assert_eq!(entry["operations"], json!(operations), "{}", provider.name);
    }
    // Akua's documented base URL keeps its `/v1` under the provider's prefix.
    if providers.iter().any(|p| p.name == "akua") {
        assert_eq!(
            mock.base_url("akua").unwrap(),
            format!("{}/akua/v1", mock.uri())
        );
    }
}

#[tokio::test]
async fn one_provider_at_the_root_is_a_drop_in_for_its_host() {
    let mock = MockServer::start(Config {
        provider: Some("akua".into()),
        ..Config::default()
    })
    .await
    .unwrap();
    assert_eq!(mock.base_url("akua").unwrap(), format!("{}/v1", mock.uri()));
    assert_eq!(mock.base_url("phala"), None);
    let (status, _, _) = send(
        "POST",
        &format!("{}/v1/operations/op_1:cancel", mock.uri()),
        &[("authorization".into(), "Bearer k".into())],
    )
    .await;
    assert_eq!(status, 202);

    let error = MockServer::start(Config {
        provider: Some("nope".into()),
        ..Config::default()
    })
    .await
    .unwrap_err();
    let names: Vec<String> = providers().into_iter().map(|p| p.name).collect();
    assert_eq!(
        error.to_string(),
        format!("unknown provider `nope`; served: {}", names.join(", "))
    );
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let mock = start().await;
    let url = mock.uri();
    mock.shutdown().await.unwrap();
    let after = test_support::http_client()
        .get(format!("{url}/__mock/routes"))
        .send()
        .await;
    assert!(after.is_err());
}

/// The checks above would pass vacuously if the validator accepted anything.
#[test]
fn the_document_validator_rejects_wrong_bodies() {
    let all = providers();
    let akua = all.iter().find(|p| p.name == "akua").unwrap();
    let validator = body_validator(akua, find(akua, "operations.cancel"), 202);
    assert!(!validator.is_valid(&json!({})));
    let mut operation = json!({
            "id": "op_1", "workspace_id": null, "organization_id": null, "owner_type": "machine", "owner_id": "mch_1",
            "parent_operation_id": null, "state": "RUNNING", "done": false, "html_url": "https://akua.dev/x",
            "metadata": {"type": "machine.delete", "workspace_id": "ws_1", "machine_id": "mch_1", "request_fingerprint": "f"},
            "response": null, "error": null, "last_error": null, "started_at": 1, "completed_at": null
    });
    assert!(validator.is_valid(&operation));
    operation["html_url"] = json!("not a uri");
    assert!(!validator.is_valid(&operation), "formats are asserted");
    operation["html_url"] = json!("https://akua.dev/x");
    operation["metadata"]["type"] = json!("machine.unknown");
    assert!(
        !validator.is_valid(&operation),
        "oneOf branches are checked"
    );

    let phala = all.iter().find(|p| p.name == "phala").unwrap();
    let validator = body_validator(
        phala,
        find(
            phala,
            "cancel_cvm_operation_api_v1_cvms__cvm_id__operations_cancel_post",
        ),
        422,
    );
    assert!(!validator.is_valid(&json!({"detail": "text"})));
}

/// The operation `operation_id` of `provider`, and the URL of its resource `id`.
fn stateful_target<'a>(
    providers: &'a [Provider],
    mock: &MockServer,
    provider: &str,
    operation_id: &str,
    ids: &[(&str, &str)],
) -> (&'a Provider, &'a Operation, String) {
    let provider = providers.iter().find(|p| p.name == provider).unwrap();
    let operation = provider
        .operations
        .iter()
        .find(|o| o.operation_id == operation_id)
        .unwrap();
    let mut path = operation.path.clone();
    for (name, value) in ids {
        path = path.replace(&format!("{{{name}}}"), value);
    }
    let url = format!("{}{path}", mock.base_url(&provider.name).unwrap());
    (provider, operation, url)
}

/// Two calls on the same resource: the document's first answer, then its
/// "already" answer; every body valid against the verbatim document.
#[tokio::test]
async fn stateful_lifecycles_answer_twice_as_the_documents_say() {
    let providers = providers();
    let mock = start_stateful().await;
    let uuid = "0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10";
    /// A status, and a member of its body (by JSON pointer) with its value.
    type Answer = (u16, &'static str, Value);
    /// Provider, operation, the resource's path ids, the first and second answers.
    type Case = (
        &'static str,
        &'static str,
        Vec<(&'static str, &'static str)>,
        [Answer; 2],
    );
    let cases: [Case; 4] = [
        (
            "akua",
            "operations.cancel",
            vec![("id", "op_42")],
            [
                (202, "/done", json!(false)),
                (422, "/success", json!(false)),
            ],
        ),
        (
            "chamelio",
            "cancelTask",
            vec![("task_id", "42")],
            [
                (200, "/status", json!("cancelled")),
                (
                    409,
                    "/detail",
                    json!("Task cannot be cancelled in its current state"),
                ),
            ],
        ),
        (
            "phala",
            "cancel_cvm_operation_api_v1_cvms__cvm_id__operations_cancel_post",
            vec![("cvm_id", "cvm-42")],
            [
                (200, "/cancelled", json!(true)),
                (200, "/cancelled", json!(false)),
            ],
        ),
        (
            "promptlayer",
            "cancelTableSheetOperation",
            vec![
                ("table_id", uuid),
                ("sheet_id", uuid),
                ("operation_id", "op-42"),
            ],
            [
                (200, "/cancelled_cell_count", json!(3)),
                (200, "/cancelled_cell_count", json!(0)),
            ],
        ),
    ];
    for (name, operation_id, ids, answers) in cases {
        let (provider, operation, url) =
            stateful_target(&providers, &mock, name, operation_id, &ids);
        for (status, pointer, value) in answers {
            let (got, _, body) = send(&operation.method, &url, &credentials(operation)).await;
            assert_eq!(got, status, "{name} {operation_id}: {body}");
            let body: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(body.pointer(pointer), Some(&value), "{name}: {body}");
            assert_valid(&body_validator(provider, operation, status), &body, name);
        }
    }

    // `Prefer: code=` still chooses, and leaves the state alone.
    let (_, operation, url) = stateful_target(
        &providers,
        &mock,
        "chamelio",
        "cancelTask",
        &[("task_id", "43")],
    );
    let asked = with(&credentials(operation), "prefer", "code=404");
    assert_eq!(send("POST", &url, &asked).await.0, 404);
    assert_eq!(send("POST", &url, &credentials(operation)).await.0, 200);
    assert_eq!(send("POST", &url, &credentials(operation)).await.0, 409);
    // Another id is another resource.
    let (_, _, other) = stateful_target(
        &providers,
        &mock,
        "chamelio",
        "cancelTask",
        &[("task_id", "44")],
    );
    assert_eq!(send("POST", &other, &credentials(operation)).await.0, 200);
}

#[tokio::test]
async fn state_is_seeded_listed_and_reset_over_http_and_in_process() {
    let providers = providers();
    let mock = start_stateful().await;
    let client = test_support::http_client();
    let state = format!("{}/__mock/state", mock.uri());
    let seed = json!({"provider": "chamelio", "resource": "task", "key": {"task_id": "7"}, "state": "completed"});
    let response = client
        .post(&state)
        .body(seed.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let (_, operation, url) = stateful_target(
        &providers,
        &mock,
        "chamelio",
        "cancelTask",
        &[("task_id", "7")],
    );
    assert_eq!(send("POST", &url, &credentials(operation)).await.0, 409);
    let listed: Value = client
        .get(&state)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed, json!({"stateful": true, "resources": [seed]}));

    for (bad, says) in [
        (
            json!({"provider": "chamelio", "resource": "task", "key": {"task_id": "7"}, "state": "lost"}),
            "is not a state of `task`",
        ),
        (
            json!({"provider": "chamelio", "resource": "job", "key": {"task_id": "7"}, "state": "running"}),
            "has no resource `job`",
        ),
        (
            json!({"provider": "chamelio", "resource": "task", "key": {"id": "7"}, "state": "running"}),
            "keyed by task_id",
        ),
        (
            json!({"provider": "nope", "resource": "task", "key": {}, "state": "running"}),
            "no provider `nope`",
        ),
    ] {
        let response = client
            .post(&state)
            .body(bad.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{bad}");
        let text = response.text().await.unwrap();
        assert!(text.contains(says), "{bad}: {text}");
    }

    let response = client.post(format!("{state}/reset")).send().await.unwrap();
    assert_eq!(response.status(), 204);
    assert!(mock.resource_states().is_empty());
    assert_eq!(send("POST", &url, &credentials(operation)).await.0, 200);

    // The same from Rust.
    mock.seed_state(&mock_server::ResourceState {
        provider: "akua".into(),
        resource: "operation".into(),
        key: [("id".to_string(), "op_9".to_string())].into(),
        state: "SUCCEEDED".into(),
    })
    .unwrap();
    let (_, operation, url) = stateful_target(
        &providers,
        &mock,
        "akua",
        "operations.cancel",
        &[("id", "op_9")],
    );
    assert_eq!(send("POST", &url, &credentials(operation)).await.0, 422);
}

#[tokio::test]
async fn a_stateless_mock_answers_the_same_twice_and_refuses_seeds() {
    let providers = providers();
    let mock = start().await;
    let (_, operation, url) = stateful_target(
        &providers,
        &mock,
        "chamelio",
        "cancelTask",
        &[("task_id", "7")],
    );
    for _ in 0..2 {
        assert_eq!(send("POST", &url, &credentials(operation)).await.0, 200);
    }
    let response = test_support::http_client()
        .post(format!("{}/__mock/state", mock.uri()))
        .body(r#"{"provider": "chamelio", "resource": "task", "key": {"task_id": "7"}, "state": "completed"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("--stateful"));
}

/// A stateful mock lists what it holds: Akua's `GET /operations` pages
/// through the operations seeded or moved by requests, each with the state
/// reading it shows, until asked for a made collection.
#[tokio::test]
async fn a_stateful_list_pages_through_the_resources_it_holds() {
    let providers = providers();
    let mock = start_stateful().await;
    let (provider, list, url) = stateful_target(&providers, &mock, "akua", "operations.list", &[]);
    let headers = credentials(list);
    let page = |query: String| {
        let (url, headers) = (format!("{url}?{query}"), headers.clone());
        async move {
            let (status, _, body) = send("GET", &url, &headers).await;
            assert_eq!(status, 200, "{body}");
            serde_json::from_str::<Value>(&body).unwrap()
        }
    };
    let listed = |page: &Value| -> Vec<(String, String)> {
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| (o["id"].to_string(), o["state"].to_string()))
            .collect()
    };

    let empty = page("limit=2".into()).await;
    assert_eq!(empty["data"], json!([]), "nothing held yet");
    assert_eq!(empty["has_more"], json!(false));

    for (id, state) in [
        ("op_c", "SUCCEEDED"),
        ("op_a", "RUNNING"),
        ("op_b", "FAILED"),
    ] {
        mock.seed_state(&mock_server::ResourceState {
            provider: "akua".into(),
            resource: "operation".into(),
            key: [("id".to_string(), id.to_string())].into(),
            state: state.into(),
        })
        .unwrap();
    }
    let (_, cancel, cancel_url) = stateful_target(
        &providers,
        &mock,
        "akua",
        "operations.cancel",
        &[("id", "op_a")],
    );
    assert_eq!(send("POST", &cancel_url, &credentials(cancel)).await.0, 202);

    let first = page("limit=2".into()).await;
    assert_eq!(first["has_more"], json!(true));
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let last = page(format!("limit=2&cursor={cursor}")).await;
    assert_eq!(last["has_more"], json!(false));
    let walked: Vec<(String, String)> = [listed(&first), listed(&last)].concat();
    let expected: Vec<(String, String)> = [
        ("op_a", "CANCELLED"),
        ("op_b", "FAILED"),
        ("op_c", "SUCCEEDED"),
    ]
    .iter()
    .map(|(id, state)| (format!("\"{id}\""), format!("\"{state}\"")))
    .collect();
    assert_eq!(walked, expected);
    // Every page is the document's list body.
    let validator = body_validator(provider, list, 200);
    for page in [&empty, &first, &last] {
        assert_valid(&validator, page, "a stateful page");
    }

    // `Prefer: items=N` asks for a made collection instead.
    let made_url = format!("{url}?limit=10");
    let prefer = [headers.clone(), vec![("prefer".into(), "items=4".into())]].concat();
    let (_, _, made) = send("GET", &made_url, &prefer).await;
    let made: Value = serde_json::from_str(&made).unwrap();
    assert_eq!(made["data"].as_array().unwrap().len(), 4);
}

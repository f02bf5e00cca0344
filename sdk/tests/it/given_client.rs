//! A client built on an application's own `reqwest::Client`
//! (`ClientBuilder::reqwest_client`): the credential, extra headers,
//! per-attempt timeout and retries still apply.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::json;
use test_support::sdk::NoSleep;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-given-client-5d1e";

/// The application's client: its own default headers, no timeout.
fn application_client() -> reqwest::Client {
    let mut defaults = HeaderMap::new();
    defaults.insert("x-api-key", HeaderValue::from_static("application-default"));
    defaults.insert("x-application", HeaderValue::from_static("billing"));
    sdk::reqwest_client_builder()
        .unwrap()
        .default_headers(defaults)
        .build()
        .unwrap()
}

fn cancelled() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "message": "Task cancelled", "status": "cancelled", "task_id": 1
    }))
}

#[tokio::test]
async fn the_key_and_extra_headers_reach_the_wire_over_the_client_s_defaults() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(cancelled())
        .mount(&server)
        .await;
    let client = sdk::chamelio::Client::builder()
        .reqwest_client(application_client())
        .base_url(server.uri())
        .api_key(KEY)
        .header("Prefer", "code=200")
        .build()
        .unwrap();
    let response = client.cancel_task().task_id(1).send().await.unwrap();
    assert_eq!(response.status, "cancelled");
    let requests = server.received_requests().await.unwrap();
    let headers = &requests[0].headers;
    assert_eq!(headers["x-api-key"], KEY);
    assert_eq!(headers.get_all("x-api-key").iter().count(), 1);
    assert_eq!(headers["prefer"], "code=200");
    // The application's other defaults still go out.
    assert_eq!(headers["x-application"], "billing");
    assert!(!format!("{client:?}").contains(KEY));
}

#[tokio::test]
async fn the_bearer_token_reaches_the_wire() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({
            "name": "operations/op_1", "id": "op_1", "done": false, "state": "RUNNING",
        })))
        .mount(&server)
        .await;
    let client = sdk::akua::Client::builder()
        .reqwest_client(application_client())
        .base_url(server.uri())
        .api_key(KEY)
        .build()
        .unwrap();
    let _ = client.operations_cancel().id("op_1").send().await;
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].headers["authorization"],
        format!("Bearer {KEY}")
    );
}

#[tokio::test]
async fn the_sdk_times_each_attempt_of_a_client_without_a_timeout() {
    let server = MockServer::start().await;
    // Far longer than the SDK's timeout; the test ends when the SDK gives up.
    Mock::given(any())
        .respond_with(cancelled().set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let client = sdk::chamelio::Client::builder()
        .reqwest_client(application_client())
        .base_url(server.uri())
        .api_key(KEY)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = client.cancel_task().task_id(1).send().await.unwrap_err();
    assert_eq!(error.variant(), "Timeout", "{error}");
}

#[tokio::test]
async fn retries_still_apply() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(cancelled())
        .mount(&server)
        .await;
    let client = sdk::chamelio::Client::builder()
        .reqwest_client(application_client())
        .base_url(server.uri())
        .api_key(KEY)
        .retry_non_idempotent(true)
        .sleep(NoSleep)
        .build()
        .unwrap();
    let response = client.cancel_task().task_id(1).send().await.unwrap();
    assert_eq!(response.status, "cancelled");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.headers["x-api-key"] == KEY));
}

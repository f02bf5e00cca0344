//! Retries, backoff, `Retry-After`, idempotency keys, timeouts and what the
//! logs show, against `wiremock`. Waits go through a recording sleeper, so no
//! test waits for real backoff time.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sdk::{DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, Sleep};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Records every wait and returns at once.
#[derive(Clone, Default)]
struct RecordingSleep(Arc<Mutex<Vec<Duration>>>);

impl Sleep for RecordingSleep {
    fn sleep(
        &self,
        duration: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        self.0.lock().unwrap().push(duration);
        Box::pin(std::future::ready(()))
    }
}

impl RecordingSleep {
    fn waits(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

/// Answers `first` `times` times, then `then`.
async fn serve(first: ResponseTemplate, times: u64, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(times)
        .mount(&server)
        .await;
    Mock::given(any()).respond_with(then).mount(&server).await;
    server
}

fn akua_operation() -> serde_json::Value {
    json!({
        "id": "op_1", "workspace_id": null, "organization_id": null, "owner_type": "machine",
        "owner_id": "mch_1", "parent_operation_id": null, "state": "RUNNING", "done": false,
        "html_url": "https://akua.dev/ops/op_1",
        "metadata": {"type": "machine.delete", "workspace_id": "ws_1", "machine_id": "mch_1", "request_fingerprint": "f"},
        "response": null, "error": null, "last_error": null, "started_at": 1, "completed_at": null
    })
}

fn akua(server: &MockServer, sleep: &RecordingSleep) -> sdk::akua::Client {
    sdk::akua::Client::builder()
        .base_url(server.uri())
        .api_key("sk_akua_secret")
        .sleep(sleep.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn each_retryable_status_is_retried_within_backoff_bounds() {
    for status in [408, 429, 502, 503, 504] {
        let sleep = RecordingSleep::default();
        let server = serve(
            ResponseTemplate::new(status),
            2,
            ResponseTemplate::new(202).set_body_json(akua_operation()),
        )
        .await;
        let result = akua(&server, &sleep)
            .operations_cancel()
            .id("op_1")
            .send()
            .await;
        assert!(result.is_ok(), "{status}: {result:?}");
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            3,
            "{status}"
        );
        let waits = sleep.waits();
        assert_eq!(waits.len(), 2, "{status}");
        // Full jitter under a doubling ceiling.
        assert!(waits[0] <= DEFAULT_INITIAL_BACKOFF, "{status}: {waits:?}");
        assert!(
            waits[1] <= (DEFAULT_INITIAL_BACKOFF * 2).min(DEFAULT_MAX_BACKOFF),
            "{status}: {waits:?}"
        );
    }
}

#[tokio::test]
async fn gives_up_after_the_configured_attempts_and_says_how_many() {
    let sleep = RecordingSleep::default();
    let server = serve(ResponseTemplate::new(503), 100, ResponseTemplate::new(503)).await;
    let error = akua(&server, &sleep)
        .operations_cancel()
        .id("op_1")
        .send()
        .await
        .unwrap_err();
    let sdk::akua::errors::OperationsCancelError::UnexpectedStatus(raw) = &error else {
        panic!("expected UnexpectedStatus, got {error:?}");
    };
    assert_eq!(raw.attempts, 3);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    // Zero retries: one attempt; a per-call override wins over the client's.
    let server = server_with_503().await;
    let client = sdk::akua::Client::builder()
        .base_url(server.uri())
        .retries(0)
        .build()
        .unwrap();
    let _ = client.operations_cancel().id("op_1").send().await;
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    let _ = client
        .operations_cancel()
        .id("op_1")
        .send_with(sdk::CallOptions {
            retries: Some(1),
            ..Default::default()
        })
        .await;
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

async fn server_with_503() -> MockServer {
    serve(
        ResponseTemplate::new(503).insert_header("retry-after", "0"),
        100,
        ResponseTemplate::new(503),
    )
    .await
}

#[tokio::test]
async fn retry_after_is_honoured_in_seconds_and_as_a_date() {
    let sleep = RecordingSleep::default();
    let server = serve(
        ResponseTemplate::new(429).insert_header("retry-after", "3"),
        1,
        ResponseTemplate::new(202).set_body_json(akua_operation()),
    )
    .await;
    akua(&server, &sleep)
        .operations_cancel()
        .id("op_1")
        .send()
        .await
        .unwrap();
    assert_eq!(sleep.waits(), [Duration::from_secs(3)]);

    let sleep = RecordingSleep::default();
    let at = (chrono::Utc::now() + chrono::Duration::seconds(5))
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let server = serve(
        ResponseTemplate::new(503).insert_header("retry-after", at.as_str()),
        1,
        ResponseTemplate::new(202).set_body_json(akua_operation()),
    )
    .await;
    akua(&server, &sleep)
        .operations_cancel()
        .id("op_1")
        .send()
        .await
        .unwrap();
    let waits = sleep.waits();
    assert!(
        waits[0] <= Duration::from_secs(5) && waits[0] >= Duration::from_secs(3),
        "{waits:?}"
    );

    // Longer than the cap: no retry at all.
    let sleep = RecordingSleep::default();
    let server = serve(
        ResponseTemplate::new(503).insert_header("retry-after", "3600"),
        1,
        ResponseTemplate::new(202),
    )
    .await;
    let error = akua(&server, &sleep)
        .operations_cancel()
        .id("op_1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(sleep.waits().is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn other_statuses_are_never_retried() {
    for status in [400, 401, 403, 404, 409, 422, 500] {
        let sleep = RecordingSleep::default();
        let server = serve(
            ResponseTemplate::new(status),
            100,
            ResponseTemplate::new(status),
        )
        .await;
        let _ = akua(&server, &sleep)
            .operations_cancel()
            .id("op_1")
            .send()
            .await;
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "{status}"
        );
        assert!(sleep.waits().is_empty(), "{status}");
    }
}

#[tokio::test]
async fn every_attempt_carries_the_same_idempotency_key() {
    let sleep = RecordingSleep::default();
    let server = serve(
        ResponseTemplate::new(503),
        2,
        ResponseTemplate::new(202).set_body_json(akua_operation()),
    )
    .await;
    let client = akua(&server, &sleep);
    client.operations_cancel().id("op_1").send().await.unwrap();
    let keys: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.headers["idempotency-key"].to_str().unwrap().to_string())
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
    assert!(keys[0].starts_with("sdk-"));

    // A new logical call gets a new key; a caller's own key is kept.
    server.reset().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(202).set_body_json(akua_operation()))
        .mount(&server)
        .await;
    client.operations_cancel().id("op_1").send().await.unwrap();
    client
        .operations_cancel()
        .id("op_1")
        .idempotency_key("mine")
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_ne!(requests[0].headers["idempotency-key"], keys[0].as_str());
    assert_eq!(requests[1].headers["idempotency-key"], "mine");
}

#[tokio::test]
async fn a_post_without_idempotency_key_is_not_retried_unless_allowed() {
    let chamelio_ok = ResponseTemplate::new(200)
        .set_body_json(json!({"task_id": 1, "status": "cancelled", "message": "ok"}));
    let sleep = RecordingSleep::default();
    let server = serve(ResponseTemplate::new(503), 1, chamelio_ok.clone()).await;
    let client = sdk::chamelio::Client::builder()
        .base_url(server.uri())
        .sleep(sleep.clone())
        .build()
        .unwrap();
    let error = client.cancel_task().task_id(1).send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    let server = serve(ResponseTemplate::new(503), 1, chamelio_ok).await;
    let client = sdk::chamelio::Client::builder()
        .base_url(server.uri())
        .sleep(sleep.clone())
        .retry_non_idempotent(true)
        .build()
        .unwrap();
    client.cancel_task().task_id(1).send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn connection_failures_are_retried_even_for_posts() {
    let sleep = RecordingSleep::default();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = sdk::chamelio::Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .sleep(sleep.clone())
        .build()
        .unwrap();
    let error = client.cancel_task().task_id(1).send().await.unwrap_err();
    let sdk::chamelio::errors::CancelTaskError::Transport(transport) = &error else {
        panic!("expected Transport, got {error:?}");
    };
    assert_eq!(transport.attempts, 3);
    assert!(error.to_string().ends_with("(after 3 attempts)"), "{error}");
    assert_eq!(sleep.waits().len(), 2);
}

#[tokio::test]
async fn per_call_timeouts_fire() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(202).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let client = sdk::akua::Client::builder()
        .base_url(server.uri())
        .retries(0)
        .build()
        .unwrap();
    let options = sdk::CallOptions {
        timeout: Some(Duration::from_millis(50)),
        ..Default::default()
    };
    let error = client
        .operations_cancel()
        .id("op_1")
        .send_with(options)
        .await
        .unwrap_err();
    assert!(
        matches!(error, sdk::akua::errors::OperationsCancelError::Timeout(_)),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "timed out: no response in time (after 1 attempt)"
    );
}

/// A `tracing` writer that keeps everything written to it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `tracing` caches per call site whether anyone listens; tests running in
/// parallel threads without a subscriber race with that cache, so the log
/// check runs alone, in a child process.
#[test]
fn spans_record_the_call_and_never_secrets() {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "spans_child", "--ignored", "--test-threads", "1"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 passed"));
}

#[tokio::test]
#[ignore = "run by spans_record_the_call_and_never_secrets in a child process"]
async fn spans_child() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sleep = RecordingSleep::default();
    let server = serve(
        ResponseTemplate::new(503),
        1,
        ResponseTemplate::new(202).set_body_json(akua_operation()),
    )
    .await;
    let client = akua(&server, &sleep);
    client
        .operations_cancel()
        .id("op_1")
        .idempotency_key("key-topsecret")
        .send()
        .await
        .unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("sdk.call"), "{logs}");
    for field in [
        "provider=\"akua\"",
        "operation_id=\"operations.cancel\"",
        "method=\"POST\"",
        "path=\"/operations/{id}:cancel\"",
        "status=202",
        "attempts=2",
        "latency_ms=",
        "attempt=2",
    ] {
        assert!(logs.contains(field), "missing {field} in {logs}");
    }
    assert!(!logs.contains("sk_akua_secret"), "{logs}");
    assert!(!logs.contains("topsecret"), "{logs}");
    assert!(!format!("{client:?}").contains("sk_akua_secret"));
}

/// A wait that never ends, announcing when it starts and holding `token`
/// for as long as anything keeps it alive.
#[derive(Clone)]
struct Forever {
    started: Arc<tokio::sync::Notify>,
    token: Arc<()>,
}

impl Sleep for Forever {
    fn sleep(
        &self,
        _: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        self.started.notify_one();
        let token = self.token.clone();
        Box::pin(async move {
            let _held = token;
            std::future::pending::<()>().await
        })
    }
}

#[tokio::test]
async fn dropping_the_call_leaves_nothing_running() {
    let server = serve(ResponseTemplate::new(503), 100, ResponseTemplate::new(503)).await;
    let forever = Forever {
        started: Arc::default(),
        token: Arc::default(),
    };
    let client = sdk::akua::Client::builder()
        .base_url(server.uri())
        .sleep(forever.clone())
        .build()
        .unwrap();
    let held_by_client = Arc::strong_count(&forever.token);
    // Drop the caller's future while it waits to retry.
    tokio::select! {
        _ = client.operations_cancel().id("op_1").send() => panic!("the wait never ends"),
        _ = forever.started.notified() => {}
    }
    // The retry wait was dropped with the call: nothing holds its token, nothing will send again.
    assert_eq!(Arc::strong_count(&forever.token), held_by_client);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

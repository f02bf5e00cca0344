//! Retries, backoff, `Retry-After`, idempotency keys, timeouts and what the
//! logs show, against the in-process mock server: its injected faults script
//! the failing sequences, its journal says what was sent. Waits go through a
//! recording sleeper, so no test waits for real backoff time.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mock_server::{Config, Fault, FaultKind, Filter, MockServer};
use sdk::{DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, Sleep};

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

async fn start() -> MockServer {
    MockServer::start(Config::default()).await.unwrap()
}

/// The next `times` calls of `operation_id` answer `status` with `headers`;
/// then the mock answers as the document says.
fn fail(mock: &MockServer, operation_id: &str, times: u32, status: u16, headers: &[(&str, &str)]) {
    mock.inject(Fault {
        operation_id: Some(operation_id.into()),
        times,
        status: Some(status),
        headers: headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect(),
        ..Fault::default()
    })
    .unwrap();
}

/// How many requests reached `operation_id`.
fn received(mock: &MockServer, operation_id: &str) -> usize {
    mock.requests(&Filter {
        operation_id: Some(operation_id.into()),
        ..Filter::default()
    })
    .len()
}

const CANCEL: &str = "operations.cancel";

fn akua(mock: &MockServer, sleep: &RecordingSleep) -> sdk::akua::Client {
    sdk::akua::Client::builder()
        .base_url(mock.base_url("akua").unwrap())
        .api_key("sk_akua_secret")
        .sleep(sleep.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn each_retryable_status_is_retried_within_backoff_bounds() {
    let mock = start().await;
    for status in [408, 429, 502, 503, 504] {
        let sleep = RecordingSleep::default();
        mock.reset_requests();
        fail(&mock, CANCEL, 2, status, &[]);
        let result = akua(&mock, &sleep)
            .operations_cancel()
            .id("op_1")
            .send()
            .await;
        assert!(result.is_ok(), "{status}: {result:?}");
        assert_eq!(received(&mock, CANCEL), 3, "{status}");
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
    let mock = start().await;
    fail(&mock, CANCEL, 100, 503, &[("retry-after", "0")]);
    let error = akua(&mock, &sleep)
        .operations_cancel()
        .id("op_1")
        .send()
        .await
        .unwrap_err();
    let sdk::akua::errors::OperationsCancelError::UnexpectedStatus(raw) = &error else {
        panic!("expected UnexpectedStatus, got {error:?}");
    };
    assert_eq!(raw.attempts, 3);
    assert_eq!(received(&mock, CANCEL), 3);

    // Zero retries: one attempt; a per-call override wins over the client's.
    mock.reset_requests();
    let client = sdk::akua::Client::builder()
        .api_key("k")
        .base_url(mock.base_url("akua").unwrap())
        .retries(0)
        .build()
        .unwrap();
    let _ = client.operations_cancel().id("op_1").send().await;
    assert_eq!(received(&mock, CANCEL), 1);
    let _ = client
        .operations_cancel()
        .id("op_1")
        .send_with(sdk::CallOptions {
            retries: Some(1),
            ..Default::default()
        })
        .await;
    assert_eq!(received(&mock, CANCEL), 3);
}

#[tokio::test]
async fn retry_after_is_honoured_in_seconds_and_as_a_date() {
    let mock = start().await;
    let sleep = RecordingSleep::default();
    fail(&mock, CANCEL, 1, 429, &[("retry-after", "3")]);
    akua(&mock, &sleep)
        .operations_cancel()
        .id("op_1")
        .send()
        .await
        .unwrap();
    assert_eq!(sleep.waits(), [Duration::from_secs(3)]);

    let sleep = RecordingSleep::default();
    let at = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(5));
    fail(&mock, CANCEL, 1, 503, &[("retry-after", at.as_str())]);
    akua(&mock, &sleep)
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
    mock.reset_requests();
    fail(&mock, CANCEL, 1, 503, &[("retry-after", "3600")]);
    let error = akua(&mock, &sleep)
        .operations_cancel()
        .id("op_1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(sleep.waits().is_empty());
    assert_eq!(received(&mock, CANCEL), 1);
}

#[tokio::test]
async fn other_statuses_are_never_retried() {
    let mock = start().await;
    for status in [400, 401, 403, 404, 409, 422, 500] {
        let sleep = RecordingSleep::default();
        mock.reset_requests();
        mock.clear_faults();
        fail(&mock, CANCEL, 100, status, &[]);
        let _ = akua(&mock, &sleep)
            .operations_cancel()
            .id("op_1")
            .send()
            .await;
        assert_eq!(received(&mock, CANCEL), 1, "{status}");
        assert!(sleep.waits().is_empty(), "{status}");
    }
}

#[tokio::test]
async fn every_attempt_carries_the_same_idempotency_key() {
    let sleep = RecordingSleep::default();
    let mock = start().await;
    fail(&mock, CANCEL, 2, 503, &[]);
    let client = akua(&mock, &sleep);
    client.operations_cancel().id("op_1").send().await.unwrap();
    let keys = || -> Vec<String> {
        mock.received_requests()
            .unwrap()
            .iter()
            .map(|r| r.headers.get("idempotency-key").unwrap_or_default())
            .collect()
    };
    let keys = keys();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
    // A version 4 UUID, valid for the parameter's schema in Akua's document.
    let uuid = uuid::Uuid::parse_str(&keys[0]).unwrap();
    assert_eq!(uuid.get_version(), Some(uuid::Version::Random));
    let akua = specs::load_providers(&specs::providers_dir())
        .unwrap()
        .into_iter()
        .find(|p| p.name == "akua")
        .unwrap();
    let cancel = akua
        .operations
        .iter()
        .find(|operation| operation.operation_id == CANCEL)
        .unwrap();
    let schema = &cancel
        .parameters
        .iter()
        .find(|p| p.name == "idempotency-key")
        .unwrap()
        .schema;
    let length = keys[0].chars().count() as u64;
    assert!(length >= schema["minLength"].as_u64().unwrap_or(0));
    assert!(length <= schema["maxLength"].as_u64().unwrap_or(u64::MAX));
    assert!(
        schema.get("pattern").is_none(),
        "check the key against {schema}"
    );

    // A new logical call gets a new key; a caller's own key is kept.
    mock.reset_requests();
    client.operations_cancel().id("op_1").send().await.unwrap();
    client
        .operations_cancel()
        .id("op_1")
        .idempotency_key("mine")
        .send()
        .await
        .unwrap();
    let requests = mock.received_requests().unwrap();
    assert_ne!(
        requests[0].headers.get("idempotency-key"),
        Some(keys[0].clone())
    );
    assert_eq!(
        requests[1].headers.get("idempotency-key").as_deref(),
        Some("mine")
    );
}

#[tokio::test]
async fn a_post_without_idempotency_key_is_not_retried_unless_allowed() {
    let mock = start().await;
    let sleep = RecordingSleep::default();
    fail(&mock, "cancelTask", 1, 503, &[]);
    let client = sdk::chamelio::Client::builder()
        .base_url(mock.base_url("chamelio").unwrap())
        .api_key("ca_key")
        .sleep(sleep.clone())
        .build()
        .unwrap();
    let error = client.cancel_task().task_id(1).send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(received(&mock, "cancelTask"), 1);

    mock.reset_requests();
    fail(&mock, "cancelTask", 1, 503, &[]);
    let client = sdk::chamelio::Client::builder()
        .base_url(mock.base_url("chamelio").unwrap())
        .api_key("ca_key")
        .sleep(sleep.clone())
        .retry_non_idempotent(true)
        .build()
        .unwrap();
    client.cancel_task().task_id(1).send().await.unwrap();
    assert_eq!(received(&mock, "cancelTask"), 2);
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
        .api_key("k")
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
    let mock = start().await;
    mock.inject(Fault {
        operation_id: Some(CANCEL.into()),
        fault: Some(FaultKind::Delay),
        delay_ms: 10_000,
        ..Fault::default()
    })
    .unwrap();
    let client = sdk::akua::Client::builder()
        .base_url(mock.base_url("akua").unwrap())
        .api_key("sk_akua_secret")
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
        .args([
            "--exact",
            "retries::spans_child",
            "--ignored",
            "--test-threads",
            "1",
        ])
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
    let mock = start().await;
    fail(&mock, CANCEL, 1, 503, &[]);
    let client = akua(&mock, &sleep);
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
    let mock = start().await;
    fail(&mock, CANCEL, 100, 503, &[]);
    let forever = Forever {
        started: Arc::default(),
        token: Arc::default(),
    };
    let client = sdk::akua::Client::builder()
        .base_url(mock.base_url("akua").unwrap())
        .api_key("sk_akua_secret")
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
    assert_eq!(received(&mock, CANCEL), 1);
}

//! The validating proxy (`Config::proxy`, `--proxy`) in front of local
//! upstreams on loopback: another mock (faithful: no violations), a small
//! server drifting from Chamelio's document on purpose (each planted drift
//! found, with its pointer and direction, and nothing else), hostile and
//! unreachable upstreams (`502`, never a hang), and credentials kept out of
//! logs, the journal and recordings.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use mock_server::{Config, Direction, MockServer, Violation};
use reqwest::Method;
use serde_json::{Value, json};
use specs::Provider;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const KEY: &str = "sekrit-proxy-key-0451";

fn providers() -> Vec<Provider> {
    specs::load_providers(&specs::providers_dir()).unwrap()
}

async fn send(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let client = test_support::http_client();
    let mut request = client.request(Method::from_bytes(method.as_bytes()).unwrap(), url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

async fn proxy_to(provider: &str, upstream: String) -> MockServer {
    MockServer::start(Config {
        proxy: vec![(provider.to_string(), upstream)],
        proxy_timeout: Duration::from_secs(5),
        ..Config::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_faithful_upstream_yields_no_violations() {
    // Both journals keep every request of the run (one per declared status).
    let journal = 100_000;
    let upstream = MockServer::start(Config {
        journal,
        ..Config::default()
    })
    .await
    .unwrap();
    let proxy = MockServer::start(Config {
        proxy: mock_server::PROVIDERS
            .iter()
            .map(|p| (p.name.to_string(), upstream.base_url(p.name).unwrap()))
            .collect(),
        journal,
        ..Config::default()
    })
    .await
    .unwrap();
    let mut rows = 0;
    let client = test_support::http_client();
    for provider in providers() {
        let base = proxy.base_url(&provider.name).unwrap();
        for operation in &provider.operations {
            let document = &provider.documents[operation.document];
            let arguments = test_support::values::valid_arguments(document, operation);
            let (target, parameter_headers) =
                test_support::values::request_target(operation, &arguments);
            let body = test_support::bodies::request_body(&provider, operation).unwrap();
            let credentials = test_support::expect::credentials(operation, KEY);
            let target = credentials.on_target(&target);
            let mut headers = credentials.headers;
            headers.extend(parameter_headers);
            for response in &operation.responses {
                let specs::Status::Code(code) = response.status else {
                    continue;
                };
                let method = Method::from_bytes(operation.method.as_bytes()).unwrap();
                let mut request = client
                    .request(method, format!("{base}{target}"))
                    .header("prefer", format!("code={code}"));
                for (name, value) in &headers {
                    request = request.header(name, value);
                }
                if let Some(body) = &body {
                    request = request.json(body);
                }
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                let text = response.text().await.unwrap();
                assert_eq!(status, code, "{}: {text}", operation.operation_id);
                rows += 1;
            }
        }
    }
    let declared: usize = providers()
        .iter()
        .flat_map(|p| &p.operations)
        .flat_map(|o| &o.responses)
        .filter(|r| matches!(r.status, specs::Status::Code(_)))
        .count();
    assert_eq!(rows, declared);
    assert_eq!(proxy.violations(), Vec::<Violation>::new());
    assert!(proxy.violation_summary().is_empty());
    // The upstream saw every request, credentials included.
    assert_eq!(upstream.received_requests().unwrap().len(), rows);
    // Every proxied request is in the proxy's journal with its operation.
    let entries = proxy.received_requests().unwrap();
    assert_eq!(entries.len(), rows);
    assert!(
        entries
            .iter()
            .all(|e| e.operation_id.is_some() && e.violations.is_empty())
    );
    let (status, _, body) = send("GET", &format!("{}/__mock/violations", proxy.uri()), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"violations": []})
    );
}

/// Chamelio's `POST /tasks/{task_id}/cancel`, drifting by task id:
/// 1 an undeclared status, 2 a body missing a required member, 3 a member
/// of the wrong type, 4 an undeclared content type; others as documented.
async fn drifting_cancel(Path(task_id): Path<String>, headers: HeaderMap) -> Response {
    let json = |status: StatusCode, body: Value| {
        let mut response = (status, body.to_string()).into_response();
        response
            .headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
        response
    };
    // Proves the credential reached the upstream; echoed back as a cookie,
    // which a recording must not keep.
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_string();
    let mut response = match task_id.as_str() {
        "1" => json(StatusCode::IM_A_TEAPOT, json!({"detail": "teapot"})),
        "2" => json(StatusCode::OK, json!({"task_id": 2, "status": "cancelled"})),
        "3" => json(
            StatusCode::OK,
            json!({"task_id": "three", "status": "cancelled", "message": "ok"}),
        ),
        "4" => {
            let mut response = (StatusCode::OK, "cancelled").into_response();
            response
                .headers_mut()
                .insert("content-type", "text/plain".parse().unwrap());
            response
        }
        id => match id.parse::<i64>() {
            Ok(id) => json(
                StatusCode::OK,
                json!({"task_id": id, "status": "cancelled", "message": "ok"}),
            ),
            Err(_) => json(StatusCode::NOT_FOUND, json!({"detail": "Task not found"})),
        },
    };
    response
        .headers_mut()
        .insert("set-cookie", format!("session={key}").parse().unwrap());
    // Which content codings the proxy accepted on the client's behalf.
    if let Some(accepted) = headers.get("accept-encoding") {
        response
            .headers_mut()
            .insert("x-seen-accept-encoding", accepted.clone());
    }
    response
}

async fn drifting_upstream() -> (String, tokio::task::JoinHandle<()>) {
    let app = axum::Router::new()
        .route("/tasks/{task_id}/cancel", post(drifting_cancel))
        .fallback(|| async { (StatusCode::NOT_FOUND, "no such path") });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (url, task)
}

/// Log lines written while the guard lives on this thread (the tests'
/// runtime is single-threaded, so the servers' tasks log here too).
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mock-server-proxy-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn pointers(violations: &[Violation]) -> Vec<(Option<u16>, Direction, &str)> {
    violations
        .iter()
        .map(|v| (v.status, v.direction, v.pointer.as_str()))
        .collect()
}

#[tokio::test]
async fn every_planted_drift_is_found_and_nothing_else() {
    let (logs, _guard) = capture_logs();
    let (upstream, _task) = drifting_upstream().await;
    let recordings = scratch_dir("drift");
    let proxy = MockServer::start(Config {
        proxy: vec![("chamelio".into(), upstream)],
        record: Some(recordings.clone()),
        ..Config::default()
    })
    .await
    .unwrap();
    let base = proxy.base_url("chamelio").unwrap();
    let key = [("x-api-key", KEY)];
    let cancel = |task: &str| format!("{base}/tasks/{task}/cancel");

    let cases: [(&str, u16, &str, &str); 4] = [
        ("1", 418, "/status", "status 418 is not declared"),
        ("2", 200, "/body/message", "Field required"),
        ("3", 200, "/body/task_id", "integer"),
        ("4", 200, "/header/content-type", "text/plain"),
    ];
    for (task, status, pointer, message) in cases {
        proxy.clear_violations();
        let (got, headers, body) = send("POST", &cancel(task), &key).await;
        // The upstream's answer, unchanged.
        assert_eq!(got.as_u16(), status, "task {task}: {body}");
        assert_eq!(
            headers["set-cookie"],
            format!("session={KEY}").as_str(),
            "task {task}"
        );
        let found = proxy.violations();
        assert_eq!(
            pointers(&found),
            [(Some(status), Direction::Response, pointer)],
            "task {task}: {found:?}"
        );
        assert!(found[0].message.contains(message), "{found:?}");
        assert_eq!(found[0].provider, "chamelio");
        assert_eq!(found[0].operation_id, Some("cancelTask"));
    }

    // As documented: nothing. The proxy asks for an uncompressed answer
    // (without `Accept-Encoding` any coding would do), so it can read it.
    proxy.clear_violations();
    let (status, headers, _) = send(
        "POST",
        &cancel("5"),
        &[("x-api-key", KEY), ("accept-encoding", "gzip, br")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-seen-accept-encoding"], "identity");
    assert_eq!(proxy.violations(), Vec::<Violation>::new());

    // A bad parameter: a request violation; the declared 404 that answers it is fine.
    let (status, _, _) = send("POST", &cancel("abc"), &key).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        pointers(&proxy.violations()),
        [(Some(404), Direction::Request, "/path/task_id")]
    );

    // No credentials: a request violation where the document wants them.
    proxy.clear_violations();
    let (status, _, _) = send("POST", &cancel("5"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        pointers(&proxy.violations()),
        [(Some(200), Direction::Request, "/header/X-API-Key")]
    );

    // No operation matches: forwarded anyway, and reported.
    proxy.clear_violations();
    let (status, _, body) = send("GET", &format!("{base}/tasks"), &key).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::NOT_FOUND, "no such path")
    );
    let found = proxy.violations();
    assert_eq!(pointers(&found), [(Some(404), Direction::Request, "")]);
    assert!(
        found[0].message.contains("no operation matches"),
        "{found:?}"
    );
    assert_eq!(found[0].operation_id, None);

    // Over HTTP, in the issue's shape; DELETE clears.
    let admin = format!("{}/__mock/violations", proxy.uri());
    let (_, _, body) = send("GET", &admin, &[]).await;
    let listed: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        listed,
        json!({"violations": [{
            "provider": "chamelio", "operation_id": null, "status": 404,
            "direction": "request", "pointer": "",
            "message": found[0].message,
        }]})
    );
    let (status, _, _) = send("DELETE", &admin, &[]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(proxy.violations().is_empty());

    // The journal carries each request's violations.
    let entries = proxy.received_requests().unwrap();
    let teapot = entries.iter().find(|e| e.status == 418).unwrap();
    assert_eq!(
        pointers(&teapot.violations),
        [(Some(418), Direction::Response, "/status")]
    );

    // The summary counts everything since start, cleared or not.
    let summary = proxy.violation_summary();
    assert_eq!(
        summary,
        [
            ("chamelio", "-", Direction::Request, 1),
            ("chamelio", "cancelTask", Direction::Request, 2),
            ("chamelio", "cancelTask", Direction::Response, 4),
        ]
    );
    proxy.shutdown().await.unwrap();

    // The credential reached the upstream (echoed in its cookie) but no
    // log line, journal entry or recording.
    let logs = logs.text();
    assert!(logs.contains("contract violation"), "{logs}");
    assert!(logs.contains("contract violations found"), "{logs}");
    assert!(!logs.contains(KEY), "{logs}");
    let entries: Vec<&mock_server::Entry> = entries.iter().map(|e| &**e).collect();
    let journal = serde_json::to_string(&entries).unwrap();
    assert!(journal.contains("x-api-key"), "{journal}");
    assert!(!journal.contains(KEY), "{journal}");
    let mut recorded = 0;
    for file in std::fs::read_dir(&recordings).unwrap() {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.to_lowercase().contains("set-cookie"), "{text}");
        assert!(!text.to_lowercase().contains("x-api-key"), "{text}");
        recorded += 1;
    }
    // Every exchange that matched the operation (not the unmatched GET).
    assert_eq!(recorded, 7);
    std::fs::remove_dir_all(&recordings).unwrap();
}

#[tokio::test]
async fn an_unreachable_upstream_gets_a_502_naming_the_provider() {
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let proxy = proxy_to("chamelio", url).await;
    let base = proxy.base_url("chamelio").unwrap();
    let (status, headers, body) = send(
        "POST",
        &format!("{base}/tasks/7/cancel"),
        &[("x-api-key", KEY)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_eq!(headers["x-mock-error"], "upstream_unreachable");
    let body: Value = serde_json::from_str(&body).unwrap();
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("`chamelio`"), "{message}");
    assert!(message.contains("cannot connect"), "{message}");
    assert!(!message.contains(KEY), "{message}");
    // The request itself was fine.
    assert!(proxy.violations().is_empty());
    assert_eq!(proxy.received_requests().unwrap()[0].status, 502);
}

/// How a raw upstream misbehaves.
#[derive(Clone, Copy)]
enum After {
    /// Writes the body again and again.
    Repeat,
    /// Closes the connection.
    Close,
    /// Holds the connection open: only the proxy's timeout ends it.
    Hold,
}

/// A raw upstream answering every connection with `head` then `body`, then `after`.
async fn raw_upstream(head: &'static str, body: &'static [u8], after: After) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                loop {
                    if socket.write_all(body).await.is_err() {
                        return;
                    }
                    match after {
                        After::Repeat => continue,
                        After::Close => return,
                        After::Hold => break,
                    }
                }
                let _ = socket.read(&mut request).await;
            });
        }
    });
    url
}

#[tokio::test]
async fn hostile_upstreams_end_in_502_not_a_hang() {
    let endless_chunk: &'static [u8] = Box::leak(
        [b"1000\r\n".as_slice(), &[b'x'; 0x1000], b"\r\n"]
            .concat()
            .into_boxed_slice(),
    );
    let cases: [(&str, &'static str, &'static [u8], After, &str); 4] = [
        (
            "endless chunked body",
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
            endless_chunk,
            After::Repeat,
            "larger than",
        ),
        (
            "announces a gigabyte",
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n",
            b"{}",
            After::Hold,
            "larger than",
        ),
        (
            "announces more than it sends, then closes",
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
            b"{\"a\":1}",
            After::Close,
            "transport error",
        ),
        ("never answers", "", b"", After::Hold, "timed out"),
    ];
    for (name, head, body, after, reason) in cases {
        let upstream = raw_upstream(head, body, after).await;
        let proxy = MockServer::start(Config {
            proxy: vec![("chamelio".into(), upstream)],
            proxy_timeout: Duration::from_secs(1),
            ..Config::default()
        })
        .await
        .unwrap();
        let base = proxy.base_url("chamelio").unwrap();
        let (status, _, body) = send(
            "POST",
            &format!("{base}/tasks/7/cancel"),
            &[("x-api-key", KEY)],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{name}: {body}");
        assert!(body.contains(reason), "{name}: {body}");
    }
}

#[tokio::test]
async fn proxy_settings_are_checked_at_start() {
    let start = |proxy: Vec<(&str, &str)>| {
        MockServer::start(Config {
            proxy: proxy
                .into_iter()
                .map(|(p, u)| (p.to_string(), u.to_string()))
                .collect(),
            ..Config::default()
        })
    };
    let error = start(vec![("nope", "http://127.0.0.1:1")])
        .await
        .unwrap_err();
    assert!(error.to_string().contains("`nope`"), "{error}");
    let error = start(vec![("akua", "https://user:sekrit@api.akua.dev/v1")])
        .await
        .unwrap_err();
    assert!(!error.to_string().contains("sekrit"), "{error}");
    let error = start(vec![("akua", "http://a"), ("akua", "http://b")])
        .await
        .unwrap_err();
    assert!(error.to_string().contains("twice"), "{error}");
    // `--provider akua` serves only akua: a proxy for another is refused.
    let error = MockServer::start(Config {
        provider: Some("akua".into()),
        proxy: vec![("chamelio".into(), "http://127.0.0.1:1".into())],
        ..Config::default()
    })
    .await
    .unwrap_err();
    assert!(error.to_string().contains("not served"), "{error}");
    let error = MockServer::start(Config {
        record: Some(scratch_dir("unused")),
        ..Config::default()
    })
    .await
    .unwrap_err();
    assert!(error.to_string().contains("needs --proxy"), "{error}");
}

//! Requests beyond the mock's limits, and clients too slow to finish theirs,
//! through raw TCP on loopback (an HTTP client library would not send them).

use std::time::Duration;

use mock_server::__private::{MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_HEADERS, MAX_TARGET_BYTES};
use mock_server::Limits;
use mock_server::{Config, MockServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Chamelio's cancel: a route that declares no request body.
const ROUTE: &str = "/chamelio/tasks/1/cancel";

async fn start() -> MockServer {
    MockServer::start(Config::default()).await.unwrap()
}

/// Sends `request` as is and reads until the server closes the connection.
async fn exchange(mock: &MockServer, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(mock.address()).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    // A bound on a broken server, not a wait for readiness.
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer))
        .await
        .expect("the server neither answered nor closed")
        .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

fn status_line(answer: &str) -> &str {
    answer.lines().next().unwrap_or_default()
}

fn post(headers: &str) -> String {
    format!(
        "POST {ROUTE} HTTP/1.1\r\nhost: x\r\nx-api-key: k\r\nconnection: close\r\n{headers}\r\n"
    )
}

#[tokio::test]
async fn a_declared_oversized_body_gets_413_on_a_route_without_a_body() {
    let mock = start().await;
    let answer = exchange(&mock, post("content-length: 104857600\r\n").as_bytes()).await;
    assert!(status_line(&answer).starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("x-mock-error: body_too_large"), "{answer}");
    // Under the limit, the same route answers as usual.
    let small = format!("{}{}", post("content-length: 2\r\n"), "{}");
    let answer = exchange(&mock, small.as_bytes()).await;
    assert!(status_line(&answer).starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_streamed_oversized_body_gets_413() {
    let mock = start().await;
    let size = MAX_BODY_BYTES + 1;
    let mut request = post("transfer-encoding: chunked\r\n").into_bytes();
    request.extend(format!("{size:x}\r\n").as_bytes());
    request.extend(std::iter::repeat_n(b'a', size));
    let answer = exchange(&mock, &request).await;
    assert!(status_line(&answer).starts_with("HTTP/1.1 413"), "{answer}");
}

#[tokio::test]
async fn a_raised_body_limit_takes_an_upload_over_the_default() {
    let mock = MockServer::start(Config {
        limits: Limits {
            max_body_bytes: 4 * MAX_BODY_BYTES,
            ..Limits::default()
        },
        ..Config::default()
    })
    .await
    .unwrap();
    let size = 2 * MAX_BODY_BYTES;
    let mut request = post(&format!("content-length: {size}\r\n")).into_bytes();
    request.extend(std::iter::repeat_n(b'a', size));
    let answer = exchange(&mock, &request).await;
    assert!(status_line(&answer).starts_with("HTTP/1.1 200"), "{answer}");
    // Past the raised limit, declared or streamed: 413, naming the limit.
    let over = 4 * MAX_BODY_BYTES + 1;
    let answer = exchange(
        &mock,
        post(&format!("content-length: {over}\r\n")).as_bytes(),
    )
    .await;
    assert!(status_line(&answer).starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains(&(4 * MAX_BODY_BYTES).to_string()),
        "{answer}"
    );
    let mut request = post("transfer-encoding: chunked\r\n").into_bytes();
    request.extend(format!("{over:x}\r\n").as_bytes());
    request.extend(std::iter::repeat_n(b'a', over));
    let answer = exchange(&mock, &request).await;
    assert!(status_line(&answer).starts_with("HTTP/1.1 413"), "{answer}");
}

#[tokio::test]
async fn a_long_query_gets_414() {
    let mock = start().await;
    let request = format!(
        "POST {ROUTE}?q={} HTTP/1.1\r\nhost: x\r\nx-api-key: k\r\nconnection: close\r\n\r\n",
        "a".repeat(MAX_TARGET_BYTES)
    );
    let answer = exchange(&mock, request.as_bytes()).await;
    assert!(status_line(&answer).starts_with("HTTP/1.1 414"), "{answer}");
    assert!(answer.contains("x-mock-error: uri_too_long"), "{answer}");
}

#[tokio::test]
async fn too_many_or_too_large_headers_get_431() {
    let mock = start().await;
    let many: String = (0..=MAX_HEADERS)
        .map(|i| format!("x-h{i}: v\r\n"))
        .collect();
    let answer = exchange(&mock, post(&many).as_bytes()).await;
    assert!(status_line(&answer).starts_with("HTTP/1.1 431"), "{answer}");

    // Larger than the handler's limit: its JSON answer.
    let large = format!("x-large: {}\r\n", "v".repeat(MAX_HEADER_BYTES));
    let answer = exchange(&mock, post(&large).as_bytes()).await;
    assert!(status_line(&answer).starts_with("HTTP/1.1 431"), "{answer}");
    assert!(
        answer.contains("x-mock-error: headers_too_large"),
        "{answer}"
    );

    // Larger than the connection's buffer: hyper answers before the handler runs.
    let huge = format!("x-huge: {}\r\n", "v".repeat(4 * MAX_HEADER_BYTES));
    let answer = exchange(&mock, post(&huge).as_bytes()).await;
    assert!(status_line(&answer).starts_with("HTTP/1.1 431"), "{answer}");
}

#[tokio::test]
async fn a_client_sending_headers_a_byte_at_a_time_is_cut_off_without_affecting_others() {
    let mock = MockServer::start(Config {
        limits: Limits {
            header_read_timeout: Duration::from_millis(300),
            ..Limits::default()
        },
        ..Config::default()
    })
    .await
    .unwrap();
    let mut slow = TcpStream::connect(mock.address()).await.unwrap();
    slow.write_all(format!("POST {ROUTE} HTTP/1.1\r\nx-slow: ").as_bytes())
        .await
        .unwrap();
    let base = mock.base_url("chamelio").unwrap();
    let client = test_support::http_client();
    // Up to 20 s of one byte every 50 ms (more than 60 times the timeout):
    // the server must close the connection long before.
    let mut closed = false;
    for _ in 0..400 {
        // Meanwhile other clients are served as usual.
        let status = client
            .post(format!("{base}/tasks/1/cancel"))
            .header("x-api-key", "k")
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200);
        if slow.write_all(b"a").await.is_err() {
            closed = true;
            break;
        }
        let mut buffer = [0u8; 256];
        let read = tokio::time::timeout(Duration::from_millis(50), slow.read(&mut buffer)).await;
        if let Ok(Ok(0) | Err(_)) = read {
            closed = true;
            break;
        }
    }
    assert!(
        closed,
        "the server kept a connection whose headers never ended"
    );
}

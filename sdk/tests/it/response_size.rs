//! A response body is read up to the client's limit and no further: a server
//! that sends more, or announces more, gets a typed `ResponseTooLarge` that
//! names the limit, and stops being read.

use sdk::chamelio::errors::CancelTaskError;
use test_support::raw_server::{RawServer, Reply};
use test_support::sdk::NoSleep;

/// The most the server may have written beyond the limit when the client
/// stops reading: what hyper's read buffer and the sockets' buffers hold
/// unread (about 120 KiB measured on loopback; the receiver's buffer may
/// grow with load). An unbounded reader takes gigabytes in the same time.
const SLACK: u64 = 8 * 1024 * 1024;

fn head(status: &str, headers: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{headers}\r\n").into_bytes()
}

fn chunked_forever() -> Reply {
    Reply::Endless {
        head: head("200 OK", "transfer-encoding: chunked\r\n"),
        chunk: format!("4000\r\n{}\r\n", "x".repeat(0x4000)).into_bytes(),
    }
}

fn client(server: &RawServer, limit: Option<usize>) -> sdk::chamelio::Client {
    let builder = sdk::chamelio::Client::builder()
        .base_url(&server.base_url)
        .api_key("key")
        .retries(0);
    match limit {
        Some(limit) => builder.max_response_bytes(limit),
        None => builder,
    }
    .build()
    .unwrap()
}

async fn too_large(client: &sdk::chamelio::Client) -> sdk::ResponseTooLarge {
    match client.cancel_task().task_id(1).send().await {
        Err(CancelTaskError::ResponseTooLarge(error)) => error,
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn an_endless_body_stops_at_the_default_limit() {
    let server = RawServer::start(chunked_forever()).await;
    let error = too_large(&client(&server, None)).await;
    assert_eq!(error.limit, 4 * 1024 * 1024);
    assert_eq!(error.status, 200);
    assert_eq!(error.content_length, None);
    assert!(error.to_string().contains("4194304 bytes"), "{error}");
    let written = server.endless_written().await;
    assert!(
        written < error.limit as u64 + SLACK,
        "the server wrote {written} bytes"
    );
}

#[tokio::test]
async fn an_endless_body_stops_at_a_configured_limit() {
    let server = RawServer::start(chunked_forever()).await;
    let client = client(&server, Some(100_000));
    let error = too_large(&client).await;
    assert_eq!(error.limit, 100_000);
    assert_eq!(error.attempts, 1);
    let message = sdk::chamelio::errors::CancelTaskError::ResponseTooLarge(error).to_string();
    assert!(
        message.contains("larger than the limit of 100000 bytes"),
        "{message}"
    );
    assert!(server.endless_written().await < 100_000 + SLACK);
}

#[tokio::test]
async fn a_content_length_over_the_limit_is_refused_before_reading() {
    // The server announces 10 GiB and sends none of it: only the header can end the call.
    let server = RawServer::start(Reply::Hold(head(
        "404 Not Found",
        "content-length: 10737418240\r\n",
    )))
    .await;
    let error = too_large(&client(&server, Some(1024))).await;
    assert_eq!(error.status, 404);
    assert_eq!(error.content_length, Some(10_737_418_240));
    assert!(
        error.to_string().contains("(Content-Length: 10737418240)"),
        "{error}"
    );
}

#[tokio::test]
async fn a_body_at_the_limit_is_read_and_one_byte_more_is_not() {
    let body = format!(r#"{{"detail":"{}"}}"#, "x".repeat(1000));
    let limit = body.len();
    let server = RawServer::start(Reply::Bytes(Vec::new())).await;
    let client = client(&server, Some(limit));
    for framing in ["content-length", "chunked"] {
        for (body, fits) in [(body.clone(), true), (format!("{body} "), false)] {
            let headers = match framing {
                "chunked" => "transfer-encoding: chunked\r\n".to_string(),
                _ => format!("content-length: {}\r\n", body.len()),
            };
            let mut reply = head("404 Not Found", &headers);
            match framing {
                "chunked" => {
                    // Two chunks, so the limit is crossed mid-stream.
                    let (first, second) = body.split_at(body.len() / 2);
                    for part in [first, second] {
                        reply.extend(format!("{:x}\r\n{part}\r\n", part.len()).bytes());
                    }
                    reply.extend(b"0\r\n\r\n");
                }
                _ => reply.extend(body.bytes()),
            }
            server.set_reply(Reply::Bytes(reply));
            let result = client.cancel_task().task_id(1).send().await;
            match (fits, result) {
                (true, Err(CancelTaskError::NotFound(found))) => {
                    assert_eq!(found.detail.len(), 1000);
                }
                (false, Err(CancelTaskError::ResponseTooLarge(error))) => {
                    assert_eq!(error.limit, limit);
                }
                (_, other) => panic!("{framing}, {} bytes: {other:?}", body.len()),
            }
        }
    }
}

#[tokio::test]
async fn a_response_too_large_is_not_retried() {
    // Akua's cancel carries an idempotency key, so a 503 would be retried.
    let server = RawServer::start(Reply::Bytes(
        [
            head("503 Service Unavailable", "content-length: 2048\r\n"),
            vec![b' '; 2048],
        ]
        .concat(),
    ))
    .await;
    let client = sdk::akua::Client::builder()
        .base_url(&server.base_url)
        .api_key("key")
        .retries(2)
        .sleep(NoSleep)
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let error = client
        .operations_cancel()
        .id("op_1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.variant(), "ResponseTooLarge", "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.take_requests().len(), 1);

    // Without the size problem, the same status is retried: the test sees retries.
    server.set_reply(Reply::Bytes(head(
        "503 Service Unavailable",
        "content-length: 0\r\n",
    )));
    let error = client
        .operations_cancel()
        .id("op_1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error}");
    assert_eq!(server.take_requests().len(), 3);
}

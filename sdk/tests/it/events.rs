//! `.events()`: an event stream read as it arrives, against servers that
//! stream well and ones that do not (a JSON success, an error status, an
//! event past the bound, a stream cut midway), and a stream resumed with
//! `.events_after(id)`.

use std::time::Duration;

use futures_util::StreamExt;
use sdk::akua::errors::InstallsGetLogsError;
use sdk::events::EventError;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client_for(server: &MockServer) -> sdk::ClientBuilder<sdk::akua::Client> {
    sdk::akua::Client::builder()
        .base_url(server.uri())
        .api_key("sk_akua_test")
        .retries(0)
}

fn stream(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), "text/event-stream")
}

#[tokio::test]
async fn events_arrive_typed_with_their_fields() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/installs/ins_1/logs"))
        .and(header("accept", "text/event-stream"))
        .respond_with(stream(
            ": keep-alive\r\nevent: message\r\nid: 1\r\ndata: {\"content\":\"a\"}\r\n\r\nevent: end\ndata: {}\n\n",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server).build().unwrap();
    let events: Vec<_> = client
        .installs_get_logs()
        .id("ins_1")
        .events()
        .await
        .unwrap()
        .collect()
        .await;
    let events: Vec<_> = events.into_iter().map(Result::unwrap).collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].event, "message");
    assert_eq!(events[0].id.as_deref(), Some("1"));
    assert_eq!(events[0].data, r#"{"content":"a"}"#);
    assert_eq!(events[1].event, "end");
    assert_eq!(events[1].id.as_deref(), Some("1"));
}

#[tokio::test]
async fn an_error_status_is_the_operations_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "success": false, "errors": [{"code": 404, "message": "no such install"}], "result": {}
        })))
        .mount(&server)
        .await;
    let client = client_for(&server).build().unwrap();
    let error = client
        .installs_get_logs()
        .id("ins_2")
        .events()
        .await
        .err()
        .unwrap();
    assert!(
        matches!(error, InstallsGetLogsError::NotFound(_)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_success_that_is_not_a_stream_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"a": 1})))
        .mount(&server)
        .await;
    let client = client_for(&server).build().unwrap();
    let mut events = client
        .installs_get_logs()
        .id("ins_3")
        .events()
        .await
        .unwrap();
    let error = events.next().await.unwrap().unwrap_err();
    assert!(matches!(error, EventError::NotAStream { .. }), "{error}");
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn one_event_is_bounded_and_the_response_cap_does_not_apply() {
    let server = MockServer::start().await;
    // 3 MiB of small events, then one event past the 64 KiB bound.
    let small = format!("data: {}\n\n", "x".repeat(1000));
    let mut body = small.repeat(3 * 1024);
    body.push_str(&format!("data: {}\n\n", "y".repeat(100 * 1024)));
    Mock::given(method("GET"))
        .respond_with(stream(&body))
        .mount(&server)
        .await;
    let client = client_for(&server)
        .max_response_bytes(1024 * 1024)
        .max_event_bytes(64 * 1024)
        .build()
        .unwrap();
    let events: Vec<_> = client
        .installs_get_logs()
        .id("ins_4")
        .events()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(events.len(), 3 * 1024 + 1);
    assert!(events[..3 * 1024].iter().all(Result::is_ok));
    assert!(
        matches!(
            events.last(),
            Some(Err(EventError::TooLarge { limit: 65536 }))
        ),
        "{:?}",
        events.last().map(|e| e.as_ref().err())
    );
}

#[tokio::test]
async fn the_timeout_covers_the_head_not_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(stream("data: late\n\n").set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = client_for(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = client
        .installs_get_logs()
        .id("ins_5")
        .events()
        .await
        .err()
        .unwrap();
    assert!(
        matches!(error, InstallsGetLogsError::Timeout(_)),
        "{error:?}"
    );
}

#[tokio::test]
async fn events_after_sends_the_last_event_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/installs/ins_9/logs"))
        .and(header("accept", "text/event-stream"))
        .and(header("last-event-id", "41"))
        .respond_with(stream("id: 42\ndata: b\n\n"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server).build().unwrap();
    let events: Vec<_> = client
        .installs_get_logs()
        .id("ins_9")
        .events_after("41")
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].as_ref().unwrap().id.as_deref(), Some("42"));

    // Not a header value: refused before anything is sent.
    let refused = client
        .installs_get_logs()
        .id("ins_9")
        .events_after("4\n1")
        .await
        .err();
    assert!(
        matches!(refused, Some(InstallsGetLogsError::InvalidRequest(_))),
        "{refused:?}"
    );
}

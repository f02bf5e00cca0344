//! Non-JSON responses are bodies, never JSON decode errors: Akua's
//! `installs.getLogs` answers `200` with `text/event-stream`.

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const STREAM: &str = "event: message\ndata: {\"content\":\"hello\",\"last\":false}\n\nevent: message\ndata: not json at all {\n\n";

async fn client_for(server: &MockServer) -> sdk::akua::Client {
    sdk::akua::Client::builder()
        .base_url(server.uri())
        .api_key("sk_akua_test")
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_event_stream_is_returned_as_its_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/installs/ins_1/logs"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(STREAM.as_bytes().to_vec(), "text/event-stream"),
        )
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    let logs = client.installs_get_logs().id("ins_1").send().await.unwrap();
    assert_eq!(logs.status(), 200);
    let body: bytes::Bytes = logs.into_inner();
    assert_eq!(body, bytes::Bytes::from_static(STREAM.as_bytes()));
}

#[tokio::test]
async fn an_empty_or_binary_stream_is_still_a_body() {
    let server = MockServer::start().await;
    let binary = vec![0xff_u8, 0x00, 0xfe, b'\n'];
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(binary.clone(), "text/event-stream"))
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    let logs = client.installs_get_logs().id("ins_2").send().await.unwrap();
    assert_eq!(logs.into_inner().as_ref(), binary.as_slice());
}

#[tokio::test]
async fn the_documented_json_errors_of_the_same_operation_stay_typed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "success": false, "errors": [{"code": 404, "message": "no such install"}], "result": {}
        })))
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    let error = client
        .installs_get_logs()
        .id("ins_3")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.variant(), "NotFound");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
}

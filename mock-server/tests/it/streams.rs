//! Event streams and files over real HTTP, on a corpus document nobody
//! here wrote (TGI's chat completions declare JSON and an event stream):
//! the mock answers JSON unless the request asks for the stream, by
//! `Accept` or by `"stream": true` in its body as AI platforms' clients
//! do (or by the member `stream_switch` in `provider.yaml` names);
//! `Prefer: events=N` sets the count; a `truncate` fault cuts the stream
//! midway, and a client resumes it with `Last-Event-ID`.

use mock_server::{Config, MockServer, Spec};
use serde_json::json;

async fn tgi() -> (MockServer, String) {
    let tgi = Spec::named("tgi", specs::repository_root().join("specs/corpus/tgi"));
    let mock = MockServer::start(Config::serving([tgi])).await.unwrap();
    let url = format!("{}/v1/chat/completions", mock.base_url("tgi").unwrap());
    (mock, url)
}

fn chat(stream: bool) -> serde_json::Value {
    json!({"model": "tgi", "messages": [{"role": "user", "content": "hi"}], "stream": stream})
}

/// Status, content type and body of a POST.
async fn post(
    url: &str,
    headers: &[(&str, &str)],
    body: &serde_json::Value,
) -> (u16, String, String) {
    let mut request = test_support::http_client().post(url).json(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let (status, content_type, body) =
        test_support::read_answer(request.send().await.unwrap()).await;
    (
        status,
        content_type,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

fn events(body: &str) -> usize {
    body.split("\n\n")
        .filter(|event| event.starts_with("data:"))
        .count()
}

#[tokio::test]
async fn json_unless_the_request_asks_for_the_stream() {
    let (_mock, url) = tgi().await;
    let (status, content_type, body) = post(&url, &[], &chat(false)).await;
    assert_eq!((status, content_type.as_str()), (200, "application/json"));
    assert!(
        serde_json::from_str::<serde_json::Value>(&body).is_ok(),
        "{body}"
    );

    // `"stream": true`, with JSON accepted: how OpenAI-style clients ask.
    let (status, content_type, body) =
        post(&url, &[("accept", "application/json")], &chat(true)).await;
    assert_eq!((status, content_type.as_str()), (200, "text/event-stream"));
    assert_eq!(events(&body), 3, "{body}");

    // `Accept` preferring the stream, and a count.
    let (_, content_type, body) = post(
        &url,
        &[
            ("accept", "text/event-stream, application/json;q=0.5"),
            ("prefer", "events=7"),
        ],
        &chat(false),
    )
    .await;
    assert_eq!(content_type, "text/event-stream");
    assert_eq!(events(&body), 7, "{body}");
    for (number, event) in body.split("\n\n").filter(|e| !e.is_empty()).enumerate() {
        let (data, id) = event.split_once('\n').unwrap();
        assert_eq!(id, format!("id: {}", number + 1));
        let data = data.strip_prefix("data: ").unwrap();
        assert!(
            serde_json::from_str::<serde_json::Value>(data).is_ok(),
            "{data}"
        );
    }
}

#[tokio::test]
async fn a_provider_names_its_own_stream_switch() {
    // TGI's document again, under a `provider.yaml` whose clients ask with
    // `"streaming": true`.
    let scratch = crate::spec::Scratch::new("stream-switch");
    let dir = scratch.dir("tgi");
    let corpus = specs::repository_root().join("specs/corpus/tgi");
    std::fs::copy(corpus.join("openapi.json"), dir.join("openapi.json")).unwrap();
    std::fs::write(
        dir.join("provider.yaml"),
        "name: tgi\ntitle: TGI\ndocuments: [openapi.json]\ncredential_env: TGI_API_KEY\nstream_switch: streaming\n",
    )
    .unwrap();
    let mock = MockServer::start(Config::serving([Spec::named("tgi", dir)]))
        .await
        .unwrap();
    let url = format!("{}/v1/chat/completions", mock.base_url("tgi").unwrap());
    let (_, content_type, _) = post(&url, &[], &chat(true)).await;
    assert_eq!(content_type, "application/json");
    let mut body = chat(false);
    body["streaming"] = json!(true);
    let (status, content_type, answer) = post(&url, &[], &body).await;
    assert_eq!((status, content_type.as_str()), (200, "text/event-stream"));
    assert_eq!(events(&answer), 3, "{answer}");
}

/// A request for ten events whose stream a `truncate` fault cuts midway.
async fn cut_stream_of_ten(mock: &MockServer, url: &str) -> reqwest::Response {
    let client = test_support::http_client();
    let injected = client
        .post(format!("{}/__mock/faults", mock.uri()))
        .json(&json!({"provider": "tgi", "fault": "truncate"}))
        .send()
        .await
        .unwrap();
    assert!(injected.status().is_success(), "{}", injected.status());
    client
        .post(url)
        .header("prefer", "events=10")
        .json(&chat(true))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_truncate_fault_cuts_the_stream_midway() {
    let (mock, url) = tgi().await;
    let response = cut_stream_of_ten(&mock, &url).await;
    assert_eq!(response.status(), 200);
    let read = response.bytes().await;
    assert!(read.is_err(), "the stream ended cleanly: {read:?}");
}

/// The `id:` values of the events in `text`, in order.
fn ids(text: &str) -> Vec<u64> {
    text.lines()
        .filter_map(|line| line.strip_prefix("id: "))
        .map(|id| id.parse().unwrap())
        .collect()
}

#[tokio::test]
async fn a_cut_stream_resumes_after_the_last_event_id_without_gap_or_repeat() {
    let (mock, url) = tgi().await;
    let mut response = cut_stream_of_ten(&mock, &url).await;
    let mut first = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        first.extend_from_slice(&chunk);
    }
    let first = String::from_utf8(first).unwrap();
    let before = ids(&first);
    let last = *before.last().expect("events before the cut");
    assert!(last < 10, "the fault cut nothing: {first}");

    // What an EventSource does on reconnecting.
    let (status, _, rest) = post(
        &url,
        &[
            ("prefer", "events=10"),
            ("last-event-id", &last.to_string()),
        ],
        &chat(true),
    )
    .await;
    assert_eq!(status, 200);
    let all: Vec<u64> = before.into_iter().chain(ids(&rest)).collect();
    assert_eq!(all, (1..=10).collect::<Vec<_>>(), "{first}---{rest}");
}

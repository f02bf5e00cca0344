//! An event stream cut midway and resumed through a generated client's
//! `.events_after(id)`, against the mock serving the same document with
//! `--spec`: every event arrives once, in order. TGI's `generate_stream`,
//! whose events are data only, so the mock numbers them.

#![cfg(corpus_tgi)]

use corpus_check::tgi::{Client, types::GenerateRequest};
use futures_util::StreamExt;
use mock_server::{Config, MockServer, Spec};

#[tokio::test]
async fn a_cut_stream_resumes_after_the_last_id_through_the_generated_client() {
    let tgi = Spec::named("tgi", specs::repository_root().join("specs/corpus/tgi"));
    let mock = MockServer::start(Config::serving([tgi])).await.unwrap();
    let fault = serde_json::from_value(serde_json::json!({
        "provider": "tgi", "operation_id": "generate_stream", "fault": "truncate"
    }))
    .unwrap();
    mock.inject(fault).unwrap();
    let client = Client::builder()
        .base_url(mock.base_url("tgi").unwrap())
        .retries(0)
        .header("Prefer", "events=10")
        .build()
        .unwrap();
    let request = || GenerateRequest {
        inputs: "hi".into(),
        parameters: None,
    };

    let mut ids = Vec::new();
    let mut first = client
        .generate_stream()
        .body(request())
        .events()
        .await
        .unwrap();
    let mut cut = false;
    while let Some(event) = first.next().await {
        match event {
            Ok(event) => ids.push(event.id.expect("the mock numbers the events")),
            Err(_) => {
                cut = true;
                break;
            }
        }
    }
    assert!(cut && ids.len() < 10, "not cut: {ids:?}");

    let last = ids.last().expect("events before the cut").clone();
    let rest: Vec<_> = client
        .generate_stream()
        .body(request())
        .events_after(&last)
        .await
        .unwrap()
        .collect()
        .await;
    for event in rest {
        ids.push(event.unwrap().id.unwrap());
    }
    let expected: Vec<String> = (1..=10).map(|n| n.to_string()).collect();
    assert_eq!(ids, expected);
}

//! Record (`Config::record`, `--record`) through the proxy in front of a
//! local upstream, then replay (`Config::replay`, `--replay`) with the
//! upstream gone: the same statuses, content types and bodies, in order;
//! stale and malformed cassettes.

use std::path::{Path, PathBuf};

use mock_server::{Config, Direction, MockServer};
use reqwest::{Method, StatusCode};
use serde_json::Value;

const KEY: &str = "sekrit-record-key-9931";

/// One call: method, path below the provider's base URL, headers.
struct Call {
    provider: &'static str,
    method: &'static str,
    path: &'static str,
    headers: Vec<(&'static str, String)>,
}

fn calls() -> Vec<Call> {
    let key = |name: &'static str| vec![(name, KEY.to_string())];
    vec![
        // Cancelling twice against a stateful upstream: 200, then 409.
        Call {
            provider: "chamelio",
            method: "POST",
            path: "/tasks/7/cancel",
            headers: key("x-api-key"),
        },
        Call {
            provider: "chamelio",
            method: "POST",
            path: "/tasks/7/cancel",
            headers: key("x-api-key"),
        },
        // A chosen declared error, with a JSON body.
        Call {
            provider: "akua",
            method: "POST",
            path: "/operations/op_1:cancel",
            headers: vec![
                ("authorization", format!("Bearer {KEY}")),
                ("prefer", "code=404".into()),
            ],
        },
        // No credentials: Phala's 401 has no body.
        Call {
            provider: "phala",
            method: "POST",
            path: "/api/v1/cvms/cvm_1/stop",
            headers: Vec::new(),
        },
    ]
}

struct Seen {
    status: StatusCode,
    content_type: Option<String>,
    replayed_from: Option<String>,
    body: String,
}

async fn send(server: &MockServer, call: &Call) -> Seen {
    let url = format!("{}{}", server.base_url(call.provider).unwrap(), call.path);
    let client = test_support::http_client();
    let mut request = client.request(Method::from_bytes(call.method.as_bytes()).unwrap(), url);
    for (name, value) in &call.headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    Seen {
        status: response.status(),
        content_type: header("content-type"),
        replayed_from: header("x-mock-replay"),
        body: response.text().await.unwrap(),
    }
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("mock-server-replay-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Records `calls` through a proxy in front of a stateful mock; returns what the client saw.
async fn record(dir: &Path, calls: &[Call]) -> Vec<Seen> {
    let upstream = MockServer::start(Config {
        stateful: true,
        ..Config::default()
    })
    .await
    .unwrap();
    let proxy = MockServer::start(Config {
        proxy: ["chamelio", "akua", "phala"]
            .iter()
            .map(|p| (p.to_string(), upstream.base_url(p).unwrap()))
            .collect(),
        record: Some(dir.to_path_buf()),
        ..Config::default()
    })
    .await
    .unwrap();
    let mut seen = Vec::new();
    for call in calls {
        seen.push(send(&proxy, call).await);
    }
    proxy.shutdown().await.unwrap();
    upstream.shutdown().await.unwrap();
    seen
}

#[tokio::test]
async fn record_then_replay_reproduces_the_exchanges() {
    let dir = scratch_dir("reproduce");
    let recorded = record(&dir, &calls()).await;
    let statuses: Vec<u16> = recorded.iter().map(|s| s.status.as_u16()).collect();
    assert_eq!(statuses, [200, 409, 404, 401]);
    assert_eq!(
        file_names(&dir),
        [
            "akua.operations.cancel.404.0003.json",
            "chamelio.cancelTask.200.0001.json",
            "chamelio.cancelTask.409.0002.json",
            "phala.handle_stop_cvm_api_v1_cvms__cvm_id__stop_post.401.0004.json",
        ]
    );
    // Readable, redacted.
    let text = std::fs::read_to_string(dir.join("chamelio.cancelTask.200.0001.json")).unwrap();
    let cassette: Value = serde_json::from_str(&text).unwrap();
    assert!(text.contains("\n  \"request\": {"), "pretty JSON: {text}");
    assert_eq!(cassette["request"]["method"], "POST");
    assert_eq!(cassette["request"]["path"], "/tasks/7/cancel");
    assert!(cassette["request"]["headers"].get("x-api-key").is_none());
    assert_eq!(cassette["response"]["status"], 200);
    let answered: Value = serde_json::from_str(&recorded[0].body).unwrap();
    assert!(answered["task_id"].is_number(), "{answered}");
    assert_eq!(cassette["response"]["body"], answered);
    for name in file_names(&dir) {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        assert!(!text.contains(KEY), "{name}: {text}");
        assert!(
            !text.to_lowercase().contains("authorization"),
            "{name}: {text}"
        );
    }

    // The upstream is gone: answers come from the cassettes, in order.
    let replay = MockServer::start(Config {
        replay: Some(dir.clone()),
        ..Config::default()
    })
    .await
    .unwrap();
    for (call, recorded) in calls().iter().zip(&recorded) {
        let replayed = send(&replay, call).await;
        assert_eq!(replayed.status, recorded.status, "{}", call.path);
        assert_eq!(
            replayed.content_type, recorded.content_type,
            "{}",
            call.path
        );
        assert_eq!(replayed.body, recorded.body, "{}", call.path);
        // A request without credentials is refused by the mock itself,
        // as it was upstream: no recording answers it.
        assert_eq!(
            replayed.replayed_from.is_some(),
            !call.headers.is_empty(),
            "{}",
            call.path
        );
    }
    // A recorded request sent without its key: the mock's 401, not the
    // recorded 200 (auth and validation run before replay).
    let keyless = Call {
        headers: Vec::new(),
        ..calls().remove(0)
    };
    let refused = send(&replay, &keyless).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.replayed_from.is_none());
    // The last cassette of a request repeats.
    let again = send(&replay, &calls()[1]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(
        again.replayed_from.as_deref(),
        Some("chamelio.cancelTask.409.0002.json")
    );
    // Another request: the generated answer.
    let other = Call {
        path: "/tasks/8/cancel",
        ..calls().remove(0)
    };
    let generated = send(&replay, &other).await;
    assert_eq!(generated.status, StatusCode::OK);
    assert!(generated.replayed_from.is_none());
    assert!(replay.violations().is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_query_replays_in_any_parameter_order() {
    let dir = scratch_dir("query-order");
    let list = |path| Call {
        provider: "akua",
        method: "GET",
        path,
        headers: vec![("authorization", format!("Bearer {KEY}"))],
    };
    let recorded = record(&dir, &[list("/snippets?limit=10&cursor=abc")]).await;
    assert_eq!(recorded[0].status, StatusCode::OK);
    let replay = MockServer::start(Config {
        replay: Some(dir.clone()),
        ..Config::default()
    })
    .await
    .unwrap();
    let replayed = send(&replay, &list("/snippets?cursor=abc&limit=10")).await;
    assert_eq!(
        replayed.replayed_from.as_deref(),
        Some("akua.snippets.list.200.0001.json")
    );
    assert_eq!(replayed.body, recorded[0].body);
    // Another value is another request.
    let other = send(&replay, &list("/snippets?cursor=abd&limit=10")).await;
    assert!(other.replayed_from.is_none());
    replay.shutdown().await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_stale_cassette_is_reported_and_a_malformed_one_refused() {
    let dir = scratch_dir("stale");
    record(&dir, &calls()).await;
    // The provider "changed": the recorded body no longer fits the document.
    let file = dir.join("chamelio.cancelTask.200.0001.json");
    let mut cassette: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    cassette["response"]["body"]["task_id"] = "seven".into();
    std::fs::write(&file, serde_json::to_string_pretty(&cassette).unwrap()).unwrap();

    let replay = MockServer::start(Config {
        replay: Some(dir.clone()),
        ..Config::default()
    })
    .await
    .unwrap();
    let found = replay.violations();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].direction, Direction::Response);
    assert_eq!(found[0].pointer, "/body/task_id");
    assert_eq!(found[0].operation_id, Some("cancelTask"));
    assert!(
        found[0]
            .message
            .contains("chamelio.cancelTask.200.0001.json"),
        "{found:?}"
    );
    // Still served as recorded, its journal entry carrying the violation.
    let seen = send(&replay, &calls()[0]).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.body.contains("\"seven\""), "{}", seen.body);
    let entry = &replay.received_requests().unwrap()[0];
    assert_eq!(entry.violations, found);
    drop(replay);

    // A file that is not a cassette stops the start, naming it.
    std::fs::write(dir.join("zz-broken.json"), "{\"provider\": ").unwrap();
    let error = MockServer::start(Config {
        replay: Some(dir.clone()),
        ..Config::default()
    })
    .await
    .unwrap_err();
    assert!(error.to_string().contains("zz-broken.json"), "{error}");
    std::fs::write(
        dir.join("zz-broken.json"),
        r#"{"provider":"chamelio","operation_id":"cancelTask","request":{"method":"POST","path":"/tasks/1/cancel"},"response":{"status":99}}"#,
    )
    .unwrap();
    let error = MockServer::start(Config {
        replay: Some(dir.clone()),
        ..Config::default()
    })
    .await
    .unwrap_err();
    let error = error.to_string();
    assert!(
        error.contains("zz-broken.json") && error.contains("99"),
        "{error}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

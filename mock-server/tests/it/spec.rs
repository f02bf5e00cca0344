//! `--spec`: documents nobody compiled in, loaded at start-up, over real
//! HTTP on loopback; a document with slips still serves.

use std::path::{Path, PathBuf};

use mock_server::{Config, LoadError, MockServer, Spec, StartError};
use serde_json::{Value, json};

/// A scratch directory of its own per test, removed when dropped.
pub(crate) struct Scratch(PathBuf);

impl Scratch {
    pub(crate) fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("mock-spec-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// A directory of its own inside the scratch directory.
    pub(crate) fn dir(&self, name: &str) -> PathBuf {
        let dir = self.0.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    pub(crate) fn write(&self, file: &str, document: &Value) -> PathBuf {
        let path = self.0.join(file);
        std::fs::write(&path, serde_json::to_string_pretty(document).unwrap()).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A small 3.1 document with slips: a `default` that does not fit its
/// schema, an example that does not fit, a required `Accept` header
/// parameter (which OpenAPI says to ignore), a body referring to a schema
/// that does not exist, and a parameter pattern no engine can run (which
/// leaves its operation out).
fn tasks() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Tasks", "version": "1"},
        "servers": [{"url": "https://api.example.com/v2"}],
        "paths": {
            "/tasks/{id}": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": true,
                         "schema": {"type": "integer", "minimum": 1}},
                        {"name": "tag", "in": "query",
                         "schema": {"type": "array", "items": {"type": "integer"}}},
                        {"name": "Accept", "in": "header", "required": true,
                         "schema": {"enum": ["application/json"]}}
                    ],
                    "responses": {
                        "200": {"description": "the task", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Task"},
                            "example": {"id": "not a number"}}}},
                        "404": {"description": "no such task"}
                    }
                }
            },
            "/tasks": {
                "post": {
                    "parameters": [{"name": "tag", "in": "query",
                                    "schema": {"type": "string", "pattern": "(?<=a"}}],
                    "requestBody": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Missing"}}}},
                    "responses": {"201": {"description": "created"}}
                }
            }
        },
        "components": {"schemas": {"Task": {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "integer"},
                "ratio": {"type": "number", "default": "0.0001"}
            }
        }}}
    })
}

pub(crate) async fn get(url: &str) -> (u16, Value) {
    let response = test_support::http_client().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn spec(path: &Path) -> Spec {
    Spec {
        name: None,
        path: path.to_owned(),
    }
}

#[tokio::test]
async fn a_document_with_slips_serves_at_the_root_of_its_server_path() {
    let scratch = Scratch::new("slips");
    let path = scratch.write("tasks.json", &tasks());
    let mock = MockServer::start(Config {
        specs: vec![spec(&path)],
        ..Config::default()
    })
    .await
    .unwrap();
    let base = format!("{}/v2", mock.uri());
    assert_eq!(mock.base_url("tasks").as_deref(), Some(base.as_str()));

    let (status, body) = get(&format!("{base}/tasks/7")).await;
    assert_eq!(status, 200);
    assert!(
        body["id"].is_i64(),
        "the misfit example is not served: {body}"
    );
    let (status, _) = get(&format!("{base}/tasks/0")).await;
    assert_eq!(status, 404, "below the minimum: the declared 404");
    let (status, _) = get(&format!("{base}/tasks/7?tag=1&tag=2")).await;
    assert_eq!(status, 200, "a query array repeats its name");
    let (status, body) = get(&format!("{base}/tasks/7?tag=1&tag=x")).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("query.tag.1"), "{body}");
    let response = test_support::http_client()
        .get(format!("{base}/tasks/7"))
        .header("prefer", "code=404")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);

    let (_, routes) = get(&format!("{}/__mock/routes", mock.uri())).await;
    let provider = &routes["providers"][0];
    assert_eq!(provider["title"], "Tasks");
    let skipped = provider["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0]["operation"], "POST /tasks");
    assert!(
        skipped[0]["at"].as_str().unwrap().contains("tasks.json#"),
        "{skipped:?}"
    );
}

#[tokio::test]
async fn a_directory_of_documents_serves_each_under_its_name() {
    let scratch = Scratch::new("directory");
    scratch.write("tasks.json", &tasks());
    let mut second = tasks();
    second["servers"] = json!([{"url": "https://jobs.example.com"}]);
    scratch.write("Jobs API.yaml", &second);
    std::fs::write(scratch.0.join("README.md"), "not a document").unwrap();
    // A split document's part: served through the document, not on its own.
    scratch.write("parts.yaml", &json!({"components": {"schemas": {}}}));
    let mock = MockServer::start(Config {
        specs: vec![spec(&scratch.0)],
        ..Config::default()
    })
    .await
    .unwrap();
    let (status, _) = get(&format!("{}/tasks/v2/tasks/7", mock.uri())).await;
    assert_eq!(status, 200);
    let (status, _) = get(&format!("{}/jobs_api/tasks/7", mock.uri())).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn documents_that_cannot_be_served_say_which_and_why() {
    let scratch = Scratch::new("errors");
    let start = |specs: Vec<Spec>| {
        MockServer::start(Config {
            specs,
            ..Config::default()
        })
    };
    let missing = scratch.0.join("absent.yaml");
    let error = start(vec![spec(&missing)]).await.unwrap_err();
    assert!(
        matches!(error, StartError::Load(LoadError::Spec(_))),
        "{error}"
    );
    assert!(error.to_string().contains("absent.yaml"), "{error}");

    let path = scratch.write("tasks.json", &tasks());
    let error = start(vec![spec(&path), spec(&path)]).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "two documents are named `tasks`: name one with --spec NAME=PATH"
    );
    let named = format!("other={}", path.display()).parse::<Spec>().unwrap();
    assert!(start(vec![spec(&path), named]).await.is_ok());

    let empty = Scratch::new("empty");
    let error = start(vec![spec(&empty.0)]).await.unwrap_err();
    assert!(error.to_string().contains("no provider.yaml"), "{error}");
}

#[tokio::test]
async fn a_provider_directory_serves_with_its_overlays_and_lifecycle() {
    let dir = specs::providers_dir().join("chamelio");
    let mock = MockServer::start(Config {
        specs: vec![spec(&dir)],
        stateful: true,
        ..Config::default()
    })
    .await
    .unwrap();
    let cancel = || {
        test_support::http_client()
            .post(format!("{}/tasks/5/cancel", mock.uri()))
            .header("x-api-key", "k")
            .send()
    };
    assert_eq!(cancel().await.unwrap().status(), 200);
    assert_eq!(
        cancel().await.unwrap().status(),
        409,
        "the lifecycle's second cancel"
    );
}

#[tokio::test]
async fn watched_documents_reload_and_a_change_that_does_not_load_keeps_the_old() {
    let scratch = Scratch::new("watch");
    let path = scratch.write("tasks.json", &tasks());
    let mock = MockServer::start(Config {
        specs: vec![spec(&path)],
        watch: Some(std::time::Duration::from_millis(20)),
        ..Config::default()
    })
    .await
    .unwrap();
    let mut reloads = mock.reloads().expect("watching");
    let next = async |reloads: &mut tokio::sync::watch::Receiver<mock_server::Reload>| {
        tokio::time::timeout(std::time::Duration::from_secs(60), reloads.changed())
            .await
            .expect("a reload within a minute")
            .expect("the watcher runs");
        reloads.borrow_and_update().clone()
    };
    // One client, so one keep-alive connection lives through the reloads.
    let client = test_support::http_client();
    let status = async |path: &str| {
        client
            .get(format!("{}/v2{path}", mock.uri()))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(status("/tasks/7").await, 200);
    assert_eq!(status("/jobs").await, 404);

    let mut changed = tasks();
    changed["paths"]["/jobs"] = json!({"get": {"responses": {"200": {
        "description": "jobs",
        "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}
    }}}});
    scratch.write("tasks.json", &changed);
    let reload = next(&mut reloads).await;
    assert_eq!(reload.error, None);
    assert_eq!(status("/jobs").await, 200);
    let journal = mock.received_requests().expect("journal on");
    assert_eq!(journal.len(), 3, "the journal outlives the reload");

    std::fs::write(&path, "{ not json").unwrap();
    let reload = next(&mut reloads).await;
    assert_eq!(reload.attempts, 2);
    let error = reload.error.expect("the change does not load");
    assert!(error.contains("tasks.json"), "{error}");
    assert_eq!(
        status("/jobs").await,
        200,
        "the last good document still serves"
    );
}

/// Two operations on one path, told apart by a `#fragment` (as Mistral's
/// `/v1/conversations` and `/v1/conversations#stream`): a client sends no
/// fragment, so the request's body chooses the operation whose checks it
/// passes.
#[tokio::test]
async fn twins_on_one_path_are_told_apart_by_the_body() {
    let body = |stream: bool| {
        json!({"content": {"application/json": {"schema": {
            "type": "object", "required": ["stream"],
            "properties": {"stream": {"type": "boolean", "enum": [stream]}}
        }}}})
    };
    let answer = json!({"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}});
    let scratch = Scratch::new("twins");
    let path = scratch.write(
        "twins.json",
        &json!({
            "openapi": "3.1.0",
            "info": {"title": "Twins", "version": "1"},
            "paths": {
                "/chats": {"post": {"operationId": "chat", "requestBody": body(false), "responses": answer}},
                "/chats#stream": {"post": {"operationId": "chatStream", "requestBody": body(true), "responses": answer}}
            }
        }),
    );
    let mock = MockServer::start(Config {
        specs: vec![Spec { name: None, path }],
        ..Config::default()
    })
    .await
    .unwrap();
    let client = test_support::http_client();
    for (stream, operation) in [(true, "chatStream"), (false, "chat")] {
        let status = client
            .post(format!("{}/chats", mock.uri()))
            .json(&json!({"stream": stream}))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200, "stream: {stream}");
        let (_, journal) = get(&format!("{}/__mock/requests", mock.uri())).await;
        let last = journal["requests"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["operation_id"], operation);
    }
}

/// `Prefer: code=N` with a code the document covers only by a range
/// (`4XX`) or `default` answers with that response's body, sent with the
/// code asked for; an exact code wins over its range, as OpenAPI says.
#[tokio::test]
async fn a_code_under_a_range_or_default_is_answered_with_that_code() {
    let scratch = Scratch::new("ranges");
    let body = |kind: &str| {
        json!({"description": kind, "content": {"application/json": {
            "schema": {"type": "object", "required": ["kind"],
                       "properties": {"kind": {"const": kind}}}}}})
    };
    let path = scratch.write(
        "ranges.json",
        &json!({
            "openapi": "3.1.0",
            "info": {"title": "Ranges", "version": "1"},
            "paths": {"/things": {"get": {"responses": {
                "200": body("ok"),
                "404": body("exact"),
                "4XX": body("range"),
                "default": body("default")
            }}}}
        }),
    );
    let mock = MockServer::start(Config {
        specs: vec![spec(&path)],
        ..Config::default()
    })
    .await
    .unwrap();
    let ask = |code: &str| {
        let url = format!("{}/things", mock.uri());
        let code = code.to_string();
        async move {
            let response = test_support::http_client()
                .get(url)
                .header("prefer", format!("code={code}"))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            (
                status,
                body["kind"].as_str().unwrap_or_default().to_string(),
            )
        }
    };
    assert_eq!(ask("404").await, (404, "exact".to_string()));
    assert_eq!(ask("429").await, (429, "range".to_string()));
    assert_eq!(ask("400").await, (400, "range".to_string()));
    assert_eq!(ask("503").await, (503, "default".to_string()));
    assert_eq!(ask("500").await, (500, "default".to_string()));
    // Not an HTTP status: refused, whatever `default` covers.
    let (status, _) = ask("999").await;
    assert_eq!(status, 400);
}

/// Lists whose next position travels in a header (Ory's `Link` beside a
/// bare array and a token, GitHub's declared `Link` beside page numbers,
/// E2B's `X-Next-Token`): each page but the last names the next, a walk
/// following them sees every item of the collection once, and the
/// document's own example header is not served.
#[tokio::test]
async fn pages_named_by_a_header_lead_through_the_collection() {
    let item = json!({"type": "object", "required": ["id"],
                      "properties": {"id": {"type": "string"}}});
    let list = |parameter: Value, headers: Value| {
        json!({"get": {
            "parameters": [parameter, {"name": "per_page", "in": "query",
                                       "schema": {"type": "integer", "maximum": 100}}],
            "responses": {"200": {"description": "a page", "headers": headers,
                "content": {"application/json": {
                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                    "example": [{"id": "it_0a"}]}}}}
        }})
    };
    let token = |name: &str| json!({"name": name, "in": "query", "schema": {"type": "string"}});
    let header = |example: &str| json!({"schema": {"type": "string"}, "example": example});
    let document = json!({
        "openapi": "3.0.3",
        "info": {"title": "Lists", "version": "1"},
        "paths": {
            "/users": list(token("page_token"), json!({})),
            "/repos": list(
                json!({"name": "page", "in": "query", "schema": {"type": "integer", "default": 1}}),
                json!({"Link": header("<https://elsewhere.test/repos?page=9>; rel=\"next\"")}),
            ),
            "/sandboxes": list(token("nextToken"), json!({"X-Next-Token": header("example")})),
        },
        "components": {"schemas": {"Item": item}}
    });
    let scratch = Scratch::new("header-pages");
    let path = scratch.write("lists.json", &document);
    let mock = MockServer::start(Config::serving([Spec::named("lists", path)]))
        .await
        .unwrap();
    let base = mock.base_url("lists").unwrap();
    let client = test_support::http_client();
    for (path, header, expected_headers) in [
        ("/users", "link", ["page_token=2", "page_token=4"]),
        ("/repos", "link", ["page=2", "page=3"]),
        ("/sandboxes", "x-next-token", ["2", "4"]),
    ] {
        let mut url = format!("{base}{path}?per_page=2");
        let mut named = Vec::new();
        let mut ids = Vec::new();
        for _ in 0..10 {
            let response = client
                .get(&url)
                .header("prefer", "items=5")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{url}");
            let next = response
                .headers()
                .get(header)
                .map(|v| v.to_str().unwrap().to_string());
            let page: Value = response.json().await.unwrap();
            ids.extend(page.as_array().unwrap().iter().map(|i| i["id"].clone()));
            let Some(next) = next else { break };
            named.push(next.clone());
            url = if header == "link" {
                // `</users?per_page=2&page_token=2>; rel="next"`: a reference on this server.
                let target = next.strip_prefix('<').unwrap().split_once('>').unwrap();
                assert_eq!(target.1, "; rel=\"next\"");
                format!("{}{}", mock.uri(), target.0)
            } else {
                format!("{base}{path}?per_page=2&nextToken={next}")
            };
        }
        assert_eq!(named.len(), 2, "{path}: {named:?}");
        for (named, expected) in named.iter().zip(expected_headers) {
            assert!(named.contains(expected), "{path}: {named} names {expected}");
            assert!(!named.contains("elsewhere"), "{named}");
        }
        assert_eq!(ids.len(), 5, "{path}: {ids:?}");
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), 5, "{path}: {ids:?}");
    }
}

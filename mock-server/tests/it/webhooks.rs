//! `POST /__mock/webhooks` over real HTTP, on the corpus's webhook example
//! (OpenAPI 3.1 `webhooks: {newPet: ...}`): a delivery signed with the
//! configured secret (checked here by recomputing the HMAC), as Standard
//! Webhooks, Stripe or GitHub sign as the provider's `webhook_signature`
//! says, retried when the receiver fails, listed with its attempts; bad
//! requests refused.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use mock_server::{Config, MockServer, Spec};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

const KEY: &[u8] = b"a receiver's own secret";

async fn mock() -> MockServer {
    mock_of(specs::repository_root().join("specs/corpus/webhooks")).await
}

/// The mock serving the provider directory `path` as `pets`.
async fn mock_of(path: std::path::PathBuf) -> MockServer {
    MockServer::start(Config {
        specs: vec![Spec::named("pets", path)],
        webhook_secret: Some(format!("whsec_{}", STANDARD.encode(KEY))),
        ..Config::default()
    })
    .await
    .unwrap()
}

/// Asks `mock` to deliver `newPet` with `payload` to a receiver answering
/// `statuses`: the mock's `202` answer, and the receiver's requests.
async fn deliver(
    mock: &MockServer,
    statuses: &'static [u16],
    payload: &Value,
) -> (Value, mpsc::UnboundedReceiver<Vec<u8>>) {
    let (url, received) = receiver(statuses).await;
    let (status, accepted) = send(
        mock,
        &json!({"provider": "pets", "webhook": "newPet", "url": url, "payload": payload}),
    )
    .await;
    assert_eq!(status, 202, "{accepted}");
    (accepted, received)
}

/// A receiver answering each request with the next of `statuses` (the last
/// one after that), handing each raw request to the test.
async fn receiver(statuses: &'static [u16]) -> (String, mpsc::UnboundedReceiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/pets", listener.local_addr().unwrap());
    let (sender, received) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut answered = 0;
        while let Ok((mut stream, _)) = listener.accept().await {
            while let Some(request) = test_support::raw_server::read_request(&mut stream).await {
                let status = statuses[answered.min(statuses.len() - 1)];
                answered += 1;
                let reply = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\n\r\n");
                let _ = stream.write_all(reply.as_bytes()).await;
                let _ = sender.send(request);
            }
        }
    });
    (url, received)
}

/// The value of header `name` in a raw request.
fn header<'a>(request: &'a str, name: &str) -> Option<&'a str> {
    request.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

async fn send(mock: &MockServer, request: &Value) -> (u16, Value) {
    let answer = test_support::http_client()
        .post(format!("{}/__mock/webhooks", mock.uri()))
        .json(request)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

/// `GET` of one of the mock's own routes (`/__mock/...`), as JSON.
async fn admin_json(mock: &MockServer, route: &str) -> Value {
    let answer = test_support::http_client()
        .get(format!("{}{route}", mock.uri()))
        .send()
        .await
        .unwrap();
    answer.json().await.unwrap()
}

async fn deliveries(mock: &MockServer) -> Vec<Value> {
    let listed = admin_json(mock, "/__mock/webhooks").await;
    listed["deliveries"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_delivery_is_signed_with_the_configured_secret_and_retried_until_accepted() {
    let mock = mock().await;
    let payload = json!({"id": 7, "name": "Rex"});
    let (accepted, mut received) = deliver(&mock, &[500, 204], &payload).await;
    let id = accepted["id"].as_str().unwrap().to_owned();

    let first = String::from_utf8(received.recv().await.unwrap()).unwrap();
    let second = String::from_utf8(received.recv().await.unwrap()).unwrap();
    for request in [&first, &second] {
        assert!(
            request.starts_with("POST /hooks/pets HTTP/1.1"),
            "{request}"
        );
        assert_eq!(header(request, "webhook-id"), Some(id.as_str()));
        assert_eq!(header(request, "content-type"), Some("application/json"));
        let timestamp = header(request, "webhook-timestamp").unwrap();
        let body = request.split_once("\r\n\r\n").unwrap().1;
        assert_eq!(serde_json::from_str::<Value>(body).unwrap(), payload);
        let mut mac = Hmac::<Sha256>::new_from_slice(KEY).unwrap();
        mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
        let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
        assert_eq!(
            header(request, "webhook-signature"),
            Some(expected.as_str())
        );
    }
    // The first attempt was recorded before the retry was sent.
    let listed = deliveries(&mock).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["webhook"], "newPet");
    assert_eq!(listed[0]["attempts"][0]["status"], 500);
}

#[tokio::test]
async fn without_a_payload_the_documented_one_is_sent() {
    let mock = mock().await;
    let (url, mut received) = receiver(&[204]).await;
    let (status, _) = send(
        &mock,
        &json!({"provider": "pets", "webhook": "newPet", "url": url}),
    )
    .await;
    assert_eq!(status, 202);
    let request = String::from_utf8(received.recv().await.unwrap()).unwrap();
    let body: Value = serde_json::from_str(request.split_once("\r\n\r\n").unwrap().1).unwrap();
    // The example's `Pet` requires `id` and `name`.
    assert!(body["id"].is_i64() && body["name"].is_string(), "{body}");
}

#[tokio::test]
async fn bad_webhook_requests_are_refused_with_why() {
    let mock = mock().await;
    for (request, says) in [
        (json!([]), "JSON object"),
        (json!({"provider": "pets", "webhook": "newPet"}), "required"),
        (
            json!({"provider": "nope", "webhook": "newPet", "url": "http://127.0.0.1:9/"}),
            "no provider `nope`",
        ),
        (
            json!({"provider": "pets", "webhook": "oldPet", "url": "http://127.0.0.1:9/"}),
            "declared: [newPet]",
        ),
        (
            json!({"provider": "pets", "webhook": "newPet", "url": "file:///etc/passwd"}),
            "not an http(s) URL",
        ),
    ] {
        let (status, answer) = send(&mock, &request).await;
        assert_eq!(status, 400, "{request}: {answer}");
        assert!(answer.to_string().contains(says), "{request}: {answer}");
    }
    assert!(deliveries(&mock).await.is_empty());
}

#[tokio::test]
async fn a_secret_not_in_standard_webhooks_format_stops_the_start() {
    let error = MockServer::start(Config {
        webhook_secret: Some("hunter2".into()),
        ..Config::default()
    })
    .await
    .unwrap_err();
    assert!(error.to_string().contains("whsec_"), "{error}");
    assert!(!error.to_string().contains("hunter2"), "{error}");
}

#[tokio::test]
async fn a_provider_signing_as_stripe_or_github_gets_their_headers() {
    let scratch = crate::spec::Scratch::new("webhook-schemes");
    let corpus = specs::repository_root().join("specs/corpus/webhooks");
    for (scheme, words) in [("stripe", "stripe"), ("github", "github")] {
        let dir = scratch.dir(words);
        std::fs::copy(
            corpus.join("webhook-example.yaml"),
            dir.join("webhook-example.yaml"),
        )
        .unwrap();
        std::fs::write(
            dir.join("provider.yaml"),
            format!(
                "name: pets\ntitle: Pets\ndocuments: [webhook-example.yaml]\ncredential_env: PETS_KEY\nwebhook_signature: {scheme}\n"
            ),
        )
        .unwrap();
        let mock = mock_of(dir).await;
        let payload = json!({"id": 7, "name": "Rex"});
        let (accepted, mut received) = deliver(&mock, &[204], &payload).await;
        let request = String::from_utf8(received.recv().await.unwrap()).unwrap();
        let body = request.split_once("\r\n\r\n").unwrap().1;
        // These schemes key the HMAC with the secret's text as given.
        let text_key = format!("whsec_{}", STANDARD.encode(KEY));
        let hex = |signed: &str| {
            let mut mac = Hmac::<Sha256>::new_from_slice(text_key.as_bytes()).unwrap();
            mac.update(signed.as_bytes());
            mac.finalize()
                .into_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        assert_eq!(header(&request, "webhook-signature"), None, "{request}");
        if scheme == "stripe" {
            let value = header(&request, "stripe-signature").unwrap();
            let timestamp = value
                .strip_prefix("t=")
                .and_then(|rest| rest.split(',').next())
                .unwrap();
            let expected = format!("t={timestamp},v1={}", hex(&format!("{timestamp}.{body}")));
            assert_eq!(value, expected);
        } else {
            assert_eq!(
                header(&request, "x-github-delivery"),
                accepted["id"].as_str()
            );
            let expected = format!("sha256={}", hex(body));
            assert_eq!(
                header(&request, "x-hub-signature-256"),
                Some(expected.as_str())
            );
        }
    }
}

/// A document whose `POST /orders/{id}` registers the callback `shipped`
/// at the URL its body's `notify` names, with the order id in the path.
fn orders_with_a_callback() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Orders", "version": "1"},
        "paths": {"/orders/{id}": {"post": {
            "operationId": "createOrder",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {"notify": {"type": "string"}}
            }}}},
            "responses": {"201": {"description": "created", "content": {"application/json": {
                "schema": {"type": "object"}, "example": {"id": "o_1"}}}}},
            "callbacks": {"shipped": {"{$request.body#/notify}/shipped/{$request.path.id}": {"post": {
                "requestBody": {"content": {"application/json": {
                    "schema": {"type": "object", "required": ["status"],
                               "properties": {"status": {"const": "shipped"}}}}}},
                "responses": {"200": {"description": "ok"}}
            }}}}
        }}}
    })
}

#[tokio::test]
async fn a_success_sends_the_operations_callback_to_the_url_its_request_names() {
    let scratch = crate::spec::Scratch::new("callbacks");
    let mock = mock_of(scratch.write("orders.json", &orders_with_a_callback())).await;
    let (url, mut received) = receiver(&[204]).await;
    let base = url.trim_end_matches("/hooks/pets");
    let client = test_support::http_client();
    let created = client
        .post(format!("{}/orders/o%201", mock.base_url("pets").unwrap()))
        .json(&json!({"notify": format!("{base}/hooks")}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);

    // Delivered to the URL the body named, the path's id in it, signed, with
    // the payload synthesised from the callback's schema.
    let request = String::from_utf8(received.recv().await.unwrap()).unwrap();
    assert!(
        request.starts_with("POST /hooks/shipped/o%201 HTTP/1.1"),
        "{request}"
    );
    let id = header(&request, "webhook-id").unwrap().to_owned();
    assert!(header(&request, "webhook-signature").is_some_and(|s| s.starts_with("v1,")));
    let body = request.split("\r\n\r\n").nth(1).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(body).unwrap()["status"],
        "shipped"
    );

    // The journal entry of the request names the delivery; the delivery
    // list names the operation.
    let journal = admin_json(&mock, "/__mock/requests").await;
    let entry = journal["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["operation_id"] == "createOrder")
        .unwrap()
        .clone();
    assert_eq!(entry["callbacks"], json!([id]));
    let listed = deliveries(&mock).await;
    assert_eq!(listed[0]["operation_id"], "createOrder", "{listed:?}");
    assert_eq!(listed[0]["webhook"], "shipped");
}

#[tokio::test]
async fn no_callback_without_a_url_a_success_or_when_turned_off() {
    let scratch = crate::spec::Scratch::new("callbacks-none");
    let path = scratch.write("orders.json", &orders_with_a_callback());
    let mock = mock_of(path.clone()).await;
    let client = test_support::http_client();
    let orders = format!("{}/orders/o1", mock.base_url("pets").unwrap());
    // No `notify` in the body: nothing to call.
    let created = client.post(&orders).json(&json!({})).send().await.unwrap();
    assert_eq!(created.status(), 201);
    // A refused request (its body is no object) registers nothing.
    let refused = client.post(&orders).json(&json!(1)).send().await.unwrap();
    assert_eq!(refused.status(), 400);
    // Not a URL: logged, not sent.
    let created = client
        .post(&orders)
        .json(&json!({"notify": "not a url"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert!(deliveries(&mock).await.is_empty());

    let quiet = MockServer::start(Config {
        callbacks: false,
        ..Config::serving([Spec::named("pets", path)])
    })
    .await
    .unwrap();
    let (url, _received) = receiver(&[204]).await;
    let created = client
        .post(format!("{}/orders/o1", quiet.base_url("pets").unwrap()))
        .json(&json!({"notify": url}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert!(deliveries(&quiet).await.is_empty());
}

#[tokio::test]
async fn with_stateful_only_the_transition_that_succeeds_sends_the_callback() {
    let scratch = crate::spec::Scratch::new("callbacks-stateful");
    let dir = scratch.dir("orders");
    let document = json!({
        "openapi": "3.1.0",
        "info": {"title": "Orders", "version": "1"},
        "paths": {"/orders/{id}/ship": {"post": {
            "operationId": "shipOrder",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"notify": {"type": "string"}}}}}},
            "responses": {
                "200": {"description": "shipped", "content": {"application/json": {
                    "schema": {"type": "object"}, "example": {"state": "shipped"}}}},
                "409": {"description": "already shipped"}
            },
            "callbacks": {"shipped": {"{$request.body#/notify}": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {"200": {"description": "ok"}}
            }}}}
        }}}
    });
    std::fs::write(dir.join("orders.json"), document.to_string()).unwrap();
    std::fs::write(
        dir.join("provider.yaml"),
        "name: orders\ntitle: Orders\ndocuments: [orders.json]\ncredential_env: ORDERS_API_KEY\nlifecycle: lifecycle.yaml\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("lifecycle.yaml"),
        "resources:\n  order:\n    key: [id]\n    initial: open\n    states: [open, shipped]\noperations:\n  shipOrder:\n    resource: order\n    transitions:\n      - {from: [open], to: shipped, status: 200}\n      - {from: [shipped], status: 409}\n",
    )
    .unwrap();
    let mock = MockServer::start(Config {
        stateful: true,
        ..Config::serving([Spec::named("orders", dir)])
    })
    .await
    .unwrap();
    let (url, mut received) = receiver(&[204]).await;
    let ship = format!("{}/orders/o1/ship", mock.base_url("orders").unwrap());
    let client = test_support::http_client();
    for expected in [200, 409] {
        let answer = client
            .post(&ship)
            .json(&json!({"notify": url}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), expected);
    }
    let request = String::from_utf8(received.recv().await.unwrap()).unwrap();
    assert!(
        request.starts_with("POST /hooks/pets HTTP/1.1"),
        "{request}"
    );
    let listed = deliveries(&mock).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["operation_id"], "shipOrder");
}

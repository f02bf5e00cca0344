//! The mock as a CI service, through real HTTP: the request journal, fault
//! injection (over HTTP and in process), and CORS.

use std::time::{Duration, Instant};

use mock_server::{Config, Expectation, Fault, FaultKind, MockServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

const KEY: &str = "sekrit-journal-key";

async fn start(config: Config) -> MockServer {
    MockServer::start(config).await.unwrap()
}

fn cancel_task(mock: &MockServer, id: &str) -> String {
    format!("{}/tasks/{id}/cancel", mock.base_url("chamelio").unwrap())
}

fn cancel_operation(mock: &MockServer) -> String {
    format!("{}/operations/op_1:cancel", mock.base_url("akua").unwrap())
}

async fn post(url: &str, headers: &[(&str, &str)]) -> Result<reqwest::Response, reqwest::Error> {
    let mut request = test_support::http_client().post(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await
}

async fn admin(method: reqwest::Method, url: String, body: Option<Value>) -> (StatusCode, Value) {
    let mut request = test_support::http_client().request(method, url);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_journal_records_every_answer_with_credentials_redacted() {
    let mock = start(Config::default()).await;
    let key = ("x-api-key", KEY);
    post(&cancel_task(&mock, "1"), &[key]).await.unwrap();
    post(&cancel_task(&mock, "abc"), &[key]).await.unwrap();
    post(&cancel_task(&mock, "2"), &[key, ("prefer", "code=409")])
        .await
        .unwrap();
    post(&format!("{}/nowhere", mock.uri()), &[]).await.unwrap();
    let bearer = format!("Bearer {KEY}");
    test_support::http_client()
        .post(format!("{}?reason=x", cancel_operation(&mock)))
        .header("authorization", &bearer)
        .header("content-type", "application/json")
        .body(r#"{"note": "hello"}"#)
        .send()
        .await
        .unwrap();

    let (status, journal) = admin(
        reqwest::Method::GET,
        format!("{}/__mock/requests", mock.uri()),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(!journal.to_string().contains(KEY), "{journal}");
    let requests = journal["requests"].as_array().unwrap();
    let summary: Vec<(u64, Value, u64)> = requests
        .iter()
        .map(|r| {
            (
                r["id"].as_u64().unwrap(),
                r["operation_id"].clone(),
                r["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, json!("cancelTask"), 200),
            (2, json!("cancelTask"), 404),
            (3, json!("cancelTask"), 409),
            (4, Value::Null, 404),
            (5, json!("operations.cancel"), 202),
        ]
    );
    let invalid = &requests[1];
    assert_eq!(invalid["method"], "POST");
    assert_eq!(invalid["path"], "/chamelio/tasks/abc/cancel");
    assert_eq!(invalid["provider"], "chamelio");
    assert_eq!(invalid["headers"]["x-api-key"], "<redacted>");
    assert_eq!(invalid["problems"][0]["loc"], json!(["path", "task_id"]));
    assert_eq!(requests[2]["headers"]["prefer"], "code=409");
    assert_eq!(requests[3]["provider"], Value::Null);
    let akua = &requests[4];
    assert_eq!(akua["headers"]["authorization"], "<redacted>");
    assert_eq!(akua["query"], "reason=x");
    assert_eq!(akua["body"], r#"{"note": "hello"}"#);
    assert!(akua["time"].as_str().unwrap().ends_with('Z'));

    for (filter, ids) in [
        ("operation_id=cancelTask", vec![1, 2, 3]),
        ("status=404", vec![2, 4]),
        ("provider=akua", vec![5]),
        ("provider=chamelio&status=409", vec![3]),
    ] {
        let (_, found) = admin(
            reqwest::Method::GET,
            format!("{}/__mock/requests?{filter}", mock.uri()),
            None,
        )
        .await;
        let found: Vec<u64> = found["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_u64().unwrap())
            .collect();
        assert_eq!(found, ids, "{filter}");
    }
    let (status, error) = admin(
        reqwest::Method::GET,
        format!("{}/__mock/requests?colour=red", mock.uri()),
        None,
    )
    .await;
    assert_eq!(status, 400, "{error}");

    // The same in process, wiremock-style.
    assert_eq!(mock.received_requests().unwrap().len(), 5);
    mock.verify(
        &Expectation::operation("cancelTask")
            .with_header("x-api-key")
            .times(3),
    )
    .unwrap();
    mock.verify(
        &Expectation::operation("cancelTask")
            .with_header_value("prefer", "code=409")
            .times(1),
    )
    .unwrap();
    let error = mock
        .verify(&Expectation::operation("operations.cancel").times(2))
        .unwrap_err();
    assert_eq!(error.matched, 1);

    let (status, _) = admin(
        reqwest::Method::DELETE,
        format!("{}/__mock/requests", mock.uri()),
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert!(mock.received_requests().unwrap().is_empty());
}

#[tokio::test]
async fn the_journal_is_bounded_and_can_be_off() {
    let mock = start(Config {
        journal: 2,
        ..Config::default()
    })
    .await;
    for id in 1..=4 {
        post(&cancel_task(&mock, &id.to_string()), &[("x-api-key", "k")])
            .await
            .unwrap();
    }
    let paths: Vec<String> = mock
        .received_requests()
        .unwrap()
        .iter()
        .map(|e| e.path.clone())
        .collect();
    assert_eq!(
        paths,
        ["/chamelio/tasks/3/cancel", "/chamelio/tasks/4/cancel"]
    );

    let off = start(Config {
        journal: 0,
        ..Config::default()
    })
    .await;
    post(&cancel_task(&off, "1"), &[("x-api-key", "k")])
        .await
        .unwrap();
    assert!(off.received_requests().is_none());
    let (_, journal) = admin(
        reqwest::Method::GET,
        format!("{}/__mock/requests", off.uri()),
        None,
    )
    .await;
    assert_eq!(journal, json!({"requests": []}));
}

#[tokio::test]
async fn faults_answer_their_times_then_normal_answers_resume() {
    let mock = start(Config::default()).await;
    let faults = format!("{}/__mock/faults", mock.uri());
    let (status, created) = admin(
        reqwest::Method::POST,
        faults.clone(),
        Some(json!({
            "provider": "akua", "operation_id": "operations.cancel", "times": 2,
            "status": 503, "headers": {"Retry-After": "1"}, "delay_ms": 0, "fault": null
        })),
    )
    .await;
    assert_eq!(status, 201);
    let id = created["id"].as_u64().unwrap();
    let (_, listed) = admin(reqwest::Method::GET, faults.clone(), None).await;
    assert_eq!(listed["faults"][0]["id"], id);
    assert_eq!(listed["faults"][0]["remaining"], 2);

    let bearer = ("authorization", "Bearer k");
    for _ in 0..2 {
        let response = post(&cancel_operation(&mock), &[bearer]).await.unwrap();
        assert_eq!(response.status(), 503);
        assert_eq!(response.headers()["retry-after"], "1");
        assert_eq!(response.headers()["x-mock-fault"], id.to_string().as_str());
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "injected_fault");
    }
    // Other operations were never affected; this one is back to normal.
    let response = post(&cancel_operation(&mock), &[bearer]).await.unwrap();
    assert_eq!(response.status(), 202);
    assert!(response.headers().get("x-mock-fault").is_none());
    let (_, listed) = admin(reqwest::Method::GET, faults.clone(), None).await;
    assert_eq!(listed, json!({"faults": []}));
    let journal = mock.received_requests().unwrap();
    let faulted: Vec<Option<u64>> = journal.iter().map(|e| e.fault).collect();
    assert_eq!(faulted, [Some(id), Some(id), None]);

    // A declared status answers with the document's body.
    mock.inject(Fault {
        provider: Some("chamelio".into()),
        status: Some(500),
        ..Fault::default()
    })
    .unwrap();
    let response = post(&cancel_task(&mock, "1"), &[("x-api-key", "k")])
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"detail": "Failed to cancel task"})
    );

    // Cleared: nothing left.
    mock.inject(Fault {
        status: Some(502),
        times: 5,
        ..Fault::default()
    })
    .unwrap();
    let (status, _) = admin(reqwest::Method::DELETE, faults, None).await;
    assert_eq!(status, 204);
    assert!(mock.faults().is_empty());
    let response = post(&cancel_task(&mock, "1"), &[("x-api-key", "k")])
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn bad_fault_definitions_get_400_with_a_message() {
    let mock = start(Config::default()).await;
    let faults = format!("{}/__mock/faults", mock.uri());
    for (definition, says) in [
        (
            json!({"status": 503, "times": 0}),
            "`times` must be at least 1",
        ),
        (json!({"status": 999}), "`status` 999 is not an HTTP status"),
        (
            json!({"provider": "nope", "status": 503}),
            "no provider `nope`",
        ),
        (json!({"fault": "explode"}), "unknown variant `explode`"),
        (json!({"fault": "reset", "status": 503}), "sends no answer"),
        (json!({}), "at least one of"),
    ] {
        let (status, body) = admin(
            reqwest::Method::POST,
            faults.clone(),
            Some(definition.clone()),
        )
        .await;
        assert_eq!(status, 400, "{definition}");
        assert_eq!(body["error"], "invalid_fault");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(says), "{definition}: {message}");
    }
    let response = test_support::http_client()
        .post(&faults)
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(mock.faults().is_empty());
}

#[tokio::test]
async fn connection_faults_break_the_exchange() {
    let mock = start(Config::default()).await;
    let key = ("x-api-key", "k");
    for kind in [FaultKind::Reset, FaultKind::Close] {
        mock.inject(Fault {
            fault: Some(kind),
            ..Fault::default()
        })
        .unwrap();
        let outcome = post(&cancel_task(&mock, "1"), &[key]).await;
        assert!(outcome.is_err(), "{kind:?}: {outcome:?}");
    }
    // Truncated: the headers promise more body than arrives.
    mock.inject(Fault {
        fault: Some(FaultKind::Truncate),
        ..Fault::default()
    })
    .unwrap();
    let response = post(&cancel_task(&mock, "1"), &[key]).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.is_err());
    // Delayed, then the normal answer.
    mock.inject(Fault {
        fault: Some(FaultKind::Delay),
        delay_ms: 200,
        ..Fault::default()
    })
    .unwrap();
    let started = Instant::now();
    let response = post(&cancel_task(&mock, "1"), &[key]).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
    // Afterwards the server answers as usual, and the journal shows what happened.
    let response = post(&cancel_task(&mock, "1"), &[key]).await.unwrap();
    assert_eq!(response.status(), 200);
    let statuses: Vec<u16> = mock
        .received_requests()
        .unwrap()
        .iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(statuses, [0, 0, 200, 200, 200]);
}

#[tokio::test]
async fn cors_is_on_by_default_and_can_be_turned_off() {
    let mock = start(Config::default()).await;
    let client = test_support::http_client();
    let url = cancel_task(&mock, "1");
    let preflight = client
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "http://app.test")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "x-api-key")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    let headers = preflight.headers();
    assert_eq!(headers["access-control-allow-origin"], "http://app.test");
    assert_eq!(headers["access-control-allow-methods"], "POST");
    assert!(
        headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("x-api-key")
    );
    let answer = client
        .post(&url)
        .header("origin", "http://app.test")
        .header("x-api-key", "k")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.headers()["access-control-allow-origin"],
        "http://app.test"
    );
    assert_eq!(answer.headers()["access-control-allow-credentials"], "true");
    let exposed = answer.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(exposed.contains("content-type"), "{exposed}");
    // Without an Origin (curl, server-side callers): any origin.
    let answer = client
        .post(&url)
        .header("x-api-key", "k")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["access-control-allow-origin"], "*");
    assert_eq!(answer.headers()["access-control-expose-headers"], "*");
    // An OPTIONS that is not a preflight is an ordinary request: 405 here.
    let options = client
        .request(reqwest::Method::OPTIONS, &url)
        .send()
        .await
        .unwrap();
    assert_eq!(options.status(), 405);
    // The mock's own API too, so a browser page can read the journal.
    let journal = client
        .get(format!("{}/__mock/requests", mock.uri()))
        .header("origin", "http://app.test")
        .send()
        .await
        .unwrap();
    assert_eq!(
        journal.headers()["access-control-allow-origin"],
        "http://app.test"
    );

    let plain = start(Config {
        cors: false,
        ..Config::default()
    })
    .await;
    let answer = client
        .post(cancel_task(&plain, "1"))
        .header("origin", "http://app.test")
        .header("x-api-key", "k")
        .send()
        .await
        .unwrap();
    assert!(
        answer
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let preflight = client
        .request(reqwest::Method::OPTIONS, cancel_task(&plain, "1"))
        .header("origin", "http://app.test")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 405);
}

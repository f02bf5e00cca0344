//! The provider-neutral cancel API: every declared status of every cancel
//! operation and each lifecycle (`--stateful`) against the mock server, and
//! body variants no document's lifecycle produces against `wiremock`.

use std::time::Duration;

use sdk::cancel::{CancelError, CancelStatus, Canceller, ProviderResponse, Target};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const UUID: &str = "0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10";

fn targets() -> [(&'static str, Target); 4] {
    [
        (
            "phala",
            Target::PhalaCvmOperation {
                cvm_id: "cvm-1".into(),
            },
        ),
        (
            "akua",
            Target::AkuaOperation {
                operation_id: "op_1".into(),
            },
        ),
        ("chamelio", Target::ChamelioTask { task_id: 12345 }),
        (
            "promptlayer",
            Target::PromptLayerSheetOperation {
                table_id: UUID.into(),
                sheet_id: UUID.into(),
                operation_id: "op".into(),
            },
        ),
    ]
}

/// A canceller whose clients all call `base_url(provider)` and send `Prefer`.
fn canceller(base_url: impl Fn(&str) -> String, prefer: Option<String>) -> Canceller {
    macro_rules! client {
        ($module:ident) => {{
            let mut builder = sdk::$module::Client::builder()
                .base_url(base_url(stringify!($module)))
                .api_key("k")
                .retries(0);
            if let Some(prefer) = &prefer {
                builder = builder.header("Prefer", prefer.as_str());
            }
            Some(builder.build().unwrap())
        }};
    }
    Canceller {
        phala: client!(phala),
        akua: client!(akua),
        chamelio: client!(chamelio),
        promptlayer: client!(promptlayer),
    }
}

#[tokio::test]
async fn every_declared_status_of_every_cancel_operation_has_its_neutral_outcome() {
    use CancelStatus::*;
    let mock = mock_server::MockServer::start(mock_server::Config::default())
        .await
        .unwrap();
    let expected: &[(&str, u16, Option<CancelStatus>)] = &[
        // The mock's default bodies: Phala `cancelled: true`, Akua `state: RUNNING`,
        // PromptLayer `cancelled_cell_count: 1`.
        ("phala", 200, Some(Cancelled)),
        ("phala", 401, Some(NotAllowed)),
        ("phala", 403, Some(NotAllowed)),
        ("phala", 404, Some(NotFound)),
        ("phala", 409, Some(Rejected)),
        ("phala", 422, Some(Rejected)),
        ("akua", 202, Some(Requested)),
        ("akua", 401, Some(NotAllowed)),
        ("akua", 403, Some(NotAllowed)),
        ("akua", 404, Some(NotFound)),
        ("akua", 422, Some(AlreadyFinished)),
        ("chamelio", 200, Some(Cancelled)),
        ("chamelio", 401, Some(NotAllowed)),
        ("chamelio", 404, Some(NotFound)),
        ("chamelio", 409, Some(AlreadyFinished)),
        ("chamelio", 500, None),
        ("promptlayer", 200, Some(Cancelled)),
        ("promptlayer", 400, Some(Rejected)),
        ("promptlayer", 404, Some(NotFound)),
    ];
    // Every declared status of every operation the neutral API cancels with is in the table.
    // Their SDK names: an overlay's `x-sdk-name`, else the operationId.
    const CANCEL_OPERATIONS: [&str; 4] = [
        "cancel_cvm_operation",
        "operations.cancel",
        "cancelTask",
        "cancelTableSheetOperation",
    ];
    let providers = specs::load_providers(&specs::providers_dir()).unwrap();
    let declared: Vec<(String, u16)> = providers
        .iter()
        .flat_map(|p| {
            p.operations
                .iter()
                .filter(|o| CANCEL_OPERATIONS.contains(&o.sdk_name.as_str()))
                .flat_map(move |o| {
                    o.responses.iter().filter_map(move |r| match r.status {
                        specs::Status::Code(code) => Some((p.name.clone(), code)),
                        _ => None,
                    })
                })
        })
        .collect();
    let mut listed: Vec<(String, u16)> = expected
        .iter()
        .map(|(p, c, _)| (p.to_string(), *c))
        .collect();
    let mut declared_sorted = declared.clone();
    declared_sorted.sort();
    listed.sort();
    assert_eq!(listed, declared_sorted);

    for (provider, code, status) in expected {
        let canceller = canceller(
            |name| mock.base_url(name).unwrap(),
            Some(format!("code={code}")),
        );
        let target = targets()
            .into_iter()
            .find(|(name, _)| name == provider)
            .unwrap()
            .1;
        match (canceller.cancel(&target).await, status) {
            (Ok(cancellation), Some(status)) => {
                assert_eq!(cancellation.status, *status, "{provider} {code}")
            }
            (Err(CancelError::Chamelio(error)), None) => {
                assert_eq!(error.variant(), "InternalServerError")
            }
            (other, _) => panic!("{provider} {code}: {other:?}"),
        }
    }
}

async fn answering(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn akua_operation(done: bool, state: &str) -> Value {
    json!({
        "id": "op_1", "workspace_id": null, "organization_id": null, "owner_type": "machine",
        "owner_id": "mch_1", "parent_operation_id": null, "state": state, "done": done,
        "html_url": "https://akua.dev/ops/op_1",
        "metadata": {"type": "machine.delete", "workspace_id": "ws_1", "machine_id": "mch_1", "request_fingerprint": "f"},
        "response": null, "error": null, "last_error": null, "started_at": 1, "completed_at": null
    })
}

#[tokio::test]
async fn outcomes_that_depend_on_the_body() {
    use CancelStatus::*;
    let cases = [
        (
            "phala",
            200,
            json!({"cancelled": false, "correlation_id": null}),
            NothingToCancel,
        ),
        (
            "phala",
            200,
            json!({"cancelled": true, "correlation_id": "c"}),
            Cancelled,
        ),
        ("akua", 202, akua_operation(false, "RUNNING"), Requested),
        ("akua", 202, akua_operation(true, "CANCELLED"), Cancelled),
        (
            "akua",
            202,
            akua_operation(true, "SUCCEEDED"),
            AlreadyFinished,
        ),
        ("akua", 202, akua_operation(true, "FAILED"), AlreadyFinished),
        (
            "promptlayer",
            200,
            json!({"success": true, "message": "none", "operation_id": "op", "execution_ids": [], "cancelled_cell_count": 0}),
            NothingToCancel,
        ),
        (
            "promptlayer",
            200,
            json!({"success": true, "message": "ok", "operation_id": "op", "execution_ids": ["e"], "cancelled_cell_count": 3}),
            Cancelled,
        ),
    ];
    for (provider, status, body, expected) in cases {
        let server = answering(status, body.clone()).await;
        let canceller = canceller(|_| server.uri(), None);
        let target = targets()
            .into_iter()
            .find(|(name, _)| *name == provider)
            .unwrap()
            .1;
        let cancellation = canceller.cancel(&target).await.unwrap();
        assert_eq!(cancellation.status, expected, "{provider} {body}");
    }
}

/// Cancelling the same thing twice against the mock's `--stateful` mode: the
/// first answer, then each document's "already" answer, through one API.
#[tokio::test]
async fn cancelling_twice_follows_each_providers_lifecycle() {
    use CancelStatus::*;
    let mock = mock_server::MockServer::start(mock_server::Config {
        stateful: true,
        ..mock_server::Config::default()
    })
    .await
    .unwrap();
    let canceller = canceller(|provider| mock.base_url(provider).unwrap(), None);
    let expected = [
        ("phala", [Cancelled, NothingToCancel]),
        ("akua", [Requested, AlreadyFinished]),
        ("chamelio", [Cancelled, AlreadyFinished]),
        ("promptlayer", [Cancelled, NothingToCancel]),
    ];
    for ((provider, target), (name, statuses)) in targets().into_iter().zip(expected) {
        assert_eq!(provider, name);
        for status in statuses {
            let cancellation = canceller.cancel(&target).await.unwrap();
            assert_eq!(cancellation.status, status, "{provider}");
        }
    }
}

#[tokio::test]
async fn the_providers_typed_answer_stays_reachable() {
    let server = answering(
        409,
        json!({"detail": "Task cannot be cancelled in its current state"}),
    )
    .await;
    let cancellation = canceller(|_| server.uri(), None)
        .cancel(&Target::ChamelioTask { task_id: 1 })
        .await
        .unwrap();
    assert_eq!(cancellation.status, CancelStatus::AlreadyFinished);
    let ProviderResponse::Chamelio(result) = cancellation.response else {
        panic!("not Chamelio's")
    };
    let Err(sdk::chamelio::errors::CancelTaskError::Conflict(body)) = *result else {
        panic!("not a 409")
    };
    assert_eq!(body.detail, "Task cannot be cancelled in its current state");
}

#[tokio::test]
async fn a_provider_without_a_client_is_an_error() {
    let error = Canceller::default()
        .cancel(&Target::AkuaOperation {
            operation_id: "op_1".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "no Akua client is configured");
}

/// `cancel_and_wait` against `--stateful`: Akua's asynchronous cancel is
/// followed through `operations.wait` to `CANCELLED`; an operation that had
/// already succeeded is `AlreadyFinished` without waiting; the synchronous
/// providers' answers are final.
#[tokio::test]
async fn cancel_and_wait_follows_akuas_operation_to_its_end() {
    use CancelStatus::*;
    use sdk::cancel::WaitPolicy;
    let mock = mock_server::MockServer::start(mock_server::Config {
        stateful: true,
        ..mock_server::Config::default()
    })
    .await
    .unwrap();
    let canceller = canceller(|provider| mock.base_url(provider).unwrap(), None);
    let akua = |id: &str| Target::AkuaOperation {
        operation_id: id.into(),
    };

    let waited = canceller
        .cancel_and_wait(&akua("op_running"), WaitPolicy::default())
        .await
        .unwrap();
    assert_eq!(waited.cancellation.status, Requested);
    assert_eq!((waited.status, waited.polls), (Cancelled, 1));
    let last = waited.followed.unwrap().unwrap();
    assert!(last.done && last.error.is_some(), "{last:?}");
    let waits = mock.requests(&mock_server::Filter {
        operation_id: Some("operations.wait".into()),
        ..mock_server::Filter::default()
    });
    assert_eq!(waits.len(), 1);

    mock.seed_state(&mock_server::ResourceState {
        provider: "akua".into(),
        resource: "operation".into(),
        key: [("id".to_string(), "op_done".to_string())].into(),
        state: "SUCCEEDED".into(),
    })
    .unwrap();
    let finished = canceller
        .cancel_and_wait(&akua("op_done"), WaitPolicy::default())
        .await
        .unwrap();
    assert_eq!((finished.status, finished.polls), (AlreadyFinished, 0));
    assert!(finished.followed.is_none());

    let chamelio = canceller
        .cancel_and_wait(&Target::ChamelioTask { task_id: 7 }, WaitPolicy::default())
        .await
        .unwrap();
    assert_eq!((chamelio.status, chamelio.polls), (Cancelled, 0));
}

/// An operation that never finishes: the deadline ends the wait with
/// `Requested`, after several wait calls spaced by the backoff; a documented
/// error while waiting is the provider's typed error.
#[tokio::test]
async fn cancel_and_wait_gives_up_at_the_deadline_and_reports_wait_errors() {
    use sdk::cancel::WaitPolicy;
    use wiremock::matchers::{method, path_regex};
    let server = MockServer::start().await;
    Mock::given(path_regex(":cancel$"))
        .respond_with(ResponseTemplate::new(202).set_body_json(akua_operation(false, "RUNNING")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(":wait$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(akua_operation(false, "RUNNING")))
        .mount(&server)
        .await;
    let canceller = canceller(|_| server.uri(), None);
    let target = Target::AkuaOperation {
        operation_id: "op_1".into(),
    };
    let policy = WaitPolicy {
        deadline: Duration::from_millis(400),
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(80),
    };
    let waited = canceller.cancel_and_wait(&target, policy).await.unwrap();
    assert_eq!(waited.status, CancelStatus::Requested);
    assert!(waited.polls >= 2, "{} wait calls", waited.polls);

    let gone = MockServer::start().await;
    Mock::given(path_regex(":cancel$"))
        .respond_with(ResponseTemplate::new(202).set_body_json(akua_operation(false, "RUNNING")))
        .mount(&gone)
        .await;
    Mock::given(path_regex(":wait$"))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"success": false, "errors": [{"code": 404, "message": "no such operation"}], "result": {}}),
        ))
        .mount(&gone)
        .await;
    let canceller = canceller_at(&gone.uri());
    let error = canceller
        .cancel_and_wait(&target, WaitPolicy::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            CancelError::AkuaWait(sdk::akua::errors::OperationsWaitError::NotFound(_))
        ),
        "{error:?}"
    );
}

fn canceller_at(uri: &str) -> Canceller {
    canceller(|_| uri.to_string(), None)
}

/// Akua holds a wait call up to 60 s, longer than the client's per-attempt
/// timeout (30 s by default): the wait call is timed for the hold, so a
/// poll the server answers after the client's own timeout ends in the
/// operation's state, not in a timeout. Scaled down to real time: a client
/// timing out after 200 ms, a server answering the poll after 1 s, a
/// deadline (and so a hold) of 20 s.
#[tokio::test]
async fn a_long_poll_outlives_the_client_s_per_attempt_timeout() {
    use sdk::cancel::WaitPolicy;
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Some(request) = test_support::raw_server::read_request(&mut socket).await
                else {
                    return;
                };
                let text = String::from_utf8_lossy(&request);
                let (status, body) = if text.contains(":wait") {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    (200, akua_operation(true, "CANCELLED"))
                } else {
                    (202, akua_operation(false, "RUNNING"))
                };
                let body = body.to_string();
                let reply = format!(
                    "HTTP/1.1 {status} Answer\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    let target = Target::AkuaOperation {
        operation_id: "op_1".into(),
    };
    let akua = sdk::akua::Client::builder()
        .base_url(&base)
        .api_key("k")
        .retries(0)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let canceller = Canceller {
        akua: Some(akua),
        ..canceller_at(&base)
    };
    let policy = WaitPolicy {
        deadline: Duration::from_secs(20),
        ..WaitPolicy::default()
    };
    let waited = canceller.cancel_and_wait(&target, policy).await.unwrap();
    assert_eq!((waited.status, waited.polls), (CancelStatus::Cancelled, 1));
}

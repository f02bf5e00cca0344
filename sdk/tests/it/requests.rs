//! What the SDK puts on the wire: method, path (percent-encoded ids), headers,
//! credentials; and what it keeps out of `Debug`. Recorded by `wiremock`.

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn recorder() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599))
        .mount(&server)
        .await;
    server
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn phala_sends_x_api_key_and_encodes_awkward_ids() {
    let server = recorder().await;
    let client = sdk::phala::Client::builder()
        .base_url(server.uri())
        .api_key("phala-secret")
        .build()
        .unwrap();
    let _ = client
        .cancel_cvm_operation()
        .cvm_id("op_a/b c:d?é")
        .send()
        .await;
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(
        request.url.path(),
        "/api/v1/cvms/op_a%2Fb%20c:d%3F%C3%A9/operations/cancel"
    );
    assert_eq!(header(&request, "x-api-key"), Some("phala-secret"));
    assert_eq!(header(&request, "authorization"), None);
    // Only documented headers: not progenitor's `api-version`.
    assert_eq!(header(&request, "api-version"), None);
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn akua_sends_bearer_token_and_optional_headers() {
    let server = recorder().await;
    // Akua's server has a path stem (`/v1`): it must be kept.
    let client = sdk::akua::Client::builder()
        .base_url(format!("{}/v1/", server.uri()))
        .api_key("sk_akua_secret")
        .build()
        .unwrap();
    let _ = client
        .operations_cancel()
        .id("op_a/b:c")
        .idempotency_key("key-1")
        .send()
        .await;
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/v1/operations/op_a%2Fb:c:cancel");
    assert_eq!(
        header(&request, "authorization"),
        Some("Bearer sk_akua_secret")
    );
    assert_eq!(header(&request, "idempotency-key"), Some("key-1"));
    assert_eq!(header(&request, "akua-context"), None);
}

#[tokio::test]
async fn chamelio_sends_x_api_key_and_integer_id() {
    let server = recorder().await;
    let client = sdk::chamelio::Client::builder()
        .base_url(server.uri())
        .api_key("ca_secret")
        .build()
        .unwrap();
    let _ = client.cancel_task().task_id(12345).send().await;
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/tasks/12345/cancel");
    assert_eq!(header(&request, "x-api-key"), Some("ca_secret"));
}

#[tokio::test]
async fn promptlayer_sends_its_key_once_per_client_not_per_call() {
    let server = recorder().await;
    let client = sdk::promptlayer::Client::builder()
        .base_url(server.uri())
        .api_key("pl_secret")
        .build()
        .unwrap();
    let _ = client
        .cancel_table_sheet_operation()
        .table_id("0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10")
        .sheet_id("5d8f1e0a-7c4b-4f6e-8d2a-9b3c1e5f7a90")
        .operation_id("op 1")
        .send()
        .await;
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "DELETE");
    assert_eq!(
        request.url.path(),
        "/api/public/v2/tables/0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10/sheets/5d8f1e0a-7c4b-4f6e-8d2a-9b3c1e5f7a90/operations/op%201"
    );
    assert_eq!(header(&request, "x-api-key"), Some("pl_secret"));
    assert_eq!(request.headers.get_all("x-api-key").iter().count(), 1);
}

#[tokio::test]
async fn without_a_key_nothing_is_sent_and_the_error_is_missing_credentials() {
    let server = recorder().await;
    let client = sdk::akua::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let error = client
        .operations_cancel()
        .id("op_1")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            sdk::akua::errors::OperationsCancelError::MissingCredentials(
                sdk::auth::AuthError::NoSatisfiableRequirement { .. }
            )
        ),
        "{error:?}"
    );
    assert_eq!(error.status(), None);
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// Every operation of the catalogue, called without a key: a public one
/// (`security: []`) goes out without a credential header, any other is
/// refused before sending with `MissingCredentials`.
#[tokio::test]
async fn without_a_key_only_public_operations_are_sent() {
    let providers = specs::load_providers(&specs::providers_dir()).unwrap();
    let server = recorder().await;
    let connection = sdk::dynamic::Connection {
        base_url: Some(server.uri()),
        ..Default::default()
    };
    let mut public = 0;
    let mut refused = Vec::new();
    for provider in &providers {
        for operation in &provider.operations {
            let document = &provider.documents[operation.document];
            let arguments = test_support::valid_arguments(document, operation);
            let body = test_support::request_body(provider, operation).unwrap();
            let context = format!("{} {}", provider.name, operation.operation_id);
            let outcome = match Box::pin(sdk::dynamic::call_with_body(
                &provider.name,
                &connection,
                &operation.operation_id,
                &arguments,
                body.as_ref(),
            ))
            .await
            {
                Ok(outcome) => outcome,
                Err(error) => {
                    refused.push(format!("{context}: {error}"));
                    continue;
                }
            };
            let sent = server.received_requests().await.unwrap();
            server.reset().await;
            Mock::given(any())
                .respond_with(ResponseTemplate::new(599))
                .mount(&server)
                .await;
            if operation.security.is_empty() {
                public += 1;
                assert_eq!(outcome.status, Some(599), "{context}: {outcome:?}");
                let [request] = sent.as_slice() else {
                    panic!("{context}: {} requests", sent.len());
                };
                for name in ["authorization", "x-api-key", "cookie"] {
                    assert_eq!(header(request, name), None, "{context}: {name} sent");
                }
            } else {
                assert_eq!(
                    outcome.variant, "MissingCredentials",
                    "{context}: {outcome:?}"
                );
                assert!(sent.is_empty(), "{context}: sent without credentials");
            }
        }
    }
    assert!(
        refused.is_empty(),
        "valid calls the SDK refused:\n{}",
        refused.join("\n")
    );
    // Counted so a catalogue without public operations is visible here.
    println!("{public} public operations sent without a key");
}

#[test]
fn default_base_urls_are_the_public_servers() {
    use sdk::Provider;
    assert_eq!(
        sdk::phala::Client::DEFAULT_BASE_URL,
        "https://cloud-api.phala.com"
    );
    assert_eq!(
        sdk::akua::Client::DEFAULT_BASE_URL,
        "https://api.akua.dev/v1"
    );
    assert_eq!(
        sdk::chamelio::Client::DEFAULT_BASE_URL,
        "https://platform.chamelio.ai"
    );
    assert_eq!(
        sdk::promptlayer::Client::DEFAULT_BASE_URL,
        "https://api.promptlayer.com"
    );
    let client = sdk::chamelio::Client::builder().build().unwrap();
    assert_eq!(client.base_url(), "https://platform.chamelio.ai");
    use sdk::auth::SchemeKind;
    let kinds = |schemes: &[sdk::auth::Scheme]| schemes.iter().map(|s| s.kind).collect::<Vec<_>>();
    // Phala's overlay declares an API key header and an OAuth2 bearer token.
    assert_eq!(
        kinds(<sdk::phala::Client as sdk::Provider>::SECURITY_SCHEMES),
        [SchemeKind::Header("X-API-Key"), SchemeKind::Bearer]
    );
    assert_eq!(
        kinds(<sdk::akua::Client as sdk::Provider>::SECURITY_SCHEMES),
        [SchemeKind::Bearer]
    );
    assert_eq!(
        kinds(<sdk::promptlayer::Client as sdk::Provider>::SECURITY_SCHEMES),
        [SchemeKind::Header("X-API-KEY")]
    );
}

#[test]
fn keys_never_appear_in_debug_output() {
    let builder = sdk::akua::Client::builder().api_key("sk_akua_topsecret");
    assert!(!format!("{builder:?}").contains("topsecret"), "{builder:?}");
    let client = builder.build().unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains("topsecret"), "{debug}");
    let client = sdk::phala::Client::builder()
        .api_key("phala-topsecret")
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("topsecret"));
    assert_eq!(
        format!("{:?}", sdk::ApiKey::new("topsecret")),
        "ApiKey(<redacted>)"
    );
}

#[test]
fn bad_configuration_is_an_error() {
    let error = sdk::chamelio::Client::builder()
        .base_url("localhost:4010")
        .build()
        .unwrap_err();
    assert!(
        matches!(error, sdk::ConfigError::InvalidBaseUrl(_)),
        "{error:?}"
    );
    let error = sdk::chamelio::Client::builder()
        .api_key("line\nbreak")
        .build()
        .unwrap_err();
    assert!(
        matches!(error, sdk::ConfigError::InvalidSchemeCredential(_)),
        "{error:?}"
    );
}

/// `from_env` reads the provider's variable. Environment variables are
/// process-wide, so the check runs in a child process with its own environment.
#[test]
fn from_env_reads_the_providers_variable() {
    let run = |key: Option<&str>| {
        let mut command = std::process::Command::new(std::env::current_exe().unwrap());
        command.args([
            "--exact",
            "requests::from_env_child",
            "--ignored",
            "--nocapture",
        ]);
        match key {
            Some(key) => command.env("PROMPTLAYER_API_KEY", key),
            None => command.env_remove("PROMPTLAYER_API_KEY"),
        };
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(run(Some("pl_from_env")).contains("CHILD-SAW: Ok"));
    assert!(run(None).contains(
        "CHILD-SAW: Err(environment variable PROMPTLAYER_API_KEY is not set (or empty); it must hold the API key)"
    ));
    assert!(run(Some("")).contains("CHILD-SAW: Err(environment variable PROMPTLAYER_API_KEY"));
}

#[tokio::test]
#[ignore = "run by from_env_reads_the_providers_variable in a child process"]
async fn from_env_child() {
    let server = recorder().await;
    match sdk::promptlayer::Client::builder().api_key_from_env() {
        Ok(builder) => {
            let client = builder.base_url(server.uri()).build().unwrap();
            let _ = client
                .cancel_table_sheet_operation()
                .table_id("0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10")
                .sheet_id("5d8f1e0a-7c4b-4f6e-8d2a-9b3c1e5f7a90")
                .operation_id("op")
                .send()
                .await;
            let request = only_request(&server).await;
            assert_eq!(header(&request, "x-api-key"), Some("pl_from_env"));
            println!("CHILD-SAW: Ok");
        }
        Err(error) => println!("CHILD-SAW: Err({error})"),
    }
}

/// Every operation's valid JSON body (checked against its verbatim
/// document) reaches the server as the same instance: the SDK's types
/// neither refuse it nor drop or change a member, and add only members the
/// document declares with that value as their default (issue 9: never
/// stricter than the document; an untagged `oneOf` must not settle on the
/// wrong branch).
#[tokio::test]
async fn every_valid_body_arrives_intact() {
    let catalogue = test_support::sdk::catalogue();
    let server = recorder().await;
    let clients = test_support::sdk::Clients::new(server.uri(), "k");
    let mut bodies = 0;
    let mut wrong = Vec::new();
    for call in test_support::sdk::calls() {
        let Some(valid) = &call.body else {
            continue;
        };
        bodies += 1;
        server.reset().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(404))
            .mount(&server)
            .await;
        if let Err(error) = call.send(&clients).await {
            wrong.push(format!("{}: refused: {error}", call.name()));
            continue;
        }
        let received = server.received_requests().await.unwrap();
        let Some(sent) = received
            .first()
            .and_then(|r| serde_json::from_slice::<serde_json::Value>(&r.body).ok())
        else {
            wrong.push(format!("{}: no JSON body sent", call.name()));
            continue;
        };
        let provider = catalogue.iter().find(|p| p.name == call.provider).unwrap();
        if let Err(difference) =
            test_support::check_sent_body(provider, &call.operation, valid, &sent)
        {
            wrong.push(format!("{}: {difference}", call.name()));
        }
    }
    assert!(bodies > 0, "no operation takes a JSON body");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

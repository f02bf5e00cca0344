//! Credentials stay with the provider's origin and out of `Debug`: redirects
//! to another origin are not followed (for every credential placement the
//! providers use), by the SDK's own clients and by an application's client
//! built with `sdk::redirect_policy`, and every type that can hold a key
//! prints it redacted.

use std::net::SocketAddr;

use sdk::dynamic::{Connection, Outcome};
use test_support::sdk::{Call, Clients, calls, catalogue};
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk-redirect-bait-7f3a9c";

/// The key as sent: in a header (itself, a cookie, or inside a basic
/// scheme's `user:password`) or in the query.
fn carries_key(request: &Request) -> bool {
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{KEY}", test_support::BASIC_USER));
    request.url.query().is_some_and(|query| query.contains(KEY))
        || request.headers.values().any(|value| {
            let value = String::from_utf8_lossy(value.as_bytes());
            value.contains(KEY) || value.contains(&basic)
        })
}

async fn answering(status: u16, location: Option<&str>) -> MockServer {
    let server = MockServer::start().await;
    let mut reply = ResponseTemplate::new(status);
    if let Some(location) = location {
        reply = reply.insert_header("Location", location);
    }
    Mock::given(any()).respond_with(reply).mount(&server).await;
    server
}

/// Calls every operation of every provider (one after the other, so the
/// server's requests are in the same order) with a client made by `clients`;
/// returns each one's name, whether it needs a credential, and its outcome.
async fn call_everything(clients: &Clients) -> Vec<(String, bool, Outcome)> {
    let mut outcomes = Vec::new();
    for call in calls() {
        let outcome = call
            .send(clients)
            .await
            .expect("the operation can be called");
        let secured = !call.operation.security.is_empty();
        outcomes.push((call.name(), secured, outcome));
    }
    outcomes
}

/// Each request carries the key exactly when its operation needs a credential.
fn assert_keys_where_needed(requests: &[&Request], outcomes: &[(String, bool, Outcome)]) {
    assert_eq!(requests.len(), outcomes.len(), "one request per operation");
    for (request, (operation, secured, _)) in requests.iter().zip(outcomes) {
        assert_eq!(
            carries_key(request),
            *secured,
            "{operation}: the key is sent exactly when the operation needs it"
        );
    }
}

/// Redirects of every kind to another host and to another port answer every
/// operation of every provider, with clients made by `clients` for the
/// redirecting server's URL: none reaches the other origin.
async fn assert_no_redirect_takes_the_key_elsewhere(clients: impl Fn(String) -> Clients) {
    let elsewhere = answering(200, None).await;
    let port = elsewhere.address().port();
    // Another host on another port, and the same host on another port: both other origins.
    let targets = [
        format!("http://localhost:{port}/collect"),
        format!("http://127.0.0.1:{port}/collect"),
    ];
    for target in &targets {
        for status in [301, 302, 303, 307, 308] {
            let origin = answering(status, Some(target)).await;
            let outcomes = call_everything(&clients(origin.uri())).await;
            let stolen = elsewhere.received_requests().await.unwrap();
            assert!(
                stolen.is_empty(),
                "after {status} to {target}, {} requests reached the other origin, {} with the key",
                stolen.len(),
                stolen.iter().filter(|r| carries_key(r)).count()
            );
            for (operation, _, outcome) in &outcomes {
                assert_eq!(
                    outcome.status,
                    Some(status),
                    "{operation} after {status} to {target}: {outcome:?}"
                );
            }
            let sent = origin.received_requests().await.unwrap();
            assert_keys_where_needed(&sent.iter().collect::<Vec<_>>(), &outcomes);
        }
    }
}

#[tokio::test]
async fn no_redirect_takes_a_key_to_another_origin() {
    assert_no_redirect_takes_the_key_elsewhere(|url| Clients::new(url, KEY)).await;
}

/// An application's client, with the policy `redirects`.
fn given_client(redirects: reqwest::redirect::Policy) -> reqwest::Client {
    sdk::reqwest_client_builder()
        .unwrap()
        .redirect(redirects)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_given_client_with_the_sdk_policy_keeps_the_key_at_its_origin() {
    let http = given_client(sdk::redirect_policy(sdk::Redirects::default()));
    assert_no_redirect_takes_the_key_elsewhere(|url| Clients::given(url, KEY, http.clone())).await;
}

/// Why a given client needs `sdk::redirect_policy`: with reqwest's default
/// policy, a redirect to another origin takes an `X-API-Key` along (reqwest
/// strips only `Authorization` and a few others).
#[tokio::test]
async fn reqwest_s_own_policy_would_hand_an_api_key_header_to_another_origin() {
    let http = given_client(reqwest::redirect::Policy::default());
    let arguments: sdk::dynamic::Arguments = [("task_id".to_string(), "1".to_string())].into();
    let elsewhere = answering(200, None).await;
    let target = format!("http://localhost:{}/collect", elsewhere.address().port());
    let origin = answering(307, Some(&target)).await;
    let clients = Clients::given(origin.uri(), KEY, http.clone());
    let outcome = sdk::dynamic::call_with("chamelio", &clients, "cancelTask", &arguments)
        .await
        .unwrap();
    assert_eq!(outcome.status, Some(200), "{outcome:?}");
    let stolen = elsewhere.received_requests().await.unwrap();
    assert_eq!(stolen.len(), 1);
    assert!(carries_key(&stolen[0]), "X-API-Key went along");

    // A bearer token is the exception: reqwest drops `Authorization`.
    let akua = catalogue().iter().find(|p| p.name == "akua").unwrap();
    let cancel = akua
        .operations
        .iter()
        .find(|operation| operation.operation_id == "operations.cancel")
        .unwrap();
    let outcome = Call::new(akua, cancel).send(&clients).await.unwrap();
    assert_eq!(outcome.status, Some(200), "{outcome:?}");
    let stolen = elsewhere.received_requests().await.unwrap();
    assert_eq!(stolen.len(), 2);
    assert!(!carries_key(&stolen[1]), "Authorization was dropped");
}

#[tokio::test]
async fn same_origin_redirects_are_followed_with_the_key() {
    let server = MockServer::start().await;
    Mock::given(path("/moved"))
        .respond_with(ResponseTemplate::new(599))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(307).insert_header("Location", "/moved"))
        .mount(&server)
        .await;
    let outcomes = call_everything(&Clients::new(server.uri(), KEY)).await;
    for (operation, _, outcome) in &outcomes {
        assert_eq!(outcome.status, Some(599), "{operation}: {outcome:?}");
    }
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2 * outcomes.len());
    let followed: Vec<&Request> = requests
        .iter()
        .filter(|r| r.url.path() == "/moved")
        .collect();
    assert_keys_where_needed(&followed, &outcomes);
}

#[tokio::test]
async fn same_origin_redirects_stop_after_the_limit() {
    let server = answering(307, Some("/again")).await;
    let outcome = sdk::dynamic::call_with(
        "chamelio",
        &Clients::new(server.uri(), KEY),
        "cancelTask",
        &[("task_id".to_string(), "1".to_string())].into(),
    )
    .await
    .unwrap();
    assert_eq!(outcome.status, Some(307));
    assert_eq!(outcome.variant, "UnexpectedStatus");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1 + sdk::DEFAULT_MAX_REDIRECTS);

    let server = answering(307, Some("/again")).await;
    let client = sdk::chamelio::Client::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .redirects(sdk::Redirects::None)
        .build()
        .unwrap();
    let error = client.cancel_task().task_id(1).send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307), "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[test]
fn credentials_in_the_base_url_are_refused_and_not_echoed() {
    let error = sdk::akua::Client::builder()
        .base_url(format!("https://user:{KEY}@api.example.com/v1"))
        .build()
        .unwrap_err();
    assert!(matches!(error, sdk::ConfigError::CredentialsInBaseUrl));
    assert!(!error.to_string().contains(KEY) && !format!("{error:?}").contains(KEY));
}

const SECRET: &str = "tr0ub4dor-debug-secret";

#[track_caller]
fn assert_redacted(name: &str, value: &impl std::fmt::Debug) {
    for text in [format!("{value:?}"), format!("{value:#?}")] {
        assert!(!text.contains(SECRET), "{name} prints the secret: {text}");
    }
}

fn builder<C: sdk::Provider>() -> sdk::ClientBuilder<C> {
    sdk::ClientBuilder::default()
        .api_key(SECRET)
        .header("Cookie", format!("session={SECRET}"))
        .header("X-Gateway-Token", SECRET)
}

#[tokio::test]
async fn nothing_that_holds_a_key_prints_it() {
    assert_redacted("ApiKey", &sdk::ApiKey::new(SECRET));
    assert_redacted(
        "ClientBuilder",
        &builder::<sdk::phala::Client>().base_url(format!("https://me:{SECRET}@example.com")),
    );
    let phala = builder::<sdk::phala::Client>().build().unwrap();
    let akua = builder::<sdk::akua::Client>().build().unwrap();
    let chamelio = builder::<sdk::chamelio::Client>().build().unwrap();
    let promptlayer = builder::<sdk::promptlayer::Client>().build().unwrap();
    assert_redacted("phala::Client", &phala);
    assert_redacted("akua::Client", &akua);
    assert_redacted("chamelio::Client", &chamelio);
    assert_redacted("promptlayer::Client", &promptlayer);
    assert_redacted("phala builder", &phala.cancel_cvm_operation().cvm_id("x"));
    assert_redacted("akua builder", &akua.operations_cancel().id("op"));
    assert_redacted("chamelio builder", &chamelio.cancel_task().task_id(1));
    assert_redacted(
        "promptlayer builder",
        &promptlayer.cancel_table_sheet_operation(),
    );
    assert_redacted(
        "Canceller",
        &sdk::cancel::Canceller {
            phala: Some(phala),
            akua: Some(akua),
            chamelio: Some(chamelio.clone()),
            promptlayer: Some(promptlayer),
        },
    );
    assert_redacted(
        "Connection",
        &Connection {
            base_url: Some(format!("https://me:{SECRET}@example.com")),
            api_key: Some(SECRET.to_string()),
            credentials: vec![("basic".into(), sdk::auth::Credential::basic("me", SECRET))],
            headers: vec![("Authorization".into(), format!("Basic {SECRET}"))],
        },
    );
    assert_redacted("Settings", &sdk::Settings::default());

    // Errors: a response echoing the key and setting a session, and a failed connection.
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("set-cookie", format!("id={SECRET}").parse().unwrap());
    headers.insert("x-api-key", SECRET.parse().unwrap());
    headers.insert("retry-after", "3".parse().unwrap());
    let raw = sdk::RawResponse {
        status: reqwest::StatusCode::IM_A_TEAPOT,
        headers,
        body: Default::default(),
        attempts: 1,
    };
    assert!(format!("{raw:?}").contains("retry-after"));
    assert_redacted(
        "UnexpectedStatus",
        &sdk::chamelio::errors::CancelTaskError::UnexpectedStatus(raw),
    );
    let closed: SocketAddr = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let unreachable = builder::<sdk::chamelio::Client>()
        .base_url(format!("http://{closed}"))
        .retries(0)
        .build()
        .unwrap();
    let error = unreachable
        .cancel_task()
        .task_id(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.variant(), "Transport", "{error}");
    assert_redacted("Transport", &error);
    assert!(!error.to_string().contains(SECRET));
}

//! What the rows share: the run's one mock server and one recording server,
//! calls through the SDK and raw HTTP, and body checks against the verbatim
//! document (through `test-support`, shared with the mock server's tests).

use std::sync::Arc;
use std::time::Duration;

use mock_server::{Config, MockServer};
use sdk::dynamic::{Arguments, Connection, Outcome};
use serde_json::Value;
use specs::{ListEncoding, Operation, ParameterLocation, Provider};
pub use test_support::names_exactly;
use test_support::{Credentials, DeclaredBody};
use tokio::sync::OnceCell;

/// The credential every mock row sends.
pub const KEY: &str = "contract-key";

/// The header naming the row that sent a request to the recording server.
pub const ROW_HEADER: &str = "x-contract-row";

/// Where a row's operation is.
#[derive(Debug, Clone)]
pub struct Target {
    /// The provider (shared: a whole document is large).
    pub provider: Arc<Provider>,
    /// The operation's index in it.
    pub operation: usize,
}

impl Target {
    /// The operation.
    pub fn operation(&self) -> &Operation {
        &self.provider.operations[self.operation]
    }

    /// A valid JSON request body, when the operation takes one: every call
    /// sends it, so a row's only problem is the one it plants.
    pub fn request_body(&self) -> Result<Option<serde_json::Value>, String> {
        test_support::request_body(&self.provider, self.operation()).map_err(|e| e.to_string())
    }

    /// The document the operation comes from (parameter schemas refer
    /// into its components).
    pub fn document(&self) -> &specs::SourceDocument {
        &self.provider.documents[self.operation().document]
    }

    /// Valid arguments for every parameter the SDK takes.
    pub fn valid_arguments(&self) -> Arguments {
        test_support::valid_arguments(self.document(), self.operation())
    }

    /// `key` sent as the operation's first security alternative wants.
    pub fn credentials(&self, key: &str) -> Credentials {
        test_support::credentials(self.operation(), key)
    }

    /// An SDK connection holding `key` for every security scheme the
    /// provider's operations name (a basic scheme gets it as the password of
    /// [`test_support::BASIC_USER`]), so each call can use its first
    /// alternative; nothing for an API without security.
    pub fn connection(
        &self,
        base_url: &str,
        key: Option<&str>,
        headers: Vec<(String, String)>,
    ) -> Connection {
        test_support::sdk::connection(&self.provider, base_url, key, headers)
    }
}

/// The servers and client one run shares: started on first use, once.
pub struct Suite {
    mock: OnceCell<MockServer>,
    recorder: OnceCell<wiremock::MockServer>,
    http: reqwest::Client,
}

impl Suite {
    /// A suite with nothing started yet.
    pub fn new() -> Result<Self, String> {
        // reqwest is built with the sdk's `rustls-no-provider`: `reqwest::Client::new()`
        // would panic for want of a crypto provider; the SDK's builder brings one.
        let http = sdk::reqwest_client_builder()
            .and_then(|builder| {
                builder
                    .timeout(Duration::from_secs(30))
                    .build()
                    .map_err(sdk::ConfigError::Http)
            })
            .map_err(|e| e.to_string())?;
        Ok(Self {
            mock: OnceCell::new(),
            recorder: OnceCell::new(),
            http,
        })
    }

    /// The in-process mock serving every provider (stateless, so rows can share it).
    pub async fn mock(&self) -> Result<&MockServer, String> {
        self.mock
            .get_or_try_init(|| async {
                MockServer::start(Config::default())
                    .await
                    .map_err(|e| format!("the mock did not start: {e}"))
            })
            .await
    }

    /// The mock's base URL for the target's provider.
    pub async fn mock_base(&self, target: &Target) -> Result<String, String> {
        self.mock()
            .await?
            .base_url(&target.provider.name)
            .ok_or_else(|| format!("the mock does not serve {}", target.provider.name))
    }

    /// A server recording every request, answering `599` (no retries, no
    /// documented status); rows tell their requests apart by [`ROW_HEADER`].
    pub async fn recorder(&self) -> &wiremock::MockServer {
        self.recorder
            .get_or_init(|| async {
                let recorder = wiremock::MockServer::start().await;
                wiremock::Mock::given(wiremock::matchers::any())
                    .respond_with(wiremock::ResponseTemplate::new(599))
                    .mount(&recorder)
                    .await;
                recorder
            })
            .await
    }

    /// The client for raw requests.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }
}

/// Calls the target's operation through the SDK (`sdk::dynamic`).
pub async fn call(
    target: &Target,
    base_url: &str,
    api_key: Option<&str>,
    headers: Vec<(String, String)>,
    arguments: &Arguments,
) -> Result<Outcome, String> {
    let connection = target.connection(base_url, api_key, headers);
    let body = target.request_body()?;
    // Boxed: the dispatcher's future is large.
    Box::pin(sdk::dynamic::call_with_body(
        &target.provider.name,
        &connection,
        &target.operation().operation_id,
        arguments,
        body.as_ref(),
    ))
    .await
    .map_err(|e| format!("the SDK could not make the call: {e}"))
}

/// A response as it came off the wire.
#[derive(Debug)]
pub struct RawResponse {
    /// The status.
    pub status: u16,
    /// The `Content-Type`, if any.
    pub content_type: Option<String>,
    /// Whether the mock marked the status as one the document does not
    /// declare (`X-Mock-Undeclared-Status: true`).
    pub marked_undeclared: bool,
    /// The body.
    pub body: Vec<u8>,
}

/// The target's request without the SDK, to see the raw bytes: the
/// parameters in `arguments`, then `credentials` (a credential replaces the
/// parameter of its name) and `headers`.
pub async fn raw_request(
    client: &reqwest::Client,
    target: &Target,
    base: &str,
    arguments: &Arguments,
    credentials: &Credentials,
    headers: &[(String, String)],
) -> Result<RawResponse, String> {
    let body = target.request_body()?;
    let extras = Extras {
        headers,
        sent_as: None,
    };
    raw_request_with_body(
        client,
        target,
        base,
        arguments,
        credentials,
        body.as_ref(),
        extras,
    )
    .await
}

/// What a raw request carries besides its arguments, credentials and body.
#[derive(Clone, Copy, Default)]
pub struct Extras<'a> {
    /// Headers sent after the credentials (`Prefer: code=404`).
    pub headers: &'a [(String, String)],
    /// A list parameter sent in this encoding rather than its declared one
    /// (a style mistake).
    pub sent_as: Option<(&'a str, ListEncoding)>,
}

/// [`raw_request`] with `body` as the JSON request body.
pub async fn raw_request_with_body(
    client: &reqwest::Client,
    target: &Target,
    base: &str,
    arguments: &Arguments,
    credentials: &Credentials,
    body: Option<&Value>,
    Extras { headers, sent_as }: Extras<'_>,
) -> Result<RawResponse, String> {
    let operation = target.operation();
    let path = test_support::fill_path(operation, arguments);
    let method =
        reqwest::Method::from_bytes(operation.method.as_bytes()).map_err(|e| e.to_string())?;
    let mut request = client.request(method, format!("{base}{path}"));
    let mut query = Vec::new();
    for parameter in &operation.parameters {
        let Some(value) = arguments.get(&parameter.name) else {
            continue;
        };
        if credentials.carries(parameter.location, &parameter.name) {
            continue;
        }
        match parameter.location {
            ParameterLocation::Header => request = request.header(parameter.name.as_str(), value),
            ParameterLocation::Query => {
                let encoding = sent_as
                    .filter(|(name, _)| *name == parameter.name)
                    .map(|(_, encoding)| encoding);
                for value in test_support::query_values(parameter, value, encoding) {
                    query.push((parameter.name.clone(), value));
                }
            }
            _ => {}
        }
    }
    query.extend(credentials.query.iter().cloned());
    if !query.is_empty() {
        request = request.query(&query);
    }
    for (name, value) in credentials.headers.iter().chain(headers) {
        request = request.header(name, value);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    // Without the URL: it may hold a query credential.
    let response = request
        .send()
        .await
        .map_err(|e| format!("request failed: {}", e.without_url()))?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let marked_undeclared = response
        .headers()
        .get("x-mock-undeclared-status")
        .is_some_and(|v| v == "true");
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("reading the body failed: {}", e.without_url()))?;
    Ok(RawResponse {
        status,
        content_type,
        marked_undeclared,
        body: body.to_vec(),
    })
}

/// The declared body of `code`, as a checker.
pub fn declared_body(target: &Target, code: u16) -> Result<DeclaredBody, String> {
    test_support::declared_body(&target.provider, target.operation(), code)
        .map_err(|e| e.to_string())
}

/// `Err(what ... does not match ...)` with the first violations and their pointers.
pub fn validate(
    validator: &specs::check::Validator,
    value: &Value,
    what: &str,
) -> Result<(), String> {
    let violations = test_support::violations(validator, value);
    let shown: Vec<String> = violations.iter().take(3).map(ToString::to_string).collect();
    check(
        violations.is_empty(),
        format!("{what} does not match: {}", shown.join("; ")),
    )
}

/// `Ok` when `condition` holds, else the message.
pub fn check(condition: bool, message: String) -> Result<(), String> {
    if condition { Ok(()) } else { Err(message) }
}

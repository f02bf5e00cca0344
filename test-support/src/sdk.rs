//! The generated SDK driven generically (`sdk::dynamic`), as the SDK's
//! tests and the contract suite call it: the catalogue's operations with
//! valid arguments and request bodies, and clients holding a test key for
//! every security scheme.

use std::sync::OnceLock;
use std::time::Duration;

use sdk::dynamic::{Arguments, CallError, ClientFactory, Outcome};
use serde_json::Value;
use specs::{Operation, Provider};

/// Every vendored provider, loaded once per test binary.
pub fn catalogue() -> &'static [Provider] {
    static CATALOGUE: OnceLock<Vec<Provider>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        specs::load_providers(&specs::providers_dir()).expect("the vendored documents load")
    })
}

/// An operation of the catalogue with what a valid call needs: arguments
/// its parameters' schemas accept and, if it takes one, a JSON body its
/// verbatim document accepts (both from `test-support`).
#[derive(Debug, Clone)]
pub struct Call {
    /// The provider's name.
    pub provider: String,
    /// The operation.
    pub operation: Operation,
    /// Valid arguments.
    pub arguments: Arguments,
    /// A valid request body, if the operation takes a JSON one.
    pub body: Option<Value>,
}

impl Call {
    /// The valid call of `operation`.
    pub fn new(provider: &Provider, operation: &Operation) -> Call {
        let document = &provider.documents[operation.document];
        Call {
            provider: provider.name.clone(),
            operation: operation.clone(),
            arguments: crate::valid_arguments(document, operation),
            body: crate::request_body(provider, operation)
                .unwrap_or_else(|error| panic!("{error}")),
        }
    }

    /// Sends it with a client from `clients`. The dispatcher's future covers
    /// every operation, so it is boxed rather than kept on the test's stack.
    pub async fn send<F: ClientFactory>(&self, clients: &F) -> Result<Outcome, CallError> {
        Box::pin(sdk::dynamic::call_with_body(
            &self.provider,
            clients,
            &self.operation.operation_id,
            &self.arguments,
            self.body.as_ref(),
        ))
        .await
    }

    /// `provider operationId`, for messages.
    pub fn name(&self) -> String {
        format!("{} {}", self.provider, self.operation.operation_id)
    }
}

/// The valid call of every operation of every vendored provider, made
/// once per test binary (bodies are synthesised and checked).
pub fn calls() -> &'static [Call] {
    static CALLS: OnceLock<Vec<Call>> = OnceLock::new();
    CALLS.get_or_init(|| {
        catalogue()
            .iter()
            .flat_map(|provider| {
                provider
                    .operations
                    .iter()
                    .map(|operation| Call::new(provider, operation))
            })
            .collect()
    })
}

/// How the tests configure clients, for `sdk::dynamic::call_with`.
#[derive(Debug, Clone)]
pub struct Clients {
    /// The server.
    pub base_url: String,
    /// The credential.
    pub api_key: String,
    /// Retries after the first attempt (waits cost no time).
    pub retries: u32,
    /// The per-attempt timeout: a backstop, no test case waits for it.
    pub timeout: Duration,
    /// The response body limit.
    pub max_response_bytes: usize,
    /// The redirect policy (of the SDK's own clients).
    pub redirects: sdk::Redirects,
    /// An application's own client to send through, instead of one the SDK builds.
    pub reqwest_client: Option<reqwest::Client>,
}

impl Clients {
    /// No retries, a 10 s backstop, the default limit and redirect policy.
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: api_key.into(),
            retries: 0,
            timeout: Duration::from_secs(10),
            max_response_bytes: sdk::DEFAULT_MAX_RESPONSE_BYTES,
            redirects: sdk::Redirects::default(),
            reqwest_client: None,
        }
    }

    /// [`Clients::new`], sending through `client`.
    pub fn given(
        base_url: impl Into<String>,
        api_key: impl Into<String>,
        client: reqwest::Client,
    ) -> Self {
        Self {
            reqwest_client: Some(client),
            ..Self::new(base_url, api_key)
        }
    }
}

/// `builder` holding `key` for every security scheme of `C` (see
/// [`credential`]), so each call can use its first alternative, whatever
/// the document declares.
pub fn with_key<C: sdk::Provider>(
    mut builder: sdk::ClientBuilder<C>,
    key: &str,
) -> sdk::ClientBuilder<C> {
    for scheme in C::SECURITY_SCHEMES {
        builder = builder.credential(scheme.name, credential(!scheme.takes_key(), key));
    }
    builder
}

/// The test credential for one scheme: `key`, or for a basic scheme `key`
/// as the password of [`crate::BASIC_USER`].
pub fn credential(basic: bool, key: &str) -> sdk::auth::Credential {
    if basic {
        sdk::auth::Credential::basic(crate::BASIC_USER, key)
    } else {
        sdk::auth::Credential::key(key)
    }
}

impl ClientFactory for Clients {
    fn client<C: sdk::Provider>(&self) -> Result<C, CallError> {
        let builder = with_key(sdk::ClientBuilder::<C>::default(), &self.api_key)
            .base_url(&self.base_url)
            .retries(self.retries)
            .sleep(NoSleep)
            .timeout(self.timeout)
            .max_response_bytes(self.max_response_bytes);
        // A given client keeps its own redirect policy; the builder refuses to set one.
        let builder = match &self.reqwest_client {
            Some(client) => builder.reqwest_client(client.clone()),
            None => builder.redirects(self.redirects),
        };
        builder.build().map_err(CallError::Config)
    }
}

/// A sleeper that does not wait, so retries cost no time.
pub struct NoSleep;

impl sdk::Sleep for NoSleep {
    fn sleep(
        &self,
        _: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        Box::pin(std::future::ready(()))
    }
}

/// A connection to `base_url` holding `key` for every security scheme
/// `provider`'s operations name (a basic scheme gets it as the password of
/// [`crate::BASIC_USER`]), so each call can use its first alternative;
/// nothing for an API without security.
pub fn connection(
    provider: &Provider,
    base_url: &str,
    key: Option<&str>,
    headers: Vec<(String, String)>,
) -> sdk::dynamic::Connection {
    let credentials = key
        .into_iter()
        .flat_map(|key| {
            provider.schemes_in_use().into_iter().map(move |scheme| {
                let basic = scheme.kind == specs::CredentialKind::Basic;
                (scheme.scheme.clone(), credential(basic, key))
            })
        })
        .collect();
    sdk::dynamic::Connection {
        base_url: Some(base_url.to_string()),
        credentials,
        headers,
        ..sdk::dynamic::Connection::default()
    }
}

/// Items in the mock's collection for a walk (`Prefer: items=N`).
pub const WALK_ITEMS: usize = 5;

/// Events the mock is asked to send for a stream (`Prefer: events=N`).
pub const STREAM_EVENTS: usize = 4;

/// The arguments of a walk of a paginated `operation` from its first page:
/// valid ones, without a position, two items a page where the limit's
/// schema allows it; and the pages a walk of [`WALK_ITEMS`] items takes
/// with them, when the page size is known.
pub fn walk_arguments(
    document: &specs::SourceDocument,
    operation: &Operation,
) -> (Arguments, Option<usize>) {
    let mut arguments = crate::valid_arguments(document, operation);
    let Some(pagination) = &operation.pagination else {
        return (arguments, None);
    };
    arguments.remove(&pagination.parameter);
    let size = match &pagination.limit {
        Some(limit) if admits(document, operation, limit, 2) => {
            arguments.insert(limit.clone(), "2".to_string());
            Some(2)
        }
        Some(limit) => arguments.get(limit).and_then(|v| v.parse::<usize>().ok()),
        None => None,
    };
    // A count of items or pages that no flag or total ends stops at the
    // empty page after the last.
    let counted = matches!(
        pagination.next,
        specs::pagination::Next::Offset { .. } | specs::pagination::Next::Page { .. }
    );
    let told = pagination.more.is_some()
        || pagination.totals.items.is_some()
        || pagination.totals.pages.is_some();
    let empty_page = usize::from(counted && !told);
    let pages = size
        .filter(|size| *size > 0)
        .map(|size| WALK_ITEMS.div_ceil(size) + empty_page);
    (arguments, pages)
}

/// Whether the parameter `name`'s schema takes the integer `value`.
fn admits(document: &specs::SourceDocument, operation: &Operation, name: &str, value: i64) -> bool {
    let resolved = specs::refs::Document(&document.resolved);
    let Some(schema) = operation
        .parameters
        .iter()
        .find(|p| p.name == *name)
        .and_then(|p| resolved.deref(&p.schema))
    else {
        return false;
    };
    let bound = |keyword: &str| schema.get(keyword).and_then(Value::as_f64);
    let value = value as f64;
    bound("minimum").is_none_or(|min| value >= min)
        && bound("maximum").is_none_or(|max| value <= max)
        && bound("exclusiveMinimum").is_none_or(|min| value > min)
        && bound("exclusiveMaximum").is_none_or(|max| value < max)
}

/// What a walk of [`WALK_ITEMS`] items must show: the last page reached,
/// every item once (by `id`, where items have one), in as many `pages` as
/// [`walk_arguments`] says, when it knows.
pub fn check_walk(walk: &sdk::dynamic::Walk, pages: Option<usize>) -> Result<(), String> {
    if let Some(stopped) = &walk.stopped {
        return Err(format!("the walk stopped: {stopped:?}"));
    }
    if walk.truncated {
        return Err(format!("no last page after {} pages", walk.pages));
    }
    if walk.items.len() != WALK_ITEMS {
        return Err(format!(
            "{} items over {} pages, expected {WALK_ITEMS}",
            walk.items.len(),
            walk.pages
        ));
    }
    if let Some(pages) = pages
        && walk.pages != pages
    {
        return Err(format!("{} pages, expected {pages}", walk.pages));
    }
    let ids: Vec<String> = walk
        .items
        .iter()
        .filter_map(|item| item.get("id"))
        .map(Value::to_string)
        .collect();
    let distinct: std::collections::HashSet<&String> = ids.iter().collect();
    if !ids.is_empty() && distinct.len() != WALK_ITEMS {
        return Err(format!(
            "{} distinct ids among {WALK_ITEMS} items: {ids:?}",
            distinct.len()
        ));
    }
    Ok(())
}

/// What reading [`STREAM_EVENTS`] events of `operation` must show: the
/// stream opened and ended after them, each event's data (re-serialised)
/// matching the schema the document gives it, or text where it gives none.
pub fn check_listened(
    listened: &sdk::dynamic::Listened,
    document: &specs::SourceDocument,
    operation: &Operation,
) -> Result<(), String> {
    if let Some(stopped) = &listened.stopped {
        return Err(format!("no stream: {stopped:?}"));
    }
    if let Some(failed) = &listened.failed {
        return Err(format!("the stream failed: {failed}"));
    }
    if listened.truncated || listened.events.len() != STREAM_EVENTS {
        return Err(format!(
            "{} events (the stream ended: {}), expected {STREAM_EVENTS}",
            listened.events.len(),
            !listened.truncated
        ));
    }
    let stream = operation
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .find_map(|r| r.events.as_ref())
        .ok_or("the operation declares no event stream")?;
    match specs::events::event_data(&document.resolved, &stream.schema) {
        specs::events::EventData::Json(schema) => {
            let checker = document.checker().map_err(|e| e.to_string())?;
            for (index, data) in listened.events.iter().enumerate() {
                let violations = checker
                    .violations(schema, data)
                    .map_err(|e| format!("the event schema does not compile: {e}"))?;
                if let Some(first) = violations.first() {
                    return Err(format!("event {index}'s data does not match: {first}"));
                }
            }
        }
        specs::events::EventData::Text => {
            if !listened.events.iter().all(Value::is_string) {
                return Err(format!("text data expected: {:?}", listened.events));
            }
        }
    }
    Ok(())
}

/// Bytes the mock is asked to send for a file (`Prefer: size=N`): more
/// than one of its chunks.
pub const DOWNLOAD_BYTES: u64 = 200_000;

/// What downloading a [`DOWNLOAD_BYTES`] file must show: every byte, in a
/// media type the operation declares for its success.
pub fn check_fetched(fetched: &sdk::dynamic::Fetched, operation: &Operation) -> Result<(), String> {
    if let Some(stopped) = &fetched.stopped {
        return Err(format!("no file: {stopped:?}"));
    }
    if let Some(failed) = &fetched.failed {
        return Err(format!("the download failed: {failed}"));
    }
    if fetched.truncated || fetched.length != DOWNLOAD_BYTES {
        return Err(format!(
            "{} bytes, expected {DOWNLOAD_BYTES}",
            fetched.length
        ));
    }
    let declared: Vec<&str> = operation
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .filter_map(|r| r.body.as_ref())
        .map(|b| b.media_type.as_str())
        .collect();
    match &fetched.content_type {
        Some(sent) if declared.iter().any(|d| sent.starts_with(d)) => Ok(()),
        sent => Err(format!("content type {sent:?}, declared {declared:?}")),
    }
}

/// A valid form body's fields (`test_support::form_body`'s object) as the
/// SDK's form builders take them: a binary property (`format: binary`,
/// `contentMediaType`) as a file named after it (streamed, in multipart), a list of scalars as
/// repeated text, text as text, anything else as JSON.
pub fn form_fields(
    provider: &Provider,
    operation: &Operation,
    media_type: &str,
    value: &Value,
) -> Vec<(String, sdk::forms::Field)> {
    use sdk::forms::{Field, FilePart};
    let document = specs::refs::Document(&provider.documents[operation.document].resolved);
    let schema = operation
        .request_body
        .as_ref()
        .and_then(|b| {
            b.content
                .iter()
                .find(|c| c.media_type.eq_ignore_ascii_case(media_type))
        })
        .and_then(|c| document.deref(&c.schema));
    let property = |name: &str| {
        schema
            .and_then(|s| s.pointer(&format!("/properties/{}", specs::pointer::escape(name))))
            .map(|p| document.deref(p).unwrap_or(p))
    };
    let binary = |schema: Option<&Value>| {
        schema.is_some_and(|s| {
            s.get("format").and_then(Value::as_str) == Some("binary")
                || s.get("contentMediaType").is_some()
        })
    };
    let Some(members) = value.as_object() else {
        return Vec::new();
    };
    members
        .iter()
        .map(|(name, value)| {
            let schema = property(name);
            let text = sdk::forms::text_of(value);
            let field = match value {
                // A multipart file as the SDK streams one it does not hold
                // (`FilePart::streaming`); a urlencoded one is text it holds.
                _ if binary(schema) && media_type.eq_ignore_ascii_case(sdk::forms::MULTIPART) => {
                    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(
                        bytes::Bytes::from(text.into_bytes()),
                    )]);
                    Field::File(FilePart::streaming(chunks).file_name(format!("{name}.bin")))
                }
                _ if binary(schema) => {
                    Field::File(FilePart::bytes(text.into_bytes()).file_name(format!("{name}.bin")))
                }
                Value::Array(items) if binary(schema.and_then(|s| s.get("items"))) => Field::Files(
                    items
                        .iter()
                        .map(|item| FilePart::bytes(sdk::forms::text_of(item).into_bytes()))
                        .collect(),
                ),
                Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
                    Field::Texts(items.iter().map(sdk::forms::text_of).collect())
                }
                Value::String(_) | Value::Number(_) | Value::Bool(_) => Field::Text(text),
                other => Field::Json(other.clone()),
            };
            (name.clone(), field)
        })
        .collect()
}

/// Whether a form's call was answered with a documented success.
pub fn check_submitted(outcome: &Outcome) -> Result<(), String> {
    match outcome.status {
        Some(status) if outcome.documented && (200..300).contains(&status) => Ok(()),
        _ => Err(format!(
            "{:?} {}: {}{}",
            outcome.status,
            outcome.variant,
            outcome.message.clone().unwrap_or_default(),
            outcome
                .body
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        )),
    }
}

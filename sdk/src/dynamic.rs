//! Calling operations by name with text arguments (feature `dynamic`): what
//! the contract suite and other document-driven tools use, through the same
//! typed builders and decoding as hand-written code.

use std::collections::BTreeMap;

use serde_json::Value;

/// Parameter values by the document's parameter names, as text.
pub type Arguments = BTreeMap<String, String>;

/// Where and how to call: the client configuration, as data.
#[derive(Clone, Default)]
pub struct Connection {
    /// The server; `None` for the provider's public one.
    pub base_url: Option<String>,
    /// The API key or token (for the provider's first scheme taking one);
    /// `None` sends none.
    pub api_key: Option<String>,
    /// Credentials by security scheme name, for providers with several
    /// (`ClientBuilder::credential`).
    pub credentials: Vec<(String, crate::auth::Credential)>,
    /// Extra headers, e.g. `Prefer: code=404` for a mock server.
    pub headers: Vec<(String, String)>,
}

/// The key and the header values are redacted, as in [`crate::ClientBuilder`].
impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field(
                "base_url",
                &self.base_url.as_deref().map(crate::RedactedUrl),
            )
            .field(
                "api_key",
                &self.api_key.as_ref().map(|_| crate::secret::REDACTED),
            )
            .field("credentials", &self.credentials)
            .field("headers", &crate::secret::HeaderNames(&self.headers))
            .finish()
    }
}

/// Makes a client of any provider, for [`call_with`]: how a caller configures
/// clients beyond a [`Connection`] (retries, timeouts, limits).
pub trait ClientFactory {
    /// A client of provider `C`.
    fn client<C: crate::Provider>(&self) -> Result<C, CallError>;
}

impl ClientFactory for Connection {
    fn client<C: crate::Provider>(&self) -> Result<C, CallError> {
        Connection::client(self)
    }
}

impl Connection {
    /// A client of provider `C` configured like this.
    pub fn client<C: crate::Provider>(&self) -> Result<C, CallError> {
        let mut builder = crate::ClientBuilder::<C>::default();
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url);
        }
        if let Some(key) = &self.api_key {
            builder = builder.api_key(key.as_str());
        }
        for (scheme, credential) in &self.credentials {
            builder = builder.credential(scheme, credential.clone());
        }
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        builder.build().map_err(CallError::Config)
    }
}

include!(concat!(env!("OUT_DIR"), "/dynamic_providers.rs"));

/// Why an operation could not be called.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// No vendored provider has this name.
    #[error("no provider `{0}`")]
    UnknownProvider(String),
    /// The client could not be built.
    #[error(transparent)]
    Config(#[from] crate::ConfigError),
    /// No operation of the provider has this operationId.
    #[error("no operation `{0}`")]
    UnknownOperation(String),
    /// The operation is not one the SDK pages (`walk`).
    #[error("operation `{0}` is not paginated")]
    NotPaginated(String),
    /// The operation's success is not an event stream (`listen`).
    #[error("operation `{0}` does not answer an event stream")]
    NotStreamed(String),
    /// The operation's success is not a file (`fetch`).
    #[error("operation `{0}` does not answer a file")]
    NotADownload(String),
    /// The operation's request body is not a form (`submit`).
    #[error("operation `{0}` takes no form body")]
    NotAForm(String),
    /// An argument does not parse into its parameter's type.
    #[error("argument `{name}`: {message}")]
    InvalidArgument {
        /// The parameter.
        name: String,
        /// Why.
        message: String,
    },
}

/// A call's typed outcome, flattened.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The HTTP status, when a response was received.
    pub status: Option<u16>,
    /// `Ok` or the error variant, e.g. `NotFound`, `UnexpectedStatus`, `Timeout`.
    pub variant: &'static str,
    /// Whether the outcome is a documented response (success or error).
    pub documented: bool,
    /// A documented response's body as the SDK parsed it, re-serialised
    /// (bodies documented without a schema: their JSON, else their text).
    pub body: Option<Value>,
    /// For failures, the error's message.
    pub message: Option<String>,
}

impl Outcome {
    /// A documented response.
    pub fn documented(status: u16, variant: &'static str, body: Option<Value>) -> Self {
        Self {
            status: Some(status),
            variant,
            documented: true,
            body,
            message: None,
        }
    }

    /// Anything else.
    pub fn failure(status: Option<u16>, variant: &'static str, message: String) -> Self {
        Self {
            status,
            variant,
            documented: false,
            body: None,
            message: Some(message),
        }
    }
}

/// The pages of a paginated operation, walked (`walk_with`).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Walk {
    /// Pages received.
    pub pages: usize,
    /// Their items in order, as the SDK parsed them, re-serialised.
    pub items: Vec<Value>,
    /// The failure that ended the walk, if one did.
    pub stopped: Option<Outcome>,
    /// Whether the walk stopped at its page limit with pages left.
    pub truncated: bool,
}

/// The events of an event stream, read (`listen_with`).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Listened {
    /// Each event's data as the SDK parsed it, re-serialised.
    pub events: Vec<Value>,
    /// The call's outcome when it did not open a stream (an error status, ...).
    pub stopped: Option<Outcome>,
    /// Why the stream ended early, if it did (an event too large, data that
    /// does not parse, a broken connection).
    pub failed: Option<String>,
    /// Whether reading stopped at the event limit with the stream still open.
    pub truncated: bool,
}

/// A file downloaded and counted, not kept (`fetch_with`).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Fetched {
    /// Bytes received.
    pub length: u64,
    /// The `Content-Type` sent.
    pub content_type: Option<String>,
    /// The call's outcome when it did not answer a file (an error status, ...).
    pub stopped: Option<Outcome>,
    /// Why reading stopped early, if it did.
    pub failed: Option<String>,
    /// Whether counting stopped at the limit with bytes still coming.
    pub truncated: bool,
}

/// A body documented without a JSON schema: its JSON if it is JSON, its text otherwise, nothing if empty.
pub fn bytes_json(body: &[u8]) -> Option<Value> {
    if body.is_empty() {
        return None;
    }
    serde_json::from_slice(body)
        .ok()
        .or_else(|| Some(Value::String(String::from_utf8_lossy(body).into_owned())))
}

/// An argument's text as the parameter's type: JSON first (numbers,
/// booleans, integer enums), else the text as a JSON string (strings,
/// string enums, dates, UUIDs). Every generated type deserialises; not all
/// of them parse from text.
pub fn parse_argument<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text)
        .or_else(|_| serde_json::from_value(Value::String(text.to_string())))
        .map_err(|error| error.to_string())
}

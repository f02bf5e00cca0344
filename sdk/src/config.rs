//! Client configuration shared by every provider: base URL, credential, timeouts.

use std::fmt;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

/// How a provider expects its credential, read from its (overlaid) document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialPlacement {
    /// The API takes no credential.
    None,
    /// An API key in the named header, e.g. `X-API-Key`.
    Header(&'static str),
    /// `Authorization: Bearer <credential>`.
    Bearer,
}

/// What each generated provider `Client` tells the shared builder about itself.
pub trait Provider: Sized {
    /// The provider's public server, from its document.
    const DEFAULT_BASE_URL: &'static str;
    /// The environment variable holding the credential.
    const CREDENTIAL_ENV: &'static str;
    /// Where the credential goes on the wire.
    const CREDENTIAL_PLACEMENT: CredentialPlacement;

    /// Wraps a configured `reqwest::Client` and the call settings.
    fn from_parts(base_url: &str, client: reqwest::Client, settings: crate::Settings) -> Self;
}

/// A credential: kept out of `Debug` and `Display`, and marked sensitive on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key or token.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself, for callers that must pass it on.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        Self::new(key)
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self::new(key)
    }
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The credential's environment variable is unset or empty.
    #[error("environment variable {0} is not set (or empty); it must hold the API key")]
    MissingCredential(&'static str),
    /// The credential cannot be sent in an HTTP header.
    #[error("the API key contains characters that cannot be sent in an HTTP header")]
    InvalidCredential,
    /// A header set with [`ClientBuilder::header`] has an invalid name or value.
    #[error("header `{0}` has an invalid name or value")]
    InvalidHeader(String),
    /// The base URL is not an absolute http(s) URL.
    #[error("base URL `{0}` is not an absolute http:// or https:// URL")]
    InvalidBaseUrl(String),
    /// The HTTP client could not be created (e.g. the TLS backend failed to start).
    #[error("cannot create the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request, response body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds a provider's `Client`: `phala::Client::builder().api_key(..).build()`.
pub struct ClientBuilder<C> {
    base_url: Option<String>,
    api_key: Option<ApiKey>,
    headers: Vec<(String, String)>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: crate::RetryPolicy,
    provider: std::marker::PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field("headers", &self.headers)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

impl<C: Provider> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self {
            base_url: None,
            api_key: None,
            headers: Vec::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: crate::RetryPolicy::default(),
            provider: std::marker::PhantomData,
        }
    }
}

impl<C: Provider> ClientBuilder<C> {
    /// Sends requests to `url` (e.g. a mock server) instead of the provider's public server.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The credential to send with every request.
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Reads the credential from the provider's environment variable
    /// (e.g. `PHALA_CLOUD_API_KEY`); an unset or empty variable is an error.
    pub fn api_key_from_env(self) -> Result<Self, ConfigError> {
        match std::env::var(C::CREDENTIAL_ENV) {
            Ok(key) if !key.is_empty() => Ok(self.api_key(key)),
            _ => Err(ConfigError::MissingCredential(C::CREDENTIAL_ENV)),
        }
    }

    /// A header to send with every request, e.g. `Prefer: code=404` to pick a
    /// mock server's response. Not for credentials: use [`Self::api_key`],
    /// which keeps them out of `Debug`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Time allowed to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, including reading the response (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries after the first attempt (default 2; 0 disables retrying).
    pub fn retries(mut self, retries: u32) -> Self {
        self.retry.retries = retries;
        self
    }

    /// Backoff: the first ceiling (default 500 ms, doubling per retry) and the
    /// largest (default 8 s); each wait is uniformly random below the ceiling.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.retry.initial_backoff = initial;
        self.retry.max_backoff = max;
        self
    }

    /// The longest `Retry-After` honoured (default 20 s); a longer one ends the retries.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.retry.max_retry_after = max;
        self
    }

    /// Also retry `POST`/`PATCH` calls that carry no idempotency key (default
    /// false: such a call may have taken effect, and repeating it may do so twice).
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry.retry_non_idempotent = retry;
        self
    }

    /// How to wait between attempts (default: tokio's timer).
    pub fn sleep(mut self, sleep: impl crate::Sleep + 'static) -> Self {
        self.retry.sleep = std::sync::Arc::new(sleep);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<C, ConfigError> {
        let base_url = self
            .base_url
            .unwrap_or_else(|| C::DEFAULT_BASE_URL.to_string());
        let base_url = base_url.trim_end_matches('/');
        if !(base_url.starts_with("http://") || base_url.starts_with("https://"))
            || reqwest::Url::parse(base_url).is_err()
        {
            return Err(ConfigError::InvalidBaseUrl(base_url.to_string()));
        }
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ConfigError::InvalidHeader(name.clone()))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| ConfigError::InvalidHeader(name.to_string()))?;
            headers.append(name, value);
        }
        if let Some(key) = &self.api_key {
            let (name, value) = match C::CREDENTIAL_PLACEMENT {
                CredentialPlacement::None => (None, String::new()),
                CredentialPlacement::Header(name) => (
                    // Documents spell header names freely (`X-API-Key`); `http` wants lower case.
                    Some(
                        HeaderName::from_bytes(name.to_ascii_lowercase().as_bytes())
                            .map_err(|_| ConfigError::InvalidCredential)?,
                    ),
                    key.0.clone(),
                ),
                CredentialPlacement::Bearer => (Some(AUTHORIZATION), format!("Bearer {}", key.0)),
            };
            if let Some(name) = name {
                let mut value =
                    HeaderValue::from_str(&value).map_err(|_| ConfigError::InvalidCredential)?;
                value.set_sensitive(true);
                headers.insert(name, value);
            }
        }
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(concat!(
                env!("CARGO_PKG_NAME"),
                "/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(ConfigError::Http)?;
        let settings = crate::Settings {
            retry: self.retry,
            timeout: None,
        };
        Ok(C::from_parts(base_url, client, settings))
    }
}

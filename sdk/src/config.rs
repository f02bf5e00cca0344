//! Client configuration shared by every provider: base URL, credential,
//! timeouts, redirects, response size.

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
    /// The base URL has a user name or password in it (not echoed: it is a
    /// credential). Credentials go through [`ClientBuilder::api_key`].
    #[error("the base URL contains a user name or password; pass the credential with api_key")]
    CredentialsInBaseUrl,
    /// The HTTP client could not be created (e.g. the TLS backend failed to start).
    #[error("cannot create the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request, response body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Default cap on a response body: 4 MiB.
///
/// The providers' answers are small JSON documents (well under 64 KiB); a
/// body far larger is a broken or hostile server, and reading it whole would
/// let that server decide how much memory the caller spends. 4 MiB leaves a
/// wide margin over any documented answer while bounding each call in flight.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// Default number of same-origin redirects followed.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;

/// Which redirects a client follows.
///
/// Every request carries the credential, and reqwest strips only
/// `Authorization` and cookies when a redirect leaves the origin, not other
/// headers such as `X-API-Key`. Following a redirect to another origin would
/// hand the key to whichever host the `Location` names, and following
/// `https` to `http` would send it in clear. So the default follows only
/// redirects to the same origin (scheme, host and port equal to the original
/// request's), a few hops at most. Any other redirect is not followed: its
/// `3xx` response is the call's answer (an `UnexpectedStatus`, or the
/// documented variant where the document declares that status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Redirects {
    /// Follow redirects within the original request's origin, at most `max`
    /// of them (default, with [`DEFAULT_MAX_REDIRECTS`]).
    SameOrigin {
        /// Redirects followed at most in one request; the next one is returned as it is.
        max: usize,
    },
    /// Follow no redirect: every `3xx` is returned as it is.
    None,
}

impl Default for Redirects {
    fn default() -> Self {
        Self::SameOrigin {
            max: DEFAULT_MAX_REDIRECTS,
        }
    }
}

impl Redirects {
    /// Whether to follow a redirect to `next` after the requests to
    /// `previous` (the original request first, the one redirected last).
    fn follows(self, previous: &[reqwest::Url], next: &reqwest::Url) -> bool {
        match self {
            Self::None => false,
            Self::SameOrigin { max } => {
                previous.len() <= max
                    && previous
                        .first()
                        .is_some_and(|original| same_origin(original, next))
            }
        }
    }

    fn policy(self) -> reqwest::redirect::Policy {
        match self {
            Self::None => reqwest::redirect::Policy::none(),
            Self::SameOrigin { .. } => reqwest::redirect::Policy::custom(move |attempt| {
                if self.follows(attempt.previous(), attempt.url()) {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }),
        }
    }
}

/// RFC 6454 origin equality: scheme, host and port (default ports made explicit).
fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Builds a provider's `Client`: `phala::Client::builder().api_key(..).build()`.
pub struct ClientBuilder<C> {
    base_url: Option<String>,
    api_key: Option<ApiKey>,
    headers: Vec<(String, String)>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: crate::RetryPolicy,
    redirects: Redirects,
    max_response_bytes: usize,
    provider: std::marker::PhantomData<fn() -> C>,
}

/// Prints header names with every value redacted.
pub(crate) struct HeaderNames<'a>(pub(crate) &'a [(String, String)]);

impl fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(name, _)| (name, REDACTED)))
            .finish()
    }
}

/// Prints `<redacted>`, in place of a value that may be a secret.
#[derive(Clone, Copy)]
pub(crate) struct Redacted;

/// The one [`Redacted`].
pub(crate) const REDACTED: Redacted = Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Extra headers print their names only: the builder cannot tell a `Prefer`
/// from a credential under a name of the caller's choosing (`Cookie`, a
/// gateway's token), and the caller knows the values anyway.
impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(RedactedUrl))
            .field("api_key", &self.api_key)
            .field("headers", &HeaderNames(&self.headers))
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("redirects", &self.redirects)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

/// A URL for `Debug`: a user name or password in it is redacted, and text
/// that is not a URL is not printed at all.
pub(crate) struct RedactedUrl<'a>(pub(crate) &'a str);

impl fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match reqwest::Url::parse(self.0) {
            Ok(mut url) => {
                if !url.username().is_empty() || url.password().is_some() {
                    // Only URLs that can carry credentials get here; these setters cannot fail on them.
                    let _ = url.set_username("redacted");
                    let _ = url.set_password(None);
                }
                fmt::Debug::fmt(url.as_str().trim_end_matches('/'), f)
            }
            Err(_) => f.write_str("<not a URL>"),
        }
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
            redirects: Redirects::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
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
    /// mock server's response. For the provider's credential use
    /// [`Self::api_key`]. Values are sent marked sensitive and never printed
    /// by `Debug`, in case one is a credential after all.
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

    /// Which redirects to follow (default: [`Redirects::SameOrigin`], 5 at
    /// most); see [`Redirects`] for why no other.
    pub fn redirects(mut self, redirects: Redirects) -> Self {
        self.redirects = redirects;
        self
    }

    /// The largest response body read, in bytes (default 4 MiB, see
    /// [`DEFAULT_MAX_RESPONSE_BYTES`]). A larger one ends the call with the
    /// operation's `ResponseTooLarge` error as soon as its `Content-Length`
    /// says so, or as soon as that many bytes have arrived; it is not retried.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
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
        let invalid = || ConfigError::InvalidBaseUrl(base_url.to_string());
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(invalid());
        }
        let url = reqwest::Url::parse(base_url).map_err(|_| invalid())?;
        // reqwest would send them as `Authorization: Basic`, and errors would print them.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ConfigError::CredentialsInBaseUrl);
        }
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ConfigError::InvalidHeader(name.clone()))?;
            let mut value = HeaderValue::from_str(value)
                .map_err(|_| ConfigError::InvalidHeader(name.to_string()))?;
            value.set_sensitive(true);
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
            .redirect(self.redirects.policy())
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
            max_response_bytes: self.max_response_bytes,
        };
        Ok(C::from_parts(base_url, client, settings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> reqwest::Url {
        reqwest::Url::parse(text).unwrap()
    }

    #[test]
    fn same_origin_means_scheme_host_and_port() {
        let origin = url("https://api.example.com/v1/x");
        assert!(same_origin(
            &origin,
            &url("https://api.example.com/other?q")
        ));
        assert!(same_origin(&origin, &url("https://API.example.com:443/")));
        assert!(!same_origin(&origin, &url("http://api.example.com/v1/x")));
        assert!(!same_origin(&origin, &url("https://api.example.com:8443/")));
        assert!(!same_origin(&origin, &url("https://evil.example.com/")));
        assert!(!same_origin(
            &url("http://127.0.0.1:4030/"),
            &url("http://localhost:4030/")
        ));
    }

    #[test]
    fn the_default_follows_a_few_same_origin_hops_and_nothing_else() {
        let policy = Redirects::default();
        let original = url("https://api.example.com/v1/tasks/1/cancel");
        let hops = |n: usize| vec![original.clone(); n];
        assert!(policy.follows(&hops(1), &url("https://api.example.com/v2/tasks/1")));
        assert!(policy.follows(&hops(DEFAULT_MAX_REDIRECTS), &original));
        assert!(!policy.follows(&hops(DEFAULT_MAX_REDIRECTS + 1), &original));
        // A downgrade on the same host, another host, another port.
        assert!(!policy.follows(&hops(1), &url("http://api.example.com/v1/tasks/1/cancel")));
        assert!(!policy.follows(&hops(1), &url("https://example.net/")));
        assert!(!policy.follows(&hops(1), &url("https://api.example.com:444/")));
        // The original origin counts, not the last hop's.
        let wandered = vec![original.clone(), url("https://other.example.com/")];
        assert!(!policy.follows(&wandered, &url("https://other.example.com/x")));
        assert!(!Redirects::None.follows(&hops(1), &original));
        assert!(!Redirects::SameOrigin { max: 0 }.follows(&hops(1), &original));
        assert!(!policy.follows(&[], &original));
    }

    #[test]
    fn redacted_urls_keep_everything_but_credentials() {
        assert_eq!(
            format!("{:?}", RedactedUrl("https://user:pw@host:8443/v1")),
            "\"https://redacted@host:8443/v1\""
        );
        assert_eq!(
            format!("{:?}", RedactedUrl("http://127.0.0.1:4010/akua/v1")),
            "\"http://127.0.0.1:4010/akua/v1\""
        );
        assert_eq!(format!("{:?}", RedactedUrl("pw@@::")), "<not a URL>");
    }
}

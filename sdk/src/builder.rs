//! The client builder shared by every provider: base URL, credentials,
//! headers, timeouts, retries, redirects, response size, and the HTTP
//! client itself.

use std::ffi::OsString;
use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::ConfigError;
use crate::call::DEFAULT_MAX_RESPONSE_BYTES;
use crate::environment::{Env, process_env};
use crate::provider::Provider;
use crate::redirects::{Redirects, redirect_policy};
use crate::secret::{ApiKey, HeaderNames, REDACTED, RedactedUrl, RequestHeaders};

/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request, response body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A `reqwest::ClientBuilder` set up as the SDK sets up its own clients:
/// the TLS stack of the enabled Cargo feature, same-origin redirects
/// ([`redirect_policy`] of [`Redirects::default`]) and the SDK's
/// `User-Agent`; no timeouts, no headers. Add the application's own
/// settings, build it, and give the client to [`ClientBuilder::reqwest_client`].
///
/// With the default `rustls` feature, reqwest is built with rustls but
/// without a crypto provider of its own (that is what keeps aws-lc-sys out),
/// so a `reqwest::Client::new()` panics in a program whose own reqwest
/// dependency enables no TLS feature and that installs no process-wide
/// rustls `CryptoProvider`. Building from here needs neither: the SDK hands
/// reqwest a ready rustls configuration with `ring`.
///
/// ```no_run
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let http = sdk::reqwest_client_builder()?
///     .pool_max_idle_per_host(4)
///     .build()?;
/// let client = sdk::chamelio::Client::builder()
///     .reqwest_client(http)
///     .api_key("ca_...")
///     .build()?;
/// # Ok(()) }
/// ```
pub fn reqwest_client_builder() -> Result<reqwest::ClientBuilder, ConfigError> {
    http_client_builder(&[])
}

/// [`reqwest_client_builder`], also trusting the DER certificates
/// `extra_roots` (tests' loopback HTTPS servers).
fn http_client_builder(extra_roots: &[&[u8]]) -> Result<reqwest::ClientBuilder, ConfigError> {
    let builder = reqwest::Client::builder()
        .redirect(redirect_policy(Redirects::default()))
        .user_agent(concat!(
            env!("CARGO_PKG_NAME"),
            "/",
            env!("CARGO_PKG_VERSION")
        ));
    crate::tls::configure(builder, extra_roots)
}

/// Builds a provider's `Client`: `phala::Client::builder().api_key(..).build()`.
pub struct ClientBuilder<C> {
    base_url: Option<String>,
    credentials: crate::auth::Given,
    headers: Vec<(String, String)>,
    // `None`: not set, so the default, and no conflict with a given client.
    connect_timeout: Option<Duration>,
    timeout: Duration,
    retry: crate::RetryPolicy,
    redirects: Option<Redirects>,
    max_response_bytes: usize,
    max_event_bytes: usize,
    reqwest_client: Option<reqwest::Client>,
    provider: std::marker::PhantomData<fn() -> C>,
}

/// Extra headers print their names only: the builder cannot tell a `Prefer`
/// from a credential under a name of the caller's choosing (`Cookie`, a
/// gateway's token), and the caller knows the values anyway.
impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(RedactedUrl))
            .field("credentials", &self.credentials)
            .field("headers", &HeaderNames(&self.headers))
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("redirects", &self.redirects)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_event_bytes", &self.max_event_bytes)
            // Its default headers are the application's, possibly credentials.
            .field(
                "reqwest_client",
                &self.reqwest_client.as_ref().map(|_| REDACTED),
            )
            .finish()
    }
}

impl<C: Provider> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self {
            base_url: None,
            credentials: crate::auth::Given::default(),
            headers: Vec::new(),
            connect_timeout: None,
            timeout: DEFAULT_TIMEOUT,
            retry: crate::RetryPolicy::default(),
            redirects: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_event_bytes: crate::events::DEFAULT_MAX_EVENT_BYTES,
            reqwest_client: None,
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

    /// The API key or token: for the provider's first security scheme that
    /// takes one (an API key in a header, query parameter or cookie, or a
    /// bearer token), which is the only one for most providers.
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.credentials.key = Some(key.into());
        self
    }

    /// A user name and password, for the provider's first `http` `basic` scheme.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<ApiKey>) -> Self {
        self.credentials.basic = Some(crate::auth::Credential::basic(user, password));
        self
    }

    /// The credential for the security scheme called `scheme` in the
    /// provider's documents (`components.securitySchemes`), for APIs with
    /// several: each request sends the first of its operation's security
    /// requirements the client holds every credential of. It wins over
    /// [`Self::api_key`] and [`Self::basic_auth`] for that scheme.
    pub fn credential(
        mut self,
        scheme: impl Into<String>,
        credential: crate::auth::Credential,
    ) -> Self {
        self.credentials.named.push((scheme.into(), credential));
        self
    }

    /// Reads the credential from the provider's environment variable
    /// ([`Provider::CREDENTIAL_ENV`], e.g. `PHALA_CLOUD_API_KEY`); an unset
    /// or empty variable is an error.
    pub fn api_key_from_env(self) -> Result<Self, ConfigError> {
        self.api_key_from(&process_env)
    }

    /// [`Self::api_key_from_env`] with the variables of `env`.
    pub(crate) fn api_key_from(self, env: Env<'_>) -> Result<Self, ConfigError> {
        let variable = C::CREDENTIAL_ENV;
        match env(variable).map(OsString::into_string) {
            Some(Ok(key)) if !key.is_empty() => Ok(self.api_key(key)),
            Some(Err(_)) => Err(ConfigError::InvalidEnvironment {
                variable,
                reason: Box::new(ConfigError::InvalidCredential),
            }),
            _ => Err(ConfigError::MissingCredential(variable)),
        }
    }

    /// Sends requests to the base URL in the provider's base URL variable
    /// ([`Provider::BASE_URL_ENV`], e.g. `CHAMELIO_BASE_URL`) when it is set
    /// and not empty, so an application's tests can point it at a mock
    /// server without a code change. A value that is not a usable base URL
    /// is a [`ConfigError::InvalidEnvironment`] naming the variable.
    pub fn base_url_from_env(self) -> Result<Self, ConfigError> {
        self.base_url_from(&process_env)
    }

    /// [`Self::base_url_from_env`] with the variables of `env`.
    pub(crate) fn base_url_from(self, env: Env<'_>) -> Result<Self, ConfigError> {
        let variable = C::BASE_URL_ENV;
        let invalid = |reason| ConfigError::InvalidEnvironment {
            variable,
            reason: Box::new(reason),
        };
        let Some(value) = env(variable).filter(|value| !value.is_empty()) else {
            return Ok(self);
        };
        let value = value.into_string().map_err(|value| {
            invalid(ConfigError::InvalidBaseUrl(
                value.to_string_lossy().into_owned(),
            ))
        })?;
        parse_base_url(&value).map_err(invalid)?;
        Ok(self.base_url(value))
    }

    /// The credential and the base URL from `env`: what `Client::from_env` reads.
    pub(crate) fn with_env(self, env: Env<'_>) -> Result<Self, ConfigError> {
        self.api_key_from(env)?.base_url_from(env)
    }

    /// A header to send with every request, e.g. `Prefer: code=404` to pick a
    /// mock server's response. For the provider's credential use
    /// [`Self::api_key`]. Values are sent marked sensitive and never printed
    /// by `Debug`, in case one is a credential after all.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Time allowed to establish a connection (default 10 s). Not with
    /// [`Self::reqwest_client`]: set it on that client.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for one attempt, including reading the response (default
    /// 30 s), enforced by the SDK around each attempt (with
    /// [`Self::reqwest_client`], besides any timeout of that client). A call
    /// may set its own with `send_with(`[`crate::CallOptions`]`)`.
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
    /// most); see [`Redirects`] for why no other. Not with
    /// [`Self::reqwest_client`]: give that client [`redirect_policy`].
    pub fn redirects(mut self, redirects: Redirects) -> Self {
        self.redirects = Some(redirects);
        self
    }

    /// Sends requests through `client`, an application's own
    /// `reqwest::Client` (its connection pool, proxy, TLS and DNS set-up),
    /// instead of one the SDK builds.
    ///
    /// The SDK's credential, [`Self::header`]s, per-attempt
    /// [`Self::timeout`] (enforced around each attempt), retries and response
    /// size limit still apply; the credential is added to each request,
    /// marked sensitive. What only the client can decide stays the client's:
    /// its redirect policy, connect timeout, TLS, and its default headers
    /// (the SDK's headers win over them). So [`Self::redirects`] and
    /// [`Self::connect_timeout`] are refused with this option
    /// ([`ConfigError::NotForGivenClient`]).
    ///
    /// **Redirects**: reqwest's default policy would carry the API key to
    /// another origin (see [`redirect_policy`]). Build the client from
    /// [`reqwest_client_builder`], which has the SDK's policy, or give your
    /// own builder `.redirect(sdk::redirect_policy(sdk::Redirects::default()))`.
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.reqwest_client = Some(client);
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

    /// The largest single event of an event stream (`.events()`), in bytes
    /// (default 1 MiB, see [`crate::events::DEFAULT_MAX_EVENT_BYTES`]). A
    /// stream is not bounded as a whole: it ends with
    /// [`crate::events::EventError::TooLarge`] when one event grows past this.
    pub fn max_event_bytes(mut self, limit: usize) -> Self {
        self.max_event_bytes = limit;
        self
    }

    /// How to wait between attempts (default: tokio's timer).
    pub fn sleep(mut self, sleep: impl crate::Sleep + 'static) -> Self {
        self.retry.sleep = std::sync::Arc::new(sleep);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<C, ConfigError> {
        self.build_trusting(&[])
    }

    /// [`Self::build`], the SDK's own TLS set-up also trusting the DER
    /// certificates `extra_roots` (tests' loopback HTTPS servers).
    pub(crate) fn build_trusting(self, extra_roots: &[&[u8]]) -> Result<C, ConfigError> {
        let base_url = match self.base_url {
            Some(base_url) => base_url,
            None if C::DEFAULT_BASE_URL.is_empty() => return Err(ConfigError::MissingBaseUrl),
            None => C::DEFAULT_BASE_URL.to_string(),
        };
        let url = parse_base_url(&base_url)?;
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ConfigError::InvalidHeader(name.clone()))?;
            let mut value = HeaderValue::from_str(value)
                .map_err(|_| ConfigError::InvalidHeader(name.to_string()))?;
            value.set_sensitive(true);
            headers.append(name, value);
        }
        let credentials = crate::auth::Credentials::new(C::SECURITY_SCHEMES, &self.credentials)?;
        // Each attempt is timed by the SDK, never by reqwest: a call's own
        // `CallOptions::timeout` (a long poll) may be longer than the client's.
        let client = match self.reqwest_client {
            Some(client) => {
                if self.redirects.is_some() {
                    return Err(ConfigError::NotForGivenClient("redirects"));
                }
                if self.connect_timeout.is_some() {
                    return Err(ConfigError::NotForGivenClient("connect_timeout"));
                }
                client
            }
            None => {
                crate::tls::check_scheme(&url)?;
                http_client_builder(extra_roots)?
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .redirect(redirect_policy(self.redirects.unwrap_or_default()))
                    .build()
                    .map_err(ConfigError::Http)?
            }
        };
        let settings = crate::Settings {
            retry: self.retry,
            timeout: Some(self.timeout),
            max_response_bytes: self.max_response_bytes,
            max_event_bytes: self.max_event_bytes,
            headers: RequestHeaders(headers),
            credentials,
        };
        Ok(C::from_parts(
            base_url.trim_end_matches('/'),
            client,
            settings,
        ))
    }
}

/// Checks a base URL: absolute `http(s)://`, without user name or password.
fn parse_base_url(base_url: &str) -> Result<reqwest::Url, ConfigError> {
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
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::AUTHORIZATION;

    fn url(text: &str) -> reqwest::Url {
        reqwest::Url::parse(text).unwrap()
    }

    fn env(vars: &[(&'static str, OsString)]) -> impl Fn(&str) -> Option<OsString> {
        let vars = vars.to_vec();
        move |name| {
            vars.iter()
                .find(|(variable, _)| *variable == name)
                .map(|(_, value)| value.clone())
        }
    }

    type Example = crate::test_client::TestClient;

    fn example_from(vars: &[(&'static str, OsString)]) -> Result<Example, ConfigError> {
        ClientBuilder::<Example>::default()
            .with_env(&env(vars))?
            .build()
    }

    #[test]
    fn the_base_url_variable_overrides_the_public_server_unless_empty() {
        let key = ("EXAMPLE_API_KEY", OsString::from("k"));
        let client = example_from(std::slice::from_ref(&key)).unwrap();
        assert_eq!(client.base_url(), Example::DEFAULT_BASE_URL);
        let empty = ("EXAMPLE_BASE_URL", OsString::new());
        let client = example_from(&[key.clone(), empty]).unwrap();
        assert_eq!(client.base_url(), Example::DEFAULT_BASE_URL);
        let mock = (
            "EXAMPLE_BASE_URL",
            OsString::from("http://127.0.0.1:4010/chamelio/"),
        );
        let client = example_from(&[key.clone(), mock.clone()]).unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:4010/chamelio");
        // The key is still required; the base URL alone is not a configuration.
        let error = example_from(&[mock]).unwrap_err();
        assert!(matches!(
            error,
            ConfigError::MissingCredential("EXAMPLE_API_KEY")
        ));
    }

    #[test]
    fn a_malformed_base_url_variable_is_an_error_naming_it() {
        use std::os::unix::ffi::OsStringExt;
        let key = ("EXAMPLE_API_KEY", OsString::from("k"));
        let cases = [
            OsString::from("127.0.0.1:4010/chamelio"),
            OsString::from("ftp://127.0.0.1/"),
            OsString::from("http://"),
            OsString::from("http://exa mple.com"),
            OsString::from("https://user:hunter2@example.com"),
            OsString::from_vec(vec![b'h', 0xff, b'/']),
        ];
        for value in cases {
            let error =
                example_from(&[key.clone(), ("EXAMPLE_BASE_URL", value.clone())]).unwrap_err();
            let ConfigError::InvalidEnvironment { variable, reason } = &error else {
                panic!("{value:?}: {error:?}");
            };
            assert_eq!(*variable, "EXAMPLE_BASE_URL");
            assert!(
                matches!(
                    **reason,
                    ConfigError::InvalidBaseUrl(_) | ConfigError::CredentialsInBaseUrl
                ),
                "{value:?}: {reason:?}"
            );
            let message = error.to_string();
            assert!(
                message.starts_with("environment variable EXAMPLE_BASE_URL: "),
                "{message}"
            );
            assert!(!message.contains("hunter2"), "{message}");
        }
    }

    #[test]
    fn a_key_variable_that_is_not_unicode_is_an_error_naming_it() {
        use std::os::unix::ffi::OsStringExt;
        let key = ("EXAMPLE_API_KEY", OsString::from_vec(vec![b'k', 0xff]));
        let error = example_from(&[key]).unwrap_err();
        assert!(
            matches!(
                error,
                ConfigError::InvalidEnvironment {
                    variable: "EXAMPLE_API_KEY",
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn a_given_client_refuses_what_only_it_can_decide() {
        let given = || {
            let http = reqwest_client_builder().unwrap().build().unwrap();
            ClientBuilder::<Example>::default()
                .api_key("k")
                .reqwest_client(http)
        };
        let error = given().redirects(Redirects::None).build().unwrap_err();
        assert!(matches!(error, ConfigError::NotForGivenClient("redirects")));
        let error = given()
            .connect_timeout(Duration::from_secs(1))
            .build()
            .unwrap_err();
        assert!(matches!(
            error,
            ConfigError::NotForGivenClient("connect_timeout")
        ));
        let client = given().timeout(Duration::from_secs(7)).build().unwrap();
        // The SDK times each attempt, of a given client as of its own.
        assert_eq!(client.inner.timeout, Some(Duration::from_secs(7)));
        let own = ClientBuilder::<Example>::default().build().unwrap();
        assert_eq!(own.inner.timeout, Some(DEFAULT_TIMEOUT));
    }

    #[test]
    fn request_headers_fill_in_without_overriding() {
        let sensitive = |text: &str| {
            let mut value = HeaderValue::from_str(text).unwrap();
            value.set_sensitive(true);
            value
        };
        let mut client = HeaderMap::new();
        client.insert("x-api-key", sensitive("key"));
        client.append("prefer", sensitive("a"));
        client.append("prefer", sensitive("b"));
        let headers = RequestHeaders(client);
        let mut request = HeaderMap::new();
        request.insert("idempotency-key", HeaderValue::from_static("mine"));
        headers.add_to(&mut request);
        assert_eq!(request["x-api-key"], "key");
        assert!(request["x-api-key"].is_sensitive());
        assert_eq!(request.get_all("prefer").iter().count(), 2);
        let mut request = HeaderMap::new();
        request.insert("prefer", HeaderValue::from_static("call's own"));
        headers.add_to(&mut request);
        assert_eq!(
            request.get_all("prefer").iter().collect::<Vec<_>>(),
            ["call's own"]
        );
        assert_eq!(
            format!("{headers:?}"),
            r#"{"x-api-key": <redacted>, "prefer": <redacted>}"#
        );
    }

    /// A provider whose generated code lists its security schemes.
    struct Schemed(crate::Settings);

    static SCHEMED: [crate::auth::Scheme; 2] = [
        crate::auth::Scheme {
            name: "Token",
            kind: crate::auth::SchemeKind::Bearer,
        },
        crate::auth::Scheme {
            name: "Login",
            kind: crate::auth::SchemeKind::Basic,
        },
    ];

    impl Provider for Schemed {
        const DEFAULT_BASE_URL: &'static str = "http://127.0.0.1:1";
        const CREDENTIAL_ENV: &'static str = "SCHEMED_TOKEN";
        const BASE_URL_ENV: &'static str = "SCHEMED_BASE_URL";
        const SECURITY_SCHEMES: &'static [crate::auth::Scheme] = &SCHEMED;

        fn from_parts(_: &str, _: reqwest::Client, settings: crate::Settings) -> Self {
            Self(settings)
        }
    }

    #[test]
    fn credentials_go_to_the_schemes_operations_ask_for() {
        static TOKEN_OR_LOGIN: crate::auth::Requirements = &[&[&SCHEMED[0]], &[&SCHEMED[1]]];
        static LOGIN: crate::auth::Requirements = &[&[&SCHEMED[1]]];
        let sent = |client: &Schemed, requirements| {
            let mut request =
                reqwest::Request::new(reqwest::Method::GET, url("http://127.0.0.1:1/x"));
            client
                .0
                .authorize(&mut request, "op", requirements)
                .map(|()| request.headers().get(AUTHORIZATION).cloned())
        };
        let token = ClientBuilder::<Schemed>::default()
            .api_key("t")
            .build()
            .unwrap();
        assert_eq!(sent(&token, TOKEN_OR_LOGIN).unwrap().unwrap(), "Bearer t");
        assert!(sent(&token, LOGIN).is_err());
        // No legacy header: each operation's requirements decide.
        assert!(format!("{:?}", token.0.headers).eq("{}"));
        let login = ClientBuilder::<Schemed>::default()
            .basic_auth("u", "p")
            .build()
            .unwrap();
        assert_eq!(sent(&login, TOKEN_OR_LOGIN).unwrap().unwrap(), "Basic dTpw");
        let named = ClientBuilder::<Schemed>::default()
            .credential("Login", crate::auth::Credential::basic("u", "p"))
            .build()
            .unwrap();
        assert_eq!(sent(&named, LOGIN).unwrap().unwrap(), "Basic dTpw");
        let unknown = ClientBuilder::<Schemed>::default()
            .credential("Nope", crate::auth::Credential::key("k"))
            .build();
        assert!(matches!(unknown, Err(ConfigError::UnknownScheme(name)) if name == "Nope"));
        let builder = ClientBuilder::<Schemed>::default()
            .api_key("s3cr3t")
            .basic_auth("s3cr3t-user", "s3cr3t-pw");
        assert!(!format!("{builder:?}").contains("s3cr3t"));
        assert!(!format!("{:?}", builder.build().unwrap().0).contains("s3cr3t"));
    }
}

//! Why a client cannot be built: its own room, as the builder, the
//! credentials (`auth`) and TLS (`tls`) all report it.

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
    /// [`ClientBuilder::credential`](crate::ClientBuilder::credential) named
    /// a scheme the provider does not declare.
    #[error("the API declares no security scheme `{0}`")]
    UnknownScheme(String),
    /// A credential of the wrong kind for its scheme (a user and password
    /// for an API key scheme, or a key for a basic one).
    #[error("security scheme `{0}` takes another kind of credential")]
    WrongCredentialKind(&'static str),
    /// The credential for a scheme cannot be sent as that scheme sends it
    /// (a header value, a cookie value, a basic user name with `:`).
    #[error("the credential for security scheme `{0}` cannot be sent as that scheme requires")]
    InvalidSchemeCredential(&'static str),
    /// A credential given without a scheme
    /// ([`ClientBuilder::api_key`](crate::ClientBuilder::api_key),
    /// [`ClientBuilder::basic_auth`](crate::ClientBuilder::basic_auth)) fits
    /// none of the provider's schemes.
    #[error("the API has no security scheme that takes {0}")]
    NoSchemeFor(&'static str),
    /// A header set with [`ClientBuilder::header`](crate::ClientBuilder::header)
    /// has an invalid name or value.
    #[error("header `{0}` has an invalid name or value")]
    InvalidHeader(String),
    /// The provider's document declares no server, and no base URL was given.
    #[error("the API's document declares no server: set a base URL")]
    MissingBaseUrl,
    /// The base URL is not an absolute http(s) URL.
    #[error("base URL `{0}` is not an absolute http:// or https:// URL")]
    InvalidBaseUrl(String),
    /// The base URL has a user name or password in it (not echoed: it is a
    /// credential). Credentials go through
    /// [`ClientBuilder::api_key`](crate::ClientBuilder::api_key).
    #[error("the base URL contains a user name or password; pass the credential with api_key")]
    CredentialsInBaseUrl,
    /// The HTTP client could not be created (e.g. the TLS backend failed to start).
    #[error("cannot create the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
    /// TLS could not be set up, e.g. the platform has no root certificates
    /// (install the `ca-certificates` package) or rejects one given.
    #[error("cannot set up TLS: {0}")]
    Tls(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The base URL is `https://` but the SDK was built without a TLS feature
    /// (`rustls`, `aws-lc-rs` or `native-tls`).
    #[error("the base URL is https:// but no TLS feature of the sdk crate is enabled")]
    HttpsWithoutTls,
    /// An environment variable holds a value that cannot be used; `reason` says why.
    #[error("environment variable {variable}: {reason}")]
    InvalidEnvironment {
        /// The variable, e.g. `CHAMELIO_BASE_URL`.
        variable: &'static str,
        /// What is wrong with its value.
        reason: Box<ConfigError>,
    },
    /// A setting that configures the HTTP client itself was set together with
    /// [`ClientBuilder::reqwest_client`](crate::ClientBuilder::reqwest_client),
    /// which cannot change it.
    #[error(
        "`{0}` cannot be applied to a client given with `reqwest_client`: set it on that \
         client's reqwest::ClientBuilder (for redirects, with sdk::redirect_policy)"
    )]
    NotForGivenClient(&'static str),
}

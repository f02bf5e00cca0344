//! Typed clients for the providers vendored in `specs/`, generated at build
//! time by progenitor.
//!
//! Each provider is a module with its `Client`, its `types`, a `builder` per
//! operation, and an error enum per operation in `errors`:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use sdk::chamelio::{Client, errors::CancelTaskError};
//!
//! let client = Client::builder().api_key("ca_...").build()?;
//! match client.cancel_task().task_id(12345).send().await {
//!     Ok(cancelled) => println!("{}", cancelled.status),
//!     Err(CancelTaskError::Conflict(body)) => println!("too late: {}", body.detail),
//!     Err(other) => return Err(other.into()),
//! }
//! # Ok(()) }
//! ```
//!
//! `send()` never panics on what a server sends: every documented status maps
//! to its typed outcome, and anything else is a value too (an undocumented
//! status, a body that does not parse, a transport failure, a timeout).
//! Calls retry what is safe to retry, with backoff ([`RetryPolicy`], set on
//! the [`ClientBuilder`]; per call with `send_with(`[`CallOptions`]`)`), and
//! each is one `tracing` span. [`cancel`] cancels work on any provider
//! through one API.
//!
//! A server cannot make a call spend unbounded memory (bodies stop at
//! [`ClientBuilder::max_response_bytes`], 4 MiB by default) nor lead the
//! credential elsewhere (only same-origin redirects are followed, see
//! [`Redirects`]); nothing that holds a credential prints it in `Debug`.
//!
//! # Providers
//!
//! One module per provider vendored in `specs/` (this table is generated
//! from the same catalogue as the clients):
//!
#![doc = include_str!(concat!(env!("OUT_DIR"), "/providers.md"))]
//!
//! # Configuration from the environment
//!
//! `Client::from_env()` reads the provider's key variable and, when it is
//! set and not empty, its base URL variable, so an application's
//! integration tests can point the SDK at a mock server without a code
//! change:
//!
//! ```sh
//! CHAMELIO_API_KEY=test CHAMELIO_BASE_URL=http://127.0.0.1:4010/chamelio cargo test
//! ```
//!
//! A malformed base URL is a [`ConfigError::InvalidEnvironment`] naming the
//! variable. [`ClientBuilder::api_key_from_env`] and
//! [`ClientBuilder::base_url_from_env`] read one each, and
//! [`cancel::Canceller::from_env`] reads both for every provider.
//!
//! # Bringing your own `reqwest::Client`
//!
//! [`ClientBuilder::reqwest_client`] sends through an application's own
//! client (its pool, proxy, TLS); the SDK's credential, timeout, retries and
//! size limit still apply. Give that client the SDK's [`redirect_policy`]:
//! reqwest's default would carry an `X-API-Key` to another origin.
//!
//! # Cargo features
//!
//! | feature | default | what it does |
//! |---|---|---|
//! | `rustls` | yes | HTTPS through rustls with the `ring` crypto provider, checking servers against the platform's root certificates (`rustls-platform-verifier`). Builds no C beyond `ring`'s, needs no cmake. |
//! | `aws-lc-rs` | | HTTPS through rustls with aws-lc-rs (reqwest's own default; builds `aws-lc-sys`, C and cmake). Wins over `rustls`. |
//! | `native-tls` | | HTTPS through the platform's TLS library (OpenSSL on Linux). Wins over both. |
//! | `http2` | yes | HTTP/2 where the server agrees to it over TLS (ALPN); HTTP/1.1 otherwise. Without it the client offers HTTP/1.1 only and the `h2` crate is not built. |
//! | `dynamic` | | `sdk::dynamic` and each provider's `dynamic` module: any operation by operationId with text arguments, for contract tests and tools. Turns on `schemars`. |
//! | `schemars` | | `schemars::JsonSchema` on every generated type (off by default: the derives are a large share of the build). |
//! | `all-providers` | yes | Every provider directory under `specs/providers/`, including ones added after this list was written. |
//! | `akua`, `chamelio`, `phala`, `promptlayer` | via `all-providers` | One provider's module each: `default-features = false, features = ["rustls", "chamelio"]` compiles only Chamelio's API (over HTTP/1.1; add `http2` for HTTP/2). [`cancel`] needs all four. |
//!
//! Without any TLS feature (`default-features = false`), clients speak plain
//! HTTP only, and an `https://` base URL is [`ConfigError::HttpsWithoutTls`].

#![cfg_attr(docsrs, feature(doc_cfg))]
// With a subset of providers, runtime helpers only some providers call go
// unused; so they do in the runtime's unit tests, which compile no provider.
#![cfg_attr(
    any(test, not(feature = "all-providers")),
    allow(dead_code, unused_imports)
)]

pub mod auth;
mod call;
// The neutral cancel API maps each of these providers' answers by hand.
mod builder;
#[cfg(all(
    feature = "akua",
    feature = "chamelio",
    feature = "phala",
    feature = "promptlayer",
    not(any(test, doctest))
))]
pub mod cancel;
mod config_error;
mod download;
#[cfg(all(feature = "dynamic", not(any(test, doctest))))]
#[cfg_attr(docsrs, doc(cfg(feature = "dynamic")))]
pub mod dynamic;
mod environment;
pub mod events;
pub mod forms;
pub mod pages;
mod provider;
mod query;
mod redirects;
mod response;
mod secret;
mod tls;
pub mod webhooks;

pub use builder::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, reqwest_client_builder,
};
pub(crate) use call::{Call, execute, execute_open, new_idempotency_key};
pub use call::{
    CallOptions, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRY_AFTER, DEFAULT_RETRIES, RETRYABLE_STATUSES, RetryPolicy, Settings, Sleep,
    TokioSleep,
};
pub use config_error::ConfigError;
pub use download::{Download, DownloadError};
pub use progenitor_client::ResponseValue;
pub use provider::Provider;
pub use redirects::{DEFAULT_MAX_REDIRECTS, Redirects, redirect_policy};
pub use response::{Documented, InvalidBody, RawResponse, ResponseTooLarge, TransportError};
pub(crate) use response::{Failed, Failure, Received};
pub use secret::ApiKey;
pub(crate) use secret::RedactedUrl;

// The generated clients. The runtime's own unit tests compile none: each
// would compile Akua's 232 operations a second time, with `cfg(test)`, for
// tests that never call them (the clients are tested in `tests/it`). Nor
// does rustdoc's search for doctests (`cfg(doctest)`) parse them: they
// carry upstream text, never an example to run, and reading Akua's 8 MB
// module for nothing was 9 of the 10 s `cargo test --doc -p sdk` took;
// the doctests themselves link the whole crate as usual. `cancel` and
// `dynamic`, which name the clients, are left out of that search too, so
// an example belongs in their callers' docs or in `examples/`.
#[cfg(not(any(test, doctest)))]
include!(concat!(env!("OUT_DIR"), "/providers.rs"));

/// A provider for the runtime's unit tests, which compile no generated
/// client: what the builder hands a `Client`, kept as it came.
#[cfg(test)]
pub(crate) mod test_client {
    use crate::auth::{Scheme, SchemeKind};

    /// The parts [`crate::Provider::from_parts`] got.
    #[derive(Debug)]
    pub(crate) struct TestClient {
        base_url: String,
        pub(crate) client: reqwest::Client,
        pub(crate) inner: crate::Settings,
    }

    impl TestClient {
        pub(crate) fn base_url(&self) -> &str {
            &self.base_url
        }
    }

    impl crate::Provider for TestClient {
        const DEFAULT_BASE_URL: &'static str = "https://api.example.com";
        const CREDENTIAL_ENV: &'static str = "EXAMPLE_API_KEY";
        const BASE_URL_ENV: &'static str = "EXAMPLE_BASE_URL";
        const SECURITY_SCHEMES: &'static [Scheme] = &[Scheme {
            name: "ApiKeyAuth",
            kind: SchemeKind::Header("X-API-Key"),
        }];

        fn from_parts(base_url: &str, client: reqwest::Client, settings: crate::Settings) -> Self {
            Self {
                base_url: base_url.to_string(),
                client,
                inner: settings,
            }
        }
    }
}

/// What generated clients name as `crate::...`, for a crate that compiles
/// `codegen::sdk::generate`'s output outside this one (`corpus-check`, which
/// glob-imports this module at its root). Not part of the SDK's API.
#[doc(hidden)]
pub mod __private {
    pub use crate::auth;
    pub use crate::call::{Call, execute, execute_open, new_idempotency_key};
    #[cfg(all(feature = "dynamic", not(any(test, doctest))))]
    pub use crate::dynamic;
    pub use crate::events;
    pub use crate::forms;
    pub use crate::pages;
    /// See `crate::query`.
    pub mod query {
        pub use crate::query::JoinedList;
    }
    pub use crate::response::{Failed, Failure, Received};
    pub use crate::secret::RedactedUrl;
    pub use crate::webhooks;
    pub use crate::{
        CallOptions, ClientBuilder, ConfigError, Documented, Download, InvalidBody, Provider,
        RawResponse, ResponseTooLarge, ResponseValue, Settings, TransportError,
    };
}

/// The README's and the book's examples, compiled as doctests so they cannot rot.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
/// The examples of the book's SDK chapter (`docs/sdk.md`), compiled as doctests.
#[doc = include_str!("../../docs/sdk.md")]
#[cfg(doctest)]
pub struct SdkBookDoctests;

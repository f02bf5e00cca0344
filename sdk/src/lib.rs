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

mod call;
pub mod cancel;
mod config;
#[cfg(feature = "dynamic")]
pub mod dynamic;
mod response;

pub(crate) use call::{Call, execute, new_idempotency_key};
pub use call::{
    CallOptions, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_RETRIES, RETRYABLE_STATUSES, RetryPolicy, Settings, Sleep, TokioSleep,
};
pub(crate) use config::RedactedUrl;
pub use config::{
    ApiKey, ClientBuilder, ConfigError, CredentialPlacement, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_REDIRECTS, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, Provider, Redirects,
};
pub use progenitor_client::ResponseValue;
pub use response::{Documented, InvalidBody, RawResponse, ResponseTooLarge, TransportError};
pub(crate) use response::{Failed, Failure};

include!(concat!(env!("OUT_DIR"), "/providers.rs"));

/// The README's examples, compiled as doctests so they cannot rot.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

//! A mock server for the vendored APIs: every operation, every declared
//! status, requests validated against the documents.
//!
//! The runtime here knows no provider by name; `generated/` (written by
//! `cargo xtask codegen` from `specs/`) describes each API as static data
//! ([`model`]), and the handler interprets it.
//!
//! Start one inside a test, on a random port:
//!
//! ```no_run
//! # async fn run() -> Result<(), mock_server::StartError> {
//! let mock = mock_server::MockServer::start(mock_server::Config::default()).await?;
//! let base_url = mock.base_url("chamelio").expect("chamelio is vendored");
//! // ... point a client at base_url; the server stops when `mock` is dropped.
//! # Ok(()) }
//! ```

mod ci;
mod documents;
// The vendored providers' data. The crate's own unit tests compile none
// (100,000 lines of Akua's statics, in every test build and in clippy's
// check of the tests): those that need a provider load it at run time
// (`tests::vendored`), the way `--spec` does.
#[cfg(not(test))]
mod generated;
mod memory;
mod mount;
mod pipeline;
mod proxy;
mod serve;
mod server;
mod shared;
mod watch;

use std::collections::HashSet;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use ci::faults::{ActiveFault, Fault, FaultKind, InvalidFault};
pub use ci::journal::{Entry, Expectation, Filter, VerificationError};
pub use ci::webhooks::{InvalidSecret, TEST_SECRET as WEBHOOK_TEST_SECRET};
pub use documents::{LoadError, Spec};
#[cfg(not(test))]
pub use generated::PROVIDERS;
/// No compiled-in provider in the unit tests (see `mod generated`).
#[cfg(test)]
pub static PROVIDERS: &[&model::Provider] = &[];
pub use mock_model::model;
use mount::Mount;
use pipeline::request::BodyLimits;
pub use pipeline::state::{ResourceState, StateError};
pub use proxy::ProxyError;
pub use proxy::cassette::CassetteError;
pub use proxy::violations::{Direction, Violation};
pub use serve::Limits;
use shared::Shared;
pub use watch::Reload;

/// Not public API: the internals the crate's own benchmarks and tests
/// measure or check directly (routing, validation, selection, rendering).
#[doc(hidden)]
pub mod __private {
    pub use crate::ci::journal::{Journal, REDACTED};
    pub use crate::mount::Mount;
    pub use crate::pipeline::limits::{
        MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_HEADERS, MAX_TARGET_BYTES,
    };
    pub use crate::pipeline::render::error_body;
    pub use crate::pipeline::routes::{RouteMatch, find};
    pub use crate::pipeline::select::{GENERATED_EXAMPLE, Preference, select};
    pub use crate::pipeline::validate::{check_parameter, check_value};
    pub use crate::server::router;
    pub use crate::shared::Shared;
    pub use mock_model::problem::Problem;

    /// The providers to serve and their base paths, per `config`.
    pub fn mounts(config: &crate::Config) -> Result<Vec<Mount>, crate::StartError> {
        crate::mounts(config)
    }
}

/// How to run the server.
#[derive(Clone)]
pub struct Config {
    /// Where to listen; port 0 picks a free one.
    pub addr: SocketAddr,
    /// Serve only this provider, at the root (a drop-in for its real host).
    pub provider: Option<String>,
    /// Documents to load at start-up and serve instead of the vendored
    /// providers (`--spec`); a document alone is served at the root.
    pub specs: Vec<Spec>,
    /// Reload `specs` when a file under them changes, polling this often
    /// (`--watch`). Each reload keeps the previous model's memory: the
    /// model is `&'static` data.
    pub watch: Option<Duration>,
    /// Credentials that count as valid; empty accepts any non-empty one.
    pub api_keys: Vec<String>,
    /// Per-connection and per-request limits (header read timeout, body size).
    pub limits: Limits,
    /// Requests kept in the journal (`0`: none recorded).
    pub journal: usize,
    /// Answer CORS preflights and allow every origin (as Prism does).
    pub cors: bool,
    /// Keep resource states, so answers follow each API's lifecycle
    /// (`lifecycle.yaml`): cancelling twice gets the "already" answer.
    pub stateful: bool,
    /// Providers to forward to a real upstream, as (provider, base URL):
    /// `("akua", "https://api.akua.dev/v1")`. Both directions are checked
    /// against the documents ([`MockServer::violations`]).
    pub proxy: Vec<(String, String)>,
    /// How long a proxied upstream has to answer, body included.
    pub proxy_timeout: Duration,
    /// Write each proxied exchange into this directory (needs `proxy`).
    pub record: Option<PathBuf>,
    /// Answer requests recorded in this directory from their recordings,
    /// others as usual (not with `proxy`).
    pub replay: Option<PathBuf>,
    /// The secret `POST /__mock/webhooks` deliveries are signed with
    /// (`whsec_<base64>`); `None`: [`WEBHOOK_TEST_SECRET`].
    pub webhook_secret: Option<String>,
    /// Send an operation's declared callbacks (OpenAPI `callbacks`) after a
    /// success, to the URL its request names, signed as webhooks are.
    pub callbacks: bool,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("provider", &self.provider)
            .field("specs", &self.specs)
            .field("watch", &self.watch)
            .field("api_keys", &Redacted(self.api_keys.len()))
            .field("limits", &self.limits)
            .field("journal", &self.journal)
            .field("cors", &self.cors)
            .field("stateful", &self.stateful)
            .field("proxy", &self.proxy)
            .field("proxy_timeout", &self.proxy_timeout)
            .field("record", &self.record)
            .field("replay", &self.replay)
            .field(
                "webhook_secret",
                &self.webhook_secret.as_ref().map(|_| Redacted(1)),
            )
            .field("callbacks", &self.callbacks)
            .finish()
    }
}

/// Stands for `n` secrets in `Debug` output.
pub(crate) struct Redacted(pub usize);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} redacted>", self.0)
    }
}

impl Default for Config {
    /// Loopback, a random port, every provider, any non-empty credential,
    /// a journal of 1,000 requests, CORS on, stateless, callbacks sent.
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            provider: None,
            specs: Vec::new(),
            watch: None,
            api_keys: Vec::new(),
            limits: Limits::default(),
            journal: ci::journal::DEFAULT_CAPACITY,
            cors: true,
            stateful: false,
            proxy: Vec::new(),
            proxy_timeout: proxy::DEFAULT_TIMEOUT,
            record: None,
            replay: None,
            webhook_secret: None,
            callbacks: true,
        }
    }
}

impl Config {
    /// The defaults, serving `specs` in place of the vendored providers.
    pub fn serving(specs: impl IntoIterator<Item = Spec>) -> Self {
        Self {
            specs: specs.into_iter().collect(),
            ..Self::default()
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// `--provider` named a provider that is not served.
    #[error("unknown provider `{0}`; served: {1}")]
    UnknownProvider(String, String),
    /// A `--spec` document cannot be served.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Two documents would be served under one name.
    #[error("two documents are named `{0}`: name one with --spec NAME=PATH")]
    DuplicateName(String),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A `proxy` setting cannot be used.
    #[error(transparent)]
    Proxy(#[from] ProxyError),
    /// The cassette directory or a cassette in it cannot be used.
    #[error(transparent)]
    Cassette(#[from] CassetteError),
    /// `webhook_secret` is not `whsec_<base64>`.
    #[error(transparent)]
    WebhookSecret(#[from] ci::webhooks::InvalidSecret),
    /// Settings that do not go together.
    #[error("{0}")]
    Conflict(&'static str),
}

/// The providers to serve and their base paths, per `config`.
pub(crate) fn mounts(config: &Config) -> Result<Vec<Mount>, StartError> {
    let providers: Vec<&'static model::Provider> = if config.specs.is_empty() {
        PROVIDERS.to_vec()
    } else {
        let mut loaded: Vec<&'static model::Provider> = Vec::new();
        for spec in &config.specs {
            for provider in documents::load(spec)? {
                if loaded.iter().any(|p| p.name == provider.name) {
                    return Err(StartError::DuplicateName(provider.name.to_string()));
                }
                loaded.push(provider);
            }
        }
        loaded
    };
    let at_root = |provider: &'static model::Provider| Mount {
        provider,
        base_path: provider.server_path.to_string(),
    };
    match &config.provider {
        Some(name) => {
            let provider = providers.iter().find(|p| p.name == name).ok_or_else(|| {
                let names: Vec<&str> = providers.iter().map(|p| p.name).collect();
                StartError::UnknownProvider(name.clone(), names.join(", "))
            })?;
            Ok(vec![at_root(provider)])
        }
        // One document of the user's own is a drop-in for its host, as Prism serves it.
        None if !config.specs.is_empty() && providers.len() == 1 => Ok(vec![at_root(providers[0])]),
        None => Ok(providers
            .into_iter()
            .map(|provider| Mount {
                provider,
                base_path: format!("/{}{}", provider.name, provider.server_path),
            })
            .collect()),
    }
}

/// The axum router for `config`, to embed in another server.
pub fn router(config: &Config) -> Result<axum::Router, StartError> {
    Ok(server::router(Arc::new(shared(config)?)))
}

fn shared(config: &Config) -> Result<Shared, StartError> {
    let api_keys = (!config.api_keys.is_empty())
        .then(|| config.api_keys.iter().cloned().collect::<HashSet<_>>());
    let mut shared = Shared::new(
        mounts(config)?,
        api_keys,
        config.journal,
        config.stateful,
        config.cors,
    );
    if config.watch.is_some() && config.specs.is_empty() {
        return Err(StartError::Conflict(
            "--watch reloads the --spec documents: it needs --spec",
        ));
    }
    if config.record.is_some() && config.proxy.is_empty() {
        return Err(StartError::Conflict(
            "--record records proxied exchanges: it needs --proxy",
        ));
    }
    if config.replay.is_some() && !config.proxy.is_empty() {
        return Err(StartError::Conflict(
            "--replay answers from recordings, --proxy from the upstream: use one",
        ));
    }
    shared.webhooks = Arc::new(ci::webhooks::Webhooks::new(
        config.webhook_secret.as_deref(),
    )?);
    let keeps_bodies = !config.proxy.is_empty() || config.replay.is_some();
    shared.body_limits = BodyLimits {
        max_body: config.limits.max_body_bytes,
        max_upload: (!keeps_bodies).then_some(config.limits.max_upload_bytes),
    };
    shared.callbacks = config.callbacks;
    let served: Vec<&'static model::Provider> =
        shared.served().mounts.iter().map(|m| m.provider).collect();
    if !config.proxy.is_empty() {
        let names: Vec<&'static str> = served.iter().map(|p| p.name).collect();
        shared.proxy.upstreams = Some(proxy::Upstreams::new(
            &config.proxy,
            &names,
            config.proxy_timeout,
        )?);
    }
    if let Some(dir) = &config.record {
        shared.proxy.recorder = Some(Arc::new(proxy::cassette::Recorder::new(dir)?));
    }
    if let Some(dir) = &config.replay {
        let (cassettes, stale) = proxy::cassette::Cassettes::load(dir, &served)?;
        tracing::info!(
            cassettes = cassettes.len(),
            stale = stale.len(),
            dir = %dir.display(),
            "replaying"
        );
        shared.proxy.violations.report(&stale);
        shared.proxy.cassettes = Some(cassettes);
    }
    Ok(shared)
}

/// A running server; it shuts down when dropped.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    /// `--watch`: the poller, and what it did last.
    watcher: Option<(JoinHandle<()>, tokio::sync::watch::Receiver<Reload>)>,
}

impl MockServer {
    /// Binds `config.addr` and serves in the background of the current tokio runtime.
    pub async fn start(config: Config) -> Result<Self, StartError> {
        let files = match config.watch {
            Some(_) => Some(watch::before_loading(&config).await),
            None => None,
        };
        let shared = shared(&config)?;
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.addr,
            source,
        })?;
        let shared = Arc::new(shared);
        let app = {
            let (router, shared) = (server::router(shared.clone()), shared.clone());
            move |request| server::dispatch(router.clone(), shared.clone(), request)
        };
        let (shutdown, stopped) = oneshot::channel::<()>();
        let limits = config.limits;
        let task = tokio::spawn(serve::serve(listener, app, limits, async {
            let _ = stopped.await;
        }));
        let watcher = config
            .watch
            .zip(files)
            .map(|(interval, files)| watch::spawn(shared.clone(), config.clone(), interval, files));
        Ok(Self {
            addr,
            shared,
            shutdown: Some(shutdown),
            task: Some(task),
            watcher,
        })
    }

    /// With `watch`: what the latest reload did, updated at each attempt
    /// (`changed().await` waits for the next).
    pub fn reloads(&self) -> Option<tokio::sync::watch::Receiver<Reload>> {
        self.watcher.as_ref().map(|(_, reloads)| reloads.clone())
    }

    /// The address it listens on (wiremock's name).
    pub fn address(&self) -> &SocketAddr {
        &self.addr
    }

    /// `http://127.0.0.1:PORT` (wiremock's name).
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL of `provider` on this server, if it is served.
    pub fn base_url(&self, provider: &str) -> Option<String> {
        self.shared
            .served()
            .mounts
            .iter()
            .find(|m| m.provider.name == provider)
            .map(|m| format!("{}{}", self.uri(), m.base_path))
    }

    /// What `GET /__mock/routes` returns.
    pub fn routes(&self) -> Value {
        ci::admin::routes_json(&self.shared.served().mounts, &self.uri())
    }

    /// Every request answered so far, oldest first (at most the journal's
    /// capacity); `None` when the journal is off (`Config::journal == 0`),
    /// as wiremock's `received_requests`.
    pub fn received_requests(&self) -> Option<Vec<Arc<Entry>>> {
        let journal = &self.shared.journal;
        journal
            .enabled()
            .then(|| journal.entries(&Filter::default()))
    }

    /// The journal's entries passing `filter`, oldest first.
    pub fn requests(&self, filter: &Filter) -> Vec<Arc<Entry>> {
        self.shared.journal.entries(filter)
    }

    /// Forgets every recorded request.
    pub fn reset_requests(&self) {
        self.shared.journal.clear();
    }

    /// Checks the journal against `expectation`: e.g. "operation X was
    /// called exactly twice with header H".
    pub fn verify(&self, expectation: &Expectation) -> Result<(), VerificationError> {
        expectation.verify(&self.shared.journal)
    }

    /// Injects a fault (see [`Fault`]) and returns its id.
    pub fn inject(&self, fault: Fault) -> Result<u64, InvalidFault> {
        fault.validate(&self.shared.served().mounts)?;
        Ok(self.shared.faults.inject(fault))
    }

    /// The active faults with their remaining counts.
    pub fn faults(&self) -> Vec<ActiveFault> {
        self.shared.faults.list()
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Puts a resource in a state (`--stateful` only), e.g. Chamelio's task
    /// `{"task_id": "7"}` in `completed`.
    pub fn seed_state(&self, seed: &ResourceState) -> Result<(), StateError> {
        self.shared.states.seed(&self.shared.served().mounts, seed)
    }

    /// Every resource the mock remembers, with its state.
    pub fn resource_states(&self) -> Vec<ResourceState> {
        self.shared.states.list(&self.shared.served().mounts)
    }

    /// Forgets every resource: each id is new again.
    pub fn reset_state(&self) {
        self.shared.states.reset();
    }

    /// What `GET /__mock/violations` returns: how proxied exchanges (and
    /// stale cassettes) depart from the documents, oldest first.
    pub fn violations(&self) -> Vec<Violation> {
        self.shared.proxy.violations.list()
    }

    /// Forgets the violations listed so far (the shutdown summary still counts them).
    pub fn clear_violations(&self) {
        self.shared.proxy.violations.clear();
    }

    /// Violation counts since start, by provider, operation (`-`: none
    /// matched) and direction: what is logged at shutdown.
    pub fn violation_summary(&self) -> Vec<(&'static str, &'static str, Direction, u64)> {
        self.shared.proxy.violations.summary()
    }

    /// Stops accepting connections, lets in-flight requests finish, waits,
    /// and logs the violation summary when proxying or replaying.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some((watcher, _)) = self.watcher.take() {
            watcher.abort();
        }
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let stopped = match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other),
            None => Ok(()),
        };
        if self.shared.proxy.active() {
            self.shared.proxy.violations.log_summary();
        }
        stopped
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some((watcher, _)) = self.watcher.take() {
            watcher.abort();
        }
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every vendored provider mounted, loaded from `specs/providers/` as
    /// `--spec` loads a directory (`two_ways` in the integration tests
    /// proves that model equal to the generated one), or only `only`.
    pub(crate) fn vendored(only: Option<&str>) -> Vec<Mount> {
        let mut directories: Vec<PathBuf> = std::fs::read_dir(specs::providers_dir())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.join("provider.yaml").is_file())
            .filter(|path| only.is_none_or(|name| path.ends_with(name)))
            .collect();
        directories.sort();
        let specs = directories
            .into_iter()
            .map(|path| Spec { name: None, path })
            .collect();
        mounts(&Config {
            specs,
            ..Config::default()
        })
        .unwrap()
    }

    #[test]
    fn debug_output_redacts_credentials() {
        let config = Config {
            api_keys: vec!["sekrit-key-1".into()],
            ..Config::default()
        };
        let shared = shared(&config).unwrap();
        for text in [
            format!("{config:?}"),
            format!("{config:#?}"),
            format!("{shared:?}"),
            format!("{shared:#?}"),
        ] {
            assert!(!text.contains("sekrit-key-1"), "{text}");
            assert!(text.contains("<1 redacted>"), "{text}");
        }
    }
}

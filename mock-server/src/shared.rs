//! What every request shares: the mounted providers and the server's
//! state (journal, faults, resource states, proxy and cassettes).

use std::collections::HashSet;
use std::sync::{Arc, PoisonError, RwLock};

use crate::ci::faults::Faults;
use crate::ci::journal::{self, Journal};
use crate::ci::webhooks::Webhooks;
use crate::model::Credential;
use crate::mount::Mount;
use crate::pipeline::request::BodyLimits;
use crate::pipeline::state::States;
use crate::proxy::Proxy;

/// What the handler needs; shared by every request.
pub struct Shared {
    /// The mounted providers; replaced whole when `--watch` reloads them.
    served: RwLock<Arc<Served>>,
    /// Accepted credentials; `None` accepts any non-empty one.
    pub(crate) api_keys: Option<HashSet<String>>,
    /// Every request answered.
    pub journal: Journal,
    /// Injected faults.
    pub(crate) faults: Faults,
    /// Resource states (`--stateful`).
    pub(crate) states: States,
    /// Whether answers carry CORS headers and preflights are answered.
    pub(crate) cors: bool,
    /// `--proxy`, `--record`, `--replay` and what they found.
    pub(crate) proxy: Proxy,
    /// `POST /__mock/webhooks` and callbacks: the signing key and the deliveries.
    pub(crate) webhooks: Arc<Webhooks>,
    /// Whether a success sends the callbacks its operation declares.
    pub(crate) callbacks: bool,
    /// How much of a request body is read (`Limits`; no upload read as
    /// it arrives with `--proxy`, `--record` or `--replay`, which keep it).
    pub(crate) body_limits: BodyLimits,
}

impl Shared {
    /// The state for `mounts`, with a journal of `journal_capacity` entries,
    /// keeping resource states when `stateful`, answering CORS when `cors`.
    pub fn new(
        mounts: Vec<Mount>,
        api_keys: Option<HashSet<String>>,
        journal_capacity: usize,
        stateful: bool,
        cors: bool,
    ) -> Self {
        Self {
            served: RwLock::new(Arc::new(Served::new(mounts))),
            api_keys,
            journal: Journal::new(journal_capacity),
            faults: Faults::default(),
            states: States::new(stateful),
            cors,
            proxy: Proxy::default(),
            webhooks: Arc::new(Webhooks::test()),
            callbacks: true,
            body_limits: BodyLimits {
                max_body: crate::pipeline::limits::MAX_BODY_BYTES,
                max_upload: Some(crate::pipeline::limits::MAX_UPLOAD_BYTES),
            },
        }
    }

    /// The providers served now (a request keeps the set it started with).
    pub(crate) fn served(&self) -> Arc<Served> {
        self.served
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Serves `mounts` from now on; requests under way finish with the old set.
    pub(crate) fn replace(&self, mounts: Vec<Mount>) {
        let served = Arc::new(Served::new(mounts));
        *self.served.write().unwrap_or_else(PoisonError::into_inner) = served;
    }
}

/// The mounted providers, and where their credentials travel.
pub(crate) struct Served {
    /// The providers at their base paths.
    pub(crate) mounts: Vec<Mount>,
    /// Where the mounted APIs carry credentials, so the journal can redact them.
    pub(crate) secrets: journal::Secrets,
}

impl Served {
    fn new(mounts: Vec<Mount>) -> Self {
        let mut secrets = journal::Secrets::default();
        let credentials = mounts
            .iter()
            .flat_map(|m| m.provider.operations)
            .flat_map(|o| o.security.iter().copied().flatten());
        for credential in credentials {
            match credential {
                Credential::Header(name) => secrets.headers.push(name.to_ascii_lowercase()),
                Credential::Query(name) => secrets.query.push((*name).to_string()),
                Credential::Cookie(_) | Credential::Bearer | Credential::Basic => {}
            }
        }
        secrets.headers.sort();
        secrets.headers.dedup();
        secrets.query.sort();
        secrets.query.dedup();
        Self { mounts, secrets }
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("mounts", &self.served().mounts)
            .field(
                "api_keys",
                &self.api_keys.as_ref().map(|k| crate::Redacted(k.len())),
            )
            .field("journal", &self.journal)
            .field("faults", &self.faults)
            .field("states", &self.states)
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}

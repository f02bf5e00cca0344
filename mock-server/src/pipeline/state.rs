//! `--stateful`: the resources the documents imply (from each provider's
//! `lifecycle.yaml`), kept in memory by their path ids, so cancelling twice
//! gets the document's "already cancelled" answer. Off by default.
//!
//! An id seen for the first time is in its resource's initial state unless
//! seeded otherwise. At most [`MAX_RESOURCES`] are remembered: beyond that,
//! new ids act from their initial state without being stored, so memory
//! stays bounded however many ids a CI run invents.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use crate::model::{Operation, Provider, Resource, Transition};
use crate::mount::Mount;
use crate::pipeline::routes::PathParams;

/// Resources remembered at most.
pub const MAX_RESOURCES: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    provider: &'static str,
    resource: &'static str,
    ids: Vec<String>,
}

/// Every resource's state.
#[derive(Debug)]
pub struct States {
    enabled: bool,
    states: Mutex<HashMap<Key, &'static str>>,
}

/// One resource in a state, as `GET /__mock/state` lists it and
/// `POST /__mock/state` seeds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceState {
    /// The provider.
    pub provider: String,
    /// The resource kind, as its `lifecycle.yaml` names it.
    pub resource: String,
    /// Its key: path parameter name to value.
    pub key: BTreeMap<String, String>,
    /// Its state.
    pub state: String,
}

/// Why a resource cannot be seeded.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum StateError {
    /// The mock was started without `--stateful`.
    #[error("the mock keeps no state: start it with --stateful (Config::stateful)")]
    Stateless,
    /// Not the JSON shape of a resource state.
    #[error("not a resource state: {0}")]
    Shape(String),
    /// No such provider is served.
    #[error("no provider `{0}` is served")]
    Provider(String),
    /// The provider has no such resource.
    #[error("provider `{0}` has no resource `{1}`; resources: {2}")]
    Resource(String, String, String),
    /// The key does not name exactly the resource's key parameters.
    #[error("resource `{0}` is keyed by {1}")]
    Key(String, String),
    /// No such state.
    #[error("`{0}` is not a state of `{1}`; states: {2}")]
    State(String, String, String),
    /// Too many resources remembered.
    #[error("{MAX_RESOURCES} resources are remembered already")]
    Full,
}

impl States {
    /// A store; `enabled: false` keeps nothing and answers nothing.
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            states: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the mock is stateful.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The transition `operation` makes for the resource its path names,
    /// applied; `None` when the mock is stateless, the operation acts on no
    /// resource, or no transition applies in the resource's state.
    pub fn advance(
        &self,
        provider: &'static Provider,
        operation: &'static Operation,
        path_params: &PathParams,
    ) -> Option<&'static Transition> {
        if !self.enabled {
            return None;
        }
        let lifecycle = operation.lifecycle.as_ref()?;
        let resource = provider
            .resources
            .iter()
            .find(|r| r.name == lifecycle.resource)?;
        let ids = resource
            .key
            .iter()
            .map(|name| {
                path_params
                    .iter()
                    .find(|(param, _)| param == name)
                    .and_then(|(_, value)| value.clone())
            })
            .collect::<Option<Vec<String>>>()?;
        let key = Key {
            provider: provider.name,
            resource: resource.name,
            ids,
        };
        let mut states = self.lock();
        let state = states.get(&key).copied().unwrap_or(resource.initial);
        let transition = lifecycle
            .transitions
            .iter()
            .find(|t| t.from.contains(&state))?;
        if let Some(next) = transition.to
            && (states.len() < MAX_RESOURCES || states.contains_key(&key))
        {
            states.insert(key, next);
        }
        Some(transition)
    }

    /// Puts a resource in a state.
    pub fn seed(&self, mounts: &[Mount], seed: &ResourceState) -> Result<(), StateError> {
        if !self.enabled {
            return Err(StateError::Stateless);
        }
        let provider = mounts
            .iter()
            .map(|m| m.provider)
            .find(|p| p.name == seed.provider)
            .ok_or_else(|| StateError::Provider(seed.provider.clone()))?;
        let resource = provider
            .resources
            .iter()
            .find(|r| r.name == seed.resource)
            .ok_or_else(|| {
                let names: Vec<&str> = provider.resources.iter().map(|r| r.name).collect();
                StateError::Resource(
                    seed.provider.clone(),
                    seed.resource.clone(),
                    names.join(", "),
                )
            })?;
        let state = resource
            .states
            .iter()
            .find(|s| **s == seed.state)
            .ok_or_else(|| {
                StateError::State(
                    seed.state.clone(),
                    seed.resource.clone(),
                    resource.states.join(", "),
                )
            })?;
        let ids = key_ids(resource, &seed.key)?;
        let key = Key {
            provider: provider.name,
            resource: resource.name,
            ids,
        };
        let mut states = self.lock();
        if states.len() >= MAX_RESOURCES && !states.contains_key(&key) {
            return Err(StateError::Full);
        }
        states.insert(key, state);
        Ok(())
    }

    /// Every remembered resource, sorted.
    pub fn list(&self, mounts: &[Mount]) -> Vec<ResourceState> {
        let states = self.lock();
        let mut listed: Vec<ResourceState> = states
            .iter()
            .filter_map(|(key, state)| {
                let resource = mounts
                    .iter()
                    .find(|m| m.provider.name == key.provider)?
                    .provider
                    .resources
                    .iter()
                    .find(|r| r.name == key.resource)?;
                Some(ResourceState {
                    provider: key.provider.to_string(),
                    resource: key.resource.to_string(),
                    key: resource
                        .key
                        .iter()
                        .map(|name| name.to_string())
                        .zip(key.ids.iter().cloned())
                        .collect(),
                    state: state.to_string(),
                })
            })
            .collect();
        listed.sort_by(|a, b| {
            (&a.provider, &a.resource, &a.key).cmp(&(&b.provider, &b.resource, &b.key))
        });
        listed
    }

    /// The remembered resources of `provider`'s kind `resource`, sorted by
    /// key: each key's values (in the resource's key order) and its state.
    pub fn held(&self, provider: &str, resource: &str) -> Vec<(Vec<String>, &'static str)> {
        let mut held: Vec<(Vec<String>, &'static str)> = self
            .lock()
            .iter()
            .filter(|(key, _)| key.provider == provider && key.resource == resource)
            .map(|(key, state)| (key.ids.clone(), *state))
            .collect();
        held.sort();
        held
    }

    /// Forgets every resource.
    pub fn reset(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Key, &'static str>> {
        self.states.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The key's values in the resource's key order; exactly its parameters.
fn key_ids(resource: &Resource, key: &BTreeMap<String, String>) -> Result<Vec<String>, StateError> {
    let wrong = || StateError::Key(resource.name.to_string(), resource.key.join(", "));
    if key.len() != resource.key.len() {
        return Err(wrong());
    }
    resource
        .key
        .iter()
        .map(|name| key.get(*name).cloned().ok_or_else(wrong))
        .collect()
}

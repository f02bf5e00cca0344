//! One way to cancel long-running work on any of the providers.
//!
//! [`Canceller::cancel`] takes a [`Target`] (the provider and the ids its
//! cancel operation takes) and answers with a [`Cancellation`]: a neutral
//! [`CancelStatus`] plus the provider's own typed response or error. The
//! mapping, from each provider's documented statuses and bodies:
//!
//! | provider    | documented answer                          | status            |
//! |-------------|--------------------------------------------|-------------------|
//! | Phala Cloud | 200, `cancelled: true`                     | `Cancelled`       |
//! | Phala Cloud | 200, `cancelled: false`                    | `NothingToCancel` |
//! | Phala Cloud | 401, 403                                   | `NotAllowed`      |
//! | Phala Cloud | 404                                        | `NotFound`        |
//! | Phala Cloud | 409 (this operation type cannot be cancelled), 422 | `Rejected` |
//! | Akua        | 202, `done: false` (or `state: RUNNING`)   | `Requested`       |
//! | Akua        | 202, `done: true`, `state: CANCELLED`      | `Cancelled`       |
//! | Akua        | 202, `done: true`, `SUCCEEDED`/`FAILED`    | `AlreadyFinished` |
//! | Akua        | 401, 403                                   | `NotAllowed`      |
//! | Akua        | 404                                        | `NotFound`        |
//! | Akua        | 422 (the operation is already terminal)    | `AlreadyFinished` |
//! | Chamelio    | 200                                        | `Cancelled`       |
//! | Chamelio    | 401                                        | `NotAllowed`      |
//! | Chamelio    | 404                                        | `NotFound`        |
//! | Chamelio    | 409 (completed, failed or cancelled)       | `AlreadyFinished` |
//! | PromptLayer | 200, `cancelled_cell_count > 0`            | `Cancelled`       |
//! | PromptLayer | 200, `cancelled_cell_count: 0`             | `NothingToCancel` |
//! | PromptLayer | 400 (invalid workspace context)            | `Rejected`        |
//! | PromptLayer | 404                                        | `NotFound`        |
//!
//! Anything else (Chamelio's 500, an undocumented status, a body that does
//! not parse, a transport failure, a timeout) has no neutral meaning and is a
//! [`CancelError`] holding the provider's typed error. Phala's force-stop is a
//! different action (it stops the machine) and is not offered here.
//!
//! Only Akua's cancel is asynchronous (`Requested`): [`Canceller::cancel_and_wait`]
//! then follows the operation with `POST /operations/{id}:wait` (which
//! long-polls server-side, at most 60 s per call) until it is done or the
//! [`WaitPolicy`]'s deadline passes, backing off between calls that return
//! early. The other providers' answers are already final.

use std::time::Duration;

use crate::environment::Env;
use crate::{
    ClientBuilder, ConfigError, Provider, ResponseValue, akua, chamelio, phala, promptlayer,
};

/// What to cancel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The in-progress operation of a Phala Cloud CVM.
    PhalaCvmOperation {
        /// The CVM.
        cvm_id: String,
    },
    /// An Akua long-running operation.
    AkuaOperation {
        /// The operation, e.g. `op_...`.
        operation_id: String,
    },
    /// A Chamelio task.
    ChamelioTask {
        /// The task.
        task_id: i64,
    },
    /// A PromptLayer table-sheet recalculation.
    PromptLayerSheetOperation {
        /// The table (a UUID).
        table_id: String,
        /// The sheet (a UUID).
        sheet_id: String,
        /// The recalculation operation.
        operation_id: String,
    },
}

/// What a cancel request achieved, in the same words for every provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelStatus {
    /// The work is cancelled.
    Cancelled,
    /// Cancellation is under way; the work may still report progress for a while.
    Requested,
    /// Nothing was running to cancel.
    NothingToCancel,
    /// The work had already finished (succeeded, failed or was cancelled).
    AlreadyFinished,
    /// No such work, or not visible to this credential.
    NotFound,
    /// The credential is missing, invalid or not allowed to cancel it.
    NotAllowed,
    /// The provider refused this cancel request (e.g. this kind of work cannot be cancelled).
    Rejected,
}

/// The neutral status and the provider's own typed answer.
#[derive(Debug)]
pub struct Cancellation {
    /// What happened, provider-neutral.
    pub status: CancelStatus,
    /// The provider's typed response (or documented error).
    pub response: ProviderResponse,
}

/// What a wait call may take beyond the time the server holds it.
const WAIT_CALL_MARGIN: Duration = Duration::from_secs(30);

/// How [`Canceller::cancel_and_wait`] follows an asynchronous cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitPolicy {
    /// How long to follow the work before giving up (the answer is then
    /// still `Requested`).
    pub deadline: Duration,
    /// The pause after a wait call that returned before its own timeout
    /// without the work being done; doubled each time up to `max_backoff`.
    pub initial_backoff: Duration,
    /// The longest pause between wait calls.
    pub max_backoff: Duration,
}

impl Default for WaitPolicy {
    /// Two minutes, pauses from 250 ms up to 5 s.
    fn default() -> Self {
        Self {
            deadline: Duration::from_secs(120),
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// What [`Canceller::cancel_and_wait`] saw: the cancel call's own answer,
/// and for an asynchronous cancel the last state it followed the work to.
#[derive(Debug)]
pub struct WaitedCancellation {
    /// The final neutral status: `Requested` only when the deadline passed
    /// with the work still running.
    pub status: CancelStatus,
    /// The cancel call's answer.
    pub cancellation: Cancellation,
    /// The last answer of the call that followed the work (Akua's
    /// `operations.wait`), if the cancel was asynchronous.
    pub followed: Option<AkuaWaitResult>,
    /// How many wait calls were made.
    pub polls: u32,
}

/// A provider's own typed answer to its cancel operation (boxed: the
/// providers' types differ a lot in size).
#[derive(Debug)]
pub enum ProviderResponse {
    /// Phala Cloud's `cancel_cvm_operation`.
    Phala(Box<PhalaResult>),
    /// Akua's `operations.cancel`.
    Akua(Box<AkuaResult>),
    /// Chamelio's `cancelTask`.
    Chamelio(Box<ChamelioResult>),
    /// PromptLayer's `cancelTableSheetOperation`.
    PromptLayer(Box<PromptLayerResult>),
}

/// What Phala Cloud's `send()` returned.
pub type PhalaResult = Result<
    ResponseValue<phala::types::CancelOperationRequest>,
    phala::errors::CancelCvmOperationError,
>;
/// What Akua's `send()` returned.
pub type AkuaResult =
    Result<ResponseValue<akua::types::Operation>, akua::errors::OperationsCancelError>;
/// What Akua's `operations.wait` returned.
pub type AkuaWaitResult =
    Result<ResponseValue<akua::types::Operation>, akua::errors::OperationsWaitError>;
/// What Chamelio's `send()` returned.
pub type ChamelioResult =
    Result<ResponseValue<chamelio::types::CancelTaskResponse>, chamelio::errors::CancelTaskError>;
/// What PromptLayer's `send()` returned.
pub type PromptLayerResult = Result<
    ResponseValue<promptlayer::types::CancelTableSheetOperationResponse>,
    promptlayer::errors::CancelTableSheetOperationError,
>;

/// A cancel call whose answer has no neutral meaning.
#[derive(Debug, thiserror::Error)]
pub enum CancelError {
    /// No client is configured for the target's provider.
    #[error("no {0} client is configured")]
    NotConfigured(&'static str),
    /// Phala Cloud's typed error.
    #[error("Phala Cloud: {0}")]
    Phala(#[source] phala::errors::CancelCvmOperationError),
    /// Akua's typed error.
    #[error("Akua: {0}")]
    Akua(#[source] akua::errors::OperationsCancelError),
    /// Akua's typed error while following a requested cancel.
    #[error("Akua, waiting for the operation: {0}")]
    AkuaWait(#[source] akua::errors::OperationsWaitError),
    /// Chamelio's typed error.
    #[error("Chamelio: {0}")]
    Chamelio(#[source] chamelio::errors::CancelTaskError),
    /// PromptLayer's typed error.
    #[error("PromptLayer: {0}")]
    PromptLayer(#[source] promptlayer::errors::CancelTableSheetOperationError),
}

/// The clients to cancel with; a provider without one cannot be a target.
#[derive(Debug, Clone, Default)]
pub struct Canceller {
    /// Phala Cloud.
    pub phala: Option<phala::Client>,
    /// Akua.
    pub akua: Option<akua::Client>,
    /// Chamelio.
    pub chamelio: Option<chamelio::Client>,
    /// PromptLayer.
    pub promptlayer: Option<promptlayer::Client>,
}

impl Canceller {
    /// A client for every provider whose credential variable is set, each
    /// as its `Client::from_env()` makes it: at the URL in its base URL
    /// variable (e.g. `CHAMELIO_BASE_URL`) when that is set and not empty.
    /// A provider whose variables cannot be used (a malformed base URL) is
    /// left out with a `WARN` log; [`Self::try_from_env`] says why instead.
    pub fn from_env() -> Self {
        Self::from_env_with(&crate::environment::process_env, |error| {
            tracing::warn!(%error, "no client for this provider: its environment cannot be used");
        })
    }

    /// [`Self::from_env`], but a provider whose key is set and whose
    /// variables cannot be used is an error rather than left out.
    pub fn try_from_env() -> Result<Self, ConfigError> {
        let mut first = None;
        let canceller = Self::from_env_with(&crate::environment::process_env, |error| {
            first.get_or_insert(error);
        });
        first.map_or(Ok(canceller), Err)
    }

    /// A client per provider whose key `env` holds; `skipped` hears why a
    /// provider with a key has no client.
    fn from_env_with(env: Env<'_>, mut skipped: impl FnMut(ConfigError)) -> Self {
        Self {
            phala: from_env(env, &mut skipped),
            akua: from_env(env, &mut skipped),
            chamelio: from_env(env, &mut skipped),
            promptlayer: from_env(env, &mut skipped),
        }
    }

    /// Cancels `target` and says what that achieved.
    pub async fn cancel(&self, target: &Target) -> Result<Cancellation, CancelError> {
        use CancelStatus::*;
        match target {
            Target::PhalaCvmOperation { cvm_id } => {
                use phala::errors::CancelCvmOperationError as E;
                let client = self
                    .phala
                    .as_ref()
                    .ok_or(CancelError::NotConfigured("Phala Cloud"))?;
                let result = client
                    .cancel_cvm_operation()
                    .cvm_id(cvm_id.as_str())
                    .send()
                    .await;
                let (status, result) = neutral(
                    result,
                    |body| {
                        if body.cancelled {
                            Cancelled
                        } else {
                            NothingToCancel
                        }
                    },
                    |error| match error {
                        E::Unauthorized(_) | E::Forbidden(_) => Some(NotAllowed),
                        E::NotFound(_) => Some(NotFound),
                        E::Conflict(_) | E::UnprocessableContent(_) => Some(Rejected),
                        _ => None,
                    },
                )
                .map_err(CancelError::Phala)?;
                Ok(Cancellation {
                    status,
                    response: ProviderResponse::Phala(Box::new(result)),
                })
            }
            Target::AkuaOperation { operation_id } => {
                use akua::errors::OperationsCancelError as E;
                let client = self
                    .akua
                    .as_ref()
                    .ok_or(CancelError::NotConfigured("Akua"))?;
                let result = client
                    .operations_cancel()
                    .id(operation_id.as_str())
                    .send()
                    .await;
                let (status, result) = neutral(
                    result,
                    |operation| akua_status(&operation.done, operation.state),
                    |error| match error {
                        E::Unauthorized(_) | E::Forbidden(_) => Some(NotAllowed),
                        E::NotFound(_) => Some(NotFound),
                        E::UnprocessableContent(_) => Some(AlreadyFinished),
                        _ => None,
                    },
                )
                .map_err(CancelError::Akua)?;
                Ok(Cancellation {
                    status,
                    response: ProviderResponse::Akua(Box::new(result)),
                })
            }
            Target::ChamelioTask { task_id } => {
                use chamelio::errors::CancelTaskError as E;
                let client = self
                    .chamelio
                    .as_ref()
                    .ok_or(CancelError::NotConfigured("Chamelio"))?;
                let result = client.cancel_task().task_id(*task_id).send().await;
                let (status, result) = neutral(
                    result,
                    |_| Cancelled,
                    |error| match error {
                        E::Unauthorized(_) => Some(NotAllowed),
                        E::NotFound(_) => Some(NotFound),
                        E::Conflict(_) => Some(AlreadyFinished),
                        _ => None,
                    },
                )
                .map_err(CancelError::Chamelio)?;
                Ok(Cancellation {
                    status,
                    response: ProviderResponse::Chamelio(Box::new(result)),
                })
            }
            Target::PromptLayerSheetOperation {
                table_id,
                sheet_id,
                operation_id,
            } => {
                use promptlayer::errors::CancelTableSheetOperationError as E;
                let client = self
                    .promptlayer
                    .as_ref()
                    .ok_or(CancelError::NotConfigured("PromptLayer"))?;
                let result = client
                    .cancel_table_sheet_operation()
                    .table_id(table_id.as_str())
                    .sheet_id(sheet_id.as_str())
                    .operation_id(operation_id.as_str())
                    .send()
                    .await;
                let (status, result) = neutral(
                    result,
                    |body| {
                        if body.cancelled_cell_count > 0 {
                            Cancelled
                        } else {
                            NothingToCancel
                        }
                    },
                    |error| match error {
                        E::BadRequest(_) => Some(Rejected),
                        E::NotFound(_) => Some(NotFound),
                        _ => None,
                    },
                )
                .map_err(CancelError::PromptLayer)?;
                Ok(Cancellation {
                    status,
                    response: ProviderResponse::PromptLayer(Box::new(result)),
                })
            }
        }
    }
}

impl Canceller {
    /// Cancels `target` and, when the provider cancels asynchronously
    /// (`Requested`), follows the work until it is done or `policy`'s
    /// deadline passes. A documented error while following it (the operation
    /// vanished, the credential was revoked) is a [`CancelError`].
    pub async fn cancel_and_wait(
        &self,
        target: &Target,
        policy: WaitPolicy,
    ) -> Result<WaitedCancellation, CancelError> {
        let started = tokio::time::Instant::now();
        let cancellation = self.cancel(target).await?;
        let (Target::AkuaOperation { operation_id }, CancelStatus::Requested, Some(client)) =
            (target, cancellation.status, &self.akua)
        else {
            return Ok(WaitedCancellation {
                status: cancellation.status,
                cancellation,
                followed: None,
                polls: 0,
            });
        };
        let deadline = started + policy.deadline;
        let mut backoff = policy.initial_backoff;
        let mut status = CancelStatus::Requested;
        let mut followed = None;
        let mut polls = 0;
        loop {
            let now = tokio::time::Instant::now();
            if now >= deadline {
                break;
            }
            // The server's own long-poll bound: 1 to 60 seconds.
            let timeout = std::num::NonZeroU64::new((deadline - now).as_secs().clamp(1, 60))
                .unwrap_or(std::num::NonZeroU64::MIN);
            // The attempt must outlive the server's hold: the client's own
            // per-attempt timeout (30 s by default) would cut a 60 s poll.
            let options = crate::CallOptions {
                timeout: Some(Duration::from_secs(timeout.get()) + WAIT_CALL_MARGIN),
                retries: None,
            };
            let call = client
                .operations_wait()
                .id(operation_id.as_str())
                .timeout(timeout)
                .send_with(options);
            // The HTTP call may outlive the deadline by its own timeout; the
            // deadline is the caller's.
            let Ok(result) = tokio::time::timeout_at(deadline, call).await else {
                break;
            };
            polls += 1;
            let result = result.map_err(CancelError::AkuaWait)?;
            status = akua_status(&result.done, result.state);
            followed = Some(Ok(result));
            if status != CancelStatus::Requested {
                break;
            }
            let returned_early = now.elapsed() < Duration::from_secs(timeout.get());
            if returned_early {
                tokio::time::sleep_until((tokio::time::Instant::now() + backoff).min(deadline))
                    .await;
                backoff = (backoff * 2).min(policy.max_backoff);
            }
        }
        Ok(WaitedCancellation {
            status,
            cancellation,
            followed,
            polls,
        })
    }
}

/// The neutral status of an Akua operation's `done` and `state`.
fn akua_status(done: &bool, state: akua::types::OperationState) -> CancelStatus {
    use akua::types::OperationState;
    match (done, state) {
        (false, _) | (true, OperationState::Running) => CancelStatus::Requested,
        (true, OperationState::Cancelled) => CancelStatus::Cancelled,
        (true, OperationState::Succeeded | OperationState::Failed) => CancelStatus::AlreadyFinished,
    }
}

/// What `C::from_env()` makes with the variables of `env`; `None` without a
/// key, and when `skipped` was told why not.
fn from_env<C: Provider>(env: Env<'_>, skipped: &mut dyn FnMut(ConfigError)) -> Option<C> {
    match ClientBuilder::<C>::default()
        .with_env(env)
        .and_then(ClientBuilder::build)
    {
        Ok(client) => Some(client),
        Err(ConfigError::MissingCredential(_)) => None,
        Err(error) => {
            skipped(error);
            None
        }
    }
}

/// The neutral status of a typed result, keeping the result; an error with
/// no neutral meaning is handed back.
fn neutral<T, E>(
    result: Result<T, E>,
    success: impl FnOnce(&T) -> CancelStatus,
    failure: impl FnOnce(&E) -> Option<CancelStatus>,
) -> Result<(CancelStatus, Result<T, E>), E> {
    match result {
        Ok(value) => Ok((success(&value), Ok(value))),
        Err(error) => match failure(&error) {
            Some(status) => Ok((status, Err(error))),
            None => Err(error),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::ffi::OsString;

    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: HashMap<String, OsString> = vars
            .iter()
            .map(|(name, value)| (name.to_string(), OsString::from(value)))
            .collect();
        move |name| vars.get(name).cloned()
    }

    fn skipped(vars: &[(&str, &str)]) -> (Canceller, Vec<String>) {
        let mut errors = Vec::new();
        let canceller =
            Canceller::from_env_with(&env(vars), |error| errors.push(error.to_string()));
        (canceller, errors)
    }

    #[test]
    fn a_client_per_provider_with_a_key_at_its_base_url() {
        let (canceller, errors) = skipped(&[
            ("CHAMELIO_API_KEY", "k"),
            ("CHAMELIO_BASE_URL", "http://127.0.0.1:4010/chamelio/"),
            ("AKUA_API_TOKEN", "t"),
            ("AKUA_BASE_URL", ""),
            ("PROMPTLAYER_BASE_URL", "http://127.0.0.1:4010/promptlayer"),
        ]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            canceller.chamelio.unwrap().base_url(),
            "http://127.0.0.1:4010/chamelio"
        );
        // Empty is unset: the public server.
        assert_eq!(
            canceller.akua.unwrap().base_url(),
            <akua::Client as Provider>::DEFAULT_BASE_URL
        );
        // A base URL without a key makes no client.
        assert!(canceller.promptlayer.is_none() && canceller.phala.is_none());
    }

    #[test]
    fn a_provider_with_a_malformed_base_url_is_reported() {
        let (canceller, errors) = skipped(&[
            ("PHALA_CLOUD_API_KEY", "k"),
            ("PHALA_CLOUD_BASE_URL", "cloud-api.phala.com"),
            ("CHAMELIO_API_KEY", "k"),
        ]);
        assert!(canceller.phala.is_none() && canceller.chamelio.is_some());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("PHALA_CLOUD_BASE_URL"), "{}", errors[0]);
    }
}

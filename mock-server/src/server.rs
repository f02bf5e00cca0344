//! A request's path through the mock. The accept loop ([`dispatch`]) sends
//! the mock's own API (`/__mock/*`, `ci::admin`) through [`router`] and
//! everything else straight to `handle` (`router` alone, as
//! `mock_server::router` embeds it, sends it there as its fallback), which
//! runs the stages in order and records what happened (a log line, a
//! journal entry):
//!
//! ```text
//! read (limits, body)      pipeline/request.rs, pipeline/limits.rs
//! route (mount, operation) mount.rs, pipeline/routes.rs
//! fault (injected)         ci/faults.rs
//! authenticate             pipeline/auth.rs
//! validate                 pipeline/validate/
//! lifecycle (--stateful)   pipeline/state.rs
//! select                   pipeline/select.rs
//! stream (event streams)  pipeline/events.rs
//! size (files)            pipeline/files.rs
//! page (list operations)   pipeline/pages.rs
//! render                   pipeline/render.rs
//! callbacks (on a success) ci/callbacks.rs
//! ```
//!
//! A stage that declines answers with a [`Refusal`]. A proxied provider's
//! requests (`--proxy`) go to its upstream after the mount is found
//! (`proxy/`), every other stage skipped; with `--replay`, a recorded
//! exchange (`proxy/cassette.rs`) answers an authenticated, valid request
//! in place of lifecycle..render.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::ORIGIN;
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;

use crate::ci::faults::{self, Fault, FaultKind};
use crate::ci::{callbacks, cors, journal};
use crate::model::{Example, Operation, Provider};
use crate::mount::Mount;
use crate::pipeline::auth;
use crate::pipeline::refusal::Refusal;
use crate::pipeline::render;
use crate::pipeline::request::{Incoming, truncate};
use crate::pipeline::routes::{PathParams, RouteMatch, find};
use crate::pipeline::select::{Preference, select};
use crate::pipeline::validate::check_request;
use crate::pipeline::{events, files, pages};
use crate::proxy;
use crate::proxy::violations::Violation;
use crate::serve::Abort;
use crate::shared::{Served, Shared};
use mock_model::problem::Problem;

/// The server's routes. CORS is a middleware on the mock's own API and a
/// step of `handle` for the APIs (no boxed middleware on the hot path).
pub fn router(shared: Arc<Shared>) -> Router {
    let mut admin = crate::ci::admin::routes();
    if shared.cors {
        admin = admin.layer(axum::middleware::from_fn(cors::cors));
    }
    admin.fallback(handle).with_state(shared)
}

/// A request's answer as the accept loop (`serve.rs`) gets it: the mock's
/// own API through `router` (its routes, and CORS middleware), every other
/// request straight to `handle`, where the router's fallback would send it,
/// without the router's matching, URL-parameter extension and handler
/// plumbing (about 4,000 of 27,700 instructions a request, callgrind).
pub(crate) async fn dispatch(router: Router, shared: Arc<Shared>, request: Request) -> Response {
    if request.uri().path().starts_with("/__mock/") {
        match router.oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    } else {
        handle(State(shared), request).await
    }
}

/// What became of a request, for the log and the journal.
struct Answered {
    response: Response,
    provider: Option<&'static str>,
    operation_id: Option<&'static str>,
    problems: Vec<Problem>,
    fault: Option<u64>,
    body: journal::RequestBody,
    violations: Vec<Violation>,
    /// Delivery ids of the callbacks the answer started.
    callbacks: Vec<String>,
}

impl Answered {
    fn new(response: Response) -> Self {
        Self {
            response,
            provider: None,
            operation_id: None,
            problems: Vec::new(),
            fault: None,
            body: journal::RequestBody::default(),
            violations: Vec::new(),
            callbacks: Vec::new(),
        }
    }

    /// The status sent; `0` when the connection is dropped instead.
    fn status(&self) -> u16 {
        match self.response.extensions().get::<Abort>() {
            Some(_) => 0,
            None => self.response.status().as_u16(),
        }
    }
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    if shared.cors
        && let Some(answer) = cors::preflight(request.method(), request.headers())
    {
        return answer;
    }
    let origin = shared
        .cors
        .then(|| request.headers().get(ORIGIN).cloned())
        .flatten();
    let started = Instant::now();
    let method = request.method().clone();
    let uri = request.uri().clone();
    let served = shared.served();
    let noted = shared
        .journal
        .enabled()
        .then(|| journal::Request::new(&method, &uri, request.headers(), &served.secrets));
    let answered = answer(&shared, &served, request).await;
    let status = answered.status();
    let operation_id = answered.operation_id;
    tracing::info!(
        method = %method,
        path = %truncate(uri.path(), 256),
        operation = operation_id.unwrap_or("-"),
        status,
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    if let Some(noted) = noted {
        shared.journal.record(
            noted,
            answered.body,
            journal::Answer {
                provider: answered.provider,
                operation_id,
                status,
                problems: &answered.problems,
                fault: answered.fault,
                violations: &answered.violations,
                callbacks: answered.callbacks,
            },
        );
    }
    let mut response = answered.response;
    if shared.cors {
        cors::decorate(origin, &mut response);
    }
    response
}

async fn answer(shared: &Shared, served: &Served, request: Request) -> Answered {
    let request = match Incoming::read(request, shared.body_limits).await {
        Ok(request) => request,
        Err(exceeded) => return Answered::new(Refusal::Oversized(exceeded).into_response()),
    };
    let Some((mount, rest)) = mount_of(&served.mounts, request.uri.path()) else {
        let refusal = Refusal::NoApi {
            path: truncate(request.uri.path(), 256).to_string(),
        };
        let mut answered = Answered::new(refusal.into_response());
        answered.body = request.into();
        return answered;
    };
    let provider = mount.provider;
    if let Some(upstreams) = shared.proxy.upstreams_for(provider.name) {
        let (proxy, secrets) = (&shared.proxy, &served.secrets);
        let proxied = proxy::proxied(proxy, upstreams, secrets, provider, rest, &request).await;
        return Answered {
            response: proxied.response,
            provider: Some(provider.name),
            operation_id: proxied.operation_id,
            problems: Vec::new(),
            fault: None,
            body: request.into(),
            violations: proxied.violations,
            callbacks: Vec::new(),
        };
    }
    let (operation, path_params) = match route(provider, &request, rest) {
        Ok(routed) => routed,
        Err(refusal) => {
            let mut answered = Answered::new(refusal.into_response());
            answered.body = request.into();
            return answered;
        }
    };
    let fault = shared.faults.take(provider.name, operation.operation_id);
    if let Some((_, fault)) = &fault
        && fault.delay_ms > 0
    {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    let mut problems = Vec::new();
    let mut violations = Vec::new();
    let mut started = Vec::new();
    let response = match &fault {
        Some((
            _,
            Fault {
                fault: Some(kind @ (FaultKind::Reset | FaultKind::Close)),
                ..
            },
        )) => {
            let mut response = StatusCode::OK.into_response();
            let abort = if *kind == FaultKind::Reset {
                Abort::Reset
            } else {
                Abort::Close
            };
            response.extensions_mut().insert(abort);
            response
        }
        Some((
            id,
            Fault {
                status: Some(status),
                ..
            },
        )) => faults::fault_answer(*id, *status, operation),
        // A recording answers only a request the mock itself would admit:
        // without credentials, or invalid, it gets the mock's refusal.
        _ => match admit(shared, operation, &path_params, &request) {
            Err(refusal) => {
                problems = refusal.problems().to_vec();
                refusal.into_response()
            }
            Ok(()) => match proxy::replay(
                &shared.proxy,
                &served.secrets,
                provider,
                operation,
                rest,
                &request,
            ) {
                Some(loaded) => {
                    violations = loaded.violations.clone();
                    proxy::replayed(&loaded)
                }
                None => match respond(shared, provider, operation, &path_params, &request) {
                    Ok(response) => {
                        if shared.callbacks
                            && !operation.callbacks.is_empty()
                            && response.status().is_success()
                        {
                            started = callbacks::fire(
                                &shared.webhooks,
                                provider,
                                operation,
                                &request,
                                &path_params,
                            );
                        }
                        response
                    }
                    Err(refusal) => {
                        problems = refusal.problems().to_vec();
                        refusal.into_response()
                    }
                },
            },
        },
    };
    let fault_id = fault.as_ref().map(|(id, _)| *id);
    let response = match fault {
        Some((id, fault)) => faults::apply_fault(response, id, &fault).await,
        None => response,
    };
    Answered {
        response,
        provider: Some(provider.name),
        operation_id: Some(operation.operation_id),
        problems,
        fault: fault_id,
        body: request.into(),
        violations,
        callbacks: started,
    }
}

/// Authenticate, then validate.
fn admit(
    shared: &Shared,
    operation: &'static Operation,
    path_params: &PathParams,
    request: &Incoming,
) -> Result<(), Refusal> {
    if !auth::authenticated(operation, request, shared.api_keys.as_ref()) {
        return Err(Refusal::Unauthenticated {
            operation,
            problem: auth::missing_credentials(operation),
        });
    }
    let problems = check_request(operation, path_params, request);
    if !problems.is_empty() {
        return Err(Refusal::Invalid {
            operation,
            problems,
        });
    }
    Ok(())
}

/// For an admitted request: follow the resource's lifecycle (`--stateful`),
/// select, render.
fn respond(
    shared: &Shared,
    provider: &'static Provider,
    operation: &'static Operation,
    path_params: &PathParams,
    request: &Incoming,
) -> Result<Response, Refusal> {
    let preference = Preference::read(request.header("prefer"), request.uri.query());
    // An explicit choice of answer wins over the lifecycle, and leaves the state alone.
    let chosen = preference.code.is_some() || preference.example.is_some();
    if !chosen
        && let Some(transition) = shared.states.advance(provider, operation, path_params)
        && let Some(response) = operation
            .responses
            .iter()
            .find(|r| r.status == transition.status)
    {
        let example = transition.body.map(|body| Example {
            name: "lifecycle",
            body,
        });
        return Ok(render::declared(
            response,
            example.as_ref().or(response.examples.first()),
        ));
    }
    let (response, example) = select(operation, &preference).map_err(Refusal::Selection)?;
    let mut answer =
        if let Some(stream) = events::wanted(response, example, request, provider.stream_switch) {
            let last_event_id = request
                .headers
                .get("last-event-id")
                .and_then(|value| value.to_str().ok());
            events::stream(response, stream, &preference, last_event_id)
        } else if let Some(file) = files::sized(response, example, &preference) {
            file
        } else {
            pages::paged(
                provider,
                operation,
                response,
                example,
                request,
                &preference,
                &shared.states,
            )
            .unwrap_or_else(|| render::declared(response, example))
        };
    // A range or `default` answers with the code asked for, when it was.
    if let Some(code) = preference
        .code
        .as_deref()
        .and_then(|c| c.parse::<u16>().ok())
        && code != response.status
        && let Ok(status) = StatusCode::from_u16(code)
    {
        *answer.status_mut() = status;
    }
    Ok(answer)
}

/// The mount whose base path is the longest prefix of `path`, and the rest of the path.
fn mount_of<'a>(mounts: &'a [Mount], path: &'a str) -> Option<(&'a Mount, &'a str)> {
    mounts
        .iter()
        .filter_map(|mount| {
            let rest = path.strip_prefix(mount.base_path.as_str())?;
            (rest.is_empty() || rest.starts_with('/')).then_some((mount, rest))
        })
        .max_by_key(|(mount, _)| mount.base_path.len())
}

/// Of the operations sharing `found`'s method and path (twins told apart
/// by a `#fragment` in the document: Mistral's `/v1/conversations` and
/// `/v1/conversations#stream`), the first whose checks `request` passes;
/// `found` when none or all do. One operation alone costs a comparison.
fn twin(
    provider: &'static Provider,
    found: &'static Operation,
    params: &PathParams,
    request: &Incoming,
) -> &'static Operation {
    let mut twins = provider
        .operations
        .iter()
        .filter(|o| o.method == found.method && o.segments == found.segments);
    if twins.clone().nth(1).is_none() {
        return found;
    }
    twins
        .find(|o| check_request(o, params, request).is_empty())
        .unwrap_or(found)
}

/// The operation of `provider` at `rest` (the path below its base path).
fn route(
    provider: &'static Provider,
    request: &Incoming,
    rest: &str,
) -> Result<(&'static Operation, PathParams), Refusal> {
    match find(provider.operations, request.method.as_str(), rest) {
        RouteMatch::Found(operation, params) => {
            Ok((twin(provider, operation, &params, request), params))
        }
        RouteMatch::MethodNotAllowed(allowed) => Err(Refusal::MethodNotAllowed {
            provider: provider.name,
            method: request.method.to_string(),
            path: truncate(rest, 256).to_string(),
            allowed,
        }),
        RouteMatch::NotFound => Err(Refusal::NoOperation {
            provider: provider.name,
            path: truncate(rest, 256).to_string(),
        }),
    }
}

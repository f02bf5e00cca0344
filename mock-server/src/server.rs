//! A request's path through the mock. [`router`] serves the mock's own API
//! (`admin`) and sends everything else to `handle`, which runs the stages
//! in order and records what happened (a log line, a journal entry):
//!
//! ```text
//! read (limits, body)     request.rs, limits.rs
//! route (mount, operation) routes.rs
//! fault (injected)        faults.rs
//! authenticate            auth.rs
//! validate                validate.rs
//! lifecycle (--stateful)  state.rs
//! select                  select.rs
//! render                  render.rs
//! ```
//!
//! A stage that declines answers with a [`Refusal`]. A proxied provider's
//! requests (`--proxy`) go to its upstream after the mount is found
//! (proxy.rs), every other stage skipped; with `--replay`, a recorded
//! exchange (cassette.rs) answers in place of authenticate..render.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, ORIGIN};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::json;

use crate::cassette::{Cassette, Cassettes, Loaded, Recorder};
use crate::faults::{Fault, FaultKind, Faults};
use crate::journal::{self, Journal};
use crate::model::{Credential, Example, Operation, Provider};
use crate::proxy::{self, Upstreams};
use crate::refusal::Refusal;
use crate::render::{self, mock_error};
use crate::request::Incoming;
use crate::routes::{PathParams, RouteMatch, find};
use crate::select::{Preference, select};
use crate::serve::Abort;
use crate::state::States;
use crate::validate::{Problem, check_request};
use crate::violations::{Violation, Violations};
use crate::{auth, cors};

/// A provider mounted at a base path on this server.
#[derive(Clone)]
pub struct Mount {
    /// The provider.
    pub provider: &'static Provider,
    /// Its base path: `/akua/v1` when serving everything, `/v1` with `--provider akua`.
    pub base_path: String,
}

/// Names the provider rather than printing its model: a whole document's
/// schemas are deep enough to overflow a thread's stack when formatted.
impl std::fmt::Debug for Mount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mount")
            .field("provider", &self.provider.name)
            .field("operations", &self.provider.operations.len())
            .field("base_path", &self.base_path)
            .finish()
    }
}

/// What the handler needs; shared by every request.
pub struct Shared {
    /// The mounted providers.
    pub mounts: Vec<Mount>,
    /// Accepted credentials; `None` accepts any non-empty one.
    pub api_keys: Option<HashSet<String>>,
    /// Every request answered.
    pub journal: Journal,
    /// Injected faults.
    pub faults: Faults,
    /// Where the mounted APIs carry credentials, so the journal can redact them.
    pub secrets: journal::Secrets,
    /// Resource states (`--stateful`).
    pub states: States,
    /// Whether answers carry CORS headers and preflights are answered.
    pub cors: bool,
    /// The proxied providers' upstreams (`--proxy`).
    pub upstreams: Option<Upstreams>,
    /// Where proxied exchanges are recorded (`--record`).
    pub recorder: Option<Arc<Recorder>>,
    /// Recorded exchanges to answer with (`--replay`).
    pub cassettes: Option<Cassettes>,
    /// What the proxy and the cassettes found departing from the documents.
    pub violations: Violations,
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
        Self {
            mounts,
            api_keys,
            journal: Journal::new(journal_capacity),
            faults: Faults::default(),
            secrets,
            states: States::new(stateful),
            cors,
            upstreams: None,
            recorder: None,
            cassettes: None,
            violations: Violations::default(),
        }
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("mounts", &self.mounts)
            .field(
                "api_keys",
                &self.api_keys.as_ref().map(|k| crate::Redacted(k.len())),
            )
            .field("journal", &self.journal)
            .field("faults", &self.faults)
            .field("states", &self.states)
            .field("upstreams", &self.upstreams)
            .field("recorder", &self.recorder)
            .field("violations", &self.violations)
            .finish_non_exhaustive()
    }
}

/// The server's routes. CORS is a middleware on the mock's own API and a
/// step of `handle` for the APIs (no boxed middleware on the hot path).
pub fn router(shared: Arc<Shared>) -> Router {
    let mut admin = crate::admin::routes();
    if shared.cors {
        admin = admin.layer(axum::middleware::from_fn(cors::cors));
    }
    admin.fallback(handle).with_state(shared)
}

/// What became of a request, for the log and the journal.
struct Answered {
    response: Response,
    provider: Option<&'static str>,
    operation_id: Option<&'static str>,
    problems: Vec<Problem>,
    fault: Option<u64>,
    body: Bytes,
    violations: Vec<Violation>,
}

impl Answered {
    fn new(response: Response) -> Self {
        Self {
            response,
            provider: None,
            operation_id: None,
            problems: Vec::new(),
            fault: None,
            body: Bytes::new(),
            violations: Vec::new(),
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
    let noted = shared
        .journal
        .enabled()
        .then(|| journal::Request::new(&method, &uri, request.headers(), &shared.secrets));
    let answered = answer(&shared, request).await;
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
            &answered.body,
            journal::Answer {
                provider: answered.provider,
                operation_id,
                status,
                problems: &answered.problems,
                fault: answered.fault,
                violations: &answered.violations,
            },
        );
    }
    let mut response = answered.response;
    if shared.cors {
        cors::decorate(origin, &mut response);
    }
    response
}

async fn answer(shared: &Shared, request: Request) -> Answered {
    let request = match Incoming::read(request).await {
        Ok(request) => request,
        Err(exceeded) => return Answered::new(Refusal::Oversized(exceeded).into_response()),
    };
    let Some((mount, rest)) = mount_of(&shared.mounts, request.uri.path()) else {
        let refusal = Refusal::NoApi {
            path: truncate(request.uri.path(), 256).to_string(),
        };
        let mut answered = Answered::new(refusal.into_response());
        answered.body = request.body;
        return answered;
    };
    let provider = mount.provider;
    if let Some(upstreams) = &shared.upstreams
        && upstreams.proxies(provider.name)
    {
        let rest = rest.to_string();
        return proxied(shared, upstreams, provider, &rest, request).await;
    }
    let (operation, path_params) = match route(provider, &request, rest) {
        Ok(routed) => routed,
        Err(refusal) => {
            let mut answered = Answered::new(refusal.into_response());
            answered.body = request.body;
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
        )) => fault_answer(*id, *status, operation),
        _ => match replay(shared, provider, operation, rest, &request) {
            Some(loaded) => {
                violations = loaded.violations.clone();
                replayed(&loaded)
            }
            None => respond(shared, provider, operation, &path_params, &request).unwrap_or_else(
                |refusal| {
                    problems = refusal.problems().to_vec();
                    refusal.into_response()
                },
            ),
        },
    };
    let fault_id = fault.as_ref().map(|(id, _)| *id);
    let response = match fault {
        Some((id, fault)) => apply_fault(response, id, &fault).await,
        None => response,
    };
    Answered {
        response,
        provider: Some(provider.name),
        operation_id: Some(operation.operation_id),
        problems,
        fault: fault_id,
        body: request.body,
        violations,
    }
}

/// Forwards a request to `provider`'s upstream, checks both directions,
/// records the exchange (`--record`) and returns the upstream's answer as it came.
async fn proxied(
    shared: &Shared,
    upstreams: &Upstreams,
    provider: &'static Provider,
    rest: &str,
    request: Incoming,
) -> Answered {
    let matched = match find(provider.operations, request.method.as_str(), rest) {
        RouteMatch::Found(operation, params) => Some((operation, params)),
        RouteMatch::MethodNotAllowed(_) | RouteMatch::NotFound => None,
    };
    let forwarded = upstreams.forward(provider.name, rest, &request).await;
    let status = forwarded
        .as_ref()
        .ok()
        .map(|exchange| exchange.status.as_u16());
    let mut violations = proxy::request_violations(
        provider.name,
        matched
            .as_ref()
            .map(|(operation, params)| (*operation, params)),
        &request,
        status,
    );
    let response = match forwarded {
        Ok(exchange) => {
            if let Some((operation, _)) = &matched {
                violations.extend(proxy::response_violations(
                    provider.name,
                    operation,
                    exchange.status.as_u16(),
                    &exchange.headers,
                    &exchange.body,
                ));
                if let Some(recorder) = &shared.recorder {
                    let cassette = Cassette::record(
                        provider.name,
                        operation.operation_id,
                        rest,
                        &request,
                        &exchange,
                        &shared.secrets,
                    );
                    record(recorder.clone(), cassette).await;
                }
            }
            let mut response = Response::new(Body::from(exchange.body));
            *response.status_mut() = exchange.status;
            *response.headers_mut() = exchange.headers;
            response
        }
        Err(unreachable) => {
            tracing::warn!(provider = provider.name, reason = %unreachable.reason, "upstream unreachable");
            mock_error(
                StatusCode::BAD_GATEWAY,
                "upstream_unreachable",
                &unreachable.message(),
            )
        }
    };
    shared.violations.report(&violations);
    Answered {
        response,
        provider: Some(provider.name),
        operation_id: matched.map(|(operation, _)| operation.operation_id),
        problems: Vec::new(),
        fault: None,
        body: request.body,
        violations,
    }
}

/// Writes a cassette off the async threads; a failure is a warning, not a failed request.
async fn record(recorder: Arc<Recorder>, cassette: Cassette) {
    let written = tokio::task::spawn_blocking(move || recorder.write(&cassette)).await;
    match written {
        Ok(Ok(path)) => tracing::debug!(cassette = %path.display(), "recorded"),
        Ok(Err(error)) => tracing::warn!(%error, "cannot write a cassette"),
        Err(error) => tracing::warn!(%error, "cannot write a cassette"),
    }
}

/// The cassette recorded for this request (`--replay`), if any.
fn replay(
    shared: &Shared,
    provider: &'static Provider,
    operation: &'static Operation,
    rest: &str,
    request: &Incoming,
) -> Option<Arc<Loaded>> {
    let cassettes = shared.cassettes.as_ref()?;
    let query = request.uri.query().map(|q| shared.secrets.redact_query(q));
    let loaded = cassettes.take(
        provider.name,
        operation.operation_id,
        &request.method,
        rest,
        query,
    )?;
    if !loaded.violations.is_empty() {
        tracing::warn!(
            cassette = %loaded.file,
            violations = loaded.violations.len(),
            "replaying a stale cassette"
        );
    }
    Some(loaded)
}

/// A cassette's answer, marked `X-Mock-Replay: <file>`.
fn replayed(loaded: &Loaded) -> Response {
    let mut response = Response::new(Body::from(loaded.body.clone()));
    *response.status_mut() = loaded.status;
    *response.headers_mut() = loaded.headers.clone();
    if let Ok(file) = HeaderValue::try_from(loaded.file.as_str()) {
        response.headers_mut().insert("x-mock-replay", file);
    }
    response
}

/// Authenticate, validate, follow the resource's lifecycle (`--stateful`), select, render.
fn respond(
    shared: &Shared,
    provider: &'static Provider,
    operation: &'static Operation,
    path_params: &PathParams,
    request: &Incoming,
) -> Result<Response, Refusal> {
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
    Ok(render::declared(response, example))
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

/// The operation of `provider` at `rest` (the path below its base path).
fn route(
    provider: &'static Provider,
    request: &Incoming,
    rest: &str,
) -> Result<(&'static Operation, PathParams), Refusal> {
    match find(provider.operations, request.method.as_str(), rest) {
        RouteMatch::Found(operation, params) => Ok((operation, params)),
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

/// A fault's status: the operation's declared answer for it where there is
/// one, else a JSON body saying it is injected.
fn fault_answer(id: u64, status: u16, operation: &Operation) -> Response {
    match operation.responses.iter().find(|r| r.status == status) {
        Some(declared) => render::declared(declared, declared.examples.first()),
        None => {
            let body = json!({
                "error": "injected_fault",
                "message": format!("fault {id} answers {status}, which the document does not declare"),
            });
            let mut response = (
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                body.to_string(),
            )
                .into_response();
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
    }
}

/// Marks a fault's answer (`X-Mock-Fault`), adds its headers, and cuts its
/// body in half for `truncate`.
async fn apply_fault(mut response: Response, id: u64, fault: &Fault) -> Response {
    if response.extensions().get::<Abort>().is_some() {
        return response;
    }
    let headers = response.headers_mut();
    headers.insert("x-mock-fault", HeaderValue::from(id));
    for (name, value) in &fault.headers {
        // Checked when the fault was injected.
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            headers.insert(name, value);
        }
    }
    if fault.fault != Some(FaultKind::Truncate) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let full = to_bytes(body, usize::MAX).await.unwrap_or_default();
    if full.is_empty() {
        // Nothing to cut: break the connection instead of answering.
        let mut response = Response::from_parts(parts, Body::empty());
        response.extensions_mut().insert(Abort::Close);
        return response;
    }
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(full.len()));
    let half = futures_util::stream::iter([Ok(full.slice(..full.len() / 2))]);
    // Pending once before failing, so hyper writes out the head and the half
    // body before the error makes it drop the connection.
    let cut = futures_util::stream::once(async {
        tokio::task::yield_now().await;
        Err(std::io::Error::other("body truncated by an injected fault"))
    });
    Response::from_parts(parts, Body::from_stream(half.chain(cut)))
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((index, _)) => &text[..index],
        None => text,
    }
}

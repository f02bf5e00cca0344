//! Every way the mock declines to give a request its operation's answer,
//! as one type that renders itself: the API's own refusals (credentials,
//! validation) in the document's shape, and the mock's own answers
//! (limits, unknown paths, methods, selection) as JSON marked `X-Mock-Error`.

use axum::http::header::{ALLOW, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::model::Operation;
use crate::pipeline::auth;
use crate::pipeline::limits::Exceeded;
use crate::pipeline::render;
use crate::pipeline::select::SelectionError;
use mock_model::problem::Problem;

/// Why a request does not get its operation's answer.
#[derive(Debug)]
pub enum Refusal {
    /// Beyond a size limit (`413`, `414`, `431`).
    Oversized(Exceeded),
    /// No API is served under the path (`404`).
    NoApi {
        /// The path, cut for the message.
        path: String,
    },
    /// The API has no operation at the path (`404`).
    NoOperation {
        /// The provider.
        provider: &'static str,
        /// The path after the base URL, cut for the message.
        path: String,
    },
    /// The path exists with other methods (`405` with `Allow`).
    MethodNotAllowed {
        /// The provider.
        provider: &'static str,
        /// The method sent.
        method: String,
        /// The path after the base URL, cut for the message.
        path: String,
        /// The methods the path has.
        allowed: Vec<&'static str>,
    },
    /// Missing or invalid credentials: the operation's declared refusal.
    Unauthenticated {
        /// The operation.
        operation: &'static Operation,
        /// Where the credential was expected.
        problem: Problem,
    },
    /// Invalid input: the operation's declared validation answer.
    Invalid {
        /// The operation.
        operation: &'static Operation,
        /// Everything wrong with the request.
        problems: Vec<Problem>,
    },
    /// `Prefer`/`__code` asked for something the operation does not declare (`400`).
    Selection(SelectionError),
}

impl Refusal {
    /// The request's problems, for the journal.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Refusal::Unauthenticated { problem, .. } => std::slice::from_ref(problem),
            Refusal::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Oversized(exceeded) => {
                render::mock_error(exceeded.status(), exceeded.kind(), &exceeded.to_string())
            }
            Refusal::NoApi { path } => render::mock_error(
                StatusCode::NOT_FOUND,
                "not_found",
                &format!("no API is served under {path}"),
            ),
            Refusal::NoOperation { provider, path } => render::mock_error(
                StatusCode::NOT_FOUND,
                "not_found",
                &format!("{provider} has no operation at {path}"),
            ),
            Refusal::MethodNotAllowed {
                provider,
                method,
                path,
                allowed,
            } => {
                let allowed = allowed.join(", ");
                let message = format!(
                    "{method} {path} is not an operation of {provider}; allowed: {allowed}"
                );
                let mut response = render::mock_error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    &message,
                );
                if let Ok(allow) = HeaderValue::from_str(&allowed) {
                    response.headers_mut().insert(ALLOW, allow);
                }
                response
            }
            Refusal::Unauthenticated { operation, problem } => {
                let mut response = render::refusal(&operation.unauthorized, &[problem]);
                if auth::accepts_bearer(operation) {
                    response
                        .headers_mut()
                        .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                }
                response
            }
            Refusal::Invalid {
                operation,
                problems,
            } => {
                // Ids that cannot be valid name no resource: a declared 404 fits them.
                let only_path = problems
                    .iter()
                    .all(|p| p.location.first().is_some_and(|l| l == "path"));
                let reply = if only_path {
                    &operation.invalid_path
                } else {
                    &operation.invalid_request
                };
                render::refusal(reply, &problems)
            }
            Refusal::Selection(error) => render::mock_error(
                StatusCode::BAD_REQUEST,
                "mock_selection",
                &error.to_string(),
            ),
        }
    }
}

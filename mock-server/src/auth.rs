//! Whether a request carries the credentials its operation requires, as the
//! document (after overlays) declares them.

use std::collections::HashSet;

use axum::http::header::AUTHORIZATION;

use crate::model::{Credential, Operation};
use crate::request::Incoming;
use crate::validate::Problem;

/// Whether any security alternative of `operation` is satisfied; with
/// `api_keys`, only those values count, else any non-empty one.
pub fn authenticated(
    operation: &Operation,
    request: &Incoming,
    api_keys: Option<&HashSet<String>>,
) -> bool {
    if operation.security.is_empty() {
        return true;
    }
    let accepted = |key: Option<&str>| {
        key.is_some_and(|key| {
            !key.trim().is_empty() && api_keys.is_none_or(|keys| keys.contains(key))
        })
    };
    let authorization = |scheme: &str| {
        request.header(AUTHORIZATION.as_str()).and_then(|value| {
            let (given, token) = value.split_once(' ')?;
            given.eq_ignore_ascii_case(scheme).then_some(token.trim())
        })
    };
    operation.security.iter().any(|alternative| {
        alternative.iter().all(|credential| match credential {
            Credential::Header(name) => accepted(request.header(name)),
            Credential::Query(name) => accepted(request.query_value(name)),
            Credential::Cookie(name) => accepted(request.cookie(name)),
            Credential::Bearer => accepted(authorization("Bearer")),
            Credential::Basic => accepted(authorization("Basic")),
        })
    })
}

/// The problem a request without valid credentials has, located at the
/// first credential the operation asks for.
pub fn missing_credentials(operation: &Operation) -> Problem {
    let location = match operation.security.first().and_then(|a| a.first()) {
        Some(Credential::Header(name)) => vec!["header".into(), (*name).into()],
        Some(Credential::Query(name)) => vec!["query".into(), (*name).into()],
        Some(Credential::Cookie(name)) => vec!["cookie".into(), (*name).into()],
        _ => vec!["header".into(), "Authorization".into()],
    };
    Problem::new(
        location,
        "Not authenticated: missing or invalid credentials",
        "not_authenticated",
    )
}

/// Whether a refusal should carry `WWW-Authenticate: Bearer`.
pub fn accepts_bearer(operation: &Operation) -> bool {
    operation
        .security
        .iter()
        .any(|alternative| alternative.iter().any(|c| matches!(c, Credential::Bearer)))
}

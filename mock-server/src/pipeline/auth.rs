//! Whether a request carries the credentials its operation requires, as the
//! document (after overlays) declares them (the rules: `specs::security`).
//!
//! Any one alternative whose credentials are all present passes; an
//! operation without alternatives is public. An API key is read from its
//! header, query parameter or cookie; a bearer token from `Authorization:
//! Bearer`; basic credentials from `Authorization: Basic` holding
//! `base64(user:password)`. With `--api-key`s configured, only those values
//! count (for basic credentials, the password); else any non-empty one.

use std::collections::HashSet;

use axum::http::header::AUTHORIZATION;

use crate::model::{Credential, Operation};
use crate::pipeline::request::Incoming;
use mock_model::problem::Problem;

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
            Credential::Basic => authorization("Basic")
                .and_then(basic_password)
                .is_some_and(|password| accepted(Some(&password))),
        })
    })
}

/// The password of well-formed basic credentials (RFC 7617): base64 of
/// `user:password`, in UTF-8, with a user name.
fn basic_password(encoded: &str) -> Option<String> {
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    (!user.is_empty()).then(|| password.to_string())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_must_be_well_formed() {
        // "aladdin:opensesame", RFC 7617's example.
        assert_eq!(
            basic_password("YWxhZGRpbjpvcGVuc2VzYW1l").as_deref(),
            Some("opensesame")
        );
        // "aladdin:" has an empty password, which `accepted` then refuses.
        assert_eq!(basic_password("YWxhZGRpbjo=").as_deref(), Some(""));
        // Not base64, no colon ("aladdin"), no user (":pw"), not UTF-8.
        assert_eq!(basic_password("not base64!"), None);
        assert_eq!(basic_password("YWxhZGRpbg=="), None);
        assert_eq!(basic_password("OnB3"), None);
        assert_eq!(basic_password("/w=="), None);
    }
}

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
    use axum::http::{HeaderMap, HeaderValue, Method, Uri};

    use super::*;
    use crate::model::ErrorReply;

    const REFUSE: ErrorReply = ErrorReply {
        status: 401,
        declared: false,
        content_type: None,
        body: None,
    };

    const fn secured(security: &'static [&'static [Credential]]) -> Operation {
        Operation {
            operation_id: "op",
            method: "GET",
            path: "/x",
            segments: &[],
            parameters: &[],
            request_body: None,
            security,
            responses: &[],
            invalid_request: REFUSE,
            invalid_path: REFUSE,
            unauthorized: REFUSE,
            lifecycle: None,
            paging: None,
            callbacks: &[],
        }
    }

    static HEADER: Operation = secured(&[&[Credential::Header("x-api-key")]]);
    static QUERY: Operation = secured(&[&[Credential::Query("api_key")]]);
    static COOKIE: Operation = secured(&[&[Credential::Cookie("session")]]);
    static BEARER: Operation = secured(&[&[Credential::Bearer]]);
    static BASIC: Operation = secured(&[&[Credential::Basic]]);
    /// A key and a token together, or a cookie alone.
    static EITHER: Operation = secured(&[
        &[Credential::Header("x-api-key"), Credential::Bearer],
        &[Credential::Cookie("session")],
    ]);
    static PUBLIC: Operation = secured(&[]);

    /// A request with these headers and query pairs.
    fn request(headers: &[(&'static str, &str)], query: &[(&str, &str)]) -> Incoming {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        Incoming {
            method: Method::GET,
            uri: Uri::from_static("/x"),
            headers: map,
            query: query
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: axum::body::Bytes::new(),
            uploaded: None,
        }
    }

    fn passes(operation: &Operation, request: &Incoming) -> bool {
        authenticated(operation, request, None)
    }

    #[test]
    fn each_placement_is_read_where_the_document_puts_it() {
        assert!(passes(&HEADER, &request(&[("x-api-key", "k")], &[])));
        assert!(!passes(&HEADER, &request(&[], &[("x-api-key", "k")])));
        assert!(passes(&QUERY, &request(&[], &[("api_key", "k")])));
        assert!(!passes(&QUERY, &request(&[("api_key", "k")], &[])));
        assert!(passes(
            &COOKIE,
            &request(&[("cookie", "a=1; session=k")], &[])
        ));
        assert!(!passes(&COOKIE, &request(&[("cookie", "a=1")], &[])));
        assert!(passes(
            &BEARER,
            &request(&[("authorization", "Bearer t")], &[])
        ));
        assert!(passes(
            &BEARER,
            &request(&[("authorization", "bearer t")], &[])
        ));
        assert!(!passes(
            &BEARER,
            &request(&[("authorization", "Basic t")], &[])
        ));
        assert!(!passes(
            &BEARER,
            &request(&[("authorization", "Bearer")], &[])
        ));
        // "aladdin:opensesame".
        let basic = [("authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l")];
        assert!(passes(&BASIC, &request(&basic, &[])));
        assert!(!passes(
            &BASIC,
            &request(&[("authorization", "Bearer t")], &[])
        ));
        assert!(passes(&PUBLIC, &request(&[], &[])));
    }

    #[test]
    fn blank_values_never_pass_and_configured_keys_are_the_only_ones() {
        assert!(!passes(&HEADER, &request(&[("x-api-key", " ")], &[])));
        assert!(!passes(&QUERY, &request(&[], &[("api_key", "")])));
        // "aladdin:" has an empty password.
        assert!(!passes(
            &BASIC,
            &request(&[("authorization", "Basic YWxhZGRpbjo=")], &[])
        ));
        let keys: HashSet<String> = ["good".to_string(), "opensesame".to_string()].into();
        let with_keys = |operation, request| authenticated(operation, &request, Some(&keys));
        assert!(with_keys(&HEADER, request(&[("x-api-key", "good")], &[])));
        assert!(!with_keys(&HEADER, request(&[("x-api-key", "other")], &[])));
        assert!(with_keys(
            &BASIC,
            request(&[("authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l")], &[])
        ));
        assert!(!with_keys(
            &BEARER,
            request(&[("authorization", "Bearer other")], &[])
        ));
    }

    #[test]
    fn one_whole_alternative_is_needed() {
        let key = ("x-api-key", "k");
        let token = ("authorization", "Bearer t");
        assert!(passes(&EITHER, &request(&[key, token], &[])));
        assert!(!passes(&EITHER, &request(&[key], &[])));
        assert!(!passes(&EITHER, &request(&[token], &[])));
        assert!(passes(&EITHER, &request(&[("cookie", "session=s")], &[])));
    }

    #[test]
    fn a_refusal_points_at_the_first_credential_asked_for() {
        let location = |operation: &Operation| missing_credentials(operation).location;
        assert_eq!(location(&HEADER), ["header", "x-api-key"]);
        assert_eq!(location(&QUERY), ["query", "api_key"]);
        assert_eq!(location(&COOKIE), ["cookie", "session"]);
        assert_eq!(location(&BEARER), ["header", "Authorization"]);
        assert_eq!(location(&EITHER), ["header", "x-api-key"]);
        assert_eq!(missing_credentials(&BASIC).kind, "not_authenticated");
        // Only a bearer scheme is named in `WWW-Authenticate`.
        assert!(accepts_bearer(&BEARER));
        assert!(accepts_bearer(&EITHER));
        assert!(!accepts_bearer(&HEADER));
        assert!(!accepts_bearer(&BASIC));
    }

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

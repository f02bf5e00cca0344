//! Expectations derived from HTTP and the documents, independently of the
//! generators, so a bug shared by the SDK and the mock cannot hide.

use base64::Engine as _;
use specs::{CredentialKind, Operation, ParameterLocation};

/// The user name sent with `key` as password to HTTP basic schemes.
pub const BASIC_USER: &str = "contract";

/// Credentials as a raw request sends them: headers (cookies included)
/// and query parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    /// Header name and value pairs.
    pub headers: Vec<(String, String)>,
    /// Query parameter name and value pairs.
    pub query: Vec<(String, String)>,
}

impl Credentials {
    /// `target` (a path, maybe with a query already) with the query
    /// credentials appended, percent-encoded.
    pub fn on_target(&self, target: &str) -> String {
        let mut out = target.to_string();
        for (name, value) in &self.query {
            crate::values::push_query(&mut out, name, value);
        }
        out
    }

    /// Whether a parameter at `location` named `name` is where a credential goes.
    pub fn carries(&self, location: ParameterLocation, name: &str) -> bool {
        let pairs = match location {
            ParameterLocation::Header => &self.headers,
            ParameterLocation::Query => &self.query,
            _ => return false,
        };
        pairs.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Drops the credential sent where a parameter at `location` named
    /// `name` goes, so a row can send its own value there.
    pub fn without(mut self, location: ParameterLocation, name: &str) -> Self {
        match location {
            ParameterLocation::Header => {
                self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name))
            }
            ParameterLocation::Query => self.query.retain(|(n, _)| n != name),
            _ => {}
        }
        self
    }
}

/// `key` sent as the operation's first security alternative wants (nothing
/// for a public operation); a basic scheme gets [`BASIC_USER`] and `key`.
pub fn credentials(operation: &Operation, key: &str) -> Credentials {
    let basic = || {
        let pair = base64::engine::general_purpose::STANDARD.encode(format!("{BASIC_USER}:{key}"));
        format!("Basic {pair}")
    };
    let mut credentials = Credentials::default();
    let Some(alternative) = operation.security.first() else {
        return credentials;
    };
    for credential in alternative {
        let header = match &credential.kind {
            CredentialKind::ApiKeyQuery(name) => {
                credentials.query.push((name.clone(), key.to_string()));
                continue;
            }
            CredentialKind::ApiKeyHeader(name) => (name.clone(), key.to_string()),
            CredentialKind::ApiKeyCookie(name) => ("cookie".to_string(), format!("{name}={key}")),
            CredentialKind::Bearer | CredentialKind::OAuth2 => {
                ("authorization".to_string(), format!("Bearer {key}"))
            }
            CredentialKind::Basic => ("authorization".to_string(), basic()),
        };
        credentials.headers.push(header);
    }
    credentials
}

/// Whether an error body points at `name` exactly, as a client reads it: a
/// text holding the name as a word of its own (`"param": "limit"`,
/// `"field": "query.limit"`, `"pointer": "/query/limit"`,
/// ``"message": "invalid `limit`"``), so `id` is not found in `invalid`, or
/// a location array holding it (`"loc": ["query", "limit"]`).
pub fn names_exactly(body: &serde_json::Value, name: &str) -> bool {
    match body {
        serde_json::Value::String(text) => {
            let part_of_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
            text.match_indices(name).any(|(at, _)| {
                !text[..at].chars().next_back().is_some_and(part_of_word)
                    && !text[at + name.len()..]
                        .chars()
                        .next()
                        .is_some_and(part_of_word)
            })
        }
        serde_json::Value::Array(items) => items.iter().any(|v| names_exactly(v, name)),
        serde_json::Value::Object(members) => members.values().any(|v| names_exactly(v, name)),
        _ => false,
    }
}

/// `Ok` when an answer to a request whose only fault is `name`'s value is
/// what a client relies on: a 4xx other than 401/403/407 (credentials were
/// sent: those would blame them), a status the document does not declare
/// marked `X-Mock-Undeclared-Status` (`marked_undeclared`), a declared JSON
/// body that fits its schema, and any JSON body naming `name` as a word of
/// its own. `Err` says what is wrong.
pub fn check_refusal(
    provider: &specs::Provider,
    operation: &Operation,
    status: u16,
    marked_undeclared: bool,
    body: &[u8],
    name: &str,
) -> Result<(), String> {
    if !(400..500).contains(&status) || matches!(status, 401 | 403 | 407) {
        let text: String = String::from_utf8_lossy(body).chars().take(200).collect();
        return Err(format!(
            "answered {status}, not a client error about the value: {text}"
        ));
    }
    let json = serde_json::from_slice::<serde_json::Value>(body).ok();
    match crate::declared_body(provider, operation, status).map_err(|e| e.to_string())? {
        crate::DeclaredBody::Undeclared if !marked_undeclared => {
            return Err(format!(
                "answered {status}, which is not declared, without marking it"
            ));
        }
        crate::DeclaredBody::Json(validator) => {
            let json = json.as_ref().ok_or("the error body is not JSON")?;
            if let Some(first) = crate::violations(&validator, json).first() {
                return Err(format!("the error body breaks the document: {first}"));
            }
        }
        _ => {}
    }
    match json {
        Some(json) if !names_exactly(&json, name) => {
            Err(format!("the error does not name `{name}`: {json}"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_credentials_join_the_target_encoded() {
        let credentials = Credentials {
            headers: Vec::new(),
            query: vec![("api key".into(), "a&b".into())],
        };
        assert_eq!(credentials.on_target("/x"), "/x?api%20key=a%26b");
        assert_eq!(credentials.on_target("/x?y=1"), "/x?y=1&api%20key=a%26b");
        assert!(credentials.carries(ParameterLocation::Query, "api key"));
        assert!(!credentials.carries(ParameterLocation::Header, "api key"));
        let rest = credentials.without(ParameterLocation::Query, "api key");
        assert_eq!(rest.on_target("/x"), "/x");
    }
}

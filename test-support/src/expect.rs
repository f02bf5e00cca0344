//! Expectations derived from HTTP and the documents, independently of the
//! generators, so a bug shared by the SDK and the mock cannot hide.

use base64::Engine as _;
use specs::{CredentialKind, Operation, ParameterLocation};

/// The user name sent with `key` as password to HTTP basic schemes.
pub const BASIC_USER: &str = "contract";

/// Headers carrying `key` for the operation's first security alternative
/// that can be sent in headers alone, cookies included (none for a public
/// operation); a basic scheme gets [`BASIC_USER`] and `key`.
pub fn credentials(operation: &Operation, key: &str) -> Vec<(String, String)> {
    let header = |kind: &CredentialKind| match kind {
        CredentialKind::ApiKeyHeader(name) => Some((name.clone(), key.to_string())),
        CredentialKind::ApiKeyCookie(name) => Some(("cookie".to_string(), format!("{name}={key}"))),
        CredentialKind::Bearer | CredentialKind::OAuth2 => {
            Some(("authorization".to_string(), format!("Bearer {key}")))
        }
        CredentialKind::Basic => {
            let pair =
                base64::engine::general_purpose::STANDARD.encode(format!("{BASIC_USER}:{key}"));
            Some(("authorization".to_string(), format!("Basic {pair}")))
        }
        _ => None,
    };
    operation
        .security
        .iter()
        .find_map(|alternative| alternative.iter().map(|c| header(&c.kind)).collect())
        .unwrap_or_default()
}

/// The status a bad value at `location` must get: the documented validation
/// status (422, else 400); for a path parameter without one, a documented 404
/// (no resource has that id); else 400, declared or not.
pub fn validation_status(operation: &Operation, location: ParameterLocation) -> u16 {
    validation_statuses(location)
        .iter()
        .copied()
        .find(|code| operation.response(*code).is_some())
        .unwrap_or(400)
}

/// The statuses that may answer a bad value at `location`, in order of preference.
pub fn validation_statuses(location: ParameterLocation) -> &'static [u16] {
    match location {
        ParameterLocation::Path => &[422, 400, 404],
        _ => &[422, 400],
    }
}

/// The error variant the SDK must use for `code`: its reason phrase in PascalCase.
pub fn variant_for(code: u16) -> String {
    let reason = http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    reason
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first
                .into_iter()
                .chain(chars.map(|c| c.to_ascii_lowercase()))
                .collect::<String>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names_follow_reason_phrases() {
        assert_eq!(variant_for(404), "NotFound");
        assert_eq!(variant_for(422), "UnprocessableEntity");
        assert_eq!(variant_for(500), "InternalServerError");
        assert_eq!(variant_for(599), "");
    }
}

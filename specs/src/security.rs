//! Security as the documents declare it: the schemes of
//! `components.securitySchemes` and the requirements operations list.
//!
//! - An operation's `security` overrides the document's; without either,
//!   the operation is public.
//! - The requirements are alternatives, any one of which suffices
//!   (`[{A}, {B}]`); the schemes of one requirement are all needed together
//!   (`[{A, B}]`). Scopes are kept, for information: no one checks them.
//! - `security: []` makes an operation public, and so does an empty
//!   requirement `{}` among the alternatives (authentication optional): the
//!   catalogue records no requirement, the mock checks none, the SDK sends none.
//! - Schemes: `apiKey` in a header, the query or a cookie; `http` `bearer`
//!   and `basic` (other HTTP schemes are refused); `oauth2` and
//!   `openIdConnect`, whose tokens travel as bearer tokens. A name that is
//!   not a declared scheme is refused.
//! - `mutualTLS` is a client certificate presented in the TLS handshake, not
//!   part of any request: the catalogue records nothing for it (an
//!   application configures the identity on its own `reqwest::Client`), so a
//!   requirement naming only `mutualTLS` asks nothing of the request.

use std::path::Path;

use serde_json::Value;

use crate::refs::Document;
use crate::{Location, SpecError, pointer};

/// How a credential is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialKind {
    /// An API key in a header, e.g. `X-API-Key`.
    ApiKeyHeader(String),
    /// An API key in the query string.
    ApiKeyQuery(String),
    /// An API key in a cookie.
    ApiKeyCookie(String),
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// OAuth 2 or OpenID Connect: a bearer token obtained elsewhere.
    OAuth2,
}

/// Where a credential goes on the wire: a [`CredentialKind`] read once
/// (OAuth 2 and OpenID Connect tokens travel as bearer tokens), for the
/// generators to write into the SDK's scheme table and the mock's model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement<'a> {
    /// The key itself in this header.
    Header(&'a str),
    /// The key itself in this query parameter.
    Query(&'a str),
    /// `name=key` in the `Cookie` header.
    Cookie(&'a str),
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
}

impl CredentialKind {
    /// Where the credential goes on the wire.
    pub fn placement(&self) -> Placement<'_> {
        match self {
            Self::ApiKeyHeader(name) => Placement::Header(name),
            Self::ApiKeyQuery(name) => Placement::Query(name),
            Self::ApiKeyCookie(name) => Placement::Cookie(name),
            Self::Bearer | Self::OAuth2 => Placement::Bearer,
            Self::Basic => Placement::Basic,
        }
    }
}

/// As the SDK's docs say it: "`X-API-Key` header", "`Authorization: Bearer`".
impl std::fmt::Display for Placement<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Header(name) => write!(f, "`{name}` header"),
            Self::Query(name) => write!(f, "`{name}` query parameter"),
            Self::Cookie(name) => write!(f, "`{name}` cookie"),
            Self::Bearer => f.write_str("`Authorization: Bearer`"),
            Self::Basic => f.write_str("`Authorization: Basic`"),
        }
    }
}

/// One security scheme a requirement names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// The scheme's name in `components.securitySchemes`.
    pub scheme: String,
    /// How it is sent.
    pub kind: CredentialKind,
    /// The scopes (or, for other schemes, roles) the requirement lists.
    pub scopes: Vec<String>,
}

/// Alternatives (any one suffices), each a set of credentials sent together.
/// Empty: the operation is public.
pub type Requirements = Vec<Vec<Credential>>;

/// Every scheme the operations' `requirements` name, once, in the order
/// they first appear (operation by operation, alternative by alternative):
/// the SDK's table of a provider's schemes, whose first key-taking one a
/// plain API key is for ([`crate::Provider::schemes_in_use`]).
pub fn schemes_in_use<'a>(
    requirements: impl IntoIterator<Item = &'a Requirements>,
) -> Vec<&'a Credential> {
    let mut schemes: Vec<&Credential> = Vec::new();
    for credential in requirements.into_iter().flatten().flatten() {
        if !schemes
            .iter()
            .any(|known| known.scheme == credential.scheme)
        {
            schemes.push(credential);
        }
    }
    schemes
}

/// Reads security requirements from one document.
pub(crate) struct SecurityReader<'a> {
    document: &'a Value,
    file: &'a Path,
    /// The document's own `security`, the default of every operation.
    default: Requirements,
}

impl<'a> SecurityReader<'a> {
    /// Reads (and checks) the document-level `security`.
    pub(crate) fn new(document: &'a Value, file: &'a Path) -> Result<Self, SpecError> {
        let mut reader = Self {
            document,
            file,
            default: Vec::new(),
        };
        if let Some(root) = document.get("security") {
            reader.default = reader.requirements(root, "/security")?;
        }
        Ok(reader)
    }

    /// The requirements of the operation at `at`: its own, else the document's.
    pub(crate) fn operation(&self, operation: &Value, at: &str) -> Result<Requirements, SpecError> {
        match operation.get("security") {
            Some(own) => self.requirements(own, &pointer::join(at, "security")),
            None => Ok(self.default.clone()),
        }
    }

    fn at(&self, pointer: &str) -> Location {
        Location::new(self.file, pointer)
    }

    fn requirements(&self, requirements: &Value, at: &str) -> Result<Requirements, SpecError> {
        let requirements = requirements
            .as_array()
            .ok_or_else(|| SpecError::invalid(self.at(at), "`security` must be an array"))?;
        let mut alternatives = Vec::new();
        let mut optional = false;
        for (index, requirement) in requirements.iter().enumerate() {
            let at = pointer::join_index(at, index);
            let Some(requirement) = requirement.as_object() else {
                return Err(SpecError::invalid(
                    self.at(&at),
                    "a security requirement must be an object",
                ));
            };
            // `{}` makes authentication optional; the other entries are still checked.
            optional |= requirement.is_empty();
            let mut credentials = Vec::new();
            for (name, scopes) in requirement {
                let at = pointer::join(&at, name);
                let scopes = self.scopes(scopes, &at)?;
                if let Some(kind) = self.scheme(name, &at)? {
                    credentials.push(Credential {
                        scheme: name.clone(),
                        kind,
                        scopes,
                    });
                }
            }
            // A requirement of TLS client certificates only asks nothing of a request.
            optional |= credentials.is_empty();
            alternatives.push(credentials);
        }
        if optional {
            alternatives.clear();
        }
        Ok(alternatives)
    }

    fn scopes(&self, scopes: &Value, at: &str) -> Result<Vec<String>, SpecError> {
        scopes
            .as_array()
            .and_then(|scopes| {
                scopes
                    .iter()
                    .map(|scope| scope.as_str().map(str::to_string))
                    .collect()
            })
            .ok_or_else(|| {
                SpecError::invalid(
                    self.at(at),
                    "a requirement's value must be a list of scope names",
                )
            })
    }

    /// The declared scheme `name`, which the requirement at `at` names;
    /// `None` for `mutualTLS`, which lives in the TLS handshake.
    fn scheme(&self, name: &str, at: &str) -> Result<Option<CredentialKind>, SpecError> {
        let scheme_at = pointer::join("/components/securitySchemes", name);
        let scheme = self.document.pointer(&scheme_at).ok_or_else(|| {
            SpecError::invalid(
                self.at(at),
                format!("security scheme `{name}` is not declared in components.securitySchemes"),
            )
        })?;
        let scheme = Document(self.document).resolve(scheme, self.file, &scheme_at)?;
        if scheme.get("type").and_then(Value::as_str) == Some("mutualTLS") {
            return Ok(None);
        }
        self.kind(scheme, &scheme_at).map(Some)
    }

    fn kind(&self, scheme: &Value, at: &str) -> Result<CredentialKind, SpecError> {
        let text = |key: &str| scheme.get(key).and_then(Value::as_str);
        match text("type") {
            Some("apiKey") => {
                let name = text("name").ok_or_else(|| {
                    SpecError::invalid(self.at(at), "an apiKey scheme needs a `name`")
                })?;
                match text("in") {
                    Some("header") => Ok(CredentialKind::ApiKeyHeader(name.into())),
                    Some("query") => Ok(CredentialKind::ApiKeyQuery(name.into())),
                    Some("cookie") => Ok(CredentialKind::ApiKeyCookie(name.into())),
                    _ => Err(SpecError::invalid(
                        self.at(&pointer::join(at, "in")),
                        "an apiKey scheme's `in` must be header, query or cookie",
                    )),
                }
            }
            // RFC 9110: authentication scheme names are case-insensitive.
            Some("http") => match text("scheme").map(str::to_ascii_lowercase).as_deref() {
                Some("bearer") => Ok(CredentialKind::Bearer),
                Some("basic") => Ok(CredentialKind::Basic),
                _ => Err(SpecError::Unsupported {
                    at: self.at(&pointer::join(at, "scheme")),
                    keyword: "scheme".into(),
                    why: "only the bearer and basic HTTP authentication schemes are supported",
                }),
            },
            Some("oauth2" | "openIdConnect") => Ok(CredentialKind::OAuth2),
            _ => Err(SpecError::Unsupported {
                at: self.at(&pointer::join(at, "type")),
                keyword: "type".into(),
                why: "security schemes must be apiKey, http, oauth2 or openIdConnect",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn document(security: Value) -> Value {
        json!({
            "security": security,
            "components": {"securitySchemes": {
                "header": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "query": {"type": "apiKey", "in": "query", "name": "api_key"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "session"},
                "bearer": {"type": "http", "scheme": "Bearer"},
                "basic": {"type": "http", "scheme": "basic"},
                "oauth": {"type": "oauth2", "flows": {}},
                "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://x"},
                "alias": {"$ref": "#/components/securitySchemes/query"},
                "digest": {"type": "http", "scheme": "digest"},
                "tls": {"type": "mutualTLS"},
                "nameless": {"type": "apiKey", "in": "header"},
                "nowhere": {"type": "apiKey", "in": "body", "name": "k"},
            }},
        })
    }

    fn read(document: &Value, operation: &Value) -> Result<Requirements, SpecError> {
        SecurityReader::new(document, Path::new("api.yaml"))?.operation(operation, "/paths/~1a/get")
    }

    fn kinds(requirements: &Requirements) -> Vec<Vec<(&str, &CredentialKind)>> {
        requirements
            .iter()
            .map(|r| r.iter().map(|c| (c.scheme.as_str(), &c.kind)).collect())
            .collect()
    }

    #[test]
    fn every_scheme_kind() {
        let document = document(json!([]));
        let all = json!({"security": [
            {"header": []}, {"query": []}, {"cookie": []}, {"bearer": []},
            {"basic": []}, {"oauth": ["read"]}, {"oidc": []}, {"alias": []},
        ]});
        let requirements = read(&document, &all).unwrap();
        use CredentialKind::*;
        assert_eq!(
            kinds(&requirements),
            [
                vec![("header", &ApiKeyHeader("X-API-Key".into()))],
                vec![("query", &ApiKeyQuery("api_key".into()))],
                vec![("cookie", &ApiKeyCookie("session".into()))],
                vec![("bearer", &Bearer)],
                vec![("basic", &Basic)],
                vec![("oauth", &OAuth2)],
                vec![("oidc", &OAuth2)],
                vec![("alias", &ApiKeyQuery("api_key".into()))],
            ]
        );
        assert_eq!(requirements[5][0].scopes, ["read"]);
    }

    #[test]
    fn alternatives_and_combined_requirements() {
        let document = document(json!([{"header": [], "query": []}, {"bearer": []}]));
        let inherited = read(&document, &json!({})).unwrap();
        assert_eq!(inherited.len(), 2);
        assert_eq!(
            inherited[0].iter().map(|c| &c.scheme).collect::<Vec<_>>(),
            ["header", "query"]
        );
        // An operation's own list overrides the document's.
        let own = read(&document, &json!({"security": [{"basic": []}]})).unwrap();
        assert_eq!(kinds(&own), [vec![("basic", &CredentialKind::Basic)]]);
    }

    #[test]
    fn public_operations() {
        let document = document(json!([{"header": []}]));
        assert!(
            read(&document, &json!({"security": []}))
                .unwrap()
                .is_empty()
        );
        let optional = json!({"security": [{"header": []}, {}]});
        assert!(read(&document, &optional).unwrap().is_empty());
        let nothing = json!({"components": {}});
        assert!(read(&nothing, &json!({})).unwrap().is_empty());
    }

    #[test]
    fn schemes_in_order_of_first_use() {
        let document = document(json!([{"bearer": []}]));
        let operation = |security: Value| read(&document, &json!({"security": security})).unwrap();
        let operations = [
            operation(json!([])),
            operation(json!([{"query": [], "cookie": []}, {"bearer": []}])),
            operation(json!([{"bearer": []}, {"basic": []}, {"query": []}])),
        ];
        let names: Vec<&str> = schemes_in_use(&operations)
            .iter()
            .map(|c| c.scheme.as_str())
            .collect();
        assert_eq!(names, ["query", "cookie", "bearer", "basic"]);
    }

    #[test]
    fn mutual_tls_asks_nothing_of_a_request() {
        let document = document(json!([]));
        let only_tls = read(&document, &json!({"security": [{"tls": []}]})).unwrap();
        assert!(only_tls.is_empty(), "{only_tls:?}");
        let with_key = read(&document, &json!({"security": [{"tls": [], "header": []}]})).unwrap();
        assert_eq!(
            kinds(&with_key),
            [vec![(
                "header",
                &CredentialKind::ApiKeyHeader("X-API-Key".into())
            )]]
        );
    }

    #[test]
    fn refusals_name_file_and_pointer() {
        let error = |security: Value| {
            read(&document(json!([])), &json!({"security": security}))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error(json!([{"missing": []}])),
            "api.yaml#/paths/~1a/get/security/0/missing: security scheme `missing` is not declared in components.securitySchemes"
        );
        assert_eq!(
            error(json!([{"header": []}, {"digest": []}])),
            "api.yaml#/components/securitySchemes/digest/scheme: `scheme` is not supported: only the bearer and basic HTTP authentication schemes are supported"
        );
        assert!(error(json!([{"nameless": []}])).contains("needs a `name`"));
        assert!(
            error(json!([{"nowhere": []}]))
                .starts_with("api.yaml#/components/securitySchemes/nowhere/in: ")
        );
        assert!(
            error(json!([{"header": "all"}]))
                .starts_with("api.yaml#/paths/~1a/get/security/0/header: ")
        );
        assert!(error(json!({"header": []})).contains("must be an array"));
        assert!(error(json!(["header"])).starts_with("api.yaml#/paths/~1a/get/security/0: "));
        // The document's own list is checked even where every operation overrides it.
        let bad_root = document(json!([{"missing": []}]));
        let error = SecurityReader::new(&bad_root, Path::new("api.yaml"))
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.starts_with("api.yaml#/security/0/missing: "),
            "{error}"
        );
    }
}

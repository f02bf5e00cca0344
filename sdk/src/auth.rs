//! Credentials as the documents declare them (the rules: `specs::security`).
//!
//! A provider's security schemes are static data ([`Scheme`]), and so is
//! each operation's list of requirements ([`Requirements`]): alternatives,
//! each a set of schemes needed together; none for a public operation. A
//! client holds the credentials it was given ([`Credentials`], one per
//! scheme), and before each request [`Credentials::authorize`] applies the
//! first requirement it can satisfy completely: an API key in its header,
//! query parameter or cookie, a token as `Authorization: Bearer`, a user and
//! password as `Authorization: Basic`. Header values are marked sensitive.
//! When it can satisfy none, the request is not sent: [`AuthError`].

use std::fmt;

use reqwest::header::{AUTHORIZATION, COOKIE, HeaderName, HeaderValue};

use crate::ConfigError;
use crate::secret::{ApiKey, REDACTED};

/// Where a scheme's credential travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// `apiKey` in the named header.
    Header(&'static str),
    /// `apiKey` in the named query parameter.
    Query(&'static str),
    /// `apiKey` in the named cookie.
    Cookie(&'static str),
    /// `Authorization: Bearer <token>`: `http` `bearer`, `oauth2` and
    /// `openIdConnect` (a token obtained elsewhere).
    Bearer,
    /// `Authorization: Basic base64(user:password)`.
    Basic,
}

/// One security scheme of a provider (`components.securitySchemes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    /// Its name in the document.
    pub name: &'static str,
    /// How its credential is sent.
    pub kind: SchemeKind,
}

impl Scheme {
    /// Whether a single key or token is its credential (all but basic).
    pub const fn takes_key(&self) -> bool {
        !matches!(self.kind, SchemeKind::Basic)
    }
}

/// An operation's requirements: alternatives, any one of which suffices,
/// each the schemes needed together. Empty: a public operation.
pub type Requirements = &'static [&'static [&'static Scheme]];

/// A credential given for one scheme.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// An API key or a bearer token.
    Key(ApiKey),
    /// A user name and password (`http` `basic`).
    Basic {
        /// The user name (without `:`).
        user: String,
        /// The password.
        password: ApiKey,
    },
}

impl Credential {
    /// An API key or a bearer token.
    pub fn key(key: impl Into<ApiKey>) -> Self {
        Self::Key(key.into())
    }

    /// A user name and password.
    pub fn basic(user: impl Into<String>, password: impl Into<ApiKey>) -> Self {
        Self::Basic {
            user: user.into(),
            password: password.into(),
        }
    }
}

/// The user name is not a secret, but it is half of one; neither is printed.
impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Key(_) => f.debug_tuple("Key").field(&REDACTED).finish(),
            Self::Basic { .. } => f
                .debug_struct("Basic")
                .field("user", &REDACTED)
                .field("password", &REDACTED)
                .finish(),
        }
    }
}

/// A credential in the form its scheme sends it, checked once when the
/// client is built.
#[derive(Clone)]
enum Prepared {
    /// A header value (sensitive): the key, `Bearer ..` or `Basic ..`.
    Header(HeaderName, HeaderValue),
    /// A query parameter's value.
    Query(&'static str, ApiKey),
    /// A cookie's `name=value` pair.
    Cookie(String),
}

/// The credentials a client holds, per scheme.
#[derive(Clone, Default)]
pub struct Credentials {
    held: Vec<(Scheme, Prepared)>,
}

/// Scheme names only.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.held.iter().map(|(scheme, _)| (scheme.name, REDACTED)))
            .finish()
    }
}

/// Why a request was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The client holds credentials for none of the operation's requirements.
    #[error(
        "{operation}: the client has no credentials for any of the operation's security \
         requirements (it needs {})",
        Needed(needed)
    )]
    NoSatisfiableRequirement {
        /// The operationId.
        operation: &'static str,
        /// The alternatives, each the names of the schemes needed together.
        needed: Vec<Vec<&'static str>>,
    },
}

/// `A or (B and C)`.
struct Needed<'a>(&'a [Vec<&'static str>]);

impl fmt::Display for Needed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, alternative) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(" or ")?;
            }
            match alternative.as_slice() {
                [one] => f.write_str(one)?,
                several => write!(f, "({})", several.join(" and "))?,
            }
        }
        Ok(())
    }
}

/// What the builder was given, before it is matched to the provider's schemes.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Given {
    /// `api_key(..)`: for the provider's first scheme that takes a key.
    pub(crate) key: Option<ApiKey>,
    /// `basic_auth(..)`: for the provider's first basic scheme.
    pub(crate) basic: Option<Credential>,
    /// `credential(scheme, ..)`: by scheme name; these win.
    pub(crate) named: Vec<(String, Credential)>,
}

impl fmt::Debug for Given {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.key)
            .field("basic", &self.basic)
            .field(
                "named",
                &self
                    .named
                    .iter()
                    .map(|(name, credential)| (name, credential))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Credentials {
    /// Matches what was given to `schemes`, the provider's (all of them),
    /// and prepares each credential for the wire.
    pub(crate) fn new(schemes: &'static [Scheme], given: &Given) -> Result<Self, ConfigError> {
        let mut assigned: Vec<(&'static Scheme, &Credential)> = Vec::new();
        for (name, credential) in &given.named {
            let scheme = schemes
                .iter()
                .find(|s| s.name == name)
                .ok_or_else(|| ConfigError::UnknownScheme(name.clone()))?;
            assigned.retain(|(s, _)| s.name != scheme.name);
            assigned.push((scheme, credential));
        }
        let key = given.key.clone().map(Credential::Key);
        for (default, wanted, what) in [
            (
                &key,
                Scheme::takes_key as fn(&Scheme) -> bool,
                "an API key or token",
            ),
            (
                &given.basic,
                |s: &Scheme| !s.takes_key(),
                "a user and password",
            ),
        ] {
            let Some(credential) = default else { continue };
            match schemes.iter().find(|s| wanted(s)) {
                Some(scheme) if !assigned.iter().any(|(s, _)| s.name == scheme.name) => {
                    assigned.push((scheme, credential));
                }
                Some(_) => {}
                None => return Err(ConfigError::NoSchemeFor(what)),
            }
        }
        let held = assigned
            .into_iter()
            .map(|(scheme, credential)| Ok((*scheme, prepare(scheme, credential)?)))
            .collect::<Result<_, ConfigError>>()?;
        Ok(Self { held })
    }

    /// Whether the client holds a credential for every scheme of `requirement`.
    fn satisfies(&self, requirement: &[&Scheme]) -> bool {
        requirement
            .iter()
            .all(|scheme| self.held.iter().any(|(held, _)| held == *scheme))
    }

    /// The first of `requirements` the client can satisfy completely; for a
    /// public operation (no requirements), none.
    pub fn requirement(
        &self,
        operation: &'static str,
        requirements: Requirements,
    ) -> Result<Option<&'static [&'static Scheme]>, AuthError> {
        if requirements.is_empty() {
            return Ok(None);
        }
        requirements
            .iter()
            .copied()
            .find(|requirement| self.satisfies(requirement))
            .map(Some)
            .ok_or_else(|| AuthError::NoSatisfiableRequirement {
                operation,
                needed: requirements
                    .iter()
                    .map(|r| r.iter().map(|s| s.name).collect())
                    .collect(),
            })
    }

    /// Adds to `request` the credentials of the first requirement of
    /// `operation` the client can satisfy; for a public operation, none.
    /// A credential already on the request (a header of the same name, a
    /// cookie, a query parameter) is replaced.
    pub fn authorize(
        &self,
        request: &mut reqwest::Request,
        operation: &'static str,
        requirements: Requirements,
    ) -> Result<(), AuthError> {
        let Some(requirement) = self.requirement(operation, requirements)? else {
            return Ok(());
        };
        for scheme in requirement {
            let Some((_, prepared)) = self.held.iter().find(|(held, _)| held == *scheme) else {
                continue;
            };
            match prepared {
                Prepared::Header(name, value) => {
                    request.headers_mut().insert(name.clone(), value.clone());
                }
                Prepared::Query(name, value) => {
                    let url = request.url_mut();
                    if url.query_pairs().any(|(key, _)| key == *name) {
                        let others: Vec<(String, String)> = url
                            .query_pairs()
                            .filter(|(key, _)| key != name)
                            .map(|(key, value)| (key.into_owned(), value.into_owned()))
                            .collect();
                        url.query_pairs_mut().clear().extend_pairs(others);
                    }
                    url.query_pairs_mut().append_pair(name, value.expose());
                }
                Prepared::Cookie(pair) => add_cookie(request, scheme, pair),
            }
        }
        Ok(())
    }
}

/// Adds `name=value` to the request's `Cookie` header, replacing a cookie of that name.
fn add_cookie(request: &mut reqwest::Request, scheme: &Scheme, pair: &str) {
    let SchemeKind::Cookie(name) = scheme.kind else {
        return;
    };
    let mut cookies: Vec<String> = request
        .headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .map(str::trim)
        .filter(|cookie| !cookie.is_empty() && cookie.split('=').next() != Some(name))
        .map(str::to_string)
        .collect();
    cookies.push(pair.to_string());
    // Every part is a cookie-pair: visible ASCII, so the header value is valid.
    if let Ok(mut value) = HeaderValue::from_str(&cookies.join("; ")) {
        value.set_sensitive(true);
        request.headers_mut().insert(COOKIE, value);
    }
}

/// `credential` as `scheme` sends it, or why it cannot be.
fn prepare(scheme: &Scheme, credential: &Credential) -> Result<Prepared, ConfigError> {
    let invalid = || ConfigError::InvalidSchemeCredential(scheme.name);
    let header = |name: HeaderName, text: &str| {
        let mut value = HeaderValue::from_str(text).map_err(|_| invalid())?;
        value.set_sensitive(true);
        Ok(Prepared::Header(name, value))
    };
    match (scheme.kind, credential) {
        (SchemeKind::Header(name), Credential::Key(key)) => {
            // Documents spell header names freely (`X-API-Key`); `http` wants lower case.
            let name = HeaderName::from_bytes(name.to_ascii_lowercase().as_bytes())
                .map_err(|_| invalid())?;
            header(name, key.expose())
        }
        (SchemeKind::Query(name), Credential::Key(key)) => Ok(Prepared::Query(name, key.clone())),
        (SchemeKind::Cookie(name), Credential::Key(key)) => {
            // RFC 6265 cookie-name is a token, cookie-value cookie-octets.
            let octet =
                |b: u8| matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E);
            let token = |b: u8| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b);
            if name.is_empty() || !name.bytes().all(token) || !key.expose().bytes().all(octet) {
                return Err(invalid());
            }
            Ok(Prepared::Cookie(format!("{name}={}", key.expose())))
        }
        (SchemeKind::Bearer, Credential::Key(key)) => {
            header(AUTHORIZATION, &format!("Bearer {}", key.expose()))
        }
        (SchemeKind::Basic, Credential::Basic { user, password }) => {
            use base64::Engine;
            // RFC 7617: the user name cannot hold a colon.
            if user.contains(':') {
                return Err(invalid());
            }
            let encoded = base64::engine::general_purpose::STANDARD
                .encode(format!("{user}:{}", password.expose()));
            header(AUTHORIZATION, &format!("Basic {encoded}"))
        }
        _ => Err(ConfigError::WrongCredentialKind(scheme.name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static KEY_HEADER: Scheme = Scheme {
        name: "ApiKeyHeader",
        kind: SchemeKind::Header("X-API-Key"),
    };
    static KEY_QUERY: Scheme = Scheme {
        name: "ApiKeyQuery",
        kind: SchemeKind::Query("api_key"),
    };
    static SESSION: Scheme = Scheme {
        name: "Session",
        kind: SchemeKind::Cookie("session"),
    };
    static BEARER: Scheme = Scheme {
        name: "Bearer",
        kind: SchemeKind::Bearer,
    };
    static BASIC: Scheme = Scheme {
        name: "Basic",
        kind: SchemeKind::Basic,
    };
    static SCHEMES: [Scheme; 5] = [KEY_HEADER, KEY_QUERY, SESSION, BEARER, BASIC];

    /// `[{ApiKeyHeader}, {ApiKeyQuery}]`
    static EITHER: Requirements = &[&[&SCHEMES[0]], &[&SCHEMES[1]]];
    /// `[{Bearer, Session}]`
    static BOTH: Requirements = &[&[&SCHEMES[3], &SCHEMES[2]]];
    /// `[{Basic}, {Bearer}]`
    static BASIC_OR_BEARER: Requirements = &[&[&SCHEMES[4]], &[&SCHEMES[3]]];

    fn credentials(given: Given) -> Credentials {
        Credentials::new(&SCHEMES, &given).unwrap()
    }

    fn named(pairs: &[(&str, Credential)]) -> Given {
        Given {
            named: pairs
                .iter()
                .map(|(name, credential)| (name.to_string(), credential.clone()))
                .collect(),
            ..Given::default()
        }
    }

    fn request(url: &str) -> reqwest::Request {
        reqwest::Request::new(reqwest::Method::GET, url.parse().unwrap())
    }

    fn authorized(
        credentials: &Credentials,
        requirements: Requirements,
        url: &str,
    ) -> Result<reqwest::Request, AuthError> {
        let mut request = request(url);
        credentials.authorize(&mut request, "op", requirements)?;
        Ok(request)
    }

    #[test]
    fn the_first_satisfiable_alternative_is_applied() {
        let header_key = credentials(named(&[("ApiKeyHeader", Credential::key("h"))]));
        let sent = authorized(&header_key, EITHER, "https://api.test/x").unwrap();
        assert_eq!(sent.headers()["x-api-key"], "h");
        assert!(sent.headers()["x-api-key"].is_sensitive());
        assert_eq!(sent.url().query(), None);

        let query_key = credentials(named(&[("ApiKeyQuery", Credential::key("a b&c"))]));
        let sent = authorized(&query_key, EITHER, "https://api.test/x?page=2&api_key=old").unwrap();
        assert!(sent.headers().is_empty());
        assert_eq!(sent.url().query(), Some("page=2&api_key=a+b%26c"));

        // Holding both: only the first alternative is sent.
        let both = credentials(named(&[
            ("ApiKeyQuery", Credential::key("q")),
            ("ApiKeyHeader", Credential::key("h")),
        ]));
        let sent = authorized(&both, EITHER, "https://api.test/x").unwrap();
        assert_eq!(sent.headers()["x-api-key"], "h");
        assert_eq!(sent.url().query(), None);
    }

    #[test]
    fn a_combined_requirement_needs_every_credential() {
        let bearer_only = credentials(named(&[("Bearer", Credential::key("t"))]));
        let error = authorized(&bearer_only, BOTH, "https://api.test/x").unwrap_err();
        assert_eq!(
            error,
            AuthError::NoSatisfiableRequirement {
                operation: "op",
                needed: vec![vec!["Bearer", "Session"]],
            }
        );
        assert_eq!(
            error.to_string(),
            "op: the client has no credentials for any of the operation's security \
             requirements (it needs (Bearer and Session))"
        );
        let both = credentials(named(&[
            ("Bearer", Credential::key("t")),
            ("Session", Credential::key("s1")),
        ]));
        let mut request = request("https://api.test/x");
        request
            .headers_mut()
            .insert(COOKIE, HeaderValue::from_static("theme=dark; session=old"));
        both.authorize(&mut request, "op", BOTH).unwrap();
        assert_eq!(request.headers()[AUTHORIZATION], "Bearer t");
        assert!(request.headers()[AUTHORIZATION].is_sensitive());
        assert_eq!(request.headers()[COOKIE], "theme=dark; session=s1");
        assert!(request.headers()[COOKIE].is_sensitive());
    }

    #[test]
    fn basic_credentials_are_encoded() {
        let basic = credentials(Given {
            basic: Some(Credential::basic("aladdin", "opensesame")),
            ..Given::default()
        });
        let sent = authorized(&basic, BASIC_OR_BEARER, "https://api.test/x").unwrap();
        assert_eq!(
            sent.headers()[AUTHORIZATION],
            "Basic YWxhZGRpbjpvcGVuc2VzYW1l"
        );
        assert!(sent.headers()[AUTHORIZATION].is_sensitive());
        // Without basic credentials, the next alternative.
        let token = credentials(named(&[("Bearer", Credential::key("t"))]));
        let sent = authorized(&token, BASIC_OR_BEARER, "https://api.test/x").unwrap();
        assert_eq!(sent.headers()[AUTHORIZATION], "Bearer t");
    }

    #[test]
    fn public_operations_send_nothing() {
        let all = credentials(named(&[
            ("ApiKeyHeader", Credential::key("h")),
            ("Bearer", Credential::key("t")),
        ]));
        let sent = authorized(&all, &[], "https://api.test/x").unwrap();
        assert!(sent.headers().is_empty());
        let none = Credentials::default();
        assert!(authorized(&none, &[], "https://api.test/x").is_ok());
        let error = authorized(&none, EITHER, "https://api.test/x").unwrap_err();
        assert_eq!(
            error.to_string(),
            "op: the client has no credentials for any of the operation's security \
             requirements (it needs ApiKeyHeader or ApiKeyQuery)"
        );
    }

    #[test]
    fn the_plain_api_key_goes_to_the_first_scheme_taking_a_key() {
        let given = Given {
            key: Some(ApiKey::new("k")),
            ..Given::default()
        };
        let sent = authorized(&credentials(given.clone()), EITHER, "https://api.test/x").unwrap();
        assert_eq!(sent.headers()["x-api-key"], "k");
        // A named credential for that scheme wins.
        let mut both = given;
        both.named = vec![("ApiKeyHeader".into(), Credential::key("named"))];
        let sent = authorized(&credentials(both), EITHER, "https://api.test/x").unwrap();
        assert_eq!(sent.headers()["x-api-key"], "named");
        static BASIC_ONLY: [Scheme; 1] = [BASIC];
        let error = Credentials::new(
            &BASIC_ONLY,
            &Given {
                key: Some(ApiKey::new("k")),
                ..Given::default()
            },
        )
        .unwrap_err();
        assert!(matches!(error, ConfigError::NoSchemeFor(_)), "{error:?}");
    }

    #[test]
    fn credentials_that_cannot_be_sent_are_refused_when_built() {
        let refused =
            |pairs: &[(&str, Credential)]| Credentials::new(&SCHEMES, &named(pairs)).unwrap_err();
        assert!(matches!(
            refused(&[("Nope", Credential::key("k"))]),
            ConfigError::UnknownScheme(name) if name == "Nope"
        ));
        assert!(matches!(
            refused(&[("Basic", Credential::key("k"))]),
            ConfigError::WrongCredentialKind("Basic")
        ));
        assert!(matches!(
            refused(&[("Bearer", Credential::basic("u", "p"))]),
            ConfigError::WrongCredentialKind("Bearer")
        ));
        for (scheme, credential) in [
            ("ApiKeyHeader", Credential::key("line\nbreak")),
            ("Session", Credential::key("a;b")),
            ("Session", Credential::key("a b")),
            ("Bearer", Credential::key("t\r\n")),
            ("Basic", Credential::basic("a:b", "p")),
        ] {
            let error = refused(&[(scheme, credential)]);
            assert!(
                matches!(error, ConfigError::InvalidSchemeCredential(name) if name == scheme),
                "{scheme}: {error:?}"
            );
        }
    }

    #[test]
    fn debug_shows_no_secret() {
        let held = credentials(Given {
            key: Some(ApiKey::new("s3cr3t-key")),
            basic: Some(Credential::basic("s3cr3t-user", "s3cr3t-pw")),
            named: vec![("Session".into(), Credential::key("s3cr3t-cookie"))],
        });
        let given = Given {
            key: Some(ApiKey::new("s3cr3t-key")),
            basic: Some(Credential::basic("s3cr3t-user", "s3cr3t-pw")),
            named: vec![("Session".into(), Credential::key("s3cr3t-cookie"))],
        };
        for text in [
            format!("{held:?}"),
            format!("{given:?}"),
            format!("{:?}", Credential::basic("s3cr3t-user", "x")),
        ] {
            assert!(!text.contains("s3cr3t"), "{text}");
        }
        assert_eq!(
            format!("{held:?}"),
            r#"{"Session": <redacted>, "ApiKeyHeader": <redacted>, "Basic": <redacted>}"#
        );
    }
}

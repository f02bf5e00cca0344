//! Values that may be secrets, and how they print: credentials, the
//! headers every request carries, URLs that may hold a password. `Debug`
//! shows names, never values.

use std::fmt;

use reqwest::header::HeaderMap;

/// A credential: kept out of `Debug` and `Display`, and marked sensitive on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key or token.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself, for callers that must pass it on.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        Self::new(key)
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self::new(key)
    }
}

/// The headers every request of a client carries: the credential and those
/// set with [`crate::ClientBuilder::header`], all marked sensitive. They are added
/// to each request (progenitor's `pre` hook) rather than made default
/// headers, so they also reach the wire through a client the SDK did not build.
#[derive(Clone, Default)]
pub(crate) struct RequestHeaders(pub(crate) HeaderMap);

impl RequestHeaders {
    /// Adds every header `headers` does not have yet: a request's own value
    /// wins, as it would over a client's default headers.
    pub(crate) fn add_to(&self, headers: &mut HeaderMap) {
        for name in self.0.keys() {
            if !headers.contains_key(name) {
                for value in self.0.get_all(name) {
                    headers.append(name.clone(), value.clone());
                }
            }
        }
    }
}

/// Names only: every value is a credential or may be one.
impl fmt::Debug for RequestHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|name| (name.as_str(), REDACTED)))
            .finish()
    }
}

/// Prints header names with every value redacted.
pub(crate) struct HeaderNames<'a>(pub(crate) &'a [(String, String)]);

impl fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(name, _)| (name, REDACTED)))
            .finish()
    }
}

/// Prints `<redacted>`, in place of a value that may be a secret.
#[derive(Clone, Copy)]
pub(crate) struct Redacted;

/// The one [`Redacted`].
pub(crate) const REDACTED: Redacted = Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A URL for `Debug`: a user name or password in it is redacted, and text
/// that is not a URL is not printed at all.
pub struct RedactedUrl<'a>(pub &'a str);

impl fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match reqwest::Url::parse(self.0) {
            Ok(mut url) => {
                if !url.username().is_empty() || url.password().is_some() {
                    // Only URLs that can carry credentials get here; these setters cannot fail on them.
                    let _ = url.set_username("redacted");
                    let _ = url.set_password(None);
                }
                fmt::Debug::fmt(url.as_str().trim_end_matches('/'), f)
            }
            Err(_) => f.write_str("<not a URL>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_urls_keep_everything_but_credentials() {
        assert_eq!(
            format!("{:?}", RedactedUrl("https://user:pw@host:8443/v1")),
            "\"https://redacted@host:8443/v1\""
        );
        assert_eq!(
            format!("{:?}", RedactedUrl("http://127.0.0.1:4010/akua/v1")),
            "\"http://127.0.0.1:4010/akua/v1\""
        );
        assert_eq!(format!("{:?}", RedactedUrl("pw@@::")), "<not a URL>");
    }
}

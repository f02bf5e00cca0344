//! What each generated provider `Client` tells the shared builder about itself.

/// What each generated provider `Client` tells the shared builder about itself.
pub trait Provider: Sized {
    /// The provider's public server, from its document; empty when the
    /// document declares none (then a base URL must be given).
    const DEFAULT_BASE_URL: &'static str;
    /// The environment variable holding the credential.
    const CREDENTIAL_ENV: &'static str;
    /// The environment variable that overrides [`Self::DEFAULT_BASE_URL`]:
    /// the credential variable's name with its `_API_KEY`, `_API_TOKEN`,
    /// `_KEY` or `_TOKEN` ending replaced by `_BASE_URL` (`CHAMELIO_API_KEY`:
    /// `CHAMELIO_BASE_URL`).
    const BASE_URL_ENV: &'static str;
    /// Every security scheme the provider's operations name, in the order
    /// they first name them; [`crate::ClientBuilder::api_key`] is for the
    /// first that takes a key.
    const SECURITY_SCHEMES: &'static [crate::auth::Scheme];

    /// Wraps a configured `reqwest::Client` and the call settings.
    fn from_parts(base_url: &str, client: reqwest::Client, settings: crate::Settings) -> Self;
}

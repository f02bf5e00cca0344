//! The provider's `Client`: credential placement, environment variables
//! (the base URL one derived from the credential one), default server, the
//! `pre` hook adding the credential to each request, a redacting `Debug`.

use proc_macro2::TokenStream;
use quote::quote;
use specs::{CredentialKind, Provider};

/// The provider's `Client` constructors: credential placement, environment
/// variable and default server, from the catalogue.
pub fn client_config(provider: &Provider) -> Result<TokenStream, String> {
    let url = provider
        .server_url()
        .ok_or("the document declares no server URL; add one with an overlay")?;
    let env = &provider.credential_env;
    let base_url_env = base_url_env(env);
    let (placement, _) = credential_placement(provider)?;
    let env_doc = format!(
        " A client with the API key from the `{env}` environment variable, for\n \
         <{url}> or the base URL in `{base_url_env}` when it is set and not empty\n \
         (e.g. a mock server's, for an application's tests)."
    );
    Ok(quote! {
        impl crate::Provider for Client {
            const DEFAULT_BASE_URL: &'static str = #url;
            const CREDENTIAL_ENV: &'static str = #env;
            const BASE_URL_ENV: &'static str = #base_url_env;
            const CREDENTIAL_PLACEMENT: crate::CredentialPlacement = #placement;
            fn from_parts(base_url: &str, client: reqwest::Client, settings: crate::Settings) -> Self {
                Self::new_with_client(base_url, client, settings)
            }
        }
        /// The credential and extra headers reach every request here, not as
        /// default headers, so they also do through a client the SDK did not build.
        impl progenitor_client::ClientHooks<crate::Settings> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                _: &progenitor_client::OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                self.inner.add_headers(request);
                Ok(())
            }
        }
        /// The base URL (a user name or password in it redacted) and the
        /// settings (header values redacted); never the HTTP client, which may
        /// hold an application's own credentials.
        impl std::fmt::Debug for Client {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Client")
                    .field("base_url", &crate::RedactedUrl(&self.baseurl))
                    .field("settings", &self.inner)
                    .finish_non_exhaustive()
            }
        }
        impl Client {
            /// Configures a client: base URL, API key, timeouts, redirects, response size.
            pub fn builder() -> crate::ClientBuilder<Self> {
                crate::ClientBuilder::default()
            }
            #[doc = #env_doc]
            pub fn from_env() -> Result<Self, crate::ConfigError> {
                Self::builder().api_key_from_env()?.base_url_from_env()?.build()
            }
            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                &self.baseurl
            }
        }
    })
}

/// The variable overriding a provider's base URL, derived from its credential
/// variable so a new provider needs no code: `AKUA_API_TOKEN` -> `AKUA_BASE_URL`,
/// `PHALA_CLOUD_API_KEY` -> `PHALA_CLOUD_BASE_URL`.
pub fn base_url_env(credential_env: &str) -> String {
    let stem = ["_KEY", "_TOKEN", "_SECRET"]
        .iter()
        .find_map(|suffix| credential_env.strip_suffix(suffix))
        .unwrap_or(credential_env);
    let stem = stem.strip_suffix("_API").unwrap_or(stem);
    format!("{stem}_BASE_URL")
}

/// The first alternative every operation accepts that one key can satisfy.
/// Returns the `CredentialPlacement` and how the crate docs describe it.
pub fn credential_placement(provider: &Provider) -> Result<(TokenStream, String), String> {
    let Some(first) = provider.operations.iter().find(|o| !o.security.is_empty()) else {
        return Ok((quote!(crate::CredentialPlacement::None), "none".into()));
    };
    for alternative in &first.security {
        let [credential] = alternative.as_slice() else {
            continue;
        };
        let placement = match &credential.kind {
            CredentialKind::ApiKeyHeader(name) => (
                quote!(crate::CredentialPlacement::Header(#name)),
                format!("`{name}` header"),
            ),
            CredentialKind::Bearer | CredentialKind::OAuth2 => (
                quote!(crate::CredentialPlacement::Bearer),
                "`Authorization: Bearer`".into(),
            ),
            _ => continue,
        };
        let everywhere = provider
            .operations
            .iter()
            .all(|o| o.security.is_empty() || o.security.iter().any(|a| a == alternative));
        if everywhere {
            return Ok(placement);
        }
    }
    Err(format!(
        "no single header or bearer credential is accepted by every operation of {}",
        provider.name
    ))
}

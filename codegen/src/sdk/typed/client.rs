//! The provider's `Client`: its security schemes and each operation's
//! requirements, environment variables (the base URL one derived from the
//! credential one), default server, the `pre` hook adding the credentials
//! of the first requirement the client can satisfy to each request, a
//! redacting `Debug`.

use proc_macro2::TokenStream;
use quote::quote;
use specs::Provider;
use specs::security::Placement;

use super::names::progenitor_snake;

/// The provider's `Client` constructors: security schemes and each
/// operation's requirements, environment variable and default server, from
/// the catalogue.
pub fn client_config(provider: &Provider) -> Result<TokenStream, String> {
    // A document without servers has no default: `build()` then needs a base URL.
    let url = provider.server_url().unwrap_or_default();
    let env = &provider.credential_env;
    let base_url_env = base_url_env(env);
    let security = security_table(provider);
    let env_doc = format!(
        " A client with the credential from the `{env}` environment variable, for\n \
         {} or the base URL in `{base_url_env}` when it is set and not empty\n \
         (e.g. a mock server's, for an application's tests).",
        if url.is_empty() {
            "no default server (the document declares none)".to_string()
        } else {
            format!("<{url}>")
        }
    );
    Ok(quote! {
        #security
        impl crate::Provider for Client {
            const DEFAULT_BASE_URL: &'static str = #url;
            const CREDENTIAL_ENV: &'static str = #env;
            const BASE_URL_ENV: &'static str = #base_url_env;
            const SECURITY_SCHEMES: &'static [crate::auth::Scheme] = SCHEMES;
            fn from_parts(base_url: &str, client: reqwest::Client, settings: crate::Settings) -> Self {
                Self::new_with_client(base_url, client, settings)
            }
        }
        /// The credentials and extra headers reach every request here, not as
        /// default headers, so they also do through a client the SDK did not build.
        impl progenitor_client::ClientHooks<crate::Settings> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                let Some((operation, requirements)) = requirements(info.operation_id) else {
                    return Err(progenitor_client::Error::Custom(format!(
                        "no security requirements are generated for `{}`", info.operation_id
                    )));
                };
                self.inner
                    .authorize(request, operation, requirements)
                    .map_err(|error| progenitor_client::Error::Custom(error.to_string()))?;
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
            /// Configures a client: base URL, credentials, timeouts, redirects, response size.
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

/// The provider's security schemes (`SCHEMES`, in the order operations
/// first name them) and `requirements(name)`: for progenitor's operation
/// name, the document's operationId and its requirement alternatives.
/// Consts, not statics, so that references to them are promoted to `'static`.
fn security_table(provider: &Provider) -> TokenStream {
    let schemes = provider.schemes_in_use();
    let scheme_ident = |index: usize| quote::format_ident!("SCHEME_{}", index);
    let scheme_consts = schemes.iter().enumerate().map(|(index, scheme)| {
        let ident = scheme_ident(index);
        let name = &scheme.scheme;
        let kind = match scheme.kind.placement() {
            Placement::Header(header) => quote!(Header(#header)),
            Placement::Query(parameter) => quote!(Query(#parameter)),
            Placement::Cookie(cookie) => quote!(Cookie(#cookie)),
            Placement::Bearer => quote!(Bearer),
            Placement::Basic => quote!(Basic),
        };
        quote! {
            const #ident: crate::auth::Scheme = crate::auth::Scheme {
                name: #name,
                kind: crate::auth::SchemeKind::#kind,
            };
        }
    });
    let all = (0..schemes.len()).map(scheme_ident);
    let arms = provider.operations.iter().map(|operation| {
        let progenitor = progenitor_snake(&operation.sdk_name);
        let id = &operation.operation_id;
        let alternatives = operation.security.iter().map(|alternative| {
            let members = alternative.iter().map(|credential| {
                let index = schemes
                    .iter()
                    .position(|s| s.scheme == credential.scheme)
                    .unwrap_or_default();
                let ident = scheme_ident(index);
                quote!(&#ident)
            });
            quote!(&[#(#members),*])
        });
        quote!(#progenitor => Some((#id, &[#(#alternatives),*])),)
    });
    quote! {
        #(#scheme_consts)*
        /// Every security scheme the operations name.
        const SCHEMES: &[crate::auth::Scheme] = &[#(#all),*];
        /// The operationId and requirements of the operation progenitor calls `name`.
        fn requirements(name: &str) -> Option<(&'static str, crate::auth::Requirements)> {
            match name {
                #(#arms)*
                _ => None,
            }
        }
    }
}

/// How the crate docs describe a provider's credentials: its schemes, or "none".
pub fn credentials_doc(provider: &Provider) -> String {
    let schemes = provider.schemes_in_use();
    if schemes.is_empty() {
        return "none".into();
    }
    schemes
        .iter()
        .map(|scheme| scheme.kind.placement().to_string())
        .collect::<Vec<_>>()
        .join(" or ")
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

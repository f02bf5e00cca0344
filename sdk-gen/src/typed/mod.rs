//! The typed layer over progenitor's builders, generated from the catalogue:
//! per operation, a `send()` returning the documented success type, and an
//! error enum with a variant per documented error status carrying its
//! documented body, plus the failures any call can have.

use heck::ToPascalCase;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use specs::{Body, CredentialKind, Operation, Provider, Response, Status};

use crate::error::{GenError, GenErrorKind, Place};
use crate::progenitor_output::Generated;

/// The typed layer of `provider`'s module, over progenitor's output `generated`.
pub fn operations(provider: &Provider, generated: &Generated) -> Result<TokenStream, GenError> {
    let client = client_config(provider).map_err(|e| {
        GenError::new(provider, Place::document(provider), GenErrorKind::Typed(e))
    })?;
    let mut errors = Vec::new();
    let mut impls = Vec::new();
    let mut dynamic_arms = Vec::new();
    let mut dynamic_fns = Vec::new();
    let mut schema_arms = Vec::new();
    for operation in &provider.operations {
        let fail = |message: String| {
            GenError::new(
                provider,
                Place::operation(provider, operation),
                GenErrorKind::Typed(message),
            )
        };
        let builder = progenitor_name(&operation.sdk_name);
        if !generated.builders.contains(&builder) {
            return Err(fail(format!("progenitor generated no builder `{builder}`")));
        }
        let (error_enum, send) =
            operation_code(provider, operation, &builder, generated).map_err(fail)?;
        errors.push(error_enum);
        impls.push(send);
        let (arm, outcome_fn, schemas) =
            dynamic_code(operation, &builder, generated).map_err(fail)?;
        dynamic_arms.push(arm);
        dynamic_fns.push(outcome_fn);
        schema_arms.extend(schemas);
    }
    Ok(quote! {
        #client
        /// The error type of each operation: one variant per documented error
        /// status with its documented body, and the failures any call can have.
        pub mod errors {
            #[allow(unused_imports)]
            use super::types;
            #(#errors)*
        }
        #(#impls)*
        /// Every operation by operationId with text arguments: for contract
        /// tests and tools that are driven by the documents, not by code.
        #[cfg(feature = "dynamic")]
        #[cfg_attr(docsrs, doc(cfg(feature = "dynamic")))]
        pub mod dynamic {
            #[allow(unused_imports)]
            use super::{errors, types, Client};
            use crate::dynamic::{Arguments, CallError, Outcome};

            /// Calls the operation `operation_id` (as the document spells it)
            /// with `arguments` parsed into its parameters' types.
            pub async fn call(client: &Client, operation_id: &str, arguments: &Arguments) -> Result<Outcome, CallError> {
                match operation_id {
                    #(#dynamic_arms)*
                    _ => Err(CallError::UnknownOperation(operation_id.to_string())),
                }
            }

            /// The JSON Schema of the SDK type a documented response body is
            /// parsed into (schemars), if it has a typed body.
            pub fn response_schema(operation_id: &str, status: u16) -> Option<schemars::schema::RootSchema> {
                match (operation_id, status) {
                    #(#schema_arms)*
                    _ => None,
                }
            }

            #(#dynamic_fns)*
        }
    })
}

/// `sdk::dynamic::{call, response_schema}`: dispatch by provider name.
pub fn dynamic_dispatch(providers: &[Provider]) -> TokenStream {
    let names: Vec<&str> = providers.iter().map(|p| p.name.as_str()).collect();
    let modules: Vec<Ident> = names.iter().map(|n| ident(n)).collect();
    quote! {
        /// Calls `operation_id` of `provider` over `connection`.
        pub async fn call(provider: &str, connection: &Connection, operation_id: &str, arguments: &Arguments) -> Result<Outcome, CallError> {
            call_with(provider, connection, operation_id, arguments).await
        }

        /// Calls `operation_id` of `provider` with a client from `clients`.
        pub async fn call_with<F: ClientFactory>(provider: &str, clients: &F, operation_id: &str, arguments: &Arguments) -> Result<Outcome, CallError> {
            match provider {
                #(#names => {
                    let client: crate::#modules::Client = clients.client()?;
                    crate::#modules::dynamic::call(&client, operation_id, arguments).await
                })*
                _ => Err(CallError::UnknownProvider(provider.to_string())),
            }
        }

        /// The JSON Schema of the SDK type `provider`'s `operation_id` parses
        /// a `status` body into, if it has a typed body.
        pub fn response_schema(provider: &str, operation_id: &str, status: u16) -> Option<schemars::schema::RootSchema> {
            match provider {
                #(#names => crate::#modules::dynamic::response_schema(operation_id, status),)*
                _ => None,
            }
        }
    }
}

/// The `dynamic::call` arm of one operation, its outcome conversion, and its
/// `response_schema` arms.
fn dynamic_code(
    operation: &Operation,
    builder: &str,
    generated: &Generated,
) -> Result<(TokenStream, TokenStream, Vec<TokenStream>), String> {
    let operation_id = &operation.operation_id;
    let method = ident(&progenitor_snake(&operation.sdk_name));
    let error = ident(&format!("{builder}Error"));
    let mut setters = Vec::new();
    for parameter in &operation.parameters {
        let setter = progenitor_snake(&parameter.name);
        let Some(target) = generated
            .setters
            .get(&(builder.to_string(), setter.clone()))
        else {
            if parameter.location == specs::ParameterLocation::Header {
                continue; // a credential header: the client sends it
            }
            return Err(format!(
                "no setter `{setter}` for parameter `{}` of `{operation_id}`",
                parameter.name
            ));
        };
        let name = &parameter.name;
        let setter = ident(&setter);
        setters.push(quote! {
            if let Some(value) = arguments.get(#name) {
                let value: #target = value.parse().map_err(|error| CallError::InvalidArgument {
                    name: #name.to_string(),
                    message: format!("{error}"),
                })?;
                builder = builder.#setter(value);
            }
        });
    }
    let outcome_fn = ident(&format!(
        "outcome_{}",
        progenitor_snake(&operation.sdk_name)
    ));
    let arm = quote! {
        #operation_id => {
            let mut builder = client.#method();
            #(#setters)*
            Ok(#outcome_fn(builder.send().await))
        }
    };

    let successes: Vec<&Response> = operation
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .collect();
    let success_type = successes
        .first()
        .map(|r| body_type(r.body.as_ref(), generated))
        .transpose()?
        .unwrap_or_else(|| quote!(bytes::Bytes));
    let to_json = |body: Option<&Body>| {
        if body.is_some_and(|b| specs::is_json(&b.media_type)) {
            quote!(serde_json::to_value(value.into_inner()).ok())
        } else {
            quote!(crate::dynamic::bytes_json(&value.into_inner()))
        }
    };
    let success_json = to_json(successes.first().and_then(|r| r.body.as_ref()));
    let mut error_arms = Vec::new();
    let mut schema_arms = Vec::new();
    for response in &operation.responses {
        if let (Status::Code(code), Some(body)) = (response.status, &response.body)
            && specs::is_json(&body.media_type)
        {
            let ty = body_type(Some(body), generated)?;
            schema_arms.push(quote!((#operation_id, #code) => Some(schemars::schema_for!(#ty)),));
        }
        if response.status.is_success() {
            continue;
        }
        let variant_name = variant_name(response.status);
        let variant = ident(&variant_name);
        let json = to_json(response.body.as_ref());
        error_arms.push(quote! {
            Err(errors::#error::#variant(value)) => Outcome::documented(value.status().as_u16(), #variant_name, #json),
        });
    }
    let outcome = quote! {
        fn #outcome_fn(result: Result<crate::ResponseValue<#success_type>, errors::#error>) -> Outcome {
            match result {
                Ok(value) => Outcome::documented(value.status().as_u16(), "Ok", #success_json),
                #(#error_arms)*
                Err(other) => Outcome::failure(other.status().map(|s| s.as_u16()), other.variant(), other.to_string()),
            }
        }
    };
    Ok((arm, outcome, schema_arms))
}

/// The provider's `Client` constructors: credential placement, environment
/// variable and default server, from the catalogue.
fn client_config(provider: &Provider) -> Result<TokenStream, String> {
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

fn operation_code(
    provider: &Provider,
    operation: &Operation,
    builder: &str,
    generated: &Generated,
) -> Result<(TokenStream, TokenStream), String> {
    let builder_ident = ident(builder);
    let error_name = format!("{builder}Error");
    let error = ident(&error_name);
    let successes: Vec<&Response> = operation
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .collect();
    let failures: Vec<&Response> = operation
        .responses
        .iter()
        .filter(|r| !r.status.is_success())
        .collect();

    // Success: one type when all documented 2xx bodies agree.
    let success_types: Vec<TokenStream> = successes
        .iter()
        .map(|r| body_type(r.body.as_ref(), generated))
        .collect::<Result<_, _>>()?;
    let success_type = match success_types.first() {
        None => quote!(bytes::Bytes),
        Some(first)
            if success_types
                .iter()
                .all(|t| t.to_string() == first.to_string()) =>
        {
            first.clone()
        }
        Some(_) => {
            return Err(format!(
                "operation `{}` documents 2xx responses with different bodies; not supported yet",
                operation.operation_id
            ));
        }
    };

    let mut variants = Vec::new();
    let mut displays = Vec::new();
    let mut statuses = Vec::new();
    let mut names = Vec::new();
    let mut arms = Vec::new();
    for response in &successes {
        let decode = decode(response.body.as_ref(), &error, None);
        let pattern = status_pattern(response.status);
        arms.push(quote!(#pattern => #decode,));
    }
    for response in &failures {
        let variant = ident(&variant_name(response.status));
        let ty = body_type(response.body.as_ref(), generated)?;
        let doc = format!(" `{}`: {}", response.status, response.description);
        let message = format!("{} {}", response.status, response.description);
        variants.push(quote! {
            #[doc = #doc]
            #variant(crate::Documented<#ty>),
        });
        displays.push(
            quote!(Self::#variant(value) => write!(f, "{}{}", #message, value.attempts_note()),),
        );
        statuses.push(quote!(Self::#variant(value) => Some(value.status()),));
        let variant_text = variant.to_string();
        names.push(quote!(Self::#variant(_) => #variant_text,));
        let decode = decode(response.body.as_ref(), &error, Some(&variant));
        let pattern = status_pattern(response.status);
        arms.push(quote!(#pattern => #decode,));
    }
    if !operation
        .responses
        .iter()
        .any(|r| r.status == Status::Default)
    {
        arms.push(quote!(_ => Err(#error::UnexpectedStatus(raw)),));
    }

    let error_doc = format!(
        " Everything but a documented success of `{} {}` (`{}`).",
        operation.method, operation.path, operation.operation_id
    );
    let error_enum = quote! {
        #[doc = #error_doc]
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #error {
            #(#variants)*
            /// A status the document does not declare for this operation.
            UnexpectedStatus(crate::RawResponse),
            /// A documented status whose body does not match its documented schema.
            InvalidBody(crate::InvalidBody),
            /// The request could not be built (a parameter missing or invalid).
            InvalidRequest(String),
            /// Connecting, sending or reading failed (on the last attempt).
            Transport(crate::TransportError),
            /// The connect or request timeout elapsed (on the last attempt).
            Timeout(crate::TransportError),
            /// The response body is larger than the client's limit (`max_response_bytes`).
            ResponseTooLarge(crate::ResponseTooLarge),
        }

        impl #error {
            /// The HTTP status, when a response was received.
            pub fn status(&self) -> Option<reqwest::StatusCode> {
                match self {
                    #(#statuses)*
                    Self::UnexpectedStatus(raw) => Some(raw.status),
                    Self::InvalidBody(invalid) => Some(invalid.response.status),
                    Self::ResponseTooLarge(too_large) => Some(too_large.status),
                    Self::InvalidRequest(_) | Self::Transport(_) | Self::Timeout(_) => None,
                }
            }

            /// The variant's name, e.g. `NotFound` or `Timeout`: for logs and metrics.
            pub fn variant(&self) -> &'static str {
                match self {
                    #(#names)*
                    Self::UnexpectedStatus(_) => "UnexpectedStatus",
                    Self::InvalidBody(_) => "InvalidBody",
                    Self::InvalidRequest(_) => "InvalidRequest",
                    Self::Transport(_) => "Transport",
                    Self::Timeout(_) => "Timeout",
                    Self::ResponseTooLarge(_) => "ResponseTooLarge",
                }
            }
        }

        impl std::fmt::Display for #error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #(#displays)*
                    Self::UnexpectedStatus(raw) => write!(f, "undocumented status {}", raw.status),
                    Self::InvalidBody(invalid) => invalid.fmt(f),
                    Self::InvalidRequest(message) => write!(f, "invalid request: {message}"),
                    Self::Transport(error) => write!(f, "transport error: {error}"),
                    Self::Timeout(error) => write!(f, "timed out: {error}"),
                    Self::ResponseTooLarge(too_large) => too_large.fmt(f),
                }
            }
        }

        impl std::error::Error for #error {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    Self::InvalidBody(invalid) => Some(invalid),
                    Self::ResponseTooLarge(too_large) => Some(too_large),
                    Self::Transport(error) | Self::Timeout(error) => Some(error),
                    _ => None,
                }
            }
        }

        impl From<crate::Failed> for #error {
            fn from(failed: crate::Failed) -> Self {
                let attempts = failed.attempts;
                match failed.failure {
                    crate::Failure::InvalidRequest(message) => Self::InvalidRequest(message),
                    crate::Failure::Transport(error) => Self::Transport(crate::TransportError { attempts, source: Some(error) }),
                    crate::Failure::Timeout(error) => Self::Timeout(crate::TransportError { attempts, source: error }),
                    crate::Failure::ResponseTooLarge(too_large) => Self::ResponseTooLarge(crate::ResponseTooLarge { attempts, ..too_large }),
                }
            }
        }
    };

    let send_doc = format!(
        " Sends `{} {}` and decodes the documented response for the status received,\n retrying as the client's policy allows.",
        operation.method, operation.path
    );
    let provider_name = &provider.name;
    let operation_id = &operation.operation_id;
    let method = &operation.method;
    let path = &operation.path;
    // An idempotency-key parameter: filled per logical call unless the caller set one,
    // so every retry carries the same key.
    let key_parameter = operation.parameters.iter().find(|p| {
        p.location == specs::ParameterLocation::Header
            && p.name.eq_ignore_ascii_case("idempotency-key")
    });
    let fill_key = match key_parameter {
        Some(parameter) => {
            let setter = progenitor_snake(&parameter.name);
            let target = generated
                .setters
                .get(&(builder.to_string(), setter.clone()))
                .ok_or_else(|| format!("no setter `{setter}` on `{builder}`"))?;
            let field = ident(&setter);
            if parameter.required {
                // progenitor starts a required parameter as this error; a
                // value the caller set (valid or not) is left alone.
                let unset = format!("{setter} was not initialized");
                quote! {
                    if matches!(&self.#field, Err(message) if *message == #unset) {
                        self.#field = <#target>::try_from(crate::new_idempotency_key())
                            .map_err(|error| error.to_string());
                    }
                }
            } else {
                quote! {
                    if matches!(self.#field, Ok(None)) {
                        self.#field = <#target>::try_from(crate::new_idempotency_key())
                            .map(Some)
                            .map_err(|error| error.to_string());
                    }
                }
            }
        }
        None => quote!(),
    };
    let idempotent = key_parameter.is_some()
        || ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"]
            .contains(&operation.method.as_str());
    let send = quote! {
        impl builder::#builder_ident<'_> {
            #[doc = #send_doc]
            pub async fn send(self) -> Result<crate::ResponseValue<#success_type>, errors::#error> {
                self.send_with(crate::CallOptions::default()).await
            }

            /// [`Self::send`] with this call's own timeout or retry count.
            #[allow(unused_mut)]
            pub async fn send_with(mut self, options: crate::CallOptions) -> Result<crate::ResponseValue<#success_type>, errors::#error> {
                use errors::#error;
                #fill_key
                let call = crate::Call {
                    provider: #provider_name,
                    operation_id: #operation_id,
                    method: #method,
                    path: #path,
                    idempotent: #idempotent,
                };
                let settings = self.client.inner();
                let raw = crate::execute(settings, &call, options, || self.clone().send_raw()).await?;
                match raw.status.as_u16() {
                    #(#arms)*
                }
            }
        }
    };
    Ok((error_enum, send))
}

/// The Rust type of a documented body.
fn body_type(body: Option<&Body>, generated: &Generated) -> Result<TokenStream, String> {
    let Some(body) = body.filter(|b| specs::is_json(&b.media_type)) else {
        return Ok(quote!(bytes::Bytes));
    };
    let Some(name) = &body.type_name else {
        return Ok(quote!(serde_json::Value));
    };
    let rust_name = progenitor_name(name);
    if !generated.types.contains(&rust_name) {
        return Err(format!(
            "progenitor generated no type `{rust_name}` for schema `{name}`"
        ));
    }
    let rust_name = ident(&rust_name);
    Ok(quote!(types::#rust_name))
}

/// The expression turning `raw` into the operation's result for one status.
fn decode(body: Option<&Body>, error: &Ident, variant: Option<&Ident>) -> TokenStream {
    let json = body.is_some_and(|b| specs::is_json(&b.media_type));
    match (json, variant) {
        (true, None) => quote!(raw.json().map_err(#error::InvalidBody)),
        (false, None) => quote!(Ok(raw.bytes())),
        (true, Some(variant)) => {
            quote!(Err(raw.documented_json().map_or_else(#error::InvalidBody, #error::#variant)))
        }
        (false, Some(variant)) => quote!(Err(#error::#variant(raw.documented_bytes()))),
    }
}

fn status_pattern(status: Status) -> TokenStream {
    match status {
        Status::Code(code) => quote!(#code),
        Status::Range(digit) => {
            let low = u16::from(digit) * 100;
            let high = low + 99;
            quote!(#low..=#high)
        }
        Status::Default => quote!(_),
    }
}

/// `404` -> `NotFound`; `4XX` -> `Status4xx`; `default` -> `Default`.
fn variant_name(status: Status) -> String {
    match status {
        Status::Code(code) => {
            reqwest_reason(code).map_or_else(|| format!("Status{code}"), |r| r.to_pascal_case())
        }
        Status::Range(digit) => format!("Status{digit}xx"),
        Status::Default => "Default".to_string(),
    }
}

/// IANA reason phrases of the error statuses APIs document.
fn reqwest_reason(code: u16) -> Option<&'static str> {
    Some(match code {
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

/// The snake-case identifier progenitor derives from a name (methods, setters).
pub fn progenitor_snake(name: &str) -> String {
    use heck::ToSnakeCase;
    progenitor_words(name).to_snake_case()
}

/// The type identifier progenitor and typify derive from a name.
fn progenitor_name(name: &str) -> String {
    progenitor_words(name).to_pascal_case()
}

/// progenitor's and typify's `sanitize` before the case change: quotes go,
/// anything that cannot be in an identifier separates words.
fn progenitor_words(name: &str) -> String {
    name.replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

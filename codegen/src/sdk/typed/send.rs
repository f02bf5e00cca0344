//! Per operation, `send()`, `send_with()` and (for bodies offered in
//! several media types) `send_body()` on progenitor's builder: one logical
//! call through `crate::execute`, the response decoded by documented status.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use specs::{Body, Operation, Provider, Response, Status};

use super::names::{ident, progenitor_snake, variant_name};
use super::{Generated, success_type};

/// The typed senders of `operation`'s builder.
pub fn send_impl(
    provider: &Provider,
    operation: &Operation,
    builder: &str,
    generated: &Generated,
) -> Result<TokenStream, String> {
    let builder_ident = ident(builder);
    let error = ident(&format!("{builder}Error"));
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

    let success_type = success_type(operation, generated)?;

    let mut arms = Vec::new();
    for response in &successes {
        let decode = decode(response.body.as_ref(), &error, None);
        let pattern = status_pattern(response.status);
        arms.push(quote!(#pattern => #decode,));
    }
    for response in &failures {
        let variant = ident(&variant_name(response.status));
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

    let send_doc = format!(
        " Sends `{} {}` and decodes the documented response for the status received,\n retrying as the client's policy allows.",
        operation.method, operation.path
    );
    let provider_name = &provider.name;
    let operation_id = &operation.operation_id;
    let method = &operation.method;
    let path = &operation.path;
    let Prelude {
        fill_key,
        check_credentials,
        client,
        idempotent,
    } = prelude(operation, builder, generated)?;
    let body_sender = send_body(
        operation,
        &success_type,
        &error,
        &fill_key,
        &check_credentials,
        &client,
    );
    Ok(quote! {
        impl builder::#builder_ident<'_> {
            #[doc = #send_doc]
            pub async fn send(self) -> Result<crate::ResponseValue<#success_type>, errors::#error> {
                self.send_with(crate::CallOptions::default()).await
            }

            /// [`Self::send`] with this call's own timeout or retry count.
            #[allow(unused_mut)]
            pub async fn send_with(mut self, options: crate::CallOptions) -> Result<crate::ResponseValue<#success_type>, errors::#error> {
                #fill_key
                let settings = self.#client.inner();
                #check_credentials
                let raw = crate::execute(settings, &Self::CALL, options, || self.clone().send_raw()).await?;
                Self::outcome(raw)
            }

            #body_sender

            const CALL: crate::Call = crate::Call {
                provider: #provider_name,
                operation_id: #operation_id,
                method: #method,
                path: #path,
                idempotent: #idempotent,
            };

            /// The documented outcome of the status received.
            fn outcome(raw: crate::RawResponse) -> Result<crate::ResponseValue<#success_type>, errors::#error> {
                use errors::#error;
                match raw.status.as_u16() {
                    #(#arms)*
                }
            }
        }
    })
}

/// What every send of `operation`'s builder does first: fill in an
/// idempotency key (`fill_key`), and refuse a call without credentials
/// (`check_credentials`, after `settings` is read from the client field).
pub struct Prelude {
    /// Fills the idempotency-key parameter, where there is one.
    pub fill_key: TokenStream,
    /// Refuses a call without the credentials the operation requires.
    pub check_credentials: TokenStream,
    /// The builder's field holding the client.
    pub client: Ident,
    /// Whether the method is idempotent (or made so by a key).
    pub idempotent: bool,
}

impl Prelude {
    /// The statements, ending with `settings` in scope.
    pub fn statements(&self) -> TokenStream {
        let Prelude {
            fill_key,
            check_credentials,
            client,
            ..
        } = self;
        quote! {
            #fill_key
            let settings = self.#client.inner();
            #check_credentials
        }
    }
}

/// The [`Prelude`] of `operation`'s builder.
pub fn prelude(
    operation: &Operation,
    builder: &str,
    generated: &Generated,
) -> Result<Prelude, String> {
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
    // Refused before anything is sent; the `pre` hook then places them.
    let error = ident(&format!("{builder}Error"));
    let progenitor_name = super::names::progenitor_snake(&operation.sdk_name);
    let check_credentials = quote! {
        if let Some((operation, requirements)) = requirements(#progenitor_name) {
            settings
                .check_credentials(operation, requirements)
                .map_err(errors::#error::MissingCredentials)?;
        }
    };
    Ok(Prelude {
        fill_key,
        check_credentials,
        client: client_field(operation),
        idempotent,
    })
}

/// `send_body(content_type, body)` for a request body the document offers
/// in several media types: the typed builder sends the JSON one (or the
/// first); this sends the caller's bytes in any declared media type.
fn send_body(
    operation: &Operation,
    success_type: &TokenStream,
    error: &Ident,
    fill_key: &TokenStream,
    check_credentials: &TokenStream,
    client: &Ident,
) -> TokenStream {
    let Some(body) = operation
        .request_body
        .as_ref()
        .filter(|b| super::needs_send_body(b))
    else {
        return quote!();
    };
    let media_types: Vec<&str> = body.content.iter().map(|b| b.media_type.as_str()).collect();
    let listed = media_types
        .iter()
        .map(|m| format!("`{m}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let doc = format!(
        " Sends the request with `body` as it is, in one of the media types the\n \
         document declares for it ({listed}); the builder's typed body is not\n \
         sent. A `content_type` outside that list (parameters aside) is\n \
         `InvalidRequest`, before anything is sent."
    );
    quote! {
        #[doc = #doc]
        #[allow(unused_mut)]
        pub async fn send_body(self, content_type: &str, body: impl Into<bytes::Bytes>) -> Result<crate::ResponseValue<#success_type>, errors::#error> {
            let body: bytes::Bytes = body.into();
            self.send_encoded(content_type, body.into()).await
        }

        /// [`Self::send_body`] with a body of pieces read as it is sent (a
        /// form's files); without retries when a piece is a stream.
        #[doc(hidden)]
        #[allow(unused_mut)]
        pub async fn send_encoded(mut self, content_type: &str, body: crate::forms::Body) -> Result<crate::ResponseValue<#success_type>, errors::#error> {
            const DECLARED: &[&str] = &[#(#media_types),*];
            let essence = content_type.split(';').next().unwrap_or_default().trim();
            if !DECLARED.iter().any(|m| m.eq_ignore_ascii_case(essence)) {
                return Err(errors::#error::InvalidRequest(format!(
                    "`{content_type}` is not a media type this operation declares ({})",
                    DECLARED.join(", ")
                )));
            }
            let content_type = reqwest::header::HeaderValue::from_str(content_type)
                .map_err(|error| errors::#error::InvalidRequest(error.to_string()))?;
            #fill_key
            let settings = self.#client.inner();
            #check_credentials
            let options = body.options(crate::CallOptions::default());
            let raw = crate::execute(settings, &Self::CALL, options, || {
                self.clone().send_raw_body(content_type.clone(), body.request_body())
            })
            .await?;
            Self::outcome(raw)
        }
    }
}

/// The builder's field holding the client: progenitor names it `client`,
/// with a `_` in front for as long as a parameter has that name (Prefect's
/// `GET /csrf-token?client=...`).
fn client_field(operation: &Operation) -> Ident {
    let parameters: Vec<String> = operation
        .parameters
        .iter()
        .map(|p| progenitor_snake(&p.name))
        .collect();
    let mut name = "client".to_string();
    while parameters.contains(&name) {
        name.insert(0, '_');
    }
    ident(&name)
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

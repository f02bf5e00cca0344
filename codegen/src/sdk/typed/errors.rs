//! Per operation, the error enum: one variant per documented error status
//! with its documented body, and the failures any call can have.

use proc_macro2::TokenStream;
use quote::quote;
use specs::{Operation, Response};

use super::names::{ident, variant_name};
use super::{Generated, body_type};

/// `errors::<Builder>Error` for `operation`.
pub fn error_enum(
    operation: &Operation,
    builder: &str,
    generated: &Generated,
    paged: bool,
) -> Result<TokenStream, String> {
    let error = ident(&format!("{builder}Error"));
    let failures: Vec<&Response> = operation
        .responses
        .iter()
        .filter(|r| !r.status.is_success())
        .collect();
    let mut variants = Vec::new();
    let mut displays = Vec::new();
    let mut statuses = Vec::new();
    let mut names = Vec::new();
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
    }
    if paged {
        variants.push(quote! {
            /// A stream of pages stopped although the last page named a next one.
            Pagination(crate::pages::PageError),
        });
        displays.push(quote!(Self::Pagination(error) => error.fmt(f),));
        statuses.push(quote!(Self::Pagination(_) => None,));
        names.push(quote!(Self::Pagination(_) => "Pagination",));
    }
    let error_doc = format!(
        " Everything but a documented success of `{} {}` (`{}`).",
        operation.method, operation.path, operation.operation_id
    );
    Ok(quote! {
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
            /// The client holds no credentials satisfying any of the
            /// operation's security requirements; nothing was sent.
            MissingCredentials(crate::auth::AuthError),
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
                    Self::InvalidRequest(_) | Self::MissingCredentials(_) | Self::Transport(_) | Self::Timeout(_) => None,
                }
            }

            /// The variant's name, e.g. `NotFound` or `Timeout`: for logs and metrics.
            pub fn variant(&self) -> &'static str {
                match self {
                    #(#names)*
                    Self::UnexpectedStatus(_) => "UnexpectedStatus",
                    Self::InvalidBody(_) => "InvalidBody",
                    Self::InvalidRequest(_) => "InvalidRequest",
                    Self::MissingCredentials(_) => "MissingCredentials",
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
                    Self::MissingCredentials(error) => error.fmt(f),
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
                    Self::MissingCredentials(error) => Some(error),
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
    })
}

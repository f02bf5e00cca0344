//! `<provider>::webhooks`: a variant per declared webhook and callback with
//! its payload's type, and `parse`, which verifies a delivery
//! (`crate::webhooks::Verifier`) before reading it. Nothing is written for
//! a provider that declares none.

use proc_macro2::TokenStream;
use quote::quote;
use specs::{Provider, WebhookOrigin};

use super::names;
use crate::sdk::progenitor_output::Generated;

/// The `webhooks` module of `provider`, or nothing.
pub(super) fn module(provider: &Provider, generated: &Generated) -> TokenStream {
    if provider.webhooks.is_empty() {
        return TokenStream::new();
    }
    let mut variants = Vec::new();
    let mut idents: Vec<String> = Vec::new();
    let mut names_arms = Vec::new();
    let mut named_arms = Vec::new();
    let mut tries = Vec::new();
    let mut names = Vec::new();
    for webhook in &provider.webhooks {
        let mut ident = names::progenitor_name(&webhook.name);
        if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
            ident = format!("Webhook{ident}");
        }
        let base = ident.clone();
        let mut n = 2;
        while idents.contains(&ident) {
            ident = format!("{base}{n}");
            n += 1;
        }
        idents.push(ident.clone());
        let ident = names::ident(&ident);
        let payload = payload_type(webhook.payload.as_ref(), generated);
        let name = &webhook.name;
        let doc = match &webhook.origin {
            WebhookOrigin::Webhook => {
                format!("`{name}`: a `{}` to the app's webhook URL.", webhook.method)
            }
            WebhookOrigin::Callback {
                operation_id,
                expression,
            } => format!(
                "`{name}`: a `{}` to `{expression}`, the callback `{operation_id}` registers.",
                webhook.method
            ),
        };
        variants.push(quote! {
            #[doc = #doc]
            #ident(#payload),
        });
        names_arms.push(quote!(Self::#ident(_) => #name,));
        named_arms.push(quote! {
            #name => crate::webhooks::payload(body, #name).map(Self::#ident),
        });
        tries.push(ident);
        names.push(name.clone());
    }
    let Some(last) = tries.pop() else {
        return TokenStream::new();
    };
    let scheme = match provider.webhook_signature {
        specs::WebhookSignature::StandardWebhooks => quote!(StandardWebhooks),
        specs::WebhookSignature::Stripe => quote!(Stripe),
        specs::WebhookSignature::Github => quote!(GitHub),
    };
    quote! {
        /// The deliveries the provider sends the app (the document's
        /// `webhooks` and callbacks), typed; see [`crate::webhooks`].
        pub mod webhooks {
            #[allow(unused_imports)]
            use super::types;
            use crate::webhooks::{Delivery, Scheme, Verifier, WebhookError};

            /// How the provider signs its deliveries.
            pub const SCHEME: Scheme = Scheme::#scheme;

            /// A verifier of the provider's deliveries signed with `secret`
            /// (as [`SCHEME`] signs).
            pub fn verifier(secret: &str) -> Result<Verifier, WebhookError> {
                Verifier::with_scheme(SCHEME, secret)
            }

            /// A delivery's payload, by the webhook that declares it.
            #[derive(Debug, Clone, serde::Serialize)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum Webhook {
                #(#variants)*
            }

            impl Webhook {
                /// The declared names, in document order.
                pub const NAMES: &'static [&'static str] = &[#(#names),*];

                /// The name the document gives this delivery's webhook.
                pub fn name(&self) -> &'static str {
                    match self {
                        #(#names_arms)*
                    }
                }

                /// `body` read as the payload of the webhook `name`.
                pub fn from_named(name: &str, body: &[u8]) -> Result<Self, WebhookError> {
                    match name {
                        #(#named_arms)*
                        _ => Err(WebhookError::UnknownWebhook(name.to_owned())),
                    }
                }

                /// `body` read as the first declared payload it fits (in
                /// document order; a payload's constant members, such as a
                /// `type`, tell them apart).
                pub fn from_json(body: &[u8]) -> Result<Self, WebhookError> {
                    #(
                        if let Ok(payload) = serde_json::from_slice(body) {
                            return Ok(Self::#tries(payload));
                        }
                    )*
                    crate::webhooks::payload(body, "any declared webhook payload").map(Self::#last)
                }
            }

            /// Verifies a delivery's signature, timestamp and id with
            /// `verifier`, then reads its payload ([`Webhook::from_json`]).
            pub fn parse(
                verifier: &Verifier,
                headers: &reqwest::header::HeaderMap,
                body: &[u8],
            ) -> Result<Delivery<Webhook>, WebhookError> {
                let verified = verifier.verify(headers, body)?;
                let payload = Webhook::from_json(body)?;
                Ok(crate::webhooks::delivery(verified, payload))
            }

            /// [`parse`] for a delivery of the webhook `name` (the URL the
            /// app registered for it says which).
            pub fn parse_named(
                verifier: &Verifier,
                name: &str,
                headers: &reqwest::header::HeaderMap,
                body: &[u8],
            ) -> Result<Delivery<Webhook>, WebhookError> {
                let verified = verifier.verify(headers, body)?;
                let payload = Webhook::from_named(name, body)?;
                Ok(crate::webhooks::delivery(verified, payload))
            }
        }
    }
}

/// The payload's Rust type: its component's, else any JSON value.
fn payload_type(body: Option<&specs::Body>, generated: &Generated) -> TokenStream {
    let named = body
        .filter(|b| specs::is_json(&b.media_type))
        .and_then(|b| b.type_name.as_ref())
        .map(|name| names::progenitor_name(name))
        .filter(|name| generated.types.contains(name));
    match named {
        Some(name) => {
            let ident = names::ident(&name);
            quote!(types::#ident)
        }
        None => quote!(serde_json::Value),
    }
}

//! Per operation whose success the document declares as
//! `text/event-stream` (`specs::Response::events`), `.events()`,
//! `.events_with()` and `.events_after(id)` (resuming) on its builder, over `crate::events`: the request sent
//! asking for the stream (`send_raw_events`, `Accept: text/event-stream`;
//! the provider's boolean stream switch, `stream` unless `provider.yaml`
//! names another, set to `true` in the body), each event's data parsed as
//! the type the document gives it.

use proc_macro2::TokenStream;
use quote::quote;
use specs::events::{EventData, event_data};
use specs::{Operation, Provider};

use super::Generated;
use super::names::{ident, progenitor_name};
use super::shapes::{inner_result, is_flag};

/// What `.events()` needs.
pub struct Plan {
    /// The type of each event's data.
    data: TokenStream,
    /// `crate::events::text` or `crate::events::json::<T>`.
    parse: TokenStream,
    /// `self.body = ...stream(true)`, where the JSON body has that switch.
    stream_switch: TokenStream,
    /// The switch's member name (`Provider::stream_switch`).
    switch: String,
}

/// Whether `operation` answers an event stream, and how its events parse.
pub fn plan(
    provider: &Provider,
    operation: &Operation,
    builder: &str,
    generated: &Generated,
) -> Option<Plan> {
    let stream = operation
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .find_map(|r| r.events.as_ref())?;
    let document = &provider.documents[operation.document].resolved;
    let (data, parse) = match event_data(document, &stream.schema) {
        EventData::Text => (quote!(String), quote!(crate::events::text)),
        EventData::Json(schema) => {
            let named = schema
                .get("$ref")
                .and_then(serde_json::Value::as_str)
                .and_then(specs::pointer::schema_ref_name)
                .map(|name| progenitor_name(&name))
                .filter(|name| generated.types.contains(name));
            let data = match named {
                Some(name) => {
                    let name = ident(&name);
                    quote!(types::#name)
                }
                None => quote!(serde_json::Value),
            };
            let parse = quote!(crate::events::json::<#data>);
            (data, parse)
        }
    };
    Some(Plan {
        data,
        parse,
        stream_switch: stream_switch(builder, generated, &provider.stream_switch),
        switch: provider.stream_switch.clone(),
    })
}

/// `self.body = self.body.map(|body| body.stream(true));` where the
/// builder's JSON body is a struct with a boolean `switch` member.
fn stream_switch(builder: &str, generated: &Generated, switch: &str) -> TokenStream {
    let body_type = generated
        .builder_fields
        .get(builder)
        .and_then(|fields| fields.iter().find(|(name, _)| name == "body"))
        .and_then(|(_, ty)| inner_result(ty))
        .and_then(|ty| match ty {
            syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        });
    let switch = body_type
        .and_then(|name| generated.fields.get(&name))
        .and_then(|fields| fields.iter().find(|f| f.member == switch))
        .filter(|field| is_flag(&field.ty));
    match switch {
        Some(field) => {
            let setter = &field.ident;
            quote!(self.body = self.body.map(|body| body.#setter(true));)
        }
        None => quote!(),
    }
}

impl Plan {
    /// The type of each event's data.
    pub fn data(&self) -> &TokenStream {
        &self.data
    }

    /// The request-body member that asks for the stream.
    pub fn switch(&self) -> &str {
        &self.switch
    }
}

/// `.events()` and `.events_with()` on the builder; with a `form` body,
/// also the `events_body()` its form builder's `.events()` sends through.
pub fn events_impl(
    operation: &Operation,
    builder: &str,
    plan: &Plan,
    prelude: &TokenStream,
    form: bool,
) -> TokenStream {
    let builder_ident = ident(builder);
    let error = ident(&format!("{builder}Error"));
    let Plan {
        data,
        parse,
        stream_switch,
        ..
    } = plan;
    let doc = format!(
        " Sends `{} {}` asking for its event stream, and returns the events as\n \
         they arrive (see [`crate::events`]); a documented error status is the\n \
         same error as [`Self::send`]'s.",
        operation.method, operation.path
    );
    let open = quote! {
        match received {
            crate::Received::Open(response) => Ok(crate::events::stream(response, settings.max_event_bytes, #parse)),
            crate::Received::Whole(raw) => match Self::outcome(raw) {
                Err(error) => Err(error),
                Ok(value) => Ok(crate::events::not_a_stream(value.headers())),
            },
        }
    };
    let events_body = form.then(|| {
        quote! {
            /// Sends `body` (an encoded form of `content_type`) asking for
            /// the event stream: the form builder's `.events()`.
            #[allow(unused_mut)]
            async fn events_body(mut self, content_type: &str, body: crate::forms::Body, options: crate::CallOptions) -> Result<crate::events::EventStream<#data>, errors::#error> {
                let content_type = reqwest::header::HeaderValue::from_str(content_type)
                    .map_err(|error| errors::#error::InvalidRequest(error.to_string()))?;
                #prelude
                let options = body.options(options);
                let received = crate::execute_open(settings, &Self::CALL, options, || {
                    self.clone().send_raw_body_events(content_type.clone(), body.request_body(), None)
                })
                .await?;
                #open
            }
        }
    });
    quote! {
        impl builder::#builder_ident<'_> {
            #events_body

            #[doc = #doc]
            pub async fn events(self) -> Result<crate::events::EventStream<#data>, errors::#error> {
                self.events_with(crate::CallOptions::default()).await
            }

            /// [`Self::events`] with this call's own timeout (until the
            /// stream's head arrives) or retry count.
            pub async fn events_with(self, options: crate::CallOptions) -> Result<crate::events::EventStream<#data>, errors::#error> {
                self.events_resumed(options, None).await
            }

            /// [`Self::events`] resuming a stream that broke off: asks for
            /// the events after `last_event_id`, the [`crate::events::Event::id`]
            /// of the last one received (`Last-Event-ID`).
            pub async fn events_after(self, last_event_id: &str) -> Result<crate::events::EventStream<#data>, errors::#error> {
                let id = reqwest::header::HeaderValue::from_str(last_event_id)
                    .map_err(|_| errors::#error::InvalidRequest(format!("`{last_event_id}` cannot be sent as Last-Event-ID")))?;
                self.events_resumed(crate::CallOptions::default(), Some(id)).await
            }

            #[allow(unused_mut)]
            async fn events_resumed(mut self, options: crate::CallOptions, last_event_id: Option<reqwest::header::HeaderValue>) -> Result<crate::events::EventStream<#data>, errors::#error> {
                #stream_switch
                #prelude
                let received = crate::execute_open(settings, &Self::CALL, options, || self.clone().send_raw_events(last_event_id.clone())).await?;
                #open
            }
        }
    }
}

//! `<provider>::forms`: for each operation whose request body the document
//! declares as `multipart/form-data` or `application/x-www-form-urlencoded`
//! (and which the SDK sends with `send_body`), a builder with a setter per
//! property of the body's schema, typed from it (a file, text, a number, a
//! flag, a list, any JSON), the required ones checked before sending, the
//! body encoded as the document's `encoding` says (`crate::forms`).

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use specs::refs::Document;
use specs::{Body, Operation, Provider};

use super::names::{ident, progenitor_snake};

/// The form media types, in the order one is chosen.
const FORM_TYPES: [&str; 2] = ["multipart/form-data", "application/x-www-form-urlencoded"];

/// Setter names the builder has for itself.
const RESERVED: [&str; 4] = ["send", "field", "new", "call"];

/// The form builder of `operation` and the `.form()` that makes it, or
/// nothing when its body is not a form the SDK sends with `send_body`.
pub(super) struct Form {
    /// `impl builder::X { pub fn form(self) -> forms::X }`.
    pub starter: TokenStream,
    /// `pub struct X` and its setters, in `mod forms`.
    pub builder: TokenStream,
}

pub(super) fn form(
    provider: &Provider,
    operation: &Operation,
    builder: &str,
    success_type: &TokenStream,
    events: Option<&super::events::Plan>,
) -> Option<Form> {
    let body = operation
        .request_body
        .as_ref()
        .filter(|b| super::needs_send_body(b))?;
    let content = FORM_TYPES.iter().find_map(|form| {
        body.content
            .iter()
            .find(|c| c.media_type.eq_ignore_ascii_case(form))
    })?;
    let document = Document(&provider.documents[operation.document].resolved);
    let schema = document.deref(&content.schema)?;
    let multipart = content.media_type.eq_ignore_ascii_case(FORM_TYPES[0]);
    let media_type = content.media_type.to_ascii_lowercase();

    let builder_ident = ident(builder);
    let error = ident(&format!("{builder}Error"));
    let required = Document::required(schema);
    let mut setters = Vec::new();
    let mut taken: Vec<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
    if events.is_some() {
        taken.extend(["events".to_owned(), "events_with".to_owned()]);
    }
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten();
    for (name, property) in properties {
        let setter = progenitor_snake(name);
        if taken.contains(&setter) {
            continue;
        }
        taken.push(setter.clone());
        let property = document.deref(property).unwrap_or(property);
        setters.push(setter_of(name, &setter, property, document, multipart));
    }
    let encodings = encodings(content);
    let doc = format!(
        " The `{media_type}` body of `{} {}`, field by field (see\n [`crate::forms`]); `.send()` sends it.",
        operation.method, operation.path
    );
    let starter_doc = format!(" The request body as a `{media_type}` form, set field by field.");
    let required_check: Vec<TokenStream> = required
        .iter()
        .map(|name| {
            let message = format!("the form field `{name}` is required");
            quote! {
                if !self.fields.iter().any(|(n, _)| n == #name) {
                    return Err(super::errors::#error::InvalidRequest(#message.to_owned()));
                }
            }
        })
        .collect();
    // `.events()`, where the operation also answers an event stream: the
    // form's boolean stream switch (`stream`) says so unless the caller set it.
    let events = events.map(|plan| {
        let data = plan.data();
        let switch = plan.switch();
        let stream_switch = schema
            .get("properties")
            .and_then(|p| p.get(switch))
            .map(|p| document.deref(p).unwrap_or(p))
            .filter(|p| matches!(kind(p, document, multipart), Kind::Flag))
            .map(|_| {
                quote! {
                    if !self.fields.iter().any(|(n, _)| n == #switch) {
                        self.fields.push((#switch.to_owned(), crate::forms::Field::Text("true".to_owned())));
                    }
                }
            });
        quote! {
            /// Encodes the form and sends it asking for the operation's
            /// event stream (see [`crate::events`]), after checking that
            /// every required field is set.
            pub async fn events(self) -> Result<crate::events::EventStream<#data>, super::errors::#error> {
                self.events_with(crate::CallOptions::default()).await
            }

            /// [`Self::events`] with this call's own timeout (until the
            /// stream's head arrives) or retry count.
            #[allow(unused_mut)]
            pub async fn events_with(mut self, options: crate::CallOptions) -> Result<crate::events::EventStream<#data>, super::errors::#error> {
                #(#required_check)*
                #stream_switch
                const ENCODINGS: &[crate::forms::Encoding] = &[#(#encodings),*];
                let (content_type, body) = crate::forms::encode(#media_type, &self.fields, ENCODINGS)
                    .map_err(|error| super::errors::#error::InvalidRequest(error.to_string()))?;
                self.call.events_body(&content_type, body, options).await
            }
        }
    });
    let starter = quote! {
        impl<'a> builder::#builder_ident<'a> {
            #[doc = #starter_doc]
            pub fn form(self) -> forms::#builder_ident<'a> {
                forms::#builder_ident { call: self, fields: Vec::new() }
            }
        }
    };
    let builder = quote! {
        #[doc = #doc]
        #[derive(Debug)]
        pub struct #builder_ident<'a> {
            pub(super) call: super::builder::#builder_ident<'a>,
            pub(super) fields: Vec<(String, crate::forms::Field)>,
        }

        impl<'a> #builder_ident<'a> {
            #(#setters)*

            /// Sets the field `name` (one the document does not declare, or
            /// a value of another shape), replacing any earlier value.
            pub fn field(mut self, name: &str, value: impl Into<crate::forms::Field>) -> Self {
                self.fields.retain(|(n, _)| n != name);
                self.fields.push((name.to_owned(), value.into()));
                self
            }

            /// Encodes the form and sends it (`send_body`), after checking
            /// that every required field is set.
            pub async fn send(self) -> Result<crate::ResponseValue<#success_type>, super::errors::#error> {
                #(#required_check)*
                const ENCODINGS: &[crate::forms::Encoding] = &[#(#encodings),*];
                let (content_type, body) = crate::forms::encode(#media_type, &self.fields, ENCODINGS)
                    .map_err(|error| super::errors::#error::InvalidRequest(error.to_string()))?;
                self.call.send_encoded(&content_type, body).await
            }

            #events
        }
    };
    Some(Form { starter, builder })
}

/// The setter of property `name` (Rust name `setter`), typed from its schema.
fn setter_of(
    name: &str,
    setter: &str,
    property: &Value,
    document: Document<'_>,
    multipart: bool,
) -> TokenStream {
    let setter = ident(setter);
    let doc = property
        .get("description")
        .and_then(Value::as_str)
        .map(|d| format!(" `{name}`: {d}"))
        .unwrap_or_else(|| format!(" `{name}`."));
    let (argument, value) = match kind(property, document, multipart) {
        Kind::File => (
            quote!(value: crate::forms::FilePart),
            quote!(crate::forms::Field::File(value)),
        ),
        Kind::Files => (
            quote!(value: Vec<crate::forms::FilePart>),
            quote!(crate::forms::Field::Files(value)),
        ),
        Kind::Text => (
            quote!(value: impl Into<String>),
            quote!(crate::forms::Field::Text(value.into())),
        ),
        Kind::Integer => (
            quote!(value: i64),
            quote!(crate::forms::Field::Text(value.to_string())),
        ),
        Kind::Number => (
            quote!(value: f64),
            quote!(crate::forms::Field::Text(value.to_string())),
        ),
        Kind::Flag => (
            quote!(value: bool),
            quote!(crate::forms::Field::Text(value.to_string())),
        ),
        Kind::Texts => (
            quote!(value: impl IntoIterator<Item = impl ToString>),
            quote!(crate::forms::Field::Texts(
                value.into_iter().map(|v| v.to_string()).collect()
            )),
        ),
        Kind::Json => (
            quote!(value: serde_json::Value),
            quote!(crate::forms::Field::Json(value)),
        ),
    };
    quote! {
        #[doc = #doc]
        pub fn #setter(self, #argument) -> Self {
            self.field(#name, #value)
        }
    }
}

enum Kind {
    File,
    Files,
    Text,
    Integer,
    Number,
    Flag,
    Texts,
    Json,
}

/// What a property's schema asks for, as a form field.
fn kind(property: &Value, document: Document<'_>, multipart: bool) -> Kind {
    if multipart && is_file(property) {
        return Kind::File;
    }
    match single_type(property) {
        Some("string") => Kind::Text,
        Some("integer") => Kind::Integer,
        Some("number") => Kind::Number,
        Some("boolean") => Kind::Flag,
        Some("array") => {
            let items = property
                .get("items")
                .map(|items| document.deref(items).unwrap_or(items));
            match items {
                Some(items) if multipart && is_file(items) => Kind::Files,
                Some(items)
                    if matches!(
                        single_type(items),
                        Some("string" | "integer" | "number" | "boolean")
                    ) =>
                {
                    Kind::Texts
                }
                _ => Kind::Json,
            }
        }
        _ => Kind::Json,
    }
}

/// A binary string (`format: binary`, or 3.1's `contentMediaType` /
/// `contentEncoding`): a file part.
fn is_file(schema: &Value) -> bool {
    single_type(schema).is_none_or(|t| t == "string")
        && (schema.get("format").and_then(Value::as_str) == Some("binary")
            || schema.get("contentMediaType").is_some()
            || schema.get("contentEncoding").is_some())
}

/// The one non-null `type` of a schema.
fn single_type(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(t) => Some(t),
        Value::Array(types) => {
            let mut non_null = types
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null");
            let first = non_null.next()?;
            non_null.next().is_none().then_some(first)
        }
        _ => None,
    }
}

/// The body's `encoding`, as `crate::forms::Encoding` values.
fn encodings(content: &Body) -> Vec<TokenStream> {
    content
        .encoding
        .iter()
        .map(|(name, encoding)| {
            let content_type = match &encoding.content_type {
                Some(c) => quote!(Some(#c)),
                None => quote!(None),
            };
            let explode = encoding.explode.unwrap_or(true);
            quote!(crate::forms::Encoding { name: #name, content_type: #content_type, explode: #explode })
        })
        .collect()
}

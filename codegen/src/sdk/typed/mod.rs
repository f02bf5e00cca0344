//! The typed layer over progenitor's builders, generated from the catalogue:
//! per operation, a `send()` returning the documented success type, and an
//! error enum with a variant per documented error status carrying its
//! documented body, plus the failures any call can have.

mod client;
mod download;
mod dynamic;
mod errors;
mod events;
mod forms;
mod names;
mod pages;
mod send;
pub(super) mod shapes;
mod webhooks;

use proc_macro2::TokenStream;
use quote::quote;
use specs::{Body, Provider};

pub use client::{base_url_env, credentials_doc};
pub use dynamic::dynamic_dispatch;
pub use names::progenitor_snake;

use crate::sdk::error::{GenError, GenErrorKind, Place};
use crate::sdk::progenitor_output::Generated;

/// The Rust type typify names a schema `name` by.
pub fn type_name(name: &str) -> String {
    names::progenitor_name(name)
}

/// Whether an operation's request body is sent with `send_body`: it has
/// several media types, or none that is JSON (see
/// `specs/src/normalise/request_media_types.rs`).
pub fn needs_send_body(body: &specs::RequestBody) -> bool {
    body.content.len() > 1 || !body.content.iter().any(|b| specs::is_json(&b.media_type))
}

/// The builder progenitor generates for `operation`.
pub fn builder_name(operation: &specs::Operation) -> String {
    names::progenitor_name(&operation.sdk_name)
}

/// The typed layer of `provider`'s module, over progenitor's output `generated`.
pub fn operations(provider: &Provider, generated: &Generated) -> Result<TokenStream, GenError> {
    let client = client::client_config(provider)
        .map_err(|e| GenError::new(provider, Place::document(provider), GenErrorKind::Typed(e)))?;
    let mut errors = Vec::new();
    let mut impls = Vec::new();
    let mut dynamic_arms = Vec::new();
    let mut dynamic_fns = Vec::new();
    let mut schema_arms = Vec::new();
    let mut walk_arms = Vec::new();
    let mut listen_arms = Vec::new();
    let mut fetch_arms = Vec::new();
    let mut form_builders = Vec::new();
    let mut submit_arms = Vec::new();
    let mut listen_form_arms = Vec::new();
    for operation in &provider.operations {
        let fail = |message: String| {
            GenError::new(
                provider,
                Place::operation(provider, operation),
                GenErrorKind::Typed(message),
            )
        };
        let builder = names::progenitor_name(&operation.sdk_name);
        if !generated.builders.contains(&builder) {
            return Err(fail(format!("progenitor generated no builder `{builder}`")));
        }
        let paged = pages::plan(operation, &builder, generated);
        errors.push(
            errors::error_enum(operation, &builder, generated, paged.is_some()).map_err(fail)?,
        );
        impls.push(send::send_impl(provider, operation, &builder, generated).map_err(fail)?);
        let success = success_type(operation, generated).map_err(fail)?;
        let streamed = events::plan(provider, operation, &builder, generated);
        let form = forms::form(provider, operation, &builder, &success, streamed.as_ref());
        let has_form = form.is_some();
        if let Some(form) = form {
            impls.push(form.starter);
            form_builders.push(form.builder);
        }
        if let Some(plan) = &paged {
            impls.push(pages::pages_impl(&builder, plan));
        }
        let downloads = download::downloads(operation, generated);
        if streamed.is_some() || downloads {
            let prelude = send::prelude(operation, &builder, generated)
                .map_err(fail)?
                .statements();
            if let Some(plan) = &streamed {
                impls.push(events::events_impl(
                    operation, &builder, plan, &prelude, has_form,
                ));
            }
            if downloads {
                impls.push(download::download_impl(operation, &builder, &prelude));
            }
        }
        let code = dynamic::dynamic_code(
            operation,
            &builder,
            generated,
            paged.as_ref(),
            streamed.is_some(),
            downloads,
            has_form,
        )
        .map_err(fail)?;
        dynamic_arms.push(code.arm);
        dynamic_fns.extend(code.functions);
        schema_arms.extend(code.schema_arms);
        walk_arms.extend(code.walk_arm);
        listen_arms.extend(code.listen_arm);
        fetch_arms.extend(code.fetch_arm);
        submit_arms.extend(code.submit_arm);
        listen_form_arms.extend(code.listen_form_arm);
    }
    let webhooks = webhooks::module(provider, generated);
    let forms = (!form_builders.is_empty()).then(|| {
        quote! {
            /// Form request bodies (`multipart/form-data`,
            /// `application/x-www-form-urlencoded`), a setter per field: each
            /// operation's builder's `.form()`.
            pub mod forms {
                #[allow(unused_imports)]
                use super::types;
                #(#form_builders)*
            }
        }
    });
    Ok(quote! {
        #client
        #webhooks
        #forms
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

            /// One operation's arm of a dispatcher, boxed.
            #[allow(dead_code)]
            type Dispatched<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, CallError>> + Send + 'a>>;

            /// Calls the operation `operation_id` (as the document spells it)
            /// with `arguments` parsed into its parameters' types and `body`
            /// (JSON) into its request body's type.
            pub async fn call(client: &Client, operation_id: &str, arguments: &Arguments, body: Option<&serde_json::Value>) -> Result<Outcome, CallError> {
                // Unused where no operation takes parameters or a body.
                let _ = (client, arguments, body);
                match operation_id {
                    #(#dynamic_arms)*
                    _ => Err(CallError::UnknownOperation(operation_id.to_string())),
                }
            }

            /// Walks the pages of the paginated operation `operation_id` (as
            /// the document spells it) through its builder's `.pages()`, with
            /// `arguments` parsed into its parameters' types, at most
            /// `max_pages` of them.
            pub async fn walk(client: &Client, operation_id: &str, arguments: &Arguments, max_pages: usize) -> Result<crate::dynamic::Walk, CallError> {
                let _ = (client, arguments, max_pages);
                match operation_id {
                    #(#walk_arms)*
                    _ => Err(CallError::NotPaginated(operation_id.to_string())),
                }
            }

            /// Reads the events of the operation `operation_id`, whose success
            /// is an event stream, through its builder's `.events()`, with
            /// `arguments` and `body` as [`call`] takes them: at most `max_events`.
            pub async fn listen(client: &Client, operation_id: &str, arguments: &Arguments, body: Option<&serde_json::Value>, max_events: usize) -> Result<crate::dynamic::Listened, CallError> {
                let _ = (client, arguments, body, max_events);
                match operation_id {
                    #(#listen_arms)*
                    _ => Err(CallError::NotStreamed(operation_id.to_string())),
                }
            }

            /// Downloads the file the operation `operation_id` answers through
            /// its builder's `.download()`, with `arguments` and `body` as
            /// [`call`] takes them, counting at most `limit` bytes.
            pub async fn fetch(client: &Client, operation_id: &str, arguments: &Arguments, body: Option<&serde_json::Value>, limit: u64) -> Result<crate::dynamic::Fetched, CallError> {
                let _ = (client, arguments, body, limit);
                match operation_id {
                    #(#fetch_arms)*
                    _ => Err(CallError::NotADownload(operation_id.to_string())),
                }
            }

            /// Sends the operation `operation_id`, whose body is a form,
            /// through its builder's `.form()`, with `arguments` as [`call`]
            /// takes them and the form's `fields` in order.
            pub async fn submit(client: &Client, operation_id: &str, arguments: &Arguments, fields: &[(String, crate::forms::Field)]) -> Result<Outcome, CallError> {
                let _ = (client, arguments, fields);
                match operation_id {
                    #(#submit_arms)*
                    _ => Err(CallError::NotAForm(operation_id.to_string())),
                }
            }

            /// Reads the events of the operation `operation_id`, whose body
            /// is a form and whose success is an event stream, through its
            /// form builder's `.events()`, with `arguments` and `fields` as
            /// [`submit`] takes them: at most `max_events`.
            pub async fn listen_form(client: &Client, operation_id: &str, arguments: &Arguments, fields: &[(String, crate::forms::Field)], max_events: usize) -> Result<crate::dynamic::Listened, CallError> {
                let _ = (client, arguments, fields, max_events);
                match operation_id {
                    #(#listen_form_arms)*
                    _ => Err(CallError::NotStreamed(operation_id.to_string())),
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

/// What `send()` returns on success: the type every documented 2xx body
/// shares; any JSON value where they are JSON bodies of different types
/// (Qdrant's snapshot operations answer `200` with a result, `202` with an
/// acknowledgement); bytes without a body.
fn success_type(
    operation: &specs::Operation,
    generated: &Generated,
) -> Result<TokenStream, String> {
    let successes: Vec<&specs::Response> = operation
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .collect();
    let types: Vec<TokenStream> = successes
        .iter()
        .map(|r| body_type(r.body.as_ref(), generated))
        .collect::<Result<_, _>>()?;
    let Some(first) = types.first() else {
        return Ok(quote!(bytes::Bytes));
    };
    if types.iter().all(|t| t.to_string() == first.to_string()) {
        return Ok(first.clone());
    }
    let all_json = successes.iter().all(|r| {
        r.body
            .as_ref()
            .is_some_and(|b| specs::is_json(&b.media_type))
    });
    if all_json {
        return Ok(quote!(serde_json::Value));
    }
    Err(format!(
        "operation `{}` documents 2xx responses with JSON and other bodies; not supported yet",
        operation.operation_id
    ))
}

/// The Rust type of a documented body.
/// The type of the items of `schema` when it is an array of a component's
/// values and nothing else.
fn array_of_component(schema: &serde_json::Value, generated: &Generated) -> Option<syn::Ident> {
    let object = schema.as_object()?;
    if object.get("type")? != "array"
        || object
            .keys()
            .any(|k| !["type", "items", "description"].contains(&k.as_str()))
    {
        return None;
    }
    let items = object.get("items")?.as_object()?;
    if items.len() != 1 {
        return None;
    }
    let name = specs::pointer::schema_ref_name(items.get("$ref")?.as_str()?)?;
    let rust_name = names::progenitor_name(&name);
    generated
        .types
        .contains(&rust_name)
        .then(|| names::ident(&rust_name))
}

fn body_type(body: Option<&Body>, generated: &Generated) -> Result<TokenStream, String> {
    let Some(body) = body.filter(|b| specs::is_json(&b.media_type)) else {
        return Ok(quote!(bytes::Bytes));
    };
    let Some(name) = &body.type_name else {
        // An inline array of a component (`{type: array, items: {$ref}}`,
        // Ory's lists) is a `Vec` of its type; other inline schemas stay JSON.
        return Ok(array_of_component(&body.schema, generated)
            .map(|item| quote!(::std::vec::Vec<types::#item>))
            .unwrap_or_else(|| quote!(serde_json::Value)));
    };
    let rust_name = names::progenitor_name(name);
    if !generated.types.contains(&rust_name) {
        return Err(format!(
            "progenitor generated no type `{rust_name}` for schema `{name}`"
        ));
    }
    let rust_name = names::ident(&rust_name);
    Ok(quote!(types::#rust_name))
}

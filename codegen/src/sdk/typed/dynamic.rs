//! The `dynamic` dispatcher (feature `dynamic`): any operation by
//! operationId with text arguments, its outcome as `crate::dynamic::Outcome`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use specs::{Body, Operation, Provider, Response, Status};

use super::names::{ident, progenitor_snake, variant_name};
use super::pages::Plan;
use super::{Generated, body_type};

/// `sdk::dynamic::{call, response_schema}`: dispatch by provider name.
pub fn dynamic_dispatch(providers: &[Provider]) -> TokenStream {
    let names: Vec<&str> = providers.iter().map(|p| p.name.as_str()).collect();
    let modules: Vec<Ident> = names.iter().map(|n| ident(n)).collect();
    // `function(&client, arguments..)` of the named provider's module; without
    // providers (the SDK built with none) every name is unknown.
    let dispatch = |function: &str, arguments: TokenStream| {
        let function = ident(function);
        if names.is_empty() {
            quote! {
                let _ = (clients, #arguments);
                Err(CallError::UnknownProvider(provider.to_string()))
            }
        } else {
            quote! {
                match provider {
                    #(#names => {
                        let client: crate::#modules::Client = clients.client()?;
                        crate::#modules::dynamic::#function(&client, #arguments).await
                    })*
                    _ => Err(CallError::UnknownProvider(provider.to_string())),
                }
            }
        }
    };
    let call = dispatch("call", quote!(operation_id, arguments, body));
    let walk = dispatch("walk", quote!(operation_id, arguments, max_pages));
    let listen = dispatch("listen", quote!(operation_id, arguments, body, max_events));
    let fetch = dispatch("fetch", quote!(operation_id, arguments, body, limit));
    let schema = if names.is_empty() {
        quote! {
            let _ = (provider, operation_id, status);
            None
        }
    } else {
        quote! {
            match provider {
                #(#names => crate::#modules::dynamic::response_schema(operation_id, status),)*
                _ => None,
            }
        }
    };
    quote! {
        /// Calls `operation_id` of `provider` over `connection`.
        pub async fn call(provider: &str, connection: &Connection, operation_id: &str, arguments: &Arguments) -> Result<Outcome, CallError> {
            call_with(provider, connection, operation_id, arguments).await
        }

        /// Calls `operation_id` of `provider` with a client from `clients`.
        pub async fn call_with<F: ClientFactory>(provider: &str, clients: &F, operation_id: &str, arguments: &Arguments) -> Result<Outcome, CallError> {
            call_with_body(provider, clients, operation_id, arguments, None).await
        }

        /// [`call_with`], also sending `body` as the operation's (JSON)
        /// request body; an operation without one refuses a body.
        pub async fn call_with_body<F: ClientFactory>(provider: &str, clients: &F, operation_id: &str, arguments: &Arguments, body: Option<&serde_json::Value>) -> Result<Outcome, CallError> {
            #call
        }

        /// Walks the pages of `provider`'s paginated `operation_id` through
        /// its builder's `.pages()`, at most `max_pages` of them.
        pub async fn walk_with<F: ClientFactory>(provider: &str, clients: &F, operation_id: &str, arguments: &Arguments, max_pages: usize) -> Result<Walk, CallError> {
            #walk
        }

        /// Reads the events of `provider`'s `operation_id`, whose success is an
        /// event stream, through its builder's `.events()`: at most `max_events`.
        pub async fn listen_with<F: ClientFactory>(provider: &str, clients: &F, operation_id: &str, arguments: &Arguments, body: Option<&serde_json::Value>, max_events: usize) -> Result<Listened, CallError> {
            #listen
        }

        /// Downloads the file `provider`'s `operation_id` answers through its
        /// builder's `.download()`, counting at most `limit` bytes.
        pub async fn fetch_with<F: ClientFactory>(provider: &str, clients: &F, operation_id: &str, arguments: &Arguments, body: Option<&serde_json::Value>, limit: u64) -> Result<Fetched, CallError> {
            #fetch
        }

        /// The JSON Schema of the SDK type `provider`'s `operation_id` parses
        /// a `status` body into, if it has a typed body.
        pub fn response_schema(provider: &str, operation_id: &str, status: u16) -> Option<schemars::schema::RootSchema> {
            #schema
        }
    }
}

/// What `dynamic` gets from one operation.
pub struct DynamicCode {
    /// Its `dynamic::call` arm.
    pub arm: TokenStream,
    /// Its outcome conversion and the functions its arms call.
    pub functions: Vec<TokenStream>,
    /// Its `response_schema` arms.
    pub schema_arms: Vec<TokenStream>,
    /// Its `dynamic::walk` arm, if it pages.
    pub walk_arm: Option<TokenStream>,
    /// Its `dynamic::listen` arm, if it answers an event stream.
    pub listen_arm: Option<TokenStream>,
    /// Its `dynamic::fetch` arm, if it answers a file.
    pub fetch_arm: Option<TokenStream>,
    /// Its `dynamic::submit` arm, where its body is a form.
    pub submit_arm: Option<TokenStream>,
    /// Its `dynamic::listen_form` arm, where its body is a form and it
    /// answers an event stream.
    pub listen_form_arm: Option<TokenStream>,
}

/// The `dynamic` code of one operation (`plan`: how it pages, if it does).
pub fn dynamic_code(
    operation: &Operation,
    builder: &str,
    generated: &Generated,
    plan: Option<&Plan>,
    streams: bool,
    downloads: bool,
    form: bool,
) -> Result<DynamicCode, String> {
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
        // A list argument is its items' text separated by commas (OpenAPI's
        // `form` style unexploded), each parsed as the item type.
        let parse = if is_vec(target) {
            quote!(
                value
                    .split(',')
                    .filter(|item| !item.is_empty())
                    .map(crate::dynamic::parse_argument)
                    .collect::<Result<_, _>>()
            )
        } else {
            quote!(crate::dynamic::parse_argument(value))
        };
        setters.push(quote! {
            if let Some(value) = arguments.get(#name) {
                let value: #target = #parse.map_err(|error| CallError::InvalidArgument {
                    name: #name.to_string(),
                    message: format!("{error}"),
                })?;
                builder = builder.#setter(value);
            }
        });
    }
    let body_setter = match generated
        .setters
        .get(&(builder.to_string(), "body".to_string()))
    {
        Some(target) => quote! {
            if let Some(body) = body {
                let value: #target = serde_json::from_value(body.clone()).map_err(|error| CallError::InvalidArgument {
                    name: "body".to_string(),
                    message: error.to_string(),
                })?;
                builder = builder.body(value);
            }
        },
        None => quote! {
            if body.is_some() {
                return Err(CallError::InvalidArgument {
                    name: "body".to_string(),
                    message: "this operation takes no JSON request body".to_string(),
                });
            }
        },
    };
    let outcome_fn = ident(&format!(
        "outcome_{}",
        progenitor_snake(&operation.sdk_name)
    ));
    let snake = progenitor_snake(&operation.sdk_name);
    let mut functions = Vec::new();
    let mut boxed =
        |verb: &str, parameters: &[(&str, TokenStream)], output: TokenStream, body: TokenStream| {
            let (arm, function) = boxed_arm(
                operation_id,
                &ident(&format!("{verb}_{snake}")),
                parameters,
                output,
                body,
            );
            functions.push(function);
            arm
        };
    let client = ("client", quote!(&'a Client));
    let arguments = ("arguments", quote!(&'a Arguments));
    let body = ("body", quote!(Option<&'a serde_json::Value>));
    let arm = boxed(
        "call",
        &[client.clone(), arguments.clone(), body.clone()],
        quote!(Outcome),
        quote! {
            let mut builder = client.#method();
            #(#setters)*
            #body_setter
            Ok(#outcome_fn(builder.send().await))
        },
    );

    let walk_arm = plan.map(|plan| {
        let items = plan.items_of_page();
        boxed(
            "walk",
            &[client.clone(), arguments.clone(), ("max_pages", quote!(usize))],
            quote!(crate::dynamic::Walk),
            quote! {
                let mut builder = client.#method();
                #(#setters)*
                let mut pages = builder.pages();
                let mut walk = crate::dynamic::Walk::default();
                while walk.pages < max_pages {
                    match crate::pages::next(&mut pages).await {
                        None => return Ok(walk),
                        Some(Ok(page)) => {
                            walk.pages += 1;
                            let page = page.into_inner();
                            walk.items.extend(#items.into_iter().map(|item| serde_json::to_value(item).unwrap_or_default()));
                        }
                        Some(Err(error)) => {
                            walk.stopped = Some(Outcome::failure(error.status().map(|s| s.as_u16()), error.variant(), error.to_string()));
                            return Ok(walk);
                        }
                    }
                }
                walk.truncated = true;
                Ok(walk)
            },
        )
    });

    // Reading at most `max_events` of the stream `opened` opens.
    let listen_events = |opened: TokenStream| {
        quote! {
            let mut listened = crate::dynamic::Listened::default();
            let mut events = match #opened.await {
                Ok(events) => events,
                Err(error) => {
                    listened.stopped = Some(Outcome::failure(error.status().map(|s| s.as_u16()), error.variant(), error.to_string()));
                    return Ok(listened);
                }
            };
            while listened.events.len() < max_events {
                match crate::pages::next(&mut events).await {
                    None => return Ok(listened),
                    Some(Ok(event)) => listened.events.push(serde_json::to_value(&event.data).unwrap_or_default()),
                    Some(Err(error)) => {
                        listened.failed = Some(error.to_string());
                        return Ok(listened);
                    }
                }
            }
            listened.truncated = true;
            Ok(listened)
        }
    };
    let listen = listen_events(quote!(builder.events()));
    let listen_form = listen_events(quote!(form.events()));

    let listen_arm = streams.then(|| {
        boxed(
            "listen",
            &[
                client.clone(),
                arguments.clone(),
                body.clone(),
                ("max_events", quote!(usize)),
            ],
            quote!(crate::dynamic::Listened),
            quote! {
                let mut builder = client.#method();
                #(#setters)*
                #body_setter
                #listen
            },
        )
    });

    let fetch_arm = downloads.then(|| {
        boxed(
            "fetch",
            &[client.clone(), arguments.clone(), body.clone(), ("limit", quote!(u64))],
            quote!(crate::dynamic::Fetched),
            quote! {
                let mut builder = client.#method();
                #(#setters)*
                #body_setter
                let mut fetched = crate::dynamic::Fetched::default();
                let mut download = match builder.download().await {
                    Ok(download) => download,
                    Err(error) => {
                        fetched.stopped = Some(Outcome::failure(error.status().map(|s| s.as_u16()), error.variant(), error.to_string()));
                        return Ok(fetched);
                    }
                };
                fetched.content_type = download.content_type().map(str::to_string);
                while fetched.length < limit {
                    match download.chunk().await {
                        Ok(Some(chunk)) => fetched.length += chunk.len() as u64,
                        Ok(None) => return Ok(fetched),
                        Err(error) => {
                            fetched.failed = Some(error.to_string());
                            return Ok(fetched);
                        }
                    }
                }
                fetched.truncated = true;
                Ok(fetched)
            },
        )
    });

    // The operation's form builder with the caller's `fields`.
    let fill_form = quote! {
        let mut builder = client.#method();
        #(#setters)*
        let mut form = builder.form();
        for (name, value) in fields {
            form = form.field(name, value.clone());
        }
    };
    let listen_form_arm = (form && streams).then(|| {
        boxed(
            "listen_form",
            &[
                client.clone(),
                arguments.clone(),
                ("fields", quote!(&'a [(String, crate::forms::Field)])),
                ("max_events", quote!(usize)),
            ],
            quote!(crate::dynamic::Listened),
            quote! {
                #fill_form
                #listen_form
            },
        )
    });

    let submit_arm = form.then(|| {
        boxed(
            "submit",
            &[
                client.clone(),
                arguments.clone(),
                ("fields", quote!(&'a [(String, crate::forms::Field)])),
            ],
            quote!(Outcome),
            quote! {
                #fill_form
                Ok(#outcome_fn(form.send().await))
            },
        )
    });

    let successes: Vec<&Response> = operation
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .collect();
    let success_type = super::success_type(operation, generated)?;
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
    functions.push(outcome);
    Ok(DynamicCode {
        arm,
        functions,
        schema_arms,
        walk_arm,
        listen_arm,
        fetch_arm,
        submit_arm,
        listen_form_arm,
    })
}

/// Whether `ty` is `Vec<_>` (however it is spelt).
fn is_vec(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == "Vec"))
}

/// The dispatcher's arm for one operation, `#operation_id => #function(..).await`,
/// and `#function`, which boxes the arm's `body` (an async block over
/// `parameters`, names and types, borrowing for `'a`). Unoptimised builds give each arm's
/// locals a stack slot of their own, so a dispatcher holding every arm's
/// code needed a frame the size of all of them (8 MB for Stripe's 397 form
/// operations); this way it holds one pointer per operation.
fn boxed_arm(
    operation_id: &str,
    function: &Ident,
    parameters: &[(&str, TokenStream)],
    output: TokenStream,
    body: TokenStream,
) -> (TokenStream, TokenStream) {
    let names: Vec<Ident> = parameters.iter().map(|(name, _)| ident(name)).collect();
    let types = parameters.iter().map(|(_, ty)| ty);
    let arm = quote!(#operation_id => #function(#(#names),*).await,);
    let function = quote! {
        fn #function<'a>(#(#names: #types),*) -> Dispatched<'a, #output> {
            Box::pin(async move {
                // Unused where the operation takes no parameters or body.
                let _ = (#(#names),*);
                #body
            })
        }
    };
    (arm, function)
}

#[cfg(test)]
mod tests {
    use super::is_vec;

    #[test]
    fn list_arguments_are_recognised_by_type() {
        for (ty, list) in [
            ("::std::vec::Vec<::std::string::String>", true),
            ("Vec<i64>", true),
            ("::std::string::String", false),
            ("::std::option::Option<Vec<u8>>", false),
        ] {
            assert_eq!(is_vec(&syn::parse_str(ty).unwrap()), list, "{ty}");
        }
    }
}

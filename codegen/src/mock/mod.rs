//! The mock generator: a provider's catalogue and documents compiled into
//! static `model` data for `mock-server` (routes, parameter and body
//! schemas as `model::Schema`, security, declared responses with examples,
//! error replies in the API's own shape, lifecycles). `cargo xtask codegen`
//! writes the result into `mock-server/src/generated/` and checks it is
//! current.
//!
//! An operation the generator cannot compile is left out, as a located
//! finding ([`MockFile::findings`]); the rest are served.

mod error;
mod literal;
mod schema;
mod synth;
mod template;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use specs::refs::Document;
use specs::security::Placement;
use specs::status::{Refusal, refusal_status, representative};
use specs::{Body, Operation, ParameterLocation, Provider, Status};

pub use error::MockGenError;
use error::{Context, Result};
use literal::{option, raw_string};
use schema::SchemaTable;
pub use schema::translate_pattern;
use synth::{Bodies, synthesize};
use template::template_tokens;

/// Where generated code finds the mock's model types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelPath {
    /// `crate::model`: a file of `mock-server/src/generated/`.
    InCrate,
    /// `mock_server::model`: a file compiled outside the crate (its tests).
    External,
}

/// One provider's generated file and what the generator found on the way.
#[derive(Debug, Clone)]
pub struct MockFile {
    /// The Rust source, laid out by prettyplease.
    pub code: String,
    /// The operations left out and the examples dropped, each located.
    pub findings: specs::Findings,
    /// Schemas no body could be synthesised for, by file.
    pub warnings: Vec<String>,
}

/// The index of `providers`' modules in `mock-server/src/generated/mod.rs`:
/// `PROVIDERS`, every provider by name.
pub fn providers_index(providers: &[Provider]) -> TokenStream {
    let modules: Vec<_> = providers
        .iter()
        .map(|p| format_ident!("{}", p.name))
        .collect();
    quote! {
        // prettyplease lays these out; rustfmt would take minutes on a whole
        // API (it formats Akua's 5 MB in about four), so `cargo fmt` skips them.
        #(#[rustfmt::skip] pub mod #modules;)*
        /// Every vendored provider, by name.
        pub static PROVIDERS: &[&crate::model::Provider] = &[#(&#modules::PROVIDER),*];
    }
}

/// The index of the corpus models compiled into the mock's tests: `MODELS`,
/// each model with its directory name under `specs/corpus/`.
pub fn corpus_index(modules: &[String]) -> TokenStream {
    let idents: Vec<_> = modules.iter().map(|m| format_ident!("{}", m)).collect();
    quote! {
        #(#[rustfmt::skip] pub mod #idents;)*
        /// Each model with its directory under `specs/corpus/`.
        pub static MODELS: &[(&str, &mock_server::model::Provider)] = &[#((#modules, &#idents::PROVIDER)),*];
    }
}

/// One provider's generated file (`PROVIDER`, a static `model::Provider`),
/// and the operations the mock generator left out (each a located finding;
/// the rest are served).
pub fn provider_file(provider: &Provider, model: ModelPath) -> Result<MockFile> {
    let model = match model {
        ModelPath::InCrate => quote!(crate::model),
        ModelPath::External => quote!(mock_server::model),
    };
    let name = &provider.name;
    let title = &provider.title;
    let server_path = server_path(provider.server_url().unwrap_or_default());
    let documents: Vec<String> = provider
        .documents
        .iter()
        .map(|d| d.path.display().to_string())
        .collect();
    let mut shared = Shared {
        schemas: SchemaTable::new(&provider.documents),
        bodies: provider
            .documents
            .iter()
            .map(Bodies::new)
            .collect::<Result<_>>()?,
        dropped: Vec::new(),
    };
    let mut findings = specs::Findings::default();
    let mut operations = Vec::new();
    for operation in &provider.operations {
        let tokens = operation_tokens(provider, operation, &mut shared);
        let at = specs::Location::new(&provider.documents[operation.document].path, "");
        for dropped in std::mem::take(&mut shared.dropped) {
            findings.push(
                at.clone(),
                specs::Outcome::Repaired,
                Some(format!("{} {}", operation.method, operation.path)),
                dropped,
            );
        }
        match tokens {
            Ok(tokens) => operations.push(tokens),
            Err(error) => findings.push(
                specs::Location::new(&provider.documents[operation.document].path, ""),
                specs::Outcome::Skipped,
                Some(format!("{} {}", operation.method, operation.path)),
                format!("left out of the mock: {error}"),
            ),
        }
    }
    let skipped: Vec<TokenStream> = provider
        .findings
        .skipped()
        .chain(findings.skipped())
        .map(|finding| {
            let operation = finding.operation.clone().unwrap_or_default();
            let at = finding.at.to_string();
            let reason = &finding.message;
            quote!(Skipped { operation: #operation, at: #at, reason: #reason })
        })
        .collect();
    let schemas = shared.schemas.into_items();
    let warnings = provider
        .documents
        .iter()
        .zip(&shared.bodies)
        .flat_map(|(document, bodies)| {
            let file = document.path.display().to_string();
            bodies
                .unsatisfiable
                .iter()
                .map(move |warning| format!("{file}: {warning}"))
        })
        .collect();
    let resources: Vec<TokenStream> = provider
        .lifecycle
        .iter()
        .flat_map(|lifecycle| &lifecycle.resources)
        .map(|resource| {
            let (name, initial) = (&resource.name, &resource.initial);
            let (key, states) = (&resource.key, &resource.states);
            quote!(Resource { name: #name, key: &[#(#key),*], initial: #initial, states: &[#(#states),*] })
        })
        .collect();
    let tokens = quote! {
        use #model::*;

        /// The API as its documents declare it.
        pub static PROVIDER: Provider = Provider {
            name: #name,
            title: #title,
            server_path: #server_path,
            documents: &[#(#documents),*],
            resources: &[#(#resources),*],
            operations: &[#(#operations),*],
            skipped: &[#(#skipped),*],
        };

        #(#schemas)*
    };
    let sources: Vec<String> = documents
        .iter()
        .cloned()
        .chain(provider.overlays.iter().map(|o| o.display().to_string()))
        .collect();
    let code = unparse_file(
        &format!(
            "//! {title}: generated by `cargo xtask codegen` from\n//! {}.\n//! Do not edit; change the documents or the generator (`codegen/src/mock/`).\n\n",
            sources.join(", ")
        ),
        tokens,
    )?;
    Ok(MockFile {
        code,
        findings,
        warnings,
    })
}

/// `https://api.akua.dev/v1` -> `/v1`; a bare host -> ``.
fn server_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    path.trim_end_matches('/').to_string()
}

/// What the operations of one provider share: compiled schemas (one static
/// per `$ref`d schema and per pattern) and each document's body synthesis.
struct Shared<'a> {
    schemas: SchemaTable<'a>,
    bodies: Vec<Bodies<'a>>,
    /// The current operation's document examples that do not fit their
    /// schema (left out; the mock synthesises instead).
    dropped: Vec<String>,
}

fn operation_tokens(
    provider: &Provider,
    operation: &Operation,
    shared: &mut Shared<'_>,
) -> Result<TokenStream> {
    let source = &provider.documents[operation.document];
    let document = Document(&source.resolved);
    let operation_id = &operation.operation_id;
    let method = &operation.method;
    let path = &operation.path;
    let segments = segments(path)?;
    let parameters: Vec<TokenStream> = operation
        .parameters
        .iter()
        .map(|parameter| {
            let name = &parameter.name;
            let location = match parameter.location {
                ParameterLocation::Path => quote!(Location::Path),
                ParameterLocation::Query => quote!(Location::Query),
                ParameterLocation::Header => quote!(Location::Header),
                ParameterLocation::Cookie => quote!(Location::Cookie),
            };
            let required = parameter.required;
            let schema = shared
                .schemas
                .schema(operation.document, &parameter.schema)
                .with_context(|| format!("parameter `{name}`"))?;
            Ok(quote!(Parameter { name: #name, location: #location, required: #required, schema: #schema }))
        })
        .collect::<Result<_>>()?;
    let request_body = match operation.request_body.as_ref().and_then(|b| {
        b.content
            .iter()
            .find(|c| specs::is_json(&c.media_type))
            .map(|c| (b.required, c))
    }) {
        Some((required, content)) => {
            let media_type = &content.media_type;
            let schema = shared
                .schemas
                .schema(operation.document, &content.schema)
                .context("request body")?;
            quote!(Some(RequestBody { required: #required, media_type: #media_type, schema: #schema }))
        }
        None => quote!(None),
    };
    let security: Vec<TokenStream> = operation
        .security
        .iter()
        .map(|alternative| {
            let credentials: Vec<TokenStream> = alternative
                .iter()
                .map(|credential| match credential.kind.placement() {
                    Placement::Header(name) => quote!(Credential::Header(#name)),
                    Placement::Query(name) => quote!(Credential::Query(#name)),
                    Placement::Cookie(name) => quote!(Credential::Cookie(#name)),
                    Placement::Bearer => quote!(Credential::Bearer),
                    Placement::Basic => quote!(Credential::Basic),
                })
                .collect();
            quote!(&[#(#credentials),*])
        })
        .collect();
    let mut responses = Vec::new();
    for response in &operation.responses {
        let status = representative(response.status);
        let description = &response.description;
        let content_type = option(response.body.as_ref().map(|b| b.media_type.as_str()));
        let bodies = &mut shared.bodies[operation.document];
        let (examples, dropped) = examples(bodies, response.body.as_ref())
            .with_context(|| format!("response {status}"))?;
        shared.dropped.extend(
            dropped
                .into_iter()
                .map(|d| format!("response {status}: {d}")),
        );
        let examples: Vec<TokenStream> = examples
            .into_iter()
            .map(|(name, body)| {
                let body = raw_string(&body);
                quote!(Example { name: #name, body: #body })
            })
            .collect();
        let headers = response
            .headers
            .iter()
            .map(|header| {
                let name = header.name.to_ascii_lowercase();
                let context = || format!("response {status} header `{}`", header.name);
                let value = header_value(document, header).with_context(context)?;
                let required = header.required;
                let schema = shared
                    .schemas
                    .schema(operation.document, &header.schema)
                    .with_context(context)?;
                Ok(quote!(ResponseHeader { name: #name, value: #value, required: #required, schema: #schema }))
            })
            .collect::<Result<Vec<TokenStream>>>()?;
        let matches = match response.status {
            Status::Code(_) => quote!(StatusMatch::Exact),
            Status::Range(_) => quote!(StatusMatch::Class),
            Status::Default => quote!(StatusMatch::Default),
        };
        // The body's schema (the document after overlays, as requests are
        // checked), so a real provider's answers can be (`--proxy`, `--replay`).
        let schema = match response
            .body
            .as_ref()
            .filter(|b| specs::is_json(&b.media_type))
        {
            Some(body) => {
                let schema = shared
                    .schemas
                    .schema(operation.document, &body.schema)
                    .with_context(|| format!("response {status}"))?;
                quote!(Some(#schema))
            }
            None => quote!(None),
        };
        responses.push(quote!(Response {
            status: #status,
            description: #description,
            content_type: #content_type,
            headers: &[#(#headers),*],
            examples: &[#(#examples),*],
            matches: #matches,
            schema: #schema,
        }));
    }
    let lifecycle = lifecycle_tokens(&mut shared.bodies[operation.document], provider, operation)?;
    let invalid_request = error_reply(document, operation, Refusal::InvalidInput);
    let invalid_path = error_reply(document, operation, Refusal::InvalidPath);
    let unauthorized = error_reply(document, operation, Refusal::MissingCredentials);
    Ok(quote!(Operation {
        operation_id: #operation_id,
        method: #method,
        path: #path,
        segments: &[#(#segments),*],
        parameters: &[#(#parameters),*],
        request_body: #request_body,
        security: &[#(#security),*],
        responses: &[#(#responses),*],
        invalid_request: #invalid_request,
        invalid_path: #invalid_path,
        unauthorized: #unauthorized,
        lifecycle: #lifecycle,
    }))
}

/// How `--stateful` answers `operation`: its resource and transitions, each
/// with its whole body (the status's first example, patched) decided here.
fn lifecycle_tokens(
    bodies: &mut Bodies<'_>,
    provider: &Provider,
    operation: &Operation,
) -> Result<TokenStream> {
    let Some(lifecycle) = &provider.lifecycle else {
        return Ok(quote!(None));
    };
    let Some(own) = lifecycle
        .operations
        .iter()
        .find(|o| o.operation_id == operation.operation_id)
    else {
        return Ok(quote!(None));
    };
    let transitions = own
        .transitions
        .iter()
        .map(|transition| {
            let status = transition.status;
            let body = match &transition.body {
                Some(patch) => {
                    let declared = operation.response(status).and_then(|r| r.body.as_ref());
                    let (_, first) = examples(bodies, declared)?
                        .0
                        .into_iter()
                        .next()
                        .with_context(|| format!("status {status} has no body to patch"))?;
                    let mut body: serde_json::Value =
                        serde_json::from_str(&first).map_err(|e| {
                            MockGenError::new(format!("status {status}'s example is not JSON: {e}"))
                        })?;
                    specs::lifecycle::merge_patch(&mut body, patch);
                    let body = raw_string(&body.to_string());
                    quote!(Some(#body))
                }
                None => quote!(None),
            };
            let from = &transition.from;
            let to = option(transition.to.as_deref());
            Ok(quote!(Transition { from: &[#(#from),*], to: #to, status: #status, body: #body }))
        })
        .collect::<Result<Vec<_>>>()?;
    let resource = &own.resource;
    Ok(quote!(Some(OperationLifecycle {
        resource: #resource,
        transitions: &[#(#transitions),*],
    })))
}

/// Splits a path template; a segment may hold one `{param}` followed by a
/// literal suffix (`{id}:cancel`).
fn segments(path: &str) -> Result<Vec<TokenStream>> {
    path.trim_start_matches('/')
        .split('/')
        .map(|segment| match segment.split_once('{') {
            None => Ok(quote!(Segment::Literal(#segment))),
            Some(("", rest)) => {
                let (name, suffix) = rest
                    .split_once('}')
                    .with_context(|| format!("unclosed `{{` in path segment `{segment}`"))?;
                if suffix.contains('{') {
                    return Err(MockGenError::new(format!(
                        "path segment `{segment}` holds two parameters"
                    )));
                }
                // `{path:*}` (Akua's `clusters.proxyKube`) names the parameter
                // `path`; as in gRPC transcoding, `*` is one segment.
                let name = name.strip_suffix(":*").unwrap_or(name);
                Ok(quote!(Segment::Param { name: #name, suffix: #suffix }))
            }
            Some(_) => Err(MockGenError::new(format!(
                "path segment `{segment}` has text before its parameter"
            ))),
        })
        .collect()
}

/// A declared response header's value: its example, else one synthesised
/// from its schema, as header text (strings unquoted).
fn header_value(document: Document<'_>, header: &specs::ResponseHeader) -> Result<String> {
    let value = header
        .example
        .clone()
        .unwrap_or_else(|| synthesize(document, &header.schema));
    let text = match value {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    };
    // RFC 9110 field-value: visible ASCII, spaces and tabs (no line breaks).
    if !text
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
    {
        return Err(MockGenError::new(format!(
            "value {text:?} cannot be sent in a header"
        )));
    }
    Ok(text)
}

/// An example's name and its body as sent.
type NamedBody = (String, String);

/// The document's examples first (the first is the default answer), then
/// bodies synthesised from the schema and checked against it: `generated`
/// (what `Prefer: dynamic=true` sends) and, for a schema with unions, one
/// per branch, named by the branch's tag or schema name (`Prefer:
/// example=NAME`). A document example that does not fit its schema is left
/// out, and named in the second list (a mock must not send what its own
/// validation refuses). Bodies that are not JSON are written in their media type.
fn examples(bodies: &mut Bodies<'_>, body: Option<&Body>) -> Result<(Vec<NamedBody>, Vec<String>)> {
    let mut dropped = Vec::new();
    let Some(body) = body else {
        return Ok((Vec::new(), dropped));
    };
    let json = specs::is_json(&body.media_type);
    let has_schema = body.schema.is_object() || body.schema.is_boolean();
    let mut examples = Vec::new();
    for (name, value) in &body.examples {
        if json && has_schema {
            let problems = bodies.problems(&body.schema, value)?;
            if let Some(problem) = problems.first() {
                dropped.push(format!(
                    "the document's example `{name}` does not fit its schema ({problem}); it is left out"
                ));
                continue;
            }
        }
        examples.push((name.clone(), media_text(&body.media_type, value)));
    }
    let synthesised = if has_schema {
        bodies.examples(&body.schema)?
    } else {
        vec![(None, serde_json::Value::Null)]
    };
    for (name, value) in synthesised {
        let mut name = name.unwrap_or_else(|| "generated".into());
        if examples.iter().any(|(taken, _)| *taken == name) {
            if name == "generated" {
                continue;
            }
            name = format!("generated-{name}");
        }
        examples.push((name, media_text(&body.media_type, &value)));
    }
    Ok((examples, dropped))
}

/// A body value as the text its media type sends: JSON serialised; for
/// `text/event-stream`, one event (an object's `event`, `data`, `id` and
/// `retry` members as fields, anything else as `data`); strings as they
/// are; without a value, a small body of the type.
fn media_text(media_type: &str, value: &serde_json::Value) -> String {
    use serde_json::Value;
    if specs::is_json(media_type) {
        return value.to_string();
    }
    let essence = media_type.to_ascii_lowercase();
    if essence == "text/event-stream" {
        if let Value::String(text) = value {
            return text.clone();
        }
        let mut event = String::new();
        let mut field = |name: &str, text: &str| {
            for line in text.split('\n') {
                event.push_str(&format!("{name}: {line}\n"));
            }
        };
        match value {
            Value::Object(members)
                if members
                    .keys()
                    .all(|k| ["event", "data", "id", "retry"].contains(&k.as_str())) =>
            {
                for name in ["event", "id", "retry", "data"] {
                    match members.get(name) {
                        Some(Value::String(text)) => field(name, text),
                        Some(other) => field(name, &other.to_string()),
                        None => {}
                    }
                }
            }
            Value::Null => field("data", "{}"),
            other => field("data", &other.to_string()),
        }
        event.push('\n');
        return event;
    }
    match value {
        Value::String(text) => text.clone(),
        Value::Null if essence.ends_with("xml") => {
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><example/>".into()
        }
        Value::Null if essence.starts_with("text/") => "example".into(),
        Value::Null => "example bytes".into(),
        other => other.to_string(),
    }
}

/// The reply for a refused request, with the status the spec library's
/// rules choose (`specs::status`) and that status's (or a 4xx's) body shape.
fn error_reply(document: Document<'_>, operation: &Operation, refusal: Refusal) -> TokenStream {
    let chosen = refusal_status(operation, refusal);
    let (status, is_declared, body) = (chosen.status, chosen.declared.is_some(), chosen.shape);
    let (content_type, template) = match body {
        Some(body) if specs::is_json(&body.media_type) => {
            let media_type = &body.media_type;
            let template = template_tokens(document, &body.schema);
            (quote!(Some(#media_type)), quote!(Some(&#template)))
        }
        Some(_) => (quote!(None), quote!(None)),
        None if is_declared => (quote!(None), quote!(None)),
        None => (
            quote!(Some("application/json")),
            quote!(Some(&Template::Object(&[
                ("error", Template::Kind),
                ("message", Template::Message)
            ]))),
        ),
    };
    quote!(ErrorReply {
        status: #status,
        declared: #is_declared,
        content_type: #content_type,
        body: #template,
    })
}

/// Pretty-prints `tokens` after `header` with prettyplease only: rustfmt
/// would take minutes on a whole API (about four on Akua's 5 MB), so
/// `cargo fmt` skips these files (`#[rustfmt::skip]` in the index).
pub fn unparse_file(header: &str, tokens: TokenStream) -> Result<String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| MockGenError::new(format!("generated code does not parse: {e}")))?;
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn header(
        example: Option<serde_json::Value>,
        schema: serde_json::Value,
    ) -> specs::ResponseHeader {
        specs::ResponseHeader {
            name: "Retry-After".into(),
            required: false,
            schema,
            example,
        }
    }

    #[test]
    fn declared_header_values_come_from_examples_or_schemas() {
        let document = json!({});
        let document = Document(&document);
        let value = |h| header_value(document, &h).unwrap();
        assert_eq!(
            value(header(Some(json!(30)), json!({"type": "integer"}))),
            "30"
        );
        assert_eq!(
            value(header(Some(json!("W/\"abc\"")), json!({"type": "string"}))),
            "W/\"abc\""
        );
        assert_eq!(
            value(header(None, json!({"type": "integer", "minimum": 5}))),
            "5"
        );
        assert!(!value(header(None, json!({"type": "string", "format": "uri"}))).is_empty());
        assert!(header_value(document, &header(Some(json!("a\nb")), json!({}))).is_err());
    }
}

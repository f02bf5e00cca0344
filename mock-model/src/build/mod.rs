//! A provider's catalogue and documents built into the [`model`](crate::model):
//! routes, parameter and body schemas, security, declared responses with
//! examples, error replies in the API's own shape, lifecycles.
//!
//! An operation the builder cannot model is left out, as a located finding
//! ([`Built::findings`]); the rest are served.

mod error;
mod leak;
mod paging;
mod schema;
mod synth;
mod template;

use std::collections::HashMap;

use serde_json::Value;
use specs::refs::Document;
use specs::security::Placement;
use specs::status::{Refusal, refusal_status, representative};
use specs::{Body, ParameterLocation, Status};

use crate::model::{
    Callback, Credential, ErrorReply, Example, FieldEncoding, ListEncoding, Location, MediaType,
    Operation, OperationLifecycle, Parameter, Pattern, Provider, RequestBody, Resource, Response,
    ResponseHeader, Schema, Segment, Skipped, StatusMatch, Template, Transition, Webhook,
};

/// The form media types the mock parses and checks.
const MULTIPART: &str = "multipart/form-data";
const URLENCODED: &str = "application/x-www-form-urlencoded";
pub use error::BuildError;
use error::{Context, Result};
use leak::{leak, slice};
use schema::SchemaTable;
pub use schema::translate_pattern;
use synth::{Bodies, synthesize};
use template::template;

/// One provider's model and what the builder found on the way.
#[derive(Debug)]
#[non_exhaustive]
pub struct Built {
    /// The model, kept for the rest of the process.
    pub provider: &'static Provider,
    /// The operations left out and the examples dropped, each located.
    pub findings: specs::Findings,
    /// Schemas no body could be synthesised for, by file.
    pub warnings: Vec<String>,
    /// The schemas and patterns operations share, in the order they were
    /// completed (a schema after those it refers to, recursion aside): what
    /// a serialiser writes as named items.
    pub shared: Vec<Shared>,
}

/// A model value several places refer to.
#[derive(Debug, Clone, Copy)]
pub enum Shared {
    /// The schema a `$ref` points at (`target`, as the document wrote it).
    Schema {
        /// The reference, e.g. `#/components/schemas/Task`.
        target: &'static str,
        /// The schema.
        schema: &'static Schema,
    },
    /// A `pattern`, compiled on first use.
    Pattern(&'static Pattern),
}

/// Builds `provider`'s model; a part that cannot be modelled is left out
/// and named in [`Built::findings`].
pub fn provider(provider: &specs::Provider) -> Built {
    let _arena = leak::Arena::enter();
    let mut shared = State {
        schemas: SchemaTable::new(&provider.documents),
        bodies: provider.documents.iter().map(Bodies::new).collect(),
        dropped: Vec::new(),
        templates: HashMap::new(),
    };
    let mut findings = specs::Findings::default();
    let mut operations = Vec::new();
    for operation in &provider.operations {
        let built = self::operation(provider, operation, &mut shared);
        let at = specs::Location::new(&provider.documents[operation.document].path, "");
        let name = format!("{} {}", operation.method, operation.path);
        for dropped in std::mem::take(&mut shared.dropped) {
            findings.push(
                at.clone(),
                specs::Outcome::Repaired,
                Some(name.clone()),
                dropped,
            );
        }
        match built {
            Ok(built) => operations.push(built),
            Err(error) => findings.push(
                at,
                specs::Outcome::Skipped,
                Some(name),
                format!("left out of the mock: {error}"),
            ),
        }
    }
    let webhooks = provider
        .webhooks
        .iter()
        .map(|webhook| self::webhook(&mut shared, webhook))
        .collect();
    let strings = &mut shared.schemas.strings;
    let skipped = provider
        .findings
        .skipped()
        .chain(findings.skipped())
        .map(|finding| Skipped {
            operation: strings.get(finding.operation.as_deref().unwrap_or_default()),
            at: strings.get(&finding.at.to_string()),
            reason: strings.get(&finding.message),
        })
        .collect();
    let resources = provider
        .lifecycle
        .iter()
        .flat_map(|lifecycle| &lifecycle.resources)
        .map(|resource| Resource {
            name: strings.get(&resource.name),
            key: slice(resource.key.iter().map(|k| strings.get(k)).collect()),
            initial: strings.get(&resource.initial),
            states: slice(resource.states.iter().map(|s| strings.get(s)).collect()),
        })
        .collect();
    let model = Provider {
        name: strings.get(&provider.name),
        title: strings.get(&provider.title),
        server_path: strings.get(&server_path(&provider.server_url().unwrap_or_default())),
        documents: slice(
            provider
                .documents
                .iter()
                .map(|d| strings.get(&d.path.display().to_string()))
                .collect(),
        ),
        resources: slice(resources),
        operations: slice(operations),
        webhooks: slice(webhooks),
        skipped: slice(skipped),
        stream_switch: strings.get(&provider.stream_switch),
        webhook_signature: provider.webhook_signature,
    };
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
    Built {
        provider: leak(model),
        findings,
        warnings,
        shared: shared.schemas.into_shared(),
    }
}

/// `https://api.akua.dev/v1` -> `/v1`; a bare host -> ``.
fn server_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    path.trim_end_matches('/').to_string()
}

/// What the operations of one provider share while they are built: schemas
/// (one per `$ref`d schema and per pattern), strings, and each document's
/// body synthesis.
struct State<'a> {
    schemas: SchemaTable<'a>,
    bodies: Vec<Bodies<'a>>,
    /// The current operation's document examples that do not fit their
    /// schema (left out; the mock synthesises instead).
    dropped: Vec<String>,
    /// Error body templates by document and schema: most operations share
    /// one error schema, and Stripe's reaches much of its API through its
    /// expandable members (built once each, its model took minutes).
    templates: Templates,
}

/// Error body templates built, by document index and schema text.
type Templates = HashMap<(usize, String), &'static Template>;

fn operation(
    provider: &specs::Provider,
    operation: &specs::Operation,
    shared: &mut State<'_>,
) -> Result<Operation> {
    let source = &provider.documents[operation.document];
    let document = Document(&source.resolved);
    let segments = segments(&operation.path, &mut shared.schemas.strings)?;
    let parameters = operation
        .parameters
        .iter()
        .map(|parameter| {
            let name = &parameter.name;
            let location = match parameter.location {
                ParameterLocation::Path => Location::Path,
                ParameterLocation::Query => Location::Query,
                ParameterLocation::Header => Location::Header,
                ParameterLocation::Cookie => Location::Cookie,
            };
            let schema = shared
                .schemas
                .schema(operation.document, &parameter.schema)
                .with_context(|| format!("parameter `{name}`"))?;
            Ok(Parameter {
                name: shared.schemas.strings.get(name),
                location,
                required: parameter.required,
                schema,
                // Read only where the schema is an array.
                list: parameter.list.unwrap_or(ListEncoding::Repeated),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let request_body = match &operation.request_body {
        Some(body) => {
            let mut checked = Vec::new();
            let mut others = Vec::new();
            for content in &body.content {
                let media_type = content.media_type.to_ascii_lowercase();
                if !is_checked(&media_type) {
                    others.push(shared.schemas.strings.get(&media_type));
                    continue;
                }
                let schema = shared
                    .schemas
                    .schema(operation.document, &content.schema)
                    .context("request body")?;
                let strings = &mut shared.schemas.strings;
                let encoding = content
                    .encoding
                    .iter()
                    .map(|(name, encoding)| FieldEncoding {
                        name: strings.get(name),
                        content_type: encoding.content_type.as_deref().map(|c| strings.get(c)),
                        deep_object: encoding.style.as_deref() == Some("deepObject"),
                    })
                    .collect();
                checked.push(MediaType {
                    media_type: strings.get(&media_type),
                    schema,
                    encoding: slice(encoding),
                });
            }
            Some(RequestBody {
                required: body.required,
                checked: slice(checked),
                others: slice(others),
            })
        }
        None => None,
    };
    let strings = &mut shared.schemas.strings;
    let security = operation
        .security
        .iter()
        .map(|alternative| {
            slice(
                alternative
                    .iter()
                    .map(|credential| match credential.kind.placement() {
                        Placement::Header(name) => Credential::Header(strings.get(name)),
                        Placement::Query(name) => Credential::Query(strings.get(name)),
                        Placement::Cookie(name) => Credential::Cookie(strings.get(name)),
                        Placement::Bearer => Credential::Bearer,
                        Placement::Basic => Credential::Basic,
                    })
                    .collect(),
            )
        })
        .collect();
    let mut responses = Vec::new();
    for response in &operation.responses {
        let status = representative(response.status);
        // The body's schema: checks the bodies served, and (JSON only) a
        // real provider's answers (`--proxy`, `--replay`), against the
        // document after overlays, as requests are checked.
        let body_schema = match &response.body {
            Some(body) if has_schema(body) => Some(
                shared
                    .schemas
                    .schema(operation.document, &body.schema)
                    .with_context(|| format!("response {status}"))?,
            ),
            _ => None,
        };
        let bodies = &mut shared.bodies[operation.document];
        let (examples, dropped) = examples(bodies, response.body.as_ref(), body_schema);
        shared.dropped.extend(
            dropped
                .into_iter()
                .map(|d| format!("response {status}: {d}")),
        );
        let strings = &mut shared.schemas.strings;
        let examples = examples
            .into_iter()
            .map(|(name, body)| Example {
                name: strings.get(&name),
                body: leak::text(&body),
            })
            .collect();
        let events = stream_events(shared, operation.document, response);
        let headers = response
            .headers
            .iter()
            .map(|header| {
                let context = || format!("response {status} header `{}`", header.name);
                let value = header_value(document, header).with_context(context)?;
                let schema = shared
                    .schemas
                    .schema(operation.document, &header.schema)
                    .with_context(context)?;
                let strings = &mut shared.schemas.strings;
                Ok(ResponseHeader {
                    name: strings.get(&header.name.to_ascii_lowercase()),
                    value: strings.get(&value),
                    required: header.required,
                    schema,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let matches = match response.status {
            Status::Code(_) => StatusMatch::Exact,
            Status::Range(_) => StatusMatch::Class,
            Status::Default => StatusMatch::Default,
        };
        let schema = body_schema.filter(|_| {
            response
                .body
                .as_ref()
                .is_some_and(|b| specs::is_json(&b.media_type))
        });
        let event_ids = response
            .events
            .as_ref()
            .is_none_or(|stream| specs::events::takes_ids(document.0, &stream.schema));
        let strings = &mut shared.schemas.strings;
        responses.push(Response {
            status,
            description: strings.get(&response.description),
            content_type: response.body.as_ref().map(|b| strings.get(&b.media_type)),
            headers: slice(headers),
            examples: slice(examples),
            matches,
            schema,
            events,
            event_ids,
        });
    }
    let lifecycle = lifecycle(
        &mut shared.bodies[operation.document],
        &mut shared.schemas,
        provider,
        operation,
    )?;
    let strings = &mut shared.schemas.strings;
    let paging = paging::paging(document, operation, &responses, strings);
    let invalid_input = provider.invalid_input_status;
    let templates = &mut shared.templates;
    let mut reply = |refusal| {
        let mut template = |schema: &Value, strings: &mut leak::Strings| {
            let key = (operation.document, schema.to_string());
            *templates
                .entry(key)
                .or_insert_with(|| leak(template(document, schema, strings)))
        };
        error_reply(operation, refusal, invalid_input, strings, &mut template)
    };
    let (invalid_request, invalid_path, unauthorized) = (
        reply(Refusal::InvalidInput),
        reply(Refusal::InvalidPath),
        reply(Refusal::MissingCredentials),
    );
    Ok(Operation {
        operation_id: strings.get(&operation.operation_id),
        method: strings.get(&operation.method),
        path: strings.get(&operation.path),
        segments,
        parameters: slice(parameters),
        request_body,
        security: slice(security),
        responses: slice(responses),
        invalid_request,
        invalid_path,
        unauthorized,
        lifecycle,
        paging,
        callbacks: slice(callbacks(provider, operation, strings)),
    })
}

/// The callbacks `operation` registers, as the catalogue read them.
fn callbacks(
    provider: &specs::Provider,
    operation: &specs::Operation,
    strings: &mut leak::Strings,
) -> Vec<Callback> {
    provider
        .webhooks
        .iter()
        .filter_map(|webhook| match &webhook.origin {
            specs::WebhookOrigin::Callback {
                operation_id,
                expression,
            } if *operation_id == operation.operation_id => Some(Callback {
                webhook: strings.get(&webhook.name),
                url: strings.get(expression),
            }),
            _ => None,
        })
        .collect()
}

/// How `--stateful` answers `operation`: its resource and transitions, each
/// with its whole body (the status's first example, patched) decided here.
fn lifecycle(
    bodies: &mut Bodies<'_>,
    schemas: &mut SchemaTable<'_>,
    provider: &specs::Provider,
    operation: &specs::Operation,
) -> Result<Option<OperationLifecycle>> {
    let Some(lifecycle) = &provider.lifecycle else {
        return Ok(None);
    };
    let Some(own) = lifecycle
        .operations
        .iter()
        .find(|o| o.operation_id == operation.operation_id)
    else {
        return Ok(None);
    };
    let transitions = own
        .transitions
        .iter()
        .map(|transition| {
            let status = transition.status;
            let body = match &transition.body {
                Some(patch) => {
                    let declared = operation.response(status).and_then(|r| r.body.as_ref());
                    let model = match declared {
                        Some(body) if has_schema(body) => {
                            Some(schemas.schema(operation.document, &body.schema)?)
                        }
                        _ => None,
                    };
                    let (_, first) = examples(bodies, declared, model)
                        .0
                        .into_iter()
                        .next()
                        .with_context(|| format!("status {status} has no body to patch"))?;
                    let mut body: Value = serde_json::from_str(&first).map_err(|e| {
                        BuildError::new(format!("status {status}'s example is not JSON: {e}"))
                    })?;
                    specs::lifecycle::merge_patch(&mut body, patch);
                    Some(leak::text(&body.to_string()))
                }
                None => None,
            };
            Ok(Transition {
                from: slice(
                    transition
                        .from
                        .iter()
                        .map(|s| schemas.strings.get(s))
                        .collect(),
                ),
                to: transition.to.as_deref().map(|s| schemas.strings.get(s)),
                status,
                body,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(OperationLifecycle {
        resource: schemas.strings.get(&own.resource),
        transitions: slice(transitions),
    }))
}

/// Splits a path template; a segment may hold one `{param}` between a
/// literal prefix and suffix (`{id}:cancel`, `latest.{extension}`). A
/// `#fragment` (Mistral's `/v1/conversations#stream`, a second operation on
/// one path) is not part of what a client sends: the twins share the path,
/// and the request's body tells them apart (`mock-server`'s routing).
fn segments(path: &str, strings: &mut leak::Strings) -> Result<&'static [Segment]> {
    let path = path.split('#').next().unwrap_or(path);
    let segments = path
        .trim_start_matches('/')
        .split('/')
        .map(|segment| match segment.split_once('{') {
            None => Ok(Segment::Literal(strings.get(segment))),
            Some((prefix, rest)) => {
                let (name, suffix) = rest
                    .split_once('}')
                    .with_context(|| format!("unclosed `{{` in path segment `{segment}`"))?;
                if suffix.contains('{') {
                    return Err(BuildError::new(format!(
                        "path segment `{segment}` holds two parameters"
                    )));
                }
                // `{path:*}` (Akua's `clusters.proxyKube`) names the parameter
                // `path`; as in gRPC transcoding, `*` is one segment.
                let name = name.strip_suffix(":*").unwrap_or(name);
                Ok(Segment::Param {
                    name: strings.get(name),
                    prefix: strings.get(prefix),
                    suffix: strings.get(suffix),
                })
            }
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(slice(segments))
}

/// A declared response header's value: its example, else one synthesised
/// from its schema, as header text (strings unquoted).
fn header_value(document: Document<'_>, header: &specs::ResponseHeader) -> Result<String> {
    let value = header
        .example
        .clone()
        .unwrap_or_else(|| synthesize(document, &header.schema));
    let text = match value {
        Value::String(text) => text,
        other => other.to_string(),
    };
    // RFC 9110 field-value: visible ASCII, spaces and tabs (no line breaks).
    if !text
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
    {
        return Err(BuildError::new(format!(
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
fn examples(
    bodies: &mut Bodies<'_>,
    body: Option<&Body>,
    schema: Option<&Schema>,
) -> (Vec<NamedBody>, Vec<String>) {
    let mut dropped = Vec::new();
    let Some(body) = body else {
        return (Vec::new(), dropped);
    };
    let json = specs::is_json(&body.media_type);
    let mut examples = Vec::new();
    for (name, value) in &body.examples {
        if json && let Some(schema) = schema {
            let problems = bodies.problems(schema, value);
            if let Some(problem) = problems.first() {
                dropped.push(format!(
                    "the document's example `{name}` does not fit its schema ({problem}); it is left out"
                ));
                continue;
            }
        }
        examples.push((name.clone(), media_text(&body.media_type, value)));
    }
    let synthesised = match schema {
        Some(schema) => bodies.examples(&body.schema, schema),
        None => vec![(None, Value::Null)],
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
    (examples, dropped)
}

/// The events of a `text/event-stream` body `response` declares beside its
/// main one: its examples, else one synthesised from each event schema's
/// branch. None where the schema cannot be modelled (the main body is still
/// served).
fn stream_events(
    shared: &mut State<'_>,
    document: usize,
    response: &specs::Response,
) -> &'static [Example] {
    let Some(stream) = response.events.as_ref().filter(|_| {
        response
            .body
            .as_ref()
            .is_some_and(|b| !specs::is_event_stream(&b.media_type))
    }) else {
        return &[];
    };
    let schema = match has_schema(stream) {
        true => match shared.schemas.schema(document, &stream.schema) {
            Ok(schema) => Some(schema),
            Err(_) => return &[],
        },
        false => None,
    };
    let (events, _) = examples(&mut shared.bodies[document], Some(stream), schema);
    let strings = &mut shared.schemas.strings;
    slice(
        events
            .into_iter()
            .map(|(name, body)| Example {
                name: strings.get(&name),
                body: leak::text(&body),
            })
            .collect(),
    )
}

/// Whether the mock parses and checks bodies of `media_type` (lower case).
fn is_checked(media_type: &str) -> bool {
    specs::is_json(media_type) || media_type == MULTIPART || media_type == URLENCODED
}

/// A webhook with the payloads the mock sends: the document's examples that
/// fit, else synthesised ones (a payload whose schema cannot be modelled is
/// sent as its examples, or `{}`).
fn webhook(shared: &mut State<'_>, webhook: &specs::Webhook) -> Webhook {
    let payload = webhook.payload.as_ref();
    let schema = payload
        .filter(|body| has_schema(body))
        .and_then(|body| shared.schemas.schema(webhook.document, &body.schema).ok());
    let (payloads, _) = examples(&mut shared.bodies[webhook.document], payload, schema);
    let strings = &mut shared.schemas.strings;
    let payloads = match payloads.is_empty() {
        true => vec![Example {
            name: strings.get("generated"),
            body: leak::text("{}"),
        }],
        false => payloads
            .into_iter()
            .map(|(name, body)| Example {
                name: strings.get(&name),
                body: leak::text(&body),
            })
            .collect(),
    };
    Webhook {
        name: strings.get(&webhook.name),
        method: strings.get(&webhook.method),
        content_type: strings.get(payload.map_or("application/json", |b| &b.media_type)),
        payloads: slice(payloads),
    }
}

/// Whether a body declares a schema (an object, or `true`/`false`).
fn has_schema(body: &Body) -> bool {
    body.schema.is_object() || body.schema.is_boolean()
}

/// A body value as the text its media type sends: JSON serialised; for
/// `text/event-stream`, one event (an object of `data` and any of `event`,
/// `id`, `retry` as fields, anything else, `{}` too, as `data`); strings as they
/// are; without a value, a small body of the type.
fn media_text(media_type: &str, value: &Value) -> String {
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
                if members.contains_key("data")
                    && members
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
fn error_reply(
    operation: &specs::Operation,
    refusal: Refusal,
    invalid_input: u16,
    strings: &mut leak::Strings,
    template: &mut impl FnMut(&Value, &mut leak::Strings) -> &'static Template,
) -> ErrorReply {
    /// The body for a refusal the document gives no shape for.
    static FALLBACK: Template =
        Template::Object(&[("error", Template::Kind), ("message", Template::Message)]);
    let chosen = refusal_status(operation, refusal, invalid_input);
    let (status, declared, body) = (chosen.status, chosen.declared.is_some(), chosen.shape);
    let (content_type, body) = match body {
        Some(body) if specs::is_json(&body.media_type) => (
            Some(strings.get(&body.media_type)),
            Some(template(&body.schema, strings)),
        ),
        Some(_) => (None, None),
        None if declared => (None, None),
        None => (Some("application/json"), Some(&FALLBACK)),
    };
    ErrorReply {
        status,
        declared,
        content_type,
        body,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn header(example: Option<Value>, schema: Value) -> specs::ResponseHeader {
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

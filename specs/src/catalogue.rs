//! The operation catalogue: what every other part of the project needs to
//! know about each operation, read once from the resolved documents.

use std::fmt;
use std::path::Path;

use serde_json::Value;

use crate::pagination::Pagination;
use crate::refs::Document;
use crate::security::{Requirements, SecurityReader};
use crate::walk::METHODS;
use crate::{Location, SpecError, pointer};

/// The operation extension naming the operation in the SDK.
pub const SDK_NAME: &str = "x-sdk-name";

/// One operation of one provider.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The document's `operationId`, verbatim.
    pub operation_id: String,
    /// The name the SDK gives the operation: the operation's `x-sdk-name`
    /// (set by an overlay where upstream's operationId makes a poor method
    /// name), else its `operationId`.
    pub sdk_name: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, e.g. `/operations/{id}:cancel`.
    pub path: String,
    /// The document's `summary`.
    pub summary: Option<String>,
    /// The document's `tags`.
    pub tags: Vec<String>,
    /// Index into the provider's documents of the one this operation comes from.
    pub document: usize,
    /// Path-item and operation parameters, references resolved, in document order.
    pub parameters: Vec<Parameter>,
    /// The request body, if the operation takes one.
    pub request_body: Option<RequestBody>,
    /// Declared responses, ordered by status (codes, then ranges, then `default`).
    pub responses: Vec<Response>,
    /// Alternatives (any one suffices), each a set of credentials sent
    /// together; empty: a public operation (see [`crate::security`]).
    pub security: Requirements,
    /// How a list operation pages, when it does (see [`crate::pagination`]).
    pub pagination: Option<Pagination>,
}

impl Operation {
    /// The declared response for exactly `status`, if any.
    pub fn response(&self, status: u16) -> Option<&Response> {
        self.responses
            .iter()
            .find(|r| r.status == Status::Code(status))
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    /// A `{name}` segment of the path template.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Its name (for headers, as the document spells it).
    pub name: String,
    /// Where it travels.
    pub location: ParameterLocation,
    /// Whether the request must carry it.
    pub required: bool,
    /// Its schema, as the resolved document has it (references stay references).
    pub schema: Value,
    /// How its items travel, for an array parameter (from `style` and
    /// `explode`); `None` for any other.
    pub list: Option<ListEncoding>,
}

/// How an array parameter's items travel: OpenAPI's `style` and `explode`
/// as far as they concern a list (the serialisation table in 4.8.12.4 of
/// the 3.1 specification; arrays under `deepObject`, which it leaves
/// undefined, travel as repeated names, as Stripe's clients send them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListEncoding {
    /// Each item under the repeated name: `?id=1&id=2` (an exploded `form`,
    /// `spaceDelimited` or `pipeDelimited` query, the default for queries
    /// and cookies).
    Repeated,
    /// One value with the items separated by this character: `?id=1,2`
    /// (`form` unexploded), `?id=1%202` (`spaceDelimited`), `?id=1|2`
    /// (`pipeDelimited`), and `simple`, the style of paths and headers.
    Joined(char),
}

impl ListEncoding {
    /// The encoding a parameter at `location` declares with `style` and
    /// `explode` (either absent for the location's default). A style that
    /// does not apply to the location is read as the location's default.
    pub fn of(location: ParameterLocation, style: Option<&str>, explode: Option<bool>) -> Self {
        let joined_by = match (location, style) {
            (ParameterLocation::Query, Some("spaceDelimited")) => ' ',
            (ParameterLocation::Query, Some("pipeDelimited")) => '|',
            (ParameterLocation::Query, Some("deepObject")) => return Self::Repeated,
            (ParameterLocation::Query | ParameterLocation::Cookie, _) => ',',
            // `simple` (and `label`/`matrix`, whose prefixes the mock's
            // router reads as part of the segment): commas either way.
            (ParameterLocation::Path | ParameterLocation::Header, _) => return Self::Joined(','),
        };
        // Queries and cookies explode by default (`form`'s default).
        if explode.unwrap_or(true) {
            Self::Repeated
        } else {
            Self::Joined(joined_by)
        }
    }
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    /// Whether the request must carry it.
    pub required: bool,
    /// Accepted media types with their schemas.
    pub content: Vec<Body>,
}

/// A declared response status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// An exact code such as `404`.
    Code(u16),
    /// A range such as `4XX`, holding its first digit.
    Range(u8),
    /// `default`: every status not declared otherwise.
    Default,
}

impl Status {
    /// Whether this status is (or covers only) 2xx.
    pub fn is_success(self) -> bool {
        match self {
            Status::Code(code) => (200..300).contains(&code),
            Status::Range(digit) => digit == 2,
            Status::Default => false,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Code(code) => write!(f, "{code}"),
            Status::Range(digit) => write!(f, "{digit}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

/// One declared response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The status it is declared for.
    pub status: Status,
    /// The document's description.
    pub description: String,
    /// The body, if the response declares one (the JSON one when there are several).
    pub body: Option<Body>,
    /// The `text/event-stream` body, if the response declares one (also
    /// when it is `body`): each event's schema, as the document gives it.
    pub events: Option<Body>,
    /// Declared response headers (`Content-Type`, framing and hop-by-hop
    /// headers excluded: they are the HTTP layer's, not the API's).
    pub headers: Vec<ResponseHeader>,
}

/// A header a response declares (`Retry-After`, `Location`, `ETag`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    /// Its name, as the document spells it.
    pub name: String,
    /// Whether the response always carries it.
    pub required: bool,
    /// Its schema, as the resolved document has it.
    pub schema: Value,
    /// The header's `example` (or first of `examples`), else its schema's `example`.
    pub example: Option<Value>,
}

/// A body in one media type.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// The media type, e.g. `application/json`.
    pub media_type: String,
    /// The schema as the resolved document has it.
    pub schema: Value,
    /// The `components.schemas` name the schema is (after hoisting, every JSON
    /// response body has one).
    pub type_name: Option<String>,
    /// Examples: the media type's `example` (named `default`) and `examples`.
    pub examples: Vec<(String, Value)>,
    /// How each property is sent in a `multipart/form-data` or
    /// `application/x-www-form-urlencoded` body (the media type's
    /// `encoding`), by property name.
    pub encoding: Vec<(String, Encoding)>,
}

/// A form body property's `encoding`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Encoding {
    /// The part's media types (`image/png, image/jpeg`), multipart only.
    pub content_type: Option<String>,
    /// `form` (the default), `spaceDelimited`, `pipeDelimited` or `deepObject`.
    pub style: Option<String>,
    /// Whether arrays and objects are one pair per value (the default for
    /// `form`).
    pub explode: Option<bool>,
}

/// Reads every operation of a resolved document.
pub(crate) fn operations(
    document: &Value,
    document_index: usize,
    file: &Path,
) -> Result<(Vec<Operation>, Vec<Rejected>), SpecError> {
    let reader = Reader { document, file };
    let security = SecurityReader::new(document, file)?;
    let mut operations = Vec::new();
    let mut rejected = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return Ok((operations, rejected));
    };
    for (path, item) in paths {
        let item_at = pointer::join("/paths", path);
        let shared = reader.parameters(item, &item_at);
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let at = pointer::join(&item_at, method);
            let read = match &shared {
                Ok(shared) => reader.operation(
                    operation,
                    shared.clone(),
                    &security,
                    path,
                    method,
                    document_index,
                    &at,
                ),
                // Every operation of the path item shares the problem.
                Err(error) => Err(SpecError::invalid(
                    reader.at(&pointer::join(&item_at, "parameters")),
                    error.to_string(),
                )),
            };
            match read {
                Ok(operation) => operations.push(operation),
                Err(error) => rejected.push(Rejected {
                    path: path.clone(),
                    method: method.to_string(),
                    error,
                }),
            }
        }
    }
    Ok((operations, rejected))
}

/// How a provider signs the webhooks it sends (`webhook_signature` in
/// `provider.yaml`): what the mock signs its deliveries with, and what the
/// SDK's generated `webhooks::verifier` checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WebhookSignature {
    /// Standard Webhooks (`webhook-id`, `webhook-timestamp`,
    /// `webhook-signature: v1,<base64>`), as Svix, OpenAI and Resend sign.
    #[default]
    StandardWebhooks,
    /// Stripe's `Stripe-Signature: t=<seconds>,v1=<hex>`.
    Stripe,
    /// GitHub's `X-Hub-Signature-256: sha256=<hex>` with `X-GitHub-Delivery`.
    Github,
}

/// A request the provider sends to the app: an entry of the document's
/// `webhooks` (3.1), or a `callback` of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// The key under `webhooks`, or the callback's name (`<operationId>.<name>`
    /// when two operations name a callback alike).
    pub name: String,
    /// Where it is declared.
    pub origin: WebhookOrigin,
    /// Upper-case HTTP method the provider sends it with.
    pub method: String,
    /// Index into the provider's documents.
    pub document: usize,
    /// Its operation's JSON pointer in the resolved document.
    pub pointer: String,
    /// The payload: the JSON body when several are declared.
    pub payload: Option<Body>,
}

/// Where a [`Webhook`] is declared.
#[derive(Debug, Clone, PartialEq)]
pub enum WebhookOrigin {
    /// The document's `webhooks`.
    Webhook,
    /// An operation's `callbacks`, with the URL expression the provider
    /// calls (`{$request.body#/callbackUrl}`).
    Callback {
        /// The operation that registers it.
        operation_id: String,
        /// The runtime expression naming the URL.
        expression: String,
    },
}

/// Reads the webhooks and callbacks of a resolved document. One that cannot
/// be read (a dangling `$ref`) is left out: the app is not sent what the
/// document does not say.
pub(crate) fn webhooks(document: &Value, document_index: usize, file: &Path) -> Vec<Webhook> {
    let reader = Reader { document, file };
    let mut found: Vec<Webhook> = Vec::new();
    let mut add = |name: String, alternative: Option<String>, origin, item: &Value, at: &str| {
        let Some(method) = METHODS.iter().find(|m| item.get(**m).is_some()) else {
            return;
        };
        let at = pointer::join(at, method);
        let Ok(body) = reader.request_body(&item[*method], &at) else {
            return;
        };
        let payload = body.and_then(|body| {
            let json = body.content.iter().position(|b| is_json(&b.media_type));
            let mut content = body.content;
            (!content.is_empty()).then(|| content.swap_remove(json.unwrap_or(0)))
        });
        let name = match alternative {
            Some(other) if found.iter().any(|w| w.name == name) => other,
            _ => name,
        };
        found.push(Webhook {
            name,
            origin,
            method: method.to_uppercase(),
            document: document_index,
            pointer: at,
            payload,
        });
    };
    for (name, item) in document
        .get("webhooks")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let at = pointer::join("/webhooks", name);
        if let Ok(item) = reader.resolve(item, &at) {
            add(name.clone(), None, WebhookOrigin::Webhook, item, &at);
        }
    }
    for (path, item) in document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let at = pointer::join(
                &pointer::join(&pointer::join("/paths", path), method),
                "callbacks",
            );
            for (name, callback) in operation
                .get("callbacks")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let at = pointer::join(&at, name);
                let Ok(callback) = reader.resolve(callback, &at) else {
                    continue;
                };
                for (expression, item) in callback.as_object().into_iter().flatten() {
                    let at = pointer::join(&at, expression);
                    let Ok(item) = reader.resolve(item, &at) else {
                        continue;
                    };
                    let origin = WebhookOrigin::Callback {
                        operation_id: id.to_owned(),
                        expression: expression.clone(),
                    };
                    add(
                        name.clone(),
                        Some(format!("{id}.{name}")),
                        origin,
                        item,
                        &at,
                    );
                }
            }
        }
    }
    found
}

/// An operation the catalogue cannot read, and why: the loader skips it.
#[derive(Debug)]
pub(crate) struct Rejected {
    /// Its path template.
    pub path: String,
    /// Its method, lower-case.
    pub method: String,
    /// Why.
    pub error: SpecError,
}

struct Reader<'a> {
    document: &'a Value,
    file: &'a Path,
}

impl<'a> Reader<'a> {
    /// One operation of the path item at `path`, with the path item's
    /// parameters (`shared`) under its own.
    #[allow(clippy::too_many_arguments)]
    fn operation(
        &self,
        operation: &'a Value,
        shared: Vec<Parameter>,
        security: &SecurityReader<'_>,
        path: &str,
        method: &str,
        document_index: usize,
        at: &str,
    ) -> Result<Operation, SpecError> {
        let reader = self;
        let at = at.to_string();
        let operation_id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                SpecError::invalid(
                    reader.at(&at),
                    "every operation needs an operationId (it names the SDK method)",
                )
            })?;
        let mut parameters = shared;
        for parameter in reader.parameters(operation, &at)? {
            // An operation's parameter overrides the path item's of the same name and place.
            parameters.retain(|p: &Parameter| {
                !(p.location == parameter.location && p.name == parameter.name)
            });
            parameters.push(parameter);
        }
        let sdk_name = match operation.get(SDK_NAME) {
            None => operation_id,
            Some(Value::String(name))
                if name.starts_with(|c: char| c.is_ascii_lowercase())
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') =>
            {
                name
            }
            Some(_) => {
                return Err(SpecError::invalid(
                    reader.at(&pointer::join(&at, SDK_NAME)),
                    "must be a snake_case identifier",
                ));
            }
        };
        Ok(Operation {
            operation_id: operation_id.to_string(),
            sdk_name: sdk_name.to_string(),
            method: method.to_uppercase(),
            path: path.to_string(),
            summary: operation
                .get("summary")
                .and_then(Value::as_str)
                .map(str::to_string),
            tags: operation
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            document: document_index,
            parameters,
            request_body: reader.request_body(operation, &at)?,
            responses: reader.responses(operation, &at)?,
            security: security.operation(operation, &at)?,
            // Recognised by the loader once the operation is read.
            pagination: None,
        })
    }
    fn at(&self, pointer: &str) -> Location {
        Location::new(self.file, pointer)
    }

    /// Follows a local `$ref` chain (see [`crate::refs`]).
    fn resolve(&self, node: &'a Value, at: &str) -> Result<&'a Value, SpecError> {
        Document(self.document).resolve(node, self.file, at)
    }

    fn parameters(&self, owner: &'a Value, at: &str) -> Result<Vec<Parameter>, SpecError> {
        let Some(list) = owner.get("parameters") else {
            return Ok(Vec::new());
        };
        let at = pointer::join(at, "parameters");
        let list = list
            .as_array()
            .ok_or_else(|| SpecError::invalid(self.at(&at), "`parameters` must be an array"))?;
        let mut parameters = Vec::new();
        for (index, parameter) in list.iter().enumerate() {
            let at = pointer::join_index(&at, index);
            let parameter = self.resolve(parameter, &at)?;
            let name = parameter.get("name").and_then(Value::as_str);
            let location = match parameter.get("in").and_then(Value::as_str) {
                Some("path") => ParameterLocation::Path,
                Some("query") => ParameterLocation::Query,
                Some("header") => ParameterLocation::Header,
                Some("cookie") => ParameterLocation::Cookie,
                _ => {
                    return Err(SpecError::invalid(
                        self.at(&at),
                        "a parameter's `in` must be path, query, header or cookie",
                    ));
                }
            };
            let name = name.ok_or_else(|| {
                SpecError::invalid(self.at(&at), "a parameter needs a string `name`")
            })?;
            let is_list = parameter
                .get("schema")
                .and_then(|schema| Document(self.document).deref(schema))
                .is_some_and(|schema| Document::types(schema).contains(&"array"));
            let schema = match (parameter.get("schema"), parameter.get("content")) {
                (Some(schema), _) => schema.clone(),
                (None, Some(_)) => {
                    return Err(SpecError::Unsupported {
                        at: self.at(&pointer::join(&at, "content")),
                        keyword: "content".into(),
                        why: "parameters serialised as a media type are not supported; use `schema`",
                    });
                }
                (None, None) => Value::Object(Default::default()),
            };
            let required = parameter.get("required").and_then(Value::as_bool) == Some(true);
            if location == ParameterLocation::Path && !required {
                return Err(SpecError::invalid(
                    self.at(&at),
                    "a path parameter must be `required: true`",
                ));
            }
            parameters.push(Parameter {
                name: name.to_string(),
                location,
                required,
                schema,
                list: is_list.then(|| {
                    ListEncoding::of(
                        location,
                        parameter.get("style").and_then(Value::as_str),
                        parameter.get("explode").and_then(Value::as_bool),
                    )
                }),
            });
        }
        Ok(parameters)
    }

    fn request_body(
        &self,
        operation: &'a Value,
        at: &str,
    ) -> Result<Option<RequestBody>, SpecError> {
        let Some(body) = operation.get("requestBody") else {
            return Ok(None);
        };
        let at = pointer::join(at, "requestBody");
        let body = self.resolve(body, &at)?;
        Ok(Some(RequestBody {
            required: body.get("required").and_then(Value::as_bool) == Some(true),
            content: self.content(body, &at)?,
        }))
    }

    fn content(&self, holder: &'a Value, at: &str) -> Result<Vec<Body>, SpecError> {
        let Some(content) = holder.get("content").and_then(Value::as_object) else {
            return Ok(Vec::new());
        };
        let mut bodies = Vec::new();
        for (media_type, media) in content {
            let schema = media
                .get("schema")
                .cloned()
                .unwrap_or_else(|| Value::Object(Default::default()));
            let type_name = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(pointer::schema_ref_name);
            let mut examples = Vec::new();
            if let Some(example) = media.get("example") {
                examples.push(("default".to_string(), example.clone()));
            }
            if let Some(named) = media.get("examples").and_then(Value::as_object) {
                let at = pointer::join(&pointer::join(at, media_type), "examples");
                for (name, example) in named {
                    let example = self.resolve(example, &pointer::join(&at, name))?;
                    if let Some(value) = example.get("value") {
                        examples.push((name.clone(), value.clone()));
                    }
                }
            }
            let encoding = media
                .get("encoding")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(property, encoding)| {
                    let text =
                        |key: &str| encoding.get(key).and_then(Value::as_str).map(str::to_owned);
                    let read = Encoding {
                        content_type: text("contentType"),
                        style: text("style"),
                        explode: encoding.get("explode").and_then(Value::as_bool),
                    };
                    (property.clone(), read)
                })
                .collect();
            bodies.push(Body {
                media_type: media_type.clone(),
                schema,
                type_name,
                examples,
                encoding,
            });
        }
        Ok(bodies)
    }

    fn responses(&self, operation: &'a Value, at: &str) -> Result<Vec<Response>, SpecError> {
        let at = pointer::join(at, "responses");
        let map = operation
            .get("responses")
            .and_then(Value::as_object)
            .filter(|map| !map.is_empty())
            .ok_or_else(|| {
                SpecError::invalid(
                    self.at(&at),
                    "an operation needs `responses` with at least one response",
                )
            })?;
        let mut responses = Vec::new();
        for (key, response) in map {
            let at = pointer::join(&at, key);
            let status = parse_status(key).ok_or_else(|| {
                SpecError::invalid(
                    self.at(&at),
                    format!(
                        "`{key}` is not a status code (100-599), a range such as 4XX, or `default`"
                    ),
                )
            })?;
            let response = self.resolve(response, &at)?;
            let mut content = self.content(response, &at)?;
            let json = content
                .iter()
                .position(|b| is_json(&b.media_type))
                .unwrap_or(0);
            let events = content
                .iter()
                .find(|b| is_event_stream(&b.media_type))
                .cloned();
            let body = (!content.is_empty()).then(|| content.swap_remove(json));
            responses.push(Response {
                status,
                description: response
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                body,
                events,
                headers: self.response_headers(response, &at)?,
            });
        }
        responses.sort_by_key(|r| r.status);
        Ok(responses)
    }

    fn response_headers(
        &self,
        response: &'a Value,
        at: &str,
    ) -> Result<Vec<ResponseHeader>, SpecError> {
        let Some(headers) = response.get("headers").and_then(Value::as_object) else {
            return Ok(Vec::new());
        };
        let at = pointer::join(at, "headers");
        let mut declared = Vec::new();
        for (name, header) in headers {
            // OpenAPI ignores a declared `Content-Type`; the message's framing
            // and hop-by-hop headers are the HTTP layer's, not the API's
            // (OpenAI declares `Transfer-Encoding: chunked` on a download: a
            // server that sent it beside a length would break the answer).
            if FRAMING_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)) {
                continue;
            }
            let header = self.resolve(header, &pointer::join(&at, name))?;
            let schema = header
                .get("schema")
                .cloned()
                .unwrap_or_else(|| Value::Object(Default::default()));
            let example = header
                .get("example")
                .or_else(|| {
                    header
                        .get("examples")
                        .and_then(Value::as_object)
                        .and_then(|examples| examples.values().next())
                        .and_then(|example| example.get("value"))
                })
                .or_else(|| schema.get("example"))
                .cloned();
            declared.push(ResponseHeader {
                name: name.clone(),
                required: header.get("required").and_then(Value::as_bool) == Some(true),
                schema,
                example,
            });
        }
        Ok(declared)
    }
}

/// Parses a response key: `404`, `4XX` or `default`.
pub fn parse_status(key: &str) -> Option<Status> {
    if key == "default" {
        return Some(Status::Default);
    }
    if let [digit @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] = key.as_bytes() {
        return Some(Status::Range(digit - b'0'));
    }
    let code: u16 = key.parse().ok()?;
    (100..600).contains(&code).then_some(Status::Code(code))
}

/// Whether a media type carries JSON (`application/json`, `application/problem+json`, ...).
pub fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Response headers a document may declare that are not the API's to send:
/// `Content-Type` (OpenAPI ignores it), the message's framing, and hop-by-hop
/// headers (RFC 9110, section 7.6.1).
const FRAMING_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
];

/// Whether a media type is a file to download rather than a document to
/// parse: `application/octet-stream`, audio, images, video, fonts and
/// archives (parameters and case aside).
pub fn is_download(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let (top, sub) = essence.split_once('/').unwrap_or((&essence, ""));
    matches!(top, "audio" | "image" | "video" | "font")
        || (top == "application"
            && matches!(
                sub,
                "octet-stream" | "zip" | "gzip" | "x-tar" | "x-gzip" | "pdf" | "x-7z-compressed"
            ))
}

/// Whether a media type is `text/event-stream` (parameters and case aside).
pub fn is_event_stream(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("text/event-stream")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_encodings_follow_the_serialisation_table() {
        use ListEncoding::{Joined, Repeated};
        use ParameterLocation::{Cookie, Header, Path, Query};
        for (location, style, explode, wanted) in [
            (Query, None, None, Repeated),
            (Query, Some("form"), Some(true), Repeated),
            (Query, Some("form"), Some(false), Joined(',')),
            (Query, None, Some(false), Joined(',')),
            (Query, Some("spaceDelimited"), Some(false), Joined(' ')),
            (Query, Some("pipeDelimited"), Some(false), Joined('|')),
            (Query, Some("pipeDelimited"), None, Repeated),
            (Query, Some("deepObject"), Some(false), Repeated),
            // A style of another location is read as the query's default.
            (Query, Some("simple"), None, Repeated),
            (Cookie, None, Some(false), Joined(',')),
            (Cookie, None, None, Repeated),
            (Path, None, None, Joined(',')),
            (Path, Some("simple"), Some(true), Joined(',')),
            (Header, None, Some(true), Joined(',')),
            (Header, Some("pipeDelimited"), Some(false), Joined(',')),
        ] {
            assert_eq!(
                ListEncoding::of(location, style, explode),
                wanted,
                "{location:?} {style:?} {explode:?}"
            );
        }
    }

    #[test]
    fn downloads() {
        for media in [
            "application/octet-stream",
            "audio/wav",
            "image/png; q=1",
            "Video/MP4",
            "application/zip",
        ] {
            assert!(is_download(media), "{media}");
        }
        for media in [
            "application/json",
            "text/plain",
            "text/event-stream",
            "application/xml",
            "text/csv",
        ] {
            assert!(!is_download(media), "{media}");
        }
    }

    #[test]
    fn statuses() {
        assert_eq!(parse_status("404"), Some(Status::Code(404)));
        assert_eq!(parse_status("4XX"), Some(Status::Range(4)));
        assert_eq!(parse_status("default"), Some(Status::Default));
        assert_eq!(parse_status("99"), None);
        assert_eq!(parse_status("6XX"), None);
        assert_eq!(parse_status("ok"), None);
        let mut sorted = vec![
            Status::Default,
            Status::Range(4),
            Status::Code(422),
            Status::Code(200),
        ];
        sorted.sort();
        assert_eq!(
            sorted,
            [
                Status::Code(200),
                Status::Code(422),
                Status::Range(4),
                Status::Default
            ]
        );
    }

    #[test]
    fn webhooks_and_callbacks_are_read_with_their_payloads() {
        let mut document = serde_json::json!({
            "paths": {"/jobs": {"post": {
                "operationId": "createJob",
                "responses": {"202": {"description": "ok"}},
                "callbacks": {"done": {"{$request.body#/callbackUrl}": {"post": {
                    "requestBody": {"content": {"application/json": {"schema": {
                        "type": "object", "properties": {"id": {"type": "string"}}
                    }}}},
                    "responses": {"200": {"description": "ok"}}
                }}}}
            }}},
            "webhooks": {
                "thing.created": {"post": {"requestBody": {"content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Thing"},
                                         "example": {"id": "t1"}}
                }}}},
                "done": {"put": {}}
            },
            "components": {"schemas": {"Thing": {"type": "object"}}}
        });
        crate::hoist_webhook_payloads(&mut document);
        let found = webhooks(&document, 0, Path::new("api.yaml"));
        let names: Vec<&str> = found.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["thing.created", "done", "createJob.done"]);
        let created = found[0].payload.as_ref().unwrap();
        assert_eq!(created.type_name.as_deref(), Some("Thing"));
        assert_eq!(
            created.examples,
            [("default".to_string(), serde_json::json!({"id": "t1"}))]
        );
        assert_eq!(found[1].method, "PUT");
        assert_eq!(found[1].payload, None);
        assert_eq!(
            found[2].origin,
            WebhookOrigin::Callback {
                operation_id: "createJob".into(),
                expression: "{$request.body#/callbackUrl}".into()
            }
        );
        // The inline payload is a component now, named after the callback.
        assert_eq!(
            found[2].payload.as_ref().unwrap().type_name.as_deref(),
            Some("DoneCallback")
        );
        assert!(
            document
                .pointer("/components/schemas/DoneCallback")
                .is_some()
        );
    }

    #[test]
    fn webhooks_are_not_operations_the_client_calls() {
        let document = serde_json::json!({
            "paths": {"/a": {"get": {"operationId": "getA", "tags": ["t"], "responses": {"200": {"description": "ok"}}}}},
            "webhooks": {"thingCreated": {"post": {"operationId": "thingCreated", "responses": {"200": {"description": "ok"}}}}},
        });
        let (operations, _) = operations(&document, 0, Path::new("api.yaml")).unwrap();
        let ids: Vec<&str> = operations.iter().map(|o| o.operation_id.as_str()).collect();
        assert_eq!(ids, ["getA"]);
        assert_eq!(operations[0].tags, ["t"]);
    }

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/problem+json; charset=utf-8"));
        assert!(!is_json("text/plain"));
    }
}

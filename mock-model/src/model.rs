//! The description of an API the mock serves: built from a document by
//! [`crate::build`], either at start-up (`mock-server --spec`) or once by
//! `cargo xtask codegen`, which writes it out as static data into
//! `mock-server/src/generated/`. Nothing here names a provider.

pub use specs::{ListEncoding, WebhookSignature};

/// One API (provider), served under its own base URL.
#[derive(Debug)]
pub struct Provider {
    /// Short name: the URL prefix (`/phala`) and the `--provider` word.
    pub name: &'static str,
    /// Human name.
    pub title: &'static str,
    /// The path of the provider's public server URL (`/v1` for
    /// `https://api.akua.dev/v1`), kept so clients swap only the host.
    pub server_path: &'static str,
    /// The vendored documents, relative to the repository root.
    pub documents: &'static [&'static str],
    /// The resources its operations act on (for `--stateful`).
    pub resources: &'static [Resource],
    /// Every operation.
    pub operations: &'static [Operation],
    /// The requests the provider sends apps (the documents' `webhooks` and
    /// callbacks): what `POST /__mock/webhooks` delivers.
    pub webhooks: &'static [Webhook],
    /// The documents' operations the mock does not serve, and why (the
    /// spec library's and the builder's findings: see `specs::findings`).
    pub skipped: &'static [Skipped],
    /// The boolean request-body member that asks for an event stream
    /// (`stream` unless `provider.yaml` names another).
    pub stream_switch: &'static str,
    /// How its webhook deliveries are signed.
    pub webhook_signature: WebhookSignature,
}

/// A request the provider sends the app.
#[derive(Debug)]
pub struct Webhook {
    /// The key under `webhooks`, or the callback's name.
    pub name: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// The payload's media type (`application/json` when none is declared).
    pub content_type: &'static str,
    /// Payloads to send: the document's examples, else synthesised ones,
    /// each valid against the declared schema.
    pub payloads: &'static [Example],
}

/// One operation of the documents that is not served.
#[derive(Debug)]
pub struct Skipped {
    /// `METHOD /path`.
    pub operation: &'static str,
    /// Where the reason is: `file#pointer`.
    pub at: &'static str,
    /// Why.
    pub reason: &'static str,
}

/// One operation.
#[derive(Debug)]
pub struct Operation {
    /// The document's operationId.
    pub operation_id: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// The path template, as documented.
    pub path: &'static str,
    /// The template split into segments.
    pub segments: &'static [Segment],
    /// Parameters with their validation schemas.
    pub parameters: &'static [Parameter],
    /// The JSON request body, if the operation takes one.
    pub request_body: Option<RequestBody>,
    /// Alternatives (any one suffices) of credentials sent together; empty: none needed.
    pub security: &'static [&'static [Credential]],
    /// Declared responses, by status.
    pub responses: &'static [Response],
    /// What an invalid request gets (see ARCHITECTURE.md for the rule).
    pub invalid_request: ErrorReply,
    /// What a request whose only problems are path parameters gets: the
    /// same, except that a declared `404` is used before an undeclared status.
    pub invalid_path: ErrorReply,
    /// What a request without valid credentials gets.
    pub unauthorized: ErrorReply,
    /// How `--stateful` answers it, if it acts on a resource.
    pub lifecycle: Option<OperationLifecycle>,
    /// How its answers page, if it is a list the mock pages (see [`crate::pages`]).
    pub paging: Option<Paging>,
    /// The callbacks it registers (OpenAPI `callbacks`), sent after a success.
    pub callbacks: &'static [Callback],
}

/// A callback an operation registers: the provider calls a URL the request
/// names, with one of its [`Provider::webhooks`].
#[derive(Debug, Clone, Copy)]
pub struct Callback {
    /// The [`Webhook`] sent, by name.
    pub webhook: &'static str,
    /// The URL as the document writes it: a runtime expression
    /// (`{$request.body#/callbackUrl}`), or text with some inside.
    pub url: &'static str,
}

/// A response header naming a list's next position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextHeader {
    /// `Link: <...?parameter=position>; rel="next"` (RFC 8288).
    Link,
    /// A header holding the position as it is (`X-Next-Token`).
    Named(&'static str),
}

/// How a list operation's answers page: a collection of items made from
/// the success example's first item, served a page at a time with
/// positions that lead through it (`specs::pagination` says which
/// operations, and the members).
#[derive(Debug)]
pub struct Paging {
    /// The query parameter carrying the position.
    pub parameter: &'static str,
    /// The query parameter bounding a page's size, if the operation has one.
    pub limit: Option<&'static str>,
    /// The body's member holding the page's items; `None`: the body is the array.
    pub items: Option<&'static str>,
    /// The body's member naming the next position; `None`: no member names
    /// it (it is the last item's id, a count of items or pages, or a link).
    pub next: Option<&'static str>,
    /// The response header naming the next position, if one does.
    pub header: Option<NextHeader>,
    /// Whether a position is an item's id (`after=<id>`), else an offset
    /// or a page number.
    pub by_id: bool,
    /// Whether positions are page numbers, and the first page's.
    pub first_page: Option<u64>,
    /// The body's integer members counting all items and all pages, which
    /// the mock sets to its collection's counts.
    pub totals: (Option<&'static str>, Option<&'static str>),
    /// An item (JSON) synthesised from the item schema, copied when the
    /// example's item array is empty (`default: []`).
    pub item: Option<&'static str>,
    /// The body's boolean member about the next page, and whether it is
    /// inverted (`done`).
    pub more: Option<(&'static str, bool)>,
    /// What `next` holds on the last page.
    pub end: PageEnd,
    /// Whether items are made distinct (their `id` varied per item, else
    /// their first text).
    pub vary: bool,
}

/// What the next-position member holds on the last page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageEnd {
    /// `null` (the schema admits it).
    Null,
    /// Nothing: the member is left out (it is not required).
    Absent,
    /// An empty string.
    Empty,
}

/// A kind of resource whose state `--stateful` keeps (from `lifecycle.yaml`).
#[derive(Debug)]
pub struct Resource {
    /// Its name.
    pub name: &'static str,
    /// The path parameters whose values name one resource.
    pub key: &'static [&'static str],
    /// The state of an id seen for the first time.
    pub initial: &'static str,
    /// Every state it can be in.
    pub states: &'static [&'static str],
}

/// How an operation depends on and changes its resource's state.
#[derive(Debug)]
pub struct OperationLifecycle {
    /// The resource's name.
    pub resource: &'static str,
    /// In order: the first whose `from` holds the state applies.
    pub transitions: &'static [Transition],
}

/// In these states, answer this, then move to that state.
#[derive(Debug)]
pub struct Transition {
    /// The states it applies in.
    pub from: &'static [&'static str],
    /// The state afterwards (unchanged when `None`).
    pub to: Option<&'static str>,
    /// The declared status to answer with.
    pub status: u16,
    /// The body; `None`: the status's first example.
    pub body: Option<&'static str>,
}

/// One segment of a path template.
#[derive(Debug, PartialEq, Eq)]
pub enum Segment {
    /// Matches exactly.
    Literal(&'static str),
    /// Captures a parameter between a literal prefix and suffix inside the
    /// same segment: `{id}:cancel` (Google AIP-136 custom methods) has suffix
    /// `:cancel`; `latest.{extension}` (a file name) has prefix `latest.`.
    Param {
        /// The parameter's name.
        name: &'static str,
        /// What must precede the value in the segment (often empty).
        prefix: &'static str,
        /// What must follow the value in the segment (often empty).
        suffix: &'static str,
    },
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// Path segment.
    Path,
    /// Query string.
    Query,
    /// Header.
    Header,
    /// Cookie.
    Cookie,
}

impl Location {
    /// The word FastAPI-style error locations use (`path`, `query`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        }
    }
}

/// A parameter and its schema.
#[derive(Debug)]
pub struct Parameter {
    /// The name (header names as documented; matched case-insensitively).
    pub name: &'static str,
    /// Where it travels.
    pub location: Location,
    /// Whether the request must carry it.
    pub required: bool,
    /// The schema its value must satisfy.
    pub schema: &'static Schema,
    /// How an array value's items arrive (`style` and `explode`).
    pub list: ListEncoding,
}

/// A JSON request body.
#[derive(Debug)]
pub struct RequestBody {
    /// Whether the request must carry one.
    pub required: bool,
    /// The media types whose bodies are parsed and checked (JSON, forms),
    /// in the document's order.
    pub checked: &'static [MediaType],
    /// The other declared media types (XML, files): accepted unchecked.
    pub others: &'static [&'static str],
}

/// A request body's media type the mock parses and checks.
#[derive(Debug)]
pub struct MediaType {
    /// The media type, lower case.
    pub media_type: &'static str,
    /// The schema the body must satisfy (a form's: its fields as an object).
    pub schema: &'static Schema,
    /// How a `multipart/form-data` or `application/x-www-form-urlencoded`
    /// body sends its properties (the media type's `encoding`).
    pub encoding: &'static [FieldEncoding],
}

/// One property's `encoding` in a form body.
#[derive(Debug)]
pub struct FieldEncoding {
    /// The property.
    pub name: &'static str,
    /// The media types its part may have (`image/png, image/jpeg`; multipart).
    pub content_type: Option<&'static str>,
    /// Whether an object is sent as `name[key]=value` pairs (`deepObject`).
    pub deep_object: bool,
}

/// A credential the document requires (one scheme of a requirement;
/// `oauth2` and `openIdConnect` tokens are `Bearer`).
#[derive(Debug)]
pub enum Credential {
    /// An API key in the named header.
    Header(&'static str),
    /// An API key in the named query parameter.
    Query(&'static str),
    /// An API key in the named cookie.
    Cookie(&'static str),
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic base64(user:password)`.
    Basic,
}

/// One declared response.
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The document's description.
    pub description: &'static str,
    /// The body's media type; `None` when the document declares no body.
    pub content_type: Option<&'static str>,
    /// Declared headers, each with the value the mock sends.
    pub headers: &'static [ResponseHeader],
    /// Bodies, by example name; the first is the default. Document examples
    /// come first; without any, one synthesised from the schema (`generated`).
    pub examples: &'static [Example],
    /// Which statuses this response stands for (`status` is the one the mock sends).
    pub matches: StatusMatch,
    /// The JSON body's schema, to check a real provider's answers (`--proxy`,
    /// `--replay`); `None` without a JSON body.
    pub schema: Option<&'static Schema>,
    /// Events of the `text/event-stream` body the response declares beside
    /// its main one (AI platforms: JSON, or a stream when the request asks),
    /// each a whole event; empty without one. Where the event stream is the
    /// main body, `examples` are its events.
    pub events: &'static [Example],
    /// Whether streamed events may carry the `id` the mock numbers them
    /// with (`specs::events::takes_ids`): not where the document's event
    /// schema is closed without one.
    pub event_ids: bool,
}

/// A header a response declares.
#[derive(Debug)]
pub struct ResponseHeader {
    /// Its name, lower-case.
    pub name: &'static str,
    /// What the mock sends: the document's example, else one synthesised
    /// from the schema and checked against it.
    pub value: &'static str,
    /// Whether every answer with this status must carry it.
    pub required: bool,
    /// The schema its value must satisfy, to check a real provider's
    /// answers (`--proxy`, `--replay`).
    pub schema: &'static Schema,
}

/// Which statuses a declared response covers, as the document keys it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    /// Exactly `status` (`"404"`).
    Exact,
    /// Every status of `status`'s class (`"4XX"`; `status` is `400`).
    Class,
    /// Every status not declared otherwise (`"default"`; `status` is `500`).
    Default,
}

impl Operation {
    /// A concrete path for this operation's template, appended to `base`:
    /// each parameter's literal prefix and suffix around `value(name)`,
    /// which the caller percent-encodes as it needs.
    pub fn path_with(&self, base: &str, mut value: impl FnMut(&str) -> String) -> String {
        let mut path = base.to_string();
        for segment in self.segments {
            path.push('/');
            match segment {
                Segment::Literal(text) => path.push_str(text),
                Segment::Param {
                    name,
                    prefix,
                    suffix,
                } => {
                    path.push_str(prefix);
                    path.push_str(&value(name));
                    path.push_str(suffix);
                }
            }
        }
        path
    }

    /// The declared response a real answer with `status` falls under, with
    /// OpenAPI's precedence: the exact code, then its class, then `default`.
    pub fn declared_response(&self, status: u16) -> Option<&Response> {
        let of = |kind: StatusMatch| {
            self.responses.iter().find(|r| {
                r.matches == kind
                    && match kind {
                        StatusMatch::Exact => r.status == status,
                        StatusMatch::Class => r.status / 100 == status / 100,
                        StatusMatch::Default => true,
                    }
            })
        };
        of(StatusMatch::Exact)
            .or_else(|| of(StatusMatch::Class))
            .or_else(|| of(StatusMatch::Default))
    }
}

/// A named body.
#[derive(Debug)]
pub struct Example {
    /// The example's name in the document (`default` for a single `example`,
    /// `generated` for one synthesised from the schema).
    pub name: &'static str,
    /// The body, serialised.
    pub body: &'static str,
}

/// How to answer a request the mock refuses (invalid input, missing credentials).
#[derive(Debug)]
pub struct ErrorReply {
    /// The status to send.
    pub status: u16,
    /// Whether the document declares that status for this operation.
    pub declared: bool,
    /// The body's media type; `None` for no body.
    pub content_type: Option<&'static str>,
    /// The body shape, filled in with the request's problems.
    pub body: Option<&'static Template>,
}

/// An error body in the API's own shape, with slots for what went wrong.
#[derive(Debug)]
pub enum Template {
    /// Fixed JSON, serialised.
    Json(&'static str),
    /// An object with these members, in order.
    Object(&'static [(&'static str, Template)]),
    /// An array with one element per problem.
    EachProblem(&'static Template),
    /// A human-readable message (string).
    Message,
    /// Where the problem is, as an array (`["path", "cvm_id"]`).
    Location,
    /// Where the problem is, as one dotted string.
    LocationText,
    /// A machine-readable problem kind (string).
    Kind,
    /// The HTTP status (integer).
    Status,
}

/// A JSON Schema as the builder compiled it: every keyword of the 2020-12
/// validation vocabulary (a malformed one leaves its operation out, named). As in JSON Schema,
/// the keywords apply together, and type-specific rules (`string`, `number`,
/// `array`, `object`) only to instances of that type.
#[derive(Debug)]
pub struct Schema {
    /// The JSON types allowed (`type`, 3.0 `nullable`); [`Types::ANY`] without `type`.
    pub types: Types,
    /// `enum` or `const`: the allowed values, serialised; `None` allows any.
    pub values: Option<&'static [&'static str]>,
    /// Rules for string instances.
    pub string: Option<&'static StringRules>,
    /// Rules for number (and integer) instances.
    pub number: Option<&'static NumberRules>,
    /// Rules for array instances.
    pub array: Option<&'static ArrayRules>,
    /// Rules for object instances.
    pub object: Option<&'static ObjectRules>,
    /// `allOf`: each must hold.
    pub all_of: &'static [&'static Schema],
    /// `anyOf`: at least one must hold (empty: no constraint).
    pub any_of: &'static [&'static Schema],
    /// `oneOf`: exactly one must hold (empty: no constraint).
    pub one_of: &'static [&'static Schema],
    /// `not`: must not hold.
    pub not: Option<&'static Schema>,
    /// `if`/`then`/`else`.
    pub conditional: Option<&'static Conditional>,
    /// Set only on a schema built at run time that stands for a `$ref`
    /// back to a schema still being built (recursion): it is that schema
    /// (see [`Schema::target`]), and every other field is its default.
    /// Static data never needs one: a `static` may refer to itself.
    pub link: Option<&'static Link>,
}

/// A schema a recursive `$ref` points back to, filled in once it is built.
pub struct Link(std::sync::OnceLock<&'static Schema>);

impl Link {
    pub(crate) const fn new() -> Self {
        Self(std::sync::OnceLock::new())
    }

    pub(crate) fn set(&self, schema: &'static Schema) {
        // Set once, by the builder that made the link.
        let _ = self.0.set(schema);
    }

    /// The schema linked to; `None` only while it is being built.
    pub fn get(&self) -> Option<&'static Schema> {
        self.0.get().copied()
    }
}

/// Does not follow the link: recursion would not end.
impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Link")
    }
}

/// `if`/`then`/`else`: an instance valid against `when` must satisfy
/// `then`, any other `otherwise` (absent ones are [`Schema::ANY`]).
#[derive(Debug)]
pub struct Conditional {
    /// `if`.
    pub when: &'static Schema,
    /// `then`.
    pub then: &'static Schema,
    /// `else`.
    pub otherwise: &'static Schema,
}

impl Schema {
    /// The schema `true` (or `{}`): anything.
    pub const ANY: Schema = Schema {
        types: Types::ANY,
        values: None,
        string: None,
        number: None,
        array: None,
        object: None,
        all_of: &[],
        any_of: &[],
        one_of: &[],
        not: None,
        conditional: None,
        link: None,
    };
    /// The schema `false`: nothing.
    pub const NOTHING: Schema = Schema {
        types: Types::NONE,
        ..Schema::ANY
    };

    /// The schema this one stands for: itself, or the one its [`link`]
    /// points at. Whatever walks schemas starts here.
    ///
    /// [`link`]: Schema::link
    pub fn target(&self) -> &Schema {
        let mut schema = self;
        while let Some(next) = schema.link.and_then(Link::get) {
            schema = next;
        }
        schema
    }
}

/// A set of JSON types. `integer` is a subset of `number`: a schema allowing
/// `number` allows integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Types(pub u8);

impl Types {
    /// No type at all (the `false` schema).
    pub const NONE: Types = Types(0);
    /// `null`.
    pub const NULL: Types = Types(1);
    /// `boolean`.
    pub const BOOLEAN: Types = Types(1 << 1);
    /// `integer`: a number with no fractional part.
    pub const INTEGER: Types = Types(1 << 2);
    /// `number` (integers included).
    pub const NUMBER: Types = Types(1 << 3);
    /// `string`.
    pub const STRING: Types = Types(1 << 4);
    /// `array`.
    pub const ARRAY: Types = Types(1 << 5);
    /// `object`.
    pub const OBJECT: Types = Types(1 << 6);
    /// Every type.
    pub const ANY: Types = Types(0x7f);

    /// Both sets together.
    pub const fn or(self, other: Types) -> Types {
        Types(self.0 | other.0)
    }

    /// Whether every type of `other` is in this set.
    pub const fn contains(self, other: Types) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }
}

/// Bounds of a number.
#[derive(Debug)]
pub struct NumberRules {
    /// Smallest allowed value.
    pub minimum: Option<f64>,
    /// Largest allowed value.
    pub maximum: Option<f64>,
    /// Whether `minimum` itself is excluded.
    pub exclusive_minimum: bool,
    /// Whether `maximum` itself is excluded.
    pub exclusive_maximum: bool,
    /// The value must be an integer multiple of this (`multipleOf`).
    pub multiple_of: Option<f64>,
    /// `int32`, `int64`, `float`, `double`, ...
    pub format: Option<&'static str>,
}

/// Constraints on a string.
#[derive(Debug)]
pub struct StringRules {
    /// Fewest characters.
    pub min_length: Option<u64>,
    /// Most characters.
    pub max_length: Option<u64>,
    /// `uuid`, `date-time`, `date`, `email`, `uri`, ... (others are not checked).
    pub format: Option<&'static str>,
    /// A regular expression the string must contain a match of.
    pub pattern: Option<&'static Pattern>,
}

/// Constraints on an array.
#[derive(Debug)]
pub struct ArrayRules {
    /// `prefixItems`: the schemas of the first items, by position.
    pub prefix_items: &'static [&'static Schema],
    /// `items`: the schema of every item after the prefix (`None`: not
    /// declared, so any item, and not "evaluated" for `unevaluatedItems`).
    pub items: Option<&'static Schema>,
    /// Fewest items.
    pub min_items: Option<u64>,
    /// Most items.
    pub max_items: Option<u64>,
    /// Whether no two items may be equal.
    pub unique_items: bool,
    /// `contains`: at least `min_contains` (default 1) and at most
    /// `max_contains` items must satisfy it.
    pub contains: Option<&'static Schema>,
    /// `minContains`.
    pub min_contains: Option<u64>,
    /// `maxContains`.
    pub max_contains: Option<u64>,
    /// `unevaluatedItems`: the schema of every item no other keyword
    /// (here or in a valid subschema) evaluated.
    pub unevaluated: Option<&'static Schema>,
}

/// Constraints on an object.
#[derive(Debug)]
pub struct ObjectRules {
    /// Known members.
    pub properties: &'static [(&'static str, &'static Schema)],
    /// Members whose names match a pattern (`patternProperties`).
    pub pattern_properties: &'static [(&'static Pattern, &'static Schema)],
    /// Members matched by neither (`additionalProperties`; `None`: not
    /// declared, so any, and not "evaluated" for `unevaluatedProperties`).
    pub additional: Option<&'static Schema>,
    /// Members that must be present.
    pub required: &'static [&'static str],
    /// Fewest members.
    pub min_properties: Option<u64>,
    /// Most members.
    pub max_properties: Option<u64>,
    /// `propertyNames`: every member name (a string) must satisfy it.
    pub property_names: Option<&'static Schema>,
    /// `dependentRequired`: when the member is present, these must be too.
    pub dependent_required: &'static [(&'static str, &'static [&'static str])],
    /// `dependentSchemas`: when the member is present, the object must satisfy the schema.
    pub dependent_schemas: &'static [(&'static str, &'static Schema)],
    /// `unevaluatedProperties`: the schema of every member no other keyword
    /// (here or in a valid subschema) evaluated.
    pub unevaluated: Option<&'static Schema>,
}

impl NumberRules {
    /// No constraint.
    pub const NONE: NumberRules = NumberRules {
        minimum: None,
        maximum: None,
        exclusive_minimum: false,
        exclusive_maximum: false,
        multiple_of: None,
        format: None,
    };
}

impl StringRules {
    /// No constraint.
    pub const NONE: StringRules = StringRules {
        min_length: None,
        max_length: None,
        format: None,
        pattern: None,
    };
}

impl ArrayRules {
    /// No constraint.
    pub const NONE: ArrayRules = ArrayRules {
        prefix_items: &[],
        items: None,
        min_items: None,
        max_items: None,
        unique_items: false,
        contains: None,
        min_contains: None,
        max_contains: None,
        unevaluated: None,
    };
}

impl ObjectRules {
    /// No constraint.
    pub const NONE: ObjectRules = ObjectRules {
        properties: &[],
        pattern_properties: &[],
        additional: None,
        required: &[],
        min_properties: None,
        max_properties: None,
        property_names: None,
        dependent_required: &[],
        dependent_schemas: &[],
        unevaluated: None,
    };
}

/// A `pattern` (ECMA-262, as JSON Schema writes it), compiled on first use.
///
/// Most patterns are translated by the builder to the `regex` crate's syntax,
/// whose matching time is linear in the input. Those that need what it lacks
/// (lookaround, backreferences) are run by `regress`, an ECMA-262 engine.
pub struct Pattern {
    /// The document's pattern.
    pub source: &'static str,
    /// The same for the `regex` crate (ASCII `\d`, `\w`, `\b`, ECMA's `.`);
    /// `None`: matched by the ECMA-262 engine from `source`.
    pub regex: Option<&'static str>,
    compiled: std::sync::OnceLock<Option<Compiled>>,
}

enum Compiled {
    Regex(regex::Regex),
    Ecma(regress::Regex),
}

impl Pattern {
    /// A pattern run by the `regex` crate as `regex` (translated from `source`).
    pub const fn new(source: &'static str, regex: &'static str) -> Self {
        Self {
            source,
            regex: Some(regex),
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// A pattern run by the ECMA-262 engine, exactly as the document wrote it.
    pub const fn ecma(source: &'static str) -> Self {
        Self {
            source,
            regex: None,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// Whether `text` contains a match (JSON Schema patterns are not
    /// anchored); `None` if the expression does not compile (the builder checks
    /// that it does).
    pub fn is_match(&self, text: &str) -> Option<bool> {
        let compiled = self.compiled.get_or_init(|| match self.regex {
            Some(regex) => regex::Regex::new(regex).ok().map(Compiled::Regex),
            None => regress::Regex::with_flags(self.source, "u")
                .ok()
                .map(Compiled::Ecma),
        });
        Some(match compiled.as_ref()? {
            Compiled::Regex(regex) => regex.is_match(text),
            Compiled::Ecma(regex) => regex.find(text).is_some(),
        })
    }
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

//! The static description of an API that `cargo xtask codegen` writes into
//! `generated/` and the runtime serves. Nothing here names a provider.

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
#[derive(Debug)]
pub enum Segment {
    /// Matches exactly.
    Literal(&'static str),
    /// Captures a parameter, followed by a literal suffix inside the same
    /// segment: `{id}:cancel` (Google AIP-136 custom methods) has suffix `:cancel`.
    Param {
        /// The parameter's name.
        name: &'static str,
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
}

/// A JSON request body.
#[derive(Debug)]
pub struct RequestBody {
    /// Whether the request must carry one.
    pub required: bool,
    /// The accepted media type.
    pub media_type: &'static str,
    /// The schema the body must satisfy.
    pub schema: &'static Schema,
}

/// A credential the document requires.
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
    /// `Authorization: Basic <credentials>`.
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
    /// Declared headers (lower-case names) with their example or synthesised values.
    pub headers: &'static [(&'static str, &'static str)],
    /// Bodies, by example name; the first is the default. Document examples
    /// come first; without any, one synthesised from the schema (`generated`).
    pub examples: &'static [Example],
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

/// A schema, as far as request validation needs one.
#[derive(Debug)]
pub enum Schema {
    /// Anything.
    Any,
    /// `true` or `false`.
    Boolean,
    /// An integer with optional bounds and format (`int32`, `int64`).
    Integer(NumberRules),
    /// Any number with optional bounds.
    Number(NumberRules),
    /// A string.
    String(StringRules),
    /// An array.
    Array {
        /// The items' schema.
        items: &'static Schema,
        /// Fewest items.
        min_items: Option<u64>,
        /// Most items.
        max_items: Option<u64>,
    },
    /// An object.
    Object {
        /// Known members.
        properties: &'static [(&'static str, Schema)],
        /// Members that must be present.
        required: &'static [&'static str],
        /// Whether unknown members are allowed.
        additional: bool,
    },
    /// One of these exact JSON values (serialised).
    Enum(&'static [&'static str]),
    /// `null` or the inner schema.
    Nullable(&'static Schema),
    /// At least one of these.
    AnyOf(&'static [Schema]),
    /// Exactly one of these.
    OneOf(&'static [Schema]),
    /// All of these.
    AllOf(&'static [Schema]),
}

/// Bounds of a number.
#[derive(Debug, Default)]
pub struct NumberRules {
    /// Smallest allowed value.
    pub minimum: Option<f64>,
    /// Largest allowed value.
    pub maximum: Option<f64>,
    /// Whether `minimum` itself is excluded.
    pub exclusive_minimum: bool,
    /// Whether `maximum` itself is excluded.
    pub exclusive_maximum: bool,
    /// `int32`, `int64`, `float`, `double`, ...
    pub format: Option<&'static str>,
}

/// Constraints on a string.
#[derive(Debug, Default)]
pub struct StringRules {
    /// Fewest characters.
    pub min_length: Option<u64>,
    /// Most characters.
    pub max_length: Option<u64>,
    /// `uuid`, `date-time`, `date`, `email`, `uri`, ... (others are not checked).
    pub format: Option<&'static str>,
}

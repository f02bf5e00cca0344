//! What each node of an OpenAPI document is, from where it sits: the one
//! map of the document's shape that the walkers (the bundler, the reference
//! checker) descend with, so a header named `x-request-id` is a header and
//! an `x-` extension or an `example` value is data, everywhere alike.

use serde_json::{Map, Value};

use crate::pointer;

/// The HTTP methods OpenAPI path items can hold, in document order.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What a node is, which decides what its `$ref` may name and where a
/// bundled target lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Document,
    Components,
    /// A map of the named kind (`properties`, `responses`, `paths`...).
    MapOf(Single),
    /// A list of the named kind (`parameters`).
    ListOf(Single),
    One(Single),
    /// Example values, extensions: never looked into.
    Data,
    /// Anything else (`info`, `servers`): looked into, references inlined.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Single {
    PathItem,
    Operation,
    Parameter,
    Header,
    RequestBody,
    Response,
    MediaType,
    Encoding,
    Example,
    Link,
    Callback,
    SecurityScheme,
    Schema,
}

impl Single {
    /// The `components` section a referenced target of this kind is hoisted
    /// into, or `None` where it is inlined.
    pub(crate) fn section(self) -> Option<&'static str> {
        Some(match self {
            Single::Schema => "schemas",
            Single::Parameter => "parameters",
            Single::Header => "headers",
            Single::RequestBody => "requestBodies",
            Single::Response => "responses",
            Single::Example => "examples",
            Single::Link => "links",
            Single::Callback => "callbacks",
            Single::SecurityScheme => "securitySchemes",
            Single::PathItem | Single::Operation | Single::MediaType | Single::Encoding => {
                return None;
            }
        })
    }

    pub(crate) fn of_section(section: &str) -> Option<Single> {
        Some(match section {
            "schemas" => Single::Schema,
            "parameters" => Single::Parameter,
            "headers" => Single::Header,
            "requestBodies" => Single::RequestBody,
            "responses" => Single::Response,
            "examples" => Single::Example,
            "links" => Single::Link,
            "callbacks" => Single::Callback,
            "securitySchemes" => Single::SecurityScheme,
            "pathItems" => Single::PathItem,
            _ => return None,
        })
    }
}

/// The kind of `node[key]`, for a node of kind `kind`.
pub(crate) fn child_kind(kind: Kind, key: &str) -> Kind {
    use Single::*;
    // Extensions, except where the key is a name the document chose (a
    // header `x-request-id`, a property `x-total`).
    let names = matches!(kind, Kind::MapOf(single) if !matches!(single, PathItem | Response));
    if key.starts_with("x-") && !names {
        return Kind::Data;
    }
    match kind {
        Kind::Data => Kind::Data,
        Kind::Other => Kind::Other,
        Kind::Document => match key {
            "paths" | "webhooks" => Kind::MapOf(PathItem),
            "components" => Kind::Components,
            _ => Kind::Other,
        },
        Kind::Components => Single::of_section(key).map_or(Kind::Other, Kind::MapOf),
        Kind::MapOf(single) | Kind::ListOf(single) => Kind::One(single),
        Kind::One(single) => match (single, key) {
            (PathItem, "parameters") | (Operation, "parameters") => Kind::ListOf(Parameter),
            (PathItem, method) if crate::METHODS.contains(&method) => Kind::One(Operation),
            (Operation, "requestBody") => Kind::One(RequestBody),
            (Operation, "responses") => Kind::MapOf(Response),
            (Operation, "callbacks") => Kind::MapOf(Callback),
            (Callback, _) => Kind::One(PathItem),
            (Parameter | Header | MediaType, "schema") => Kind::One(Schema),
            (Parameter | Header | MediaType, "examples") => Kind::MapOf(Example),
            (Parameter | Header | RequestBody | Response, "content") => Kind::MapOf(MediaType),
            (MediaType, "encoding") => Kind::MapOf(Encoding),
            (Encoding | Response, "headers") => Kind::MapOf(Header),
            (Response, "links") => Kind::MapOf(Link),
            (Schema, "example" | "examples" | "default" | "const" | "enum") => Kind::Data,
            (
                Schema,
                "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas",
            ) => Kind::MapOf(Schema),
            // `items`, `allOf` and other lists' members, `not`, `if`...
            (Schema, _) => Kind::One(Schema),
            (_, "example" | "value") => Kind::Data,
            _ => Kind::Other,
        },
    }
}

/// Calls `rule` with the pointer and members of every schema under `node`
/// (a node of kind `kind` at `at`), parents first.
pub(crate) fn each_schema(
    node: &mut Value,
    kind: Kind,
    at: &mut String,
    rule: &mut impl FnMut(&str, &mut Map<String, Value>),
) {
    match node {
        Value::Object(object) => {
            if kind == Kind::One(Single::Schema) {
                rule(at, object);
            }
            for (key, value) in object.iter_mut() {
                let kind = child_kind(kind, key);
                if kind != Kind::Data {
                    let length = at.len();
                    *at = pointer::join(at, key);
                    each_schema(value, kind, at, rule);
                    at.truncate(length);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                let length = at.len();
                *at = pointer::join_index(at, index);
                each_schema(item, child_kind(kind, &index.to_string()), at, rule);
                at.truncate(length);
            }
        }
        _ => {}
    }
}

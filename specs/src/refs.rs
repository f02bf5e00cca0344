//! `$ref`: the workspace's one resolver of references.
//!
//! Only references inside the same document (`#/...`, a JSON pointer as a
//! URI fragment) are followed: the spec library bundles other files into
//! the document first (`bundle`). [`problems`] lists, with the pointer of
//! the node holding it, every reference to nothing, to a file or URL that
//! was not bundled, or that comes back to itself; the loader repairs each
//! at the smallest unit (see `crate::findings`), so consumers of loaded
//! documents (the catalogue, xtask's generators) can follow references with
//! [`Document`] and rely on them.
//!
//! A schema that refers to itself through a property (`Tree.children:
//! [$ref Tree]`) is not a cycle: only a reference whose target is, through
//! more references alone, itself.

use std::path::Path;

use serde_json::Value;

use crate::walk::{Kind, child_kind};
use crate::{Location, SpecError, pointer};

/// Why a reference cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefError {
    /// It names another document, or an anchor rather than a JSON pointer.
    #[error("`{0}` is not a reference inside the same document")]
    NotLocal(String),
    /// Its pointer selects nothing.
    #[error("`{0}` points at nothing")]
    Dangling(String),
    /// Following it leads back to a reference already followed.
    #[error("`{0}` leads back to itself through references alone")]
    Cycle(String),
}

impl RefError {
    /// The error for the reference held by the node at `at` in `file`.
    pub fn at(self, file: &Path, at: &str) -> SpecError {
        let at = Location::new(file, at);
        match self {
            RefError::NotLocal(reference) => SpecError::Unsupported {
                at,
                keyword: format!("$ref: {reference}"),
                why: "only references inside the same document (`#/...`) are supported",
            },
            RefError::Dangling(reference) => {
                SpecError::invalid(at, format!("`{reference}` points at nothing"))
            }
            RefError::Cycle(reference) => SpecError::invalid(
                at,
                format!("`{reference}` leads back to itself through references alone"),
            ),
        }
    }
}

/// A document whose local references can be followed.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a>(pub &'a Value);

impl<'a> Document<'a> {
    /// `node` with its chain of references followed to a node that is not a reference.
    pub fn follow(self, node: &'a Value) -> Result<&'a Value, RefError> {
        let mut node = node;
        let mut followed: Vec<&str> = Vec::new();
        while let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            if followed.contains(&reference) {
                return Err(RefError::Cycle(reference.to_string()));
            }
            followed.push(reference);
            node = self.target(reference)?;
        }
        Ok(node)
    }

    /// [`Self::follow`], as an error naming `file` and `at` (where `node` is).
    pub fn resolve(self, node: &'a Value, file: &Path, at: &str) -> Result<&'a Value, SpecError> {
        self.follow(node).map_err(|e| e.at(file, at))
    }

    /// [`Self::follow`] for a document [`check`] has accepted: `None` only
    /// where it would have refused.
    pub fn deref(self, node: &'a Value) -> Option<&'a Value> {
        self.follow(node).ok()
    }

    /// The node one reference names (not followed further).
    pub fn target(self, reference: &str) -> Result<&'a Value, RefError> {
        let not_local = || RefError::NotLocal(reference.to_string());
        let fragment = reference.strip_prefix('#').ok_or_else(not_local)?;
        let pointer = percent_decode(fragment).ok_or_else(not_local)?;
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(not_local());
        }
        self.0
            .pointer(&pointer)
            .ok_or_else(|| RefError::Dangling(reference.to_string()))
    }

    /// The schema's `type` keywords: `"string"` or `["string", "null"]` as a list.
    pub fn types(schema: &Value) -> Vec<&str> {
        match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// The schema's `required` member names.
    pub fn required(schema: &Value) -> Vec<&str> {
        schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    }

    /// Whether the schema admits `null` (3.1 `type` lists and unions, 3.0 `nullable`).
    pub fn is_nullable(self, schema: &Value) -> bool {
        schema.get("nullable") == Some(&Value::Bool(true))
            || Self::types(schema).contains(&"null")
            || ["anyOf", "oneOf"].iter().any(|k| {
                schema
                    .get(*k)
                    .and_then(Value::as_array)
                    .is_some_and(|branches| {
                        branches
                            .iter()
                            .any(|b| self.deref(b).is_some_and(|b| Self::types(b) == ["null"]))
                    })
            })
    }
}

/// A URI fragment's `%XX` escapes decoded; `None` if they do not make UTF-8.
pub(crate) fn percent_decode(fragment: &str) -> Option<String> {
    let bytes = fragment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = fragment.get(index + 1..index + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

/// Checks every `$ref` of `document` (named `file` in errors): the first
/// that cannot be followed is the error. Example values and `x-`
/// extensions are data, not references, and are not looked into (see
/// `crate::walk`).
pub fn check(document: &Value, file: &Path) -> Result<(), SpecError> {
    match problems(document).into_iter().next() {
        Some((at, error)) => Err(error.at(file, &at)),
        None => Ok(()),
    }
}

/// Every `$ref` of `document` that cannot be followed: the pointer of the
/// node holding it, and why, in document order.
pub fn problems(document: &Value) -> Vec<(String, RefError)> {
    let mut found = Vec::new();
    visit(
        Document(document),
        document,
        Kind::Document,
        &mut String::new(),
        &mut found,
    );
    found
}

fn visit(
    document: Document<'_>,
    node: &Value,
    kind: Kind,
    at: &mut String,
    found: &mut Vec<(String, RefError)>,
) {
    if kind == Kind::Data {
        return;
    }
    match node {
        Value::Object(map) => {
            if map.get("$ref").is_some_and(Value::is_string)
                && let Err(error) = document.follow(node)
            {
                found.push((at.clone(), error));
            }
            for (key, child) in map {
                let length = at.len();
                *at = pointer::join(at, key);
                visit(document, child, child_kind(kind, key), at, found);
                at.truncate(length);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let length = at.len();
                *at = pointer::join_index(at, index);
                visit(
                    document,
                    item,
                    child_kind(kind, &index.to_string()),
                    at,
                    found,
                );
                at.truncate(length);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn types_required_and_nullability_are_read_as_written() {
        let schema = json!({"type": ["string", "null"], "required": ["a", 1, "b"]});
        assert_eq!(Document::types(&schema), ["string", "null"]);
        assert_eq!(Document::required(&schema), ["a", "b"]);
        assert!(Document::required(&json!({})).is_empty());
        let document = json!({"components": {"schemas": {"Null": {"type": "null"}}}});
        let nullable = |schema: Value| Document(&document).is_nullable(&schema);
        assert!(nullable(json!({"type": "string", "nullable": true})));
        assert!(nullable(json!({"type": ["integer", "null"]})));
        assert!(nullable(
            json!({"oneOf": [{"type": "string"}, {"type": "null"}]})
        ));
        assert!(nullable(
            json!({"anyOf": [{"$ref": "#/components/schemas/Null"}]})
        ));
        assert!(!nullable(json!({"type": "string", "nullable": false})));
        assert!(!nullable(json!({"type": "string"})));
        assert!(!nullable(json!({"anyOf": [{"type": ["null", "string"]}]})));
    }

    fn error(document: &Value) -> String {
        check(document, Path::new("api.yaml"))
            .expect_err("refused")
            .to_string()
    }

    #[test]
    fn follows_chains_and_escapes() {
        let document = json!({
            "components": {"schemas": {
                "A": {"$ref": "#/components/schemas/B"},
                "B": {"$ref": "#/components/schemas/a~1b%20c"},
                "a/b c": {"type": "string"},
            }},
        });
        let resolved = Document(&document)
            .follow(&document["components"]["schemas"]["A"])
            .unwrap();
        assert_eq!(resolved, &json!({"type": "string"}));
        check(&document, Path::new("api.yaml")).unwrap();
    }

    #[test]
    fn recursion_through_a_property_is_not_a_cycle() {
        let document = json!({"components": {"schemas": {"Tree": {
            "type": "object",
            "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}},
        }}}});
        check(&document, Path::new("api.yaml")).unwrap();
    }

    #[test]
    fn cycles_are_refused_with_their_pointer() {
        let document = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"},
        }}});
        assert_eq!(
            error(&document),
            "api.yaml#/components/schemas/A: `#/components/schemas/B` leads back to itself through references alone"
        );
        let own = json!({"x": {"$ref": "#/x"}});
        assert!(error(&own).starts_with("api.yaml#/x: "));
    }

    #[test]
    fn other_documents_and_anchors_are_refused() {
        let external = json!({"paths": {"/a": {"$ref": "other.yaml#/paths/~1a"}}});
        assert_eq!(
            error(&external),
            "api.yaml#/paths/~1a: `$ref: other.yaml#/paths/~1a` is not supported: only references inside the same document (`#/...`) are supported"
        );
        let anchor = json!({"s": {"$ref": "#thing"}});
        assert!(error(&anchor).contains("not supported"));
        let bad_escape = json!({"s": {"$ref": "#/a%zz"}});
        assert!(error(&bad_escape).contains("not supported"));
    }

    #[test]
    fn dangling_references_are_refused() {
        let document = json!({"paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}}}});
        assert_eq!(
            error(&document),
            "api.yaml#/paths/~1a/get/responses/200: `#/components/responses/Nope` points at nothing"
        );
        let example = json!({"components": {"requestBodies": {"B": {"content": {"application/json": {"examples": {"one": {"$ref": "#/nope"}}}}}}}});
        assert!(error(&example).starts_with(
            "api.yaml#/components/requestBodies/B/content/application~1json/examples/one: "
        ));
    }

    #[test]
    fn example_values_are_data() {
        let parameter = json!({
            "example": {"$ref": "not a reference"},
            "schema": {"enum": [{"$ref": "x"}], "const": {"$ref": "y"}, "examples": [{"$ref": "z"}],
                "properties": {"$ref": {"type": "string"}, "x-total": {"type": "integer"}}},
            "examples": {"one": {"value": {"$ref": "data"}}},
            "x-vendor": {"$ref": "elsewhere.yaml"},
        });
        let document =
            json!({"components": {"parameters": {"P": parameter}}, "x-doc": {"$ref": "README.md"}});
        check(&document, Path::new("api.yaml")).unwrap();
        let header = json!({"components": {"responses": {"R": {"description": "r", "headers": {"x-request-id": {"$ref": "#/nope"}}}}}});
        assert!(
            error(&header).starts_with("api.yaml#/components/responses/R/headers/x-request-id: "),
            "a header named `x-` is a header, not an extension"
        );
    }
}

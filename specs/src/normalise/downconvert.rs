//! OpenAPI 3.1 to 3.0.3, the version progenitor's `openapiv3` model reads.
//!
//! Each rule rewrites a 3.1 construct into the 3.0 form with the same meaning:
//!
//! | 3.1                                   | 3.0                                          |
//! |---------------------------------------|----------------------------------------------|
//! | `type: [T, "null"]`                   | `type: T, nullable: true`                    |
//! | `anyOf`/`oneOf` with a `{type: null}` | the other branch(es), `nullable: true`       |
//! | `$ref` with `nullable` or constraints | `allOf: [{$ref}]` beside them                |
//! | `$ref` with `title`/`description`     | the bare `$ref` (3.0 ignores its siblings)   |
//! | `const: v`                            | `enum: [v]` (beside `enum`: its members equal to `v`) |
//! | `$dynamicRef`                         | `$ref` (followed statically, as the mock does) |
//! | `$schema`, `$id`, `$anchor`, `$dynamicAnchor`, `$defs`, `components.pathItems` | dropped (the spec library has already rewritten references to them and hoisted or inlined what they held) |
//! | `examples: [a, ...]` in a schema      | `example: a`                                 |
//! | `exclusiveMinimum: n` (a number)      | `minimum: n, exclusiveMinimum: true`         |
//! | boolean schemas `true` / `false`      | `{}` / `{not: {}}`                           |
//! | `type: "null"`                        | `nullable: true, enum: [null]`               |
//! | `$comment`, `info.summary`, `license.identifier`, `jsonSchemaDialect` | dropped (no meaning on the wire) |
//! | `webhooks`                            | dropped, named in `x-sdk-dropped-webhooks` (a client does not receive them) |
//! | `mutualTLS` security schemes          | dropped from `components` and from every requirement, named in `x-sdk-dropped-security-schemes` (a client certificate is TLS configuration, not part of a request) |
//!
//! Before these, each schema gets the SDK's approximations, never stricter
//! than the document and each noted in `x-sdk-relaxed`: narrowing keywords
//! dropped ([`super::narrowing`]), `patternProperties` as maps
//! ([`super::pattern_properties`]), tuples as arrays of any value
//! ([`super::prefix_items`]), several non-null types as `oneOf`
//! ([`super::type_lists`]).
//!
//! What is still refused, with the file and pointer: a document that is not
//! OpenAPI 3.0 or 3.1.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::{narrowing, pattern_properties, prefix_items, type_lists};
use crate::{Location, SpecError, pointer};

/// JSON Schema keywords with no OpenAPI 3.0 equivalent and, once the spec
/// library has bundled the document, no effect on what a schema allows.
const ANNOTATIONS: &[&str] = &["$schema", "$id", "$anchor", "$dynamicAnchor", "$defs"];

/// Annotations a 3.0 `$ref` cannot carry; the referenced schema keeps its own.
const REF_ANNOTATIONS: &[&str] = &["title", "description", "summary", "$comment"];

/// Rewrites the 3.1 `document` read from `file` into OpenAPI 3.0.3, in place.
/// A 3.0 document passes through unchanged apart from its schemas' 3.1-only forms.
pub fn downconvert(document: &mut Value, file: &Path) -> Result<(), SpecError> {
    let converter = Converter { file };
    converter.document(document)
}

struct Converter<'a> {
    file: &'a Path,
}

impl Converter<'_> {
    fn at(&self, pointer: &str) -> Location {
        Location::new(self.file, pointer)
    }

    fn document(&self, document: &mut Value) -> Result<(), SpecError> {
        let root = document
            .as_object_mut()
            .ok_or_else(|| SpecError::invalid(self.at(""), "a document must be an object"))?;
        let version = root.get("openapi").and_then(Value::as_str).unwrap_or("");
        if !(version.starts_with("3.0.") || version.starts_with("3.1.")) {
            return Err(SpecError::invalid(
                self.at("/openapi"),
                format!("expected an OpenAPI 3.0 or 3.1 document, found `openapi: {version}`"),
            ));
        }
        root.insert("openapi".into(), json!("3.0.3"));
        root.shift_remove("jsonSchemaDialect");
        // A client SDK does not receive webhooks (and 3.0 has none): the
        // normalised document names the ones it leaves out.
        if let Some(webhooks) = root.shift_remove("webhooks")
            && let Some(names) = webhooks.as_object().filter(|w| !w.is_empty())
        {
            let names: Vec<Value> = names.keys().map(|n| json!(n)).collect();
            root.insert("x-sdk-dropped-webhooks".into(), Value::Array(names));
        }
        if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
            info.shift_remove("summary");
            if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
                license.shift_remove("identifier");
            }
        }
        root.entry("paths").or_insert_with(|| json!({}));
        drop_mutual_tls(root);
        for member in ["paths", "components"] {
            if root.get(member).is_some_and(|m| !m.is_object()) {
                return Err(SpecError::invalid(
                    self.at(&pointer::join("", member)),
                    format!("`{member}` must be an object"),
                ));
            }
        }
        if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
            for (path, item) in paths.iter_mut() {
                self.path_item(item, &pointer::join("/paths", path))?;
            }
        }
        if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
            self.components(components)?;
        }
        Ok(())
    }

    fn components(&self, components: &mut Map<String, Value>) -> Result<(), SpecError> {
        // The spec library inlined every path item that used them.
        components.shift_remove("pathItems");
        for_each_entry(components, "schemas", "/components", |name, schema, at| {
            self.schema(schema, &pointer::join(at, name))
        })?;
        for_each_entry(components, "parameters", "/components", |name, p, at| {
            self.parameter(p, &pointer::join(at, name))
        })?;
        for_each_entry(components, "headers", "/components", |name, h, at| {
            self.parameter(h, &pointer::join(at, name))
        })?;
        for_each_entry(components, "responses", "/components", |name, r, at| {
            self.response(r, &pointer::join(at, name))
        })?;
        for_each_entry(components, "requestBodies", "/components", |name, b, at| {
            self.content_holder(b, &pointer::join(at, name))
        })?;
        for_each_entry(components, "securitySchemes", "/components", |_, s, _| {
            strip_reference_siblings(s);
            Ok(())
        })?;
        Ok(())
    }

    fn path_item(&self, item: &mut Value, at: &str) -> Result<(), SpecError> {
        let Some(item) = item.as_object_mut() else {
            return Err(SpecError::invalid(
                self.at(at),
                "a path item must be an object",
            ));
        };
        self.parameters(item, at)?;
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let at = pointer::join(at, method);
            self.parameters(operation, &at)?;
            if let Some(body) = operation.get_mut("requestBody") {
                self.content_holder(body, &pointer::join(&at, "requestBody"))?;
            }
            for_each_entry(operation, "responses", &at, |status, r, at| {
                self.response(r, &pointer::join(at, status))
            })?;
            for_each_entry(operation, "callbacks", &at, |name, callback, at| {
                let at = pointer::join(at, name);
                let Some(callback) = callback.as_object_mut() else {
                    return Ok(());
                };
                for (expression, item) in callback.iter_mut() {
                    self.path_item(item, &pointer::join(&at, expression))?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    fn parameters(&self, owner: &mut Map<String, Value>, at: &str) -> Result<(), SpecError> {
        let Some(parameters) = owner.get_mut("parameters").and_then(Value::as_array_mut) else {
            return Ok(());
        };
        let at = pointer::join(at, "parameters");
        for (index, parameter) in parameters.iter_mut().enumerate() {
            self.parameter(parameter, &pointer::join_index(&at, index))?;
        }
        Ok(())
    }

    /// A parameter or a header object: a `schema` or a `content` map.
    fn parameter(&self, parameter: &mut Value, at: &str) -> Result<(), SpecError> {
        strip_reference_siblings(parameter);
        if let Some(schema) = parameter.get_mut("schema") {
            self.schema(schema, &pointer::join(at, "schema"))?;
        }
        self.content_holder(parameter, at)
    }

    fn response(&self, response: &mut Value, at: &str) -> Result<(), SpecError> {
        strip_reference_siblings(response);
        if let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut) {
            let at = pointer::join(at, "headers");
            for (name, header) in headers.iter_mut() {
                self.parameter(header, &pointer::join(&at, name))?;
            }
        }
        self.content_holder(response, at)
    }

    /// Anything with a `content` map of media types (request bodies, responses).
    fn content_holder(&self, holder: &mut Value, at: &str) -> Result<(), SpecError> {
        strip_reference_siblings(holder);
        let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) else {
            return Ok(());
        };
        let at = pointer::join(at, "content");
        for (media_type, media) in content.iter_mut() {
            if let Some(schema) = media.get_mut("schema") {
                let at = pointer::join(&pointer::join(&at, media_type), "schema");
                self.schema(schema, &at)?;
            }
        }
        Ok(())
    }

    fn schema(&self, schema: &mut Value, at: &str) -> Result<(), SpecError> {
        match schema {
            Value::Bool(true) => {
                *schema = json!({});
                return Ok(());
            }
            Value::Bool(false) => {
                *schema = json!({"not": {}});
                return Ok(());
            }
            Value::Object(_) => {}
            _ => {
                return Err(SpecError::invalid(
                    self.at(at),
                    "a schema must be an object or a boolean",
                ));
            }
        }
        let object = schema.as_object_mut().expect("checked above");
        // The SDK's approximations first: what they rewrite is not refused below.
        approximate(object);
        // The spec library has rewritten references by `$id` and `$anchor`
        // to JSON pointers and hoisted `$defs`: what is left only annotates.
        for keyword in ANNOTATIONS {
            object.shift_remove(*keyword);
        }
        // Followed statically, as the mock does.
        if let Some(reference) = object.shift_remove("$dynamicRef")
            && !object.contains_key("$ref")
        {
            object.insert("$ref".into(), reference);
        }
        object.shift_remove("$comment");

        null_branches(object);
        // A non-null branch merged into this schema brings its own keywords.
        approximate(object);
        self.type_list(object);

        // Sub-schemas, after this level's rewrites so new branches are converted too.
        for keyword in ["items", "not", "additionalProperties"] {
            if let Some(sub) = object.get_mut(keyword)
                && !(keyword == "additionalProperties" && sub.is_boolean())
            {
                self.schema(sub, &pointer::join(at, keyword))?;
            }
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            if let Some(branches) = object.get_mut(keyword).and_then(Value::as_array_mut) {
                let at = pointer::join(at, keyword);
                for (index, branch) in branches.iter_mut().enumerate() {
                    self.schema(branch, &pointer::join_index(&at, index))?;
                }
            }
        }
        if let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) {
            let at = pointer::join(at, "properties");
            for (name, property) in properties.iter_mut() {
                self.schema(property, &pointer::join(&at, name))?;
            }
        }

        if let Some(value) = object.shift_remove("const") {
            // Beside `enum`, the schema allows their intersection: the
            // members equal to `const` (none: nothing is allowed).
            let members = match object.get("enum").and_then(Value::as_array) {
                Some(members) => members.iter().filter(|m| **m == value).cloned().collect(),
                None => vec![value],
            };
            if members.is_empty() {
                object.shift_remove("enum");
                object.insert("not".into(), json!({}));
            } else {
                object.insert("enum".into(), Value::Array(members));
            }
        }
        if let Some(examples) = object.shift_remove("examples") {
            let first = examples.as_array().and_then(|e| e.first()).cloned();
            if let Some(first) = first
                && !object.contains_key("example")
            {
                object.insert("example".into(), first);
            }
        }
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if let Some(limit) = object.get(exclusive).filter(|v| v.is_number()).cloned() {
                object.insert(bound.into(), limit);
                object.insert(exclusive.into(), json!(true));
            }
        }
        self.reference_siblings(object);
        Ok(())
    }

    /// `type: [T, "null"]` becomes `type: T, nullable: true`.
    fn type_list(&self, object: &mut Map<String, Value>) {
        match object.get("type") {
            Some(Value::String(t)) if t == "null" => {
                object.shift_remove("type");
                object.insert("nullable".into(), json!(true));
                object.insert("enum".into(), json!([null]));
            }
            Some(Value::Array(types)) => {
                let mut non_null: Vec<Value> = types
                    .iter()
                    .filter(|t| t.as_str() != Some("null"))
                    .cloned()
                    .collect();
                let nullable = non_null.len() < types.len();
                match non_null.len() {
                    0 => {
                        object.shift_remove("type");
                        object.insert("enum".into(), json!([null]));
                    }
                    1 => {
                        object.insert("type".into(), non_null.remove(0));
                    }
                    // Several non-null types were split into `oneOf` by `type_lists`.
                    _ => {}
                }
                if nullable {
                    object.insert("nullable".into(), json!(true));
                }
            }
            _ => {}
        }
    }

    /// 3.0 ignores everything beside a `$ref`: keep what matters by wrapping
    /// the reference in `allOf`, drop pure annotations.
    fn reference_siblings(&self, object: &mut Map<String, Value>) {
        if !object.contains_key("$ref") || object.len() == 1 {
            return;
        }
        for annotation in REF_ANNOTATIONS {
            object.shift_remove(*annotation);
        }
        if object.len() > 1 {
            let reference = object.shift_remove("$ref").expect("checked above");
            object.insert("allOf".into(), json!([{ "$ref": reference }]));
        }
    }
}

/// OpenAPI 3.0 has no `mutualTLS` scheme, and a client certificate is set
/// on the TLS connection, not on a request: the schemes go from
/// `components` and from each requirement (one naming only them becomes
/// `{}`, which asks nothing of the request, as `specs::security` reads it),
/// and the document names them in `x-sdk-dropped-security-schemes`.
fn drop_mutual_tls(root: &mut Map<String, Value>) {
    let Some(schemes) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let dropped: Vec<String> = schemes
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS"))
        .map(|(name, _)| name.clone())
        .collect();
    if dropped.is_empty() {
        return;
    }
    schemes.retain(|name, _| !dropped.contains(name));
    let without_dropped = |security: &mut Value| {
        for requirement in security.as_array_mut().into_iter().flatten() {
            if let Some(requirement) = requirement.as_object_mut() {
                requirement.retain(|name, _| !dropped.contains(name));
            }
        }
    };
    if let Some(security) = root.get_mut("security") {
        without_dropped(security);
    }
    for item in root
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
    {
        for operation in item.values_mut() {
            if let Some(security) = operation.get_mut("security") {
                without_dropped(security);
            }
        }
    }
    let names = dropped.into_iter().map(Value::String).collect();
    root.insert("x-sdk-dropped-security-schemes".into(), Value::Array(names));
}

/// The SDK's approximations of one schema object (see the module docs).
fn approximate(object: &mut Map<String, Value>) {
    narrowing::relax(object);
    pattern_properties::to_map(object);
    prefix_items::to_array(object);
    type_lists::split(object);
}

/// `anyOf`/`oneOf` branches that only admit null become `nullable: true`.
fn null_branches(object: &mut Map<String, Value>) {
    for keyword in ["anyOf", "oneOf"] {
        let Some(branches) = object.get(keyword).and_then(Value::as_array) else {
            continue;
        };
        let (nulls, rest): (Vec<&Value>, Vec<&Value>) =
            branches.iter().partition(|b| is_null_schema(b));
        if nulls.is_empty() {
            continue;
        }
        let rest: Vec<Value> = rest.into_iter().cloned().collect();
        object.shift_remove(keyword);
        object.insert("nullable".into(), json!(true));
        match rest.as_slice() {
            [] => {
                object.insert("enum".into(), json!([null]));
            }
            [single] if single.get("$ref").is_none() && can_inline(object, single) => {
                for (key, value) in single.as_object().expect("can_inline checks") {
                    object.entry(key.clone()).or_insert_with(|| value.clone());
                }
            }
            [single] => {
                object.insert("allOf".into(), json!([single]));
            }
            _ => {
                object.insert(keyword.into(), Value::Array(rest));
            }
        }
    }
}

/// `{type: "null"}`, possibly with annotations.
fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
        || schema.get("type") == Some(&json!(["null"]))
}

/// Whether the one non-null branch can be merged into its parent without a
/// keyword of one overriding the other's.
fn can_inline(parent: &Map<String, Value>, branch: &Value) -> bool {
    let Some(branch) = branch.as_object() else {
        return false;
    };
    branch.iter().all(|(key, value)| {
        parent.get(key).is_none_or(|existing| {
            existing == value || ["title", "description"].contains(&key.as_str())
        })
    })
}

/// Reference objects outside schemas: 3.1 allows `summary`/`description`
/// beside `$ref`, 3.0 does not.
fn strip_reference_siblings(node: &mut Value) {
    if let Some(object) = node.as_object_mut()
        && object.contains_key("$ref")
    {
        object.retain(|key, _| key == "$ref");
    }
}

/// Calls `visit(name, value, pointer_of_map)` for each entry of `owner[key]`.
fn for_each_entry(
    owner: &mut Map<String, Value>,
    key: &str,
    at: &str,
    mut visit: impl FnMut(&str, &mut Value, &str) -> Result<(), SpecError>,
) -> Result<(), SpecError> {
    let Some(map) = owner.get_mut(key).and_then(Value::as_object_mut) else {
        return Ok(());
    };
    let at = pointer::join(at, key);
    for (name, value) in map.iter_mut() {
        visit(name, value, &at)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(input: Value) -> Result<Value, SpecError> {
        let mut document = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"S": input}}
        });
        downconvert(&mut document, Path::new("doc.yaml"))?;
        Ok(document["components"]["schemas"]["S"].take())
    }

    #[test]
    fn type_list_with_null_becomes_nullable() {
        assert_eq!(
            schema(json!({"type": ["string", "null"], "format": "date-time"})).unwrap(),
            json!({"type": "string", "format": "date-time", "nullable": true})
        );
        assert_eq!(
            schema(json!({"type": ["integer"]})).unwrap(),
            json!({"type": "integer"})
        );
    }

    #[test]
    fn several_non_null_types_become_one_of() {
        assert_eq!(
            schema(json!({"type": ["string", "integer", "null"]})).unwrap(),
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true, "x-sdk-relaxed": ["type"]})
        );
    }

    #[test]
    fn any_of_with_null_inlines_a_single_branch() {
        assert_eq!(
            schema(json!({"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Vm Uuid"}))
                .unwrap(),
            json!({"title": "Vm Uuid", "nullable": true, "type": "string"})
        );
    }

    #[test]
    fn an_inlined_branch_is_relaxed_too() {
        assert_eq!(
            schema(json!({"anyOf": [{"type": "string", "pattern": "^a"}, {"type": "null"}]}))
                .unwrap(),
            json!({"nullable": true, "type": "string", "x-sdk-relaxed": ["pattern"]})
        );
    }

    #[test]
    fn any_of_with_null_wraps_a_single_reference() {
        assert_eq!(
            schema(json!({"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]}))
                .unwrap(),
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
    }

    #[test]
    fn any_of_with_null_keeps_several_branches() {
        assert_eq!(
            schema(json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}))
                .unwrap(),
            json!({"nullable": true, "oneOf": [{"type": "string"}, {"type": "integer"}]})
        );
    }

    #[test]
    fn branches_and_properties_are_converted_recursively() {
        assert_eq!(
            schema(json!({
                "type": "object",
                "properties": {
                    "a": {"type": ["object", "null"], "properties": {"b": {"const": "x"}}},
                    "c": {"items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}, "type": "array"}
                }
            }))
            .unwrap(),
            json!({
                "type": "object",
                "properties": {
                    "a": {"type": "object", "properties": {"b": {"enum": ["x"]}}, "nullable": true},
                    "c": {"items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}, "type": "array"}
                }
            })
        );
    }

    #[test]
    fn const_examples_and_exclusive_bounds() {
        assert_eq!(
            schema(json!({"const": false})).unwrap(),
            json!({"enum": [false]})
        );
        assert_eq!(
            schema(json!({"type": "string", "examples": ["a", "b"]})).unwrap(),
            json!({"type": "string", "example": "a"})
        );
        assert_eq!(
            schema(json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10}))
                .unwrap(),
            json!({"type": "integer", "exclusiveMinimum": true, "exclusiveMaximum": true, "minimum": 0, "maximum": 10})
        );
    }

    #[test]
    fn reference_siblings() {
        assert_eq!(
            schema(json!({"$ref": "#/components/schemas/T", "description": "d"})).unwrap(),
            json!({"$ref": "#/components/schemas/T"})
        );
        assert_eq!(
            schema(json!({"$ref": "#/components/schemas/T", "readOnly": true})).unwrap(),
            json!({"readOnly": true, "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
    }

    #[test]
    fn boolean_and_null_schemas() {
        assert_eq!(schema(json!(true)).unwrap(), json!({}));
        assert_eq!(schema(json!(false)).unwrap(), json!({"not": {}}));
        assert_eq!(
            schema(json!({"type": "null"})).unwrap(),
            json!({"nullable": true, "enum": [null]})
        );
    }

    #[test]
    fn identifiers_are_dropped_dynamic_refs_followed_and_const_meets_enum() {
        assert_eq!(
            schema(
                json!({"$schema": "x", "$id": "https://example.com/s", "$defs": {}, "properties": {
                    "p": {"$dynamicRef": "#/components/schemas/T", "$anchor": "a"},
                }})
            )
            .unwrap(),
            json!({"properties": {"p": {"$ref": "#/components/schemas/T"}}})
        );
        assert_eq!(
            schema(json!({"const": "b", "enum": ["a", "b"]})).unwrap(),
            json!({"enum": ["b"]})
        );
        assert_eq!(
            schema(json!({"const": "c", "enum": ["a", "b"]})).unwrap(),
            json!({"not": {}}),
            "nothing is in both"
        );
    }

    #[test]
    fn approximations_are_applied_in_sub_schemas_too() {
        assert_eq!(
            schema(json!({"type": "object", "unevaluatedProperties": false, "properties": {
                "t": {"prefixItems": [{"type": "string"}]},
                "m": {"patternProperties": {"^a": {"type": ["string", "null"]}}, "additionalProperties": false}
            }}))
            .unwrap(),
            json!({"type": "object", "properties": {
                "t": {"x-sdk-relaxed": ["prefixItems"], "items": {}, "type": "array"},
                "m": {"additionalProperties": {"type": "string", "nullable": true}, "x-sdk-relaxed": ["patternProperties"]}
            }, "x-sdk-relaxed": ["unevaluatedProperties"]})
        );
    }

    #[test]
    fn document_level_rules() {
        let mut document = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
            "info": {"title": "t", "summary": "s", "version": "1", "license": {"name": "MIT", "identifier": "MIT"}},
            "webhooks": {},
            "paths": {"/a": {"parameters": [{"name": "q", "in": "query", "schema": {"type": ["string", "null"]}}],
                "get": {"responses": {"200": {"$ref": "#/components/responses/R", "description": "x"}}}}}
        });
        downconvert(&mut document, Path::new("d.json")).unwrap();
        assert_eq!(
            document,
            json!({
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1", "license": {"name": "MIT"}},
                "paths": {"/a": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string", "nullable": true}}],
                    "get": {"responses": {"200": {"$ref": "#/components/responses/R"}}}}}
            })
        );

        let mut document = json!({"openapi": "2.0", "info": {}});
        let err = downconvert(&mut document, Path::new("d.json")).unwrap_err();
        assert!(err.to_string().starts_with("d.json#/openapi:"), "{err}");

        let mut document = json!({"openapi": "3.1.0", "webhooks": {"w": {}, "v": {}}});
        downconvert(&mut document, Path::new("d.json")).unwrap();
        assert_eq!(document["x-sdk-dropped-webhooks"], json!(["w", "v"]));
        assert!(document.get("webhooks").is_none());
    }

    #[test]
    fn mutual_tls_schemes_leave_the_schemes_and_every_requirement() {
        let mut document = json!({
            "openapi": "3.1.0",
            "security": [{"tls": []}, {"key": []}],
            "paths": {"/a": {
                "get": {"security": [{"tls": [], "key": []}], "responses": {}},
                "post": {"responses": {}},
                "parameters": []
            }},
            "components": {"securitySchemes": {
                "tls": {"type": "mutualTLS"},
                "key": {"type": "apiKey", "in": "header", "name": "K"}
            }}
        });
        downconvert(&mut document, Path::new("d.json")).unwrap();
        assert_eq!(
            document["components"]["securitySchemes"],
            json!({"key": {"type": "apiKey", "in": "header", "name": "K"}})
        );
        assert_eq!(document["security"], json!([{}, {"key": []}]));
        assert_eq!(
            document["paths"]["/a"]["get"]["security"],
            json!([{"key": []}])
        );
        assert_eq!(document["x-sdk-dropped-security-schemes"], json!(["tls"]));

        let mut without = json!({"openapi": "3.1.0", "components": {"securitySchemes": {
            "key": {"type": "apiKey", "in": "header", "name": "K"}
        }}});
        downconvert(&mut without, Path::new("d.json")).unwrap();
        assert!(without.get("x-sdk-dropped-security-schemes").is_none());
    }
}

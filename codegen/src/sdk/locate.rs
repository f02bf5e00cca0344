//! Finding where progenitor fails when it does not say.
//!
//! progenitor and typify report errors such as `value does not conform to
//! the given schema` with no location, and panic in places that name only
//! their own source. [`locate`] cuts the normalised document down and
//! regenerates: first each operation alone (with the components it
//! reaches), then each component schema alone (with the schemas it
//! reaches), and inside the smallest failing piece each `default`, `enum`
//! and `example` value, to name the smallest node that fails by itself.

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use specs::Provider;
use specs::pointer::{join, unescape};

use crate::sdk::error::{GenError, GenErrorKind, Place};
use crate::sdk::run::{self, Failure};

/// Keywords holding values that typify checks against their schema.
const VALUE_KEYWORDS: &[&str] = &["default", "enum", "example"];

/// The located error for `failure`, which progenitor gave for the whole
/// normalised document of `provider`.
pub fn locate(provider: &Provider, failure: Failure) -> GenError {
    let found = smallest_failure(&provider.normalised, failure, &|cut| run::progenitor(cut));
    let operation_id = found.operation.as_ref().map(|(path, method)| {
        provider
            .operations
            .iter()
            .find(|o| &o.path == path && o.method.eq_ignore_ascii_case(method))
            .map_or_else(
                || format!("{} {path}", method.to_uppercase()),
                |o| o.operation_id.clone(),
            )
    });
    let place = match &found.pointer {
        Some(pointer) => Place::node(provider, operation_id, pointer),
        None => Place {
            operation_id,
            ..Place::document(provider)
        },
    };
    GenError::new(provider, place, kind(found.failure))
}

fn kind(failure: Failure) -> GenErrorKind {
    match failure {
        Failure::Model(message) => GenErrorKind::Model(message),
        Failure::Error(message) => GenErrorKind::Progenitor(message),
        Failure::Panic(message) => GenErrorKind::Panic(message),
    }
}

/// The smallest failing piece of a document.
#[derive(Debug, PartialEq, Eq)]
pub struct Found {
    /// The operation (path, lower-case method) whose cut fails, if one does.
    pub operation: Option<(String, String)>,
    /// The JSON pointer of the smallest failing node, if smaller than the document.
    pub pointer: Option<String>,
    /// How that piece fails.
    pub failure: Failure,
}

/// Bisects `document` with `generate` (progenitor, or a stand-in in tests).
pub fn smallest_failure(
    document: &Value,
    failure: Failure,
    generate: &dyn Fn(&Value) -> Result<proc_macro2::TokenStream, Failure>,
) -> Found {
    let fails = |cut: &Value| generate(cut).err();
    for (path, method) in operations(document) {
        let at = join(&join("/paths", &path), &method);
        let cut = cut_to_operation(document, &path, &method);
        let Some(operation_failure) = fails(&cut) else {
            continue;
        };
        // A schema the operation reaches that fails by itself is the smaller answer.
        let schemas: BTreeSet<String> = reachable(document, &at)
            .into_iter()
            .filter(|p| p.starts_with("/components/schemas/"))
            .collect();
        let (pointer, failure) = smallest_schema(document, &schemas, &fails)
            .unwrap_or_else(|| narrow(&cut, &at, operation_failure, &fails));
        return Found {
            operation: Some((path, method)),
            pointer: Some(pointer),
            failure,
        };
    }
    let schemas: BTreeSet<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|schemas| schemas.keys())
        .map(|name| join("/components/schemas", name))
        .collect();
    match smallest_schema(document, &schemas, &fails) {
        Some((pointer, failure)) => Found {
            operation: None,
            pointer: Some(pointer),
            failure,
        },
        None => Found {
            operation: None,
            pointer: None,
            failure,
        },
    }
}

/// Of `schemas` (pointers), the failing one with the fewest schemas behind
/// it, narrowed to a value inside it where one is to blame.
fn smallest_schema(
    document: &Value,
    schemas: &BTreeSet<String>,
    fails: &dyn Fn(&Value) -> Option<Failure>,
) -> Option<(String, Failure)> {
    let mut by_size: Vec<(usize, &String)> = schemas
        .iter()
        .map(|s| (reachable(document, s).len(), s))
        .collect();
    by_size.sort();
    by_size.into_iter().find_map(|(_, schema)| {
        let cut = cut_to_schema(document, schema);
        let failure = fails(&cut)?;
        Some(narrow(&cut, schema, failure, fails))
    })
}

/// Inside the failing `cut`, the value under `root` to blame: if the cut
/// passes without any `default`/`enum`/`example` under `root`, the first
/// that makes it fail again alone. Else `root` itself.
fn narrow(
    cut: &Value,
    root: &str,
    failure: Failure,
    fails: &dyn Fn(&Value) -> Option<Failure>,
) -> (String, Failure) {
    let mut values = Vec::new();
    if let Some(node) = cut.pointer(root) {
        collect_values(node, root, &mut values);
    }
    if values.is_empty() {
        return (root.to_string(), failure);
    }
    let mut bare = cut.clone();
    for pointer in values.iter().rev() {
        remove(&mut bare, pointer);
    }
    if fails(&bare).is_some() {
        return (root.to_string(), failure);
    }
    for pointer in &values {
        let mut one = bare.clone();
        let Some(value) = cut.pointer(pointer) else {
            continue;
        };
        insert(&mut one, pointer, value.clone());
        if let Some(failure) = fails(&one) {
            return (pointer.clone(), failure);
        }
    }
    (root.to_string(), failure)
}

/// Pointers of `default`/`enum`/`example` members of schemas under `node`.
fn collect_values(node: &Value, at: &str, found: &mut Vec<String>) {
    match node {
        Value::Object(object) => {
            for (key, value) in object {
                let here = join(at, key);
                // `properties` maps names to schemas: a property named
                // `default` is a schema, not a value.
                if VALUE_KEYWORDS.contains(&key.as_str()) && !at.ends_with("/properties") {
                    found.push(here);
                } else {
                    collect_values(value, &here, found);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_values(item, &format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

/// Every (path, method) of the document, in document order.
pub fn operations(document: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, item) in document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in specs::METHODS {
            if item.get(method).is_some() {
                found.push((path.clone(), (*method).to_string()));
            }
        }
    }
    found
}

/// The document with only `path`'s `method` and the components it reaches.
pub fn cut_to_operation(document: &Value, path: &str, method: &str) -> Value {
    let mut item = Map::new();
    for key in ["parameters", method] {
        if let Some(value) = document.pointer(&join(&join("/paths", path), key)).cloned() {
            item.insert(key.to_string(), value);
        }
    }
    let item = Value::Object(item);
    let mut reached = references_from(document, &item);
    reached.retain(|p| p.starts_with("/components/"));
    with_components(
        document,
        Map::from_iter([(path.to_string(), item)]),
        &reached,
    )
}

/// The document without paths, with only `schema` and what it reaches.
pub fn cut_to_schema(document: &Value, schema: &str) -> Value {
    let mut reached = reachable(document, schema);
    reached.insert(schema.to_string());
    with_components(document, Map::new(), &reached)
}

fn with_components(
    document: &Value,
    paths: Map<String, Value>,
    reached: &BTreeSet<String>,
) -> Value {
    let mut cut = Map::new();
    for (key, value) in document.as_object().into_iter().flatten() {
        if key != "paths" && key != "components" {
            cut.insert(key.clone(), value.clone());
        }
    }
    cut.insert("paths".into(), Value::Object(paths));
    let mut components = Map::new();
    if let Some(schemes) = document.pointer("/components/securitySchemes") {
        components.insert("securitySchemes".into(), schemes.clone());
    }
    for pointer in reached {
        let mut tokens = pointer.trim_start_matches('/').split('/').skip(1);
        let (Some(kind), Some(name), None) = (tokens.next(), tokens.next(), tokens.next()) else {
            continue;
        };
        let Some(value) = document.pointer(pointer) else {
            continue;
        };
        components
            .entry(unescape(kind))
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .expect("inserted as an object")
            .insert(unescape(name), value.clone());
    }
    cut.insert("components".into(), Value::Object(components));
    Value::Object(cut)
}

/// Pointers of the components reached from the node at `from` by local
/// `$ref`s, transitively (`from` itself excluded unless a cycle leads back).
pub fn reachable(document: &Value, from: &str) -> BTreeSet<String> {
    document
        .pointer(from)
        .map(|node| references_from(document, node))
        .unwrap_or_default()
}

/// Pointers of the components `node` reaches in `document`, transitively.
fn references_from(document: &Value, node: &Value) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        let mut references = Vec::new();
        collect_references(node, &mut references);
        for reference in references {
            if let Some(target) = reference.strip_prefix('#')
                && seen.insert(target.to_string())
                && let Ok(next) = specs::refs::Document(document).target(&reference)
            {
                pending.push(next);
            }
        }
    }
    seen
}

fn collect_references(node: &Value, found: &mut Vec<String>) {
    match node {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                found.push(reference.clone());
            }
            object.values().for_each(|v| collect_references(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_references(v, found)),
        _ => {}
    }
}

fn remove(document: &mut Value, pointer: &str) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    if let Some(Value::Object(object)) = document.pointer_mut(parent) {
        object.shift_remove(&unescape(key));
    }
}

fn insert(document: &mut Value, pointer: &str, value: Value) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    if let Some(Value::Object(object)) = document.pointer_mut(parent) {
        object.insert(unescape(key), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {"get": {"operationId": "a", "responses": {"200": {"$ref": "#/components/responses/Ok"}}}},
                "/b/{id}": {
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/Id"}}],
                    "post": {"operationId": "b", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Body"}}}}, "responses": {"204": {"description": "none"}}}
                }
            },
            "components": {
                "schemas": {
                    "Id": {"type": "string"},
                    "Body": {"type": "object", "properties": {"n": {"$ref": "#/components/schemas/Count"}, "default": {"type": "string"}}},
                    "Count": {"type": "integer", "minimum": 1, "default": 0},
                    "Unused": {"type": "string"}
                },
                "responses": {"Ok": {"description": "ok"}}
            }
        })
    }

    /// Fails like typify does on `Count`'s default, and nowhere else.
    fn stand_in(cut: &Value) -> Result<proc_macro2::TokenStream, Failure> {
        match cut.pointer("/components/schemas/Count/default") {
            Some(_) => Err(Failure::Error("value does not conform".into())),
            None => Ok(proc_macro2::TokenStream::new()),
        }
    }

    #[test]
    fn cuts_keep_what_an_operation_reaches() {
        let cut = cut_to_operation(&document(), "/b/{id}", "post");
        assert_eq!(
            cut["paths"].as_object().unwrap().keys().collect::<Vec<_>>(),
            ["/b/{id}"]
        );
        let schemas: Vec<&String> = cut["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(schemas, ["Body", "Count", "Id"]);
        assert!(cut["components"].get("responses").is_none());
        let cut = cut_to_operation(&document(), "/a", "get");
        assert_eq!(
            cut["components"]["responses"]["Ok"],
            json!({"description": "ok"})
        );
        assert!(cut["components"].get("schemas").is_none());
    }

    #[test]
    fn names_the_operation_and_the_value() {
        let found = smallest_failure(&document(), Failure::Error("whole".into()), &stand_in);
        assert_eq!(
            found,
            Found {
                operation: Some(("/b/{id}".into(), "post".into())),
                pointer: Some("/components/schemas/Count/default".into()),
                failure: Failure::Error("value does not conform".into()),
            }
        );
    }

    #[test]
    fn a_schema_no_operation_reaches_is_found_too() {
        let mut document = document();
        document["paths"] = json!({});
        let found = smallest_failure(&document, Failure::Error("whole".into()), &stand_in);
        assert_eq!(found.operation, None);
        assert_eq!(
            found.pointer.as_deref(),
            Some("/components/schemas/Count/default")
        );
    }

    #[test]
    fn a_failure_of_the_whole_only_stays_the_whole() {
        let whole_only = |cut: &Value| match cut["paths"].as_object().map(Map::len) {
            Some(2) => Err(Failure::Panic("together".into())),
            _ => Ok(proc_macro2::TokenStream::new()),
        };
        let found = smallest_failure(&document(), Failure::Panic("together".into()), &whole_only);
        assert_eq!(found.operation, None);
        assert_eq!(found.pointer, None);
    }

    #[test]
    fn a_property_named_default_is_not_a_value() {
        let mut values = Vec::new();
        collect_values(
            &document()["components"]["schemas"]["Body"],
            "/S",
            &mut values,
        );
        assert!(values.is_empty(), "{values:?}");
    }
}

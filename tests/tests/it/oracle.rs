//! An independent reading of the documents, to check the catalogue every
//! row and both generators start from: a few lines over `serde_json` that
//! share nothing with `specs`' reader, written from the OpenAPI
//! specification (3.0 and 3.1, "Path Item", "Operation", "Parameter",
//! "Security Requirement"). It reads each document as the provider's
//! overlays leave it (the catalogue's input), follows local `$ref`s itself,
//! and compares, operation by operation: which operations exist, their
//! parameters (name, location, required) and their security alternatives.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::providers;

/// The methods a Path Item can hold (OpenAPI 3.1, "Path Item Object").
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What the oracle reads of one operation.
#[derive(Debug, PartialEq, Eq)]
struct Read {
    /// `(name, in, required)`, sorted.
    parameters: BTreeSet<(String, String, bool)>,
    /// Each alternative's scheme names; empty when public.
    security: BTreeSet<BTreeSet<String>>,
}

/// `value` with local `$ref`s followed (a JSON pointer after `#`).
fn follow<'a>(document: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return value;
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            return value;
        };
        match document.pointer(pointer) {
            Some(target) => value = target,
            None => return value,
        }
    }
    value
}

/// Every operation of `document`, by `METHOD path`.
fn read(document: &Value) -> BTreeMap<String, Read> {
    let mut operations = BTreeMap::new();
    let global_security = document.get("security");
    let paths = document.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let item = follow(document, item);
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            // An operation's parameter replaces the path item's of the same
            // name and location.
            let mut parameters = BTreeMap::new();
            for owner in [item, operation] {
                let listed = owner.get("parameters").and_then(Value::as_array);
                for parameter in listed.into_iter().flatten() {
                    let parameter = follow(document, parameter);
                    let name = parameter["name"].as_str().unwrap_or_default().to_string();
                    let location = parameter["in"].as_str().unwrap_or_default().to_string();
                    // "If in is "header" and the name field is "Accept",
                    // "Content-Type" or "Authorization", the parameter
                    // definition SHALL be ignored."
                    if location == "header"
                        && ["accept", "content-type", "authorization"]
                            .contains(&name.to_ascii_lowercase().as_str())
                    {
                        continue;
                    }
                    let required =
                        location == "path" || parameter["required"].as_bool() == Some(true);
                    parameters.insert((name.clone(), location.clone()), required);
                }
            }
            let security = operation
                .get("security")
                .or(global_security)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
                .map(|requirement| requirement.keys().cloned().collect::<BTreeSet<_>>())
                .filter(|alternative| !alternative.is_empty())
                .collect();
            operations.insert(
                format!("{} {path}", method.to_ascii_uppercase()),
                Read {
                    parameters: parameters
                        .into_iter()
                        .map(|((name, location), required)| (name, location, required))
                        .collect(),
                    security,
                },
            );
        }
    }
    operations
}

/// The catalogue's operation in the oracle's terms. An empty alternative
/// (`{}`, "security is optional") is left out on both sides: a public
/// operation and optional security both read as no required scheme.
fn catalogue_read(operation: &specs::Operation) -> Read {
    Read {
        parameters: operation
            .parameters
            .iter()
            .map(|p| {
                let location = match p.location {
                    specs::ParameterLocation::Path => "path",
                    specs::ParameterLocation::Query => "query",
                    specs::ParameterLocation::Header => "header",
                    specs::ParameterLocation::Cookie => "cookie",
                };
                (p.name.clone(), location.to_string(), p.required)
            })
            .collect(),
        security: operation
            .security
            .iter()
            .map(|alternative| alternative.iter().map(|c| c.scheme.clone()).collect())
            .filter(|alternative: &BTreeSet<String>| !alternative.is_empty())
            .collect(),
    }
}

fn the_catalogue_agrees_with_an_independent_reading() {
    let mut compared = 0;
    for provider in providers() {
        let mut read_all = BTreeMap::new();
        for document in &provider.documents {
            read_all.extend(read(&document.resolved));
        }
        let skipped: BTreeSet<String> = provider
            .findings
            .skipped()
            .filter_map(|f| f.operation.clone())
            .collect();
        let mut catalogued = BTreeSet::new();
        for operation in &provider.operations {
            let key = format!("{} {}", operation.method, operation.path);
            let expected = read_all.get(&key).unwrap_or_else(|| {
                panic!(
                    "{}: the catalogue has {key}, the document does not",
                    provider.name
                )
            });
            assert_eq!(
                &catalogue_read(operation),
                expected,
                "{}: {key} ({})",
                provider.name,
                operation.operation_id
            );
            catalogued.insert(key);
            compared += 1;
        }
        for key in read_all.keys() {
            assert!(
                catalogued.contains(key) || skipped.iter().any(|s| s.contains(key.as_str())),
                "{}: the document has {key}, the catalogue neither has it nor says it skipped it",
                provider.name
            );
        }
    }
    assert!(compared > 200, "only {compared} operations compared");
}

/// This module's tests, for the binary's `main`.
pub fn tests() -> Vec<(&'static str, fn())> {
    vec![(
        "the_catalogue_agrees_with_an_independent_reading",
        the_catalogue_agrees_with_an_independent_reading,
    )]
}

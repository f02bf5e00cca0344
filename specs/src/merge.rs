//! Merging a provider's documents into one.
//!
//! A provider may publish its API as several documents (Phala's excerpts each
//! hold one operation). They merge when they agree: paths and components are
//! unioned, and a node defined by two documents must be defined identically.

use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::{SpecError, pointer};

/// Top-level members that must agree between documents (they describe the API, not one operation).
const SHARED: [&str; 3] = ["openapi", "servers", "security"];

/// Merges `documents` (each with its file) into the first one's shape.
pub fn merge_documents(documents: &[(PathBuf, Value)]) -> Result<Value, SpecError> {
    let Some(((first_file, first), rest)) = documents.split_first() else {
        return Ok(Value::Object(Map::new()));
    };
    let mut merged = first.clone();
    // For each merged node, the document that defined it first (for conflict errors).
    let mut owners: Vec<(String, PathBuf)> = Vec::new();
    for (file, document) in rest {
        for key in SHARED {
            if merged.get(key) != document.get(key) {
                return Err(SpecError::Conflict {
                    pointer: pointer::join("", key),
                    first: first_file.clone(),
                    second: file.clone(),
                });
            }
        }
        let conflict = |pointer: String, owners: &[(String, PathBuf)]| SpecError::Conflict {
            first: owners
                .iter()
                .find(|(p, _)| *p == pointer)
                .map_or_else(|| first_file.clone(), |(_, f)| f.clone()),
            pointer,
            second: file.clone(),
        };
        // paths: union of path items; one method defined twice is a conflict.
        if let Some(paths) = document.get("paths").and_then(Value::as_object) {
            let target = object_at(&mut merged, "paths");
            for (path, item) in paths {
                let path_at = pointer::join("/paths", path);
                let Some(existing) = target.get_mut(path).and_then(Value::as_object_mut) else {
                    target.insert(path.clone(), item.clone());
                    owners.push((path_at, file.clone()));
                    continue;
                };
                for (key, value) in item.as_object().into_iter().flatten() {
                    match existing.get(key) {
                        Some(same) if same == value => {}
                        Some(_) => return Err(conflict(pointer::join(&path_at, key), &owners)),
                        None => {
                            existing.insert(key.clone(), value.clone());
                            owners.push((pointer::join(&path_at, key), file.clone()));
                        }
                    }
                }
            }
        }
        // components: union per section; a name defined twice must be identical.
        if let Some(components) = document.get("components").and_then(Value::as_object) {
            for (section, entries) in components {
                let target = object_at(object_at_value(&mut merged, "components"), section);
                for (name, value) in entries.as_object().into_iter().flatten() {
                    let at = pointer::join(&pointer::join("/components", section), name);
                    match target.get(name) {
                        Some(same) if same == value => {}
                        Some(_) => return Err(conflict(at, &owners)),
                        None => {
                            target.insert(name.clone(), value.clone());
                            owners.push((at, file.clone()));
                        }
                    }
                }
            }
        }
        // tags: union by name, first description wins.
        if let Some(tags) = document.get("tags").and_then(Value::as_array) {
            let target = merged
                .as_object_mut()
                .expect("documents are objects")
                .entry("tags")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(existing) = target {
                for tag in tags {
                    if !existing.iter().any(|t| t.get("name") == tag.get("name")) {
                        existing.push(tag.clone());
                    }
                }
            }
        }
    }
    Ok(merged)
}

fn object_at<'a>(parent: &'a mut Value, key: &str) -> &'a mut Map<String, Value> {
    object_at_value(parent, key)
        .as_object_mut()
        .expect("object_at_value returns an object")
}

fn object_at_value<'a>(parent: &'a mut Value, key: &str) -> &'a mut Value {
    let parent = parent.as_object_mut().expect("documents are objects");
    let slot = parent
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    slot
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn docs(a: Value, b: Value) -> Vec<(PathBuf, Value)> {
        vec![("a.yaml".into(), a), ("b.yaml".into(), b)]
    }

    #[test]
    fn unions_paths_components_and_tags() {
        let merged = merge_documents(&docs(
            json!({"openapi": "3.0.3", "paths": {"/x": {"get": {"operationId": "g"}}},
                   "components": {"schemas": {"E": {"type": "object"}}}, "tags": [{"name": "t"}]}),
            json!({"openapi": "3.0.3", "paths": {"/x": {"post": {"operationId": "p"}}, "/y": {}},
                   "components": {"schemas": {"E": {"type": "object"}, "F": {}}}, "tags": [{"name": "t"}, {"name": "u"}]}),
        ))
        .unwrap();
        assert_eq!(
            merged,
            json!({"openapi": "3.0.3",
                   "paths": {"/x": {"get": {"operationId": "g"}, "post": {"operationId": "p"}}, "/y": {}},
                   "components": {"schemas": {"E": {"type": "object"}, "F": {}}},
                   "tags": [{"name": "t"}, {"name": "u"}]})
        );
    }

    #[test]
    fn differing_definitions_conflict() {
        let err = merge_documents(&docs(
            json!({"components": {"schemas": {"E": {"type": "object"}}}}),
            json!({"components": {"schemas": {"E": {"type": "string"}}}}),
        ))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.yaml and b.yaml both define #/components/schemas/E, differently"
        );

        let err = merge_documents(&docs(
            json!({"paths": {"/x": {"get": {"operationId": "a"}}}}),
            json!({"paths": {"/x": {"get": {"operationId": "b"}}}}),
        ))
        .unwrap_err();
        assert!(err.to_string().contains("#/paths/~1x/get"), "{err}");

        let err = merge_documents(&docs(
            json!({"servers": [{"url": "https://a"}]}),
            json!({"servers": [{"url": "https://b"}]}),
        ))
        .unwrap_err();
        assert!(err.to_string().contains("#/servers"), "{err}");
    }
}

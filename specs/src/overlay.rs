//! OpenAPI Overlay Specification 1.0: corrections to an upstream document kept
//! beside it instead of inside it.
//!
//! Targets are a subset of JSONPath (RFC 9535): the root `$`, child names
//! (`.name`, `['name']`, `["name"]`), array indices (`[0]`) and wildcards
//! (`.*`, `[*]`). Anything else is rejected rather than guessed at.
//! [`apply_overlay`] reports how many nodes each action selected, so the
//! loader can reject an action that selects nothing in any of a provider's
//! documents: an overlay must not silently stop applying when upstream changes.
//!
//! `update` follows the specification: merged into a selected object
//! (objects merge recursively, arrays concatenate, scalars replace; other
//! combinations are incompatible) and appended to a selected array.

use std::path::Path;

use serde_json::Value;

use crate::{SpecError, pointer};

/// Applies every action of `overlay` (read from `overlay_path`) to `document`,
/// in order, and returns how many nodes each action selected.
pub fn apply_overlay(
    document: &mut Value,
    overlay: &Value,
    overlay_path: &Path,
) -> Result<Vec<usize>, SpecError> {
    let invalid = |pointer: &str, reason: &str| {
        SpecError::invalid(crate::Location::new(overlay_path, pointer), reason)
    };
    let version = overlay.get("overlay").and_then(Value::as_str);
    if !version.is_some_and(|v| v.starts_with("1.0.")) {
        return Err(invalid(
            "/overlay",
            "not an Overlay 1.0 document (`overlay: 1.0.x` is required)",
        ));
    }
    let actions = overlay
        .get("actions")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("/actions", "`actions` must be an array"))?;

    let mut selected_counts = Vec::with_capacity(actions.len());
    for (index, action) in actions.iter().enumerate() {
        let target = action
            .get("target")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                invalid(
                    &pointer::join_index("/actions", index),
                    "every action needs a string `target`",
                )
            })?;
        let fail = |reason: String| SpecError::Overlay {
            overlay: overlay_path.to_owned(),
            action: index,
            target: target.to_owned(),
            reason,
        };
        let path = parse_path(target).map_err(fail)?;
        let mut selected = Vec::new();
        select(document, &path, String::new(), &mut selected);
        selected_counts.push(selected.len());
        let remove = action.get("remove").and_then(Value::as_bool) == Some(true);
        match (remove, action.get("update")) {
            (true, _) => remove_all(document, &selected).map_err(fail)?,
            (false, Some(update)) => {
                for at in &selected {
                    let node = document.pointer_mut(at).expect("selected pointers exist");
                    match node {
                        Value::Array(items) => items.push(update.clone()),
                        Value::Object(_) => merge(node, update, at).map_err(&fail)?,
                        _ => return Err(fail(format!("#{at} is neither an object nor an array"))),
                    }
                }
            }
            (false, None) => return Err(fail("an action needs `update` or `remove: true`".into())),
        }
    }
    Ok(selected_counts)
}

#[derive(Debug, PartialEq)]
enum Segment {
    Name(String),
    Index(usize),
    Wildcard,
}

fn parse_path(target: &str) -> Result<Vec<Segment>, String> {
    let unsupported = |rest: &str| {
        format!(
            "unsupported JSONPath at `{rest}` (supported: $, .name, ['name'], [index], .*, [*])"
        )
    };
    let mut rest = target
        .strip_prefix('$')
        .ok_or_else(|| "a target must start with `$`".to_string())?;
    let mut segments = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(".*") {
            segments.push(Segment::Wildcard);
            rest = after;
        } else if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let name = &after[..end];
            if name.is_empty() || name.starts_with('.') {
                return Err(unsupported(rest));
            }
            segments.push(Segment::Name(name.to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix("[*]") {
            segments.push(Segment::Wildcard);
            rest = after;
        } else if let Some(after) = rest.strip_prefix('[') {
            let quote = after.chars().next().filter(|c| *c == '\'' || *c == '"');
            if let Some(quote) = quote {
                let body = &after[1..];
                let end = body.find(quote).ok_or_else(|| unsupported(rest))?;
                let after_quote = &body[end + 1..];
                let after_bracket = after_quote
                    .strip_prefix(']')
                    .ok_or_else(|| unsupported(rest))?;
                segments.push(Segment::Name(body[..end].to_string()));
                rest = after_bracket;
            } else {
                let end = after.find(']').ok_or_else(|| unsupported(rest))?;
                let index = after[..end].parse().map_err(|_| unsupported(rest))?;
                segments.push(Segment::Index(index));
                rest = &after[end + 1..];
            }
        } else {
            return Err(unsupported(rest));
        }
    }
    Ok(segments)
}

/// Collects the JSON pointers of every node `path` selects under `node`.
fn select(node: &Value, path: &[Segment], at: String, out: &mut Vec<String>) {
    let Some((first, rest)) = path.split_first() else {
        out.push(at);
        return;
    };
    match (first, node) {
        (Segment::Name(name), Value::Object(map)) => {
            if let Some(child) = map.get(name) {
                select(child, rest, pointer::join(&at, name), out);
            }
        }
        (Segment::Index(index), Value::Array(items)) => {
            if let Some(child) = items.get(*index) {
                select(child, rest, pointer::join_index(&at, *index), out);
            }
        }
        (Segment::Wildcard, Value::Object(map)) => {
            for (name, child) in map {
                select(child, rest, pointer::join(&at, name), out);
            }
        }
        (Segment::Wildcard, Value::Array(items)) => {
            for (index, child) in items.iter().enumerate() {
                select(child, rest, pointer::join_index(&at, index), out);
            }
        }
        _ => {}
    }
}

fn remove_all(document: &mut Value, selected: &[String]) -> Result<(), String> {
    // Deepest and last first (array indices compared as numbers), so removing
    // one node never shifts another's pointer.
    let mut ordered: Vec<&String> = selected.iter().collect();
    ordered.sort_by(|a, b| pointer_order(b, a));
    for at in ordered {
        let (parent, token) = at
            .rsplit_once('/')
            .ok_or_else(|| "the root cannot be removed".to_string())?;
        let token = token.replace("~1", "/").replace("~0", "~");
        match document.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.shift_remove(&token);
            }
            Some(Value::Array(items)) => {
                let index: usize = token.parse().expect("array pointers end in an index");
                items.remove(index);
            }
            _ => unreachable!("a selected node's parent is a container"),
        }
    }
    Ok(())
}

fn pointer_order(a: &str, b: &str) -> std::cmp::Ordering {
    let tokens = |p: &str| -> Vec<(Option<usize>, String)> {
        p.split('/')
            .map(|t| (t.parse().ok(), t.to_string()))
            .collect()
    };
    tokens(a).cmp(&tokens(b))
}

fn merge(target: &mut Value, update: &Value, at: &str) -> Result<(), String> {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (name, value) in update {
                match target.get_mut(name) {
                    Some(existing) => merge(existing, value, &pointer::join(at, name))?,
                    None => {
                        target.insert(name.clone(), value.clone());
                    }
                }
            }
            Ok(())
        }
        (Value::Array(target), Value::Array(update)) => {
            target.extend(update.iter().cloned());
            Ok(())
        }
        (target, update)
            if !target.is_object()
                && !target.is_array()
                && !update.is_object()
                && !update.is_array() =>
        {
            *target = update.clone();
            Ok(())
        }
        _ => Err(format!(
            "the update's value for #{at} is incompatible with the document's"
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn apply(document: &mut Value, overlay: Value) -> Result<Vec<usize>, SpecError> {
        apply_overlay(document, &overlay, Path::new("x.overlay.yaml"))
    }

    #[test]
    fn parses_the_supported_paths() {
        assert_eq!(
            parse_path("$.paths['/a/{id}'].post").unwrap(),
            vec![
                Segment::Name("paths".into()),
                Segment::Name("/a/{id}".into()),
                Segment::Name("post".into())
            ]
        );
        assert_eq!(
            parse_path("$.servers[0].*[*]").unwrap(),
            vec![
                Segment::Name("servers".into()),
                Segment::Index(0),
                Segment::Wildcard,
                Segment::Wildcard
            ]
        );
        assert!(parse_path("$..x").is_err());
        assert!(parse_path("$.a[?(@.x)]").is_err());
        assert!(parse_path("paths").is_err());
    }

    #[test]
    fn update_merges_objects_and_appends_to_arrays() {
        let mut document = json!({"components": {"schemas": {"A": {"type": "string"}}}, "security": [], "tags": [{"name": "a"}]});
        apply(
            &mut document,
            json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [
                {"target": "$.components", "update": {"schemas": {"B": {"type": "integer"}}, "securitySchemes": {"K": {"type": "apiKey"}}}},
                {"target": "$.security", "update": {"K": []}},
                {"target": "$", "update": {"tags": [{"name": "b"}]}},
                {"target": "$.components.schemas.A", "update": {"type": "integer"}},
            ]}),
        )
        .unwrap();
        assert_eq!(
            document,
            json!({
                "components": {
                    "schemas": {"A": {"type": "integer"}, "B": {"type": "integer"}},
                    "securitySchemes": {"K": {"type": "apiKey"}}
                },
                "security": [{"K": []}],
                "tags": [{"name": "a"}, {"name": "b"}]
            })
        );
    }

    #[test]
    fn remove_deletes_every_selected_node() {
        let mut document = json!({"paths": {"/a": {"get": {}, "post": {}}, "/b": {"get": {}}}, "list": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]});
        apply(
            &mut document,
            json!({"overlay": "1.0.0", "actions": [
                {"target": "$.paths.*.get", "remove": true},
                {"target": "$.list[*]", "remove": true},
            ]}),
        )
        .unwrap();
        assert_eq!(
            document,
            json!({"paths": {"/a": {"post": {}}, "/b": {}}, "list": []})
        );
    }

    #[test]
    fn errors_name_the_overlay_and_action() {
        let mut document = json!({"a": {"b": 1}});
        let counts = apply(
            &mut document,
            json!({"overlay": "1.0.0", "actions": [{"target": "$.*", "update": {}}, {"target": "$.missing", "update": {}}]}),
        )
        .unwrap();
        assert_eq!(counts, [1, 0]);

        let err = apply(
            &mut document,
            json!({"overlay": "1.0.0", "actions": [{"target": "$.a", "update": {}}, {"target": "$.a.b", "update": {}}]}),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.overlay.yaml: action 1 (target `$.a.b`): #/a/b is neither an object nor an array"
        );

        let err = apply(
            &mut document,
            json!({"overlay": "1.0.0", "actions": [{"target": "$.a", "update": {"b": {"c": 1}}}]}),
        )
        .unwrap_err();
        assert!(err.to_string().contains("incompatible"), "{err}");

        let err = apply(&mut document, json!({"overlay": "2.0.0", "actions": []})).unwrap_err();
        assert!(
            err.to_string().starts_with("x.overlay.yaml#/overlay"),
            "{err}"
        );
    }
}

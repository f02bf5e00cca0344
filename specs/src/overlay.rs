//! OpenAPI Overlay Specification 1.0: corrections to an upstream document kept
//! beside it instead of inside it.
//!
//! Targets are JSONPath queries (RFC 9535, evaluated by `serde_json_path`):
//! names, indices, wildcards, slices (`[1:]`), unions, descendants (`..`) and
//! filters (`[?@.name == 'X']`) all select. A node selected twice counts and
//! changes once. [`apply_overlay`] reports how many nodes each action selected,
//! so the loader can reject an action that selects nothing in any of a
//! provider's documents: an overlay must not silently stop applying when
//! upstream changes.
//!
//! `update` follows the specification: merged into a selected object
//! (objects merge recursively, arrays concatenate, scalars replace; other
//! combinations are incompatible) and appended to a selected array.

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;
use serde_json_path::{JsonPath, PathElement};

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
        if nesting(target) > MAX_NESTING {
            return Err(fail(format!(
                "brackets and parentheses nest deeper than {MAX_NESTING} levels"
            )));
        }
        let path = JsonPath::parse(target)
            .map_err(|e| fail(format!("not a JSONPath query (RFC 9535): {e}")))?;
        let selected = select(document, &path);
        selected_counts.push(selected.len());
        let remove = action.get("remove").and_then(Value::as_bool) == Some(true);
        match (remove, action.get("update")) {
            (true, _) => remove_all(document, selected).map_err(fail)?,
            (false, Some(update)) => {
                for steps in &selected {
                    let at = to_pointer(steps);
                    match document.pointer_mut(&at) {
                        Some(Value::Array(items)) => items.push(update.clone()),
                        Some(node @ Value::Object(_)) => merge(node, update, &at).map_err(&fail)?,
                        _ => return Err(fail(format!("#{at} is neither an object nor an array"))),
                    }
                }
            }
            (false, None) => return Err(fail("an action needs `update` or `remove: true`".into())),
        }
    }
    Ok(selected_counts)
}

/// serde_json_path's parser recurses without a limit (a 2 MiB test thread
/// overflows at about 30 nested filters in a debug build); real targets nest
/// two or three levels.
const MAX_NESTING: usize = 10;

/// How deeply `[` and `(` nest in `target`, outside quoted names.
fn nesting(target: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0);
    let (mut quote, mut escaped) = (None, false);
    for c in target.chars() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '[' | '(' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                ']' | ')' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    deepest
}

/// One step of a selected node's normalized path, owned so that the document
/// can change while the selection is applied. Indices order as numbers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Step {
    Name(String),
    Index(usize),
}

/// The normalized paths of the nodes `path` selects, in document order, each once.
fn select(document: &Value, path: &JsonPath) -> Vec<Vec<Step>> {
    let mut seen = HashSet::new();
    path.query_located(document)
        .locations()
        .map(|location| {
            location
                .iter()
                .map(|element| match element {
                    PathElement::Name(name) => Step::Name((*name).to_owned()),
                    PathElement::Index(index) => Step::Index(*index),
                })
                .collect::<Vec<_>>()
        })
        .filter(|steps| seen.insert(steps.clone()))
        .collect()
}

fn to_pointer(steps: &[Step]) -> String {
    steps.iter().fold(String::new(), |at, step| match step {
        Step::Name(name) => pointer::join(&at, name),
        Step::Index(index) => pointer::join_index(&at, *index),
    })
}

fn remove_all(document: &mut Value, mut selected: Vec<Vec<Step>>) -> Result<(), String> {
    // Reverse order: descendants before their ancestors, later indices
    // before earlier ones, so removing one node never moves another.
    selected.sort_unstable_by(|a, b| b.cmp(a));
    for steps in &selected {
        let Some((last, parent)) = steps.split_last() else {
            return Err("the root cannot be removed".into());
        };
        match (document.pointer_mut(&to_pointer(parent)), last) {
            (Some(Value::Object(map)), Step::Name(name)) => {
                map.shift_remove(name);
            }
            (Some(Value::Array(items)), Step::Index(index)) if *index < items.len() => {
                items.remove(*index);
            }
            _ => {
                return Err(format!(
                    "#{} is no longer in the document",
                    to_pointer(steps)
                ));
            }
        }
    }
    Ok(())
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

    fn pointers(document: &Value, target: &str) -> Vec<String> {
        let path = JsonPath::parse(target).unwrap();
        select(document, &path)
            .iter()
            .map(|s| to_pointer(s))
            .collect()
    }

    #[test]
    fn selects_what_the_former_subset_did_and_more() {
        let document = json!({
            "paths": {"/a/{id}": {"post": {"x": 1}}},
            "servers": [{"url": ["u"], "v": {}}, {"url": ["w"]}],
        });
        assert_eq!(
            pointers(&document, "$.paths['/a/{id}'].post"),
            ["/paths/~1a~1{id}/post"]
        );
        assert_eq!(
            pointers(&document, "$.servers[0].*[*]"),
            ["/servers/0/url/0"]
        );
        assert_eq!(pointers(&document, "$..x"), ["/paths/~1a~1{id}/post/x"]);
        assert_eq!(
            pointers(&document, "$.paths.*[?(@.x)]"),
            ["/paths/~1a~1{id}/post"]
        );
        assert_eq!(
            pointers(&document, "$.servers[-1:].url"),
            ["/servers/1/url"]
        );
        assert_eq!(
            pointers(&document, "$.servers[0,0,1]"),
            ["/servers/0", "/servers/1"]
        );
        assert!(JsonPath::parse("paths").is_err());
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

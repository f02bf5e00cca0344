//! Which operations of a provider's documents are served: `provider.yaml`'s
//! optional `operations` selection, applied here once, so the SDK, the mock
//! and the contract suite see the same subset.
//!
//! ```yaml
//! operations:
//!   include:                  # optional: without it, every operation
//!     tags: [Operations]
//!     operation_ids: [getThing]
//!   exclude:                  # optional: removed from what include kept
//!     operation_ids: [deleteEverything]
//! ```
//!
//! An operation is kept when `include` is absent or it has one of the
//! included tags or ids, and it has none of the excluded ones. Every tag and
//! id listed must match an operation of the documents, and the selection
//! must keep one, so a selection cannot silently stop applying.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::{Location, Operation, SpecError, pointer};

/// `provider.yaml`'s `operations`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Operations to keep; absent: all.
    #[serde(default)]
    pub include: Option<Filter>,
    /// Operations to drop from those included.
    #[serde(default)]
    pub exclude: Option<Filter>,
}

/// Operations named by tag or by operationId.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// Every operation with one of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The operations with these operationIds.
    #[serde(default)]
    pub operation_ids: Vec<String>,
}

impl Filter {
    fn matches(&self, operation: &Operation) -> bool {
        self.operation_ids.contains(&operation.operation_id)
            || operation.tags.iter().any(|tag| self.tags.contains(tag))
    }

    /// Every entry names something in `operations` (`at`: the filter in `manifest`).
    fn check(&self, operations: &[Operation], manifest: &Path, at: &str) -> Result<(), SpecError> {
        if self.tags.is_empty() && self.operation_ids.is_empty() {
            return Err(SpecError::invalid(
                Location::new(manifest, at),
                "lists neither `tags` nor `operation_ids`",
            ));
        }
        for (index, tag) in self.tags.iter().enumerate() {
            if !operations.iter().any(|o| o.tags.contains(tag)) {
                return Err(SpecError::invalid(
                    Location::new(manifest, pointer::join_index(&format!("{at}/tags"), index)),
                    format!("no operation has the tag `{tag}`"),
                ));
            }
        }
        for (index, id) in self.operation_ids.iter().enumerate() {
            if !operations.iter().any(|o| &o.operation_id == id) {
                return Err(SpecError::invalid(
                    Location::new(
                        manifest,
                        pointer::join_index(&format!("{at}/operation_ids"), index),
                    ),
                    format!("no operation has the operationId `{id}`"),
                ));
            }
        }
        Ok(())
    }
}

impl Selection {
    /// For each of `operations`, whether it is kept; errors name `manifest`
    /// and the pointer of the entry.
    pub fn apply(&self, operations: &[Operation], manifest: &Path) -> Result<Vec<bool>, SpecError> {
        if let Some(include) = &self.include {
            include.check(operations, manifest, "/operations/include")?;
        }
        if let Some(exclude) = &self.exclude {
            exclude.check(operations, manifest, "/operations/exclude")?;
        }
        let kept: Vec<bool> = operations
            .iter()
            .map(|operation| {
                self.include.as_ref().is_none_or(|f| f.matches(operation))
                    && !self.exclude.as_ref().is_some_and(|f| f.matches(operation))
            })
            .collect();
        if !operations.is_empty() && !kept.contains(&true) {
            return Err(SpecError::invalid(
                Location::new(manifest, "/operations"),
                "the selection keeps no operation",
            ));
        }
        Ok(kept)
    }
}

/// Removes `operation` from its resolved `document`, and its path item
/// when no operation is left in it.
pub(crate) fn remove_operation(document: &mut Value, operation: &Operation) {
    remove_path_operation(document, &operation.path, &operation.method);
}

/// Removes the `method` operation of `path` from `document`, and the path
/// item when no operation is left in it.
pub(crate) fn remove_path_operation(document: &mut Value, path: &str, method: &str) {
    let Some(item) = document
        .get_mut("paths")
        .and_then(|paths| paths.get_mut(path))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    item.remove(&method.to_ascii_lowercase());
    let emptied = !crate::METHODS
        .iter()
        .any(|method| item.contains_key(*method));
    if emptied && let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        paths.remove(path);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn operation(id: &str, tags: &[&str]) -> Operation {
        Operation {
            operation_id: id.into(),
            sdk_name: id.into(),
            method: "GET".into(),
            path: format!("/{id}"),
            summary: None,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            document: 0,
            parameters: Vec::new(),
            request_body: None,
            responses: Vec::new(),
            security: Vec::new(),
            pagination: None,
        }
    }

    fn operations() -> Vec<Operation> {
        vec![
            operation("listA", &["a"]),
            operation("getA", &["a", "read"]),
            operation("listB", &["b", "read"]),
            operation("untagged", &[]),
        ]
    }

    fn select(selection: serde_json::Value) -> Result<Vec<bool>, SpecError> {
        let selection: Selection = serde_json::from_value(selection).unwrap();
        selection.apply(&operations(), Path::new("provider.yaml"))
    }

    #[test]
    fn no_selection_keeps_everything() {
        assert_eq!(select(json!({})).unwrap(), [true; 4]);
    }

    #[test]
    fn include_by_tag_or_id() {
        assert_eq!(
            select(json!({"include": {"tags": ["a"]}})).unwrap(),
            [true, true, false, false]
        );
        assert_eq!(
            select(json!({"include": {"tags": ["b"], "operation_ids": ["untagged"]}})).unwrap(),
            [false, false, true, true]
        );
    }

    #[test]
    fn exclude_wins_over_include() {
        assert_eq!(
            select(json!({"include": {"tags": ["read"]}, "exclude": {"operation_ids": ["getA"]}}))
                .unwrap(),
            [false, false, true, false]
        );
        assert_eq!(
            select(json!({"exclude": {"tags": ["a"]}})).unwrap(),
            [false, false, true, true]
        );
    }

    #[test]
    fn entries_matching_nothing_are_errors_with_their_pointer() {
        let error = |selection| select(selection).unwrap_err().to_string();
        assert_eq!(
            error(json!({"include": {"tags": ["a", "nope"]}})),
            "provider.yaml#/operations/include/tags/1: no operation has the tag `nope`"
        );
        assert_eq!(
            error(json!({"exclude": {"operation_ids": ["getA", "gone"]}})),
            "provider.yaml#/operations/exclude/operation_ids/1: no operation has the operationId `gone`"
        );
        assert_eq!(
            error(json!({"include": {}})),
            "provider.yaml#/operations/include: lists neither `tags` nor `operation_ids`"
        );
        assert_eq!(
            error(json!({"include": {"tags": ["a"]}, "exclude": {"tags": ["a"]}})),
            "provider.yaml#/operations: the selection keeps no operation"
        );
    }

    #[test]
    fn removing_the_last_operation_removes_the_path_item() {
        let mut document = json!({"paths": {
            "/listA": {"parameters": [], "get": {}, "post": {}},
        }});
        let mut post = operation("listA", &[]);
        post.method = "POST".into();
        remove_operation(&mut document, &post);
        assert_eq!(
            document,
            json!({"paths": {"/listA": {"parameters": [], "get": {}}}})
        );
        remove_operation(&mut document, &operation("listA", &[]));
        assert_eq!(document, json!({"paths": {}}));
    }
}

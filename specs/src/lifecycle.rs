//! Resource lifecycles: the state a provider's operations act on, as data in
//! the provider's directory (`lifecycle.yaml`, named by `provider.yaml`), so
//! the mock's `--stateful` mode can answer "already cancelled" the way each
//! document describes, without code that names a provider.
//!
//! ```yaml
//! resources:
//!   task:
//!     key: [task_id]            # path parameters naming one resource
//!     initial: running          # the state of an id seen for the first time
//!     states: [running, cancelled, completed]
//! operations:
//!   cancelTask:                 # an operationId of the provider
//!     resource: task
//!     transitions:              # the first whose `from` holds the state applies
//!       - from: [running]
//!         to: cancelled         # optional: the state afterwards
//!         status: 200           # a status the operation declares
//!       - from: [cancelled, completed]
//!         status: 409
//!         body: {detail: x}     # optional: merged (RFC 7396) into the status's first example
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::{Location, Operation, SpecError};

/// A provider's lifecycles, checked against its operations.
#[derive(Debug, Clone, PartialEq)]
pub struct Lifecycle {
    /// The resources, by name.
    pub resources: Vec<Resource>,
    /// Which resource each operation acts on, and how.
    pub operations: Vec<OperationLifecycle>,
}

/// A kind of resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Its name.
    pub name: String,
    /// The path parameters whose values name one resource.
    pub key: Vec<String>,
    /// The state of an id seen for the first time.
    pub initial: String,
    /// Every state it can be in.
    pub states: Vec<String>,
}

/// How one operation depends on and changes its resource's state.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationLifecycle {
    /// The operation.
    pub operation_id: String,
    /// The resource it acts on.
    pub resource: String,
    /// In order: the first whose `from` holds the current state applies.
    pub transitions: Vec<Transition>,
}

/// One rule: in these states, answer this, and move to that state.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// The states it applies in.
    pub from: Vec<String>,
    /// The state afterwards (unchanged when `None`).
    pub to: Option<String>,
    /// The status to answer with; the operation declares it.
    pub status: u16,
    /// A JSON merge patch (RFC 7396) for the status's first example.
    pub body: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    resources: BTreeMap<String, ResourceFile>,
    operations: BTreeMap<String, OperationFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResourceFile {
    key: Vec<String>,
    initial: String,
    states: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OperationFile {
    resource: String,
    transitions: Vec<TransitionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TransitionFile {
    from: Vec<String>,
    #[serde(default)]
    to: Option<String>,
    status: u16,
    #[serde(default)]
    body: Option<Value>,
}

/// Reads `value` (the parsed `lifecycle.yaml` at `path`) and checks it
/// against `operations`: every name it uses exists, every key is a path
/// parameter of the operations using it, every status is declared.
pub fn read(value: Value, path: &Path, operations: &[Operation]) -> Result<Lifecycle, SpecError> {
    let invalid =
        |pointer: String, reason: String| SpecError::invalid(Location::new(path, pointer), reason);
    let file: File =
        serde_json::from_value(value).map_err(|e| invalid(String::new(), e.to_string()))?;
    let mut resources = Vec::new();
    for (name, resource) in &file.resources {
        let at = crate::pointer::join("/resources", name);
        if !resource.states.contains(&resource.initial) {
            return Err(invalid(
                format!("{at}/initial"),
                format!("`{}` is not one of the resource's states", resource.initial),
            ));
        }
        if resource.key.is_empty() {
            return Err(invalid(
                format!("{at}/key"),
                "a resource needs at least one key parameter".into(),
            ));
        }
        resources.push(Resource {
            name: name.clone(),
            key: resource.key.clone(),
            initial: resource.initial.clone(),
            states: resource.states.clone(),
        });
    }
    let mut lifecycles = Vec::new();
    for (operation_id, lifecycle) in &file.operations {
        let at = crate::pointer::join("/operations", operation_id);
        let operation = operations
            .iter()
            .find(|o| &o.operation_id == operation_id)
            .ok_or_else(|| invalid(at.clone(), format!("no operation `{operation_id}`")))?;
        let resource = resources
            .iter()
            .find(|r| r.name == lifecycle.resource)
            .ok_or_else(|| {
                invalid(
                    format!("{at}/resource"),
                    format!("no resource `{}`", lifecycle.resource),
                )
            })?;
        for key in &resource.key {
            if !operation.path.contains(&format!("{{{key}}}")) {
                return Err(invalid(
                    format!("{at}/resource"),
                    format!(
                        "`{}` is keyed by `{key}`, which is not a path parameter of `{operation_id}` ({})",
                        resource.name, operation.path
                    ),
                ));
            }
        }
        let mut transitions = Vec::new();
        for (index, transition) in lifecycle.transitions.iter().enumerate() {
            let at = crate::pointer::join_index(&format!("{at}/transitions"), index);
            let unknown = transition
                .from
                .iter()
                .chain(&transition.to)
                .find(|state| !resource.states.contains(state));
            if let Some(state) = unknown {
                return Err(invalid(
                    at,
                    format!("`{state}` is not a state of `{}`", resource.name),
                ));
            }
            let declared = operation.response(transition.status);
            let Some(declared) = declared else {
                return Err(invalid(
                    format!("{at}/status"),
                    format!(
                        "`{operation_id}` does not declare status {}",
                        transition.status
                    ),
                ));
            };
            if transition.body.is_some() && declared.body.is_none() {
                return Err(invalid(
                    format!("{at}/body"),
                    format!(
                        "status {} of `{operation_id}` declares no body to patch",
                        transition.status
                    ),
                ));
            }
            transitions.push(Transition {
                from: transition.from.clone(),
                to: transition.to.clone(),
                status: transition.status,
                body: transition.body.clone(),
            });
        }
        lifecycles.push(OperationLifecycle {
            operation_id: operation_id.clone(),
            resource: resource.name.clone(),
            transitions,
        });
    }
    Ok(Lifecycle {
        resources,
        operations: lifecycles,
    })
}

/// RFC 7396 JSON merge patch: objects merge recursively, `null` removes a
/// member, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Default::default());
    }
    if let Value::Object(members) = target {
        for (name, value) in patch {
            if value.is_null() {
                members.shift_remove(name);
            } else {
                merge_patch(members.entry(name.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn merge_patches_follow_rfc_7396() {
        let mut target = json!({"a": 1, "b": {"c": 2, "d": 3}});
        merge_patch(&mut target, &json!({"a": null, "b": {"c": 5}, "e": [1]}));
        assert_eq!(target, json!({"b": {"c": 5, "d": 3}, "e": [1]}));
    }
}

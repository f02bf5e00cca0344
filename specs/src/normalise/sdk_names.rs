//! An operation's `x-sdk-name` replaces its `operationId`, which progenitor
//! turns into the method name.

use serde_json::Value;

use super::path_items;
use crate::catalogue::SDK_NAME;
use crate::walk::METHODS;

/// Renames operations that carry an `x-sdk-name`.
pub fn apply(document: &mut Value) {
    for item in path_items(document) {
        for method in METHODS {
            if let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut)
                && let Some(name) = operation.get(SDK_NAME).cloned()
            {
                operation.insert("operationId".into(), name);
            }
        }
    }
}

//! Operations without an `operationId` get one made from their method and
//! path (`GET /anything/apiKey` -> `get_anything_api_key`), because the id
//! names the SDK method, the mock's journal entries and the contract rows.
//! OpenAPI makes the field optional; many hand-written documents omit it.
//!
//! The made id is written into the resolved document (never the verbatim
//! one), so every consumer sees the same name. It never collides with a
//! declared id or another made one: a clash gets `_2`, `_3`, ... Ids
//! collide when they differ only in case and separators (`GetSystemInfo`,
//! `get_system_info`): they would name one SDK method.

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;

use crate::findings::{Findings, Outcome};
use crate::walk::METHODS;
use crate::{Location, pointer};

/// Drops every `operationId` already used by an earlier operation of
/// `document` (an empty or non-string one too), so that [`fill_missing`]
/// makes one from the method and path: the id names the SDK method and the
/// mock's journal entries, and two operations cannot share one.
pub(crate) fn drop_duplicates(document: &mut Value, file: &Path, findings: &mut Findings) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let mut seen = HashSet::new();
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let Some(id) = operation.get("operationId") else {
                continue;
            };
            let usable = id
                .as_str()
                .is_some_and(|id| !id.trim().is_empty() && seen.insert(name_key(id)));
            if usable {
                continue;
            }
            let message = match id.as_str() {
                Some(id) if !id.trim().is_empty() => format!(
                    "operationId `{id}` is already used by another operation; this one gets a name from its method and path"
                ),
                _ => "operationId is not a non-empty string; the operation gets a name from its method and path".to_string(),
            };
            operation.shift_remove("operationId");
            findings.push(
                Location::new(
                    file,
                    pointer::join(
                        &pointer::join(&pointer::join("/paths", path), method),
                        "operationId",
                    ),
                ),
                Outcome::Repaired,
                Some(crate::repair::operation_name(method, path)),
                message,
            );
        }
    }
}

/// Fills in every missing `operationId` of `document`.
pub(crate) fn fill_missing(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let mut taken: HashSet<String> = paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| METHODS.iter().filter_map(|m| item.get(*m)))
        .filter_map(|operation| operation.get("operationId")?.as_str())
        .map(name_key)
        .collect();
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            if operation.contains_key("operationId") {
                continue;
            }
            let base = made_id(method, path);
            let mut id = base.clone();
            let mut n = 2;
            while taken.contains(&name_key(&id)) {
                id = format!("{base}_{n}");
                n += 1;
            }
            taken.insert(name_key(&id));
            operation.insert("operationId".into(), Value::String(id));
        }
    }
}

/// What two ids must not share: their ASCII letters and digits, lower case
/// (the SDK's method and type names keep no more of them).
fn name_key(id: &str) -> String {
    id.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `get` + `/pets/{petId}/photos` -> `get_pets_pet_id_photos`: snake case,
/// ASCII letters and digits only, words split at case changes.
fn made_id(method: &str, path: &str) -> String {
    let mut id = method.to_ascii_lowercase();
    let mut previous_lower = false;
    let mut in_word = false;
    for c in path.chars() {
        if c.is_ascii_alphanumeric() {
            if !in_word || (c.is_ascii_uppercase() && previous_lower) {
                id.push('_');
            }
            id.push(c.to_ascii_lowercase());
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            in_word = true;
        } else {
            in_word = false;
            previous_lower = false;
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn ids_come_from_method_and_path() {
        assert_eq!(made_id("get", "/anything/apiKey"), "get_anything_api_key");
        assert_eq!(
            made_id("post", "/pets/{petId}/photos"),
            "post_pets_pet_id_photos"
        );
        assert_eq!(made_id("delete", "/"), "delete");
        assert_eq!(
            made_id("get", "/v1/ops/{id}:cancel"),
            "get_v1_ops_id_cancel"
        );
    }

    #[test]
    fn declared_ids_are_kept_and_made_ones_never_collide() {
        let mut document = json!({"paths": {
            "/a": {
                "get": {"responses": {}},
                "post": {"operationId": "get_a", "responses": {}},
            },
            "/A": {"get": {"responses": {}}},
        }});
        fill_missing(&mut document);
        let id = |path: &str, method: &str| document["paths"][path][method]["operationId"].clone();
        assert_eq!(id("/a", "post"), "get_a");
        assert_eq!(id("/a", "get"), "get_a_2");
        assert_eq!(id("/A", "get"), "get_a_3");
    }

    #[test]
    fn ids_that_differ_in_case_and_separators_only_collide() {
        let mut document = json!({"paths": {
            "/api/v1/system-info": {"get": {"operationId": "GetSystemInfo", "responses": {}}},
            "/system-info": {"get": {"operationId": "GetSystemInfo", "responses": {}}},
            "/x": {"get": {"operationId": "get_system_info", "responses": {}}},
        }});
        let mut findings = Findings::default();
        drop_duplicates(&mut document, Path::new("api.yaml"), &mut findings);
        fill_missing(&mut document);
        let id = |path: &str| document["paths"][path]["get"]["operationId"].clone();
        assert_eq!(id("/api/v1/system-info"), "GetSystemInfo");
        assert_eq!(id("/system-info"), "get_system_info_2");
        assert_eq!(id("/x"), "get_x");
        assert_eq!(findings.len(), 2);
    }
}

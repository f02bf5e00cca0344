//! An inline JSON response schema moves to `components.schemas` under
//! `<OperationId><Status>Response`, so every documented body has a named
//! type. Applied to the resolved documents, so the catalogue and the SDK
//! agree on names.

use std::path::Path;

use serde_json::{Value, json};

use crate::catalogue::{is_json, parse_status};
use crate::walk::METHODS;
use crate::{Location, SpecError, pointer};

/// Moves inline JSON response schemas into `components.schemas`.
pub fn hoist_response_schemas(document: &mut Value, file: &Path) -> Result<(), SpecError> {
    let mut hoisted = Vec::new();
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            let Some(operation) = item.get_mut(method) else {
                continue;
            };
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let type_prefix = pascal_case(id);
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            for (status, response) in responses.iter_mut() {
                let Some(content) = response.get_mut("content").and_then(Value::as_object_mut)
                else {
                    continue;
                };
                for (media_type, media) in content.iter_mut() {
                    let Some(schema) = media.get_mut("schema") else {
                        continue;
                    };
                    if !is_json(media_type) || schema.get("$ref").is_some() {
                        continue;
                    }
                    let label = match parse_status(status) {
                        Some(crate::Status::Default) => "Default".to_string(),
                        _ => status.to_uppercase(),
                    };
                    let name = format!("{type_prefix}{label}Response");
                    let at = pointer::join(
                        &pointer::join(
                            &pointer::join(&pointer::join("/paths", path), method),
                            "responses",
                        ),
                        status,
                    );
                    let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
                    hoisted.push((name, std::mem::replace(schema, reference), at));
                    break;
                }
            }
        }
    }
    if hoisted.is_empty() {
        return Ok(());
    }
    let schemas = document
        .as_object_mut()
        .expect("paths existed, so the document is an object")
        .entry("components")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or_else(|| SpecError::invalid(Location::new(file, "/components"), "must be an object"))?
        .entry("schemas")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or_else(|| {
            SpecError::invalid(
                Location::new(file, "/components/schemas"),
                "must be an object",
            )
        })?;
    for (name, schema, at) in hoisted {
        if schemas.contains_key(&name) {
            return Err(SpecError::invalid(
                Location::new(file, at),
                format!(
                    "the inline response schema would be named `{name}`, which components.schemas already defines"
                ),
            ));
        }
        schemas.insert(name, schema);
    }
    Ok(())
}

/// An inline JSON payload schema of a webhook moves to `components.schemas`
/// under `<Name>Webhook` (a callback's: `<Name>Callback`), so the SDK has a
/// type for each delivery. A name the components already use leaves the
/// schema inline (the payload is then any JSON value in the SDK).
pub fn hoist_webhook_payloads(document: &mut Value) {
    let taken: Vec<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let mut take = |item: &mut Value, name: String| {
        if taken.contains(&name) || hoisted.iter().any(|(n, _)| *n == name) {
            return;
        }
        for method in METHODS {
            let Some(content) = item
                .pointer_mut(&format!("/{method}/requestBody/content"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            if let Some((_, media)) = content
                .iter_mut()
                .find(|(media_type, _)| is_json(media_type))
                && let Some(schema) = media.get_mut("schema")
                && schema.get("$ref").is_none()
                && schema.is_object()
            {
                let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
                hoisted.push((name, std::mem::replace(schema, reference)));
            }
            return;
        }
    };
    if let Some(webhooks) = document.get_mut("webhooks").and_then(Value::as_object_mut) {
        for (name, item) in webhooks.iter_mut() {
            take(item, format!("{}Webhook", pascal_case(name)));
        }
    }
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for method in METHODS {
                let Some(callbacks) = item
                    .get_mut(method)
                    .and_then(|o| o.get_mut("callbacks"))
                    .and_then(Value::as_object_mut)
                else {
                    continue;
                };
                for (name, callback) in callbacks.iter_mut() {
                    for item in callback
                        .as_object_mut()
                        .into_iter()
                        .flat_map(|c| c.values_mut())
                    {
                        take(item, format!("{}Callback", pascal_case(name)));
                    }
                }
            }
        }
    }
    if hoisted.is_empty() || !document.is_object() {
        return;
    }
    let Some(schemas) = document
        .as_object_mut()
        .and_then(|root| {
            root.entry("components")
                .or_insert_with(|| json!({}))
                .as_object_mut()
        })
        .and_then(|components| {
            components
                .entry("schemas")
                .or_insert_with(|| json!({}))
                .as_object_mut()
        })
    else {
        return;
    };
    schemas.extend(hoisted);
}

/// `operations.cancel` -> `OperationsCancel`, `cancelTask` -> `CancelTask`.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            let first = chars.next().expect("non-empty").to_ascii_uppercase();
            std::iter::once(first).chain(chars).collect::<String>()
        })
        .collect()
}

//! Reshaping documents for what progenitor (and the typed SDK around it) can take.
//!
//! These rewrites keep the API's meaning; they only move things to where the
//! generator handles them:
//!
//! - [`hoist_response_schemas`]: an inline JSON response schema moves to
//!   `components.schemas` under `<OperationId><Status>Response`, so every
//!   documented body has a named type (applied to the resolved documents, so
//!   the catalogue and the SDK agree on names);
//! - an operation's `x-sdk-name` replaces its `operationId`, which progenitor
//!   turns into the method name;
//! - credentials declared as header parameters as well as security schemes
//!   (PromptLayer's `X-API-KEY`) are dropped from the parameters: the client
//!   sends them once for every call;
//! - a named schema is never nullable (typify would emit
//!   `struct T(Option<T>)`); the nullability moves to each reference;
//! - every response body becomes an untyped byte stream: progenitor asserts
//!   that all error responses of an operation share one type, which Phala's
//!   do not. The SDK decodes each documented status into its own type itself,
//!   from the catalogue.

use std::collections::HashSet;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::catalogue::{METHODS, SDK_NAME, is_json, parse_status};
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

/// Applies the progenitor-specific rewrites to a merged OpenAPI 3.0 document.
pub fn reshape_for_progenitor(document: &mut Value, file: &Path) -> Result<(), SpecError> {
    apply_sdk_names(document);
    drop_credential_parameters(document);
    move_nullability_to_references(document);
    make_responses_raw(document, file)
}

fn apply_sdk_names(document: &mut Value) {
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

/// Header parameters that are also apiKey security schemes of the document.
fn drop_credential_parameters(document: &mut Value) {
    let credential_headers: HashSet<String> = document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|schemes| schemes.values())
        .filter(|s| {
            s.get("type").and_then(Value::as_str) == Some("apiKey")
                && s.get("in").and_then(Value::as_str) == Some("header")
        })
        .filter_map(|s| s.get("name").and_then(Value::as_str))
        .map(str::to_ascii_lowercase)
        .collect();
    if credential_headers.is_empty() {
        return;
    }
    let is_credential = |parameter: &Value| {
        parameter.get("in").and_then(Value::as_str) == Some("header")
            && parameter
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| credential_headers.contains(&n.to_ascii_lowercase()))
    };
    for item in path_items(document) {
        if let Some(Value::Array(parameters)) = item.get_mut("parameters") {
            parameters.retain(|p| !is_credential(p));
        }
        for method in METHODS {
            if let Some(Value::Array(parameters)) =
                item.get_mut(method).and_then(|o| o.get_mut("parameters"))
            {
                parameters.retain(|p| !is_credential(p));
            }
        }
    }
}

/// Named schemas lose `nullable`; every reference to one gains it.
fn move_nullability_to_references(document: &mut Value) {
    let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut nullable = HashSet::new();
    for (name, schema) in schemas.iter_mut() {
        if let Some(object) = schema.as_object_mut()
            && object.shift_remove("nullable") == Some(json!(true))
        {
            nullable.insert(format!("#/components/schemas/{name}"));
        }
    }
    if !nullable.is_empty() {
        wrap_references(document, &nullable);
    }
}

fn wrap_references(node: &mut Value, targets: &HashSet<String>) {
    match node {
        Value::Object(object) => {
            let is_target = object
                .get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|r| targets.contains(r));
            if is_target {
                let reference = object.shift_remove("$ref").expect("checked above");
                object.insert("allOf".into(), json!([{ "$ref": reference }]));
                object.insert("nullable".into(), json!(true));
                return;
            }
            for value in object.values_mut() {
                wrap_references(value, targets);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| wrap_references(v, targets)),
        _ => {}
    }
}

/// Every response body becomes `application/octet-stream` without a schema.
fn make_responses_raw(document: &mut Value, file: &Path) -> Result<(), SpecError> {
    let _ = file;
    for item in path_items(document) {
        for method in METHODS {
            let Some(responses) = item
                .get_mut(method)
                .and_then(|o| o.get_mut("responses"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            for response in responses.values_mut() {
                raw_body(response);
            }
        }
    }
    Ok(())
}

fn raw_body(response: &mut Value) {
    let Some(response) = response.as_object_mut() else {
        return;
    };
    response.shift_remove("content");
    response.insert("content".into(), json!({"application/octet-stream": {}}));
}

fn path_items(document: &mut Value) -> impl Iterator<Item = &mut Map<String, Value>> {
    document
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
}

/// `operations.cancel` -> `OperationsCancel`, `cancelTask` -> `CancelTask`.
pub(crate) fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            let first = chars.next().expect("non-empty").to_ascii_uppercase();
            std::iter::once(first).chain(chars).collect::<String>()
        })
        .collect()
}

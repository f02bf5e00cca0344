//! Credentials declared as header parameters as well as security schemes
//! (PromptLayer's `X-API-KEY`) are dropped from the parameters: the client
//! sends them once for every call.

use std::collections::HashSet;

use serde_json::Value;

use super::path_items;
use crate::walk::METHODS;

/// Header parameters that are also apiKey security schemes of the document.
pub fn drop(document: &mut Value) {
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

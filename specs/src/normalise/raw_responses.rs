//! Every response body becomes an untyped byte stream: progenitor asserts
//! that all error responses of an operation share one type, which Phala's
//! do not. The SDK decodes each documented status into its own type itself,
//! from the catalogue.

use serde_json::{Value, json};

use super::path_items;
use crate::catalogue::METHODS;

/// Every response body becomes `application/octet-stream` without a schema.
pub fn make_raw(document: &mut Value) {
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
}

fn raw_body(response: &mut Value) {
    let Some(response) = response.as_object_mut() else {
        return;
    };
    response.shift_remove("content");
    response.insert("content".into(), json!({"application/octet-stream": {}}));
}

//! Every response body becomes an untyped byte stream: progenitor asserts
//! that all error responses of an operation share one type, which Phala's
//! do not. The SDK decodes each documented status into its own type itself,
//! from the catalogue.

use serde_json::{Value, json};

use super::path_items;
use crate::walk::METHODS;

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
    // Operations that refer to a shared response get the same stream.
    if let Some(shared) = document
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
    {
        shared.values_mut().for_each(raw_body);
    }
}

fn raw_body(response: &mut Value) {
    let Some(response) = response.as_object_mut() else {
        return;
    };
    if response.contains_key("$ref") {
        return;
    }
    response.shift_remove("content");
    response.insert("content".into(), json!({"application/octet-stream": {}}));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_responses_are_streams_too() {
        let mut document = json!({
            "paths": {"/a": {"get": {"responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}},
                "400": {"$ref": "#/components/responses/Bad"},
            }}}},
            "components": {"responses": {"Bad": {"description": "bad", "content": {"application/json": {"schema": {"type": "string"}}}}}},
        });
        make_raw(&mut document);
        let stream = json!({"application/octet-stream": {}});
        assert_eq!(
            document["paths"]["/a"]["get"]["responses"]["200"]["content"],
            stream
        );
        assert_eq!(
            document["paths"]["/a"]["get"]["responses"]["400"],
            json!({"$ref": "#/components/responses/Bad"})
        );
        assert_eq!(
            document["components"]["responses"]["Bad"]["content"],
            stream
        );
    }
}

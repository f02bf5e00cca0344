//! A request body offered in several media types keeps one for progenitor
//! (which panics on more): the first JSON one. The others are named in
//! `x-sdk-other-media-types`; the SDK sends them through each builder's
//! `send_body(content_type, bytes)`, from the catalogue. A body without a
//! JSON media type is left out of the typed builder altogether (progenitor
//! would hold it as a `reqwest::Body`, which cannot be cloned for a retry):
//! the operation is named in `x-sdk-other-media-types` and sent with
//! `send_body`.

use serde_json::{Map, Value, json};

use super::path_items;
use crate::catalogue::is_json;
use crate::walk::METHODS;

/// The member naming the media types left out.
pub const OTHERS: &str = "x-sdk-other-media-types";

/// Keeps one media type per request body (in operations and components).
pub fn keep_one(document: &mut Value) {
    for item in path_items(document) {
        for method in METHODS {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            if let Some(body) = operation
                .get_mut("requestBody")
                .and_then(Value::as_object_mut)
                && !keep_one_of(body)
            {
                let others = body
                    .get("content")
                    .and_then(Value::as_object)
                    .map(|c| c.keys().map(|m| json!(m)).collect::<Vec<_>>());
                operation.remove("requestBody");
                operation.insert(OTHERS.into(), Value::Array(others.unwrap_or_default()));
            }
        }
    }
    if let Some(bodies) = document
        .pointer_mut("/components/requestBodies")
        .and_then(Value::as_object_mut)
    {
        // A shared body cannot leave the operations referring to it: it
        // keeps its first media type when none is JSON.
        for body in bodies.values_mut().filter_map(Value::as_object_mut) {
            if !keep_one_of(body) {
                keep_first(body);
            }
        }
    }
}

/// Keeps the first JSON media type of `body`, naming the others; `false`
/// when it has media types and none is JSON.
fn keep_one_of(body: &mut Map<String, Value>) -> bool {
    let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else {
        return true;
    };
    let Some(kept) = content.keys().find(|m| is_json(m)).cloned() else {
        return content.is_empty();
    };
    if content.len() < 2 {
        return true;
    }
    let others: Vec<Value> = content
        .keys()
        .filter(|m| **m != kept)
        .map(|m| json!(m))
        .collect();
    content.retain(|media_type, _| *media_type == kept);
    body.insert(OTHERS.into(), Value::Array(others));
    true
}

fn keep_first(body: &mut Map<String, Value>) {
    let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else {
        return;
    };
    let others: Vec<Value> = content.keys().skip(1).map(|m| json!(m)).collect();
    let Some(first) = content.keys().next().cloned() else {
        return;
    };
    content.retain(|media_type, _| *media_type == first);
    if !others.is_empty() {
        body.insert(OTHERS.into(), Value::Array(others));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_kept_and_the_others_named() {
        let mut document = json!({
            "paths": {"/a": {"post": {"requestBody": {"content": {
                "application/xml": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
                "text/plain": {}
            }}}}},
            "components": {"requestBodies": {"B": {"content": {"text/csv": {}, "application/octet-stream": {}}}}}
        });
        keep_one(&mut document);
        assert_eq!(
            document["paths"]["/a"]["post"]["requestBody"],
            json!({"content": {"application/json": {"schema": {"type": "object"}}}, "x-sdk-other-media-types": ["application/xml", "text/plain"]})
        );
        assert_eq!(
            document["components"]["requestBodies"]["B"],
            json!({"content": {"text/csv": {}}, "x-sdk-other-media-types": ["application/octet-stream"]})
        );
    }

    #[test]
    fn a_body_without_json_leaves_the_typed_builder() {
        let mut document = json!({"paths": {"/upload": {"post": {
            "requestBody": {"content": {"application/octet-stream": {}}},
            "responses": {}
        }}}});
        keep_one(&mut document);
        assert_eq!(
            document["paths"]["/upload"]["post"],
            json!({"responses": {}, "x-sdk-other-media-types": ["application/octet-stream"]})
        );
    }
}

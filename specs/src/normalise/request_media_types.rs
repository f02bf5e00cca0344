//! A request body offered in several media types keeps one for progenitor
//! (which panics on more): the first JSON one, else the first. The others
//! are named in `x-sdk-other-media-types`; the SDK sends them through each
//! builder's `send_body(content_type, bytes)`, from the catalogue.

use serde_json::{Map, Value, json};

use super::path_items;
use crate::catalogue::{METHODS, is_json};

/// The member naming the media types left out.
pub const OTHERS: &str = "x-sdk-other-media-types";

/// Keeps one media type per request body (in operations and components).
pub fn keep_one(document: &mut Value) {
    for item in path_items(document) {
        for method in METHODS {
            if let Some(body) = item
                .get_mut(method)
                .and_then(|o| o.get_mut("requestBody"))
                .and_then(Value::as_object_mut)
            {
                keep_one_of(body);
            }
        }
    }
    if let Some(bodies) = document
        .pointer_mut("/components/requestBodies")
        .and_then(Value::as_object_mut)
    {
        bodies
            .values_mut()
            .filter_map(Value::as_object_mut)
            .for_each(keep_one_of);
    }
}

fn keep_one_of(body: &mut Map<String, Value>) {
    let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else {
        return;
    };
    if content.len() < 2 {
        return;
    }
    let kept = content
        .keys()
        .find(|m| is_json(m))
        .or_else(|| content.keys().next())
        .cloned()
        .expect("two or more media types");
    let others: Vec<Value> = content
        .keys()
        .filter(|m| **m != kept)
        .map(|m| json!(m))
        .collect();
    content.retain(|media_type, _| *media_type == kept);
    body.insert(OTHERS.into(), Value::Array(others));
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
}

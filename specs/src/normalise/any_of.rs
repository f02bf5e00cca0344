//! An `anyOf` becomes a `oneOf` for the SDK's types. typify makes an
//! `anyOf` a struct of optional flattened members, which no number or string
//! deserialises into (Akua's `col_span: {anyOf: [{type: number, enum: [1]},
//! ...]}` refused `1`) and whose JSON Schema demands more than the document
//! (Akua's `ClusterCapabilitiesFreshness`); a `oneOf` becomes an untagged
//! enum, which takes the first branch a value fits, so every valid instance
//! still deserialises.

use serde_json::Value;

use super::{each_schema, relaxed};

/// Rewrites `anyOf`s everywhere under `node`.
pub fn rewrite(node: &mut Value) {
    each_schema(node, &mut |object| {
        let union = object
            .get("anyOf")
            .and_then(Value::as_array)
            .is_some_and(|branches| !branches.is_empty());
        if union
            && !object.contains_key("oneOf")
            && let Some(branches) = object.shift_remove("anyOf")
        {
            object.insert("oneOf".into(), branches);
            relaxed::note(object, "anyOf");
        }
    });
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn any_ofs_become_one_ofs() {
        let mut document = json!({"components": {"schemas": {
            "span": {"anyOf": [{"type": "number", "enum": [1]}, {"type": "number", "enum": [2]}]},
            "mixed": {"anyOf": [{"type": "string"}, {"type": "object"}]},
            "refs": {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "string"}]},
            "single": {"anyOf": [{"type": "string"}]}
        }}});
        rewrite(&mut document);
        let document = &document["components"]["schemas"];
        assert_eq!(
            document["span"],
            json!({"oneOf": [{"type": "number", "enum": [1]}, {"type": "number", "enum": [2]}], "x-sdk-relaxed": ["anyOf"]})
        );
        assert!(document["mixed"].get("oneOf").is_some());
        assert!(document["refs"].get("oneOf").is_some());
        assert!(document["single"].get("oneOf").is_some());
    }
}

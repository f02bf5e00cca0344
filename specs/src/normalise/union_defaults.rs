//! A `default` beside `anyOf`/`oneOf` is dropped from the SDK's types:
//! typify checks it against the untagged enum it makes and rejects values
//! the document allows (Akua's `col_span: {anyOf: [{type: number, enum:
//! [1]}, ...], default: 2}`). The field becomes optional instead of
//! defaulted, which still accepts every valid instance.

use serde_json::Value;

use super::{each_schema, relaxed};

/// Drops union defaults everywhere under `node`.
pub fn drop(node: &mut Value) {
    each_schema(node, &mut |object| {
        let union = ["anyOf", "oneOf"]
            .iter()
            .any(|k| object.get(*k).is_some_and(Value::is_array));
        if union && object.shift_remove("default").is_some() {
            relaxed::note(object, "default");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_beside_unions_go_others_stay() {
        let mut document = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {
                "span": {"anyOf": [{"type": "number", "enum": [1]}, {"type": "number", "enum": [2]}], "default": 2},
                "plain": {"type": "integer", "default": 3}
            }},
            "B": {"type": "string", "example": {"oneOf": [], "default": 1}}
        }}});
        drop(&mut document);
        assert_eq!(
            document["components"]["schemas"]["A"]["properties"]["span"],
            json!({"anyOf": [{"type": "number", "enum": [1]}, {"type": "number", "enum": [2]}], "x-sdk-relaxed": ["default"]})
        );
        assert_eq!(
            document["components"]["schemas"]["A"]["properties"]["plain"]["default"],
            json!(3)
        );
        assert_eq!(
            document["components"]["schemas"]["B"]["example"],
            json!({"oneOf": [], "default": 1})
        );
    }
}

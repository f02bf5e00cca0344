//! A `default` beside a single-valued `enum` (what 3.1's `const` becomes)
//! is dropped from the SDK's types. Pydantic writes every `Literal` field
//! so (Prefect's `type: {const: "cancel-flow-run", default:
//! "cancel-flow-run"}`), and where such fields tag the branches of a union,
//! typify makes an internally tagged enum and then rejects the default as
//! "value does not conform to the given schema". The field becomes optional
//! instead of defaulted, which still accepts every valid instance.

use serde_json::Value;

use super::{each_schema, relaxed};

/// Drops the defaults of constants everywhere under `node`.
pub fn drop(node: &mut Value) {
    each_schema(node, &mut |object| {
        let constant = object
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.len() == 1);
        if constant && object.shift_remove("default").is_some() {
            relaxed::note(object, "default");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_beside_one_value_go_others_stay() {
        let mut document = json!({"components": {"schemas": {
            "CancelFlowRun": {"type": "object", "properties": {
                "type": {"type": "string", "enum": ["cancel-flow-run"], "default": "cancel-flow-run"},
                "mode": {"type": "string", "enum": ["a", "b"], "default": "a"},
                "plain": {"type": "integer", "default": 3}
            }},
            "B": {"type": "string", "example": {"enum": [1], "default": 1}}
        }}});
        drop(&mut document);
        let properties = &document["components"]["schemas"]["CancelFlowRun"]["properties"];
        assert_eq!(
            properties["type"],
            json!({"type": "string", "enum": ["cancel-flow-run"], "x-sdk-relaxed": ["default"]})
        );
        assert_eq!(properties["mode"]["default"], json!("a"));
        assert_eq!(properties["plain"]["default"], json!(3));
        assert_eq!(
            document["components"]["schemas"]["B"]["example"],
            json!({"enum": [1], "default": 1})
        );
    }
}

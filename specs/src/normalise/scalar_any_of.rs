//! An `anyOf` whose branches are all scalars (strings, numbers, booleans,
//! enums of them) becomes a `oneOf` for the SDK's types. typify makes an
//! `anyOf` a struct of optional flattened members, which no number or string
//! deserialises into (Akua's `col_span: {anyOf: [{type: number, enum: [1]},
//! ...]}` refused `1`); a `oneOf` becomes an untagged enum, which takes the
//! first branch a value fits, so every valid instance still deserialises.

use serde_json::Value;

use super::relaxed;

/// Rewrites scalar `anyOf`s everywhere under `node`.
pub fn rewrite(node: &mut Value) {
    match node {
        Value::Object(object) => {
            let scalar = object
                .get("anyOf")
                .and_then(Value::as_array)
                .is_some_and(|branches| !branches.is_empty() && branches.iter().all(is_scalar));
            if scalar && !object.contains_key("oneOf") {
                if let Some(branches) = object.shift_remove("anyOf") {
                    object.insert("oneOf".into(), branches);
                    relaxed::note(object, "anyOf");
                }
            }
            for (key, value) in object.iter_mut() {
                // Values, not schemas.
                if !["default", "enum", "example", "examples", "const"].contains(&key.as_str()) {
                    rewrite(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite),
        _ => {}
    }
}

/// A schema only scalars satisfy: a scalar `type`, or an `enum`/`const` of
/// scalars, with no nested composition.
fn is_scalar(schema: &Value) -> bool {
    let Some(schema) = schema.as_object() else {
        return false;
    };
    if ["anyOf", "oneOf", "allOf", "$ref", "not"]
        .iter()
        .any(|k| schema.contains_key(*k))
    {
        return false;
    }
    let scalar_value = |v: &Value| !(v.is_object() || v.is_array());
    match schema.get("type").and_then(Value::as_str) {
        Some("string" | "number" | "integer" | "boolean") => true,
        Some(_) => false,
        None => {
            schema
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|values| values.iter().all(scalar_value))
                || schema.get("const").is_some_and(scalar_value)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn scalar_any_ofs_become_one_ofs_others_stay() {
        let mut document = json!({
            "span": {"anyOf": [{"type": "number", "enum": [1]}, {"type": "number", "enum": [2]}]},
            "mixed": {"anyOf": [{"type": "string"}, {"type": "object"}]},
            "refs": {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "string"}]},
            "single": {"anyOf": [{"type": "string"}]}
        });
        rewrite(&mut document);
        assert_eq!(
            document["span"],
            json!({"oneOf": [{"type": "number", "enum": [1]}, {"type": "number", "enum": [2]}], "x-sdk-relaxed": ["anyOf"]})
        );
        assert!(document["mixed"].get("anyOf").is_some());
        assert!(document["refs"].get("anyOf").is_some());
        assert!(document["single"].get("oneOf").is_some());
    }
}

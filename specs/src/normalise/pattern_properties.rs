//! `patternProperties` become a map: `additionalProperties` takes the one
//! schema every member not named in `properties` may have. With one pattern
//! and `additionalProperties: false`, that is the pattern's schema; else,
//! since a key may match no pattern (or several), any value.

use serde_json::{Map, Value, json};

use super::relaxed;

/// Rewrites `patternProperties` on one schema object.
pub fn to_map(schema: &mut Map<String, Value>) {
    let Some(patterns) = schema.shift_remove("patternProperties") else {
        return;
    };
    relaxed::note(schema, "patternProperties");
    let values: Vec<Value> = patterns
        .as_object()
        .map(|p| p.values().cloned().collect())
        .unwrap_or_default();
    let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
    let value_schema = match values.as_slice() {
        [only] if closed => only.clone(),
        [] if closed => return,
        _ => json!({}),
    };
    schema.insert("additionalProperties".into(), value_schema);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(mut schema: Value) -> Value {
        to_map(schema.as_object_mut().unwrap());
        schema
    }

    #[test]
    fn one_closed_pattern_is_a_typed_map() {
        assert_eq!(
            rewritten(
                json!({"type": "object", "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": false})
            ),
            json!({"type": "object", "additionalProperties": {"type": "string"}, "x-sdk-relaxed": ["patternProperties"]})
        );
    }

    #[test]
    fn open_or_several_patterns_admit_any_value() {
        assert_eq!(
            rewritten(
                json!({"patternProperties": {"^a": {"type": "string"}}, "additionalProperties": {"type": "integer"}})
            ),
            json!({"additionalProperties": {}, "x-sdk-relaxed": ["patternProperties"]})
        );
        assert_eq!(
            rewritten(
                json!({"patternProperties": {"^a": {"type": "string"}, "^b": {"type": "integer"}}, "additionalProperties": false})
            ),
            json!({"additionalProperties": {}, "x-sdk-relaxed": ["patternProperties"]})
        );
    }
}

//! Tuples (`prefixItems`, or 2019-09's array-valued `items`) have no
//! OpenAPI 3.0 form progenitor reads: the array's items become any value
//! (`serde_json::Value` each), which every tuple instance is.

use serde_json::{Map, Value, json};

use super::relaxed;

/// Rewrites a tuple schema on one schema object.
pub fn to_array(schema: &mut Map<String, Value>) {
    let prefix = schema.shift_remove("prefixItems");
    let tuple_items = schema.get("items").is_some_and(Value::is_array);
    if prefix.is_none() && !tuple_items {
        return;
    }
    schema.shift_remove("additionalItems");
    relaxed::note(
        schema,
        if prefix.is_some() {
            "prefixItems"
        } else {
            "items"
        },
    );
    schema.insert("items".into(), json!({}));
    schema.entry("type").or_insert_with(|| json!("array"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tuples_become_arrays_of_any_value() {
        for mut schema in [
            json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false}),
            json!({"type": "array", "items": [{"type": "string"}], "additionalItems": false}),
        ] {
            to_array(schema.as_object_mut().unwrap());
            assert_eq!(schema["items"], json!({}));
            assert_eq!(schema["type"], json!("array"));
            assert!(schema.get("prefixItems").is_none() && schema.get("additionalItems").is_none());
        }
        let mut plain = json!({"type": "array", "items": {"type": "string"}});
        to_array(plain.as_object_mut().unwrap());
        assert_eq!(plain, json!({"type": "array", "items": {"type": "string"}}));
    }
}

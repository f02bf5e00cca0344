//! `type` lists with several non-null types become a `oneOf` with one
//! branch per type, each keeping the keywords that apply to it: typify
//! makes an untagged enum of them. `integer` beside `number` is folded into
//! `number`, so the branches never overlap.

use serde_json::{Map, Value, json};

use super::relaxed;

/// Keywords that constrain only one type's instances.
const BY_TYPE: &[(&str, &[&str])] = &[
    ("string", &["minLength", "maxLength", "pattern", "format"]),
    (
        "number",
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "format",
        ],
    ),
    (
        "integer",
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "format",
        ],
    ),
    ("array", &["items", "minItems", "maxItems", "uniqueItems"]),
    (
        "object",
        &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
        ],
    ),
];

/// Splits a `type` list of several non-null types on one schema object;
/// a `null` member becomes `nullable: true`.
pub fn split(schema: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = schema.get("type") else {
        return;
    };
    let mut names: Vec<String> = types
        .iter()
        .filter_map(Value::as_str)
        .filter(|t| *t != "null")
        .map(str::to_string)
        .collect();
    if names.len() < 2 {
        return;
    }
    let nullable = types.iter().any(|t| t == "null");
    if names.iter().any(|t| t == "number") {
        names.retain(|t| t != "integer");
    }
    schema.shift_remove("type");
    let mut branches = Vec::new();
    for name in &names {
        let mut branch = Map::new();
        branch.insert("type".into(), json!(name));
        if let Some((_, keywords)) = BY_TYPE.iter().find(|(t, _)| t == name) {
            for keyword in *keywords {
                if let Some(value) = schema.get(*keyword) {
                    branch.insert((*keyword).to_string(), value.clone());
                }
            }
        }
        branches.push(Value::Object(branch));
    }
    for (_, keywords) in BY_TYPE {
        for keyword in *keywords {
            schema.shift_remove(*keyword);
        }
    }
    if names.len() == 1 {
        let only = branches.remove(0);
        for (key, value) in only.as_object().into_iter().flatten() {
            schema.insert(key.clone(), value.clone());
        }
    } else {
        schema.insert("oneOf".into(), Value::Array(branches));
    }
    if nullable {
        schema.insert("nullable".into(), json!(true));
    }
    relaxed::note(schema, "type");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(mut schema: Value) -> Value {
        split(schema.as_object_mut().unwrap());
        schema
    }

    #[test]
    fn each_type_gets_its_branch_and_keywords() {
        assert_eq!(
            rewritten(
                json!({"type": ["string", "array", "null"], "maxLength": 3, "items": {"type": "string"}, "description": "d"})
            ),
            json!({
                "description": "d",
                "oneOf": [{"type": "string", "maxLength": 3}, {"type": "array", "items": {"type": "string"}}],
                "nullable": true,
                "x-sdk-relaxed": ["type"]
            })
        );
    }

    #[test]
    fn integer_folds_into_number_and_single_types_stay() {
        assert_eq!(
            rewritten(json!({"type": ["integer", "number"], "minimum": 0})),
            json!({"type": "number", "minimum": 0, "x-sdk-relaxed": ["type"]})
        );
        assert_eq!(
            rewritten(json!({"type": ["string", "null"]})),
            json!({"type": ["string", "null"]})
        );
    }
}

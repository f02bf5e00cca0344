//! Deterministic, schema-valid example data, for responses whose document
//! gives no example. Like Prism's static examples: a schema's own `example`
//! (or first `examples` entry, `default`, `const` or `enum` value) where it
//! has one, else a value built from its type and constraints.

use serde_json::{Map, Value, json};

use crate::resolve::Document;

/// A value satisfying `schema` (references resolved against `document`).
pub fn synthesize(document: Document<'_>, schema: &Value) -> Value {
    value(document, schema, "", 0)
}

fn value(document: Document<'_>, schema: &Value, name: &str, depth: usize) -> Value {
    let Some(schema) = document.deref(schema) else {
        return Value::Null;
    };
    if depth > 24 {
        // A recursive schema: stop where null or an empty container is allowed.
        return if document.is_nullable(schema) {
            Value::Null
        } else {
            json!({})
        };
    }
    if let Some(example) = schema
        .get("example")
        .or_else(|| schema.get("examples").and_then(|e| e.get(0)))
        .or_else(|| schema.get("default"))
        .or_else(|| schema.get("const"))
        .or_else(|| schema.get("enum").and_then(|e| e.get(0)))
    {
        return example.clone();
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(branches) = schema.get(keyword).and_then(Value::as_array) {
            // The first branch that is not just `null`.
            let branch = branches.iter().find(|b| {
                document
                    .deref(b)
                    .is_some_and(|b| Document::types(b) != ["null"])
            });
            if let Some(branch) = branch {
                return value(document, branch, name, depth + 1);
            }
            return Value::Null;
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            match value(document, part, name, depth + 1) {
                Value::Object(members) => merged.extend(members),
                other if parts.len() == 1 => return other,
                _ => {}
            }
        }
        return Value::Object(merged);
    }
    let types = Document::types(schema);
    let kind = types
        .iter()
        .find(|t| **t != "null")
        .copied()
        .unwrap_or_else(|| {
            if schema.get("properties").is_some() {
                "object"
            } else if schema.get("items").is_some() {
                "array"
            } else if types.contains(&"null") {
                "null"
            } else {
                "object"
            }
        });
    match kind {
        "null" => Value::Null,
        "boolean" => Value::Bool(true),
        "integer" => json!(number(schema, 1.0) as i64),
        "number" => json!(number(schema, 1.5)),
        "string" => Value::String(string(schema, name)),
        "array" => {
            let count = schema
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .max(1);
            let items = schema.get("items").cloned().unwrap_or(json!({}));
            Value::Array(
                (0..count)
                    .map(|_| value(document, &items, name, depth + 1))
                    .collect(),
            )
        }
        _ => {
            let mut object = Map::new();
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (member, property) in properties {
                    object.insert(member.clone(), value(document, property, member, depth + 1));
                }
            }
            Value::Object(object)
        }
    }
}

fn number(schema: &Value, fallback: f64) -> f64 {
    let minimum = schema.get("minimum").and_then(Value::as_f64);
    let maximum = schema.get("maximum").and_then(Value::as_f64);
    let exclusive_minimum = schema.get("exclusiveMinimum").and_then(Value::as_f64);
    match (minimum, exclusive_minimum, maximum) {
        (Some(min), _, _) => min.max(fallback.min(maximum.unwrap_or(f64::MAX))),
        (None, Some(min), _) => min + 1.0,
        (None, None, Some(max)) => fallback.min(max),
        (None, None, None) => fallback,
    }
}

fn string(schema: &Value, name: &str) -> String {
    let base = match schema.get("format").and_then(Value::as_str) {
        Some("uuid") => return "3fa85f64-5717-4562-b3fc-2c963f66afa6".into(),
        Some("date-time") => return "2026-01-01T00:00:00Z".into(),
        Some("date") => return "2026-01-01".into(),
        Some("time") => return "00:00:00Z".into(),
        Some("email") => return "user@example.com".into(),
        Some("uri" | "url") => return "https://example.com/".into(),
        Some("hostname") => return "example.com".into(),
        Some("ipv4") => return "192.0.2.1".into(),
        Some("ipv6") => return "2001:db8::1".into(),
        Some("byte") => return "ZXhhbXBsZQ==".into(),
        _ if name.is_empty() => "string".to_string(),
        _ => name.to_string(),
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
    let mut text: String = base.chars().take(max).collect();
    while text.chars().count() < min {
        text.push('x');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synth(schema: Value) -> Value {
        let document =
            json!({"components": {"schemas": {"T": {"type": "string", "format": "uuid"}}}});
        synthesize(Document(&document), &schema)
    }

    #[test]
    fn scalars_respect_formats_and_bounds() {
        assert_eq!(
            synth(json!({"type": "string", "format": "date-time"})),
            json!("2026-01-01T00:00:00Z")
        );
        assert_eq!(
            synth(json!({"type": "string", "minLength": 8})),
            json!("stringxx")
        );
        assert_eq!(
            synth(json!({"type": "string", "maxLength": 3})),
            json!("str")
        );
        assert_eq!(synth(json!({"type": "integer", "minimum": 0})), json!(1));
        assert_eq!(synth(json!({"type": "integer", "minimum": 5})), json!(5));
        assert_eq!(synth(json!({"type": ["integer", "null"]})), json!(1));
        assert_eq!(synth(json!({"enum": ["b", "a"]})), json!("b"));
        assert_eq!(
            synth(json!({"$ref": "#/components/schemas/T"})),
            json!("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        );
    }

    #[test]
    fn objects_unions_and_arrays() {
        assert_eq!(
            synth(json!({"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "owner": {"anyOf": [{"type": "null"}, {"type": "object", "properties": {"kind": {"const": "user"}}}]}
            }})),
            json!({"id": "id", "tags": ["tags"], "owner": {"kind": "user"}})
        );
    }
}

//! Following local `$ref`s inside one resolved document.

use serde_json::Value;

/// A document whose `#/...` references can be followed.
#[derive(Clone, Copy)]
pub struct Document<'a>(pub &'a Value);

impl<'a> Document<'a> {
    /// `schema` with any chain of references followed; `None` if one dangles
    /// or the chain is longer than any sane document needs.
    pub fn deref(self, schema: &'a Value) -> Option<&'a Value> {
        let mut schema = schema;
        for _ in 0..16 {
            match schema.get("$ref").and_then(Value::as_str) {
                Some(reference) => schema = self.0.pointer(reference.strip_prefix('#')?)?,
                None => return Some(schema),
            }
        }
        None
    }

    /// The schema's `type` keywords: `"string"` or `["string", "null"]` as a list.
    pub fn types(schema: &Value) -> Vec<&str> {
        match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// The schema's `required` member names.
    pub fn required(schema: &Value) -> Vec<&str> {
        schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    }

    /// Whether the schema admits `null` (3.1 `type` lists and unions, 3.0 `nullable`).
    pub fn is_nullable(self, schema: &Value) -> bool {
        schema.get("nullable") == Some(&Value::Bool(true))
            || Self::types(schema).contains(&"null")
            || ["anyOf", "oneOf"].iter().any(|k| {
                schema
                    .get(*k)
                    .and_then(Value::as_array)
                    .is_some_and(|branches| {
                        branches
                            .iter()
                            .any(|b| self.deref(b).is_some_and(|b| Self::types(b) == ["null"]))
                    })
            })
    }
}

//! `additionalProperties: false` on a branch of an `allOf` forbids the
//! properties the other branches declare, so the conjunction admits no
//! object with both (Akua's `DashboardRevisionMutationResponse`: a closed
//! `DashboardRevision` plus a closed `{dashboard_etag}`); typify makes it an
//! enum with no variants, which nothing deserialises into. For the SDK, each
//! branch of a multi-branch `allOf` is opened: an inline branch loses the
//! keyword, a referenced closed object is inlined without it (its own
//! sub-schemas stay references).

use serde_json::{Map, Value};

use super::relaxed;

/// Opens the closed branches of every `allOf` with more than one branch.
pub fn open(document: &mut Value) {
    let schemas = document
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    open_under(document, &schemas);
}

fn open_under(node: &mut Value, schemas: &Value) {
    match node {
        Value::Object(object) => {
            if let Some(Value::Array(branches)) = object.get_mut("allOf")
                && branches.len() > 1
            {
                let mut opened = false;
                for branch in branches.iter_mut() {
                    opened |= open_branch(branch, schemas);
                }
                if opened {
                    relaxed::note(object, "additionalProperties");
                }
            }
            for (key, value) in object.iter_mut() {
                if !["default", "enum", "example", "examples"].contains(&key.as_str()) {
                    open_under(value, schemas);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| open_under(v, schemas)),
        _ => {}
    }
}

/// Opens one branch; whether it was closed.
fn open_branch(branch: &mut Value, schemas: &Value) -> bool {
    let target = branch
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(crate::pointer::schema_ref_name)
        .and_then(|name| schemas.get(&name))
        .cloned();
    if let Some(Value::Object(mut referenced)) = target {
        if !is_closed(&referenced) {
            return false;
        }
        referenced.shift_remove("additionalProperties");
        *branch = Value::Object(referenced);
        return true;
    }
    match branch.as_object_mut() {
        Some(object) if is_closed(object) => {
            object.shift_remove("additionalProperties");
            true
        }
        _ => false,
    }
}

fn is_closed(schema: &Map<String, Value>) -> bool {
    schema.get("additionalProperties") == Some(&Value::Bool(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn closed_branches_of_a_conjunction_are_opened() {
        let mut document = json!({"components": {"schemas": {
            "Base": {"type": "object", "properties": {"id": {"$ref": "#/components/schemas/Id"}}, "additionalProperties": false},
            "Id": {"type": "string"},
            "Both": {"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "properties": {"etag": {"type": "string"}}, "additionalProperties": false}
            ]},
            "Single": {"allOf": [{"$ref": "#/components/schemas/Base"}], "nullable": true}
        }}});
        open(&mut document);
        let schemas = &document["components"]["schemas"];
        assert_eq!(
            schemas["Both"],
            json!({"allOf": [
                {"type": "object", "properties": {"id": {"$ref": "#/components/schemas/Id"}}},
                {"type": "object", "properties": {"etag": {"type": "string"}}}
            ], "x-sdk-relaxed": ["additionalProperties"]})
        );
        // One branch is a reference with attributes (nullability), not a conjunction.
        assert_eq!(
            schemas["Single"],
            json!({"allOf": [{"$ref": "#/components/schemas/Base"}], "nullable": true})
        );
        // The component itself stays closed.
        assert_eq!(schemas["Base"]["additionalProperties"], json!(false));
    }
}

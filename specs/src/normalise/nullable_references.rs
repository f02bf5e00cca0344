//! A named schema is never nullable (typify would emit `struct T(Option<T>)`);
//! the nullability moves to each reference (`allOf: [$ref], nullable: true`).

use std::collections::HashSet;

use serde_json::{Value, json};

/// Named schemas lose `nullable`; every reference to one gains it.
pub fn move_to_references(document: &mut Value) {
    let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut nullable = HashSet::new();
    for (name, schema) in schemas.iter_mut() {
        if let Some(object) = schema.as_object_mut()
            && object.shift_remove("nullable") == Some(json!(true))
        {
            nullable.insert(format!("#/components/schemas/{name}"));
        }
    }
    if !nullable.is_empty() {
        wrap_references(document, &nullable);
    }
}

fn wrap_references(node: &mut Value, targets: &HashSet<String>) {
    match node {
        Value::Object(object) => {
            let is_target = object
                .get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|r| targets.contains(r));
            if is_target {
                let reference = object.shift_remove("$ref").expect("checked above");
                object.insert("allOf".into(), json!([{ "$ref": reference }]));
                object.insert("nullable".into(), json!(true));
                return;
            }
            for value in object.values_mut() {
                wrap_references(value, targets);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| wrap_references(v, targets)),
        _ => {}
    }
}

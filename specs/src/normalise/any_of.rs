//! An `anyOf` becomes a `oneOf` for the SDK's types. typify makes an
//! `anyOf` a struct of optional flattened members, which no number or string
//! deserialises into (Akua's `col_span: {anyOf: [{type: number, enum: [1]},
//! ...]}` refused `1`) and whose JSON Schema demands more than the document
//! (Akua's `ClusterCapabilitiesFreshness`); a `oneOf` becomes an untagged
//! enum, which takes the first branch a value fits, so every valid instance
//! still deserialises.
//!
//! First, a union whose every branch is one value of one type (Akua's
//! `col_span` again) becomes the `enum` of those values: the same set of
//! instances, and one type in the SDK (`WidgetColSpan`, checked on
//! conversion) instead of an enum of four numbered wrappers.

use serde_json::{Map, Value};

use super::{each_schema, relaxed};

/// Rewrites `anyOf`s everywhere under `node`.
pub fn rewrite(node: &mut Value) {
    each_schema(node, &mut |object| {
        merge_single_values(object);
        let union = object
            .get("anyOf")
            .and_then(Value::as_array)
            .is_some_and(|branches| !branches.is_empty());
        if union
            && !object.contains_key("oneOf")
            && let Some(branches) = object.shift_remove("anyOf")
        {
            object.insert("oneOf".into(), branches);
            relaxed::note(object, "anyOf");
        }
    });
}

/// `{anyOf|oneOf: [{type: T, enum: [a]}, {type: T, const: b}, ...]}` ->
/// `{type: T, enum: [a, b, ...]}`, where every branch says nothing else
/// (a `description` aside) and the union sits beside no other union.
fn merge_single_values(object: &mut Map<String, Value>) {
    let unions: Vec<&str> = ["anyOf", "oneOf"]
        .into_iter()
        .filter(|k| object.contains_key(*k))
        .collect();
    let [union] = unions[..] else {
        return;
    };
    let Some(Value::Array(branches)) = object.get(union) else {
        return;
    };
    let single = |branch: &Value| -> Option<(Option<Value>, Value)> {
        let branch = branch.as_object()?;
        let extra = branch
            .keys()
            .any(|k| !["type", "enum", "const", "description"].contains(&k.as_str()));
        let value = match (branch.get("const"), branch.get("enum")) {
            (Some(value), None) => value.clone(),
            (None, Some(Value::Array(values))) if values.len() == 1 => values[0].clone(),
            _ => return None,
        };
        (!extra).then(|| (branch.get("type").cloned(), value))
    };
    let Some(singles) = branches.iter().map(single).collect::<Option<Vec<_>>>() else {
        return;
    };
    let types: Vec<&Option<Value>> = singles.iter().map(|(t, _)| t).collect();
    if singles.len() < 2 || types.iter().any(|t| *t != types[0]) || object.contains_key("enum") {
        return;
    }
    let mut values: Vec<Value> = Vec::new();
    for (_, value) in &singles {
        if !values.contains(value) {
            values.push(value.clone());
        }
    }
    let declared = singles[0].0.clone();
    object.shift_remove(union);
    if let Some(declared) = declared {
        object.entry("type").or_insert(declared);
    }
    object.insert("enum".into(), Value::Array(values));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn unions_of_single_values_become_one_enum() {
        let mut document = json!({"components": {"schemas": {
            "span": {"description": "Columns.", "anyOf": [
                {"type": "number", "enum": [1]}, {"type": "number", "const": 2}, {"type": "number", "enum": [2]}
            ]},
            "mode": {"oneOf": [{"const": "a", "description": "A."}, {"const": "b"}]},
            "mixed_types": {"anyOf": [{"type": "number", "enum": [1]}, {"type": "string", "enum": ["1"]}]},
            "wider": {"anyOf": [{"type": "number", "enum": [1]}, {"type": "number", "minimum": 3}]},
            "two_values": {"oneOf": [{"enum": [1, 2]}, {"enum": [3]}]}
        }}});
        rewrite(&mut document);
        let document = &document["components"]["schemas"];
        assert_eq!(
            document["span"],
            json!({"description": "Columns.", "type": "number", "enum": [1, 2]})
        );
        assert_eq!(document["mode"], json!({"enum": ["a", "b"]}));
        for kept in ["mixed_types", "wider", "two_values"] {
            assert!(document[kept].get("oneOf").is_some(), "{kept}");
        }
    }

    #[test]
    fn any_ofs_become_one_ofs() {
        let mut document = json!({"components": {"schemas": {
            "span": {"anyOf": [{"type": "number", "enum": [1]}, {"type": "string"}]},
            "mixed": {"anyOf": [{"type": "string"}, {"type": "object"}]},
            "refs": {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "string"}]},
            "single": {"anyOf": [{"type": "string"}]}
        }}});
        rewrite(&mut document);
        let document = &document["components"]["schemas"];
        assert_eq!(
            document["span"],
            json!({"oneOf": [{"type": "number", "enum": [1]}, {"type": "string"}], "x-sdk-relaxed": ["anyOf"]})
        );
        assert!(document["mixed"].get("oneOf").is_some());
        assert!(document["refs"].get("oneOf").is_some());
        assert!(document["single"].get("oneOf").is_some());
    }
}

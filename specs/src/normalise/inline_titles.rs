//! A `title` that names more than one inline schema, or a component too,
//! goes from those inline schemas. typify names an inline type after its
//! title and takes two types of one name for the same type: Prefect's
//! `{"const": "accept_details", "title": "Type"}` became the `Type` enum of
//! another property, whose only value is `"call-webhook"`, so no valid
//! `StateAcceptDetails` deserialised. Without the title, typify names the
//! type after where it is (`StateAcceptDetailsType`). Titles that name one
//! schema stay: they give the SDK its type names.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::each_schema_in;
use crate::walk::{Kind, Single, child_kind};

/// Drops the titles that would name two different types.
pub fn drop_shared(document: &mut Value) {
    let components: BTreeSet<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    // Each title's inline schemas, as text without the title.
    let mut named: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    each_inline_schema(document, &mut |schema| {
        if let Some(Value::String(title)) = schema.get("title") {
            let mut untitled = schema.clone();
            untitled.remove("title");
            named
                .entry(title.clone())
                .or_default()
                .insert(Value::Object(untitled).to_string());
        }
    });
    let shared: BTreeSet<String> = named
        .into_iter()
        .filter(|(title, schemas)| schemas.len() > 1 || components.contains(title))
        .map(|(title, _)| title)
        .collect();
    if shared.is_empty() {
        return;
    }
    each_inline_schema(document, &mut |schema| {
        if matches!(schema.get("title"), Some(Value::String(title)) if shared.contains(title)) {
            schema.remove("title");
        }
    });
}

/// Calls `rule` on every schema object but the components themselves: those
/// under `paths` and inside each component.
fn each_inline_schema(document: &mut Value, rule: &mut impl FnMut(&mut Map<String, Value>)) {
    if let Some(paths) = document.get_mut("paths") {
        each_schema_in(paths, Kind::MapOf(Single::PathItem), rule);
    }
    let components = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut);
    for component in components.into_iter().flat_map(|c| c.values_mut()) {
        let Some(members) = component.as_object_mut() else {
            continue;
        };
        for (key, value) in members.iter_mut() {
            each_schema_in(value, child_kind(Kind::One(Single::Schema), key), rule);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_titles_naming_two_types_go() {
        let mut document = json!({
            "components": {"schemas": {
                "Accept": {"title": "Accept", "properties": {
                    "type": {"const": "accept", "title": "Type"},
                    "mode": {"type": "string", "title": "Mode"},
                    "status": {"type": "string", "title": "Reject"}
                }},
                "Reject": {"title": "Reject", "properties": {
                    "type": {"const": "reject", "title": "Type"},
                    "mode": {"type": "string", "title": "Mode"}
                }}
            }},
            "paths": {"/a": {"get": {"parameters": [
                {"name": "t", "in": "query", "schema": {"const": "x", "title": "Type"}}
            ]}}}
        });
        drop_shared(&mut document);
        let schemas = &document["components"]["schemas"];
        // Three different schemas called `Type`: no title.
        assert_eq!(
            schemas["Accept"]["properties"]["type"],
            json!({"const": "accept"})
        );
        assert_eq!(
            schemas["Reject"]["properties"]["type"],
            json!({"const": "reject"})
        );
        assert_eq!(
            document["paths"]["/a"]["get"]["parameters"][0]["schema"],
            json!({"const": "x"})
        );
        // The same schema twice keeps its name; so do the components.
        assert_eq!(schemas["Reject"]["properties"]["mode"]["title"], "Mode");
        assert_eq!(schemas["Accept"]["title"], "Accept");
        // A component's name on an inline schema goes.
        assert_eq!(
            schemas["Accept"]["properties"]["status"],
            json!({"type": "string"})
        );
    }
}

//! Parameter schemas progenitor cannot take, relaxed for the SDK (each
//! noted in the schema's `x-sdk-relaxed`):
//!
//! - a path parameter whose schema is a composition (`anyOf`, `oneOf`,
//!   `allOf`) becomes a plain string. typify makes such a schema a struct
//!   (Prefect's `id_or_name: {anyOf: [{type: string, format: uuid}, {type:
//!   string}]}`), and progenitor then asserts that only a request body has a
//!   struct-typed setter. A path segment is text on the wire, so a string
//!   takes every value the document allows;
//! - a header parameter whose schema is a composition, an array or an
//!   object becomes a plain string the same way: progenitor writes a header
//!   with `to_string()`, which a `Vec` or a struct lacks (OpenAI's
//!   `OpenAI-Beta` list). The caller writes the header's text (`simple`
//!   style: `a,b`);
//! - `nullable` goes from every parameter's schema: progenitor would hold an
//!   optional parameter as `Option<Option<T>>` and print the inner `Option`
//!   into a header (Prefect's `x-prefect-ui: {anyOf: [{type: boolean},
//!   {type: null}]}`). A parameter has no null on the wire; leaving it out is
//!   the one way to send none.

use serde_json::{Map, Value, json};

use super::{path_items, relaxed};
use crate::walk::METHODS;

const COMPOSITIONS: [&str; 3] = ["anyOf", "oneOf", "allOf"];

/// Relaxes the parameters of `document`, declared on a path item, an
/// operation or in `components.parameters`.
pub fn relax(document: &mut Value) {
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let relax = |parameter: &mut Value| relax_parameter(parameter, &schemas);
    if let Some(parameters) = document
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        parameters.values_mut().for_each(relax);
    }
    for item in path_items(document) {
        if let Some(Value::Array(parameters)) = item.get_mut("parameters") {
            parameters.iter_mut().for_each(relax);
        }
        for method in METHODS {
            if let Some(Value::Array(parameters)) =
                item.get_mut(method).and_then(|o| o.get_mut("parameters"))
            {
                parameters.iter_mut().for_each(relax);
            }
        }
    }
}

fn relax_parameter(parameter: &mut Value, schemas: &Map<String, Value>) {
    let place = parameter.get("in").and_then(Value::as_str);
    let (path, header) = (place == Some("path"), place == Some("header"));
    let Some(Value::Object(schema)) = parameter.get_mut("schema") else {
        return;
    };
    if schema.shift_remove("nullable").is_some() {
        relaxed::note(schema, "nullable");
    }
    if !path && !header {
        return;
    }
    // A reference to a composed component counts as composed (one level).
    let target = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(|name| schemas.get(name))
        .cloned()
        .unwrap_or_else(|| Value::Object(schema.clone()));
    let structured = header
        && matches!(
            target.get("type").and_then(Value::as_str),
            Some("array" | "object")
        );
    let Some(keyword) = composition(&target).or(structured.then_some("type")) else {
        return;
    };
    let mut plain = Map::new();
    plain.insert("type".into(), json!("string"));
    for annotation in ["title", "description"] {
        if let Some(value) = schema.get(annotation) {
            plain.insert(annotation.into(), value.clone());
        }
    }
    relaxed::note(&mut plain, keyword);
    *schema = plain;
}

fn composition(schema: &Value) -> Option<&'static str> {
    COMPOSITIONS
        .into_iter()
        .find(|keyword| schema.get(*keyword).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composed_path_parameters_become_strings_others_stay() {
        let id_or_name = json!({
            "name": "id_or_name", "in": "path", "required": true,
            "schema": {"anyOf": [{"type": "string", "format": "uuid"}, {"type": "string"}], "title": "Id Or Name"}
        });
        let query = json!({"name": "q", "in": "query", "schema": {"anyOf": [{"type": "string"}, {"type": "integer"}]}});
        let header = json!({"name": "x-ui", "in": "header", "schema": {"type": "boolean", "nullable": true}});
        let plain =
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
        let mut document = json!({
            "paths": {"/a/{id_or_name}/{id}/{named}": {
                "parameters": [plain],
                "get": {"parameters": [
                    id_or_name, query, header,
                    {"name": "named", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/Either"}}
                ]}
            }},
            "components": {
                "schemas": {"Either": {"oneOf": [{"type": "string"}, {"type": "integer"}]}},
                "parameters": {"P": {"name": "p", "in": "path", "required": true, "schema": {"allOf": [{"type": "string"}]}}}
            }
        });
        relax(&mut document);
        let item = &document["paths"]["/a/{id_or_name}/{id}/{named}"];
        assert_eq!(
            item["get"]["parameters"][0]["schema"],
            json!({"type": "string", "title": "Id Or Name", "x-sdk-relaxed": ["anyOf"]})
        );
        assert_eq!(item["get"]["parameters"][1], query);
        assert_eq!(
            item["get"]["parameters"][3]["schema"],
            json!({"type": "string", "x-sdk-relaxed": ["oneOf"]})
        );
        assert_eq!(
            item["get"]["parameters"][2]["schema"],
            json!({"type": "boolean", "x-sdk-relaxed": ["nullable"]})
        );
        assert_eq!(item["parameters"][0], plain);
        assert_eq!(
            document["components"]["parameters"]["P"]["schema"],
            json!({"type": "string", "x-sdk-relaxed": ["allOf"]})
        );
    }

    #[test]
    fn list_headers_become_strings() {
        let mut document = json!({"paths": {"/a": {"get": {"parameters": [
            {"name": "OpenAI-Beta", "in": "header", "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
        ]}}}});
        relax(&mut document);
        let parameters = &document["paths"]["/a"]["get"]["parameters"];
        assert_eq!(
            parameters[0]["schema"],
            json!({"type": "string", "x-sdk-relaxed": ["type"]})
        );
        assert_eq!(
            parameters[1]["schema"]["type"], "array",
            "a query list stays a list"
        );
    }
}

//! Error bodies in each API's own shape.
//!
//! When the mock refuses a request it answers with the body the document
//! declares for the status it picks, filled in with what went wrong. The shape
//! is read from the schema, by member name and type, never by provider:
//!
//! | member (type)                                   | filled with               |
//! |-------------------------------------------------|---------------------------|
//! | `detail`/`errors` (array of objects)            | one element per problem   |
//! | `detail`/`message`/`msg`/`error`/`title`/`description` (string) | the message |
//! | `loc`/`path`/`location` (array)                 | the problem's location    |
//! | `field`/`pointer`/`param` (string)              | the location, dotted      |
//! | `type`/`code`/`kind`/`reason` (string)          | the problem's kind        |
//! | `code`/`status` (integer)                       | the HTTP status           |
//! | any other required member                       | a synthesised valid value |
//!
//! A body whose schema has no member for the problem but takes members it
//! does not name (`{type: object}`) gets a `message`.
//! Names are compared in lower case, without `_` or `-`, and without an
//! `error` before a word of the table (`errorMessage` is a `message`). Optional
//! members that match nothing are left out.

use serde_json::Value;
use specs::refs::Document;

use super::leak::{Strings, leak, slice, text};
use super::synth::synthesize;
use crate::model::Template;

/// The error body shape for a body of `schema`.
pub fn template(document: Document<'_>, schema: &Value, strings: &mut Strings) -> Template {
    shape(document, schema, "", 0, strings)
}

fn shape(
    document: Document<'_>,
    schema: &Value,
    name: &str,
    depth: usize,
    strings: &mut Strings,
) -> Template {
    let fixed = |schema: &Value| Template::Json(text(&synthesize(document, schema).to_string()));
    let Some(resolved) = document.deref(schema) else {
        return Template::Json("null");
    };
    if depth > 8 || resolved.get("enum").is_some() || resolved.get("const").is_some() {
        return fixed(resolved);
    }
    // `allOf` parts (an error type plus the codes of one status): their
    // members as one object's.
    // Parts without members (a string with a `$ref` and a description):
    // the first part's shape.
    if let Some(parts) = resolved.get("allOf").and_then(Value::as_array) {
        let merged = all_of(document, resolved, parts, depth);
        if merged["properties"]
            .as_object()
            .is_some_and(|p| !p.is_empty())
        {
            return shape(document, &merged, name, depth + 1, strings);
        }
        if let Some(first) = parts.first() {
            return shape(document, first, name, depth + 1, strings);
        }
    }
    // Unions: use the first branch that is not `null`.
    for keyword in ["oneOf", "anyOf"] {
        if let Some(branches) = resolved.get(keyword).and_then(Value::as_array) {
            return match branches.iter().find(|b| {
                document
                    .deref(b)
                    .is_some_and(|b| Document::types(b) != ["null"])
            }) {
                Some(branch) => shape(document, branch, name, depth + 1, strings),
                None => Template::Json("null"),
            };
        }
    }
    let types = Document::types(resolved);
    let kind = types.iter().find(|t| **t != "null").copied().unwrap_or(
        if resolved.get("properties").is_some() {
            "object"
        } else {
            ""
        },
    );
    match (kind, role(name).as_str()) {
        ("array", "detail" | "errors") => {
            let items = resolved.get("items").unwrap_or(&Value::Null);
            let item_kind = document
                .deref(items)
                .map(Document::types)
                .unwrap_or_default();
            if item_kind.contains(&"object")
                || document
                    .deref(items)
                    .is_some_and(|i| i.get("properties").is_some())
            {
                Template::EachProblem(leak(shape(document, items, "", depth + 1, strings)))
            } else {
                fixed(resolved)
            }
        }
        ("array", "loc" | "path" | "location") => Template::Location,
        ("string", "detail" | "message" | "msg" | "error" | "title" | "description") => {
            Template::Message
        }
        ("string", "field" | "pointer" | "param" | "parameter") => Template::LocationText,
        ("string", "type" | "code" | "kind" | "reason") => Template::Kind,
        ("integer", "code" | "status") => Template::Status,
        ("object", _) => {
            let required = Document::required(resolved);
            let properties = resolved.get("properties").and_then(Value::as_object);
            let mut members: Vec<_> = properties
                .into_iter()
                .flatten()
                .filter_map(|(member, property)| {
                    let filled = shape(document, property, member, depth + 1, strings);
                    (has_slot(&filled) || required.contains(&member.as_str()))
                        .then(|| (strings.get(member), filled))
                })
                .collect();
            // An object with no member saying what is wrong or where (a
            // `type` or a `code` alone does not) that takes any other
            // member (`{type: object}`, a resource returned with a 400)
            // gets a `message` (the body itself, or a list element), so
            // the answer still says what is wrong.
            if name.is_empty()
                && !members.iter().any(|(_, member)| names_the_problem(member))
                && admits_any_member(resolved)
                && properties.is_none_or(|p| !p.contains_key("message"))
            {
                members.push(("message", Template::Message));
            }
            Template::Object(slice(members))
        }
        _ => fixed(resolved),
    }
}

/// What a member's name says it holds: lower case, without `_` or `-`, and
/// without an `error` before a word of the table (`errorMessage`, `error_code`).
fn role(name: &str) -> String {
    let plain: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    const ROLES: [&str; 12] = [
        "message",
        "msg",
        "description",
        "detail",
        "title",
        "code",
        "status",
        "type",
        "kind",
        "reason",
        "field",
        "pointer",
    ];
    match plain.strip_prefix("error") {
        Some(rest) if ROLES.contains(&rest) => rest.to_string(),
        _ => plain,
    }
}

/// `schema`'s `allOf` parts merged into one object schema: every part's
/// members (where two parts give one, the one fixing its value with an
/// `enum` or `const`), every part's `required`.
fn all_of(document: Document<'_>, schema: &Value, parts: &[Value], depth: usize) -> Value {
    let mut properties = serde_json::Map::new();
    let mut required: Vec<Value> = Vec::new();
    let mut own = schema.clone();
    if let Some(members) = own.as_object_mut() {
        members.remove("allOf");
    }
    let mut add = |part: &Value| {
        for (member, property) in part
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let fixes = |p: &Value| {
                document
                    .deref(p)
                    .is_some_and(|p| p.get("enum").is_some() || p.get("const").is_some())
            };
            if !properties.contains_key(member) || fixes(property) {
                properties.insert(member.clone(), property.clone());
            }
        }
        for name in part
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !required.contains(name) {
                required.push(name.clone());
            }
        }
    };
    add(&own);
    for part in parts {
        let Some(part) = document.deref(part) else {
            continue;
        };
        match part.get("allOf").and_then(Value::as_array) {
            Some(nested) if depth < 8 => add(&all_of(document, part, nested, depth + 1)),
            _ => add(part),
        }
    }
    serde_json::json!({"type": "object", "properties": properties, "required": required})
}

/// Whether `schema` lets an object have members it does not name, of any
/// value.
fn admits_any_member(schema: &Value) -> bool {
    let open = |keyword: &str| matches!(schema.get(keyword), None | Some(Value::Bool(true)));
    open("additionalProperties")
        && open("unevaluatedProperties")
        && ["patternProperties", "propertyNames", "maxProperties"]
            .iter()
            .all(|keyword| schema.get(*keyword).is_none())
}

/// Whether a template says what is wrong or where.
fn names_the_problem(template: &Template) -> bool {
    match template {
        Template::Object(members) => members.iter().any(|(_, member)| names_the_problem(member)),
        Template::EachProblem(_)
        | Template::Message
        | Template::Location
        | Template::LocationText => true,
        Template::Json(_) | Template::Kind | Template::Status => false,
    }
}

/// Whether a template says anything about the problem (else it is filler).
fn has_slot(template: &Template) -> bool {
    match template {
        Template::Json(_) => false,
        Template::Object(members) => members.iter().any(|(_, member)| has_slot(member)),
        Template::EachProblem(_)
        | Template::Message
        | Template::Location
        | Template::LocationText
        | Template::Kind
        | Template::Status => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn shape_of(document: &Value, schema: &Value) -> String {
        format!(
            "{:?}",
            template(Document(document), schema, &mut Strings::default())
        )
    }

    #[test]
    fn names_are_read_without_case_separators_or_an_error_prefix() {
        assert_eq!(role("errorMessage"), "message");
        assert_eq!(role("error_code"), "code");
        assert_eq!(role("Error-Type"), "type");
        assert_eq!(role("errors"), "errors");
        assert_eq!(role("error"), "error");
        assert_eq!(role("errorId"), "errorid");
        let schema = json!({"type": "object", "properties": {
            "errorCode": {"type": "integer", "examples": ["404"]},
            "errorMessage": {"type": "string"}
        }});
        assert_eq!(
            shape_of(&json!({}), &schema),
            r#"Object([("errorCode", Status), ("errorMessage", Message)])"#
        );
    }

    #[test]
    fn all_of_parts_are_one_object_and_fixed_members_stay_fixed() {
        let document = json!({"components": {"schemas": {"ErrorInfo": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"}
            }
        }}}});
        let schema = json!({"allOf": [
            {"$ref": "#/components/schemas/ErrorInfo"},
            {"type": "object", "properties": {"code": {"enum": ["INVALID_ARGUMENT"]}}}
        ]});
        assert_eq!(
            shape_of(&document, &schema),
            r#"Object([("status", Status), ("code", Json("\"INVALID_ARGUMENT\"")), ("message", Message)])"#
        );
        // Parts without members: the first part's shape.
        let text = json!({"allOf": [{"type": "string"}, {"description": "why"}]});
        assert_eq!(shape_of(&document, &text), "Json(\"\\\"string\\\"\")");
    }
}

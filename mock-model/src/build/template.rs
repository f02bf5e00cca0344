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
//! Optional members that match nothing are left out.

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
    match (kind, name) {
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
            let members = resolved
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(member, property)| {
                    let filled = shape(document, property, member, depth + 1, strings);
                    (has_slot(&filled) || required.contains(&member.as_str()))
                        .then(|| (strings.get(member), filled))
                })
                .collect();
            Template::Object(slice(members))
        }
        _ => fixed(resolved),
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

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

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use specs::refs::Document;

use super::literal::raw_string;
use super::synth::synthesize;

/// The `model::Template` expression for a body of `schema`.
pub fn template_tokens(document: Document<'_>, schema: &Value) -> TokenStream {
    template(document, schema, "", 0)
}

fn template(document: Document<'_>, schema: &Value, name: &str, depth: usize) -> TokenStream {
    let fixed = |schema: &Value| {
        let json = raw_string(&synthesize(document, schema).to_string());
        quote!(Template::Json(#json))
    };
    let Some(resolved) = document.deref(schema) else {
        return quote!(Template::Json("null"));
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
                Some(branch) => template(document, branch, name, depth + 1),
                None => quote!(Template::Json("null")),
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
                let item = template(document, items, "", depth + 1);
                quote!(Template::EachProblem(&#item))
            } else {
                fixed(resolved)
            }
        }
        ("array", "loc" | "path" | "location") => quote!(Template::Location),
        ("string", "detail" | "message" | "msg" | "error" | "title" | "description") => {
            quote!(Template::Message)
        }
        ("string", "field" | "pointer" | "param" | "parameter") => quote!(Template::LocationText),
        ("string", "type" | "code" | "kind" | "reason") => quote!(Template::Kind),
        ("integer", "code" | "status") => quote!(Template::Status),
        ("object", _) => {
            let required = Document::required(resolved);
            let members: Vec<TokenStream> = resolved
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(member, property)| {
                    let filled = template(document, property, member, depth + 1);
                    (has_slot(&filled) || required.contains(&member.as_str()))
                        .then(|| quote!((#member, #filled)))
                })
                .collect();
            quote!(Template::Object(&[#(#members),*]))
        }
        _ => fixed(resolved),
    }
}

/// Whether a template says anything about the problem (else it is filler).
fn has_slot(template: &TokenStream) -> bool {
    let text = template.to_string();
    ["EachProblem", "Message", "Location", "Kind", "Status"]
        .iter()
        .any(|slot| text.contains(&format!("Template :: {slot}")))
}

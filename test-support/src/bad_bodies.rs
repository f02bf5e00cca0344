//! Request bodies that break one constraint of one member, what the `body`
//! rows send: the operation's valid body with one member's value replaced,
//! a required member left out, or an unknown member added. One body per
//! kind of constraint per body schema (at the first member, breadth first,
//! where that kind can be broken alone), not one per member.
//!
//! A body is kept only when the document's schema refuses it at that
//! member and nowhere else, and the member's schema without the keyword
//! takes the new value (both decided by `specs::check`, the `jsonschema`
//! crate, not the mock's own evaluator).

use std::cell::RefCell;
use std::collections::VecDeque;

use serde_json::{Map, Value};
use specs::pointer::{join, join_index};
use specs::{Operation, Provider};

use crate::bodies::{BodyError, json_body, request_body};
use crate::breaking::SdkHandling;
use crate::breaking::{Carrier, Judge, breaking_values};
use crate::documents::{resolve, violations};

/// Members looked at per body, at most: bodies are finite, documents
/// recursive.
const MAX_MEMBERS: usize = 256;

/// The name of the member an `unknown-member` body adds.
pub const UNKNOWN_MEMBER: &str = "contract_suite_unknown";

/// A request body breaking one constraint of one member.
#[derive(Clone, Debug, PartialEq)]
pub struct BadBody {
    /// What it breaks: a parameter's cases (`not-in-enum`, `too-long`, ...),
    /// `not-a-string`/`-an-object`/`-an-array`, `too-few-items`,
    /// `too-many-items`, `missing-member`, `unknown-member`.
    pub case: &'static str,
    /// Where, as a JSON pointer into the body (the object's, for a missing
    /// or unknown member).
    pub pointer: String,
    /// The member's name (an array item's: its array's), which an error
    /// about it carries.
    pub member: String,
    /// The whole body.
    pub body: Value,
    /// What the SDK does with it.
    pub sdk: SdkHandling,
}

/// A member of the valid body, with its schema.
struct Member<'a> {
    pointer: String,
    name: String,
    schema: &'a Value,
    value: &'a Value,
}

/// The operation's bad bodies; none when it takes no JSON body.
pub fn bad_bodies(provider: &Provider, operation: &Operation) -> Result<Vec<BadBody>, BodyError> {
    let Some(valid) = request_body(provider, operation)? else {
        return Ok(Vec::new());
    };
    let Some(found) = json_body(provider, operation) else {
        return Ok(Vec::new());
    };
    // `request_body` has compiled both, or refused.
    let Ok(checker) = found.checker else {
        return Ok(Vec::new());
    };
    let Ok(validator) = checker.validator(&found.schema) else {
        return Ok(Vec::new());
    };
    let refused_at = |body: &Value, pointer: &str| {
        let found = violations(&validator, body);
        !found.is_empty() && found.iter().all(|v| v.pointer == pointer)
    };
    let takes = |schema: &Map<String, Value>, keywords: &[&str], value: &Value| {
        let mut loosened = schema.clone();
        for keyword in keywords {
            loosened.remove(*keyword);
        }
        checker.is_valid(&Value::Object(loosened), value)
    };
    let bad: RefCell<Vec<BadBody>> = RefCell::new(Vec::new());
    let wanted = |case: &str| bad.borrow().iter().all(|b| b.case != case);
    let keep = |case, pointer: &str, member: &str, body, sdk| {
        if wanted(case) {
            bad.borrow_mut().push(BadBody {
                case,
                pointer: pointer.to_string(),
                member: member.to_string(),
                body,
                sdk,
            });
        }
    };
    for member in members(found.document, &found.schema, &valid) {
        let Value::Object(schema) = member.schema else {
            continue;
        };
        let with = |value: &Value| replaced(&valid, &member.pointer, Some(value.clone()));
        let judge = Judge {
            rejects: &|value| refused_at(&with(value), &member.pointer),
            accepts_without: &|keywords, value| takes(schema, keywords, value),
            wanted: &wanted,
        };
        for breaking in breaking_values(schema, Carrier::Json, Some(member.value), &judge) {
            let body = with(&breaking.value);
            keep(
                breaking.case,
                &member.pointer,
                &member.name,
                body,
                breaking.sdk,
            );
        }
        let Value::Object(object) = member.value else {
            continue;
        };
        let required = schema.get("required").and_then(Value::as_array);
        let required = required.filter(|_| wanted("missing-member"));
        for name in required.into_iter().flatten().filter_map(Value::as_str) {
            if !object.contains_key(name) {
                continue;
            }
            let pointer = join(&member.pointer, name);
            let body = replaced(&valid, &pointer, None);
            let mut without = object.clone();
            without.remove(name);
            if refused_at(&body, &member.pointer)
                && takes(schema, &["required"], &Value::Object(without))
            {
                keep(
                    "missing-member",
                    &member.pointer,
                    name,
                    body,
                    SdkHandling::Either,
                );
                break;
            }
        }
        let closed = ["additionalProperties", "unevaluatedProperties"]
            .iter()
            .any(|keyword| schema.get(*keyword) == Some(&Value::Bool(false)));
        if closed && !object.contains_key(UNKNOWN_MEMBER) && wanted("unknown-member") {
            let mut with_unknown = object.clone();
            with_unknown.insert(UNKNOWN_MEMBER.to_string(), Value::from("x"));
            let with_unknown = Value::Object(with_unknown);
            let body = replaced(&valid, &member.pointer, Some(with_unknown.clone()));
            if refused_at(&body, &member.pointer)
                && takes(
                    schema,
                    &["additionalProperties", "unevaluatedProperties"],
                    &with_unknown,
                )
            {
                keep(
                    "unknown-member",
                    &member.pointer,
                    UNKNOWN_MEMBER,
                    body,
                    SdkHandling::Either,
                );
            }
        }
    }
    Ok(bad.into_inner())
}

/// The valid body's members with a schema, breadth first (the body itself
/// first, named `body`); an array stands for its items by its first.
fn members<'a>(document: &'a Value, schema: &'a Value, body: &'a Value) -> Vec<Member<'a>> {
    let mut queue = VecDeque::from([Member {
        pointer: String::new(),
        name: "body".to_string(),
        schema: resolve(document, schema),
        value: body,
    }]);
    let mut found = Vec::new();
    while let Some(member) = queue.pop_front() {
        if found.len() == MAX_MEMBERS {
            break;
        }
        match member.value {
            Value::Object(object) => {
                for (name, value) in object {
                    if let Some(schema) = property_schema(document, member.schema, name, 0) {
                        queue.push_back(Member {
                            pointer: join(&member.pointer, name),
                            name: name.clone(),
                            schema,
                            value,
                        });
                    }
                }
            }
            Value::Array(items) => {
                if let (Some(first), Some(schema)) = (items.first(), member.schema.get("items")) {
                    queue.push_back(Member {
                        pointer: join_index(&member.pointer, 0),
                        name: member.name.clone(),
                        schema: resolve(document, schema),
                        value: first,
                    });
                }
            }
            _ => {}
        }
        found.push(member);
    }
    found
}

/// The schema `schema` gives its property `name`: its own, else one of its
/// `allOf` parts' (branches of `oneOf`/`anyOf` are not followed: which one
/// holds is the body's choice).
fn property_schema<'a>(
    document: &'a Value,
    schema: &'a Value,
    name: &str,
    depth: usize,
) -> Option<&'a Value> {
    if depth > 8 {
        return None;
    }
    if let Some(property) = schema.get("properties").and_then(|p| p.get(name)) {
        return Some(resolve(document, property));
    }
    schema
        .get("allOf")
        .and_then(Value::as_array)?
        .iter()
        .find_map(|part| property_schema(document, resolve(document, part), name, depth + 1))
}

/// `body` with the value at `pointer` replaced (`None`: removed).
fn replaced(body: &Value, pointer: &str, value: Option<Value>) -> Value {
    let mut body = body.clone();
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return value.unwrap_or(Value::Null);
    };
    let last = specs::pointer::unescape(last);
    match (body.pointer_mut(parent), value) {
        (Some(Value::Object(object)), Some(value)) => {
            object.insert(last, value);
        }
        (Some(Value::Object(object)), None) => {
            object.remove(&last);
        }
        (Some(Value::Array(items)), Some(value)) => {
            if let Some(item) = last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *item = value;
            }
        }
        _ => {}
    }
    body
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The bad bodies of the one operation of a document whose request
    /// body is `schema`, valid example `example`, as `(case, pointer)`.
    fn bad(schema: Value, example: Value) -> Vec<(&'static str, String, String, Value)> {
        let document = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/things": {"post": {
                "operationId": "things.create",
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": schema, "example": example
                }}},
                "responses": {"201": {"description": "made"}}
            }}},
            "components": {"schemas": {"Spec": {
                "type": "object",
                "properties": {"email": {"type": "string", "format": "email"}}
            }}}
        });
        let path = std::env::temp_dir().join(format!(
            "bad-bodies-{}-{:?}.json",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::write(&path, document.to_string()).unwrap();
        let provider = specs::load_file(&path, Some("t"), specs::Purpose::Mock).unwrap();
        std::fs::remove_file(&path).unwrap();
        let mut found: Vec<_> = bad_bodies(&provider, &provider.operations[0])
            .unwrap()
            .into_iter()
            .map(|b| (b.case, b.pointer, b.member, b.body))
            .collect();
        found.sort_by(|a, b| (a.1.as_str(), a.0).cmp(&(b.1.as_str(), b.0)));
        found
    }

    #[test]
    fn each_bad_body_breaks_one_constraint_of_one_member() {
        let schema = json!({
            "type": "object",
            "required": ["name", "size"],
            "additionalProperties": false,
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 8, "pattern": "^[a-z]+$"},
                "size": {"type": "integer", "minimum": 1, "maximum": 10},
                "kind": {"type": "string", "enum": ["a", "b"]},
                "tags": {"type": "array", "minItems": 1, "maxItems": 2,
                         "items": {"type": "string", "format": "uuid"}},
                "spec": {"$ref": "#/components/schemas/Spec"}
            }
        });
        let uuid = "0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10";
        let example = json!({"name": "abc", "size": 2, "kind": "a", "tags": [uuid], "spec": {"email": "a@example.com"}});
        let found = bad(schema, example.clone());
        let cases: Vec<(&str, &str, &str)> = found
            .iter()
            .map(|(case, pointer, member, _)| (*case, pointer.as_str(), member.as_str()))
            .collect();
        // The empty name is not `too-short`: it breaks the pattern too.
        // One row per kind: `spec` is no object only in the body's row.
        assert_eq!(
            cases,
            [
                ("missing-member", "", "name"),
                ("not-an-object", "", "body"),
                ("unknown-member", "", UNKNOWN_MEMBER),
                ("not-in-enum", "/kind", "kind"),
                ("breaks-pattern", "/name", "name"),
                ("not-a-string", "/name", "name"),
                ("too-long", "/name", "name"),
                ("above-maximum", "/size", "size"),
                ("below-minimum", "/size", "size"),
                ("not-an-integer", "/size", "size"),
                ("not-an-email", "/spec/email", "email"),
                ("not-an-array", "/tags", "tags"),
                ("too-few-items", "/tags", "tags"),
                ("too-many-items", "/tags", "tags"),
                ("not-a-uuid", "/tags/0", "tags"),
            ]
        );
        let body = |case: &str| {
            found
                .iter()
                .find(|(c, ..)| *c == case)
                .map(|(.., body)| body.clone())
                .unwrap()
        };
        // The rest of the body is the valid one.
        let mut expected = example.clone();
        expected["size"] = json!(11);
        assert_eq!(body("above-maximum"), expected);
        let mut expected = example.clone();
        expected.as_object_mut().unwrap().remove("name");
        assert_eq!(body("missing-member"), expected);
        assert_eq!(body("too-many-items")["tags"], json!([uuid, uuid, uuid]));
        assert_eq!(body("not-a-uuid")["tags"], json!(["not-a-uuid"]));
    }
}

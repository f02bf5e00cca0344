//! Values that must fit their own schema, dropped before progenitor runs.
//!
//! typify checks every `default` (and builds every `enum`) against its
//! schema and stops with `value does not conform to the given schema`,
//! saying neither which value nor where. [`repair`] walks every schema of
//! the normalised document and drops each `default` or `enum` member that
//! breaks its schema, returning each with its pointer.
//!
//! The rules checked are OpenAPI 3.0's as the normalised document states
//! them: `type` (with `nullable`), integer `format` ranges, `enum`,
//! `minimum`/`maximum` (and their exclusive forms), `minLength`/`maxLength`,
//! `properties`/`required`/`additionalProperties`, `items`,
//! `minItems`/`maxItems`, `allOf`/`anyOf`/`oneOf`/`not`, and local `$ref`s.
//! `pattern` and `format`s other than integer widths are not checked
//! (typify does not check them either).

use serde_json::Value;
use specs::pointer::join;

/// How deep `$ref`s and sub-schemas are followed before giving up on a
/// value (a cycle through `$ref` with a recursive value).
const MAX_DEPTH: usize = 64;

/// Drops every `default` and `enum` member of `document` that does not fit
/// its own schema (an `enum` left empty is dropped whole: any value of the
/// schema's type, never stricter than the document): the SDK's copy only;
/// the mock keeps serving the document's values where they are valid.
/// Returns what was dropped, in document order.
pub fn repair(document: &mut Value) -> Vec<Problem> {
    let mut dropped = Vec::new();
    // Each round removes one value; a document has at most one per node.
    while let Some(problem) = first_problem(document) {
        let (parent, last) = problem
            .pointer
            .rsplit_once('/')
            .unwrap_or(("", problem.pointer.as_str()));
        let removed = match document.pointer_mut(parent) {
            Some(Value::Object(schema)) => schema.shift_remove(last).is_some(),
            Some(Value::Array(members)) => match last.parse::<usize>() {
                Ok(index) if index < members.len() => {
                    members.remove(index);
                    if members.is_empty()
                        && let Some((schema, _)) = parent.rsplit_once('/')
                        && let Some(Value::Object(schema)) = document.pointer_mut(schema)
                    {
                        schema.shift_remove("enum");
                    }
                    true
                }
                _ => false,
            },
            _ => false,
        };
        if !removed {
            // Not where the walk said: stop rather than loop.
            break;
        }
        dropped.push(problem);
    }
    dropped
}

/// A value that does not fit.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    /// The value's pointer in the document (`.../default`, `.../enum/2`).
    pub pointer: String,
    /// `default` or `enum`.
    pub keyword: &'static str,
    /// The value.
    pub value: Value,
    /// The rule it breaks.
    pub reason: String,
}

/// The first problem in `document` (an OpenAPI 3.0 document), in document order.
pub fn first_problem(document: &Value) -> Option<Problem> {
    let mut schemas = Vec::new();
    schema_roots(document, &mut schemas);
    let mut problems = Vec::new();
    for (at, schema) in schemas {
        visit_schema(document, schema, &at, &mut problems);
        if !problems.is_empty() {
            break;
        }
    }
    problems.into_iter().next()
}

/// The schemas an OpenAPI 3.0 document holds outside other schemas.
fn schema_roots<'a>(document: &'a Value, found: &mut Vec<(String, &'a Value)>) {
    let entries = |at: &str| entries(document, at);
    found.extend(entries("/components/schemas"));
    for kind in ["parameters", "headers"] {
        for (at, parameter) in entries(&format!("/components/{kind}")) {
            parameter_schemas(parameter, &at, found);
        }
    }
    for kind in ["requestBodies", "responses"] {
        for (at, holder) in entries(&format!("/components/{kind}")) {
            content_schemas(holder, &at, found);
        }
    }
    for (path_at, item) in entries("/paths") {
        parameter_list(item, &path_at, found);
        for method in specs::METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let at = join(&path_at, method);
            parameter_list(operation, &at, found);
            if let Some(body) = operation.get("requestBody") {
                content_schemas(body, &join(&at, "requestBody"), found);
            }
            for (status, response) in operation
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                content_schemas(response, &join(&join(&at, "responses"), status), found);
            }
        }
    }
}

/// The members of the map at `at`, with their pointers.
fn entries<'a>(document: &'a Value, at: &str) -> Vec<(String, &'a Value)> {
    document
        .pointer(at)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, value)| (join(at, name), value))
        .collect()
}

fn parameter_list<'a>(owner: &'a Value, at: &str, found: &mut Vec<(String, &'a Value)>) {
    let at = join(at, "parameters");
    for (index, parameter) in owner
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        parameter_schemas(parameter, &format!("{at}/{index}"), found);
    }
}

fn parameter_schemas<'a>(parameter: &'a Value, at: &str, found: &mut Vec<(String, &'a Value)>) {
    if let Some(schema) = parameter.get("schema") {
        found.push((join(at, "schema"), schema));
    }
    content_schemas(parameter, at, found);
}

fn content_schemas<'a>(holder: &'a Value, at: &str, found: &mut Vec<(String, &'a Value)>) {
    let at = join(at, "content");
    for (media_type, media) in holder
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(schema) = media.get("schema") {
            found.push((join(&join(&at, media_type), "schema"), schema));
        }
    }
}

/// Checks `schema`'s own values, then its sub-schemas'.
fn visit_schema(document: &Value, schema: &Value, at: &str, problems: &mut Vec<Problem>) {
    let Some(object) = schema.as_object() else {
        return;
    };
    if let Some(members) = object.get("enum").and_then(Value::as_array) {
        let mut without = object.clone();
        without.shift_remove("enum");
        without.shift_remove("default");
        let without = Value::Object(without);
        for (index, member) in members.iter().enumerate() {
            // `nullable` admits the `null` member 3.1's `type: [T, "null"]` enums carry.
            if let Err(reason) = fits(document, &without, member, 0) {
                problems.push(Problem {
                    pointer: format!("{}/{index}", join(at, "enum")),
                    keyword: "enum",
                    value: member.clone(),
                    reason,
                });
                return;
            }
        }
    }
    if let Some(default) = object.get("default") {
        let mut without = object.clone();
        without.shift_remove("default");
        if let Err(reason) = fits(document, &Value::Object(without), default, 0) {
            problems.push(Problem {
                pointer: join(at, "default"),
                keyword: "default",
                value: default.clone(),
                reason,
            });
            return;
        }
    }
    for keyword in ["items", "not", "additionalProperties"] {
        if let Some(sub) = object.get(keyword).filter(|s| s.is_object()) {
            visit_schema(document, sub, &join(at, keyword), problems);
            if !problems.is_empty() {
                return;
            }
        }
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        for (index, branch) in object
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            visit_schema(
                document,
                branch,
                &format!("{}/{index}", join(at, keyword)),
                problems,
            );
            if !problems.is_empty() {
                return;
            }
        }
    }
    for (name, property) in object
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        visit_schema(
            document,
            property,
            &join(&join(at, "properties"), name),
            problems,
        );
        if !problems.is_empty() {
            return;
        }
    }
}

/// Whether `value` is an instance of `schema`; the error says which rule it breaks.
pub fn fits(document: &Value, schema: &Value, value: &Value, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let Some(schema) = schema.as_object() else {
        return Ok(());
    };
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = specs::refs::Document(document)
            .target(reference)
            .map_err(|_| format!("`$ref: {reference}` points at nothing"))?;
        return fits(document, target, value, depth + 1).map_err(|e| format!("{reference}: {e}"));
    }
    if value.is_null() && schema.get("nullable") == Some(&Value::Bool(true)) {
        return Ok(());
    }
    if let Some(members) = schema.get("enum").and_then(Value::as_array)
        && !members.iter().any(|m| specs::json::same(m, value))
    {
        return Err(format!(
            "not one of the `enum` values {}",
            shortened(&Value::Array(members.clone()))
        ));
    }
    if let Some(expected) = schema.get("type").and_then(Value::as_str)
        && !has_type(value, expected)
    {
        return Err(format!("not of `type: {expected}`"));
    }
    numeric_rules(schema, value)?;
    if let Some(text) = value.as_str() {
        let length = text.chars().count() as u64;
        if schema
            .get("minLength")
            .and_then(Value::as_u64)
            .is_some_and(|min| length < min)
        {
            return Err("shorter than `minLength`".into());
        }
        if schema
            .get("maxLength")
            .and_then(Value::as_u64)
            .is_some_and(|max| length > max)
        {
            return Err("longer than `maxLength`".into());
        }
    }
    if let Some(items) = value.as_array() {
        let count = items.len() as u64;
        if schema
            .get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|min| count < min)
        {
            return Err("fewer items than `minItems`".into());
        }
        if schema
            .get("maxItems")
            .and_then(Value::as_u64)
            .is_some_and(|max| count > max)
        {
            return Err("more items than `maxItems`".into());
        }
        if let Some(item_schema) = schema.get("items") {
            for (index, item) in items.iter().enumerate() {
                fits(document, item_schema, item, depth + 1)
                    .map_err(|e| format!("item {index}: {e}"))?;
            }
        }
    }
    if let Some(members) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = name.as_str()
                && !members.contains_key(name)
            {
                return Err(format!("the required property `{name}` is missing"));
            }
        }
        for (name, member) in members {
            match properties.and_then(|p| p.get(name)) {
                Some(property) => fits(document, property, member, depth + 1)
                    .map_err(|e| format!("property `{name}`: {e}"))?,
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        return Err(format!(
                            "`{name}` is not a declared property (`additionalProperties: false`)"
                        ));
                    }
                    Some(extra @ Value::Object(_)) => fits(document, extra, member, depth + 1)
                        .map_err(|e| format!("property `{name}`: {e}"))?,
                    _ => {}
                },
            }
        }
    }
    let branches = |keyword: &str| -> Vec<&Value> {
        schema
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .collect()
    };
    for (index, branch) in branches("allOf").into_iter().enumerate() {
        fits(document, branch, value, depth + 1)
            .map_err(|e| format!("`allOf` branch {index}: {e}"))?;
    }
    let any = branches("anyOf");
    if !any.is_empty()
        && !any
            .iter()
            .any(|b| fits(document, b, value, depth + 1).is_ok())
    {
        return Err("fits no `anyOf` branch".into());
    }
    let one = branches("oneOf");
    if !one.is_empty() {
        let matching = one
            .iter()
            .filter(|b| fits(document, b, value, depth + 1).is_ok())
            .count();
        if matching != 1 {
            return Err(format!("fits {matching} `oneOf` branches, not exactly one"));
        }
    }
    if let Some(not) = schema.get("not")
        && fits(document, not, value, depth + 1).is_ok()
    {
        return Err("fits the schema under `not`".into());
    }
    Ok(())
}

fn numeric_rules(schema: &serde_json::Map<String, Value>, value: &Value) -> Result<(), String> {
    let Some(number) = value.as_f64() else {
        return Ok(());
    };
    let exclusive = |key: &str| schema.get(key) == Some(&Value::Bool(true));
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
        && (number < min || (exclusive("exclusiveMinimum") && number == min))
    {
        return Err(format!("below the `minimum` {min}"));
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
        && (number > max || (exclusive("exclusiveMaximum") && number == max))
    {
        return Err(format!("above the `maximum` {max}"));
    }
    let range = match schema.get("format").and_then(Value::as_str) {
        Some("int8") => Some((i8::MIN as f64, i8::MAX as f64)),
        Some("uint8") => Some((0.0, u8::MAX as f64)),
        Some("int16") => Some((i16::MIN as f64, i16::MAX as f64)),
        Some("uint16") => Some((0.0, u16::MAX as f64)),
        Some("int32") => Some((i32::MIN as f64, i32::MAX as f64)),
        Some("uint32") => Some((0.0, u32::MAX as f64)),
        Some("int64") => Some((i64::MIN as f64, i64::MAX as f64)),
        Some("uint64") => Some((0.0, u64::MAX as f64)),
        _ => None,
    };
    if let Some((low, high)) = range
        && schema.get("type").and_then(Value::as_str) == Some("integer")
        && (number < low || number > high)
    {
        return Err("outside the range of its integer `format`".into());
    }
    Ok(())
}

fn has_type(value: &Value, expected: &str) -> bool {
    match expected {
        "string" => value.is_string(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|n| n.fract() == 0.0)
        }
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

/// `/paths/~1a/get/...` -> (`/a`, `get`).
pub fn operation_of(pointer: &str) -> Option<(String, String)> {
    let mut tokens = pointer.strip_prefix("/paths/")?.split('/');
    let path = specs::pointer::unescape(tokens.next()?);
    let method = tokens.next()?;
    specs::METHODS
        .contains(&method)
        .then(|| (path, method.to_string()))
}

/// `value` as JSON, cut after 120 characters.
pub fn shortened(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(120) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problem(schemas: Value) -> Option<Problem> {
        first_problem(&json!({
            "openapi": "3.0.3",
            "paths": {"/x": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "integer", "default": 3, "maximum": 2}}]}}},
            "components": {"schemas": schemas}
        }))
        .filter(|p| p.pointer.starts_with("/components"))
    }

    #[test]
    fn a_default_outside_its_bounds_or_type_is_named() {
        let found = problem(json!({"A": {"type": "object", "properties": {"n": {"type": "integer", "format": "int32", "default": 5000000000_i64}}}})).unwrap();
        assert_eq!(found.pointer, "/components/schemas/A/properties/n/default");
        assert_eq!(found.reason, "outside the range of its integer `format`");
        let found =
            problem(json!({"B": {"type": "string", "minLength": 2, "default": "x"}})).unwrap();
        assert_eq!(
            (found.pointer.as_str(), found.keyword),
            ("/components/schemas/B/default", "default")
        );
        let found =
            problem(json!({"C": {"type": "array", "items": {"type": "string"}, "default": [1]}}))
                .unwrap();
        assert_eq!(found.reason, "item 0: not of `type: string`");
    }

    #[test]
    fn defaults_through_references_and_unions() {
        let schemas = json!({
            "Kind": {"type": "string", "enum": ["a", "b"]},
            "Holder": {"type": "object", "properties": {"kind": {"allOf": [{"$ref": "#/components/schemas/Kind"}], "default": "c"}}}
        });
        let found = problem(schemas).unwrap();
        assert_eq!(
            found.pointer,
            "/components/schemas/Holder/properties/kind/default"
        );
        assert!(
            found
                .reason
                .contains("#/components/schemas/Kind: not one of the `enum` values"),
            "{}",
            found.reason
        );
        let fine = json!({
            "Kind": {"type": "string", "enum": ["a", "b"]},
            "Holder": {"type": "object", "properties": {
                "kind": {"allOf": [{"$ref": "#/components/schemas/Kind"}], "default": "b"},
                "maybe": {"allOf": [{"$ref": "#/components/schemas/Kind"}], "nullable": true, "default": null},
                "either": {"oneOf": [{"type": "string"}, {"type": "integer"}], "default": 4},
                "object": {"type": "object", "additionalProperties": false, "properties": {"a": {"type": "number"}}, "default": {"a": 1.5}}
            }}
        });
        assert_eq!(problem(fine), None);
    }

    #[test]
    fn enum_members_must_fit_their_schema() {
        let found = problem(json!({"E": {"type": "string", "enum": ["a", 1]}})).unwrap();
        assert_eq!(
            (found.pointer.as_str(), found.keyword),
            ("/components/schemas/E/enum/1", "enum")
        );
        assert_eq!(
            problem(json!({"E": {"type": "string", "nullable": true, "enum": ["a", null]}})),
            None
        );
        let found = problem(json!({"E": {"type": "string", "enum": ["a", null]}})).unwrap();
        assert_eq!(found.value, Value::Null);
    }

    #[test]
    fn oneof_needs_exactly_one_branch_and_not_none() {
        let found = problem(
            json!({"O": {"oneOf": [{"type": "number"}, {"type": "integer"}], "default": 1}}),
        )
        .unwrap();
        assert_eq!(found.reason, "fits 2 `oneOf` branches, not exactly one");
        let found =
            problem(json!({"N": {"type": "string", "not": {"enum": ["x"]}, "default": "x"}}))
                .unwrap();
        assert_eq!(found.reason, "fits the schema under `not`");
    }

    #[test]
    fn operation_parameters_are_checked_and_recursion_ends() {
        let found = first_problem(&json!({"paths": {"/x": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "integer", "default": 3, "maximum": 2}}]}}}})).unwrap();
        assert_eq!(found.pointer, "/paths/~1x/get/parameters/0/schema/default");
        assert_eq!(
            operation_of(&found.pointer),
            Some(("/x".into(), "get".into()))
        );
        let looping = json!({"L": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/L"}}, "default": {"next": {"next": {}}}}});
        assert_eq!(problem(looping), None);
    }
}

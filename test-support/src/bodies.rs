//! Request bodies: a valid JSON body for an operation, the document's own
//! example when it has one, else one generated from the schema; either way
//! checked against the document as corrected by our overlays (`resolved`)'s schema before it is handed out,
//! so a body the mock refuses points at the mock, not at the test.

use std::cell::Cell;

use serde_json::{Map, Value, json};
use specs::check::Checker;
use specs::pointer::escape;
use specs::{Operation, Provider};

use crate::documents::{Violation, resolve, violations};

/// Nesting beyond which generation stops (a recursive schema ends in `null`).
const MAX_DEPTH: usize = 24;

/// Why no valid request body could be given.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The request body's schema does not compile.
    #[error("{provider} {operation_id}: the request body schema does not compile: {message}")]
    Schema {
        /// The provider.
        provider: String,
        /// The operation.
        operation_id: String,
        /// The validator's complaint.
        message: String,
    },
    /// No candidate (example or generated) fits the schema.
    #[error(
        "{provider} {operation_id}: no valid request body at {pointer}: {}",
        violations.iter().take(3).map(ToString::to_string).collect::<Vec<_>>().join("; ")
    )]
    NoValidBody {
        /// The provider.
        provider: String,
        /// The operation.
        operation_id: String,
        /// The schema's JSON pointer in the verbatim document.
        pointer: String,
        /// How the last candidate broke the schema.
        violations: Vec<Violation>,
    },
}

/// An operation's request body in one media type, as its document declares it.
pub(crate) struct JsonBody<'a> {
    pub(crate) media_type: &'a str,
    pub(crate) document: &'a Value,
    /// Its checker, or why the document cannot be checked.
    pub(crate) checker: Result<&'a Checker, specs::check::CheckError>,
    pub(crate) media: &'a Value,
    pub(crate) schema: Value,
    /// The schema's JSON pointer in the document.
    pub(crate) pointer: String,
}

/// The JSON media type of `operation`'s request body, if it takes one.
pub(crate) fn json_body<'a>(provider: &'a Provider, operation: &Operation) -> Option<JsonBody<'a>> {
    media_body(provider, operation, specs::is_json)
}

/// The first media type `pick` takes of `operation`'s request body.
fn media_body<'a>(
    provider: &'a Provider,
    operation: &Operation,
    pick: fn(&str) -> bool,
) -> Option<JsonBody<'a>> {
    let source = &provider.documents[operation.document];
    let document = &source.resolved;
    let method = operation.method.to_lowercase();
    let body = resolve(
        document,
        document["paths"][&operation.path][&method].get("requestBody")?,
    );
    let (media_type, media) = body
        .get("content")
        .and_then(Value::as_object)
        .and_then(|content| content.iter().find(|(media, _)| pick(media)))?;
    Some(JsonBody {
        media_type,
        document,
        checker: source.checker(),
        media,
        schema: media.get("schema").cloned().unwrap_or_else(|| json!({})),
        pointer: format!(
            "/paths/{}/{method}/requestBody/content/{}/schema",
            escape(&operation.path),
            escape(media_type)
        ),
    })
}

/// A valid JSON request body for `operation`, checked against its verbatim
/// document; `None` when the operation takes no JSON body.
pub fn request_body(
    provider: &Provider,
    operation: &Operation,
) -> Result<Option<Value>, BodyError> {
    valid_body(provider, operation, json_body(provider, operation), false)
}

/// A valid form body for `operation` (`multipart/form-data`, else
/// `application/x-www-form-urlencoded`), as the object of its fields,
/// checked against its verbatim document, with its media type; `None` when
/// it takes no form.
pub fn form_body(
    provider: &Provider,
    operation: &Operation,
) -> Result<Option<(String, Value)>, BodyError> {
    let found = media_body(provider, operation, |m| {
        m.eq_ignore_ascii_case("multipart/form-data")
    })
    .or_else(|| {
        media_body(provider, operation, |m| {
            m.eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
    });
    let Some(media_type) = found
        .as_ref()
        .map(|body| body.media_type.to_ascii_lowercase())
    else {
        return Ok(None);
    };
    Ok(valid_body(provider, operation, found, true)?.map(|value| (media_type, value)))
}

/// The first valid candidate for `body`: its examples, then one generated
/// (for a `form`, with no empty object or array, which a form cannot carry).
fn valid_body(
    provider: &Provider,
    operation: &Operation,
    body: Option<JsonBody<'_>>,
    form: bool,
) -> Result<Option<Value>, BodyError> {
    let Some(JsonBody {
        document,
        checker,
        media,
        schema,
        pointer,
        ..
    }) = body
    else {
        return Ok(None);
    };
    let schema_error = |message: String| BodyError::Schema {
        provider: provider.name.clone(),
        operation_id: operation.operation_id.clone(),
        message,
    };
    let checker = checker.map_err(|e| schema_error(e.to_string()))?;
    let validator = checker
        .validator(&schema)
        .map_err(|e| schema_error(e.to_string()))?;
    let mut candidates = examples(document, media);
    let mut generator = Generator::new(document, checker);
    generator.non_empty = form;
    candidates.push(generator.value(&schema, 0));
    let mut last = Vec::new();
    for candidate in candidates {
        last = violations(&validator, &candidate);
        if last.is_empty() {
            return Ok(Some(candidate));
        }
    }
    Err(BodyError::NoValidBody {
        provider: provider.name.clone(),
        operation_id: operation.operation_id.clone(),
        pointer,
        violations: last,
    })
}

/// Whether `sent` is the body `valid` as the document reads it: valid
/// itself, every member of `valid` there with the same value (numbers by
/// value), and any member added one the document declares with that value
/// as its `default` (what the server assumes when it is absent). `Err` says
/// what differs.
pub fn check_sent_body(
    provider: &Provider,
    operation: &Operation,
    valid: &Value,
    sent: &Value,
) -> Result<(), String> {
    let body = json_body(provider, operation).ok_or("the operation takes no JSON body")?;
    let validator = body
        .checker
        .and_then(|checker| checker.validator(&body.schema))
        .map_err(|e| e.to_string())?;
    if let Some(first) = violations(&validator, sent).first() {
        return Err(format!("the body sent breaks the document: {first}"));
    }
    let mut defaults = Vec::new();
    declared_defaults(body.document, &body.schema, &mut Vec::new(), &mut defaults);
    covers(valid, sent, &defaults, "")
}

/// `(property name, default)` of every property declared under `schema`.
fn declared_defaults<'a>(
    document: &'a Value,
    schema: &'a Value,
    followed: &mut Vec<&'a str>,
    defaults: &mut Vec<(&'a str, &'a Value)>,
) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        if followed.contains(&reference) {
            return;
        }
        followed.push(reference);
    }
    let schema = resolve(document, schema);
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            // A `default` beside a `$ref` (3.1) wins over the target's.
            let default = property
                .get("default")
                .or_else(|| resolve(document, property).get("default"));
            if let Some(default) = default {
                defaults.push((name, default));
            }
        }
    }
    match schema {
        Value::Object(members) => members
            .values()
            .for_each(|sub| declared_defaults(document, sub, followed, defaults)),
        Value::Array(items) => items
            .iter()
            .for_each(|sub| declared_defaults(document, sub, followed, defaults)),
        _ => {}
    }
}

/// Whether `sent` carries all of `valid` (see [`check_sent_body`]).
fn covers(
    valid: &Value,
    sent: &Value,
    defaults: &[(&str, &Value)],
    at: &str,
) -> Result<(), String> {
    match (valid, sent) {
        (Value::Object(valid), Value::Object(sent)) => {
            for (name, value) in valid {
                let at = format!("{at}/{}", escape(name));
                let sent = sent.get(name).ok_or(format!("`{at}` was dropped"))?;
                covers(value, sent, defaults, &at)?;
            }
            for (name, value) in sent.iter().filter(|(name, _)| !valid.contains_key(*name)) {
                if !defaults.iter().any(|(declared, default)| {
                    declared == name && specs::json::same(default, value)
                }) {
                    return Err(format!("`{at}/{}` was added: {value}", escape(name)));
                }
            }
            Ok(())
        }
        (Value::Array(valid), Value::Array(sent)) if valid.len() == sent.len() => valid
            .iter()
            .zip(sent)
            .enumerate()
            .try_for_each(|(index, (valid, sent))| {
                covers(valid, sent, defaults, &format!("{at}/{index}"))
            }),
        _ if specs::json::same(valid, sent) => Ok(()),
        _ => Err(format!("`{at}` was {valid}, sent {sent}")),
    }
}

/// The media type's own `example` and `examples` values (local `$ref`s followed).
fn examples(document: &Value, media: &Value) -> Vec<Value> {
    let named = media
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(Map::values)
        .filter_map(|example| resolve(document, example).get("value").cloned());
    media
        .get("example")
        .cloned()
        .into_iter()
        .chain(named)
        .collect()
}

/// Makes a small instance of a schema: required properties only, the least
/// items, the first fitting branch, strings that match their `pattern`.
///
/// Values are counted: a union's branch may make at most
/// [`BRANCH_BUDGET`] of them before it is given up for the next one
/// (recursive unions, as Iceberg's expression trees, otherwise grow
/// exponentially with depth), and a body at most [`BODY_BUDGET`].
struct Generator<'a> {
    document: &'a Value,
    checker: &'a Checker,
    made: Cell<usize>,
    /// Past this count, values are `null`.
    limit: Cell<usize>,
    /// Whether objects with properties and arrays get at least one member:
    /// form encodings write nothing for an empty one, so a required empty
    /// object would arrive missing (Stripe's `business_profile`).
    non_empty: bool,
}

/// Values one union branch may make.
const BRANCH_BUDGET: usize = 2_000;

/// Values one body may make.
const BODY_BUDGET: usize = 50_000;

impl<'a> Generator<'a> {
    fn new(document: &'a Value, checker: &'a Checker) -> Self {
        Self {
            document,
            checker,
            made: Cell::new(0),
            limit: Cell::new(BODY_BUDGET),
            non_empty: false,
        }
    }

    fn value(&self, schema: &Value, depth: usize) -> Value {
        let schema = resolve(self.document, schema);
        self.made.set(self.made.get() + 1);
        if depth > MAX_DEPTH || self.made.get() > self.limit.get() {
            return Value::Null;
        }
        if let Some(constant) = schema.get("const") {
            return constant.clone();
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|values| values.iter().find(|v| !v.is_null()).or(values.first()))
        {
            return first.clone();
        }
        if let Some(example) = schema.get("example")
            && self.checker.is_valid(schema, example)
        {
            return example.clone();
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(keyword).and_then(Value::as_array) {
                return self.branch(schema, keyword, branches, depth);
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = self.own_value(schema, depth);
            for part in parts {
                merge(&mut merged, self.value(part, depth + 1));
            }
            return merged;
        }
        self.own_value(schema, depth)
    }

    /// The first branch whose instance, merged with the schema's own
    /// keywords, fits the whole schema (else the first branch's).
    fn branch(&self, schema: &Value, keyword: &str, branches: &[Value], depth: usize) -> Value {
        let mut siblings = schema.clone();
        if let Some(object) = siblings.as_object_mut() {
            object.remove(keyword);
        }
        let outer = self.limit.get();
        let mut first = None;
        for branch in branches {
            self.limit
                .set(outer.min(self.made.get().saturating_add(BRANCH_BUDGET)));
            let mut value = self.value(&siblings, depth + 1);
            merge(&mut value, self.value(branch, depth + 1));
            self.limit.set(outer);
            if self.checker.is_valid(schema, &value) {
                return value;
            }
            first.get_or_insert(value);
        }
        first.unwrap_or(Value::Null)
    }

    /// An instance of the schema's own type keywords (no combinators).
    fn own_value(&self, schema: &Value, depth: usize) -> Value {
        let has = |key: &str| schema.get(key).is_some();
        let kind = match crate::breaking::single_type(schema) {
            Some(kind) => kind,
            None if has("properties") || has("required") || has("additionalProperties") => "object",
            None if has("items") => "array",
            None if has("pattern") || has("minLength") || has("format") => "string",
            None => return Value::Null,
        };
        match kind {
            "object" => self.object(schema, depth),
            "array" => self.array(schema, depth),
            "string" => self.string(schema),
            "integer" | "number" => number(schema, kind == "integer"),
            "boolean" => Value::Bool(true),
            _ => Value::Null,
        }
    }

    fn object(&self, schema: &Value, depth: usize) -> Value {
        let properties = schema.get("properties").and_then(Value::as_object);
        let extra = schema
            .get("additionalProperties")
            .filter(|a| a.is_object())
            .cloned()
            .unwrap_or_else(|| json!({}));
        let mut object = Map::new();
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let property = properties.and_then(|p| p.get(name)).unwrap_or(&extra);
            object.insert(name.to_string(), self.value(property, depth + 1));
        }
        let least = schema
            .get("minProperties")
            .and_then(Value::as_u64)
            .unwrap_or(0)
            .max(u64::from(self.non_empty));
        for (name, property) in properties.into_iter().flatten() {
            if object.len() as u64 >= least {
                break;
            }
            if !object.contains_key(name) {
                object.insert(name.clone(), self.value(property, depth + 1));
            }
        }
        Value::Object(object)
    }

    fn array(&self, schema: &Value, depth: usize) -> Value {
        let least = schema
            .get("minItems")
            .and_then(Value::as_u64)
            .unwrap_or(0)
            .max(u64::from(self.non_empty));
        let items = schema.get("items").cloned().unwrap_or_else(|| json!({}));
        let item = self.value(&items, depth + 1);
        let mut values = Vec::new();
        for index in 0..least {
            // Distinct items where `uniqueItems` asks (strings get the index
            // in front, keeping their length).
            values.push(match &item {
                Value::String(text) if index > 0 => {
                    let length = text.chars().count().max(1);
                    Value::String(format!("{index}{text}").chars().take(length).collect())
                }
                Value::Number(_) if index > 0 => json!(index),
                other => other.clone(),
            });
        }
        Value::Array(values)
    }

    fn string(&self, schema: &Value) -> Value {
        let mut string_schema = schema.clone();
        if let Some(object) = string_schema.as_object_mut() {
            object.insert("type".into(), json!("string"));
        }
        let candidates = crate::values::typed_candidates(&string_schema, &["contract", "x"]);
        candidates
            .iter()
            .map(|text| Value::String(text.clone()))
            .find(|value| self.checker.is_valid(&string_schema, value))
            .unwrap_or_else(|| Value::String(candidates.first().cloned().unwrap_or_default()))
    }
}

/// The least number the bounds allow (at least 1 where they allow it),
/// rounded up to `multipleOf`.
fn number(schema: &Value, integer: bool) -> Value {
    let get = |key: &str| schema.get(key).and_then(Value::as_f64);
    let mut low = get("minimum")
        .or_else(|| {
            get("exclusiveMinimum").map(|m| if integer { m.floor() + 1.0 } else { m + 0.5 })
        })
        .unwrap_or(1.0);
    if let Some(step) = get("multipleOf").filter(|step| *step > 0.0) {
        low = (low / step).ceil() * step;
    }
    if let Some(high) = get("maximum").or_else(|| get("exclusiveMaximum").map(|m| m - 1.0))
        && low > high
    {
        low = high;
    }
    if integer {
        // Bounded above by the schema's own bounds, which are JSON numbers.
        #[allow(clippy::cast_possible_truncation)]
        let whole = low.ceil() as i64;
        json!(whole)
    } else {
        json!(low)
    }
}

/// Adds `addition`'s properties to `base` (objects; a `null` property, all a
/// schema without type keywords gives, is replaced), else replaces a `null` base.
fn merge(base: &mut Value, addition: Value) {
    match (base, addition) {
        (Value::Object(base), Value::Object(addition)) => {
            for (name, value) in addition {
                let slot = base.entry(name).or_insert(Value::Null);
                if slot.is_null() {
                    *slot = value;
                }
            }
        }
        (base @ Value::Null, addition) => *base = addition,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate(document: &Value, schema: &Value) -> Value {
        let checker = &Checker::new(document).unwrap();
        Generator::new(document, checker).value(schema, 0)
    }

    #[test]
    fn a_form_body_has_no_empty_object_or_array() {
        let document = json!({});
        let schema = json!({"type": "object", "required": ["profile", "tags"], "properties": {
            "profile": {"type": "object", "properties": {"headline": {"type": "string"}}},
            "tags": {"type": "array", "items": {"type": "string"}},
        }});
        assert_eq!(
            generate(&document, &schema),
            json!({"profile": {}, "tags": []})
        );
        let checker = &Checker::new(&document).unwrap();
        let mut generator = Generator::new(&document, checker);
        generator.non_empty = true;
        let form = generator.value(&schema, 0);
        assert_eq!(form["profile"].as_object().map(Map::len), Some(1), "{form}");
        assert_eq!(form["tags"].as_array().map(Vec::len), Some(1), "{form}");
    }

    #[test]
    fn a_sent_body_covers_the_valid_one_or_says_where_not() {
        let document = json!({"components": {"schemas": {
            "Widget": {"oneOf": [
                {"properties": {"span": {"type": "number"}, "height": {"default": "standard"}}},
                {"properties": {"kind": {"const": "metric"}, "node": {"$ref": "#/components/schemas/Widget"}}}
            ]}
        }}});
        let schema = json!({"$ref": "#/components/schemas/Widget"});
        let mut defaults = Vec::new();
        declared_defaults(&document, &schema, &mut Vec::new(), &mut defaults);
        assert_eq!(defaults, [("height", &json!("standard"))]);
        let valid = json!({"span": 1, "list": [{"a": 2}]});
        let check = |sent: Value| covers(&valid, &sent, &defaults, "");
        assert_eq!(check(json!({"span": 1.0, "list": [{"a": 2.0}]})), Ok(()));
        assert_eq!(
            check(json!({"span": 1, "list": [{"a": 2}], "height": "standard"})),
            Ok(())
        );
        assert_eq!(
            check(json!({"list": [{"a": 2}]})),
            Err("`/span` was dropped".into())
        );
        assert_eq!(
            check(json!({"span": 1, "list": [{"a": 3}]})),
            Err("`/list/0/a` was 2, sent 3".into())
        );
        assert_eq!(
            check(json!({"span": 1, "list": [{"a": 2}], "height": "tall"})),
            Err("`/height` was added: \"tall\"".into())
        );
        assert_eq!(
            check(json!({"span": 1, "list": []})),
            Err("`/list` was [{\"a\":2}], sent []".into())
        );
    }

    #[test]
    fn generated_values_fit_their_schemas() {
        let document = json!({"components": {"schemas": {
            "Name": {"type": "string", "pattern": "^ws_[a-z]{4}$"},
            "Node": {"type": "object", "required": ["child"], "properties": {
                "child": {"$ref": "#/components/schemas/Node"}}}
        }}});
        let schemas = [
            json!({"type": "object", "additionalProperties": false,
                "required": ["name", "count", "tags", "kind"],
                "properties": {
                    "name": {"$ref": "#/components/schemas/Name"},
                    "count": {"type": "integer", "exclusiveMinimum": 4, "multipleOf": 3},
                    "tags": {"type": "array", "minItems": 2, "uniqueItems": true,
                        "items": {"type": "string", "maxLength": 8}},
                    "kind": {"enum": ["a", "b"]},
                    "optional": {"type": "string"}}}),
            json!({"oneOf": [
                {"type": "object", "required": ["a"], "properties": {"a": {"const": 1}},
                    "additionalProperties": false},
                {"type": "object", "required": ["b"], "properties": {"b": {"type": "boolean"}},
                    "additionalProperties": false}],
                "required": ["b"]}),
            json!({"type": ["number", "null"], "minimum": 2.5, "maximum": 3}),
            json!({"type": "string", "format": "date-time"}),
        ];
        for schema in schemas {
            let value = generate(&document, &schema);
            let checker = Checker::new(&document).unwrap();
            assert!(checker.is_valid(&schema, &value), "{value} for {schema}");
        }
        let value = generate(&document, &schemas_count_value());
        assert_eq!(value, json!(6));
    }

    fn schemas_count_value() -> Value {
        json!({"type": "integer", "exclusiveMinimum": 4, "multipleOf": 3})
    }

    #[test]
    fn a_recursive_schema_ends() {
        let document = json!({"components": {"schemas": {
            "Node": {"type": "object", "required": ["child"], "properties": {
                "child": {"$ref": "#/components/schemas/Node"}}}}}});
        let value = generate(&document, &json!({"$ref": "#/components/schemas/Node"}));
        assert!(value.pointer("/child/child").is_some(), "{value}");
    }

    #[test]
    fn examples_come_first_and_named_ones_are_followed() {
        let document = json!({"components": {"examples": {"E": {"value": {"b": 2}}}}});
        let media = json!({"example": {"a": 1}, "examples": {
            "inline": {"value": {"c": 3}},
            "referenced": {"$ref": "#/components/examples/E"}}});
        assert_eq!(
            examples(&document, &media),
            vec![json!({"a": 1}), json!({"c": 3}), json!({"b": 2})]
        );
    }
}

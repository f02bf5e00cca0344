//! Checking a request against its operation: parameters (type, format,
//! length, bounds, enum), required headers, and JSON bodies; and an
//! answer against its declared response: headers and body.
//!
//! Problems are reported the way FastAPI/pydantic does (`loc`, `msg`,
//! `type`), which the error templates then pour into each API's own shape.

use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use serde_json::Value;

use crate::model::{
    ArrayRules, Location, NumberRules, ObjectRules, Operation, RequestBody, Response, Schema,
    StringRules, Types,
};
use crate::pipeline::request::Incoming;
use crate::pipeline::routes::PathParams;

/// One thing wrong with a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where: `["path", "cvm_id"]`, `["body", "items", "0"]`.
    pub location: Vec<String>,
    /// What, for a person.
    pub message: String,
    /// What, for a program (`missing`, `int_parsing`, `string_too_long`, ...).
    pub kind: &'static str,
}

impl Problem {
    /// A problem at `location`.
    pub fn new(location: Vec<String>, message: impl Into<String>, kind: &'static str) -> Self {
        Self {
            location,
            message: message.into(),
            kind,
        }
    }

    /// The location as an RFC 6901 JSON pointer into the exchange:
    /// `/path/cvm_id`, `/header/content-type`, `/body/items/0`.
    pub fn pointer(&self) -> String {
        self.location
            .iter()
            .map(|part| specs::pointer::join("", part))
            .collect()
    }
}

/// Everything wrong with `request` as a call of `operation`: every
/// parameter against its schema (required ones present), and the body.
pub fn check_request(
    operation: &Operation,
    path_params: &PathParams,
    request: &Incoming,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for parameter in operation.parameters {
        // Outer `None`: absent; inner `None`: present but not UTF-8.
        let raw: Option<Option<&str>> = match parameter.location {
            Location::Path => path_params
                .iter()
                .find(|(name, _)| *name == parameter.name)
                .map(|(_, value)| value.as_deref()),
            Location::Query => request.query_value(parameter.name).map(Some),
            Location::Header => request.headers.get(parameter.name).map(|v| v.to_str().ok()),
            Location::Cookie => request.cookie(parameter.name).map(Some),
        };
        match raw {
            Some(value) => check_parameter(
                parameter.location,
                parameter.name,
                value,
                parameter.schema,
                &mut problems,
            ),
            None if parameter.required => problems.push(Problem::new(
                vec![parameter.location.as_str().into(), parameter.name.into()],
                "Field required",
                "missing",
            )),
            None => {}
        }
    }
    if let Some(expected) = &operation.request_body {
        check_body(expected, &request.headers, &request.body, &mut problems);
    }
    problems
}

/// A JSON request body: present if required, the declared content type,
/// valid JSON, valid against its schema.
fn check_body(
    expected: &RequestBody,
    headers: &HeaderMap,
    bytes: &[u8],
    problems: &mut Vec<Problem>,
) {
    if bytes.is_empty() {
        if expected.required {
            problems.push(Problem::new(
                vec!["body".into()],
                "Field required",
                "missing",
            ));
        }
        return;
    }
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case(expected.media_type) {
        problems.push(Problem::new(
            vec!["header".into(), "content-type".into()],
            format!("Content-Type should be {}", expected.media_type),
            "content_type",
        ));
        return;
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => check_value(expected.schema, &value, &["body".into()], problems),
        Err(error) => problems.push(Problem::new(
            vec!["body".into()],
            format!("JSON decode error: {error}"),
            "json_invalid",
        )),
    }
}

/// Everything wrong with an answer's declared headers: a required one
/// missing, or a value its schema rejects (read as a header parameter's).
/// Undeclared headers are not problems.
pub fn check_response_headers(response: &Response, headers: &HeaderMap) -> Vec<Problem> {
    let mut problems = Vec::new();
    for header in response.headers {
        match headers.get(header.name) {
            Some(value) => check_parameter(
                Location::Header,
                header.name,
                value.to_str().ok(),
                header.schema,
                &mut problems,
            ),
            None if header.required => problems.push(Problem::new(
                vec!["header".into(), header.name.into()],
                "Field required",
                "missing",
            )),
            None => {}
        }
    }
    problems
}

/// Everything wrong with an answer's body as the declared `response`: a
/// body where none is declared, a missing or other content type, JSON that
/// does not parse or does not match the schema. Locations start with
/// `header` (`content-type`) or `body`, as for requests.
pub fn check_response(
    response: &Response,
    content_type: Option<&str>,
    bytes: &[u8],
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let essence = content_type
        .map(|value| value.split(';').next().unwrap_or("").trim())
        .filter(|essence| !essence.is_empty());
    let Some(declared) = response.content_type else {
        if !bytes.is_empty() {
            problems.push(Problem::new(
                vec!["body".into()],
                format!(
                    "the document declares no body for {}; the answer has {} bytes ({})",
                    response.status,
                    bytes.len(),
                    essence.unwrap_or("no Content-Type")
                ),
                "body_undeclared",
            ));
        }
        return problems;
    };
    if bytes.is_empty() && essence.is_none() {
        problems.push(Problem::new(
            vec!["body".into()],
            format!("the document declares a {declared} body; the answer has none"),
            "missing",
        ));
        return problems;
    }
    if !essence.is_some_and(|essence| essence.eq_ignore_ascii_case(declared)) {
        problems.push(Problem::new(
            vec!["header".into(), "content-type".into()],
            format!(
                "Content-Type {} is not declared for {}; declared: {declared}",
                essence.unwrap_or("(none)"),
                response.status
            ),
            "content_type",
        ));
        return problems;
    }
    let Some(schema) = response.schema else {
        return problems;
    };
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => check_value(schema, &value, &["body".into()], &mut problems),
        Err(error) => problems.push(Problem::new(
            vec!["body".into()],
            format!("JSON decode error: {error}"),
            "json_invalid",
        )),
    }
    problems
}

/// Checks one parameter's raw text (`None`: not UTF-8) against its schema.
pub fn check_parameter(
    location: Location,
    name: &str,
    raw: Option<&str>,
    schema: &Schema,
    problems: &mut Vec<Problem>,
) {
    let at = vec![location.as_str().to_string(), name.to_string()];
    let Some(raw) = raw else {
        problems.push(Problem::new(
            at,
            "Input should be a valid UTF-8 string",
            "string_unicode",
        ));
        return;
    };
    check_value(schema, &parameter_value(schema, raw), &at, problems);
}

/// Parameters arrive as text: read them as the JSON value the schema expects
/// (a number, boolean or JSON text where it expects one, else the string).
fn parameter_value(schema: &Schema, raw: &str) -> Value {
    let expected = expected_types(schema);
    let scalar = Types::INTEGER.or(Types::NUMBER).or(Types::BOOLEAN);
    let structured = Types::ARRAY.or(Types::OBJECT);
    let typed_values = schema
        .values
        .is_some_and(|values| values.iter().any(|v| !v.starts_with('"')));
    if expected != Types::ANY && expected.0 & structured.0 != 0 || typed_values {
        return serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()));
    }
    if expected != Types::ANY && expected.0 & scalar.0 != 0 {
        return serde_json::from_str::<Value>(raw)
            .ok()
            .filter(|v| v.is_number() || v.is_boolean())
            .unwrap_or_else(|| Value::String(raw.to_string()));
    }
    Value::String(raw.to_string())
}

/// The types a schema names, looking through `allOf`/`anyOf`/`oneOf` when it names none.
fn expected_types(schema: &Schema) -> Types {
    if schema.types != Types::ANY {
        return schema.types;
    }
    if let Some(part) = schema
        .all_of
        .iter()
        .map(|part| expected_types(part))
        .find(|types| *types != Types::ANY)
    {
        return part;
    }
    let branches = schema.any_of.iter().chain(schema.one_of);
    match branches.fold(Types::NONE, |types, branch| {
        types.or(expected_types(branch))
    }) {
        Types::NONE => Types::ANY,
        union => union,
    }
}

/// Checks a JSON value against `schema`, appending what is wrong.
pub fn check_value(schema: &Schema, value: &Value, at: &[String], problems: &mut Vec<Problem>) {
    let problem = |message: String, kind: &'static str| Problem::new(at.to_vec(), message, kind);
    if !has_allowed_type(schema.types, value) {
        let (message, kind) = type_mismatch(schema.types);
        problems.push(problem(message.into(), kind));
        return;
    }
    if let Some(values) = schema.values
        && !is_one_of(values, value)
    {
        problems.push(problem(
            format!("Input should be {}", values.join(" or ")),
            "enum",
        ));
    }
    match value {
        Value::String(text) => {
            if let Some(rules) = schema.string {
                check_string(rules, text, at, problems);
            }
        }
        Value::Number(number) => {
            if let Some(rules) = schema.number {
                check_number(rules, number, at, problems);
            }
        }
        Value::Array(elements) => {
            if let Some(rules) = schema.array {
                check_array(rules, elements, at, problems);
            }
        }
        Value::Object(members) => {
            if let Some(rules) = schema.object {
                check_object(rules, members, at, problems);
            }
        }
        Value::Null | Value::Bool(_) => {}
    }
    if let (Some(rules), Value::Object(members)) = (schema.object, value) {
        for (name, dependent) in rules.dependent_schemas {
            if members.contains_key(*name) {
                check_value(dependent, value, at, problems);
            }
        }
    }
    for part in schema.all_of {
        check_value(part, value, at, problems);
    }
    let matches = |branch: &Schema| is_valid(branch, value);
    if let Some(conditional) = schema.conditional {
        let branch = if matches(conditional.when) {
            conditional.then
        } else {
            conditional.otherwise
        };
        check_value(branch, value, at, problems);
    }
    if !schema.any_of.is_empty() && !schema.any_of.iter().any(|branch| matches(branch)) {
        problems.push(problem(
            "Input does not match any allowed schema".into(),
            "union_tag_invalid",
        ));
    }
    if !schema.one_of.is_empty() {
        match schema
            .one_of
            .iter()
            .filter(|branch| matches(branch))
            .count()
        {
            0 => problems.push(problem(
                "Input does not match any allowed schema".into(),
                "union_tag_invalid",
            )),
            1 => {}
            _ => problems.push(problem(
                "Input matches more than one schema of a oneOf".into(),
                "union_ambiguous",
            )),
        }
    }
    if let Some(not) = schema.not
        && matches(not)
    {
        problems.push(problem(
            "Input matches a schema it must not match".into(),
            "not_forbidden",
        ));
    }
    check_unevaluated(schema, value, at, problems);
}

/// Whether `value`'s JSON type is in `types` (an integral number is an `integer`).
fn has_allowed_type(types: Types, value: &Value) -> bool {
    let own = match value {
        Value::Null => Types::NULL,
        Value::Bool(_) => Types::BOOLEAN,
        Value::Number(number) if is_integral(number) => {
            return types.contains(Types::INTEGER) || types.contains(Types::NUMBER);
        }
        Value::Number(_) => Types::NUMBER,
        Value::String(_) => Types::STRING,
        Value::Array(_) => Types::ARRAY,
        Value::Object(_) => Types::OBJECT,
    };
    types.contains(own)
}

fn is_integral(number: &serde_json::Number) -> bool {
    number.is_i64() || number.is_u64() || number.as_f64().is_some_and(|n| n.fract() == 0.0)
}

/// What to say when a value has none of `types` (pydantic's words where it has them).
fn type_mismatch(types: Types) -> (&'static str, &'static str) {
    let without_null = Types(types.0 & !Types::NULL.0);
    match without_null {
        Types::BOOLEAN => ("Input should be a valid boolean", "bool_parsing"),
        Types::INTEGER => (
            "Input should be a valid integer, unable to parse string as an integer",
            "int_parsing",
        ),
        Types::NUMBER | Types(0x0c) => (
            "Input should be a valid number, unable to parse string as a number",
            "float_parsing",
        ),
        Types::STRING => ("Input should be a valid string", "string_type"),
        Types::ARRAY => ("Input should be a valid list", "list_type"),
        Types::OBJECT => ("Input should be a valid dictionary", "dict_type"),
        Types::NONE if types == Types::NULL => ("Input should be None", "none_required"),
        Types::NONE => ("No value is allowed here", "never"),
        _ => ("Input has none of the allowed types", "type"),
    }
}

fn check_array(rules: &ArrayRules, elements: &[Value], at: &[String], problems: &mut Vec<Problem>) {
    let problem = |message: String, kind: &'static str| Problem::new(at.to_vec(), message, kind);
    let count = elements.len() as u64;
    if let Some(min) = rules.min_items
        && count < min
    {
        problems.push(problem(
            format!("List should have at least {min} items"),
            "too_short",
        ));
    }
    if let Some(max) = rules.max_items
        && count > max
    {
        problems.push(problem(
            format!("List should have at most {max} items"),
            "too_long",
        ));
    }
    if rules.unique_items
        && elements
            .iter()
            .enumerate()
            .any(|(i, a)| elements[..i].iter().any(|b| specs::json::same(a, b)))
    {
        problems.push(problem(
            "List should have unique items".into(),
            "unique_items",
        ));
    }
    for (index, element) in elements.iter().enumerate() {
        let mut at = at.to_vec();
        at.push(index.to_string());
        let schema = rules.prefix_items.get(index).copied().or(rules.items);
        if let Some(schema) = schema {
            check_value(schema, element, &at, problems);
        }
    }
    if let Some(contains) = rules.contains {
        let matching = elements
            .iter()
            .filter(|element| is_valid(contains, element))
            .count() as u64;
        let min = rules.min_contains.unwrap_or(1);
        if matching < min {
            problems.push(problem(
                if min == 1 {
                    "List should contain a matching item".into()
                } else {
                    format!("List should contain at least {min} matching items")
                },
                "contains",
            ));
        }
        if let Some(max) = rules.max_contains
            && matching > max
        {
            problems.push(problem(
                format!("List should contain at most {max} matching items"),
                "contains",
            ));
        }
    }
}

/// JSON equality as JSON Schema defines it: `1` equals `1.0`.
/// Whether `value` is one of the serialised `enum`/`const` `values`. JSON
/// Schema compares numbers by value, so `1.0` is `1` (a client holding a
/// `number` as a float sends `1.0`); the text comparison is the fast path.
fn is_one_of(values: &[&str], value: &Value) -> bool {
    values.contains(&value.to_string().as_str())
        || (matches!(value, Value::Number(_) | Value::Array(_) | Value::Object(_))
            && values.iter().any(|allowed| {
                serde_json::from_str::<Value>(allowed)
                    .is_ok_and(|allowed| specs::json::same(&allowed, value))
            }))
}

fn check_object(
    rules: &ObjectRules,
    members: &serde_json::Map<String, Value>,
    at: &[String],
    problems: &mut Vec<Problem>,
) {
    let problem = |message: String, kind: &'static str| Problem::new(at.to_vec(), message, kind);
    for name in rules.required {
        if !members.contains_key(*name) {
            let mut at = at.to_vec();
            at.push((*name).to_string());
            problems.push(Problem::new(at, "Field required", "missing"));
        }
    }
    let count = members.len() as u64;
    if let Some(min) = rules.min_properties
        && count < min
    {
        problems.push(problem(
            format!("Object should have at least {min} members"),
            "too_short",
        ));
    }
    if let Some(max) = rules.max_properties
        && count > max
    {
        problems.push(problem(
            format!("Object should have at most {max} members"),
            "too_long",
        ));
    }
    for (name, member) in members {
        let mut member_at = at.to_vec();
        member_at.push(name.clone());
        if let Some(names) = rules.property_names {
            check_value(names, &Value::String(name.clone()), &member_at, problems);
        }
        let mut matched = false;
        if let Some((_, schema)) = rules.properties.iter().find(|(known, _)| known == name) {
            matched = true;
            check_value(schema, member, &member_at, problems);
        }
        for (pattern, schema) in rules.pattern_properties {
            if pattern.is_match(name) == Some(true) {
                matched = true;
                check_value(schema, member, &member_at, problems);
            }
        }
        if !matched && let Some(additional) = rules.additional {
            check_member(additional, member, member_at, problems);
        }
    }
    for (name, needed) in rules.dependent_required {
        if members.contains_key(*name) {
            for needed in needed.iter().filter(|n| !members.contains_key(**n)) {
                let mut at = at.to_vec();
                at.push((*needed).to_string());
                problems.push(Problem::new(
                    at,
                    format!("Field required when `{name}` is present"),
                    "missing",
                ));
            }
        }
    }
}

/// A member checked against the schema for members no name or pattern
/// names (`additionalProperties`, `unevaluatedProperties`): `false` says
/// it is not permitted at all.
fn check_member(schema: &Schema, member: &Value, at: Vec<String>, problems: &mut Vec<Problem>) {
    if schema.types == Types::NONE {
        problems.push(Problem::new(
            at,
            "Extra inputs are not permitted",
            "extra_forbidden",
        ));
    } else {
        check_value(schema, member, &at, problems);
    }
}

/// Whether `value` satisfies `schema`.
fn is_valid(schema: &Schema, value: &Value) -> bool {
    let mut scratch = Vec::new();
    check_value(schema, value, &[], &mut scratch);
    scratch.is_empty()
}

/// Marks the members of `members` (by position) that `schema`, which
/// `value` satisfies, evaluates: JSON Schema 2020-12's annotations for
/// `unevaluatedProperties`. Subschemas count only when `value` satisfies
/// them (a failed `anyOf` branch evaluates nothing). `own` leaves out
/// `schema`'s own `unevaluatedProperties`, the keyword being decided.
fn mark_members(
    schema: &Schema,
    value: &Value,
    members: &serde_json::Map<String, Value>,
    marked: &mut [bool],
    own: bool,
) {
    if let Some(rules) = schema.object {
        let everything = rules.additional.is_some() || (!own && rules.unevaluated.is_some());
        for ((name, _), mark) in members.iter().zip(marked.iter_mut()) {
            *mark |= everything
                || rules.properties.iter().any(|(known, _)| known == name)
                || rules
                    .pattern_properties
                    .iter()
                    .any(|(pattern, _)| pattern.is_match(name) == Some(true));
        }
        for (name, dependent) in rules.dependent_schemas {
            if members.contains_key(*name) {
                mark_members(dependent, value, members, marked, false);
            }
        }
    }
    for_each_valid_subschema(schema, value, |part| {
        mark_members(part, value, members, marked, false);
    });
}

/// Marks the items (by position) that `schema`, which `value` satisfies,
/// evaluates: the annotations `unevaluatedItems` reads (see [`mark_members`]).
fn mark_items(schema: &Schema, value: &Value, elements: &[Value], marked: &mut [bool], own: bool) {
    if let Some(rules) = schema.array {
        let everything = rules.items.is_some() || (!own && rules.unevaluated.is_some());
        for (index, (element, mark)) in elements.iter().zip(marked.iter_mut()).enumerate() {
            *mark |= everything
                || index < rules.prefix_items.len()
                || rules.contains.is_some_and(|c| is_valid(c, element));
        }
    }
    for_each_valid_subschema(schema, value, |part| {
        mark_items(part, value, elements, marked, false);
    });
}

/// The in-place applicators of `schema` whose annotations reach it: every
/// `allOf` part, the `anyOf`/`oneOf` branches `value` satisfies, and the
/// `if` with `then`, or `else`, as `value` satisfies the `if`.
fn for_each_valid_subschema(schema: &Schema, value: &Value, mut visit: impl FnMut(&Schema)) {
    for part in schema.all_of {
        visit(part);
    }
    for branch in schema.any_of.iter().chain(schema.one_of) {
        if is_valid(branch, value) {
            visit(branch);
        }
    }
    if let Some(conditional) = schema.conditional {
        if is_valid(conditional.when, value) {
            visit(conditional.when);
            visit(conditional.then);
        } else {
            visit(conditional.otherwise);
        }
    }
}

/// `unevaluatedProperties` and `unevaluatedItems`, which depend on what
/// every other keyword of `schema` evaluated.
fn check_unevaluated(schema: &Schema, value: &Value, at: &[String], problems: &mut Vec<Problem>) {
    match value {
        Value::Object(members) => {
            let Some(unevaluated) = schema.object.and_then(|rules| rules.unevaluated) else {
                return;
            };
            let mut marked = vec![false; members.len()];
            mark_members(schema, value, members, &mut marked, true);
            for ((name, member), marked) in members.iter().zip(marked) {
                if !marked {
                    let mut at = at.to_vec();
                    at.push(name.clone());
                    check_member(unevaluated, member, at, problems);
                }
            }
        }
        Value::Array(elements) => {
            let Some(unevaluated) = schema.array.and_then(|rules| rules.unevaluated) else {
                return;
            };
            let mut marked = vec![false; elements.len()];
            mark_items(schema, value, elements, &mut marked, true);
            for (index, (element, marked)) in elements.iter().zip(marked).enumerate() {
                if !marked {
                    let mut at = at.to_vec();
                    at.push(index.to_string());
                    if unevaluated.types == Types::NONE {
                        problems.push(Problem::new(
                            at,
                            "Extra items are not permitted",
                            "too_long",
                        ));
                    } else {
                        check_value(unevaluated, element, &at, problems);
                    }
                }
            }
        }
        _ => {}
    }
}

fn check_number(
    rules: &NumberRules,
    number: &serde_json::Number,
    at: &[String],
    problems: &mut Vec<Problem>,
) {
    let mut push = |message: String, kind| problems.push(Problem::new(at.to_vec(), message, kind));
    if is_integral(number) && !fits_format(number, rules.format) {
        push(
            format!("Input should fit in {}", rules.format.unwrap_or_default()),
            "int_overflow",
        );
    }
    let value = number.as_f64().unwrap_or_default();
    if let Some(min) = rules.minimum {
        if rules.exclusive_minimum && value <= min {
            push(
                format!("Input should be greater than {min}"),
                "greater_than",
            );
        } else if value < min {
            push(
                format!("Input should be greater than or equal to {min}"),
                "greater_than_equal",
            );
        }
    }
    if let Some(max) = rules.maximum {
        if rules.exclusive_maximum && value >= max {
            push(format!("Input should be less than {max}"), "less_than");
        } else if value > max {
            push(
                format!("Input should be less than or equal to {max}"),
                "less_than_equal",
            );
        }
    }
    if let Some(divisor) = rules.multiple_of
        && !is_multiple(number, divisor)
    {
        push(
            format!("Input should be a multiple of {divisor}"),
            "multiple_of",
        );
    }
}

/// `multipleOf`: exact for integers, within rounding error for fractions.
fn is_multiple(number: &serde_json::Number, divisor: f64) -> bool {
    if divisor.fract() == 0.0
        && divisor.abs() < 9.0e15
        && let Some(integer) = number.as_i64()
    {
        return divisor != 0.0 && integer % (divisor as i64) == 0;
    }
    let quotient = number.as_f64().unwrap_or(f64::NAN) / divisor;
    quotient.is_finite() && (quotient - quotient.round()).abs() <= 1e-9 * quotient.abs().max(1.0)
}

/// Whether an integral JSON number fits `int32`/`int64` exactly. Compared as
/// integers: as `f64`, 2^63 and `i64::MAX` are the same number.
fn fits_format(number: &serde_json::Number, format: Option<&str>) -> bool {
    const TWO_31: f64 = 2_147_483_648.0;
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    let range = match format {
        Some("int32") => i64::from(i32::MIN)..=i64::from(i32::MAX),
        Some("int64") => i64::MIN..=i64::MAX,
        _ => return true,
    };
    if let Some(integer) = number.as_i64() {
        return range.contains(&integer);
    }
    if number.is_u64() {
        return false; // above i64::MAX
    }
    // Anything else arrived as a float (`1e3`, or an integer beyond 64 bits),
    // rounded to the nearest f64: one that rounds to -2^63 may have been
    // below it, so that bound is exclusive for floats.
    let float = number.as_f64().unwrap_or(f64::NAN);
    match format {
        Some("int32") => (-TWO_31..TWO_31).contains(&float),
        _ => float > -TWO_63 && float < TWO_63,
    }
}

fn check_string(rules: &StringRules, text: &str, at: &[String], problems: &mut Vec<Problem>) {
    let mut push = |message: String, kind| problems.push(Problem::new(at.to_vec(), message, kind));
    let length = text.chars().count() as u64;
    if let Some(min) = rules.min_length
        && length < min
    {
        let unit = if min == 1 { "character" } else { "characters" };
        push(
            format!("String should have at least {min} {unit}"),
            "string_too_short",
        );
    }
    if let Some(max) = rules.max_length
        && length > max
    {
        let unit = if max == 1 { "character" } else { "characters" };
        push(
            format!("String should have at most {max} {unit}"),
            "string_too_long",
        );
    }
    if let Some(pattern) = rules.pattern {
        match pattern.is_match(text) {
            Some(true) => {}
            Some(false) => push(
                format!("String should match pattern '{}'", pattern.source),
                "string_pattern_mismatch",
            ),
            None => push(
                format!("Pattern '{}' cannot be compiled", pattern.source),
                "pattern_invalid",
            ),
        }
    }
    let valid = match rules.format {
        Some("uuid") => is_uuid(text),
        Some("date-time") => is_date_time(text),
        Some("date") => is_date(text),
        Some("email") => text
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.')),
        Some("uri" | "url") => is_uri(text),
        _ => true,
    };
    if !valid {
        let format = rules.format.unwrap_or_default();
        let kind = match format {
            "uuid" => "uuid_parsing",
            "date-time" => "datetime_from_date_parsing",
            "date" => "date_from_datetime_parsing",
            "email" => "value_error",
            _ => "url_parsing",
        };
        push(format!("Input should be a valid {format}"), kind);
    }
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(index, byte)| match index {
            8 | 13 | 18 | 23 => byte == b'-',
            _ => byte.is_ascii_hexdigit(),
        })
}

/// RFC 3339 `full-date`: `2026-02-28`, with the month's real length (leap years included).
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (
        digits(&bytes[0..4]),
        digits(&bytes[5..7]),
        digits(&bytes[8..10]),
    ) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// RFC 3339 `date-time`: `full-date "T" partial-time time-offset`, with
/// hours 00-23, minutes 00-59, seconds 00-60 (a leap second), an optional
/// fraction, and `Z` or `±hh:mm` with the same hour and minute ranges.
fn is_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once(['T', 't']) else {
        return false;
    };
    let bytes = time.as_bytes();
    if !is_date(date) || bytes.len() < 9 || bytes[2] != b':' || bytes[5] != b':' {
        return false;
    }
    let clock = (
        digits(&bytes[0..2]),
        digits(&bytes[3..5]),
        digits(&bytes[6..8]),
    );
    let (Some(0..=23), Some(0..=59), Some(0..=60)) = clock else {
        return false;
    };
    let mut rest = &time[8..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let after = fraction.trim_start_matches(|c: char| c.is_ascii_digit());
        if after.len() == fraction.len() {
            return false; // `.` without digits
        }
        rest = after;
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', offset @ ..] => {
            offset.len() == 5
                && offset[2] == b':'
                && matches!(digits(&offset[0..2]), Some(0..=23))
                && matches!(digits(&offset[3..5]), Some(0..=59))
        }
        _ => false,
    }
}

/// ASCII digits as a number; `None` if any byte is not a digit.
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |number, byte| {
        byte.is_ascii_digit()
            .then(|| number * 10 + u32::from(byte - b'0'))
    })
}

fn is_uri(text: &str) -> bool {
    text.split_once(':').is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{Conditional, Pattern};

    static BODY: RequestBody = RequestBody {
        required: true,
        media_type: "application/json",
        schema: &Schema {
            types: Types::OBJECT,
            object: Some(&ObjectRules {
                properties: &[(
                    "name",
                    &Schema {
                        types: Types::STRING,
                        string: Some(&StringRules {
                            min_length: Some(1),
                            ..StringRules::NONE
                        }),
                        ..Schema::ANY
                    },
                )],
                required: &["name"],
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        },
    };

    fn kinds(content_type: Option<&str>, body: &[u8]) -> Vec<&'static str> {
        let mut headers = HeaderMap::new();
        if let Some(content_type) = content_type {
            headers.insert(
                CONTENT_TYPE,
                axum::http::HeaderValue::from_str(content_type).unwrap(),
            );
        }
        let mut problems = Vec::new();
        check_body(&BODY, &headers, body, &mut problems);
        problems.into_iter().map(|p| p.kind).collect()
    }

    #[test]
    fn request_bodies_are_checked() {
        let json = Some("application/json; charset=utf-8");
        assert!(kinds(json, br#"{"name": "x"}"#).is_empty());
        assert_eq!(kinds(json, b""), ["missing"]);
        assert_eq!(
            kinds(Some("text/plain"), br#"{"name": "x"}"#),
            ["content_type"]
        );
        assert_eq!(kinds(None, br#"{"name": "x"}"#), ["content_type"]);
        assert_eq!(kinds(json, br#"{"name": "#), ["json_invalid"]);
        assert_eq!(kinds(json, &[0x7b, 0xff, 0xfe, 0x7d]), ["json_invalid"]);
        assert_eq!(kinds(json, br#"{"name": ""}"#), ["string_too_short"]);
        assert_eq!(kinds(json, br#"{}"#), ["missing"]);
    }

    const ID: Schema = Schema {
        types: Types::STRING,
        string: Some(&StringRules {
            min_length: Some(1),
            max_length: Some(5),
            ..StringRules::NONE
        }),
        ..Schema::ANY
    };
    const COUNT: Schema = Schema {
        types: Types::INTEGER,
        number: Some(&NumberRules {
            minimum: Some(0.0),
            format: Some("int32"),
            ..NumberRules::NONE
        }),
        ..Schema::ANY
    };

    fn parameter(schema: &Schema, raw: Option<&str>) -> Vec<(String, &'static str)> {
        let mut problems = Vec::new();
        check_parameter(Location::Path, "p", raw, schema, &mut problems);
        problems.into_iter().map(|p| (p.message, p.kind)).collect()
    }

    #[test]
    fn strings_lengths_and_formats() {
        assert!(parameter(&ID, Some("abc")).is_empty());
        assert_eq!(parameter(&ID, Some("abcdef"))[0].1, "string_too_long");
        assert_eq!(
            parameter(&ID, Some(""))[0],
            (
                "String should have at least 1 character".into(),
                "string_too_short"
            )
        );
        static UUID_SCHEMA: Schema = Schema {
            types: Types::STRING,
            string: Some(&StringRules {
                format: Some("uuid"),
                ..StringRules::NONE
            }),
            ..Schema::ANY
        };
        assert!(parameter(&UUID_SCHEMA, Some("0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10")).is_empty());
        assert_eq!(
            parameter(&UUID_SCHEMA, Some("not-a-uuid"))[0].1,
            "uuid_parsing"
        );
        assert_eq!(parameter(&ID, None)[0].1, "string_unicode");
        assert!(is_date_time("2026-01-01T00:00:00.123+02:00"));
        assert!(!is_date_time("2026-01-01 00:00"));
        assert_eq!(
            parameter(&UUID_SCHEMA, Some("0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e1g"))[0].1,
            "uuid_parsing"
        );
        assert!(is_uri("https://example.com/x"));
        assert!(!is_uri("example"));
    }

    #[test]
    fn dates_follow_the_calendar_and_the_clock() {
        for valid in ["2026-02-28", "2024-02-29", "2000-02-29", "2026-12-31"] {
            assert!(is_date(valid), "{valid}");
        }
        for invalid in [
            "2026-02-31",
            "2026-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-1-01",
            "２０２６-01-01",
        ] {
            assert!(!is_date(invalid), "{invalid}");
        }
        for valid in [
            "2026-01-01T23:59:59Z",
            "2016-12-31T23:59:60Z",
            "2026-01-01t00:00:00.5z",
            "2026-01-01T00:00:00-23:59",
        ] {
            assert!(is_date_time(valid), "{valid}");
        }
        for invalid in [
            "2026-01-01T99:99:99Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:60:00Z",
            "2026-01-01T00:00:61Z",
            "2026-02-31T00:00:00Z",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00+24:00",
            "2026-01-01T00:00:00+01:60",
            "2026-01-01T00:00:00+0100",
            "2026-01-01T00:00:00",
        ] {
            assert!(!is_date_time(invalid), "{invalid}");
        }
    }

    #[test]
    fn int64_and_int32_are_exact() {
        static INT64_SCHEMA: Schema = Schema {
            types: Types::INTEGER,
            number: Some(&NumberRules {
                format: Some("int64"),
                ..NumberRules::NONE
            }),
            ..Schema::ANY
        };
        assert!(parameter(&INT64_SCHEMA, Some("9223372036854775807")).is_empty());
        assert!(parameter(&INT64_SCHEMA, Some("-9223372036854775808")).is_empty());
        assert_eq!(
            parameter(&INT64_SCHEMA, Some("9223372036854775808"))[0].1,
            "int_overflow"
        );
        assert_eq!(
            parameter(&INT64_SCHEMA, Some("-9223372036854775809"))[0].1,
            "int_overflow"
        );
        assert_eq!(
            parameter(&INT64_SCHEMA, Some("9.3e18"))[0].1,
            "int_overflow"
        );
        assert!(parameter(&INT64_SCHEMA, Some("1e3")).is_empty());
        assert!(parameter(&COUNT, Some("2147483647")).is_empty());
        assert_eq!(parameter(&COUNT, Some("2147483648"))[0].1, "int_overflow");
    }

    #[test]
    fn integers_parse_and_respect_bounds() {
        assert!(parameter(&COUNT, Some("12345")).is_empty());
        assert_eq!(parameter(&COUNT, Some("abc"))[0].1, "int_parsing");
        assert_eq!(parameter(&COUNT, Some("1.5"))[0].1, "int_parsing");
        assert_eq!(parameter(&COUNT, Some("-1"))[0].1, "greater_than_equal");
        assert_eq!(parameter(&COUNT, Some("4294967296"))[0].1, "int_overflow");
    }

    #[test]
    fn bodies_report_every_problem_with_its_location() {
        static ITEM: Schema = Schema {
            types: Types::OBJECT,
            object: Some(&ObjectRules {
                properties: &[("id", &ID), ("count", &COUNT)],
                required: &["id"],
                additional: Some(&Schema::NOTHING),
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        };
        static SCHEMA_SCHEMA: Schema = Schema {
            types: Types::ARRAY,
            array: Some(&ArrayRules {
                items: Some(&ITEM),
                ..ArrayRules::NONE
            }),
            ..Schema::ANY
        };
        let mut problems = Vec::new();
        check_value(
            &SCHEMA_SCHEMA,
            &json!([{"id": "a"}, {"count": "x", "extra": 1}]),
            &["body".into()],
            &mut problems,
        );
        let found: Vec<(Vec<String>, &str)> =
            problems.into_iter().map(|p| (p.location, p.kind)).collect();
        assert_eq!(
            found,
            [
                (vec!["body".into(), "1".into(), "id".into()], "missing"),
                (
                    vec!["body".into(), "1".into(), "count".into()],
                    "int_parsing"
                ),
                (
                    vec!["body".into(), "1".into(), "extra".into()],
                    "extra_forbidden"
                ),
            ]
        );
    }

    #[test]
    fn unions_and_enums() {
        static SCHEMA_SCHEMA: Schema = Schema {
            one_of: &[
                &Schema {
                    values: Some(&["\"a\""]),
                    ..Schema::ANY
                },
                &Schema {
                    types: Types::BOOLEAN.or(Types::NULL),
                    ..Schema::ANY
                },
            ],
            ..Schema::ANY
        };
        let mut problems = Vec::new();
        check_value(&SCHEMA_SCHEMA, &json!("a"), &[], &mut problems);
        check_value(&SCHEMA_SCHEMA, &json!(null), &[], &mut problems);
        assert!(problems.is_empty());
        check_value(&SCHEMA_SCHEMA, &json!("b"), &[], &mut problems);
        assert_eq!(problems[0].kind, "union_tag_invalid");
    }

    #[test]
    fn enums_compare_numbers_by_value() {
        static SPAN: Schema = Schema {
            values: Some(&["1", "[2]"]),
            ..Schema::ANY
        };
        for allowed in [json!(1), json!(1.0), json!([2.0])] {
            assert!(kinds_of(&SPAN, allowed.clone()).is_empty(), "{allowed}");
        }
        for refused in [json!(1.5), json!("1"), json!([2, 2])] {
            assert_eq!(kinds_of(&SPAN, refused.clone()), ["enum"], "{refused}");
        }
    }

    fn kinds_of(schema: &Schema, value: Value) -> Vec<&'static str> {
        let mut problems = Vec::new();
        check_value(schema, &value, &[], &mut problems);
        problems.into_iter().map(|p| p.kind).collect()
    }

    #[test]
    fn patterns_are_unanchored_searches() {
        static ORG_ID: Pattern = Pattern::new("^orgi_[a-z0-9]+$", "^orgi_[a-z0-9]+$");
        static SCHEME: Pattern = Pattern::new("^oci:\\/\\/", "^oci:/");
        static ORG_SCHEMA: Schema = Schema {
            types: Types::STRING,
            string: Some(&StringRules {
                pattern: Some(&ORG_ID),
                ..StringRules::NONE
            }),
            ..Schema::ANY
        };
        assert!(kinds_of(&ORG_SCHEMA, json!("orgi_a1")).is_empty());
        assert_eq!(
            kinds_of(&ORG_SCHEMA, json!("orgi_A")),
            ["string_pattern_mismatch"]
        );
        assert_eq!(
            kinds_of(&ORG_SCHEMA, json!("xorgi_a")),
            ["string_pattern_mismatch"]
        );
        static SCHEME_SCHEMA: Schema = Schema {
            string: Some(&StringRules {
                pattern: Some(&SCHEME),
                ..StringRules::NONE
            }),
            ..Schema::ANY
        };
        assert!(kinds_of(&SCHEME_SCHEMA, json!("oci://registry/x")).is_empty());
        // Type-specific keywords ignore other types.
        assert!(kinds_of(&SCHEME_SCHEMA, json!(3)).is_empty());
        static BROKEN: Pattern = Pattern::new("(", "(");
        static BROKEN_SCHEMA: Schema = Schema {
            string: Some(&StringRules {
                pattern: Some(&BROKEN),
                ..StringRules::NONE
            }),
            ..Schema::ANY
        };
        assert_eq!(kinds_of(&BROKEN_SCHEMA, json!("x")), ["pattern_invalid"]);
    }

    #[test]
    fn numbers_multiples_and_type_lists() {
        static EVEN_SCHEMA: Schema = Schema {
            types: Types::INTEGER.or(Types::STRING),
            number: Some(&NumberRules {
                multiple_of: Some(2.0),
                exclusive_minimum: true,
                minimum: Some(0.0),
                ..NumberRules::NONE
            }),
            ..Schema::ANY
        };
        assert!(kinds_of(&EVEN_SCHEMA, json!(4)).is_empty());
        assert!(kinds_of(&EVEN_SCHEMA, json!(4.0)).is_empty());
        assert!(kinds_of(&EVEN_SCHEMA, json!("four")).is_empty());
        assert_eq!(kinds_of(&EVEN_SCHEMA, json!(3)), ["multiple_of"]);
        assert_eq!(kinds_of(&EVEN_SCHEMA, json!(0)), ["greater_than"]);
        assert_eq!(kinds_of(&EVEN_SCHEMA, json!(2.5)), ["type"]);
        assert_eq!(kinds_of(&EVEN_SCHEMA, json!(null)), ["type"]);
        static CENTS_SCHEMA: Schema = Schema {
            number: Some(&NumberRules {
                multiple_of: Some(0.01),
                ..NumberRules::NONE
            }),
            ..Schema::ANY
        };
        assert!(kinds_of(&CENTS_SCHEMA, json!(19.99)).is_empty());
        assert_eq!(kinds_of(&CENTS_SCHEMA, json!(19.999)), ["multiple_of"]);
    }

    #[test]
    fn arrays_objects_and_negation() {
        static TAGS_SCHEMA: Schema = Schema {
            types: Types::ARRAY,
            array: Some(&ArrayRules {
                unique_items: true,
                prefix_items: &[&Schema {
                    types: Types::INTEGER,
                    ..Schema::ANY
                }],
                items: Some(&Schema {
                    types: Types::STRING,
                    ..Schema::ANY
                }),
                ..ArrayRules::NONE
            }),
            ..Schema::ANY
        };
        assert!(kinds_of(&TAGS_SCHEMA, json!([1, "a", "b"])).is_empty());
        assert_eq!(
            kinds_of(&TAGS_SCHEMA, json!([1, "a", "a"])),
            ["unique_items"]
        );
        assert_eq!(kinds_of(&TAGS_SCHEMA, json!(["a"])), ["int_parsing"]);
        static LABEL: Pattern = Pattern::new("^x-", "^x-");
        static LABELS_SCHEMA: Schema = Schema {
            object: Some(&ObjectRules {
                pattern_properties: &[(
                    &LABEL,
                    &Schema {
                        types: Types::STRING,
                        ..Schema::ANY
                    },
                )],
                additional: Some(&Schema {
                    types: Types::INTEGER,
                    ..Schema::ANY
                }),
                min_properties: Some(1),
                max_properties: Some(2),
                ..ObjectRules::NONE
            }),
            not: Some(&Schema {
                object: Some(&ObjectRules {
                    required: &["forbidden"],
                    ..ObjectRules::NONE
                }),
                ..Schema::ANY
            }),
            ..Schema::ANY
        };
        assert!(kinds_of(&LABELS_SCHEMA, json!({"x-a": "b", "n": 1})).is_empty());
        assert_eq!(kinds_of(&LABELS_SCHEMA, json!({"x-a": 1})), ["string_type"]);
        assert_eq!(kinds_of(&LABELS_SCHEMA, json!({"n": "1"})), ["int_parsing"]);
        assert_eq!(kinds_of(&LABELS_SCHEMA, json!({})), ["too_short"]);
        assert_eq!(
            kinds_of(&LABELS_SCHEMA, json!({"a": 1, "b": 2, "c": 3})),
            ["too_long"]
        );
        assert_eq!(
            kinds_of(&LABELS_SCHEMA, json!({"forbidden": 1})),
            ["not_forbidden"]
        );
    }

    #[test]
    fn one_of_with_sibling_keywords() {
        // `additionalProperties: false` beside a oneOf tagged by `type`.
        const KIND_A: Schema = Schema {
            object: Some(&ObjectRules {
                properties: &[(
                    "type",
                    &Schema {
                        values: Some(&["\"a\""]),
                        ..Schema::ANY
                    },
                )],
                required: &["type"],
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        };
        const ANY_OBJECT: Schema = Schema {
            types: Types::OBJECT,
            ..Schema::ANY
        };
        static SCHEMA_SCHEMA: Schema = Schema {
            types: Types::OBJECT,
            object: Some(&ObjectRules {
                properties: &[("type", &Schema::ANY), ("a", &Schema::ANY)],
                additional: Some(&Schema::NOTHING),
                ..ObjectRules::NONE
            }),
            one_of: &[&KIND_A, &ANY_OBJECT],
            ..Schema::ANY
        };
        assert!(kinds_of(&SCHEMA_SCHEMA, json!({"type": "b"})).is_empty());
        assert_eq!(
            kinds_of(&SCHEMA_SCHEMA, json!({"type": "a"})),
            ["union_ambiguous"]
        );
        assert_eq!(
            kinds_of(&SCHEMA_SCHEMA, json!({"type": "b", "extra": 1})),
            ["extra_forbidden"]
        );
        assert_eq!(kinds_of(&SCHEMA_SCHEMA, json!([])), ["dict_type"]);
    }

    static STRING: Schema = Schema {
        types: Types::STRING,
        ..Schema::ANY
    };
    static INTEGER: Schema = Schema {
        types: Types::INTEGER,
        ..Schema::ANY
    };

    #[test]
    fn unevaluated_properties_see_through_valid_subschemas_only() {
        // {allOf: [{properties: {a}}], anyOf: [{properties: {b}, required: [b]}, {}],
        //  unevaluatedProperties: false}
        static A: Schema = Schema {
            object: Some(&ObjectRules {
                properties: &[("a", &STRING)],
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        };
        static B: Schema = Schema {
            object: Some(&ObjectRules {
                properties: &[("b", &STRING)],
                required: &["b"],
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        };
        static CLOSED: Schema = Schema {
            types: Types::OBJECT,
            object: Some(&ObjectRules {
                unevaluated: Some(&Schema::NOTHING),
                ..ObjectRules::NONE
            }),
            all_of: &[&A],
            any_of: &[&B, &Schema::ANY],
            ..Schema::ANY
        };
        assert!(kinds_of(&CLOSED, json!({"a": "x", "b": "y"})).is_empty());
        assert_eq!(
            kinds_of(&CLOSED, json!({"a": "x", "c": 1})),
            ["extra_forbidden"]
        );
        // `b` is not a string: its branch fails, so it evaluates nothing.
        assert!(kinds_of(&CLOSED, json!({"b": 1})).contains(&"extra_forbidden"));
        // A nested `unevaluatedProperties` evaluates every member for its parent.
        static OPEN_INSIDE: Schema = Schema {
            object: Some(&ObjectRules {
                unevaluated: Some(&Schema::ANY),
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        };
        static OUTER: Schema = Schema {
            object: Some(&ObjectRules {
                unevaluated: Some(&Schema::NOTHING),
                ..ObjectRules::NONE
            }),
            all_of: &[&OPEN_INSIDE],
            ..Schema::ANY
        };
        assert!(kinds_of(&OUTER, json!({"anything": 1})).is_empty());
        // A declared `additionalProperties` evaluates the rest; a typed
        // `unevaluatedProperties` checks what is left.
        static TYPED: Schema = Schema {
            object: Some(&ObjectRules {
                properties: &[("a", &STRING)],
                unevaluated: Some(&INTEGER),
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        };
        assert!(kinds_of(&TYPED, json!({"a": "x", "n": 1})).is_empty());
        assert_eq!(kinds_of(&TYPED, json!({"n": "1"})), ["int_parsing"]);
    }

    #[test]
    fn conditionals_apply_then_or_else() {
        // if {properties: {kind: {const: "card"}}} then {required: [number]} else {required: [iban]}
        static KIND_CARD: Schema = Schema {
            object: Some(&ObjectRules {
                properties: &[(
                    "kind",
                    &Schema {
                        values: Some(&["\"card\""]),
                        ..Schema::ANY
                    },
                )],
                required: &["kind"],
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        };
        static PAYMENT: Schema = Schema {
            conditional: Some(&Conditional {
                when: &KIND_CARD,
                then: &Schema {
                    object: Some(&ObjectRules {
                        required: &["number"],
                        ..ObjectRules::NONE
                    }),
                    ..Schema::ANY
                },
                otherwise: &Schema {
                    object: Some(&ObjectRules {
                        required: &["iban"],
                        ..ObjectRules::NONE
                    }),
                    ..Schema::ANY
                },
            }),
            ..Schema::ANY
        };
        assert!(kinds_of(&PAYMENT, json!({"kind": "card", "number": "4"})).is_empty());
        assert_eq!(kinds_of(&PAYMENT, json!({"kind": "card"})), ["missing"]);
        assert!(kinds_of(&PAYMENT, json!({"kind": "sepa", "iban": "x"})).is_empty());
        assert_eq!(
            kinds_of(&PAYMENT, json!({"kind": "sepa", "number": "4"})),
            ["missing"]
        );
    }

    #[test]
    fn dependencies_and_contains_bounds() {
        static BILLING: Schema = Schema {
            object: Some(&ObjectRules {
                dependent_required: &[("credit_card", &["billing_address"])],
                dependent_schemas: &[(
                    "name",
                    &Schema {
                        object: Some(&ObjectRules {
                            required: &["surname"],
                            ..ObjectRules::NONE
                        }),
                        ..Schema::ANY
                    },
                )],
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        };
        assert!(kinds_of(&BILLING, json!({"billing_address": "x"})).is_empty());
        assert_eq!(kinds_of(&BILLING, json!({"credit_card": 1})), ["missing"]);
        assert_eq!(kinds_of(&BILLING, json!({"name": "a"})), ["missing"]);
        assert!(kinds_of(&BILLING, json!({"name": "a", "surname": "b"})).is_empty());

        static TWO_OR_THREE_INTEGERS: Schema = Schema {
            array: Some(&ArrayRules {
                contains: Some(&INTEGER),
                min_contains: Some(2),
                max_contains: Some(3),
                ..ArrayRules::NONE
            }),
            ..Schema::ANY
        };
        assert!(kinds_of(&TWO_OR_THREE_INTEGERS, json!([1, "a", 2])).is_empty());
        assert_eq!(
            kinds_of(&TWO_OR_THREE_INTEGERS, json!([1, "a"])),
            ["contains"]
        );
        assert_eq!(
            kinds_of(&TWO_OR_THREE_INTEGERS, json!([1, 2, 3, 4])),
            ["contains"]
        );
        static NONE_NEEDED: Schema = Schema {
            array: Some(&ArrayRules {
                contains: Some(&INTEGER),
                min_contains: Some(0),
                ..ArrayRules::NONE
            }),
            ..Schema::ANY
        };
        assert!(kinds_of(&NONE_NEEDED, json!(["a"])).is_empty());
    }

    #[test]
    fn unevaluated_items_after_prefix_and_contains() {
        // {prefixItems: [integer], contains: {type: string}, unevaluatedItems: false}
        static TUPLE: Schema = Schema {
            array: Some(&ArrayRules {
                prefix_items: &[&INTEGER],
                contains: Some(&STRING),
                min_contains: Some(0),
                unevaluated: Some(&Schema::NOTHING),
                ..ArrayRules::NONE
            }),
            ..Schema::ANY
        };
        assert!(kinds_of(&TUPLE, json!([1, "a", "b"])).is_empty());
        assert_eq!(kinds_of(&TUPLE, json!([1, "a", true])), ["too_long"]);
    }

    #[test]
    fn ecma_patterns_with_lookaround_and_backreferences() {
        static NO_DOUBLE_DASH: Pattern = Pattern::ecma("^(?!.*--)[a-z-]+$");
        static REPEATED: Pattern = Pattern::ecma("^(\\w)\\1$");
        static PASSWORD: Schema = Schema {
            string: Some(&StringRules {
                pattern: Some(&NO_DOUBLE_DASH),
                ..StringRules::NONE
            }),
            ..Schema::ANY
        };
        assert!(kinds_of(&PASSWORD, json!("a-b")).is_empty());
        assert_eq!(
            kinds_of(&PASSWORD, json!("a--b")),
            ["string_pattern_mismatch"]
        );
        assert_eq!(REPEATED.is_match("aa"), Some(true));
        assert_eq!(REPEATED.is_match("ab"), Some(false));
        // ECMA-262's `\d` is ASCII in the ECMA engine too.
        assert_eq!(Pattern::ecma("^\\d(?=x)").is_match("١x"), Some(false));
    }
}

//! The schema evaluator: a JSON value against the model's [`Schema`],
//! every validation keyword of JSON Schema 2020-12, with `unevaluated*`
//! decided from the annotations of the subschemas that hold. The mock
//! checks requests and real answers with it at run time, and the builder
//! checks the bodies it synthesises.

mod formats;

use serde_json::Value;

use crate::model::{ArrayRules, NumberRules, ObjectRules, Schema, StringRules, Types};
use crate::problem::Problem;
use formats::{fits_format, is_date, is_date_time, is_multiple, is_uri, is_uuid};

/// Checks a JSON value against `schema`, appending what is wrong; `at` is
/// where the value is, the start of every problem's location.
pub fn check_value(schema: &Schema, value: &Value, at: &[String], problems: &mut Vec<Problem>) {
    let mut report = Problems {
        report: Some(problems),
        failed: false,
    };
    check(schema, value, &At::Root(at), &mut report);
}

/// Where the evaluator's findings go: every problem, for a report; or
/// only whether there is one (`report: None`), for [`is_valid`], which
/// builds no problem and stops at the first.
struct Problems<'p> {
    report: Option<&'p mut Vec<Problem>>,
    failed: bool,
}

impl Problems<'_> {
    fn push(&mut self, problem: impl FnOnce() -> Problem) {
        self.failed = true;
        if let Some(report) = &mut self.report {
            report.push(problem());
        }
    }

    /// Whether checking can stop: only a yes or no is wanted, and it is no.
    fn settled(&self) -> bool {
        self.failed && self.report.is_none()
    }
}

/// Where the value being checked is: built as the evaluator descends, and
/// written out as a location only when there is a problem to report (a
/// valid value allocates nothing for it).
#[derive(Clone, Copy)]
enum At<'a> {
    Root(&'a [String]),
    Member(&'a At<'a>, &'a str),
    Item(&'a At<'a>, usize),
}

impl At<'_> {
    fn to_vec(self) -> Vec<String> {
        match self {
            At::Root(root) => root.to_vec(),
            At::Member(parent, name) => {
                let mut location = parent.to_vec();
                location.push(name.to_string());
                location
            }
            At::Item(parent, index) => {
                let mut location = parent.to_vec();
                location.push(index.to_string());
                location
            }
        }
    }
}

fn check(schema: &Schema, value: &Value, at: &At<'_>, problems: &mut Problems<'_>) {
    let schema = schema.target();
    let problem = |message: String, kind: &'static str| Problem::new(at.to_vec(), message, kind);
    if !has_allowed_type(schema.types, value) {
        let (message, kind) = type_mismatch(schema.types);
        problems.push(|| problem(message.into(), kind));
        return;
    }
    if let Some(values) = schema.values
        && !is_one_of(values, value)
    {
        problems.push(|| problem(format!("Input should be {}", values.join(" or ")), "enum"));
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
    if problems.settled() {
        return;
    }
    if let (Some(rules), Value::Object(members)) = (schema.object, value) {
        for (name, dependent) in rules.dependent_schemas {
            if members.contains_key(*name) {
                check(dependent, value, at, problems);
            }
        }
    }
    for part in schema.all_of {
        check(part, value, at, problems);
        if problems.settled() {
            return;
        }
    }
    let matches = |branch: &Schema| is_valid(branch, value);
    if let Some(conditional) = schema.conditional {
        let branch = if matches(conditional.when) {
            conditional.then
        } else {
            conditional.otherwise
        };
        check(branch, value, at, problems);
    }
    if !schema.any_of.is_empty() && !schema.any_of.iter().any(|branch| matches(branch)) {
        problems.push(|| {
            problem(
                "Input does not match any allowed schema".into(),
                "union_tag_invalid",
            )
        });
    }
    if !schema.one_of.is_empty() {
        match schema
            .one_of
            .iter()
            .filter(|branch| matches(branch))
            .count()
        {
            0 => problems.push(|| {
                problem(
                    "Input does not match any allowed schema".into(),
                    "union_tag_invalid",
                )
            }),
            1 => {}
            _ => problems.push(|| {
                problem(
                    "Input matches more than one schema of a oneOf".into(),
                    "union_ambiguous",
                )
            }),
        }
    }
    if let Some(not) = schema.not
        && matches(not)
    {
        problems.push(|| {
            problem(
                "Input matches a schema it must not match".into(),
                "not_forbidden",
            )
        });
    }
    if problems.settled() {
        return;
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

fn check_array(rules: &ArrayRules, elements: &[Value], at: &At<'_>, problems: &mut Problems<'_>) {
    let problem = |message: String, kind: &'static str| Problem::new(at.to_vec(), message, kind);
    let count = elements.len() as u64;
    if let Some(min) = rules.min_items
        && count < min
    {
        problems.push(|| {
            problem(
                format!("List should have at least {min} items"),
                "too_short",
            )
        });
    }
    if let Some(max) = rules.max_items
        && count > max
    {
        problems.push(|| problem(format!("List should have at most {max} items"), "too_long"));
    }
    if rules.unique_items
        && elements
            .iter()
            .enumerate()
            .any(|(i, a)| elements[..i].iter().any(|b| specs::json::same(a, b)))
    {
        problems.push(|| problem("List should have unique items".into(), "unique_items"));
    }
    for (index, element) in elements.iter().enumerate() {
        let schema = rules.prefix_items.get(index).copied().or(rules.items);
        if let Some(schema) = schema {
            check(schema, element, &At::Item(at, index), problems);
            if problems.settled() {
                return;
            }
        }
    }
    if let Some(contains) = rules.contains {
        let matching = elements
            .iter()
            .filter(|element| is_valid(contains, element))
            .count() as u64;
        let min = rules.min_contains.unwrap_or(1);
        if matching < min {
            problems.push(|| {
                problem(
                    if min == 1 {
                        "List should contain a matching item".into()
                    } else {
                        format!("List should contain at least {min} matching items")
                    },
                    "contains",
                )
            });
        }
        if let Some(max) = rules.max_contains
            && matching > max
        {
            problems.push(|| {
                problem(
                    format!("List should contain at most {max} matching items"),
                    "contains",
                )
            });
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
    at: &At<'_>,
    problems: &mut Problems<'_>,
) {
    let problem = |message: String, kind: &'static str| Problem::new(at.to_vec(), message, kind);
    for name in rules.required {
        if !members.contains_key(*name) {
            let at = At::Member(at, name).to_vec();
            problems.push(|| Problem::new(at, "Field required", "missing"));
        }
    }
    let count = members.len() as u64;
    if let Some(min) = rules.min_properties
        && count < min
    {
        problems.push(|| {
            problem(
                format!("Object should have at least {min} members"),
                "too_short",
            )
        });
    }
    if let Some(max) = rules.max_properties
        && count > max
    {
        problems.push(|| {
            problem(
                format!("Object should have at most {max} members"),
                "too_long",
            )
        });
    }
    for (name, member) in members {
        let member_at = At::Member(at, name);
        if let Some(names) = rules.property_names {
            check(names, &Value::String(name.clone()), &member_at, problems);
        }
        let mut matched = false;
        if let Some((_, schema)) = rules.properties.iter().find(|(known, _)| known == name) {
            matched = true;
            check(schema, member, &member_at, problems);
        }
        for (pattern, schema) in rules.pattern_properties {
            if pattern.is_match(name) == Some(true) {
                matched = true;
                check(schema, member, &member_at, problems);
            }
        }
        if !matched && let Some(additional) = rules.additional {
            check_member(additional, member, member_at, problems);
        }
        if problems.settled() {
            return;
        }
    }
    for (name, needed) in rules.dependent_required {
        if members.contains_key(*name) {
            for needed in needed.iter().filter(|n| !members.contains_key(**n)) {
                problems.push(|| {
                    Problem::new(
                        At::Member(at, needed).to_vec(),
                        format!("Field required when `{name}` is present"),
                        "missing",
                    )
                });
            }
        }
    }
}

/// A member checked against the schema for members no name or pattern
/// names (`additionalProperties`, `unevaluatedProperties`): `false` says
/// it is not permitted at all.
fn check_member(schema: &Schema, member: &Value, at: At<'_>, problems: &mut Problems<'_>) {
    let schema = schema.target();
    if schema.types == Types::NONE {
        problems.push(|| {
            Problem::new(
                at.to_vec(),
                "Extra inputs are not permitted",
                "extra_forbidden",
            )
        });
    } else {
        check(schema, member, &at, problems);
    }
}

/// Whether `value` satisfies `schema`.
pub fn is_valid(schema: &Schema, value: &Value) -> bool {
    let mut answer = Problems {
        report: None,
        failed: false,
    };
    check(schema, value, &At::Root(&[]), &mut answer);
    !answer.failed
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
    let schema = schema.target();
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
    let schema = schema.target();
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
    let schema = schema.target();
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
fn check_unevaluated(schema: &Schema, value: &Value, at: &At<'_>, problems: &mut Problems<'_>) {
    let schema = schema.target();
    match value {
        Value::Object(members) => {
            let Some(unevaluated) = schema.object.and_then(|rules| rules.unevaluated) else {
                return;
            };
            let mut marked = vec![false; members.len()];
            mark_members(schema, value, members, &mut marked, true);
            for ((name, member), marked) in members.iter().zip(marked) {
                if !marked {
                    check_member(unevaluated, member, At::Member(at, name), problems);
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
                    let at = At::Item(at, index);
                    if unevaluated.target().types == Types::NONE {
                        problems.push(|| {
                            Problem::new(at.to_vec(), "Extra items are not permitted", "too_long")
                        });
                    } else {
                        check(unevaluated, element, &at, problems);
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
    at: &At<'_>,
    problems: &mut Problems<'_>,
) {
    let mut push =
        |message: String, kind| problems.push(|| Problem::new(at.to_vec(), message, kind));
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

fn check_string(rules: &StringRules, text: &str, at: &At<'_>, problems: &mut Problems<'_>) {
    let mut push =
        |message: String, kind| problems.push(|| Problem::new(at.to_vec(), message, kind));
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Where each problem of `value` is, and its kind.
    fn kinds(schema: &Schema, value: &Value) -> Vec<(String, &'static str)> {
        let mut problems = Vec::new();
        check_value(schema, value, &["body".to_string()], &mut problems);
        problems
            .into_iter()
            .map(|p| (p.location.join("/"), p.kind))
            .collect()
    }

    fn typed(types: Types) -> Schema {
        Schema {
            types,
            ..Schema::ANY
        }
    }

    #[test]
    fn a_wrong_type_is_named_as_pydantic_names_it() {
        let kind = |types, value: Value| kinds(&typed(types), &value)[0].1;
        assert_eq!(kind(Types::BOOLEAN, json!("x")), "bool_parsing");
        assert_eq!(
            kind(Types::BOOLEAN.or(Types::NULL), json!(1)),
            "bool_parsing"
        );
        assert_eq!(kind(Types::INTEGER, json!("x")), "int_parsing");
        assert_eq!(kind(Types::NUMBER, json!("x")), "float_parsing");
        assert_eq!(kind(Types::STRING, json!(1)), "string_type");
        assert_eq!(kind(Types::ARRAY, json!(1)), "list_type");
        assert_eq!(kind(Types::OBJECT, json!(1)), "dict_type");
        assert_eq!(kind(Types::NULL, json!(1)), "none_required");
        assert_eq!(kind(Types::NONE, json!(1)), "never");
        assert_eq!(kind(Types::STRING.or(Types::ARRAY), json!(1)), "type");
    }

    #[test]
    fn counts_and_bounds_hold_on_both_sides() {
        static ITEMS: ArrayRules = ArrayRules {
            prefix_items: &[],
            items: None,
            min_items: Some(1),
            max_items: Some(2),
            unique_items: false,
            contains: None,
            min_contains: None,
            max_contains: None,
            unevaluated: None,
        };
        let list = Schema {
            array: Some(&ITEMS),
            ..Schema::ANY
        };
        assert_eq!(kinds(&list, &json!([])), [("body".into(), "too_short")]);
        assert!(kinds(&list, &json!([1, 2])).is_empty());
        assert_eq!(
            kinds(&list, &json!([1, 2, 3])),
            [("body".into(), "too_long")]
        );
        static BOUNDS: NumberRules = NumberRules {
            minimum: Some(1.0),
            maximum: Some(10.0),
            exclusive_minimum: false,
            exclusive_maximum: false,
            multiple_of: None,
            format: None,
        };
        let number = Schema {
            number: Some(&BOUNDS),
            ..Schema::ANY
        };
        assert!(kinds(&number, &json!(10)).is_empty());
        assert_eq!(
            kinds(&number, &json!(11)),
            [("body".into(), "less_than_equal")]
        );
        assert_eq!(
            kinds(&number, &json!(0)),
            [("body".into(), "greater_than_equal")]
        );
    }
}

//! Checking a request against its operation: parameters (type, format,
//! length, bounds, enum), required headers, and JSON bodies.
//!
//! Problems are reported the way FastAPI/pydantic does (`loc`, `msg`,
//! `type`), which the error templates then pour into each API's own shape.

use serde_json::Value;

use crate::model::{Location, NumberRules, Schema, StringRules};

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

/// Parameters arrive as text: read them as the JSON value the schema expects.
fn parameter_value(schema: &Schema, raw: &str) -> Value {
    match schema {
        Schema::Nullable(inner) => parameter_value(inner, raw),
        Schema::Integer(_) | Schema::Number(_) | Schema::Boolean => {
            serde_json::from_str::<Value>(raw)
                .ok()
                .filter(|v| v.is_number() || v.is_boolean())
                .unwrap_or_else(|| Value::String(raw.to_string()))
        }
        Schema::Array { .. } | Schema::Object { .. } => {
            serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()))
        }
        Schema::Enum(values) if values.iter().any(|v| !v.starts_with('"')) => {
            serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()))
        }
        _ => Value::String(raw.to_string()),
    }
}

/// Checks a JSON value against `schema`, appending what is wrong.
pub fn check_value(schema: &Schema, value: &Value, at: &[String], problems: &mut Vec<Problem>) {
    let problem = |message: String, kind: &'static str| Problem::new(at.to_vec(), message, kind);
    match schema {
        Schema::Any => {}
        Schema::Nullable(inner) => {
            if !value.is_null() {
                check_value(inner, value, at, problems);
            }
        }
        Schema::Boolean => {
            if !value.is_boolean() {
                problems.push(problem(
                    "Input should be a valid boolean".into(),
                    "bool_parsing",
                ));
            }
        }
        Schema::Integer(rules) => match value.as_f64() {
            Some(number) if number.fract() == 0.0 => check_number(rules, number, at, problems),
            _ => problems.push(problem(
                "Input should be a valid integer, unable to parse string as an integer".into(),
                "int_parsing",
            )),
        },
        Schema::Number(rules) => match value.as_f64() {
            Some(number) => check_number(rules, number, at, problems),
            None => problems.push(problem(
                "Input should be a valid number, unable to parse string as a number".into(),
                "float_parsing",
            )),
        },
        Schema::String(rules) => match value.as_str() {
            Some(text) => check_string(rules, text, at, problems),
            None => problems.push(problem(
                "Input should be a valid string".into(),
                "string_type",
            )),
        },
        Schema::Enum(values) => {
            let text = value.to_string();
            if !values.contains(&text.as_str()) {
                problems.push(problem(
                    format!("Input should be {}", values.join(" or ")),
                    "enum",
                ));
            }
        }
        Schema::Array {
            items,
            min_items,
            max_items,
        } => {
            let Some(elements) = value.as_array() else {
                problems.push(problem("Input should be a valid list".into(), "list_type"));
                return;
            };
            let count = elements.len() as u64;
            if min_items.is_some_and(|min| count < min) {
                let min = min_items.unwrap_or_default();
                problems.push(problem(
                    format!("List should have at least {min} items"),
                    "too_short",
                ));
            }
            if max_items.is_some_and(|max| count > max) {
                let max = max_items.unwrap_or_default();
                problems.push(problem(
                    format!("List should have at most {max} items"),
                    "too_long",
                ));
            }
            for (index, element) in elements.iter().enumerate() {
                let mut at = at.to_vec();
                at.push(index.to_string());
                check_value(items, element, &at, problems);
            }
        }
        Schema::Object {
            properties,
            required,
            additional,
        } => {
            let Some(members) = value.as_object() else {
                problems.push(problem(
                    "Input should be a valid dictionary".into(),
                    "dict_type",
                ));
                return;
            };
            for name in *required {
                if !members.contains_key(*name) {
                    let mut at = at.to_vec();
                    at.push((*name).to_string());
                    problems.push(Problem::new(at, "Field required", "missing"));
                }
            }
            for (name, member) in members {
                let mut member_at = at.to_vec();
                member_at.push(name.clone());
                match properties.iter().find(|(known, _)| known == name) {
                    Some((_, schema)) => check_value(schema, member, &member_at, problems),
                    None if !additional => problems.push(Problem::new(
                        member_at,
                        "Extra inputs are not permitted",
                        "extra_forbidden",
                    )),
                    None => {}
                }
            }
        }
        Schema::AllOf(parts) => parts
            .iter()
            .for_each(|part| check_value(part, value, at, problems)),
        Schema::AnyOf(branches) | Schema::OneOf(branches) => {
            let matching = branches
                .iter()
                .filter(|branch| {
                    let mut scratch = Vec::new();
                    check_value(branch, value, at, &mut scratch);
                    scratch.is_empty()
                })
                .count();
            let exclusive = matches!(schema, Schema::OneOf(_));
            if matching == 0 {
                problems.push(problem(
                    "Input does not match any allowed schema".into(),
                    "union_tag_invalid",
                ));
            } else if exclusive && matching > 1 {
                problems.push(problem(
                    "Input matches more than one schema of a oneOf".into(),
                    "union_ambiguous",
                ));
            }
        }
    }
}

fn check_number(rules: &NumberRules, number: f64, at: &[String], problems: &mut Vec<Problem>) {
    let mut push = |message: String, kind| problems.push(Problem::new(at.to_vec(), message, kind));
    if let Some(min) = rules.minimum {
        if rules.exclusive_minimum && number <= min {
            push(
                format!("Input should be greater than {min}"),
                "greater_than",
            );
        } else if number < min {
            push(
                format!("Input should be greater than or equal to {min}"),
                "greater_than_equal",
            );
        }
    }
    if let Some(max) = rules.maximum {
        if rules.exclusive_maximum && number >= max {
            push(format!("Input should be less than {max}"), "less_than");
        } else if number > max {
            push(
                format!("Input should be less than or equal to {max}"),
                "less_than_equal",
            );
        }
    }
    let bounds = match rules.format {
        Some("int32") => Some((f64::from(i32::MIN), f64::from(i32::MAX))),
        Some("int64") => Some((i64::MIN as f64, i64::MAX as f64)),
        _ => None,
    };
    if let Some((low, high)) = bounds
        && !(low..=high).contains(&number)
    {
        push(
            format!("Input should fit in {}", rules.format.unwrap_or_default()),
            "int_overflow",
        );
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

fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && [0..4, 5..7, 8..10]
            .iter()
            .all(|r| bytes[r.clone()].iter().all(u8::is_ascii_digit))
        && (1..=12).contains(&text[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&text[8..10].parse::<u8>().unwrap_or(0))
}

/// RFC 3339: `2026-01-01T00:00:00Z`, with optional fraction and offset.
fn is_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once(['T', 't']) else {
        return false;
    };
    let time = time.as_bytes();
    is_date(date)
        && time.len() >= 9
        && time[2] == b':'
        && time[5] == b':'
        && [0..2, 3..5, 6..8]
            .iter()
            .all(|r| time[r.clone()].iter().all(u8::is_ascii_digit))
        && {
            let rest = &text[date.len() + 1 + 8..];
            let rest = rest
                .strip_prefix('.')
                .map_or(rest, |f| f.trim_start_matches(|c: char| c.is_ascii_digit()));
            matches!(rest, "Z" | "z")
                || (rest.len() == 6
                    && (rest.starts_with('+') || rest.starts_with('-'))
                    && rest.as_bytes()[3] == b':')
        }
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

    const ID: Schema = Schema::String(StringRules {
        min_length: Some(1),
        max_length: Some(5),
        format: None,
    });
    const COUNT: Schema = Schema::Integer(NumberRules {
        minimum: Some(0.0),
        maximum: None,
        exclusive_minimum: false,
        exclusive_maximum: false,
        format: Some("int32"),
    });

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
        let uuid = Schema::String(StringRules {
            min_length: None,
            max_length: None,
            format: Some("uuid"),
        });
        assert!(parameter(&uuid, Some("0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10")).is_empty());
        assert_eq!(parameter(&uuid, Some("not-a-uuid"))[0].1, "uuid_parsing");
        assert_eq!(parameter(&ID, None)[0].1, "string_unicode");
        assert!(is_date_time("2026-01-01T00:00:00.123+02:00"));
        assert!(!is_date_time("2026-01-01 00:00"));
        assert!(is_uri("https://example.com/x"));
        assert!(!is_uri("example"));
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
        static ITEM: Schema = Schema::Object {
            properties: &[("id", ID), ("count", COUNT)],
            required: &["id"],
            additional: false,
        };
        let schema = Schema::Array {
            items: &ITEM,
            min_items: None,
            max_items: None,
        };
        let mut problems = Vec::new();
        check_value(
            &schema,
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
        let schema = Schema::OneOf(&[Schema::Enum(&["\"a\""]), Schema::Nullable(&Schema::Boolean)]);
        let mut problems = Vec::new();
        check_value(&schema, &json!("a"), &[], &mut problems);
        check_value(&schema, &json!(null), &[], &mut problems);
        assert!(problems.is_empty());
        check_value(&schema, &json!("b"), &[], &mut problems);
        assert_eq!(problems[0].kind, "union_tag_invalid");
    }
}

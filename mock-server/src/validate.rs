//! Checking a request against its operation: parameters (type, format,
//! length, bounds, enum), required headers, and JSON bodies.
//!
//! Problems are reported the way FastAPI/pydantic does (`loc`, `msg`,
//! `type`), which the error templates then pour into each API's own shape.

use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use serde_json::Value;

use crate::model::{Location, NumberRules, Operation, RequestBody, Schema, StringRules};
use crate::request::Incoming;
use crate::routes::PathParams;

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
        Schema::Integer(rules) => match value.as_number() {
            Some(number) if number.as_f64().is_some_and(|n| n.fract() == 0.0) => {
                if !fits_format(number, rules.format) {
                    problems.push(problem(
                        format!("Input should fit in {}", rules.format.unwrap_or_default()),
                        "int_overflow",
                    ));
                }
                check_number(rules, number.as_f64().unwrap_or_default(), at, problems);
            }
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

    static BODY: RequestBody = RequestBody {
        required: true,
        media_type: "application/json",
        schema: &Schema::Object {
            properties: &[(
                "name",
                Schema::String(StringRules {
                    min_length: Some(1),
                    max_length: None,
                    format: None,
                }),
            )],
            required: &["name"],
            additional: true,
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
        assert_eq!(
            parameter(&uuid, Some("0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e1g"))[0].1,
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
        let int64 = Schema::Integer(NumberRules {
            format: Some("int64"),
            ..NumberRules::default()
        });
        assert!(parameter(&int64, Some("9223372036854775807")).is_empty());
        assert!(parameter(&int64, Some("-9223372036854775808")).is_empty());
        assert_eq!(
            parameter(&int64, Some("9223372036854775808"))[0].1,
            "int_overflow"
        );
        assert_eq!(
            parameter(&int64, Some("-9223372036854775809"))[0].1,
            "int_overflow"
        );
        assert_eq!(parameter(&int64, Some("9.3e18"))[0].1, "int_overflow");
        assert!(parameter(&int64, Some("1e3")).is_empty());
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

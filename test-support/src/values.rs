//! Parameter values: ones a schema accepts, ids no resource can have, and
//! ones a schema rejects; arguments and request paths made of them. Every
//! accepted value is checked against the parameter's schema (with the
//! document's components), so a `pattern` or a bound is honoured or the
//! candidate is not used.

use std::collections::BTreeMap;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;
use specs::{CredentialKind, Operation, Parameter, ParameterLocation, SourceDocument};

use crate::breaking::{Carrier, Judge, breaking_values};

/// Parameter values by parameter name, as text (the SDK's `dynamic::Arguments`).
pub type Arguments = BTreeMap<String, String>;

/// An awkward id (`/`, `:`, space, `%`, non-ASCII), so encoding is exercised.
const AWKWARD: &str = "op_a/b:c d%é";

/// A value the parameter's schema accepts. Unconstrained strings get an
/// awkward id; when no candidate fits, the first is returned (and the
/// request it goes into shows the mismatch).
pub fn valid_value(document: &SourceDocument, schema: &Value) -> String {
    let schema = crate::documents::resolve(&document.resolved, schema);
    let mut candidates = enum_values(schema);
    candidates.extend(typed_candidates(schema, &[AWKWARD, "op_1"]));
    first_accepted(document, schema, candidates)
}

/// A value the schema accepts that names no real resource, for calls on ids
/// that cannot exist; `None` when no such value fits the schema.
pub fn nonexistent_value(document: &SourceDocument, schema: &Value) -> Option<String> {
    let schema = crate::documents::resolve(&document.resolved, schema);
    if schema.get("enum").is_some() {
        return None;
    }
    let mut candidates = vec!["00000000-0000-4000-8000-000000000000".to_string()];
    candidates.extend(typed_candidates(
        schema,
        &["contract-suite-no-such-id", "nosuchid0"],
    ));
    let accepts = acceptor(document, schema);
    candidates.into_iter().find(|value| accepts(value))
}

/// A valid value for every parameter the SDK takes: all path parameters and
/// the required others (credential headers are the client's, not arguments).
pub fn valid_arguments(document: &SourceDocument, operation: &Operation) -> Arguments {
    let credential_headers = credential_headers(operation);
    operation
        .parameters
        .iter()
        .filter(|p| {
            !(p.location == ParameterLocation::Header
                && credential_headers.contains(&p.name.to_ascii_lowercase()))
        })
        .filter(|p| p.required || p.location == ParameterLocation::Path)
        .map(|p| {
            let value = if p.location == ParameterLocation::Header {
                valid_header_value(document, &p.schema)
            } else {
                valid_value(document, &p.schema)
            };
            (p.name.clone(), value)
        })
        .collect()
}

/// [`valid_value`] for a header: visible ASCII only (HTTP field values are
/// not UTF-8 text), still awkward otherwise.
pub fn valid_header_value(document: &SourceDocument, schema: &Value) -> String {
    let schema = crate::documents::resolve(&document.resolved, schema);
    let mut candidates = enum_values(schema);
    candidates.extend(typed_candidates(schema, &["op_a/b:c d%", "op_1"]));
    candidates.retain(|value| value.bytes().all(|b| (b' '..=b'~').contains(&b)));
    first_accepted(document, schema, candidates)
}

/// A value a parameter's schema rejects, or a required parameter left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadValue {
    /// What the value breaks, e.g. `too-long`, `below-minimum`, `missing`.
    pub case: &'static str,
    /// The value; `None` leaves the (required) parameter out.
    pub value: Option<String>,
    /// What the SDK does with it.
    pub sdk: SdkHandling,
}

/// What the SDK does with a bad argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SdkHandling {
    /// It refuses before sending: the value does not parse into the
    /// parameter's type (a wrong type, a bad `uuid`).
    Refuses,
    /// It sends it and reports the server's answer: the SDK's types leave
    /// string lengths to the server (narrowing keywords, see
    /// `specs::normalise`).
    Sends,
    /// Either, as the generated type decides (an enum or a bounded integer
    /// may be a type of its own, or a plain one): it never reports success.
    Either,
    /// It fills the parameter in itself: a missing idempotency key is made
    /// per call (and kept across retries). The call succeeds.
    Supplies,
}

/// Values a parameter's schema rejects, one per constraint its schema
/// states: type, `enum`, bounds (exclusive too), `multipleOf`, `pattern`,
/// the formats the mock checks, lengths, and leaving a required parameter
/// out. Each value breaks exactly its constraint: the schema without that
/// keyword accepts it (checked with the document's own dialect), so a row
/// failing names the constraint the server missed.
pub fn bad_values(document: &SourceDocument, parameter: &Parameter) -> Vec<BadValue> {
    let schema = crate::documents::resolve(&document.resolved, &parameter.schema);
    let mut bad = Vec::new();
    if parameter.required && parameter.location != ParameterLocation::Path {
        let sdk = if parameter.location == ParameterLocation::Header
            && parameter.name.eq_ignore_ascii_case("idempotency-key")
        {
            SdkHandling::Supplies
        } else {
            SdkHandling::Either
        };
        bad.push(BadValue {
            case: "missing",
            value: None,
            sdk,
        });
    }
    let Value::Object(members) = schema else {
        return bad;
    };
    let as_text = |value: &Value| match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let accepts = acceptor(document, schema);
    let accepts_without = |keywords: &[&str], value: &Value| {
        let mut loosened = members.clone();
        for keyword in keywords {
            loosened.remove(*keyword);
        }
        acceptor(document, &Value::Object(loosened))(&as_text(value))
    };
    let judge = Judge {
        rejects: &|value| !accepts(&as_text(value)),
        accepts_without: &accepts_without,
        wanted: &|_| true,
    };
    bad.extend(
        breaking_values(members, Carrier::Text, None, &judge)
            .into_iter()
            // An empty path segment does not route at all.
            .filter(|b| !(b.case == "too-short" && parameter.location == ParameterLocation::Path))
            .map(|b| BadValue {
                case: b.case,
                value: Some(as_text(&b.value)),
                sdk: b.sdk,
            }),
    );
    bad
}

/// The operation's path with argument values percent-encoded (all but
/// unreserved characters), so each stays one segment.
pub fn fill_path(operation: &Operation, arguments: &Arguments) -> String {
    substitute(
        sent_path(operation),
        operation,
        arguments,
        specs::uri::encode,
    )
}

/// The operation's path as a client sends it: without the `#fragment` a
/// document adds to tell twins on one path apart (Mistral's
/// `/v1/connectors/{id}#idOrName`).
fn sent_path(operation: &Operation) -> &str {
    operation
        .path
        .split_once('#')
        .map_or(operation.path.as_str(), |(path, _)| path)
}

/// Appends `name=value` to `target`'s query, both percent-encoded.
pub(crate) fn push_query(target: &mut String, name: &str, value: &str) {
    target.push(if target.contains('?') { '&' } else { '?' });
    target.push_str(&specs::uri::encode(name));
    target.push('=');
    target.push_str(&specs::uri::encode(value));
}

/// The operation's path and query (values percent-encoded) and its header
/// parameters, for `arguments`: what a raw HTTP request needs.
pub fn request_target(
    operation: &Operation,
    arguments: &Arguments,
) -> (String, Vec<(String, String)>) {
    let mut target = fill_path(operation, arguments);
    let mut headers = Vec::new();
    for parameter in &operation.parameters {
        let Some(value) = arguments.get(&parameter.name) else {
            continue;
        };
        match parameter.location {
            ParameterLocation::Query => push_query(&mut target, &parameter.name, value),
            ParameterLocation::Header => headers.push((parameter.name.clone(), value.clone())),
            _ => {}
        }
    }
    (target, headers)
}

/// The path's segments with argument values in place, decoded: what the
/// server must see, one value per segment however awkward the value.
pub fn expected_segments(operation: &Operation, arguments: &Arguments) -> Vec<String> {
    sent_path(operation)
        .trim_start_matches('/')
        .split('/')
        .map(|segment| substitute(segment, operation, arguments, str::to_string))
        .collect()
}

/// A percent-decoded path segment (invalid UTF-8 replaced).
pub fn decode_segment(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.extend(u8::try_from(high * 16 + low));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn substitute(
    template: &str,
    operation: &Operation,
    arguments: &Arguments,
    render: impl Fn(&str) -> String,
) -> String {
    operation
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Path)
        .fold(template.to_string(), |text, parameter| {
            let value = arguments.get(&parameter.name).map_or("", String::as_str);
            // `{path:*}`: a one-segment parameter named `path`.
            text.replace(&format!("{{{}:*}}", parameter.name), &render(value))
                .replace(&format!("{{{}}}", parameter.name), &render(value))
        })
}

fn credential_headers(operation: &Operation) -> Vec<String> {
    operation
        .security
        .iter()
        .flatten()
        .filter_map(|credential| match &credential.kind {
            CredentialKind::ApiKeyHeader(name) => Some(name.to_ascii_lowercase()),
            CredentialKind::Bearer | CredentialKind::OAuth2 | CredentialKind::Basic => {
                Some("authorization".to_string())
            }
            _ => None,
        })
        .collect()
}

/// The schema's type, or the first non-null one of a type list.
pub(crate) fn single_type(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(name)) => Some(name),
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(Value::as_str)
            .find(|n| *n != "null"),
        _ => None,
    }
}

fn enum_values(schema: &Value) -> Vec<String> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|value| !value.is_null())
        .map(|value| {
            value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string)
        })
        .collect()
}

/// Candidates by type and format; `strings` for unconstrained strings.
pub(crate) fn typed_candidates(schema: &Value, strings: &[&str]) -> Vec<String> {
    let format = schema.get("format").and_then(Value::as_str);
    let mut candidates: Vec<String> = match (single_type(schema), format) {
        (_, Some("uuid")) => vec!["0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10".into()],
        (_, Some("date-time")) => vec!["2026-01-01T00:00:00Z".into()],
        (_, Some("date")) => vec!["2026-01-01".into()],
        (_, Some("email")) => vec!["contract@example.com".into()],
        (_, Some("uri")) => vec!["https://example.com/contract".into()],
        (Some("integer"), _) => vec!["12345".into(), "1".into(), "0".into()],
        (Some("number"), _) => vec!["1.5".into(), "1".into(), "0".into()],
        (Some("boolean"), _) => vec!["true".into()],
        _ => Vec::new(),
    };
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .and_then(|max| usize::try_from(max).ok())
        .unwrap_or(64);
    candidates.extend(
        strings
            .iter()
            .map(|s| s.chars().take(max).collect::<String>()),
    );
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        candidates.extend(pattern_samples(pattern));
    }
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
        && let Ok(min) = usize::try_from(min)
        && min < 4096
    {
        candidates.push("x".repeat(min.max(1)));
    }
    candidates
}

/// Deterministic strings matching a JSON Schema `pattern` (anchors dropped:
/// a sample of the unanchored expression contains a match either way).
fn pattern_samples(pattern: &str) -> Vec<String> {
    let inner = pattern.strip_prefix('^').unwrap_or(pattern);
    let inner = match inner.strip_suffix('$') {
        Some(rest) if !rest.ends_with('\\') => rest,
        _ => inner,
    };
    let Ok(strategy) = proptest::string::string_regex(inner) else {
        return Vec::new();
    };
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    (0..8)
        .filter_map(|_| strategy.new_tree(&mut runner).ok())
        .map(|tree| tree.current())
        .collect()
}

fn first_accepted(document: &SourceDocument, schema: &Value, candidates: Vec<String>) -> String {
    let accepts = acceptor(document, schema);
    candidates
        .iter()
        .find(|value| accepts(value))
        .or(candidates.first())
        .cloned()
        .unwrap_or_else(|| AWKWARD.to_string())
}

/// Whether a text value (as it would arrive in a path, query or header) fits
/// the schema: numbers and booleans as such, anything else as a string.
fn acceptor<'a>(document: &'a SourceDocument, schema: &'a Value) -> impl Fn(&str) -> bool + 'a {
    let validator = document
        .checker()
        .and_then(|checker| checker.validator(schema))
        .ok();
    move |text: &str| {
        let Some(validator) = &validator else {
            return true;
        };
        let typed = serde_json::from_str::<Value>(text)
            .ok()
            .filter(|v| v.is_number() || v.is_boolean());
        typed.is_some_and(|v| validator.is_valid(&v))
            || validator.is_valid(&Value::String(text.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn values_fit_their_schemas() {
        let document = SourceDocument::new("test.json".into(), Value::Null, json!({}));
        assert_eq!(valid_value(&document, &json!({"type": "string"})), AWKWARD);
        assert_eq!(
            valid_value(&document, &json!({"type": "string", "maxLength": 4})),
            "op_a"
        );
        assert_eq!(
            valid_value(
                &document,
                &json!({"type": ["integer", "null"], "minimum": 0, "maximum": 10})
            ),
            "1"
        );
        let patterned = json!({"type": "string", "pattern": "^orgi_[a-z0-9]+$"});
        let value = valid_value(&document, &patterned);
        assert!(value.starts_with("orgi_") && value.len() > 5, "{value}");
        assert!(acceptor(&document, &patterned)(&value));
        assert_eq!(valid_value(&document, &json!({"enum": ["b", "a"]})), "b");
    }

    #[test]
    fn nonexistent_ids_fit_or_are_none() {
        let document = SourceDocument::new(
            "test.json".into(),
            Value::Null,
            json!({"components": {"schemas": {"Id": {"type": "string", "maxLength": 9}}}}),
        );
        assert_eq!(
            nonexistent_value(&document, &json!({"$ref": "#/components/schemas/Id"})).as_deref(),
            Some("contract-")
        );
        assert_eq!(nonexistent_value(&document, &json!({"enum": ["a"]})), None);
        assert_eq!(
            nonexistent_value(&document, &json!({"type": "string", "format": "uuid"})).as_deref(),
            Some("00000000-0000-4000-8000-000000000000")
        );
    }

    #[test]
    fn each_bad_value_breaks_exactly_its_constraint() {
        let bad = |openapi: &str, location, required, schema: Value| {
            let document =
                SourceDocument::new("test.json".into(), Value::Null, json!({"openapi": openapi}));
            let parameter = Parameter {
                name: "p".into(),
                location,
                required,
                schema,
            };
            bad_values(&document, &parameter)
                .into_iter()
                .map(|b| (b.case, b.value))
                .collect::<Vec<_>>()
        };
        let some = |text: &str| Some(text.to_string());
        assert_eq!(
            bad(
                "3.1.0",
                ParameterLocation::Query,
                true,
                json!({"type": ["integer", "null"], "minimum": 1, "maximum": 100, "multipleOf": 5})
            ),
            [
                ("missing", None),
                ("not-an-integer", some("abc")),
                ("below-minimum", some("0")),
                ("above-maximum", some("105")),
                ("not-a-multiple", some("7")),
            ]
        );
        // 3.0's boolean exclusive bounds, and 3.1's numeric ones.
        assert_eq!(
            bad(
                "3.0.3",
                ParameterLocation::Query,
                false,
                json!({"type": "number", "minimum": 0, "exclusiveMinimum": true})
            ),
            [("not-a-number", some("abc")), ("below-minimum", some("0"))]
        );
        assert_eq!(
            bad(
                "3.1.0",
                ParameterLocation::Query,
                false,
                json!({"type": "integer", "exclusiveMaximum": 10})
            ),
            [
                ("not-an-integer", some("abc")),
                ("above-maximum", some("10"))
            ]
        );
        assert_eq!(
            bad(
                "3.1.0",
                ParameterLocation::Query,
                false,
                json!({"type": "string", "enum": ["asc", "desc"]})
            ),
            [("not-in-enum", some("contract-suite-not-a-member"))]
        );
        // A pattern is broken by a value of a fitting length; a length by a
        // value the pattern takes.
        assert_eq!(
            bad(
                "3.1.0",
                ParameterLocation::Path,
                true,
                json!({"type": "string", "pattern": "^[a-z]+$", "minLength": 2, "maxLength": 4})
            ),
            [("breaks-pattern", some("a b")), ("too-long", some("xxxxx"))]
        );
        assert_eq!(
            bad(
                "3.1.0",
                ParameterLocation::Header,
                false,
                json!({"type": "string", "format": "date-time", "minLength": 1})
            ),
            // An empty text is no date-time either: it breaks two keywords.
            [("not-a-date-time", some("2026-13-45T99:00:00Z"))]
        );
        assert_eq!(
            bad(
                "3.1.0",
                ParameterLocation::Header,
                false,
                json!({"type": "string", "minLength": 1})
            ),
            [("too-short", some(""))]
        );
        assert_eq!(
            bad(
                "3.1.0",
                ParameterLocation::Query,
                false,
                json!({"type": "integer", "format": "int32"})
            ),
            [
                ("not-an-integer", some("abc")),
                ("beyond-int32", some("2147483648")),
            ]
        );
    }

    #[test]
    fn segments_decode() {
        assert_eq!(decode_segment("op_a%2Fb%3Ac%20d"), "op_a/b:c d");
        assert_eq!(decode_segment("100%"), "100%");
        assert_eq!(decode_segment("%C3%A9%"), "é%");
    }
}

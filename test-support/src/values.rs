//! Parameter values: ones a schema accepts, ids no resource can have, and
//! ones a schema rejects; arguments and request paths made of them. Every
//! accepted value is checked against the parameter's schema (with the
//! document's components), so a `pattern` or a bound is honoured or the
//! candidate is not used.

use std::collections::BTreeMap;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;
use specs::{
    CredentialKind, ListEncoding, Operation, Parameter, ParameterLocation, SourceDocument,
};

use crate::breaking::{Carrier, Judge, SdkHandling, breaking_values, single_type};

/// Parameter values by parameter name, as text (the SDK's `dynamic::Arguments`).
pub type Arguments = BTreeMap<String, String>;

/// An awkward id (`/`, `:`, space, `%`, non-ASCII), so encoding is exercised.
const AWKWARD: &str = "op_a/b:c d%é";

/// A value the parameter's schema accepts. Unconstrained strings get an
/// awkward id; when no candidate fits, the first is returned (and the
/// request it goes into shows the mismatch).
pub fn valid_value(document: &SourceDocument, schema: &Value) -> String {
    let schema = crate::documents::resolve(&document.resolved, schema);
    if single_type(schema) == Some("array") {
        return valid_items(schema, &fitting_items(document, schema)).join(",");
    }
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
    /// For a list: the encoding it is sent in instead of the declared one
    /// (a style mistake, [`SdkHandling::Encodes`]); `None` sends it as declared.
    pub sent_as: Option<ListEncoding>,
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
            sent_as: None,
        });
    }
    if let (Some(encoding), ParameterLocation::Query) = (parameter.list, parameter.location) {
        bad.extend(bad_lists(document, schema, encoding));
        return bad;
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
                sent_as: None,
            }),
    );
    bad
}

/// Characters a list item must not hold: every style's separator.
const SEPARATORS: [char; 3] = [',', ' ', '|'];

/// Most bytes a list made to break `maxItems` may take in the query (the
/// mock refuses a target over 8 KiB with 414 before looking at it).
const MAX_LIST_BYTES: usize = 4096;

/// Values a query list's schema rejects, one per kind: too few items, too
/// many, an item its `items` schema rejects (`bad-item`: one item breaking
/// the first of its keywords that can be broken), and the style mistake:
/// a joined list sent as repeated names, or a repeated one joined by commas
/// where one item cannot hold the comma. Each breaks only its constraint.
fn bad_lists(document: &SourceDocument, schema: &Value, encoding: ListEncoding) -> Vec<BadValue> {
    let fitting = fitting_items(document, schema);
    let items = valid_items(schema, &fitting);
    let Some(first) = items.first() else {
        return Vec::new();
    };
    let accepts = list_acceptor(document, schema);
    let loosened = |keywords: &[&str], in_items: bool| {
        let mut loosened = schema.clone();
        let target = if in_items {
            let items = schema.get("items").map_or(Value::Null, |s| {
                crate::documents::resolve(&document.resolved, s).clone()
            });
            loosened["items"] = items;
            &mut loosened["items"]
        } else {
            &mut loosened
        };
        if let Value::Object(members) = target {
            for keyword in keywords {
                members.remove(*keyword);
            }
        }
        loosened
    };
    let breaks_only = |keyword: &str, list: &[String]| {
        !accepts(list) && list_acceptor(document, &loosened(&[keyword], false))(list)
    };
    let count = |keyword: &str| {
        schema
            .get(keyword)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    let joined = matches!(encoding, ListEncoding::Joined(_));
    let mut bad = Vec::new();
    let mut push = |case, list: &[String], sdk, sent_as| {
        bad.push(BadValue {
            case,
            value: Some(list.join(",")),
            sdk,
            sent_as,
        });
    };
    // No items at all is no parameter when the name repeats per item.
    if let Some(min) = count("minItems").filter(|min| *min > usize::from(!joined))
        && items.len() >= min - 1
        && breaks_only("minItems", &items[..min - 1])
    {
        push(
            "too-few-items",
            &items[..min - 1],
            SdkHandling::Either,
            None,
        );
    }
    if let Some(max) = count("maxItems")
        && schema.get("uniqueItems") != Some(&Value::Bool(true))
        && (max + 1) * (parameter_bytes(first) + 16) <= MAX_LIST_BYTES
    {
        let list = vec![first.clone(); max + 1];
        if breaks_only("maxItems", &list) {
            push("too-many-items", &list, SdkHandling::Either, None);
        }
    }
    if let Some(Value::Object(members)) = schema
        .get("items")
        .map(|s| crate::documents::resolve(&document.resolved, s))
    {
        let with_item = |value: &Value| {
            let mut list = items.clone();
            list[0] = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            list
        };
        let accepts_without = |keywords: &[&str], value: &Value| {
            let list = with_item(value);
            !list[0].contains(SEPARATORS)
                && list_acceptor(document, &loosened(keywords, true))(&list)
        };
        let judge = Judge {
            rejects: &|value| !accepts(&with_item(value)),
            accepts_without: &accepts_without,
            wanted: &|_| true,
        };
        if let Some(item) = breaking_values(members, Carrier::Text, None, &judge).first() {
            push("bad-item", &with_item(&item.value), item.sdk, None);
        }
    }
    let pair = match (fitting.get(1), schema.get("uniqueItems")) {
        (Some(second), _) => vec![first.clone(), second.clone()],
        (None, Some(Value::Bool(true))) => Vec::new(),
        (None, _) => vec![first.clone(), first.clone()],
    };
    if pair.len() == 2 && accepts(&pair) {
        match encoding {
            ListEncoding::Joined(_) => push(
                "list-not-joined",
                &pair,
                SdkHandling::Encodes,
                Some(ListEncoding::Repeated),
            ),
            ListEncoding::Repeated if !accepts(&[pair.join(",")]) => push(
                "list-joined",
                &pair,
                SdkHandling::Encodes,
                Some(ListEncoding::Joined(',')),
            ),
            ListEncoding::Repeated => {}
        }
    }
    bad
}

/// The bytes an item takes in a query once percent-encoded.
fn parameter_bytes(item: &str) -> usize {
    specs::uri::encode(item).len()
}

/// Items for an array schema it accepts: as many as `minItems` asks, and
/// at least two where `maxItems` allows (one item reads the same in every
/// style), distinct where `uniqueItems` asks, taken from `fitting` (see
/// [`fitting_items`]); fewer when no more fit.
fn valid_items(schema: &Value, fitting: &[String]) -> Vec<String> {
    let Some(first) = fitting.first().cloned() else {
        return Vec::new();
    };
    let count = |keyword: &str| {
        schema
            .get(keyword)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    let min = count("minItems")
        .unwrap_or(0)
        .max(count("maxItems").unwrap_or(2).min(2))
        .clamp(1, 64);
    if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
        fitting.iter().take(min).cloned().collect()
    } else {
        vec![first; min]
    }
}

/// Distinct values an array schema's `items` accepts, none holding a
/// separator.
fn fitting_items(document: &SourceDocument, schema: &Value) -> Vec<String> {
    let item_schema = schema.get("items").map_or(&Value::Null, |s| {
        crate::documents::resolve(&document.resolved, s)
    });
    let mut candidates = enum_values(item_schema);
    candidates.extend(typed_candidates(item_schema, &["op_1", "op_2", "op_3"]));
    let accepts_item = acceptor(document, item_schema);
    let mut fitting: Vec<String> = Vec::new();
    for candidate in candidates {
        if !candidate.is_empty()
            && !candidate.contains(SEPARATORS)
            && !fitting.contains(&candidate)
            && accepts_item(&candidate)
        {
            fitting.push(candidate);
        }
    }
    fitting
}

/// Whether a list of text items (as a query carries them) fits an array
/// schema: each item read as its `items` schema's type asks (a number or
/// boolean where it names one), as a server reads it.
fn list_acceptor<'a>(
    document: &'a SourceDocument,
    schema: &'a Value,
) -> impl Fn(&[String]) -> bool + 'a {
    let validator = document
        .checker()
        .and_then(|checker| checker.validator(schema))
        .ok();
    let item_type = schema
        .get("items")
        .map(|s| crate::documents::resolve(&document.resolved, s))
        .and_then(single_type);
    move |items: &[String]| {
        let Some(validator) = &validator else {
            return true;
        };
        let typed = items
            .iter()
            .map(|text| match item_type {
                Some("integer" | "number" | "boolean") => serde_json::from_str::<Value>(text)
                    .ok()
                    .filter(|v| v.is_number() || v.is_boolean())
                    .unwrap_or_else(|| Value::String(text.clone())),
                _ => Value::String(text.clone()),
            })
            .collect();
        validator.is_valid(&Value::Array(typed))
    }
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
    request_target_as(operation, arguments, None)
}

/// [`request_target`], with the list parameter `sent_as` names sent in its
/// encoding rather than the declared one ([`BadValue::sent_as`]).
pub fn request_target_as(
    operation: &Operation,
    arguments: &Arguments,
    sent_as: Option<(&str, ListEncoding)>,
) -> (String, Vec<(String, String)>) {
    let mut target = fill_path(operation, arguments);
    let mut headers = Vec::new();
    for parameter in &operation.parameters {
        let Some(value) = arguments.get(&parameter.name) else {
            continue;
        };
        match parameter.location {
            ParameterLocation::Query => {
                let encoding = sent_as
                    .filter(|(name, _)| *name == parameter.name)
                    .map(|(_, encoding)| encoding);
                for value in query_values(parameter, value, encoding) {
                    push_query(&mut target, &parameter.name, &value);
                }
            }
            ParameterLocation::Header => headers.push((parameter.name.clone(), value.clone())),
            _ => {}
        }
    }
    (target, headers)
}

/// The values a query parameter's argument travels as, one per occurrence
/// of its name: a list argument (its items separated by commas, as
/// `dynamic::Arguments` has it) in the declared encoding, or in `sent_as`;
/// anything else as it is.
pub fn query_values(
    parameter: &Parameter,
    value: &str,
    sent_as: Option<ListEncoding>,
) -> Vec<String> {
    match sent_as.or(parameter.list) {
        None => vec![value.to_string()],
        Some(ListEncoding::Repeated) if value.is_empty() => Vec::new(),
        Some(ListEncoding::Repeated) => value.split(',').map(str::to_string).collect(),
        Some(ListEncoding::Joined(separator)) => {
            vec![
                value
                    .split(',')
                    .collect::<Vec<_>>()
                    .join(&separator.to_string()),
            ]
        }
    }
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
                list: None,
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
    fn list_parameters_break_counts_items_and_style() {
        let bad = |list, schema: Value| {
            let document =
                SourceDocument::new("test.json".into(), Value::Null, json!({"openapi": "3.1.0"}));
            let parameter = Parameter {
                name: "ids".into(),
                location: ParameterLocation::Query,
                required: false,
                schema,
                list: Some(list),
            };
            bad_values(&document, &parameter)
                .into_iter()
                .map(|b| (b.case, b.value.unwrap_or_default(), b.sdk, b.sent_as))
                .collect::<Vec<_>>()
        };
        let integers = json!({
            "type": "array", "minItems": 2, "maxItems": 3,
            "items": {"type": "integer", "minimum": 1}
        });
        use ListEncoding::{Joined, Repeated};
        use SdkHandling::{Either, Encodes, Refuses};
        assert_eq!(
            bad(Repeated, integers.clone()),
            [
                ("too-few-items", "12345".into(), Either, None),
                (
                    "too-many-items",
                    "12345,12345,12345,12345".into(),
                    Either,
                    None
                ),
                ("bad-item", "abc,12345".into(), Refuses, None),
                // One value `12345,1` is no integer.
                ("list-joined", "12345,1".into(), Encodes, Some(Joined(','))),
            ]
        );
        assert_eq!(
            bad(Joined('|'), integers)
                .into_iter()
                .map(|(case, _, _, sent_as)| (case, sent_as))
                .collect::<Vec<_>>(),
            [
                ("too-few-items", None),
                ("too-many-items", None),
                ("bad-item", None),
                ("list-not-joined", Some(Repeated)),
            ]
        );
        // Repeated names cannot send an empty list, nor strings joined by
        // a comma be told from one string; a joined list can send none.
        let strings = json!({"type": "array", "minItems": 1, "items": {"type": "string"}});
        assert_eq!(bad(Repeated, strings.clone()), []);
        assert_eq!(
            bad(Joined(','), strings),
            [
                ("too-few-items", String::new(), Either, None),
                (
                    "list-not-joined",
                    "op_1,op_2".into(),
                    Encodes,
                    Some(Repeated)
                ),
            ]
        );
        // Distinct items where `uniqueItems` asks; an enum's members first.
        let unique = json!({
            "type": "array", "uniqueItems": true, "minItems": 2,
            "items": {"type": "string", "enum": ["a", "b", "c"]}
        });
        let document = SourceDocument::new("t.json".into(), Value::Null, json!({}));
        assert_eq!(valid_value(&document, &unique), "a,b");
    }

    #[test]
    fn lists_travel_in_their_parameters_encoding() {
        let parameter = |list| Parameter {
            name: "ids".into(),
            location: ParameterLocation::Query,
            required: false,
            schema: json!({"type": "array"}),
            list,
        };
        let repeated = parameter(Some(ListEncoding::Repeated));
        assert_eq!(query_values(&repeated, "a,b", None), ["a", "b"]);
        assert!(query_values(&repeated, "", None).is_empty());
        assert_eq!(
            query_values(&repeated, "a,b", Some(ListEncoding::Joined(','))),
            ["a,b"]
        );
        let piped = parameter(Some(ListEncoding::Joined('|')));
        assert_eq!(query_values(&piped, "a,b", None), ["a|b"]);
        assert_eq!(query_values(&piped, "", None), [""]);
        assert_eq!(query_values(&parameter(None), "a,b", None), ["a,b"]);
    }

    #[test]
    fn segments_decode() {
        assert_eq!(decode_segment("op_a%2Fb%3Ac%20d"), "op_a/b:c d");
        assert_eq!(decode_segment("100%"), "100%");
        assert_eq!(decode_segment("%C3%A9%"), "é%");
    }
}

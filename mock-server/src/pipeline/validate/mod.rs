//! Checking a request against its operation: parameters (type, format,
//! length, bounds, enum), required headers, and JSON and form bodies
//! (`forms`); and an
//! answer against its declared response: headers and body.
//!
//! Problems are reported the way FastAPI/pydantic does (`loc`, `msg`,
//! `type`), which the error templates then pour into each API's own shape.

use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use serde_json::Value;

use crate::model::{ListEncoding, Location, Operation, RequestBody, Response, Schema, Types};
use crate::pipeline::multipart::MULTIPART;
use crate::pipeline::request::Incoming;
use crate::pipeline::routes::PathParams;
use mock_model::problem::Problem;

pub(crate) mod forms;
#[cfg(test)]
mod tests;

pub use mock_model::evaluate::check_value;
use mock_model::evaluate::is_valid;

/// Everything wrong with `request` as a call of `operation`: every
/// parameter against its schema (required ones present), and the body.
pub fn check_request(
    operation: &Operation,
    path_params: &PathParams,
    request: &Incoming,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for parameter in operation.parameters {
        // A query array repeats its name or joins its items into one value,
        // as its `style` and `explode` say.
        if parameter.location == Location::Query && expects_array(parameter.schema) {
            let values: Vec<&str> = request.query_values(parameter.name).collect();
            let at = || vec!["query".to_string(), parameter.name.to_string()];
            let items = match list_items(parameter.list, &values) {
                Ok(items) => items,
                Err(separator) => {
                    problems.push(Problem::new(
                        at(),
                        format!(
                            "Input should be one value with the items separated by {separator:?}, \
                             not the parameter repeated"
                        ),
                        "list_style",
                    ));
                    continue;
                }
            };
            if !values.is_empty() {
                check_value(
                    parameter.schema,
                    &array_value(parameter.schema, &items),
                    &at(),
                    &mut problems,
                );
                continue;
            }
        }
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
        check_body(expected, request, &mut problems);
    }
    problems
}

/// The items of a query array sent as `values` (each occurrence of its
/// name, in order) in `encoding`; `Err(separator)` when a joined list's name
/// is repeated.
fn list_items<'a>(encoding: ListEncoding, values: &[&'a str]) -> Result<Vec<&'a str>, char> {
    match (encoding, values) {
        (ListEncoding::Repeated, values) => Ok(values.to_vec()),
        (ListEncoding::Joined(_), [] | [""]) => Ok(Vec::new()),
        (ListEncoding::Joined(separator), [value]) => Ok(value.split(separator).collect()),
        (ListEncoding::Joined(separator), _) => Err(separator),
    }
}

/// A request body: present if required, of a declared media type, and, in
/// one the mock checks, valid JSON (or a form: see [`forms`]) valid against
/// its schema.
fn check_body(expected: &RequestBody, request: &Incoming, problems: &mut Vec<Problem>) {
    let bytes = &request.body;
    let content_type = request
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    // An empty urlencoded body is a form without fields (its schema says
    // whether that will do); any other empty body is no body.
    let empty_form =
        essence == forms::URLENCODED && expected.checked.iter().any(|m| m.media_type == essence);
    if bytes.is_empty() && request.uploaded.is_none() && !empty_form {
        if expected.required {
            problems.push(Problem::new(
                vec!["body".into()],
                "Field required",
                "missing",
            ));
        }
        return;
    }
    let Some(media) = expected.checked.iter().find(|m| m.media_type == essence) else {
        if !expected
            .others
            .iter()
            .any(|other| media_range_matches(other, &essence))
        {
            let declared: Vec<&str> = expected
                .checked
                .iter()
                .map(|m| m.media_type)
                .chain(expected.others.iter().copied())
                .collect();
            problems.push(Problem::new(
                vec!["header".into(), "content-type".into()],
                format!("Content-Type should be {}", declared.join(" or ")),
                "content_type",
            ));
        }
        return;
    };
    if media.media_type == MULTIPART || media.media_type == forms::URLENCODED {
        forms::check(media, content_type, request, problems);
        return;
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => check_value(media.schema, &value, &["body".into()], problems),
        Err(error) => problems.push(Problem::new(
            vec!["body".into()],
            format!("JSON decode error: {error}"),
            "json_invalid",
        )),
    }
}

/// Whether the declared media range (`image/*`, `*/*`, `application/xml`)
/// takes `essence` (lower case).
fn media_range_matches(declared: &str, essence: &str) -> bool {
    declared == "*/*"
        || declared == essence
        || declared
            .strip_suffix("/*")
            .is_some_and(|kind| essence.split('/').next() == Some(kind))
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
    let at = || vec![location.as_str().to_string(), name.to_string()];
    let Some(raw) = raw else {
        problems.push(Problem::new(
            at(),
            "Input should be a valid UTF-8 string",
            "string_unicode",
        ));
        return;
    };
    let value = parameter_value(schema, raw);
    // Most values pass: only a failing one pays for its location's strings.
    if !is_valid(schema, &value) {
        check_value(schema, &value, &at(), problems);
    }
}

/// Whether `schema` asks for an array (and nothing else but null).
fn expects_array(schema: &Schema) -> bool {
    let expected = expected_types(schema);
    expected != Types::ANY && expected.contains(Types::ARRAY) && !expected.contains(Types::OBJECT)
}

/// Items sent one by one, each read as its item schema expects.
fn array_value(schema: &Schema, items: &[&str]) -> Value {
    let item = schema
        .target()
        .array
        .and_then(|rules| rules.items)
        .unwrap_or(&Schema::ANY);
    Value::Array(items.iter().map(|raw| parameter_value(item, raw)).collect())
}

/// Parameters arrive as text: read them as the JSON value the schema expects
/// (a number, boolean or JSON text where it expects one, else the string).
/// An array is JSON text, else its items separated by commas (OpenAPI's
/// `simple` style of paths and headers; a query array is split before).
fn parameter_value(schema: &Schema, raw: &str) -> Value {
    let schema = schema.target();
    if expects_array(schema) && !raw.trim_start().starts_with('[') {
        let items: Vec<&str> = if raw.is_empty() {
            Vec::new()
        } else {
            raw.split(',').collect()
        };
        return array_value(schema, &items);
    }
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
    let schema = schema.target();
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

//! The contract suite's rows and checks. Every row comes from the spec
//! library's catalogue, so a new document adds rows without test code:
//!
//! - `status`: the SDK, against the in-process mock, gets the documented
//!   outcome for every declared status (the success type for 2xx, the error
//!   variant named after the status otherwise), and the raw body and the
//!   SDK's parsed body both validate against the verbatim document;
//! - `request`: what the SDK sends (recorded by `wiremock`) matches the
//!   document (method, path with encoded ids, credential, required headers),
//!   and the mock's validator accepts it;
//! - `auth`: without a credential, the documented refusal;
//! - `param`: a parameter with a wrong type, format or length gets the
//!   declared validation status (in the documented shape) from the mock, and
//!   the SDK refuses to send it;
//! - `routes`: the mock serves the operation at the documented method and
//!   path with exactly the documented statuses (a stale mock is caught here,
//!   not only by `cargo xtask codegen --check`);
//! - `drift`: the JSON Schema of each generated response type (schemars)
//!   accepts the document's examples and the mock's fixtures.
//!
//! Expectations are derived from the documents and HTTP here, independently
//! of the generators, so a bug shared by the SDK and the mock cannot hide.

use std::collections::BTreeMap;

use mock_server::{Config, MockServer};
use sdk::dynamic::{Arguments, CallError, Connection, Outcome};
use serde_json::Value;
use specs::{CredentialKind, Operation, ParameterLocation, Provider, Status};

/// The credential every row sends.
pub const KEY: &str = "contract-key";

/// One row of the matrix.
#[derive(Debug, Clone)]
pub struct Row {
    /// `kind provider operationId detail`.
    pub name: String,
    /// What to check.
    pub check: Check,
}

/// What a row checks.
#[derive(Debug, Clone)]
pub enum Check {
    /// A declared status.
    Status(u16),
    /// The request the SDK sends.
    Request,
    /// A call without credentials.
    Auth,
    /// A bad value for one parameter.
    Param {
        /// The parameter's index in the operation.
        index: usize,
        /// The bad value.
        value: String,
    },
    /// A declared body's generated type against the document's examples.
    Drift(u16),
    /// The mock's route table against the document.
    Routes,
}

/// Where a row's operation is.
#[derive(Debug, Clone)]
pub struct Target {
    /// The provider.
    pub provider: Provider,
    /// The operation's index in it.
    pub operation: usize,
}

impl Target {
    fn operation(&self) -> &Operation {
        &self.provider.operations[self.operation]
    }
}

/// Every row, in catalogue order.
pub fn rows(providers: &[Provider]) -> Vec<(Target, Row)> {
    let mut rows = Vec::new();
    for provider in providers {
        for (index, operation) in provider.operations.iter().enumerate() {
            let target = Target {
                provider: provider.clone(),
                operation: index,
            };
            let name = |kind: &str, detail: &str| {
                format!(
                    "{kind:<7} {} {} {detail}",
                    provider.name, operation.operation_id
                )
            };
            let mut push = |check: Check, detail: String, kind: &str| {
                rows.push((
                    target.clone(),
                    Row {
                        name: name(kind, &detail),
                        check,
                    },
                ));
            };
            for response in &operation.responses {
                if let Status::Code(code) = response.status {
                    push(Check::Status(code), code.to_string(), "status");
                    if response
                        .body
                        .as_ref()
                        .is_some_and(|b| specs::is_json(&b.media_type))
                    {
                        push(Check::Drift(code), code.to_string(), "drift");
                    }
                }
            }
            push(Check::Routes, String::new(), "routes");
            push(Check::Request, String::new(), "request");
            if !operation.security.is_empty() {
                push(Check::Auth, String::new(), "auth");
            }
            for (index, parameter) in operation.parameters.iter().enumerate() {
                for (case, value) in bad_values(parameter) {
                    push(
                        Check::Param { index, value },
                        format!("{} {case}", parameter.name),
                        "param",
                    );
                }
            }
        }
    }
    rows
}

/// Runs one row.
pub async fn run(target: &Target, row: &Row) -> Result<(), String> {
    match &row.check {
        Check::Status(code) => status_row(target, *code).await,
        Check::Request => request_row(target).await,
        Check::Auth => auth_row(target).await,
        Check::Param { index, value } => param_row(target, *index, value).await,
        Check::Drift(code) => drift_row(target, *code).await,
        Check::Routes => routes_row(target).await,
    }
}

async fn routes_row(target: &Target) -> Result<(), String> {
    let operation = target.operation();
    let mock = start_mock().await?;
    let routes = mock.routes();
    let served = routes["providers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == target.provider.name.as_str())
        .flat_map(|p| p["operations"].as_array().into_iter().flatten())
        .find(|o| o["operation_id"] == operation.operation_id.as_str())
        .ok_or("the mock does not serve this operation")?;
    let documented: Vec<u16> = operation
        .responses
        .iter()
        .filter_map(|r| match r.status {
            Status::Code(code) => Some(code),
            _ => None,
        })
        .collect();
    let expected = serde_json::json!({
        "method": operation.method,
        "path": operation.path,
        "operation_id": operation.operation_id,
        "statuses": documented,
    });
    check(
        *served == expected,
        format!("the mock serves {served}, the document says {expected}"),
    )
}

async fn status_row(target: &Target, code: u16) -> Result<(), String> {
    let operation = target.operation();
    let mock = start_mock().await?;
    let base = mock
        .base_url(&target.provider.name)
        .ok_or("provider not served")?;
    let arguments = valid_arguments(operation);
    let prefer = vec![("Prefer".to_string(), format!("code={code}"))];
    let outcome = call(target, Some(&base), Some(KEY), prefer.clone(), &arguments).await?;

    let expected = if (200..300).contains(&code) {
        "Ok".to_string()
    } else {
        variant_for(code)
    };
    check(
        outcome.status == Some(code),
        format!("status {:?}, expected {code}", outcome.status),
    )?;
    check(
        outcome.documented && outcome.variant == expected,
        format!(
            "outcome {} ({:?}), expected {expected}",
            outcome.variant, outcome.message
        ),
    )?;

    let (status, raw) =
        raw_request(target, &base, &arguments, &credentials(operation), &prefer).await?;
    check(status == code, format!("raw status {status}"))?;
    match document_validator(target, code) {
        Some(validator) => {
            let raw: Value =
                serde_json::from_slice(&raw).map_err(|e| format!("raw body is not JSON: {e}"))?;
            validate(&validator, &raw, "raw body")?;
            let parsed = outcome.body.as_ref().ok_or("the SDK kept no parsed body")?;
            validate(&validator, parsed, "the SDK's parsed body, re-serialised")?;
        }
        None => check(
            raw.is_empty(),
            format!("declared without a body, got {} bytes", raw.len()),
        )?,
    }
    Ok(())
}

async fn request_row(target: &Target) -> Result<(), String> {
    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer as Recorder, ResponseTemplate};
    let operation = target.operation();
    let recorder = Recorder::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599))
        .mount(&recorder)
        .await;
    let arguments = valid_arguments(operation);
    call(
        target,
        Some(&recorder.uri()),
        Some(KEY),
        Vec::new(),
        &arguments,
    )
    .await?;
    let requests = recorder.received_requests().await.unwrap_or_default();
    let [request] = requests.as_slice() else {
        return Err(format!("expected one request, recorded {}", requests.len()));
    };
    check(
        request.method.as_str() == operation.method,
        format!("method {}, documented {}", request.method, operation.method),
    )?;
    let sent: Vec<String> = request
        .url
        .path()
        .trim_start_matches('/')
        .split('/')
        .map(decode)
        .collect();
    let expected = expected_segments(operation, &arguments);
    check(
        sent == expected,
        format!("path segments {sent:?}, documented {expected:?}"),
    )?;
    for (name, value) in credentials(operation) {
        let got = request
            .headers
            .get(name.as_str())
            .and_then(|v| v.to_str().ok());
        check(
            got == Some(value.as_str()),
            format!("credential header {name}: {got:?}"),
        )?;
    }
    for parameter in operation
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Header && p.required)
    {
        check(
            request.headers.contains_key(parameter.name.as_str()),
            format!("required header {} not sent", parameter.name),
        )?;
    }
    // The mock's validator accepts the same call (its default answer is the lowest 2xx).
    let mock = start_mock().await?;
    let base = mock
        .base_url(&target.provider.name)
        .ok_or("provider not served")?;
    let outcome = call(target, Some(&base), Some(KEY), Vec::new(), &arguments).await?;
    check(
        outcome.variant == "Ok",
        format!(
            "the mock refused the SDK's request: {} {:?}",
            outcome.variant, outcome.message
        ),
    )
}

async fn auth_row(target: &Target) -> Result<(), String> {
    let operation = target.operation();
    let mock = start_mock().await?;
    let base = mock
        .base_url(&target.provider.name)
        .ok_or("provider not served")?;
    let outcome = call(
        target,
        Some(&base),
        None,
        Vec::new(),
        &valid_arguments(operation),
    )
    .await?;
    // A missing credential is a 401 where declared, else the validation status.
    let expected = if operation.response(401).is_some() {
        401
    } else {
        validation_status(operation, ParameterLocation::Header)
    };
    check(
        outcome.status == Some(expected),
        format!("status {:?}, expected {expected}", outcome.status),
    )?;
    let variant = variant_for(expected);
    let documented = operation.response(expected).is_some();
    if documented {
        check(
            outcome.variant == variant,
            format!("variant {}, expected {variant}", outcome.variant),
        )?;
    } else {
        check(
            outcome.variant == "UnexpectedStatus",
            format!("variant {}", outcome.variant),
        )?;
    }
    Ok(())
}

async fn param_row(target: &Target, index: usize, value: &str) -> Result<(), String> {
    let operation = target.operation();
    let parameter = &operation.parameters[index];
    let mock = start_mock().await?;
    let base = mock
        .base_url(&target.provider.name)
        .ok_or("provider not served")?;
    let mut arguments = valid_arguments(operation);
    arguments.insert(parameter.name.clone(), value.to_string());
    let mut headers = credentials(operation);
    if parameter.location == ParameterLocation::Header {
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case(&parameter.name));
    }
    let (status, body) = raw_request(target, &base, &arguments, &headers, &[]).await?;
    let expected = validation_status(operation, parameter.location);
    check(
        status == expected,
        format!("mock answered {status}, expected {expected}"),
    )?;
    if let Some(validator) = document_validator(target, expected) {
        let body: Value =
            serde_json::from_slice(&body).map_err(|e| format!("body is not JSON: {e}"))?;
        validate(&validator, &body, "validation error body")?;
        let text = body.to_string();
        check(
            text.contains(&parameter.name),
            format!("the error does not name {}: {text}", parameter.name),
        )?;
    }
    // The SDK refuses to send it at all.
    match sdk::dynamic::call(
        &target.provider.name,
        &Connection {
            base_url: Some(base),
            api_key: Some(KEY.into()),
            headers: Vec::new(),
        },
        &operation.operation_id,
        &arguments,
    )
    .await
    {
        Err(CallError::InvalidArgument { .. }) => Ok(()),
        Ok(outcome) if outcome.variant == "InvalidRequest" => Ok(()),
        other => Err(format!("the SDK sent a bad {}: {other:?}", parameter.name)),
    }
}

async fn drift_row(target: &Target, code: u16) -> Result<(), String> {
    let operation = target.operation();
    let schema =
        sdk::dynamic::response_schema(&target.provider.name, &operation.operation_id, code)
            .ok_or("the SDK has no type for this body")?;
    let schema = serde_json::to_value(schema).map_err(|e| e.to_string())?;
    let validator = jsonschema::draft7::options()
        .build(&schema)
        .map_err(|e| format!("schemars output is not a schema: {e}"))?;
    let mut examples: Vec<(String, Value)> = operation
        .response(code)
        .and_then(|r| r.body.as_ref())
        .map(|b| b.examples.clone())
        .unwrap_or_default();
    let mock = start_mock().await?;
    let base = mock
        .base_url(&target.provider.name)
        .ok_or("provider not served")?;
    let prefer = [("Prefer".to_string(), format!("code={code}"))];
    let (_, fixture) = raw_request(
        target,
        &base,
        &valid_arguments(operation),
        &credentials(operation),
        &prefer,
    )
    .await?;
    let fixture =
        serde_json::from_slice(&fixture).map_err(|e| format!("fixture is not JSON: {e}"))?;
    examples.push(("mock fixture".into(), fixture));
    for (name, example) in &examples {
        validate(
            &validator,
            example,
            &format!("example `{name}` against the generated type's schema"),
        )?;
    }
    Ok(())
}

async fn start_mock() -> Result<MockServer, String> {
    MockServer::start(Config::default())
        .await
        .map_err(|e| e.to_string())
}

async fn call(
    target: &Target,
    base_url: Option<&str>,
    api_key: Option<&str>,
    headers: Vec<(String, String)>,
    arguments: &Arguments,
) -> Result<Outcome, String> {
    let connection = Connection {
        base_url: base_url.map(str::to_string),
        api_key: api_key.map(str::to_string),
        headers,
    };
    sdk::dynamic::call(
        &target.provider.name,
        &connection,
        &target.operation().operation_id,
        arguments,
    )
    .await
    .map_err(|e| format!("the SDK could not make the call: {e}"))
}

/// The same request without the SDK, to see the raw bytes.
async fn raw_request(
    target: &Target,
    base: &str,
    arguments: &Arguments,
    headers: &[(String, String)],
    extra: &[(String, String)],
) -> Result<(u16, Vec<u8>), String> {
    let operation = target.operation();
    let path: String = fill_template_encoded(operation, arguments);
    let method =
        reqwest::Method::from_bytes(operation.method.as_bytes()).map_err(|e| e.to_string())?;
    // reqwest is built with the sdk's `rustls-no-provider`: `reqwest::Client::new()`
    // would panic for want of a crypto provider; the SDK's builder brings one.
    let client = sdk::reqwest_client_builder()
        .and_then(|builder| builder.build().map_err(sdk::ConfigError::Http))
        .map_err(|e| e.to_string())?;
    let mut request = client.request(method, format!("{base}{path}"));
    for (name, value) in headers.iter().chain(extra) {
        request = request.header(name, value);
    }
    for parameter in &operation.parameters {
        if let (ParameterLocation::Header, Some(value)) =
            (parameter.location, arguments.get(&parameter.name))
            && !headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(&parameter.name))
        {
            request = request.header(parameter.name.as_str(), value);
        }
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    Ok((status, body.to_vec()))
}

/// The status a bad value at `location` must get: the documented validation
/// status (422, else 400); for a path parameter without one, a documented 404
/// (no resource has that id); else 400, declared or not.
fn validation_status(operation: &Operation, location: ParameterLocation) -> u16 {
    let fitting: &[u16] = match location {
        ParameterLocation::Path => &[422, 400, 404],
        _ => &[422, 400],
    };
    fitting
        .iter()
        .copied()
        .find(|code| operation.response(*code).is_some())
        .unwrap_or(400)
}

/// The error variant the SDK must use for `code`: its reason phrase in PascalCase.
pub fn variant_for(code: u16) -> String {
    let reason = reqwest::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    reason
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .unwrap_or_default();
            std::iter::once(first)
                .chain(chars.map(|c| c.to_ascii_lowercase()))
                .collect::<String>()
        })
        .collect()
}

/// Headers satisfying the operation's first security alternative.
fn credentials(operation: &Operation) -> Vec<(String, String)> {
    operation
        .security
        .first()
        .into_iter()
        .flatten()
        .filter_map(|credential| match &credential.kind {
            CredentialKind::ApiKeyHeader(name) => Some((name.clone(), KEY.to_string())),
            CredentialKind::Bearer | CredentialKind::OAuth2 => {
                Some(("authorization".into(), format!("Bearer {KEY}")))
            }
            _ => None,
        })
        .collect()
}

/// A valid value for every parameter the SDK takes (credential headers are the client's).
/// Unconstrained strings get an awkward id, so encoding is exercised.
pub fn valid_arguments(operation: &Operation) -> Arguments {
    let credential_headers: Vec<String> = credentials(operation)
        .into_iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    let mut arguments = BTreeMap::new();
    for parameter in &operation.parameters {
        if parameter.location == ParameterLocation::Header
            && credential_headers.contains(&parameter.name.to_ascii_lowercase())
        {
            continue;
        }
        if !parameter.required && parameter.location != ParameterLocation::Path {
            continue;
        }
        arguments.insert(parameter.name.clone(), valid_value(&parameter.schema));
    }
    arguments
}

fn valid_value(schema: &Value) -> String {
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first
            .as_str()
            .map_or_else(|| first.to_string(), str::to_string);
    }
    match (
        schema.get("type").and_then(Value::as_str),
        schema.get("format").and_then(Value::as_str),
    ) {
        (_, Some("uuid")) => "0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10".into(),
        (Some("integer"), _) => "12345".into(),
        (Some("number"), _) => "1.5".into(),
        (Some("boolean"), _) => "true".into(),
        _ => {
            let max = schema
                .get("maxLength")
                .and_then(Value::as_u64)
                .unwrap_or(64) as usize;
            "op_a/b:c d%é".chars().take(max).collect()
        }
    }
}

/// Values a parameter's schema rejects, by case name.
fn bad_values(parameter: &specs::Parameter) -> Vec<(&'static str, String)> {
    let schema = &parameter.schema;
    let mut bad = Vec::new();
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => bad.push(("not-an-integer", "abc".to_string())),
        Some("number") => bad.push(("not-a-number", "abc".to_string())),
        Some("boolean") => bad.push(("not-a-boolean", "maybe".to_string())),
        _ => {}
    }
    if schema.get("format").and_then(Value::as_str) == Some("uuid") {
        bad.push(("not-a-uuid", "not-a-uuid".to_string()));
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
        bad.push(("too-long", "x".repeat(max as usize + 1)));
    }
    // An empty path segment does not route at all; elsewhere it is too short.
    if parameter.location != ParameterLocation::Path
        && schema
            .get("minLength")
            .and_then(Value::as_u64)
            .is_some_and(|m| m > 0)
    {
        bad.push(("too-short", String::new()));
    }
    bad
}

/// The path's segments with argument values in place, decoded: what the
/// server must see, one value per segment however awkward the value.
fn expected_segments(operation: &Operation, arguments: &Arguments) -> Vec<String> {
    operation
        .path
        .trim_start_matches('/')
        .split('/')
        .map(|segment| {
            operation
                .parameters
                .iter()
                .filter(|p| p.location == ParameterLocation::Path)
                .fold(segment.to_string(), |segment, parameter| {
                    let value = arguments
                        .get(&parameter.name)
                        .map(String::as_str)
                        .unwrap_or("");
                    segment.replace(&format!("{{{}}}", parameter.name), value)
                })
        })
        .collect()
}

/// The path with argument values percent-encoded (all but unreserved
/// characters), so each stays one segment.
fn fill_template_encoded(operation: &Operation, arguments: &Arguments) -> String {
    let encode = |value: &str| -> String {
        value
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    let mut path = operation.path.clone();
    for parameter in operation
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Path)
    {
        let value = arguments
            .get(&parameter.name)
            .map(String::as_str)
            .unwrap_or("");
        path = path.replace(&format!("{{{}}}", parameter.name), &encode(value));
    }
    path
}

fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A validator for the body the verbatim document declares for `code` (2020-12, formats asserted).
fn document_validator(target: &Target, code: u16) -> Option<jsonschema::Validator> {
    let operation = target.operation();
    let document = &target.provider.documents[operation.document].verbatim;
    let responses =
        &document["paths"][&operation.path][operation.method.to_lowercase()]["responses"];
    let content = responses[code.to_string()]["content"].as_object()?;
    let schema = content
        .iter()
        .find(|(media, _)| specs::is_json(media))?
        .1
        .get("schema")?;
    let mut root = schema.clone();
    root["components"] = document["components"].clone();
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .ok()
}

fn validate(validator: &jsonschema::Validator, value: &Value, what: &str) -> Result<(), String> {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .take(3)
        .map(|e| format!("{e} at `{}`", e.instance_path()))
        .collect();
    check(
        errors.is_empty(),
        format!("{what} does not match: {}", errors.join("; ")),
    )
}

fn check(condition: bool, message: String) -> Result<(), String> {
    if condition { Ok(()) } else { Err(message) }
}

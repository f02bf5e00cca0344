//! Declared response bodies, read from the verbatim documents.

use serde_json::Value;
use specs::{Operation, Provider};

/// A declared body that cannot be compiled into a validator.
#[derive(Debug, thiserror::Error)]
#[error("{provider} {operation_id} {status}: the declared schema does not compile: {message}")]
pub struct InvalidSchema {
    /// The provider.
    pub provider: String,
    /// The operation.
    pub operation_id: String,
    /// The status whose body it is.
    pub status: u16,
    /// The validator's complaint.
    pub message: String,
}

/// What the verbatim document declares as a status's body.
#[derive(Debug)]
pub enum DeclaredBody {
    /// The status is not declared at all.
    Undeclared,
    /// Declared without content: the body must be empty.
    Empty,
    /// A JSON body, with the validator of its schema.
    Json(Box<jsonschema::Validator>),
    /// Content in other media types only (not checked here).
    Other(Vec<String>),
}

/// One way a value breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where in the value (a JSON pointer, `""` for the whole).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at `{}`", self.message, self.pointer)
    }
}

/// The body `operation` declares for `status` in its verbatim document,
/// following local `$ref`s to `components/responses`.
pub fn declared_body(
    provider: &Provider,
    operation: &Operation,
    status: u16,
) -> Result<DeclaredBody, InvalidSchema> {
    let document = &provider.documents[operation.document].resolved;
    let responses =
        &document["paths"][&operation.path][operation.method.to_lowercase()]["responses"];
    let Some(response) = responses.get(status.to_string()) else {
        return Ok(DeclaredBody::Undeclared);
    };
    let response = resolve(document, response);
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return Ok(DeclaredBody::Empty);
    };
    let Some(schema) = content
        .iter()
        .find(|(media, _)| specs::is_json(media))
        .and_then(|(_, media)| media.get("schema"))
    else {
        return Ok(DeclaredBody::Other(content.keys().cloned().collect()));
    };
    let mut root = schema.clone();
    if let Some(object) = root.as_object_mut() {
        object.insert("components".into(), document["components"].clone());
    }
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .map(|validator| DeclaredBody::Json(Box::new(validator)))
        .map_err(|error| InvalidSchema {
            provider: provider.name.clone(),
            operation_id: operation.operation_id.clone(),
            status,
            message: error.to_string(),
        })
}

/// Every way `value` breaks the validator's schema (none: it is valid).
pub fn violations(validator: &jsonschema::Validator, value: &Value) -> Vec<Violation> {
    validator
        .iter_errors(value)
        .map(|error| Violation {
            pointer: error.instance_path().to_string(),
            message: error.to_string(),
        })
        .collect()
}

/// `value` with its local references followed (`specs::refs`); as it is
/// when they cannot be (the loaded documents have none such).
pub(crate) fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    specs::refs::Document(document)
        .deref(value)
        .unwrap_or(value)
}

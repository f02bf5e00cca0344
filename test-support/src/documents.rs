//! Declared response bodies, read from the resolved documents and checked
//! by the spec library's checker (`specs::check`).

use std::sync::Arc;

use serde_json::Value;
pub use specs::check::{Validator, Violation, violations};
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
    Json(Arc<Validator>),
    /// Content in other media types only (not checked here).
    Other(Vec<String>),
}

/// The body `operation` declares for `status` in its verbatim document,
/// following local `$ref`s to `components/responses`. As OpenAPI says, the
/// exact code wins over its range (`4XX`), and the range over `default`.
pub fn declared_body(
    provider: &Provider,
    operation: &Operation,
    status: u16,
) -> Result<DeclaredBody, InvalidSchema> {
    let document = &provider.documents[operation.document].resolved;
    let responses =
        &document["paths"][&operation.path][operation.method.to_lowercase()]["responses"];
    let range = format!("{}XX", status / 100);
    let Some(response) = responses
        .get(status.to_string())
        .or_else(|| responses.get(&range))
        .or_else(|| responses.get(range.to_lowercase()))
        .or_else(|| responses.get("default"))
    else {
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
    provider.documents[operation.document]
        .checker()
        .and_then(|checker| checker.validator(schema))
        .map(DeclaredBody::Json)
        .map_err(|error| InvalidSchema {
            provider: provider.name.clone(),
            operation_id: operation.operation_id.clone(),
            status,
            message: error.to_string(),
        })
}

/// `value` with its local references followed (`specs::refs`); as it is
/// when they cannot be (the loaded documents have none such).
pub(crate) fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    specs::refs::Document(document)
        .deref(value)
        .unwrap_or(value)
}

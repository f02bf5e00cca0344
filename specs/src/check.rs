//! Checking an instance against a document's schema: the one JSON Schema
//! checker of the generators and the tests (feature `check`, the
//! `jsonschema` crate). The mock's run-time evaluator works on its compiled
//! model instead, and its tests compare it with this one.
//!
//! A document's schemas are read in its own dialect: OpenAPI 3.1's is JSON
//! Schema 2020-12; 3.0's is a draft-4 superset, so a 3.0 document is checked
//! as draft 4 (boolean `exclusiveMinimum`) with `nullable: true` read as "or
//! null" and OpenAPI's `uuid` format. Formats are asserted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;

/// What cannot be checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// The document cannot be indexed for its references.
    #[error("cannot index the document for validation: {0}")]
    Document(String),
    /// The schema is not one the checker can compile.
    #[error("the schema does not compile: {0}")]
    Schema(String),
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

/// A compiled schema.
pub type Validator = jsonschema::Validator;

/// The URI a document is registered under; its local `$ref`s are made
/// absolute against it.
const BASE: &str = "urn:specs:document";

/// Checks values against the schemas of one document, compiling each schema
/// once. Cheap to share between threads.
pub struct Checker {
    draft: jsonschema::Draft,
    openapi_30: bool,
    registry: jsonschema::Registry<'static>,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("draft", &self.draft)
            .finish_non_exhaustive()
    }
}

impl Checker {
    /// A checker for the schemas of `document` (a whole OpenAPI document,
    /// whose `#/...` references the schemas may use).
    pub fn new(document: &Value) -> Result<Self, CheckError> {
        let openapi_30 = document
            .get("openapi")
            .and_then(Value::as_str)
            .is_some_and(|version| version.starts_with("3.0"));
        let draft = if openapi_30 {
            jsonschema::Draft::Draft4
        } else {
            jsonschema::Draft::Draft202012
        };
        let mut indexed = document.clone();
        if openapi_30 {
            or_null(&mut indexed);
        }
        let registry = jsonschema::Registry::new()
            .draft(draft)
            .add(BASE, indexed)
            .and_then(|builder| builder.prepare())
            .map_err(|error| CheckError::Document(error.to_string()))?;
        Ok(Self {
            draft,
            openapi_30,
            registry,
            validators: Mutex::new(HashMap::new()),
        })
    }

    /// The compiled `schema` (a schema of the document, or one using its
    /// references).
    pub fn validator(&self, schema: &Value) -> Result<Arc<Validator>, CheckError> {
        let key = schema.to_string();
        let mut validators = self
            .validators
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(validator) = validators.get(&key) {
            return Ok(validator.clone());
        }
        let mut root = absolute_refs(schema);
        if self.openapi_30 {
            or_null(&mut root);
        }
        let validator = Arc::new(
            jsonschema::options()
                .with_draft(self.draft)
                .should_validate_formats(true)
                .with_format("uuid", is_uuid)
                .with_registry(&self.registry)
                .build(&root)
                .map_err(|error| CheckError::Schema(error.to_string()))?,
        );
        validators.insert(key, validator.clone());
        Ok(validator)
    }

    /// Every way `value` breaks `schema` (none: it is valid).
    pub fn violations(&self, schema: &Value, value: &Value) -> Result<Vec<Violation>, CheckError> {
        self.violations_up_to(schema, value, usize::MAX)
    }

    /// The first `limit` ways `value` breaks `schema` (none: it is valid).
    /// A message names the offending instance, so on large values a few
    /// cost far less than all.
    pub fn violations_up_to(
        &self,
        schema: &Value,
        value: &Value,
        limit: usize,
    ) -> Result<Vec<Violation>, CheckError> {
        let validator = self.validator(schema)?;
        if validator.is_valid(value) {
            return Ok(Vec::new());
        }
        Ok(validator
            .iter_errors(value)
            .take(limit)
            .map(violation)
            .collect())
    }

    /// Whether `value` is an instance of `schema`; `false` when the schema
    /// does not compile.
    pub fn is_valid(&self, schema: &Value, value: &Value) -> bool {
        self.validator(schema)
            .is_ok_and(|validator| validator.is_valid(value))
    }
}

/// A self-contained JSON Schema (no OpenAPI document around it), in the
/// draft its `$schema` names, else 2020-12: what `schemars` derives for the
/// SDK's types, for instance.
pub fn standalone(schema: &Value) -> Result<Validator, CheckError> {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|error| CheckError::Schema(error.to_string()))
}

/// A document's checker, made on first use; a clone starts without one.
#[derive(Default)]
pub(crate) struct Cached(std::sync::OnceLock<Result<Checker, CheckError>>);

impl Cached {
    pub(crate) fn get(&self, document: &Value) -> Result<&Checker, CheckError> {
        self.0
            .get_or_init(|| Checker::new(document))
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl Clone for Cached {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for Cached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Cached(made)"
        } else {
            "Cached(not made)"
        })
    }
}

/// Every way `value` breaks `validator`'s schema (none: it is valid).
pub fn violations(validator: &Validator, value: &Value) -> Vec<Violation> {
    validator.iter_errors(value).map(violation).collect()
}

fn violation(error: jsonschema::ValidationError<'_>) -> Violation {
    Violation {
        pointer: error.instance_path().to_string(),
        message: error.to_string(),
    }
}

/// `schema` with its local `$ref`s pointing into the registered document.
fn absolute_refs(schema: &Value) -> Value {
    match schema {
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(key, value)| match (key.as_str(), value) {
                    ("$ref", Value::String(target)) if target.starts_with('#') => {
                        (key.clone(), Value::String(format!("{BASE}{target}")))
                    }
                    _ => (key.clone(), absolute_refs(value)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(absolute_refs).collect()),
        other => other.clone(),
    }
}

/// OpenAPI 3.0's `nullable: true` as JSON Schema says it: `null` is also
/// valid. Values (`example`, `default`, `enum`) are left as they are.
fn or_null(node: &mut Value) {
    match node {
        Value::Object(members) => {
            for (key, child) in members.iter_mut() {
                if !matches!(
                    key.as_str(),
                    "example" | "examples" | "default" | "enum" | "const"
                ) {
                    or_null(child);
                }
            }
            if members.remove("nullable") == Some(Value::Bool(true)) {
                let schema = Value::Object(std::mem::take(members));
                *members = serde_json::Map::from_iter([(
                    "anyOf".to_string(),
                    Value::Array(vec![schema, serde_json::json!({"type": "null"})]),
                )]);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(or_null),
        _ => {}
    }
}

/// RFC 9562's text form: 8-4-4-4-12 hexadecimal digits (draft 4 predates
/// the `uuid` format OpenAPI's registry lists).
fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(index, c)| match index {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn references_and_formats_are_checked_in_the_document_s_dialect() {
        let document = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {"Id": {"type": "string", "format": "uuid"}}}
        });
        let checker = Checker::new(&document).unwrap();
        let schema =
            json!({"type": "object", "properties": {"id": {"$ref": "#/components/schemas/Id"}}});
        assert!(checker.is_valid(
            &schema,
            &json!({"id": "6f1c2b7e-0a4d-4c1e-9a57-2f6e8b9d0c13"})
        ));
        let violations = checker.violations(&schema, &json!({"id": "nope"})).unwrap();
        assert_eq!(violations.len(), 1);
        assert_eq!(violations[0].pointer, "/id");
        assert!(!checker.is_valid(&schema, &json!({"id": null})));
        let two_wrong = json!({"type": "object", "required": ["a", "b"]});
        assert_eq!(checker.violations(&two_wrong, &json!({})).unwrap().len(), 2);
        assert_eq!(
            checker
                .violations_up_to(&two_wrong, &json!({}), 1)
                .unwrap()
                .len(),
            1
        );
        assert!(
            checker
                .violations_up_to(&two_wrong, &json!({"a": 1, "b": 2}), 1)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_3_0_document_is_draft_4_with_nullable_and_uuid() {
        let document = json!({
            "openapi": "3.0.3",
            "components": {"schemas": {
                "Count": {"type": "integer", "minimum": 0, "exclusiveMinimum": true, "nullable": true}
            }}
        });
        let checker = Checker::new(&document).unwrap();
        let count = json!({"$ref": "#/components/schemas/Count"});
        assert!(checker.is_valid(&count, &json!(1)));
        assert!(checker.is_valid(&count, &json!(null)));
        assert!(
            !checker.is_valid(&count, &json!(0)),
            "boolean exclusiveMinimum"
        );
        let id = json!({"type": "string", "format": "uuid"});
        assert!(!checker.is_valid(&id, &json!("nope")));
    }

    #[test]
    fn a_schema_that_does_not_compile_is_an_error_not_a_verdict() {
        let checker = Checker::new(&json!({"openapi": "3.1.0"})).unwrap();
        let broken = json!({"type": 7});
        assert!(matches!(
            checker.violations(&broken, &json!(1)),
            Err(CheckError::Schema(_))
        ));
        assert!(!checker.is_valid(&broken, &json!(1)));
    }
}

//! What the workspace's tests share about the documents, so the contract
//! suite and the mock server's HTTP tests check against one reading of them:
//!
//! - [`bodies`]: a valid JSON request body per operation (the document's
//!   example, else generated), checked against the verbatim document;
//! - [`documents`]: validators for declared bodies, built from the corrected (`resolved`)
//!   documents (JSON Schema 2020-12, formats asserted), and violations with
//!   their JSON pointers;
//! - [`values`]: parameter values a schema accepts (also ids no resource can
//!   have) and values it rejects, arguments and paths built from them;
//! - [`expect`]: expectations derived from HTTP and the documents, never from
//!   the generators: credentials, the validation status, the SDK's variant
//!   name for a status.

pub mod bodies;
pub mod documents;
pub mod expect;
pub mod values;

pub use bodies::{BodyError, check_sent_body, request_body};
pub use documents::{DeclaredBody, InvalidSchema, Violation, declared_body, violations};
pub use expect::{BASIC_USER, Credentials, credentials, validation_status, variant_for};
pub use values::{
    BadValue, bad_values, decode_segment, expected_segments, fill_path, nonexistent_value,
    request_target, valid_arguments, valid_header_value, valid_value,
};

/// Whether two JSON values are the same JSON Schema instance: numbers
/// compare by value (`1.0` is `1`: the SDK holds a `number` as `f64`).
pub fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(name, x)| y.get(name).is_some_and(|y| same_json(x, y)))
        }
        _ => a == b,
    }
}

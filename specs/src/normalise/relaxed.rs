//! Marks what the SDK's types were relaxed from: `x-sdk-relaxed` on a
//! schema lists the keywords dropped there (visible in the golden files).
//! progenitor and typify ignore `x-` members.

use serde_json::{Map, Value};

/// The member recording relaxed keywords.
pub const RELAXED: &str = "x-sdk-relaxed";

/// Records that `keyword` was relaxed on `schema`.
pub fn note(schema: &mut Map<String, Value>, keyword: &str) {
    let list = schema
        .entry(RELAXED)
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = list
        && !list.iter().any(|k| k == keyword)
    {
        list.push(Value::String(keyword.to_string()));
    }
}

//! Keywords that only narrow which instances are valid are dropped from the
//! SDK's types: a type without them accepts every instance the document
//! accepts (and a few it does not), so a valid response always
//! deserialises. The verbatim documents keep them for validation (the mock,
//! the contract suite).
//!
//! `pattern` is among them: typify would make a regex-checked newtype (with
//! the `regress` crate) for each, and reject values its engine reads
//! differently from the document's ECMA-262 dialect.
//!
//! So are `minLength` and `maxLength`. typify makes a checked newtype for
//! each constrained string (Akua's document has 1,341: every id with its
//! length limit), about a third of the SDK's code and of its build time. A
//! client that enforces a server's length limits also breaks when the
//! provider relaxes one, or answers with a longer id (Smithy's constraint
//! traits are likewise not enforced when serialising a request or reading
//! a response); the server (and the mock) still checks them, and so does
//! the contract suite.

use serde_json::{Map, Value};

use super::relaxed;

/// The keywords dropped, each only ever narrowing.
pub const NARROWING: &[&str] = &[
    "unevaluatedProperties",
    "unevaluatedItems",
    "if",
    "then",
    "else",
    "not",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "pattern",
    "minLength",
    "maxLength",
    "contentSchema",
    "contentMediaType",
    "contentEncoding",
];

/// Drops the narrowing keywords of one schema object (not its sub-schemas).
/// An `enum` beside `allOf` narrows the composed type too: typify makes a
/// newtype that compares values of an inner type without `PartialEq`
/// (Discord's `{type: integer, enum: [1], allOf: [{$ref: ComponentTypes}]}`),
/// which does not compile.
pub fn relax(schema: &mut Map<String, Value>) {
    for keyword in NARROWING {
        if schema.shift_remove(*keyword).is_some() {
            relaxed::note(schema, keyword);
        }
    }
    if schema.contains_key("allOf") && schema.shift_remove("enum").is_some() {
        relaxed::note(schema, "enum");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn narrowing_keywords_go_and_are_noted() {
        let mut schema = json!({
            "type": "object", "unevaluatedProperties": false, "propertyNames": {"pattern": "^a"},
            "if": {"required": ["a"]}, "then": {"required": ["b"]}, "not": {"required": ["c"]},
            "properties": {"id": {"type": "string", "pattern": "^x_"}}
        });
        relax(schema.as_object_mut().unwrap());
        assert_eq!(
            schema,
            json!({
                "type": "object",
                "properties": {"id": {"type": "string", "pattern": "^x_"}},
                "x-sdk-relaxed": ["unevaluatedProperties", "if", "then", "not", "propertyNames"]
            })
        );
    }

    #[test]
    fn an_enum_beside_all_of_goes() {
        let mut schema =
            json!({"type": "integer", "enum": [1], "allOf": [{"$ref": "#/components/schemas/T"}]});
        relax(schema.as_object_mut().unwrap());
        assert_eq!(
            schema,
            json!({"type": "integer", "allOf": [{"$ref": "#/components/schemas/T"}], "x-sdk-relaxed": ["enum"]})
        );
    }

    #[test]
    fn string_limits_go_and_the_format_stays() {
        let mut schema = json!({
            "type": "string", "format": "uuid", "pattern": "^[0-9a-f-]+$",
            "minLength": 36, "maxLength": 36
        });
        relax(schema.as_object_mut().unwrap());
        assert_eq!(
            schema,
            json!({
                "type": "string", "format": "uuid",
                "x-sdk-relaxed": ["pattern", "minLength", "maxLength"]
            })
        );
    }
}

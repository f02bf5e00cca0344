//! JSON Schema (as the resolved document has it) to the mock's static
//! `model::Schema`, the subset request validation checks.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::resolve::Document;

/// The `model::Schema` expression for `schema`.
pub fn schema_tokens(document: Document<'_>, schema: &Value) -> TokenStream {
    convert(document, schema, 0)
}

fn convert(document: Document<'_>, schema: &Value, depth: usize) -> TokenStream {
    let Some(schema) = document.deref(schema) else {
        return quote!(Schema::Any);
    };
    if depth > 16 {
        // A recursive schema: deeper levels are not checked.
        return quote!(Schema::Any);
    }
    let nullable = document.is_nullable(schema);
    let inner = without_null(document, schema, depth);
    if nullable {
        quote!(Schema::Nullable(&#inner))
    } else {
        inner
    }
}

/// The schema with its `null` alternative (if any) taken out.
fn without_null(document: Document<'_>, schema: &Value, depth: usize) -> TokenStream {
    if let Some(value) = schema.get("const") {
        let value = value.to_string();
        return quote!(Schema::Enum(&[#value]));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values
            .iter()
            .filter(|v| !v.is_null())
            .map(Value::to_string)
            .collect();
        return quote!(Schema::Enum(&[#(#values),*]));
    }
    for (keyword, variant) in [
        ("anyOf", quote!(AnyOf)),
        ("oneOf", quote!(OneOf)),
        ("allOf", quote!(AllOf)),
    ] {
        if let Some(branches) = schema.get(keyword).and_then(Value::as_array) {
            let branches: Vec<TokenStream> = branches
                .iter()
                .filter(|b| {
                    document
                        .deref(b)
                        .is_none_or(|b| Document::types(b) != ["null"])
                })
                .map(|b| convert(document, b, depth + 1))
                .collect();
            return match branches.as_slice() {
                [single] if keyword != "allOf" => single.clone(),
                _ => quote!(Schema::#variant(&[#(#branches),*])),
            };
        }
    }
    let types = Document::types(schema);
    let kind = types.iter().find(|t| **t != "null").copied().or_else(|| {
        if schema.get("properties").is_some() {
            Some("object")
        } else if schema.get("items").is_some() {
            Some("array")
        } else {
            None
        }
    });
    let text = |key: &str| schema.get(key).and_then(Value::as_str);
    let count = |key: &str| option(schema.get(key).and_then(Value::as_u64));
    match kind {
        Some("boolean") => quote!(Schema::Boolean),
        Some(kind @ ("integer" | "number")) => {
            let float = |key: &str| schema.get(key).and_then(Value::as_f64);
            // 3.0 spells exclusive bounds as booleans beside minimum/maximum, 3.1 as numbers.
            let (minimum, exclusive_minimum) =
                match (float("minimum"), schema.get("exclusiveMinimum")) {
                    (_, Some(Value::Number(n))) => (n.as_f64(), true),
                    (min, Some(Value::Bool(exclusive))) => (min, *exclusive),
                    (min, _) => (min, false),
                };
            let (maximum, exclusive_maximum) =
                match (float("maximum"), schema.get("exclusiveMaximum")) {
                    (_, Some(Value::Number(n))) => (n.as_f64(), true),
                    (max, Some(Value::Bool(exclusive))) => (max, *exclusive),
                    (max, _) => (max, false),
                };
            let minimum = option(minimum);
            let maximum = option(maximum);
            let format = option(text("format"));
            let rules = quote!(NumberRules {
                minimum: #minimum,
                maximum: #maximum,
                exclusive_minimum: #exclusive_minimum,
                exclusive_maximum: #exclusive_maximum,
                format: #format,
            });
            if kind == "integer" {
                quote!(Schema::Integer(#rules))
            } else {
                quote!(Schema::Number(#rules))
            }
        }
        Some("string") => {
            let min_length = count("minLength");
            let max_length = count("maxLength");
            let format = option(text("format"));
            quote!(Schema::String(StringRules {
                min_length: #min_length,
                max_length: #max_length,
                format: #format,
            }))
        }
        Some("array") => {
            let items = convert(
                document,
                schema.get("items").unwrap_or(&Value::Bool(true)),
                depth + 1,
            );
            let min_items = count("minItems");
            let max_items = count("maxItems");
            quote!(Schema::Array { items: &#items, min_items: #min_items, max_items: #max_items })
        }
        Some("object") => {
            let properties: Vec<TokenStream> = schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, property)| {
                    let property = convert(document, property, depth + 1);
                    quote!((#name, #property))
                })
                .collect();
            let required = Document::required(schema);
            let additional = schema.get("additionalProperties") != Some(&Value::Bool(false));
            quote!(Schema::Object {
                properties: &[#(#properties),*],
                required: &[#(#required),*],
                additional: #additional,
            })
        }
        _ => quote!(Schema::Any),
    }
}

fn option<T: quote::ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

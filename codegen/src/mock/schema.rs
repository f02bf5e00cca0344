//! JSON Schema (as the resolved document has it) to the mock's static
//! `model::Schema`. Every keyword is either compiled (and checked at run
//! time) or refused with the file and JSON pointer naming it; nothing
//! becomes "anything" silently. Referenced schemas (`$ref`) become one named
//! `static` each, shared by every reference (recursion included); patterns
//! become one `static Pattern` each.

use std::collections::{BTreeSet, HashMap};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Map, Value};
use specs::SourceDocument;
use specs::pointer::escape;

use super::error::MockGenError;

/// Inside this module, errors carry their place until [`SchemaTable::schema`] resolves it.
type Result<T, E = Located> = std::result::Result<T, E>;

/// Keywords that only annotate: they never make an instance invalid.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "discriminator",
    "xml",
    "externalDocs",
    "$schema",
    "$comment",
    "$defs",
    "definitions",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
];

/// The `static` items a provider's schemas compile to, shared by its operations.
pub struct SchemaTable<'a> {
    documents: &'a [SourceDocument],
    items: Vec<TokenStream>,
    named: HashMap<(usize, String), Ident>,
    patterns: HashMap<String, Ident>,
    taken: BTreeSet<String>,
}

impl<'a> SchemaTable<'a> {
    /// An empty table for a provider's documents.
    pub fn new(documents: &'a [SourceDocument]) -> Self {
        Self {
            documents,
            items: Vec::new(),
            named: HashMap::new(),
            patterns: HashMap::new(),
            taken: BTreeSet::new(),
        }
    }

    /// An expression of type `&'static Schema` for `schema`, a schema of
    /// document `document` (given by value: its place is found for errors).
    pub fn schema(&mut self, document: usize, schema: &Value) -> Result<TokenStream, MockGenError> {
        let source = &self.documents[document];
        let place = Place {
            file: source.path.display().to_string(),
            pointer: String::new(),
            relative: true,
        };
        self.reference(document, schema, &place)
            .map_err(|mut located| {
                if located.relative {
                    let root = find(&source.resolved, schema).unwrap_or_default();
                    located.pointer = format!("{root}{}", located.pointer);
                    located.relative = false;
                }
                MockGenError::new(located.to_string())
            })
    }

    /// The `static` items, to be written after the provider.
    pub fn into_items(self) -> Vec<TokenStream> {
        self.items
    }

    /// `&NAMED` for a `$ref` alone, else `&Schema { ... }`.
    fn reference(&mut self, document: usize, schema: &Value, at: &Place) -> Result<TokenStream> {
        if let Some(target) = lone_ref(schema) {
            let ident = self.named(document, target, at)?;
            return Ok(quote!(&#ident));
        }
        let value = self.value(document, schema, at)?;
        Ok(quote!(&#value))
    }

    /// The static for the schema `target` points at, compiled once.
    fn named(&mut self, document: usize, target: &str, at: &Place) -> Result<Ident> {
        let key = (document, target.to_string());
        if let Some(ident) = self.named.get(&key) {
            return Ok(ident.clone());
        }
        let resolved = &self.documents[document].resolved;
        let schema = specs::refs::Document(resolved)
            .target(target)
            .map_err(|e| at.error(format!("$ref: {e}")))?;
        let pointer = target.strip_prefix('#').unwrap_or(target);
        let last = pointer.rsplit('/').next().unwrap_or("schema");
        let ident = self.fresh(&format!("SCHEMA_{}", screaming(last)));
        self.named.insert(key.clone(), ident.clone());
        let place = Place {
            file: at.file.clone(),
            pointer: pointer.to_string(),
            relative: false,
        };
        // A schema that fails leaves no name behind: the operation that
        // reached it is skipped, and others must not refer to a missing static.
        let value = match self.value(document, schema, &place) {
            Ok(value) => value,
            Err(error) => {
                self.named.remove(&key);
                return Err(error);
            }
        };
        let doc = format!(" `{target}`");
        self.items
            .push(quote!(#[doc = #doc] static #ident: Schema = #value;));
        Ok(ident)
    }

    fn fresh(&mut self, base: &str) -> Ident {
        let mut name = base.to_string();
        let mut n = 2;
        while !self.taken.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        format_ident!("{}", name)
    }

    /// The `Schema { ... }` expression for one schema object (or boolean).
    fn value(&mut self, document: usize, schema: &Value, at: &Place) -> Result<TokenStream> {
        let members = match schema {
            Value::Bool(true) => return Ok(quote!(Schema::ANY)),
            Value::Bool(false) => return Ok(quote!(Schema::NOTHING)),
            Value::Object(members) => members,
            _ => return Err(at.error("a schema must be an object or a boolean".into())),
        };
        let mut fields = Vec::new();
        let nullable = members.get("nullable") == Some(&Value::Bool(true));
        let types = types(members, at)?;
        if let Some(types) = &types {
            let mut types = types.clone();
            if nullable {
                types.push("null".into());
            }
            let bits: Vec<TokenStream> = types
                .iter()
                .map(|t| {
                    let ident = format_ident!("{}", t.to_ascii_uppercase());
                    quote!(Types::#ident)
                })
                .collect();
            let (first, rest) = bits.split_first().expect("types are never empty here");
            fields.push(quote!(types: #first #(.or(#rest))*));
        }
        if let Some(values) = enum_values(members, nullable && types.is_some(), at)? {
            fields.push(quote!(values: Some(&[#(#values),*])));
        }
        let number = |key: &str| members.get(key).and_then(Value::as_f64);
        let count = |key: &str| -> Result<TokenStream> {
            match members.get(key) {
                None => Ok(quote!(None)),
                Some(value) => value
                    .as_u64()
                    .map(|n| {
                        let n = proc_macro2::Literal::u64_unsuffixed(n);
                        quote!(Some(#n))
                    })
                    .ok_or_else(|| {
                        at.child(key)
                            .error(format!("`{key}` must be a non-negative integer"))
                    }),
            }
        };
        let format = members.get("format").and_then(Value::as_str);
        let format_tokens = match format {
            Some(format) => quote!(Some(#format)),
            None => quote!(None),
        };
        // String rules.
        if ["minLength", "maxLength", "pattern"]
            .iter()
            .any(|k| members.contains_key(*k))
            || format.is_some_and(|f| !matches!(f, "int32" | "int64" | "float" | "double"))
        {
            let pattern = match members.get("pattern") {
                Some(Value::String(source)) => {
                    let ident = self.pattern(source, &at.child("pattern"))?;
                    quote!(Some(&#ident))
                }
                Some(_) => return Err(at.child("pattern").error("not a string".into())),
                None => quote!(None),
            };
            let rules = set_fields(&[
                ("min_length", count("minLength")?),
                ("max_length", count("maxLength")?),
                ("format", format_tokens.clone()),
                ("pattern", pattern),
            ]);
            fields.push(quote!(string: Some(&StringRules { #(#rules,)* ..StringRules::NONE })));
        }
        // Number rules: 3.0 spells exclusive bounds as booleans beside
        // minimum/maximum, 3.1 as numbers (both may appear: the stricter holds).
        if [
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ]
        .iter()
        .any(|k| members.contains_key(*k))
            || matches!(format, Some("int32" | "int64"))
        {
            let bound = |inclusive: &str, exclusive: &str, lower: bool| {
                let plain = number(inclusive);
                match members.get(exclusive) {
                    Some(Value::Bool(flag)) => (plain, *flag && plain.is_some()),
                    Some(Value::Number(n)) => match (plain, n.as_f64()) {
                        (Some(p), Some(e)) if (lower && p > e) || (!lower && p < e) => {
                            (Some(p), false)
                        }
                        (_, e) => (e, true),
                    },
                    _ => (plain, false),
                }
            };
            let (minimum, exclusive_minimum) = bound("minimum", "exclusiveMinimum", true);
            let (maximum, exclusive_maximum) = bound("maximum", "exclusiveMaximum", false);
            let multiple_of = number("multipleOf");
            if multiple_of.is_some_and(|m| m <= 0.0) {
                return Err(at
                    .child("multipleOf")
                    .error("`multipleOf` must be greater than 0".into()));
            }
            let (minimum, maximum, multiple_of) =
                (option(minimum), option(maximum), option(multiple_of));
            let flag = |set: bool| if set { quote!(true) } else { quote!(false) };
            let rules = set_fields(&[
                ("minimum", minimum),
                ("maximum", maximum),
                ("exclusive_minimum", flag(exclusive_minimum)),
                ("exclusive_maximum", flag(exclusive_maximum)),
                ("multiple_of", multiple_of),
                ("format", format_tokens),
            ]);
            fields.push(quote!(number: Some(&NumberRules { #(#rules,)* ..NumberRules::NONE })));
        }
        // Array rules.
        if [
            "items",
            "prefixItems",
            "additionalItems",
            "minItems",
            "maxItems",
            "uniqueItems",
            "contains",
            "minContains",
            "maxContains",
            "unevaluatedItems",
        ]
        .iter()
        .any(|k| members.contains_key(*k))
        {
            // Before 2020-12, `items` as a list is the tuple and
            // `additionalItems` the schema of the items after it.
            let (prefix_items, items) = match members.get("items") {
                Some(Value::Array(_)) => (
                    self.list(document, members, "items", at)?,
                    self.optional(document, members, "additionalItems", at)?,
                ),
                _ => (
                    self.list(document, members, "prefixItems", at)?,
                    self.optional(document, members, "items", at)?,
                ),
            };
            let contains = self.optional(document, members, "contains", at)?;
            let unique = members.get("uniqueItems") == Some(&Value::Bool(true));
            let prefix_items = if prefix_items.is_empty() {
                quote!(&[])
            } else {
                quote!(&[#(#prefix_items),*])
            };
            let rules = set_fields(&[
                ("prefix_items", prefix_items),
                ("items", items),
                ("min_items", count("minItems")?),
                ("max_items", count("maxItems")?),
                (
                    "unique_items",
                    if unique { quote!(true) } else { quote!(false) },
                ),
                ("contains", contains),
                ("min_contains", count("minContains")?),
                ("max_contains", count("maxContains")?),
                (
                    "unevaluated",
                    self.optional(document, members, "unevaluatedItems", at)?,
                ),
            ]);
            fields.push(quote!(array: Some(&ArrayRules { #(#rules,)* ..ArrayRules::NONE })));
        }
        // Object rules.
        if [
            "properties",
            "patternProperties",
            "additionalProperties",
            "required",
            "minProperties",
            "maxProperties",
            "propertyNames",
            "dependentRequired",
            "dependentSchemas",
            "dependencies",
            "unevaluatedProperties",
        ]
        .iter()
        .any(|k| members.contains_key(*k))
        {
            let mut properties = Vec::new();
            if let Some(declared) = members.get("properties").and_then(Value::as_object) {
                let at = at.child("properties");
                for (name, property) in declared {
                    let property = self.reference(document, property, &at.child(name))?;
                    properties.push(quote!((#name, #property)));
                }
            }
            let mut pattern_properties = Vec::new();
            if let Some(declared) = members.get("patternProperties").and_then(Value::as_object) {
                let at = at.child("patternProperties");
                for (source, property) in declared {
                    let pattern = self.pattern(source, &at.child(source))?;
                    let property = self.reference(document, property, &at.child(source))?;
                    pattern_properties.push(quote!((&#pattern, #property)));
                }
            }
            let additional = self.optional(document, members, "additionalProperties", at)?;
            let property_names = self.optional(document, members, "propertyNames", at)?;
            // Draft 4-7's `dependencies` (OpenAPI 3.0's dialect) holds both
            // kinds: a list of names or a schema.
            let mut dependent_required = Vec::new();
            let mut dependent_schemas = Vec::new();
            for keyword in ["dependentRequired", "dependentSchemas", "dependencies"] {
                let Some(declared) = members.get(keyword) else {
                    continue;
                };
                let at = at.child(keyword);
                let declared = declared
                    .as_object()
                    .ok_or_else(|| at.error(format!("`{keyword}` must be an object")))?;
                for (name, dependency) in declared {
                    match dependency {
                        Value::Array(names) if keyword != "dependentSchemas" => {
                            let names = names
                                .iter()
                                .map(|n| n.as_str().map(|n| quote!(#n)))
                                .collect::<Option<Vec<_>>>()
                                .ok_or_else(|| {
                                    at.child(name).error("names must be strings".into())
                                })?;
                            dependent_required.push(quote!((#name, &[#(#names),*])));
                        }
                        _ if keyword != "dependentRequired" => {
                            let schema = self.reference(document, dependency, &at.child(name))?;
                            dependent_schemas.push(quote!((#name, #schema)));
                        }
                        _ => {
                            return Err(at.child(name).error("must be a list of names".into()));
                        }
                    }
                }
            }
            let required: Vec<&str> = members
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let list = |items: Vec<TokenStream>| {
                if items.is_empty() {
                    quote!(&[])
                } else {
                    quote!(&[#(#items),*])
                }
            };
            let required = list(required.iter().map(|name| quote!(#name)).collect());
            let rules = set_fields(&[
                ("properties", list(properties)),
                ("pattern_properties", list(pattern_properties)),
                ("additional", additional),
                ("required", required),
                ("min_properties", count("minProperties")?),
                ("max_properties", count("maxProperties")?),
                ("property_names", property_names),
                ("dependent_required", list(dependent_required)),
                ("dependent_schemas", list(dependent_schemas)),
                (
                    "unevaluated",
                    self.optional(document, members, "unevaluatedProperties", at)?,
                ),
            ]);
            fields.push(quote!(object: Some(&ObjectRules { #(#rules,)* ..ObjectRules::NONE })));
        }
        // `$ref` beside other keywords (3.1): the target applies as well.
        // Dynamic references are resolved statically, to the anchor the spec
        // library found (the usual case: one schema resource per document).
        let mut all_of = self.list(document, members, "allOf", at)?;
        for keyword in ["$ref", "$dynamicRef", "$recursiveRef"] {
            if let Some(target) = members.get(keyword).and_then(Value::as_str) {
                let ident = self.named(document, target, &at.child(keyword))?;
                all_of.push(quote!(&#ident));
            }
        }
        if !all_of.is_empty() {
            fields.push(quote!(all_of: &[#(#all_of),*]));
        }
        for (keyword, field) in [("anyOf", quote!(any_of)), ("oneOf", quote!(one_of))] {
            let branches = self.list(document, members, keyword, at)?;
            if !branches.is_empty() {
                fields.push(quote!(#field: &[#(#branches),*]));
            }
        }
        if let Some(not) = members.get("not") {
            let not = self.reference(document, not, &at.child("not"))?;
            fields.push(quote!(not: Some(#not)));
        }
        // `then`/`else` without `if` are ignored, as JSON Schema says.
        if let Some(when) = members.get("if") {
            let when = self.reference(document, when, &at.child("if"))?;
            let mut branch = |keyword: &str| match members.get(keyword) {
                Some(schema) => self.reference(document, schema, &at.child(keyword)),
                None => Ok(quote!(&Schema::ANY)),
            };
            let (then, otherwise) = (branch("then")?, branch("else")?);
            fields.push(quote!(conditional: Some(&Conditional { when: #when, then: #then, otherwise: #otherwise })));
        }
        let schema = quote!(Schema { #(#fields,)* ..Schema::ANY });
        // 3.0 `nullable` without `type`: null, or whatever the rest allows.
        if nullable && types.is_none() {
            return Ok(quote!(Schema {
                any_of: &[&Schema { types: Types::NULL, ..Schema::ANY }, &#schema],
                ..Schema::ANY
            }));
        }
        Ok(schema)
    }

    /// `Some(&schema)` for a keyword holding one schema, `None` without it.
    fn optional(
        &mut self,
        document: usize,
        members: &Map<String, Value>,
        keyword: &str,
        at: &Place,
    ) -> Result<TokenStream> {
        match members.get(keyword) {
            Some(schema) => {
                let schema = self.reference(document, schema, &at.child(keyword))?;
                Ok(quote!(Some(#schema)))
            }
            None => Ok(quote!(None)),
        }
    }

    /// The schemas of a list keyword (`allOf`, `prefixItems`, ...).
    fn list(
        &mut self,
        document: usize,
        members: &Map<String, Value>,
        keyword: &str,
        at: &Place,
    ) -> Result<Vec<TokenStream>> {
        let Some(list) = members.get(keyword) else {
            return Ok(Vec::new());
        };
        let at = at.child(keyword);
        let list = list
            .as_array()
            .ok_or_else(|| at.error(format!("`{keyword}` must be a list")))?;
        list.iter()
            .enumerate()
            .map(|(index, schema)| self.reference(document, schema, &at.child(&index.to_string())))
            .collect()
    }

    /// The static for a pattern, translated and checked once.
    fn pattern(&mut self, source: &str, at: &Place) -> Result<Ident> {
        if let Some(ident) = self.patterns.get(source) {
            return Ok(ident.clone());
        }
        // The regex crate when it can (linear time), else the ECMA-262
        // engine (lookaround, backreferences).
        let translated = translate_pattern(source)
            .ok()
            .filter(|regex| regex::Regex::new(regex).is_ok());
        let pattern = match translated {
            Some(translated) => quote!(Pattern::new(#source, #translated)),
            None => {
                regress::Regex::with_flags(source, "u").map_err(|e| {
                    at.error(format!(
                        "pattern `{source}` is not an ECMA-262 regular expression: {e}"
                    ))
                })?;
                quote!(Pattern::ecma(#source))
            }
        };
        let ident = self.fresh(&format!("PATTERN_{}", self.patterns.len()));
        self.patterns.insert(source.to_string(), ident.clone());
        self.items.push(quote!(static #ident: Pattern = #pattern;));
        Ok(ident)
    }
}

/// The target of a schema that is only a `$ref` (annotations aside).
fn lone_ref(schema: &Value) -> Option<&str> {
    let members = schema.as_object()?;
    let target = members.get("$ref")?.as_str()?;
    members
        .keys()
        .all(|k| k == "$ref" || k.starts_with("x-") || ANNOTATIONS.contains(&k.as_str()))
        .then_some(target)
}

/// The `type` keyword as a list of known type names, `None` without one.
fn types(members: &Map<String, Value>, at: &Place) -> Result<Option<Vec<String>>> {
    const KNOWN: [&str; 7] = [
        "null", "boolean", "integer", "number", "string", "array", "object",
    ];
    let names: Vec<&Value> = match members.get("type") {
        None => return Ok(None),
        Some(Value::Array(list)) => list.iter().collect(),
        Some(single) => vec![single],
    };
    let mut types = Vec::new();
    for name in names {
        match name.as_str() {
            Some(name) if KNOWN.contains(&name) => types.push(name.to_string()),
            _ => return Err(at.child("type").error(format!("unknown type {name}"))),
        }
    }
    if types.is_empty() {
        return Err(at.child("type").error("`type` lists no type".into()));
    }
    Ok(Some(types))
}

/// `enum` or `const` values, serialised (null added for 3.0 `nullable`).
fn enum_values(
    members: &Map<String, Value>,
    nullable: bool,
    at: &Place,
) -> Result<Option<Vec<String>>> {
    let mut values: Vec<String> = match (members.get("enum"), members.get("const")) {
        (None, None) => return Ok(None),
        (_, Some(value)) => vec![value.to_string()],
        (Some(Value::Array(values)), None) => values.iter().map(Value::to_string).collect(),
        (Some(_), None) => return Err(at.child("enum").error("`enum` must be a list".into())),
    };
    if nullable && members.contains_key("enum") && !values.iter().any(|v| v == "null") {
        values.push("null".into());
    }
    Ok(Some(values))
}

/// An ECMA-262 pattern (JSON Schema's dialect, unicode mode) as the `regex`
/// crate's syntax: `\d`, `\w` and `\b` are ASCII in ECMA-262, `.` excludes
/// every line terminator and `\s` includes U+FEFF; a `[` inside a class is
/// literal. Constructs the crate lacks (lookaround, backreferences) fail
/// later, when the result is compiled.
pub fn translate_pattern(source: &str) -> Result<String, String> {
    let mut out = String::with_capacity(source.len() + 8);
    let mut chars = source.chars().peekable();
    let mut in_class = false;
    let mut class_start = false;
    while let Some(c) = chars.next() {
        let at_class_start = std::mem::take(&mut class_start);
        match c {
            '\\' => {
                let escaped = chars
                    .next()
                    .ok_or_else(|| "the pattern ends with `\\`".to_string())?;
                let replacement = match (escaped, in_class) {
                    ('d', false) => "[0-9]",
                    ('d', true) => "0-9",
                    ('D', _) => "[^0-9]",
                    ('w', false) => "[0-9A-Za-z_]",
                    ('w', true) => "0-9A-Za-z_",
                    ('W', _) => "[^0-9A-Za-z_]",
                    ('s', false) => "[\\s\\x{FEFF}]",
                    ('s', true) => "\\s\\x{FEFF}",
                    ('S', _) => "[^\\s\\x{FEFF}]",
                    ('b', false) => "(?-u:\\b)",
                    ('B', false) => "(?-u:\\B)",
                    ('b', true) => "\\x08",
                    ('/', _) => "/",
                    _ => {
                        out.push('\\');
                        out.push(escaped);
                        continue;
                    }
                };
                out.push_str(replacement);
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                if chars.peek() == Some(&']') {
                    return Err("`[]` and `[^]` have no equivalent".into());
                }
                class_start = true;
            }
            '[' => out.push_str("\\["),
            ']' if in_class && !at_class_start => {
                in_class = false;
                out.push(']');
            }
            // Doubled, these are set operators for the regex crate.
            '-' | '&' | '~' if in_class && chars.peek() == Some(&c) => {
                out.push('\\');
                out.push(c);
            }
            '.' if !in_class => out.push_str("[^\\n\\r\\x{2028}\\x{2029}]"),
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// Where a schema is, for errors: the document's file and a JSON pointer,
/// relative to the schema a caller passed in (whose place is looked up only
/// when there is an error to report) or absolute (inside a `$ref` target).
#[derive(Clone)]
struct Place {
    file: String,
    pointer: String,
    relative: bool,
}

/// A schema the mock cannot check, and where it is.
#[derive(Debug, thiserror::Error)]
#[error("{file}#{pointer}: {message}")]
struct Located {
    file: String,
    pointer: String,
    relative: bool,
    message: String,
}

impl Place {
    fn child(&self, key: &str) -> Place {
        Place {
            pointer: format!("{}/{}", self.pointer, escape(key)),
            ..self.clone()
        }
    }

    fn error(&self, message: String) -> Located {
        Located {
            file: self.file.clone(),
            pointer: self.pointer.clone(),
            relative: self.relative,
            message,
        }
    }
}

/// The pointer of the first node of `document` equal to `schema`.
fn find(document: &Value, schema: &Value) -> Option<String> {
    if document == schema {
        return Some(String::new());
    }
    match document {
        Value::Object(members) => members.iter().find_map(|(key, child)| {
            find(child, schema).map(|rest| format!("/{}{rest}", escape(key)))
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, child)| find(child, schema).map(|rest| format!("/{index}{rest}"))),
        _ => None,
    }
}

/// `ApiErrorResponse` -> `API_ERROR_RESPONSE`, any other character `_`.
fn screaming(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        });
    }
    out
}

/// `name: value` for each field whose value is not its `NONE` default.
fn set_fields(fields: &[(&str, TokenStream)]) -> Vec<TokenStream> {
    const DEFAULTS: [&str; 4] = ["None", "false", "& []", "& Schema :: ANY"];
    fields
        .iter()
        .filter(|(_, value)| !DEFAULTS.contains(&value.to_string().as_str()))
        .map(|(name, value)| {
            let name = format_ident!("{}", name);
            quote!(#name: #value)
        })
        .collect()
}

fn option(value: Option<f64>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_translate_to_the_regex_dialect() {
        let matches = |pattern: &str, text: &str| {
            regex::Regex::new(&translate_pattern(pattern).unwrap())
                .unwrap()
                .is_match(text)
        };
        assert!(matches("^orgi_[a-z0-9]+$", "orgi_a1"));
        assert!(!matches("^\\d{2}:\\d{2}$", "١٢:٣٤"), "ECMA \\d is ASCII");
        assert!(matches("^\\d{2}:\\d{2}$", "12:34"));
        assert!(matches("^oci:\\/\\/", "oci://x"));
        assert!(!matches("^a.b$", "a\rb"));
        assert!(matches("^[\\w-]+$", "a-b_c"));
        assert!(matches("^[a[]+$", "a[a"));
        assert!(matches("^[a--]+$", "a-"));
        assert!(matches("^[\\p{L}\\p{N}]$", "é"));
        for unsupported in ["(?=a)b", "(a)\\1", "[]", "[^]a", "a\\"] {
            let result = translate_pattern(unsupported)
                .and_then(|r| regex::Regex::new(&r).map_err(|e| e.to_string()));
            assert!(result.is_err(), "{unsupported}");
        }
    }

    fn compile(schema: Value) -> Result<String, MockGenError> {
        let document = specs::SourceDocument::new(
            "doc.json".into(),
            schema.clone(),
            serde_json::json!({"components": {"schemas": {"Root": schema}}}),
        );
        let documents = [document];
        let mut table = SchemaTable::new(&documents);
        let tokens = table.schema(0, &serde_json::json!({"$ref": "#/components/schemas/Root"}))?;
        let items = table.into_items();
        Ok(quote!(#tokens #(#items)*).to_string())
    }

    #[test]
    fn every_validation_keyword_compiles() {
        let code = compile(serde_json::json!({
            "type": "object",
            "properties": {"a": {"type": "string", "if": {"minLength": 1}, "then": {"maxLength": 3}}},
            "dependentRequired": {"a": ["b"]},
            "dependentSchemas": {"b": {"required": ["c"]}},
            "dependencies": {"d": ["a"], "e": {"minProperties": 2}},
            "propertyNames": {"maxLength": 8},
            "unevaluatedProperties": false,
            "$defs": {"tuple": {"items": [{"type": "integer"}], "additionalItems": false}},
            "patternProperties": {"^x-(?!internal)": {"contains": {"type": "integer"}, "minContains": 2, "maxContains": 3, "unevaluatedItems": false}}
        }))
        .unwrap();
        for expected in [
            "conditional : Some (& Conditional { when :",
            "dependent_required : & [(\"a\" , & [\"b\"]) , (\"d\" , & [\"a\"])]",
            "dependent_schemas : & [(\"b\" ,",
            "(\"e\" ,",
            "unevaluated : Some (& Schema :: NOTHING)",
            "min_contains : Some (2)",
            "max_contains : Some (3)",
            "Pattern :: ecma (\"^x-(?!internal)\")",
        ] {
            assert!(code.contains(expected), "{expected} in {code}");
        }
        let tuple =
            compile(serde_json::json!({"items": [{"type": "integer"}], "additionalItems": false}))
                .unwrap();
        assert!(
            tuple.contains("prefix_items : & [& Schema { types : Types :: INTEGER"),
            "{tuple}"
        );
        assert!(
            tuple.contains("items : Some (& Schema :: NOTHING)"),
            "{tuple}"
        );
        let error = compile(serde_json::json!({"pattern": "(?<=a"}))
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(
                "doc.json#/components/schemas/Root/pattern: pattern `(?<=a` is not an ECMA-262 regular expression"
            ),
            "{error}"
        );
        assert!(compile(serde_json::json!({"multipleOf": 0})).is_err());
        // Keywords JSON Schema does not define are annotations (Prefect's `min_items`).
        let code = compile(serde_json::json!({"type": "array", "min_items": 1})).unwrap();
        assert!(!code.contains("min_items"), "{code}");
    }

    #[test]
    fn references_are_shared_and_recursion_is_kept() {
        let code = compile(serde_json::json!({
            "type": ["object", "null"],
            "properties": {
                "child": {"$ref": "#/components/schemas/Root"},
                "tags": {"type": "array", "uniqueItems": true, "items": {"pattern": "^a"}}
            },
            "additionalProperties": false
        }))
        .unwrap();
        assert_eq!(code.matches("static SCHEMA_ROOT").count(), 1, "{code}");
        assert!(code.contains("\"child\" , & SCHEMA_ROOT"), "{code}");
        assert!(
            code.contains("Types :: OBJECT . or (Types :: NULL)"),
            "{code}"
        );
        assert!(
            code.contains("additional : Some (& Schema :: NOTHING)"),
            "{code}"
        );
        assert!(code.contains("unique_items : true"), "{code}");
        assert!(code.contains("Pattern :: new (\"^a\" , \"^a\")"), "{code}");
    }
}

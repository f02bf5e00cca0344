//! JSON Schema (as the resolved document has it) to the model's
//! [`Schema`]. Every keyword is either compiled (and checked at run time)
//! or refused with the file and JSON pointer naming it; nothing becomes
//! "anything" silently. A referenced schema (`$ref`) is built once and
//! shared by every reference; a reference back to a schema still being
//! built (recursion) is a [`Link`], filled in when it is done. Patterns are
//! compiled once each.

use std::collections::HashMap;

use serde_json::{Map, Value};
use specs::SourceDocument;
use specs::pointer::escape;

use super::Shared;
use super::error::BuildError;
use super::leak::{Strings, leak, slice};
use crate::model::{
    ArrayRules, Conditional, Link, NumberRules, ObjectRules, Pattern, Schema, StringRules, Types,
};

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

/// A `$ref`d schema: done, or being built with the links back to it.
enum Named {
    Done(&'static Schema),
    Building(Vec<&'static Link>),
}

/// The schemas and patterns a provider's operations share, and its strings.
pub struct SchemaTable<'a> {
    documents: &'a [SourceDocument],
    named: HashMap<(usize, String), Named>,
    patterns: HashMap<String, &'static Pattern>,
    shared: Vec<Shared>,
    /// Every string of the model, leaked once.
    pub strings: Strings,
}

impl<'a> SchemaTable<'a> {
    /// An empty table for a provider's documents.
    pub fn new(documents: &'a [SourceDocument]) -> Self {
        Self {
            documents,
            named: HashMap::new(),
            patterns: HashMap::new(),
            shared: Vec::new(),
            strings: Strings::default(),
        }
    }

    /// The model of `schema`, a schema of document `document` (given by
    /// value: its place is found for errors).
    pub fn schema(
        &mut self,
        document: usize,
        schema: &Value,
    ) -> Result<&'static Schema, BuildError> {
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
                BuildError::new(located.to_string())
            })
    }

    /// The shared schemas and patterns, in the order they were completed.
    pub fn into_shared(self) -> Vec<Shared> {
        self.shared
    }

    /// The shared schema for a `$ref` alone, else a new one.
    fn reference(
        &mut self,
        document: usize,
        schema: &Value,
        at: &Place,
    ) -> Result<&'static Schema> {
        if let Some(target) = lone_ref(schema) {
            return self.named(document, target, at);
        }
        Ok(match self.value(document, schema, at)? {
            Built::Any => &Schema::ANY,
            Built::Nothing => &Schema::NOTHING,
            Built::Schema(schema) => leak(schema),
        })
    }

    /// The schema `target` points at, built once.
    fn named(&mut self, document: usize, target: &str, at: &Place) -> Result<&'static Schema> {
        let key = (document, target.to_string());
        match self.named.get_mut(&key) {
            Some(Named::Done(schema)) => return Ok(schema),
            Some(Named::Building(links)) => {
                let link = leak(Link::new());
                links.push(link);
                return Ok(leak(Schema {
                    link: Some(link),
                    ..Schema::ANY
                }));
            }
            None => {}
        }
        let resolved = &self.documents[document].resolved;
        let schema = specs::refs::Document(resolved)
            .target(target)
            .map_err(|e| at.error(format!("$ref: {e}")))?;
        self.named.insert(key.clone(), Named::Building(Vec::new()));
        let mark = self.shared.len();
        let pointer = target.strip_prefix('#').unwrap_or(target);
        let place = Place {
            file: at.file.clone(),
            pointer: pointer.to_string(),
            relative: false,
        };
        // A schema that fails leaves nothing behind, not even the schemas
        // completed inside it (they may link back to it): the operation
        // that reached it is skipped, and others must not share a broken one.
        let value = match self.value(document, schema, &place) {
            Ok(value) => value.into_schema(),
            Err(error) => {
                self.named.remove(&key);
                self.roll_back(mark);
                return Err(error);
            }
        };
        let built = leak(value);
        if let Some(Named::Building(links)) = self.named.insert(key, Named::Done(built)) {
            for link in links {
                link.set(built);
            }
        }
        self.shared.push(Shared::Schema {
            target: self.strings.get(target),
            schema: built,
        });
        Ok(built)
    }

    /// Forgets what was shared since `mark`.
    fn roll_back(&mut self, mark: usize) {
        for shared in self.shared.drain(mark..) {
            match shared {
                Shared::Schema { schema, .. } => self.named.retain(
                    |_, named| !matches!(named, Named::Done(done) if std::ptr::eq(*done, schema)),
                ),
                Shared::Pattern(pattern) => self
                    .patterns
                    .retain(|_, kept| !std::ptr::eq(*kept, pattern)),
            }
        }
    }

    /// The model of one schema object (or boolean).
    fn value(&mut self, document: usize, schema: &Value, at: &Place) -> Result<Built> {
        let members = match schema {
            Value::Bool(true) => return Ok(Built::Any),
            Value::Bool(false) => return Ok(Built::Nothing),
            Value::Object(members) => members,
            _ => return Err(at.error("a schema must be an object or a boolean".into())),
        };
        let mut built = Schema::ANY;
        let nullable = members.get("nullable") == Some(&Value::Bool(true));
        let types = types(members, at)?;
        if let Some(types) = types {
            built.types = if nullable {
                types.or(Types::NULL)
            } else {
                types
            };
        }
        if let Some(values) = enum_values(members, nullable && types.is_some(), at)? {
            built.values = Some(slice(values.iter().map(|v| self.strings.get(v)).collect()));
        }
        let number = |key: &str| members.get(key).and_then(Value::as_f64);
        let count = |key: &str| -> Result<Option<u64>> {
            match members.get(key) {
                None => Ok(None),
                Some(value) => value.as_u64().map(Some).ok_or_else(|| {
                    at.child(key)
                        .error(format!("`{key}` must be a non-negative integer"))
                }),
            }
        };
        let format = members
            .get("format")
            .and_then(Value::as_str)
            .map(|f| self.strings.get(f));
        // String rules.
        if ["minLength", "maxLength", "pattern"]
            .iter()
            .any(|k| members.contains_key(*k))
            || format.is_some_and(|f| !matches!(f, "int32" | "int64" | "float" | "double"))
        {
            let pattern = match members.get("pattern") {
                Some(Value::String(source)) => Some(self.pattern(source, &at.child("pattern"))?),
                Some(_) => return Err(at.child("pattern").error("not a string".into())),
                None => None,
            };
            built.string = Some(leak(StringRules {
                min_length: count("minLength")?,
                max_length: count("maxLength")?,
                format,
                pattern,
            }));
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
            built.number = Some(leak(NumberRules {
                minimum,
                maximum,
                exclusive_minimum,
                exclusive_maximum,
                multiple_of,
                format,
            }));
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
            built.array = Some(leak(ArrayRules {
                prefix_items: slice(prefix_items),
                items,
                min_items: count("minItems")?,
                max_items: count("maxItems")?,
                unique_items: members.get("uniqueItems") == Some(&Value::Bool(true)),
                contains: self.optional(document, members, "contains", at)?,
                min_contains: count("minContains")?,
                max_contains: count("maxContains")?,
                unevaluated: self.optional(document, members, "unevaluatedItems", at)?,
            }));
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
                    properties.push((self.strings.get(name), property));
                }
            }
            let mut pattern_properties = Vec::new();
            if let Some(declared) = members.get("patternProperties").and_then(Value::as_object) {
                let at = at.child("patternProperties");
                for (source, property) in declared {
                    let pattern = self.pattern(source, &at.child(source))?;
                    let property = self.reference(document, property, &at.child(source))?;
                    pattern_properties.push((pattern, property));
                }
            }
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
                                .map(|n| n.as_str().map(|n| self.strings.get(n)))
                                .collect::<Option<Vec<_>>>()
                                .ok_or_else(|| {
                                    at.child(name).error("names must be strings".into())
                                })?;
                            dependent_required.push((self.strings.get(name), slice(names)));
                        }
                        _ if keyword != "dependentRequired" => {
                            let schema = self.reference(document, dependency, &at.child(name))?;
                            dependent_schemas.push((self.strings.get(name), schema));
                        }
                        _ => {
                            return Err(at.child(name).error("must be a list of names".into()));
                        }
                    }
                }
            }
            let required = members
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|name| self.strings.get(name))
                .collect();
            built.object = Some(leak(ObjectRules {
                properties: slice(properties),
                pattern_properties: slice(pattern_properties),
                additional: self.optional(document, members, "additionalProperties", at)?,
                required: slice(required),
                min_properties: count("minProperties")?,
                max_properties: count("maxProperties")?,
                property_names: self.optional(document, members, "propertyNames", at)?,
                dependent_required: slice(dependent_required),
                dependent_schemas: slice(dependent_schemas),
                unevaluated: self.optional(document, members, "unevaluatedProperties", at)?,
            }));
        }
        // `$ref` beside other keywords (3.1): the target applies as well.
        // Dynamic references are resolved statically, to the anchor the spec
        // library found (the usual case: one schema resource per document).
        let mut all_of = self.list(document, members, "allOf", at)?;
        for keyword in ["$ref", "$dynamicRef", "$recursiveRef"] {
            if let Some(target) = members.get(keyword).and_then(Value::as_str) {
                all_of.push(self.named(document, target, &at.child(keyword))?);
            }
        }
        built.all_of = slice(all_of);
        built.any_of = slice(self.list(document, members, "anyOf", at)?);
        built.one_of = slice(self.list(document, members, "oneOf", at)?);
        if let Some(not) = members.get("not") {
            built.not = Some(self.reference(document, not, &at.child("not"))?);
        }
        // `then`/`else` without `if` are ignored, as JSON Schema says.
        if let Some(when) = members.get("if") {
            let when = self.reference(document, when, &at.child("if"))?;
            let mut branch = |keyword: &str| match members.get(keyword) {
                Some(schema) => self.reference(document, schema, &at.child(keyword)),
                None => Ok(&Schema::ANY),
            };
            let (then, otherwise) = (branch("then")?, branch("else")?);
            built.conditional = Some(leak(Conditional {
                when,
                then,
                otherwise,
            }));
        }
        // 3.0 `nullable` without `type`: null, or whatever the rest allows.
        if nullable && types.is_none() {
            static NULL: Schema = Schema {
                types: Types::NULL,
                ..Schema::ANY
            };
            return Ok(Built::Schema(Schema {
                any_of: slice(vec![&NULL, leak(built)]),
                ..Schema::ANY
            }));
        }
        Ok(Built::Schema(built))
    }

    /// `Some(schema)` for a keyword holding one schema, `None` without it.
    fn optional(
        &mut self,
        document: usize,
        members: &Map<String, Value>,
        keyword: &str,
        at: &Place,
    ) -> Result<Option<&'static Schema>> {
        members
            .get(keyword)
            .map(|schema| self.reference(document, schema, &at.child(keyword)))
            .transpose()
    }

    /// The schemas of a list keyword (`allOf`, `prefixItems`, ...).
    fn list(
        &mut self,
        document: usize,
        members: &Map<String, Value>,
        keyword: &str,
        at: &Place,
    ) -> Result<Vec<&'static Schema>> {
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

    /// A pattern, translated and checked once.
    fn pattern(&mut self, source: &str, at: &Place) -> Result<&'static Pattern> {
        if let Some(pattern) = self.patterns.get(source) {
            return Ok(pattern);
        }
        // The regex crate when it can (linear time), else the ECMA-262
        // engine (lookaround, backreferences).
        let translated = translate_pattern(source)
            .ok()
            .filter(|regex| regex::Regex::new(regex).is_ok());
        let kept = self.strings.get(source);
        let pattern = match translated {
            Some(translated) => Pattern::new(kept, self.strings.get(&translated)),
            None => {
                regress::Regex::with_flags(source, "u").map_err(|e| {
                    at.error(format!(
                        "pattern `{source}` is not an ECMA-262 regular expression: {e}"
                    ))
                })?;
                Pattern::ecma(kept)
            }
        };
        let pattern = leak(pattern);
        self.patterns.insert(source.to_string(), pattern);
        self.shared.push(Shared::Pattern(pattern));
        Ok(pattern)
    }
}

/// What one schema builds to: the two boolean schemas stay the model's
/// constants, so they are shared rather than copied.
enum Built {
    Any,
    Nothing,
    Schema(Schema),
}

impl Built {
    fn into_schema(self) -> Schema {
        match self {
            Built::Any => Schema::ANY,
            Built::Nothing => Schema::NOTHING,
            Built::Schema(schema) => schema,
        }
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

/// The `type` keyword as a set of types, `None` without one.
fn types(members: &Map<String, Value>, at: &Place) -> Result<Option<Types>> {
    const KNOWN: [(&str, Types); 7] = [
        ("null", Types::NULL),
        ("boolean", Types::BOOLEAN),
        ("integer", Types::INTEGER),
        ("number", Types::NUMBER),
        ("string", Types::STRING),
        ("array", Types::ARRAY),
        ("object", Types::OBJECT),
    ];
    let names: Vec<&Value> = match members.get("type") {
        None => return Ok(None),
        Some(Value::Array(list)) => list.iter().collect(),
        Some(single) => vec![single],
    };
    if names.is_empty() {
        return Err(at.child("type").error("`type` lists no type".into()));
    }
    let mut types = Types::NONE;
    for name in names {
        match KNOWN
            .iter()
            .find(|(known, _)| Some(*known) == name.as_str())
        {
            Some((_, known)) => types = types.or(*known),
            None => return Err(at.child("type").error(format!("unknown type {name}"))),
        }
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

    /// `schema` built as the target of a `$ref`, with what was shared.
    fn compile(schema: Value) -> Result<(&'static Schema, Vec<Shared>), BuildError> {
        let document = specs::SourceDocument::new(
            "doc.json".into(),
            schema.clone(),
            serde_json::json!({"components": {"schemas": {"Root": schema}}}),
        );
        let documents = [document];
        let mut table = SchemaTable::new(&documents);
        let built = table.schema(0, &serde_json::json!({"$ref": "#/components/schemas/Root"}))?;
        Ok((built, table.into_shared()))
    }

    #[test]
    fn every_validation_keyword_compiles() {
        let (root, _) = compile(serde_json::json!({
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
        let object = root.object.unwrap();
        let (_, a) = object.properties[0];
        let conditional = a.conditional.unwrap();
        assert_eq!(conditional.when.string.unwrap().min_length, Some(1));
        assert_eq!(conditional.then.string.unwrap().max_length, Some(3));
        let required: Vec<(&str, &[&str])> = object.dependent_required.to_vec();
        assert_eq!(required, [("a", &["b"][..]), ("d", &["a"][..])]);
        let schemas: Vec<&str> = object.dependent_schemas.iter().map(|(n, _)| *n).collect();
        assert_eq!(schemas, ["b", "e"]);
        assert_eq!(object.unevaluated.unwrap().types, Types::NONE);
        assert_eq!(
            object.property_names.unwrap().string.unwrap().max_length,
            Some(8)
        );
        let (pattern, items) = object.pattern_properties[0];
        assert_eq!((pattern.source, pattern.regex), ("^x-(?!internal)", None));
        let array = items.array.unwrap();
        assert_eq!((array.min_contains, array.max_contains), (Some(2), Some(3)));
        assert_eq!(array.unevaluated.unwrap().types, Types::NONE);

        let (tuple, _) =
            compile(serde_json::json!({"items": [{"type": "integer"}], "additionalItems": false}))
                .unwrap();
        let array = tuple.array.unwrap();
        assert_eq!(array.prefix_items[0].types, Types::INTEGER);
        assert_eq!(array.items.unwrap().types, Types::NONE);

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
        let (array, _) = compile(serde_json::json!({"type": "array", "min_items": 1})).unwrap();
        assert!(array.array.is_none());
    }

    #[test]
    fn references_are_shared_and_recursion_is_linked() {
        let (root, shared) = compile(serde_json::json!({
            "type": ["object", "null"],
            "properties": {
                "child": {"$ref": "#/components/schemas/Root"},
                "tags": {"type": "array", "uniqueItems": true, "items": {"pattern": "^a"}}
            },
            "additionalProperties": false
        }))
        .unwrap();
        assert_eq!(root.types, Types::OBJECT.or(Types::NULL));
        let object = root.object.unwrap();
        let (_, child) = object.properties[0];
        assert!(
            std::ptr::eq(child.target(), root),
            "the recursion leads back"
        );
        assert_eq!(object.additional.unwrap().types, Types::NONE);
        let tags = object.properties[1].1.array.unwrap();
        assert!(tags.unique_items);
        let pattern = tags.items.unwrap().string.unwrap().pattern.unwrap();
        assert_eq!((pattern.source, pattern.regex), ("^a", Some("^a")));
        let shared: Vec<String> = shared
            .iter()
            .map(|s| match s {
                Shared::Schema { target, .. } => target.to_string(),
                Shared::Pattern(p) => p.source.to_string(),
            })
            .collect();
        assert_eq!(shared, ["^a", "#/components/schemas/Root"]);
    }

    #[test]
    fn a_failed_schema_takes_the_schemas_built_inside_it_along() {
        let document = specs::SourceDocument::new(
            "doc.json".into(),
            serde_json::json!({}),
            serde_json::json!({"components": {"schemas": {
                "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}, "allOf": [{"multipleOf": 0}]},
                "B": {"properties": {"a": {"$ref": "#/components/schemas/A"}}}
            }}}),
        );
        let documents = [document];
        let mut table = SchemaTable::new(&documents);
        let a = serde_json::json!({"$ref": "#/components/schemas/A"});
        assert!(table.schema(0, &a).is_err());
        assert!(table.into_shared().is_empty(), "B links to the failed A");
    }
}

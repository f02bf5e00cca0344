//! Deterministic, schema-valid example data, for responses whose document
//! gives no example. Like Prism's static examples: a schema's own `example`
//! (or first `examples` entry, `default`, `const` or `enum` value) where it
//! has one, else a value built from its type and constraints: strings from
//! their `pattern`'s syntax tree, numbers on their `multipleOf`, unique
//! items, `allOf` parts and union branches merged with their siblings.
//!
//! A response body gets one value per branch of its widest union, each
//! checked against the document with a JSON Schema 2020-12 validator: a
//! body that does not validate is never written.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use regex_syntax::hir::{Class, Hir, HirKind};
use serde_json::{Map, Value, json};

use super::schema::translate_pattern;
use crate::evaluate::check_value;
use crate::model::Schema;
use specs::refs::Document;

/// A value satisfying `schema` (references resolved against `document`),
/// not checked: for header values and tests.
pub fn synthesize(document: Document<'_>, schema: &Value) -> Value {
    Generator::new(document, 0, Mode::DOCUMENTED).value(schema, "", 0, 0)
}

/// How much of the schema a candidate uses.
#[derive(Clone, Copy)]
struct Mode {
    /// Use the schemas' `example`/`default` values.
    examples: bool,
    /// Fill optional members too (else only required ones).
    optional: bool,
}

impl Mode {
    const DOCUMENTED: Mode = Mode {
        examples: true,
        optional: true,
    };
    /// The candidates, most complete first.
    const ALL: [Mode; 3] = [
        Mode::DOCUMENTED,
        Mode {
            examples: false,
            optional: true,
        },
        Mode {
            examples: false,
            optional: false,
        },
    ];
}

/// Synthesised bodies of one document, checked against the model's
/// schemas by the mock's own evaluator (which shares every `$ref`d schema:
/// a general validator would compile most of a large document again for
/// each body's schema).
pub struct Bodies<'a> {
    document: Document<'a>,
    /// Schemas no synthesised body satisfies, with what is served instead.
    pub unsatisfiable: Vec<String>,
    /// The bodies of each schema met so far, by its text: responses share
    /// schemas, and a lifecycle patches the same bodies again.
    made: HashMap<String, Vec<(Option<String>, Value)>>,
}

impl<'a> Bodies<'a> {
    /// Synthesis for `document`'s resolved form.
    pub fn new(document: &'a specs::SourceDocument) -> Self {
        Self {
            document: Document(&document.resolved),
            unsatisfiable: Vec::new(),
            made: HashMap::new(),
        }
    }

    /// The first few problems of `value` against `schema`, as text
    /// (empty: valid).
    pub fn problems(&self, schema: &Schema, value: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        check_value(schema, value, &[], &mut problems);
        problems
            .iter()
            .take(3)
            .map(|problem| format!("at `{}`: {}", problem.pointer(), problem.message))
            .collect()
    }

    /// The default body (`None` name: `generated`), then, when the schema
    /// has unions, one body per branch of the widest, named by the branch's
    /// tag (a `const` member), its schema name or `generated-<n>`. Branches
    /// no valid body reaches are left out; a default that is not valid is
    /// an error.
    /// `model` is `schema` built into the model.
    pub fn examples(&mut self, schema: &Value, model: &Schema) -> Vec<(Option<String>, Value)> {
        let key = schema.to_string();
        if let Some(made) = self.made.get(&key) {
            return made.clone();
        }
        let made = self.make(schema, model);
        self.made.insert(key, made.clone());
        made
    }

    fn make(&mut self, schema: &Value, model: &Schema) -> Vec<(Option<String>, Value)> {
        let (first, widest) = match self.branch(schema, model, 0) {
            Ok(found) => found,
            Err((value, problems)) => {
                // The document admits no body here (e.g. `allOf` parts that
                // each forbid the other's members): say so, serve the closest.
                let warning = format!(
                    "no body valid against {schema} exists or was found; serving {value}, which has: {}",
                    problems.join("; ")
                );
                self.unsatisfiable.push(warning);
                return vec![(None, value)];
            }
        };
        // A large body's branches would each be as large, and each one
        // checked: Stripe's expandable members make every body a union of
        // unions. Its default body shows the schema.
        let widest = if size(&first.0) > BRANCHED_BODY_LIMIT {
            1
        } else {
            widest
        };
        let mut found = vec![(None, first.0)];
        for branch in 0..widest.min(32) {
            if widest < 2 {
                break;
            }
            if let Ok(((value, label), _)) = self.branch(schema, model, branch) {
                found.push((
                    Some(label.unwrap_or_else(|| format!("generated-{branch}"))),
                    value,
                ));
            }
        }
        found
    }

    /// The first valid candidate taking branch `branch` of every union,
    /// with its label, and the widest union seen; else the last candidate
    /// and its problems.
    #[allow(clippy::type_complexity)]
    fn branch(
        &mut self,
        schema: &Value,
        model: &Schema,
        branch: usize,
    ) -> Result<((Value, Option<String>), usize), (Value, Vec<String>)> {
        let mut widest = 1;
        let mut last = (Value::Null, Vec::new());
        for mode in Mode::ALL {
            let mut generator = Generator::new(self.document, branch, mode);
            let value = generator.value(schema, "", 0, 0);
            widest = widest.max(generator.widest);
            let problems = self.problems(model, &value);
            if problems.is_empty() {
                return Ok(((value, generator.label), widest));
            }
            last = (value, problems);
        }
        Err(last)
    }
}

struct Generator<'a> {
    document: Document<'a>,
    /// Which branch every union takes.
    branch: usize,
    mode: Mode,
    /// The most branches a union met had.
    widest: usize,
    /// What the first union's chosen branch is called.
    label: Option<String>,
    labelled: bool,
    /// The `$ref`s being expanded, outermost first.
    expanding: Vec<String>,
    /// Values generated so far (see [`BUDGET`]).
    nodes: usize,
}

/// Past this many values, a body grows no further than its schema demands:
/// optional members are left out and unions take their first branch.
/// Stripe's objects refer to other objects through dozens of optional,
/// expandable members, each a union: filled everywhere, one body would not
/// fit in memory.
const BUDGET: usize = 5_000;

/// A default body of more values than this gets no per-branch bodies.
const BRANCHED_BODY_LIMIT: usize = 1_000;

/// How many values `value` holds, itself included.
fn size(value: &Value) -> usize {
    1 + match value {
        Value::Object(members) => members.values().map(size).sum(),
        Value::Array(items) => items.iter().map(size).sum(),
        _ => 0,
    }
}

impl<'a> Generator<'a> {
    fn new(document: Document<'a>, branch: usize, mode: Mode) -> Self {
        Self {
            document,
            branch,
            mode,
            widest: 1,
            label: None,
            labelled: false,
            expanding: Vec::new(),
            nodes: 0,
        }
    }

    /// `variant` makes siblings (array items) differ, for `uniqueItems`.
    /// A `$ref` already being expanded on the way here is a recursion: it
    /// is cut short (with the smallest value its type allows), so a
    /// recursive union cannot grow a body exponentially.
    fn value(&mut self, schema: &Value, name: &str, depth: usize, variant: usize) -> Value {
        self.nodes += 1;
        let reference = schema.get("$ref").and_then(Value::as_str).map(String::from);
        let recursive = reference
            .as_ref()
            .is_some_and(|target| self.expanding.contains(target));
        if let Some(target) = reference.clone() {
            self.expanding.push(target);
        }
        let value = self.expanded(schema, name, if recursive { 64 } else { depth }, variant);
        if reference.is_some() {
            self.expanding.pop();
        }
        value
    }

    fn expanded(&mut self, schema: &Value, name: &str, depth: usize, variant: usize) -> Value {
        let Some(schema) = self.flatten(schema, depth.min(32)) else {
            return Value::Null;
        };
        if depth > 24 {
            // A recursive schema: stop where null or an empty container is allowed.
            return if self.document.is_nullable(&schema) {
                Value::Null
            } else if Document::types(&schema).contains(&"array") {
                json!([])
            } else {
                json!({})
            };
        }
        if self.mode.examples {
            let types = Document::types(&schema);
            let documented = [
                schema.get("example"),
                schema.get("examples").and_then(|e| e.get(0)),
                schema.get("default"),
            ];
            if let Some(example) = documented
                .into_iter()
                .flatten()
                .find(|value| of_declared_type(value, &types))
            {
                return example.clone();
            }
        }
        if let Some(value) = schema.get("const") {
            return value.clone();
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if let Some(value) = non_null.get(variant % non_null.len().max(1)) {
                return (*value).clone();
            }
            return Value::Null;
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(keyword).and_then(Value::as_array)
                && !branches.is_empty()
            {
                self.widest = self.widest.max(branches.len());
                let branch = if self.nodes < BUDGET { self.branch } else { 0 };
                let chosen = &branches[branch % branches.len()];
                if !self.labelled {
                    self.labelled = true;
                    self.label = self.label_of(chosen);
                }
                let mut rest = schema.clone().into_owned();
                if let Some(members) = rest.as_object_mut() {
                    members.remove(keyword);
                }
                let merged = self.merge(&rest, chosen, depth);
                return self.value(&merged, name, depth + 1, variant);
            }
        }
        let types = Document::types(&schema);
        let has = |keys: &[&str]| keys.iter().any(|k| schema.get(*k).is_some());
        let kind = types
            .iter()
            .find(|t| **t != "null")
            .copied()
            .unwrap_or_else(|| {
                if has(&[
                    "properties",
                    "required",
                    "additionalProperties",
                    "patternProperties",
                ]) {
                    "object"
                } else if has(&["items", "prefixItems", "minItems", "uniqueItems"]) {
                    "array"
                } else if has(&["pattern", "minLength", "maxLength", "format"]) {
                    "string"
                } else if has(&["minimum", "maximum", "multipleOf", "exclusiveMinimum"]) {
                    "number"
                } else if types.contains(&"null") {
                    "null"
                } else {
                    "object"
                }
            });
        match kind {
            "null" => Value::Null,
            "boolean" => Value::Bool(variant.is_multiple_of(2)),
            "integer" => number(&schema, true, variant),
            "number" => number(&schema, false, variant),
            "string" => Value::String(string(&schema, name, variant)),
            "array" => self.array(&schema, name, depth, variant),
            _ => self.object(&schema, depth, variant),
        }
    }

    /// The schema with `$ref`s followed and `allOf` parts (and siblings of
    /// a `$ref`) merged into one object; `None` if a reference dangles.
    fn flatten<'s>(&self, schema: &'s Value, depth: usize) -> Option<Cow<'s, Value>>
    where
        'a: 's,
    {
        let Some(members) = schema.as_object() else {
            return Some(Cow::Borrowed(schema));
        };
        if depth > 64 {
            return None;
        }
        if let Some(target) = members.get("$ref") {
            let resolved = self.document.target(target.as_str()?).ok()?;
            if members
                .keys()
                .all(|k| k == "$ref" || (!k.starts_with('$') && is_annotation(k)))
            {
                return self.flatten(resolved, depth + 1);
            }
            let mut rest = members.clone();
            rest.remove("$ref");
            let merged = self.merge(&Value::Object(rest), resolved, depth);
            return self
                .flatten(&merged, depth + 1)
                .map(|flat| Cow::Owned(flat.into_owned()));
        }
        if let Some(parts) = members.get("allOf").and_then(Value::as_array) {
            let mut rest = members.clone();
            rest.remove("allOf");
            let merged = parts.iter().fold(Value::Object(rest), |merged, part| {
                self.merge(&merged, part, depth)
            });
            return self
                .flatten(&merged, depth + 1)
                .map(|flat| Cow::Owned(flat.into_owned()));
        }
        Some(Cow::Borrowed(schema))
    }

    /// `base` and `extra` as one schema: members of both, `required` and
    /// `properties` combined (a member in both gets both schemas), `type`
    /// narrowed, `extra` winning elsewhere.
    fn merge(&self, base: &Value, extra: &Value, depth: usize) -> Value {
        let Some(extra) = self.flatten(extra, depth + 1) else {
            return base.clone();
        };
        let (Some(base), Some(extra)) = (base.as_object(), extra.as_object()) else {
            return extra.into_owned();
        };
        let mut out = base.clone();
        for (key, value) in extra {
            match (key.as_str(), out.get_mut(key)) {
                ("properties", Some(Value::Object(known))) => {
                    for (member, schema) in value.as_object().into_iter().flatten() {
                        let combined = match known.get(member) {
                            Some(existing) => json!({ "allOf": [existing, schema] }),
                            None => schema.clone(),
                        };
                        known.insert(member.clone(), combined);
                    }
                }
                ("required", Some(Value::Array(names))) => {
                    for name in value.as_array().into_iter().flatten() {
                        if !names.contains(name) {
                            names.push(name.clone());
                        }
                    }
                }
                ("type", Some(existing)) => {
                    let (left, right) = (type_list(existing), type_list(value));
                    let both: Vec<&str> = right
                        .iter()
                        .filter(|t| {
                            left.iter()
                                .any(|l| l == *t || (l == "number" && *t == "integer"))
                        })
                        .chain(
                            left.iter()
                                .filter(|l| *l == "integer" && right.iter().any(|r| r == "number")),
                        )
                        .map(String::as_str)
                        .collect();
                    if !both.is_empty() {
                        *existing = json!(both);
                    }
                }
                ("oneOf" | "anyOf", Some(_)) => {
                    // Two unions: the second is generated through `allOf`.
                    let mut wrapped = Map::new();
                    wrapped.insert(key.clone(), value.clone());
                    if let Some(parts) = out
                        .entry("allOf")
                        .or_insert_with(|| json!([]))
                        .as_array_mut()
                    {
                        parts.push(Value::Object(wrapped));
                    }
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Value::Object(out)
    }

    /// What a union branch is called: its tag (a member with one `const`
    /// or `enum` string), else its schema's name, else its title.
    fn label_of(&self, branch: &Value) -> Option<String> {
        let resolved = self.flatten(branch, 0)?;
        let tag = resolved
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .find_map(|(_, property)| {
                let property = self.document.deref(property)?;
                match (property.get("const"), property.get("enum")) {
                    (Some(Value::String(tag)), _) => Some(tag.clone()),
                    (None, Some(Value::Array(values))) if values.len() == 1 => {
                        values[0].as_str().map(String::from)
                    }
                    _ => None,
                }
            });
        let named = || {
            branch
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.rsplit('/').next())
                .map(String::from)
        };
        let titled = || {
            resolved
                .get("title")
                .and_then(Value::as_str)
                .map(String::from)
        };
        let type_name = || match resolved.get("type") {
            Some(Value::String(name)) if name == "null" => Some(name.clone()),
            _ => None,
        };
        tag.or_else(named)
            .or_else(titled)
            .or_else(type_name)
            .filter(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_graphic()))
    }

    fn array(&mut self, schema: &Value, name: &str, depth: usize, variant: usize) -> Value {
        let count = |key: &str| schema.get(key).and_then(Value::as_u64).map(|n| n as usize);
        let prefix = schema
            .get("prefixItems")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let most = count("maxItems").unwrap_or(usize::MAX);
        let wanted = count("minItems").unwrap_or(0).max(1).max(prefix.len());
        let any = Value::Object(Map::new());
        let items = schema.get("items").unwrap_or(&any);
        let mut values: Vec<Value> = (0..wanted.min(most))
            .map(|index| {
                let item = prefix.get(index).unwrap_or(items);
                self.value(item, name, depth + 1, variant + index)
            })
            .collect();
        if let Some(contains) = schema.get("contains")
            && values.len() < most
        {
            values.push(self.value(contains, name, depth + 1, variant + values.len()));
        }
        Value::Array(values)
    }

    fn object(&mut self, schema: &Value, depth: usize, variant: usize) -> Value {
        let required: BTreeSet<&str> = Document::required(schema).into_iter().collect();
        let mut object = Map::new();
        let properties = schema.get("properties").and_then(Value::as_object);
        for (member, property) in properties.into_iter().flatten() {
            // An `id` always, optional or past the budget: clients key items
            // by it, and a list that pages by the last item's id needs one
            // (Stripe's invoices, whose `id` is optional).
            let optional = (self.mode.optional && self.nodes < BUDGET) || member == "id";
            if property == &Value::Bool(false) || !(optional || required.contains(member.as_str()))
            {
                continue;
            }
            let value = self.value(property, member, depth + 1, variant);
            object.insert(member.clone(), value);
        }
        let additional = schema.get("additionalProperties").filter(|a| a.is_object());
        for member in &required {
            if !object.contains_key(*member) {
                let value = match additional {
                    Some(additional) => self.value(additional, member, depth + 1, variant),
                    None => json!(member),
                };
                object.insert((*member).to_string(), value);
            }
        }
        let fewest = schema
            .get("minProperties")
            .and_then(Value::as_u64)
            .unwrap_or(0) as usize;
        let patterns = schema.get("patternProperties").and_then(Value::as_object);
        let mut extra = 0;
        while object.len() < fewest && extra < fewest + 8 {
            extra += 1;
            let (member, value) = match patterns.and_then(|p| p.iter().next()) {
                Some((pattern, property)) => {
                    let text = pattern_string(pattern, 1, usize::MAX, variant + extra);
                    let value = self.value(property, "", depth + 1, variant);
                    (text.unwrap_or_default(), value)
                }
                None if schema.get("additionalProperties") != Some(&Value::Bool(false)) => {
                    let value = match &additional {
                        Some(additional) => self.value(additional, "", depth + 1, variant),
                        None => json!("value"),
                    };
                    (format!("key{extra}"), value)
                }
                None => break,
            };
            object.insert(member, value);
        }
        if let Some(most) = schema.get("maxProperties").and_then(Value::as_u64) {
            let optional: Vec<String> = object
                .keys()
                .filter(|k| !required.contains(k.as_str()))
                .cloned()
                .collect();
            for member in optional.into_iter().rev() {
                if object.len() as u64 <= most {
                    break;
                }
                object.remove(&member);
            }
        }
        Value::Object(object)
    }
}

/// A `type` keyword's value as a list.
/// Whether a documented value is of a type its schema names: an
/// `examples: ['404']` beside `type: integer` is a slip of the document,
/// and a value is synthesised instead.
fn of_declared_type(value: &Value, types: &[&str]) -> bool {
    types.is_empty()
        || types.iter().any(|declared| match *declared {
            "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
            "number" => value.is_number(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            "null" => value.is_null(),
            _ => true,
        })
}

fn type_list(value: &Value) -> Vec<String> {
    match value {
        Value::String(name) => vec![name.clone()],
        Value::Array(names) => names
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        _ => Vec::new(),
    }
}

fn is_annotation(key: &str) -> bool {
    matches!(
        key,
        "description" | "title" | "example" | "examples" | "deprecated" | "readOnly" | "writeOnly"
    ) || key.starts_with("x-")
}

/// A number within the bounds (3.0 boolean and 3.1 numeric exclusive
/// forms), on `multipleOf`, `variant` steps above the smallest.
fn number(schema: &Value, integer: bool, variant: usize) -> Value {
    let float = |key: &str| schema.get(key).and_then(Value::as_f64);
    let (mut low, mut low_open) = (float("minimum"), false);
    match schema.get("exclusiveMinimum") {
        Some(Value::Bool(true)) => low_open = low.is_some(),
        Some(Value::Number(n)) if low.is_none_or(|l| n.as_f64().is_some_and(|e| e >= l)) => {
            (low, low_open) = (n.as_f64(), true);
        }
        _ => {}
    }
    let (mut high, mut high_open) = (float("maximum"), false);
    match schema.get("exclusiveMaximum") {
        Some(Value::Bool(true)) => high_open = high.is_some(),
        Some(Value::Number(n)) if high.is_none_or(|h| n.as_f64().is_some_and(|e| e <= h)) => {
            (high, high_open) = (n.as_f64(), true);
        }
        _ => {}
    }
    let step = float("multipleOf").filter(|m| *m > 0.0);
    let fallback: f64 = if integer { 1.0 } else { 1.5 };
    let unit = step.unwrap_or(1.0);
    let fits = |v: f64| {
        low.is_none_or(|l| if low_open { v > l } else { v >= l })
            && high.is_none_or(|h| if high_open { v < h } else { v <= h })
            && (!integer || v.fract() == 0.0)
    };
    // The first of: the fallback, then upwards from the lower bound, then
    // downwards from the upper, on the grid `multipleOf` draws.
    let start = match (low, high) {
        (Some(l), _) => l.max(fallback.min(high.unwrap_or(f64::MAX))),
        (None, Some(h)) => fallback.min(h),
        (None, None) => fallback,
    };
    let on_grid = |v: f64| match step {
        Some(m) => (v / m).ceil() * m,
        None if integer => v.ceil(),
        None => v,
    };
    let mut candidate = on_grid(start);
    for _ in 0..1000 {
        if fits(candidate) {
            break;
        }
        candidate = on_grid(candidate + unit.clamp(f64::EPSILON, 1.0));
    }
    if !fits(candidate)
        && let Some(h) = high
    {
        candidate = match step {
            Some(m) => (h / m).floor() * m,
            None => h.floor(),
        };
    }
    let mut value = candidate;
    for _ in 0..variant {
        let next = value + unit;
        if fits(next) {
            value = next;
        }
    }
    if integer || (value.fract() == 0.0 && step.is_some_and(|m| m.fract() == 0.0)) {
        json!(value as i64)
    } else {
        // Rounded to the grid's decimals, so `0.1 * 3` is `0.3`.
        let decimals = step.map_or(6, |m| decimals(m) as i32);
        let scale = 10f64.powi(decimals);
        json!((value * scale).round() / scale)
    }
}

fn decimals(step: f64) -> u32 {
    let mut decimals = 0;
    while (step * 10f64.powi(decimals as i32)).fract().abs() > 1e-9 && decimals < 12 {
        decimals += 1;
    }
    decimals
}

fn string(schema: &Value, name: &str, variant: usize) -> String {
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
        && let Some(text) = pattern_string(pattern, min, max, variant)
    {
        return text;
    }
    let formatted = match schema.get("format").and_then(Value::as_str) {
        Some("uuid") => Some(format!("3fa85f64-5717-4562-b3fc-2c963f66a{variant:03x}")),
        Some("date-time") => Some(format!("2026-01-01T00:00:{:02}Z", variant % 60)),
        Some("date") => Some(format!("2026-01-{:02}", variant % 28 + 1)),
        Some("time") => Some(format!("00:00:{:02}Z", variant % 60)),
        Some("email") => Some(format!("user{}@example.com", suffix(variant))),
        Some("uri" | "url" | "iri") => Some(format!("https://example.com/{}", suffix(variant))),
        Some("uri-reference" | "iri-reference") => Some(format!("/{}", suffix(variant))),
        Some("hostname" | "idn-hostname") => Some(format!("example{}.com", suffix(variant))),
        Some("ipv4") => Some(format!("192.0.2.{}", variant % 250 + 1)),
        Some("ipv6") => Some(format!("2001:db8::{:x}", variant + 1)),
        Some("byte") => Some("ZXhhbXBsZQ==".into()),
        Some("duration") => Some(format!("PT{}S", variant + 1)),
        _ => None,
    };
    if let Some(text) = formatted {
        return text;
    }
    let base = if name.is_empty() { "string" } else { name };
    let mut text: String = format!("{base}{}", suffix(variant))
        .chars()
        .take(max)
        .collect();
    while text.chars().count() < min {
        text.push('x');
    }
    if variant > 0 && max != usize::MAX && text.chars().count() == max {
        // Too short to carry the suffix: vary the last character instead.
        let mut chars: Vec<char> = text.chars().collect();
        if let Some(last) = chars.last_mut() {
            *last = char::from(b'a' + (variant % 26) as u8);
        }
        text = chars.into_iter().collect();
    }
    text
}

fn suffix(variant: usize) -> String {
    if variant == 0 {
        String::new()
    } else {
        variant.to_string()
    }
}

/// The shortest simple string with a match of `pattern` (an ECMA-262
/// pattern) and `min..=max` characters; `variant` picks other characters.
/// `None` if none is found (or the pattern is not supported).
///
/// Remembered per thread: documents repeat a few patterns across thousands
/// of members (Discord's snowflake ids), and compiling the pattern each
/// time was half of building Discord's model.
pub fn pattern_string(pattern: &str, min: usize, max: usize, variant: usize) -> Option<String> {
    type Key = (String, usize, usize, usize);
    /// Beyond this many answers the cache starts again (a long `--watch` run).
    const CAPACITY: usize = 10_000;
    thread_local! {
        static FOUND: RefCell<HashMap<Key, Option<String>>> = RefCell::new(HashMap::new());
    }
    let key = (pattern.to_owned(), min, max, variant);
    if let Some(found) = FOUND.with_borrow(|found| found.get(&key).cloned()) {
        return found;
    }
    let text = find_pattern_string(pattern, min, max, variant);
    FOUND.with_borrow_mut(|found| {
        if found.len() >= CAPACITY {
            found.clear();
        }
        found.insert(key, text.clone());
    });
    text
}

fn find_pattern_string(pattern: &str, min: usize, max: usize, variant: usize) -> Option<String> {
    let translated = translate_pattern(pattern).ok()?;
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&translated)
        .ok()?;
    let regex = regex::Regex::new(&translated).ok()?;
    let fits = |text: &str| {
        let length = text.chars().count();
        (min..=max).contains(&length) && regex.is_match(text)
    };
    for extra in 0..=min.max(4) {
        let mut text = String::new();
        if !generate(&hir, extra, variant, &mut text) {
            return None;
        }
        if fits(&text) {
            return Some(text);
        }
        // An unanchored pattern takes padding around its match.
        let length = text.chars().count();
        if length < min {
            let padding = "a".repeat(min - length);
            for padded in [format!("{text}{padding}"), format!("{padding}{text}")] {
                if fits(&padded) {
                    return Some(padded);
                }
            }
        }
    }
    None
}

/// Appends a match of `hir`: each repetition `extra` times above its
/// minimum (within its maximum), the first alternative, a preferred
/// character of each class. `false` if a class is empty.
fn generate(hir: &Hir, extra: usize, variant: usize, out: &mut String) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(literal) => {
            out.push_str(&String::from_utf8_lossy(&literal.0));
            true
        }
        HirKind::Class(Class::Unicode(class)) => {
            const PREFERRED: &str =
                "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_-.";
            let contains = |c: char| {
                class
                    .ranges()
                    .iter()
                    .any(|r| (r.start()..=r.end()).contains(&c))
            };
            let preferred: Vec<char> = PREFERRED.chars().filter(|c| contains(*c)).collect();
            let chosen = if preferred.is_empty() {
                class
                    .iter()
                    .flat_map(|r| r.start()..=r.end())
                    .filter(|c| !c.is_control())
                    .take(64)
                    .nth(variant % 64)
                    .or_else(|| class.ranges().first().map(|r| r.start()))
            } else {
                Some(preferred[variant % preferred.len()])
            };
            chosen.map(|c| out.push(c)).is_some()
        }
        HirKind::Class(Class::Bytes(class)) => match class.ranges().first() {
            Some(range) if range.start().is_ascii() => {
                out.push(char::from(range.start()));
                true
            }
            _ => false,
        },
        HirKind::Repetition(repetition) => {
            let wanted = if repetition.min == 0 && extra == 0 {
                0
            } else {
                repetition.min as usize + extra
            };
            let count = repetition
                .max
                .map_or(wanted, |max| wanted.min(max as usize));
            (0..count).all(|_| generate(&repetition.sub, extra, variant, out))
        }
        HirKind::Capture(capture) => generate(&capture.sub, extra, variant, out),
        HirKind::Concat(parts) => parts.iter().all(|part| generate(part, extra, variant, out)),
        HirKind::Alternation(alternatives) => alternatives
            .first()
            .is_some_and(|first| generate(first, extra, variant, out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Value {
        json!({"components": {"schemas": {
            "T": {"type": "string", "format": "uuid"},
            "A": {"type": "object", "required": ["type"], "properties": {"type": {"const": "a"}, "n": {"type": "integer"}}},
            "B": {"type": "object", "required": ["type"], "properties": {"type": {"const": "b"}, "s": {"type": "string"}}},
            "Tagged": {
                "type": "object",
                "properties": {"type": {"type": "string"}, "n": {}, "s": {}},
                "additionalProperties": false,
                "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]
            },
            "Untagged": {"oneOf": [
                {"type": "object", "required": ["x"], "properties": {"x": {"type": "string"}}, "additionalProperties": false},
                {"type": "object", "required": ["y"], "properties": {"y": {"type": "string"}}, "additionalProperties": false}
            ]}
        }}})
    }

    fn synth(schema: Value) -> Value {
        let document = document();
        synthesize(Document(&document), &schema)
    }

    #[test]
    fn a_documented_value_of_another_type_is_not_used() {
        // A document's slip: the integer's example is text.
        assert_eq!(
            synth(json!({"type": "integer", "examples": ["404"], "default": 7})),
            json!(7)
        );
        assert!(synth(json!({"type": "integer", "example": "404"})).is_i64());
        assert_eq!(
            synth(json!({"type": "integer", "example": 2.0})),
            json!(2.0)
        );
        assert_eq!(
            synth(json!({"type": ["string", "null"], "example": null})),
            json!(null)
        );
        assert_eq!(synth(json!({"example": [1]})), json!([1]));
    }

    /// Values in `value`, counted as the generator counts them (roughly).
    #[test]
    fn bodies_stay_bounded_where_schemas_fan_out() {
        // Thirty object types, each with eight optional members of the next
        // type or a string: filled everywhere, 8^30 values.
        let schemas: Map<String, Value> = (0..30)
            .map(|i| {
                let member = json!({"anyOf": [{"type": "string"}, {"$ref": format!("#/components/schemas/S{}", i + 1)}]});
                let properties: Map<String, Value> =
                    (0..8).map(|p| (format!("p{p}"), member.clone())).collect();
                (format!("S{i}"), json!({"type": "object", "properties": properties}))
            })
            .chain([("S30".to_string(), json!({"type": "string"}))])
            .collect();
        let document = json!({"components": {"schemas": schemas}});
        let mut generator = Generator::new(Document(&document), 1, Mode::DOCUMENTED);
        let value = generator.value(&json!({"$ref": "#/components/schemas/S0"}), "", 0, 0);
        assert!(size(&value) <= 2 * BUDGET, "{} values", size(&value));
        assert!(
            value["p0"]["p0"].is_object(),
            "the second branch is taken while within budget"
        );
    }

    #[test]
    fn an_optional_id_is_filled_past_the_budget_and_in_required_only_bodies() {
        let document = json!({});
        let mut generator = Generator::new(Document(&document), 1, Mode::DOCUMENTED);
        generator.nodes = BUDGET;
        let item = json!({"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"},
            "note": {"type": "string"},
            "id": {"type": "string"},
        }});
        let value = generator.value(&item, "", 0, 0);
        assert!(value["id"].is_string(), "{value}");
        assert!(value.get("note").is_none(), "{value}");
        let mut generator = Generator::new(Document(&document), 1, Mode::ALL[2]);
        let value = generator.value(&item, "", 0, 0);
        assert!(value["id"].is_string(), "{value}");
        assert!(value.get("note").is_none(), "{value}");
    }

    #[test]
    fn scalars_respect_formats_and_bounds() {
        assert_eq!(
            synth(json!({"type": "string", "format": "date-time"})),
            json!("2026-01-01T00:00:00Z")
        );
        assert_eq!(
            synth(json!({"type": "string", "minLength": 8})),
            json!("stringxx")
        );
        assert_eq!(
            synth(json!({"type": "string", "maxLength": 3})),
            json!("str")
        );
        assert_eq!(synth(json!({"type": "integer", "minimum": 0})), json!(1));
        assert_eq!(synth(json!({"type": "integer", "minimum": 5})), json!(5));
        assert_eq!(
            synth(json!({"type": "integer", "exclusiveMinimum": 5})),
            json!(6)
        );
        assert_eq!(
            synth(json!({"type": "integer", "minimum": 5, "exclusiveMinimum": true})),
            json!(6)
        );
        assert_eq!(synth(json!({"type": "integer", "multipleOf": 7})), json!(7));
        assert_eq!(
            synth(json!({"type": "number", "multipleOf": 0.25, "minimum": 2.1})),
            json!(2.25)
        );
        assert_eq!(synth(json!({"type": ["integer", "null"]})), json!(1));
        assert_eq!(synth(json!({"enum": ["b", "a"]})), json!("b"));
        assert_eq!(
            synth(json!({"$ref": "#/components/schemas/T"})),
            json!("3fa85f64-5717-4562-b3fc-2c963f66a000")
        );
    }

    #[test]
    fn strings_match_their_patterns() {
        let matching =
            |pattern: &str, min: usize, max: usize| pattern_string(pattern, min, max, 0).unwrap();
        assert_eq!(matching("^orgi_[a-z0-9]+$", 0, 64), "orgi_a");
        assert_eq!(matching("^[a-f0-9]{64}$", 0, 64).len(), 64);
        assert_eq!(matching("^\\d{2}:\\d{2}$", 0, 9), "00:00");
        assert_eq!(matching("^oci:\\/\\/", 10, 20), "oci://aaaa");
        assert_eq!(matching("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$", 3, 63), "aaa");
        assert_eq!(
            matching(
                "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|[0-9A-Za-z-]*[A-Za-z-][0-9A-Za-z-]*)(?:\\.(?:0|[1-9]\\d*|[0-9A-Za-z-]*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$",
                0,
                64
            ),
            "0.0.0"
        );
        assert_ne!(
            pattern_string("^orgi_[a-z0-9]+$", 0, 64, 1),
            pattern_string("^orgi_[a-z0-9]+$", 0, 64, 0)
        );
        assert_eq!(pattern_string("^a{5}$", 0, 3, 0), None);
        assert_eq!(
            synth(
                json!({"type": "array", "minItems": 3, "uniqueItems": true, "items": {"type": "string", "pattern": "^k_[a-z]$"}})
            ),
            json!(["k_a", "k_b", "k_c"])
        );
    }

    #[test]
    fn every_union_branch_gets_a_valid_named_body() {
        let document = document();
        let document = specs::SourceDocument::new("doc.json".into(), Value::Null, document);
        let documents = [document];
        let mut schemas = super::super::schema::SchemaTable::new(&documents);
        let mut bodies = Bodies::new(&documents[0]);
        let mut examples = |target: &str| {
            let schema = json!({ "$ref": target });
            let model = schemas.schema(0, &schema).unwrap();
            (bodies.examples(&schema, model), model)
        };
        let (tagged, _) = examples("#/components/schemas/Tagged");
        let names: Vec<Option<&str>> = tagged.iter().map(|(n, _)| n.as_deref()).collect();
        assert_eq!(names, [None, Some("a"), Some("b")]);
        assert_eq!(tagged[2].1, json!({"type": "b", "n": {}, "s": "s"}));
        // Both branches allow no other member: only required ones keep them apart.
        let (untagged, model) = examples("#/components/schemas/Untagged");
        let values: Vec<&Value> = untagged.iter().map(|(_, v)| v).collect();
        assert_eq!(
            values,
            [&json!({"x": "x"}), &json!({"x": "x"}), &json!({"y": "y"})]
        );
        let problems = Bodies::new(&documents[0]).problems(model, &json!({"x": "x", "y": "y"}));
        assert!(!problems.is_empty());
    }
}

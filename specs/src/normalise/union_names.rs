//! Each inline branch of a `oneOf` gets a `title` from the constant that
//! tells it apart (a discriminator's property, or a property of one value,
//! such as Akua's `type: {enum: ["cluster.delete"]}`; `supported: true`
//! and `false` make `Supported` and `NotSupported`, `type: 2` makes
//! `Type2` and `version: null` makes `NoVersion`), else from the one
//! property only it requires (`product_id` beside `package_id`), so the
//! SDK's union says `OperationResponse::ClusterDelete { cluster_id }`, not
//! `Variant4`. An open enum (a string `enum` beside any string) has
//! `Known` and `Other`.
//!
//! typify names an untagged enum's variants after its branches' names (a
//! `$ref`'s component, a `title`, else the branch's type: `Object`), and
//! falls back to `Variant0`, `Variant1`, ... for all of them when one is
//! missing or two agree. It also names an inline schema after its `title`
//! and takes two types of one name for one type, so every title given here
//! is unique in the document: the place the union sits (`OperationResponse`,
//! or `<OperationId>Body` for a request body) then the value's words
//! (`OperationResponseClusterDelete`), and typify strips the prefix the
//! variants share. A value two branches share (Akua's `install.create`)
//! gets a number after the first (`InstallCreate2`).
//!
//! Unions typify tags itself are left alone: all branches inline objects
//! with one required constant property whose values differ.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use crate::pointer;
use crate::refs::Document;
use crate::walk::{self, Kind};

/// Titles the inline branches of every `oneOf` typify would number.
pub fn name_branches(document: &mut Value) {
    let mut taken = names_in_use(document);
    let bodies = request_body_owners(document);
    walk::each_schema(
        document,
        Kind::Document,
        &mut String::new(),
        &mut |at, schema| {
            let Some(owner) = owner(at, &bodies) else {
                return;
            };
            let discriminator = schema
                .get("discriminator")
                .and_then(|d| d.get("propertyName"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            let Some(Value::Array(branches)) = schema.get_mut("oneOf") else {
                return;
            };
            if branches.len() < 2 || tagged_by_typify(branches) {
                return;
            }
            if let Some(titles) = open_enum(branches) {
                for (branch, words) in branches.iter_mut().zip(titles) {
                    if let Some(branch) = branch.as_object_mut() {
                        let title = unique(&mut taken, format!("{owner}{words}"));
                        branch.insert("title".into(), Value::String(title));
                    }
                }
                return;
            }
            let constants: Vec<BTreeMap<String, Value>> =
                branches.iter().map(constant_properties).collect();
            let tag = discriminator
                .or_else(|| most_common(&constants, |v| v.is_string() || v.is_boolean()));
            // A number or `null` names a branch last, after a property only
            // it requires.
            let weak_tag = most_common(&constants, |v| v.is_number() || v.is_null());
            let only_required = only_required(branches);
            for ((branch, constants), only_required) in
                branches.iter_mut().zip(&constants).zip(only_required)
            {
                let Some(branch) = branch.as_object_mut() else {
                    continue;
                };
                if branch.contains_key("$ref") || branch.contains_key("title") {
                    continue;
                }
                let words = match tag
                    .as_ref()
                    .and_then(|tag| Some((tag, constants.get(tag)?)))
                {
                    Some((_, Value::String(value))) => value.to_upper_camel_case(),
                    Some((tag, Value::Bool(true))) => tag.to_upper_camel_case(),
                    Some((tag, Value::Bool(false))) => format!("Not{}", tag.to_upper_camel_case()),
                    _ => match only_required {
                        Some(property) => property.to_upper_camel_case(),
                        None => match weak_tag
                            .as_ref()
                            .and_then(|tag| Some((tag, constants.get(tag)?)))
                        {
                            // Akua's snippets: `result_contract_version` is
                            // `null` in one branch, `1` in the other.
                            Some((tag, Value::Null)) => format!("No{}", tag.to_upper_camel_case()),
                            // Discord's `type: {const: 2}`: `Type2`.
                            Some((tag, Value::Number(number))) if number.is_u64() => {
                                format!("{}{number}", tag.to_upper_camel_case())
                            }
                            _ => continue,
                        },
                    },
                };
                if words.is_empty() {
                    continue;
                }
                let title = unique(&mut taken, format!("{owner}{words}"));
                branch.insert("title".into(), Value::String(title));
            }
        },
    );
}

/// `Known` and `Other` for an open enum: two inline branches, one a string
/// `enum`, the other any string (Akua's filter keys: `time`, `cluster`, ...
/// or a name of the app's own), in either order.
fn open_enum(branches: &[Value]) -> Option<[&'static str; 2]> {
    let [first, second] = branches else {
        return None;
    };
    let string = |branch: &Value| {
        let branch = branch.as_object()?;
        let untitled = !branch.contains_key("$ref") && !branch.contains_key("title");
        (untitled && branch.get("type").and_then(Value::as_str) == Some("string"))
            .then(|| branch.contains_key("enum") || branch.contains_key("const"))
    };
    match (string(first)?, string(second)?) {
        (true, false) => Some(["Known", "Other"]),
        (false, true) => Some(["Other", "Known"]),
        _ => None,
    }
}

/// Component names and titles, as typify would spell them.
fn names_in_use(document: &mut Value) -> BTreeSet<String> {
    let mut taken: BTreeSet<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|schemas| schemas.keys())
        .map(|name| name.to_upper_camel_case())
        .collect();
    super::each_schema(document, &mut |schema| {
        if let Some(Value::String(title)) = schema.get("title") {
            taken.insert(title.to_upper_camel_case());
        }
    });
    taken
}

/// `base`, or `base2`, `base3`, ... when it is taken (as typify spells
/// names: `UA` is `Ua`); then taken.
fn unique(taken: &mut BTreeSet<String>, base: String) -> String {
    let base = base.to_upper_camel_case();
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// Each operation's request body pointer, with the name progenitor gives
/// its inline type (`<OperationId>Body`).
fn request_body_owners(document: &Value) -> BTreeMap<String, String> {
    let mut owners = BTreeMap::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return owners;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, operation) in item {
            if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                let at = pointer::join(
                    &pointer::join(&pointer::join("/paths", path), method),
                    "requestBody",
                );
                owners.insert(at, format!("{}Body", id.to_upper_camel_case()));
            }
        }
    }
    owners
}

/// The name of the place a union at `at` sits: its component and the
/// properties down to it, or its operation's request body. `None` where the
/// SDK has no named type to hang the names on.
fn owner(at: &str, bodies: &BTreeMap<String, String>) -> Option<String> {
    let tokens: Vec<String> = at.split('/').skip(1).map(pointer::unescape).collect();
    let (mut name, rest) = match tokens.as_slice() {
        [components, schemas, component, rest @ ..]
            if components == "components" && schemas == "schemas" =>
        {
            (component.to_upper_camel_case(), rest)
        }
        [
            paths,
            path,
            method,
            body,
            content,
            _media,
            schema,
            rest @ ..,
        ] if paths == "paths"
            && body == "requestBody"
            && content == "content"
            && schema == "schema" =>
        {
            let at = pointer::join(&pointer::join(&pointer::join("/paths", path), method), body);
            (bodies.get(&at)?.clone(), rest)
        }
        _ => return None,
    };
    let mut rest = rest.iter();
    while let Some(token) = rest.next() {
        match token.as_str() {
            "properties" => name.push_str(&rest.next()?.to_upper_camel_case()),
            "items" => name.push_str("Item"),
            "additionalProperties" => name.push_str("Value"),
            // A branch of an enclosing union or conjunction adds no word.
            "oneOf" | "anyOf" | "allOf" => {
                rest.next()?;
            }
            _ => return None,
        }
    }
    Some(name)
}

/// For each branch, the first property it requires and no other branch
/// does (`product_id` beside `package_id`): what tells an object apart
/// when no constant does.
fn only_required(branches: &[Value]) -> Vec<Option<String>> {
    let required: Vec<Vec<&str>> = branches.iter().map(Document::required).collect();
    required
        .iter()
        .enumerate()
        .map(|(index, own)| {
            own.iter()
                .find(|property| {
                    required
                        .iter()
                        .enumerate()
                        .all(|(other, theirs)| other == index || !theirs.contains(property))
                })
                .map(|property| (*property).to_owned())
        })
        .collect()
}

/// What typify makes an internally tagged enum of: every branch an inline
/// object with a required property of one string value, the same property
/// in all, with different values.
fn tagged_by_typify(branches: &[Value]) -> bool {
    let mut common: Option<BTreeSet<String>> = None;
    for branch in branches {
        let Some(object) = branch.as_object() else {
            return false;
        };
        if object.contains_key("$ref")
            || ["oneOf", "anyOf", "allOf", "enum"]
                .iter()
                .any(|k| object.contains_key(*k))
        {
            return false;
        }
        let required: BTreeSet<&str> = Document::required(branch).into_iter().collect();
        let here: BTreeSet<String> = own_constants(object)
            .into_iter()
            .filter(|(_, value)| value.is_string())
            .map(|(name, _)| name)
            .filter(|name| required.contains(name.as_str()))
            .collect();
        common = Some(match common {
            None => here,
            Some(before) => before.intersection(&here).cloned().collect(),
        });
    }
    common.into_iter().flatten().any(|property| {
        let values: BTreeSet<String> = branches
            .iter()
            .filter_map(Value::as_object)
            .filter_map(|object| own_constants(object).remove(&property))
            .map(|value| value.to_string())
            .collect();
        values.len() == branches.len()
    })
}

/// A branch's properties of one string or boolean value, its own and those
/// of the inline members of its `allOf`.
fn constant_properties(branch: &Value) -> BTreeMap<String, Value> {
    let Some(object) = branch.as_object() else {
        return BTreeMap::new();
    };
    let mut constants = own_constants(object);
    for member in object
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        for (name, value) in own_constants(member) {
            constants.entry(name).or_insert(value);
        }
    }
    constants
}

fn own_constants(object: &Map<String, Value>) -> BTreeMap<String, Value> {
    object
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, schema)| Some((name.clone(), constant(schema)?)))
        .collect()
}

/// The one string, boolean, whole number or `null` a schema allows
/// (`const`, or an `enum` of one).
fn constant(schema: &Value) -> Option<Value> {
    let value = match schema.get("const") {
        Some(value) => value,
        None => match schema.get("enum").and_then(Value::as_array)?.as_slice() {
            [value] => value,
            _ => return None,
        },
    };
    (value.is_string() || value.is_boolean() || value.is_u64() || value.is_null())
        .then(|| value.clone())
}

/// The constant property most branches have with a value `kind` takes (the
/// first by name on a tie).
fn most_common(
    constants: &[BTreeMap<String, Value>],
    kind: impl Fn(&Value) -> bool,
) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, _) in constants.iter().flatten().filter(|(_, value)| kind(value)) {
        *counts.entry(name).or_default() += 1;
    }
    let most = counts.values().copied().max()?;
    counts
        .into_iter()
        .find(|(_, count)| *count == most)
        .map(|(name, _)| name.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn branch(value: &str, other: &str) -> Value {
        json!({"type": "object", "required": ["type", other], "properties": {
            "type": {"type": "string", "enum": [value]},
            other: {"type": "string"}
        }})
    }

    #[test]
    fn branches_are_named_after_their_constant_under_their_owner() {
        let mut document = json!({"components": {"schemas": {
            "OperationResponse": {"oneOf": [
                branch("cluster.delete", "cluster_id"),
                branch("install.create", "install_id"),
                // The same value again: typify cannot tag this union.
                branch("install.create", "sandbox"),
                {"$ref": "#/components/schemas/Other"},
                {"type": "object", "title": "Kept", "properties": {}}
            ]},
            "Other": {"type": "object"}
        }}});
        name_branches(&mut document);
        let branches = &document["components"]["schemas"]["OperationResponse"]["oneOf"];
        assert_eq!(branches[0]["title"], "OperationResponseClusterDelete");
        assert_eq!(branches[1]["title"], "OperationResponseInstallCreate");
        assert_eq!(branches[2]["title"], "OperationResponseInstallCreate2");
        assert_eq!(branches[3], json!({"$ref": "#/components/schemas/Other"}));
        assert_eq!(branches[4]["title"], "Kept");
    }

    #[test]
    fn unions_typify_tags_itself_stay_as_they_are() {
        let union = json!({"oneOf": [branch("a", "x"), branch("b", "y")]});
        let mut document = json!({"components": {"schemas": {"U": union.clone()}}});
        name_branches(&mut document);
        assert_eq!(document["components"]["schemas"]["U"], union);
    }

    #[test]
    fn nested_unions_and_request_bodies_are_named_after_where_they_sit() {
        let union = json!({"discriminator": {"propertyName": "kind"}, "oneOf": [
            {"allOf": [{"$ref": "#/components/schemas/Base"},
                       {"properties": {"kind": {"const": "text"}}}]},
            {"properties": {"kind": {"const": "image_url"}, "url": {"type": "string"}}}
        ]});
        let mut document = json!({
            "components": {"schemas": {
                "Base": {"type": "object"},
                "Message": {"properties": {"parts": {"items": union.clone()}}}
            }},
            "paths": {"/chat": {"post": {"operationId": "create_chat", "requestBody": {
                "content": {"application/json": {"schema": union}}
            }}}}
        });
        name_branches(&mut document);
        let nested =
            &document["components"]["schemas"]["Message"]["properties"]["parts"]["items"]["oneOf"];
        assert_eq!(nested[0]["title"], "MessagePartsItemText");
        assert_eq!(nested[1]["title"], "MessagePartsItemImageUrl");
        let body = &document["paths"]["/chat"]["post"]["requestBody"]["content"]["application/json"]
            ["schema"]["oneOf"];
        assert_eq!(body[0]["title"], "CreateChatBodyText");
    }

    #[test]
    fn flags_and_own_required_properties_name_branches_without_a_tag() {
        let flag = |value: bool| json!({"properties": {"supported": {"enum": [value]}}});
        let mut document = json!({"components": {"schemas": {
            "Artifact": {"oneOf": [flag(true), flag(false)]},
            "Install": {"oneOf": [
                {"required": ["product_id", "region_id"]},
                {"required": ["package_id", "region_id"]}
            ]}
        }}});
        name_branches(&mut document);
        let schemas = &document["components"]["schemas"];
        assert_eq!(
            schemas["Artifact"]["oneOf"][0]["title"],
            "ArtifactSupported"
        );
        assert_eq!(
            schemas["Artifact"]["oneOf"][1]["title"],
            "ArtifactNotSupported"
        );
        assert_eq!(schemas["Install"]["oneOf"][0]["title"], "InstallProductId");
        assert_eq!(schemas["Install"]["oneOf"][1]["title"], "InstallPackageId");
    }

    #[test]
    fn numeric_constants_name_branches_after_their_property() {
        // Discord's components: typify tags only by text, so it numbered these.
        let kind = |value: u64, other: &str| {
            json!({"type": "object", "required": ["type"], "properties": {
                "type": {"type": "integer", "enum": [value]},
                other: {"type": "string"}
            }})
        };
        let mut document = json!({"components": {"schemas": {
            "Component": {"oneOf": [kind(2, "label"), kind(3, "options"), kind(4, "value")]},
            "Negative": {"oneOf": [
                {"properties": {"type": {"const": -1}}},
                {"properties": {"type": {"const": 1.5}}}
            ]},
            "Snippet": {"oneOf": [
                {"properties": {"version": {"nullable": true, "enum": [null]}}},
                {"properties": {"version": {"type": "number", "enum": [1]}}}
            ]}
        }}});
        name_branches(&mut document);
        let schemas = &document["components"]["schemas"];
        let titles: Vec<&Value> = (0..3)
            .map(|i| &schemas["Component"]["oneOf"][i]["title"])
            .collect();
        assert_eq!(
            titles,
            ["ComponentType2", "ComponentType3", "ComponentType4"]
        );
        assert_eq!(schemas["Snippet"]["oneOf"][0]["title"], "SnippetNoVersion");
        assert_eq!(schemas["Snippet"]["oneOf"][1]["title"], "SnippetVersion1");
        // Not a name: a sign or a fraction.
        assert_eq!(schemas["Negative"]["oneOf"][0].get("title"), None);
        assert_eq!(schemas["Negative"]["oneOf"][1].get("title"), None);
    }

    #[test]
    fn open_enums_are_known_or_other() {
        let mut document = json!({"components": {"schemas": {"Filter": {
            "type": "object", "properties": {"key": {"oneOf": [
                {"type": "string", "enum": ["time", "cluster"]},
                {"type": "string", "minLength": 1}
            ]}, "flipped": {"oneOf": [
                {"type": "string"},
                {"type": "string", "const": "all"}
            ]}, "closed": {"oneOf": [
                {"type": "string", "enum": ["a"]},
                {"type": "string", "enum": ["b"]}
            ]}}
        }}}});
        name_branches(&mut document);
        let properties = &document["components"]["schemas"]["Filter"]["properties"];
        assert_eq!(properties["key"]["oneOf"][0]["title"], "FilterKeyKnown");
        assert_eq!(properties["key"]["oneOf"][1]["title"], "FilterKeyOther");
        assert_eq!(
            properties["flipped"]["oneOf"][0]["title"],
            "FilterFlippedOther"
        );
        assert_eq!(
            properties["flipped"]["oneOf"][1]["title"],
            "FilterFlippedKnown"
        );
        assert_eq!(properties["closed"]["oneOf"][0].get("title"), None);
    }

    #[test]
    fn a_title_already_in_use_gets_a_number() {
        let mut document = json!({"components": {"schemas": {
            "UA": {"type": "object"},
            "U": {"oneOf": [branch("a", "x"), branch("a", "y"), {"type": "string"}]}
        }}});
        name_branches(&mut document);
        let branches = &document["components"]["schemas"]["U"]["oneOf"];
        assert_eq!(branches[0]["title"], "Ua2");
        assert_eq!(branches[1]["title"], "Ua3");
        assert_eq!(branches[2].get("title"), None);
    }
}

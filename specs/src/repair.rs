//! The degrade policy's repairs of a resolved document (see
//! [`crate::findings`] for the outcomes): each slip is repaired at the
//! smallest unit that removes it, and recorded with its file and pointer.

use std::path::Path;

use serde_json::Value;

use crate::bundle::Unbundled;
use crate::findings::{Findings, Outcome};
use crate::refs::{self, Document, RefError};
use crate::walk::METHODS;
use crate::walk::{self, Kind};
use crate::{Location, pointer};

/// The part of a document a node belongs to, for choosing what to give up.
#[derive(Debug, PartialEq, Eq)]
enum Unit {
    /// Inside a schema: the schema can be approximated in place.
    Schema,
    /// Inside one operation (`/paths/P/get/...`).
    Operation { path: String, method: String },
    /// A path item's shared part (`/paths/P/parameters`, or the item itself).
    PathItem { path: String },
    /// A reusable component that is not a schema (`/components/responses/X`).
    Component { kind: String, name: String },
    /// Anything else (a webhook, an extension).
    Other,
}

/// The reference tokens of a JSON pointer, unescaped.
fn tokens(at: &str) -> Vec<String> {
    at.split('/').skip(1).map(pointer::unescape).collect()
}

fn unit_of(at: &str) -> Unit {
    let tokens = tokens(at);
    let in_schema = tokens.iter().any(|t| t == "schema")
        || (tokens.first().is_some_and(|t| t == "components")
            && tokens.get(1).is_some_and(|t| t == "schemas"));
    if in_schema {
        return Unit::Schema;
    }
    match tokens.as_slice() {
        [paths, path, method, ..] if paths == "paths" && METHODS.contains(&method.as_str()) => {
            Unit::Operation {
                path: path.clone(),
                method: method.clone(),
            }
        }
        [paths, path, ..] if paths == "paths" => Unit::PathItem { path: path.clone() },
        [components, kind, name, ..] if components == "components" => Unit::Component {
            kind: kind.clone(),
            name: name.clone(),
        },
        _ => Unit::Other,
    }
}

/// `GET /pets/{id}`: how findings name an operation.
pub(crate) fn operation_name(method: &str, path: &str) -> String {
    format!("{} {path}", method.to_ascii_uppercase())
}

/// Removes one operation from `document`, recording why.
pub(crate) fn skip_operation(
    document: &mut Value,
    path: &str,
    method: &str,
    at: Location,
    reason: String,
    findings: &mut Findings,
) {
    crate::selection::remove_path_operation(document, path, method);
    findings.push(
        at,
        Outcome::Skipped,
        Some(operation_name(method, path)),
        reason,
    );
}

/// Repairs every `$ref` of `document` that cannot be followed: inside a
/// schema the reference is dropped (the schema then allows what its other
/// keywords allow); elsewhere the operation that holds it (every operation
/// of a path item, for its shared part) is skipped; a component that is not
/// a schema is removed, so the operations using it are skipped next round.
/// `unbundled` says why each reference the bundler left could not be bundled.
pub(crate) fn references(
    document: &mut Value,
    file: &Path,
    unbundled: &Unbundled,
    findings: &mut Findings,
) {
    // Each round can only expose references to what it removed.
    for _ in 0..16 {
        let problems = refs::problems(document);
        if problems.is_empty() {
            return;
        }
        for (at, error) in problems {
            // An earlier repair of this round (a cycle's other end) may have fixed it.
            let still = document
                .pointer(&at)
                .is_some_and(|node| Document(document).follow(node).is_err());
            if !still {
                continue;
            }
            let reason = describe(&error, unbundled);
            let location = Location::new(file, at.clone());
            match unit_of(&at) {
                Unit::Schema | Unit::Other => {
                    if let Some(node) = document.pointer_mut(&at).and_then(Value::as_object_mut) {
                        node.shift_remove("$ref");
                    }
                    findings.push(
                        location,
                        Outcome::Approximated,
                        None,
                        format!("{reason}; the `$ref` is dropped (the node's other keywords still apply)"),
                    );
                }
                Unit::Operation { path, method } => {
                    skip_operation(document, &path, &method, location, reason, findings);
                }
                Unit::PathItem { path } => {
                    for method in METHODS {
                        let has = document
                            .pointer(&pointer::join(&pointer::join("/paths", &path), method))
                            .is_some();
                        if has {
                            skip_operation(
                                document,
                                &path,
                                method,
                                location.clone(),
                                reason.clone(),
                                findings,
                            );
                        }
                    }
                    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
                        paths.shift_remove(&path);
                    }
                }
                Unit::Component { kind, name } => {
                    if let Some(group) = document
                        .pointer_mut(&pointer::join("/components", &kind))
                        .and_then(Value::as_object_mut)
                    {
                        group.shift_remove(&name);
                    }
                    findings.push(
                        location,
                        Outcome::Repaired,
                        None,
                        format!(
                            "{reason}; the component is removed (operations using it are skipped)"
                        ),
                    );
                }
            }
        }
    }
}

/// Drops every security requirement alternative that names a scheme
/// `components.securitySchemes` does not declare (a common slip: the
/// document-wide `security` names `bearerAuth`, the components call it
/// `BearerAuth` or nothing at all). The other alternatives still apply;
/// where none is left, the operations are served without authentication.
pub(crate) fn security(document: &mut Value, file: &Path, findings: &mut Findings) {
    let declared: Vec<String> = document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .map(|schemes| schemes.keys().cloned().collect())
        .unwrap_or_default();
    let mut lists = vec![("/security".to_string(), None)];
    for (path, item) in document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            if item.get(method).is_some() {
                let at = pointer::join(
                    &pointer::join(&pointer::join("/paths", path), method),
                    "security",
                );
                lists.push((at, Some(operation_name(method, path))));
            }
        }
    }
    for (at, operation) in lists {
        let Some(alternatives) = document.pointer_mut(&at).and_then(Value::as_array_mut) else {
            continue;
        };
        let before = alternatives.len();
        let mut index = 0;
        alternatives.retain(|requirement| {
            let undeclared: Vec<&String> = requirement
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, _)| name)
                .filter(|name| !declared.contains(name))
                .collect();
            for name in &undeclared {
                findings.push(
                    Location::new(file, pointer::join(&pointer::join_index(&at, index), name)),
                    Outcome::Repaired,
                    operation.clone(),
                    format!("security scheme `{name}` is not declared in components.securitySchemes; the requirement naming it is dropped"),
                );
            }
            index += 1;
            undeclared.is_empty()
        });
        if before > 0 && alternatives.is_empty() {
            findings.push(
                Location::new(file, at),
                Outcome::Approximated,
                operation,
                "no security requirement is left: served without authentication",
            );
        }
    }
}

/// An `http` security scheme other than bearer and basic (`digest`,
/// `hoba`, a vendor's `Token`) becomes the whole `Authorization` header as
/// an apiKey: the caller supplies the header's value (`Digest ...`, `Token
/// abc`), which the SDK sends and the mock requires, rather than the
/// operations that need it being left out.
pub(crate) fn http_schemes(document: &mut Value, file: &Path, findings: &mut Findings) {
    let Some(schemes) = document
        .pointer_mut("/components/securitySchemes")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (name, scheme) in schemes.iter_mut() {
        let Some(object) = scheme.as_object_mut() else {
            continue;
        };
        let http = object.get("type").and_then(Value::as_str) == Some("http");
        let Some(kind) = object
            .get("scheme")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
            .filter(|kind| http && kind != "bearer" && kind != "basic")
        else {
            continue;
        };
        object.insert("type".into(), Value::String("apiKey".into()));
        object.insert("in".into(), Value::String("header".into()));
        object.insert("name".into(), Value::String("Authorization".into()));
        object.shift_remove("scheme");
        object.shift_remove("bearerFormat");
        findings.push(
            Location::new(file, pointer::join("/components/securitySchemes", name)),
            Outcome::Approximated,
            None,
            format!("the http scheme `{kind}` is neither bearer nor basic: the caller supplies the whole `Authorization` header value, as for an apiKey"),
        );
    }
}

/// Every `parameters` list of `document` (path items' and operations'), as
/// a pointer, with the operation it belongs to (`None`: a path item's).
fn parameter_lists(document: &Value) -> Vec<(String, Option<String>)> {
    let mut lists = Vec::new();
    for (path, item) in document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let item_at = pointer::join("/paths", path);
        lists.push((pointer::join(&item_at, "parameters"), None));
        for method in METHODS.iter().filter(|m| item.get(**m).is_some()) {
            let at = pointer::join(&pointer::join(&item_at, method), "parameters");
            lists.push((at, Some(operation_name(method, path))));
        }
    }
    lists
}

/// Header parameters named `Accept`, `Content-Type` or `Authorization` are
/// ignored, as OpenAPI says (media types and security schemes govern
/// those headers): each is removed from its operation or path item.
pub(crate) fn reserved_headers(document: &mut Value, file: &Path, findings: &mut Findings) {
    const RESERVED: [&str; 3] = ["accept", "content-type", "authorization"];
    let lists = parameter_lists(document);
    for (at, operation) in lists {
        let Some(parameters) = document.pointer(&at).and_then(Value::as_array) else {
            continue;
        };
        let reserved: Vec<(usize, String)> = parameters
            .iter()
            .enumerate()
            .filter_map(|(index, parameter)| {
                let parameter = Document(document).follow(parameter).ok()?;
                let name = parameter.get("name")?.as_str()?;
                (parameter.get("in")?.as_str()? == "header"
                    && RESERVED.contains(&name.to_ascii_lowercase().as_str()))
                .then(|| (index, name.to_string()))
            })
            .collect();
        for (index, name) in reserved.into_iter().rev() {
            if let Some(parameters) = document.pointer_mut(&at).and_then(Value::as_array_mut) {
                parameters.remove(index);
            }
            findings.push(
                Location::new(file, pointer::join_index(&at, index)),
                Outcome::Repaired,
                operation.clone(),
                format!("the header parameter `{name}` is ignored, as OpenAPI says: its media types or security schemes govern that header"),
            );
        }
    }
}

/// A parameter serialised as a media type (`content: {application/json:
/// {schema}}`) becomes a string parameter: its value is the serialised text
/// (JSON, for the usual media type), which the caller writes and the mock
/// takes as it comes, rather than the operation being left out.
pub(crate) fn content_parameters(document: &mut Value, file: &Path, findings: &mut Findings) {
    let lists = parameter_lists(document);
    let mut parameters: Vec<(String, Option<String>)> = lists
        .into_iter()
        .flat_map(|(at, operation)| {
            let count = document
                .pointer(&at)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            (0..count).map(move |index| (pointer::join_index(&at, index), operation.clone()))
        })
        .collect();
    parameters.extend(
        document
            .pointer("/components/parameters")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, _)| (pointer::join("/components/parameters", name), None)),
    );
    for (at, operation) in parameters {
        let Some(parameter) = document.pointer_mut(&at).and_then(Value::as_object_mut) else {
            continue;
        };
        if parameter.contains_key("schema") {
            continue;
        }
        let Some(content) = parameter.shift_remove("content") else {
            continue;
        };
        let media_type = content
            .as_object()
            .and_then(|c| c.keys().next().cloned())
            .unwrap_or_default();
        parameter.insert("schema".into(), serde_json::json!({"type": "string"}));
        findings.push(
            Location::new(file, pointer::join(&at, "content")),
            Outcome::Approximated,
            operation,
            format!("a parameter serialised as `{media_type}` is taken as its text: a string"),
        );
    }
}

/// `exclusiveMinimum`/`exclusiveMaximum` in the form the document's
/// version expects: OpenAPI 3.1 (JSON Schema 2020-12) takes the bound
/// itself, 3.0 (draft 4) a boolean beside `minimum`/`maximum`. Documents
/// mix them up (OpenAI's 3.1 document writes `exclusiveMinimum: true`).
pub(crate) fn exclusive_bounds(document: &mut Value, file: &Path, findings: &mut Findings) {
    let draft4 = document
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.0"));
    walk::each_schema(
        document,
        Kind::Document,
        &mut String::new(),
        &mut |at, schema| {
            for (exclusive, inclusive) in [
                ("exclusiveMinimum", "minimum"),
                ("exclusiveMaximum", "maximum"),
            ] {
                let rewritten = match (schema.get(exclusive), draft4) {
                    (Some(Value::Bool(true)), false) => match schema.shift_remove(inclusive) {
                        Some(bound) => Some(bound),
                        None => Some(Value::Null),
                    },
                    (Some(Value::Bool(false)), false) => Some(Value::Null),
                    (Some(bound @ Value::Number(_)), true) => {
                        let bound = bound.clone();
                        schema.insert(inclusive.into(), bound);
                        Some(Value::Bool(true))
                    }
                    _ => None,
                };
                let Some(rewritten) = rewritten else {
                    continue;
                };
                let was = schema.shift_remove(exclusive).unwrap_or_default();
                let message = if rewritten.is_null() {
                    format!("`{exclusive}: {was}` is draft 4's form, without effect here: dropped")
                } else {
                    let form = if draft4 {
                        "OpenAPI 3.0's boolean"
                    } else {
                        "OpenAPI 3.1's numeric"
                    };
                    schema.insert(exclusive.into(), rewritten.clone());
                    format!("`{exclusive}: {was}` rewritten to {form} form ({rewritten})")
                };
                findings.push(
                    Location::new(file, pointer::join(at, exclusive)),
                    Outcome::Repaired,
                    None,
                    message,
                );
            }
        },
    );
}

/// Gives a server variable without the `default` OpenAPI requires its first
/// `enum` member (or the empty string), as a URL needs a value.
pub(crate) fn server_variables(document: &mut Value, file: &Path, findings: &mut Findings) {
    let mut lists = vec!["/servers".to_string()];
    for (path, item) in document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let item_at = pointer::join("/paths", path);
        lists.push(pointer::join(&item_at, "servers"));
        for method in METHODS.iter().filter(|m| item.get(**m).is_some()) {
            lists.push(pointer::join(&pointer::join(&item_at, method), "servers"));
        }
    }
    for at in lists {
        let Some(servers) = document.pointer_mut(&at).and_then(Value::as_array_mut) else {
            continue;
        };
        for (index, server) in servers.iter_mut().enumerate() {
            let Some(variables) = server.get_mut("variables").and_then(Value::as_object_mut) else {
                continue;
            };
            for (name, variable) in variables.iter_mut() {
                let Some(variable) = variable.as_object_mut() else {
                    continue;
                };
                if variable.contains_key("default") {
                    continue;
                }
                let first = variable
                    .get("enum")
                    .and_then(Value::as_array)
                    .and_then(|members| members.first())
                    .cloned()
                    .unwrap_or_else(|| Value::String(String::new()));
                findings.push(
                    Location::new(
                        file,
                        pointer::join(
                            &pointer::join(&pointer::join_index(&at, index), "variables"),
                            name,
                        ),
                    ),
                    Outcome::Repaired,
                    None,
                    format!("the server variable has no `default`; {first} is used"),
                );
                variable.insert("default".into(), first);
            }
        }
    }
}

fn describe(error: &RefError, unbundled: &Unbundled) -> String {
    match error {
        RefError::NotLocal(reference) if unbundled.contains_key(reference) => {
            format!(
                "`$ref: {reference}` cannot be bundled: {}",
                unbundled[reference]
            )
        }
        RefError::NotLocal(reference) => format!(
            "`$ref: {reference}` is neither in this document nor a file of the provider's directory"
        ),
        RefError::Dangling(reference) => format!("`$ref: {reference}` points at nothing"),
        RefError::Cycle(reference) => {
            format!("`$ref: {reference}` leads back to itself through references alone")
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn bad_references_are_repaired_at_the_smallest_unit() {
        let mut document = json!({
            "paths": {
                "/a": {
                    "get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}},
                    "post": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Gone", "description": "x"}}}}}},
                },
                "/b": {"parameters": [{"$ref": "https://example.com/p.yaml"}], "get": {"responses": {}}},
                "/c": {"get": {"responses": {"200": {"$ref": "#/components/responses/Uses"}}}},
            },
            "components": {
                "schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}},
                "responses": {"Uses": {"description": "x", "headers": {"h": {"$ref": "#/components/headers/Nope"}}}},
            },
            "x-doc": {"$ref": "README.md"},
        });
        let mut findings = Findings::default();
        references(
            &mut document,
            Path::new("api.yaml"),
            &Unbundled::new(),
            &mut findings,
        );
        assert!(refs::problems(&document).is_empty());
        assert!(document.pointer("/paths/~1a/get").is_none());
        assert_eq!(
            document["paths"]["/a"]["post"]["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"description": "x"})
        );
        assert!(document.pointer("/paths/~1b").is_none());
        assert!(
            document.pointer("/paths/~1c/get").is_none(),
            "a removed component takes its users"
        );
        // One end of the cycle is cut, the other then follows to it.
        assert_eq!(
            findings
                .0
                .iter()
                .filter(|f| f.at.pointer.starts_with("/components/schemas/"))
                .count(),
            1
        );
        let skipped: Vec<_> = findings
            .skipped()
            .filter_map(|f| f.operation.clone())
            .collect();
        assert_eq!(skipped, ["GET /a", "GET /b", "GET /c"]);
        assert_eq!(
            document["x-doc"],
            json!({"$ref": "README.md"}),
            "extensions are annotations"
        );
    }

    #[test]
    fn reserved_header_parameters_are_ignored() {
        let mut document = json!({
            "paths": {"/a": {
                "parameters": [{"$ref": "#/components/parameters/Accept"}],
                "get": {"parameters": [
                    {"name": "Content-Type", "in": "header", "schema": {}},
                    {"name": "accept", "in": "query", "schema": {}},
                    {"name": "X-Id", "in": "header", "schema": {}}
                ]}
            }},
            "components": {"parameters": {"Accept": {
                "name": "Accept", "in": "header", "schema": {"enum": ["application/json"]}
            }}}
        });
        let mut findings = Findings::default();
        reserved_headers(&mut document, Path::new("api.yaml"), &mut findings);
        assert_eq!(document["paths"]["/a"]["parameters"], json!([]));
        let names: Vec<&str> = document["paths"]["/a"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["accept", "X-Id"],
            "a query parameter may be called so"
        );
        assert_eq!(
            findings.report(),
            "api.yaml#/paths/~1a/get/parameters/0: repaired (GET /a): the header parameter `Content-Type` is ignored, as OpenAPI says: its media types or security schemes govern that header\n\
             api.yaml#/paths/~1a/parameters/0: repaired: the header parameter `Accept` is ignored, as OpenAPI says: its media types or security schemes govern that header\n"
        );
    }

    #[test]
    fn security_and_servers_are_repaired_in_place() {
        let mut document = json!({
            "servers": [{"url": "{scheme}://x", "variables": {"scheme": {"enum": ["https", "http"]}, "v": {}}}],
            "security": [{"bearerAuth": []}],
            "paths": {"/a": {"get": {"security": [{"digest": []}, {"gone": []}], "responses": {},
                "parameters": [{"name": "filter", "in": "query", "content": {"application/json": {"schema": {"type": "object"}}}}]}}},
            "components": {
                "securitySchemes": {"digest": {"type": "http", "scheme": "Digest"}},
                "schemas": {"N": {"type": "number", "minimum": 0, "exclusiveMinimum": true}},
            },
            "openapi": "3.1.0",
        });
        let mut findings = Findings::default();
        let file = Path::new("api.yaml");
        security(&mut document, file, &mut findings);
        http_schemes(&mut document, file, &mut findings);
        server_variables(&mut document, file, &mut findings);
        content_parameters(&mut document, file, &mut findings);
        exclusive_bounds(&mut document, file, &mut findings);
        assert_eq!(
            document["components"]["schemas"]["N"],
            json!({"type": "number", "exclusiveMinimum": 0})
        );
        assert_eq!(
            document["paths"]["/a"]["get"]["parameters"][0],
            json!({"name": "filter", "in": "query", "schema": {"type": "string"}})
        );
        assert_eq!(document["security"], json!([]));
        assert_eq!(
            document["paths"]["/a"]["get"]["security"],
            json!([{"digest": []}])
        );
        assert_eq!(
            document["components"]["securitySchemes"]["digest"],
            json!({"type": "apiKey", "in": "header", "name": "Authorization"})
        );
        assert_eq!(
            document["servers"][0]["variables"]["scheme"]["default"],
            "https"
        );
        assert_eq!(document["servers"][0]["variables"]["v"]["default"], "");
        let report = findings.report();
        for expected in [
            "api.yaml#/security/0/bearerAuth: repaired: security scheme `bearerAuth` is not declared",
            "api.yaml#/security: approximated: no security requirement is left",
            "api.yaml#/paths/~1a/get/security/1/gone: repaired (GET /a): security scheme `gone`",
            "api.yaml#/components/securitySchemes/digest: approximated: the http scheme `digest`",
            "api.yaml#/servers/0/variables/scheme: repaired: the server variable has no `default`; \"https\" is used",
            "api.yaml#/paths/~1a/get/parameters/0/content: approximated (GET /a): a parameter serialised as `application/json` is taken as its text: a string",
            "api.yaml#/components/schemas/N/exclusiveMinimum: repaired: `exclusiveMinimum: true` rewritten to OpenAPI 3.1's numeric form (0)",
        ] {
            assert!(report.contains(expected), "{expected}\n{report}");
        }
        assert_eq!(findings.len(), 8);
    }
}

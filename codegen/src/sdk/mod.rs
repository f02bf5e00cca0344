//! The SDK generator: one provider's normalised document through progenitor,
//! then the typed layer over progenitor's builders (see [`typed`]).
//!
//! [`generate`] returns the module's source; `sdk/build.rs` writes it into
//! `OUT_DIR`, and any other crate can run it the same way (the corpus check
//! compiles third-party documents with it). The code refers to the SDK's
//! runtime as `crate::...` (`crate::Settings`, `crate::execute`, ...), so it
//! compiles where `sdk/src/lib.rs` is the crate root.
//!
//! A document's slips degrade ([`Generated::findings`]): before progenitor
//! runs, [`values`] drops every `default` and `enum` value that does not fit
//! its own schema. progenitor and typify errors and panics are caught
//! ([`locate`]); when the tool does not say where, the document is cut down
//! and regenerated per operation, per component schema, then per value, to
//! name the smallest failing node, which is dropped (a value) or skipped (an
//! operation). What cannot be degraded is a [`GenError`] naming the
//! provider, the document, the operation and the JSON pointer.
//!
//! [`features`] is `sdk/build.rs`'s choice of providers by cargo feature.

mod boxing;
pub mod build;
mod docs;
mod error;
pub mod features;
pub mod locate;
mod progenitor_output;
mod run;
mod surface;
pub mod typed;
pub mod values;

pub use error::{GenError, GenErrorKind, Place};
pub use surface::surface;
pub use typed::{base_url_env, credentials_doc, dynamic_dispatch, progenitor_snake};

use std::collections::HashMap;

use specs::{Provider, pointer};

/// How many operations the generator leaves out of one provider, one at a
/// time, before it gives up and reports the failure.
const MAX_SKIPPED: usize = 50;

/// How many times the generator repairs a value, loosens a schema or
/// renames a type that progenitor or typify refused, and runs them again,
/// before it gives up. (Not the findings made before the first run: Stripe
/// has hundreds, one per `deepObject` parameter left out.)
const MAX_RETRIES: usize = 50;

/// A provider's generated module, and what the generator repaired or
/// skipped on the way (beyond the spec library's own findings).
#[derive(Debug)]
pub struct Generated {
    /// The module's source.
    pub code: String,
    /// The generator's findings: values dropped, operations skipped.
    pub findings: specs::Findings,
}

/// Leaves out the operation `error` names (from the provider's catalogue
/// and its normalised document), or gives `error` back when it names none
/// or too many were skipped already.
fn skip_operation(
    provider: &mut Provider,
    findings: &mut specs::Findings,
    error: GenError,
) -> Result<(), GenError> {
    let culprit = error.place.operation_id.as_ref().and_then(|id| {
        provider
            .operations
            .iter()
            .position(|o| &o.operation_id == id)
    });
    let Some(index) = culprit.filter(|_| findings.skipped().count() < MAX_SKIPPED) else {
        return Err(error);
    };
    let operation = remove_operation(provider, index);
    findings.push(
        specs::Location::new(
            error.place.document.clone(),
            error.place.pointer.clone().unwrap_or_default(),
        ),
        specs::Outcome::Skipped,
        Some(format!("{} {}", operation.method, operation.path)),
        format!("left out of the SDK: {}", error.kind),
    );
    Ok(())
}

/// Gives the inline schema typify names `duplicate` (after its component
/// and property: `Subscription.status` is `SubscriptionStatus`, which a
/// component may already be called) a `title` naming it apart; its pointer
/// and the new name. `None` when no inline schema has that name.
fn title_inline(
    document: &mut serde_json::Value,
    duplicate: &str,
    types: &std::collections::HashSet<String>,
) -> Option<(String, String)> {
    fn find(node: &serde_json::Value, name: &str, at: &str, duplicate: &str) -> Option<String> {
        let properties = node
            .get("properties")
            .and_then(serde_json::Value::as_object);
        for (property, schema) in properties.into_iter().flatten() {
            if schema.get("$ref").is_some() || schema.get("title").is_some() {
                continue;
            }
            let derived = typed::type_name(&format!("{name}-{property}"));
            let at = pointer::join(&pointer::join(at, "properties"), property);
            if derived == duplicate {
                return Some(at);
            }
            if let Some(found) = find(schema, &derived, &at, duplicate) {
                return Some(found);
            }
        }
        None
    }
    let schemas = document.pointer("/components/schemas")?.as_object()?;
    let pointer = schemas.iter().find_map(|(name, schema)| {
        let at = pointer::join("/components/schemas", name);
        find(schema, &typed::type_name(name), &at, duplicate)
    })?;
    let title = (0..)
        .map(|n| {
            if n == 0 {
                format!("{duplicate}Value")
            } else {
                format!("{duplicate}Value{n}")
            }
        })
        .find(|candidate| !types.contains(candidate) && !schemas.contains_key(candidate))?;
    document
        .pointer_mut(&pointer)?
        .as_object_mut()?
        .insert("title".into(), serde_json::Value::String(title.clone()));
    Some((pointer, title))
}

/// Removes the operation at `index` of the catalogue from the provider's
/// catalogue and normalised document.
fn remove_operation(provider: &mut Provider, index: usize) -> specs::Operation {
    let operation = provider.operations.remove(index);
    if let Some(item) = provider
        .normalised
        .pointer_mut(&pointer::join("/paths", &operation.path))
        .and_then(serde_json::Value::as_object_mut)
    {
        item.shift_remove(&operation.method.to_ascii_lowercase());
    }
    operation
}

/// Where two parameters of an operation make one Rust name
/// (`deployment.seriesName`, `deployment.series_name`: progenitor's builder
/// would have the field twice), an optional one declared on the operation
/// is left out of the SDK (approximated); else the operation is (skipped).
fn skip_clashing_parameters(provider: &mut Provider, findings: &mut specs::Findings) {
    let mut index = 0;
    while index < provider.operations.len() {
        let operation = &provider.operations[index];
        let mut seen: Vec<(String, usize)> = Vec::new();
        let mut clash = None;
        for (position, parameter) in operation.parameters.iter().enumerate() {
            let name = typed::progenitor_snake(&parameter.name);
            match seen.iter().find(|(other, _)| *other == name) {
                Some((_, first)) => {
                    clash = Some((*first, position, name));
                    break;
                }
                None => seen.push((name, position)),
            }
        }
        let Some((first, second, rust_name)) = clash else {
            index += 1;
            continue;
        };
        let names = (
            operation.parameters[first].name.clone(),
            operation.parameters[second].name.clone(),
        );
        leave_out_parameter_or_operation(
            provider,
            findings,
            index,
            &[second, first],
            |parameter| {
                let other = if parameter.name == names.0 {
                    &names.1
                } else {
                    &names.0
                };
                format!(
                    "the SDK leaves out the optional parameter `{}`: its Rust name `{rust_name}` is `{other}`'s too",
                    parameter.name
                )
            },
            format!(
                "left out of the SDK: parameters `{}` and `{}` make one Rust name `{rust_name}`",
                names.0, names.1
            ),
        );
    }
}

/// progenitor cannot send a `deepObject` query parameter (`expand[]=a`,
/// `metadata[key]=v`: Stripe declares one on most of its operations), and
/// one would stop the whole provider. An optional one declared on the
/// operation is left out of the SDK (approximated: the call is still made,
/// without it); an operation that requires one is left out (skipped).
fn leave_out_deep_object_parameters(provider: &mut Provider, findings: &mut specs::Findings) {
    let mut index = 0;
    while index < provider.operations.len() {
        let operation = &provider.operations[index];
        let pointer = operation_pointer(operation);
        let deep = operation.parameters.iter().position(|parameter| {
            parameter.location == specs::ParameterLocation::Query
                && declared_style(&provider.normalised, &pointer, parameter) == Some("deepObject")
        });
        let Some(position) = deep else {
            index += 1;
            continue;
        };
        let name = operation.parameters[position].name.clone();
        leave_out_parameter_or_operation(
            provider,
            findings,
            index,
            &[position],
            |parameter| {
                format!(
                    "the SDK leaves out the optional query parameter `{}`: progenitor cannot send style `deepObject`",
                    parameter.name
                )
            },
            format!(
                "left out of the SDK: progenitor cannot send its query parameter `{name}` of style `deepObject`"
            ),
        );
    }
}

/// Each builder's query parameters whose array travels joined
/// (`explode: false`): builder -> parameter name -> separator.
fn joined_query_lists(provider: &Provider) -> HashMap<String, HashMap<String, char>> {
    provider
        .operations
        .iter()
        .filter_map(|operation| {
            let lists: HashMap<String, char> = operation
                .parameters
                .iter()
                .filter(|parameter| parameter.location == specs::ParameterLocation::Query)
                .filter_map(|parameter| match parameter.list {
                    Some(specs::ListEncoding::Joined(separator)) => {
                        Some((parameter.name.clone(), separator))
                    }
                    _ => None,
                })
                .collect();
            (!lists.is_empty()).then(|| (typed::builder_name(operation), lists))
        })
        .collect()
}

/// `/paths/<path>/<method>` of `operation`.
fn operation_pointer(operation: &specs::Operation) -> String {
    pointer::join(
        &pointer::join("/paths", &operation.path),
        &operation.method.to_ascii_lowercase(),
    )
}

/// Leaves the first of `positions` (parameters of operation `index`) that
/// is optional and declared on the operation itself out of the SDK, with an
/// approximated finding saying why (`leave_out`); where none is, the whole
/// operation, with a skipped finding saying why (`skip`).
fn leave_out_parameter_or_operation(
    provider: &mut Provider,
    findings: &mut specs::Findings,
    index: usize,
    positions: &[usize],
    leave_out: impl Fn(&specs::Parameter) -> String,
    skip: String,
) {
    let operation = &provider.operations[index];
    let (place, name, pointer) = (
        Place::operation(provider, operation),
        format!("{} {}", operation.method, operation.path),
        operation_pointer(operation),
    );
    for &position in positions {
        let parameter = provider.operations[index].parameters[position].clone();
        if parameter.required {
            continue;
        }
        if let Some(at) = drop_operation_parameter(&mut provider.normalised, &pointer, &parameter) {
            provider.operations[index].parameters.remove(position);
            findings.push(
                specs::Location::new(place.document, at),
                specs::Outcome::Approximated,
                Some(name),
                leave_out(&parameter),
            );
            return;
        }
    }
    remove_operation(provider, index);
    findings.push(
        specs::Location::new(place.document, pointer),
        specs::Outcome::Skipped,
        Some(name),
        skip,
    );
}

/// The `style` the normalised document gives `parameter` of the operation
/// at `operation` (a pointer), on the operation or its path item.
fn declared_style<'a>(
    document: &'a serde_json::Value,
    operation: &str,
    parameter: &specs::Parameter,
) -> Option<&'a str> {
    let item = operation.rsplit_once('/').map_or("", |(item, _)| item);
    let resolver = specs::refs::Document(document);
    [operation, item]
        .into_iter()
        .filter_map(|at| document.pointer(&format!("{at}/parameters"))?.as_array())
        .flatten()
        .filter_map(|entry| resolver.deref(entry))
        .find(|p| {
            p.get("name").and_then(serde_json::Value::as_str) == Some(parameter.name.as_str())
                && p.get("in").and_then(serde_json::Value::as_str) == Some("query")
        })?
        .get("style")?
        .as_str()
}

/// Removes `parameter` from the operation at `operation` (a pointer) of the
/// normalised document, where the operation itself declares it; the
/// pointer it had.
fn drop_operation_parameter(
    document: &mut serde_json::Value,
    operation: &str,
    parameter: &specs::Parameter,
) -> Option<String> {
    let location = match parameter.location {
        specs::ParameterLocation::Path => "path",
        specs::ParameterLocation::Query => "query",
        specs::ParameterLocation::Header => "header",
        specs::ParameterLocation::Cookie => "cookie",
    };
    let list = format!("{operation}/parameters");
    let position = {
        let declared = document.pointer(&list)?.as_array()?;
        let resolver = specs::refs::Document(document);
        declared.iter().position(|entry| {
            resolver.deref(entry).is_some_and(|p| {
                p.get("name").and_then(serde_json::Value::as_str) == Some(parameter.name.as_str())
                    && p.get("in").and_then(serde_json::Value::as_str) == Some(location)
            })
        })?
    };
    document
        .pointer_mut(&list)?
        .as_array_mut()?
        .remove(position);
    Some(format!("{list}/{position}"))
}

/// Renames the second of two components whose names make the same Rust
/// type name (`NullTime` and `nullTime`), or the one component that makes
/// it where the other type is an inline schema a title did not rename
/// (`title_inline` is tried first), and every reference to it; its pointer
/// (as the document has it) and the new name.
fn rename_component(
    document: &mut serde_json::Value,
    duplicate: &str,
    types: &std::collections::HashSet<String>,
) -> Option<(String, String)> {
    let schemas = document.pointer("/components/schemas")?.as_object()?;
    let named: Vec<&String> = schemas
        .keys()
        .filter(|name| typed::type_name(name) == duplicate)
        .collect();
    let second = named.get(1).or(named.first())?.to_string();
    let renamed = (2..)
        .map(|n| format!("{second}{n}"))
        .find(|c| !schemas.contains_key(c) && !types.contains(&typed::type_name(c)))?;
    let schemas = document
        .pointer_mut("/components/schemas")?
        .as_object_mut()?;
    let schema = schemas.shift_remove(&second)?;
    schemas.insert(renamed.clone(), schema);
    let (old, new) = (
        format!("#{}", pointer::join("/components/schemas", &second)),
        format!("#{}", pointer::join("/components/schemas", &renamed)),
    );
    rewrite_references(document, &old, &new);
    Some((
        pointer::join("/components/schemas", &second),
        typed::type_name(&renamed),
    ))
}

/// Every `$ref` equal to `old` (or below it) now names `new`.
fn rewrite_references(node: &mut serde_json::Value, old: &str, new: &str) {
    match node {
        serde_json::Value::Object(members) => {
            if let Some(serde_json::Value::String(reference)) = members.get_mut("$ref")
                && (reference == old || reference.starts_with(&format!("{old}/")))
            {
                *reference = format!("{new}{}", &reference[old.len()..]);
            }
            members
                .values_mut()
                .for_each(|child| rewrite_references(child, old, new));
        }
        serde_json::Value::Array(items) => {
            items
                .iter_mut()
                .for_each(|child| rewrite_references(child, old, new));
        }
        _ => {}
    }
}

/// A component schema the generators fail on, outside any operation: its
/// `format` goes first (typify panics on a `format` it does not know beside
/// `type: object`), then the schema becomes any JSON value (never stricter
/// than the document). `None` when `pointer` is no such schema, or already `{}`.
fn loosen_schema(
    document: &mut serde_json::Value,
    pointer: &str,
) -> Option<(specs::Outcome, &'static str)> {
    if !pointer.starts_with("/components/schemas/") {
        return None;
    }
    let schema = document.pointer_mut(pointer)?.as_object_mut()?;
    if schema.shift_remove("format").is_some() {
        return Some((
            specs::Outcome::Repaired,
            "the SDK drops this schema's `format`",
        ));
    }
    if schema.is_empty() {
        return None;
    }
    schema.clear();
    Some((
        specs::Outcome::Approximated,
        "the SDK takes any JSON value for this schema",
    ))
}

/// Removes the `default`, `example`, `enum` member or whole `enum` (whose
/// members make no distinct Rust names) at `pointer` of the SDK's
/// document; `false` when `pointer` is not such a value.
fn drop_value(document: &mut serde_json::Value, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    match document.pointer_mut(parent) {
        Some(serde_json::Value::Object(schema))
            if matches!(last, "default" | "example" | "enum") =>
        {
            schema.shift_remove(last).is_some()
        }
        Some(serde_json::Value::Array(members)) if parent.ends_with("/enum") => {
            match last.parse::<usize>() {
                Ok(index) if index < members.len() => {
                    members.remove(index);
                    true
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// The Rust module for `provider`: progenitor's client, types and builders,
/// with each operation's typed `send()`, error enum and dynamic dispatch.
///
/// A document's slips degrade instead of failing (see `specs::findings`):
/// a `default` or `enum` value outside its own schema is dropped from the
/// SDK's copy, and an operation progenitor cannot generate is left out,
/// each recorded in [`Generated::findings`] with its place.
pub fn generate(provider: &Provider) -> Result<Generated, GenError> {
    let mut provider = provider.clone();
    let mut findings = specs::Findings::default();
    for problem in values::repair(&mut provider.normalised) {
        let operation = values::operation_of(&problem.pointer)
            .map(|(path, method)| format!("{} {path}", method.to_ascii_uppercase()));
        let place = Place::node(&provider, None, &problem.pointer);
        findings.push(
            specs::Location::new(place.document, problem.pointer.clone()),
            specs::Outcome::Repaired,
            operation,
            format!(
                "the SDK drops the {} value {} (it does not fit its own schema: {})",
                problem.keyword,
                values::shortened(&problem.value),
                problem.reason
            ),
        );
    }
    skip_clashing_parameters(&mut provider, &mut findings);
    leave_out_deep_object_parameters(&mut provider, &mut findings);
    let mut retries = 0;
    // Each round either succeeds or gives up one more unit (a value, a
    // schema approximated, an operation skipped) and runs again.
    let file = loop {
        let tokens = loop {
            let failure = match run::progenitor(&provider.normalised) {
                Ok(tokens) => break tokens,
                Err(failure) => failure,
            };
            let error = locate::locate(&provider, failure);
            if retries < MAX_RETRIES
                && let Some(pointer) = error.place.pointer.clone()
                && drop_value(&mut provider.normalised, &pointer)
            {
                findings.push(
                    specs::Location::new(error.place.document.clone(), pointer),
                    specs::Outcome::Repaired,
                    None,
                    format!("the SDK drops this value: {}", error.kind),
                );
                retries += 1;
                continue;
            }
            if error.place.operation_id.is_none()
                && retries < MAX_RETRIES
                && let Some(pointer) = error.place.pointer.clone()
                && let Some((outcome, what)) = loosen_schema(&mut provider.normalised, &pointer)
            {
                findings.push(
                    specs::Location::new(error.place.document.clone(), pointer),
                    outcome,
                    None,
                    format!("{what}: {}", error.kind),
                );
                retries += 1;
                continue;
            }
            skip_operation(&mut provider, &mut findings, error)?;
        };
        let fail = |kind: GenErrorKind| GenError::new(&provider, Place::document(&provider), kind);
        let mut file: syn::File =
            syn::parse2(tokens).map_err(|e| fail(GenErrorKind::Output(e.to_string())))?;
        let raw_body_builders = provider
            .operations
            .iter()
            .filter(|o| o.request_body.as_ref().is_some_and(typed::needs_send_body))
            .map(typed::builder_name)
            .collect();
        let event_builders = provider
            .operations
            .iter()
            .filter(|o| {
                o.responses
                    .iter()
                    .any(|r| r.status.is_success() && r.events.is_some())
            })
            .map(typed::builder_name)
            .collect();
        let joined_lists = joined_query_lists(&provider);
        let generated = progenitor_output::take_apart(
            &mut file,
            &progenitor_output::Additions {
                raw_body_builders,
                event_builders,
                joined_lists,
            },
        )
        .map_err(|e| fail(e.into()))?;
        if let Some(empty) = generated.uninhabited.first() {
            // The component itself, or the one typify named an inline part of
            // it after (`DeviceIpv4AddressVariant0` of `DeviceIpv4Address`).
            let schema = provider
                .normalised
                .pointer("/components/schemas")
                .and_then(serde_json::Value::as_object)
                .and_then(|schemas| {
                    schemas
                        .keys()
                        .filter(|name| empty.starts_with(&typed::type_name(name)))
                        .max_by_key(|name| typed::type_name(name).len())
                })
                .map_or_else(|| empty.clone(), Clone::clone);
            let pointer = pointer::join("/components/schemas", &schema);
            let place = Place::node(&provider, None, &pointer);
            let why = format!(
                "typify made `{empty}` an enum without variants: no instance deserialises into it (a conjunction no object satisfies?)"
            );
            // Never stricter than the document: the type becomes any JSON value.
            let approximated = retries < MAX_RETRIES
                && provider
                    .normalised
                    .pointer(&pointer)
                    .is_some_and(|s| s != &serde_json::json!({}));
            if !approximated {
                return Err(GenError::new(&provider, place, GenErrorKind::Typed(why)));
            }
            if let Some(node) = provider.normalised.pointer_mut(&pointer) {
                *node = serde_json::json!({});
            }
            findings.push(
                specs::Location::new(place.document, pointer),
                specs::Outcome::Approximated,
                None,
                format!("{why}; the SDK takes any JSON value there"),
            );
            retries += 1;
            continue;
        }
        if let Some(duplicate) = generated.duplicated.first() {
            let renamed = (retries < MAX_RETRIES)
                .then(|| {
                    title_inline(&mut provider.normalised, duplicate, &generated.types).or_else(
                        || rename_component(&mut provider.normalised, duplicate, &generated.types),
                    )
                })
                .flatten();
            let Some((pointer, title)) = renamed else {
                return Err(GenError::new(
                    &provider,
                    Place::document(&provider),
                    GenErrorKind::Typed(format!("typify named two types `{duplicate}`")),
                ));
            };
            let place = Place::node(&provider, None, &pointer);
            findings.push(
                specs::Location::new(place.document, pointer),
                specs::Outcome::Repaired,
                None,
                format!("typify would name this schema `{duplicate}` like another; the SDK names it `{title}`"),
            );
            retries += 1;
            continue;
        }
        match typed::operations(&provider, &generated) {
            Ok(typed) => {
                let typed: syn::File =
                    syn::parse2(typed).map_err(|e| fail(GenErrorKind::Output(e.to_string())))?;
                file.items.extend(typed.items);
                break file;
            }
            Err(error) => skip_operation(&mut provider, &mut findings, error)?,
        }
    };
    let provider = &provider;
    let sources: Vec<String> = provider
        .documents
        .iter()
        .map(|d| d.path.display().to_string())
        .chain(provider.overlays.iter().map(|o| o.display().to_string()))
        .collect();
    Ok(Generated {
        code: format!(
            "// Generated by codegen::sdk from {}. Do not edit.\n{}",
            sources.join(", "),
            prettyplease::unparse(&file)
        ),
        findings,
    })
}

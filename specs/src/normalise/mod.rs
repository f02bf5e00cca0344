//! Normalisation: from the resolved documents to the one OpenAPI 3.0.3
//! document progenitor generates the SDK from. One rule per module.
//!
//! On each resolved document (the catalogue and the mock see these too):
//!
//! - [`hoist`]: an inline JSON response schema moves to `components.schemas`
//!   under `<OperationId><Status>Response`, so every documented body has a
//!   named type the catalogue and the SDK agree on; an inline webhook or
//!   callback payload moves there too (`<Name>Webhook`, `<Name>Callback`).
//!
//! On each document's copy for the SDK, schema by schema, the SDK's
//! approximations, never stricter than the document (a valid instance always
//! deserialises) and each noted in the schema's `x-sdk-relaxed`:
//!
//! - [`narrowing`]: keywords that only narrow (`unevaluated*`, `if`/`then`/
//!   `else`, `not`, `contains`, `propertyNames`, `dependent*`, `pattern`,
//!   `minLength`/`maxLength`, ...) are dropped;
//! - [`pattern_properties`]: `patternProperties` become a map;
//! - [`prefix_items`]: tuples become arrays of any value;
//! - [`type_lists`]: several non-null types become a `oneOf` by type;
//!
//! then [`downconvert`]: OpenAPI 3.1 to 3.0.3 (webhooks dropped and named).
//!
//! On the merged document, for progenitor:
//!
//! - [`sdk_names`]: `x-sdk-name` replaces `operationId`;
//! - [`inline_titles`]: a `title` naming two different inline schemas (or
//!   a component too) goes (typify would make them one type);
//! - [`path_templates`]: `{path:*}` becomes `{path}` (progenitor matches
//!   parameters to template variables by name);
//! - [`credential_parameters`]: header parameters that are also apiKey
//!   schemes go (the client sends the key);
//! - [`nullable_references`]: a named schema is never nullable (typify would
//!   emit `struct T(Option<T>)`); each reference carries the nullability;
//! - [`union_defaults`]: a `default` beside `anyOf`/`oneOf` goes (typify
//!   rejects valid ones);
//! - [`any_of`]: an `anyOf` becomes a `oneOf` (typify
//!   makes it a struct stricter than the document);
//! - [`union_names`]: each inline `oneOf` branch is titled after the
//!   constant that tells it apart (`ClusterDelete`, not `Variant4`);
//! - [`const_defaults`]: a `default` beside a single-valued `enum` (a
//!   `const`) goes (typify rejects it where the constant tags a union);
//! - [`parameter_schemas`]: a composed path parameter schema becomes a
//!   plain string (typify makes it a struct, progenitor takes no struct
//!   setter), and parameters are never nullable;
//! - [`all_of_closed`]: closed branches of an `allOf` are opened (each
//!   would forbid the others' properties: typify makes an empty enum);
//! - [`request_media_types`]: one media type per request body (JSON
//!   preferred), the others named for the SDK's raw `send_body`;
//! - [`raw_responses`]: every response body becomes an untyped byte stream
//!   (progenitor asserts one error type per operation); the SDK decodes each
//!   documented status itself, from the catalogue.

mod all_of_closed;
mod any_of;
mod const_defaults;
mod credential_parameters;
pub mod downconvert;
mod hoist;
mod inline_titles;
mod narrowing;
mod nullable_references;
mod parameter_schemas;
mod path_templates;
mod pattern_properties;
mod prefix_items;
mod raw_responses;
mod relaxed;
mod request_media_types;
mod sdk_names;
mod type_lists;
mod union_defaults;
mod union_names;

use std::path::Path;

use serde_json::{Map, Value};

use crate::SpecError;
use crate::walk::{self, Kind};

pub use hoist::{hoist_response_schemas, hoist_webhook_payloads};

/// Applies the progenitor-specific rewrites to a merged OpenAPI 3.0 document.
pub fn reshape_for_progenitor(document: &mut Value, file: &Path) -> Result<(), SpecError> {
    let _ = file;
    sdk_names::apply(document);
    inline_titles::drop_shared(document);
    path_templates::plain_variables(document);
    credential_parameters::drop(document);
    nullable_references::move_to_references(document);
    union_defaults::drop(document);
    any_of::rewrite(document);
    union_names::name_branches(document);
    const_defaults::drop(document);
    parameter_schemas::relax(document);
    all_of_closed::open(document);
    request_media_types::keep_one(document);
    raw_responses::make_raw(document);
    Ok(())
}

/// Calls `rule` on every schema of `document`, parents first (see
/// `crate::walk`: a server variable's `default` or an example's members are
/// not a schema's).
pub(crate) fn each_schema(document: &mut Value, rule: &mut impl FnMut(&mut Map<String, Value>)) {
    each_schema_in(document, Kind::Document, rule);
}

/// [`each_schema`] under `node`, a node of kind `kind`.
pub(crate) fn each_schema_in(
    node: &mut Value,
    kind: Kind,
    rule: &mut impl FnMut(&mut Map<String, Value>),
) {
    walk::each_schema(node, kind, &mut String::new(), &mut |_, object| {
        rule(object)
    });
}

pub(crate) fn path_items(document: &mut Value) -> impl Iterator<Item = &mut Map<String, Value>> {
    document
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
}

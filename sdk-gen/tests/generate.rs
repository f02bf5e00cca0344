//! `sdk_gen::generate` on small documents written here: what it produces,
//! and where it says a bad document fails.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use sdk_gen::{GenErrorKind, generate};
use serde_json::{Value, json};

/// A provider directory under the temp dir holding `document`.
fn provider(document: Value) -> (specs::Provider, PathBuf) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sdk-gen-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("provider.yaml"),
        "name: sample\ntitle: Sample\ndocuments: [api.json]\ncredential_env: SAMPLE_API_KEY\n",
    )
    .unwrap();
    std::fs::write(dir.join("api.json"), document.to_string()).unwrap();
    let provider = specs::load_provider(&dir).unwrap();
    (provider, dir)
}

fn document(paths: Value, schemas: Value) -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Sample", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}}
        },
        "security": [{"key": []}],
        "paths": paths
    })
}

fn ok_response() -> Value {
    json!({"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}})
}

fn thing() -> Value {
    json!({"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}})
}

#[test]
fn a_body_in_several_media_types_gets_send_body() {
    let (provider, dir) = provider(document(
        json!({"/things": {"post": {
            "operationId": "things.create",
            "requestBody": {"required": true, "content": {
                "application/xml": {"schema": {"type": "string"}},
                "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
            }},
            "responses": ok_response()
        }}}),
        thing(),
    ));
    let code = generate(&provider).unwrap();
    syn::parse_file(&code).unwrap();
    assert!(code.contains("pub async fn send_body("), "no send_body");
    assert!(code.contains("async fn send_raw_body("), "no send_raw_body");
    assert!(
        code.contains(r#"const DECLARED: &[&str] = &["application/xml", "application/json"];"#)
    );
    // The typed builder still takes the JSON body, and no `api-version` header is sent.
    assert!(code.contains(".json(&body)"));
    assert!(
        !code.contains(r#"from_static("api-version")"#),
        "api-version sent"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_default_outside_its_schema_is_named_before_progenitor_runs() {
    let (provider, dir) = provider(document(
        json!({"/things": {"get": {
            "operationId": "things.list",
            "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100, "default": 500}}],
            "responses": ok_response()
        }}}),
        thing(),
    ));
    let error = generate(&provider).unwrap_err();
    assert!(
        matches!(
            &error.kind,
            GenErrorKind::Value {
                keyword: "default",
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(error.place.operation_id.as_deref(), Some("things.list"));
    assert_eq!(
        error.place.pointer.as_deref(),
        Some("/paths/~1things/get/parameters/0/schema/default")
    );
    assert!(error.place.document.ends_with("api.json"));
    let text = error.to_string();
    assert!(
        text.starts_with("sample: ") && text.contains("api.json#/paths/~1things/get/parameters/0/schema/default (operation `things.list`): the `default` value 500 does not fit its own schema: above the `maximum` 100"),
        "{text}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_value_only_typify_rejects_is_found_by_bisection() {
    // `uniqueItems` is not among the rules checked first: typify's set type
    // rejects the duplicate, and bisection names the value.
    let mut schemas = thing();
    schemas["Tags"] = json!({"type": "object", "properties": {
        "names": {"type": "array", "uniqueItems": true, "items": {"type": "string"}, "default": ["a", "a"]}
    }});
    let (provider, dir) = provider(document(
        json!({
            "/things": {"get": {"operationId": "things.list", "responses": ok_response()}},
            "/tags": {"get": {"operationId": "tags.get", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tags"}}}}}}}
        }),
        schemas,
    ));
    let error = generate(&provider).unwrap_err();
    assert!(
        matches!(&error.kind, GenErrorKind::Progenitor(_)),
        "{error}"
    );
    assert_eq!(
        error.place.pointer.as_deref(),
        Some("/components/schemas/Tags/properties/names/default")
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_progenitor_panic_is_an_error_naming_the_operation() {
    // The path template names `{thing}`, the parameter is `id`: progenitor
    // panics looking the parameter up in the template.
    let (provider, dir) = provider(document(
        json!({"/things/{thing}": {"get": {
            "operationId": "things.get",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": ok_response()
        }}}),
        thing(),
    ));
    let error = generate(&provider).unwrap_err();
    let GenErrorKind::Panic(message) = &error.kind else {
        panic!("not a panic: {error}");
    };
    assert!(
        message.contains("missing path name mapping thing"),
        "{message}"
    );
    assert_eq!(error.place.operation_id.as_deref(), Some("things.get"));
    assert_eq!(
        error.place.pointer.as_deref(),
        Some("/paths/~1things~1{thing}/get")
    );
    std::fs::remove_dir_all(dir).unwrap();
}

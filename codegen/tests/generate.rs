//! `codegen::sdk::generate` on small documents written here: what it produces,
//! and where it says a bad document fails.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use codegen::sdk::generate;
use serde_json::{Value, json};

/// A provider directory under the temp dir holding `document`.
fn provider(document: Value) -> (specs::Provider, PathBuf) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "codegen-test-{}-{}",
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
    let code = generate(&provider).unwrap().code;
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
fn a_default_outside_its_schema_is_dropped_from_the_sdk_and_named() {
    let (provider, dir) = provider(document(
        json!({"/things": {"get": {
            "operationId": "things.list",
            "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100, "default": 500}}],
            "responses": ok_response()
        }}}),
        thing(),
    ));
    let generated = generate(&provider).expect("a slip degrades");
    assert!(generated.code.contains("things_list"));
    let report = generated.findings.report();
    assert!(report.contains("api.json#/paths/~1things/get/parameters/0/schema/default: repaired (GET /things): the SDK drops the default value 500 (it does not fit its own schema: above the `maximum` 100)"), "{report}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_value_only_typify_rejects_is_found_by_bisection_and_dropped() {
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
    let generated = generate(&provider).expect("the value is dropped, nothing skipped");
    assert!(generated.code.contains("tags_get"));
    assert_eq!(generated.findings.len(), 1);
    let finding = &generated.findings.0[0];
    assert_eq!(finding.outcome, specs::Outcome::Repaired);
    assert_eq!(
        finding.at.pointer,
        "/components/schemas/Tags/properties/names/default"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_progenitor_panic_skips_the_operation_naming_it() {
    // The path template names `{thing}`, the parameter is `id`: progenitor
    // panics looking the parameter up in the template.
    let (provider, dir) = provider(document(
        json!({
            "/things/{thing}": {"get": {
                "operationId": "things.get",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": ok_response()
            }},
            "/things": {"get": {"operationId": "things.list", "responses": ok_response()}}
        }),
        thing(),
    ));
    let generated = generate(&provider).expect("the operation is skipped");
    assert!(generated.code.contains("things_list"));
    assert!(!generated.code.contains("fn things_get"));
    let skipped: Vec<_> = generated.findings.skipped().collect();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].operation.as_deref(), Some("GET /things/{thing}"));
    assert_eq!(skipped[0].at.pointer, "/paths/~1things~1{thing}/get");
    assert!(
        skipped[0]
            .message
            .contains("missing path name mapping thing"),
        "{}",
        skipped[0].message
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn types_typify_would_name_alike_are_renamed() {
    // `Subscription.status` is an inline enum typify names
    // `SubscriptionStatus`, as is the component.
    let mut schemas = thing();
    schemas["Subscription"] = json!({"type": "object", "properties": {
        "status": {"type": "string", "enum": ["active", "paused"]},
        "state": {"$ref": "#/components/schemas/SubscriptionStatus"}
    }});
    schemas["SubscriptionStatus"] = json!({"type": "string", "enum": ["new", "old"]});
    // Two components whose names make one Rust name.
    schemas["Subscription"]["properties"]["a"] = json!({"$ref": "#/components/schemas/NullTime"});
    schemas["Subscription"]["properties"]["b"] = json!({"$ref": "#/components/schemas/nullTime"});
    schemas["NullTime"] = json!({"type": "string", "format": "date-time"});
    schemas["nullTime"] = json!({"type": "object", "properties": {"time": {"type": "string"}}});
    let (provider, dir) = provider(document(
        json!({"/subscriptions": {"get": {"operationId": "subscriptions.get", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Subscription"}}}}}}}}),
        schemas,
    ));
    let generated = generate(&provider).expect("the clash is renamed");
    let file = syn::parse_file(&generated.code).unwrap();
    let code = quote::quote!(#file).to_string();
    assert!(code.contains("pub enum SubscriptionStatusValue"), "renamed");
    assert!(
        code.contains("pub enum SubscriptionStatus "),
        "the component keeps its name"
    );
    let report = generated.findings.report();
    assert!(
        report.contains("api.json#/components/schemas/Subscription/properties/status: repaired: typify would name this schema `SubscriptionStatus` like another; the SDK names it `SubscriptionStatusValue`"),
        "{report}"
    );
    assert!(
        report.contains("/components/schemas/nullTime: repaired: typify would name this schema `NullTime` like another; the SDK names it `NullTime2`"),
        "{report}"
    );
    assert!(
        code.contains("pub b : :: std :: option :: Option < NullTime2 >"),
        "references follow"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn parameters_that_make_one_rust_name_lose_the_optional_one_or_the_operation() {
    let (provider, dir) = provider(document(
        json!({
            "/things": {"get": {"operationId": "things.list", "parameters": [
                {"name": "page.size", "in": "query", "required": true, "schema": {"type": "integer"}},
                {"name": "pageSize", "in": "query", "schema": {"type": "integer"}}
            ], "responses": ok_response()}},
            "/both": {"get": {"operationId": "both.get", "parameters": [
                {"name": "a.b", "in": "query", "required": true, "schema": {"type": "string"}},
                {"name": "aB", "in": "query", "required": true, "schema": {"type": "string"}}
            ], "responses": ok_response()}}
        }),
        thing(),
    ));
    let generated = generate(&provider).expect("degrades");
    assert!(generated.code.contains("things_list") && !generated.code.contains("both_get"));
    let report = generated.findings.report();
    assert!(
        report.contains("#/paths/~1things/get/parameters/1: approximated (GET /things): the SDK leaves out the optional parameter `pageSize`: its Rust name `page_size` is `page.size`'s too"),
        "{report}"
    );
    assert!(
        report.contains("#/paths/~1both/get: skipped (GET /both): left out of the SDK: parameters `a.b` and `aB` make one Rust name `a_b`"),
        "{report}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn success_bodies_of_different_types_are_any_json_value() {
    let mut schemas = thing();
    schemas["Accepted"] = json!({"type": "object", "properties": {"queued": {"type": "boolean"}}});
    let (provider, dir) = provider(document(
        json!({"/snapshots": {"post": {"operationId": "snapshots.create", "responses": {
            "200": {"description": "done", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
            "202": {"description": "queued", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}}}
        }}}}),
        schemas,
    ));
    let generated = generate(&provider).expect("not skipped");
    assert!(
        generated.findings.is_empty(),
        "{}",
        generated.findings.report()
    );
    let file = syn::parse_file(&generated.code).unwrap();
    let code = quote::quote!(#file).to_string();
    assert!(
        code.contains("ResponseValue < serde_json :: Value >"),
        "send() returns any JSON value"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_deep_object_query_parameter_is_left_out_or_its_operation_skipped() {
    let deep = |required: bool| {
        json!({"name": "expand", "in": "query", "required": required, "style": "deepObject",
               "explode": true, "schema": {"type": "object", "additionalProperties": {"type": "string"}}})
    };
    let (provider, dir) = provider(document(
        json!({
            "/things": {"get": {
                "operationId": "things.list",
                "parameters": [deep(false), {"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": ok_response()
            }},
            "/things/search": {"get": {
                "operationId": "things.search",
                "parameters": [deep(true)],
                "responses": ok_response()
            }}
        }),
        thing(),
    ));
    let generated = generate(&provider).unwrap();
    syn::parse_file(&generated.code).unwrap();
    // The optional one is left out, the operation kept with its other parameter.
    assert!(generated.code.contains("pub fn things_list("));
    assert!(generated.code.contains("pub fn limit<"));
    assert!(!generated.code.contains("pub fn expand<"));
    assert!(!generated.code.contains("pub fn things_search("));
    let findings: Vec<(specs::Outcome, String, String)> = generated
        .findings
        .0
        .iter()
        .map(|f| (f.outcome, f.at.pointer.clone(), f.message.clone()))
        .collect();
    assert_eq!(
        findings,
        [
            (
                specs::Outcome::Approximated,
                "/paths/~1things/get/parameters/0".to_string(),
                "the SDK leaves out the optional query parameter `expand`: progenitor cannot send style `deepObject`".to_string()
            ),
            (
                specs::Outcome::Skipped,
                "/paths/~1things~1search/get".to_string(),
                "left out of the SDK: progenitor cannot send its query parameter `expand` of style `deepObject`".to_string()
            ),
        ]
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn findings_made_before_the_first_run_leave_the_retries_their_budget() {
    // Sixty operations each lose an optional deepObject parameter (sixty
    // findings before progenitor runs); a type typify would name like a
    // component must still be renamed.
    let mut paths = serde_json::Map::new();
    for n in 0..60 {
        paths.insert(
            format!("/things/{n}"),
            json!({"get": {
                "operationId": format!("things.get{n}"),
                "parameters": [{"name": "expand", "in": "query", "style": "deepObject",
                                "schema": {"type": "object"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Subscription"}}}}}
            }}),
        );
    }
    let mut schemas = thing();
    schemas["Subscription"] = json!({"type": "object", "properties": {
        "status": {"type": "string", "enum": ["active", "paused"]},
        "state": {"$ref": "#/components/schemas/SubscriptionStatus"}
    }});
    schemas["SubscriptionStatus"] = json!({"type": "string", "enum": ["new", "old"]});
    let (provider, dir) = provider(document(Value::Object(paths), schemas));
    let generated = generate(&provider).expect("the clash is renamed");
    assert!(generated.code.contains("pub enum SubscriptionStatusValue"));
    assert_eq!(generated.findings.len(), 61);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_component_named_like_an_inline_schema_no_title_reaches_is_renamed() {
    // The inline `status` enum sits in an `allOf` part, where no title is
    // given (only properties are searched); typify names it `ThingStatus`,
    // like the component.
    let schemas = json!({
        "Thing": {"allOf": [{"type": "object", "properties": {
            "status": {"type": "string", "enum": ["active", "paused"]},
            "state": {"$ref": "#/components/schemas/ThingStatus"}
        }}]},
        "ThingStatus": {"type": "string", "enum": ["new", "old"]}
    });
    let (provider, dir) = provider(document(
        json!({"/things": {"get": {"operationId": "things.get", "responses": ok_response()}}}),
        schemas,
    ));
    let generated = generate(&provider).expect("the clash is renamed");
    syn::parse_file(&generated.code).unwrap();
    let report = generated.findings.report();
    assert!(
        report.contains("/components/schemas/ThingStatus: repaired: typify would name this schema `ThingStatus` like another; the SDK names it `ThingStatus2`"),
        "{report}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn events_set_the_providers_stream_switch() {
    let stream = json!({"200": {"description": "ok", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}},
        "text/event-stream": {"schema": {"type": "string"}}
    }}});
    let body = json!({"required": true, "content": {"application/json": {"schema": {
        "type": "object",
        "properties": {"prompt": {"type": "string"}, "streaming": {"type": "boolean"}, "stream": {"type": "boolean"}}
    }}}});
    let (mut provider, _) = provider(document(
        json!({"/complete": {"post": {"operationId": "complete", "requestBody": body, "responses": stream}}}),
        thing(),
    ));
    let code = |provider: &specs::Provider| generate(provider).unwrap().code;
    let default = code(&provider);
    assert!(default.contains("body.stream(true)"), "{default}");
    provider.stream_switch = "streaming".into();
    let named = code(&provider);
    assert!(named.contains("body.streaming(true)"), "{named}");
    assert!(!named.contains("body.stream(true)"), "{named}");
}

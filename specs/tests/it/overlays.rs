//! Overlay targets are full JSONPath (RFC 9535): filters, descendants and
//! slices select, and a target that is not JSONPath is an error naming the
//! overlay, the action and the target, never a panic.

use std::path::Path;

use serde_json::{Value, json};
use specs::{SpecError, apply_overlay};

fn document() -> Value {
    json!({
        "paths": {
            "/a": {
                "get": {"operationId": "getA", "parameters": [
                    {"name": "X-API-KEY", "in": "header"},
                    {"name": "limit", "in": "query"}
                ]},
                "post": {"operationId": "x"}
            },
            "/b": {"delete": {"operationId": "deleteB", "parameters": [
                {"name": "X-API-KEY", "in": "header"}
            ]}}
        },
        "servers": [{"url": "https://a"}, {"url": "https://b"}, {"url": "https://c"}]
    })
}

fn apply(document: &mut Value, actions: Value) -> Result<Vec<usize>, SpecError> {
    let overlay =
        json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions});
    apply_overlay(document, &overlay, Path::new("fix.overlay.yaml"))
}

#[test]
fn a_filter_selects_by_value() {
    let mut doc = document();
    let counts = apply(
        &mut doc,
        json!([
            {"target": "$.paths.*[?@.operationId == 'x']", "update": {"x-sdk-name": "renamed"}},
            // A filter tests the children of what precedes it: these are the
            // operations' members, none of which has an operationId.
            {"target": "$.paths.*.*[?@.operationId == 'x']", "update": {}},
        ]),
    )
    .unwrap();
    assert_eq!(counts, [1, 0]);
    assert_eq!(doc["paths"]["/a"]["post"]["x-sdk-name"], "renamed");
    assert_eq!(doc["paths"]["/a"]["get"].get("x-sdk-name"), None);
}

#[test]
fn a_descendant_filter_removes_every_match() {
    let mut doc = document();
    let counts = apply(
        &mut doc,
        json!([{"target": "$..parameters[?@.name == 'X-API-KEY']", "remove": true}]),
    )
    .unwrap();
    assert_eq!(counts, [2]);
    assert_eq!(
        doc["paths"]["/a"]["get"]["parameters"],
        json!([{"name": "limit", "in": "query"}])
    );
    assert_eq!(doc["paths"]["/b"]["delete"]["parameters"], json!([]));
}

#[test]
fn a_slice_removes_a_range() {
    let mut doc = document();
    let counts = apply(
        &mut doc,
        json!([{"target": "$.servers[1:]", "remove": true}]),
    )
    .unwrap();
    assert_eq!(counts, [2]);
    assert_eq!(doc["servers"], json!([{"url": "https://a"}]));
}

#[test]
fn nested_selections_are_removed_deepest_first() {
    let mut doc = json!({"a": {"x": {"b": {"x": 1}}, "list": [{"x": 2}, {"x": 3}]}});
    let counts = apply(&mut doc, json!([{"target": "$..x", "remove": true}])).unwrap();
    assert_eq!(counts, [4]);
    assert_eq!(doc, json!({"a": {"list": [{}, {}]}}));
}

#[test]
fn a_node_selected_twice_changes_once() {
    let mut doc = json!({"tags": []});
    let counts = apply(
        &mut doc,
        json!([{"target": "$['tags', 'tags']", "update": {"name": "a"}}]),
    )
    .unwrap();
    assert_eq!(counts, [1]);
    assert_eq!(doc, json!({"tags": [{"name": "a"}]}));
}

#[test]
fn invalid_and_odd_targets_are_errors_or_select_nothing() {
    for target in [
        "paths",
        "$.paths[",
        "$[?@.a ==]",
        "$['unterminated]",
        "$.200",
    ] {
        let err = apply(&mut document(), json!([{"target": target, "update": {}}])).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(&format!(
                "fix.overlay.yaml: action 0 (target `{target}`): not a JSONPath query (RFC 9535): at position"
            )),
            "{text}"
        );
    }
    // The parser recurses: deep nesting is refused before it runs.
    for target in [
        format!("$[?{}@.a{}]", "(".repeat(10_000), ")".repeat(10_000)),
        format!("$[?{}@.a{}]", "@[?".repeat(1_000), "]".repeat(1_000)),
    ] {
        let err = apply(&mut document(), json!([{"target": target, "update": {}}])).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("brackets and parentheses nest deeper than 10 levels"),
            "{err}"
        );
    }
    let nested = "$.paths.*[?@.parameters[?@.name == '[[[[[[[[[[[(']]";
    assert_eq!(
        apply(&mut document(), json!([{"target": nested, "update": {}}])).unwrap(),
        [0]
    );
    for target in [
        "$[99999999999999999]",
        "$.servers[::-1][-9007199254740991]",
        "$.servers[0:3:0]",
        "$..*[?length(@) > 99]",
        "$..[?match(@.operationId, '(')]",
    ] {
        match apply(&mut document(), json!([{"target": target, "remove": true}])) {
            Ok(counts) => assert_eq!(counts, [0], "{target}"),
            Err(err) => assert!(matches!(err, SpecError::Overlay { .. }), "{err}"),
        }
    }
}

#[test]
fn the_root_cannot_be_removed() {
    let err = apply(&mut document(), json!([{"target": "$", "remove": true}])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "fix.overlay.yaml: action 0 (target `$`): the root cannot be removed"
    );
}

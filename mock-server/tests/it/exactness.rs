//! The probe: every example the mock serves, for every provider, operation,
//! declared status and example name, is valid against the *verbatim*
//! document (`specs::check`, formats asserted) and accepted by the
//! mock's own validator; targeted mutations of those bodies (a pattern
//! broken, a multipleOf missed, a duplicate item, a member
//! `additionalProperties: false` forbids) are refused by both.

use mock_server::__private::{Problem, check_value};
use mock_server::model::{self, Schema, Types};
use serde_json::Value;

fn verbatim_validator(
    provider: &specs::Provider,
    operation: &specs::Operation,
    status: &str,
    media_type: &str,
) -> Option<std::sync::Arc<specs::check::Validator>> {
    let source = &provider.documents[operation.document];
    let document = &source.resolved;
    // A response may be a reference to `components.responses`.
    let response = specs::refs::Document(document)
        .follow(
            &document["paths"][&operation.path][operation.method.to_lowercase()]["responses"]
                [status],
        )
        .ok()?;
    let schema = response["content"][media_type].get("schema")?;
    Some(source.checker().unwrap().validator(schema).unwrap())
}

fn mock_problems(schema: &Schema, value: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    check_value(schema, value, &["body".into()], &mut problems);
    problems
}

/// A place in a body where one keyword can be broken, and the broken body.
fn mutations(schema: &Schema, value: &Value, at: &str, out: &mut Vec<(String, Value)>) {
    if schema.types == Types::NONE {
        return;
    }
    for part in schema.all_of {
        mutations(part, value, at, out);
    }
    match value {
        Value::String(text) => {
            if let Some(pattern) = schema.string.and_then(|rules| rules.pattern) {
                let broken = ["", "~", "\u{1}!", " space "]
                    .into_iter()
                    .find(|candidate| pattern.is_match(candidate) == Some(false));
                if let Some(broken) = broken {
                    out.push((
                        format!("{at}: pattern {} broken", pattern.source),
                        Value::String(broken.into()),
                    ));
                }
                let _ = text;
            }
        }
        Value::Number(number) => {
            if let Some(step) = schema.number.and_then(|rules| rules.multiple_of) {
                let off = number.as_f64().unwrap_or_default() + step / 2.0;
                out.push((format!("{at}: multipleOf {step} missed"), off.into()));
            }
        }
        Value::Array(items) => {
            if let Some(rules) = schema.array {
                if rules.unique_items && !items.is_empty() {
                    let mut doubled = items.clone();
                    doubled.push(items[0].clone());
                    out.push((format!("{at}: duplicate item"), Value::Array(doubled)));
                }
                for (index, item) in items.iter().enumerate() {
                    let schema = rules.prefix_items.get(index).copied().or(rules.items);
                    if let Some(schema) = schema {
                        mutations(schema, item, &format!("{at}/{index}"), out);
                    }
                }
            }
        }
        Value::Object(members) => {
            if let Some(rules) = schema.object {
                if rules.additional.is_some_and(|a| a.types == Types::NONE) {
                    let mut extra = members.clone();
                    extra.insert("unexpected_member".into(), Value::Bool(true));
                    out.push((format!("{at}: extra member"), Value::Object(extra)));
                }
                for (name, member) in members {
                    if let Some((_, schema)) = rules.properties.iter().find(|(n, _)| n == name) {
                        mutations(schema, member, &format!("{at}/{name}"), out);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Replaces the node at JSON pointer `at` (relative to `""`) in `body`.
fn replaced(body: &Value, at: &str, node: Value) -> Value {
    let mut body = body.clone();
    if let Some(slot) = body.pointer_mut(at) {
        *slot = node;
    }
    body
}

#[test]
fn every_served_example_fits_the_verbatim_document() {
    let providers = specs::load_providers(&specs::providers_dir()).unwrap();
    let (mut rows, mut mutated) = (0, 0);
    let mut failures = Vec::new();
    for generated in mock_server::PROVIDERS {
        let provider = providers
            .iter()
            .find(|p| p.name == generated.name)
            .expect("every generated provider is vendored");
        for operation in generated.operations {
            let declared = provider
                .operations
                .iter()
                .find(|o| o.operation_id == operation.operation_id)
                .expect("every generated operation is catalogued");
            for response in operation.responses {
                let Some(content_type) = response.content_type else {
                    continue;
                };
                let key = declared
                    .responses
                    .iter()
                    .find(|r| specs::status::representative(r.status) == response.status)
                    .map(|r| r.status.to_string())
                    .unwrap_or_else(|| response.status.to_string());
                let context = |name: &str| {
                    format!(
                        "{} {} {key} `{name}`",
                        provider.name, operation.operation_id
                    )
                };
                if !specs::is_json(content_type) {
                    for example in response.examples {
                        rows += 1;
                        let fits = match content_type {
                            "text/event-stream" => {
                                example.body.ends_with("\n\n")
                                    && example.body.lines().any(|l| l.starts_with("data:"))
                            }
                            _ => !example.body.is_empty(),
                        };
                        if !fits {
                            failures.push(format!(
                                "{}: {content_type} body {:?}",
                                context(example.name),
                                example.body
                            ));
                        }
                    }
                    continue;
                }
                let validator = verbatim_validator(provider, declared, &key, content_type)
                    .expect("a JSON body declares its schema");
                let schema = response.schema.expect("a JSON body has a compiled schema");
                for example in response.examples {
                    rows += 1;
                    let body: Value = match serde_json::from_str(example.body) {
                        Ok(body) => body,
                        Err(error) => {
                            failures.push(format!("{}: not JSON: {error}", context(example.name)));
                            continue;
                        }
                    };
                    let errors: Vec<String> = validator
                        .iter_errors(&body)
                        .map(|e| format!("{e} at {}", e.instance_path()))
                        .collect();
                    if !errors.is_empty() {
                        failures.push(format!(
                            "{}: document says {errors:?}",
                            context(example.name)
                        ));
                    }
                    let problems = mock_problems(schema, &body);
                    if !problems.is_empty() {
                        failures.push(format!(
                            "{}: validate.rs says {problems:?}",
                            context(example.name)
                        ));
                    }
                    let mut sites = Vec::new();
                    mutations(schema, &body, "", &mut sites);
                    for (what, node) in sites {
                        let at = what.split(':').next().unwrap_or_default().to_string();
                        let broken = replaced(&body, &at, node);
                        mutated += 1;
                        let document_refuses = !validator.is_valid(&broken);
                        let mock_refuses = !mock_problems(schema, &broken).is_empty();
                        if !(document_refuses && mock_refuses) {
                            failures.push(format!(
                                "{}: {what}: document refuses: {document_refuses}, validate.rs refuses: {mock_refuses}",
                                context(example.name)
                            ));
                        }
                    }
                }
            }
        }
    }
    println!("{rows} served examples checked, {mutated} mutations refused by both");
    assert!(rows > 0);
    assert!(
        failures.is_empty(),
        "{} of {rows} rows fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A oneOf body that matches two branches is refused by both validators.
#[test]
fn a_body_matching_two_one_of_branches_is_refused() {
    static LOOSE: Schema = Schema {
        types: Types::OBJECT,
        ..Schema::ANY
    };
    static TWO: Schema = Schema {
        one_of: &[&LOOSE, &LOOSE],
        ..Schema::ANY
    };
    let body = serde_json::json!({"a": 1});
    assert_eq!(mock_problems(&TWO, &body)[0].kind, "union_ambiguous");
    let document = serde_json::json!({"openapi": "3.1.0"});
    let schema = serde_json::json!({"oneOf": [{"type": "object"}, {"type": "object"}]});
    let checker = specs::check::Checker::new(&document).unwrap();
    assert!(!checker.is_valid(&schema, &body));
    let _ = model::Types::ANY;
}

/// Differential test on real documents nobody here wrote: for the JSON
/// body schemas of the corpus documents compiled for the tests
/// (`corpus_models/`, written by `cargo xtask codegen`), the mock's
/// validator and the `jsonschema` crate give the same verdict on every
/// instance of a pool: the examples the mock serves (valid by
/// construction), their targeted mutations, and every other example of the
/// same document (mostly invalid for this schema).
#[test]
fn the_mock_and_an_independent_validator_agree_on_corpus_schemas() {
    let corpus = specs::repository_root().join("specs/corpus");
    let (mut compared, mut valid, mut schemas) = (0usize, 0usize, 0usize);
    let mut disagreements = Vec::new();
    for (directory, model) in crate::corpus_models::MODELS {
        let provider = specs::load_provider(&corpus.join(directory)).unwrap();
        let checker = provider.documents[0].checker().unwrap();
        let examples: Vec<Value> = model
            .operations
            .iter()
            .flat_map(|o| o.responses)
            .filter(|r| r.content_type.is_some_and(specs::is_json))
            .flat_map(|r| r.examples)
            .filter_map(|e| serde_json::from_str(e.body).ok())
            .collect();
        for operation in model.operations {
            let declared = provider
                .operations
                .iter()
                .find(|o| o.method == operation.method && o.path == operation.path)
                .expect("every generated operation is catalogued");
            let mut bodies: Vec<(String, &Schema, &Value, Vec<Value>)> = Vec::new();
            for body in operation.request_body.iter().flat_map(|b| b.checked) {
                if let Some(declared) = declared
                    .request_body
                    .iter()
                    .flat_map(|b| &b.content)
                    .find(|b| b.media_type.eq_ignore_ascii_case(body.media_type))
                {
                    let label = format!("request ({})", body.media_type);
                    bodies.push((label, body.schema, &declared.schema, Vec::new()));
                }
            }
            for response in operation.responses {
                let (Some(schema), Some(declared)) = (
                    response.schema,
                    declared
                        .responses
                        .iter()
                        .find(|r| specs::status::representative(r.status) == response.status)
                        .and_then(|r| r.body.as_ref()),
                ) else {
                    continue;
                };
                let own = response
                    .examples
                    .iter()
                    .filter_map(|e| serde_json::from_str(e.body).ok())
                    .collect();
                bodies.push((response.status.to_string(), schema, &declared.schema, own));
            }
            for (which, schema, declared, own) in bodies {
                let context = format!(
                    "{directory} {} {} {which}",
                    operation.method, operation.path
                );
                // Independent of the mock: the `jsonschema` crate, in the
                // document's own dialect (`specs::check`).
                let validator = match checker.validator(declared) {
                    Ok(validator) => validator,
                    Err(error) => {
                        disagreements
                            .push(format!("{context}: jsonschema cannot compile it: {error}"));
                        continue;
                    }
                };
                schemas += 1;
                let mut pool: Vec<Value> = Vec::new();
                for body in &own {
                    let mut sites = Vec::new();
                    mutations(schema, body, "", &mut sites);
                    pool.push(body.clone());
                    for (what, node) in sites {
                        let at = what.split(':').next().unwrap_or_default().to_string();
                        pool.push(replaced(body, &at, node));
                    }
                }
                pool.extend(examples.iter().cloned());
                for instance in &pool {
                    compared += 1;
                    let independent = validator.is_valid(instance);
                    let mock = mock_problems(schema, instance).is_empty();
                    valid += usize::from(independent);
                    if independent != mock {
                        disagreements.push(format!(
                            "{context}: jsonschema says valid={independent}, validate.rs says valid={mock} for {}",
                            shortened(instance)
                        ));
                    }
                }
            }
        }
    }
    println!(
        "{} corpus documents, {schemas} body schemas, {compared} instances compared ({valid} valid), {} disagreements",
        crate::corpus_models::MODELS.len(),
        disagreements.len()
    );
    assert!(schemas > 0 && valid > 0 && valid < compared);
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

fn shortened(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(200) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text,
    }
}

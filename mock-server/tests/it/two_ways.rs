//! One model, two ways in: for every vendored provider and every corpus
//! model, the model `mock-server --spec` builds at start-up equals the
//! static one `cargo xtask codegen` wrote, value for value, and the same
//! requests get byte-identical answers from both.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use mock_server::__private::{Mount, Shared, router};
use mock_server::model::{
    ArrayRules, Credential, ObjectRules, Operation, Provider, RequestBody, Schema, StringRules,
};
use mock_server::{Config, PROVIDERS, Spec};
use tower::ServiceExt;

/// Every generated model with the directory its documents are in.
pub(crate) fn generated() -> Vec<(PathBuf, &'static Provider)> {
    let vendored = PROVIDERS
        .iter()
        .map(|p| (specs::providers_dir().join(p.name), *p));
    let corpus = crate::corpus_models::MODELS
        .iter()
        .map(|(directory, model)| {
            (
                specs::repository_root()
                    .join("specs/corpus")
                    .join(directory),
                *model,
            )
        });
    vendored.chain(corpus).collect()
}

fn built(directory: &Path) -> &'static Provider {
    let provider = specs::load_provider(directory).expect("the document loads");
    mock_model::build::provider(&provider).provider
}

#[test]
fn the_run_time_model_equals_the_generated_one() {
    let mut compared = 0;
    for (directory, generated) in generated() {
        let loaded = built(&directory);
        let mut differences = Vec::new();
        same_provider(loaded, generated, &mut differences);
        assert!(
            differences.is_empty(),
            "{}: the model built at run time differs from the generated one (run `cargo xtask codegen`?):\n{}",
            generated.name,
            differences[..differences.len().min(10)].join("\n")
        );
        compared += generated.operations.len();
    }
    assert!(compared > 300, "only {compared} operations compared");
}

#[tokio::test]
async fn both_models_answer_the_same_requests_with_the_same_bytes() {
    let mut requests = 0;
    for (directory, generated) in generated() {
        let from_code = router(Arc::new(Shared::new(
            vec![Mount {
                provider: generated,
                base_path: generated.server_path.to_string(),
            }],
            None,
            0,
            false,
            true,
        )));
        let from_document = mock_server::router(&Config {
            specs: vec![Spec {
                name: None,
                path: directory.clone(),
            }],
            journal: 0,
            ..Config::default()
        })
        .expect("the document serves");
        for operation in generated.operations {
            for request in probes(generated.server_path, operation) {
                let description = format!(
                    "{}: {} {} {:?}",
                    generated.name,
                    request.method(),
                    request.uri(),
                    request.headers().get("prefer")
                );
                let copy = copy(&request);
                let (a, b) = (
                    answer(from_code.clone(), request).await,
                    answer(from_document.clone(), copy).await,
                );
                assert_eq!(a, b, "{description}");
                requests += 1;
            }
        }
    }
    assert!(requests > 1_000, "only {requests} requests compared");
}

/// Requests exercising one operation: every declared status asked for,
/// a synthesised body, an empty JSON body, and no credentials.
fn probes(server_path: &str, operation: &Operation) -> Vec<Request<Body>> {
    let mut path = operation.path_with(server_path, |_| "1".to_string());
    let credentials = operation.security.first().copied().unwrap_or_default();
    let query: Vec<String> = credentials
        .iter()
        .filter_map(|c| match c {
            Credential::Query(name) => Some(format!("{name}=k")),
            _ => None,
        })
        .collect();
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    let request = |prefer: Option<String>, body: Option<&str>, authorised: bool| {
        let mut builder = Request::builder().method(operation.method).uri(&path);
        if authorised {
            for credential in credentials {
                builder = match credential {
                    Credential::Header(name) => builder.header(*name, "k"),
                    Credential::Cookie(name) => builder.header("cookie", format!("{name}=k")),
                    Credential::Bearer => builder.header("authorization", "Bearer k"),
                    Credential::Basic => builder.header("authorization", "Basic dTpw"),
                    Credential::Query(_) => builder,
                };
            }
        }
        if let Some(prefer) = prefer {
            builder = builder.header("prefer", prefer);
        }
        let body = match body {
            Some(body) => {
                builder = builder.header("content-type", "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        builder.body(body).expect("a valid request")
    };
    let mut probes: Vec<Request<Body>> = operation
        .responses
        .iter()
        .map(|r| request(Some(format!("code={}", r.status)), None, true))
        .collect();
    probes.push(request(Some("dynamic=true".into()), None, true));
    probes.push(request(None, Some("{}"), true));
    probes.push(request(None, None, false));
    probes
}

fn copy(request: &Request<Body>) -> Request<Body> {
    let mut builder = Request::builder()
        .method(request.method())
        .uri(request.uri());
    for (name, value) in request.headers() {
        builder = builder.header(name, value);
    }
    let body = if request.headers().contains_key("content-type") {
        Body::from("{}")
    } else {
        Body::empty()
    };
    builder.body(body).expect("a valid request")
}

/// Status, headers and body bytes.
async fn answer(
    router: axum::Router,
    request: Request<Body>,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let response = router.oneshot(request).await.expect("infallible");
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    (status, headers, body.to_vec())
}

/// Pushes a line to `out` for each difference.
fn same_provider(a: &Provider, b: &Provider, out: &mut Vec<String>) {
    let mut differ = |what: &str, x: String, y: String| {
        if x != y {
            out.push(format!("{what}: {x} != {y}"));
        }
    };
    differ("name", a.name.into(), b.name.into());
    differ("title", a.title.into(), b.title.into());
    differ("server_path", a.server_path.into(), b.server_path.into());
    differ(
        "documents",
        format!("{:?}", a.documents),
        format!("{:?}", b.documents),
    );
    differ(
        "resources",
        format!("{:?}", a.resources),
        format!("{:?}", b.resources),
    );
    differ(
        "skipped",
        format!("{:?}", a.skipped),
        format!("{:?}", b.skipped),
    );
    // Payloads are plain data: their debug form is the whole of them.
    differ(
        "webhooks",
        format!("{:?}", a.webhooks),
        format!("{:?}", b.webhooks),
    );
    if a.operations.len() != b.operations.len() {
        out.push(format!(
            "{} operations != {}",
            a.operations.len(),
            b.operations.len()
        ));
        return;
    }
    let mut seen = HashSet::new();
    for (x, y) in a.operations.iter().zip(b.operations) {
        same_operation(x, y, &mut seen, out);
    }
}

fn same_operation(
    a: &Operation,
    b: &Operation,
    seen: &mut HashSet<(usize, usize)>,
    out: &mut Vec<String>,
) {
    let at = format!("{} {}", b.method, b.path);
    // Everything but the schemas: their Debug output holds no schema.
    let plain = |o: &Operation| {
        format!(
            "{} {} {} {:?} {:?} {:?} {:?} {:?} {:?}",
            o.operation_id,
            o.method,
            o.path,
            o.segments,
            o.security,
            o.invalid_request,
            o.invalid_path,
            o.unauthorized,
            o.lifecycle
        )
    };
    if plain(a) != plain(b) {
        out.push(format!("{at}: {} != {}", plain(a), plain(b)));
    }
    let mut schemas: Vec<(String, &Schema, &Schema)> = Vec::new();
    if a.parameters.len() != b.parameters.len() {
        out.push(format!("{at}: parameters differ in number"));
    }
    for (x, y) in a.parameters.iter().zip(b.parameters) {
        let plain = |p: &mock_server::model::Parameter| {
            format!("{} {:?} {}", p.name, p.location, p.required)
        };
        if plain(x) != plain(y) {
            out.push(format!("{at}: parameter {} != {}", plain(x), plain(y)));
        }
        schemas.push((format!("{at} parameter {}", y.name), x.schema, y.schema));
    }
    match (&a.request_body, &b.request_body) {
        (Some(x), Some(y)) => {
            let types = |b: &RequestBody| {
                let checked = b.checked.iter().map(|m| m.media_type);
                (b.required, checked.collect::<Vec<_>>(), b.others.to_vec())
            };
            if types(x) != types(y) {
                out.push(format!("{at}: request body media types or required differ"));
            }
            for (x, y) in x.checked.iter().zip(y.checked) {
                let what = format!("{at} request body ({})", x.media_type);
                schemas.push((what, x.schema, y.schema));
                if x.encoding.len() != y.encoding.len() {
                    out.push(format!("{at}: request body encodings differ"));
                }
            }
        }
        (None, None) => {}
        _ => out.push(format!("{at}: request body present in one model only")),
    }
    if a.responses.len() != b.responses.len() {
        out.push(format!("{at}: responses differ in number"));
    }
    for (x, y) in a.responses.iter().zip(b.responses) {
        let plain = |r: &mock_server::model::Response| {
            format!(
                "{} {:?} {:?} {:?} {:?} {:?}",
                r.status,
                r.description,
                r.content_type,
                r.examples,
                r.matches,
                r.headers
                    .iter()
                    .map(|h| (h.name, h.value, h.required))
                    .collect::<Vec<_>>()
            )
        };
        if plain(x) != plain(y) {
            out.push(format!("{at}: response {} != {}", plain(x), plain(y)));
        }
        for (hx, hy) in x.headers.iter().zip(y.headers) {
            schemas.push((
                format!("{at} {} header {}", y.status, hy.name),
                hx.schema,
                hy.schema,
            ));
        }
        match (x.schema, y.schema) {
            (Some(sx), Some(sy)) => schemas.push((format!("{at} {} body", y.status), sx, sy)),
            (None, None) => {}
            _ => out.push(format!("{at}: {} body schema in one model only", y.status)),
        }
    }
    for (place, x, y) in schemas {
        if let Err(difference) = same_schema(x, y, seen) {
            out.push(format!("{place}: {difference}"));
        }
    }
}

/// Compares two schemas field by field, following links and cutting
/// recursion at a pair already compared.
fn same_schema(a: &Schema, b: &Schema, seen: &mut HashSet<(usize, usize)>) -> Result<(), String> {
    let (a, b) = (a.target(), b.target());
    if !seen.insert((a as *const Schema as usize, b as *const Schema as usize)) {
        return Ok(());
    }
    let equal = |what: &str, same: bool| {
        if same { Ok(()) } else { Err(what.to_string()) }
    };
    equal("types", a.types == b.types)?;
    equal("values", a.values == b.values)?;
    equal(
        "number rules",
        format!("{:?}", a.number) == format!("{:?}", b.number),
    )?;
    match (a.string, b.string) {
        (Some(x), Some(y)) => same_string(x, y)?,
        (None, None) => {}
        _ => equal("string rules", false)?,
    }
    match (a.array, b.array) {
        (Some(x), Some(y)) => same_array(x, y, seen)?,
        (None, None) => {}
        _ => equal("array rules", false)?,
    }
    match (a.object, b.object) {
        (Some(x), Some(y)) => same_object(x, y, seen)?,
        (None, None) => {}
        _ => equal("object rules", false)?,
    }
    same_list("allOf", a.all_of, b.all_of, seen)?;
    same_list("anyOf", a.any_of, b.any_of, seen)?;
    same_list("oneOf", a.one_of, b.one_of, seen)?;
    same_optional("not", a.not, b.not, seen)?;
    match (a.conditional, b.conditional) {
        (Some(x), Some(y)) => {
            same_schema(x.when, y.when, seen).map_err(|e| format!("if: {e}"))?;
            same_schema(x.then, y.then, seen).map_err(|e| format!("then: {e}"))?;
            same_schema(x.otherwise, y.otherwise, seen).map_err(|e| format!("else: {e}"))?;
        }
        (None, None) => {}
        _ => equal("if", false)?,
    }
    Ok(())
}

fn same_string(a: &StringRules, b: &StringRules) -> Result<(), String> {
    let pattern = |r: &StringRules| r.pattern.map(|p| (p.source, p.regex));
    if (a.min_length, a.max_length, a.format, pattern(a))
        != (b.min_length, b.max_length, b.format, pattern(b))
    {
        return Err("string rules".into());
    }
    Ok(())
}

fn same_array(
    a: &ArrayRules,
    b: &ArrayRules,
    seen: &mut HashSet<(usize, usize)>,
) -> Result<(), String> {
    if (
        a.min_items,
        a.max_items,
        a.unique_items,
        a.min_contains,
        a.max_contains,
    ) != (
        b.min_items,
        b.max_items,
        b.unique_items,
        b.min_contains,
        b.max_contains,
    ) {
        return Err("array bounds".into());
    }
    same_list("prefixItems", a.prefix_items, b.prefix_items, seen)?;
    same_optional("items", a.items, b.items, seen)?;
    same_optional("contains", a.contains, b.contains, seen)?;
    same_optional("unevaluatedItems", a.unevaluated, b.unevaluated, seen)
}

fn same_object(
    a: &ObjectRules,
    b: &ObjectRules,
    seen: &mut HashSet<(usize, usize)>,
) -> Result<(), String> {
    let names = |r: &ObjectRules| {
        (
            r.properties.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            r.pattern_properties
                .iter()
                .map(|(p, _)| p.source)
                .collect::<Vec<_>>(),
            r.dependent_schemas
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>(),
        )
    };
    if names(a) != names(b) {
        return Err("object members".into());
    }
    if (
        a.required,
        a.min_properties,
        a.max_properties,
        a.dependent_required,
    ) != (
        b.required,
        b.min_properties,
        b.max_properties,
        b.dependent_required,
    ) {
        return Err("object bounds".into());
    }
    for ((name, x), (_, y)) in a.properties.iter().zip(b.properties) {
        same_schema(x, y, seen).map_err(|e| format!("/{name}: {e}"))?;
    }
    for ((_, x), (_, y)) in a.pattern_properties.iter().zip(b.pattern_properties) {
        same_schema(x, y, seen).map_err(|e| format!("patternProperties: {e}"))?;
    }
    for ((name, x), (_, y)) in a.dependent_schemas.iter().zip(b.dependent_schemas) {
        same_schema(x, y, seen).map_err(|e| format!("dependentSchemas {name}: {e}"))?;
    }
    same_optional("additionalProperties", a.additional, b.additional, seen)?;
    same_optional("propertyNames", a.property_names, b.property_names, seen)?;
    same_optional("unevaluatedProperties", a.unevaluated, b.unevaluated, seen)
}

fn same_list(
    what: &str,
    a: &[&Schema],
    b: &[&Schema],
    seen: &mut HashSet<(usize, usize)>,
) -> Result<(), String> {
    if a.len() != b.len() {
        return Err(format!("{what}: {} != {} schemas", a.len(), b.len()));
    }
    for (index, (x, y)) in a.iter().zip(b).enumerate() {
        same_schema(x, y, seen).map_err(|e| format!("{what}/{index}: {e}"))?;
    }
    Ok(())
}

fn same_optional(
    what: &str,
    a: Option<&Schema>,
    b: Option<&Schema>,
    seen: &mut HashSet<(usize, usize)>,
) -> Result<(), String> {
    match (a, b) {
        (Some(x), Some(y)) => same_schema(x, y, seen).map_err(|e| format!("{what}: {e}")),
        (None, None) => Ok(()),
        _ => Err(format!("{what} in one model only")),
    }
}

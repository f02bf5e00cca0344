//! Through `load_provider`: the manifest's operation selection (the
//! catalogue and the normalised document hold the same subset) and
//! security as documents declare it (alternatives, combined requirements,
//! every scheme kind, public operations).

use std::path::PathBuf;

use specs::{CredentialKind, Provider, SpecError, load_provider};

/// A provider directory under the system temp dir, removed on drop.
struct Fixture(PathBuf);

impl Fixture {
    fn new(test: &str, manifest_extra: &str, document: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("specs-sel-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let manifest = format!(
            "name: demo\ntitle: Demo\ndocuments: [api.yaml]\ncredential_env: DEMO_KEY\n{manifest_extra}"
        );
        std::fs::write(dir.join("provider.yaml"), manifest).unwrap();
        std::fs::write(dir.join("api.yaml"), document).unwrap();
        Fixture(dir)
    }

    fn load(&self) -> Result<Provider, SpecError> {
        load_provider(&self.0)
    }

    fn manifest(&self) -> String {
        self.0.join("provider.yaml").display().to_string()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const DOCUMENT: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
servers: [{url: 'https://api.example.com'}]
security: [{key: []}]
paths:
  /things:
    get:
      operationId: listThings
      tags: [things, read]
      responses: {'200': {description: ok}}
    post:
      operationId: createThing
      tags: [things]
      security: [{key: [], session: []}, {login: []}]
      responses: {'201': {description: created}}
  /things/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      operationId: getThing
      tags: [read]
      security: [{oauth: [things.read]}, {token: []}, {query: []}]
      responses: {'200': {description: ok}}
  /health:
    get:
      operationId: health
      security: []
      responses: {'200': {description: ok}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-API-Key}
    query: {type: apiKey, in: query, name: api_key}
    session: {type: apiKey, in: cookie, name: session}
    token: {type: http, scheme: bearer}
    login: {type: http, scheme: basic}
    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://x/token', scopes: {things.read: read}}}}
"#;

fn ids(provider: &Provider) -> Vec<&str> {
    provider
        .operations
        .iter()
        .map(|o| o.operation_id.as_str())
        .collect()
}

fn normalised_ids(provider: &Provider) -> Vec<String> {
    let mut ids: Vec<String> = provider.normalised["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|operation| operation.get("operationId")?.as_str().map(str::to_string))
        .collect();
    ids.sort();
    ids
}

#[test]
fn without_a_selection_every_operation_is_served() {
    let provider = Fixture::new("all", "", DOCUMENT).load().unwrap();
    assert_eq!(
        ids(&provider),
        ["listThings", "createThing", "getThing", "health"]
    );
    assert_eq!(
        normalised_ids(&provider),
        ["createThing", "getThing", "health", "listThings"]
    );
}

#[test]
fn the_selection_applies_to_the_catalogue_and_the_documents() {
    let selection = "operations:\n  include: {tags: [read], operation_ids: [health]}\n  exclude: {operation_ids: [listThings]}\n";
    let provider = Fixture::new("subset", selection, DOCUMENT).load().unwrap();
    assert_eq!(ids(&provider), ["getThing", "health"]);
    assert_eq!(normalised_ids(&provider), ["getThing", "health"]);
    // The path item that lost every operation is gone from the resolved document too.
    let resolved = &provider.documents[0].resolved;
    assert!(resolved.pointer("/paths/~1things").is_none());
    assert!(resolved.pointer("/paths/~1things~1{id}/get").is_some());
    // The verbatim document stays as vendored.
    assert!(
        provider.documents[0]
            .verbatim
            .pointer("/paths/~1things/post")
            .is_some()
    );
}

#[test]
fn a_selection_that_matches_nothing_is_an_error_in_the_manifest() {
    let fixture = Fixture::new(
        "nomatch",
        "operations:\n  exclude: {tags: [things, writes]}\n",
        DOCUMENT,
    );
    assert_eq!(
        fixture.load().unwrap_err().to_string(),
        format!(
            "{}#/operations/exclude/tags/1: no operation has the tag `writes`",
            fixture.manifest()
        )
    );
    let unknown_key = Fixture::new("badkey", "operations:\n  only: [x]\n", DOCUMENT);
    let error = unknown_key.load().unwrap_err().to_string();
    assert!(error.contains("unknown field `only`"), "{error}");
}

#[test]
fn security_as_declared() {
    let provider = Fixture::new("security", "", DOCUMENT).load().unwrap();
    let operation = |id: &str| {
        provider
            .operations
            .iter()
            .find(|o| o.operation_id == id)
            .unwrap()
    };
    let schemes = |id: &str| -> Vec<Vec<(String, CredentialKind)>> {
        operation(id)
            .security
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| (c.scheme.clone(), c.kind.clone()))
                    .collect()
            })
            .collect()
    };
    // The document's default.
    assert_eq!(
        schemes("listThings"),
        [vec![(
            "key".into(),
            CredentialKind::ApiKeyHeader("X-API-Key".into())
        )]]
    );
    // Combined, or else basic.
    assert_eq!(
        schemes("createThing"),
        [
            vec![
                (
                    "key".into(),
                    CredentialKind::ApiKeyHeader("X-API-Key".into())
                ),
                (
                    "session".into(),
                    CredentialKind::ApiKeyCookie("session".into())
                ),
            ],
            vec![("login".into(), CredentialKind::Basic)],
        ]
    );
    assert_eq!(
        schemes("getThing"),
        [
            vec![("oauth".into(), CredentialKind::OAuth2)],
            vec![("token".into(), CredentialKind::Bearer)],
            vec![(
                "query".into(),
                CredentialKind::ApiKeyQuery("api_key".into())
            )],
        ]
    );
    assert_eq!(operation("getThing").security[0][0].scopes, ["things.read"]);
    assert!(operation("health").security.is_empty());
}

#[test]
fn unknown_schemes_are_dropped_and_external_references_skip_their_operations() {
    let unknown = DOCUMENT.replace("security: [{oauth: [things.read]}", "security: [{oath: []}");
    let fixture = Fixture::new("unknown", "", &unknown);
    let provider = fixture
        .load()
        .expect("an undeclared scheme drops its requirement, not the operation");
    let thing = provider
        .operations
        .iter()
        .find(|o| o.operation_id == "getThing")
        .expect("kept");
    assert_eq!(provider.operations.len(), 4);
    let report = provider.findings.report();
    assert!(
        report.contains("api.yaml#/paths/~1things~1{id}/get/security/0/oath: repaired (GET /things/{id}): security scheme `oath` is not declared in components.securitySchemes; the requirement naming it is dropped\n"),
        "{report}"
    );
    assert!(
        thing
            .security
            .iter()
            .all(|alternative| alternative.iter().all(|c| c.scheme != "oath")),
        "{:?}",
        thing.security
    );
    let external = DOCUMENT.replace(
        "parameters: [{name: id, in: path, required: true, schema: {type: string}}]",
        "parameters: [{$ref: 'common.yaml#/components/parameters/Id'}]",
    );
    let fixture = Fixture::new("external", "", &external);
    let provider = fixture
        .load()
        .expect("a path item's slip skips its operations");
    assert!(!provider.operations.iter().any(|o| o.path == "/things/{id}"));
    let report = provider.findings.report();
    assert!(
        report.ends_with("api.yaml#/paths/~1things~1{id}/parameters/0: skipped (GET /things/{id}): `$ref: common.yaml#/components/parameters/Id` cannot be bundled: `common.yaml` does not exist\n"),
        "{report}"
    );
}

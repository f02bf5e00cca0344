//! Malformed or unsupported documents fail with an error naming the file and
//! the place, never a panic; an operation's slip skips that operation, with
//! a finding naming the file and the place (an error with `strict: true`).

use std::path::{Path, PathBuf};

use specs::{SpecError, load_provider};

/// A provider directory under the system temp dir, removed on drop.
struct Fixture(PathBuf);

impl Fixture {
    fn new(test: &str, files: &[(&str, &str)]) -> Self {
        let dir = std::env::temp_dir().join(format!("specs-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        Fixture(dir)
    }

    fn load(&self) -> SpecError {
        load_provider(&self.0).expect_err("the fixture is invalid")
    }

    fn file(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const MANIFEST: &str = "name: demo\ntitle: Demo\ndocuments: [api.yaml]\ncredential_env: DEMO_KEY\n";

fn document(schema: &str) -> String {
    format!(
        "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\nservers: [{{url: 'https://x'}}]\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {schema}\n"
    )
}

#[test]
fn yaml_syntax_error_names_file_and_line() {
    let fixture = Fixture::new(
        "syntax",
        &[
            ("provider.yaml", MANIFEST),
            ("api.yaml", "openapi: 3.1.0\npaths: [\n"),
        ],
    );
    let err = fixture.load();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("{}: not valid YAML", fixture.file("api.yaml"))),
        "{text}"
    );
    assert!(text.contains("line"), "{text}");
}

#[test]
fn references_that_cannot_be_bundled_skip_their_operation_with_the_reason() {
    for (test, reference, reason) in [
        (
            "url-ref",
            "https://example.com/p.yaml",
            "a URL: builds have no network",
        ),
        (
            "missing-file",
            "./missing.yaml",
            "`missing.yaml` does not exist",
        ),
        (
            "outside",
            "../../etc/p.yaml",
            "`../../etc/p.yaml` is outside the provider's directory",
        ),
    ] {
        let text = format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: getA\n      parameters: [{{$ref: '{reference}'}}]\n      responses: {{'200': {{description: ok}}}}\n"
        );
        let fixture = Fixture::new(test, &[("provider.yaml", MANIFEST), ("api.yaml", &text)]);
        let provider = load_provider(&fixture.0).expect("a slip degrades");
        assert!(provider.operations.is_empty());
        let report = provider.findings.report();
        assert!(
            report.starts_with(&format!(
                "{}#/paths/~1a/get/parameters/0: skipped (GET /a): `$ref: {reference}` cannot be bundled: ",
                fixture.file("api.yaml")
            )) && report.contains(reason),
            "{report}"
        );
    }
}

/// The operation is skipped with a finding naming file and pointer; with
/// `strict: true` the same finding refuses the provider.
fn assert_skipped_then_strict(test: &str, text: &str, pointer: &str, reason: &str) {
    let fixture = Fixture::new(test, &[("provider.yaml", MANIFEST), ("api.yaml", text)]);
    let provider = load_provider(&fixture.0).expect("a slip degrades, it does not refuse");
    assert!(provider.operations.is_empty());
    let expected = format!(
        "{}#{pointer}: skipped (GET /a): {reason}",
        fixture.file("api.yaml")
    );
    assert_eq!(provider.findings.report(), format!("{expected}\n"));
    drop(fixture);
    let strict = Fixture::new(
        &format!("{test}-strict"),
        &[
            ("provider.yaml", &format!("{MANIFEST}strict: true\n")),
            ("api.yaml", text),
        ],
    );
    let error = strict.load().to_string();
    assert!(
        error.contains("`strict: true` and the documents have 1 findings"),
        "{error}"
    );
    assert!(
        error.contains(&format!("{}#{pointer}", strict.file("api.yaml"))),
        "{error}"
    );
}

#[test]
fn dangling_reference_skips_its_operation_with_file_and_pointer() {
    assert_skipped_then_strict(
        "dangling",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      parameters: [{$ref: '#/components/parameters/Missing'}]\n      responses: {'200': {description: ok}}\n",
        "/paths/~1a/get/parameters/0",
        "`$ref: #/components/parameters/Missing` points at nothing",
    );
}

#[test]
fn a_missing_operation_id_is_made_from_method_and_path() {
    // Not an error: OpenAPI makes `operationId` optional, and the SDK, the
    // mock and the contract rows need a name.
    let text = document("{type: object}").replace("      operationId: getA\n", "");
    let fixture = Fixture::new("opid", &[("provider.yaml", MANIFEST), ("api.yaml", &text)]);
    let provider = load_provider(&fixture.0).unwrap();
    let ids: Vec<&str> = provider
        .operations
        .iter()
        .map(|o| o.operation_id.as_str())
        .collect();
    assert_eq!(ids, ["get_a"]);
    assert_eq!(provider.operations[0].sdk_name, "get_a");
}

#[test]
fn an_operation_without_responses_is_skipped() {
    assert_skipped_then_strict(
        "noresp",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://x'}]\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses: {}\n",
        "/paths/~1a/get/responses",
        "an operation needs `responses` with at least one response",
    );
}

#[test]
fn overlay_that_selects_nothing_is_an_error() {
    let fixture = Fixture::new(
        "overlay",
        &[
            (
                "provider.yaml",
                &format!("{MANIFEST}overlays: [fix.overlay.yaml]\n"),
            ),
            ("api.yaml", &document("{type: object}")),
            (
                "fix.overlay.yaml",
                "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/b'].get\n    update: {summary: x}\n",
            ),
        ],
    );
    assert_eq!(
        fixture.load().to_string(),
        format!(
            "{}: action 0 (target `$.paths['/b'].get`): the target selects nothing in any document it applies to",
            fixture.file("fix.overlay.yaml")
        )
    );
}

#[test]
fn overlay_extending_no_document_is_an_error() {
    let fixture = Fixture::new(
        "extends",
        &[
            (
                "provider.yaml",
                &format!("{MANIFEST}overlays: [fix.overlay.yaml]\n"),
            ),
            ("api.yaml", &document("{type: object}")),
            (
                "fix.overlay.yaml",
                "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nextends: apii.yaml\nactions:\n  - target: $.info\n    update: {summary: x}\n",
            ),
        ],
    );
    assert_eq!(
        fixture.load().to_string(),
        format!(
            "{}#/extends: `extends: apii.yaml` matches none of the provider's documents (api.yaml)",
            fixture.file("fix.overlay.yaml")
        )
    );
}

#[test]
fn documents_that_disagree_conflict() {
    let other = document("{type: string}")
        .replace("getA", "getB")
        .replace("/a:", "/b:");
    let fixture = Fixture::new(
        "conflict",
        &[
            (
                "provider.yaml",
                "name: demo\ntitle: Demo\ndocuments: [api.yaml, other.yaml]\ncredential_env: DEMO_KEY\n",
            ),
            (
                "api.yaml",
                &document("{$ref: '#/components/schemas/E'}").replace(
                    "paths:",
                    "components: {schemas: {E: {type: object}}}\npaths:",
                ),
            ),
            (
                "other.yaml",
                &other.replace(
                    "paths:",
                    "components: {schemas: {E: {type: string}}}\npaths:",
                ),
            ),
        ],
    );
    let err = fixture.load();
    assert!(
        matches!(err, SpecError::Conflict { ref pointer, .. } if pointer == "/components/schemas/E"),
        "{err}"
    );
}

#[test]
fn manifest_errors_name_the_manifest() {
    let fixture = Fixture::new(
        "manifest",
        &[(
            "provider.yaml",
            "name: Demo-1\ntitle: D\ndocuments: [api.yaml]\ncredential_env: X\n",
        )],
    );
    let err = fixture.load();
    assert!(
        err.to_string()
            .starts_with(&format!("{}#/name:", fixture.file("provider.yaml"))),
        "{err}"
    );

    let fixture = Fixture::new("manifest-missing", &[("provider.yaml", MANIFEST)]);
    assert!(
        matches!(fixture.load(), SpecError::Io { ref path, .. } if path == Path::new(&fixture.file("api.yaml")))
    );
}

#[test]
fn a_provider_directory_without_a_manifest_is_an_error() {
    let fixture = Fixture::new("no-manifest", &[]);
    std::fs::create_dir_all(fixture.0.join("orphan")).unwrap();
    std::fs::write(fixture.0.join("orphan/api.yaml"), "openapi: 3.1.0\n").unwrap();
    let err = specs::load_providers(&fixture.0).unwrap_err();
    assert!(err.to_string().contains("orphan/provider.yaml"), "{err}");
}

#[test]
fn the_stream_switch_is_read_and_an_empty_one_refused() {
    let text = document("{type: object}");
    let default = Fixture::new(
        "switch-default",
        &[("provider.yaml", MANIFEST), ("api.yaml", &text)],
    );
    assert_eq!(load_provider(&default.0).unwrap().stream_switch, "stream");
    let named = Fixture::new(
        "switch-named",
        &[
            (
                "provider.yaml",
                &format!("{MANIFEST}stream_switch: streaming\n"),
            ),
            ("api.yaml", &text),
        ],
    );
    assert_eq!(load_provider(&named.0).unwrap().stream_switch, "streaming");
    let empty = Fixture::new(
        "switch-empty",
        &[
            ("provider.yaml", &format!("{MANIFEST}stream_switch: ''\n")),
            ("api.yaml", &text),
        ],
    );
    let error = empty.load().to_string();
    assert!(
        error.contains("provider.yaml#/stream_switch: the stream switch must name"),
        "{error}"
    );
}

//! A document without a `provider.yaml` (`mock-server --spec FILE`) loads
//! as a provider of its own.

use std::path::Path;

#[test]
fn a_bare_document_is_named_after_its_file_and_titled_by_its_info() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("providers/chamelio");
    let provider = specs::load_file(
        &dir.join("cancel-task.yaml"),
        None,
        specs::Purpose::Everything,
    )
    .unwrap();
    assert_eq!(provider.name, "cancel_task");
    assert_eq!(provider.title, "Chamelio API");
    assert_eq!(provider.credential_env, "CANCEL_TASK_API_KEY");
    let vendored = specs::load_provider(&dir).unwrap();
    let ids = |p: &specs::Provider| -> Vec<String> {
        p.operations
            .iter()
            .map(|o| o.operation_id.clone())
            .collect()
    };
    assert_eq!(ids(&provider), ids(&vendored));

    let named = specs::load_file(
        &dir.join("cancel-task.yaml"),
        Some("tasks"),
        specs::Purpose::Mock,
    )
    .unwrap();
    assert_eq!(named.name, "tasks");
}

#[test]
fn names_made_from_file_names_are_provider_names() {
    let scratch = std::env::temp_dir().join(format!("specs-single-file-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let document = r#"{"openapi": "3.1.0", "info": {"title": " ", "version": "1"}, "paths": {}}"#;
    for (file, expected) in [
        ("My API v2.json", "my_api_v2"),
        ("2024-api.json", "api_2024_api"),
        ("---.json", "api"),
    ] {
        let path = scratch.join(file);
        std::fs::write(&path, document).unwrap();
        let provider = specs::load_file(&path, None, specs::Purpose::Mock).unwrap();
        assert_eq!(provider.name, expected);
        assert!(specs::is_provider_name(&provider.name));
        assert_eq!(provider.title, expected, "a blank title is not used");
    }
    let error = specs::load_file(
        &scratch.join("---.json"),
        Some("Bad Name"),
        specs::Purpose::Mock,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("`Bad Name`: a provider name must be"),
        "{error}"
    );
    let missing =
        specs::load_file(&scratch.join("absent.json"), None, specs::Purpose::Mock).unwrap_err();
    assert!(missing.to_string().contains("absent.json"), "{missing}");
    std::fs::remove_dir_all(&scratch).unwrap();
}

/// Loaded for the mock, a provider has its catalogue but no SDK document.
#[test]
fn a_provider_loaded_for_the_mock_has_no_sdk_document() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("providers/akua");
    let light = specs::load_provider_for(&dir, specs::Purpose::Mock).unwrap();
    let full = specs::load_provider(&dir).unwrap();
    assert!(light.normalised.is_null());
    assert!(!full.normalised.is_null());
    assert_eq!(light.operations.len(), full.operations.len());
    assert_eq!(
        light.server_url().as_deref(),
        Some("https://api.akua.dev/v1")
    );
    assert_eq!(light.findings, full.findings);
}

//! The vendored providers load, their catalogue is what the documents declare,
//! and their normalised documents match the checked-in golden files.

use std::path::Path;

use specs::{CredentialKind, ParameterLocation, Provider, Status, load_providers, providers_dir};

fn providers() -> Vec<Provider> {
    load_providers(&providers_dir()).expect("the vendored specs load")
}

fn provider(name: &str) -> Provider {
    providers()
        .into_iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no provider {name}"))
}

/// `cargo xtask codegen` writes the golden files (`UPDATE_GOLDEN=1 cargo
/// test -p specs` too); `cargo xtask codegen --check` also compares them.
#[test]
fn normalised_documents_match_golden_files() {
    let golden_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for provider in providers() {
        let path = golden_dir.join(format!("{}.openapi.json", provider.name));
        let actual = serde_json::to_string_pretty(&provider.normalised).unwrap() + "\n";
        if update {
            std::fs::write(&path, &actual).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(actual.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "normalised output differs from {stale:?}; review and run `cargo xtask codegen`"
    );
}

/// One line per operation: `provider operationId METHOD path [statuses]`.
fn line(provider: &str, id: &str, method: &str, path: &str, mut statuses: Vec<String>) -> String {
    statuses.sort();
    format!("{provider} {id} {method} {path} [{}]", statuses.join(" "))
}

/// The catalogue is exactly the operations of the resolved documents, read
/// here directly from `paths`: any provider, any number of operations.
#[test]
fn catalogue_lists_every_operation_and_status() {
    for provider in providers() {
        let mut from_documents = Vec::new();
        for document in &provider.documents {
            let paths = document.resolved["paths"].as_object();
            for (path, item) in paths.into_iter().flatten() {
                for method in specs::METHODS {
                    let Some(operation) = item.get(method).filter(|o| o.is_object()) else {
                        continue;
                    };
                    let statuses = operation["responses"]
                        .as_object()
                        .map(|r| r.keys().cloned().collect())
                        .unwrap_or_default();
                    from_documents.push(line(
                        &provider.name,
                        operation["operationId"].as_str().unwrap_or_default(),
                        &method.to_uppercase(),
                        path,
                        statuses,
                    ));
                }
            }
        }
        let mut catalogue: Vec<String> = provider
            .operations
            .iter()
            .map(|o| {
                let statuses = o.responses.iter().map(|r| r.status.to_string()).collect();
                line(
                    &provider.name,
                    &o.operation_id,
                    &o.method,
                    &o.path,
                    statuses,
                )
            })
            .collect();
        from_documents.sort();
        catalogue.sort();
        assert_eq!(catalogue, from_documents, "{}", provider.name);
    }
}

/// Operations the project was built around, where their providers are vendored.
#[test]
fn the_cancel_operations_are_catalogued_as_documented() {
    let known = [
        "akua operations.cancel POST /operations/{id}:cancel [202 401 403 404 422]",
        "chamelio cancelTask POST /tasks/{task_id}/cancel [200 401 404 409 500]",
        "phala cancel_cvm_operation_api_v1_cvms__cvm_id__operations_cancel_post POST /api/v1/cvms/{cvm_id}/operations/cancel [200 401 403 404 409 422]",
        "phala handle_stop_cvm_api_v1_cvms__cvm_id__stop_post POST /api/v1/cvms/{cvm_id}/stop [200 401 403 404 422]",
        "promptlayer cancelTableSheetOperation DELETE /api/public/v2/tables/{table_id}/sheets/{sheet_id}/operations/{operation_id} [200 400 404]",
    ];
    let all = providers();
    for expected in known {
        let name = expected.split(' ').next().unwrap_or_default();
        let Some(provider) = all.iter().find(|p| p.name == name) else {
            continue;
        };
        let lines: Vec<String> = provider
            .operations
            .iter()
            .map(|o| {
                let statuses = o.responses.iter().map(|r| r.status.to_string()).collect();
                line(name, &o.operation_id, &o.method, &o.path, statuses)
            })
            .collect();
        assert!(
            lines.iter().any(|l| l == expected),
            "{expected} not in {lines:?}"
        );
    }
}

/// Finds an operation by its id (indexes change when documents grow).
fn operation<'a>(provider: &'a Provider, operation_id: &str) -> &'a specs::Operation {
    provider
        .operations
        .iter()
        .find(|o| o.operation_id == operation_id)
        .unwrap_or_else(|| panic!("{} has no {operation_id}", provider.name))
}

#[test]
fn catalogue_carries_bodies_parameters_and_security() {
    let phala = provider("phala");
    let cancel = operation(
        &phala,
        "cancel_cvm_operation_api_v1_cvms__cvm_id__operations_cancel_post",
    );
    assert_eq!(
        phala.documents[cancel.document].path,
        Path::new("specs/providers/phala/cancel-cvm-operation.yaml")
    );
    assert_eq!(cancel.response(401).unwrap().body, None);
    assert_eq!(
        cancel
            .response(422)
            .unwrap()
            .body
            .as_ref()
            .unwrap()
            .type_name
            .as_deref(),
        Some("HTTPValidationError")
    );
    assert_eq!(
        cancel.security,
        vec![
            vec![specs::Credential {
                scheme: "APIKeyHeader".into(),
                kind: CredentialKind::ApiKeyHeader("X-API-Key".into()),
                scopes: Vec::new(),
            }],
            vec![specs::Credential {
                scheme: "OAuth2AuthorizationCodeBearer".into(),
                kind: CredentialKind::Bearer,
                scopes: Vec::new(),
            }],
        ]
    );

    let akua = provider("akua");
    let op = operation(&akua, "operations.cancel");
    let headers: Vec<&str> = op
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Header)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(headers, ["akua-context", "idempotency-key", "if-match"]);
    assert_eq!(op.security[0][0].kind, CredentialKind::Bearer);
    assert!(
        op.responses
            .iter()
            .skip(1)
            .all(|r| r.body.as_ref().unwrap().type_name.as_deref() == Some("ApiErrorResponse"))
    );

    let chamelio = provider("chamelio");
    let conflict = operation(&chamelio, "cancelTask")
        .response(409)
        .unwrap()
        .body
        .as_ref()
        .unwrap();
    assert_eq!(
        conflict.examples,
        vec![(
            "default".to_string(),
            serde_json::json!({"detail": "Task cannot be cancelled in its current state"})
        )]
    );

    let promptlayer = provider("promptlayer");
    let op = operation(&promptlayer, "cancelTableSheetOperation");
    assert!(
        op.parameters
            .iter()
            .any(|p| p.name == "X-API-KEY" && p.required)
    );
    assert_eq!(
        op.security[0][0].kind,
        CredentialKind::ApiKeyHeader("X-API-KEY".into())
    );
    assert_eq!(op.responses[0].status, Status::Code(200));
}

#[test]
fn overlays_and_servers() {
    let all = providers();
    for (name, server) in [
        ("akua", "https://api.akua.dev/v1"),
        ("chamelio", "https://platform.chamelio.ai"),
        ("phala", "https://cloud-api.phala.com"),
        ("promptlayer", "https://api.promptlayer.com"),
    ] {
        if let Some(provider) = all.iter().find(|p| p.name == name) {
            assert_eq!(provider.server_url().as_deref(), Some(server), "{name}");
        }
    }
    let phala = provider("phala");
    assert_eq!(
        phala.overlays,
        [
            Path::new("specs/providers/phala/security.overlay.yaml"),
            Path::new("specs/providers/phala/sdk-names.overlay.yaml")
        ]
    );
    let names: Vec<&str> = phala
        .operations
        .iter()
        .map(|o| o.sdk_name.as_str())
        .collect();
    assert_eq!(names, ["cancel_cvm_operation", "stop_cvm"]);
    // The verbatim document keeps upstream's `security: []`; the resolved one has the overlay.
    assert_eq!(
        phala.documents[1].verbatim["security"],
        serde_json::json!([])
    );
    assert_eq!(
        phala.documents[1].resolved["security"],
        serde_json::json!([{"APIKeyHeader": []}, {"OAuth2AuthorizationCodeBearer": []}])
    );
}

#[test]
fn normalised_documents_are_openapi_3_0_for_progenitor() {
    for provider in providers() {
        let openapi = provider.openapi().unwrap();
        assert_eq!(openapi.openapi, "3.0.3");
        let text = serde_json::to_string(&provider.normalised).unwrap();
        assert!(!text.contains("\"type\":\"null\""), "{}", provider.name);
        assert!(!text.contains("\"type\":["), "{}", provider.name);
    }
    // PromptLayer's credential header is sent by the client, not per call.
    let promptlayer = provider("promptlayer");
    let text = serde_json::to_string(&promptlayer.normalised).unwrap();
    assert!(!text.contains("X-API-KEY\",\"in\":\"header\""));
    // Akua's nullable union is a non-null named type referenced as nullable.
    let akua = provider("akua");
    assert_eq!(
        akua.normalised
            .pointer("/components/schemas/OperationResponse/nullable"),
        None
    );
    assert_eq!(
        akua.normalised
            .pointer("/components/schemas/Operation/properties/response"),
        Some(
            &serde_json::json!({"allOf": [{"$ref": "#/components/schemas/OperationResponse"}], "nullable": true})
        )
    );
}

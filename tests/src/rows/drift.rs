//! `drift`: the JSON Schema of a generated response type (schemars) accepts
//! the document's examples and the mock's fixture for that status.

use serde_json::Value;

use crate::support::{KEY, Suite, Target, raw_request, validate};

/// Runs the row for declared status `code`.
pub async fn run(suite: &Suite, target: &Target, code: u16) -> Result<(), String> {
    let operation = target.operation();
    let schema =
        sdk::dynamic::response_schema(&target.provider.name, &operation.operation_id, code)
            .ok_or("the SDK has no type for this body")?;
    let schema = serde_json::to_value(schema).map_err(|e| e.to_string())?;
    let validator = specs::check::standalone(&schema)
        .map_err(|e| format!("schemars output is not a schema: {e}"))?;
    let mut examples: Vec<(String, Value)> = operation
        .response(code)
        .and_then(|r| r.body.as_ref())
        .map(|b| b.examples.clone())
        .unwrap_or_default();
    let base = suite.mock_base(target).await?;
    let raw = raw_request(
        suite.http(),
        target,
        &base,
        &target.valid_arguments(),
        &target.credentials(KEY),
        &[("Prefer".to_string(), format!("code={code}"))],
    )
    .await?;
    let fixture =
        serde_json::from_slice(&raw.body).map_err(|e| format!("fixture is not JSON: {e}"))?;
    examples.push(("mock fixture".into(), fixture));
    for (name, example) in &examples {
        validate(
            &validator,
            example,
            &format!("example `{name}` against the generated type's schema"),
        )?;
    }
    Ok(())
}

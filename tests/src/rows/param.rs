//! `param`: a parameter with a wrong type, format or length gets the
//! declared validation status (in the documented shape, naming the
//! parameter) from the mock, and the SDK refuses to send it.

use serde_json::Value;
use test_support::DeclaredBody;

use crate::support::{KEY, Suite, Target, check, declared_body, raw_request, validate};

/// Runs the row: parameter `index` of the operation gets `value`.
pub async fn run(suite: &Suite, target: &Target, index: usize, value: &str) -> Result<(), String> {
    let operation = target.operation();
    let parameter = &operation.parameters[index];
    let base = suite.mock_base(target).await?;
    let mut arguments = target.valid_arguments();
    arguments.insert(parameter.name.clone(), value.to_string());
    let credentials = target
        .credentials(KEY)
        .without(parameter.location, &parameter.name);
    let raw = raw_request(suite.http(), target, &base, &arguments, &credentials, &[]).await?;
    let expected = test_support::validation_status(operation, parameter.location);
    check(
        raw.status == expected,
        format!("mock answered {}, expected {expected}", raw.status),
    )?;
    if let DeclaredBody::Json(validator) = declared_body(target, expected)? {
        let body: Value =
            serde_json::from_slice(&raw.body).map_err(|e| format!("body is not JSON: {e}"))?;
        validate(&validator, &body, "validation error body")?;
        let text = body.to_string();
        check(
            text.contains(&parameter.name),
            format!("the error does not name {}: {text}", parameter.name),
        )?;
    }
    // The SDK refuses to send it at all.
    let connection = target.connection(&base, Some(KEY), Vec::new());
    let body = target.request_body()?;
    match Box::pin(sdk::dynamic::call_with_body(
        &target.provider.name,
        &connection,
        &operation.operation_id,
        &arguments,
        body.as_ref(),
    ))
    .await
    {
        Err(sdk::dynamic::CallError::InvalidArgument { .. }) => Ok(()),
        Ok(outcome) if outcome.variant == "InvalidRequest" => Ok(()),
        other => Err(format!("the SDK sent a bad {}: {other:?}", parameter.name)),
    }
}

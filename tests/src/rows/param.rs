//! `param`: a parameter with a wrong type, format or length gets the
//! declared validation status (in the documented shape, naming the
//! parameter) from the mock. The SDK refuses to send a wrong type or
//! format; a wrong length it sends, and reports the mock's answer.

use serde_json::Value;
use test_support::{BadValue, DeclaredBody};

use crate::support::{KEY, Suite, Target, check, declared_body, raw_request, validate};

/// Runs the row: parameter `index` of the operation gets `bad.value`.
pub async fn run(
    suite: &Suite,
    target: &Target,
    index: usize,
    bad: &BadValue,
) -> Result<(), String> {
    let operation = target.operation();
    let parameter = &operation.parameters[index];
    let base = suite.mock_base(target).await?;
    let mut arguments = target.valid_arguments();
    arguments.insert(parameter.name.clone(), bad.value.clone());
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
        Ok(outcome) if bad.breaks_length => check(
            outcome.status == Some(expected) && outcome.variant != "Ok",
            format!(
                "the SDK should report the mock's {expected} for a bad {}, got {outcome:?}",
                parameter.name
            ),
        ),
        Err(sdk::dynamic::CallError::InvalidArgument { .. }) if !bad.breaks_length => Ok(()),
        Ok(outcome) if outcome.variant == "InvalidRequest" && !bad.breaks_length => Ok(()),
        other => Err(format!(
            "the SDK {} a bad {}: {other:?}",
            if bad.breaks_length {
                "should have sent"
            } else {
                "sent"
            },
            parameter.name
        )),
    }
}

//! `param`: a parameter breaking one constraint of its schema (type, `enum`,
//! bounds, `multipleOf`, `pattern`, format, length), or a required one left
//! out, gets a declared client error from the mock, in that status's
//! documented shape, naming the parameter exactly (where the document
//! declares no status for invalid input, an undeclared 4xx marked
//! `X-Mock-Undeclared-Status`). Which declared 4xx is the mock's choice;
//! the row checks what a client relies on, not the choice. The SDK refuses
//! the value before sending, or sends it and reports the mock's answer,
//! never a success; a missing idempotency key it fills in itself. (A
//! credential left out is the `auth` row's matter.)

use serde_json::Value;
use test_support::{BadValue, DeclaredBody, SdkHandling};

use crate::support::{
    KEY, Suite, Target, check, declared_body, names_exactly, raw_request, validate,
};

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
    match &bad.value {
        Some(value) => arguments.insert(parameter.name.clone(), value.clone()),
        None => arguments.remove(&parameter.name),
    };
    let credentials = target
        .credentials(KEY)
        .without(parameter.location, &parameter.name);
    let raw = raw_request(suite.http(), target, &base, &arguments, &credentials, &[]).await?;
    // Credentials were sent: a 401/403 would blame them, not the value.
    check(
        (400..500).contains(&raw.status) && !matches!(raw.status, 401 | 403 | 407),
        format!(
            "mock answered {}, not a client error about the value",
            raw.status
        ),
    )?;
    let named = |body: &Value| {
        check(
            names_exactly(body, &parameter.name),
            format!("the error does not name `{}`: {body}", parameter.name),
        )
    };
    match declared_body(target, raw.status)? {
        // A document that declares no status for invalid input (a gap
        // `cargo xtask codegen` lists): the status is undeclared, and the
        // mock must say so rather than pass it off as the document's.
        DeclaredBody::Undeclared => {
            check(
                raw.marked_undeclared,
                format!(
                    "mock answered {}, which is not declared, without marking it",
                    raw.status
                ),
            )?;
            if let Ok(body) = serde_json::from_slice::<Value>(&raw.body) {
                named(&body)?;
            }
        }
        DeclaredBody::Json(validator) => {
            let body: Value =
                serde_json::from_slice(&raw.body).map_err(|e| format!("body is not JSON: {e}"))?;
            validate(&validator, &body, "the error body")?;
            named(&body)?;
        }
        DeclaredBody::Empty | DeclaredBody::Other(_) => {}
    }
    let connection = target.connection(&base, Some(KEY), Vec::new());
    let body = target.request_body()?;
    let outcome = Box::pin(sdk::dynamic::call_with_body(
        &target.provider.name,
        &connection,
        &operation.operation_id,
        &arguments,
        body.as_ref(),
    ))
    .await;
    let refused = matches!(
        &outcome,
        Err(sdk::dynamic::CallError::InvalidArgument { .. })
    ) || matches!(&outcome, Ok(o) if o.variant == "InvalidRequest" && o.status.is_none());
    let reported = matches!(
        &outcome,
        Ok(o) if o.status == Some(raw.status) && o.variant != "Ok"
    );
    let fine = match bad.sdk {
        SdkHandling::Refuses => refused,
        SdkHandling::Sends => reported,
        SdkHandling::Either => refused || reported,
        SdkHandling::Supplies => matches!(&outcome, Ok(o) if o.variant == "Ok"),
    };
    let wanted = match bad.sdk {
        SdkHandling::Refuses => "refuse".to_string(),
        SdkHandling::Sends => format!("send and report the mock's {} for", raw.status),
        SdkHandling::Either => "refuse, or send and report the error for".to_string(),
        SdkHandling::Supplies => "fill in and succeed with".to_string(),
    };
    check(
        fine,
        format!(
            "the SDK should {wanted} a bad {} ({}), got {outcome:?}",
            parameter.name, bad.case,
        ),
    )
}

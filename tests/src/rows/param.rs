//! `param`: a parameter breaking one constraint of its schema (type, `enum`,
//! bounds, `multipleOf`, `pattern`, format, length), or a required one left
//! out, gets a declared client error from the mock, in that status's
//! documented shape, naming the parameter exactly (where the document
//! declares no status for invalid input, an undeclared 4xx marked
//! `X-Mock-Undeclared-Status`). Which declared 4xx is the mock's choice;
//! the row checks what a client relies on, not the choice. The SDK refuses
//! the value before sending, or sends it and reports the mock's answer,
//! never a success; a missing idempotency key it fills in itself, and a
//! list sent in the wrong style by hand it sends in the declared one, with
//! success. (A credential left out is the `auth` row's matter.)

use test_support::BadValue;

use super::invalid::{refused_by_mock, sdk_handled};
use crate::support::{Extras, KEY, Suite, Target, raw_request_with_body};

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
    let body = target.request_body()?;
    let extras = Extras {
        headers: &[],
        sent_as: bad
            .sent_as
            .map(|encoding| (parameter.name.as_str(), encoding)),
    };
    let raw = raw_request_with_body(
        suite.http(),
        target,
        &base,
        &arguments,
        &credentials,
        body.as_ref(),
        extras,
    )
    .await?;
    refused_by_mock(target, &raw, &parameter.name)?;
    let connection = target.connection(&base, Some(KEY), Vec::new());
    let outcome = Box::pin(sdk::dynamic::call_with_body(
        &target.provider.name,
        &connection,
        &operation.operation_id,
        &arguments,
        body.as_ref(),
    ))
    .await;
    sdk_handled(&outcome, bad.sdk, raw.status).map_err(|wanted| {
        format!(
            "the SDK should {wanted} a bad {} ({}), got {outcome:?}",
            parameter.name, bad.case,
        )
    })
}

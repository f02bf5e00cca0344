//! `body`: a request body breaking one constraint of one member (a type,
//! `enum`, bounds, `multipleOf`, `pattern`, a format, lengths, item counts,
//! a required member left out, an unknown member where the object is
//! closed) gets a declared client error from the mock, in that status's
//! documented shape, naming the member exactly; the SDK refuses the body
//! or sends it and reports the error, never a success. One row per kind of
//! constraint per body schema (see `test_support::bad_bodies`).

use test_support::BadBody;

use super::invalid::{refused_by_mock, sdk_handled};
use crate::support::{Extras, KEY, Suite, Target, raw_request_with_body};

/// Runs the row: the operation's call with `bad.body`.
pub async fn run(suite: &Suite, target: &Target, bad: &BadBody) -> Result<(), String> {
    let operation = target.operation();
    let base = suite.mock_base(target).await?;
    let arguments = target.valid_arguments();
    let credentials = target.credentials(KEY);
    let raw = raw_request_with_body(
        suite.http(),
        target,
        &base,
        &arguments,
        &credentials,
        Some(&bad.body),
        Extras::default(),
    )
    .await?;
    refused_by_mock(target, &raw, &bad.member)
        .map_err(|e| format!("{e} (the body breaks `{}` at `{}`)", bad.case, bad.pointer))?;
    let connection = target.connection(&base, Some(KEY), Vec::new());
    let outcome = Box::pin(sdk::dynamic::call_with_body(
        &target.provider.name,
        &connection,
        &operation.operation_id,
        &arguments,
        Some(&bad.body),
    ))
    .await;
    sdk_handled(&outcome, bad.sdk, raw.status).map_err(|wanted| {
        format!(
            "the SDK should {wanted} a body breaking `{}` at `{}`, got {outcome:?}",
            bad.case, bad.pointer
        )
    })
}

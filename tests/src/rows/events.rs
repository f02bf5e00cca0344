//! `events`: the SDK's `.events()` of an operation whose success is an
//! event stream (through `sdk::dynamic::listen_with`), against the mock
//! sending `Prefer: events=N`, reads every event, each one's data parsed
//! as the document declares it and, re-serialised, matching the declared
//! schema by the spec library's checker (`test_support::sdk::check_listened`,
//! shared with the corpus's rows).

use test_support::sdk::{STREAM_EVENTS, check_listened};

use crate::support::{KEY, Suite, Target};

/// Runs the row.
pub async fn run(suite: &Suite, target: &Target) -> Result<(), String> {
    let base = suite.mock_base(target).await?;
    let prefer = ("Prefer".to_string(), format!("events={STREAM_EVENTS}"));
    let connection = target.connection(&base, Some(KEY), vec![prefer]);
    let body = target.request_body()?;
    let listened = Box::pin(sdk::dynamic::listen_with(
        &target.provider.name,
        &connection,
        &target.operation().operation_id,
        &target.valid_arguments(),
        body.as_ref(),
        STREAM_EVENTS * 2,
    ))
    .await
    .map_err(|e| format!("the SDK could not call: {e}"))?;
    check_listened(&listened, target.document(), target.operation())
}

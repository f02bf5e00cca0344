//! `events`: the SDK's `.events()` of an operation whose success is an
//! event stream (through `sdk::dynamic::listen_with`), against the mock
//! sending `Prefer: events=N`, reads every event, each one's data parsed
//! as the document declares it and, re-serialised, matching the declared
//! schema (checked by the spec library's checker, an independent reading).

use specs::events::{EventData, event_data};

use crate::support::{KEY, Suite, Target, check, validate};

/// Events the mock is asked to send.
const EVENTS: usize = 4;

/// Runs the row.
pub async fn run(suite: &Suite, target: &Target) -> Result<(), String> {
    let stream = target
        .operation()
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .find_map(|r| r.events.as_ref())
        .ok_or("the operation declares no event stream")?;
    let base = suite.mock_base(target).await?;
    let prefer = ("Prefer".to_string(), format!("events={EVENTS}"));
    let connection = target.connection(&base, Some(KEY), vec![prefer]);
    let body = target.request_body()?;
    let listened = Box::pin(sdk::dynamic::listen_with(
        &target.provider.name,
        &connection,
        &target.operation().operation_id,
        &target.valid_arguments(),
        body.as_ref(),
        EVENTS * 2,
    ))
    .await
    .map_err(|e| format!("the SDK could not call: {e}"))?;
    check(
        listened.stopped.is_none(),
        format!("no stream: {:?}", listened.stopped),
    )?;
    check(
        listened.failed.is_none(),
        format!("the stream failed: {:?}", listened.failed),
    )?;
    check(!listened.truncated, "the stream did not end".to_string())?;
    check(
        listened.events.len() == EVENTS,
        format!("{} events, expected {EVENTS}", listened.events.len()),
    )?;
    let document = &target.document().resolved;
    if let EventData::Json(schema) = event_data(document, &stream.schema) {
        let validator = target
            .document()
            .checker()
            .and_then(|checker| checker.validator(schema))
            .map_err(|e| format!("the event schema does not compile: {e}"))?;
        for (index, data) in listened.events.iter().enumerate() {
            validate(&validator, data, &format!("event {index}'s data"))?;
        }
    } else {
        check(
            listened.events.iter().all(serde_json::Value::is_string),
            format!("text data expected: {:?}", listened.events),
        )?;
    }
    Ok(())
}

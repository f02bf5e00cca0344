//! `request`: what the SDK sends (recorded by `wiremock`) matches the
//! document (method, path with encoded ids, credential, required headers),
//! and the mock's validator accepts the same call (its journal shows no problem).

use specs::ParameterLocation;

use crate::support::{KEY, ROW_HEADER, Suite, Target, call, check};

/// Runs the row; `row` names it on the wire, to find its request among others.
pub async fn run(suite: &Suite, target: &Target, row: &str) -> Result<(), String> {
    let operation = target.operation();
    let recorder = suite.recorder().await;
    let arguments = target.valid_arguments();
    let tag = vec![(ROW_HEADER.to_string(), row.to_string())];
    call(target, &recorder.uri(), Some(KEY), tag, &arguments).await?;
    let requests: Vec<_> = recorder
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| {
            r.headers
                .get(ROW_HEADER)
                .is_some_and(|v| v.as_bytes() == row.as_bytes())
        })
        .collect();
    let [request] = requests.as_slice() else {
        return Err(format!("expected one request, recorded {}", requests.len()));
    };
    check(
        request.method.as_str() == operation.method,
        format!("method {}, documented {}", request.method, operation.method),
    )?;
    let sent: Vec<String> = request
        .url
        .path()
        .trim_start_matches('/')
        .split('/')
        .map(test_support::decode_segment)
        .collect();
    let expected = test_support::expected_segments(operation, &arguments);
    check(
        sent == expected,
        format!("path segments {sent:?}, documented {expected:?}"),
    )?;
    let credentials = target.credentials(KEY);
    for (name, value) in &credentials.query {
        let got: Vec<_> = request
            .url
            .query_pairs()
            .filter(|(n, _)| n == name)
            .collect();
        check(
            got.len() == 1 && got[0].1 == value.as_str(),
            format!(
                "credential query parameter {name}: sent {} times, or a wrong value",
                got.len()
            ),
        )?;
    }
    for (name, value) in &credentials.headers {
        let got = request
            .headers
            .get(name.as_str())
            .and_then(|v| v.to_str().ok());
        check(
            got == Some(value.as_str()),
            format!(
                "credential header {name}: {}",
                if got.is_some() {
                    "wrong value"
                } else {
                    "missing"
                }
            ),
        )?;
    }
    for parameter in operation
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Header && p.required)
    {
        check(
            request.headers.contains_key(parameter.name.as_str()),
            format!("required header {} not sent", parameter.name),
        )?;
    }
    // The mock's validator accepts the same call: its journal entry for the
    // call lists no problem (whatever status the operation answers by default).
    let mock = suite.mock().await?;
    let base = suite.mock_base(target).await?;
    let tag = vec![(ROW_HEADER.to_string(), row.to_string())];
    call(target, &base, Some(KEY), tag, &arguments).await?;
    let filter = mock_server::Filter {
        operation_id: Some(operation.operation_id.clone()),
        provider: Some(target.provider.name.clone()),
        status: None,
    };
    let entries = mock.requests(&filter);
    let entry = entries
        .iter()
        .find(|e| e.headers.get(ROW_HEADER).as_deref() == Some(row))
        .ok_or("the mock's journal has no entry for the call")?;
    check(
        entry.problems.is_empty(),
        format!(
            "the mock refused the SDK's request ({}): {:?}",
            entry.status, entry.problems
        ),
    )
}

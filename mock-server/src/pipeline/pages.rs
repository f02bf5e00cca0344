//! page: a list operation's selected success example made into the page
//! the request's position asks for (`mock_model::pages`), so a client
//! walking `next_cursor` or `after=<last id>` reaches a last page, each
//! item once. The collection holds `Prefer: items=N` items (5 by default);
//! a page holds the request's `limit` (10 by default).

use mock_model::model::{Example, Operation, Response};
use mock_model::pages::{DEFAULT_ITEMS, DEFAULT_PAGE_SIZE, MAX_ITEMS, page, start};
use mock_model::problem::Problem;

use crate::pipeline::refusal::Refusal;
use crate::pipeline::request::Incoming;
use crate::pipeline::select::Preference;

/// The page's body, when `operation` pages and `response` is its JSON
/// success answered with `example`; `None`: serve the example as it is.
pub fn paged(
    operation: &'static Operation,
    response: &Response,
    example: Option<&Example>,
    request: &Incoming,
    preference: &Preference<'_>,
) -> Result<Option<String>, Refusal> {
    let Some(paging) = &operation.paging else {
        return Ok(None);
    };
    // A named example is served as the document wrote it.
    if preference.example.is_some() || !(200..300).contains(&response.status) {
        return Ok(None);
    }
    let Some(example) = example.and_then(|e| serde_json::from_str(e.body).ok()) else {
        return Ok(None);
    };
    let total = preference
        .items
        .as_deref()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(DEFAULT_ITEMS)
        .min(MAX_ITEMS);
    let limit = paging
        .limit
        .and_then(|name| request.query_values(name).next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_ITEMS);
    let position = request.query_values(paging.parameter).next();
    let Some(first) = start(paging, &example, position, total) else {
        return Err(Refusal::Invalid {
            operation,
            problems: vec![Problem::new(
                vec!["query".to_string(), paging.parameter.to_string()],
                "names no position in this collection: pass a value a page gave",
                "invalid_position",
            )],
        });
    };
    Ok(Some(
        page(paging, &example, first, limit, total).to_string(),
    ))
}

//! page: a list operation's selected success example made into the page
//! the request's position asks for (`mock_model::pages`), so a client
//! walking `next_cursor`, `after=<last id>`, offsets or page numbers
//! reaches a last page, each item once. The collection holds `Prefer: items=N` items (5 by default);
//! a page holds the request's `limit` (10 by default).

use mock_model::model::{Example, Operation, Response};
use mock_model::pages::{DEFAULT_ITEMS, DEFAULT_PAGE_SIZE, MAX_ITEMS, page, start};

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
) -> Option<String> {
    let paging = operation.paging.as_ref()?;
    // A named example is served as the document wrote it.
    if preference.example.is_some() || !(200..300).contains(&response.status) {
        return None;
    }
    let example = example.and_then(|e| serde_json::from_str(e.body).ok())?;
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
    // A position the mock never gave out (a cursor from elsewhere) is past
    // the end: an empty last page, as a server answers once a collection
    // has moved on, rather than a refusal a test fixture would trip on.
    let first = start(paging, &example, position, total, limit).unwrap_or(usize::MAX);
    Some(page(paging, &example, first, limit, total).to_string())
}

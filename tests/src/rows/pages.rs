//! `pages`: the SDK's `.pages()` of a paginated operation (through
//! `sdk::dynamic::walk_with`), against the mock holding a collection of
//! `Prefer: items=N`, reaches the last page with every item once: none
//! lost, none repeated, the pages as many as the page size makes.

use std::collections::HashSet;

use serde_json::Value;
use specs::refs::Document;

use crate::support::{KEY, Suite, Target, check};

/// Items in the mock's collection for these rows.
const ITEMS: usize = 5;

/// Runs the row.
pub async fn run(suite: &Suite, target: &Target) -> Result<(), String> {
    let pagination = target
        .operation()
        .pagination
        .as_ref()
        .ok_or("the operation is not paginated")?;
    let base = suite.mock_base(target).await?;
    let mut arguments = target.valid_arguments();
    // From the first page, two items a page where the document allows it.
    arguments.remove(&pagination.parameter);
    let page_size = match &pagination.limit {
        Some(limit) if admits(target, limit, 2) => {
            arguments.insert(limit.clone(), "2".to_string());
            Some(2)
        }
        Some(limit) => arguments
            .get(limit)
            .and_then(|value| value.parse::<usize>().ok()),
        None => None,
    };
    let prefer = ("Prefer".to_string(), format!("items={ITEMS}"));
    let connection = target.connection(&base, Some(KEY), vec![prefer]);
    let walk = Box::pin(sdk::dynamic::walk_with(
        &target.provider.name,
        &connection,
        &target.operation().operation_id,
        &arguments,
        ITEMS + 2,
    ))
    .await
    .map_err(|e| format!("the SDK could not walk the pages: {e}"))?;
    check(
        walk.stopped.is_none(),
        format!("the walk stopped: {:?}", walk.stopped),
    )?;
    check(
        !walk.truncated,
        format!("no last page after {} pages", walk.pages),
    )?;
    check(
        walk.items.len() == ITEMS,
        format!(
            "{} items over {} pages, expected {ITEMS}",
            walk.items.len(),
            walk.pages
        ),
    )?;
    if let Some(size) = page_size.filter(|size| *size > 0) {
        let expected = ITEMS.div_ceil(size);
        check(
            walk.pages == expected,
            format!(
                "{} pages of at most {size}, expected {expected}",
                walk.pages
            ),
        )?;
    }
    let ids: Vec<&Value> = walk
        .items
        .iter()
        .filter_map(|item| item.get("id"))
        .collect();
    if !ids.is_empty() {
        let distinct: HashSet<String> = ids.iter().map(|id| id.to_string()).collect();
        check(
            distinct.len() == ITEMS,
            format!(
                "{} distinct ids among {ITEMS} items: {ids:?}",
                distinct.len()
            ),
        )?;
    }
    Ok(())
}

/// Whether the query parameter `name`'s schema takes the integer `value`.
fn admits(target: &Target, name: &str, value: i64) -> bool {
    let document = Document(&target.document().resolved);
    let Some(schema) = target
        .operation()
        .parameters
        .iter()
        .find(|p| p.name == *name)
        .and_then(|p| document.deref(&p.schema))
    else {
        return false;
    };
    let bound = |keyword: &str| schema.get(keyword).and_then(Value::as_f64);
    bound("minimum").is_none_or(|min| value as f64 >= min)
        && bound("maximum").is_none_or(|max| value as f64 <= max)
        && bound("exclusiveMinimum").is_none_or(|min| value as f64 > min)
}

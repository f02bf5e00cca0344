//! `pages`: the SDK's `.pages()` of a paginated operation (through
//! `sdk::dynamic::walk_with`), against the mock holding a collection of
//! `Prefer: items=N`, reaches the last page with every item once: none
//! lost, none repeated, the pages as many as the page size makes
//! (`test_support::sdk::check_walk`, shared with the corpus's rows).

use test_support::sdk::{WALK_ITEMS, check_walk, walk_arguments};

use crate::support::{KEY, Suite, Target};

/// Runs the row.
pub async fn run(suite: &Suite, target: &Target) -> Result<(), String> {
    let base = suite.mock_base(target).await?;
    let (arguments, pages) = walk_arguments(target.document(), target.operation());
    let prefer = ("Prefer".to_string(), format!("items={WALK_ITEMS}"));
    let connection = target.connection(&base, Some(KEY), vec![prefer]);
    let walk = Box::pin(sdk::dynamic::walk_with(
        &target.provider.name,
        &connection,
        &target.operation().operation_id,
        &arguments,
        WALK_ITEMS + 2,
    ))
    .await
    .map_err(|e| format!("the SDK could not walk the pages: {e}"))?;
    check_walk(&walk, pages)
}

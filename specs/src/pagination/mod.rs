//! Which operations are paginated, and how: the one reading both the SDK
//! (`.pages()`, `.stream()`) and the mock (coherent pages) follow.
//!
//! A list operation is paginated when it is a `GET` with a query parameter
//! that carries a position and its success body is an object with one item
//! array and a way to the next position:
//!
//! - **a next member**: the body names the next value (`next_cursor`,
//!   `next_page_token`, `nextPageToken`, `next_offset`, `next`, or the
//!   parameter's own name, as Svix's `iterator`), optionally beside a flag
//!   (`has_more`, or Svix's `done`, inverted);
//! - **the last item**: `after` / `starting_after` with a `has_more` flag:
//!   the next value is the body's `last_id` when it has one, else the last
//!   item's `id` (Stripe, OpenAI, Resend).
//!
//! Anything else (offsets without a next member, page numbers, `Link`
//! headers) is not recognised; such operations stay plain calls, unless
//! `provider.yaml` declares how they page ([`Declared`]):
//!
//! ```yaml
//! pagination:
//!   listThings: {parameter: page, items: results, next: next_page, more: has_more}
//!   listEvents: {parameter: after, items: data, next_item: id, more: has_more}
//!   searchAll: false        # looks paginated, is not
//! ```

mod recognise;

pub(crate) use recognise::declare;
pub use recognise::recognise;

use serde::Deserialize;

/// How a paginated operation moves from page to page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The query parameter that carries the position, as the document spells it.
    pub parameter: String,
    /// The success body's member holding the page's items (an array).
    pub items: String,
    /// Where the next request's position comes from.
    pub next: Next,
    /// The body's boolean member saying whether another page follows.
    pub more: Option<More>,
    /// The query parameter that bounds a page's size (`limit`, `page_size`, ...).
    pub limit: Option<String>,
}

impl Pagination {
    /// Whether a position is an item's id (`after=<last id>`), rather than
    /// a value only the server understands.
    pub fn by_item_id(&self) -> bool {
        match &self.next {
            Next::LastItem(_) => true,
            Next::Member(member) => {
                member == "last_id"
                    && ITEM_ID_PARAMETERS.contains(&folded(&self.parameter).as_str())
            }
        }
    }
}

/// Where the next position comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// A member of the body (`next_cursor`); absent, `null` or empty: the last page.
    Member(String),
    /// A member of the page's last item (its `id`).
    LastItem(String),
}

/// A boolean member of the body about the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct More {
    /// Its name (`has_more`, `done`).
    pub member: String,
    /// `true` when the member says there is *no* next page (Svix's `done`).
    pub inverted: bool,
}

/// How `provider.yaml` says an operation pages: the members by name, or
/// `false` for none.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Declared {
    /// `false`: the operation does not page, whatever its shape.
    Not(bool),
    /// How it pages.
    Pages(DeclaredPages),
}

/// The members of a declared pagination.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredPages {
    /// The query parameter carrying the position.
    parameter: String,
    /// The body's item array.
    items: String,
    /// The body's member naming the next position.
    #[serde(default)]
    next: Option<String>,
    /// Else: the last item's member that is the next position.
    #[serde(default)]
    next_item: Option<String>,
    /// The body's boolean member saying whether another page follows.
    #[serde(default)]
    more: Option<String>,
    /// Whether `more` says there is *no* next page (`done`).
    #[serde(default)]
    more_inverted: bool,
    /// The query parameter bounding a page's size.
    #[serde(default)]
    limit: Option<String>,
}

/// Parameter names (lower case, without `_` and `-`) that carry a position.
const POSITION_PARAMETERS: &[&str] = &[
    "cursor",
    "after",
    "startingafter",
    "pagetoken",
    "nextpagetoken",
    "nexttoken",
    "continuationtoken",
    "iterator",
    "marker",
    "offset",
    "page",
];

/// Parameter names that carry a position which is a number.
const NUMBER_PARAMETERS: &[&str] = &["offset", "page"];

/// Parameter names that carry a position which is an item's id.
const ITEM_ID_PARAMETERS: &[&str] = &["after", "startingafter"];

/// Parameter names that bound a page's size.
const LIMIT_PARAMETERS: &[&str] = &["limit", "pagesize", "perpage", "maxresults", "pagelimit"];

/// Item arrays preferred when a body has several arrays.
const ITEM_MEMBERS: &[&str] = &["data", "items", "results", "list"];

fn folded(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

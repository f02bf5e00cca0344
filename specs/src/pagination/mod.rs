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
//! - **a count**: an integer `offset` (or `skip`) moves on by the items of
//!   the page, an integer `page` (or `page_number`) by one; the last page
//!   is the one a `has_more` flag or a total (`total`, `total_count`,
//!   `total_pages`, ...) says is last, one with fewer items than the
//!   request's limit, or an empty one (Mistral, Netbird, STACKIT, Kuma).
//!
//! - **a next header**: a response header names the next value
//!   (`X-Next-Token`, `Next-Page-Token`: the names of a next member, with
//!   or without `X-`);
//! - **a `Link` header**: the response's `Link: <...>; rel="next"`
//!   (RFC 8288) names the next page, whose `parameter` value is the next
//!   position; no such link, the last page. Recognised where the response
//!   declares a `Link` header, and where the body is a bare array and the
//!   parameter a token (Ory's `page_token`): nothing else could carry it.
//!
//! The items are a member of the body, or the body itself when it is an
//! array (Ory, GitHub, Museum's page numbers). Anything else stays a plain
//! call, unless `provider.yaml` declares how it pages ([`Declared`]):
//!
//! ```yaml
//! pagination:
//!   listThings: {parameter: page, items: results, next: next_page, more: has_more}
//!   listEvents: {parameter: after, items: data, next_item: id, more: has_more}
//!   listZones: {parameter: page, items: zones, count: pages, total_pages: totalPages}
//!   listUsers: {parameter: page_token, link: true}   # items: the body, an array
//!   listJobs: {parameter: token, items: jobs, next_header: X-Continue}
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
    /// The success body's member holding the page's items (an array);
    /// `None`: the body is the array.
    pub items: Option<String>,
    /// Where the next request's position comes from.
    pub next: Next,
    /// The body's boolean member saying whether another page follows.
    pub more: Option<More>,
    /// The query parameter that bounds a page's size (`limit`, `page_size`, ...).
    pub limit: Option<String>,
    /// The body's integer members counting the whole collection.
    pub totals: Totals,
}

/// The body's integer members counting the whole collection, read by
/// counted pagination ([`Next::Offset`], [`Next::Page`]) to stop at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// The items in all pages (`total`, `total_count`, `totalItems`).
    pub items: Option<String>,
    /// The pages (`total_pages`, `totalPages`).
    pub pages: Option<String>,
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
            Next::Offset { .. } | Next::Page { .. } | Next::Header(_) | Next::Link { .. } => false,
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
    /// An item offset: the next is this page's plus its item count.
    Offset {
        /// The offset of a request that sends none (the parameter's `default`, else 0).
        first: u64,
    },
    /// A page number: the next is this page's plus one.
    Page {
        /// The number of the first page (the parameter's `default`, else
        /// its `minimum`, else 1).
        first: u64,
    },
    /// A response header holding it (E2B's `X-Next-Token`); absent or
    /// empty: the last page.
    Header(String),
    /// The `parameter` value in the target of the response's `Link` header
    /// with `rel="next"`; no such link: the last page.
    Link {
        /// Where the parameter is a page number (GitHub's `page`), its
        /// first page (as [`Next::Page`]'s), so a server's links can be
        /// written in numbers the parameter takes.
        first_page: Option<u64>,
    },
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
    Pages(Box<DeclaredPages>),
}

/// The members of a declared pagination.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredPages {
    /// The query parameter carrying the position.
    parameter: String,
    /// The body's item array; absent: the body is the array.
    #[serde(default)]
    items: Option<String>,
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
    /// Else: the position counts `items` (an offset) or `pages` (a page number).
    #[serde(default)]
    count: Option<Counted>,
    /// The body's member counting the items of all pages.
    #[serde(default)]
    total_items: Option<String>,
    /// The body's member counting the pages.
    #[serde(default)]
    total_pages: Option<String>,
    /// Else: the response header naming the next position.
    #[serde(default)]
    next_header: Option<String>,
    /// Else: the `Link` header's `rel="next"` target names the next position.
    #[serde(default)]
    link: bool,
}

/// What a declared counted position counts.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Counted {
    /// Items: an offset.
    Items,
    /// Pages: a page number.
    Pages,
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
    "skip",
    "page",
    "pagenumber",
];

/// Parameter names that carry a position which is a number.
const NUMBER_PARAMETERS: &[&str] = &["offset", "skip", "page", "pagenumber"];

/// Number parameters that count pages (the others count items).
const PAGE_PARAMETERS: &[&str] = &["page", "pagenumber"];

/// Body members counting all items.
const TOTAL_ITEMS_MEMBERS: &[&str] = &[
    "total",
    "totalcount",
    "totalitems",
    "totalrecords",
    "totalresults",
];

/// Body members counting all pages.
const TOTAL_PAGES_MEMBERS: &[&str] = &["totalpages", "pagecount"];

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

//! Every page of a list operation as a stream, fetched as it is read.
//!
//! The builder of each operation the document shows to be paginated (see
//! `specs::pagination`: a cursor, `page_token`, `after` or `iterator`
//! parameter beside a next-position member or a `has_more` flag, or an
//! integer `offset` or `page`) has `.pages()`, a stream of whole pages, and
//! `.stream()`, a stream of their items. Each page is one call with the
//! builder's parameters (its `limit` too) and the call's options (timeout,
//! retries); the stream ends after the page that has no next position, and
//! after the first error.
//!
//! Where a response header holds the next position (`X-Next-Token`), it
//! is read from there. Where the response's `Link` header names the next page (RFC 8288,
//! `rel="next"`, as Ory and GitHub send it), the position is read from
//! that link's query and set on the builder; the link itself is not
//! followed, so every page goes to the client's own server with its own
//! credentials, wherever a link points.
//!
//! An offset moves on by the items of each page, a page number by one,
//! from the builder's own value (else the document's default). Such a
//! stream ends where the page says so (`has_more: false`, a total of items
//! or pages reached) or at the first empty page; a page shorter than the
//! limit asked does not end it, since servers cap limits without saying.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use futures_util::TryStreamExt;
//!
//! let client = sdk::akua::Client::builder().api_key("ak_...").build()?;
//! let snippets: Vec<_> = client.snippets_list().limit(50).stream().try_collect().await?;
//! # Ok(()) }
//! ```

use std::collections::HashSet;

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt};

use crate::{CallOptions, ResponseValue};

/// The pages of a list operation, each a typed response (`.pages()`).
pub type Pages<'a, P, E> = BoxStream<'a, Result<ResponseValue<P>, E>>;

/// The items of every page of a list operation, in order (`.stream()`).
pub type Items<'a, T, E> = BoxStream<'a, Result<T, E>>;

/// Why a stream of pages stopped although the last page named a next one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PageError {
    /// The server named a position it had already named: following it
    /// would fetch the same pages for ever.
    #[error("the server named position `{position}` a second time; following it would loop")]
    Repeated {
        /// The position, as the server sent it.
        position: String,
    },
}

/// One page's call, as a boxed future.
#[doc(hidden)]
pub type PageCall<'a, P, E> = BoxFuture<'a, Result<ResponseValue<P>, E>>;

/// What generated code gives [`pages`]: the first request and how to move on.
#[doc(hidden)]
pub struct Pager<'a, B, P, E> {
    /// The request of the first page, as the caller built it.
    pub first: B,
    /// Every page's call options.
    pub options: CallOptions,
    /// Sends one page's request.
    pub send: fn(B, CallOptions) -> PageCall<'a, P, E>,
    /// The request with its position parameter set.
    pub at: fn(B, String) -> B,
    /// How the next page's position follows from a page.
    pub next: Next<P>,
    /// The operation's error for a [`PageError`].
    pub failed: fn(PageError) -> E,
}

/// How the next page's position follows from a page.
#[doc(hidden)]
pub enum Next<P> {
    /// The page names it (a member, the last item's id), if there is one.
    Named(fn(&P) -> Option<String>),
    /// It counts items (an offset) or pages (a page number).
    Counted(Counted<P>),
    /// It is this response header's value (`X-Next-Token`); absent or
    /// empty: the last page.
    Header(&'static str),
    /// It is this query parameter's value in the `Link` header's
    /// `rel="next"` target; no such link: the last page.
    Linked(&'static str),
}

/// A position that counts items or pages.
#[doc(hidden)]
pub struct Counted<P> {
    /// Page numbers, else item offsets.
    pub pages: bool,
    /// The first request's position.
    pub start: u64,
    /// The position of the collection's first page (0, or 1 for most page numbers).
    pub first: u64,
    /// What a page says about itself and the collection.
    pub facts: fn(&P) -> Facts,
}

/// What a page of counted positions says: its item count, and where given,
/// whether another page follows and the collection's totals.
#[doc(hidden)]
#[derive(Debug, Default, Clone, Copy)]
pub struct Facts {
    /// The page's items.
    pub items: usize,
    /// Whether another page follows (`has_more`).
    pub more: Option<bool>,
    /// The items of all pages.
    pub total_items: Option<u64>,
    /// The pages.
    pub total_pages: Option<u64>,
}

impl<P> Counted<P> {
    /// The position after the page at `current` that says `facts`, given
    /// the `seen` items of the pages before it; `None` after the last page.
    fn after(&self, current: u64, facts: Facts, seen: u64) -> Option<u64> {
        if facts.items == 0 || facts.more == Some(false) {
            return None;
        }
        let items = u64::try_from(facts.items).ok()?;
        let next = if self.pages {
            current.checked_add(1)?
        } else {
            current.checked_add(items)?
        };
        let past_the_total = if self.pages {
            let pages_before_next = next.checked_sub(self.first)?;
            // Items are counted from the first page only when the walk began there.
            facts
                .total_pages
                .is_some_and(|total| pages_before_next >= total)
                || (self.start == self.first
                    && facts.total_items.is_some_and(|total| seen + items >= total))
        } else {
            facts.total_items.is_some_and(|total| next >= total)
        };
        (!past_the_total).then_some(next)
    }
}

enum Step {
    Fetch(Option<String>),
    Fail(PageError),
}

struct State<B, P> {
    first: B,
    next: Next<P>,
    step: Option<Step>,
    seen: HashSet<String>,
    /// Counted positions: the position of the page last asked for, and the
    /// items of the pages before it.
    current: u64,
    counted_items: u64,
}

/// The pages `pager` leads to, lazily.
#[doc(hidden)]
pub fn pages<'a, B, P, E>(pager: Pager<'a, B, P, E>) -> Pages<'a, P, E>
where
    B: Clone + Send + 'a,
    P: Send + 'a,
    E: Send + 'a,
{
    let Pager {
        first,
        options,
        send,
        at,
        next,
        failed,
    } = pager;
    let current = match &next {
        Next::Counted(counted) => counted.start,
        Next::Named(_) | Next::Header(_) | Next::Linked(_) => 0,
    };
    let state = State {
        first,
        next,
        step: Some(Step::Fetch(None)),
        seen: HashSet::new(),
        current,
        counted_items: 0,
    };
    stream::unfold(state, move |mut state| async move {
        let request = match state.step.take()? {
            Step::Fetch(None) => state.first.clone(),
            Step::Fetch(Some(position)) => at(state.first.clone(), position),
            Step::Fail(error) => return Some((Err(failed(error)), state)),
        };
        match send(request, options).await {
            Ok(page) => {
                let position = match &state.next {
                    Next::Named(named) => named(&page),
                    Next::Header(name) => page
                        .headers()
                        .get(*name)
                        .and_then(|value| value.to_str().ok())
                        .map(str::trim)
                        .filter(|value| !value.is_empty())
                        .map(str::to_string),
                    Next::Linked(parameter) => linked_position(page.headers(), parameter),
                    Next::Counted(counted) => {
                        let facts = (counted.facts)(&page);
                        let next = counted.after(state.current, facts, state.counted_items);
                        if let Some(next) = next {
                            state.current = next;
                            state.counted_items += facts.items as u64;
                        }
                        next.map(|next| next.to_string())
                    }
                };
                state.step = position.map(|position| {
                    if state.seen.insert(position.clone()) {
                        Step::Fetch(Some(position))
                    } else {
                        Step::Fail(PageError::Repeated { position })
                    }
                });
                Some((Ok(page), state))
            }
            Err(error) => Some((Err(error), state)),
        }
    })
    .boxed()
}

/// The value of the query parameter `parameter` in the target of the
/// `Link` header's `rel="next"` link; `None` when there is none.
fn linked_position(headers: &reqwest::header::HeaderMap, parameter: &str) -> Option<String> {
    let target = headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(links)
        .find(|link| {
            link.relations
                .split_ascii_whitespace()
                .any(|relation| relation.eq_ignore_ascii_case("next"))
        })?
        .target;
    // A relative target resolves against any base: only its query is read.
    let base = reqwest::Url::parse("http://link.invalid/").ok()?;
    let url = base.join(target).ok()?;
    url.query_pairs()
        .find(|(name, _)| name == parameter)
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.is_empty())
}

/// One link of a `Link` header: its target and its `rel` relation types.
#[derive(Debug, PartialEq)]
struct Link<'h> {
    target: &'h str,
    relations: &'h str,
}

/// The links of one `Link` header value (RFC 8288 section 3):
/// `<target>; rel="next"; title="a, b", <target>; rel=last`. A link that
/// does not parse ends the list.
fn links(value: &str) -> Vec<Link<'_>> {
    let mut found = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        let Some(after_open) = rest.strip_prefix('<') else {
            return found;
        };
        let Some((target, mut after)) = after_open.split_once('>') else {
            return found;
        };
        let mut relations = "";
        // Parameters up to the comma that ends this link (not one in quotes).
        loop {
            after = after.trim_start_matches([' ', '\t']);
            let Some(parameter) = after.strip_prefix(';') else {
                break;
            };
            let parameter = parameter.trim_start_matches([' ', '\t']);
            let name_end = parameter
                .find(|c: char| matches!(c, '=' | ';' | ',') || c.is_whitespace())
                .unwrap_or(parameter.len());
            let (name, tail) = parameter.split_at(name_end);
            let tail = tail.trim_start_matches([' ', '\t']);
            let (value, tail) = match tail.strip_prefix('=') {
                Some(value) => {
                    let value = value.trim_start_matches([' ', '\t']);
                    match value.strip_prefix('"') {
                        Some(quoted) => {
                            let Some(close) = quoted.find('"') else {
                                return found;
                            };
                            (&quoted[..close], &quoted[close + 1..])
                        }
                        None => {
                            let end = value.find([';', ',']).unwrap_or(value.len());
                            (value[..end].trim_end(), &value[end..])
                        }
                    }
                }
                None => ("", tail),
            };
            if name.eq_ignore_ascii_case("rel") && relations.is_empty() {
                relations = value;
            }
            after = tail;
        }
        found.push(Link { target, relations });
        rest = after;
    }
}

/// The items of `pages`, in order.
#[doc(hidden)]
pub fn items<'a, P, T, E>(pages: Pages<'a, P, E>, items: fn(P) -> Vec<T>) -> Items<'a, T, E>
where
    P: Send + 'a,
    T: Send + 'a,
    E: Send + 'a,
{
    pages
        .flat_map(move |page| {
            let items: Vec<Result<T, E>> = match page {
                Ok(page) => items(page.into_inner()).into_iter().map(Ok).collect(),
                Err(error) => vec![Err(error)],
            };
            stream::iter(items)
        })
        .boxed()
}

/// The stream's next item (for generated code, which names no futures crate).
#[doc(hidden)]
pub async fn next<T>(stream: &mut BoxStream<'_, T>) -> Option<T> {
    stream.next().await
}

/// A member that holds a position: text, a number or a UUID, or left out.
#[doc(hidden)]
pub trait Position {
    /// The position as the next request's parameter; `None` when there is none.
    fn position(&self) -> Option<String>;
}

impl Position for String {
    fn position(&self) -> Option<String> {
        Some(self.clone()).filter(|position| !position.is_empty())
    }
}

/// Positions written as their `Display`.
macro_rules! display_positions {
    ($($number:ty),*) => {$(
        impl Position for $number {
            fn position(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
    )*};
}
display_positions!(i32, i64, u32, u64, f64, std::num::NonZeroU64, uuid::Uuid);

/// An integer member or builder value, perhaps left out: a count.
#[doc(hidden)]
pub trait Count {
    /// Its value; `None` when left out or negative.
    fn count(&self) -> Option<u64>;
}

/// Integers as counts.
macro_rules! integer_counts {
    ($($integer:ty),*) => {$(
        impl Count for $integer {
            fn count(&self) -> Option<u64> {
                u64::try_from(*self).ok()
            }
        }
    )*};
}
integer_counts!(i8, i16, i32, i64, u8, u16, u32, u64);

impl Count for std::num::NonZeroU64 {
    fn count(&self) -> Option<u64> {
        Some(self.get())
    }
}

impl Count for std::num::NonZeroU32 {
    fn count(&self) -> Option<u64> {
        Some(u64::from(self.get()))
    }
}

impl<T: Count> Count for Option<T> {
    fn count(&self) -> Option<u64> {
        self.as_ref().and_then(Count::count)
    }
}

impl<T: Position> Position for Option<T> {
    fn position(&self) -> Option<String> {
        self.as_ref().and_then(Position::position)
    }
}

/// A boolean member, perhaps left out.
#[doc(hidden)]
pub trait Flag {
    /// Its value; `None` when the page leaves it out.
    fn flag(&self) -> Option<bool>;
}

impl Flag for bool {
    fn flag(&self) -> Option<bool> {
        Some(*self)
    }
}

impl Flag for Option<bool> {
    fn flag(&self) -> Option<bool> {
        *self
    }
}

#[cfg(test)]
mod tests {
    use futures_util::TryStreamExt;

    use super::*;

    /// A test page: its items and the next position.
    type Page = (Vec<u32>, Option<String>);
    /// The pages a test server answers, by position (`None`: the first).
    type Server = fn(Option<&str>) -> Page;

    #[derive(Clone)]
    struct Request {
        position: Option<String>,
        server: Server,
    }

    fn send(request: Request, _: CallOptions) -> PageCall<'static, Page, String> {
        Box::pin(async move {
            let page = (request.server)(request.position.as_deref());
            Ok(ResponseValue::new(
                page,
                reqwest::StatusCode::OK,
                reqwest::header::HeaderMap::new(),
            ))
        })
    }

    fn pager(server: Server) -> Pager<'static, Request, Page, String> {
        Pager {
            first: Request {
                position: None,
                server,
            },
            options: CallOptions::default(),
            send,
            at: |request, position| Request {
                position: Some(position),
                ..request
            },
            next: Next::Named(|page| page.1.position()),
            failed: |error| error.to_string(),
        }
    }

    /// Counted positions over `page`'s answers, from `start`; the positions
    /// asked for and the items read.
    async fn walk_counted(
        pages: bool,
        start: u64,
        first: u64,
        facts: fn(&Page) -> Facts,
        page: Server,
    ) -> (Vec<Option<String>>, Vec<u32>) {
        static ASKED: std::sync::Mutex<Vec<Option<String>>> = std::sync::Mutex::new(Vec::new());
        fn record(request: Request, options: CallOptions) -> PageCall<'static, Page, String> {
            ASKED.lock().unwrap().push(request.position.clone());
            send(request, options)
        }
        ASKED.lock().unwrap().clear();
        let items: Vec<u32> = items(
            super::pages(Pager {
                send: record,
                next: Next::Counted(Counted {
                    pages,
                    start,
                    first,
                    facts,
                }),
                ..pager(page)
            }),
            |page| page.0,
        )
        .try_collect()
        .await
        .unwrap();
        (std::mem::take(&mut *ASKED.lock().unwrap()), items)
    }

    #[test]
    fn link_headers_name_the_next_position() {
        assert_eq!(
            links(r#"<https://a.test/x?page=2>; rel="next", </x?page=9>;rel=last"#),
            [
                Link {
                    target: "https://a.test/x?page=2",
                    relations: "next"
                },
                Link {
                    target: "/x?page=9",
                    relations: "last"
                }
            ]
        );
        assert_eq!(
            links(r#"<a>; title="a, b; c"; rel="prev next", <b>"#),
            [
                Link {
                    target: "a",
                    relations: "prev next"
                },
                Link {
                    target: "b",
                    relations: ""
                }
            ]
        );
        assert_eq!(links(r#"<a>; title="never closed"#), []);
        assert_eq!(links("no link"), []);

        let mut headers = reqwest::header::HeaderMap::new();
        let position =
            |headers: &reqwest::header::HeaderMap| linked_position(headers, "page_token");
        assert_eq!(position(&headers), None);
        headers.append(
            reqwest::header::LINK,
            r#"</admin/identities?page_size=2&page_token=a%2Bb%3D>; rel="first""#
                .parse()
                .unwrap(),
        );
        assert_eq!(position(&headers), None);
        headers.append(
            reqwest::header::LINK,
            r#"</admin/identities?page_size=2&page_token=a%2Bb%3D>; rel="NEXT""#
                .parse()
                .unwrap(),
        );
        assert_eq!(position(&headers).as_deref(), Some("a+b="));
        let next_without_it = r#"<https://other.test/x?page=2>; rel=next"#;
        headers.insert(reqwest::header::LINK, next_without_it.parse().unwrap());
        assert_eq!(position(&headers), None);
    }

    #[tokio::test]
    async fn linked_pages_walk_until_no_next_link() {
        fn linked(request: Request, _: CallOptions) -> PageCall<'static, Page, String> {
            Box::pin(async move {
                let page = by_offset(request.position.as_deref());
                let offset: usize = request.position.map_or(0, |p| p.parse().unwrap());
                let mut headers = reqwest::header::HeaderMap::new();
                if offset + 2 < 5 {
                    let link = format!("</things?limit=2&cursor={}>; rel=\"next\"", offset + 2);
                    headers.insert(reqwest::header::LINK, link.parse().unwrap());
                }
                Ok(ResponseValue::new(page, reqwest::StatusCode::OK, headers))
            })
        }
        let items: Vec<u32> = items(
            pages(Pager {
                send: linked,
                next: Next::Linked("cursor"),
                ..pager(by_offset)
            }),
            |page| page.0,
        )
        .try_collect()
        .await
        .unwrap();
        assert_eq!(items, [1, 2, 3, 4, 5]);
    }

    /// Five items, `[1, 2, 3, 4, 5]`, two a page, by offset.
    fn by_offset(position: Option<&str>) -> Page {
        let offset: usize = position.map_or(0, |p| p.parse().unwrap());
        ((1..=5).skip(offset).take(2).collect(), None)
    }

    /// The same by page number from 1.
    fn by_page(position: Option<&str>) -> Page {
        let page: usize = position.map_or(1, |p| p.parse().unwrap());
        ((1..=5).skip((page - 1) * 2).take(2).collect(), None)
    }

    #[tokio::test]
    async fn counted_positions_walk_to_an_empty_page_or_a_total() {
        let plain = |page: &Page| Facts {
            items: page.0.len(),
            ..Facts::default()
        };
        // No total: the empty page after the last ends the walk.
        let (asked, items) = walk_counted(false, 0, 0, plain, by_offset).await;
        assert_eq!(items, [1, 2, 3, 4, 5]);
        let asked: Vec<_> = asked.iter().map(Option::as_deref).collect();
        assert_eq!(asked, [None, Some("2"), Some("4"), Some("5")]);
        let (asked, items) = walk_counted(true, 1, 1, plain, by_page).await;
        assert_eq!(items, [1, 2, 3, 4, 5]);
        assert_eq!(asked.len(), 4, "{asked:?}");

        // A total of items or pages ends it at the last page.
        let (asked, items) = walk_counted(
            false,
            0,
            0,
            |page| Facts {
                items: page.0.len(),
                total_items: Some(5),
                ..Facts::default()
            },
            by_offset,
        )
        .await;
        assert_eq!((asked.len(), items.len()), (3, 5));
        let (asked, _) = walk_counted(
            true,
            1,
            1,
            |page| Facts {
                items: page.0.len(),
                total_pages: Some(3),
                ..Facts::default()
            },
            by_page,
        )
        .await;
        assert_eq!(asked.len(), 3);
        let (asked, _) = walk_counted(
            true,
            1,
            1,
            |page| Facts {
                items: page.0.len(),
                total_items: Some(5),
                ..Facts::default()
            },
            by_page,
        )
        .await;
        assert_eq!(asked.len(), 3);
        // `has_more: false` ends it too; a walk from page 2 counts from there.
        let (asked, items) = walk_counted(
            true,
            2,
            1,
            |page| Facts {
                items: page.0.len(),
                more: Some(page.0.len() == 2),
                ..Facts::default()
            },
            |position| by_page(Some(position.unwrap_or("2"))),
        )
        .await;
        assert_eq!(items, [3, 4, 5]);
        assert_eq!(asked.len(), 2);
    }

    #[tokio::test]
    async fn follows_positions_to_the_last_page() {
        let all: Vec<u32> = items(
            pages(pager(|position| match position {
                None => (vec![1, 2], Some("b".into())),
                Some("b") => (vec![3], Some("c".into())),
                Some("c") => (vec![4], Some(String::new())),
                Some(other) => panic!("asked for {other}"),
            })),
            |page| page.0,
        )
        .try_collect()
        .await
        .unwrap();
        assert_eq!(all, [1, 2, 3, 4]);
    }

    #[tokio::test]
    async fn a_repeated_position_ends_with_an_error() {
        let mut stream = pages(pager(|position| match position {
            None => (vec![1], Some("a".into())),
            _ => (vec![2], Some("a".into())),
        }));
        assert!(stream.next().await.unwrap().is_ok());
        assert!(stream.next().await.unwrap().is_ok());
        let error = stream.next().await.unwrap().unwrap_err();
        assert!(error.contains("position `a` a second time"), "{error}");
        assert!(stream.next().await.is_none());
    }

    #[tokio::test]
    async fn an_error_ends_the_stream() {
        let mut stream = pages(Pager {
            send: |_, _| Box::pin(async { Err("refused".to_string()) }),
            ..pager(|_| unreachable!())
        });
        assert_eq!(stream.next().await.unwrap().unwrap_err(), "refused");
        assert!(stream.next().await.is_none());
    }
}

//! Every page of a list operation as a stream, fetched as it is read.
//!
//! The builder of each operation the document shows to be paginated (see
//! `specs::pagination`: a cursor, `page_token`, `after` or `iterator`
//! parameter beside a next-position member or a `has_more` flag) has
//! `.pages()`, a stream of whole pages, and `.stream()`, a stream of their
//! items. Each page is one call with the builder's parameters (its `limit`
//! too) and the call's options (timeout, retries); the stream ends after
//! the page that has no next position, and after the first error.
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
    /// The next page's position, if the page names one.
    pub next: fn(&P) -> Option<String>,
    /// The operation's error for a [`PageError`].
    pub failed: fn(PageError) -> E,
}

enum Step {
    Fetch(Option<String>),
    Fail(PageError),
}

struct State<B> {
    first: B,
    step: Option<Step>,
    seen: HashSet<String>,
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
    let state = State {
        first,
        step: Some(Step::Fetch(None)),
        seen: HashSet::new(),
    };
    stream::unfold(state, move |mut state| async move {
        let request = match state.step.take()? {
            Step::Fetch(None) => state.first.clone(),
            Step::Fetch(Some(position)) => at(state.first.clone(), position),
            Step::Fail(error) => return Some((Err(failed(error)), state)),
        };
        match send(request, options).await {
            Ok(page) => {
                state.step = next(&page).map(|position| {
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
            next: |page| page.1.position(),
            failed: |error| error.to_string(),
        }
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

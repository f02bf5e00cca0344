//! page: a list operation's selected success example made into the page
//! the request's position asks for (`mock_model::pages`), so a client
//! walking `next_cursor`, `after=<last id>`, offsets or page numbers
//! reaches a last page, each item once. The collection holds
//! `Prefer: items=N` items (5 by default); a page holds the request's
//! `limit` (10 by default). Where positions travel in a header, each page
//! but the last names the next: a `Link` to the request's own path and
//! query with the position set (Ory, GitHub), or the position alone in
//! the header the document declares (E2B's `X-Next-Token`).
//!
//! A `--stateful` mock lists what it holds instead: a list whose path is
//! the collection of a resource kind (`GET /operations` for the
//! `operation`s read at `/operations/{id}`) pages through the resources of
//! that kind seeded or moved by requests, each the example's item with its
//! key, and with what reading it in its state answers (the lifecycle's
//! body for that state) where the item has those members.

use axum::http::header::LINK;
use axum::http::{HeaderName, HeaderValue};
use mock_model::model::{Example, NextHeader, Operation, Provider, Resource, Response};
use mock_model::pages::{
    Collection, DEFAULT_ITEMS, DEFAULT_PAGE_SIZE, MAX_ITEMS, page, start, template,
};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::Value;

use crate::pipeline::render;
use crate::pipeline::request::Incoming;
use crate::pipeline::select::Preference;
use crate::pipeline::state::States;

/// The page's answer, when `operation` pages and `response` is its JSON
/// success answered with `example`; `None`: serve the example as it is.
pub fn paged(
    provider: &'static Provider,
    operation: &'static Operation,
    response: &Response,
    example: Option<&Example>,
    request: &Incoming,
    preference: &Preference<'_>,
    states: &States,
) -> Option<axum::response::Response> {
    let paging = operation.paging.as_ref()?;
    // A named example is served as the document wrote it.
    if preference.example.is_some() || !(200..300).contains(&response.status) {
        return None;
    }
    let example = example.and_then(|e| serde_json::from_str(e.body).ok())?;
    let asked = preference
        .items
        .as_deref()
        .and_then(|n| n.parse::<usize>().ok());
    // `Prefer: items=N` asks for a made collection, even of a stateful mock.
    let held_items = match asked {
        None if states.enabled() => held(
            provider,
            operation,
            states,
            template(paging, &example)?.as_ref(),
        ),
        _ => None,
    };
    let collection = match &held_items {
        Some(items) => Collection::Held(items),
        None => Collection::Made(asked.unwrap_or(DEFAULT_ITEMS).min(MAX_ITEMS)),
    };
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
    let first = start(paging, &example, position, collection, limit).unwrap_or(usize::MAX);
    let page = page(paging, &example, first, limit, collection);
    let mut answer = render::declared_body(response, Some(page.body.to_string().into()));
    let Some(header) = paging.header else {
        return Some(answer);
    };
    // The document's example header names no page of this collection.
    let name = match header {
        NextHeader::Link => Some(LINK),
        NextHeader::Named(name) => HeaderName::from_bytes(name.as_bytes()).ok(),
    };
    let Some(name) = name else {
        return Some(answer);
    };
    answer.headers_mut().remove(&name);
    let value = page.header_position.and_then(|next| match header {
        NextHeader::Link => next_link(request, paging.parameter, &next),
        NextHeader::Named(_) => HeaderValue::from_str(&next).ok(),
    });
    if let Some(value) = value {
        answer.headers_mut().insert(name, value);
    }
    Some(answer)
}

/// Characters a query's name or value keeps as they are (RFC 3986's unreserved).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `Link: <path?query>; rel="next"` for the page at `position`: the
/// request's path and query with `parameter` set to it, a reference the
/// client resolves against the URL it asked (RFC 8288), so it names
/// whatever host and mount the client reached the mock at.
fn next_link(request: &Incoming, parameter: &str, position: &str) -> Option<HeaderValue> {
    let kept = request
        .uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or_default().replace('+', " ");
            !pair.is_empty() && percent_decode_str(&name).decode_utf8_lossy() != parameter
        });
    let set = format!(
        "{}={}",
        utf8_percent_encode(parameter, QUERY_VALUE),
        utf8_percent_encode(position, QUERY_VALUE)
    );
    let query: Vec<&str> = kept.chain(std::iter::once(set.as_str())).collect();
    let link = format!("<{}?{}>; rel=\"next\"", request.uri.path(), query.join("&"));
    HeaderValue::from_str(&link).ok()
}

/// The resources of the kind `list` is the collection of, as its items:
/// `template` with each one's key and, where the item has them, the
/// members reading it in its state answers with.
fn held(
    provider: &'static Provider,
    list: &'static Operation,
    states: &States,
    template: &Value,
) -> Option<Vec<Value>> {
    let (resource, key) = collection_of(provider, list)?;
    let item_path = format!("{}/{{{key}}}", list.path);
    let read = provider.operations.iter().find(|o| {
        o.method == "GET"
            && o.path == item_path
            && o.lifecycle
                .as_ref()
                .is_some_and(|l| l.resource == resource.name)
    });
    let key_member = if template.get(key).is_some() {
        key
    } else {
        "id"
    };
    // What reading a resource answers in a state: parsed once per state.
    let mut read_bodies: Vec<(&'static str, Option<Value>)> = Vec::new();
    let mut read_body = |state: &'static str| -> Option<Value> {
        if let Some((_, body)) = read_bodies.iter().find(|(s, _)| *s == state) {
            return body.clone();
        }
        let body = read
            .and_then(|o| o.lifecycle.as_ref())
            .and_then(|l| l.transitions.iter().find(|t| t.from.contains(&state)))
            .and_then(|t| t.body)
            .and_then(|body| serde_json::from_str::<Value>(body).ok());
        read_bodies.push((state, body.clone()));
        body
    };
    // No page shows more than the first `MAX_ITEMS`.
    let items = states
        .held(provider.name, resource.name)
        .into_iter()
        .take(MAX_ITEMS)
        .map(|(ids, state)| {
            let mut item = template.clone();
            if let (Some(object), Some(Value::Object(members))) =
                (item.as_object_mut(), read_body(state))
            {
                for (name, value) in members {
                    if object.contains_key(&name) {
                        object.insert(name, value);
                    }
                }
            }
            let id = ids.into_iter().next().unwrap_or_default();
            if let Some(member) = item.get_mut(key_member) {
                // A number where the example has one.
                *member = match (&*member, id.parse::<u64>()) {
                    (Value::Number(_), Ok(number)) => Value::from(number),
                    _ => Value::String(id),
                };
            }
            item
        })
        .collect();
    Some(items)
}

/// The resource kind of one key parameter whose operations sit at
/// `list`'s path followed by that parameter (`/operations/{id}...`), and
/// the parameter.
fn collection_of(
    provider: &'static Provider,
    list: &'static Operation,
) -> Option<(&'static Resource, &'static str)> {
    provider.resources.iter().find_map(|resource| {
        let [key] = resource.key else {
            return None;
        };
        let item_path = format!("{}/{{{key}}}", list.path);
        let under = |path: &str| {
            path.strip_prefix(&item_path)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', ':']))
        };
        provider
            .operations
            .iter()
            .any(|o| {
                o.lifecycle
                    .as_ref()
                    .is_some_and(|l| l.resource == resource.name)
                    && under(o.path)
            })
            .then_some((resource, *key))
    })
}

//! Whether and how the mock pages a list operation (`specs::pagination`):
//! on when a page made from the success example fits the response schema.

use serde_json::Value;
use specs::pagination::Next;
use specs::refs::Document;

use super::leak::Strings;
use super::synth::synthesize;
use crate::evaluate::is_valid;
use crate::model::{NextHeader, PageEnd, Paging, Response};
use crate::pages;

/// The paging of `operation`, given its built `responses`; `None` when it
/// is not a list the mock can page.
pub(super) fn paging(
    document: Document<'_>,
    operation: &specs::Operation,
    responses: &[Response],
    strings: &mut Strings,
) -> Option<Paging> {
    let pagination = operation.pagination.as_ref()?;
    let response = responses
        .iter()
        .filter(|r| (200..300).contains(&r.status))
        .min_by_key(|r| r.status)?;
    let schema = response.schema?;
    let example: Value = serde_json::from_str(response.examples.first()?.body).ok()?;
    let (next, by_id, first_page) = match &pagination.next {
        Next::Member(member) => (Some(member.as_str()), pagination.by_item_id(), None),
        Next::LastItem(_) => (None, true, None),
        Next::Offset { .. } => (None, false, None),
        Next::Page { first } => (None, false, Some(*first)),
        Next::Header(_) => (None, false, None),
        Next::Link { first_page } => (None, false, *first_page),
    };
    let declared = operation
        .responses
        .iter()
        .find(|r| r.status.is_success())?
        .body
        .as_ref()
        .and_then(|body| document.deref(&body.schema))?;
    let end = match next {
        Some(member) => {
            let nullable = declared
                .get("properties")
                .and_then(|p| p.get(member))
                .is_some_and(|s| document.deref(s).is_some_and(|s| document.is_nullable(s)));
            if nullable {
                PageEnd::Null
            } else if !Document::required(declared).contains(&member) {
                PageEnd::Absent
            } else {
                PageEnd::Empty
            }
        }
        None => PageEnd::Absent,
    };
    // An example with an empty item array (`default: []`) shows no item to
    // copy: one synthesised from the item schema stands in.
    let items_member = pagination.items.as_deref();
    let has_item = pages::items_of(items_member, &example).is_some_and(|items| !items.is_empty());
    let item = if has_item {
        None
    } else {
        let array = match items_member {
            Some(member) => document.deref(declared.get("properties")?.get(member)?)?,
            None => declared,
        };
        let schema = array.get("items")?;
        Some(strings.get(&synthesize(document, schema).to_string()))
    };
    let mut paging = Paging {
        parameter: strings.get(&pagination.parameter),
        limit: pagination.limit.as_deref().map(|l| strings.get(l)),
        items: items_member.map(|m| strings.get(m)),
        next: next.map(|n| strings.get(n)),
        header: match &pagination.next {
            Next::Link { .. } => Some(NextHeader::Link),
            Next::Header(name) => Some(NextHeader::Named(strings.get(name))),
            _ => None,
        },
        by_id,
        first_page,
        totals: (
            pagination.totals.items.as_deref().map(|m| strings.get(m)),
            pagination.totals.pages.as_deref().map(|m| strings.get(m)),
        ),
        item,
        more: pagination
            .more
            .as_ref()
            .map(|more| (strings.get(&more.member), more.inverted)),
        end,
        vary: true,
    };
    // A middle page and a last one, as a client walking three items two at a time sees them.
    let fits = |paging: &Paging| {
        [(0, 2), (2, 2)].iter().all(|&(start, limit)| {
            is_valid(
                schema,
                &pages::page(paging, &example, start, limit, pages::Collection::Made(3)).body,
            )
        })
    };
    if fits(&paging) {
        return Some(paging);
    }
    paging.vary = false;
    (!by_id && fits(&paging)).then_some(paging)
}

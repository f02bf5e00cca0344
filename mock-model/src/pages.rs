//! Coherent pages of a list operation ([`Paging`]): a collection of
//! `total` items made from the success example's first item (each with its
//! own `id` where the schema allows), served a page at a time, each page's
//! position leading to the next and the last saying so. The builder checks
//! a page against the response schema before it turns paging on; the
//! runtime makes each answer.

use std::borrow::Cow;

use serde_json::Value;

use crate::model::{PageEnd, Paging};

/// The collection's size when the request does not say (`Prefer: items=N`).
pub const DEFAULT_ITEMS: usize = 5;
/// A page's size when the request does not bound it.
pub const DEFAULT_PAGE_SIZE: usize = 10;
/// The largest collection, and the largest page, the mock makes.
pub const MAX_ITEMS: usize = 1000;

/// The items of a page `body`: its `member`, or the body itself when no
/// member holds them.
pub fn items_of<'a>(member: Option<&str>, body: &'a Value) -> Option<&'a Vec<Value>> {
    match member {
        Some(member) => body.get(member)?.as_array(),
        None => body.as_array(),
    }
}

/// The item every other is made from: the example's first, else the one
/// synthesised from the item schema.
pub fn template<'a>(paging: &Paging, example: &'a Value) -> Option<Cow<'a, Value>> {
    match items_of(paging.items, example)?.first() {
        Some(first) => Some(Cow::Borrowed(first)),
        None => serde_json::from_str(paging.item?).ok().map(Cow::Owned),
    }
}

/// What a list operation pages through.
#[derive(Debug, Clone, Copy)]
pub enum Collection<'a> {
    /// This many items made from the example's first.
    Made(usize),
    /// These items (a `--stateful` mock's resources).
    Held(&'a [Value]),
}

/// The collection's size: as asked for, none to make without a template.
fn size(paging: &Paging, example: &Value, collection: Collection<'_>) -> usize {
    match collection {
        Collection::Held(items) => items.len().min(MAX_ITEMS),
        Collection::Made(_) if template(paging, example).is_none() => 0,
        Collection::Made(total) => total.min(MAX_ITEMS),
    }
}

/// Items `start..end` of the collection.
fn items(
    paging: &Paging,
    example: &Value,
    collection: Collection<'_>,
    range: std::ops::Range<usize>,
) -> Vec<Value> {
    match collection {
        Collection::Held(items) => items.get(range).unwrap_or_default().to_vec(),
        Collection::Made(_) => match template(paging, example) {
            Some(template) => range.map(|index| item(paging, &template, index)).collect(),
            None => Vec::new(),
        },
    }
}

/// Item `index` of the collection: the template made distinct where the
/// schema allows (its `id`, else its first text), so no two are equal.
fn item(paging: &Paging, template: &Value, index: usize) -> Value {
    let mut item = template.clone();
    if paging.vary {
        match item.get_mut("id") {
            Some(id @ Value::String(_)) => {
                if let Value::String(text) = id {
                    *text = vary(text, index);
                }
            }
            Some(id @ Value::Number(_)) => *id = Value::from(index + 1),
            _ => {
                vary_first_text(&mut item, index);
            }
        }
    }
    item
}

/// The first string in `value` (depth first), varied; whether there was one.
fn vary_first_text(value: &mut Value, index: usize) -> bool {
    match value {
        Value::String(text) => {
            *text = vary(text, index);
            true
        }
        Value::Array(items) => items.iter_mut().any(|item| vary_first_text(item, index)),
        Value::Object(members) => members
            .values_mut()
            .any(|member| vary_first_text(member, index)),
        _ => false,
    }
}

/// An id's text, as a position names it.
fn id_text(item: &Value) -> Option<String> {
    match item.get("id")? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// `id` with its trailing letters and digits replaced by `index`, written
/// in the alphabet they use: the length and character classes stay, so
/// ids keep fitting patterns such as `^snp_[a-z0-9]{24}$` or a UUID.
fn vary(id: &str, index: usize) -> String {
    let run = id
        .bytes()
        .rev()
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    let tail = &id.as_bytes()[id.len() - run..];
    let alphabet: &[u8] = if !tail.is_empty() && tail.iter().all(u8::is_ascii_digit) {
        b"0123456789"
    } else if tail
        .iter()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
    {
        b"0123456789abcdef"
    } else if tail
        .iter()
        .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(b))
    {
        b"0123456789ABCDEF"
    } else if tail.iter().any(u8::is_ascii_lowercase) {
        b"0123456789abcdefghijklmnopqrstuvwxyz"
    } else {
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    };
    let base = alphabet.len();
    let mut digits = Vec::new();
    let mut rest = index;
    loop {
        digits.push(alphabet[rest % base]);
        rest /= base;
        if rest == 0 {
            break;
        }
    }
    let width = digits.len().max(run.min(6));
    digits.resize(width, alphabet[0]);
    digits.reverse();
    let keep = id.len() - width.min(run);
    let mut varied = id[..keep].to_string();
    varied.push_str(std::str::from_utf8(&digits).unwrap_or_default());
    varied
}

/// Where the page asked for starts: `position` as the request gives it
/// (none: the first page), in pages of `limit` items where positions are
/// page numbers; `None` when it names no place in the collection.
pub fn start(
    paging: &Paging,
    example: &Value,
    position: Option<&str>,
    collection: Collection<'_>,
    limit: usize,
) -> Option<usize> {
    let total = size(paging, example, collection);
    let Some(position) = position.filter(|p| !p.is_empty()) else {
        return Some(0);
    };
    if let Some(first) = paging.first_page {
        let pages_before = position.parse::<u64>().ok()?.checked_sub(first)?;
        return usize::try_from(pages_before)
            .ok()?
            .checked_mul(limit.max(1))
            .filter(|start| *start <= total);
    }
    if paging.by_id {
        let named = |item: &Value| id_text(item).as_deref() == Some(position);
        // Items are made one at a time, up to the one named.
        let index = match collection {
            Collection::Held(items) => items[..total].iter().position(named),
            Collection::Made(_) => {
                let template = template(paging, example)?;
                (0..total).position(|index| named(&item(paging, &template, index)))
            }
        };
        return index.map(|index| index + 1);
    }
    position
        .parse::<usize>()
        .ok()
        .filter(|start| *start <= total)
}

/// A page: its body, and the next position where a header names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The body.
    pub body: Value,
    /// Where [`Paging::header`] names one: the next page's position (an
    /// offset, or a page number where positions are), on every page but
    /// the last.
    pub header_position: Option<String>,
}

/// The page of `collection` (its items made from `example`'s first) that
/// starts at `start` and holds at most `limit` items.
pub fn page(
    paging: &Paging,
    example: &Value,
    start: usize,
    limit: usize,
    collection: Collection<'_>,
) -> Page {
    let total = size(paging, example, collection);
    let limit = limit.max(1);
    let end = start.saturating_add(limit).min(total);
    let items = items(paging, example, collection, start.min(end)..end);
    let more = end < total;
    let header_position = (paging.header.is_some() && more).then(|| match paging.first_page {
        Some(first) => (first + (end / limit) as u64).to_string(),
        None => end.to_string(),
    });
    let Some(member) = paging.items else {
        return Page {
            body: Value::Array(items),
            header_position,
        };
    };
    let mut body = example.clone();
    let Some(object) = body.as_object_mut() else {
        return Page {
            body,
            header_position,
        };
    };
    let first_id = items.first().and_then(id_text);
    let last_id = items.last().and_then(id_text);
    object.insert(member.to_string(), Value::Array(items));
    if let Some((member, inverted)) = paging.more {
        object.insert(member.to_string(), Value::Bool(more != inverted));
    }
    let (total_items, total_pages) = paging.totals;
    if let Some(member) = total_items {
        object.insert(member.to_string(), Value::from(total));
    }
    if let Some(member) = total_pages {
        object.insert(member.to_string(), Value::from(total.div_ceil(limit)));
    }
    if let Some(member) = paging.next {
        let next = if paging.by_id {
            last_id.clone()
        } else {
            more.then(|| end.to_string())
        };
        match (next, paging.end) {
            (Some(next), _) => {
                // A number where the example has one (`next_offset: 20`).
                let value = match object.get(member) {
                    Some(Value::Number(_)) => {
                        next.parse::<u64>().map_or(Value::String(next), Value::from)
                    }
                    _ => Value::String(next),
                };
                object.insert(member.to_string(), value);
            }
            (None, PageEnd::Null) => {
                object.insert(member.to_string(), Value::Null);
            }
            (None, PageEnd::Absent) => {
                object.remove(member);
            }
            (None, PageEnd::Empty) => {
                object.insert(member.to_string(), Value::String(String::new()));
            }
        }
    }
    if paging.by_id
        && let (Some(first), Some(Value::String(_))) = (first_id, object.get("first_id"))
    {
        object.insert("first_id".to_string(), Value::String(first));
    }
    Page {
        body,
        header_position,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::NextHeader;

    fn cursor() -> Paging {
        Paging {
            parameter: "cursor",
            limit: Some("limit"),
            items: Some("data"),
            next: Some("next_cursor"),
            header: None,
            by_id: false,
            first_page: None,
            totals: (None, None),
            item: None,
            more: Some(("has_more", false)),
            end: PageEnd::Null,
            vary: true,
        }
    }

    fn example() -> Value {
        json!({"data": [{"id": "snp_0a1b2c", "name": "x"}], "has_more": true, "next_cursor": "abc"})
    }

    /// Every item of the collection, walking pages of `limit` from the start.
    fn walk(paging: &Paging, limit: usize, total: usize) -> Vec<Value> {
        let example = example();
        let mut position: Option<String> = None;
        let mut all = Vec::new();
        for _ in 0..100 {
            let start = start(
                paging,
                &example,
                position.as_deref(),
                Collection::Made(total),
                limit,
            )
            .unwrap();
            let page = page(paging, &example, start, limit, Collection::Made(total)).body;
            all.extend(page["data"].as_array().unwrap().iter().cloned());
            let next = match paging.next {
                Some(member) if !paging.by_id => page[member].as_str().map(str::to_string),
                _ => page["data"]
                    .as_array()
                    .unwrap()
                    .last()
                    .map(|i| i["id"].as_str().unwrap().to_string()),
            };
            if page["has_more"] == json!(false) {
                assert!(paging.by_id || page["next_cursor"].is_null(), "{page}");
                return all;
            }
            position = next;
        }
        panic!("no last page");
    }

    #[test]
    fn pages_lead_through_the_collection_once() {
        for paging in [
            cursor(),
            Paging {
                parameter: "after",
                next: None,
                by_id: true,
                ..cursor()
            },
        ] {
            for (limit, total) in [(2, 5), (1, 1), (10, 5), (3, 9)] {
                let all = walk(&paging, limit, total);
                assert_eq!(all.len(), total);
                let ids: std::collections::HashSet<_> =
                    all.iter().map(|i| i["id"].clone()).collect();
                assert_eq!(ids.len(), total, "{all:?}");
            }
        }
    }

    #[test]
    fn ids_keep_their_shape() {
        assert_eq!(vary("snp_0a1b2c", 0), "snp_000000");
        assert_eq!(vary("snp_0a1b2c", 37), "snp_000025");
        assert_eq!(vary("cus_NffrFeUfNV2Hib", 35), "cus_NffrFeUf00000z");
        assert_eq!(
            vary("3fa85f64-5717-4562-b3fc-2c963f66afa6", 255),
            "3fa85f64-5717-4562-b3fc-2c963f0000ff"
        );
        assert_eq!(vary("42", 7), "07");
        assert_eq!(vary("", 3), "3");
    }

    #[test]
    fn unknown_positions_name_no_place() {
        let example = example();
        assert_eq!(
            start(&cursor(), &example, Some("nope"), Collection::Made(5), 2),
            None
        );
        assert_eq!(
            start(&cursor(), &example, Some("6"), Collection::Made(5), 2),
            None
        );
        assert_eq!(
            start(&cursor(), &example, Some(""), Collection::Made(5), 2),
            Some(0)
        );
        let by_id = Paging {
            by_id: true,
            next: None,
            ..cursor()
        };
        assert_eq!(
            start(&by_id, &example, Some("snp_000001"), Collection::Made(5), 2),
            Some(2)
        );
        assert_eq!(
            start(&by_id, &example, Some("snp_0a1b2c"), Collection::Made(5), 2),
            None
        );
        let pages = Paging {
            first_page: Some(1),
            next: None,
            ..cursor()
        };
        assert_eq!(
            start(&pages, &example, Some("0"), Collection::Made(5), 2),
            None
        );
        assert_eq!(
            start(&pages, &example, Some("3"), Collection::Made(5), 2),
            Some(4)
        );
        assert_eq!(
            start(&pages, &example, Some("4"), Collection::Made(5), 2),
            None
        );
    }

    #[test]
    fn counted_pages_carry_the_collections_totals() {
        let counted = |first_page| Paging {
            next: None,
            more: None,
            first_page,
            totals: (Some("total"), Some("total_pages")),
            ..cursor()
        };
        let example = json!({"data": [{"id": "a1"}], "total": 1, "total_pages": 1});
        // Offsets: 5 items in pages of 2 from offset 0; page numbers from 1.
        for (paging, positions) in [
            (counted(None), ["0", "2", "4", "5"]),
            (counted(Some(1)), ["1", "2", "3", "4"]),
        ] {
            let sizes: Vec<usize> = positions
                .iter()
                .map(|position| {
                    // Past the end: an empty page, as the mock serves it.
                    let first = start(&paging, &example, Some(position), Collection::Made(5), 2)
                        .unwrap_or(usize::MAX);
                    let page = page(&paging, &example, first, 2, Collection::Made(5)).body;
                    assert_eq!(
                        (&page["total"], &page["total_pages"]),
                        (&json!(5), &json!(3))
                    );
                    page["data"].as_array().unwrap().len()
                })
                .collect();
            assert_eq!(sizes, [2, 2, 1, 0], "{positions:?}");
        }
    }

    #[test]
    fn bare_arrays_page_with_links_to_the_next_position() {
        let linked = |first_page| Paging {
            parameter: "page_token",
            items: None,
            next: None,
            header: Some(NextHeader::Link),
            more: None,
            first_page,
            ..cursor()
        };
        let array = json!([{"id": "id_a1"}]);
        // Offsets as tokens (Ory), page numbers from 1 (GitHub).
        for (paging, expected) in [
            (linked(None), [Some("2"), Some("4"), None]),
            (linked(Some(1)), [Some("2"), Some("3"), None]),
        ] {
            let mut position: Option<String> = None;
            let mut ids = Vec::new();
            for next in expected {
                let first =
                    start(&paging, &array, position.as_deref(), Collection::Made(5), 2).unwrap();
                let page = page(&paging, &array, first, 2, Collection::Made(5));
                ids.extend(
                    page.body
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|i| i["id"].clone()),
                );
                assert_eq!(page.header_position.as_deref(), next);
                position = page.header_position;
            }
            assert_eq!(ids.len(), 5);
            assert_eq!(
                ids.iter().collect::<std::collections::HashSet<_>>().len(),
                5
            );
        }
        // An object body has no link without `Paging::link`.
        assert_eq!(
            page(&cursor(), &example(), 0, 2, Collection::Made(5)).header_position,
            None
        );
    }

    #[test]
    fn items_without_an_id_differ_in_their_first_text() {
        let paging = Paging {
            items: Some("namespaces"),
            ..cursor()
        };
        let example = json!({"namespaces": [["accounting", "tax"]]});
        let page = page(&paging, &example, 0, 3, Collection::Made(3)).body;
        let expected: Vec<Value> = (0..3)
            .map(|i| json!([vary("accounting", i), "tax"]))
            .collect();
        assert_eq!(page["namespaces"], Value::Array(expected));
        assert_ne!(page["namespaces"][0], page["namespaces"][1]);
    }

    #[test]
    fn held_items_page_as_they_are() {
        let held = [
            json!({"id": "op_a"}),
            json!({"id": "op_b"}),
            json!({"id": "op_c"}),
        ];
        let by_id = Paging {
            by_id: true,
            next: None,
            ..cursor()
        };
        let example = example();
        let first = page(&by_id, &example, 0, 2, Collection::Held(&held)).body;
        assert_eq!(first["data"], json!([{"id": "op_a"}, {"id": "op_b"}]));
        assert_eq!(first["has_more"], json!(true));
        let after = start(&by_id, &example, Some("op_b"), Collection::Held(&held), 2).unwrap();
        let last = page(&by_id, &example, after, 2, Collection::Held(&held)).body;
        assert_eq!(last["data"], json!([{"id": "op_c"}]));
        assert_eq!(last["has_more"], json!(false));
        let none = page(&by_id, &example, 0, 2, Collection::Held(&[])).body;
        assert_eq!(
            (&none["data"], &none["has_more"]),
            (&json!([]), &json!(false))
        );
    }

    #[test]
    fn an_example_without_items_pages_the_synthesised_item() {
        let paging = Paging {
            item: Some(r#"{"id": "job_0"}"#),
            ..cursor()
        };
        let example = json!({"data": [], "has_more": true, "next_cursor": "x"});
        let page = page(&paging, &example, 0, 2, Collection::Made(3)).body;
        assert_eq!(page["data"], json!([{"id": "job_0"}, {"id": "job_1"}]));
    }

    #[test]
    fn without_an_item_to_copy_the_collection_is_empty() {
        let example = json!({"data": [], "has_more": true, "next_cursor": "x"});
        let page = page(&cursor(), &example, 0, 10, Collection::Made(5)).body;
        assert_eq!(
            page,
            json!({"data": [], "has_more": false, "next_cursor": null})
        );
    }
}

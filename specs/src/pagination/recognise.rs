//! Recognising an operation's pagination in its document, and applying
//! `provider.yaml`'s declarations.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::{
    Counted, Declared, ITEM_ID_PARAMETERS, ITEM_MEMBERS, LIMIT_PARAMETERS, More, NUMBER_PARAMETERS,
    Next, PAGE_PARAMETERS, POSITION_PARAMETERS, Pagination, TOTAL_ITEMS_MEMBERS,
    TOTAL_PAGES_MEMBERS, Totals, folded,
};
use crate::refs::Document;
use crate::{Location, Operation, SpecError};

/// Applies `provider.yaml`'s declarations (read from `manifest`) to `operations`.
pub(crate) fn declare(
    operations: &mut [Operation],
    declared: &BTreeMap<String, Declared>,
    manifest: &Path,
) -> Result<(), SpecError> {
    for (operation_id, declaration) in declared {
        let at = Location::new(manifest, crate::pointer::join("/pagination", operation_id));
        let Some(operation) = operations
            .iter_mut()
            .find(|o| o.operation_id == *operation_id)
        else {
            return Err(SpecError::invalid(at, "no operation has this operationId"));
        };
        operation.pagination = match declaration {
            Declared::Not(false) => None,
            Declared::Not(true) => {
                return Err(SpecError::invalid(
                    at,
                    "`true` says nothing of how: name `parameter`, `items` and `next` or `next_item`",
                ));
            }
            Declared::Pages(pages) => {
                let schema = operation
                    .parameters
                    .iter()
                    .find(|p| p.name == pages.parameter)
                    .map(|p| &p.schema);
                let next = match (
                    &pages.next,
                    &pages.next_item,
                    pages.count,
                    &pages.next_header,
                    pages.link,
                ) {
                    (Some(member), None, None, None, false) => Next::Member(member.clone()),
                    (None, Some(member), None, None, false) => Next::LastItem(member.clone()),
                    (None, None, Some(Counted::Items), None, false) => Next::Offset {
                        first: first_position(schema, false),
                    },
                    (None, None, Some(Counted::Pages), None, false) => Next::Page {
                        first: first_position(schema, true),
                    },
                    (None, None, None, Some(header), false) => Next::Header(header.clone()),
                    (None, None, None, None, true) => Next::Link {
                        first_page: PAGE_PARAMETERS
                            .contains(&folded(&pages.parameter).as_str())
                            .then(|| first_position(schema, true)),
                    },
                    _ => {
                        return Err(SpecError::invalid(
                            at,
                            "name exactly one of `next` (a body member), `next_item` (the last item's), `count` (`items` or `pages`), `next_header` and `link: true`",
                        ));
                    }
                };
                let query = |name: &str| {
                    operation
                        .parameters
                        .iter()
                        .any(|p| p.name == name && p.location == crate::ParameterLocation::Query)
                };
                for parameter in std::iter::once(&pages.parameter).chain(&pages.limit) {
                    if !query(parameter) {
                        return Err(SpecError::invalid(
                            at.clone(),
                            format!("the operation has no query parameter `{parameter}`"),
                        ));
                    }
                }
                Some(Pagination {
                    parameter: pages.parameter.clone(),
                    items: pages.items.clone(),
                    next,
                    more: pages.more.clone().map(|member| More {
                        member,
                        inverted: pages.more_inverted,
                    }),
                    limit: pages.limit.clone(),
                    totals: Totals {
                        items: pages.total_items.clone(),
                        pages: pages.total_pages.clone(),
                    },
                })
            }
        };
    }
    Ok(())
}

/// The position of a request that sends none, read from the parameter's
/// `schema`: its integer `default`, else for page numbers its `minimum`,
/// else 1 for page numbers and 0 for offsets.
fn first_position(schema: Option<&Value>, pages: bool) -> u64 {
    let number = |keyword: &str| schema.and_then(|s| s.get(keyword)).and_then(Value::as_u64);
    number("default")
        .or_else(|| if pages { number("minimum") } else { None })
        .unwrap_or(u64::from(pages))
}

/// The types a schema admits: its `type`, or its `anyOf`/`oneOf` branches
/// (`anyOf: [{type: string}, {type: null}]`, as generated 3.1 documents write `Option`).
fn types<'a>(document: Document<'a>, schema: &'a Value) -> Vec<&'a str> {
    let Some(schema) = document.deref(schema) else {
        return Vec::new();
    };
    let mut types = Document::types(schema);
    for keyword in ["anyOf", "oneOf"] {
        for branch in schema
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(branch) = document.deref(branch) {
                types.extend(Document::types(branch));
            }
        }
    }
    types
}

/// How `operation` pages, read from `document` (the resolved document it comes from).
pub fn recognise(document: &Value, operation: &Operation) -> Option<Pagination> {
    if operation.method != "GET" {
        return None;
    }
    let document = Document(document);
    let query = || {
        operation
            .parameters
            .iter()
            .filter(|p| p.location == crate::ParameterLocation::Query)
    };
    let limit = query()
        .find(|p| LIMIT_PARAMETERS.contains(&folded(&p.name).as_str()))
        .map(|p| p.name.clone());
    let body = operation
        .responses
        .iter()
        .find(|r| r.status.is_success())?
        .body
        .as_ref()
        .filter(|b| crate::is_json(&b.media_type))?;
    let schema = document.deref(&body.schema)?;
    let no_members = serde_json::Map::new();
    // A bare array is the page's items; else one array member is.
    let bare = types(document, schema) == ["array"];
    let properties = if bare {
        &no_members
    } else {
        schema.get("properties")?.as_object()?
    };
    let member_types = |name: &str| -> Vec<&str> {
        properties
            .get(name)
            .map(|s| types(document, s))
            .unwrap_or_default()
    };
    let arrays: Vec<&String> = properties
        .keys()
        .filter(|name| member_types(name).contains(&"array"))
        .collect();
    let items = match arrays.as_slice() {
        _ if bare => None,
        [one] => Some((*one).clone()),
        _ => Some(
            (*arrays
                .iter()
                .find(|name| ITEM_MEMBERS.contains(&name.as_str()))?)
            .clone(),
        ),
    };
    let item_member = items.clone().unwrap_or_default();
    let headers: Vec<&str> = operation
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .flat_map(|r| &r.headers)
        .map(|h| h.name.as_str())
        .collect();
    let linked = headers.iter().any(|h| h.eq_ignore_ascii_case("link"));
    let flag = |name: &str| member_types(name).contains(&"boolean");
    let more = properties
        .keys()
        .find(|name| folded(name) == "hasmore" && flag(name))
        .map(|member| More {
            member: member.clone(),
            inverted: false,
        })
        .or_else(|| {
            properties
                .keys()
                .find(|name| folded(name) == "done" && flag(name))
                .map(|member| More {
                    member: member.clone(),
                    inverted: true,
                })
        });
    let scalar = |name: &str| {
        let types = member_types(name);
        types.contains(&"string") || types.contains(&"integer")
    };
    let count_member = |names: &[&str]| {
        properties
            .keys()
            .find(|name| {
                names.contains(&folded(name).as_str()) && member_types(name).contains(&"integer")
            })
            .cloned()
    };
    let totals = Totals {
        items: count_member(TOTAL_ITEMS_MEMBERS),
        pages: count_member(TOTAL_PAGES_MEMBERS),
    };
    for parameter in query() {
        let name = folded(&parameter.name);
        if !POSITION_PARAMETERS.contains(&name.as_str()) {
            continue;
        }
        // The next value must be one the parameter takes: not a URL, and of
        // the parameter's type (Kuma's `next` is the next page's URL
        // beside an integer `offset`).
        let parameter_types = types(document, &parameter.schema);
        let fits = |member: &str| {
            let schema = properties.get(member).and_then(|s| document.deref(s));
            let url = schema
                .and_then(|s| s.get("format"))
                .and_then(Value::as_str)
                .is_some_and(|f| matches!(f, "uri" | "url" | "uri-reference"));
            let member_types = member_types(member);
            !url && (parameter_types.is_empty()
                || parameter_types.iter().any(|t| member_types.contains(t)))
        };
        let mut wanted = vec![
            format!("next{name}"),
            "nextcursor".to_string(),
            "nextpagetoken".to_string(),
            "nexttoken".to_string(),
            "next".to_string(),
        ];
        // A member named as the parameter is the next position for a
        // token (Svix's `iterator`), but the current one for a number
        // (Netbird's `page` beside `total_pages`).
        if !NUMBER_PARAMETERS.contains(&name.as_str()) {
            wanted.push(name.clone());
        }
        let next = wanted.iter().find_map(|want| {
            properties.keys().find(|member| {
                folded(member) == *want && **member != item_member && scalar(member) && fits(member)
            })
        });
        if let Some(member) = next {
            return Some(Pagination {
                parameter: parameter.name.clone(),
                items,
                next: Next::Member(member.clone()),
                more,
                limit,
                totals: Totals::default(),
            });
        }
        // A response header of those names (`X-Next-Token`).
        let header = wanted.iter().find_map(|want| {
            headers.iter().find(|header| {
                let name = folded(header);
                name.strip_prefix('x').unwrap_or(&name) == want
            })
        });
        if let Some(header) = header {
            return Some(Pagination {
                parameter: parameter.name.clone(),
                items,
                next: Next::Header(header.to_string()),
                more,
                limit,
                totals: Totals::default(),
            });
        }
        if ITEM_ID_PARAMETERS.contains(&name.as_str()) && more.as_ref().is_some_and(|m| !m.inverted)
        {
            let next = if properties.contains_key("last_id") && scalar("last_id") && fits("last_id")
            {
                Next::Member("last_id".to_string())
            } else {
                let item = document.deref(properties.get(&item_member)?.get("items")?)?;
                let id = document.deref(item.get("properties")?.get("id")?)?;
                if !types(document, id).contains(&"string") {
                    return None;
                }
                Next::LastItem("id".to_string())
            };
            return Some(Pagination {
                parameter: parameter.name.clone(),
                items,
                next,
                more,
                limit,
                totals: Totals::default(),
            });
        }
    }
    // No member names the next position: a `Link` header does, where the
    // response declares one or where nothing else could carry a token; a
    // token before a number (Ory's `page_token` beside a deprecated `page`).
    let token = |p: &&crate::Parameter| {
        let name = folded(&p.name);
        POSITION_PARAMETERS.contains(&name.as_str())
            && !NUMBER_PARAMETERS.contains(&name.as_str())
            && !ITEM_ID_PARAMETERS.contains(&name.as_str())
    };
    let linked_parameter = if linked {
        query()
            .find(token)
            .or_else(|| query().find(|p| POSITION_PARAMETERS.contains(&folded(&p.name).as_str())))
    } else if bare {
        query().find(token)
    } else {
        None
    };
    if let Some(parameter) = linked_parameter {
        let numbered = PAGE_PARAMETERS.contains(&folded(&parameter.name).as_str())
            && types(document, &parameter.schema).contains(&"integer");
        return Some(Pagination {
            parameter: parameter.name.clone(),
            items,
            next: Next::Link {
                first_page: numbered
                    .then(|| first_position(document.deref(&parameter.schema), true)),
            },
            more,
            limit,
            totals: Totals::default(),
        });
    }
    // Else an integer offset or page number counts its way there.
    let parameter = query().find(|p| {
        NUMBER_PARAMETERS.contains(&folded(&p.name).as_str())
            && types(document, &p.schema).contains(&"integer")
    })?;
    let schema = document.deref(&parameter.schema);
    let next = if PAGE_PARAMETERS.contains(&folded(&parameter.name).as_str()) {
        Next::Page {
            first: first_position(schema, true),
        }
    } else {
        Next::Offset {
            first: first_position(schema, false),
        }
    };
    Some(Pagination {
        parameter: parameter.name.clone(),
        items,
        next,
        more,
        limit,
        totals,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{Body, Parameter, ParameterLocation, Response, Status};

    fn list(parameters: &[&str], body: Value) -> (Value, Operation) {
        let document = json!({"components": {"schemas": {"Page": body, "Item": {
            "type": "object", "properties": {"id": {"type": "string"}}}}}});
        let operation = Operation {
            operation_id: "list".into(),
            sdk_name: "list".into(),
            method: "GET".into(),
            path: "/things".into(),
            summary: None,
            tags: Vec::new(),
            document: 0,
            parameters: parameters
                .iter()
                .map(|name| Parameter {
                    name: name.to_string(),
                    location: ParameterLocation::Query,
                    required: false,
                    schema: json!({"type": "string"}),
                    list: None,
                })
                .collect(),
            request_body: None,
            responses: vec![Response {
                status: Status::Code(200),
                description: String::new(),
                body: Some(Body {
                    media_type: "application/json".into(),
                    schema: json!({"$ref": "#/components/schemas/Page"}),
                    type_name: Some("Page".into()),
                    examples: Vec::new(),
                    encoding: Vec::new(),
                }),
                events: None,
                headers: Vec::new(),
            }],
            security: Default::default(),
            pagination: None,
        };
        (document, operation)
    }

    fn items() -> Value {
        json!({"type": "array", "items": {"$ref": "#/components/schemas/Item"}})
    }

    #[test]
    fn next_cursor_with_has_more() {
        let (document, operation) = list(
            &["cursor", "limit"],
            json!({"type": "object", "properties": {
                "data": items(), "has_more": {"type": "boolean"},
                "next_cursor": {"type": ["string", "null"]}}}),
        );
        assert_eq!(
            recognise(&document, &operation),
            Some(Pagination {
                parameter: "cursor".into(),
                items: Some("data".into()),
                next: Next::Member("next_cursor".into()),
                more: Some(More {
                    member: "has_more".into(),
                    inverted: false
                }),
                limit: Some("limit".into()),
                totals: Totals::default(),
            })
        );
    }

    #[test]
    fn svix_iterator_and_done() {
        let (document, operation) = list(
            &["iterator", "limit"],
            json!({"type": "object", "properties": {
                "data": items(), "done": {"type": "boolean"},
                "iterator": {"type": "string", "nullable": true},
                "prevIterator": {"type": "string"}}}),
        );
        let pagination = recognise(&document, &operation).unwrap();
        assert_eq!(pagination.next, Next::Member("iterator".into()));
        assert_eq!(
            pagination.more,
            Some(More {
                member: "done".into(),
                inverted: true
            })
        );
    }

    #[test]
    fn after_with_the_last_items_id_or_last_id() {
        let body = json!({"type": "object", "properties": {
            "object": {"type": "string"}, "data": items(), "has_more": {"type": "boolean"}}});
        let (document, operation) = list(&["after"], body.clone());
        let pagination = recognise(&document, &operation).unwrap();
        assert_eq!(pagination.next, Next::LastItem("id".into()));

        let mut with_last_id = body;
        with_last_id["properties"]["last_id"] = json!({"type": "string"});
        let (document, operation) = list(&["starting_after"], with_last_id);
        let pagination = recognise(&document, &operation).unwrap();
        assert_eq!(pagination.next, Next::Member("last_id".into()));
    }

    #[test]
    fn provider_yaml_declares_or_refuses() {
        let (document, operation) = list(
            &["page", "per_page"],
            json!({"type": "object", "properties": {"results": items(), "next_page": {"type": "integer"}}}),
        );
        let mut operations = vec![operation];
        operations[0].pagination = recognise(&document, &operations[0]);
        assert_eq!(operations[0].pagination, None);
        let declared: BTreeMap<String, Declared> = serde_json::from_value(json!({
            "list": {"parameter": "page", "items": "results", "next": "next_page", "limit": "per_page"}
        }))
        .unwrap();
        declare(&mut operations, &declared, Path::new("provider.yaml")).unwrap();
        let pagination = operations[0].pagination.clone().unwrap();
        assert_eq!(pagination.next, Next::Member("next_page".into()));
        assert_eq!(pagination.limit.as_deref(), Some("per_page"));

        let counted: BTreeMap<String, Declared> = serde_json::from_value(json!({
            "list": {"parameter": "page", "items": "results", "count": "pages", "total_pages": "pages"}
        }))
        .unwrap();
        declare(&mut operations, &counted, Path::new("provider.yaml")).unwrap();
        let pagination = operations[0].pagination.clone().unwrap();
        assert_eq!(pagination.next, Next::Page { first: 1 });
        assert_eq!(pagination.totals.pages.as_deref(), Some("pages"));

        let not: BTreeMap<String, Declared> =
            serde_json::from_value(json!({"list": false})).unwrap();
        declare(&mut operations, &not, Path::new("provider.yaml")).unwrap();
        assert_eq!(operations[0].pagination, None);

        for (bad, why) in [
            (json!({"nope": false}), "no operation has this operationId"),
            (json!({"list": true}), "says nothing of how"),
            (
                json!({"list": {"parameter": "page", "items": "results"}}),
                "exactly one of",
            ),
            (
                json!({"list": {"parameter": "page", "items": "results", "next": "n", "count": "items"}}),
                "exactly one of",
            ),
            (
                json!({"list": {"parameter": "cursor", "items": "results", "next": "n"}}),
                "no query parameter `cursor`",
            ),
        ] {
            let declared: BTreeMap<String, Declared> = serde_json::from_value(bad).unwrap();
            let error =
                declare(&mut operations, &declared, Path::new("provider.yaml")).unwrap_err();
            assert!(error.to_string().contains(why), "{error}");
            assert!(error.to_string().contains("provider.yaml"), "{error}");
        }
    }

    #[test]
    fn counted_offsets_and_page_numbers() {
        // An integer offset beside a total (Mistral's voices, Kuma).
        let (document, mut operation) = list(
            &["offset", "limit"],
            json!({"type": "object", "properties": {
                "items": items(), "total": {"type": "integer"},
                "next": {"type": "string", "format": "uri"}}}),
        );
        operation.parameters[0].schema = json!({"type": "integer", "default": 0});
        assert_eq!(
            recognise(&document, &operation),
            Some(Pagination {
                parameter: "offset".into(),
                items: Some("items".into()),
                next: Next::Offset { first: 0 },
                more: None,
                limit: Some("limit".into()),
                totals: Totals {
                    items: Some("total".into()),
                    pages: None
                },
            })
        );
        // A page number from 1 beside the current one and a page count (Netbird).
        let (document, mut operation) = list(
            &["page", "page_size"],
            json!({"type": "object", "properties": {
                "data": items(), "page": {"type": "integer"},
                "total_records": {"type": "integer"}, "total_pages": {"type": "integer"}}}),
        );
        operation.parameters[0].schema = json!({"type": "integer", "minimum": 1});
        let pagination = recognise(&document, &operation).unwrap();
        assert_eq!(pagination.next, Next::Page { first: 1 });
        assert_eq!(pagination.limit.as_deref(), Some("page_size"));
        assert_eq!(
            pagination.totals,
            Totals {
                items: Some("total_records".into()),
                pages: Some("total_pages".into())
            }
        );
        // Mistral's pages count from their default, 0; a flag ends them too.
        let (document, mut operation) = list(
            &["page"],
            json!({"type": "object", "properties": {"data": items(), "has_more": {"type": "boolean"}}}),
        );
        operation.parameters[0].schema = json!({"type": "integer", "default": 0});
        let pagination = recognise(&document, &operation).unwrap();
        assert_eq!(pagination.next, Next::Page { first: 0 });
        assert_eq!(pagination.more.map(|m| m.member), Some("has_more".into()));
    }

    #[test]
    fn bare_arrays_and_link_headers() {
        // E2B: a bare array and the next token in a header of its own.
        let (document, mut operation) = list(&["nextToken", "limit"], items());
        operation.responses[0].headers.push(crate::ResponseHeader {
            name: "X-Next-Token".into(),
            required: false,
            schema: json!({"type": "string"}),
            example: None,
        });
        let pagination = recognise(&document, &operation).unwrap();
        assert_eq!(pagination.next, Next::Header("X-Next-Token".into()));
        // Ory: a bare array and a token, which only a `Link` header can carry.
        let (document, mut operation) = list(&["page", "page_size", "page_token"], items());
        operation.parameters[0].schema = json!({"type": "integer"});
        let pagination = recognise(&document, &operation).unwrap();
        assert_eq!(pagination.parameter, "page_token");
        assert_eq!(pagination.items, None);
        assert_eq!(pagination.next, Next::Link { first_page: None });
        assert_eq!(pagination.limit.as_deref(), Some("page_size"));
        // Museum: a bare array and a page number, counted.
        let (document, mut operation) = list(&["page", "limit"], items());
        operation.parameters[0].schema = json!({"type": "integer", "default": 1});
        let pagination = recognise(&document, &operation).unwrap();
        assert_eq!(
            (pagination.items, pagination.next),
            (None, Next::Page { first: 1 })
        );
        // GitHub: the same with a declared `Link` header follows the link.
        operation.responses[0].headers.push(crate::ResponseHeader {
            name: "Link".into(),
            required: false,
            schema: json!({"type": "string"}),
            example: None,
        });
        let pagination = recognise(&document, &operation).unwrap();
        assert_eq!(
            pagination.next,
            Next::Link {
                first_page: Some(1)
            }
        );
        // An object body without a next member, beside a declared link.
        let (document, mut operation) = list(
            &["cursor"],
            json!({"type": "object", "properties": {"results": items()}}),
        );
        assert_eq!(recognise(&document, &operation), None);
        operation.responses[0].headers.push(crate::ResponseHeader {
            name: "link".into(),
            required: true,
            schema: json!({"type": "string"}),
            example: None,
        });
        let pagination = recognise(&document, &operation).unwrap();
        assert_eq!(pagination.items.as_deref(), Some("results"));
        assert_eq!(pagination.next, Next::Link { first_page: None });
        // A bare array with only an item id or nothing to page by.
        let (document, operation) = list(&["after", "limit"], items());
        assert_eq!(recognise(&document, &operation), None);
        // Declared: `link: true`, the body the array.
        let (document, operation) = list(&["pageToken"], json!({"type": "string"}));
        let mut operations = vec![operation];
        assert_eq!(recognise(&document, &operations[0]), None);
        let declared: BTreeMap<String, Declared> =
            serde_json::from_value(json!({"list": {"parameter": "pageToken", "link": true}}))
                .unwrap();
        declare(&mut operations, &declared, Path::new("provider.yaml")).unwrap();
        let pagination = operations[0].pagination.clone().unwrap();
        assert_eq!(
            (pagination.items, pagination.next),
            (None, Next::Link { first_page: None })
        );
    }

    #[test]
    fn not_a_page() {
        // A position parameter without a way to the next page: a text
        // offset is no count.
        let (document, operation) = list(
            &["offset"],
            json!({"type": "object", "properties": {"data": items(), "total": {"type": "integer"}}}),
        );
        assert_eq!(recognise(&document, &operation), None);
        // `after` without a flag: the end cannot be told.
        let (document, operation) = list(
            &["after"],
            json!({"type": "object", "properties": {"data": items()}}),
        );
        assert_eq!(recognise(&document, &operation), None);
        // No position parameter.
        let (document, mut operation) = list(
            &["limit"],
            json!({"type": "object", "properties": {"data": items(), "next_cursor": {"type": "string"}}}),
        );
        assert_eq!(recognise(&document, &operation), None);
        operation.method = "POST".into();
        assert_eq!(recognise(&document, &operation), None);
        // No item array.
        let (document, mut operation) = list(
            &["page"],
            json!({"type": "object", "properties": {"total": {"type": "integer"}}}),
        );
        operation.parameters[0].schema = json!({"type": "integer"});
        assert_eq!(recognise(&document, &operation), None);
    }
}

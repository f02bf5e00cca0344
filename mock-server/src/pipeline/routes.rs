//! Matching a request path against the operations' templates.
//!
//! axum's router (matchit) rejects a segment like `{id}:cancel` (Google
//! AIP-136 custom methods), so operations are matched here: the path is split
//! into segments, each percent-decoded, and compared with the template; a
//! parameter segment captures everything between its literal prefix and
//! suffix. The most specific template (most literal segments) wins.

use std::borrow::Cow;

use crate::model::{Operation, Segment};

/// A path parameter's value: `None` when its percent-decoding is not UTF-8.
pub type PathValue = Option<String>;

/// Path parameters in template order.
pub type PathParams = Vec<(&'static str, PathValue)>;

/// What a path and method resolve to.
#[derive(Debug)]
pub enum RouteMatch {
    /// The operation, with its path parameters in template order.
    Found(&'static Operation, PathParams),
    /// The path exists, but not with this method; the methods it has.
    MethodNotAllowed(Vec<&'static str>),
    /// No operation has this path.
    NotFound,
}

/// Finds the operation for `method` and `path` (the part after the API's base URL).
///
/// A path belongs to its most specific templates: those with the most
/// literal segments, then the most literal text around parameters
/// (`{id}:enable` over `{id}`, `latest.{ext}` over `{name}`). Their methods alone are the path's: `DELETE /dashboards/overview`
/// beside `/dashboards/{id}` is a `405` when `overview` declares only `GET`,
/// as an AIP-136 custom method and a literal segment are resources of their own.
pub fn find(operations: &'static [Operation], method: &str, path: &str) -> RouteMatch {
    let Some(path) = path.strip_prefix('/') else {
        return RouteMatch::NotFound;
    };
    // Decoded once; borrowed from the path unless a segment has escapes.
    let segments: Vec<Option<Cow<'_, str>>> = split_segments(path).map(decode).collect();
    let mut top: Option<(usize, usize)> = None;
    let mut found: Option<(&'static Operation, PathParams)> = None;
    let mut allowed = Vec::new();
    for operation in operations {
        let Some(params) = match_template(operation.segments, &segments) else {
            continue;
        };
        let specificity = specificity(operation.segments);
        if top.is_some_and(|top| specificity < top) {
            continue;
        }
        if top.is_none_or(|top| specificity > top) {
            top = Some(specificity);
            found = None;
            allowed.clear();
        }
        if operation.method.eq_ignore_ascii_case(method) {
            found.get_or_insert((operation, params));
        } else if !allowed.contains(&operation.method) {
            allowed.push(operation.method);
        }
    }
    match found {
        Some((operation, params)) => RouteMatch::Found(operation, params),
        None if !allowed.is_empty() => RouteMatch::MethodNotAllowed(allowed),
        None => RouteMatch::NotFound,
    }
}

/// How specific a template is: its literal segments, then the length of
/// the literal text around its parameters.
fn specificity(template: &[Segment]) -> (usize, usize) {
    template
        .iter()
        .fold((0, 0), |(literals, affixes), segment| match segment {
            Segment::Literal(_) => (literals + 1, affixes),
            Segment::Param { prefix, suffix, .. } => {
                (literals, affixes + prefix.len() + suffix.len())
            }
        })
}

fn match_template(
    template: &'static [Segment],
    segments: &[Option<Cow<'_, str>>],
) -> Option<PathParams> {
    if template.len() != segments.len() {
        return None;
    }
    let mut params = Vec::new();
    for (expected, actual) in template.iter().zip(segments) {
        match expected {
            Segment::Literal(literal) => {
                if actual.as_deref() != Some(*literal) {
                    return None;
                }
            }
            Segment::Param {
                name,
                prefix,
                suffix,
            } => match actual {
                Some(text) => {
                    let value = text.strip_prefix(prefix)?.strip_suffix(suffix)?;
                    if value.is_empty() {
                        return None;
                    }
                    params.push((*name, Some(value.to_string())));
                }
                // Not UTF-8: only a parameter without prefix or suffix can hold it.
                None if prefix.is_empty() && suffix.is_empty() => params.push((*name, None)),
                None => return None,
            },
        }
    }
    Some(params)
}

/// `path.split('/')` by a byte loop: `str::split(char)`'s searcher cost
/// more than the rest of the routing on short paths (callgrind).
fn split_segments(path: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(path);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.bytes().position(|byte| byte == b'/') {
            Some(at) => {
                rest = Some(&text[at + 1..]);
                Some(&text[..at])
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

fn decode(segment: &str) -> Option<Cow<'_, str>> {
    // Nothing escaped: the segment as it is (already UTF-8), not checked again.
    if !segment.bytes().any(|byte| byte == b'%') {
        return Some(Cow::Borrowed(segment));
    }
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ErrorReply, Operation};

    #[test]
    fn segments_split_as_str_split_does() {
        for path in [
            "",
            "a",
            "a/b",
            "a//b",
            "a/",
            "/",
            "//",
            "tâches/ü/%2F",
            "a/b/c/",
        ] {
            assert_eq!(
                split_segments(path).collect::<Vec<_>>(),
                path.split('/').collect::<Vec<_>>(),
                "{path:?}"
            );
        }
    }

    const REFUSE: ErrorReply = ErrorReply {
        status: 400,
        declared: false,
        content_type: None,
        body: None,
    };

    const fn operation(method: &'static str, segments: &'static [Segment]) -> Operation {
        Operation {
            operation_id: "op",
            method,
            path: "",
            segments,
            parameters: &[],
            request_body: None,
            security: &[],
            responses: &[],
            invalid_request: REFUSE,
            invalid_path: REFUSE,
            unauthorized: REFUSE,
            lifecycle: None,
            paging: None,
            callbacks: &[],
        }
    }

    static OPERATIONS: [Operation; 4] = [
        operation(
            "POST",
            &[
                Segment::Literal("operations"),
                Segment::Param {
                    name: "id",
                    prefix: "",
                    suffix: ":cancel",
                },
            ],
        ),
        operation(
            "GET",
            &[
                Segment::Literal("operations"),
                Segment::Param {
                    name: "id",
                    prefix: "",
                    suffix: "",
                },
            ],
        ),
        // Frigate's `/{camera}/latest.{extension}`, here under `operations`.
        operation(
            "PUT",
            &[
                Segment::Literal("operations"),
                Segment::Param {
                    name: "extension",
                    prefix: "latest.",
                    suffix: "",
                },
            ],
        ),
        operation(
            "GET",
            &[Segment::Literal("operations"), Segment::Literal("latest")],
        ),
    ];

    fn found(method: &str, path: &str) -> Option<(&'static str, Vec<PathValue>)> {
        match find(&OPERATIONS, method, path) {
            RouteMatch::Found(op, params) => {
                Some((op.method, params.into_iter().map(|p| p.1).collect()))
            }
            _ => None,
        }
    }

    #[test]
    fn custom_method_segments_capture_before_the_suffix() {
        assert_eq!(
            found("POST", "/operations/op_1:cancel"),
            Some(("POST", vec![Some("op_1".into())]))
        );
        // An id holding `/` and `:` arrives percent-encoded; only the last `:cancel` is the verb.
        assert_eq!(
            found("POST", "/operations/op_a%2Fb:c:cancel"),
            Some(("POST", vec![Some("op_a/b:c".into())]))
        );
        // Some clients encode the colon too.
        assert_eq!(
            found("POST", "/operations/op_1%3Acancel"),
            Some(("POST", vec![Some("op_1".into())]))
        );
        assert!(found("POST", "/operations/:cancel").is_none());
    }

    #[test]
    fn literal_segments_win_and_methods_are_reported() {
        let RouteMatch::Found(op, params) = find(&OPERATIONS, "GET", "/operations/latest") else {
            panic!("no match");
        };
        assert!(params.is_empty());
        assert_eq!(op.segments.len(), 2);
        assert!(matches!(
            find(&OPERATIONS, "DELETE", "/operations/x"),
            RouteMatch::MethodNotAllowed(methods) if methods == ["GET"]
        ));
        assert!(matches!(
            find(&OPERATIONS, "GET", "/other"),
            RouteMatch::NotFound
        ));
        assert!(matches!(
            find(&OPERATIONS, "GET", "/operations/a/b"),
            RouteMatch::NotFound
        ));
    }

    #[test]
    fn a_custom_method_and_a_literal_segment_are_resources_of_their_own() {
        // `{id}:cancel` declares only POST: not a GET of `{id}` with id `op_1:cancel`.
        assert!(matches!(
            find(&OPERATIONS, "GET", "/operations/op_1:cancel"),
            RouteMatch::MethodNotAllowed(methods) if methods == ["POST"]
        ));
        assert!(matches!(
            find(&OPERATIONS, "DELETE", "/operations/op_1:cancel"),
            RouteMatch::MethodNotAllowed(methods) if methods == ["POST"]
        ));
        // `latest` declares only GET: not a POST of `{id}:cancel`, nor of `{id}`.
        assert!(matches!(
            find(&OPERATIONS, "POST", "/operations/latest"),
            RouteMatch::MethodNotAllowed(methods) if methods == ["GET"]
        ));
        assert_eq!(
            found("GET", "/operations/op_1"),
            Some(("GET", vec![Some("op_1".into())]))
        );
    }

    #[test]
    fn a_prefix_segment_captures_after_its_text_and_is_a_resource_of_its_own() {
        assert_eq!(
            found("PUT", "/operations/latest.jpg"),
            Some(("PUT", vec![Some("jpg".into())]))
        );
        // Its prefix escaped by a client is the same text.
        assert_eq!(
            found("PUT", "/operations/latest%2Ewebp"),
            Some(("PUT", vec![Some("webp".into())]))
        );
        // Nothing after the prefix, or another prefix: not this template.
        assert!(matches!(
            find(&OPERATIONS, "PUT", "/operations/latest."),
            RouteMatch::MethodNotAllowed(methods) if methods == ["GET"]
        ));
        assert!(matches!(
            find(&OPERATIONS, "PUT", "/operations/oldest.jpg"),
            RouteMatch::MethodNotAllowed(methods) if methods == ["GET"]
        ));
        // `latest.{extension}` is more specific than `{id}`: its methods alone.
        assert!(matches!(
            find(&OPERATIONS, "GET", "/operations/latest.jpg"),
            RouteMatch::MethodNotAllowed(methods) if methods == ["PUT"]
        ));
    }

    #[test]
    fn non_utf8_values_are_captured_as_none() {
        assert_eq!(found("GET", "/operations/%FF"), Some(("GET", vec![None])));
        // A prefix must be matched as text, so a value that is not UTF-8 cannot follow one.
        assert!(matches!(
            find(&OPERATIONS, "PUT", "/operations/latest.%FF"),
            RouteMatch::MethodNotAllowed(_)
        ));
    }
}

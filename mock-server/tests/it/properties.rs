//! Property tests: arbitrary requests through the in-process router (every
//! route, any method, malformed and percent-encoded paths, odd and huge
//! headers, random bodies and content types). Whatever arrives, the mock
//! never panics, never sends a `5xx` nobody asked for, and every answer is
//! a status the matched operation declares or a documented mock-level answer.

use axum::body::{Body, to_bytes};
use axum::http::{HeaderName, HeaderValue, Request, Response};
use mock_server::__private::MAX_BODY_BYTES;
use mock_server::__private::Mount;
use mock_server::__private::mounts;
use mock_server::__private::{RouteMatch, find};
use mock_server::Config;
use mock_server::model::{Credential, Operation};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use proptest::prelude::*;
use tower::ServiceExt;

/// Statuses the mock itself answers with, marked `X-Mock-Error`.
const MOCK_LEVEL: [u16; 6] = [400, 404, 405, 413, 414, 431];

/// Characters a request target cannot carry raw; `%` stays raw so that
/// malformed escapes (`%zz`, a lone `%`) reach the server too.
const ENCODED: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']');

#[derive(Debug, Clone)]
struct Case {
    /// Index into every operation of every mount.
    target: usize,
    /// `None`: the operation's own method.
    method: Option<&'static str>,
    /// One value per path parameter of the template.
    path_values: Vec<String>,
    /// Replaces the whole path after the base path.
    raw_path: Option<String>,
    query: Vec<(String, String)>,
    headers: Vec<(String, Vec<u8>)>,
    credentials: bool,
    body: Vec<u8>,
    oversized_body: bool,
}

fn operations() -> Vec<(Mount, &'static Operation)> {
    mounts(&Config::default())
        .unwrap()
        .into_iter()
        .flat_map(|mount| {
            mount
                .provider
                .operations
                .iter()
                .map(move |operation| (mount.clone(), operation))
        })
        .collect()
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z0-9_-]{1,16}",
        3 => "[0-9]{1,25}",
        1 => "-?[0-9]{1,20}(\\.[0-9]{1,3})?(e[0-9]{1,3})?",
        3 => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        1 => "[a-z]{1,6}:[a-z]{1,8}",
        1 => "%[0-9a-zA-Z]{0,2}",
        2 => any::<String>(),
        1 => Just(String::new()),
    ]
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("prefer".to_string()),
        Just("content-type".to_string()),
        Just("authorization".to_string()),
        Just("x-api-key".to_string()),
        Just("cookie".to_string()),
        Just("idempotency-key".to_string()),
        Just("accept".to_string()),
        "[a-z][a-z0-9-]{0,24}",
    ]
}

fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        "code=[0-9]{3}".prop_map(String::into_bytes),
        "example=[a-z]{1,8}".prop_map(String::into_bytes),
        "(Bearer|Basic|bearer) [ -~]{0,40}".prop_map(String::into_bytes),
        "application/(json|xml)(; charset=utf-8)?".prop_map(String::into_bytes),
        "[ -~]{0,64}".prop_map(String::into_bytes),
        // Opaque bytes: valid in a header value, not UTF-8.
        proptest::collection::vec(0x80u8..=0xff, 1..32),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        proptest::collection::vec(any::<u8>(), 0..512),
        "\\{\"[a-z_]{1,8}\": (\"[a-z]{0,8}\"|[0-9]{1,4}|null|true|\\[\\])\\}"
            .prop_map(String::into_bytes),
    ]
}

fn case(count: usize) -> impl Strategy<Value = Case> {
    let method = prop_oneof![
        6 => Just(None),
        1 => proptest::sample::select(vec![
            "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO",
        ])
        .prop_map(Some),
    ];
    let raw_path = prop_oneof![
        8 => Just(None),
        1 => proptest::collection::vec(text(), 0..6).prop_map(|parts| Some(parts.join("/"))),
    ];
    let query = proptest::collection::vec(
        (
            prop_oneof![Just("__code".to_string()), text()],
            prop_oneof!["[0-9]{3}", text()],
        ),
        0..4,
    );
    let headers = prop_oneof![
        16 => proptest::collection::vec((header_name(), header_value()), 0..8),
        1 => proptest::collection::vec((header_name(), header_value()), 90..130),
        1 => (header_name(), 1usize..48 * 1024).prop_map(|(name, n)| vec![(name, vec![b'x'; n])]),
    ];
    (
        0..count,
        method,
        proptest::collection::vec(text(), 4),
        raw_path,
        query,
        headers,
        proptest::bool::weighted(0.8),
        body(),
        proptest::bool::weighted(0.03),
    )
        .prop_map(
            |(
                target,
                method,
                path_values,
                raw_path,
                query,
                headers,
                credentials,
                body,
                oversized_body,
            )| Case {
                target,
                method,
                path_values,
                raw_path,
                query,
                headers,
                credentials,
                body,
                oversized_body,
            },
        )
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, ENCODED).to_string()
}

/// The request a case describes, or `None` when it is not a valid HTTP
/// request at all (hyper would refuse it before the mock sees it).
fn request(case: &Case, mount: &Mount, operation: &Operation) -> Option<Request<Body>> {
    let path = match &case.raw_path {
        Some(raw) => format!("/{}", encode(raw).replace("%2F", "/")),
        None => {
            let mut values = case.path_values.iter();
            operation.path_with("", |_| {
                encode(values.next().map(String::as_str).unwrap_or("x"))
            })
        }
    };
    let mut query: Vec<String> = case
        .query
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let mut headers = case.headers.clone();
    if case.credentials {
        for credential in operation.security.first().copied().unwrap_or_default() {
            match credential {
                Credential::Header(name) => headers.push(((*name).into(), b"k".to_vec())),
                Credential::Query(name) => query.push(format!("{name}=k")),
                Credential::Cookie(name) => {
                    headers.push(("cookie".into(), format!("{name}=k").into_bytes()))
                }
                Credential::Bearer => headers.push(("authorization".into(), b"Bearer k".to_vec())),
                Credential::Basic => headers.push(("authorization".into(), b"Basic azpr".to_vec())),
            }
        }
    }
    let mut uri = format!("{}{path}", mount.base_path);
    if !query.is_empty() {
        uri = format!("{uri}?{}", query.join("&"));
    }
    let method = case.method.unwrap_or(operation.method);
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in &headers {
        let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
        let value = HeaderValue::from_bytes(value).ok()?;
        builder = builder.header(name, value);
    }
    let body = if case.oversized_body {
        vec![b'a'; MAX_BODY_BYTES + 1]
    } else {
        case.body.clone()
    };
    builder.body(Body::from(body)).ok()
}

/// Whether the request asked for `status` (`Prefer: code=N` or `__code=N`).
fn asked_for(request: &Request<Body>, status: u16) -> bool {
    let wanted = status.to_string();
    let in_prefer = request
        .headers()
        .get_all("prefer")
        .iter()
        .any(|v| String::from_utf8_lossy(v.as_bytes()).contains(&format!("code={wanted}")));
    let in_query = request
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|pair| pair == format!("__code={wanted}")));
    in_prefer || in_query
}

fn declares(operation: &Operation, status: u16) -> bool {
    operation.responses.iter().any(|r| r.status == status)
}

fn check(
    request: &Request<Body>,
    mount: &Mount,
    response: &Response<Body>,
    body: &[u8],
) -> Result<(), TestCaseError> {
    let status = response.status().as_u16();
    let header = |name: &str| response.headers().get(name).map(|v| v.as_bytes().to_vec());
    let rest = request
        .uri()
        .path()
        .strip_prefix(mount.base_path.as_str())
        .unwrap_or_default();
    let matched = match find(mount.provider.operations, request.method().as_str(), rest) {
        RouteMatch::Found(operation, _) => Some(operation),
        _ => None,
    };
    if status >= 500 {
        let operation =
            matched.ok_or_else(|| TestCaseError::fail(format!("{status} off any route")))?;
        prop_assert!(
            declares(operation, status) && asked_for(request, status),
            "{status} sent by {} without being asked for",
            operation.operation_id
        );
    }
    if header("x-mock-error").is_some() {
        prop_assert!(MOCK_LEVEL.contains(&status), "mock-level answer {status}");
    } else if header("x-mock-undeclared-status").is_some() {
        let operation =
            matched.ok_or_else(|| TestCaseError::fail("marked answer off any route"))?;
        // Marked only when nothing declared fits: for missing credentials
        // no 401 or 403 (RFC 9110), for invalid input no 400 or 422.
        let fitting: &[u16] = if status == 401 {
            &[401, 403]
        } else {
            &[400, 422]
        };
        prop_assert!(
            !declares(operation, status) && fitting.iter().all(|code| !declares(operation, *code)),
            "{} marked {status} undeclared although a fitting status is declared",
            operation.operation_id
        );
    } else {
        let operation = matched.ok_or_else(|| {
            TestCaseError::fail(format!("{status} without X-Mock-Error off any route"))
        })?;
        prop_assert!(
            declares(operation, status),
            "{} answered {status}, which it does not declare",
            operation.operation_id
        );
    }
    // HEAD answers carry the headers of the body they omit.
    let json = header("content-type").is_some_and(|v| v.ends_with(b"json"));
    if json && request.method() != axum::http::Method::HEAD {
        prop_assert!(
            serde_json::from_slice::<serde_json::Value>(body).is_ok(),
            "{status}: a JSON content type with a body that is not JSON"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

    #[test]
    fn any_request_gets_a_declared_or_documented_answer(case in case(operations().len())) {
        let targets = operations();
        let (mount, operation) = &targets[case.target];
        let Some(request) = request(&case, mount, operation) else {
            return Ok(());
        };
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let app = mock_server::router(&Config::default()).unwrap();
        let (parts, body) = request.into_parts();
        let replay = Request::from_parts(parts.clone(), Body::empty());
        let (response, bytes) = runtime.block_on(async {
            let response = app.oneshot(Request::from_parts(parts, body)).await.unwrap();
            let (head, body) = response.into_parts();
            let bytes = to_bytes(body, usize::MAX).await.unwrap();
            (Response::from_parts(head, Body::empty()), bytes)
        });
        check(&replay, mount, &response, &bytes)?;
    }
}

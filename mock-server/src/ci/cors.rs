//! CORS, on by default as in Prism, so a browser app can call the mock.
//!
//! Hand-written rather than tower-http's `CorsLayer`, which treats every
//! `OPTIONS` request as a preflight: that would swallow an operation that
//! declares `OPTIONS` and the `405` of one that does not. Here a preflight
//! is what the Fetch standard says: `OPTIONS` with `Origin` and
//! `Access-Control-Request-Method`.

use axum::extract::Request;
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// As middleware (for `/__mock/*`): answers preflights, decorates the rest.
pub async fn cors(request: Request, next: Next) -> Response {
    if let Some(answer) = preflight(request.method(), request.headers()) {
        return answer;
    }
    let origin = request.headers().get(ORIGIN).cloned();
    let mut response = next.run(request).await;
    decorate(origin, &mut response);
    response
}

/// The answer to a CORS preflight, if the request is one.
pub fn preflight(method: &Method, headers: &HeaderMap) -> Option<Response> {
    let preflight = method == Method::OPTIONS
        && headers.contains_key(ORIGIN)
        && headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD);
    preflight.then(|| preflight_answer(headers))
}

/// Adds `Access-Control-*` to an answer to a request from `origin`.
pub fn decorate(origin: Option<HeaderValue>, response: &mut Response) {
    let exposed = match origin {
        // With credentials allowed, `*` would mean a header named `*`.
        Some(_) => exposed_headers(response.headers()),
        None => Some(HeaderValue::from_static("*")),
    };
    let headers = response.headers_mut();
    allow_origin(headers, origin);
    if let Some(exposed) = exposed {
        headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, exposed);
    }
}

fn preflight_answer(request: &HeaderMap) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    allow_origin(headers, request.get(ORIGIN).cloned());
    for (asked, allowed) in [
        (ACCESS_CONTROL_REQUEST_METHOD, ACCESS_CONTROL_ALLOW_METHODS),
        (ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_ALLOW_HEADERS),
    ] {
        if let Some(value) = request.get(&asked) {
            headers.insert(allowed, value.clone());
        }
    }
    headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
    headers.append(
        VARY,
        HeaderValue::from_static(
            "origin, access-control-request-method, access-control-request-headers",
        ),
    );
    response
}

/// The caller's origin with credentials allowed, or `*` without one.
fn allow_origin(headers: &mut HeaderMap, origin: Option<HeaderValue>) {
    match origin {
        Some(origin) => {
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.insert(
                ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
            headers.append(VARY, HeaderValue::from_static("origin"));
        }
        None => {
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        }
    }
}

/// Every header the answer carries, so scripts can read `Retry-After`,
/// `X-Mock-Error` and the like (`*` does not count when credentials are allowed).
fn exposed_headers(headers: &HeaderMap) -> Option<HeaderValue> {
    let names: Vec<&str> = headers.keys().map(|name| name.as_str()).collect();
    if names.is_empty() {
        return None;
    }
    HeaderValue::from_str(&names.join(", ")).ok()
}

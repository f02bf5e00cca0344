//! The validating proxy (`--proxy <provider>=<URL>`): a proxied provider's
//! requests go to its real upstream instead of being answered, and both
//! directions are checked against the documents. A proxy that reports, not
//! a gate: the upstream's answer reaches the client unchanged, violations
//! or not.
//!
//! Forwarded: the method, the path below the provider's base URL appended
//! to the upstream URL, the query, the body, and the headers except
//! hop-by-hop ones, `Host` and `Content-Length`; `Accept-Encoding` becomes
//! `identity`, so the answer comes uncompressed and its body can be checked
//! (without the header, RFC 9110 lets a server pick any coding). Redirects are
//! passed through, not followed. The answer is read with a bound
//! ([`MAX_UPSTREAM_BODY`]) and a timeout; past either, or when the upstream
//! cannot be reached, the client gets `502` naming the provider.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::header::{
    ACCEPT_ENCODING, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HOST, PROXY_AUTHENTICATE,
    PROXY_AUTHORIZATION, TE, TRAILER, TRANSFER_ENCODING, UPGRADE,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use super::violations::{Direction, Violation};
use crate::model::Operation;
use crate::pipeline::auth;
use crate::pipeline::request::{Incoming, truncate};
use crate::pipeline::routes::PathParams;
use crate::pipeline::validate::{check_request, check_response, check_response_headers};
use mock_model::problem::Problem;

/// The most of an upstream's body the proxy reads before answering `502`.
pub const MAX_UPSTREAM_BODY: usize = 16 * 1024 * 1024;

/// How long an upstream has to answer, body included, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a `--proxy` setting cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// The provider is not served (not vendored, or another `--provider`).
    #[error("--proxy names `{0}`, which is not served; served: {1}")]
    NotServed(String, String),
    /// The same provider twice.
    #[error("--proxy names `{0}` twice")]
    Twice(String),
    /// Not an absolute `http(s)://` URL without user info, query or fragment.
    #[error("--proxy {provider}: `{url}` is not a usable upstream URL: {reason}")]
    Url {
        /// The provider.
        provider: String,
        /// The URL, without any user info.
        url: String,
        /// Why.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the proxy's HTTP client: {0}")]
    Client(String),
}

/// reqwest is built with `rustls-no-provider`: building a client without a
/// process-wide crypto provider panics, so ring's is installed unless one is.
pub(crate) fn ensure_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // *ring* needs no C build; rustls 0.23.48 deprecates it for lacking a
        // post-quantum key exchange, which the mock goes without.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// The proxied providers and the client that reaches them.
#[derive(Debug)]
pub struct Upstreams {
    base_urls: HashMap<&'static str, String>,
    client: reqwest::Client,
}

impl Upstreams {
    /// `proxies` (provider, upstream base URL) for providers in `served`,
    /// with a client timing out after `timeout`.
    pub fn new(
        proxies: &[(String, String)],
        served: &[&'static str],
        timeout: Duration,
    ) -> Result<Self, ProxyError> {
        let mut base_urls = HashMap::new();
        for (provider, url) in proxies {
            let name = served
                .iter()
                .find(|name| **name == provider)
                .ok_or_else(|| ProxyError::NotServed(provider.clone(), served.join(", ")))?;
            let url = upstream_url(provider, url)?;
            if base_urls.insert(*name, url).is_some() {
                return Err(ProxyError::Twice(provider.clone()));
            }
        }
        ensure_crypto_provider();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|error| ProxyError::Client(error_chain(&error)))?;
        Ok(Self { base_urls, client })
    }

    /// Whether `provider` is proxied.
    pub fn proxies(&self, provider: &str) -> bool {
        self.base_urls.contains_key(provider)
    }

    /// Sends `request` to `provider`'s upstream, `rest` being its path
    /// below the provider's base URL, and reads the answer.
    pub async fn forward(
        &self,
        provider: &'static str,
        rest: &str,
        request: &Incoming,
    ) -> Result<Exchange, Unreachable> {
        let unreachable = |reason: String| Unreachable { provider, reason };
        let base = self
            .base_urls
            .get(provider)
            .ok_or_else(|| unreachable("not proxied".into()))?;
        let mut url = format!("{base}{rest}");
        if let Some(query) = request.uri.query() {
            url.push('?');
            url.push_str(query);
        }
        let url = reqwest::Url::parse(&url)
            .map_err(|error| unreachable(format!("the request's path is not a URL: {error}")))?;
        let mut headers = request.headers.clone();
        strip_hop_by_hop(&mut headers);
        for name in [HOST, CONTENT_LENGTH] {
            headers.remove(name);
        }
        headers.insert(ACCEPT_ENCODING, HeaderValue::from_static("identity"));
        let sent = self
            .client
            .request(request.method.clone(), url)
            .headers(headers)
            .body(request.body.clone())
            .send()
            .await;
        let mut response = sent.map_err(|error| unreachable(describe(&error)))?;
        let status = response.status();
        let mut headers = std::mem::take(response.headers_mut());
        if response
            .content_length()
            .is_some_and(|length| length > MAX_UPSTREAM_BODY as u64)
        {
            return Err(unreachable(too_large()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| unreachable(describe(&error)))?
        {
            if body.len() + chunk.len() > MAX_UPSTREAM_BODY {
                return Err(unreachable(too_large()));
            }
            body.extend_from_slice(&chunk);
        }
        strip_hop_by_hop(&mut headers);
        // The body is sent whole: hyper sets the length.
        headers.remove(CONTENT_LENGTH);
        Ok(Exchange {
            status,
            headers,
            body: Bytes::from(body),
        })
    }
}

/// An upstream's answer, read.
#[derive(Debug)]
pub struct Exchange {
    /// Its status.
    pub status: StatusCode,
    /// Its headers, without hop-by-hop ones and `Content-Length`.
    pub headers: HeaderMap,
    /// Its body, whole.
    pub body: Bytes,
}

/// The upstream could not be reached, or its answer not read.
#[derive(Debug)]
pub struct Unreachable {
    /// The provider.
    pub provider: &'static str,
    /// Why, without URLs (they may carry credentials in the query).
    pub reason: String,
}

impl Unreachable {
    /// The `502` message.
    pub fn message(&self) -> String {
        format!(
            "the upstream of `{}` gave no usable answer: {}",
            self.provider, self.reason
        )
    }
}

fn too_large() -> String {
    format!("its body is larger than {MAX_UPSTREAM_BODY} bytes")
}

/// Why a request failed, from reqwest's error and its sources, without the URL.
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else {
        "transport error"
    };
    format!("{kind} ({})", error_chain(error))
}

/// The error's sources joined with `: `; reqwest's own `Display` (which
/// carries the URL) is left out.
fn error_chain(error: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    if parts.is_empty() {
        parts.push(error.to_string());
    }
    parts.join(": ")
}

/// An upstream base URL, checked: `http`/`https`, a host, no user info,
/// query or fragment; without a trailing `/`.
fn upstream_url(provider: &str, text: &str) -> Result<String, ProxyError> {
    let refuse = |shown: String, reason: &str| ProxyError::Url {
        provider: provider.to_string(),
        url: shown,
        reason: reason.to_string(),
    };
    let url = reqwest::Url::parse(text).map_err(|error| refuse(text.into(), &error.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        // Never echo the credential.
        return Err(refuse(
            "<user info redacted>".into(),
            "user info is not forwarded; send credentials as the API's headers",
        ));
    }
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(refuse(text.into(), "an http:// or https:// URL is needed"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse(text.into(), "a base URL has no query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// Removes the hop-by-hop headers (RFC 9110 §7.6.1), including those `Connection` names.
fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|name| HeaderName::try_from(name.trim()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in [
        CONNECTION,
        PROXY_AUTHENTICATE,
        PROXY_AUTHORIZATION,
        TE,
        TRAILER,
        TRANSFER_ENCODING,
        UPGRADE,
    ] {
        headers.remove(name);
    }
    headers.remove("keep-alive");
    headers.remove("proxy-connection");
}

/// What is wrong with a request to `provider`: no operation matches it, or
/// (for `operation`) missing credentials and invalid parameters or body.
pub fn request_violations(
    provider: &'static str,
    matched: Option<(&'static Operation, &PathParams)>,
    request: &Incoming,
    status: Option<u16>,
) -> Vec<Violation> {
    let Some((operation, path_params)) = matched else {
        return vec![Violation {
            provider,
            operation_id: None,
            status,
            direction: Direction::Request,
            pointer: String::new(),
            message: format!(
                "no operation matches {} {}",
                request.method,
                truncate(request.uri.path(), 256)
            ),
        }];
    };
    let mut problems: Vec<Problem> = Vec::new();
    if !auth::authenticated(operation, request, None) {
        problems.push(auth::missing_credentials(operation));
    }
    problems.extend(check_request(operation, path_params, request));
    problems
        .iter()
        .map(|problem| {
            Violation::from_problem(
                provider,
                Some(operation.operation_id),
                status,
                Direction::Request,
                problem,
            )
        })
        .collect()
}

/// What is wrong with an answer of `operation`: an undeclared status, a
/// declared header missing or invalid, or a body or content type other
/// than the declared ones.
pub fn response_violations(
    provider: &'static str,
    operation: &'static Operation,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Vec<Violation> {
    let violation = |pointer: String, message: String| Violation {
        provider,
        operation_id: Some(operation.operation_id),
        status: Some(status),
        direction: Direction::Response,
        pointer,
        message,
    };
    let Some(declared) = operation.declared_response(status) else {
        let declared: Vec<String> = operation
            .responses
            .iter()
            .map(|r| r.status.to_string())
            .collect();
        return vec![violation(
            "/status".into(),
            format!(
                "status {status} is not declared; declared: {}",
                declared.join(", ")
            ),
        )];
    };
    let mut problems = check_response_headers(declared, headers);
    // A compressed body cannot be checked (the proxy asks for identity; a
    // cassette may come from elsewhere).
    let compressed = headers
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| !v.eq_ignore_ascii_case("identity"));
    if !compressed {
        let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
        problems.extend(check_response(declared, content_type, body));
    }
    problems
        .iter()
        .map(|problem| {
            Violation::from_problem(
                provider,
                Some(operation.operation_id),
                Some(status),
                Direction::Response,
                problem,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        ErrorReply, Response, ResponseHeader, Schema, StatusMatch, StringRules, Types,
    };

    #[test]
    fn upstream_urls_are_checked_and_user_info_never_echoed() {
        assert_eq!(
            upstream_url("p", "https://api.example.com/v1/").unwrap(),
            "https://api.example.com/v1"
        );
        let error = upstream_url("p", "https://user:sekrit@api.example.com")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("sekrit"), "{error}");
        assert!(upstream_url("p", "ftp://api.example.com").is_err());
        assert!(upstream_url("p", "https://api.example.com/v1?key=1").is_err());
        assert!(upstream_url("p", "not a url").is_err());
    }

    const REFUSAL: ErrorReply = ErrorReply {
        status: 400,
        declared: false,
        content_type: None,
        body: None,
    };

    const fn declared(status: u16, matches: StatusMatch) -> Response {
        Response {
            status,
            description: "",
            content_type: None,
            headers: &[],
            examples: &[],
            matches,
            schema: None,
            events: &[],
            event_ids: true,
        }
    }

    /// `GET /x` answering with `responses`.
    const fn operation(responses: &'static [Response]) -> Operation {
        Operation {
            operation_id: "op",
            method: "GET",
            path: "/x",
            segments: &[],
            parameters: &[],
            request_body: None,
            security: &[],
            responses,
            invalid_request: REFUSAL,
            invalid_path: REFUSAL,
            unauthorized: REFUSAL,
            lifecycle: None,
            paging: None,
            callbacks: &[],
        }
    }

    static RANGES: Operation = operation(&[
        declared(204, StatusMatch::Exact),
        declared(400, StatusMatch::Class),
        declared(500, StatusMatch::Default),
    ]);

    #[test]
    fn statuses_fall_under_exact_codes_then_classes_then_default() {
        let status_of = |code| RANGES.declared_response(code).map(|r| r.status);
        assert_eq!(status_of(204), Some(204));
        assert_eq!(status_of(404), Some(400));
        assert_eq!(status_of(200), Some(500));
        let empty = HeaderMap::new();
        assert!(response_violations("p", &RANGES, 418, &empty, b"").is_empty());
        // Declared without a body: a body is drift.
        let found = response_violations("p", &RANGES, 404, &empty, b"{}");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/body");
    }

    static URI: Schema = Schema {
        types: Types::STRING,
        string: Some(&StringRules {
            format: Some("uri"),
            ..StringRules::NONE
        }),
        ..Schema::ANY
    };
    static INTEGER: Schema = Schema {
        types: Types::INTEGER,
        ..Schema::ANY
    };

    static CREATES: Operation = operation(&[Response {
        headers: &[
            ResponseHeader {
                name: "location",
                value: "https://example.com/x/1",
                required: true,
                schema: &URI,
            },
            ResponseHeader {
                name: "retry-after",
                value: "1",
                required: false,
                schema: &INTEGER,
            },
        ],
        ..declared(201, StatusMatch::Exact)
    }]);

    #[test]
    fn declared_response_headers_are_checked() {
        let pointers = |pairs: &[(&'static str, &str)]| {
            let mut headers = HeaderMap::new();
            for (name, value) in pairs {
                headers.insert(*name, value.parse().unwrap());
            }
            response_violations("p", &CREATES, 201, &headers, b"")
                .into_iter()
                .map(|v| (v.pointer, v.message))
                .collect::<Vec<_>>()
        };
        assert_eq!(pointers(&[("location", "https://example.com/x/1")]), []);
        assert_eq!(
            pointers(&[("x-other", "1")]),
            [("/header/location".to_string(), "Field required".to_string())]
        );
        let found = pointers(&[("location", "not a uri"), ("retry-after", "soon")]);
        let at: Vec<&str> = found.iter().map(|(pointer, _)| pointer.as_str()).collect();
        assert_eq!(at, ["/header/location", "/header/retry-after"], "{found:?}");
        // A compressed body is not read, but its headers are still checked.
        assert_eq!(
            pointers(&[("content-encoding", "gzip")]),
            [("/header/location".to_string(), "Field required".to_string())]
        );
    }

    /// The mock's declared answers against the proxy's checks: every example
    /// of every declared response of every vendored provider, with the
    /// headers the mock sends.
    #[test]
    fn the_mocks_own_answers_have_no_violations() {
        let mut checked = 0;
        for mount in crate::tests::vendored(None) {
            let provider = mount.provider;
            for operation in provider.operations {
                for response in operation.responses {
                    let examples: Vec<_> = if response.examples.is_empty() {
                        vec![None]
                    } else {
                        response.examples.iter().map(Some).collect()
                    };
                    for example in examples {
                        let sent = crate::pipeline::render::declared(response, example);
                        let body = example.map_or(&b""[..], |e| e.body.as_bytes());
                        let found = response_violations(
                            provider.name,
                            operation,
                            response.status,
                            sent.headers(),
                            body,
                        );
                        assert!(
                            found.is_empty(),
                            "{} {} {}: {found:?}",
                            provider.name,
                            operation.operation_id,
                            response.status
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn hop_by_hop_headers_are_removed() {
        let mut headers = HeaderMap::new();
        headers.insert(CONNECTION, "close, x-private".parse().unwrap());
        headers.insert("x-private", "1".parse().unwrap());
        headers.insert("keep-alive", "timeout=5".parse().unwrap());
        headers.insert(TRANSFER_ENCODING, "chunked".parse().unwrap());
        headers.insert("x-api-key", "k".parse().unwrap());
        strip_hop_by_hop(&mut headers);
        let left: Vec<&str> = headers.keys().map(|k| k.as_str()).collect();
        assert_eq!(left, ["x-api-key"]);
    }
}

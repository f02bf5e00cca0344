//! The callbacks an operation declares (OpenAPI `callbacks`), sent once the
//! mock has answered the request that registers them with a success, as
//! Prism does: the callback's URL is read from that request through its
//! runtime expression (`{$request.body#/callbackUrl}`), and the delivery is
//! signed, retried and listed as a `POST /__mock/webhooks` one is
//! (`ci/webhooks.rs`).

use std::sync::Arc;

use serde_json::Value;

use crate::ci::webhooks::{UrlRefused, Webhooks, documented_payload, http_url};
use crate::model::{Operation, Provider};
use crate::pipeline::request::Incoming;
use crate::pipeline::routes::PathParams;

/// Why a callback's URL could not be read from the request.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Unresolved {
    /// The request holds nothing where the expression points.
    #[error("the request has no `{0}`")]
    Absent(String),
    /// The expression is not one OpenAPI defines.
    #[error("`{0}` is not a runtime expression of OpenAPI")]
    Invalid(String),
    /// The text it gives is no URL the mock calls.
    #[error(transparent)]
    Url(#[from] UrlRefused),
}

/// Starts a delivery of each of `operation`'s callbacks whose URL the
/// request names; the deliveries' ids. A callback the request names no URL
/// for is not sent (a `sink` is often optional), and the log says why.
pub(crate) fn fire(
    webhooks: &Arc<Webhooks>,
    provider: &'static Provider,
    operation: &'static Operation,
    request: &Incoming,
    params: &PathParams,
) -> Vec<String> {
    let mut started = Vec::new();
    for callback in operation.callbacks {
        let Some(webhook) = provider
            .webhooks
            .iter()
            .find(|w| w.name == callback.webhook)
        else {
            continue;
        };
        match expand(callback.url, request, params)
            .and_then(|url| http_url(&url).map_err(Unresolved::from))
        {
            Ok(url) => started.push(webhooks.deliver(
                provider,
                webhook,
                url,
                documented_payload(webhook),
                Some(operation.operation_id),
            )),
            Err(why) => tracing::info!(
                operation = operation.operation_id,
                callback = webhook.name,
                "callback not sent: {why}"
            ),
        }
    }
    started
}

/// The text of `template`, each `{expression}` in it replaced by what the
/// expression reads from the request; a template that is one expression
/// without braces (`$request.query.url`) is read as one.
pub(crate) fn expand(
    template: &str,
    request: &Incoming,
    params: &PathParams,
) -> Result<String, Unresolved> {
    if template.starts_with('$') {
        return evaluate(template, request, params);
    }
    let mut text = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(|| Unresolved::Invalid(template.to_string()))?;
        text.push_str(&rest[..open]);
        text.push_str(&evaluate(&rest[open + 1..close], request, params)?);
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    Ok(text)
}

/// One runtime expression (OpenAPI 3.1, "Runtime Expressions"), read from
/// the request: `$url`, `$method`, `$request.header.NAME`,
/// `$request.query.NAME`, `$request.path.NAME`, `$request.body#/pointer`.
/// A JSON value that is not a string is its JSON text.
fn evaluate(
    expression: &str,
    request: &Incoming,
    params: &PathParams,
) -> Result<String, Unresolved> {
    let absent = || Unresolved::Absent(expression.to_string());
    match expression {
        "$url" => return Ok(request.uri.to_string()),
        "$method" => return Ok(request.method.to_string()),
        _ => {}
    }
    let source = expression
        .strip_prefix("$request.")
        .ok_or_else(|| Unresolved::Invalid(expression.to_string()))?;
    if let Some(name) = source.strip_prefix("header.") {
        return request.header(name).map(str::to_string).ok_or_else(absent);
    }
    if let Some(name) = source.strip_prefix("query.") {
        return request
            .query_value(name)
            .map(str::to_string)
            .ok_or_else(absent);
    }
    if let Some(name) = source.strip_prefix("path.") {
        return params
            .iter()
            .find(|(param, _)| *param == name)
            .and_then(|(_, value)| value.clone())
            .ok_or_else(absent);
    }
    let pointer = match source.strip_prefix("body") {
        Some("") => "",
        Some(rest) => rest
            .strip_prefix('#')
            .ok_or_else(|| Unresolved::Invalid(expression.to_string()))?,
        None => return Err(Unresolved::Invalid(expression.to_string())),
    };
    let body: Value = serde_json::from_slice(&request.body).map_err(|_| absent())?;
    match body.pointer(pointer) {
        Some(Value::String(text)) => Ok(text.clone()),
        Some(Value::Null) | None => Err(absent()),
        Some(value) => Ok(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, HeaderValue, Method, Uri};

    use super::*;

    fn request() -> Incoming {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-callback",
            HeaderValue::from_static("http://h/from-header"),
        );
        Incoming {
            method: Method::POST,
            uri: Uri::from_static("/orders/o1?reply=http%3A%2F%2Fq"),
            headers,
            query: vec![("reply".into(), "http://q".into())],
            body: Bytes::from_static(br#"{"notify": "http://b", "n": 3, "deep": {"a/b": "x"}}"#),
            uploaded: None,
        }
    }

    #[test]
    fn runtime_expressions_read_the_request() {
        let params: PathParams = vec![("id", Some("o1".into()))];
        let expand = |template: &str| expand(template, &request(), &params);
        assert_eq!(expand("{$request.body#/notify}").unwrap(), "http://b");
        assert_eq!(expand("$request.body#/notify").unwrap(), "http://b");
        assert_eq!(
            expand("{$request.body#/notify}/o/{$request.path.id}?n={$request.body#/n}").unwrap(),
            "http://b/o/o1?n=3"
        );
        assert_eq!(expand("{$request.body#/deep/a~1b}").unwrap(), "x");
        assert_eq!(expand("{$request.query.reply}").unwrap(), "http://q");
        assert_eq!(
            expand("{$request.header.X-Callback}").unwrap(),
            "http://h/from-header"
        );
        assert_eq!(
            expand("{$method} {$url}").unwrap(),
            "POST /orders/o1?reply=http%3A%2F%2Fq"
        );
        assert_eq!(expand("http://fixed/cb").unwrap(), "http://fixed/cb");
    }

    #[test]
    fn only_http_urls_without_credentials_are_called_and_credentials_are_not_echoed() {
        assert!(http_url("https://h/cb").is_ok());
        assert_eq!(
            http_url("ftp://h/cb"),
            Err(UrlRefused::NotHttp("ftp://h/cb".into()))
        );
        assert_eq!(
            http_url("not a url"),
            Err(UrlRefused::NotHttp("not a url".into()))
        );
        let refused = http_url("https://user:s3cret@h/cb").unwrap_err();
        assert_eq!(refused, UrlRefused::Credentials);
        assert!(!refused.to_string().contains("s3cret"));
        assert_eq!(
            http_url("https://:s3cret@h/cb"),
            Err(UrlRefused::Credentials)
        );
    }

    #[test]
    fn what_the_request_lacks_or_no_expression_names_is_said() {
        let params: PathParams = Vec::new();
        let expand = |template: &str| expand(template, &request(), &params);
        assert_eq!(
            expand("{$request.body#/missing}"),
            Err(Unresolved::Absent("$request.body#/missing".into()))
        );
        assert_eq!(
            expand("{$request.path.id}"),
            Err(Unresolved::Absent("$request.path.id".into()))
        );
        assert_eq!(
            expand("{$response.body#/id}"),
            Err(Unresolved::Invalid("$response.body#/id".into()))
        );
        assert_eq!(
            expand("{$request.body#/notify"),
            Err(Unresolved::Invalid("{$request.body#/notify".into()))
        );
    }
}

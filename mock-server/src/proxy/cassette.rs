//! Recorded exchanges ("cassettes"): `--record DIR` writes each proxied
//! exchange as one pretty JSON file; `--replay DIR` serves them again.
//!
//! A cassette is named `<provider>.<operation>.<status>.<NNNN>.json` (never
//! overwriting one already there) and holds the request (method, path below
//! the provider's base URL, query, headers, body) and the response (status,
//! headers, body). JSON bodies are stored as JSON, others as text (`body_text`).
//! Redacted: no `Authorization`, `Cookie`, `Proxy-Authorization` or security
//! scheme headers, security scheme query values replaced by `<redacted>`,
//! and no `Set-Cookie`.
//!
//! Replay rule: a request is answered from a cassette when provider,
//! operation, method, path and query (credentials redacted as recorded) are
//! equal; query parameters may come in any order, but the values of a
//! repeated one in the recorded order. Cassettes with the same request are
//! served in file-name order, the last one repeating; other requests get
//! the generated answers.
//! Every cassette is checked against the current documents when loaded: a
//! stale one (undeclared status, body or content type no longer valid,
//! operation gone) is reported as violations and a warning, and still served
//! as recorded (it is what the provider said), its journal entries carrying
//! the violations.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::upstream::{self, Exchange};
use super::violations::{Direction, Violation};
use crate::ci::journal::Secrets;
use crate::model::Provider;
use crate::pipeline::request::Incoming;

/// One recorded exchange, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cassette {
    /// The provider.
    pub provider: String,
    /// The operation the request matched.
    pub operation_id: String,
    /// What the client sent.
    pub request: RecordedRequest,
    /// What the upstream answered.
    pub response: RecordedResponse,
}

/// The request side of a cassette.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The path below the provider's base URL, as sent (percent-encoded).
    pub path: String,
    /// The query, as sent, credentials redacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Header names (lower case) and values, without credentials; repeated
    /// headers joined with `, `.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Any other body, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_text: Option<String>,
}

/// The response side of a cassette.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedResponse {
    /// The status.
    pub status: u16,
    /// Header names (lower case) and values, without `Set-Cookie` or
    /// credentials; repeated headers joined with `, `.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Any other body, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_text: Option<String>,
}

/// Why cassettes cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CassetteError {
    /// The directory cannot be read or created.
    #[error("cassette directory {dir}: {source}")]
    Directory {
        /// The directory.
        dir: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file is not a cassette.
    #[error("cassette {file}: {reason}")]
    Malformed {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

impl Cassette {
    /// The cassette for a proxied exchange of `operation_id`, redacted by `secrets`.
    pub fn record(
        provider: &str,
        operation_id: &str,
        rest: &str,
        request: &Incoming,
        exchange: &Exchange,
        secrets: &Secrets,
    ) -> Self {
        let (body, body_text) = stored_body(&request.headers, &request.body);
        let request = RecordedRequest {
            method: request.method.to_string(),
            path: rest.to_string(),
            query: request.uri.query().map(|q| secrets.redact_query(q)),
            headers: kept_headers(&request.headers, secrets, &[HOST, CONTENT_LENGTH]),
            body,
            body_text,
        };
        let (body, body_text) = stored_body(&exchange.headers, &exchange.body);
        let response = RecordedResponse {
            status: exchange.status.as_u16(),
            headers: kept_headers(&exchange.headers, secrets, &[SET_COOKIE, CONTENT_LENGTH]),
            body,
            body_text,
        };
        Self {
            provider: provider.to_string(),
            operation_id: operation_id.to_string(),
            request,
            response,
        }
    }
}

/// Headers as stored: lower-case names, credentials and `dropped` left out.
fn kept_headers(
    headers: &HeaderMap,
    secrets: &Secrets,
    dropped: &[HeaderName],
) -> BTreeMap<String, String> {
    let mut kept = BTreeMap::<String, String>::new();
    for (name, value) in headers {
        if dropped.contains(name) || secrets.is_secret_header(name.as_str()) {
            continue;
        }
        let value = String::from_utf8_lossy(value.as_bytes());
        kept.entry(name.as_str().to_string())
            .and_modify(|joined| {
                joined.push_str(", ");
                joined.push_str(&value);
            })
            .or_insert_with(|| value.into_owned());
    }
    kept
}

/// A JSON body (by content type) as JSON, else as text; nothing when empty.
fn stored_body(headers: &HeaderMap, bytes: &[u8]) -> (Option<Value>, Option<String>) {
    if bytes.is_empty() {
        return (None, None);
    }
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            let essence = v
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            essence == "application/json" || essence.ends_with("+json")
        });
    match json
        .then(|| serde_json::from_slice::<Value>(bytes).ok())
        .flatten()
    {
        Some(value) => (Some(value), None),
        None => (None, Some(String::from_utf8_lossy(bytes).into_owned())),
    }
}

fn body_bytes(body: &Option<Value>, text: &Option<String>) -> Bytes {
    match (body, text) {
        (Some(value), _) => Bytes::from(value.to_string()),
        (None, Some(text)) => Bytes::from(text.clone()),
        (None, None) => Bytes::new(),
    }
}

/// Writes cassettes into a directory (`--record`).
#[derive(Debug)]
pub struct Recorder {
    dir: PathBuf,
    next: AtomicU64,
}

impl Recorder {
    /// Records into `dir`, creating it if needed.
    pub fn new(dir: &Path) -> Result<Self, CassetteError> {
        std::fs::create_dir_all(dir).map_err(|source| CassetteError::Directory {
            dir: dir.to_path_buf(),
            source,
        })?;
        Ok(Self {
            dir: dir.to_path_buf(),
            next: AtomicU64::new(1),
        })
    }

    /// Writes `cassette` under a new name; returns its path.
    pub fn write(&self, cassette: &Cassette) -> std::io::Result<PathBuf> {
        let text = serde_json::to_string_pretty(cassette).map_err(std::io::Error::other)?;
        let stem = format!(
            "{}.{}.{}",
            file_safe(&cassette.provider),
            file_safe(&cassette.operation_id),
            cassette.response.status
        );
        loop {
            let number = self.next.fetch_add(1, Ordering::Relaxed);
            let path = self.dir.join(format!("{stem}.{number:04}.json"));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    file.write_all(text.as_bytes())?;
                    file.write_all(b"\n")?;
                    return Ok(path);
                }
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(error) => return Err(error),
            }
        }
    }
}

fn file_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A cassette ready to serve.
#[derive(Debug)]
pub struct Loaded {
    /// Its file name.
    pub file: String,
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// How it departs from the current documents (empty: not stale).
    pub violations: Vec<Violation>,
}

/// (provider, operation, method, path, query)
type Key = (&'static str, &'static str, String, String, Option<String>);

/// The cassettes of a directory (`--replay`), by request.
#[derive(Debug, Default)]
pub struct Cassettes {
    queues: HashMap<Key, Vec<Arc<Loaded>>>,
    served: Mutex<HashMap<Key, usize>>,
}

impl Cassettes {
    /// Loads every `*.json` file of `dir` for the `served` providers
    /// (cassettes of others are skipped with a warning), checking each
    /// against the documents. Returns them with the violations of stale ones.
    pub fn load(
        dir: &Path,
        served: &[&'static Provider],
    ) -> Result<(Self, Vec<Violation>), CassetteError> {
        let directory = |source| CassetteError::Directory {
            dir: dir.to_path_buf(),
            source,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(directory)?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(directory)?;
        files.retain(|path| path.extension().is_some_and(|e| e == "json") && path.is_file());
        files.sort();
        let mut cassettes = Self::default();
        let mut stale = Vec::new();
        for file in files {
            let malformed = |reason: String| CassetteError::Malformed {
                file: file.clone(),
                reason,
            };
            let text = std::fs::read_to_string(&file).map_err(|e| malformed(e.to_string()))?;
            let cassette: Cassette =
                serde_json::from_str(&text).map_err(|e| malformed(e.to_string()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Some(provider) = served.iter().find(|p| p.name == cassette.provider) else {
                tracing::warn!(
                    cassette = %name,
                    provider = %cassette.provider,
                    "cassette skipped: its provider is not served"
                );
                continue;
            };
            let loaded = load_one(&cassette, &name).map_err(malformed)?;
            let Some(operation) = provider
                .operations
                .iter()
                .find(|o| o.operation_id == cassette.operation_id)
            else {
                let gone = Violation {
                    provider: provider.name,
                    operation_id: None,
                    status: Some(loaded.status.as_u16()),
                    direction: Direction::Request,
                    pointer: String::new(),
                    message: format!(
                        "cassette {name}: operation `{}` is not in the document (stale; not served)",
                        cassette.operation_id
                    ),
                };
                stale.push(gone);
                continue;
            };
            let mut loaded = loaded;
            loaded.violations = upstream::response_violations(
                provider.name,
                operation,
                loaded.status.as_u16(),
                &loaded.headers,
                &loaded.body,
            )
            .into_iter()
            .map(|mut violation| {
                violation.message = format!("cassette {name}: {}", violation.message);
                violation
            })
            .collect();
            stale.extend(loaded.violations.iter().cloned());
            let key = (
                provider.name,
                operation.operation_id,
                cassette.request.method.clone(),
                cassette.request.path.clone(),
                query_key(cassette.request.query.as_deref()),
            );
            cassettes
                .queues
                .entry(key)
                .or_default()
                .push(Arc::new(loaded));
        }
        Ok((cassettes, stale))
    }

    /// How many cassettes can be served.
    pub fn len(&self) -> usize {
        self.queues.values().map(Vec::len).sum()
    }

    /// The cassette answering this request, if one was recorded for it:
    /// the next in order, the last repeating. `query` is redacted as recorded.
    pub fn take(
        &self,
        provider: &'static str,
        operation_id: &'static str,
        method: &Method,
        path: &str,
        query: Option<String>,
    ) -> Option<Arc<Loaded>> {
        let key = (
            provider,
            operation_id,
            method.to_string(),
            path.to_string(),
            query_key(query.as_deref()),
        );
        let queue = self.queues.get(&key)?;
        let mut served = self.served.lock().unwrap_or_else(PoisonError::into_inner);
        let count = served.entry(key).or_default();
        let loaded = queue.get(*count).or_else(|| queue.last())?.clone();
        *count += 1;
        Some(loaded)
    }
}

/// A query as replay compares it: parameters in name order, the values of
/// a repeated name in their own order (they may be a list); an empty query
/// is no query.
fn query_key(query: Option<&str>) -> Option<String> {
    let mut pairs: Vec<&str> = query?.split('&').filter(|p| !p.is_empty()).collect();
    if pairs.is_empty() {
        return None;
    }
    // Stable: equal names keep their order.
    pairs.sort_by_key(|pair| pair.split_once('=').map_or(*pair, |(name, _)| name));
    Some(pairs.join("&"))
}

/// The servable form of a cassette; an error says what is malformed.
fn load_one(cassette: &Cassette, file: &str) -> Result<Loaded, String> {
    Method::from_bytes(cassette.request.method.as_bytes())
        .map_err(|_| format!("`{}` is not an HTTP method", cassette.request.method))?;
    if !cassette.request.path.starts_with('/') && !cassette.request.path.is_empty() {
        return Err(format!(
            "request path `{}` does not start with `/`",
            cassette.request.path
        ));
    }
    let status = StatusCode::from_u16(cassette.response.status)
        .ok()
        .filter(|s| (100..=599).contains(&s.as_u16()))
        .ok_or_else(|| format!("{} is not a status code", cassette.response.status))?;
    let mut headers = HeaderMap::new();
    for (name, value) in &cassette.response.headers {
        let name = HeaderName::try_from(name.as_str())
            .map_err(|_| format!("`{name}` is not a header name"))?;
        let value = HeaderValue::try_from(value.as_str())
            .map_err(|_| format!("the value of `{name}` is not a header value"))?;
        headers.append(name, value);
    }
    Ok(Loaded {
        file: file.to_string(),
        status,
        headers,
        body: body_bytes(&cassette.response.body, &cassette.response.body_text),
        violations: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_match_in_any_parameter_order_but_list_order() {
        let key = |q: &str| query_key(Some(q));
        assert_eq!(key("b=2&a=1"), key("a=1&b=2"));
        assert_eq!(key("tag=x&a=1&tag=y"), Some("a=1&tag=x&tag=y".into()));
        assert_ne!(key("tag=x&tag=y"), key("tag=y&tag=x"));
        assert_eq!(key(""), None);
        assert_eq!(query_key(None), None);
        assert_eq!(key("flag&a=1"), Some("a=1&flag".into()));
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_safe("operations.cancel"), "operations.cancel");
        assert_eq!(file_safe("../a b/c"), ".._a_b_c");
    }

    #[test]
    fn json_bodies_are_stored_as_json_and_others_as_text() {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            "application/json; charset=utf-8".parse().unwrap(),
        );
        assert_eq!(
            stored_body(&headers, br#"{"a":1}"#),
            (Some(serde_json::json!({"a": 1})), None)
        );
        assert_eq!(
            stored_body(&headers, b"not json"),
            (None, Some("not json".into()))
        );
        headers.insert(CONTENT_TYPE, "text/plain".parse().unwrap());
        assert_eq!(stored_body(&headers, b"{}"), (None, Some("{}".into())));
        assert_eq!(stored_body(&headers, b""), (None, None));
    }

    #[test]
    fn secrets_and_set_cookie_are_not_kept() {
        let secrets = Secrets {
            headers: vec!["x-api-key".into()],
            query: vec![],
        };
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("x-api-key", "k1"),
            ("authorization", "Bearer k2"),
            ("cookie", "s=k3"),
            ("set-cookie", "s=k4"),
            ("accept", "a"),
            ("accept", "b"),
        ] {
            headers.append(name, value.parse().unwrap());
        }
        let kept = kept_headers(&headers, &secrets, &[SET_COOKIE]);
        assert_eq!(
            kept.into_iter().collect::<Vec<_>>(),
            [("accept".to_string(), "a, b".to_string())]
        );
    }
}

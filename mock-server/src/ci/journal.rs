//! The request journal: every request the mock answers, oldest first, so a
//! CI job (or a test) can ask what an app sent.
//!
//! Bounded twice so memory stays flat however long CI runs: at most
//! `capacity` entries (the oldest go first), and each entry keeps at most
//! [`MAX_BODY_BYTES`] of body and [`MAX_HEADER_BYTES`] of headers.
//! Credentials are redacted before anything is stored.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Uri};
use serde::Serialize;

use crate::pipeline::multipart::{self, MULTIPART, Part};
use crate::pipeline::request::{Incoming, form_decode};
use crate::proxy::violations::Violation;
use mock_model::problem::Problem;

/// Entries kept by default (`--journal N`): Hoverfly's default journal
/// size. An entry of a small request costs about half a kilobyte (measured
/// by `cargo xtask bench`), so the default journal holds about half a
/// megabyte; a CI job asking about more requests raises it.
pub const DEFAULT_CAPACITY: usize = 1_000;
/// Body bytes kept per entry.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// Header bytes (names and values) kept per entry.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;

/// What replaces a credential's value.
pub const REDACTED: &str = "<redacted>";

/// One request and the mock's answer to it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Sequence number, from 1.
    pub id: u64,
    /// When it arrived (serialised as RFC 3339, UTC, milliseconds).
    #[serde(serialize_with = "rfc3339")]
    pub time: SystemTime,
    /// The method.
    pub method: String,
    /// The path, as sent (percent-encoded).
    pub path: String,
    /// The query string, as sent, if any.
    pub query: Option<String>,
    /// Header names (lower case) and values, credentials redacted.
    pub headers: Headers,
    /// The body as text (invalid UTF-8 replaced), at most 16 KiB; empty for
    /// a `multipart/form-data` body, whose `parts` are listed instead.
    pub body: String,
    /// A `multipart/form-data` body's parts: names, file names, media types
    /// and sizes, not their bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<Vec<Part>>,
    /// The body's full length in bytes.
    pub body_bytes: usize,
    /// Whether `body` was cut at 16 KiB.
    pub body_truncated: bool,
    /// The provider whose base URL the path is under.
    pub provider: Option<&'static str>,
    /// The operation the request matched.
    pub operation_id: Option<&'static str>,
    /// The status sent (`0` when a fault dropped the connection instead).
    pub status: u16,
    /// What validation found wrong with the request.
    pub problems: Vec<JournalProblem>,
    /// The injected fault that answered, if one did.
    pub fault: Option<u64>,
    /// How the exchange departs from the documents (`--proxy`, `--replay`).
    pub violations: Vec<Violation>,
    /// The callbacks the answer started, by delivery id (their attempts
    /// are listed by `GET /__mock/webhooks`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub callbacks: Vec<String>,
}

/// Formatted when read, not on the request's path.
fn rfc3339<S: serde::Serializer>(time: &SystemTime, serializer: S) -> Result<S::Ok, S::Error> {
    let time = chrono::DateTime::<chrono::Utc>::from(*time);
    serializer.serialize_str(&time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// A validation problem as the journal shows it.
#[derive(Debug, Clone, Serialize)]
pub struct JournalProblem {
    /// Where: `["path", "task_id"]`.
    pub loc: Vec<String>,
    /// What, for a person.
    pub msg: String,
    /// What, for a program.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

impl From<&Problem> for JournalProblem {
    fn from(problem: &Problem) -> Self {
        Self {
            loc: problem.location.clone(),
            msg: problem.message.clone(),
            kind: problem.kind,
        }
    }
}

/// Which entries to list: `?operation_id=&provider=&status=`.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Only this operation.
    pub operation_id: Option<String>,
    /// Only this provider.
    pub provider: Option<String>,
    /// Only answers with this status.
    pub status: Option<u16>,
}

impl Filter {
    /// Whether `entry` passes.
    pub fn matches(&self, entry: &Entry) -> bool {
        self.matches_answer(entry.provider, entry.operation_id, entry.status)
    }

    fn matches_answer(
        &self,
        provider: Option<&str>,
        operation_id: Option<&str>,
        status: u16,
    ) -> bool {
        self.operation_id
            .as_deref()
            .is_none_or(|id| operation_id == Some(id))
            && self
                .provider
                .as_deref()
                .is_none_or(|name| provider == Some(name))
            && self.status.is_none_or(|wanted| status == wanted)
    }
}

/// Where the served APIs carry credentials, whose values the journal
/// never stores (besides `Authorization`, `Cookie` and `Proxy-Authorization`).
#[derive(Debug, Default, Clone)]
pub struct Secrets {
    /// Header names, lower case.
    pub headers: Vec<String>,
    /// Query parameter names.
    pub query: Vec<String>,
}

impl Secrets {
    /// Whether the header called `name` (lower case) carries a credential.
    pub fn is_secret_header(&self, name: &str) -> bool {
        matches!(name, "authorization" | "cookie" | "proxy-authorization")
            || self.headers.iter().any(|c| c == name)
    }

    /// `query` (as sent) with the values of credential parameters replaced by [`REDACTED`].
    pub fn redact_query(&self, query: &str) -> String {
        let mut redacted = String::with_capacity(query.len());
        self.push_redacted_query(query, &mut redacted);
        redacted
    }

    /// [`Self::redact_query`], appended to `out`.
    fn push_redacted_query(&self, query: &str, out: &mut String) {
        if self.query.is_empty() {
            out.push_str(query);
            return;
        }
        for (index, pair) in query.split('&').enumerate() {
            if index > 0 {
                out.push('&');
            }
            match pair.split_once('=') {
                Some((name, _)) if self.query.iter().any(|s| *form_decode(name) == **s) => {
                    out.push_str(name);
                    out.push('=');
                    out.push_str(REDACTED);
                }
                _ => out.push_str(pair),
            }
        }
    }
}

/// The request side of an entry, taken before the request is consumed.
#[derive(Debug)]
pub struct Request {
    time: SystemTime,
    method: Method,
    /// The path, the query and the headers' lines one after the other (the
    /// body is added by [`Journal::record`]): one allocation a request.
    text: String,
    path_end: usize,
    /// Where the query ends, when there is one (it starts at `path_end`).
    query_end: Option<usize>,
    headers_end: usize,
    /// The `Content-Type` of a multipart body (it names the boundary).
    multipart: Option<String>,
}

impl Request {
    /// Notes the request line and headers, redacting `secrets`, in one
    /// buffer sized for them and for the body `Content-Length` announces
    /// (as kept: at most [`MAX_BODY_BYTES`]); no map built (see [`Headers`]).
    pub fn new(method: &Method, uri: &Uri, headers: &HeaderMap, secrets: &Secrets) -> Self {
        let header_bytes = headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len().max(REDACTED.len()) + 3)
            .sum::<usize>()
            .min(MAX_HEADER_BYTES);
        let multipart = headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .filter(|value| {
                value
                    .split(';')
                    .next()
                    .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(MULTIPART))
            })
            .map(str::to_owned);
        // A multipart body is listed as its parts, not kept as text.
        let body_bytes = headers
            .get(axum::http::header::CONTENT_LENGTH)
            .filter(|_| multipart.is_none())
            .and_then(|value| value.to_str().ok()?.parse::<usize>().ok())
            .unwrap_or(0)
            .min(MAX_BODY_BYTES);
        let (path, query) = (uri.path(), uri.query());
        // Sized once: growing it would `realloc`, which takes glibc's arena
        // lock, contended by the other worker threads' frees of entries.
        let mut text = String::with_capacity(
            path.len() + query.map_or(0, str::len) + header_bytes + body_bytes,
        );
        text.push_str(path);
        let path_end = text.len();
        let query_end = query.map(|query| {
            secrets.push_redacted_query(query, &mut text);
            text.len()
        });
        let headers_start = text.len();
        for (name, value) in headers {
            let name = name.as_str();
            let value = if secrets.is_secret_header(name) {
                std::borrow::Cow::Borrowed(REDACTED)
            } else {
                // Visible ASCII (nearly every header) is checked by a byte loop.
                match value.to_str() {
                    Ok(text) => std::borrow::Cow::Borrowed(text),
                    Err(_) => String::from_utf8_lossy(value.as_bytes()),
                }
            };
            if text.len() - headers_start + name.len() + value.len() + 3 > MAX_HEADER_BYTES {
                continue;
            }
            text.push_str(name);
            text.push_str(": ");
            text.push_str(&value);
            text.push('\n');
        }
        let headers_end = text.len();
        Self {
            time: SystemTime::now(),
            method: method.clone(),
            text,
            path_end,
            query_end,
            headers_end,
            multipart,
        }
    }
}

/// A request's headers as recorded: one `name: value` line each (names in
/// lower case, credentials redacted), serialised as an object whose repeated
/// names join their values with `, `.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(String);

impl Headers {
    /// Every header, in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.lines().filter_map(|line| line.split_once(": "))
    }

    /// The value of `name` (lower case); repeated headers joined with `, `.
    pub fn get(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .iter()
            .filter(|(key, _)| *key == name)
            .map(|(_, value)| value)
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }
}

impl Serialize for Headers {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut joined = BTreeMap::<&str, String>::new();
        for (name, value) in self.iter() {
            joined
                .entry(name)
                .and_modify(|existing| {
                    existing.push_str(", ");
                    existing.push_str(value);
                })
                .or_insert_with(|| value.to_string());
        }
        joined.serialize(serializer)
    }
}

/// A request's body as the journal takes it.
#[derive(Debug)]
pub enum RequestBody {
    /// Its bytes (a multipart body's are listed as its parts).
    Whole(Bytes),
    /// An upload read as it arrived: its parts, without their bytes.
    Uploaded(Vec<Part>),
}

impl Default for RequestBody {
    fn default() -> Self {
        RequestBody::Whole(Bytes::new())
    }
}

impl From<Incoming> for RequestBody {
    fn from(request: Incoming) -> Self {
        match request.uploaded {
            Some(uploaded) => RequestBody::Uploaded(
                uploaded
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(part, _)| part)
                    .collect(),
            ),
            None => RequestBody::Whole(request.body),
        }
    }
}

/// What the mock did with a request, to complete its entry.
#[derive(Debug, Default)]
pub struct Answer<'a> {
    /// The provider matched.
    pub provider: Option<&'static str>,
    /// The operation matched.
    pub operation_id: Option<&'static str>,
    /// The status sent.
    pub status: u16,
    /// Validation problems.
    pub problems: &'a [Problem],
    /// The fault that answered.
    pub fault: Option<u64>,
    /// How a proxied or replayed exchange departs from the documents.
    pub violations: &'a [Violation],
    /// The callbacks' delivery ids.
    pub callbacks: Vec<String>,
}

/// The journal itself; cheap to share.
#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    entries: VecDeque<Kept>,
}

/// An entry as the journal keeps it: the request's text in the buffer
/// [`Request::new`] made, the body appended; made an [`Entry`] when read,
/// so a request costs the journal one allocation, not seven.
#[derive(Debug)]
struct Kept {
    id: u64,
    request: Request,
    parts: Option<Vec<Part>>,
    body_bytes: usize,
    body_truncated: bool,
    provider: Option<&'static str>,
    operation_id: Option<&'static str>,
    status: u16,
    problems: Vec<JournalProblem>,
    fault: Option<u64>,
    violations: Vec<Violation>,
    callbacks: Vec<String>,
}

impl Kept {
    fn entry(&self) -> Entry {
        let request = &self.request;
        let text = &request.text;
        let query_end = request.query_end.unwrap_or(request.path_end);
        Entry {
            id: self.id,
            time: request.time,
            method: request.method.to_string(),
            path: text[..request.path_end].to_string(),
            query: request
                .query_end
                .map(|end| text[request.path_end..end].to_string()),
            headers: Headers(text[query_end..request.headers_end].to_string()),
            body: text[request.headers_end..].to_string(),
            parts: self.parts.clone(),
            body_bytes: self.body_bytes,
            body_truncated: self.body_truncated,
            provider: self.provider,
            operation_id: self.operation_id,
            status: self.status,
            problems: self.problems.clone(),
            fault: self.fault,
            violations: self.violations.clone(),
            callbacks: self.callbacks.clone(),
        }
    }
}

impl Journal {
    /// A journal keeping the last `capacity` entries; `0` records nothing.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            state: Mutex::new(State::default()),
        }
    }

    /// Whether it records anything.
    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    /// Records a request with its body and the answer.
    pub fn record(&self, mut request: Request, body: RequestBody, answer: Answer<'_>) {
        if !self.enabled() {
            return;
        }
        let (parts, body_bytes, body_truncated) = match body {
            RequestBody::Uploaded(parts) => {
                let length = parts.iter().map(|part| part.bytes).sum();
                (Some(parts), length, false)
            }
            RequestBody::Whole(body) => match request.multipart.as_deref() {
                Some(content_type) => {
                    let parts = multipart::parts(content_type, &body)
                        .map(|parts| parts.into_iter().map(|(part, _)| part).collect())
                        .unwrap_or_default();
                    (Some(parts), body.len(), false)
                }
                None => {
                    let kept = &body[..body.len().min(MAX_BODY_BYTES)];
                    match std::str::from_utf8(kept) {
                        Ok(text) => request.text.push_str(text),
                        Err(_) => request.text.push_str(&String::from_utf8_lossy(kept)),
                    }
                    (None, body.len(), kept.len() < body.len())
                }
            },
        };
        let mut kept = Kept {
            id: 0,
            request,
            parts,
            body_bytes,
            body_truncated,
            provider: answer.provider,
            operation_id: answer.operation_id,
            status: answer.status,
            problems: answer.problems.iter().map(JournalProblem::from).collect(),
            fault: answer.fault,
            violations: answer.violations.to_vec(),
            callbacks: answer.callbacks,
        };
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.next_id += 1;
        kept.id = state.next_id;
        let evicted = if state.entries.len() == self.capacity {
            state.entries.pop_front()
        } else {
            None
        };
        state.entries.push_back(kept);
        drop(state);
        // Freed after the lock: the other worker threads are waiting to
        // record theirs.
        drop(evicted);
    }

    /// The entries passing `filter`, oldest first.
    pub fn entries(&self, filter: &Filter) -> Vec<Arc<Entry>> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state
            .entries
            .iter()
            .filter(|kept| filter.matches_answer(kept.provider, kept.operation_id, kept.status))
            .map(|kept| Arc::new(kept.entry()))
            .collect()
    }

    /// Forgets every entry (numbering continues).
    pub fn clear(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let forgotten = std::mem::take(&mut state.entries);
        drop(state);
        drop(forgotten);
    }
}

/// What a test expects the journal to hold, in the spirit of wiremock's
/// `expect(n)`: `Expectation::operation("cancelTask").with_header("idempotency-key").times(2)`.
#[derive(Debug, Clone, Default)]
pub struct Expectation {
    filter: Filter,
    headers: Vec<(String, Option<String>)>,
    times: Option<std::ops::RangeInclusive<usize>>,
}

impl Expectation {
    /// Requests that matched `operation_id` (in any provider).
    pub fn operation(operation_id: impl Into<String>) -> Self {
        Self {
            filter: Filter {
                operation_id: Some(operation_id.into()),
                ..Filter::default()
            },
            ..Self::default()
        }
    }

    /// Requests to any operation (narrow with the other methods).
    pub fn any() -> Self {
        Self::default()
    }

    /// Only requests to `provider`.
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.filter.provider = Some(provider.into());
        self
    }

    /// Only requests answered with `status`.
    pub fn status(mut self, status: u16) -> Self {
        self.filter.status = Some(status);
        self
    }

    /// Only requests carrying header `name` (any value).
    pub fn with_header(mut self, name: impl Into<String>) -> Self {
        self.headers.push((name.into().to_ascii_lowercase(), None));
        self
    }

    /// Only requests carrying header `name` with exactly `value` (credentials
    /// are redacted in the journal, so match those with [`Self::with_header`]).
    pub fn with_header_value(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers
            .push((name.into().to_ascii_lowercase(), Some(value.into())));
        self
    }

    /// How many matching requests are expected: `2`, `1..=3`, `1..` (default: at least one).
    pub fn times(mut self, times: impl Into<Times>) -> Self {
        self.times = Some(times.into().0);
        self
    }

    fn matches(&self, entry: &Entry) -> bool {
        self.filter.matches(entry)
            && self.headers.iter().all(|(name, value)| {
                entry
                    .headers
                    .get(name)
                    .is_some_and(|got| value.as_ref().is_none_or(|want| &got == want))
            })
    }

    /// Counts the matching entries of `journal` against the expectation.
    pub fn verify(&self, journal: &Journal) -> Result<(), VerificationError> {
        let entries = journal.entries(&Filter::default());
        let matched = entries.iter().filter(|e| self.matches(e)).count();
        let expected = self.times.clone().unwrap_or(1..=usize::MAX);
        if expected.contains(&matched) {
            return Ok(());
        }
        Err(VerificationError {
            expectation: self.describe(&expected),
            matched,
            received: entries
                .iter()
                .map(|e| {
                    format!(
                        "{} {} -> {} ({})",
                        e.method,
                        e.path,
                        e.status,
                        e.operation_id.unwrap_or("no operation")
                    )
                })
                .collect(),
        })
    }

    fn describe(&self, expected: &std::ops::RangeInclusive<usize>) -> String {
        let mut parts = Vec::new();
        if let Some(id) = &self.filter.operation_id {
            parts.push(format!("operation {id}"));
        }
        if let Some(provider) = &self.filter.provider {
            parts.push(format!("provider {provider}"));
        }
        if let Some(status) = self.filter.status {
            parts.push(format!("status {status}"));
        }
        for (name, value) in &self.headers {
            match value {
                Some(value) => parts.push(format!("header {name}: {value}")),
                None => parts.push(format!("header {name}")),
            }
        }
        let count = match (*expected.start(), *expected.end()) {
            (low, high) if low == high => format!("exactly {low}"),
            (low, usize::MAX) => format!("at least {low}"),
            (low, high) => format!("{low} to {high}"),
        };
        let what = if parts.is_empty() {
            "any request".to_string()
        } else {
            parts.join(", ")
        };
        format!("{count} request(s) matching {what}")
    }
}

/// A count or range of counts for [`Expectation::times`].
#[derive(Debug, Clone)]
pub struct Times(std::ops::RangeInclusive<usize>);

impl From<usize> for Times {
    fn from(count: usize) -> Self {
        Times(count..=count)
    }
}

impl From<std::ops::RangeInclusive<usize>> for Times {
    fn from(range: std::ops::RangeInclusive<usize>) -> Self {
        Times(range)
    }
}

impl From<std::ops::RangeFrom<usize>> for Times {
    fn from(range: std::ops::RangeFrom<usize>) -> Self {
        Times(range.start..=usize::MAX)
    }
}

/// The journal did not hold what was expected.
#[derive(Debug, Clone, thiserror::Error)]
#[error("expected {expectation}, found {matched}; received:\n{}", received.join("\n"))]
pub struct VerificationError {
    /// What was expected.
    pub expectation: String,
    /// How many requests matched.
    pub matched: usize,
    /// Every request the journal holds, one line each.
    pub received: Vec<String>,
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn request(headers: &[(&'static str, &str)]) -> Request {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        Request::new(
            &Method::POST,
            &"/p/tasks/1/cancel?x=1&key=sekrit".parse().unwrap(),
            &map,
            &Secrets {
                headers: vec!["x-api-key".into()],
                query: vec!["key".into()],
            },
        )
    }

    #[test]
    fn bounded_oldest_first_and_filtered() {
        let journal = Journal::new(3);
        for status in [200, 404, 200, 409] {
            journal.record(
                request(&[]),
                RequestBody::default(),
                Answer {
                    provider: Some("p"),
                    operation_id: Some("cancel"),
                    status,
                    ..Answer::default()
                },
            );
        }
        let all = journal.entries(&Filter::default());
        let statuses: Vec<u16> = all.iter().map(|e| e.status).collect();
        assert_eq!(statuses, [404, 200, 409]);
        assert_eq!(all[0].id, 2);
        let filter = Filter {
            status: Some(200),
            ..Filter::default()
        };
        assert_eq!(journal.entries(&filter).len(), 1);
        journal.clear();
        assert!(journal.entries(&Filter::default()).is_empty());
    }

    #[test]
    fn credentials_are_redacted_and_sizes_capped() {
        let journal = Journal::new(1);
        let body = vec![b'a'; MAX_BODY_BYTES + 10];
        journal.record(
            request(&[
                ("x-api-key", "sekrit"),
                ("authorization", "Bearer sekrit"),
                ("prefer", "code=409"),
                ("x-big", &"v".repeat(MAX_HEADER_BYTES)),
            ]),
            RequestBody::Whole(Bytes::from(body)),
            Answer::default(),
        );
        let entry = &journal.entries(&Filter::default())[0];
        let text = serde_json::to_string(entry.as_ref()).unwrap();
        assert!(!text.contains("sekrit"), "{text}");
        assert_eq!(entry.headers.get("x-api-key").as_deref(), Some(REDACTED));
        assert_eq!(entry.headers.get("prefer").as_deref(), Some("code=409"));
        assert_eq!(entry.headers.get("x-big"), None);
        assert_eq!(entry.body.len(), MAX_BODY_BYTES);
        assert!(entry.body_truncated);
        assert_eq!(entry.body_bytes, MAX_BODY_BYTES + 10);
        assert_eq!(entry.query.as_deref(), Some("x=1&key=<redacted>"));
    }

    #[test]
    fn a_body_cut_inside_a_character_ends_in_a_replacement_character() {
        let journal = Journal::new(1);
        let mut body = vec![b'a'; MAX_BODY_BYTES - 1];
        body.extend_from_slice("é and more".as_bytes());
        journal.record(
            request(&[]),
            RequestBody::Whole(Bytes::from(body)),
            Answer::default(),
        );
        let entry = &journal.entries(&Filter::default())[0];
        assert!(
            entry.body.ends_with("a\u{fffd}"),
            "{:?}",
            &entry.body[entry.body.len() - 8..]
        );
        assert!(entry.body_truncated);
        assert_eq!(entry.path, "/p/tasks/1/cancel");
        assert_eq!(entry.query.as_deref(), Some("x=1&key=<redacted>"));
        assert!(entry.headers.iter().next().is_none());
    }

    #[test]
    fn a_zero_capacity_journal_records_nothing() {
        let journal = Journal::new(0);
        journal.record(request(&[]), RequestBody::default(), Answer::default());
        assert!(journal.entries(&Filter::default()).is_empty());
    }

    #[test]
    fn expectations_count_matching_requests() {
        let journal = Journal::new(10);
        for prefer in ["code=503", "code=503", "code=200"] {
            journal.record(
                request(&[("prefer", prefer), ("x-api-key", "k")]),
                RequestBody::default(),
                Answer {
                    provider: Some("p"),
                    operation_id: Some("cancel"),
                    status: 200,
                    ..Answer::default()
                },
            );
        }
        let cancel = || Expectation::operation("cancel");
        assert!(cancel().times(3).verify(&journal).is_ok());
        assert!(
            cancel()
                .with_header("x-api-key")
                .times(3)
                .verify(&journal)
                .is_ok()
        );
        assert!(
            cancel()
                .with_header_value("prefer", "code=503")
                .times(2)
                .verify(&journal)
                .is_ok()
        );
        assert!(cancel().times(1..).verify(&journal).is_ok());
        assert!(
            Expectation::operation("other")
                .times(0)
                .verify(&journal)
                .is_ok()
        );
        let error = cancel()
            .with_header("idempotency-key")
            .times(1)
            .verify(&journal)
            .unwrap_err();
        assert_eq!(error.matched, 0);
        assert!(
            error
                .to_string()
                .starts_with("expected exactly 1 request(s) matching operation cancel, header idempotency-key, found 0"),
            "{error}"
        );
        assert_eq!(error.received.len(), 3);
    }

    #[test]
    fn repeated_headers_are_joined_in_order() {
        let journal = Journal::new(1);
        journal.record(
            request(&[("accept", "a/b"), ("x-trace", "1"), ("accept", "c/d")]),
            RequestBody::default(),
            Answer::default(),
        );
        let entry = &journal.entries(&Filter::default())[0];
        assert_eq!(entry.headers.get("accept").as_deref(), Some("a/b, c/d"));
        let json = serde_json::to_value(&entry.headers).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"accept": "a/b, c/d", "x-trace": "1"})
        );
    }
}

//! stream: a declared `text/event-stream` answer sent as a stream of
//! events, chunked, made as they are sent (so a million-event stream costs
//! no more memory than one). The stream is chosen when the response
//! declares nothing else, when `Accept` prefers it to JSON, or when the
//! JSON request body says `"stream": true` (how AI platforms' clients ask;
//! `stream_switch` in `provider.yaml` names another member).
//! `Prefer: events=N` sets how many events (3 by default), `interval=MS`
//! the pause before each.
//!
//! Each event is numbered (`id: 1`, `id: 2`, ...) unless its example names
//! an id of its own or the document's event schema has no room for one
//! (Akua's closed `{event, data}`), and a request carrying `Last-Event-ID: N` (as an
//! `EventSource` reconnecting sends) gets the same stream from event N + 1:
//! a client that lost the connection midway resumes without a gap or a
//! repeat, as the WHATWG reconnection rules intend.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use mock_model::model::{self, Example};

use crate::pipeline::request::Incoming;
use crate::pipeline::select::Preference;

/// The event-stream media type.
pub const EVENT_STREAM: &str = "text/event-stream";

/// Events in a stream when the request does not say (`Prefer: events=N`).
pub const DEFAULT_EVENTS: u64 = 3;

/// The longest pause between events (`Prefer: interval=MS`).
pub const MAX_INTERVAL: Duration = Duration::from_secs(60);

/// How many events a streamed answer holds: for a fault that cuts it midway.
#[derive(Debug, Clone, Copy)]
pub struct Streamed {
    /// Events the stream sends, one body chunk each.
    pub events: u64,
}

/// The events of `response` to stream for `request`, if it is to be
/// streamed; `switch` is the body member that asks for it.
pub fn wanted(
    response: &'static model::Response,
    chosen: Option<&'static Example>,
    request: &Incoming,
    switch: &str,
) -> Option<&'static [Example]> {
    let is_stream = response
        .content_type
        .is_some_and(|c| c.eq_ignore_ascii_case(EVENT_STREAM));
    if is_stream {
        // The stream is the response's body: its examples are events; a
        // named one is repeated alone.
        return match chosen {
            Some(example) if response.examples.len() > 1 => Some(std::slice::from_ref(example)),
            _ => Some(response.examples).filter(|events| !events.is_empty()),
        };
    }
    if response.events.is_empty() {
        return None;
    }
    let asked = prefers_stream(request.header("accept").unwrap_or_default())
        || asks_in_body(&request.body, switch);
    asked.then_some(response.events)
}

/// Whether `accept` ranks `text/event-stream` above JSON.
fn prefers_stream(accept: &str) -> bool {
    let mut stream = None;
    let mut json: Option<f32> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q=").map(str::trim))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            EVENT_STREAM => stream = Some(quality),
            "application/json" | "application/*" | "*/*" => {
                json = Some(json.map_or(quality, |q| q.max(quality)));
            }
            _ => {}
        }
    }
    // An equal rank keeps JSON, the document's first answer.
    stream.is_some_and(|s| s > 0.0 && json.is_none_or(|j| s > j))
}

/// Whether a JSON request body has `"<switch>": true`.
fn asks_in_body(body: &[u8], switch: &str) -> bool {
    let quoted = format!("\"{switch}\"");
    if body.is_empty() || !body.windows(quoted.len()).any(|w| w == quoted.as_bytes()) {
        return false;
    }
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|value| value.get(switch).and_then(serde_json::Value::as_bool))
        == Some(true)
}

/// `response` with `events` streamed, cycling through them: as many as the
/// request prefers (`events=N`), each after its pause (`interval=MS`),
/// after the event `last_event_id` numbers when the request resumes.
/// Events are numbered only where the document's event schema lets them
/// carry an `id` (`Response::event_ids`); elsewhere a stream cannot resume.
pub fn stream(
    response: &model::Response,
    events: &'static [Example],
    preference: &Preference<'_>,
    last_event_id: Option<&str>,
) -> Response {
    let count = preference
        .events
        .as_deref()
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or(DEFAULT_EVENTS);
    // Another value (a document's own id, or none) starts from the first.
    let resumed_after = last_event_id
        .filter(|_| response.event_ids)
        .and_then(|id| id.trim().parse::<u64>().ok())
        .unwrap_or(0);
    let ids = response.event_ids;
    let interval = preference
        .interval
        .as_deref()
        .and_then(|ms| ms.parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or_default()
        .min(MAX_INTERVAL);
    // A terminal event (`data: [DONE]`, OpenAI's convention, which some
    // documents give as an example) ends the stream: it goes last, once,
    // after `count` of the others.
    let terminal = |e: &&Example| e.body.trim() == "data: [DONE]";
    let finale = events.iter().find(terminal).map(|e| e.body);
    let cycle: Vec<&'static str> = events
        .iter()
        .filter(|e| !terminal(e))
        .map(|e| e.body)
        .collect();
    let count = if cycle.is_empty() { 0 } else { count };
    let first = resumed_after.min(count);
    let body = stream::unfold(first, move |sent| {
        let event = match sent.cmp(&count) {
            std::cmp::Ordering::Less => {
                let example = cycle[(sent % cycle.len() as u64) as usize];
                Some(match ids {
                    true => numbered(example, sent + 1),
                    false => Bytes::from_static(example.as_bytes()),
                })
            }
            std::cmp::Ordering::Equal => finale.map(|done| Bytes::from_static(done.as_bytes())),
            std::cmp::Ordering::Greater => None,
        };
        async move {
            let event = event?;
            if !interval.is_zero() {
                tokio::time::sleep(interval).await;
            }
            Some((Ok::<_, Infallible>(event), sent + 1))
        }
    });
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::OK);
    let mut builder = Response::builder()
        .status(status)
        .header(CONTENT_TYPE, EVENT_STREAM)
        .header(CACHE_CONTROL, "no-cache");
    for header in response.headers {
        builder = builder.header(header.name, header.value);
    }
    let mut built = builder
        .body(Body::from_stream(body))
        // Every part is static data built from valid names and values.
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    built.extensions_mut().insert(Streamed {
        events: count - first + u64::from(finale.is_some()),
    });
    built
}

/// `event` (an example's text) with `id: <number>` as its last field, unless
/// it has an `id` field of its own.
fn numbered(event: &'static str, number: u64) -> Bytes {
    let has_id = event
        .lines()
        .any(|line| line == "id" || line.starts_with("id:"));
    if has_id {
        return Bytes::from_static(event.as_bytes());
    }
    let fields = event.trim_end_matches(['\r', '\n']);
    Bytes::from(format!("{fields}\nid: {number}\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_ranks_the_stream() {
        assert!(prefers_stream("text/event-stream"));
        assert!(prefers_stream("application/json;q=0.5, text/event-stream"));
        assert!(prefers_stream("TEXT/EVENT-STREAM; q=0.9, */*;q=0.1"));
        assert!(!prefers_stream(""));
        assert!(!prefers_stream("application/json"));
        assert!(!prefers_stream("application/json, text/event-stream"));
        assert!(!prefers_stream("text/event-stream;q=0"));
        assert!(!prefers_stream("*/*"));
    }

    #[tokio::test]
    async fn a_done_event_goes_last_once() {
        static EVENTS: &[Example] = &[
            Example {
                name: "chunk",
                body: "data: {}\n\n",
            },
            Example {
                name: "end",
                body: "data: [DONE]\n\n",
            },
        ];
        static RESPONSE: model::Response = model::Response {
            status: 200,
            description: "",
            content_type: Some("application/json"),
            headers: &[],
            examples: &[],
            matches: model::StatusMatch::Exact,
            schema: None,
            events: EVENTS,
            event_ids: true,
        };
        let preference = Preference {
            events: Some("3".into()),
            ..Preference::default()
        };
        let body = |last_event_id: Option<&str>| {
            let response = stream(&RESPONSE, EVENTS, &preference, last_event_id);
            async {
                axum::body::to_bytes(response.into_body(), usize::MAX)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            body(None).await,
            "data: {}\nid: 1\n\ndata: {}\nid: 2\n\ndata: {}\nid: 3\n\ndata: [DONE]\n\n"
        );
        // Resuming after the second event: the third, then the end.
        assert_eq!(body(Some("2")).await, "data: {}\nid: 3\n\ndata: [DONE]\n\n");
        // After the last, or past it: only the end.
        assert_eq!(body(Some("3")).await, "data: [DONE]\n\n");
        assert_eq!(body(Some("99")).await, "data: [DONE]\n\n");
        // An id the mock did not give: from the start.
        assert_eq!(body(Some("evt_7")).await, body(None).await);
    }

    #[test]
    fn events_are_numbered_unless_they_have_an_id() {
        assert_eq!(numbered("data: x\n\n", 4), "data: x\nid: 4\n\n");
        assert_eq!(
            numbered("event: a\r\ndata: x\r\n\r\n", 1),
            "event: a\r\ndata: x\nid: 1\n\n"
        );
        assert_eq!(
            numbered("id: evt_1\ndata: x\n\n", 4),
            "id: evt_1\ndata: x\n\n"
        );
        assert_eq!(numbered("id\ndata: x\n\n", 4), "id\ndata: x\n\n");
        assert_eq!(
            numbered("identity: 1\ndata: x\n\n", 2),
            "identity: 1\ndata: x\nid: 2\n\n"
        );
    }

    #[test]
    fn the_body_asks_with_stream_true() {
        let asks = |body: &[u8]| asks_in_body(body, "stream");
        assert!(asks(br#"{"model": "m", "stream": true}"#));
        assert!(!asks(br#"{"model": "m", "stream": false}"#));
        assert!(!asks(br#"{"model": "m", "options": {"stream": true}}"#));
        assert!(!asks(b"stream: true"));
        assert!(!asks(b""));
        // A provider naming another switch.
        assert!(asks_in_body(br#"{"streaming": true}"#, "streaming"));
        assert!(!asks_in_body(br#"{"stream": true}"#, "streaming"));
    }
}

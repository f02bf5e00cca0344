//! Server-sent events: a `text/event-stream` response read as a stream of
//! typed events while it arrives.
//!
//! The builder of each operation whose success the document declares as
//! `text/event-stream` has `.events()`: it sends the request asking for the
//! stream (`Accept: text/event-stream`, and `"stream": true` where the
//! request body has that switch, as AI platforms' APIs do; a provider's
//! `provider.yaml` may name another member), decodes a
//! documented error status as `send()` does, and returns the events of a
//! success as they come. Each event's `data` is parsed as the type the
//! document gives it (text where it gives none).
//!
//! The decoding follows the WHATWG rules: lines end with CRLF, LF or CR;
//! `data` lines of one event are joined with newlines; comment lines (`:`)
//! and unknown fields are ignored; `id` persists until changed; `retry`
//! takes digits only. One event is bounded (`ClientBuilder::max_event_bytes`,
//! 1 MiB by default) instead of the whole response: a stream may run for
//! hours. An event whose data is `[DONE]` (OpenAI's convention) ends the stream.
//!
//! A stream that broke off resumes with `.events_after(id)`, `id` being the
//! last event's [`Event::id`]: the request carries `Last-Event-ID`, and a
//! server that numbers its events (the mock does, where the document's event
//! schema has room for an `id`) sends those after it. The
//! SDK does not reconnect on its own: asking again can repeat work (an AI
//! platform's `POST` starts a new completion), so the app decides.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use futures_util::StreamExt;
//!
//! let client = sdk::akua::Client::builder().api_key("ak_...").build()?;
//! let mut logs = client.installs_get_logs().id("ins_1").events().await?;
//! while let Some(event) = logs.next().await {
//!     let event = event?;
//!     println!("{}: {}", event.event, event.data);
//! }
//! # Ok(()) }
//! ```

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, BoxStream, StreamExt};

/// The default bound on one event's size ([`crate::ClientBuilder::max_event_bytes`]).
pub const DEFAULT_MAX_EVENT_BYTES: usize = 1024 * 1024;

/// One event of a stream.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// Its type (`event:`); `message` where the server names none.
    pub event: String,
    /// The last event id the stream has set (`id:`), for resuming with
    /// `Last-Event-ID`.
    pub id: Option<String>,
    /// The reconnection time this event asks for (`retry:`), if it sets one.
    pub retry: Option<Duration>,
    /// Its data (`data:` lines joined), parsed.
    pub data: T,
}

/// The events of a response, in order (`.events()`).
pub type EventStream<T> = BoxStream<'static, Result<Event<T>, EventError>>;

/// Why a stream of events stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The success did not come as an event stream.
    #[error("the response is `{content_type}`, not an event stream")]
    NotAStream {
        /// The response's `Content-Type`, as sent.
        content_type: String,
    },
    /// One event grew past the client's bound before it ended.
    #[error("an event is larger than {limit} bytes")]
    TooLarge {
        /// The bound (`max_event_bytes`).
        limit: usize,
    },
    /// An event's data does not parse as its documented type.
    #[error("event `{}` does not parse: {source}", .event.event)]
    InvalidData {
        /// The event, its data as text.
        event: Event<String>,
        /// Why.
        source: serde_json::Error,
    },
    /// Reading the stream failed.
    #[error("reading the event stream failed: {0}")]
    Transport(#[source] reqwest::Error),
}

/// The WHATWG event-stream decoder, fed as bytes arrive.
#[derive(Debug)]
struct Decoder {
    limit: usize,
    /// Bytes of a line not yet ended.
    line: BytesMut,
    /// A CR ended the last line: a LF first in the next chunk belongs to it.
    after_cr: bool,
    /// Bytes seen so far, up to three: a byte-order mark starting the stream is dropped.
    started: usize,
    event: String,
    data: String,
    /// Whether a `data` field came (an event without one is not dispatched).
    has_data: bool,
    retry: Option<Duration>,
    last_id: Option<String>,
}

impl Decoder {
    fn new(limit: usize) -> Self {
        Self {
            limit,
            line: BytesMut::new(),
            after_cr: false,
            started: 0,
            event: String::new(),
            data: String::new(),
            has_data: false,
            retry: None,
            last_id: None,
        }
    }

    /// Feeds `chunk`; the events it completes go to `out`.
    fn feed(&mut self, chunk: &[u8], out: &mut Vec<Event<String>>) -> Result<(), EventError> {
        let mut rest = chunk;
        // WHATWG: one U+FEFF at the very start is not part of the stream
        // (it may arrive split over chunks).
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        while self.started < BOM.len() {
            match rest.first() {
                Some(byte) if *byte == BOM[self.started] => {
                    self.started += 1;
                    rest = &rest[1..];
                }
                Some(_) => {
                    // Not a mark after all: the bytes taken for one were the stream's.
                    self.line.extend_from_slice(&BOM[..self.started]);
                    self.started = BOM.len();
                }
                None => return Ok(()),
            }
        }
        if self.after_cr && rest.first() == Some(&b'\n') {
            rest = &rest[1..];
        }
        self.after_cr = false;
        while let Some(end) = rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
            self.line.extend_from_slice(&rest[..end]);
            let line = std::mem::take(&mut self.line);
            if line.len() + self.data.len() + self.event.len() > self.limit {
                return Err(EventError::TooLarge { limit: self.limit });
            }
            self.line_ended(&line, out);
            let crlf = rest[end] == b'\r' && rest.get(end + 1) == Some(&b'\n');
            if rest[end] == b'\r' && end + 1 == rest.len() {
                self.after_cr = true;
            }
            rest = &rest[end + if crlf { 2 } else { 1 }..];
        }
        self.line.extend_from_slice(rest);
        if self.line.len() + self.data.len() + self.event.len() > self.limit {
            return Err(EventError::TooLarge { limit: self.limit });
        }
        Ok(())
    }

    fn line_ended(&mut self, line: &[u8], out: &mut Vec<Event<String>>) {
        if line.is_empty() {
            if self.has_data {
                let mut data = std::mem::take(&mut self.data);
                // Every `data` line added a newline; the last one goes.
                data.pop();
                out.push(Event {
                    event: match std::mem::take(&mut self.event) {
                        event if event.is_empty() => "message".to_string(),
                        event => event,
                    },
                    id: self.last_id.clone(),
                    retry: self.retry.take(),
                    data,
                });
            } else {
                self.event.clear();
                self.retry = None;
            }
            self.has_data = false;
            return;
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.find(':') {
            Some(0) => return, // a comment
            Some(at) => {
                let value = &line[at + 1..];
                (&line[..at], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => self.event = value.to_string(),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.last_id = Some(value.to_string()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok().map(Duration::from_millis);
            }
            _ => {}
        }
    }
}

/// The events of `response`'s body, each parsed by `parse`; read lazily,
/// one event at most `limit` bytes.
#[doc(hidden)]
pub fn stream<T: Send + 'static>(
    response: reqwest::Response,
    limit: usize,
    parse: fn(&str) -> Result<T, serde_json::Error>,
) -> EventStream<T> {
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if !specs_event_stream(&content_type) {
        let error = EventError::NotAStream { content_type };
        return stream::iter([Err(error)]).boxed();
    }
    let body = response
        .bytes_stream()
        .map(|chunk| chunk.map_err(EventError::Transport));
    decode(body.boxed(), limit, parse)
}

/// A stream whose only item says the success was not an event stream.
#[doc(hidden)]
pub fn not_a_stream<T: Send + 'static>(headers: &reqwest::header::HeaderMap) -> EventStream<T> {
    let content_type = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    stream::iter([Err(EventError::NotAStream { content_type })]).boxed()
}

/// The header asking to resume after the event `last_event_id` names
/// (`Last-Event-ID`), or none; what `.events_after(id)` sends.
#[doc(hidden)]
pub fn resume_headers(
    last_event_id: Option<reqwest::header::HeaderValue>,
) -> reqwest::header::HeaderMap {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(id) = last_event_id {
        headers.insert(LAST_EVENT_ID, id);
    }
    headers
}

/// The header a client resuming a stream sends (WHATWG HTML, server-sent events).
pub const LAST_EVENT_ID: reqwest::header::HeaderName =
    reqwest::header::HeaderName::from_static("last-event-id");

/// `text/event-stream`, parameters and case aside.
fn specs_event_stream(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .eq_ignore_ascii_case("text/event-stream")
}

struct State<T> {
    body: BoxStream<'static, Result<Bytes, EventError>>,
    decoder: Decoder,
    ready: std::collections::VecDeque<Event<String>>,
    parse: fn(&str) -> Result<T, serde_json::Error>,
    /// Why reading stopped, once the events before it are out.
    failed: Option<EventError>,
    done: bool,
}

/// The events in `body`'s chunks.
fn decode<T: Send + 'static>(
    body: BoxStream<'static, Result<Bytes, EventError>>,
    limit: usize,
    parse: fn(&str) -> Result<T, serde_json::Error>,
) -> EventStream<T> {
    let state = State {
        body,
        decoder: Decoder::new(limit),
        ready: Default::default(),
        parse,
        failed: None,
        done: false,
    };
    stream::unfold(state, |mut state| async move {
        loop {
            if state.done {
                return None;
            }
            if let Some(event) = state.ready.pop_front() {
                if event.data == "[DONE]" {
                    return None;
                }
                let parsed = match (state.parse)(&event.data) {
                    Ok(data) => Ok(Event {
                        event: event.event,
                        id: event.id,
                        retry: event.retry,
                        data,
                    }),
                    Err(source) => Err(EventError::InvalidData { event, source }),
                };
                return Some((parsed, state));
            }
            if let Some(error) = state.failed.take() {
                state.done = true;
                return Some((Err(error), state));
            }
            match state.body.next().await {
                Some(Ok(chunk)) => {
                    let mut out = Vec::new();
                    let fed = state.decoder.feed(&chunk, &mut out);
                    state.ready.extend(out);
                    state.failed = fed.err();
                }
                Some(Err(error)) => state.failed = Some(error),
                // An event not ended by a blank line is dropped, as WHATWG says.
                None => state.done = true,
            }
        }
    })
    .boxed()
}

/// Event data as text.
#[doc(hidden)]
pub fn text(data: &str) -> Result<String, serde_json::Error> {
    Ok(data.to_string())
}

/// Event data as JSON of type `T`.
#[doc(hidden)]
pub fn json<T: serde::de::DeserializeOwned>(data: &str) -> Result<T, serde_json::Error> {
    serde_json::from_str(data)
}

#[cfg(test)]
mod tests {
    use futures_util::TryStreamExt;

    use super::*;

    /// The events of `chunks`, data as text.
    async fn events(chunks: &[&str], limit: usize) -> Vec<Result<Event<String>, String>> {
        let body: Vec<Result<Bytes, EventError>> = chunks
            .iter()
            .map(|c| Ok(Bytes::from(c.to_string())))
            .collect();
        decode(stream::iter(body).boxed(), limit, text)
            .map(|event| event.map_err(|e| e.to_string()))
            .collect()
            .await
    }

    fn event(event: &str, id: Option<&str>, data: &str) -> Result<Event<String>, String> {
        Ok(Event {
            event: event.into(),
            id: id.map(str::to_string),
            retry: None,
            data: data.into(),
        })
    }

    #[tokio::test]
    async fn whatwg_fields_lines_and_comments() {
        let got = events(
            &[
                ": a comment\n",
                "event: log\nid: 7\ndata: one\ndata:two\n\n",
                "data: three\n\n",
            ],
            1024,
        )
        .await;
        assert_eq!(
            got,
            [
                event("log", Some("7"), "one\ntwo"),
                event("message", Some("7"), "three")
            ]
        );
    }

    #[tokio::test]
    async fn every_line_ending_and_chunks_split_anywhere() {
        let text = "data: a\r\n\r\ndata: b\r\rdata: c\n\n";
        let expected = [
            event("message", None, "a"),
            event("message", None, "b"),
            event("message", None, "c"),
        ];
        assert_eq!(events(&[text], 1024).await, expected);
        // Split at every position, CR and LF of one CRLF in different chunks included.
        for at in 0..text.len() {
            assert_eq!(
                events(&[&text[..at], &text[at..]], 1024).await,
                expected,
                "{at}"
            );
        }
        let bytes: Vec<String> = text.chars().map(String::from).collect();
        let bytes: Vec<&str> = bytes.iter().map(String::as_str).collect();
        assert_eq!(events(&bytes, 1024).await, expected);
    }

    #[tokio::test]
    async fn a_leading_byte_order_mark_is_dropped() {
        let expected = [event("message", None, "a")];
        assert_eq!(events(&["\u{feff}data: a\n\n"], 1024).await, expected);
        let bom = "\u{feff}".as_bytes();
        let body: Vec<Result<Bytes, EventError>> = vec![
            Ok(Bytes::copy_from_slice(&bom[..1])),
            Ok(Bytes::copy_from_slice(&bom[1..])),
            Ok(Bytes::from("data: a\n\n")),
        ];
        let got: Vec<_> = decode(stream::iter(body).boxed(), 1024, text)
            .map(|e| e.map_err(|e| e.to_string()))
            .collect()
            .await;
        assert_eq!(got, expected);
        // Only at the start: later, it is part of a field's name (unknown, ignored).
        let got = events(&["data: a\n\n\u{feff}data: b\n\n"], 1024).await;
        assert_eq!(got, expected);
    }

    #[tokio::test]
    async fn retry_ids_and_events_without_data() {
        let got = events(
            &["retry: 1500\nevent: ping\n\nretry: x\nid\ndata\n\n"],
            1024,
        )
        .await;
        // The first block has no data: nothing is dispatched, its retry is dropped.
        assert_eq!(got, [event("message", Some(""), "")]);
        let got = events(&["retry: 1500\ndata: x\n\n"], 1024).await;
        assert_eq!(
            got[0].as_ref().unwrap().retry,
            Some(Duration::from_millis(1500))
        );
    }

    #[tokio::test]
    async fn one_event_is_bounded_not_the_stream() {
        let line = format!("data: {}\n\n", "x".repeat(100));
        let many: Vec<&str> = std::iter::repeat_n(line.as_str(), 1000).collect();
        let got = events(&many, 200).await;
        assert_eq!(got.len(), 1000);
        let huge = format!("data: {}", "x".repeat(300));
        let got = events(&[&huge], 200).await;
        assert_eq!(got, [Err("an event is larger than 200 bytes".to_string())]);
    }

    #[tokio::test]
    async fn done_ends_and_bad_data_is_an_error() {
        let body = stream::iter(
            [
                "data: {\"n\":1}\n\n",
                "data: nope\n\n",
                "data: [DONE]\n\n",
                "data: {\"n\":2}\n\n",
            ]
            .map(|c| Ok(Bytes::from(c))),
        );
        let got: Vec<_> = decode(body.boxed(), 1024, json::<serde_json::Value>)
            .collect()
            .await;
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].as_ref().unwrap().data, serde_json::json!({"n": 1}));
        assert!(
            matches!(&got[1], Err(EventError::InvalidData { event, .. }) if event.data == "nope")
        );
        let unfinished = decode(
            stream::iter([Ok(Bytes::from("data: cut"))]).boxed(),
            1024,
            text,
        );
        assert!(unfinished.try_collect::<Vec<_>>().await.unwrap().is_empty());
    }
}

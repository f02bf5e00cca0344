//! Multipart bodies (RFC 7578), parsed by `multer` (axum's own multipart
//! parser): held whole ([`parts`]), or read as they arrive ([`upload`]),
//! for validation (`validate::forms`) and the journal.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use axum::body::{Body, Bytes};
use serde::Serialize;

use crate::pipeline::limits::Exceeded;

/// `multipart/form-data`.
pub const MULTIPART: &str = "multipart/form-data";

/// The bytes of a file part kept when an upload is read as it arrives:
/// enough to check its start, never the whole file.
pub const KEPT_FILE_BYTES: usize = 64 * 1024;

/// One part of a multipart body, as the journal shows it (not its bytes).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Part {
    /// The field name.
    pub name: String,
    /// The file name, for a file part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// The part's `Content-Type`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Its length in bytes.
    pub bytes: usize,
}

/// The parts of a multipart body with `content_type` (which names the
/// boundary), each with its bytes; why the body is not multipart otherwise.
pub fn parts(content_type: &str, body: &Bytes) -> Result<Vec<(Part, Bytes)>, String> {
    let boundary = multer::parse_boundary(content_type).map_err(|error| error.to_string())?;
    let stream =
        futures_util::stream::once(std::future::ready(Ok::<_, std::io::Error>(body.clone())));
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    // The whole body is in memory: every step is ready when polled.
    while let Some(field) = ready(multipart.next_field())?.map_err(|e| e.to_string())? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let data = ready(field.bytes())?.map_err(|e| e.to_string())?;
        let part = Part {
            name,
            file_name,
            content_type,
            bytes: data.len(),
        };
        parts.push((part, data));
    }
    Ok(parts)
}

/// The output of a future that is ready at once (a parser over bytes in
/// memory), without a runtime.
fn ready<F: Future>(future: F) -> Result<F::Output, String> {
    let mut context = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut context) {
        Poll::Ready(output) => Ok(output),
        Poll::Pending => Err("the multipart body ended early".into()),
    }
}

/// A multipart upload read from `body` as it arrives: every part, a text
/// field whole (all of them within `max_body` bytes), a file (a part with a
/// file name) counted and only its first [`KEPT_FILE_BYTES`] kept (all
/// files' within `max_body` too); at most `max_upload` bytes in all. A body
/// that is not multipart is `Ok(Err(why))`, for validation to refuse as the
/// API does.
pub async fn upload(
    body: Body,
    boundary: String,
    max_body: usize,
    max_upload: usize,
) -> Result<Result<Vec<(Part, Bytes)>, String>, Exceeded> {
    let too_large =
        |error: &multer::Error| matches!(error, multer::Error::StreamSizeExceeded { .. });
    let constraints = multer::Constraints::new()
        .size_limit(multer::SizeLimit::new().whole_stream(max_upload as u64));
    let mut multipart =
        multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut parts = Vec::new();
    // Bytes kept of text fields (refused beyond `max_body`) and of files
    // (no more kept beyond it): however many parts, at most twice `max_body`.
    let (mut text_held, mut file_held) = (0usize, 0usize);
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(Ok(parts)),
            Err(error) if too_large(&error) => return Err(Exceeded::Body(max_upload)),
            Err(error) => return Ok(Err(error.to_string())),
        };
        let file_name = field.file_name().map(str::to_owned);
        let mut part = Part {
            name: field.name().unwrap_or_default().to_owned(),
            content_type: field.content_type().map(ToString::to_string),
            file_name,
            bytes: 0,
        };
        let mut kept = Vec::new();
        loop {
            let chunk = match field.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(error) if too_large(&error) => return Err(Exceeded::Body(max_upload)),
                Err(error) => return Ok(Err(error.to_string())),
            };
            part.bytes += chunk.len();
            let room = if part.file_name.is_some() {
                (KEPT_FILE_BYTES - kept.len()).min(max_body.saturating_sub(file_held + kept.len()))
            } else if text_held + kept.len() + chunk.len() > max_body {
                return Err(Exceeded::Body(max_body));
            } else {
                chunk.len()
            };
            kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        match part.file_name {
            Some(_) => file_held += kept.len(),
            None => text_held += kept.len(),
        }
        parts.push((part, Bytes::from(kept)));
    }
}

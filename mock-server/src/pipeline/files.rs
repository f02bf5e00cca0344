//! file: a declared file answer (`application/octet-stream`, audio,
//! images, video, archives: `specs::is_download`) of the size the request
//! prefers (`Prefer: size=N`), the example's bytes repeated, made as they
//! are sent: a client's download of gigabytes costs the mock one chunk.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use mock_model::model::{self, Example};

use crate::pipeline::select::Preference;

/// The size of each chunk sent.
const CHUNK: usize = 64 * 1024;

/// `response` as a file of `Prefer: size=N` bytes, when it is a file and
/// the request asks for a size.
pub fn sized(
    response: &model::Response,
    example: Option<&Example>,
    preference: &Preference<'_>,
) -> Option<Response> {
    let content_type = response.content_type.filter(|c| specs::is_download(c))?;
    let size = preference.size.as_deref()?.parse::<u64>().ok()?;
    let pattern = example
        .map(|e| e.body.as_bytes())
        .filter(|b| !b.is_empty())
        .unwrap_or(b"example bytes");
    let chunk = Bytes::from(pattern.repeat(CHUNK.div_ceil(pattern.len()))).slice(..CHUNK);
    let body = stream::unfold(size, move |left| {
        let chunk = chunk.clone();
        async move {
            if left == 0 {
                return None;
            }
            let part = chunk.slice(..(left.min(CHUNK as u64) as usize));
            let left = left - part.len() as u64;
            Some((Ok::<_, Infallible>(part), left))
        }
    });
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::OK);
    let mut builder = Response::builder()
        .status(status)
        .header(CONTENT_TYPE, content_type)
        .header(CONTENT_LENGTH, size);
    for header in response.headers {
        builder = builder.header(header.name, header.value);
    }
    Some(
        builder
            .body(Body::from_stream(body))
            // Every part is static data built from valid names and values.
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    )
}

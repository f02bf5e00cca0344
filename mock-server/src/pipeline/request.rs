//! The request as every stage sees it: its head, its query decoded once, and
//! its body read once, within the limits.

use std::borrow::Cow;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, COOKIE};
use axum::http::{HeaderMap, Method, Uri};

use crate::pipeline::limits::{self, Exceeded};
use crate::pipeline::validate::forms::{self, Part};

/// The bytes of a file part kept when an upload is read as it arrives:
/// enough to check its start, never the whole file.
const KEPT_FILE_BYTES: usize = 64 * 1024;

/// How much of a request body is read.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// Any body, held whole.
    pub max_body: usize,
    /// A `multipart/form-data` upload, read as it arrives: its fields held
    /// (within `max_body`), its files counted and only their start kept.
    /// `None`: held whole like any body (a proxy forwards it, a recording keeps it).
    pub max_upload: Option<usize>,
}

/// A request, read.
#[derive(Debug)]
pub struct Incoming {
    /// The method.
    pub method: Method,
    /// The target, as sent.
    pub uri: Uri,
    /// The headers.
    pub headers: HeaderMap,
    /// The query's pairs, decoded (form encoding: `+` is a space).
    pub query: Vec<(String, String)>,
    /// The body (at most the server's `max_body` bytes); empty for an
    /// upload read as it arrived ([`Self::uploaded`]).
    pub body: Bytes,
    /// A multipart upload read as it arrived: its parts, each with its
    /// bytes (a file's first [`KEPT_FILE_BYTES`]), or why it is not multipart.
    pub uploaded: Option<Result<Vec<(Part, Bytes)>, String>>,
}

impl Incoming {
    /// Checks the limits and reads the body, on every route alike, so an
    /// oversized request is refused wherever it is sent.
    pub async fn read(request: Request, limits: BodyLimits) -> Result<Self, Exceeded> {
        let boundary = limits.max_upload.and_then(|max_upload| {
            let content_type = request.headers().get(CONTENT_TYPE)?.to_str().ok()?;
            let essence = content_type.split(';').next()?.trim();
            essence
                .eq_ignore_ascii_case(forms::MULTIPART)
                .then(|| multer::parse_boundary(content_type).ok())
                .flatten()
                .map(|boundary| (boundary, max_upload))
        });
        let max_body = boundary.as_ref().map_or(limits.max_body, |(_, max)| *max);
        limits::check_head(request.uri(), request.headers(), max_body)?;
        let (parts, body) = request.into_parts();
        let (body, uploaded) = match boundary {
            Some((boundary, max_upload)) => {
                let uploaded = upload(body, boundary, limits.max_body, max_upload).await?;
                (Bytes::new(), Some(uploaded))
            }
            None => {
                let body = to_bytes(body, max_body)
                    .await
                    .map_err(|_| Exceeded::Body(max_body))?;
                (body, None)
            }
        };
        Ok(Self {
            query: parts.uri.query().map(query_pairs).unwrap_or_default(),
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            body,
            uploaded,
        })
    }

    /// The parts of a `multipart/form-data` body sent with `content_type`,
    /// each with its bytes; why it is not multipart otherwise.
    pub fn multipart(&self, content_type: &str) -> Cow<'_, Result<Vec<(Part, Bytes)>, String>> {
        match &self.uploaded {
            Some(uploaded) => Cow::Borrowed(uploaded),
            None => Cow::Owned(forms::multipart(content_type, &self.body)),
        }
    }

    /// A header's value, if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The first query parameter called `name`.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every query parameter called `name`, in order (`?tag=a&tag=b`).
    pub fn query_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.query
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The cookie called `name`.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
    }
}

#[cfg(test)]
impl Incoming {
    /// A `POST /` with `headers` and `body`, as unit tests make one.
    pub fn posted(headers: HeaderMap, body: Bytes) -> Self {
        Self {
            method: Method::POST,
            uri: Uri::from_static("/"),
            headers,
            query: Vec::new(),
            body,
            uploaded: None,
        }
    }
}

/// A multipart upload read from `body` as it arrives: every part, a text
/// field whole (all of them within `max_body` bytes), a file (a part with a
/// file name) counted and only its first [`KEPT_FILE_BYTES`] kept (all
/// files' within `max_body` too); at most `max_upload` bytes in all. A body that is not multipart is `Ok(Err(why))`,
/// for validation to refuse as the API does.
async fn upload(
    body: Body,
    boundary: String,
    max_body: usize,
    max_upload: usize,
) -> Result<Result<Vec<(Part, Bytes)>, String>, Exceeded> {
    let too_large = |error: &multer::Error| {
        matches!(
            error,
            multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. }
        )
    };
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

/// `a=1&b=x%20y` as pairs.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                form_decode(key).into_owned(),
                form_decode(value).into_owned(),
            )
        })
        .collect()
}

/// Decodes one query component (form encoding: `+` is a space); borrows
/// when there is nothing to decode.
pub fn form_decode(text: &str) -> Cow<'_, str> {
    if !text.contains(['%', '+']) {
        return Cow::Borrowed(text);
    }
    let spaced = text.replace('+', " ");
    Cow::Owned(
        percent_encoding::percent_decode_str(&spaced)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// `text` cut to its first `max` characters, for echoing a client's path in
/// messages and logs without echoing an unbounded one.
pub(crate) fn truncate(text: &str, max: usize) -> &str {
    // No more bytes than `max`: no more characters either (every path under load).
    if text.len() <= max {
        return text;
    }
    match text.char_indices().nth(max) {
        Some((index, _)) => &text[..index],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn truncate_counts_characters_not_bytes() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "abc");
        // Six bytes, three characters: within four characters, kept whole.
        assert_eq!(truncate("ééé", 4), "ééé");
        assert_eq!(truncate("éééé", 2), "éé");
        assert_eq!(truncate("", 0), "");
    }
}

//! The request as every stage sees it: its head, its query decoded once, and
//! its body read once, within the limits.

use std::borrow::Cow;

use axum::body::{Bytes, to_bytes};
use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, COOKIE};
use axum::http::{HeaderMap, Method, Uri};

use crate::pipeline::limits::{self, Exceeded};
use crate::pipeline::multipart::{self, MULTIPART, Part};

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
    /// bytes (a file's first [`multipart::KEPT_FILE_BYTES`]), or why it is not multipart.
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
                .eq_ignore_ascii_case(MULTIPART)
                .then(|| multer::parse_boundary(content_type).ok())
                .flatten()
                .map(|boundary| (boundary, max_upload))
        });
        let max_body = boundary.as_ref().map_or(limits.max_body, |(_, max)| *max);
        limits::check_head(request.uri(), request.headers(), max_body)?;
        let (parts, body) = request.into_parts();
        let (body, uploaded) = match boundary {
            Some((boundary, max_upload)) => {
                let uploaded =
                    multipart::upload(body, boundary, limits.max_body, max_upload).await?;
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
            None => Cow::Owned(multipart::parts(content_type, &self.body)),
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

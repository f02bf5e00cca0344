//! The request as every stage sees it: its head, its query decoded once, and
//! its body read once, within the limits.

use std::borrow::Cow;

use axum::body::{Bytes, to_bytes};
use axum::extract::Request;
use axum::http::header::COOKIE;
use axum::http::{HeaderMap, Method, Uri};

use crate::pipeline::limits::{self, Exceeded};

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
    /// The body (at most the server's `max_body` bytes).
    pub body: Bytes,
}

impl Incoming {
    /// Checks the limits and reads the body, on every route alike, so an
    /// oversized request is refused wherever it is sent.
    pub async fn read(request: Request, max_body: usize) -> Result<Self, Exceeded> {
        limits::check_head(request.uri(), request.headers(), max_body)?;
        let (parts, body) = request.into_parts();
        let body = to_bytes(body, max_body)
            .await
            .map_err(|_| Exceeded::Body(max_body))?;
        Ok(Self {
            query: parts.uri.query().map(query_pairs).unwrap_or_default(),
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            body,
        })
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

//! What the mock refuses before looking for an operation: requests too large
//! to be anyone's API call. Each limit has its own status (`413`, `414`,
//! `431`) and a mock-level JSON answer marked `X-Mock-Error`.

use axum::http::{HeaderMap, StatusCode, Uri, header::CONTENT_LENGTH};

/// Longest request target (path and query) in bytes; beyond it, `414`.
pub const MAX_TARGET_BYTES: usize = 8 * 1024;
/// Most headers in one request; beyond it, `431`. Also hyper's own limit.
pub const MAX_HEADERS: usize = 100;
/// Largest total of header names and values in bytes; beyond it, `431`.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Largest request body in bytes, on every route, unless the server is
/// given another (`Limits::max_body_bytes`, `--max-body`); beyond it, `413`.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Largest `multipart/form-data` upload in bytes, read as it arrives (its
/// files counted, not kept), unless the server is given another
/// (`Limits::max_upload_bytes`, `--max-upload`); beyond it, `413`.
pub const MAX_UPLOAD_BYTES: usize = 1024 * 1024 * 1024;

/// A limit a request exceeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Exceeded {
    /// The path and query are too long.
    #[error("the request target (path and query) is longer than {MAX_TARGET_BYTES} bytes")]
    Target,
    /// Too many headers.
    #[error("the request has more than {MAX_HEADERS} headers")]
    HeaderCount,
    /// The headers are too large.
    #[error("the request's headers are larger than {MAX_HEADER_BYTES} bytes in all")]
    HeaderBytes,
    /// The body is larger than the server's limit (its bytes).
    #[error("the request body is larger than {0} bytes")]
    Body(usize),
}

impl Exceeded {
    /// The status that answers it.
    pub fn status(self) -> StatusCode {
        match self {
            Exceeded::Target => StatusCode::URI_TOO_LONG,
            Exceeded::HeaderCount | Exceeded::HeaderBytes => {
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
            }
            Exceeded::Body(_) => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }

    /// The machine-readable name sent as `X-Mock-Error`.
    pub fn kind(self) -> &'static str {
        match self {
            Exceeded::Target => "uri_too_long",
            Exceeded::HeaderCount | Exceeded::HeaderBytes => "headers_too_large",
            Exceeded::Body(_) => "body_too_large",
        }
    }
}

/// Checks what can be checked before reading the body: the target, the
/// headers, and a declared `Content-Length` (at most `max_body` bytes, the
/// limit of this request's body).
pub fn check_head(uri: &Uri, headers: &HeaderMap, max_body: usize) -> Result<(), Exceeded> {
    let target = uri.path_and_query().map_or(0, |p| p.as_str().len());
    if target > MAX_TARGET_BYTES {
        return Err(Exceeded::Target);
    }
    if headers.len() > MAX_HEADERS {
        return Err(Exceeded::HeaderCount);
    }
    let header_bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return Err(Exceeded::HeaderBytes);
    }
    let declared_length = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared_length.is_some_and(|length| length > max_body as u64) {
        return Err(Exceeded::Body(max_body));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn head(target: &str, headers: &[(&'static str, String)]) -> Result<(), Exceeded> {
        let uri: Uri = target.parse().unwrap();
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        check_head(&uri, &map, MAX_BODY_BYTES)
    }

    #[test]
    fn each_limit_has_its_status() {
        assert_eq!(head("/a?b=c", &[]), Ok(()));
        let long = format!("/a?q={}", "x".repeat(MAX_TARGET_BYTES));
        assert_eq!(head(&long, &[]), Err(Exceeded::Target));
        let many: Vec<_> = (0..=MAX_HEADERS).map(|i| ("x-n", i.to_string())).collect();
        assert_eq!(head("/", &many), Err(Exceeded::HeaderCount));
        let big = vec![("x-big", "v".repeat(MAX_HEADER_BYTES))];
        assert_eq!(head("/", &big), Err(Exceeded::HeaderBytes));
        let length = vec![("content-length", (MAX_BODY_BYTES + 1).to_string())];
        assert_eq!(head("/", &length), Err(Exceeded::Body(MAX_BODY_BYTES)));
        assert_eq!(Exceeded::Body(MAX_BODY_BYTES).status(), 413);
        let uri: Uri = "/".parse().unwrap();
        let mut map = HeaderMap::new();
        map.insert(CONTENT_LENGTH, HeaderValue::from(MAX_BODY_BYTES + 1));
        assert_eq!(check_head(&uri, &map, 2 * MAX_BODY_BYTES), Ok(()));
        assert_eq!(
            Exceeded::Body(10).to_string(),
            "the request body is larger than 10 bytes"
        );
        assert_eq!(Exceeded::Target.status(), 414);
        assert_eq!(Exceeded::HeaderBytes.status(), 431);
    }
}

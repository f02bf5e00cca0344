//! Turning what progenitor's builders return into the typed outcomes of each
//! operation. The generated `send()` of every operation calls [`collect`] and
//! then decodes the body the catalogue declares for the status received.

use std::fmt;

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use progenitor_client::{ByteStream, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, HeaderMap};
use serde::de::DeserializeOwned;

/// A response as received: status, headers and the whole body.
#[derive(Clone)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body, unparsed.
    pub body: Bytes,
    /// How many attempts the call took (retries included).
    pub attempts: u32,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &ResponseHeaders(&self.headers))
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// Response headers for `Debug`, with the values of those that carry
/// credentials or sessions (`Set-Cookie`, an echoed key, a token) redacted.
/// Response headers are the server's, so only credential-like names are hidden:
/// the rest (`Retry-After`, `Content-Type`) is what debugging needs.
struct ResponseHeaders<'a>(&'a HeaderMap);

impl fmt::Debug for ResponseHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if value.is_sensitive() || credential_like(name.as_str()) {
                map.entry(&name.as_str(), &crate::secret::REDACTED);
            } else {
                map.entry(&name.as_str(), value);
            }
        }
        map.finish()
    }
}

/// Header names (lower case, as `http` stores them) that may carry a credential.
fn credential_like(name: &str) -> bool {
    [
        "auth", "cookie", "key", "token", "secret", "session", "password",
    ]
    .iter()
    .any(|word| name.contains(word))
}

impl RawResponse {
    /// Parses the body as JSON into `T`, keeping the status and headers.
    pub fn json<T: DeserializeOwned>(self) -> Result<ResponseValue<T>, InvalidBody> {
        match serde_json::from_slice(&self.body) {
            Ok(value) => Ok(ResponseValue::new(value, self.status, self.headers)),
            Err(source) => Err(InvalidBody {
                response: Box::new(self),
                source,
            }),
        }
    }

    /// The body as bytes, for statuses documented without a (JSON) body.
    pub fn bytes(self) -> ResponseValue<Bytes> {
        ResponseValue::new(self.body, self.status, self.headers)
    }

    /// A documented error status with its JSON body parsed into `T`.
    pub fn documented_json<T: DeserializeOwned>(self) -> Result<Documented<T>, InvalidBody> {
        let attempts = self.attempts;
        self.json()
            .map(|response| Documented { response, attempts })
    }

    /// A documented error status without a (JSON) body.
    pub fn documented_bytes(self) -> Documented<Bytes> {
        let attempts = self.attempts;
        Documented {
            response: self.bytes(),
            attempts,
        }
    }
}

/// A documented error response (status, headers, parsed body), and how many
/// attempts the call took to get it. Dereferences to the [`ResponseValue`],
/// and through it to the body: `error.detail`, `error.status()`.
#[derive(Debug)]
pub struct Documented<T> {
    /// The response.
    pub response: ResponseValue<T>,
    /// Attempts made (more than one when retryable statuses were retried).
    pub attempts: u32,
}

impl<T> Documented<T> {
    /// The body.
    pub fn into_inner(self) -> T {
        self.response.into_inner()
    }

    /// ` (after N attempts)` when the call was retried, else nothing.
    pub fn attempts_note(&self) -> String {
        if self.attempts > 1 {
            format!(" (after {} attempts)", self.attempts)
        } else {
            String::new()
        }
    }
}

impl<T> std::ops::Deref for Documented<T> {
    type Target = ResponseValue<T>;

    fn deref(&self) -> &ResponseValue<T> {
        &self.response
    }
}

/// A documented status whose body does not match its documented schema.
#[derive(Debug, thiserror::Error)]
#[error("the {} response body does not match its documented schema: {source}", response.status)]
pub struct InvalidBody {
    /// The response, body included (boxed: errors stay small to move around).
    pub response: Box<RawResponse>,
    /// Why it did not parse.
    #[source]
    pub source: serde_json::Error,
}

/// An attempt that produced no response to decode.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The request could not be built (a parameter missing or invalid).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// Connecting, sending or reading failed.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// The connect or request timeout elapsed (`None`: a per-call timeout).
    #[error("timed out")]
    Timeout(Option<reqwest::Error>),
    /// The body is larger than the client's limit.
    #[error(transparent)]
    ResponseTooLarge(ResponseTooLarge),
}

/// A response whose body is larger than the client's limit
/// ([`crate::ClientBuilder::max_response_bytes`]); the rest of it was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseTooLarge {
    /// The HTTP status.
    pub status: StatusCode,
    /// The limit, in bytes.
    pub limit: usize,
    /// The `Content-Length` the server declared, if any.
    pub content_length: Option<u64>,
    /// Attempts made (the last one got this response).
    pub attempts: u32,
}

impl fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} response body is larger than the limit of {} bytes",
            self.status, self.limit
        )?;
        if let Some(length) = self.content_length {
            write!(f, " (Content-Length: {length})")?;
        }
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        f.write_str("; see ClientBuilder::max_response_bytes")
    }
}

impl std::error::Error for ResponseTooLarge {}

impl From<reqwest::Error> for Failure {
    fn from(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            Failure::Timeout(Some(error))
        } else {
            Failure::Transport(error)
        }
    }
}

impl Failure {
    /// The failure of a whole call that took `attempts` attempts.
    pub fn after(self, attempts: u32) -> Failed {
        Failed {
            failure: self,
            attempts,
        }
    }
}

/// A logical call that ended without a response: its last failure and how
/// many attempts ran.
#[derive(Debug)]
pub struct Failed {
    /// The last attempt's failure.
    pub failure: Failure,
    /// Attempts made.
    pub attempts: u32,
}

/// A call that got no response (transport failure or timeout), after retries.
#[derive(Debug)]
pub struct TransportError {
    /// Attempts made.
    pub attempts: u32,
    /// The last attempt's error (`None` for a per-call timeout).
    pub source: Option<reqwest::Error>,
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = if self.attempts == 1 { "" } else { "s" };
        match &self.source {
            Some(error) => write!(f, "{error} (after {} attempt{plural})", self.attempts),
            None => write!(
                f,
                "no response in time (after {} attempt{plural})",
                self.attempts
            ),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

type BodyStream =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// Where the body comes from: the response itself (what `send_raw` hands
/// over), or a stream progenitor wrapped it in.
enum Body {
    Response(reqwest::Response),
    Stream(BodyStream),
}

impl Body {
    async fn next(&mut self) -> Option<reqwest::Result<Bytes>> {
        match self {
            Body::Response(response) => response.chunk().await.transpose(),
            Body::Stream(stream) => stream.next().await,
        }
    }
}

/// What one attempt received: the whole response, or a success whose body
/// is left open to be read as it arrives (an event stream).
#[doc(hidden)]
#[derive(Debug)]
pub enum Received {
    /// Read whole (every status but a success of a streamed call).
    Whole(RawResponse),
    /// A success, its body not read.
    Open(reqwest::Response),
}

/// A success as it is, its body unread; anything else read whole ([`collect`]).
pub async fn collect_or_open(
    outcome: Result<reqwest::Response, progenitor_client::Error<ByteStream>>,
    limit: usize,
) -> Result<Received, Failure> {
    match outcome {
        Ok(response) if response.status().is_success() => Ok(Received::Open(response)),
        other => collect(other, limit).await.map(Received::Whole),
    }
}

/// Reads the whole response, whatever its status, up to `limit` bytes of
/// body: a larger one is refused as soon as its `Content-Length` or the bytes
/// received so far exceed the limit, and dropping the body closes the connection.
pub async fn collect(
    outcome: Result<reqwest::Response, progenitor_client::Error<ByteStream>>,
    limit: usize,
) -> Result<RawResponse, Failure> {
    use progenitor_client::Error;
    let (status, headers, mut body) = match outcome {
        // Taken, not cloned: the response is ours.
        Ok(mut response) | Err(Error::UnexpectedResponse(mut response)) => {
            let headers = std::mem::take(response.headers_mut());
            (response.status(), headers, Body::Response(response))
        }
        Err(Error::ErrorResponse(value)) => {
            let status = value.status();
            let headers = value.headers().clone();
            (status, headers, Body::Stream(value.into_inner_stream()))
        }
        Err(
            Error::CommunicationError(e) | Error::ResponseBodyError(e) | Error::InvalidUpgrade(e),
        ) => {
            return Err(e.into());
        }
        Err(Error::InvalidRequest(message) | Error::Custom(message)) => {
            return Err(Failure::InvalidRequest(message));
        }
        Err(Error::InvalidResponsePayload(_, e)) => {
            // Only typed bodies produce this, and every body reaches us untyped.
            return Err(Failure::InvalidRequest(format!(
                "unexpected payload error: {e}"
            )));
        }
    };
    let content_length = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    let too_large = || {
        Failure::ResponseTooLarge(ResponseTooLarge {
            status,
            limit,
            content_length,
            attempts: 1,
        })
    };
    // `204` and `304` have no body whatever `Content-Length` says.
    let bodiless = status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED;
    if !bodiless && content_length.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    // A small body usually arrives in one chunk: keep it as it is, and copy
    // into one buffer only when a second one comes.
    let mut first = Bytes::new();
    let mut rest: Option<BytesMut> = None;
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        let received = rest.as_ref().map_or(first.len(), BytesMut::len);
        if chunk.len() > limit - received {
            return Err(too_large());
        }
        match &mut rest {
            Some(buffer) => buffer.extend_from_slice(&chunk),
            None if first.is_empty() => first = chunk,
            None => {
                let mut buffer = BytesMut::with_capacity(first.len() + chunk.len());
                buffer.extend_from_slice(&first);
                buffer.extend_from_slice(&chunk);
                rest = Some(buffer);
            }
        }
    }
    Ok(RawResponse {
        status,
        headers,
        body: rest.map_or(first, BytesMut::freeze),
        attempts: 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &str, attempts: u32) -> RawResponse {
        RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::from(body.to_string()),
            attempts,
        }
    }

    #[test]
    fn documented_errors_keep_their_attempts() {
        let once: Documented<serde_json::Value> =
            raw(404, r#"{"detail":"x"}"#, 1).documented_json().unwrap();
        assert_eq!(once.attempts_note(), "");
        assert_eq!(once.status(), 404);
        let retried = raw(429, "slow down", 3).documented_bytes();
        assert_eq!(retried.attempts, 3);
        assert_eq!(retried.attempts_note(), " (after 3 attempts)");
        assert_eq!(&retried.into_inner()[..], b"slow down");
        let invalid = raw(422, "not json", 2)
            .documented_json::<serde_json::Value>()
            .unwrap_err();
        assert_eq!(invalid.response.attempts, 2);
    }
}

//! Files a response carries (`application/octet-stream`, audio, images,
//! video, archives), read as they arrive.
//!
//! The builder of each operation whose success the document declares as a
//! file has `.download()`: a documented error status is the same error as
//! `send()`'s, and a success is a [`Download`], whose body the application
//! reads a chunk at a time ([`Download::chunk`], [`Download::into_stream`])
//! or collects with a bound of its choosing ([`Download::bytes`]). The
//! client's `max_response_bytes` applies to `send()`, which buffers; a
//! download is as large as the application lets it be.
//!
//! ```no_run
//! # async fn save(download: sdk::Download) -> Result<(), Box<dyn std::error::Error>> {
//! use std::io::Write;
//!
//! let mut download = download;
//! let mut file = std::fs::File::create("speech.wav")?;
//! while let Some(chunk) = download.chunk().await? {
//!     file.write_all(&chunk)?;
//! }
//! # Ok(()) }
//! ```

use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, BoxStream, StreamExt};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap};

/// A successful response whose body is a file, not yet read.
pub struct Download {
    status: StatusCode,
    headers: HeaderMap,
    body: Body,
}

enum Body {
    Open(reqwest::Response),
    Read(Option<Bytes>),
}

/// Headers only: a body may be large, and its bytes are the caller's.
impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("status", &self.status)
            .field("content_type", &self.content_type())
            .field("content_length", &self.content_length())
            .finish_non_exhaustive()
    }
}

/// Why a download's body could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DownloadError {
    /// The body is larger than the bound given to [`Download::bytes`].
    #[error("the download is larger than {limit} bytes")]
    TooLarge {
        /// The bound.
        limit: usize,
    },
    /// Reading the body failed.
    #[error("reading the download failed: {0}")]
    Transport(#[source] reqwest::Error),
}

impl Download {
    /// A success whose body is still to be read.
    #[doc(hidden)]
    pub fn open(response: reqwest::Response) -> Self {
        Download {
            status: response.status(),
            headers: response.headers().clone(),
            body: Body::Open(response),
        }
    }

    /// A success already read whole.
    #[doc(hidden)]
    pub fn read(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        Download {
            status,
            headers,
            body: Body::Read(Some(body)),
        }
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Content-Type` the server sent.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok())
    }

    /// The `Content-Length` the server announced (it may lie; the bytes
    /// read are what counts).
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
    }

    /// The next chunk of the body; `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, DownloadError> {
        match &mut self.body {
            Body::Open(response) => response.chunk().await.map_err(DownloadError::Transport),
            Body::Read(body) => Ok(body.take().filter(|b| !b.is_empty())),
        }
    }

    /// The body as a stream of chunks.
    pub fn into_stream(self) -> BoxStream<'static, Result<Bytes, DownloadError>> {
        match self.body {
            Body::Open(response) => response
                .bytes_stream()
                .map(|chunk| chunk.map_err(DownloadError::Transport))
                .boxed(),
            Body::Read(body) => stream::iter(body.filter(|b| !b.is_empty()).map(Ok)).boxed(),
        }
    }

    /// The whole body, refused as soon as its announced length or the bytes
    /// received pass `limit`.
    pub async fn bytes(mut self, limit: usize) -> Result<Bytes, DownloadError> {
        if self
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return Err(DownloadError::TooLarge { limit });
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = self.chunk().await? {
            if chunk.len() > limit - body.len() {
                return Err(DownloadError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

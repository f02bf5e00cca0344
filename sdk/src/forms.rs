//! Form request bodies: `multipart/form-data` (text fields, JSON fields and
//! files) and `application/x-www-form-urlencoded`. Each operation whose
//! document declares one gets a typed builder (`<provider>::forms`), a
//! setter per property of the body's schema; this module holds what they
//! share: [`FilePart`], [`Field`], and the encoder.
//!
//! A file part from a path is not read into memory: it is opened and read
//! in chunks as the request is sent (again on a retry), and the body goes
//! with its `Content-Length`. A part from [`FilePart::streaming`] is sent
//! as its stream gives it, once: a call with one is not retried. Text,
//! JSON and [`FilePart::bytes`] parts are encoded in memory.

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, BoxStream};
use futures_util::{Stream, StreamExt};

/// An error a stream of file chunks gives.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Chunks of a file part being sent.
type Chunks = BoxStream<'static, Result<Bytes, BoxError>>;

/// The chunk a file from a path is read in.
const CHUNK: usize = 64 * 1024;

/// A file in a multipart body: its bytes (or where to read them), a file
/// name and a media type.
#[derive(Clone)]
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
}

/// Where a file part's bytes come from.
#[derive(Clone)]
enum Source {
    /// Memory.
    Bytes(Bytes),
    /// A file, opened and read each time the body is sent, of this length.
    Path { path: PathBuf, length: u64 },
    /// A stream, taken by the first send.
    Stream(Arc<Mutex<Option<Chunks>>>),
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("FilePart");
        match &self.source {
            Source::Bytes(data) => debug.field("bytes", &data.len()),
            Source::Path { path, length } => debug.field("path", path).field("bytes", length),
            Source::Stream(_) => debug.field("bytes", &"streamed"),
        };
        debug
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// Why a file part could not be made or sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path given.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The stream gave more than the limit.
    #[error("the stream is longer than the limit of {limit} bytes")]
    TooLarge {
        /// The limit given.
        limit: u64,
    },
    /// The stream failed.
    #[error("the stream failed: {0}")]
    Stream(BoxError),
    /// A file read from a path or a stream in an
    /// `application/x-www-form-urlencoded` body, which holds text.
    #[error(
        "field `{name}`: a urlencoded form holds a file as text: give its bytes (`FilePart::bytes`), not a path or a stream"
    )]
    NotInMemory {
        /// The field.
        name: String,
    },
}

impl FilePart {
    /// A file of these bytes (no file name: set one with [`Self::file_name`]).
    pub fn bytes(data: impl Into<Bytes>) -> Self {
        Self::of(Source::Bytes(data.into()))
    }

    /// The file at `path`, named after its last component. Only its length
    /// is read now; its bytes are read as the request is sent, a chunk at
    /// a time (and again for a retry), so a large file costs no memory.
    pub async fn path(path: impl AsRef<Path>) -> Result<Self, FileError> {
        let path = path.as_ref();
        let unreadable = |source| FileError::Read {
            path: path.display().to_string(),
            source,
        };
        let metadata = tokio::fs::metadata(path).await.map_err(unreadable)?;
        if !metadata.is_file() {
            return Err(unreadable(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a file",
            )));
        }
        Ok(Self {
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
            ..Self::of(Source::Path {
                path: path.to_owned(),
                length: metadata.len(),
            })
        })
    }

    /// The bytes of `stream`, read now, at most `limit` of them: a part
    /// that can be sent again on a retry. See [`Self::streaming`] for one
    /// that is not held in memory.
    pub async fn stream<S, E>(stream: S, limit: u64) -> Result<Self, FileError>
    where
        S: Stream<Item = Result<Bytes, E>>,
        E: Into<BoxError>,
    {
        let mut stream = std::pin::pin!(stream);
        let mut data = Vec::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| FileError::Stream(e.into()))?;
            if (data.len() + chunk.len()) as u64 > limit {
                return Err(FileError::TooLarge { limit });
            }
            data.extend_from_slice(&chunk);
        }
        Ok(Self::bytes(data))
    }

    /// The bytes of `stream`, sent as it gives them and never held whole:
    /// the body goes without a length (chunked), and only once, so a call
    /// with such a part is not retried. A stream error fails the call.
    pub fn streaming<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        let chunks = stream.map(|chunk| chunk.map_err(Into::into)).boxed();
        Self::of(Source::Stream(Arc::new(Mutex::new(Some(chunks)))))
    }

    fn of(source: Source) -> Self {
        Self {
            source,
            file_name: None,
            content_type: None,
        }
    }

    /// Names the file (the part's `filename`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's media type (else the property's declared one, else
    /// `application/octet-stream`).
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }

    /// Its length in bytes; `None` for a [`Self::streaming`] part.
    pub fn len(&self) -> Option<u64> {
        match &self.source {
            Source::Bytes(data) => Some(data.len() as u64),
            Source::Path { length, .. } => Some(*length),
            Source::Stream(_) => None,
        }
    }

    /// Whether it is known to have no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }
}

/// A request body as the SDK sends it: bytes, or pieces of bytes and
/// files read as it goes out ([`FilePart::path`], [`FilePart::streaming`]).
#[doc(hidden)]
#[derive(Clone)]
pub struct Body {
    pieces: Vec<Piece>,
}

#[derive(Clone)]
enum Piece {
    Bytes(Bytes),
    File(Source),
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Self {
            pieces: vec![Piece::Bytes(bytes)],
        }
    }
}

impl Body {
    /// Whether it can be sent again (a retry): no part is a stream.
    pub fn replayable(&self) -> bool {
        !self
            .pieces
            .iter()
            .any(|piece| matches!(piece, Piece::File(Source::Stream(_))))
    }

    /// A call's `options`, without retries when the body cannot be sent again.
    pub fn options(&self, options: crate::CallOptions) -> crate::CallOptions {
        if self.replayable() {
            options
        } else {
            crate::CallOptions {
                retries: Some(0),
                ..options
            }
        }
    }

    /// Its length, when every piece's is known.
    pub fn length(&self) -> Option<u64> {
        self.pieces.iter().try_fold(0u64, |sum, piece| {
            let length = match piece {
                Piece::Bytes(bytes) | Piece::File(Source::Bytes(bytes)) => bytes.len() as u64,
                Piece::File(Source::Path { length, .. }) => *length,
                Piece::File(Source::Stream(_)) => return None,
            };
            sum.checked_add(length)
        })
    }

    /// The body of one attempt: the bytes, or the pieces read as they are sent.
    pub fn request_body(&self) -> reqwest::Body {
        match self.pieces.as_slice() {
            [Piece::Bytes(bytes)] => reqwest::Body::from(bytes.clone()),
            pieces => {
                let chunks = stream::iter(pieces.to_vec()).flat_map(|piece| match piece {
                    Piece::Bytes(bytes) | Piece::File(Source::Bytes(bytes)) => {
                        stream::once(async move { Ok(bytes) }).boxed()
                    }
                    Piece::File(Source::Path { path, length }) => file_chunks(path, length),
                    Piece::File(Source::Stream(shared)) => {
                        let taken = shared.lock().unwrap_or_else(PoisonError::into_inner).take();
                        taken.unwrap_or_else(|| {
                            let sent: BoxError = "a streamed file part was sent already".into();
                            stream::once(async move { Err(sent) }).boxed()
                        })
                    }
                });
                reqwest::Body::wrap(SizedChunks {
                    chunks: Mutex::new(chunks.boxed()),
                    length: self.length(),
                })
            }
        }
    }

    /// Its bytes, where it is all in memory (a test's view).
    #[cfg(test)]
    fn in_memory(&self) -> Option<Bytes> {
        let mut all = BytesMut::new();
        for piece in &self.pieces {
            match piece {
                Piece::Bytes(bytes) | Piece::File(Source::Bytes(bytes)) => {
                    all.extend_from_slice(bytes)
                }
                Piece::File(_) => return None,
            }
        }
        Some(all.freeze())
    }
}

/// The file at `path` in chunks, opened when first read, at most `length`
/// bytes: a file that grew since is cut there, and one that shrank ends
/// early, which fails the request (its `Content-Length` is not met).
fn file_chunks(path: PathBuf, length: u64) -> Chunks {
    use tokio::io::AsyncReadExt;
    stream::once(async move {
        tokio::fs::File::open(&path)
            .await
            .map_err(|error| BoxError::from(format!("cannot read {}: {error}", path.display())))
    })
    .map(move |opened| match opened {
        Ok(file) => stream::try_unfold(file.take(length), |mut file| async move {
            let mut chunk = BytesMut::with_capacity(CHUNK);
            let read = file.read_buf(&mut chunk).await?;
            Ok::<_, BoxError>((read > 0).then(|| (chunk.freeze(), file)))
        })
        .boxed(),
        Err(error) => stream::once(async move { Err(error) }).boxed(),
    })
    .flatten()
    .boxed()
}

/// Chunks with their total length, where known: `reqwest` sends a body of
/// an exact size hint with `Content-Length`, others chunked.
struct SizedChunks {
    // `reqwest::Body::wrap` wants `Sync`; the stream is only polled through `&mut`.
    chunks: Mutex<Chunks>,
    length: Option<u64>,
}

impl http_body::Body for SizedChunks {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        let chunks = self
            .get_mut()
            .chunks
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        chunks
            .poll_next_unpin(context)
            .map(|chunk| chunk.map(|chunk| chunk.map(http_body::Frame::data)))
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.length
            .map(http_body::SizeHint::with_exact)
            .unwrap_or_default()
    }
}

/// One field's value, as a form builder holds it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Field {
    /// Text (numbers and booleans as their JSON text).
    Text(String),
    /// Several values of one field: repeated (or joined, where the
    /// document's `explode: false` says so).
    Texts(Vec<String>),
    /// Any JSON value: a JSON part in multipart; in a urlencoded form, an
    /// object's members as `name[key]` pairs (`deepObject`, as Stripe-style
    /// APIs and Chargebee's document read them: a member that is itself an
    /// object or list is its JSON), a list's items as repeated pairs.
    Json(serde_json::Value),
    /// A file (multipart).
    File(FilePart),
    /// Several files under one name (multipart).
    Files(Vec<FilePart>),
}

impl From<String> for Field {
    fn from(text: String) -> Self {
        Field::Text(text)
    }
}

impl From<&str> for Field {
    fn from(text: &str) -> Self {
        Field::Text(text.to_owned())
    }
}

impl From<FilePart> for Field {
    fn from(file: FilePart) -> Self {
        Field::File(file)
    }
}

impl From<serde_json::Value> for Field {
    fn from(value: serde_json::Value) -> Self {
        Field::Json(value)
    }
}

/// How the document says one property is sent (`encoding`).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Encoding {
    /// The property.
    pub name: &'static str,
    /// Its part's declared media type(s); the first is sent by default.
    pub content_type: Option<&'static str>,
    /// `explode` (default `true` for forms).
    pub explode: bool,
}

/// `multipart/form-data`.
pub const MULTIPART: &str = "multipart/form-data";
/// `application/x-www-form-urlencoded`.
pub const URLENCODED: &str = "application/x-www-form-urlencoded";

/// The body of `fields` in `media_type` (one of the two form types), with
/// the property encodings `encodings`: its `Content-Type` and body.
#[doc(hidden)]
pub fn encode(
    media_type: &str,
    fields: &[(String, Field)],
    encodings: &[Encoding],
) -> Result<(String, Body), FileError> {
    let encoding = |name: &str| encodings.iter().find(|e| e.name == name).copied();
    if media_type.eq_ignore_ascii_case(MULTIPART) {
        let mut body = Multipart::new();
        for (name, field) in fields {
            let declared = encoding(name).and_then(|e| e.content_type).map(first_type);
            match field {
                Field::Text(text) => body.text(name, text, declared),
                Field::Texts(texts) => texts.iter().for_each(|t| body.text(name, t, declared)),
                Field::Json(value) => {
                    body.text(
                        name,
                        &value.to_string(),
                        Some(declared.unwrap_or("application/json")),
                    );
                }
                Field::File(file) => body.file(name, file, declared),
                Field::Files(files) => files.iter().for_each(|f| body.file(name, f, declared)),
            }
        }
        Ok(body.finish())
    } else {
        let mut body = form_urlencoded::Serializer::new(String::new());
        for (name, field) in fields {
            let encoding = encoding(name);
            let explode = encoding.is_none_or(|e| e.explode);
            match field {
                Field::Text(text) => {
                    body.append_pair(name, text);
                }
                Field::Texts(texts) if explode => {
                    texts.iter().for_each(|t| {
                        body.append_pair(name, t);
                    });
                }
                Field::Texts(texts) => {
                    body.append_pair(name, &texts.join(","));
                }
                // `form` style's default, the members as top-level pairs,
                // would mix them with the body's own: `deepObject` keeps them apart.
                Field::Json(serde_json::Value::Object(members)) => {
                    for (key, value) in members {
                        body.append_pair(&format!("{name}[{key}]"), &text_of(value));
                    }
                }
                Field::Json(serde_json::Value::Array(items)) => {
                    for item in items {
                        body.append_pair(name, &text_of(item));
                    }
                }
                Field::Json(value) => {
                    body.append_pair(name, &text_of(value));
                }
                // A file in a urlencoded form is its text.
                Field::File(file) => {
                    body.append_pair(name, &file_text(name, file)?);
                }
                Field::Files(files) => {
                    for file in files {
                        body.append_pair(name, &file_text(name, file)?);
                    }
                }
            }
        }
        Ok((
            URLENCODED.to_owned(),
            Body::from(Bytes::from(body.finish())),
        ))
    }
}

/// A file's bytes as a urlencoded form's text: only one in memory.
fn file_text(name: &str, file: &FilePart) -> Result<String, FileError> {
    match &file.source {
        Source::Bytes(data) => Ok(String::from_utf8_lossy(data).into_owned()),
        Source::Path { .. } | Source::Stream(_) => Err(FileError::NotInMemory {
            name: name.to_owned(),
        }),
    }
}

/// A scalar as form text: a string as it is, `null` as nothing, anything
/// else as its JSON.
#[doc(hidden)]
pub fn text_of(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `image/png` of `image/png, image/jpeg`.
fn first_type(declared: &str) -> &str {
    declared.split(',').next().unwrap_or(declared).trim()
}

/// A multipart body being written (RFC 7578): bytes, and the files not
/// in memory between them.
struct Multipart {
    boundary: String,
    pieces: Vec<Piece>,
    body: Vec<u8>,
}

impl Multipart {
    fn new() -> Self {
        Self {
            boundary: format!("sdk-{}", uuid::Uuid::new_v4().simple()),
            pieces: Vec::new(),
            body: Vec::new(),
        }
    }

    fn head(&mut self, name: &str, file_name: Option<&str>, content_type: Option<&str>) {
        self.body.extend_from_slice(b"--");
        self.body.extend_from_slice(self.boundary.as_bytes());
        self.body
            .extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
        self.body.extend_from_slice(quoted(name).as_bytes());
        self.body.push(b'"');
        if let Some(file_name) = file_name {
            self.body.extend_from_slice(b"; filename=\"");
            self.body.extend_from_slice(quoted(file_name).as_bytes());
            self.body.push(b'"');
        }
        if let Some(content_type) = content_type.filter(|c| !c.contains(['\r', '\n'])) {
            self.body.extend_from_slice(b"\r\nContent-Type: ");
            self.body.extend_from_slice(content_type.as_bytes());
        }
        self.body.extend_from_slice(b"\r\n\r\n");
    }

    fn text(&mut self, name: &str, text: &str, content_type: Option<&str>) {
        self.head(name, None, content_type);
        self.body.extend_from_slice(text.as_bytes());
        self.body.extend_from_slice(b"\r\n");
    }

    fn file(&mut self, name: &str, file: &FilePart, declared: Option<&str>) {
        let content_type = file
            .content_type
            .as_deref()
            .or(declared)
            .unwrap_or("application/octet-stream");
        let file_name = file.file_name.as_deref().unwrap_or(name);
        self.head(name, Some(file_name), Some(content_type));
        match &file.source {
            Source::Bytes(data) => self.body.extend_from_slice(data),
            source => {
                let written = Bytes::from(std::mem::take(&mut self.body));
                self.pieces.push(Piece::Bytes(written));
                self.pieces.push(Piece::File(source.clone()));
            }
        }
        self.body.extend_from_slice(b"\r\n");
    }

    fn finish(mut self) -> (String, Body) {
        self.body.extend_from_slice(b"--");
        self.body.extend_from_slice(self.boundary.as_bytes());
        self.body.extend_from_slice(b"--\r\n");
        self.pieces.push(Piece::Bytes(Bytes::from(self.body)));
        (
            format!("{MULTIPART}; boundary={}", self.boundary),
            Body {
                pieces: self.pieces,
            },
        )
    }
}

/// A name or file name inside quotes, as the WHATWG's form encoding writes
/// it: `"`, CR and LF percent-encoded, so a name cannot end the header.
fn quoted(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENCODINGS: &[Encoding] = &[
        Encoding {
            name: "file",
            content_type: Some("image/png, image/jpeg"),
            explode: true,
        },
        Encoding {
            name: "ids",
            content_type: None,
            explode: false,
        },
    ];

    #[test]
    fn multipart_bodies_carry_text_json_and_files_with_their_types() {
        let fields = vec![
            ("model".to_owned(), Field::from("whisper-1")),
            (
                "file".to_owned(),
                Field::File(FilePart::bytes(&b"\x89PNG"[..]).file_name("a\"b.png")),
            ),
            ("meta".to_owned(), Field::Json(serde_json::json!({"a": 1}))),
            (
                "tags".to_owned(),
                Field::Texts(vec!["x".into(), "y".into()]),
            ),
        ];
        let (content_type, body) = encode(MULTIPART, &fields, ENCODINGS).unwrap();
        let body = body.in_memory().unwrap();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22b.png\"\r\nContent-Type: image/png\r\n\r\n\u{fffd}PNG\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"a\":1}}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nx\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\ny\r\n\
             --{boundary}--\r\n"
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn urlencoded_bodies_follow_style_and_explode() {
        let fields = vec![
            ("name".to_owned(), Field::from("a b&c")),
            (
                "filter".to_owned(),
                Field::Json(serde_json::json!({"status": "on", "limit": 3})),
            ),
            ("ids".to_owned(), Field::Texts(vec!["1".into(), "2".into()])),
            (
                "tags".to_owned(),
                Field::Texts(vec!["x".into(), "y".into()]),
            ),
        ];
        let (content_type, body) = encode(URLENCODED, &fields, ENCODINGS).unwrap();
        let body = body.in_memory().unwrap();
        assert_eq!(content_type, URLENCODED);
        assert_eq!(
            body,
            "name=a+b%26c&filter%5Bstatus%5D=on&filter%5Blimit%5D=3&ids=1%2C2&tags=x&tags=y"
        );
    }

    #[tokio::test]
    async fn file_parts_come_from_paths_and_bounded_streams() {
        let missing = FilePart::path("/nonexistent/file.bin").await;
        assert!(matches!(missing, Err(FileError::Read { .. })));
        let path = std::env::temp_dir().join(format!("sdk-forms-{}.txt", uuid::Uuid::new_v4()));
        std::fs::write(&path, b"hello").unwrap();
        let file = FilePart::path(&path).await.unwrap();
        std::fs::remove_file(&path).unwrap();
        let directory = FilePart::path(std::env::temp_dir()).await;
        assert!(matches!(directory, Err(FileError::Read { .. })));
        assert_eq!(file.len(), Some(5));
        assert_eq!(
            file.file_name.as_deref(),
            path.file_name().and_then(|n| n.to_str())
        );
        let chunks = || {
            futures_util::stream::iter(
                (0..3).map(|_| Ok::<_, std::io::Error>(Bytes::from_static(b"abc"))),
            )
        };
        assert_eq!(FilePart::stream(chunks(), 9).await.unwrap().len(), Some(9));
        assert_eq!(FilePart::streaming(chunks()).len(), None);
        assert!(matches!(
            FilePart::stream(chunks(), 8).await,
            Err(FileError::TooLarge { limit: 8 })
        ));
    }

    /// The bytes `body` sends, read through reqwest's body as hyper would.
    async fn sent(body: &Body) -> Result<Vec<u8>, BoxError> {
        use std::error::Error as _;

        use http_body::Body as _;
        let mut request = body.request_body();
        let mut sent = Vec::new();
        while let Some(frame) =
            std::future::poll_fn(|cx| Pin::new(&mut request).poll_frame(cx)).await
        {
            // reqwest wraps the body's error: the chain, as a caller's log shows it.
            let frame = frame.map_err(|error| {
                let mut chain = error.to_string();
                let mut source = error.source();
                while let Some(cause) = source {
                    chain.push_str(&format!(": {cause}"));
                    source = cause.source();
                }
                BoxError::from(chain)
            })?;
            if let Ok(data) = frame.into_data() {
                sent.extend_from_slice(&data);
            }
        }
        Ok(sent)
    }

    #[tokio::test]
    async fn files_from_paths_and_streams_are_read_as_the_body_is_sent() {
        let path = std::env::temp_dir().join(format!("sdk-forms-{}.bin", uuid::Uuid::new_v4()));
        let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let file = FilePart::path(&path).await.unwrap().file_name("a.bin");
        let chunks = futures_util::stream::iter(
            [&b"ab"[..], b"cd"].map(|c| Ok::<_, std::io::Error>(Bytes::from_static(c))),
        );
        let fields = vec![
            ("note".to_owned(), Field::from("hi")),
            ("file".to_owned(), Field::File(file.clone())),
            (
                "log".to_owned(),
                Field::File(FilePart::streaming(chunks).file_name("log.txt")),
            ),
        ];
        let (content_type, body) = encode(MULTIPART, &fields, ENCODINGS).unwrap();
        assert!(
            body.in_memory().is_none(),
            "the file is not read into memory"
        );
        assert_eq!(body.length(), None, "a streamed part has no length");
        assert!(!body.replayable());
        assert_eq!(body.options(crate::CallOptions::default()).retries, Some(0));
        let boundary = content_type.rsplit('=').next().unwrap();
        let all = sent(&body).await.unwrap();
        let mut expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .into_bytes();
        expected.extend_from_slice(&data);
        expected.extend_from_slice(
            format!(
                "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"log\"; filename=\"log.txt\"\r\nContent-Type: application/octet-stream\r\n\r\nabcd\r\n--{boundary}--\r\n"
            )
            .as_bytes(),
        );
        assert!(
            all == expected,
            "{} bytes sent, {} expected",
            all.len(),
            expected.len()
        );
        // A stream goes once: a second send fails rather than send less.
        let again = sent(&body).await.unwrap_err();
        assert!(again.to_string().contains("sent already"), "{again}");

        // A path alone: the exact length, sent again on a retry.
        let fields = vec![("file".to_owned(), Field::File(file))];
        let (_, body) = encode(MULTIPART, &fields, ENCODINGS).unwrap();
        assert!(body.replayable());
        let first = sent(&body).await.unwrap();
        assert_eq!(body.length(), Some(first.len() as u64));
        assert_eq!(sent(&body).await.unwrap(), first);
        // A file gone by the time it is sent fails the request, naming it.
        std::fs::remove_file(&path).unwrap();
        let gone = sent(&body).await.unwrap_err();
        assert!(gone.to_string().contains("cannot read"), "{gone}");

        let urlencoded = encode(URLENCODED, &fields, ENCODINGS);
        assert!(matches!(urlencoded, Err(FileError::NotInMemory { .. })));
    }

    /// One request read by a loopback server: its head, and the body its
    /// `Content-Length` announces.
    async fn receive_one(listener: tokio::net::TcpListener) -> (String, Vec<u8>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut received = Vec::new();
        let mut buffer = vec![0; CHUNK];
        let (head, length) = loop {
            let read = stream.read(&mut buffer).await.unwrap();
            assert!(read > 0, "the request ended before its head");
            received.extend_from_slice(&buffer[..read]);
            if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&received[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length: "))
                    .map_or(0, |n| n.trim().parse::<usize>().unwrap());
                received.drain(..end + 4);
                break (head, length);
            }
        };
        while received.len() < length {
            let read = stream.read(&mut buffer).await.unwrap();
            assert!(read > 0, "the body ended early");
            received.extend_from_slice(&buffer[..read]);
        }
        stream
            .write_all(b"HTTP/1.1 204 No Content\r\n\r\n")
            .await
            .unwrap();
        (head, received)
    }

    #[tokio::test]
    async fn a_file_from_a_path_goes_over_the_wire_with_its_length() {
        let path = std::env::temp_dir().join(format!("sdk-forms-{}.bin", uuid::Uuid::new_v4()));
        std::fs::write(&path, vec![7u8; 300_000]).unwrap();
        let file = FilePart::path(&path).await.unwrap();
        let (content_type, body) = encode(
            MULTIPART,
            &[("file".to_owned(), Field::File(file))],
            ENCODINGS,
        )
        .unwrap();
        let expected = sent(&body).await.unwrap();

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(receive_one(listener));
        let client = crate::reqwest_client_builder().unwrap().build().unwrap();
        let response = client
            .post(format!("http://{address}/upload"))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body.request_body())
            .send()
            .await
            .unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(response.status(), 204);
        let (head, received) = server.await.unwrap();
        assert!(
            head.contains(&format!("content-length: {}", expected.len())),
            "{head}"
        );
        assert!(!head.contains("transfer-encoding"), "{head}");
        assert!(received == expected, "{} bytes received", received.len());
    }
}

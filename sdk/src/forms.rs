//! Form request bodies: `multipart/form-data` (text fields, JSON fields and
//! files) and `application/x-www-form-urlencoded`. Each operation whose
//! document declares one gets a typed builder (`<provider>::forms`), a
//! setter per property of the body's schema; this module holds what they
//! share: [`FilePart`], [`Field`], and the encoder.
//!
//! The body is encoded in memory before it is sent, so a retried call
//! sends it again: a [`FilePart`] read from a path or a stream is read
//! whole (bounded by the caller, for a stream) when it is made.

use std::fmt;
use std::path::Path;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};

/// A file in a multipart body: its bytes, a file name and a media type.
#[derive(Clone)]
pub struct FilePart {
    data: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("bytes", &self.data.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// Why a file part could not be made.
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
    Stream(Box<dyn std::error::Error + Send + Sync>),
}

impl FilePart {
    /// A file of these bytes (no file name: set one with [`Self::file_name`]).
    pub fn bytes(data: impl Into<Bytes>) -> Self {
        Self {
            data: data.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// The file at `path`, read now, named after its last component.
    pub async fn path(path: impl AsRef<Path>) -> Result<Self, FileError> {
        let path = path.as_ref();
        let data = tokio::fs::read(path)
            .await
            .map_err(|source| FileError::Read {
                path: path.display().to_string(),
                source,
            })?;
        Ok(Self {
            data: data.into(),
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
            content_type: None,
        })
    }

    /// The bytes of `stream`, read now, at most `limit` of them.
    pub async fn stream<S, E>(stream: S, limit: u64) -> Result<Self, FileError>
    where
        S: Stream<Item = Result<Bytes, E>>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
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

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether it has no bytes.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
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
/// the property encodings `encodings`: its `Content-Type` and bytes.
#[doc(hidden)]
pub fn encode(
    media_type: &str,
    fields: &[(String, Field)],
    encodings: &[Encoding],
) -> (String, Bytes) {
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
        body.finish()
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
                    body.append_pair(name, &String::from_utf8_lossy(&file.data));
                }
                Field::Files(files) => files.iter().for_each(|file| {
                    body.append_pair(name, &String::from_utf8_lossy(&file.data));
                }),
            }
        }
        (URLENCODED.to_owned(), Bytes::from(body.finish()))
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

/// A multipart body being written (RFC 7578).
struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Multipart {
    fn new() -> Self {
        Self {
            boundary: format!("sdk-{}", uuid::Uuid::new_v4().simple()),
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
        self.body.extend_from_slice(&file.data);
        self.body.extend_from_slice(b"\r\n");
    }

    fn finish(mut self) -> (String, Bytes) {
        self.body.extend_from_slice(b"--");
        self.body.extend_from_slice(self.boundary.as_bytes());
        self.body.extend_from_slice(b"--\r\n");
        (
            format!("{MULTIPART}; boundary={}", self.boundary),
            Bytes::from(self.body),
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
        let (content_type, body) = encode(MULTIPART, &fields, ENCODINGS);
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
        let (content_type, body) = encode(URLENCODED, &fields, ENCODINGS);
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
        assert_eq!(file.len(), 5);
        assert_eq!(
            file.file_name.as_deref(),
            path.file_name().and_then(|n| n.to_str())
        );
        let chunks = || {
            futures_util::stream::iter(
                (0..3).map(|_| Ok::<_, std::io::Error>(Bytes::from_static(b"abc"))),
            )
        };
        assert_eq!(FilePart::stream(chunks(), 9).await.unwrap().len(), 9);
        assert!(matches!(
            FilePart::stream(chunks(), 8).await,
            Err(FileError::TooLarge { limit: 8 })
        ));
    }
}
